"""Meeting pages: date with precision, place, host and chair, participants and absentees per source,
sessions, and what was said and decided, in order."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from axiskg.web.views import links
from axiskg.web.views.claims import (
    ABSENTEE,
    ATTENDEE,
    HEDGE_NONE,
    Claim,
    ClaimIndex,
    claim_view,
    hedge_label,
    provenance,
    situation,
    triple_claims,
    values,
)
from axiskg.web.views.dates import date_of
from axiskg.web.views.entity import claims_context, find_conflicts
from axiskg.web.views.snapshot import AXO, RDF, SCHEMA, Snapshot

ROLE_PREDICATES: tuple[tuple[str, str], ...] = (
    (ATTENDEE, "Participants"),
    (ABSENTEE, "Absentees"),
    (AXO + "invitee", "Invited"),
)

# The claims about the meeting itself (held, when, where, who attended): not "Meetings" on its own page
MEETING_CLAIMS_TITLE = "The meeting: when, where, who attended"


def _per_source(snap: Snapshot, claims: list[Claim], meeting: str) -> list[dict[str, Any]]:
    """One row per person with every report that names them (and how): the side of each claim that is not
    the meeting (`meeting attendee X`, but `X excludedFrom meeting`)."""
    by_person: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        if isinstance(c.object, ox.NamedNode) and c.object.value != meeting:
            by_person[c.object.value].append(c)
        elif c.subject and c.subject != meeting and not c.subject.startswith("_:"):
            by_person[c.subject].append(c)
    rows: list[dict[str, Any]] = []
    for person, cs in by_person.items():
        rows.append(
            {
                "label": snap.label(person),
                "href": links.href(person),
                "accounts": [
                    {
                        "steps": provenance(snap, c),
                        "hedge": snap.label(c.hedge) if c.hedge else None,
                        "hedged": bool(c.hedge) and not (c.hedge or "").endswith("#none"),
                        "quote": c.quote,
                        "href": links.href(c.iri),
                    }
                    for c in sorted(cs, key=lambda c: c.report or "")
                ],
            }
        )
    rows.sort(key=lambda r: r["label"].casefold())
    return rows


def _people(snap: Snapshot, m: str, p: str) -> list[dict[str, str]]:
    return [{"label": snap.label(x), "href": links.href(x)} for x in snap.iris(m, p)]


def _is_hedged(c: Claim) -> bool:
    return bool(c.hedge) and c.hedge != HEDGE_NONE


def _summary_values(snap: Snapshot, index: ClaimIndex, m: str, p: str) -> list[dict[str, Any]]:
    """The meeting's place, host, chair...: each value with the claims that support it, and, when every one
    of them is hedged (or inferred), those claims' hedge and report, so a hedged value never reads as fact.

    The supporting claims of a value are the (T) claims giving it; for a value written on the meeting
    node itself, the claims asserting the meeting."""
    rows: list[dict[str, Any]] = []
    giving = [index.claims[c] for c in triple_claims(snap, m, p) if c in index.claims]
    asserting = [index.claims[c] for c in index.by_asserted.get(m, []) if c in index.claims]
    for o in values(snap, m, p):
        if not isinstance(o, ox.NamedNode):
            continue
        support = [c for c in giving if isinstance(c.object, ox.NamedNode) and c.object.value == o.value]
        if not support and not snap.is_derived(m, p, o):
            support = asserting
        qualified = bool(support) and all(_is_hedged(c) or c.inferred for c in support)
        rows.append(
            {
                "label": snap.label(o.value),
                "href": links.href(o.value),
                "hedged": qualified,
                "accounts": [
                    {
                        "hedge": hedge_label(snap, c.hedge) if _is_hedged(c) else None,
                        "hedge_href": links.href(c.hedge) if c.hedge else None,
                        "inferred": c.inferred,
                        "steps": provenance(snap, c)[:1],
                        "href": links.href(c.iri),
                    }
                    for c in sorted(support, key=lambda c: (c.report or "", c.iri))
                ]
                if qualified
                else [],
            }
        )
    return rows


def _responses_after_targets(snap: Snapshot, acts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep the order, but put each response (axo:respondsTo) right after the act it answers."""
    by_iri = {a["iri"]: a for a in acts}
    answers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rest = []
    for a in acts:
        target = snap.value(a["iri"], AXO + "respondsTo")
        if target is not None and target in by_iri and target != a["iri"]:
            answers[target].append(a)
        else:
            rest.append(a)
    out: list[dict[str, Any]] = []
    seen: set[str] = set()

    def emit(a: dict[str, Any]) -> None:
        if a["iri"] in seen:
            return
        seen.add(a["iri"])
        out.append(a)
        for r in answers.get(a["iri"], []):
            emit(r)

    for a in rest:
        emit(a)
    for a in acts:  # responses in a cycle, if any
        emit(a)
    return out


