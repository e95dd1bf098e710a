"""build(): the release layout, its contents checked by meaning, and atomicity under failure."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from axiskg import iris
from axiskg.build import STEPS, BuildResult, build
from axiskg.errors import BuildError, ParseError, ShapeViolationError
from axiskg.release import list_releases, open_release
from axiskg.void import DEFAULT_BASE_URL

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SH = Namespace("http://www.w3.org/ns/shacl#")
AXO = Namespace(iris.AXO)
DATASET = URIRef(iris.BASE + "dataset")
DUMPS = [
    "axiskg.nq",
    "axiskg.trig",
    "axiskg.ttl",
    "axiskg.jsonld",
    "ontology.ttl",
    "ontology.jsonld",
    "ontology.rdf",
]


def _quads(release_dir: Path) -> set[ox.Quad]:
    return set(open_release(release_dir).store.quads_for_pattern(None, None, None))


def _snapshot(out: Path) -> tuple[str, list[str]]:
    """What a reader of `out` sees: where current points, and the complete releases."""
    return os.readlink(out / "current"), [p.name for p in list_releases(out)]


# --- layout and contents -----------------------------------------------------------------------------


def test_release_layout(tiny_release_out: Path) -> None:
    current = tiny_release_out / "current"
    assert current.is_symlink()
    rdir = current.resolve()
    assert rdir.parent.name == "releases"
    for name in ["store", "release.json", "void.ttl", "validation.ttl", "validation.html", "SHA256SUMS"]:
        assert (rdir / name).exists(), name
    for name in DUMPS:
        assert (rdir / "dumps" / name).stat().st_size > 0, name
    meta = json.loads((rdir / "release.json").read_text())
    assert meta["id"] == rdir.name
    assert set(meta) >= {"id", "version", "created", "triples", "graphs", "files"}
    assert meta["triples"] == sum(meta["graphs"].values())


def test_checksums_cover_every_file_and_match(tiny_release_out: Path) -> None:
    rdir = (tiny_release_out / "current").resolve()
    listed = {}
    for line in (rdir / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    on_disk = {p.relative_to(rdir).as_posix() for p in rdir.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(listed) == on_disk
    for name, digest in listed.items():
        assert hashlib.sha256((rdir / name).read_bytes()).hexdigest() == digest, name


def test_store_holds_one_graph_per_file_and_the_derived_edges(tiny_release_out: Path) -> None:
    rel = open_release(tiny_release_out)
    graphs = set(rel.graphs)
    g = iris.GRAPH
    assert graphs == {g + "ontology", g + "actors", g + "report-000", g + "derived", g + "void"}
    ask = rel.store.query(
        "ASK { GRAPH <https://w3id.org/axiskg/graph/derived> { "
        "<https://w3id.org/axiskg/id/meeting/tehran-session> <https://schema.org/attendee> "
        "<https://w3id.org/axiskg/id/person/qais-al-khazali> } }"
    )
    assert bool(ask)
    counts = {}
    for q in rel.store.quads_for_pattern(None, None, None):
        counts[q.graph_name.value] = counts.get(q.graph_name.value, 0) + 1
    assert counts == rel.graphs


def test_dataset_dumps_hold_exactly_the_store(tiny_release_out: Path) -> None:
    rdir = (tiny_release_out / "current").resolve()
    store = _quads(rdir)
    for name in ["axiskg.nq", "axiskg.trig"]:
        parsed = set(ox.parse(path=rdir / "dumps" / name))
        # blank nodes are relabelled by a parser: compare the ground quads, and the count of all
        ground = {q for q in store if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}
        assert ground <= parsed, name
        assert len(parsed) == len(store), name


@pytest.mark.parametrize("check", [True, False])  # full validation: after the dumps; without: by a thread
def test_store_loaded_in_small_batches_is_exactly_the_nquads_dump(
    tiny_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, check: bool
) -> None:
    """The on-disk store is loaded from axiskg.nq in batches: a blank node whose quads fall into two batches
    stays one node (same label as in the dump), and nothing is lost or doubled."""
    import axiskg.build as build_mod

    monkeypatch.setattr(build_mod, "STORE_LOAD_BATCH", 7)
    result = build(tiny_project, tmp_path / "out", check=check)
    dumped = set(ox.parse(path=result.release_dir / "dumps" / "axiskg.nq", format=ox.RdfFormat.N_QUADS))
    assert len(dumped) > 10 * 7
    assert any(isinstance(q.subject, ox.BlankNode) for q in dumped)
    assert _quads(result.release_dir) == dumped


def test_turtle_dump_is_exactly_the_union_of_the_nquads_dump(tiny_project: Path, tmp_path: Path) -> None:
    """A triple in several graphs (restated in another file) is in axiskg.ttl once; blank nodes included, the
    Turtle file parses to exactly the triples of the N-Quads dump. A triple written by hand that a claim also
    gives is not derived again (graph/derived holds only what no source graph states): validation refuses a
    schema:attendee written by hand (axiskg.checks.stated_derived_edges), so built without the check."""
    (tiny_project / "data" / "restated.ttl").write_text(  # a person (shared) may be described in two files
        "<https://w3id.org/axiskg/id/person/qais-al-khazali> a <https://w3id.org/axiskg/ontology#Person> .\n"
    )
    with (tiny_project / "data" / "report-000.ttl").open("a") as f:  # a meeting only in its own file
        f.write(
            "\n<https://w3id.org/axiskg/id/meeting/tehran-session> <https://schema.org/attendee> "
            "<https://w3id.org/axiskg/id/person/qais-al-khazali> .\n"
        )
    rdir = build(tiny_project, tmp_path / "out", check=False).release_dir
    nquads = set(ox.parse(path=rdir / "dumps" / "axiskg.nq", format=ox.RdfFormat.N_QUADS))
    union = {ox.Triple(q.subject, q.predicate, q.object) for q in nquads}
    assert len(union) == len(nquads) - 1  # the type, in two source graphs
    attended = ox.Triple(
        ox.NamedNode("https://w3id.org/axiskg/id/meeting/tehran-session"),
        ox.NamedNode("https://schema.org/attendee"),
        ox.NamedNode("https://w3id.org/axiskg/id/person/qais-al-khazali"),
    )
    holders = [q.graph_name.value for q in nquads if ox.Triple(q.subject, q.predicate, q.object) == attended]
    assert holders == [iris.GRAPH + "report-000"]
    turtle = [  # ox.parse keeps blank node labels: an exact comparison
        ox.Triple(t.subject, t.predicate, t.object)
        for t in ox.parse(path=rdir / "dumps" / "axiskg.ttl", format=ox.RdfFormat.TURTLE)
    ]
    assert any(isinstance(t.subject, ox.BlankNode) for t in turtle)
    assert len(turtle) == len(set(turtle))
    assert set(turtle) == union
    described = {
        ox.Triple(q.subject, q.predicate, q.object) for q in nquads if q.graph_name.value != iris.GRAPH_VOID
    }
    assert json.loads((rdir / "release.json").read_text())["distinct_triples"] == len(described)


def test_jsonld_dump_keeps_named_graphs(tiny_release_out: Path) -> None:
    rdir = (tiny_release_out / "current").resolve()
    parsed = list(ox.parse(path=rdir / "dumps" / "axiskg.jsonld", format=ox.RdfFormat.JSON_LD))
    assert len(parsed) == len(_quads(rdir))
    assert {q.graph_name.value for q in parsed} == set(open_release(rdir).graphs)


def test_turtle_dump_is_the_union_graph(tiny_release_out: Path) -> None:
    rdir = (tiny_release_out / "current").resolve()
    union = Graph()
    for q in ox.parse(path=rdir / "dumps" / "axiskg.nq"):
        union.parse(data=f"{q.subject} {q.predicate} {q.object} .", format="nt")
    dumped = Graph().parse(rdir / "dumps" / "axiskg.ttl", format="turtle")
    assert len(dumped) == len(union)
    assert (
        URIRef("https://w3id.org/axiskg/id/meeting/tehran-session"),
        URIRef("https://schema.org/attendee"),
        URIRef("https://w3id.org/axiskg/id/person/qais-al-khazali"),
    ) in dumped


def test_ontology_dumps_are_the_ontology_in_three_syntaxes(tiny_release_out: Path) -> None:
    rdir = (tiny_release_out / "current").resolve()
    source = Graph().parse(rdir.parents[2] / "project" / "ontology" / "axiskg.ttl", format="turtle")
    for name, fmt in [("ontology.ttl", "turtle"), ("ontology.jsonld", "json-ld"), ("ontology.rdf", "xml")]:
        assert isomorphic(Graph().parse(rdir / "dumps" / name, format=fmt), source), name


def test_void_describes_the_release(tiny_release_out: Path) -> None:
    rel = open_release(tiny_release_out)
    void = Graph().parse(rel.path / "void.ttl", format="turtle")
    assert (DATASET, RDF.type, VOID.Dataset) in void
    assert (DATASET, RDF.type, DCAT.Dataset) in void
    assert (DATASET, DCT.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in void
    assert void.value(DATASET, DCT.title) is not None
    assert str(void.value(DATASET, DCT.identifier)) == rel.id
    assert void.value(DATASET, DCT.issued) == Literal(
        rel.metadata["created"][:10], datatype=URIRef(iris.PREFIXES["xsd"] + "date")
    )
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(iris.BASE + "sparql")
    # one subset per named graph, this description's own graph too, with the release's counts; the total is
    # what the endpoint and the dumps hold (graph/void was left out: a dump could not be checked against it)
    subsets = {
        str(void.value(s, SD.name)): int(void.value(s, VOID.triples))  # type: ignore[arg-type]
        for s in void.objects(DATASET, VOID.subset)
    }
    assert subsets == rel.graphs
    assert subsets[iris.GRAPH_VOID] == len(void)
    total = int(void.value(DATASET, VOID.triples))  # type: ignore[arg-type]
    assert total == sum(rel.graphs.values()) == len(rel.store)
    # class partition: one person
    persons = [
        p for p in void.objects(DATASET, VOID.classPartition) if void.value(p, VOID["class"]) == AXO.Person
    ]
    assert [int(void.value(p, VOID.entities)) for p in persons] == [1]  # type: ignore[arg-type]
    props = {void.value(p, VOID.property) for p in void.objects(DATASET, VOID.propertyPartition)}
    assert URIRef("https://schema.org/attendee") in props
    downloads = {str(void.value(d, DCAT.downloadURL)) for d in void.objects(DATASET, DCAT.distribution)}
    assert downloads == {iris.BASE + "downloads/dumps/" + n for n in DUMPS}
    examples = set(void.objects(DATASET, VOID.exampleResource))
    assert URIRef("https://w3id.org/axiskg/id/person/qais-al-khazali") in examples
    # the same description is in the store, graph/void, for the SPARQL endpoint
    assert bool(rel.store.query(f"ASK {{ GRAPH <{iris.GRAPH_VOID}> {{ <{DATASET}> a <{VOID}Dataset> }} }}"))


def test_validation_report_is_published(tiny_release_out: Path) -> None:
    rdir = (tiny_release_out / "current").resolve()
    report = Graph().parse(rdir / "validation.ttl", format="turtle")
    [node] = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(True)
    html = (rdir / "validation.html").read_text()
    assert "<h1>SHACL validation report</h1>" in html and "conforms" in html
    # read on a phone (it was 942 px wide at 375) and a way back to the downloads it is served among
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<a href="../downloads">' in html


def test_progress_reports_every_step(tiny_project: Path, tmp_path: Path) -> None:
    seen: list[str] = []
    build(tiny_project, tmp_path / "out", progress=seen.append)
    assert seen == list(STEPS)


def test_a_new_build_becomes_current_and_keeps_the_old_release(tiny_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(tiny_project, out)
    (tiny_project / "data" / "more.ttl").write_text(
        "<https://w3id.org/axiskg/id/person/hadi-al-ameri> a <https://w3id.org/axiskg/ontology#Person> ;\n"
        '  <http://www.w3.org/2004/02/skos/core#prefLabel> "Hadi al-Ameri"@en .\n'
    )
    second = build(tiny_project, out)
    assert second.id != first.id
    assert (out / "current").resolve() == second.release_dir
    # (sorted: two builds within one second have ids of the same second, ordered by their inputs digest)
    assert sorted(p.name for p in list_releases(out)) == sorted([first.id, second.id])
    assert second.graphs[iris.GRAPH + "more"] == 2


def test_keep_prunes_the_oldest_releases(tiny_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    ids = [build(tiny_project, out, force=True).id for _ in range(3)]
    result = build(tiny_project, out, keep=2, force=True)
    assert [p.name for p in list_releases(out)] == [ids[2], result.id]
    assert sorted(p.name for p in result.pruned) == ids[:2]


# --- a build of unchanged inputs writes nothing -----------------------------------------------------------


def test_rebuilding_unchanged_inputs_keeps_the_current_release(tiny_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(tiny_project, out)
    before = _snapshot(out)
    seen: list[str] = []
    again = build(tiny_project, out, progress=seen.append)
    assert again.unchanged and not first.unchanged
    assert (again.id, again.release_dir, again.triples, again.graphs) == (
        first.id,
        first.release_dir,
        first.triples,
        first.graphs,
    )
    assert _snapshot(out) == before  # no release written, `current` not touched
    assert seen == ["parse"]  # nothing derived, dumped or validated
    assert json.loads((first.release_dir / "release.json").read_text())["inputs"]
    forced = build(tiny_project, out, force=True)
    assert not forced.unchanged and forced.id != first.id
    assert build(tiny_project, out, full=True).id not in (first.id, forced.id)  # --full validates anew


def _quotes_in_a_source_text(project: Path, texts: Path) -> None:
    """The tiny report's text (every quote of its claims) in `texts`, named by the report's axo:sourceFile."""
    quotes = Graph()
    for f in (project / "data").glob("*.ttl"):
        quotes.parse(f, format="turtle")
    text = " ".join(str(q) for q in quotes.objects(None, URIRef(iris.AXO + "quote")))
    (texts / "000_report.txt").write_text(f"A tiny report. {text} The end.\n")
    actors = project / "data" / "actors.ttl"
    dated = '"2023-11-10"^^<http://www.w3.org/2001/XMLSchema#date> .'
    assert dated in actors.read_text()
    actors.write_text(
        actors.read_text().replace(dated, dated[:-2] + ' ;\n    axo:sourceFile "000_report.txt" .')
    )


@pytest.mark.parametrize(
    "change, new",
    [
        ("data", True),
        ("shapes", True),
        ("ontology", True),
        ("query", True),
        ("new query", True),
        ("base url", True),
        ("the report's text", True),
        ("another text", False),
        ("unread file", True),
        ("unchecked release", True),
    ],
)
def test_a_changed_input_makes_a_new_release(
    tiny_project: Path, tmp_path: Path, change: str, new: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    texts = tmp_path / "texts"
    texts.mkdir()
    _quotes_in_a_source_text(tiny_project, texts)
    (texts / "001_other.txt").write_text("A text no report names.\n")
    monkeypatch.setenv("AXISKG_SOURCES", str(texts))
    first = build(tiny_project, out, check=change != "unchecked release")
    if first.report is not None:
        assert first.report.notes == []  # the quotes were checked against the report's text
    base_url = DEFAULT_BASE_URL
    if change in ("data", "shapes", "ontology"):
        edited = sorted((tiny_project / change).glob("*.ttl"))[0]
        edited.write_text(edited.read_text() + "\n# an edit\n")
    elif change == "query":
        edited = sorted((tiny_project / "queries").glob("*.rq"))[0]
        edited.write_text(edited.read_text() + "\n# an edit\n")
    elif change == "new query":
        (tiny_project / "queries" / "count.rq").write_text(
            "# title: Triples\n# description: How many triples.\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n"
        )
    elif change == "base url":
        base_url = "https://example.org/kg/"
    elif change == "the report's text":
        (texts / "000_report.txt").write_text((texts / "000_report.txt").read_text() + "A new sentence.\n")
    elif change == "another text":
        (texts / "001_other.txt").write_text("Another text no report names.\n")
    elif change == "unread file":
        (tiny_project / "data" / "draft.turtle").write_text("# not read: a warning says so\n")
    second = build(tiny_project, out, base_url=base_url)
    assert second.unchanged is not new
    assert (second.id != first.id) is new
    assert sorted(p.name for p in list_releases(out)) == sorted({first.id, second.id})


def test_a_build_waiting_for_the_lock_finds_the_release_it_would_write(
    tiny_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that finds no current release starts its validation, then waits for the output's lock;
    meanwhile another build publishes a release of the same inputs: once it has the lock, this one writes
    nothing and stops its validating child at once (it waited for its whole verdict before)."""
    import axiskg.build as build_mod

    out, other = tmp_path / "out", tmp_path / "other"
    (out / "releases").mkdir(parents=True)
    made = build(tiny_project, other)  # the release the concurrent build publishes
    started = threading.Event()
    start_validation = build_mod._start_validation

    def slow_validation(*args: object) -> object:
        monkeypatch.setattr(build_mod, "_shacl", lambda *_: time.sleep(120))  # the forked child sleeps
        validation = start_validation(*args)  # type: ignore[arg-type]
        started.set()  # past the check before the lock
        return validation

    monkeypatch.setattr(build_mod, "_start_validation", slow_validation)
    results: list[object] = []
    with build_mod._lock(out):
        waiting = threading.Thread(target=lambda: results.append(build(tiny_project, out)))
        waiting.start()
        assert started.wait(60)
        shutil.move(made.release_dir, out / "releases" / made.id)
        (out / "current").symlink_to(f"releases/{made.id}")
        began = time.monotonic()
    waiting.join(timeout=60)
    assert not waiting.is_alive() and time.monotonic() - began < 30  # not the child's 120 s
    (result,) = results
    assert isinstance(result, BuildResult) and result.unchanged and result.id == made.id
    assert [p.name for p in list_releases(out)] == [made.id]
    assert multiprocessing.active_children() == []  # the validating child was stopped and reaped


