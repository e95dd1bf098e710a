"""diff(): entities and claims added, removed and changed between two releases; triple counts."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from axiskg import iris
from axiskg.build import build
from axiskg.cli import app
from axiskg.diff import diff

CLAIM_ATTENDED = iris.ID + "claim/000-khazali-attended"
KHAZALI = iris.ID + "person/qais-al-khazali"


def _two_releases(project: Path, out: Path) -> tuple[Path, Path]:
    """A release of the tiny project, then one where a person is added, a claim removed and one changed."""
    old = build(project, out).release_dir
    (project / "data" / "more.ttl").write_text(
        "<https://w3id.org/axiskg/id/person/hadi-al-ameri> a <https://w3id.org/axiskg/ontology#Person> ;\n"
        '  <http://www.w3.org/2004/02/skos/core#prefLabel> "Hadi al-Ameri"@en .\n'
    )
    report = project / "data" / "report-000.ttl"
    text = report.read_text()
    text = text.replace(
        "axo:hedge hedge:reportedly", "axo:hedge hedge:alleged"
    )  # the attendance claim changes
    start = text.index("claim:000-khazali-leads-aah")
    text = text[:start]  # the membership claim is removed (it is the last statement)
    report.write_text(text)
    new = build(project, out).release_dir
    return old, new


def test_diff_reports_added_removed_and_changed(tiny_project: Path, tmp_path: Path) -> None:
    old, new = _two_releases(tiny_project, tmp_path / "out")
    d = diff(old, new)
    assert d.old_id == old.name and d.new_id == new.name
    assert d.entities.added == [iris.ID + "person/hadi-al-ameri"]
    assert d.entities.removed == []
    assert d.claims.removed == [iris.ID + "claim/000-khazali-leads-aah"]
    assert d.claims.added == []
    assert list(d.claims.changed) == [CLAIM_ATTENDED]
    change = d.claims.changed[CLAIM_ATTENDED]
    assert change["added"] == [f"<{iris.AXO}hedge> <{iris.HEDGE}alleged>"]
    assert change["removed"] == [f"<{iris.AXO}hedge> <{iris.HEDGE}reportedly>"]
    assert d.graphs[iris.GRAPH + "more"] == (0, 2)
    assert d.triples[1] != d.triples[0]


def test_identical_content_has_no_changes_despite_new_blank_nodes(tiny_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    a = build(tiny_project, out).release_dir
    b = build(tiny_project, out, force=True).release_dir  # attribution-chain lists get new blank node ids
    assert a != b
    d = diff(a, b)
    assert d.unchanged
    assert d.to_json()["triples"]["delta"] == 0


def test_cli_diff_readable_and_json(tiny_project: Path, tmp_path: Path) -> None:
    old, new = _two_releases(tiny_project, tmp_path / "out")
    runner = CliRunner()
    text = runner.invoke(app, ["diff", str(old), str(new)])
    assert text.exit_code == 0, text.output
    assert "entities: +1 -0 ~0" in text.stdout
    assert "claims: +0 -1 ~1" in text.stdout
    assert f"~ {CLAIM_ATTENDED}" in text.stdout
    assert f"      + <{iris.AXO}hedge> <{iris.HEDGE}alleged>" in text.stdout
    js = runner.invoke(app, ["diff", str(old), str(new), "--format", "json"])
    data = json.loads(js.stdout)
    assert data["claims"]["removed"] == [iris.ID + "claim/000-khazali-leads-aah"]
    assert data["graphs"][iris.GRAPH + "more"] == {"old": 0, "new": 2, "delta": 2}


def test_cli_diff_missing_release(tmp_path: Path, tiny_release_out: Path) -> None:
    result = CliRunner().invoke(app, ["diff", str(tmp_path / "nope"), str(tiny_release_out)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no release at ")


def test_cli_diff_names_the_releases_there_for_an_id_that_is_not(tiny_release_out: Path) -> None:
    """A placeholder id copied from the docs (release/releases/<id>) was told to run `axiskg build --out
    release/releases/<id>`, a release inside a release folder."""
    missing = tiny_release_out / "releases" / "20261122T010000Z-1a2b3c4d"
    result = CliRunner().invoke(app, ["diff", str(missing), str(tiny_release_out)])
    assert result.exit_code == 1
    known = (tiny_release_out / "current").resolve().name
    assert (
        f"Error: no release 20261122T010000Z-1a2b3c4d in {missing.parent} (the newest there: "
        in result.stderr
    )
    assert known in result.stderr and "axiskg build" not in result.stderr
