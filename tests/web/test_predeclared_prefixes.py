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


def test_queries_of_one_template_each_get_the_prefixes_they_need(server_url: str) -> None:
    """Whether a query needs the predeclared prefixes is worked out once per template (the query with its
    <IRIs> emptied) and reused: lookups of different entities, with and without prefixed names, on the
    direct path (GET) and the ASGI path (POST) alike."""
    with_names = "SELECT ?name WHERE { <https://w3id.org/axiskg/id/org/ENTITY> skos:prefLabel ?name }"
    skos_label = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
    without = f"SELECT ?o WHERE {{ <https://w3id.org/axiskg/id/org/ENTITY> {skos_label} ?o }}"
    expected = {"kataib-hezbollah": "Kata'ib Hezbollah", "axis-of-resistance": "Axis of Resistance"}
    with httpx.Client(base_url=server_url, headers={"Accept": "text/csv"}) as client:
        for template in (with_names, without, with_names):
            for entity, label in expected.items():
                q = template.replace("ENTITY", entity)
                for r in (
                    client.get("/sparql", params={"query": q}),
                    client.post("/sparql", data={"query": q}),
                ):
                    assert r.status_code == 200, r.text
                    assert r.text.splitlines()[1:] == [label]
