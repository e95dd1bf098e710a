"""What changed between two releases: entities and claims added, removed and changed; triple counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from axiskg import iris
from axiskg.release import Release, open_release

CLAIM = iris.AXO + "Claim"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# graphs written by the build change whenever the sources do: not compared statement by statement
_BUILD_GRAPHS = (iris.GRAPH_DERIVED, iris.GRAPH_VOID)


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, list[str]]] = field(
        default_factory=dict
    )  # iri -> {"added": [...], "removed": [...]}


@dataclass
class Diff:
    old_id: str
    new_id: str
    entities: Changes
    claims: Changes
    triples: tuple[int, int]
    graphs: dict[str, tuple[int, int]]

    @property
    def unchanged(self) -> bool:
        return (
            not any((c.added or c.removed or c.changed) for c in (self.entities, self.claims))
            and self.triples[0] == self.triples[1]
        )

    def to_json(self) -> dict[str, Any]:
        def part(c: Changes) -> dict[str, Any]:
            return {"added": c.added, "removed": c.removed, "changed": c.changed}

        return {
            "old": self.old_id,
            "new": self.new_id,
            "entities": part(self.entities),
            "claims": part(self.claims),
            "triples": {
                "old": self.triples[0],
                "new": self.triples[1],
                "delta": self.triples[1] - self.triples[0],
            },
            "graphs": {g: {"old": o, "new": n, "delta": n - o} for g, (o, n) in sorted(self.graphs.items())},
        }


def _term(t: Any, bnodes: dict[str, list[tuple[str, Any]]], depth: int = 0) -> str:
    """A blank-node-independent text for a term: a blank node is written as its (sorted) description."""
    if isinstance(t, ox.BlankNode):
        if depth > 20:
            return "[...]"
        inner = sorted(f"{p} {_term(o, bnodes, depth + 1)}" for p, o in bnodes.get(t.value, []))
        return "[ " + " ; ".join(inner) + " ]"
    return str(t)


def _descriptions(release: Release) -> tuple[dict[str, set[str]], set[str]]:
    """IRI subject under the entity namespace -> set of `predicate object` lines; and the set of claims."""
    skip = {ox.NamedNode(g) for g in _BUILD_GRAPHS}
    by_subject: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    bnodes: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    claims: set[str] = set()
    for q in release.store.quads_for_pattern(None, None, None):
        if q.graph_name in skip:
            continue
        s = q.subject
        if isinstance(s, ox.BlankNode):
            bnodes[s.value].append((str(q.predicate), q.object))
        elif isinstance(s, ox.NamedNode) and s.value.startswith(iris.ID):
            by_subject[s.value].append((str(q.predicate), q.object))
            if (
                q.predicate.value == RDF_TYPE
                and isinstance(q.object, ox.NamedNode)
                and q.object.value == CLAIM
            ):
                claims.add(s.value)
    return {s: {f"{p} {_term(o, bnodes)}" for p, o in pos} for s, pos in by_subject.items()}, claims


def _compare(
    old: dict[str, set[str]], new: dict[str, set[str]], keys_old: set[str], keys_new: set[str]
) -> Changes:
    changes = Changes(added=sorted(keys_new - keys_old), removed=sorted(keys_old - keys_new))
    for k in sorted(keys_old & keys_new):
        if old[k] != new[k]:
            changes.changed[k] = {"added": sorted(new[k] - old[k]), "removed": sorted(old[k] - new[k])}
    return changes


def diff(old: str | Path | Release, new: str | Path | Release) -> Diff:
    """Compare two releases (output dirs, release dirs or open releases)."""
    a = old if isinstance(old, Release) else open_release(old)
    b = new if isinstance(new, Release) else open_release(new)
    da, claims_a = _descriptions(a)
    db, claims_b = _descriptions(b)
    ents_a, ents_b = set(da) - claims_a, set(db) - claims_b
    graphs = {g: (a.graphs.get(g, 0), b.graphs.get(g, 0)) for g in sorted(set(a.graphs) | set(b.graphs))}
    return Diff(
        old_id=a.id,
        new_id=b.id,
        entities=_compare(da, db, ents_a, ents_b),
        claims=_compare(da, db, claims_a, claims_b),
        triples=(sum(a.graphs.values()), sum(b.graphs.values())),
        graphs=graphs,
    )