def test_odd_names_do_not_break_the_digest(tiny_project: Path, tmp_path: Path) -> None:
    """A source file name too long for the file system, an unread file whose name is not UTF-8."""
    actors = tiny_project / "data" / "actors.ttl"
    dated = '"2023-11-10"^^<http://www.w3.org/2001/XMLSchema#date> .'
    actors.write_text(
        actors.read_text().replace(dated, dated[:-2] + f' ;\n    axo:sourceFile "{"x" * 300}.txt" .')
    )
    (tiny_project / "data" / os.fsdecode(b"caf\xe9.turtle")).write_text("# not read\n")
    first = build(tiny_project, tmp_path / "out")
    assert build(tiny_project, tmp_path / "out").id == first.id


def test_build_says_when_nothing_changed(tiny_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "axiskg", "build", "--root", str(tiny_project), "--out", str(out)]
    first = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    second = subprocess.run(cmd + ["--format", "json"], capture_output=True, text=True, check=True).stdout
    third = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    assert first.startswith("built ")
    built_id = first.split()[1].rstrip(":")
    assert json.loads(second)["unchanged"] is True and json.loads(second)["id"] == built_id
    assert third.startswith(f"unchanged: {built_id} ")
    assert "--force" in third
    forced = subprocess.run(cmd + ["--force"], capture_output=True, text=True, check=True).stdout
    assert forced.startswith("built ") and built_id not in forced.split("\n")[0]


