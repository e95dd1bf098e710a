"""The claim model as pages show it: every claim with its provenance sentence, its statement and conflicts.

Provenance reads as the data model defines it: the report (publisher and date) says it, citing each element of
`axo:attributionChain` in order (a publication: publisher and date; a source: its name), with the hedge
in force
and the verbatim quote.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from axiskg import iris
from axiskg.release import Release
from axiskg.web.views import links
from axiskg.web.views.dates import DateInfo, date_of
from axiskg.web.views.snapshot import (
    AXO,
    DCTERMS,
    ORG,
    RDF,
    RDF_TYPE,
    RDFS,
    SCHEMA,
    SKOS,
    Snapshot,
    Term,
    key,
    local_name,
    per_release_id,
    snapshot,
)

CLAIM = AXO + "Claim"
HEDGE_NONE = iris.HEDGE + "none"
_ACT_WHO = (AXO + "speaker", AXO + "decidedBy", AXO + "plannedBy")
ATTENDEE = SCHEMA + "attendee"
ABSENTEE = AXO + "absentee"

# Predicates that legitimately take many values: different objects from different reports are not a conflict.
MULTI_VALUED: frozenset[str] = frozenset(
    {
        ATTENDEE,
        ABSENTEE,
        AXO + "invitee",
        AXO + "excludedFrom",
        ORG + "memberOf",
        ORG + "hasMember",
        ORG + "headOf",
        ORG + "linkedTo",
        AXO + "affiliatedWith",
        AXO + "supports",
        AXO + "opposes",
        AXO + "spokeTo",
        AXO + "spokeAt",
        AXO + "possiblySameAs",
        AXO + "destination",
        AXO + "agent",
        AXO + "target",
        AXO + "victim",
        AXO + "topic",
        AXO + "responsibleFor",
        AXO + "addressee",
        AXO + "citedIn",
        DCTERMS + "references",
        SCHEMA + "subEvent",
        AXO + "controlledBy",
    }
)
# Pairs of predicates that cannot both hold for the same subject and object.
CONTRADICTORY: tuple[tuple[str, str], ...] = ((ATTENDEE, ABSENTEE), (ATTENDEE, AXO + "excludedFrom"))

# Readable names for predicates the ontology file does not label (standard vocabularies).
PREDICATE_WORDS: dict[str, str] = {
    ATTENDEE: "attendee",
    SCHEMA + "location": "location",
    SCHEMA + "organizer": "host",
    SCHEMA + "superEvent": "part of",
    SCHEMA + "subEvent": "session",
    SCHEMA + "url": "URL",
    ORG + "memberOf": "member of",
    ORG + "headOf": "head of",
    ORG + "hasMember": "has member",
    ORG + "linkedTo": "connected to",
    ORG + "member": "member",
    ORG + "organization": "organization",
    ORG + "role": "role",
    ORG + "memberDuring": "during",
    ORG + "hasMembership": "membership",
    DCTERMS + "publisher": "publisher",
    DCTERMS + "issued": "issued",
    DCTERMS + "title": "title",
    DCTERMS + "references": "cites",
    RDF_TYPE: "type",
    RDFS + "comment": "description",
    "http://www.w3.org/2004/02/skos/core#exactMatch": "same as (Wikidata)",
    "http://www.w3.org/2006/time#hasTime": "date",
    "http://www.w3.org/ns/prov#hadPrimarySource": "primary source",
}


@dataclass
class Claim:
    iri: str
    report: str | None = None
    chain: list[ox.NamedNode | ox.BlankNode | ox.Literal] = field(default_factory=list)
    hedge: str | None = None
    quote: str | None = None
    subject: str | None = None
    predicate: str | None = None
    object: Any = None
    asserts: str | None = None
    inferred: bool = False
    comment: str | None = None
    disagrees: list[str] = field(default_factory=list)
    about: set[str] = field(default_factory=set)

    @property
    def is_triple(self) -> bool:
        return self.subject is not None and self.predicate is not None

    @property
    def object_key(self) -> str:
        return key(self.object) if not isinstance(self.object, ox.Literal) else f'"{self.object.value}"'


@dataclass
class ClaimIndex:
    claims: dict[str, Claim] = field(default_factory=dict)
    about: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_report: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_asserted: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    citing: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # (subject, predicate) pairs whose value the reports dispute, computed once by `disputed_pairs`.
    disputed: frozenset[tuple[str, str]] = frozenset()

    def about_entity(self, iri: str) -> list[Claim]:
        return [self.claims[c] for c in self.about.get(iri, [])]


def _load_claim(snap: Snapshot, c: str) -> Claim:
    claim = Claim(c)
    claim.report = snap.value(c, AXO + "statedIn")
    head = snap.one(c, AXO + "attributionChain")
    if head is not None:
        claim.chain = snap.rdf_list(key(head))
    claim.hedge = snap.value(c, AXO + "hedge")
    claim.quote = snap.literal(c, AXO + "quote")
    subj = snap.one(c, RDF + "subject")
    claim.subject = key(subj) if subj is not None else None
    claim.predicate = snap.value(c, RDF + "predicate")
    claim.object = snap.one(c, RDF + "object")
    claim.asserts = snap.value(c, AXO + "asserts")
    claim.inferred = snap.value(c, AXO + "inferred") in ("true", "1")
    claim.comment = snap.literal(c, RDFS + "comment")
    claim.disagrees = sorted(
        set(snap.iris(c, AXO + "disagreesWith")) | set(snap.subjects(AXO + "disagreesWith", c))
    )
    about: set[str] = set()
    if claim.subject:
        about.add(claim.subject)
    if isinstance(claim.object, ox.NamedNode):
        about.add(claim.object.value)
    if claim.asserts:
        about.add(claim.asserts)
        for p, objs in snap.out.get(claim.asserts, {}).items():
            if p == RDF_TYPE:
                continue
            about.update(o.value for o in objs if isinstance(o, ox.NamedNode))
    claim.about = about
    return claim


def build_index(snap: Snapshot) -> ClaimIndex:
    index = ClaimIndex()
    for c in sorted(snap.instances(CLAIM)):
        claim = _load_claim(snap, c)
        index.claims[c] = claim
        for x in claim.about:
            index.about[x].append(c)
        if claim.report:
            index.by_report[claim.report].append(c)
        if claim.asserts:
            index.by_asserted[claim.asserts].append(c)
        for el in claim.chain:
            if isinstance(el, ox.NamedNode):
                index.citing[el.value].append(c)
    index.disputed = disputed_pairs(index)
    return index


def claim_index(release: Release) -> ClaimIndex:
    return index_of(snapshot(release))


def index_of(snap: Snapshot) -> ClaimIndex:
    """The claim index of the snapshot's release (the one `claim_index` gives), built once per release."""
    return per_release_id("claims", snap.release_id, lambda: build_index(snap))


