"""Timeline data: meetings and events on a time axis; an uncertain date is a range between its bounds.

Each item keeps, per claim that concerns it, the report stating the claim and the actors the claim names, so
the timeline can show one actor's meetings and events (`?actor=`), one report's (`?report=`), or one actor's
as one report tells them (both: the same claim must give the two)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from axiskg.release import Release
from axiskg.web.views import links
from axiskg.web.views.claims import (
    Claim,
    ClaimIndex,
    claim_index,
    disputed,
    report_short,
    type_label,
    values,
)
from axiskg.web.views.dates import date_of
from axiskg.web.views.snapshot import AXO, SCHEMA, Snapshot, per_release, snapshot

TIMELINE_KINDS: dict[str, str] = {"meeting": "Meetings", "event": "Events"}
ACTOR_KINDS: dict[str, str] = {"person": "Persons", "org": "Organizations"}
_WHO = (AXO + "speaker", AXO + "decidedBy")


def _next_day(d: str) -> str:
    try:
        return (date.fromisoformat(d[:10]) + timedelta(days=1)).isoformat()
    except ValueError:
        return d


def claim_actors(snap: Snapshot, c: Claim) -> frozenset[str]:
    """The persons and organizations claim `c` names. Where the reports dispute who spoke or decided, only
    the one this claim's report names (claims.values), so an actor is never credited with another's act."""
    named = {x for x in c.about if links.kind_of(x) in ACTOR_KINDS}
    n = c.asserts
    if n:
        for p in _WHO:
            if disputed(snap, n, p):
                own = {o.value for o in values(snap, n, p, c.report)}
                named -= set(snap.iris(n, p)) - own
    return frozenset(named)


def _accounts(snap: Snapshot, index: ClaimIndex, item: str) -> list[tuple[str | None, frozenset[str]]]:
    """(report, actors named) of each claim concerning `item`."""
    return [(c.report, claim_actors(snap, c)) for c in index.about_entity(item)]


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


def _shown(item: dict[str, Any], actor: str | None, report: str | None) -> bool:
    return any((not report or r == report) and (not actor or actor in named) for r, named in item["accounts"])


def _public(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != "accounts"}


def timeline(
    release: Release, kind: str | None = None, actor: str | None = None, report: str | None = None
) -> dict[str, Any]:
    """The timeline's data, every item or those of a `kind` of TIMELINE_KINDS (`?kind=meeting`), of an
    `actor` (a person or organization a claim about the item names) and of a `report` (whose claims concern
    the item); with both, one claim of that report must name that actor. A value the timeline does not
    offer is not applied and is listed in `ignored` ({"actor": iri}), so the page can say so."""
    data = per_release("timeline", release, lambda: build_timeline(release))
    ignored: dict[str, str] = {}
    if kind and kind not in TIMELINE_KINDS:
        ignored["kind"] = kind
    if actor and actor not in {a["id"] for a in data["actors"]}:
        ignored["actor"] = actor
    if report and report not in {r["id"] for r in data["reports"]}:
        ignored["report"] = report
    kind = None if "kind" in ignored else kind or None
    actor = None if "actor" in ignored else actor or None
    report = None if "report" in ignored else report or None

    def keep(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [_public(i) for i in rows if (not kind or i["kind"] == kind) and _shown(i, actor, report)]

    return {
        **data,
        "items": keep(data["items"]),
        "undated": keep(data["undated"]),
        "kind": kind,
        "actor": next((a for a in data["actors"] if a["id"] == actor), None),
        "report": next((r for r in data["reports"] if r["id"] == report), None),
        "ignored": ignored,
    }


def on_timeline(release: Release, iri: str) -> dict[str, Any] | None:
    """For an actor or a report of the timeline's filters, the link to its items (`/timeline?actor=...`)
    and how many there are; None for anything else."""
    for param in ("actor", "report"):
        data = timeline(release, **{param: iri})
        if param not in data["ignored"]:
            n = len(data["items"]) + len(data["undated"])
            return {"href": "/timeline?" + urlencode({param: iri}), "count": n, "param": param}
    return None
