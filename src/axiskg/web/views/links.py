"""IRI -> local link, compact names and alternate-format links: the one place pages build URLs."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from axiskg import iris

# Alternate serialisations of an entity, by suffix on its path (served by the Linked Data handler).
FORMAT_SUFFIXES: dict[str, str] = {
    "Turtle": ".ttl",
    "JSON-LD": ".jsonld",
    "N-Triples": ".nt",
    "RDF/XML": ".rdf",
}
FORMAT_MEDIA_TYPES: dict[str, str] = {
    "Turtle": "text/turtle",
    "JSON-LD": "application/ld+json",
    "N-Triples": "application/n-triples",
    "RDF/XML": "application/rdf+xml",
}

_ONTOLOGY_NAMESPACES = (iris.AXO, iris.HEDGE, iris.ROLE)


# schemes an IRI of the data may be linked with as it is; any other (javascript:, data:, vbscript: are valid
# IRIs to pyoxigraph) gets no working link ("#")
_LINKABLE_SCHEMES = ("http:", "https:", "mailto:", "ftp:")


def linkable(iri: str) -> bool:
    """Whether `iri` may be the href of a link as it is (an http(s), mailto or ftp IRI)."""
    return iri[:8].lower().startswith(_LINKABLE_SCHEMES)


def script_json(value: Any, **dumps: Any) -> str:
    """`value` as JSON for a <script> element of a page: `<`, `>` and `&` escaped (\\u003c...), so that no
    text of the data or of a request (`<!--<script>`, `</script>`) can end the element or change how the
    browser reads the rest of the page."""
    text = json.dumps(value, **dumps)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def href(iri: str) -> str:
    """Where a link to `iri` points: a local page for our IRIs, the IRI itself otherwise (`#` for an IRI of
    a scheme that is not `linkable`)."""
    for ns in _ONTOLOGY_NAMESPACES:
        if iri.startswith(ns):
            return "/ontology#" + anchor(iri)
    if iri == iris.ONTOLOGY:
        return "/ontology"
    path = iris.iri_to_path(iri)
    if path is None:
        return iri if linkable(iri) else "#"
    return quote(path, safe="/:@-._~!$&'()*+,;=")


def is_local(iri: str) -> bool:
    return iri.startswith(iris.BASE)


def anchor(iri: str) -> str:
    """Anchor of an ontology term on /ontology: its fragment (`axo:Meeting` -> `Meeting`)."""
    if "#" in iri:
        return iri.rsplit("#", 1)[1]
    return iri.rstrip("/").rsplit("/", 1)[-1]


def curie(iri: str) -> str:
    """`https://schema.org/attendee` -> `schema:attendee` when a known prefix matches."""
    best = ""
    best_prefix = ""
    for prefix, ns in iris.PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, best_prefix = ns, prefix
    if best:
        return f"{best_prefix}:{iri[len(best) :]}"
    return iri


def kind_of(iri: str) -> str | None:
    """The kind segment of an entity IRI (`.../id/person/x` -> `person`)."""
    if not iri.startswith(iris.ID):
        return None
    rest = iri[len(iris.ID) :]
    return rest.split("/", 1)[0] if "/" in rest else None


def formats(iri: str) -> list[dict[str, str]]:
    """Links to the same resource as Turtle, JSON-LD, N-Triples and RDF/XML."""
    path = iris.iri_to_path(iri) or ""
    return [
        {"name": name, "href": path + suffix, "type": FORMAT_MEDIA_TYPES[name]}
        for name, suffix in FORMAT_SUFFIXES.items()
    ]


def query_page(name: str, **params: str) -> str:
    return f"/queries/{quote(name)}" + (("?" + urlencode(params)) if params else "")


def search(q: str = "", kind: str = "") -> str:
    params = {k: v for k, v in (("q", q), ("kind", kind)) if v}
    return "/search" + (("?" + urlencode(params)) if params else "")


def download(name: str) -> str:
    """A dump of the current release (served by the server part under /downloads/)."""
    return "/downloads/" + quote(name)