# ---------------------------------------------------------------- provenance


@dataclass(frozen=True)
class Step:
    """One voice in a provenance chain: the report, a cited publication, or a source."""

    label: str
    href: str | None
    date: str | None
    role: str  # "report" | "publication" | "source"

    def __str__(self) -> str:
        return f"{self.label} ({self.date})" if self.date else self.label


def _is_publication(snap: Snapshot, x: str) -> bool:
    types = set(snap.types(x))
    return bool(
        types & {AXO + "Publication", AXO + "Report", SCHEMA + "CreativeWork"}
        or snap.one(x, DCTERMS + "publisher") is not None
        or links.kind_of(x) == "report"
    )


def publication_step(snap: Snapshot, pub: str, role: str) -> Step:
    publisher = snap.value(pub, DCTERMS + "publisher")
    label = snap.label(publisher) if publisher else snap.label(pub)
    d = date_of(snap, pub)
    date = None
    if d is not None:
        date = d.not_before if d.is_day else (d.label or d.bounds)
    return Step(label, links.href(pub), date, role)


def report_short(snap: Snapshot, report: str) -> str:
    """A report as the provenance lines name it: its publisher and date ("Amwaj Media, 2023-11-07")."""
    step = publication_step(snap, report, "report")
    return f"{step.label}, {step.date}" if step.date else step.label


