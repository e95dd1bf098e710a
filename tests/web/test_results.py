"""The SPARQL results written by results.py (a query worker's SELECT answers): the terms pyoxigraph's own
writers give, a literal's base direction included, and XML that XML parsers read back as it was."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import rdflib

from axiskg.web.limits import QueryRefusedError
from axiskg.web.results import serialize_solutions, serialize_triples

FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "tsv": ox.QueryResultsFormat.TSV,
}
# directional literals (RDF 1.2), in a triple term too, and text that every format must escape
TERMS = """SELECT * WHERE {
  VALUES (?a ?b ?c ?d ?e ?f) { ("دمشق"@ar--rtl "a"@en--ltr "a"@en <http://x/y> 1 "t\\"ab\\t\\n\\r\\\\ <&>'") }
  BIND(<<( <http://a> <http://b> "x"@ar--rtl )>> AS ?z)
  BIND(<<( <http://c> <http://b> <<( <http://a> <http://b> "1"@fa--rtl )>> )>> AS ?z2)
}"""


def solutions(query: str) -> tuple[list[str], list[list[object]]]:
    result = ox.Store().query(query)
    assert isinstance(result, ox.QuerySolutions)
    return [v.value for v in result.variables], [list(s) for s in result]


def parsed(body: bytes, fmt: ox.QueryResultsFormat) -> list[list[object]]:
    result = ox.parse_query_results(body, format=fmt)
    assert isinstance(result, ox.QuerySolutions)
    return [list(s) for s in result]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_terms_of_pyoxigraphs_writers(fmt: str) -> None:
    variables, rows = solutions(TERMS)
    ours = serialize_solutions(variables, rows, fmt)
    theirs = ox.Store().query(TERMS).serialize(format=FORMATS[fmt])  # type: ignore[union-attr]
    assert parsed(ours, FORMATS[fmt]) == parsed(theirs, FORMATS[fmt]) == rows
    if fmt == "json":  # byte for byte: a query proved small is written by pyoxigraph (run_query)
        assert ours == theirs
    a = parsed(ours, FORMATS[fmt])[0][0]
    assert isinstance(a, ox.Literal) and a.language == "ar" and a.direction == ox.BaseDirection.RTL


def test_the_direction_as_each_format_writes_it() -> None:
    variables, rows = solutions('SELECT ?x WHERE { BIND("دمشق"@ar--rtl AS ?x) }')
    assert b'"xml:lang":"ar","its:dir":"rtl"' in serialize_solutions(variables, rows, "json")
    assert (
        '<literal xml:lang="ar" its:dir="rtl" xmlns:its="http://www.w3.org/2005/11/its" its:version="2.0">'
        "دمشق</literal>"
    ) in serialize_solutions(variables, rows, "xml").decode()
    assert serialize_solutions(variables, rows, "tsv").decode() == '?x\n"دمشق"@ar--rtl\n'
    assert serialize_solutions(variables, rows, "csv").decode() == "x\r\nدمشق\r\n"  # CSV: the text only


def test_xml_reads_back_tab_lf_and_cr_as_written() -> None:
    value = "a\tb\nc\rd\r\ne"
    variables, rows = solutions('SELECT ?x WHERE { BIND("a\\tb\\nc\\rd\\r\\ne" AS ?x) }')
    body = serialize_solutions(variables, rows, "xml")
    assert b"\r" not in body and b"c&#13;d&#13;\ne" in body
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert ET.fromstring(body).findtext(f".//{ns}literal") == value  # expat, a conforming XML parser
    assert parsed(body, ox.QueryResultsFormat.XML) == [[ox.Literal(value)]]


@pytest.mark.parametrize(
    ("text", "code"), [("a\\u0001b", "U+0001"), ("\\u001F", "U+001F"), ("\\uFFFE", "U+FFFE")]
)
def test_xml_refuses_what_xml_cannot_carry(text: str, code: str) -> None:
    variables, rows = solutions(f'SELECT ?y ?x WHERE {{ VALUES ?x {{ "ok" "{text}" }} }}')
    with pytest.raises(QueryRefusedError) as caught:
        serialize_solutions(variables, rows, "xml")
    assert caught.value.status == 406 and caught.value.reason == "not_acceptable"
    assert code in caught.value.message and "?x of row 2" in caught.value.message
    assert "JSON" in caught.value.message
    for fmt in ("json", "csv", "tsv"):  # the other formats carry it
        serialize_solutions(variables, rows, fmt)


def test_rdf_xml_reads_back_cr_and_refuses_what_xml_cannot_carry() -> None:
    s, p = ox.NamedNode("http://a/s"), ox.NamedNode("http://a/p")
    body = serialize_triples([ox.Triple(s, p, ox.Literal("c\rd\r\ne\tf"))], "rdf", {"a": "http://a/"})
    assert b"\r" not in body
    g = rdflib.Graph().parse(data=body, format="xml")
    assert [str(o) for o in g.objects()] == ["c\rd\r\ne\tf"]
    assert [t.object for t in ox.parse(body, format=ox.RdfFormat.RDF_XML)] == [ox.Literal("c\rd\r\ne\tf")]
    with pytest.raises(QueryRefusedError) as caught:
        serialize_triples([ox.Triple(s, p, ox.Literal("a\x01b"))], "rdf", None)
    assert caught.value.status == 406 and "U+0001" in caught.value.message
    assert "<http://a/s> <http://a/p>" in caught.value.message and "Turtle" in caught.value.message
    assert serialize_triples([ox.Triple(s, p, ox.Literal("a\x01b"))], "ttl", None)
