"""The downloadable dumps of a release, written with pyoxigraph's serializers."""

from __future__ import annotations

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


_UNION = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o }"


def _union_triples(store: ox.Store) -> ox.QueryTriples:
    """Every distinct triple of every graph, grouped by subject: the default graph of the SPARQL endpoint."""
    result = store.query(_UNION, use_default_graph_as_union=True)
    assert isinstance(result, ox.QueryTriples)
    return result


def write_dumps(store: ox.Store, release_dir: Path) -> list[Path]:
    """Write every file of DUMP_FILES under `release_dir/dumps/`; return their paths."""
    out = release_dir / DUMPS_DIR
    out.mkdir(parents=True, exist_ok=True)
    prefixes = turtle_prefixes()
    ontology = ox.NamedNode(iris.GRAPH_ONTOLOGY)
    written: list[Path] = []
    for name, (fmt, what) in DUMP_FILES.items():
        path = out / name
        if what == "dataset":
            if fmt in (ox.RdfFormat.N_QUADS,):
                store.dump(str(path), fmt)
            else:
                store.dump(str(path), fmt, prefixes=prefixes)
        elif what == "union":
            ox.serialize(_union_triples(store), str(path), fmt, prefixes=prefixes)
        else:
            store.dump(str(path), fmt, from_graph=ontology, prefixes=prefixes)
        written.append(path)
    return written
