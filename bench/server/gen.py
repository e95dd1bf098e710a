"""Synthetic axiskg-shaped data at a given size, written as a release that `axiskg serve` and
`oxigraph serve-read-only` can both open.

Shape (per "unit" of ~100 triples): persons and organizations with labels, memberships (n-ary nodes with
claims), meetings with attendance claims, each claim with report, hedge, quote and an attribution chain,
and the derived edges the build writes (direct triples, claimAbout, citesSource) in graph/derived.

Usage: python bench/server/gen.py --triples 100000 --out bench/out/100k
"""

from __future__ import annotations

import argparse
import json
import os
import random
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

BASE = "https://w3id.org/axiskg/"
AX = BASE + "id/"
AXO = BASE + "ontology#"
HEDGE = BASE + "ontology/hedge#"
ROLE = BASE + "ontology/role#"
G = BASE + "graph/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
HEDGES = ["none", "reportedly", "said-to", "claimed", "alleged", "apparently", "viewed-as", "estimated"]
ROLES = ["commander", "member", "head", "adviser", "secretary-general", "representative"]


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def quads(target: int, seed: int = 1) -> list[ox.Quad]:
    rnd = random.Random(seed)
    out: list[ox.Quad] = []
    n_persons = max(10, target // 60)
    n_orgs = max(5, target // 600)
    n_reports = max(5, target // 5000)
    n_sources = max(5, target // 2000)
    actors, derived = n(G + "actors"), n(G + "derived")
    lit = ox.Literal
    label, pref, typ = n(RDFS + "label"), n(SKOS + "prefLabel"), n(RDF + "type")

    def add(s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode, o: object, g: ox.NamedNode) -> None:
        out.append(ox.Quad(s, p, o, g))  # type: ignore[arg-type]

    for i in range(n_persons):
        p = n(f"{AX}person/p{i}")
        add(p, typ, n(AXO + "Person"), actors)
        add(p, pref, lit(f"Person {i}", language="en"), actors)
        add(p, n(SKOS + "altLabel"), lit(f"P. {i}", language="en"), actors)
        add(p, n(RDFS + "comment"), lit(f"A synthetic person number {i}.", language="en"), actors)
        add(p, label, lit(f"Person {i}", language="en"), derived)
    for i in range(n_orgs):
        o = n(f"{AX}org/o{i}")
        add(o, typ, n(AXO + "ArmedGroup" if i % 3 else AXO + "Organization"), actors)
        add(o, pref, lit(f"Organization {i}", language="en"), actors)
        add(o, label, lit(f"Organization {i}", language="en"), derived)
    for i in range(n_reports):
        r = n(f"{AX}report/r{i}")
        add(r, typ, n(AXO + "Report"), actors)
        add(
            r,
            n("http://purl.org/dc/terms/issued"),
            lit(f"2024-0{1 + i % 9}-1{i % 9}", datatype=n(XSD + "date")),
            actors,
        )
    for i in range(n_sources):
        add(n(f"{AX}source/s{i}"), typ, n(AXO + "AnonymousSource"), actors)

    k = 0
    while len(out) < target:
        k += 1
        report = rnd.randrange(n_reports)
        g = n(f"{G}report-{report:03d}")
        person = n(f"{AX}person/p{rnd.randrange(n_persons)}")
        org = n(f"{AX}org/o{rnd.randrange(n_orgs)}")
        src = n(f"{AX}source/s{rnd.randrange(n_sources)}")
        if k % 2:  # membership (situation claim)
            m = n(f"{AX}membership/m{k}")
            add(m, typ, n(ORG + "Membership"), g)
            add(m, n(ORG + "member"), person, g)
            add(m, n(ORG + "organization"), org, g)
            add(m, n(ORG + "role"), n(ROLE + rnd.choice(ROLES)), g)
            c = n(f"{AX}claim/{report:03d}-m{k}")
            add(c, n(AXO + "asserts"), m, g)
            add(person, n(ORG + "memberOf"), org, derived)
        else:  # meeting attendance (triple claim)
            mt = n(f"{AX}meeting/mt{k // 10}")
            add(mt, typ, n(AXO + "Meeting"), g)
            add(mt, label, lit(f"Meeting {k // 10}", language="en"), derived)
            c = n(f"{AX}claim/{report:03d}-a{k}")
            add(c, n(RDF + "subject"), mt, g)
            add(c, n(RDF + "predicate"), n(SCHEMA + "attendee"), g)
            add(c, n(RDF + "object"), person, g)
            add(mt, n(SCHEMA + "attendee"), person, derived)
            add(c, n(AXO + "claimAbout"), mt, derived)
        add(c, typ, n(AXO + "Claim"), g)
        add(c, n(AXO + "statedIn"), n(f"{AX}report/r{report}"), g)
        add(c, n(AXO + "hedge"), n(HEDGE + rnd.choice(HEDGES)), g)
        add(c, n(AXO + "quote"), lit(f"Quote number {k} from the report, verbatim.", language="en"), g)
        chain = ox.BlankNode(f"chain{k}")
        add(c, n(AXO + "attributionChain"), chain, g)
        add(chain, n(RDF + "first"), src, g)
        add(chain, n(RDF + "rest"), n(RDF + "nil"), g)
        add(c, n(AXO + "claimAbout"), person, derived)
        add(c, n(AXO + "citesSource"), src, derived)
    return out


def write_release(out: Path, target: int) -> Path:
    """Write a release under `out` (releases/<id>/store, release.json, `current`); return its dir."""
    data = quads(target)
    rid = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + f"-{target:08x}"
    rdir = out / "releases" / rid
    rdir.mkdir(parents=True)
    store = ox.Store(str(rdir / "store"))
    store.bulk_extend(data)
    store.optimize()
    store.flush()
    graphs: dict[str, int] = {}
    for q in data:
        graphs[q.graph_name.value] = graphs.get(q.graph_name.value, 0) + 1
    del store
    meta = {
        "id": rid,
        "version": "bench",
        "created": datetime.now(UTC).isoformat(),
        "triples": len(data),
        "graphs": graphs,
    }
    (rdir / "release.json").write_text(json.dumps(meta), encoding="utf-8")
    link = out / ".current-tmp"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(Path("releases") / rid)
    os.replace(link, out / "current")
    return rdir


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--triples", type=int, default=100_000)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    rdir = write_release(args.out, args.triples)
    print(rdir)


if __name__ == "__main__":
    main()
