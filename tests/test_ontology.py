"""ontology/axiskg.ttl: parses, documents every term, declares every axo:/hedge:/role: term the data uses."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from axiskg import iris

REPO_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = REPO_ROOT / "ontology" / "axiskg.ttl"
ONT_IRI = URIRef(iris.ONTOLOGY)
AXO = Namespace(iris.AXO)
HEDGE = Namespace(iris.HEDGE)
ROLE = Namespace(iris.ROLE)
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")  # not rdflib XSD: pytest probes module attributes
TIME = Namespace("http://www.w3.org/2006/time#")
SCHEMA = Namespace("https://schema.org/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VANN = Namespace("http://purl.org/vocab/vann/")
OURS = (iris.AXO, iris.HEDGE, iris.ROLE)

PROPERTY_TYPES = {RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


@pytest.fixture(scope="module")
def ont() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def ours(term: object) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(OURS)


def declared(ont: Graph) -> set[URIRef]:
    return {s for s in ont.subjects(RDF.type, None) if ours(s)}


def english(ont: Graph, term: URIRef, prop: URIRef) -> list[Literal]:
    return [
        o for o in ont.objects(term, prop) if isinstance(o, Literal) and o.language == "en" and str(o).strip()
    ]


def test_parses_with_both_parsers(ont: Graph) -> None:
    assert len(ont) > 500
    # the build loads it with pyoxigraph, validation with rdflib: both must accept it
    assert sum(1 for _ in ox.parse(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE)) == len(ont)


def test_header(ont: Graph) -> None:
    assert (ONT_IRI, RDF.type, OWL.Ontology) in ont
    assert ont.value(ONT_IRI, OWL.versionIRI) == URIRef(iris.ONTOLOGY + "/0.1.0")
    assert str(ont.value(ONT_IRI, OWL.versionInfo)) == "0.1.0"
    for prop in (DCTERMS.title, DCTERMS.description):
        assert english(ont, ONT_IRI, prop), prop
    assert ont.value(ONT_IRI, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    for prop in (DCTERMS.created, DCTERMS.modified):
        value = ont.value(ONT_IRI, prop)
        assert isinstance(value, Literal) and value.datatype == XSD_DATE, prop
    assert ont.value(ONT_IRI, DCTERMS.creator) is not None
    assert str(ont.value(ONT_IRI, VANN.preferredNamespacePrefix)) == "axo"
    assert str(ont.value(ONT_IRI, VANN.preferredNamespaceUri)) == iris.AXO


def test_every_term_has_english_label_and_comment(ont: Graph) -> None:
    terms = declared(ont)
    assert len(terms) > 120
    for term in terms:
        assert len(english(ont, term, RDFS.label)) == 1, f"{term}: one English rdfs:label"
        assert english(ont, term, RDFS.comment), f"{term}: an English rdfs:comment"


def test_every_class_and_property_is_typed_and_aligned(ont: Graph) -> None:
    """Classes and properties say what they are; classes are placed under a standard or axo class."""
    classes = {s for s in ont.subjects(RDF.type, OWL.Class) if ours(s)}
    properties = {s for t in PROPERTY_TYPES for s in ont.subjects(RDF.type, t) if ours(s)}
    assert len(classes) > 40 and len(properties) > 50
    assert not classes & properties
    for cls in classes:
        assert list(ont.objects(cls, RDFS.subClassOf)), f"{cls} has no rdfs:subClassOf"


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        (AXO.Claim, PROV.Entity),
        (AXO.Claim, RDF.Statement),
        (AXO.Person, FOAF.Person),
        (AXO.Person, SCHEMA.Person),
        (AXO.Organization, ORG.Organization),
        (AXO.Organization, SCHEMA.Organization),
        (AXO.State, SCHEMA.Country),
        (AXO.PseudonymousActor, AXO.Person),
        (AXO.Source, PROV.Agent),
        (AXO.AnonymousSource, AXO.Source),
        (AXO.Publication, PROV.Entity),
        (AXO.Publication, SCHEMA.CreativeWork),
        (AXO.Report, AXO.Publication),
        (AXO.Meeting, SCHEMA.Event),
        (AXO.Meeting, PROV.Activity),
        (AXO.Event, SCHEMA.Event),
        (AXO.Killing, AXO.Event),
        (AXO.SpeechAct, PROV.Activity),
        (AXO.Response, AXO.SpeechAct),
        (AXO.Decision, PROV.Activity),
        (AXO.Plan, PROV.Plan),
        (AXO.PressureCampaign, PROV.Activity),
        (AXO.DateSpec, TIME.TemporalEntity),
        (AXO.Place, SCHEMA.Place),
        (AXO.City, AXO.Place),
    ],
)
def test_class_alignment(ont: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subClassOf, sup) in ont


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        (AXO.statedIn, PROV.wasDerivedFrom),
        (AXO.speaker, PROV.wasAssociatedWith),
        (AXO.agent, PROV.wasAssociatedWith),
        (AXO.controlledBy, ORG.linkedTo),
        (AXO.killedIn, AXO.diedIn),
    ],
)
def test_property_alignment(ont: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subPropertyOf, sup) in ont


def test_property_characteristics(ont: Graph) -> None:
    assert (AXO.disagreesWith, RDF.type, OWL.SymmetricProperty) in ont
    # conflicting speakers are kept on purpose: not OWL-functional, said so in the comment
    assert (AXO.speaker, RDF.type, OWL.FunctionalProperty) not in ont
    assert "functional" in str(ont.value(AXO.speaker, RDFS.comment)).lower()
    # possiblySameAs is explicitly not owl:sameAs
    assert (AXO.possiblySameAs, RDFS.subPropertyOf, OWL.sameAs) not in ont
    assert (AXO.possiblySameAs, OWL.equivalentProperty, OWL.sameAs) not in ont
    assert "NOT owl:sameAs" in str(ont.value(AXO.possiblySameAs, RDFS.comment))
    for prop in (AXO.notBefore, AXO.notAfter):
        assert (prop, RDF.type, OWL.DatatypeProperty) in ont
        assert ont.value(prop, RDFS.range) == XSD_DATE


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
    "secretary-general",
    "chairman",
    "deputy-chairman",
    "chief-of-staff",
    "commander",
    "head",
    "leader",
    "adviser",
    "security-adviser",
    "supreme-leader",
    "prime-minister",
    "member-of-parliament",
    "representative",
    "military-official",
    "security-official",
    "religious-authority",
    "member",
]
PRECISIONS = ["Day", "Month", "Season", "Year", "Range", "Relative", "Open"]
RESPONSES = ["Rejected", "AvoidedAnswer", "Accepted", "Objected"]


def test_hedge_scheme(ont: Graph) -> None:
    assert (AXO.HedgeScheme, RDF.type, SKOS.ConceptScheme) in ont
    in_scheme = set(ont.subjects(SKOS.inScheme, AXO.HedgeScheme))
    assert in_scheme == {HEDGE[h] for h in HEDGES}
    for h in in_scheme:
        assert (h, RDF.type, SKOS.Concept) in ont
        assert (h, RDF.type, OWL.NamedIndividual) in ont  # copied whole into the validated data graph
        assert english(ont, h, SKOS.prefLabel)


def test_role_scheme(ont: Graph) -> None:
    assert (AXO.RoleScheme, RDF.type, SKOS.ConceptScheme) in ont
    in_scheme = set(ont.subjects(SKOS.inScheme, AXO.RoleScheme))
    assert in_scheme == {ROLE[r] for r in ROLES}
    for r in in_scheme:
        for cls in (ORG.Role, SKOS.Concept, OWL.NamedIndividual):
            assert (r, RDF.type, cls) in ont, (r, cls)
        assert english(ont, r, SKOS.prefLabel)


def test_precisions_and_response_types(ont: Graph) -> None:
    assert set(ont.subjects(RDF.type, AXO.Precision)) == {AXO["Precision" + p] for p in PRECISIONS}
    assert set(ont.subjects(RDF.type, AXO.ResponseType)) == {AXO[r] for r in RESPONSES}
    for ind in [AXO["Precision" + p] for p in PRECISIONS] + [AXO[r] for r in RESPONSES]:
        assert (ind, RDF.type, OWL.NamedIndividual) in ont


def test_data_uses_only_declared_terms(ont: Graph) -> None:
    """Every axo:/hedge:/role: IRI used in data/*.ttl (any position) is declared in the ontology."""
    known = declared(ont)
    undeclared: dict[str, set[str]] = {}
    for path in sorted((REPO_ROOT / "data").glob("*.ttl")):
        for triple in Graph().parse(path, format="turtle"):
            for term in triple:
                if ours(term) and term not in known:
                    undeclared.setdefault(str(term), set()).add(path.name)
    assert not undeclared, "terms used in data/ but not declared in ontology/axiskg.ttl: " + "; ".join(
        f"{t} ({', '.join(sorted(files))})" for t, files in sorted(undeclared.items())
    )


def test_data_model_terms_are_declared(ont: Graph) -> None:
    """Every axo:Term, hedge:x and role:x written in docs/data-model.md exists in the ontology."""
    import re

    doc = (REPO_ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    names = {m for m in re.findall(r"`?axo:([A-Za-z]+)", doc)}
    names -= {"Precision"}  # "axo:Precision*" in prose
    missing = [n for n in sorted(names) if AXO[n] not in declared(ont)]
    missing += [
        f"hedge:{h}" for h in re.findall(r"hedge:([a-z-]+[a-z])", doc) if HEDGE[h] not in declared(ont)
    ]
    missing += [f"role:{r}" for r in re.findall(r"role:([a-z-]+[a-z])", doc) if ROLE[r] not in declared(ont)]
    assert not missing, missing


def test_individuals_do_not_link_in_cycles(ont: Graph) -> None:
    """pyshacl copies owl:NamedIndividuals into the data graph by cloning them recursively through their
    objects; a cycle (a scheme listing its concepts with skos:hasTopConcept, each concept pointing back with
    skos:inScheme) made that clone explode. Links between individuals must form no cycle."""
    individuals = set(ont.subjects(RDF.type, OWL.NamedIndividual))
    edges = {i: {o for o in ont.objects(i, None) if o in individuals and o != i} for i in individuals}
    state: dict[object, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: object, path: list[object]) -> None:
        state[node] = 1
        for nxt in edges[node]:
            assert state.get(nxt) != 1, "cycle: " + " -> ".join(str(n) for n in [*path, node, nxt])
            if nxt not in state:
                visit(nxt, [*path, node])
        state[node] = 2

    for i in individuals:
        if i not in state:
            visit(i, [])
