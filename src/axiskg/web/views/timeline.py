"""Timeline data: meetings and events on a time axis; an uncertain date is a range between its bounds."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from axiskg.release import Release
from axiskg.web.views import links
from axiskg.web.views.claims import type_label
from axiskg.web.views.dates import date_of
from axiskg.web.views.snapshot import AXO, SCHEMA, per_release, snapshot

TIMELINE_KINDS: dict[str, str] = {"meeting": "Meetings", "event": "Events"}


def _next_day(d: str) -> str:
    try:
        return (date.fromisoformat(d[:10]) + timedelta(days=1)).isoformat()
    except ValueError:
        return d


def build_timeline(release: Release) -> dict[str, Any]:
    snap = snapshot(release)
    items: list[dict[str, Any]] = []
    undated: list[dict[str, Any]] = []
    for s in snap.out:
        kind = links.kind_of(s)
        if kind not in TIMELINE_KINDS or not snap.types(s):
            continue
        d = date_of(snap, s)
        base = {
            "id": s,
            "label": snap.label(s),
            "kind": kind,
            "type": type_label(snap, s),  # what it is (meeting, attack...), as the table's "Kind" says
            "url": links.href(s),
            "part_of": [snap.label(x) for x in snap.iris(s, SCHEMA + "superEvent")],
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
    _ = AXO
    return {"items": items, "undated": undated, "kinds": TIMELINE_KINDS}


def timeline(release: Release, kind: str | None = None) -> dict[str, Any]:
    """The timeline's data; with a `kind` of TIMELINE_KINDS (`?kind=meeting`), only the items of that kind
    (another value is ignored: every item)."""
    data = per_release("timeline", release, lambda: build_timeline(release))
    if kind not in TIMELINE_KINDS:
        return {**data, "kind": None}
    return {
        **data,
        "items": [i for i in data["items"] if i["kind"] == kind],
        "undated": [i for i in data["undated"] if i["kind"] == kind],
        "kind": kind,
    }
