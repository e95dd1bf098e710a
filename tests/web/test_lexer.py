"""The query lexer (limits._tokens): each token's kind, including the characters whose kind depends on
what follows them."""

from __future__ import annotations

import pytest

from axiskg.web.limits import QueryLimits, QueryRefusedError, _tokens, check_query


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
