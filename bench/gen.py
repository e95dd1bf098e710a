"""Synthetic axiskg project at a given size: a tree `axiskg validate` / `axiskg build` accept as is.

Writes OUT/ontology and OUT/shapes (symlinks to the repository's) and OUT/data/*.ttl split like the real data:
actors.ttl (persons, organizations, states), places.ttl, sources.ttl (reports, cited publications, anonymous
sources), events.ttl (shared events and DateSpecs), and one report-NNN.ttl per synthetic report holding that
report's situation nodes (meetings with DateSpecs, speech acts and responses, memberships) and its claims:
triple claims (attendance), situation claims (the meeting, the act, the membership), each with axo:statedIn,
an attribution chain (an RDF list of sources / cited publications, sometimes empty), a hedge, a quote, and now
and then axo:inferred and axo:disagreesWith. The data conforms to the real shapes (checked at 10k in
tests/test_bench_gen.py).

Usage: python bench/gen.py --triples 1000000 --out bench/out/gen-1000000
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
from pathlib import Path

from axiskg import iris

ROOT = Path(__file__).resolve().parent.parent

HEDGES = [
    "none",
    "reportedly",
    "said-to",
    "claimed",
    "alleged",
    "according-to-leaks",
    "apparently",
    "viewed-as",
    "estimated",
    "implied",
]
ROLES = [
    "commander",
    "member",
    "head",
    "adviser",
    "secretary-general",
    "representative",
    "leader",
    "security-official",
    "military-official",
]
ORG_CLASSES = ["axo:ArmedGroup", "axo:Coalition", "axo:PoliticalParty", "axo:StateBody", "axo:MediaOutlet"]
PLACE_CLASSES = ["axo:City", "axo:Region", "axo:Village", "axo:Facility", "axo:BorderCrossing"]
ACT_CLASSES = ["axo:SpeechAct", "axo:Question", "axo:Proposal", "axo:Warning", "axo:Request"]
RESPONSE_TYPES = ["axo:Rejected", "axo:AvoidedAnswer", "axo:Accepted", "axo:Objected"]

PREFIXES = (
    """@prefix axo:        <https://w3id.org/axiskg/ontology#> .