# --- nothing is published on failure -----------------------------------------------------------------


@pytest.fixture
def built(tiny_project: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A project and an output dir that already has one good release."""
    out = tmp_path / "out"
    build(tiny_project, out)
    return tiny_project, out


def test_invalid_data_publishes_nothing(built: tuple[Path, Path]) -> None:
    root, out = built
    before = _snapshot(out)
    shutil.copy(Path(__file__).parent / "data" / "broken" / "claim_without_hedge.ttl", root / "data")
    with pytest.raises(ShapeViolationError) as info:
        build(root, out)
    assert "data/claim_without_hedge.ttl:6" in str(info.value)
    assert info.value.report.violations  # type: ignore[attr-defined]
    assert _snapshot(out) == before
    assert sorted(p.name for p in (out / "releases").iterdir()) == before[1]


def test_a_syntax_error_publishes_nothing_even_without_checks(built: tuple[Path, Path]) -> None:
    root, out = built
    before = _snapshot(out)
    shutil.copy(Path(__file__).parent / "data" / "broken" / "bad_syntax.ttl", root / "data")
    with pytest.raises(ParseError, match=r"^data/bad_syntax.ttl:8:5: "):
        build(root, out, check=False)
    assert _snapshot(out) == before


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (30_000, 30_000))


def test_a_failed_write_publishes_nothing(built: tuple[Path, Path]) -> None:
    """The build process may not write a file larger than 30 kB (RLIMIT_FSIZE): its writes fail mid-build."""
    root, out = built
    before = _snapshot(out)
    proc = subprocess.run(
        [sys.executable, "-m", "axiskg", "build", "--root", str(root), "--out", str(out), "--force"],
        preexec_fn=_limit_file_size,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("Error: could not write the release under ")
    assert "the current release is unchanged" in proc.stderr
    assert _snapshot(out) == before
    assert sorted(p.name for p in (out / "releases").iterdir()) == before[1]  # no temporary dir left


@pytest.fixture
def tiny_tmpfs(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real 3 MB tmpfs (needs root and mount permission; skipped where the sandbox forbids mounting)."""
    mnt = tmp_path / "tmpfs"
    mnt.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_full_disk_publishes_nothing(tiny_project: Path, tiny_tmpfs: Path) -> None:
    out = tiny_tmpfs / "out"
    build(tiny_project, out)
    before = _snapshot(out)
    free = shutil.disk_usage(tiny_tmpfs).free
    (tiny_tmpfs / "filler").write_bytes(b"\0" * max(0, free - 100_000))  # leave 100 kB: less than a release
    with pytest.raises(BuildError, match="No space left on device"):
        build(tiny_project, out, force=True)
    assert _snapshot(out) == before
    assert sorted(p.name for p in (out / "releases").iterdir()) == before[1]
    assert open_release(out).id == before[1][0]


PAUSE_BUILD = """
import sys, time
from axiskg.build import build
def progress(step):
    if step == sys.argv[3]:
        print("reached", step, flush=True)
        time.sleep(3600)
build(sys.argv[1], sys.argv[2], progress=progress)
"""


@pytest.mark.parametrize("step", ["derive", "dumps", "store", "validate", "checksums", "swap"])
def test_a_build_killed_mid_way_publishes_nothing(built: tuple[Path, Path], step: str) -> None:
    root, out = built
    before = _snapshot(out)
    (root / "data" / "more.ttl").write_text(
        "<https://w3id.org/axiskg/id/org/x> a <https://w3id.org/axiskg/ontology#Organization> ;\n"
        '  <http://www.w3.org/2004/02/skos/core#prefLabel> "X"@en .\n'
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSE_BUILD, str(root), str(out), step], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == f"reached {step}"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _snapshot(out) == before
    assert open_release(out).id == before[1][0]
    # the next build cleans up what the killed one left and publishes normally
    result = build(root, out)
    current, releases = _snapshot(out)
    assert current == f"releases/{result.id}"
    # (sorted: two builds within one second have ids of the same second, ordered by their inputs digest)
    assert sorted(releases) == sorted([*before[1], result.id])
    assert [p.name for p in (out / "releases").iterdir() if p.name.startswith(".")] == []


# --- the repository's own release (built once per session by conftest's `release_out`) -------------------


def test_repository_release_has_a_graph_per_source_file(release: object) -> None:
    from axiskg.project import Project
    from axiskg.release import Release

    assert isinstance(release, Release)
    project = Project.at(Path(__file__).resolve().parent.parent)
    expected = {f.graph for f in project.ontology_files + project.data_files}
    assert expected | {iris.GRAPH_DERIVED, iris.GRAPH_VOID} == set(release.graphs)
    assert all(n > 0 for n in release.graphs.values())
    claims = release.store.query(
        "SELECT (COUNT(?c) AS ?n) WHERE { ?c a axo:Claim }",
        use_default_graph_as_union=True,
        prefixes={"axo": iris.AXO},
    )
    assert int(next(iter(claims))["n"].value) > 100  # type: ignore[index, arg-type]
    report = Graph().parse(release.path / "validation.ttl", format="turtle")
    assert report.value(next(report.subjects(RDF.type, SH.ValidationReport)), SH.conforms) == Literal(True)


@pytest.mark.parametrize("force", [True, False])
def test_concurrent_builds_into_one_output_are_serialized(
    tiny_project: Path, tmp_path: Path, force: bool
) -> None:
    """Two builds at once each write a whole release (--force), or, of the same inputs, only the first does:
    the second sees under the output's lock that the current release is what it would build."""
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "axiskg", "build", "--root", str(tiny_project), "--out", str(out)]
    procs = [
        subprocess.Popen(cmd + ["--force"] * force, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    said = []
    for p in procs:
        stdout, err = p.communicate()
        assert p.returncode == 0, err
        said.append(stdout.split()[0].rstrip(":"))
    releases = [p.name for p in list_releases(out)]
    assert len(releases) == (2 if force else 1)
    assert sorted(said) == (["built", "built"] if force else ["built", "unchanged"])
    assert os.readlink(out / "current") in {f"releases/{r}" for r in releases}
    for r in releases:
        assert open_release(out / "releases" / r).graphs  # each one complete


# --- what a failed build says -------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent
SHAPE_FIXTURES = REPO / "tests" / "fixtures" / "shapes"


def _real_shapes_project(root: Path, *fixtures: str) -> Path:
    """The repository's ontology/ and shapes/, with the given shape test fixtures as data/."""
    shutil.copytree(REPO / "ontology", root / "ontology")
    shutil.copytree(REPO / "shapes", root / "shapes")
    (root / "data").mkdir()
    for name in fixtures:
        shutil.copy(SHAPE_FIXTURES / f"{name}.ttl", root / "data" / f"{name}.ttl")
    return root


def test_a_failed_build_names_the_first_error_not_a_warning(tmp_path: Path) -> None:
    """A warning in an earlier file (a speech act without speaker) must not hide the error of a later one."""
    root = _real_shapes_project(tmp_path / "p", "speech_act_without_speaker")
    (root / "data" / "zz-report.ttl").write_text(
        "@prefix axo: <https://w3id.org/axiskg/ontology#> .\n"
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "@prefix ax: <https://w3id.org/axiskg/id/> .\n\n"
        "<https://w3id.org/axiskg/id/claim/000-alice-there> a axo:Claim ;\n"
        "    rdf:subject <https://w3id.org/axiskg/id/meeting/test-meeting> ;\n"
        "    rdf:predicate <https://schema.org/attendee> ;\n"
        "    rdf:object <https://w3id.org/axiskg/id/person/alice> ;\n"
        "    axo:statedIn <https://w3id.org/axiskg/id/report/test-report> ;\n"
        "    axo:attributionChain () ;\n"
        '    axo:quote "she is said to have asked"@en .\n',
        encoding="utf-8",
    )
    with pytest.raises(ShapeViolationError) as info:
        build(root, tmp_path / "out")
    message = str(info.value)
    assert message.startswith(
        "validation failed with 1 error(s) (and 1 warning(s)); first: data/zz-report.ttl:5: Violation: "
        "<https://w3id.org/axiskg/id/claim/000-alice-there> axo:hedge: "
    ), message
    assert not (tmp_path / "out" / "current").exists()


def test_an_ill_typed_date_fails_the_build_cleanly(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """ "early summer 2023"^^xsd:date: one error, no traceback (pyshacl crashed on it, in the validating child
    and again in the build), nothing published."""
    root = _real_shapes_project(tmp_path / "p", "ill_typed_date_text")
    with pytest.raises(ShapeViolationError) as info:
        build(root, tmp_path / "out")
    assert str(info.value).startswith(
        "validation failed with 1 error(s); first: data/ill_typed_date_text.ttl:73: Violation: "
        "<https://w3id.org/axiskg/id/time/summer-2023> axo:notBefore: "
        '"early summer 2023" is not a valid xsd:date (YYYY-MM-DD); for a vague date use a DateSpec'
    ), str(info.value)
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err
    assert not (tmp_path / "out" / "current").exists()


def test_a_killed_build_takes_its_validating_child_with_it(tmp_path: Path) -> None:
    """The SHACL child (forked beside the build) asks the kernel to kill it when the build dies: a killed
    build left it running at full CPU (build._die_with_parent, called first thing in the child)."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import multiprocessing, os, sys, time\n"
        "from axiskg.build import _die_with_parent\n"
        "def child(parent):\n"
        "    _die_with_parent(parent)\n"
        "    time.sleep(60)\n"
        "p = multiprocessing.get_context('fork').Process(target=child, args=(os.getpid(),), daemon=True)\n"
        "p.start()\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    time.sleep(0.5)  # the child has made its prctl call
    assert Path(f"/proc/{child}").exists()
    parent.kill()
    parent.wait()

    def alive() -> bool:  # a killed child may stay a zombie until its new parent (init) reaps it
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state not in ("Z", "X")

    deadline = time.monotonic() + 5
    while alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive()
