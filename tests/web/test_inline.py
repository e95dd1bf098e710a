"""Bounded queries run in the web process (bounded.py): which queries qualify, and that their answers are
the workers' answers, byte for byte, under the same limits."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from servers import start_server, stop_server

from axiskg.web.bounded import hubs, inline_estimate
from axiskg.web.limits import QueryLimits, check_query
from axiskg.web.results import count_json_rows

AX = "https://w3id.org/axiskg/id/"
HEZ = f"<{AX}org/hezbollah>"
NASRALLAH = f"<{AX}person/hassan-nasrallah>"
CLAIM = "<https://w3id.org/axiskg/ontology#Claim>"


@pytest.fixture(scope="module")
def store(release_out: Path) -> ox.Store:
    return ox.Store.read_only(str(release_out / "current" / "store"))


def estimate(store: ox.Store, query: str, bound: int = 5000, hub_terms: object = None) -> int | None:
    info = check_query(query, QueryLimits())
    found = inline_estimate(query, info.tokens, store, bound, hub_terms)  # type: ignore[arg-type]
    return None if found is None else found.rows


ACCEPTED = [
    f"SELECT ?p ?o WHERE {{ {HEZ} ?p ?o }}",
    f"select ?s ?p where {{ ?s ?p {HEZ} . }}",
    f"SELECT * {{ {HEZ} a ?type ; skos:prefLabel ?label , ?other . }} ORDER BY ?label LIMIT 5 OFFSET 1",
    f"SELECT DISTINCT ?l WHERE {{ {HEZ} skos:altLabel ?l FILTER(lang(?l) = 'en') }} ORDER BY DESC(?l)",
    f"SELECT ?l ?x WHERE {{ {HEZ} rdfs:label ?l OPTIONAL {{ {HEZ} skos:altLabel ?x }} BIND(STR(?l) AS ?s) }}",
    f"PREFIX ex: <{AX}org/> SELECT ?o WHERE {{ ex:hezbollah skos:prefLabel ?o. }}",
    f"ASK {{ {HEZ} a axo:ArmedGroup }}",
    'ASK WHERE { ?s skos:altLabel "Hizbullah Brigades" }',
    f"DESCRIBE {HEZ}",
    "# a comment\nSELECT ?p ?o WHERE { <https://w3id.org/axiskg/id/org/hezbollah> ?p ?o } # another",
    f"SELECT * WHERE {{ {HEZ} a axo:ArmedGroup }}",  # one row that binds nothing: `{{}}` in JSON
    f"SELECT ?x WHERE {{ {HEZ} skos:prefLabel ?l OPTIONAL {{ {HEZ} <http://example.org/none> ?x }} }}",
    f"SELECT ?type ?o WHERE {{ {HEZ} a ?type ; ?p ?o }}",  # a variable named like the term key
]

REFUSED = {
    "unanchored": "SELECT * WHERE { ?s ?p ?o }",
    "anchored only by predicate": "SELECT ?s WHERE { ?s skos:prefLabel ?o }",
    "property path": f"SELECT ?o WHERE {{ {HEZ} skos:prefLabel/rdfs:label ?o }}",
    "alternative path": f"SELECT ?o WHERE {{ {HEZ} skos:prefLabel|rdfs:label ?o }}",
    "inverse path": f"SELECT ?o WHERE {{ {HEZ} ^org:memberOf ?o }}",
    "repeated path": f"SELECT ?o WHERE {{ {HEZ} org:memberOf* ?o }}",
    "optional path": f"SELECT ?o WHERE {{ {HEZ} org:memberOf? ?o }}",
    "path after a": f"SELECT ?o WHERE {{ {HEZ} a/rdfs:subClassOf ?o }}",
    "negated path": f"SELECT ?o WHERE {{ {HEZ} !rdf:type ?o }}",
    "second pattern unanchored": f"SELECT * WHERE {{ {HEZ} ?p ?o . ?o ?q ?r }}",
    "subquery": f"SELECT * WHERE {{ {HEZ} ?p ?o {{ SELECT ?x WHERE {{ ?x ?y ?z }} }} }}",
    "exists": f"SELECT * WHERE {{ {HEZ} ?p ?o FILTER EXISTS {{ ?o ?q ?r }} }}",
    "not exists in parens": f"SELECT * WHERE {{ {HEZ} ?p ?o FILTER(NOT EXISTS {{ ?o ?q ?r }}) }}",
    "regex": f"SELECT * WHERE {{ {HEZ} ?p ?o FILTER regex(str(?o), 'a*') }}",
    "replace": f"SELECT * WHERE {{ {HEZ} ?p ?o BIND(REPLACE(str(?o), 'a', 'b') AS ?x) }}",
    "service": f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:9/sparql> {{ {HEZ} ?p ?o }} }}",
    "values": f"SELECT * WHERE {{ VALUES ?x {{ 1 2 }} {HEZ} ?p ?o }}",
    "union": f"SELECT * WHERE {{ {{ {HEZ} ?p ?o }} UNION {{ {NASRALLAH} ?p ?o }} }}",
    "graph": f"SELECT * WHERE {{ GRAPH ?g {{ {HEZ} ?p ?o }} }}",
    "from": f"SELECT * FROM <{AX}graph/x> WHERE {{ {HEZ} ?p ?o }}",
    "base": f"BASE <{AX}> SELECT * WHERE {{ <org/hezbollah> ?p ?o }}",
    "relative iri": "SELECT * WHERE { <org/hezbollah> ?p ?o }",
    "blank node label": "SELECT * WHERE { _:b ?p ?o }",
    "blank node brackets": "SELECT * WHERE { [] ?p ?o }",
    "escape": "SELECT * WHERE { <https://w3id.org/axiskg/id/org/hez\\u0062ollah> ?p ?o }",
    "aggregate": f"SELECT (COUNT(*) AS ?n) WHERE {{ {HEZ} ?p ?o }}",
    "group by": f"SELECT ?p WHERE {{ {HEZ} ?p ?o }} GROUP BY ?p",
    "construct": f"CONSTRUCT {{ {HEZ} ?p ?o }} WHERE {{ {HEZ} ?p ?o }}",
    "describe where": f"DESCRIBE ?s WHERE {{ ?s ?p {HEZ} }}",
    "unknown prefix": "SELECT * WHERE { nope:x ?p ?o }",
    "invalid IRI code point": "PREFIX ex: <http://example.org/> SELECT * WHERE { ex:a\uffff ?p ?o }",
    "language-tagged anchor": 'SELECT ?s WHERE { ?s skos:prefLabel "Hezbollah"@en }',
    "numeric anchor": "SELECT ?s WHERE { ?s ?p 42 }",
    "long query": f"SELECT ?p ?o WHERE {{ {HEZ} ?p ?o }} #" + "x" * 1000,
}


@pytest.mark.parametrize("query", ACCEPTED)
def test_bounded_queries_are_accepted(store: ox.Store, query: str) -> None:
    n = estimate(store, query)
    assert n is not None and 1 <= n <= 5000


@pytest.mark.parametrize("query", list(REFUSED.values()), ids=list(REFUSED))
def test_other_queries_go_to_a_worker(store: ox.Store, query: str) -> None:
    assert estimate(store, query) is None
    assert estimate(store, query, hub_terms=frozenset()) is None


def test_a_pattern_anchored_on_a_hub_goes_to_a_worker(store: ox.Store) -> None:
    claims = len(list(store.query(f"SELECT ?c WHERE {{ ?c a {CLAIM} }}", use_default_graph_as_union=True)))
    assert claims > 100
    query = f"SELECT ?c WHERE {{ ?c a {CLAIM} }}"
    assert estimate(store, query, bound=claims + 10) is not None  # counted: under the bound
    assert estimate(store, query, bound=claims - 1) is None  # counted: over it
    hub_terms = hubs(store, 100)
    assert (False, CLAIM) in hub_terms and (True, HEZ) not in hub_terms
    assert estimate(store, query, bound=100, hub_terms=hub_terms) is None
    assert estimate(store, f"SELECT * WHERE {{ {HEZ} ?p ?o }}", 100, hub_terms) == 100


def test_the_product_of_the_counts_bounds_a_join(store: ox.Store) -> None:
    one = len(list(store.quads_for_pattern(ox.NamedNode(HEZ[1:-1]), None, None)))
    two = len(list(store.quads_for_pattern(ox.NamedNode(NASRALLAH[1:-1]), None, None)))
    query = f"SELECT * WHERE {{ {HEZ} ?p ?o . {NASRALLAH} ?q ?r }}"
    assert estimate(store, query, bound=one * two) == one * two
    assert estimate(store, query, bound=one * two - 1) is None
    # with the hub list, a join is still counted: only a lone pattern is bounded by not being a hub
    assert estimate(store, query, one * two - 1, hubs(store, one * two - 1)) is None


def test_expressions_on_every_row_limit_the_rows(store: ox.Store) -> None:
    query = f"SELECT ?c WHERE {{ ?c a {CLAIM} BIND(CONCAT(STR(?c), STR(?c)) AS ?x) }}"
    claims = len(list(store.query(f"SELECT ?c WHERE {{ ?c a {CLAIM} }}", use_default_graph_as_union=True)))
    assert estimate(store, f"SELECT ?c WHERE {{ ?c a {CLAIM} }}", bound=claims) == claims
    assert estimate(store, query, bound=claims) is None  # (1 + 16 expression tokens) x claims > 4 x claims
    assert estimate(store, query, bound=claims * 5) == claims
    many = "CONCAT(" + ", ".join(["STR(?o)"] * 60) + ")"
    lookup = f"SELECT ?o WHERE {{ {HEZ} ?p ?o BIND({many} AS ?x) }}"
    assert estimate(store, lookup, 5000, hubs(store, 5000)) is not None  # a handful of rows
    assert estimate(store, lookup, 50, hubs(store, 50)) is None  # 241 tokens x ~20 rows > 4 x 50


def test_an_order_by_sorts_few_rows_here(store: ox.Store) -> None:
    claims = len(list(store.query(f"SELECT ?c WHERE {{ ?c a {CLAIM} }}", use_default_graph_as_union=True)))
    query = f"SELECT ?c WHERE {{ ?c a {CLAIM} }} ORDER BY ?c"
    assert estimate(store, query, bound=claims * 10) == claims
    assert estimate(store, query, bound=claims * 10 - 1) is None
    assert estimate(store, query, claims * 2, hubs(store, claims * 2)) is None  # not a hub, still counted


def test_one_shape_different_constants(store: ox.Store) -> None:
    """The plan is cached by the query's shape; the constants, and so the decision, are each query's."""
    hub_terms = hubs(store, 100)
    assert estimate(store, f"SELECT ?s WHERE {{ ?s a {HEZ} }}", 100, hub_terms) == 100
    assert estimate(store, f"SELECT ?s WHERE {{ ?s a {CLAIM} }}", 100, hub_terms) is None
    assert estimate(store, "SELECT ?s WHERE { ?s a <relative> }", 100, hub_terms) is None
    assert estimate(store, "SELECT ?s WHERE { ?s a nope:x }", 100, hub_terms) is None


# ---------------------------------------------------------------- end to end, against real servers


@pytest.fixture(scope="module")
def worker_only_url(release_out: Path) -> Iterator[str]:
    """A second server that runs every query in a worker (--inline-bound 0), to compare answers."""
    proc, url = start_server(release_out, "--inline-bound", "0")
    try:
        yield url
    finally:
        stop_server(proc)


def inline_count(url: str) -> int:
    text = httpx.get(url + "/metrics").text
    return sum(int(float(v)) for v in re.findall(r"^axiskg_inline_queries_total\{[^}]*\} (\S+)$", text, re.M))


SAME_ANSWER = [
    (q, accept)
    for q in ACCEPTED[:7] + ACCEPTED[10:]
    for accept in (
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    )
    if not (q.startswith("ASK") and accept.startswith("text/"))  # CSV/TSV results are SELECT's only
] + [(ACCEPTED[8], accept) for accept in ("text/turtle", "application/n-triples", "application/ld+json")]


@pytest.mark.parametrize(("query", "accept"), SAME_ANSWER)
def test_inline_answers_are_the_workers_answers(
    server_url: str, worker_only_url: str, query: str, accept: str
) -> None:
    before = inline_count(server_url)
    a = httpx.get(server_url + "/sparql", params={"query": query}, headers={"Accept": accept})
    assert inline_count(server_url) == before + 1  # it did run inline
    b = httpx.get(worker_only_url + "/sparql", params={"query": query}, headers={"Accept": accept})
    assert inline_count(worker_only_url) == 0
    assert a.status_code == b.status_code == 200, a.text
    assert a.content == b.content
    for h in ("content-type", "x-sparql-rows", "x-sparql-max-rows", "etag", "vary", "cache-control"):
        assert a.headers.get(h) == b.headers.get(h), h


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",  # the whole repository: quotes, Arabic names, braces in text
        "SELECT ?type ?value WHERE { ?type ?p ?value }",
        "SELECT ?triple WHERE { ?s ?p ?triple }",
        'SELECT ?x WHERE { VALUES ?x { "{\\"type\\":\\"x\\"}" "},{\\"a\\":1}" "{}" } }',
    ],
)
def test_rows_of_pyoxigraphs_json_are_counted_exactly(store: ox.Store, query: str) -> None:
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    body = result.serialize(format=ox.QueryResultsFormat.JSON)
    n = count_json_rows(body)
    assert n is None or n == len(json.loads(body)["results"]["bindings"])
    if "triple" not in query:
        assert n is not None and n > 0


def test_unbounded_queries_still_run_in_a_worker(server_url: str) -> None:
    before = inline_count(server_url)
    r = httpx.get(server_url + "/sparql", params={"query": REFUSED["unanchored"] + " LIMIT 3"})
    assert r.status_code == 200 and r.headers["x-sparql-rows"] == "3"
    assert inline_count(server_url) == before


def test_an_inline_query_error_is_the_parsers_400(server_url: str, worker_only_url: str) -> None:
    q = f"SELECT ?o WHERE {{ {HEZ} ?p ?o BIND(1 AS ?o) }}"  # passes the planner; the parser refuses it
    a = httpx.get(server_url + "/sparql", params={"query": q})
    b = httpx.get(worker_only_url + "/sparql", params={"query": q})
    assert a.status_code == b.status_code == 400
    assert a.text == b.text and "syntax error" in a.text.lower()


def test_inline_queries_count_against_the_client_budget(release_out: Path) -> None:
    proc, url = start_server(release_out, "--client-budget", "0.000001")
    try:
        q = {"query": ACCEPTED[0]}
        assert httpx.get(url + "/sparql", params=q).status_code == 200
        r = httpx.get(url + "/sparql", params=q, headers={"Cache-Control": "no-cache"})
        if r.status_code == 200:  # the first answer may have come from the response cache
            r = httpx.get(url + "/sparql", params={"query": ACCEPTED[1]})
        assert r.status_code == 429 and "budget" in r.text
        assert int(r.headers["retry-after"]) >= 1
        assert inline_count(url) >= 1
    finally:
        stop_server(proc)


def test_a_release_without_hubs_yet_still_counts(store: ox.Store) -> None:
    """Before the hub list is ready (hub_terms None), a lone pattern is counted like a join."""
    assert estimate(store, f"SELECT ?c WHERE {{ ?c a {CLAIM} }}", bound=100) is None
    assert estimate(store, f"SELECT * WHERE {{ {HEZ} ?p ?o }}", bound=5000) == len(
        list(store.quads_for_pattern(ox.NamedNode(HEZ[1:-1]), None, None))
    )


def test_an_empty_answer_counts_no_rows(store: ox.Store) -> None:
    result = store.query("SELECT ?s WHERE { ?s <urn:x:nothing> ?o }", use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    assert count_json_rows(result.serialize(format=ox.QueryResultsFormat.JSON)) == 0


RESULTS_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "text/csv": None,  # the text only (no language, no direction), and pyoxigraph does not parse it back
}


@pytest.mark.parametrize("accept", RESULTS_FORMATS)
def test_a_literals_direction_whichever_path_runs_the_query(
    server_url: str, worker_only_url: str, accept: str
) -> None:
    """A query proved small is written by pyoxigraph in SPARQL JSON, else by results.py: the same answer."""
    q = f'SELECT * WHERE {{ <{AX}org/kataib-hezbollah> a ?t BIND("دمشق"@ar--rtl AS ?x) }}'
    before = inline_count(server_url)
    a = httpx.get(server_url + "/sparql", params={"query": q}, headers={"Accept": accept})
    assert inline_count(server_url) == before + 1  # it did run inline
    b = httpx.get(worker_only_url + "/sparql", params={"query": q}, headers={"Accept": accept})
    assert a.status_code == b.status_code == 200, a.text
    assert a.content == b.content
    fmt = RESULTS_FORMATS[accept]
    if fmt is None:
        assert a.text.splitlines()[1].endswith(",دمشق")
        return
    rows = ox.parse_query_results(a.content, format=fmt)
    assert isinstance(rows, ox.QuerySolutions)
    xs = [s["x"] for s in rows]
    assert xs and all(x == ox.Literal("دمشق", language="ar", direction=ox.BaseDirection.RTL) for x in xs)


def test_xml_refuses_a_character_xml_cannot_carry(server_url: str, worker_only_url: str) -> None:
    """Not an ill-formed 200: a 406 that names the character and the formats that carry it."""
    xml = {"Accept": "application/sparql-results+xml"}
    q = "SELECT ?x WHERE { BIND('a\\u0001b' AS ?x) }"
    a = httpx.get(server_url + "/sparql", params={"query": q}, headers=xml)
    b = httpx.get(worker_only_url + "/sparql", params={"query": q}, headers=xml)
    assert a.status_code == b.status_code == 406
    assert a.text == b.text and "U+0001" in a.text and "?x of row 1" in a.text and "JSON" in a.text
    r = httpx.get(server_url + "/sparql", params={"query": q})
    assert r.status_code == 200 and r.json()["results"]["bindings"][0]["x"]["value"] == "a\x01b"
    q = "CONSTRUCT { <urn:x:s> <urn:x:p> ?x } WHERE { BIND('a\\u0001b' AS ?x) }"
    r = httpx.get(worker_only_url + "/sparql", params={"query": q}, headers={"Accept": "application/rdf+xml"})
    assert r.status_code == 406 and "U+0001" in r.text and "Turtle" in r.text
    # a CR is written &#13;: an XML parser reads it back as CR, not as the LF a raw one becomes
    for url in (server_url, worker_only_url):
        q = "SELECT ?x WHERE { BIND('a\\rb' AS ?x) }"
        r = httpx.get(url + "/sparql", params={"query": q}, headers=xml)
        assert r.status_code == 200 and b"a&#13;b" in r.content
        rows = ox.parse_query_results(r.content, format=ox.QueryResultsFormat.XML)
        assert isinstance(rows, ox.QuerySolutions) and [s["x"] for s in rows] == [ox.Literal("a\rb")]