def provenance(snap: Snapshot, claim: Claim) -> list[Step]:
    steps: list[Step] = []
    if claim.report:
        steps.append(publication_step(snap, claim.report, "report"))
    for el in claim.chain:
        if isinstance(el, ox.NamedNode):
            if _is_publication(snap, el.value):
                steps.append(publication_step(snap, el.value, "publication"))
            else:
                steps.append(Step(snap.label(el.value), links.href(el.value), None, "source"))
        else:
            steps.append(
                Step(el.value if isinstance(el, ox.Literal) else "an unnamed source", None, None, "source")
            )
    return steps


def hedge_label(snap: Snapshot, hedge: str | None) -> str:
    if not hedge:
        return "no hedge recorded"
    return snap.label(hedge)


def provenance_text(snap: Snapshot, claim: Claim) -> str:
    """The provenance as one plain sentence (used for titles and tests)."""
    steps = provenance(snap, claim)
    if not steps:
        text = "source unknown"
    else:
        text = "according to " + str(steps[0]) + "".join(f", citing {s}" for s in steps[1:])
    if claim.hedge and not claim.hedge.endswith("#none"):
        text += f" [{hedge_label(snap, claim.hedge)}]"
    if claim.quote:
        text += f": \u2018{claim.quote}\u2019"
    return text


# ---------------------------------------------------------------- statements


@dataclass(frozen=True)
class Seg:
    text: str
    href: str | None = None
    kind: str = "text"  # "text" | "link" | "literal"
    lang: str | None = None  # a literal's language when not English (other_language)


def other_language(term: ox.Literal) -> str | None:
    """A literal's language tag when it is not English, for a `lang` attribute (the pages are in English): a
    screen reader then reads "قيس الخزعلي" as Arabic, not as English letters (WCAG 3.1.2)."""
    lang = term.language
    return lang if lang and lang.split("-")[0].lower() != "en" else None


def predicate_label(snap: Snapshot, p: str) -> str:
    if p in PREDICATE_WORDS:
        return PREDICATE_WORDS[p]
    label = snap.literal(p, RDFS + "label") or snap.literal(
        p, "http://www.w3.org/2004/02/skos/core#prefLabel"
    )
    if label:
        return label
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local_name(p)).lower()


def term_seg(snap: Snapshot, term: Any) -> Seg:
    if isinstance(term, ox.NamedNode):
        return Seg(snap.label(term.value), links.href(term.value), "link")
    if isinstance(term, ox.Literal):
        return Seg(term.value, None, "literal", other_language(term))
    if term is None:
        return Seg("?")
    return Seg(snap.label(key(term)), None, "text")


def type_label(snap: Snapshot, x: str) -> str:
    """Label of the most specific of x's types (ontology terms first)."""
    types = snap.types(x)
    ours = [t for t in types if t.startswith(iris.AXO)] or types
    if not ours:
        return "thing"
    supers: set[str] = set()
    for t in ours:
        supers.update(snap.iris(t, RDFS + "subClassOf"))
    specific = [t for t in ours if t not in supers] or ours
    return (
        snap.literal(specific[0], RDFS + "label")
        or re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local_name(specific[0])).lower()
    )


def triple_claims(snap: Snapshot, node: str, p: str) -> list[str]:
    """The (T) claims whose statement is `node p ...`."""
    return [
        c
        for c in snap.subjects(RDF + "subject", node)
        if snap.value(c, RDF + "predicate") == p and CLAIM in snap.types(c)
    ]


def disputed(snap: Snapshot, node: str, p: str) -> bool:
    """True when the reports dispute the value of `node p`: a claim giving it is in a conflict group of
    `conflict_groups` (see `disputed_pairs`), so the page lists the conflicting accounts."""
    return (node, p) in index_of(snap).disputed


def values(snap: Snapshot, node: str, p: str, report: str | None = None) -> list[Term]:
    """The objects of `node p` as one account tells them.

    Written on the node: always. Derived from (T) claims (graph/derived): all of them unless those claims
    conflict; then only what the claims of `report` give (none for a summary without a report), so two
    reports' accounts are never merged into one."""
    objs = snap.objects(node, p)
    if not any(snap.is_derived(node, p, o) for o in objs) or not disputed(snap, node, p):
        return objs
    out = [o for o in objs if not snap.is_derived(node, p, o)]
    if report:
        for c in triple_claims(snap, node, p):
            o = snap.one(c, RDF + "object")
            if o is not None and snap.value(c, AXO + "statedIn") == report and o not in out:
                out.append(o)
    return out


