"""query(): SPARQL over the release's union graph, with results in standard formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from axiskg.errors import QueryError, ReleaseNotFoundError
from axiskg.queries import get_query
from axiskg.query import compact, query
from axiskg.release import open_release
from axiskg.web.limits import QueryLimits, QueryRefusedError, check_query
from axiskg.web.workers import execute

KHAZALI = "https://w3id.org/axiskg/id/person/qais-al-khazali"
MEETING = "https://w3id.org/axiskg/id/meeting/tehran-session"
QUERIES = Path(__file__).parent / "data" / "tiny" / "queries"


def test_default_graph_is_the_union_and_prefixes_need_no_declaration(tiny_release_out: Path) -> None:
    cols, rows = query(tiny_release_out, "SELECT ?p WHERE { ?m schema:attendee ?p }").table()
    assert cols == ["p"]
    assert rows == [[ox.NamedNode(KHAZALI)]]


def test_named_query_with_default_and_given_parameter(tiny_release_out: Path) -> None:
    q = get_query(QUERIES, "attendees")
    data = json.loads(query(tiny_release_out, q.text, q.bindings()).serialize("json"))
    assert [b["person"]["value"] for b in data["results"]["bindings"]] == [KHAZALI]
    data = json.loads(
        query(tiny_release_out, q.text, q.bindings({"meeting": "https://example.org/none"})).serialize("json")
    )
    assert data["results"]["bindings"] == []


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_select_as_csv_and_tsv(tiny_release_out: Path, fmt: str) -> None:
    answer = query(tiny_release_out, f"SELECT ?name WHERE {{ <{KHAZALI}> skos:prefLabel ?name }}")
    text = answer.serialize(fmt)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text.decode())))
    else:
        rows = [line.split("\t") for line in text.decode().splitlines()]
    assert rows[0] == (["name"] if fmt == "csv" else ["?name"])
    assert rows[1][0] == ("Qais al-Khazali" if fmt == "csv" else '"Qais al-Khazali"@en')


def test_select_as_xml(tiny_release_out: Path) -> None:
    out = query(tiny_release_out, "SELECT ?p WHERE { ?m schema:attendee ?p }").serialize("xml").decode()
    assert "<sparql" in out and KHAZALI in out


def test_ask(tiny_release_out: Path) -> None:
    assert (
        json.loads(query(tiny_release_out, "ASK { ?m schema:attendee ?p }").serialize("json"))["boolean"]
        is True
    )
    assert query(tiny_release_out, "ASK { ?m schema:attendee <urn:x> }").table() == (
        ["result"],
        [[ox.Literal("false")]],
    )


@pytest.mark.parametrize(
    ("fmt", "parser"), [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld"), ("xml", "xml")]
)
def test_construct_in_rdf_formats(tiny_release_out: Path, fmt: str, parser: str) -> None:
    data = query(tiny_release_out, "CONSTRUCT WHERE { ?m schema:attendee ?p }").serialize(fmt)
    g = Graph().parse(data=data.decode(), format=parser)
    assert set(g) == {(URIRef(MEETING), URIRef("https://schema.org/attendee"), URIRef(KHAZALI))}


def test_format_that_does_not_fit_the_query_form(tiny_release_out: Path) -> None:
    with pytest.raises(QueryError, match="does not apply to a SELECT result"):
        query(tiny_release_out, "SELECT * WHERE { ?s ?p ?o }").serialize("turtle")
    with pytest.raises(QueryError, match="does not apply to a GRAPH result"):
        query(tiny_release_out, "CONSTRUCT WHERE { ?s ?p ?o }").serialize("csv")


def test_bad_query_gives_the_parser_message(tiny_release_out: Path) -> None:
    with pytest.raises(QueryError, match=r"^the query does not parse: error at 1:\d+: expected "):
        query(tiny_release_out, "SELECT WHERE { ?s ?p ?o }")


def test_missing_release(tmp_path: Path) -> None:
    with pytest.raises(ReleaseNotFoundError, match="run `axiskg build"):
        query(tmp_path, "ASK {}")


def test_compact_names() -> None:
    assert compact(ox.NamedNode(KHAZALI)) == "ax:person/qais-al-khazali"
    assert compact(ox.NamedNode("https://w3id.org/axiskg/ontology/hedge#none")) == "hedge:none"
    assert compact(ox.Literal("x", language="en")) == "x"
    assert compact(None) == ""


# --- errors worded as the server words them (axiskg.web.limits) --------------------------------------------


def test_an_undeclared_prefix_is_named_with_the_declaration_to_add(tiny_release_out: Path) -> None:
    with pytest.raises(QueryError) as caught:
        query(tiny_release_out, "SELECT ?x WHERE { ?x a foo:Person }")
    message = str(caught.value)
    assert message == (
        "the query does not parse: error at 1:34: unknown prefix foo: declare it with PREFIX foo: <...>"
    )


def test_parser_errors_leave_out_the_unicode_ranges(tiny_release_out: Path) -> None:
    with pytest.raises(QueryError) as caught:
        query(tiny_release_out, "SELECT * WHERE { ?x a Person }")
    message = str(caught.value)
    assert "\\u{" not in message and ".." not in message and "\n" not in message
    assert message.startswith('the query does not parse: error at 1:29: expected one of ".", ":"')


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT"),
        ("PREFIX ex: <urn:ex:> DELETE WHERE { ?s ex:p ?o }", "DELETE"),
        ("CLEAR ALL", "CLEAR"),
    ],
)
def test_updates_are_refused_in_the_words_of_the_server(tiny_release_out: Path, text: str, form: str) -> None:
    with pytest.raises(QueryError) as caught:
        query(tiny_release_out, text)
    with pytest.raises(QueryRefusedError) as server:
        check_query(text, QueryLimits())
    assert server.value.status == 403
    refused = f"SPARQL Update ({form}) is refused: "
    assert str(caught.value).startswith(refused + "`axiskg query` is read-only and never executes updates")
    assert server.value.message.startswith(refused)


def test_the_server_words_an_undeclared_prefix_as_axiskg_query_does(tiny_release_out: Path) -> None:
    text = "SELECT ?x WHERE { ?x a foo:Person }"
    release = open_release(tiny_release_out)
    status, _rows, _truncated, _body, error = execute(
        release.store, {"query": text, "max_rows": 10, "format": "json"}
    )
    assert status == 400 and error is not None
    with pytest.raises(QueryError) as caught:
        query(release, text)
    worded = "error at 1:34: unknown prefix foo: declare it with PREFIX foo: <...>"
    assert error[0] == f"SPARQL syntax error: {worded}"
    assert str(caught.value).endswith(worded)