@prefix hedge:      <https://w3id.org/axiskg/ontology/hedge#> .
@prefix role:       <https://w3id.org/axiskg/ontology/role#> .
@prefix rdf:        <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:       <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:        <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:       <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms:    <http://purl.org/dc/terms/> .
@prefix org:        <http://www.w3.org/ns/org#> .
@prefix time:       <http://www.w3.org/2006/time#> .
@prefix schema:     <https://schema.org/> .
"""
    + iris.turtle_prefixes(iris.ENTITY_PREFIXES)
    + "\n"
)

# Triples written per block (counted, so that the total lands close to the target).
UNIT = 0  # filled in by _report_unit's own counter


class Writer:
    """Buffers Turtle text for one file and counts the triples it holds."""

    def __init__(self, path: Path, header: str) -> None:
        self.f = path.open("w", encoding="utf-8")
        self.f.write(f"# synthetic axiskg data ({header}), written by bench/gen.py\n\n{PREFIXES}")
        self.triples = 0
        self.buf: list[str] = []

    def node(self, subject: str, *pairs: tuple[str, str]) -> None:
        """`subject p1 o1 ; p2 o2 ... .`; an object '( a b )' is a list (2 triples per element)."""
        body = " ;\n    ".join(f"{p} {o}" for p, o in pairs)
        self.buf.append(f"{subject} {body} .\n\n")
        for _p, o in pairs:
            if o.startswith("("):
                self.triples += 1 + 2 * len(o.strip("() ").split())
            else:
                self.triples += 1
        if len(self.buf) > 2000:
            self.f.write("".join(self.buf))
            self.buf.clear()

    def close(self) -> None:
        self.f.write("".join(self.buf))
        self.f.close()


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@en'


def _date(y: int, m: int, d: int) -> str:
    return f'"{y:04d}-{m:02d}-{d:02d}"^^xsd:date'


def generate(target: int, out: Path, seed: int = 1) -> int:
    """Write the project tree under `out` (replacing its data/); return the number of triples written."""
    rnd = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    for folder in ("ontology", "shapes"):
        link = out / folder
        if link.is_symlink() or link.is_file():
            link.unlink()
        elif link.is_dir():
            shutil.rmtree(link)
        link.symlink_to(ROOT / folder, target_is_directory=True)
    data = out / "data"
    if data.exists():
        shutil.rmtree(data)
    data.mkdir()

    n_persons = max(20, target // 150)
    n_orgs = max(10, target // 1000)
    n_states = 8
    n_places = max(10, target // 2000)
    n_sources = max(6, target // 3000)
    n_pubs = max(4, target // 10000)
    n_reports = max(3, target // 20000)
    n_shared_days = max(5, target // 5000)
    total = 0

    # --- actors.ttl ---
    w = Writer(data / "actors.ttl", "persons, organizations, states")
    for i in range(n_states):
        w.node(
            f"actor:state-{i}",
            ("a", "axo:State"),
            ("skos:prefLabel", _lit(f"State {i}")),
            ("rdfs:comment", _lit(f"A synthetic state number {i}.")),
        )
    for i in range(n_orgs):
        cls = ORG_CLASSES[i % len(ORG_CLASSES)] if i % 4 else "axo:Organization"
        pairs = [
            ("a", cls),
            ("skos:prefLabel", _lit(f"Organization {i}")),
            ("skos:altLabel", _lit(f"Org. {i}")),
            ("rdfs:comment", _lit(f"A synthetic organization number {i}, as the texts describe it.")),
        ]
        if i % 5 == 0:
            pairs.append(("axo:basedIn", f"place:p{i % n_places}"))
        w.node(f"actor:o{i}", *pairs)
    for i in range(n_persons):
        cls = "axo:PseudonymousActor" if i % 50 == 7 else "axo:Person"
        pairs = [
            ("a", cls),
            ("skos:prefLabel", _lit(f"Person {i}")),
            ("skos:altLabel", _lit(f"P. {i}")),
            ("skos:altLabel", _lit(f"Person’s name {i}")),
            ("rdfs:comment", _lit(f"A synthetic person number {i}, who appears in the reports.")),
        ]
        if i % 3 == 0:
            pairs.append(("axo:nationality", f"actor:state-{i % n_states}"))
        w.node(f"person:p{i}", *pairs)
    w.close()
    total += w.triples

    # --- places.ttl ---
    w = Writer(data / "places.ttl", "places")
    for i in range(n_places):
        pairs = [("a", PLACE_CLASSES[i % len(PLACE_CLASSES)]), ("skos:prefLabel", _lit(f"Place {i}"))]
        if i:
            pairs.append(("schema:containedInPlace", f"place:p{rnd.randrange(i)}"))
        w.node(f"place:p{i}", *pairs)
    w.close()
    total += w.triples

    # --- sources.ttl ---
    w = Writer(data / "sources.ttl", "reports, cited publications, anonymous sources")
    for i in range(n_reports):
        w.node(
            f"report:r{i}",
            ("a", "axo:Report"),
            ("skos:prefLabel", _lit(f"Report {i}")),
            ("dcterms:title", _lit(f"Synthetic report number {i} on the militias")),
            ("dcterms:publisher", f"actor:o{i % n_orgs}"),
            ("dcterms:issued", _date(2023 + i % 3, 1 + i % 12, 1 + i % 28)),
            ("axo:sourceFile", f'"{i:03d}_synthetic.txt"'),
            ("dcterms:references", f"report:pub{i % n_pubs}"),
        )
    for i in range(n_pubs):
        w.node(
            f"report:pub{i}",
            ("a", "axo:Publication"),
            ("skos:prefLabel", _lit(f"Cited article {i}")),
            ("dcterms:publisher", f"actor:o{(i * 7) % n_orgs}"),
            ("dcterms:issued", _date(2023, 1 + i % 12, 1 + i % 28)),
        )
    for i in range(n_sources):
        w.node(
            f"source:s{i}",
            ("a", "axo:AnonymousSource"),
            ("skos:prefLabel", _lit(f"informed sources {i}")),
            ("rdfs:comment", _lit(f"Unnamed sources number {i}.")),
            ("axo:citedIn", f"report:pub{i % n_pubs}"),
        )
    w.close()
    total += w.triples

    # --- events.ttl: shared DateSpecs and events ---
    w = Writer(data / "events.ttl", "shared events and DateSpecs")
    for i in range(n_shared_days):
        y, m, d = 2020 + i % 5, 1 + i % 12, 1 + i % 28
        w.node(
            f"when:d{i}",
            ("a", "axo:DateSpec"),
            ("rdfs:label", _lit(f"{y}-{m:02d}-{d:02d}")),
            ("time:inXSDDate", _date(y, m, d)),
            ("axo:notBefore", _date(y, m, d)),
            ("axo:notAfter", _date(y, m, d)),
            ("axo:precision", "axo:PrecisionDay"),
        )
    for i in range(max(2, n_shared_days // 10)):
        w.node(
            f"event:e{i}",
            ("a", "axo:Attack"),
            ("skos:prefLabel", _lit(f"Attack {i}")),
            ("axo:agent", f"actor:o{i % n_orgs}"),
            ("schema:location", f"place:p{i % n_places}"),
            ("time:hasTime", f"when:d{i % n_shared_days}"),
            ("axo:means", _lit("a rocket and a drone")),
        )
    w.close()
    total += w.triples

    # --- report files ---
    remaining = max(0, target - total)
    per_report = remaining // n_reports + 1
    k = 0
    for r in range(n_reports):
        w = Writer(data / f"report-{r:03d}.ttl", f"claims of report {r}")
        rep = f"report:r{r}"
        prev_claim: str | None = None
        while w.triples < per_report and total + w.triples < target:
            k += 1
            _unit(
                w, rnd, k, r, rep, n_persons, n_orgs, n_places, n_sources, n_pubs, n_shared_days, prev_claim
            )
            prev_claim = f"claim:{r:03d}-attended-{k}-0"
        w.close()
        total += w.triples
    return total


def _chain(rnd: random.Random, n_sources: int, n_pubs: int) -> str:
    x = rnd.random()
    if x < 0.2:
        return "()"
    if x < 0.7:
        return f"( source:s{rnd.randrange(n_sources)} )"
    return f"( report:pub{rnd.randrange(n_pubs)} source:s{rnd.randrange(n_sources)} )"


def _claim(
    w: Writer,
    rnd: random.Random,
    iri: str,
    rep: str,
    form: list[tuple[str, str]],
    n_sources: int,
    n_pubs: int,
    quote: str,
    extra: list[tuple[str, str]] | None = None,
) -> None:
    w.node(
        iri,
        ("a", "axo:Claim"),
        *form,
        ("axo:statedIn", rep),
        ("axo:attributionChain", _chain(rnd, n_sources, n_pubs)),
        ("axo:hedge", f"hedge:{rnd.choice(HEDGES)}"),
        ("axo:quote", _lit(quote)),
        *(extra or []),
    )


def _unit(
    w: Writer,
    rnd: random.Random,
    k: int,
    r: int,
    rep: str,
    n_persons: int,
    n_orgs: int,
    n_places: int,
    n_sources: int,
    n_pubs: int,
    n_days: int,
    prev_claim: str | None,
) -> None:
    """One meeting with its DateSpec, attendance claims, a speech act and a response, and a membership."""
    cid = f"{r:03d}"
    day = rnd.randrange(n_days)
    when = f"when:m{k}"
    y = 2020 + rnd.randrange(5)
    mo = 1 + rnd.randrange(12)
    w.node(
        when,
        ("a", "axo:DateSpec"),
        ("skos:prefLabel", _lit(f"month {mo} of {y} (meeting {k})")),
        ("axo:relativeTo", f"when:d{day}"),
        ("axo:notBefore", _date(y, mo, 1)),
        ("axo:notAfter", _date(y, mo, 28)),
        ("axo:precision", "axo:PrecisionMonth"),
        ("axo:inferred", "true"),
    )
    mt = f"meeting:m{k}"
    host = f"actor:o{rnd.randrange(n_orgs)}"
    w.node(
        mt,
        ("a", "axo:Meeting"),
        ("skos:prefLabel", _lit(f"Meeting {k} of the factions")),
        ("rdfs:comment", _lit(f"A synthetic closed meeting number {k}.")),
        ("schema:location", f"place:p{rnd.randrange(n_places)}"),
        ("time:hasTime", when),
        ("schema:organizer", host),
        ("axo:topic", _lit("coordination of operations")),
    )
    _claim(
        w,
        rnd,
        f"claim:{cid}-meeting-{k}",
        rep,
        [("axo:asserts", mt)],
        n_sources,
        n_pubs,
        f"The factions met in closed session number {k}.",
    )
    people = rnd.sample(range(n_persons), 3)
    for j, p in enumerate(people):
        extra: list[tuple[str, str]] = []
        if j == 2 and rnd.random() < 0.3:
            extra.append(("axo:inferred", "true"))
        if j == 0 and prev_claim is not None and rnd.random() < 0.05:
            extra.append(("axo:disagreesWith", prev_claim))
        _claim(
            w,
            rnd,
            f"claim:{cid}-attended-{k}-{j}",
            rep,
            [("rdf:subject", mt), ("rdf:predicate", "schema:attendee"), ("rdf:object", f"person:p{p}")],
            n_sources,
            n_pubs,
            f"Among the attendees of meeting {k} was Person {p}.",
            extra,
        )
    speaker, addressee = f"person:p{people[0]}", f"person:p{people[1]}"
    a = f"act:a{k}"
    w.node(
        a,
        ("a", ACT_CLASSES[k % len(ACT_CLASSES)]),
        ("skos:prefLabel", _lit(f"Statement {k}")),
        ("axo:speaker", speaker),
        ("axo:addressee", addressee),
        ("axo:atEvent", mt),
        ("axo:content", _lit(f"The speaker urged the others to act, statement {k}.")),
        ("schema:position", '"1"^^xsd:integer'),
    )
    _claim(
        w,
        rnd,
        f"claim:{cid}-act-{k}",
        rep,
        [("axo:asserts", a)],
        n_sources,
        n_pubs,
        f"He told them to act (statement {k}).",
    )
    resp = f"act:r{k}"
    w.node(
        resp,
        ("a", "axo:Response"),
        ("skos:prefLabel", _lit(f"Answer to statement {k}")),
        ("axo:speaker", addressee),
        ("axo:addressee", speaker),
        ("axo:atEvent", mt),
        ("axo:respondsTo", a),
        ("axo:responseType", RESPONSE_TYPES[k % 4]),
        ("axo:content", _lit(f"The addressee answered statement {k}.")),
        ("schema:position", '"2"^^xsd:integer'),
    )
    _claim(
        w,
        rnd,
        f"claim:{cid}-response-{k}",
        rep,
        [("axo:asserts", resp)],
        n_sources,
        n_pubs,
        f"He answered (statement {k}).",
    )
    m = f"membership:m{k}"
    w.node(
        m,
        ("a", "org:Membership"),
        ("skos:prefLabel", _lit(f"Membership {k}")),
        ("org:member", f"person:p{people[2]}"),
        ("org:organization", f"actor:o{rnd.randrange(n_orgs)}"),
        ("org:role", f"role:{rnd.choice(ROLES)}"),
        ("org:memberDuring", f"when:d{day}"),
    )
    _claim(
        w,
        rnd,
        f"claim:{cid}-membership-{k}",
        rep,
        [("axo:asserts", m)],
        n_sources,
        n_pubs,
        f"Person {people[2]}, a senior official of the group (membership {k}).",
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, default=100_000)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    n = generate(args.triples, args.out, args.seed)
    print(f"{args.out}: {n} triples in {len(os.listdir(args.out / 'data'))} data files", file=sys.stderr)


if __name__ == "__main__":
    main()
