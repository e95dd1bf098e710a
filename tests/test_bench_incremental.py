"""Incremental validation is honest: after any edit it reports exactly what a full validation reports.

Each test builds a release from a copy of the repository's project (the baseline, fully validated), edits the
copy, then compares `validate_parsed(parsed, baseline=...)` with the full `validate_parsed(parsed)` on the
same parsed files, and checks that `build` refuses to publish what the full check rejects. The edits put
violations where the incremental check does not look first: in files that did not change, on nodes that did
not change, reached only through a changed neighbour or through an edge that was removed.
Also: bench/gen.py writes a project that conforms to the real shapes.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from dataclasses import asdict
from pathlib import Path

import pytest
from rdflib import Graph

from axiskg.build import build
from axiskg.errors import ShapeViolationError
from axiskg.load import parse_project
from axiskg.project import Project
from axiskg.release import CURRENT
from axiskg.validate import UNBOUNDED, load_baseline, shapes_reach, validate, validate_parsed

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))


def _copy_project(dst: Path) -> Path:
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(REPO / folder, dst / folder)
    return dst


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A pristine copy of the project and an output dir holding its (fully validated) release."""
    root = _copy_project(tmp_path_factory.mktemp("pristine"))
    out = tmp_path_factory.mktemp("out")
    result = build(root, out)
    meta = json.loads((result.release_dir / "release.json").read_text())
    assert meta["validation"]["mode"] == "full"
    return root, out


