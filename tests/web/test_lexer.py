"""The query lexer (limits._tokens): each token's kind, including the characters whose kind depends on
what follows them."""

from __future__ import annotations

import pytest

from axiskg.web.limits import QueryLimits, QueryRefusedError, _check, _tokens, check_query


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "SELECT ?p ?o WHERE { <http://e/x> ?p ?o }",
            [
                ("word", "SELECT"),
                ("var", "?p"),
                ("var", "?o"),
                ("word", "WHERE"),
                ("punct", "{"),
                ("iri", "<http://e/x>"),
                ("var", "?p"),
                ("var", "?o"),
                ("punct", "}"),
            ],
        ),
        (
            "FILTER(?x < 3 && ?y <= 2.5e3)",
            [
                ("word", "FILTER"),
                ("punct", "("),
                ("var", "?x"),
                ("punct", "<"),
                ("num", "3"),
                ("punct", "&"),
                ("punct", "&"),
                ("var", "?y"),
                ("punct", "<"),
                ("punct", "="),
                ("num", "2.5e3"),
                ("punct", ")"),
            ],
        ),
        ("?s ex:p/ex:q? $o", [("var", "?s"), ("word", "ex:p/ex:q?"), ("var", "$o")]),
        ("?s ?p* ?o", [("var", "?s"), ("var", "?p"), ("punct", "*"), ("var", "?o")]),
        (
            "'it''s' \"a\\\"b\" 'open",
            [("string", "'it'"), ("string", "'s'"), ("string", '"a\\"b"'), ("punct", "'"), ("word", "open")],
        ),
        ('"""x"y""" # comment\n ASK', [("string", '"""x"y"""'), ("word", "ASK")]),
        (
            "é:x · ¿ :y ex:Person.",
            [
                ("word", "é:x"),
                ("punct", "·"),
                ("punct", "¿"),
                ("word", ":y"),
                ("word", "ex:Person"),
                ("punct", "."),
            ],
        ),
        ("\U0001f600 ? $", [("punct", "\U0001f600"), ("punct", "?"), ("punct", "$")]),
    ],
)
def test_token_kinds(query: str, expected: list[tuple[str, str]]) -> None:
    assert _tokens(query) == expected


def test_brackets_in_strings_iris_and_comments_do_not_nest() -> None:
    limits = QueryLimits(max_depth=3)
    q = 'SELECT * { ?s ?p "{{{{((((" . # {{{{ \n FILTER(?o != <http://e/x>) }'
    assert check_query(q, limits).form == "SELECT"
    with pytest.raises(QueryRefusedError) as exc:
        check_query("SELECT * { { { { ?s ?p ?o } } } }", limits)
    assert exc.value.reason == "too_deep"


@pytest.mark.parametrize(
    ("query", "cacheable"),
    [
        ("SELECT * WHERE { <http://e/known> ?p ?o }", True),
        ("SELECT * WHERE { ?s <http://e/brand> 'uuid' }", True),  # the words, but no call
        ("SELECT (NOW() AS ?t) {}", False),
        ("SELECT (now () AS ?t) {}", False),
        ("SELECT (STRUUID() AS ?t) {}", False),
        ("SELECT (rand() AS ?t) {}", False),
        ("SELECT (BNODE() AS ?t) {}", False),
        ("SELECT (N\\u004FW() AS ?t) {}", False),  # SPARQL 1.1 s. 19.2: escapes anywhere in the text
        ("SELECT (\\U0000004EOW() AS ?t) {}", False),
    ],
)
def test_answers_that_change_from_call_to_call_are_not_cached(query: str, cacheable: bool) -> None:
    assert check_query(query, QueryLimits()).cacheable is cacheable


TEMPLATED = [
    "SELECT ?p ?o WHERE { <https://w3id.org/axiskg/id/person/p1> ?p ?o }",
    "SELECT ?p ?o WHERE { <https://w3id.org/axiskg/id/person/p22> ?p ?o }",  # same template
    "SELECT * { ?s <http://e/p> <http://e/o(x)[y]> . FILTER(?s != <http://e/s>) }",
    "SELECT * { ?s ?p ?o FILTER(?o<?x>?y) }",  # `<?x>` is an IRI token for the lexer too
    "SELECT * { ?s ?p ?o FILTER(?o < 3) } LIMIT 5",
    "ASK { <> ?p ?o }",
    "DESCRIBE <http://e/a> <http://e/b>",
    "PREFIX ex: <http://e/> SELECT * FROM <http://e/g> { SERVICE <http://e/sparql> { ?s ex:p ?o } }",
]


@pytest.mark.parametrize("query", TEMPLATED)
def test_queries_that_differ_in_their_iris_share_a_classification(query: str) -> None:
    """check_query classifies a query's template (its IRIs emptied) once; what it returns for each query is
    what the lexer finds in that query."""
    for _ in range(2):  # the template's first use, then from the cache
        info, full = check_query(query, QueryLimits()), _check(query, QueryLimits())
        assert info.tokens == full.tokens
        assert (info.form, info.has_dataset, info.mentions_service, info.cacheable) == (
            full.form,
            full.has_dataset,
            full.mentions_service,
            full.cacheable,
        )


def test_a_templated_query_is_refused_like_any_other() -> None:
    limits = QueryLimits(max_depth=3)
    deep = "SELECT * { { { { <http://e/N> ?p ?o } } } }"
    for n in range(3):
        with pytest.raises(QueryRefusedError) as exc:
            check_query(deep.replace("N", str(n)), limits)
        assert exc.value.reason == "too_deep"
    for n in range(3):
        with pytest.raises(QueryRefusedError) as exc:
            check_query(f"DELETE WHERE {{ <http://e/{n}> ?p ?o }}", QueryLimits())
        assert exc.value.status == 403


def test_words_inside_iris_are_not_calls_or_keywords() -> None:
    """A template has no IRIs: `now(` or `service` inside an IRI does not make a query uncacheable or send it
    to rdflib's SERVICE check."""
    info = check_query("SELECT * { <http://e/now()/service> ?p ?o }", QueryLimits())
    assert info.cacheable and not info.mentions_service