def _links(snap: Snapshot, x: str, p: str, report: str | None = None) -> list[Seg]:
    segs: list[Seg] = []
    for i, o in enumerate(values(snap, x, p, report)):
        if i:
            segs.append(Seg(", "))
        segs.append(term_seg(snap, o))
    return segs


def situation(
    snap: Snapshot, node: str, report: str | None = None, *, one_account: bool = False
) -> list[Seg]:
    """A readable line for an n-ary situation node (membership, speech act, decision, event, meeting...).

    With `report`, the line is that report's account: a value the reports dispute (the speaker two reports
    name differently) is the one this report's own claim gives. Without, it is the summary: a disputed value
    is left out and flagged; or, with `one_account`, the account of a claim that has no report: a disputed
    value is left out (that claim gives none) and not flagged."""
    one_account = one_account or report is not None
    types = set(snap.types(node))
    tl = type_label(snap, node)

    def links_of(p: str) -> list[Seg]:
        return _links(snap, node, p, report)

    if ORG + "Membership" in types:
        segs = links_of(ORG + "member")
        roles = snap.iris(node, ORG + "role")
        segs.append(
            Seg(" \u2014 " + (", ".join(snap.label(r) for r in roles) if roles else "member") + " of ")
        )
        segs += links_of(ORG + "organization")
        during = date_of(snap, node)
        if during is not None:
            segs.append(Seg(f" ({during})"))
        return segs
    speaker = snap.objects(node, AXO + "speaker")
    if speaker or AXO + "SpeechAct" in types:
        who = links_of(AXO + "speaker")
        segs = who + [Seg(f" ({tl})")] if who else [Seg(tl.capitalize())]
        if snap.objects(node, AXO + "addressee"):
            segs += [Seg(" to ")] + links_of(AXO + "addressee")
        if snap.objects(node, AXO + "atEvent"):
            segs += [Seg(" at ")] + links_of(AXO + "atEvent")
        content = snap.literal(node, AXO + "content")
        if content:
            segs += [Seg(": "), Seg(content, None, "literal")]
        rtype = snap.value(node, AXO + "responseType")
        if rtype:
            segs.append(Seg(f" [{snap.label(rtype)}]"))
        if not who and not one_account and disputed(snap, node, AXO + "speaker"):
            segs.append(Seg(" \u2014 the speaker is disputed: the reports name different people"))
        return segs
    for who_p, verb in ((AXO + "decidedBy", "decided"), (AXO + "plannedBy", "planned")):
        if snap.objects(node, who_p):
            segs = links_of(who_p) or [Seg("(disputed)")]
            segs.append(Seg(f" {verb}"))
            if snap.objects(node, AXO + "atEvent"):
                segs += [Seg(" at ")] + links_of(AXO + "atEvent")
            content = snap.literal(node, AXO + "content")
            if content:
                segs += [Seg(": "), Seg(content, None, "literal")]
            return segs
    segs = [Seg(tl.capitalize() + ": "), Seg(snap.label(node), links.href(node), "link")]
    for p, word in (
        (AXO + "agent", " by "),
        (AXO + "target", ", target "),
        (AXO + "victim", ", victim "),
        (SCHEMA + "location", ", at "),
    ):
        vals = links_of(p)
        if vals:
            segs += [Seg(word)] + vals
    d = date_of(snap, node)
    if d is not None:
        segs.append(Seg(f", {d}"))
    content = snap.literal(node, AXO + "content") or snap.literal(node, AXO + "aim")
    if content:
        segs += [Seg(": "), Seg(content, None, "literal")]
    return segs


