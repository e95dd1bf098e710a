"""Entity pages: the HTML face of an IRI (label, names, every claim with its provenance, conflicts, links)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from axiskg import iris
from axiskg.web.views import links
from axiskg.web.views.claims import (
    ABSENTEE,
    ATTENDEE,
    Claim,
    ClaimIndex,
    claim_page,
    claim_view,
    conflict_groups,
    other_language,
    predicate_label,
    term_seg,
    type_label,
)
from axiskg.web.views.dates import date_of
from axiskg.web.views.snapshot import AXO, DCTERMS, ORG, RDF, RDF_TYPE, RDFS, SCHEMA, Snapshot

SKOS = iris.PREFIXES["skos"]
OWL = iris.PREFIXES["owl"]
PROV = iris.PREFIXES["prov"]
WIKIDATA = iris.PREFIXES["wd"]

GROUPS = (
    "Roles and memberships",
    "Meetings",
    "Statements and decisions",
    "Events",
    "Relations",
    "Other claims",
)

# Triples that belong to the claim machinery or to labels: not shown as facts or incoming links.
_HIDDEN_PREDICATES = frozenset(
    {
        RDF + "subject",
        RDF + "object",
        RDF + "predicate",
        RDF + "first",
        RDF + "rest",
        AXO + "asserts",
        AXO + "claimAbout",
        AXO + "statedIn",
        AXO + "citesSource",
        PROV + "hadPrimarySource",
        AXO + "hedge",
        AXO + "attributionChain",
        PROV + "wasDerivedFrom",
        AXO + "disagreesWith",
    }
)
_LABEL_PREDICATES = frozenset(
    {
        SKOS + "prefLabel",
        SKOS + "altLabel",
        RDFS + "label",
        RDFS + "comment",
        RDF_TYPE,
        SKOS + "exactMatch",
        AXO + "wikidataEvidence",
        OWL + "sameAs",
    }
)

# On a claim's page these are shown by the claim section (quote, inferred), not as "recorded facts".
_CLAIM_SECTION_PREDICATES = frozenset({AXO + "quote", AXO + "inferred"})

_EVENT_TYPES = frozenset({AXO + "Event", SCHEMA + "Event"})
_ACT_PREDICATES = (AXO + "speaker", AXO + "decidedBy", AXO + "plannedBy")

SCHEMA_TYPE_BY_KIND: dict[str, str] = {
    "person": "Person",
    "org": "Organization",
    "place": "Place",
    "meeting": "Event",
    "event": "Event",
    "report": "CreativeWork",
    "source": "Thing",
}


def _is_meeting(snap: Snapshot, x: str | None) -> bool:
    return bool(x) and (links.kind_of(x or "") == "meeting" or AXO + "Meeting" in snap.types(x or ""))


def _is_event(snap: Snapshot, x: str | None) -> bool:
    if not x:
        return False
    if links.kind_of(x) == "event":
        return True
    types = set(snap.types(x))
    if types & _EVENT_TYPES:
        return True
    return any(t.startswith(AXO) and set(snap.iris(t, RDFS + "subClassOf")) & _EVENT_TYPES for t in types)


def group_of(snap: Snapshot, claim: Claim) -> str:
    node = claim.asserts
    if node:
        types = set(snap.types(node))
        if ORG + "Membership" in types:
            return "Roles and memberships"
        if any(snap.objects(node, p) for p in _ACT_PREDICATES) or types & {
            AXO + "SpeechAct",
            AXO + "Decision",
            AXO + "Plan",
        }:
            return "Statements and decisions"
        if _is_meeting(snap, node):
            return "Meetings"
        if _is_event(snap, node):
            return "Events"
        return "Other claims"
    p = claim.predicate or ""
    obj = claim.object.value if isinstance(claim.object, ox.NamedNode) else None
    if p in (ORG + "memberOf", ORG + "headOf", ORG + "hasMember"):
        return "Roles and memberships"
    if p in (ATTENDEE, ABSENTEE, AXO + "invitee", AXO + "excludedFrom", AXO + "chair", SCHEMA + "organizer"):
        return "Meetings"
    if _is_meeting(snap, claim.subject) or _is_meeting(snap, obj):
        return "Meetings"
    if p in (AXO + "killedIn", AXO + "diedIn") or _is_event(snap, claim.subject) or _is_event(snap, obj):
        return "Events"
    return "Relations"


def names(snap: Snapshot, iri: str) -> list[str]:
    pref = snap.label(iri)
    alts = [o.value for o in snap.objects(iri, SKOS + "altLabel") if isinstance(o, ox.Literal)]
    out: list[str] = []
    for n in alts:
        if n != pref and n not in out:
            out.append(n)
    return out


def name_languages(snap: Snapshot, iri: str) -> dict[str, str]:
    """The language of each of `names` not in English ("قيس الخزعلي": "ar"), for its `lang` attribute."""
    out: dict[str, str] = {}
    for o in snap.objects(iri, SKOS + "altLabel"):
        if isinstance(o, ox.Literal) and (lang := other_language(o)):
            out.setdefault(o.value, lang)
    return out


def wikidata(snap: Snapshot, iri: str) -> list[str]:
    return [
        m for p in (SKOS + "exactMatch", OWL + "sameAs") for m in snap.iris(iri, p) if m.startswith(WIKIDATA)
    ]


# Facts whose property name alone reads wrong on a page ("position 15" on a statement)
_FACT_LABELS = {
    iris.PREFIXES["schema"] + "position": "place in the order of what was said (in the report's account)"
}


def facts(snap: Snapshot, iri: str, hide: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """Triples written directly on the entity (not via claims, not labels): place hierarchy, publisher..."""
    rows: list[dict[str, Any]] = []
    for p, objs in snap.out.get(iri, {}).items():
        if p in _HIDDEN_PREDICATES or p in _LABEL_PREDICATES or p in hide:
            continue
        objs = [o for o in objs if not snap.is_derived(iri, p, o)]
        if objs:
            rows.append(
                {
                    "predicate": _FACT_LABELS.get(p) or predicate_label(snap, p),
                    "predicate_iri": p,
                    "objects": [term_seg(snap, o) for o in objs],
                }
            )
    rows.sort(key=lambda r: r["predicate"])
    return rows


def incoming(snap: Snapshot, index: ClaimIndex, iri: str, limit: int = 300) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for s, p in snap.inc.get(iri, []):
        if p in _HIDDEN_PREDICATES or p == RDF_TYPE or s in index.claims or s.startswith("_:"):
            continue
        if (s, p) in seen:
            continue
        seen.add((s, p))
        rows.append(
            {
                "subject": term_seg(snap, ox.NamedNode(s)),
                "predicate": predicate_label(snap, p),
                "predicate_iri": p,
                "kind": links.kind_of(s) or "",
            }
        )
    rows.sort(key=lambda r: (r["predicate"], r["subject"].text))
    return rows[:limit]


def in_conflict(conflicts: list[list[Claim]], claims: list[Claim]) -> set[str]:
    """The claims of `conflicts`, and the claims among `claims` asserting an act or event that a
    conflicting claim is about (the accounts of a proposal whose speaker the reports dispute)."""
    out = {c.iri for g in conflicts for c in g}
    disputed_nodes = {c.subject for g in conflicts for c in g if c.subject}
    out.update(c.iri for c in claims if c.asserts and c.asserts in disputed_nodes)
    return out


@dataclass(frozen=True)
class Conflicts:
    """The conflicting accounts among a pool of claims, and the claims a page flags as conflicting."""

    groups: list[list[Claim]]
    flagged: set[str]


def find_conflicts(index: ClaimIndex, pool: list[Claim]) -> Conflicts:
    groups = conflict_groups(index, pool)
    return Conflicts(groups, in_conflict(groups, pool))


def claims_context(
    snap: Snapshot,
    index: ClaimIndex,
    claims: list[Claim],
    conflicts: Conflicts | None = None,
    titles: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The page's claims in groups, and the conflicting accounts: `conflicts` when the page has found them
    over a wider pool (on a meeting page, with the claims about the acts and events held at it), else those
    among `claims`. `titles`: a page's own headings for some groups (a meeting's page does not call the
    claims about itself "Meetings")."""
    if conflicts is None:
        conflicts = find_conflicts(index, claims)
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in claims:
        grouped[group_of(snap, c)].append(claim_view(snap, c, c.iri in conflicts.flagged))
    groups = []
    for title in GROUPS:
        items = grouped.get(title)
        if items:
            items.sort(key=lambda v: (v["sort"], v["iri"]))
            heading = (titles or {}).get(title, title)
            groups.append({"title": heading, "id": title.lower().replace(" ", "-"), "claims": items})
    return {
        "groups": groups,
        "conflicts": [[claim_view(snap, c, True) for c in g] for g in conflicts.groups],
        "claim_count": len(claims),
    }


