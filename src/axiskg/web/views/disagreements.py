"""Where the reports disagree: the conflicting accounts (the rules of claims.conflict_groups, over every
claim), and the statements two reports make with different hedges ("reportedly" in one, "claimed" in the
other). A report that cites another (MEMRI's summary of the Amwaj article) is marked: its agreement is one
account passed on, not a second witness."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from axiskg.release import Release
from axiskg.web.views import links
from axiskg.web.views.claims import Claim, ClaimIndex, claim_index, claim_view, conflict_groups, report_short
from axiskg.web.views.snapshot import Snapshot, per_release, snapshot


def _key(c: Claim) -> tuple[str | None, ...] | None:
    """What a claim states, whatever report states it: its asserted node, or its triple."""
    if c.asserts:
        return ("asserts", c.asserts)
    if c.is_triple:
        return ("triple", c.subject, c.predicate, c.object_key)
    return None


def _cites(c: Claim, report: str | None) -> bool:
    return report is not None and any(getattr(x, "value", None) == report for x in c.chain)


def _group(snap: Snapshot, claims: list[Claim], conflicting: bool) -> dict[str, Any]:
    claims = sorted(claims, key=lambda c: (c.report or "", c.iri))
    reports = {c.report for c in claims}
    views = []
    for c in claims:
        view = claim_view(snap, c, conflicting)
        # the other reports of the group this claim's chain cites: it passes their account on, with its
        # hedge changed when none of that report's claims here has this one's hedge
        cited = sorted(x for x in reports if x and x != c.report and _cites(c, x))
        view["passes_on"] = [{"label": snap.label(r), "href": links.href(r)} for r in cited]
        view["hedge_changed"] = any(c.hedge not in {o.hedge for o in claims if o.report == r} for r in cited)
        views.append(view)
    return {"accounts": views}


def build_disagreements(release: Release) -> dict[str, Any]:
    snap = snapshot(release)
    index: ClaimIndex = claim_index(release)
    claims = list(index.claims.values())
    conflicts = [_group(snap, g, True) for g in conflict_groups(index, claims)]
    by_statement: dict[tuple[str | None, ...], list[Claim]] = defaultdict(list)
    for c in claims:
        key = _key(c)
        if key is not None and c.report:
            by_statement[key].append(c)
    hedges = [
        _group(snap, cs, False)
        for cs in by_statement.values()
        if len({c.report for c in cs}) >= 2 and len({c.hedge for c in cs}) >= 2
    ]
    hedges.sort(key=lambda g: (g["accounts"][0]["sort"], g["accounts"][0]["iri"]))
    return {"conflicts": conflicts, "hedges": hedges}


def disagreements(release: Release) -> dict[str, Any]:
    return per_release("disagreements", release, lambda: build_disagreements(release))


def for_report(release: Release, report: str | None) -> dict[str, Any]:
    """The disagreements, or those in which `report` gives one of the accounts (`?report=`); the reports
    that give an account anywhere, for the filter; a report that gives none is listed in `ignored`."""
    data = disagreements(release)
    options = per_release("disagreement_reports", release, lambda: _report_options(release, data))
    if not report:
        return {**data, "reports": options, "report": None, "ignored": None}
    chosen = next((o for o in options if o["id"] == report), None)
    if chosen is None:
        return {**data, "reports": options, "report": None, "ignored": report}

    def keep(gs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [g for g in gs if any(a.get("report") == report for a in g["accounts"])]

    return {
        "conflicts": keep(data["conflicts"]),
        "hedges": keep(data["hedges"]),
        "reports": options,
        "report": chosen,
        "ignored": None,
    }


def _report_options(release: Release, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The reports giving an account in some disagreement, with how many they give one in (`count`)."""
    snap = snapshot(release)
    counts: dict[str, int] = defaultdict(int)
    for g in data["conflicts"] + data["hedges"]:
        for r in {a["report"] for a in g["accounts"] if a.get("report")}:
            counts[r] += 1
    return [
        {"id": r, "label": snap.label(r), "short": report_short(snap, r), "url": links.href(r), "count": n}
        for r, n in sorted(counts.items())
    ]
