"""The one place that knows the IRI scheme: persistent IRIs under https://w3id.org/axiskg/."""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from urllib.parse import quote, unquote

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


# The Turtle prefixes of the entity kinds, as the report files declare them (one per kind; `actor:` is org/,
# `when:` time/): what `axiskg scaffold report` writes and bench/gen.py generates with.
ENTITY_PREFIXES: dict[str, str] = {
    "person": ID + "person/",
    "actor": ID + "org/",
    "place": ID + "place/",
    "meeting": ID + "meeting/",
    "event": ID + "event/",
    "act": ID + "act/",
    "membership": ID + "membership/",
    "when": ID + "time/",
    "report": ID + "report/",
    "source": ID + "source/",
    "claim": ID + "claim/",
}


def turtle_prefixes(prefixes: dict[str, str]) -> str:
    """`@prefix p: <iri> .` lines, the names padded to one column."""
    width = max(len(p) for p in prefixes) + 2
    return "".join(f"@prefix {p + ':':<{width}}<{iri}> .\n" for p, iri in prefixes.items())


KINDS = (
    "person",
    "org",
    "place",
    "meeting",
    "event",
    "claim",
    "report",
    "source",
    "membership",
    "act",
    "time",
    "topic",
)
"""The kinds of entity IRIs (`https://w3id.org/axiskg/id/<kind>/<slug>`, docs/data-model.md)."""

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_GRAPH_NAME = re.compile(r"[A-Za-z0-9_-]+")


def graph_name_ok(stem: str) -> bool:
    """Whether a data file's name (without .ttl) can be its graph's name as it is: the graph IRI
    graph/<stem> is also a web path (/graph/<stem>, where a '.' starts a format extension) and a SPARQL
    IRI, so only ASCII letters, digits, '-' and '_'."""
    return bool(_GRAPH_NAME.fullmatch(stem))


def graph_for_file(stem: str, folder: str) -> str:
    """Named graph IRI of a source file: ontology files go to graph/ontology, data files to graph/<stem>.

    Always a valid IRI: a name that is not `graph_name_ok` is percent-encoded (shapes are not published,
    and a data file with such a name is an error of its own: see axiskg.load)."""
    if folder == "ontology":
        return GRAPH_ONTOLOGY
    if graph_name_ok(stem):
        return GRAPH + stem
    return GRAPH + quote(os.fsencode(stem), safe="")


def slugify(text: str) -> str:
    """The lower-case kebab form of a name: `Karim_Al-Saadi` -> `karim-al-saadi`, `Qa'ani` -> `qaani`."""
    text = unicodedata.normalize("NFKD", unquote(text)).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"['\u2019`]", "", text.lower())
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def entity_iri_problem(iri: str) -> tuple[str, str | None] | None:
    """For an IRI under ID that is not `<kind>/<slug>` (a known kind, a lower-case kebab slug): what is
    wrong with it and the nearest valid IRI (None if there is none); None for a valid one."""
    rest = iri[len(ID) :]
    kind, slash, slug = rest.partition("/")
    if slash and kind in KINDS and _SLUG.fullmatch(slug):
        return None
    if not slash:
        glued = next((k for k in sorted(KINDS, key=len, reverse=True) if rest.startswith(k)), None)
        if glued is not None and slugify(rest[len(glued) :]):
            fixed = f"{glued}/{slugify(rest[len(glued) :])}"
            return f"no '/' after the kind {glued} (does its @prefix lack the final '/'?)", ID + fixed
        return "no <kind>/ before the slug", None
    reasons = []
    near = kind
    if kind not in KINDS:
        close = difflib.get_close_matches(kind.lower(), KINDS, n=1, cutoff=0.6)
        near = close[0] if close else ""
        reasons.append(f"unknown kind {kind!r} (the kinds: {', '.join(KINDS)})")
    if "/" in slug:
        reasons.append(f"a nested path after {kind}/ (a slug has no '/')")
    elif not _SLUG.fullmatch(slug):
        reasons.append(f"the slug {slug!r} is not lower-case ASCII letters and digits joined by single '-'")
    fixed_slug = slugify(slug)
    return "; ".join(reasons), (ID + f"{near}/{fixed_slug}" if near and fixed_slug else None)


def iri_to_path(iri: str) -> str | None:
    """Local URL path for a persistent IRI (`https://w3id.org/axiskg/id/x` -> `/id/x`), None if not ours."""
    if not iri.startswith(BASE):
        return None
    rest = iri[len(BASE) :]
    if rest.startswith(("/", "\\")):  # `<BASE>/other.host/x` would be `//other.host/x`: another host's URL
        return None
    if rest.startswith("ontology"):
        return "/ontology"
    return "/" + rest


def path_to_iri(path: str) -> str:
    """Persistent IRI for a local URL path (`/id/x` -> `https://w3id.org/axiskg/id/x`)."""
    return BASE + path.lstrip("/")
