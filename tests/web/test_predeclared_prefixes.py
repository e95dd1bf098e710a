"""The endpoint predeclares the data model's prefixes (as `axiskg query` does); a query's own PREFIX wins."""

from __future__ import annotations

import httpx


def test_query_without_prefix_declarations(server_url: str) -> None:
    q = (
        "SELECT ?name WHERE { ?o a axo:ArmedGroup ; "
        'skos:altLabel "Hizbullah Brigades"@en ; skos:prefLabel ?name }'
    )
    r = httpx.post(server_url + "/sparql", data={"query": q}, headers={"Accept": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.text.splitlines()[1:] == ["Kata'ib Hezbollah"]


def test_own_prefix_declaration_takes_precedence(server_url: str) -> None:
    q = "PREFIX skos: <http://example.org/not-skos#> SELECT ?name WHERE { ?x skos:prefLabel ?name } LIMIT 1"
    r = httpx.post(server_url + "/sparql", data={"query": q}, headers={"Accept": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.text.splitlines()[1:] == []


def test_unknown_prefix_is_still_a_400(server_url: str) -> None:
    r = httpx.post(server_url + "/sparql", data={"query": "SELECT * WHERE { ?s nope:p ?o }"})
    assert r.status_code == 400
    assert "nope" in r.text or "Prefix" in r.text
