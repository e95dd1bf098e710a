"""The release held in memory as adjacency maps, built once per release and shared by every page.

The repository's graph is small (thousands of triples), so one pass over the store gives dictionaries that
make every page a handful of lookups instead of SPARQL round trips.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import pyoxigraph as ox

from axiskg import iris
from axiskg.release import Release

RDF = iris.PREFIXES["rdf"]
RDFS = iris.PREFIXES["rdfs"]
SKOS = iris.PREFIXES["skos"]
DCTERMS = iris.PREFIXES["dcterms"]
SCHEMA = iris.PREFIXES["schema"]
OWL = iris.PREFIXES["owl"]
XSD = iris.PREFIXES["xsd"]
ORG = iris.PREFIXES["org"]
TIME = iris.PREFIXES["time"]
PROV = iris.PREFIXES["prov"]
AXO = iris.AXO

RDF_TYPE = RDF + "type"
LABEL_PREDICATES = (SKOS + "prefLabel", RDFS + "label", DCTERMS + "title", SCHEMA + "name", SKOS + "notation")

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def key(term: Any) -> str:
    """Dictionary key of a subject or object term: the IRI, or `_:id` for a blank node."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term)


@dataclass
class Snapshot:
    """Every triple of the release (union of the named graphs, duplicates removed), indexed both ways."""

    release_id: str
    out: dict[str, dict[str, list[Term]]] = field(default_factory=dict)
    inc: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    triples: int = 0
    derived_only: set[tuple[str, str, str]] = field(default_factory=set)

    def is_derived(self, s: str, p: str, o: Term) -> bool:
        """True when the triple is only in graph/derived (a shortcut of claims, not written by a curator)."""
        return (s, p, _okey(o)) in self.derived_only

    def objects(self, s: str, p: str) -> list[Term]:
        return self.out.get(s, {}).get(p, [])

    def one(self, s: str, p: str) -> Term | None:
        objs = self.objects(s, p)
        return objs[0] if objs else None

    def value(self, s: str, p: str) -> str | None:
        o = self.one(s, p)
        return None if o is None else o.value

    def iris(self, s: str, p: str) -> list[str]:
        return [o.value for o in self.objects(s, p) if isinstance(o, ox.NamedNode)]

    def literal(self, s: str, p: str) -> str | None:
        """The English (or untagged) literal of s p, else any literal."""
        best: str | None = None
        for o in self.objects(s, p):
            if isinstance(o, ox.Literal):
                if o.language in (None, "en") or (o.language or "").startswith("en"):
                    return o.value
                best = best or o.value
        return best

    def types(self, s: str) -> list[str]:
        return self.iris(s, RDF_TYPE)

    def subjects(self, p: str, o: str) -> list[str]:
        return [s for s, pp in self.inc.get(o, []) if pp == p]

    def instances(self, cls: str) -> list[str]:
        return self.subjects(RDF_TYPE, cls)

    def has(self, s: str) -> bool:
        return s in self.out

    def label(self, iri: str) -> str:
        for p in LABEL_PREDICATES:
            v = self.literal(iri, p)
            if v:
                return v
        return local_name(iri)

    def rdf_list(self, head: str) -> list[Term]:
        """Members of an RDF collection, in order."""
        items: list[Term] = []
        node = head
        seen: set[str] = set()
        while node and node != RDF + "nil" and node not in seen:
            seen.add(node)
            first = self.one(node, RDF + "first")
            if first is not None:
                items.append(first)
            rest = self.one(node, RDF + "rest")
            node = key(rest) if rest is not None else ""
        return items


def local_name(iri: str) -> str:
    """Readable last segment of an IRI (`.../id/person/qais-al-khazali` -> `qais-al-khazali`)."""
    for sep in ("#", "/"):
        if sep in iri.rstrip(sep):
            tail = iri.rstrip(sep).rsplit(sep, 1)[1]
            if tail:
                return tail
    return iri


def _okey(o: Term) -> str:
    return key(o) if not isinstance(o, ox.Literal) else f"{o.value}\x00{o.datatype.value}\x00{o.language}"


def build_snapshot(release: Release) -> Snapshot:
    snap = Snapshot(release.id)
    seen: set[tuple[str, str, str]] = set()
    asserted: set[tuple[str, str, str]] = set()
    derived = iris.GRAPH_DERIVED
    for q in release.store.quads_for_pattern(None, None, None, None):
        s, p, o = key(q.subject), q.predicate.value, cast(Term, q.object)  # no RDF-star in the data
        t = (s, p, _okey(o))
        g = q.graph_name
        if not (isinstance(g, ox.NamedNode) and g.value == derived):
            asserted.add(t)
        if t in seen:
            continue
        seen.add(t)
        snap.out.setdefault(s, {}).setdefault(p, []).append(o)
        if not isinstance(o, ox.Literal):
            snap.inc.setdefault(key(o), []).append((s, p))
    snap.triples = len(seen)
    snap.derived_only = seen - asserted
    return snap


T = TypeVar("T")
_CACHE: dict[tuple[str, str], Any] = {}
_LOCK = threading.RLock()


def per_release(name: str, release: Release, make: Callable[[], T]) -> T:
    """Compute `make()` once per release id (older releases' entries are dropped)."""
    return per_release_id(name, release.id, make)


def per_release_id(name: str, release_id: str, make: Callable[[], T]) -> T:
    """`per_release` by the release's id (what a Snapshot knows of its release)."""
    k = (name, release_id)
    hit = _CACHE.get(k)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    with _LOCK:
        hit = _CACHE.get(k)
        if hit is None:
            hit = make()
            for old in [c for c in _CACHE if c[0] == name and c[1] != release_id]:
                del _CACHE[old]
            _CACHE[k] = hit
    return hit


def snapshot(release: Release) -> Snapshot:
    return per_release("snapshot", release, lambda: build_snapshot(release))
