"""Content negotiation: Accept parsing with q-values and the media-type tables of each kind of answer.

A small RFC 9110 Accept parser (no dependency: python-mimeparse is unmaintained since 2021 and has no
notion of "the first offer wins a tie", which the defaults below rely on).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

HTML = "text/html"


@dataclass(frozen=True)
class Offer:
    media_type: str  # what the Content-Type says
    name: str  # short name (also used as ?format= / file extension key)
    fmt: ox.RdfFormat | ox.QueryResultsFormat | None = None

    @property
    def content_type(self) -> str:
        if self.media_type.startswith("text/") or self.media_type in (
            "application/sparql-results+json",
            "application/ld+json",
            "application/sparql-results+xml",
            "application/rdf+xml",
            "application/json",
        ):
            return self.media_type + "; charset=utf-8"
        return self.media_type


# The first offer of each table is the default for */* and for a missing Accept header.
RESULTS_OFFERS: list[Offer] = [
    Offer("application/sparql-results+json", "json", ox.QueryResultsFormat.JSON),
    Offer("application/sparql-results+xml", "xml", ox.QueryResultsFormat.XML),
    Offer("text/csv", "csv", ox.QueryResultsFormat.CSV),
    Offer("text/tab-separated-values", "tsv", ox.QueryResultsFormat.TSV),
    Offer("application/json", "json", ox.QueryResultsFormat.JSON),
    Offer("application/xml", "xml", ox.QueryResultsFormat.XML),
    Offer("text/xml", "xml", ox.QueryResultsFormat.XML),
]
# CSV and TSV results are defined for SELECT only (SPARQL 1.1 Query Results CSV and TSV Formats, section 1)
ASK_OFFERS: list[Offer] = [o for o in RESULTS_OFFERS if o.name not in ("csv", "tsv")]
GRAPH_OFFERS: list[Offer] = [
    Offer("text/turtle", "ttl", ox.RdfFormat.TURTLE),
    Offer("application/n-triples", "nt", ox.RdfFormat.N_TRIPLES),
    Offer("application/ld+json", "jsonld", ox.RdfFormat.JSON_LD),
    Offer("application/rdf+xml", "rdf", ox.RdfFormat.RDF_XML),
    Offer("application/trig", "trig", ox.RdfFormat.TRIG),
    Offer("application/n-quads", "nq", ox.RdfFormat.N_QUADS),
    Offer("text/plain", "nt", ox.RdfFormat.N_TRIPLES),
    Offer("application/json", "jsonld", ox.RdfFormat.JSON_LD),
    Offer("application/xml", "rdf", ox.RdfFormat.RDF_XML),
]
# Linked Data documents: HTML for people first when the client asks for it; Turtle for */*. (No XHTML: the
# pages are HTML, which application/xhtml+xml would mislabel.)
LD_OFFERS: list[Offer] = [
    Offer("text/turtle", "ttl", ox.RdfFormat.TURTLE),
    Offer(HTML, "html"),
    Offer("application/ld+json", "jsonld", ox.RdfFormat.JSON_LD),
    Offer("application/n-triples", "nt", ox.RdfFormat.N_TRIPLES),
    Offer("application/rdf+xml", "rdf", ox.RdfFormat.RDF_XML),
    Offer("application/json", "jsonld", ox.RdfFormat.JSON_LD),
    Offer("text/plain", "nt", ox.RdfFormat.N_TRIPLES),
]
EXTENSION_TO_OFFER: dict[str, Offer] = {
    ".ttl": LD_OFFERS[0],
    ".html": LD_OFFERS[1],
    ".jsonld": LD_OFFERS[2],
    ".nt": LD_OFFERS[3],
    ".rdf": LD_OFFERS[4],
}
# The service description (GET /sparql without a query): RDF, or the endpoint's page for browsers.
SD_OFFERS: list[Offer] = [*GRAPH_OFFERS, LD_OFFERS[1]]
NAME_TO_RESULTS_OFFER = {o.name: o for o in reversed(RESULTS_OFFERS)}
NAME_TO_GRAPH_OFFER = {o.name: o for o in reversed(GRAPH_OFFERS)}


def parse_accept(header: str | None) -> list[tuple[str, float, int]]:
    """[(media range, q, position)] of an Accept header; malformed parts are skipped, a bad q counts as 1."""
    if not header or not header.strip():
        return [("*/*", 1.0, 0)]
    ranges: list[tuple[str, float, int]] = []
    for pos, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        mt = pieces[0].lower()
        if "/" not in mt:
            continue
        q = 1.0
        for param in pieces[1:]:
            k, _, v = param.partition("=")
            if k.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(v.strip())))
                except ValueError:
                    q = 1.0
        ranges.append((mt, q, pos))
    return ranges or [("*/*", 1.0, 0)]


def _quality(offer: str, ranges: list[tuple[str, float, int]]) -> float:
    """q of the most specific range matching `offer` (RFC 9110 12.5.1), 0 if none."""
    otype, _, osub = offer.partition("/")
    best_spec, best_q = -1, 0.0
    for mt, q, _ in ranges:
        rtype, _, rsub = mt.partition("/")
        if mt == offer:
            spec = 2
        elif rtype == otype and rsub == "*":
            spec = 1
        elif mt == "*/*":
            spec = 0
        else:
            continue
        if spec > best_spec:
            best_spec, best_q = spec, q
    return best_q


_CHOSEN: dict[tuple[str | None, int], Offer | None] = {}


def negotiate(accept: str | None, offers: list[Offer]) -> Offer | None:
    """The offer with the highest q; ties go to the one listed first in `offers`; None means 406.
    Remembered per (Accept, offer table) for this module's tables: clients send few distinct Accepts."""
    if (
        offers is not RESULTS_OFFERS
        and offers is not GRAPH_OFFERS
        and offers is not LD_OFFERS
        and offers is not ASK_OFFERS
    ):
        return _negotiate(accept, offers)
    key = (accept, id(offers))
    try:
        return _CHOSEN[key]
    except KeyError:
        pass
    chosen = _negotiate(accept, offers)
    if len(_CHOSEN) >= 1024:
        _CHOSEN.clear()
    if accept is None or len(accept) <= 1024:
        _CHOSEN[key] = chosen
    return chosen


def _negotiate(accept: str | None, offers: list[Offer]) -> Offer | None:
    ranges = parse_accept(accept)
    best: Offer | None = None
    best_q = 0.0
    for offer in offers:
        q = _quality(offer.media_type, ranges)
        if q > best_q:
            best, best_q = offer, q
    return best


def accepts_html(accept: str | None) -> bool:
    """True when the client states a preference for HTML over the RDF default (browsers do)."""
    chosen = negotiate(accept, LD_OFFERS)
    return chosen is not None and chosen.name == "html" and accept is not None and "html" in accept