def statement(snap: Snapshot, claim: Claim) -> list[Seg]:
    if claim.is_triple:
        subj = ox.NamedNode(claim.subject) if claim.subject and not claim.subject.startswith("_:") else None
        return [
            term_seg(snap, subj),
            Seg(f" \u2014 {predicate_label(snap, claim.predicate or '')} \u2192 "),
            term_seg(snap, claim.object),
        ]
    if claim.asserts:
        # The claim's own account (its report's version of what the reports dispute), never the summary.
        return situation(snap, claim.asserts, claim.report, one_account=True)
    return [Seg("(claim without a statement)")]


# ---------------------------------------------------------------- conflicts


# What makes two accounts conflict (the rules of `_conflicts`).
DISAGREE = "disagrees"  # an explicit axo:disagreesWith
OTHER_VALUE = "other value"  # reports giving different values of a single-valued predicate
CONTRADICTS = "contradicts"  # contradictory predicates (attended / absent) for the same subject and object


def _conflicts(index: ClaimIndex, claims: list[Claim]) -> list[tuple[str, list[str]]]:
    """Every conflict among `claims`: the rule that finds it and the claims (IRIs) in it."""
    groups: list[tuple[str, list[str]]] = []
    for c in claims:
        for other in c.disagrees:
            if other in index.claims:
                groups.append((DISAGREE, [c.iri, other]))
    by_sp: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    by_so: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for c in claims:
        if c.is_triple and c.report:
            by_sp[(c.subject or "", c.predicate or "")].append(c)
            by_so[(c.subject or "", c.object_key)].append(c)
    for (_, p), cs in by_sp.items():
        if p in MULTI_VALUED:
            continue
        per_report: dict[str, set[str]] = defaultdict(set)
        for c in cs:
            per_report[c.report or ""].add(c.object_key)
        single = len(per_report) > 1 and all(len(v) == 1 for v in per_report.values())
        if single and len({next(iter(v)) for v in per_report.values()}) > 1:
            groups.append((OTHER_VALUE, [c.iri for c in cs]))
    for cs in by_so.values():
        preds = {c.predicate for c in cs}
        for a, b in CONTRADICTORY:
            if a in preds and b in preds:
                side_a = [c for c in cs if c.predicate == a]
                side_b = [c for c in cs if c.predicate == b]
                if {c.report for c in side_a} != {c.report for c in side_b} or len(
                    {c.report for c in cs}
                ) > 1:
                    groups.append((CONTRADICTS, [c.iri for c in side_a + side_b]))
    return groups


def conflict_groups(index: ClaimIndex, claims: list[Claim]) -> list[list[Claim]]:
    """Conflicting accounts among (and around) `claims`: explicit axo:disagreesWith, the same subject and
    single-valued predicate with different objects in different reports, and contradictory predicates
    (attended / absent) for the same subject and object."""
    seen: set[frozenset[str]] = set()
    merged: list[list[Claim]] = []
    for _, g in _conflicts(index, claims):
        fs = frozenset(g)
        if fs in seen or len(fs) < 2:
            continue
        seen.add(fs)
        merged.append([index.claims[i] for i in sorted(fs, key=g.index)])
    # Keep only maximal groups (a disagreesWith pair inside a larger group is shown once).
    return [g for g in merged if not any(set(x.iri for x in g) < set(y.iri for y in h) for h in merged)]


def disputed_pairs(index: ClaimIndex) -> frozenset[tuple[str, str]]:
    """The (subject, predicate) pairs whose value the reports dispute, by the rules of `conflict_groups`
    over every claim: the (T) claims of a conflict of two accounts naming different values (explicit
    disagreement, or different values of a single-valued predicate). A contradiction (attended / absent)
    is about one subject and object, not about which value: it leaves the values as they are."""
    return frozenset(
        (c.subject or "", c.predicate or "")
        for rule, g in _conflicts(index, list(index.claims.values()))
        if rule != CONTRADICTS and len(set(g)) > 1
        for c in (index.claims[i] for i in g)
        if c.is_triple
    )


# ---------------------------------------------------------------- view model


