"""Timeline data: meetings and events on a time axis; an uncertain date is a range between its bounds.

Each item keeps, per claim that concerns it, the report stating the claim and the actors the claim names, so
the timeline can show one actor's meetings and events (`?actor=`), one report's (`?report=`), or one actor's
as one report tells them (both: the same claim must give the two)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from axiskg.release import Release
from axiskg.web.views import links
from axiskg.web.views.claims import (
    HEDGE_NONE,
    Claim,
    ClaimIndex,
    claim_index,
    hedge_label,
    predicate_label,
    report_short,
    triple_claims,
    type_label,
)
from axiskg.web.views.dates import date_of
from axiskg.web.views.snapshot import AXO, RDF, SCHEMA, Snapshot, per_release, snapshot

TIMELINE_KINDS: dict[str, str] = {"meeting": "Meetings", "event": "Events"}
ACTOR_KINDS: dict[str, str] = {"person": "Persons", "org": "Organizations"}


def _next_day(d: str) -> str:
    try:
        return (date.fromisoformat(d[:10]) + timedelta(days=1)).isoformat()
    except ValueError:
        return d


Role = tuple[str, str | None]  # how a claim names an actor ("attendee", "speaker"...), and that claim's hedge


def claim_actors(snap: Snapshot, c: Claim, item: str | None = None) -> dict[str, frozenset[Role]]:
    """The persons and organizations claim `c` names, each with how it names them (the predicate's label:
    "attendee", "absentee", "excluded from", "speaker"...) and the hedge of the claim that says so. A claim
    asserting a node (an act, a meeting) names what the node says itself, and what the same report's
    claims give it (with their hedges), never what graph/derived adds from other reports' claims: where
    the reports dispute who spoke, each report's claim names its own speaker only. Seen from `item`, a role
    in another meeting or event names it ("attendee of <the gathering>", for the gathering's series)."""
    named: dict[str, set[Role]] = {}

    def add(x: str, p: str, hedge: str | None, of: str | None = None) -> None:
        if links.kind_of(x) in ACTOR_KINDS:
            how = predicate_label(snap, p)
            named.setdefault(x, set()).add((f"{how} of {snap.label(of)}" if of else how, hedge))

    if c.is_triple:
        if isinstance(c.object, ox.NamedNode):
            add(c.object.value, c.predicate or "", c.hedge)
        add(c.subject or "", c.predicate or "", c.hedge)
    n = c.asserts
    if n:
        of = n if item and n != item and links.kind_of(n) in TIMELINE_KINDS else None
        for p, objs in snap.out.get(n, {}).items():
            given: dict[str, set[str | None]] = {}  # value -> hedges of this report's own claims giving it
            for tc in triple_claims(snap, n, p):
                if snap.value(tc, AXO + "statedIn") == c.report:
                    given.setdefault(snap.value(tc, RDF + "object") or "", set()).add(
                        snap.value(tc, AXO + "hedge")
                    )
            for o in objs:
                if not isinstance(o, ox.NamedNode):
                    continue
                if not snap.is_derived(n, p, o):
                    add(o.value, p, c.hedge, of)
                for hedge in given.get(o.value, ()):
                    add(o.value, p, hedge, of)
    return {x: frozenset(how) for x, how in named.items()}


Account = tuple[str | None, dict[str, frozenset[Role]]]  # report, actor -> how named (with hedges)


def _accounts(snap: Snapshot, index: ClaimIndex, item: str) -> list[Account]:
    """(report, actors named and how) of each claim concerning `item`."""
    return [(c.report, claim_actors(snap, c, item)) for c in index.about_entity(item) if c.report]


def build_timeline(release: Release) -> dict[str, Any]:
    snap = snapshot(release)
    index = claim_index(release)
    items: list[dict[str, Any]] = []
    undated: list[dict[str, Any]] = []
    for s in snap.out:
        kind = links.kind_of(s)
        if kind not in TIMELINE_KINDS or not snap.types(s):
            continue
        d = date_of(snap, s)
        accounts = _accounts(snap, index, s)
        base = {
            "id": s,
            "label": snap.label(s),
            "kind": kind,
            "type": type_label(snap, s),  # what it is (meeting, attack...), as the table's "Kind" says
            "url": links.href(s),
            "part_of": [snap.label(x) for x in snap.iris(s, SCHEMA + "superEvent")],
            # the reports whose claims concern it: according to whom it is on the timeline
            "reports": sorted({r for r, _ in accounts if r}),
            "accounts": accounts,
        }
        if d is None or not (d.not_before or d.not_after):
            undated.append(base)
            continue
        start = d.not_before or d.not_after or ""
        item = dict(
            base,
            start=start,
            when=str(d),
            precision=d.precision,
            inferred=d.inferred,
            not_before=d.not_before,
            not_after=d.not_after,
        )
        # `draw`: how the timeline widget draws it (vis-timeline's item type), never shown as its kind
        if d.is_day:
            item.update(draw="point", end=None, uncertain=False)
        elif d.not_before and d.not_after:
            item.update(draw="range", end=_next_day(d.not_after), uncertain=True)
        else:
            item.update(draw="point", end=None, uncertain=True)
        items.append(item)
    items.sort(key=lambda i: (i["start"], i["label"]))
    undated.sort(key=lambda i: i["label"])
    every = items + undated
    actors = {a for i in every for _, named in i["accounts"] for a in named}
    reports = {r for i in every for r in i["reports"]}
    return {
        "items": items,
        "undated": undated,
        "kinds": TIMELINE_KINDS,
        # what the filters offer: the actors and reports of at least one item
        "actors": sorted(
            (
                {"id": a, "label": snap.label(a), "kind": links.kind_of(a), "url": links.href(a)}
                for a in actors
            ),
            key=lambda a: (a["label"].casefold(), a["id"]),
        ),
        "actor_kinds": ACTOR_KINDS,
        "reports": sorted(
            (
                {"id": r, "label": snap.label(r), "short": report_short(snap, r), "url": links.href(r)}
                for r in reports
            ),
            key=lambda r: (r["short"].casefold(), r["id"]),
        ),
    }


def _matching(item: dict[str, Any], actor: str | None, report: str | None) -> list[Account]:
    return [
        (r, named)
        for r, named in item["accounts"]
        if (not report or r == report) and (not actor or actor in named)
    ]


def _public(
    snap: Snapshot, item: dict[str, Any], actor: str | None, accounts: list[Account]
) -> dict[str, Any]:
    """The item as the page and timeline.json give it; with an actor, `roles`: how each report names the
    actor there ("attendee", "absentee"...), with its hedge, so a meeting someone was absent from never
    reads as one they attended."""
    out = {k: v for k, v in item.items() if k != "accounts"}
    if actor:
        roles = {(how, r or "", h or "") for r, named in accounts for how, h in named[actor]}
        out["roles"] = [
            {
                "role": how,
                "report": r or None,
                "hedge": hedge_label(snap, h) if h and h != HEDGE_NONE else None,
            }
            for how, r, h in sorted(roles)
        ]
    return out


def timeline(
    release: Release, kind: str | None = None, actor: str | None = None, report: str | None = None
) -> dict[str, Any]:
    """The timeline's data, every item or those of a `kind` of TIMELINE_KINDS (`?kind=meeting`), of an
    `actor` (a person or organization a claim about the item names; each item then has its `roles`) and of
    a `report` (whose claims concern the item); with both, one claim of that report must name that actor.
    A value the timeline does not offer is not applied and is listed in `ignored` ({"actor": iri}), so the
    page can say so."""
    data = per_release("timeline", release, lambda: build_timeline(release))
    offered = _offered(release, data)
    ignored: dict[str, str] = {}
    if kind and kind not in TIMELINE_KINDS:
        ignored["kind"] = kind
    if actor and actor not in offered["actor"]:
        ignored["actor"] = actor
    if report and report not in offered["report"]:
        ignored["report"] = report
    kind = None if "kind" in ignored else kind or None
    actor = None if "actor" in ignored else actor or None
    report = None if "report" in ignored else report or None

    snap = snapshot(release)

    def keep(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for i in rows:
            if kind and i["kind"] != kind:
                continue
            if not (actor or report):  # every item, those no claim concerns too
                out.append(_public(snap, i, None, []))
                continue
            accounts = _matching(i, actor, report)
            if accounts:
                out.append(_public(snap, i, actor, accounts))
        return out

    return {
        **data,
        "items": keep(data["items"]),
        "undated": keep(data["undated"]),
        "kind": kind,
        "actor": offered["actor"].get(actor or ""),
        "report": offered["report"].get(report or ""),
        "ignored": ignored,
    }


def _offered(release: Release, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The actors and reports the filters offer, by IRI, and how many items each has (once per release)."""

    def make() -> dict[str, dict[str, Any]]:
        counts: dict[str, Counter[str]] = {"actor": Counter(), "report": Counter()}
        for i in data["items"] + data["undated"]:
            counts["actor"].update({a for _, named in i["accounts"] for a in named})
            counts["report"].update({r for r, _ in i["accounts"] if r})
        return {
            "actor": {a["id"]: a for a in data["actors"]},
            "report": {r["id"]: r for r in data["reports"]},
            "counts": counts,
        }

    return per_release("timeline_offered", release, make)


def on_timeline(release: Release, iri: str) -> dict[str, Any] | None:
    """For an actor or a report of the timeline's filters, the link to its items (`/timeline?actor=...`)
    and how many there are; None for anything else."""
    data = per_release("timeline", release, lambda: build_timeline(release))
    counts = _offered(release, data)["counts"]
    for param in ("actor", "report"):
        if counts[param][iri]:
            return {
                "href": "/timeline?" + urlencode({param: iri}),
                "count": counts[param][iri],
                "param": param,
            }
    return None