@pytest.fixture
def project(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A fresh copy of the project and of its release output, to edit."""
    root, out = built
    shutil.copytree(root, tmp_path / "p", symlinks=True)
    shutil.copytree(out, tmp_path / "out", symlinks=True)
    return tmp_path / "p", tmp_path / "out"


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _delete_block(path: Path, subject: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(re.escape(subject) + r" a .*?\.\n(?=\n|\Z)", "", text, count=1, flags=re.S)
    assert n == 1, subject
    path.write_text(new, encoding="utf-8")


def _both(root: Path, out: Path) -> tuple[list[dict[str, object]], list[dict[str, object]], str]:
    parsed = parse_project(Project.at(root))
    full = validate_parsed(parsed)
    inc = validate_parsed(parsed, baseline=load_baseline(out))
    assert inc.conforms == full.conforms
    return [asdict(v) for v in full.violations], [asdict(v) for v in inc.violations], inc.mode


def _check(root: Path, out: Path, expect_violation: str | None) -> list[dict[str, object]]:
    full, inc, mode = _both(root, out)
    assert mode == "incremental"
    assert inc == full
    if expect_violation is not None:
        assert any(expect_violation in str(v["message"]) for v in full if v["severity"] == "Violation"), full
        before = (out / CURRENT).resolve()
        with pytest.raises(ShapeViolationError):
            build(root, out)
        assert (out / CURRENT).resolve() == before  # nothing published
    return full


def test_the_shapes_read_one_hop_around_their_focus_node() -> None:
    shapes = Graph()
    for p in sorted((REPO / "shapes").glob("*.ttl")):
        shapes.parse(p, format="turtle")
    assert shapes_reach(shapes) == 1


def test_shapes_that_read_further_are_detected() -> None:
    head = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
    two_hops = (
        head
        + "ex:S a sh:NodeShape ; sh:targetClass ex:C ;"
        + " sh:property [ sh:path ( ex:p ex:q ) ; sh:class ex:D ] ."
    )
    sparql = (
        head + 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE {}" ] .'
    )
    star = (
        head
        + "ex:S a sh:NodeShape ; sh:targetClass ex:C ;"
        + " sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:minCount 1 ] ."
    )
    assert shapes_reach(Graph().parse(data=two_hops, format="turtle")) == 2
    assert shapes_reach(Graph().parse(data=sparql, format="turtle")) == UNBOUNDED
    assert shapes_reach(Graph().parse(data=star, format="turtle")) == UNBOUNDED


def test_an_unchanged_tree_validates_nothing_new_and_keeps_its_warnings(project: tuple[Path, Path]) -> None:
    root, out = project
    parsed = parse_project(Project.at(root))
    inc = validate_parsed(parsed, baseline=load_baseline(out))
    assert inc.mode == "incremental" and inc.changed == 0
    assert [asdict(v) for v in inc.violations] == [asdict(v) for v in validate_parsed(parsed).violations]


def test_a_type_removed_in_actors_breaks_unchanged_report_files(project: tuple[Path, Path]) -> None:
    """Only actors.ttl changes; the claims of the unchanged report files now point at an entity declared
    nowhere, which the incremental check finds as the full one does (`_check`). The violations are reported
    where the entity is still described, actors.ttl, the place to mend it. (This test asserted a violation in
    a report file: it held only through an unrelated warning of report-002, gone since that act says that
    the report names no speaker.)"""
    root, out = project
    _edit(
        root / "data" / "actors.ttl",
        "<https://w3id.org/axiskg/id/person/qais-al-khazali> a axo:Person ;",
        "<https://w3id.org/axiskg/id/person/qais-al-khazali>",
    )
    full = _check(root, out, "declared nowhere")
    khazali = "https://w3id.org/axiskg/id/person/qais-al-khazali"
    broken = [v for v in full if v["severity"] == "Violation"]
    assert broken and all(str(v["focus"]) == khazali and v["file"] == "data/actors.ttl" for v in broken)


def test_a_report_retyped_in_sources_breaks_every_claim_stated_in_it(project: tuple[Path, Path]) -> None:
    root, out = project
    _edit(
        root / "data" / "sources.ttl",
        "<https://w3id.org/axiskg/id/report/amwaj-2023-11-07> a axo:Report ;",
        "<https://w3id.org/axiskg/id/report/amwaj-2023-11-07> a axo:Publication ;",
    )
    full = _check(root, out, "must be an axo:Report")
    assert sum(1 for v in full if str(v["file"]) == "data/report-001.ttl") > 10


def test_removed_claims_leave_a_speech_act_without_speaker(project: tuple[Path, Path]) -> None:
    """The act itself does not change: it is reached only through the removed claims' old edges."""
    root, out = project
    _delete_block(root / "data" / "report-000.ttl", "claim:000-proposal-speaker-hamidawi")
    _delete_block(root / "data" / "report-001.ttl", "claim:001-proposal-speaker-muhammadawi")
    full = _check(root, out, None)
    assert any(
        "kataib-hezbollah-proposal-end-us-presence" in str(v["focus"]) and "no speaker" in str(v["message"])
        for v in full
    )


def test_a_deleted_source_is_caught_in_every_chain_that_cites_it(project: tuple[Path, Path]) -> None:
    root, out = project
    _delete_block(root / "data" / "sources.ttl", "<https://w3id.org/axiskg/id/source/amwaj-informed-sources>")
    _check(root, out, "declared nowhere")


def test_the_report_itself_put_in_a_chain_is_caught(project: tuple[Path, Path]) -> None:
    root, out = project
    _edit(
        root / "data" / "report-001.ttl",
        "axo:attributionChain ( source:amwaj-informed-sources ) ;",
        "axo:attributionChain ( source:amwaj-informed-sources report:amwaj-2023-11-07 ) ;",
    )
    _check(root, out, "contains the report the claim is stated in")


def test_a_new_report_file_with_a_bad_claim_is_caught(project: tuple[Path, Path]) -> None:
    root, out = project
    (root / "data" / "report-099.ttl").write_text(
        "@prefix axo: <https://w3id.org/axiskg/ontology#> .\n"
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "<https://w3id.org/axiskg/id/claim/099-x> a axo:Claim ;\n"
        "    rdf:subject <https://w3id.org/axiskg/id/person/qais-al-khazali> ;\n"
        "    rdf:predicate <https://schema.org/attendee> ;\n"
        "    rdf:object <https://w3id.org/axiskg/id/person/nobody-declared> ;\n"
        "    axo:statedIn <https://w3id.org/axiskg/id/report/amwaj-2023-11-07> ;\n"
        "    axo:attributionChain () ;\n"
        '    axo:quote "x"@en .\n',
        encoding="utf-8",
    )
    _check(root, out, "hedge")


def test_a_valid_edit_is_published_incrementally_then_a_full_check_agrees(project: tuple[Path, Path]) -> None:
    root, out = project
    _edit(root / "data" / "report-001.ttl", "axo:hedge hedge:none ;", "axo:hedge hedge:reportedly ;")
    _check(root, out, None)
    result = build(root, out)
    meta = json.loads((result.release_dir / "release.json").read_text())
    assert meta["validation"]["mode"] == "incremental" and meta["validation"]["changed"] == 1
    assert (result.release_dir / "validation-index.json.gz").exists()
    forced = build(root, out, full=True)
    assert json.loads((forced.release_dir / "release.json").read_text())["validation"]["mode"] == "full"
    assert [str(v) for v in forced.report.violations] == [str(v) for v in result.report.violations]


def test_changed_shapes_mean_a_full_validation(project: tuple[Path, Path]) -> None:
    root, out = project
    _edit(root / "shapes" / "labels.ttl", "sh:minCount 1 ;", "sh:minCount 1 ; # edited\n", 1)
    parsed = parse_project(Project.at(root))
    report = validate_parsed(parsed, baseline=load_baseline(out))
    assert report.mode == "full" and "shapes" in str(report.full_reason)


def test_gen_writes_a_project_that_conforms_to_the_real_shapes(tmp_path: Path) -> None:
    from gen import generate

    n = generate(4000, tmp_path / "g")
    assert 4000 <= n < 4400
    report = validate(tmp_path / "g")
    assert report.conforms and not report.violations, [str(v) for v in report.violations[:5]]
    text = "".join(p.read_text() for p in (tmp_path / "g" / "data").glob("*.ttl"))
    for term in (
        "axo:Person",
        "org:Membership",
        "axo:Meeting",
        "axo:Response",
        "axo:DateSpec",
        "axo:attributionChain (",
        "axo:hedge",
        "axo:quote",
        "rdf:predicate schema:attendee",
    ):
        assert term in text, term


def test_incremental_matches_full_on_synthetic_edits(tmp_path: Path) -> None:
    """A generated project: one membership's organization removed from actors.ttl, a hedge changed."""
    from gen import generate

    root = tmp_path / "g"
    generate(3000, root)
    build(root, tmp_path / "out")
    _edit(root / "data" / "actors.ttl", "actor:o3 a ", "actor:o3-renamed a ")
    _edit(root / "data" / "report-000.ttl", "axo:hedge hedge:", "axo:hedge hedge:alleged ; axo:hedge hedge:")
    _check(root, tmp_path / "out", "exactly one axo:hedge")
