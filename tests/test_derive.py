"""derive(): each rule writes the direct edges of the claims into graph/derived, over every source graph."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from axiskg import iris
from axiskg.derive import RULES, derive

DATA = """
@prefix ax: <https://w3id.org/axiskg/id/> .
@prefix axo: <https://w3id.org/axiskg/ontology#> .
@prefix hedge: <https://w3id.org/axiskg/ontology/hedge#> .
@prefix role: <https://w3id.org/axiskg/ontology/role#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> .

<https://w3id.org/axiskg/id/person/k> skos:prefLabel "K"@en .
<https://w3id.org/axiskg/id/claim/t> a axo:Claim ;
    rdf:subject <https://w3id.org/axiskg/id/meeting/m> ; rdf:predicate schema:attendee ;
    rdf:object <https://w3id.org/axiskg/id/person/k> ;
    axo:attributionChain ( <https://w3id.org/axiskg/id/report/amwaj> <https://w3id.org/axiskg/id/source/s> ) .
<https://w3id.org/axiskg/id/claim/n> a axo:Claim ;
    axo:asserts <https://w3id.org/axiskg/id/membership/k-o-leader> ; axo:attributionChain () .
<https://w3id.org/axiskg/id/claim/a> a axo:Claim ; axo:asserts <https://w3id.org/axiskg/id/act/a> .
<https://w3id.org/axiskg/id/act/a> a axo:SpeechAct ; axo:speaker <https://w3id.org/axiskg/id/person/k> ;
    axo:addressee <https://w3id.org/axiskg/id/person/q> ; axo:atEvent <https://w3id.org/axiskg/id/meeting/m> .
"""
# the membership node is in another file's graph: rules must see the union of the source graphs
MEMBERSHIP = """
<https://w3id.org/axiskg/id/membership/k-o-leader> a <http://www.w3.org/ns/org#Membership> ;
    <http://www.w3.org/ns/org#member> <https://w3id.org/axiskg/id/person/k> ;
    <http://www.w3.org/ns/org#organization> <https://w3id.org/axiskg/id/org/o> ;
    <http://www.w3.org/ns/org#role> <https://w3id.org/axiskg/ontology/role#leader> .
"""

ID = iris.ID
ORG = "http://www.w3.org/ns/org#"


@pytest.fixture(scope="module")
def derived() -> set[tuple[str, str, str]]:
    store = ox.Store()
    store.load(DATA, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(iris.GRAPH + "report-000"))
    store.load(MEMBERSHIP, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(iris.GRAPH + "actors"))
    n = derive(store)
    quads = list(store.quads_for_pattern(None, None, None, ox.NamedNode(iris.GRAPH_DERIVED)))
    assert n == len(quads)
    return {(q.subject.value, q.predicate.value, q.object.value) for q in quads}


def test_triple_claims_give_their_triple(derived: set[tuple[str, str, str]]) -> None:
    assert (ID + "meeting/m", "https://schema.org/attendee", ID + "person/k") in derived


def test_labels_from_pref_labels(derived: set[tuple[str, str, str]]) -> None:
    assert (ID + "person/k", "http://www.w3.org/2000/01/rdf-schema#label", "K") in derived


def test_membership_gives_member_of_and_head_of_for_leading_roles(derived: set[tuple[str, str, str]]) -> None:
    assert (ID + "person/k", ORG + "memberOf", ID + "org/o") in derived
    assert (ID + "org/o", ORG + "hasMember", ID + "person/k") in derived
    assert (ID + "person/k", ORG + "headOf", ID + "org/o") in derived


def test_speech_acts_give_spoke_to_and_spoke_at(derived: set[tuple[str, str, str]]) -> None:
    assert (ID + "person/k", iris.AXO + "spokeTo", ID + "person/q") in derived
    assert (ID + "person/k", iris.AXO + "spokeAt", ID + "meeting/m") in derived


def test_attribution_chain_gives_cited_and_primary_sources(derived: set[tuple[str, str, str]]) -> None:
    cited = {o for s, p, o in derived if s == ID + "claim/t" and p == iris.AXO + "citesSource"}
    assert cited == {ID + "report/amwaj", ID + "source/s"}
    primary = {o for s, p, o in derived if p == "http://www.w3.org/ns/prov#hadPrimarySource"}
    assert primary == {ID + "source/s"}  # the last element; the empty chain of claim/n gives none


def test_claim_about_covers_subject_object_and_asserted_node(derived: set[tuple[str, str, str]]) -> None:
    about = {(s, o) for s, p, o in derived if p == iris.AXO + "claimAbout"}
    assert {(ID + "claim/t", ID + "meeting/m"), (ID + "claim/t", ID + "person/k")} <= about
    assert (ID + "claim/n", ID + "membership/k-o-leader") in about
    assert (ID + "claim/n", ID + "org/o") in about  # a participant of the asserted node


def test_every_rule_is_a_sparql_update() -> None:
    for name, rule in RULES.items():
        assert "INSERT" in rule and "\nWHERE" in rule, name


def test_an_empty_store_derives_nothing() -> None:
    assert derive(ox.Store()) == 0


def test_what_a_source_graph_states_is_not_derived_again() -> None:
    """The union default graph would hold it twice: a query would get the row twice and COUNT it twice."""
    store = ox.Store()
    store.load(DATA, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(iris.GRAPH + "report-000"))
    stated = (
        '<https://w3id.org/axiskg/id/person/k> <http://www.w3.org/2000/01/rdf-schema#label> "K"@en .\n'
        "<https://w3id.org/axiskg/id/meeting/m> <https://schema.org/attendee> "
        "<https://w3id.org/axiskg/id/person/k> ."
    )
    store.load(stated, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iris.GRAPH + "ontology"))
    derive(store)
    for query in (
        "SELECT ?l WHERE { <https://w3id.org/axiskg/id/person/k> rdfs:label ?l }",
        "SELECT ?m WHERE { ?m schema:attendee <https://w3id.org/axiskg/id/person/k> }",
    ):
        rows = list(store.query(iris.sparql_prefixes() + query, use_default_graph_as_union=True))
        assert len(rows) == 1, query
    derived = ox.NamedNode(iris.GRAPH_DERIVED)
    spoke_to = ox.NamedNode(iris.AXO + "spokeTo")
    assert list(store.quads_for_pattern(None, spoke_to, None, derived))  # the rest stays
