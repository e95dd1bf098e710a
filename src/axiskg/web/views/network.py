"""Network view data: actors, organizations and meetings as nodes; relations from the claims as edges,
each edge keeping the reports that state it and its time, so the page can filter by kind, source and time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from axiskg.release import Release
from axiskg.web.views import links
from axiskg.web.views.claims import (
    HEDGE_NONE,
    Claim,
    claim_index,
    disputed,
    predicate_label,
    type_label,
    values,
)
from axiskg.web.views.dates import DateInfo, date_of
from axiskg.web.views.snapshot import AXO, DCTERMS, ORG, SCHEMA, Snapshot, per_release, snapshot

NODE_KINDS: dict[str, str] = {"person": "Persons", "org": "Organizations", "meeting": "Meetings"}


@dataclass
class Edge:
    source: str
    target: str
    label: str
    reports: set[str] = field(default_factory=set)
    claims: set[str] = field(default_factory=set)
    contested: set[str] = field(default_factory=set)  # claims of acts whose speaker the reports dispute
    hedges: dict[str, set[str]] = field(default_factory=dict)  # report -> the hedges of its claims (labels)
    dates: dict[tuple[str | None, str | None, str | None], DateInfo] = field(default_factory=dict)


def _year_bounds(d: DateInfo | None) -> tuple[str | None, str | None]:
    if d is None:
        return None, None
    return d.not_before, d.not_after


def _date_json(d: DateInfo) -> dict[str, Any]:
    """A date of a link as the page shows it: the source's words with the bounds read from them, marked
    inferred when they are our reading ("until early 2020 (open-ended: by 2020-04-30, inferred)")."""
    return {
        "label": d.label,
        "when": str(d),
        "not_before": d.not_before,
        "not_after": d.not_after,
        "precision": d.precision,
        "inferred": d.inferred,
    }


EdgeOf = tuple[str, str, str, DateInfo | None, bool]  # source, target, label, date, disputed


def _named(snap: Snapshot, n: str, p: str, report: str | None) -> list[str]:
    """The IRIs of `n p` as `report` tells them (claims.values): where the reports dispute the speaker of an
    act, each report's claim is the link of the speaker that report names, never of the other's."""
    return [o.value for o in values(snap, n, p, report) if isinstance(o, ox.NamedNode)]


def _claim_edges(snap: Snapshot, c: Claim, is_node: Any) -> list[EdgeOf]:
    out: list[EdgeOf] = []
    if c.is_triple and isinstance(c.object, ox.NamedNode):
        s, o = c.subject or "", c.object.value
        if is_node(s) and is_node(o):
            d = date_of(snap, s) if links.kind_of(s) == "meeting" else date_of(snap, o)
            out.append((s, o, predicate_label(snap, c.predicate or ""), d, False))
        return out
    n = c.asserts
    if not n:
        return out
    types = set(snap.types(n))
    if ORG + "Membership" in types:
        d = date_of(snap, n)
        roles = ", ".join(snap.label(r) for r in snap.iris(n, ORG + "role")) or "member"
        for m in snap.iris(n, ORG + "member"):
            for org in snap.iris(n, ORG + "organization"):
                if is_node(m) and is_node(org):
                    out.append((m, org, roles, d, False))
        return out
    d = date_of(snap, n)
    who = (AXO + "speaker", AXO + "decidedBy")
    contested = any(disputed(snap, n, p) for p in who)
    for sp in _named(snap, n, who[0], c.report) + _named(snap, n, who[1], c.report):
        for ad in snap.iris(n, AXO + "addressee"):
            if is_node(sp) and is_node(ad):
                out.append((sp, ad, "spoke to", d, contested))
        for ev in snap.iris(n, AXO + "atEvent"):
            if is_node(sp) and is_node(ev):
                out.append(
                    (
                        sp,
                        ev,
                        "spoke at" if snap.iris(n, AXO + "speaker") else "decided at",
                        date_of(snap, ev) or d,
                        contested,
                    )
                )
    if is_node(n) and links.kind_of(n) == "meeting":
        for p in (SCHEMA + "organizer", AXO + "chair", SCHEMA + "superEvent"):
            for x in snap.iris(n, p):
                if is_node(x):
                    out.append(
                        (x, n, predicate_label(snap, p), d, False)
                        if p != SCHEMA + "superEvent"
                        else (n, x, "session of", d, False)
                    )
    return out


def build_network(release: Release) -> dict[str, Any]:
    snap = snapshot(release)
    index = claim_index(release)
    nodes: dict[str, dict[str, Any]] = {}
    for s in snap.out:
        kind = links.kind_of(s)
        if kind in NODE_KINDS and snap.types(s):
            d = date_of(snap, s) if kind == "meeting" else None
            nodes[s] = {
                "id": s,
                "label": snap.label(s),
                "kind": kind,
                "type": type_label(snap, s),
                "url": links.href(s),
                "start": d.not_before if d else None,
                "end": d.not_after if d else None,
            }
    edges: dict[tuple[str, str, str], Edge] = {}
    for c in index.claims.values():
        for s, o, label, d, contested in _claim_edges(snap, c, nodes.__contains__):
            if s == o:
                continue
            e = edges.setdefault((s, o, label), Edge(s, o, label))
            if contested:
                e.contested.add(c.iri)
            if c.report:
                e.reports.add(c.report)
                if c.hedge and c.hedge != HEDGE_NONE:
                    e.hedges.setdefault(c.report, set()).add(snap.label(c.hedge))
            e.claims.add(c.iri)
            start, end = _year_bounds(d)
            if d is not None and (start or end):
                e.dates.setdefault((d.iri, start, end), d)
    reports = sorted({r for e in edges.values() for r in e.reports})
    linked = {x for e in edges.values() for x in (e.source, e.target)}
    for n in nodes.values():
        n["linked"] = n["id"] in linked  # the page draws linked nodes only
    return {
        "nodes": sorted(nodes.values(), key=lambda n: n["label"].casefold()),
        "edges": [
            {
                "id": f"e{i}",
                "source": e.source,
                "target": e.target,
                "label": e.label,
                "reports": sorted(e.reports),
                "claims": len(e.claims),
                # every claim of the link gives a disputed speaker (or decider): each report names its own
                "disputed": bool(e.contested) and e.contested == e.claims,
                # a report's claims of this link that are hedged ("reportedly", "implied"...), by report
                "hedges": {r: sorted(h) for r, h in sorted(e.hedges.items())},
                # when its reports were published: an undated link was true as of then, by their account
                "reported": sorted(set(filter(None, (snap.value(r, DCTERMS + "issued") for r in e.reports)))),
                # The link's whole span, for readers of /network.json (the page draws each date of `dates`).
                "start": min((d.not_before for d in e.dates.values() if d.not_before), default=None),
                "end": max((d.not_after for d in e.dates.values() if d.not_after), default=None),
                "dates": [_date_json(d) for d in sorted(e.dates.values(), key=lambda d: d.sort_key)],
            }
            for i, e in enumerate(sorted(edges.values(), key=lambda e: (e.source, e.target, e.label)))
        ],
        "reports": [{"id": r, "label": snap.label(r), "url": links.href(r)} for r in reports],
        "kinds": NODE_KINDS,
    }


def network(release: Release) -> dict[str, Any]:
    return per_release("network", release, lambda: build_network(release))


def in_network(release: Release, iri: str) -> bool:
    """Whether the network page draws `iri` (a node with at least one link), so can centre on it."""
    drawn = per_release(
        "network_drawn", release, lambda: frozenset(n["id"] for n in network(release)["nodes"] if n["linked"])
    )
    return iri in drawn
