"""Named queries: the header format of docs/data-model.md and parameter bindings."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from axiskg.errors import NotFoundError, QueryError
from axiskg.queries import get_query, inject_values, load_queries, parse_query_text, term_for

QUERIES = Path(__file__).parent / "data" / "tiny" / "queries"
XSD = "http://www.w3.org/2001/XMLSchema#"


def test_loads_every_query_with_its_header() -> None:
    queries = {q.name: q for q in load_queries(QUERIES)}
    assert set(queries) == {"attendees", "people"}
    q = queries["attendees"]
    assert q.title == "Who attended a meeting"
    assert q.description.startswith("Every attendee of a meeting")
    [p] = q.params
    assert (p.name, p.kind, p.default, p.label) == (
        "meeting",
        "iri",
        "https://w3id.org/axiskg/id/meeting/tehran-session",
        "The meeting (IRI)",
    )
    assert "SELECT ?person" in q.text
    assert queries["people"].params == []


def test_bindings_use_defaults_and_given_values() -> None:
    q = get_query(QUERIES, "attendees")
    assert q.bindings() == {
        ox.Variable("meeting"): ox.NamedNode("https://w3id.org/axiskg/id/meeting/tehran-session")
    }
    assert q.bindings({"meeting": "https://example.org/m"}) == {
        ox.Variable("meeting"): ox.NamedNode("https://example.org/m")
    }


def test_typed_parameters() -> None:
    text = (
        "# title: t\n# param: start date 2023-11-01 Start\n# param: n integer 5 How many\n"
        "# param: name literal Khazali A name\nSELECT * WHERE { ?s ?p ?o }\n"
    )
    q = parse_query_text("t", text)
    b = q.bindings({"n": "7"})
    assert b[ox.Variable("start")] == ox.Literal("2023-11-01", datatype=ox.NamedNode(XSD + "date"))
    assert b[ox.Variable("n")] == ox.Literal("7", datatype=ox.NamedNode(XSD + "integer"))
    assert b[ox.Variable("name")] == ox.Literal("Khazali")
    with pytest.raises(QueryError, match="not a date"):
        q.bindings({"start": "November"})
    with pytest.raises(QueryError, match="not an integer"):
        q.bindings({"n": "many"})


def test_unknown_parameter_lists_the_known_ones() -> None:
    with pytest.raises(QueryError, match=r"no parameter place \(parameters: meeting\)"):
        get_query(QUERIES, "attendees").bindings({"place": "x"})


def test_unknown_name_lists_the_available_queries() -> None:
    with pytest.raises(NotFoundError, match="no named query 'nope'; available: attendees, people"):
        get_query(QUERIES, "nope")


@pytest.mark.parametrize("name", ["a" * 300, "../queries/attendees", ".hidden", "att\x00endees", ""])
def test_a_name_no_file_can_have_is_not_found(name: str) -> None:
    """/queries/<300 letters> was a 500 with a traceback (OSError: File name too long)."""
    with pytest.raises(NotFoundError, match="no named query"):
        get_query(QUERIES, name)


def test_malformed_param_line_names_file_and_line() -> None:
    with pytest.raises(QueryError, match=r"q.rq:2: malformed param line"):
        parse_query_text("q", "# title: x\n# param: meeting\nSELECT * {}", Path("q.rq"))


def test_values_go_into_the_outermost_group_not_into_comments_or_strings() -> None:
    text = '# WHERE { in a comment\nSELECT ?s WHERE { ?s ?p "WHERE {" . { SELECT ?s WHERE { ?s ?q ?o } } }'
    out = inject_values(text, {ox.Variable("s"): ox.NamedNode("http://e/a")})
    assert out.startswith(text[: text.index("{ ?s ?p")] + "{ VALUES ?s { <http://e/a> } ")
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("WHERE {")))
    store.add(ox.Quad(ox.NamedNode("http://e/b"), ox.NamedNode("http://e/p"), ox.Literal("WHERE {")))
    assert [r["s"] for r in store.query(out)] == [ox.NamedNode("http://e/a")]  # type: ignore[union-attr]


def test_repository_queries_have_headers_and_parse() -> None:
    """Every queries/*.rq of the repository: a title, typed parameters whose defaults bind, and valid SPARQL.

    Each is run on an empty store (pyoxigraph's own parser, no data, so it is instant); what the queries
    answer on the real data is for tests/test_competency.py.
    """
    queries = load_queries(Path(__file__).resolve().parent.parent / "queries")
    assert queries, "no named queries in queries/"
    empty = ox.Store()
    for q in queries:
        assert q.title and q.title != q.name, f"{q.name}: no '# title:'"
        text = inject_values(q.text, q.bindings())
        if "SERVICE" in q.text.upper():
            continue  # federated: evaluating it would call the remote endpoint
        try:
            empty.query(text, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise AssertionError(f"queries/{q.name}.rq does not parse: {exc}") from exc


def _counts_store() -> ox.Store:
    """e:a has three e:p values, e:b one."""
    store = ox.Store()
    p = ox.NamedNode("http://e/p")
    for s, n in (("a", 3), ("b", 1)):
        for i in range(n):
            store.add(ox.Quad(ox.NamedNode(f"http://e/{s}"), p, ox.Literal(str(i))))
    return store


def test_a_parameter_used_only_in_having_is_bound_there() -> None:
    """After GROUP BY only the keys and aggregates are left: a VALUES block in the WHERE group does not reach
    a HAVING that uses the parameter, so the term is written in its place there (as `substitutions=` does)."""
    q = parse_query_text(
        "q",
        "# param: min integer 2  at least\n"
        'SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s <http://e/p> ?o FILTER(?o != "?min") }\n'
        "GROUP BY ?s HAVING (COUNT(?o) >= ?min) ORDER BY ?s",
    )
    text = q.with_values({})
    assert 'HAVING (COUNT(?o) >= "2"^^<http://www.w3.org/2001/XMLSchema#integer>)' in text
    assert '"?min"' in text  # a string is not a variable
    rows = _counts_store().query(text)
    assert [r["s"] for r in rows] == [ox.NamedNode("http://e/a")]  # type: ignore[union-attr]
    assert [r["s"] for r in _counts_store().query(q.with_values({"min": "1"}))] == [  # type: ignore[union-attr]
        ox.NamedNode("http://e/a"),
        ox.NamedNode("http://e/b"),
    ]


def test_values_go_into_the_outer_group_also_without_where_and_after_a_construct_template() -> None:
    b = {ox.Variable("s"): ox.NamedNode("http://e/b")}
    # no WHERE keyword, a subquery with one: the VALUES belong to the outer group
    out = inject_values("SELECT ?s ?o { { SELECT ?s ?o WHERE { ?s ?p ?o } } }", b)
    assert out.startswith("SELECT ?s ?o { VALUES ?s { <http://e/b> } ")
    assert [r["o"].value for r in _counts_store().query(out)] == ["0"]  # type: ignore[union-attr]
    out = inject_values("CONSTRUCT { ?s <http://e/q> ?o } { ?s ?p ?o }", b)
    assert out == "CONSTRUCT { ?s <http://e/q> ?o } { VALUES ?s { <http://e/b> }  ?s ?p ?o }"
    assert len(list(_counts_store().query(out))) == 1  # type: ignore[arg-type]
    out = inject_values("CONSTRUCT WHERE { ?s ?p ?o }", b)
    assert out == "CONSTRUCT WHERE { VALUES ?s { <http://e/b> }  ?s ?p ?o }"


def test_a_listed_name_with_any_letters_is_found(tmp_path: Path) -> None:
    """Every query the folder lists can be asked for by its name (non-ASCII letters, a leading '-')."""
    for name in ("réunions", "-x"):
        (tmp_path / f"{name}.rq").write_text("# title: t\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
        assert get_query(tmp_path, name).name == name
    assert {q.name for q in load_queries(tmp_path)} == {"réunions", "-x"}


@pytest.mark.parametrize(("kind", "value"), [("date", "2023-11-01\n"), ("integer", "5\n")])
def test_a_value_with_a_trailing_newline_is_refused(kind: str, value: str) -> None:
    """`$` let "2023-11-01\\n" pass as a date (an escaped, invalid literal in the query)."""
    with pytest.raises(QueryError, match=f"not an? {'date' if kind == 'date' else 'integer'}") as info:
        term_for(kind, value, "start")
    assert info.value.param == "start"
