"""The downloadable dumps of a release, written with pyoxigraph's serializers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox

from axiskg import iris

DUMPS_DIR = "dumps"

# file name -> (format, what it holds); the union and ontology files are graphs, the others datasets
DUMP_FILES: dict[str, tuple[ox.RdfFormat, str]] = {
    "axiskg.nq": (ox.RdfFormat.N_QUADS, "dataset"),
    "axiskg.trig": (ox.RdfFormat.TRIG, "dataset"),
    "axiskg.ttl": (ox.RdfFormat.TURTLE, "union"),
    "axiskg.jsonld": (ox.RdfFormat.JSON_LD, "dataset"),
    "ontology.ttl": (ox.RdfFormat.TURTLE, "ontology"),
    "ontology.jsonld": (ox.RdfFormat.JSON_LD, "ontology"),
    "ontology.rdf": (ox.RdfFormat.RDF_XML, "ontology"),
}

DUMP_MEDIA_TYPES: dict[str, str] = {name: fmt.media_type for name, (fmt, _) in DUMP_FILES.items()}


def turtle_prefixes() -> dict[str, str]:
    """Prefixes for Turtle-like output: the contract's prefixes except `ax:` (entity IRIs have slashes)."""
    return {p: iri for p, iri in iris.PREFIXES.items() if p != "ax"}


def _order(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> tuple[int, str]:
    """A total order on terms: blank nodes, then IRIs, then literals (and quoted triples), each by text."""
    if isinstance(term, ox.BlankNode):
        return 0, term.value
    if isinstance(term, ox.NamedNode):
        return 1, term.value
    return 2, str(term)


_SUBJECTS = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"


def union_triples(store: ox.Store) -> Iterator[ox.Triple]:
    """Every distinct triple of the store's graphs (the default graph of the SPARQL endpoint: their union),
    once each, subject by subject in subject order, each subject's triples by predicate and object.

    A triple stated in several graphs (a type repeated in two files, a derived edge also written by hand) is
    given once. Memory: the list of distinct subjects, and the triples of one subject at a time; no sort or
    hash table of every triple (a `SELECT DISTINCT ?s ?p ?o ... ORDER BY` took ~850 MB at 1M triples)."""
    subjects: list[ox.NamedNode | ox.BlankNode | ox.Triple] = [
        row[0]
        for row in store.query(_SUBJECTS, use_default_graph_as_union=True)  # type: ignore[union-attr]
    ]
    subjects.sort(key=_order)
    for s in subjects:
        pairs = {(q.predicate, q.object) for q in store.quads_for_pattern(s, None, None, None)}
        for p, o in sorted(pairs, key=lambda po: (po[0].value, _order(po[1]))):
            yield ox.Triple(s, p, o)


def write_dumps(
    store: ox.Store,
    release_dir: Path,
    on_written: Callable[[str, Path], None] | None = None,
    *,
    threads: bool = False,
) -> list[Path]:
    """Write every file of DUMP_FILES under `release_dir/dumps/`; return their paths.

    `on_written(name, path)` is called as soon as each file is complete (N-Quads first), so that a caller
    can start using it (the build bulk-loads its on-disk store from axiskg.nq while the others are written).
    With `threads`, the union Turtle file (`union_triples`) is written by a second thread meanwhile."""
    out = release_dir / DUMPS_DIR
    out.mkdir(parents=True, exist_ok=True)
    prefixes = turtle_prefixes()
    ontology = ox.NamedNode(iris.GRAPH_ONTOLOGY)
    written: list[Path] = []
    failures: list[BaseException] = []

    def write(name: str) -> None:
        fmt, what = DUMP_FILES[name]
        path = out / name
        if what == "dataset":
            if fmt in (ox.RdfFormat.N_QUADS,):
                store.dump(str(path), fmt)
            else:
                store.dump(str(path), fmt, prefixes=prefixes)
        elif what == "union":
            ox.serialize(union_triples(store), str(path), fmt, prefixes=prefixes)
        else:
            store.dump(str(path), fmt, from_graph=ontology, prefixes=prefixes)
        if on_written is not None:
            on_written(name, path)

    def write_in_thread(name: str) -> None:
        try:
            write(name)
        except BaseException as exc:  # re-raised by the caller's thread below
            failures.append(exc)

    order = sorted(DUMP_FILES, key=lambda n: DUMP_FILES[n][0] != ox.RdfFormat.N_QUADS)  # N-Quads first
    unions = [n for n in order if DUMP_FILES[n][1] == "union"] if threads else []
    workers = [threading.Thread(target=write_in_thread, args=(n,), name=f"dump-{n}") for n in unions]
    try:
        for t in workers:
            t.start()
        for name in order:
            if name not in unions:
                write(name)
    finally:
        for t in workers:
            t.join()
    if failures:
        raise failures[0]
    written = [out / name for name in DUMP_FILES]
    return written