def meeting_context(snap: Snapshot, index: ClaimIndex, m: str) -> dict[str, Any]:
    about = index.about_entity(m)
    roles = []
    for pred, title in ROLE_PREDICATES:
        cs = [c for c in about if c.is_triple and c.subject == m and c.predicate == pred]
        if cs:
            roles.append({"title": title, "rows": _per_source(snap, cs, m)})
    excluded = [
        c
        for c in about
        if c.predicate == AXO + "excludedFrom" and isinstance(c.object, ox.NamedNode) and c.object.value == m
    ]
    if excluded:
        roles.append({"title": "Excluded", "rows": _per_source(snap, excluded, m)})

    sessions = []
    for s in snap.subjects(SCHEMA + "superEvent", m):
        d = date_of(snap, s)
        sessions.append(
            {"label": snap.label(s), "href": links.href(s), "date": d, "sort": d.sort_key if d else "9999"}
        )
    sessions.sort(key=lambda x: (x["sort"], x["label"]))

    act_iris = sorted(set(snap.subjects(AXO + "atEvent", m)))
    # Conflicting accounts among the claims about the meeting and about the acts and events held at it
    # (two reports naming different speakers of one proposal).
    around = {c.iri: c for c in about}
    for a in act_iris:
        around.update((c.iri, c) for c in index.about_entity(a))
    conflicts = find_conflicts(index, list(around.values()))
    flagged = conflicts.flagged
    acts: list[dict[str, Any]] = []
    for a in act_iris:
        d = date_of(snap, a)
        ordinal = snap.value(a, AXO + "ordinal")
        summary = situation(snap, a)
        claims = [
            dict(claim_view(snap, index.claims[c], c in flagged), own=None)
            for c in index.by_asserted.get(a, [])
        ]
        for v in claims:
            # An account that tells more than the summary (the speaker its own report names) says so.
            v["own"] = v["statement"] if v["statement"] != summary else None
        acts.append(
            {
                "iri": a,
                "href": links.href(a),
                "summary": summary,
                "date": d,
                "sort": (
                    d.sort_key if d else "9999",
                    int(ordinal) if ordinal and ordinal.isdigit() else 0,
                    a,
                ),
                "claims": claims,
                "conflicting": any(v["conflicting"] for v in claims)
                or any(c.iri in flagged for c in index.about_entity(a) if c.subject == a),
            }
        )
    acts.sort(key=lambda x: x["sort"])
    acts = _responses_after_targets(snap, acts)

    return {
        # The claims of the page, with the conflicts about the meeting and about what was said at it.
        **claims_context(snap, index, about, conflicts, {"Meetings": MEETING_CLAIMS_TITLE}),
        "meeting": {
            "date": date_of(snap, m),
            "places": _summary_values(snap, index, m, SCHEMA + "location"),
            "hosts": _summary_values(snap, index, m, SCHEMA + "organizer"),
            "chairs": _summary_values(snap, index, m, AXO + "chair"),
            "part_of": _summary_values(snap, index, m, SCHEMA + "superEvent"),
            "topics": [o.value for o in snap.objects(m, AXO + "topic") if isinstance(o, ox.Literal)],
            "roles": roles,
            "sessions": sessions,
            "acts": acts,
        },
    }


PRESENCE = (ATTENDEE, SCHEMA + "organizer", AXO + "chair")  # as queries/who-met-whom.rq reads them


def met_at_meetings(snap: Snapshot, iri: str) -> bool:
    """Whether a claim places `iri` at a meeting or event (attendee, organizer or chair), as the
    who-met-whom query reads them, so it has rows for it (but for someone alone there)."""
    return any(snap.value(c, RDF + "predicate") in PRESENCE for c in snap.subjects(RDF + "object", iri))
