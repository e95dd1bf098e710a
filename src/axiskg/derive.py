"""Derivation: the direct edges beside the claims (Wikidata's 'truthy' triples), written to graph/derived.

Each rule is one SPARQL UPDATE run against the store, so the rules are readable and testable one by one.
graph/derived holds only what no source graph states already: the endpoint's default graph is the union
of the graphs, where a triple held by two graphs would match twice (duplicate rows, COUNT off).
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


def _construct(rule: str) -> str:
    """The rule as a CONSTRUCT of its template (the triples it inserts into graph/derived)."""
    head, sep, where = rule.partition("\nWHERE")
    template = head.strip()
    opening = f"INSERT {{ GRAPH {_G} {{"
    if not (sep and template.startswith(opening) and template.endswith("} }")):
        raise ValueError(f"not a derivation rule: {rule!r}")
    return "CONSTRUCT {" + template[len(opening) : -len("} }")] + "}\nWHERE" + where


CONSTRUCTS: dict[str, str] = {name: _construct(rule) for name, rule in RULES.items()}


def derive(store: ox.Store) -> int:
    """Run every rule over the union of the store's graphs; return the number of triples in graph/derived."""
    derived = ox.NamedNode(iris.GRAPH_DERIVED)
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g != derived)
    if not graphs:
        return 0
    prefixes = iris.sparql_prefixes()
    fresh = not any(True for _ in store.quads_for_pattern(None, None, None, derived)) and not any(
        True for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    )
    if fresh:
        # The usual case (a build's store: source graphs only). The same rules, each evaluated as a
        # CONSTRUCT over the union default graph (which is then exactly the union of the source graphs),
        # all before any derived triple is added, then inserted at once: a USING clause naming every graph
        # makes Oxigraph evaluate each pattern per graph (50 s instead of 6 s for 1M triples).
        triples: list[ox.Triple] = []
        for construct in CONSTRUCTS.values():
            result = store.query(prefixes + construct, use_default_graph_as_union=True)
            assert isinstance(result, ox.QueryTriples)
            triples.extend(result)
        # what a source graph states already stays out (read before the store is written); only predicates
        # some source graph uses can be stated (rdfs:label, a claim's predicate), not axo:claimAbout...
        stated = {
            p for p in {t.predicate for t in triples} if next(store.quads_for_pattern(None, p, None), None)
        }
        unstated = [
            ox.Quad(t.subject, t.predicate, t.object, derived)
            for t in triples
            if t.predicate not in stated
            or next(store.quads_for_pattern(t.subject, t.predicate, t.object), None) is None
        ]
        store.bulk_extend(unstated)
    else:
        for rule in RULES.values():
            store.update(prefixes + _with_dataset(rule, graphs))
        store.update(_DROP_STATED)
    return sum(1 for _ in store.quads_for_pattern(None, None, None, derived))


# what a source graph states already (a prefLabel's rdfs:label in the ontology, a claimed triple that a
# graph also states) leaves graph/derived
_DROP_STATED = f"""
DELETE {{ GRAPH {_G} {{ ?s ?p ?o }} }}
WHERE {{ GRAPH {_G} {{ ?s ?p ?o }} GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {_G}) }}"""
