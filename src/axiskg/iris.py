"""The one place that knows the IRI scheme: persistent IRIs under https://w3id.org/axiskg/."""

from __future__ import annotations

BASE = "https://w3id.org/axiskg/"
ONTOLOGY = BASE + "ontology"
AXO = ONTOLOGY + "#"
HEDGE = BASE + "ontology/hedge#"
ROLE = BASE + "ontology/role#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"

GRAPH_ONTOLOGY = GRAPH + "ontology"
GRAPH_DERIVED = GRAPH + "derived"
GRAPH_VOID = GRAPH + "void"

PREFIXES: dict[str, str] = {
    "axo": AXO,
    "hedge": HEDGE,
    "role": ROLE,
    "ax": ID,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "sh": "http://www.w3.org/ns/shacl#",
    "wd": "http://www.wikidata.org/entity/",
}


def sparql_prefixes() -> str:
    """PREFIX declarations for every prefix in PREFIXES, one per line."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def graph_for_file(stem: str, folder: str) -> str:
    """Named graph IRI of a source file: ontology files go to graph/ontology, data files to graph/<stem>."""
    if folder == "ontology":
        return GRAPH_ONTOLOGY
    return GRAPH + stem


def iri_to_path(iri: str) -> str | None:
    """Local URL path for a persistent IRI (`https://w3id.org/axiskg/id/x` -> `/id/x`), None if not ours."""
    if not iri.startswith(BASE):
        return None
    rest = iri[len(BASE) :]
    if rest.startswith("ontology"):
        return "/ontology"
    return "/" + rest


def path_to_iri(path: str) -> str:
    """Persistent IRI for a local URL path (`/id/x` -> `https://w3id.org/axiskg/id/x`)."""
    return BASE + path.lstrip("/")
