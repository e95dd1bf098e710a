"""The VoID + DCAT description of a release, written into graph/void and to void.ttl."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import pyoxigraph as ox

from axiskg import iris
from axiskg.dumps import DUMP_FILES

TITLE = "axiskg: a provenance-rich knowledge graph of the Iran-led 'Axis of Resistance'"
DESCRIPTION = (
    "Persons, organizations, meetings and events of the 'Axis of Resistance' as the published reports it is "
    "built from describe them. Every statement is a claim with its report, attribution chain, hedge and "
    "quote."
)
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
DEFAULT_BASE_URL = iris.BASE
DATASET = iris.BASE + "dataset"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"  # dcat:mediaType's range is dct:MediaType
EXAMPLE_KINDS = ("person", "org", "meeting", "claim", "report")

_P = iris.PREFIXES
RDF_TYPE = ox.NamedNode(_P["rdf"] + "type")
VOID = _P["void"]
DCAT = _P["dcat"]
DCT = _P["dcterms"]
SD = _P["sd"]
XSD = _P["xsd"]


def _n(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(_P[prefix] + local)


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))


@dataclass(frozen=True)
class Statistics:
    triples: int  # distinct triples of the union of the content graphs (graph/void aside)
    graphs: dict[str, int]
    classes: dict[str, int]  # class -> distinct instances
    properties: dict[str, int]  # property -> distinct triples
    entities: int
    distinct_subjects: int
    distinct_objects: int
    examples: list[str]


def _one(store: ox.Store, query: str) -> int:
    for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
        value = row[0]
        return int(value.value) if value is not None else 0
    return 0


def statistics(store: ox.Store, exclude_graphs: Iterable[str] = ()) -> Statistics:
    """Counts over every named graph except `exclude_graphs` (the VoID graph describes the others)."""
    excluded = set(exclude_graphs)
    graphs: dict[str, int] = {}
    for row in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):  # type: ignore[union-attr]
        if row["g"].value not in excluded:
            graphs[row["g"].value] = int(row["n"].value)
    from_ = " ".join(f"FROM <{g}>" for g in sorted(graphs)) or "FROM <urn:x-axiskg:empty>"
    classes = {
        r["c"].value: int(r["n"].value)
        for r in store.query(  # type: ignore[union-attr]
            f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) {from_} WHERE {{ ?s a ?c }} GROUP BY ?c"
        )
        if isinstance(r["c"], ox.NamedNode)
    }
    properties = {
        r["p"].value: int(r["n"].value)
        for r in store.query(  # type: ignore[union-attr]
            f"SELECT ?p (COUNT(*) AS ?n) {from_} "
            "WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } GROUP BY ?p"
        )
    }
    examples: list[str] = []
    for kind in EXAMPLE_KINDS:
        for r in store.query(  # type: ignore[union-attr]
            f"SELECT ?s {from_} WHERE {{ ?s a ?c FILTER(STRSTARTS(STR(?s), '{iris.ID}{kind}/')) }} "
            "ORDER BY ?s LIMIT 1"
        ):
            examples.append(r["s"].value)
    return Statistics(
        triples=_one(
            store,
            f"SELECT (COUNT(*) AS ?n) {from_} WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o }} }}",
        ),
        graphs=graphs,
        classes=classes,
        properties=properties,
        entities=_one(
            store,
            f"SELECT (COUNT(DISTINCT ?s) AS ?n) {from_} "
            f"WHERE {{ ?s a ?c FILTER(STRSTARTS(STR(?s), '{iris.ID}')) }}",
        ),
        distinct_subjects=_one(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {from_} WHERE {{ ?s ?p ?o }}"),
        distinct_objects=_one(store, f"SELECT (COUNT(DISTINCT ?o) AS ?n) {from_} WHERE {{ ?s ?p ?o }}"),
        examples=examples,
    )


def _slug(iri: str) -> str:
    """A readable, stable fragment for a partition of `iri`: its local name plus a short digest."""
    local = iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return f"{local}-{hashlib.sha256(iri.encode()).hexdigest()[:6]}"


def describe(
    stats: Statistics,
    *,
    release_id: str,
    version: str,
    created: datetime,
    base_url: str = DEFAULT_BASE_URL,
    sources: Iterable[str] = (),
) -> list[ox.Quad]:
    """VoID + DCAT quads (in graph/void) describing a release with these statistics."""
    g = ox.NamedNode(iris.GRAPH_VOID)
    ds = ox.NamedNode(DATASET)
    quads: list[ox.Quad] = []

    def add(
        s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode, o: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> None:
        quads.append(ox.Quad(s, p, o, g))

    en = "en"
    for t in (_n("void", "Dataset"), _n("dcat", "Dataset")):
        add(ds, RDF_TYPE, t)
    add(ds, _n("dcterms", "title"), ox.Literal(TITLE, language=en))
    add(ds, _n("dcterms", "description"), ox.Literal(DESCRIPTION, language=en))
    add(ds, _n("dcterms", "license"), ox.NamedNode(LICENSE))
    add(
        ds,
        _n("dcterms", "issued"),
        ox.Literal(created.date().isoformat(), datatype=ox.NamedNode(XSD + "date")),
    )
    add(
        ds,
        _n("dcterms", "modified"),
        ox.Literal(created.isoformat(), datatype=ox.NamedNode(XSD + "dateTime")),
    )
    add(ds, _n("dcat", "version"), ox.Literal(f"{version} ({release_id})"))
    add(ds, _n("dcterms", "identifier"), ox.Literal(release_id))
    add(ds, _n("dcat", "landingPage"), ox.NamedNode(base_url))
    add(ds, _n("void", "uriSpace"), ox.Literal(iris.ID))
    add(ds, _n("void", "vocabulary"), ox.NamedNode(iris.ONTOLOGY))
    add(ds, _n("void", "entities"), _int(stats.entities))
    add(ds, _n("void", "classes"), _int(len(stats.classes)))
    add(ds, _n("void", "properties"), _int(len(stats.properties)))
    add(ds, _n("void", "distinctSubjects"), _int(stats.distinct_subjects))
    add(ds, _n("void", "distinctObjects"), _int(stats.distinct_objects))
    for src in sources:
        add(ds, _n("dcterms", "source"), ox.NamedNode(src))
    for ex in stats.examples:
        add(ds, _n("void", "exampleResource"), ox.NamedNode(ex))

    endpoint = ox.NamedNode(base_url + "sparql")
    add(ds, _n("void", "sparqlEndpoint"), endpoint)
    service = ox.NamedNode(DATASET + "#sparql")
    add(service, RDF_TYPE, _n("dcat", "DataService"))
    add(service, _n("dcat", "endpointURL"), endpoint)
    add(service, _n("dcat", "servesDataset"), ds)
    add(
        service,
        _n("dcterms", "title"),
        ox.Literal("SPARQL 1.1 endpoint (default graph = union of all graphs)", language=en),
    )
    add(ds, _n("dcat", "service"), service)

    for name, (fmt, what) in DUMP_FILES.items():
        dist = ox.NamedNode(f"{DATASET}#dump-{name.replace('.', '-')}")
        url = ox.NamedNode(f"{base_url}downloads/dumps/{name}")  # as `axiskg serve` offers them
        add(ds, _n("dcat", "distribution"), dist)
        if what != "ontology":
            add(ds, _n("void", "dataDump"), url)
        add(dist, RDF_TYPE, _n("dcat", "Distribution"))
        add(dist, _n("dcterms", "title"), ox.Literal(f"{name}: {what} as {fmt.name}", language=en))
        add(dist, _n("dcat", "downloadURL"), url)
        add(
            dist,
            _n("dcat", "mediaType"),
            ox.NamedNode(IANA_MEDIA_TYPES + fmt.media_type),
        )

    for cls, n in sorted(stats.classes.items()):
        part = ox.NamedNode(f"{DATASET}#class-{_slug(cls)}")
        add(ds, _n("void", "classPartition"), part)
        add(part, _n("void", "class"), ox.NamedNode(cls))
        add(part, _n("void", "entities"), _int(n))
    for prop, n in sorted(stats.properties.items()):
        part = ox.NamedNode(f"{DATASET}#property-{_slug(prop)}")
        add(ds, _n("void", "propertyPartition"), part)
        add(part, _n("void", "property"), ox.NamedNode(prop))
        add(part, _n("void", "triples"), _int(n))

    def subset(graph: str) -> ox.NamedNode:
        sub = ox.NamedNode(f"{DATASET}#graph-{graph.rsplit('/', 1)[-1]}")
        add(ds, _n("void", "subset"), sub)
        add(sub, RDF_TYPE, _n("void", "Dataset"))
        add(sub, RDF_TYPE, _n("sd", "NamedGraph"))
        add(sub, _n("sd", "name"), ox.NamedNode(graph))
        return sub

    for graph, n in sorted(stats.graphs.items()):
        add(subset(graph), _n("void", "triples"), _int(n))
    # The dataset (what the endpoint and the dumps hold) includes this description: graph/void is a subset
    # like the others, and void:triples counts it with its two counts, written last. The partitions, entities
    # and distinct subjects and objects describe the content graphs.
    own = subset(iris.GRAPH_VOID)
    quads[:] = dict.fromkeys(quads)
    size = len(quads) + 2
    add(own, _n("void", "triples"), _int(size))
    add(ds, _n("void", "triples"), _int(stats.triples + size))
    return quads
