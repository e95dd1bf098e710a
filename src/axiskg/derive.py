"""Derivation: the direct edges beside the claims (Wikidata's 'truthy' triples), written to graph/derived.

Each rule is one SPARQL UPDATE run against the store, so the rules are readable and testable one by one.
"""

from __future__ import annotations

import pyoxigraph as ox

from axiskg import iris

_G = f"<{iris.GRAPH_DERIVED}>"

RULES: dict[str, str] = {
    # (T) claims: the triple the claim states.
    "claim-triples": f"""
INSERT {{ GRAPH {_G} {{ ?s ?p ?o }} }}
WHERE {{ ?c a axo:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . }}""",
    # rdfs:label for every prefLabel, so generic tools show a name.
    "labels": f"""
INSERT {{ GRAPH {_G} {{ ?x rdfs:label ?l }} }}
WHERE {{ ?x skos:prefLabel ?l . }}""",
    # Memberships asserted by a claim -> org:memberOf, and org:headOf for leading roles.
    "memberships": f"""
INSERT {{ GRAPH {_G} {{ ?p org:memberOf ?org ; org:hasMembership ?m . ?org org:hasMember ?p . }} }}
WHERE {{
  ?c a axo:Claim ; axo:asserts ?m .
  ?m a org:Membership ; org:member ?p ; org:organization ?org .
}}""",
    "heads": f"""
INSERT {{ GRAPH {_G} {{ ?p org:headOf ?org }} }}
WHERE {{
  ?c a axo:Claim ; axo:asserts ?m .
  ?m a org:Membership ; org:member ?p ; org:organization ?org ; org:role ?r .
  VALUES ?r {{ role:secretary-general role:chairman role:head role:leader role:commander }}
}}""",
    # Speech acts -> who spoke to whom, and at which meeting.
    "spoke-to": f"""
INSERT {{ GRAPH {_G} {{ ?sp axo:spokeTo ?ad }} }}
WHERE {{ ?c a axo:Claim ; axo:asserts ?a . ?a axo:speaker ?sp ; axo:addressee ?ad . }}""",
    "spoke-at": f"""
INSERT {{ GRAPH {_G} {{ ?sp axo:spokeAt ?m }} }}
WHERE {{ ?c a axo:Claim ; axo:asserts ?a . ?a axo:speaker ?sp ; axo:atEvent ?m . }}""",
    # Attribution chain -> one edge per cited element, and the primary (last) source.
    "cites-source": f"""
INSERT {{ GRAPH {_G} {{ ?c axo:citesSource ?src }} }}
WHERE {{ ?c a axo:Claim ; axo:attributionChain/rdf:rest*/rdf:first ?src . }}""",
    "primary-source": f"""
INSERT {{ GRAPH {_G} {{ ?c prov:hadPrimarySource ?src }} }}
WHERE {{
  ?c a axo:Claim ; axo:attributionChain/rdf:rest* ?node .
  ?node rdf:first ?src ; rdf:rest rdf:nil .
}}""",
    # Claims about X: subject, asserted node, IRI objects, and the participants of an asserted node.
    "claim-about": f"""
INSERT {{ GRAPH {_G} {{ ?c axo:claimAbout ?x }} }}
WHERE {{
  ?c a axo:Claim .
  {{ ?c rdf:subject ?x }} UNION {{ ?c rdf:object ?x FILTER(isIRI(?x)) }} UNION {{ ?c axo:asserts ?x }}
  UNION {{ ?c axo:asserts ?n . ?n ?p ?x . FILTER(isIRI(?x) && ?p != rdf:type) }}
}}""",
}


def _with_dataset(rule: str, graphs: list[str]) -> str:
    """Add `USING <g>` for every source graph, so each rule's WHERE sees their union as its default graph."""
    using = "".join(f"USING <{g}>\n" for g in graphs)
    head, sep, tail = rule.partition("\nWHERE")
    return head + "\n" + using.rstrip("\n") + sep + tail


def derive(store: ox.Store) -> int:
    """Run every rule over the union of the store's graphs; return the number of triples in graph/derived."""
    derived = ox.NamedNode(iris.GRAPH_DERIVED)
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g != derived)
    if not graphs:
        return 0
    prefixes = iris.sparql_prefixes()
    for rule in RULES.values():
        store.update(prefixes + _with_dataset(rule, graphs))
    return sum(1 for _ in store.quads_for_pattern(None, None, None, derived))