def claim_view(snap: Snapshot, claim: Claim, conflicting: bool = False) -> dict[str, Any]:
    steps = provenance(snap, claim)
    # Summaries of meetings, events and memberships carry their own date; acts and triples get one here.
    d: DateInfo | None = None
    if claim.asserts and any(snap.objects(claim.asserts, p) for p in _ACT_WHO):
        d = date_of(snap, claim.asserts)
    elif claim.is_triple and claim.subject:
        d = date_of(snap, claim.subject)
    return {
        "iri": claim.iri,
        "href": links.href(claim.iri),
        "statement": statement(snap, claim),
        "steps": steps,
        "hedge": claim.hedge,
        "hedge_label": hedge_label(snap, claim.hedge),
        "hedge_href": links.href(claim.hedge) if claim.hedge else None,
        "hedged": bool(claim.hedge) and not (claim.hedge or "").endswith("#none"),
        "quote": claim.quote,
        "inferred": claim.inferred,
        "comment": claim.comment,
        "report": claim.report,
        "date": d,
        "sort": d.sort_key if d else "9999",
        "conflicting": conflicting,
        "text": provenance_text(snap, claim),
    }


# ---------------------------------------------------------------- the claim's own page


def _term_text(snap: Snapshot, term: Any) -> str:
    if isinstance(term, ox.Literal):
        return f"\u201c{term.value}\u201d"
    if term is None:
        return "?"
    return snap.label(key(term))


def claim_title(snap: Snapshot, claim: Claim) -> str:
    """A readable name for a claim: its skos:prefLabel, else its statement in words (never the slug)."""
    pref = snap.literal(claim.iri, SKOS + "prefLabel")
    if pref:
        return pref
    if claim.is_triple:
        subj = snap.label(claim.subject or "")
        pred = predicate_label(snap, claim.predicate or "")
        return f"{subj} \u2014 {pred} \u2014 {_term_text(snap, claim.object)}"
    if claim.asserts:
        label = snap.label(claim.asserts)
        if label != local_name(claim.asserts):
            return label
        text = "".join(seg.text for seg in statement(snap, claim))
        return text if len(text) <= 160 else text[:157].rstrip() + "\u2026"
    return local_name(claim.iri)


def hedge_words(snap: Snapshot, hedge: str | None) -> dict[str, Any]:
    """The hedge in words: its name, what it means, and whether the statement reads as fact."""
    if not hedge:
        return {"label": "no hedge recorded", "meaning": None, "hedged": False, "href": None}
    return {
        "label": hedge_label(snap, hedge),
        "meaning": snap.literal(hedge, RDFS + "comment"),
        "hedged": hedge != HEDGE_NONE,
        "href": links.href(hedge),
    }


def claim_page(snap: Snapshot, index: ClaimIndex, claim: Claim) -> dict[str, Any]:
    """What the page of one claim shows: the statement, the report, whom it cites in order, the hedge in
    words, inferred or not, the quote, the curator's note and the claims it disagrees with."""
    others = [index.claims[o] for o in claim.disagrees if o in index.claims]
    view = claim_view(snap, claim, conflicting=bool(others))
    steps: list[Step] = view["steps"]
    asserts = None
    if claim.asserts:
        asserts = {
            "label": snap.label(claim.asserts),
            "href": links.href(claim.asserts),
            "type": type_label(snap, claim.asserts),
        }
    disputes: list[str] = []
    if claim.asserts:
        preds = {
            snap.value(c, RDF + "predicate") or "" for c in snap.subjects(RDF + "subject", claim.asserts)
        }
        disputes = sorted(predicate_label(snap, p) for p in preds if p and disputed(snap, claim.asserts, p))
    report = None
    if claim.report:
        report = {
            "label": snap.literal(claim.report, DCTERMS + "title") or snap.label(claim.report),
            "href": links.href(claim.report),
            "step": steps[0] if steps else None,
        }
    return {
        "view": view,
        "title": claim_title(snap, claim),
        "form": "triple" if claim.is_triple else "situation" if claim.asserts else "none",
        "asserts": asserts,
        # What the reports dispute about the asserted act or event (its speaker...): this claim's statement
        # gives its own report's version.
        "disputes": disputes,
        "report": report,
        "steps": steps,
        "cites": steps[1:] if claim.report else steps,
        "hedge": hedge_words(snap, claim.hedge),
        "disagrees": [
            dict(claim_view(snap, o, True), title=claim_title(snap, o))
            for o in sorted(others, key=lambda o: (o.report or "", o.iri))
        ],
    }