def json_ld(
    snap: Snapshot, iri: str, kind: str, label: str, alt: list[str], comment: str | None, same_as: list[str]
) -> str:
    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPE_BY_KIND.get(kind, "Thing"),
        "@id": iri,
        "name": label,
        "url": iri,
    }
    if alt:
        doc["alternateName"] = alt
    if comment:
        doc["description"] = comment
    if same_as:
        doc["sameAs"] = same_as
    d = date_of(snap, iri)
    if d is not None and kind in ("meeting", "event") and d.not_before:
        doc["startDate"] = d.not_before
        if d.not_after:
            doc["endDate"] = d.not_after
    if kind == "report":
        issued = snap.value(iri, DCTERMS + "issued")
        if issued:
            doc["datePublished"] = issued
        publisher = snap.value(iri, DCTERMS + "publisher")
        if publisher:
            doc["publisher"] = {"@type": "Organization", "@id": publisher, "name": snap.label(publisher)}
    doc["isPartOf"] = {"@type": "Dataset", "name": "axiskg", "url": iris.BASE}
    return links.script_json(doc, ensure_ascii=False, indent=1)


def entity_context(snap: Snapshot, index: ClaimIndex, iri: str) -> dict[str, Any]:
    kind = links.kind_of(iri) or "thing"
    alt = names(snap, iri)
    wd = wikidata(snap, iri)
    claim = index.claims.get(iri)
    page = claim_page(snap, index, claim) if claim is not None else None
    if page is None:
        label, comment, hide = snap.label(iri), snap.literal(iri, RDFS + "comment"), frozenset[str]()
    else:
        # A claim is named by its title; its curator's note is shown, labelled, in the claim section (not as
        # the entity's description), and so are its quote and whether it is inferred (not as facts).
        label, comment, hide = page["title"], None, _CLAIM_SECTION_PREDICATES
    ctx: dict[str, Any] = {
        "iri": iri,
        "kind": kind,
        "type_label": type_label(snap, iri),
        "types": [{"iri": t, "href": links.href(t), "label": snap.label(t)} for t in snap.types(iri)],
        "label": label,
        "names": alt,
        "name_langs": name_languages(snap, iri),
        "comment": comment,
        "wikidata": wd,
        "date": date_of(snap, iri),
        "facts": facts(snap, iri, hide),
        "incoming": incoming(snap, index, iri),
        "formats": links.formats(iri),
        "json_ld": json_ld(snap, iri, kind, label, alt, comment, wd),
        "cited_by_claims": [claim_view(snap, index.claims[c]) for c in index.citing.get(iri, [])],
    }
    if kind != "meeting":  # a meeting's claims come with meeting_context (and the conflicts around it)
        ctx.update(claims_context(snap, index, index.about_entity(iri)))
    if page is not None:
        ctx.update(claim_page=page, description=f"{page['title']}: {page['view']['text']}")
    return ctx
