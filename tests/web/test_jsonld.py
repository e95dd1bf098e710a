"""Linked Data documents in compacted JSON-LD (axiskg.web.results.jsonld_document): the same triples as the
graph they are made of, whatever the literals, blank nodes and lists; and the expanded JSON-LD of pyoxigraph
when compaction would lose something or PyLD refuses the data."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare

from axiskg.iris import AXO, ID
from axiskg.web.results import jsonld_document, reading_order, run_query, used_prefixes

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
ENTITY = ox.NamedNode(ID + "person/x")
OTHER = ox.NamedNode(ID + "org/y")


def _p(name: str) -> ox.NamedNode:
    return ox.NamedNode(AXO + name)


def _list(items: list[ox.NamedNode], nodes: list[ox.BlankNode]) -> list[ox.Triple]:
    out = []
    for i, (item, node) in enumerate(zip(items, nodes, strict=True)):
        rest = nodes[i + 1] if i + 1 < len(nodes) else ox.NamedNode(RDF + "nil")
        out += [
            ox.Triple(node, ox.NamedNode(RDF + "first"), item),
            ox.Triple(node, ox.NamedNode(RDF + "rest"), rest),
        ]
    return out


def _graph(triples: list[ox.Triple]) -> rdflib.Graph:
    return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def _document(triples: list[ox.Triple]) -> tuple[dict[str, object], rdflib.Graph]:
    body = jsonld_document(reading_order(triples, ENTITY.value))
    return json.loads(body), rdflib.Graph().parse(data=body, format="json-ld")


CASES = {
    "strings": [
        ox.Triple(ENTITY, _p("label"), ox.Literal("English", language="en")),
        ox.Triple(ENTITY, _p("label"), ox.Literal("British", language="en-gb")),
        ox.Triple(ENTITY, _p("label"), ox.Literal("فارسی", language="fa")),
        ox.Triple(ENTITY, _p("note"), ox.Literal("a plain string, no language")),
    ],
    "typed": [
        ox.Triple(ENTITY, _p("position"), ox.Literal("14", datatype=ox.NamedNode(XSD + "integer"))),
        ox.Triple(ENTITY, _p("day"), ox.Literal("2023-11-07", datatype=ox.NamedNode(XSD + "date"))),
        ox.Triple(ENTITY, _p("flag"), ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
    ],
    "types": [
        ox.Triple(ENTITY, ox.NamedNode(RDF + "type"), _p("Person")),
        ox.Triple(ENTITY, ox.NamedNode(RDF + "type"), _p("Actor")),
        ox.Triple(OTHER, ox.NamedNode(RDF + "type"), ox.Literal("a literal type")),
    ],
    "blank nodes": [
        ox.Triple(ENTITY, _p("date"), ox.BlankNode("d")),
        ox.Triple(ox.BlankNode("d"), _p("label"), ox.Literal("early summer 2023", language="en")),
        ox.Triple(ox.BlankNode("d"), _p("related"), ENTITY),
    ],
    "lists": [
        ox.Triple(ENTITY, _p("attributionChain"), ox.BlankNode("l1")),
        *_list([OTHER, ENTITY], [ox.BlankNode("l1"), ox.BlankNode("l2")]),
        ox.Triple(OTHER, _p("attributionChain"), ox.NamedNode(RDF + "nil")),  # ()
        ox.Triple(OTHER, _p("chain"), ox.BlankNode("bad")),  # not a list: rdf:first without rdf:rest
        ox.Triple(ox.BlankNode("bad"), ox.NamedNode(RDF + "first"), ENTITY),
    ],
}
CASES["mixed"] = CASES["strings"] + CASES["types"]  # English strings, plain strings and a literal rdf:type


@pytest.mark.parametrize("case", list(CASES))
def test_a_compacted_document_holds_the_same_triples(case: str) -> None:
    triples = CASES[case]
    doc, parsed = _document(triples)
    assert rdflib.compare.isomorphic(parsed, _graph(triples))
    assert isinstance(doc["@graph"], list) and doc["@graph"][0]["@id"] == "ax:person/x"  # type: ignore[index]


def test_english_strings_are_plain_and_the_rest_keep_their_language_or_datatype() -> None:
    doc, _ = _document(CASES["strings"] + CASES["typed"])
    (node,) = doc["@graph"]  # type: ignore[misc]
    assert doc["@context"]["@language"] == "en"  # type: ignore[index]
    labels = node["axo:label"]
    assert "English" in labels and {"@language": "en-gb", "@value": "British"} in labels
    assert {"@language": "fa", "@value": "فارسی"} in labels
    assert node["axo:note"] == {"@value": "a plain string, no language"}  # not English: not a plain string
    assert node["axo:position"] == {"@type": "xsd:integer", "@value": "14"}


def test_types_lists_and_prefixes() -> None:
    doc, _ = _document(CASES["types"] + CASES["lists"])
    nodes = {n["@id"]: n for n in doc["@graph"]}  # type: ignore[union-attr]
    assert nodes["ax:person/x"]["@type"] == ["axo:Person", "axo:Actor"]
    assert nodes["ax:org/y"]["rdf:type"] == "a literal type"  # a literal object: no @type
    assert nodes["ax:person/x"]["axo:attributionChain"] == {
        "@list": [{"@id": "ax:org/y"}, {"@id": "ax:person/x"}]
    }
    assert nodes["ax:org/y"]["axo:attributionChain"] == {"@list": []}
    assert any("rdf:first" in n for n in doc["@graph"])  # type: ignore[union-attr]  # the malformed one stays
    assert set(doc["@context"]) == {"ax", "axo", "rdf"}  # type: ignore[arg-type]


def test_strings_and_rdf_type_need_no_prefix() -> None:
    """`a`, @type and the datatype of a string are not written: rdf: and xsd: are not declared for them."""
    triples = CASES["strings"] + [ox.Triple(ENTITY, ox.NamedNode(RDF + "type"), _p("Person"))]
    prefixes = {"rdf": RDF, "xsd": XSD, "axo": AXO, "ax": ID}
    assert used_prefixes(triples, prefixes) == {"axo": AXO, "ax": ID}
    assert "xsd" in used_prefixes(CASES["typed"], prefixes)


def _served(triples: list[ox.Triple]) -> bytes:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    req = {
        "query": "CONSTRUCT WHERE { ?s ?p ?o }",
        "format": "jsonld",
        "max_rows": 1000,
        "prefixes": True,
        "reading_order": ENTITY.value,
    }
    body, rows, _ = run_query(store, req)
    assert rows == len(triples)
    return body


def test_what_pyld_refuses_is_served_expanded() -> None:
    """An rdf:JSON literal that is not JSON: PyLD raises; the document is pyoxigraph's expanded JSON-LD (the
    query worker used to die of it, on every request)."""
    triples = [
        ox.Triple(ENTITY, _p("label"), ox.Literal("x", language="en")),
        ox.Triple(ENTITY, _p("payload"), ox.Literal("{not json", datatype=ox.NamedNode(RDF + "JSON"))),
    ]
    with pytest.raises(ValueError, match="JSON-LD"):
        jsonld_document(triples)
    body = _served(triples)
    assert b"@context" not in body and b"{not json" in body


def test_a_direction_is_not_lost() -> None:
    """PyLD's fromRdf drops a literal's base direction ("..."@ar--rtl): such a document stays expanded."""
    triples = [
        ox.Triple(ENTITY, _p("label"), ox.Literal("نص", language="ar", direction=ox.BaseDirection.RTL))
    ]
    body = _served(triples)
    assert b'"@direction":"rtl"' in body.replace(b" ", b"")
    assert b'"@context"' in _served([ox.Triple(ENTITY, _p("label"), ox.Literal("text", language="ar"))])
