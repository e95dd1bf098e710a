"""The W3C SPARQL 1.1 Protocol tests for the query operation (and the refusal of every update): one
pytest case per W3C test, named after it, against a real `axiskg serve` over the tiny release."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pyoxigraph as ox
import pytest
import rdflib

AX = "https://w3id.org/axiskg/id/"
G = "https://w3id.org/axiskg/graph/"
SELECT_ALICE = (
    f"SELECT ?label WHERE {{ <{AX}person/alice> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}


def bindings(r: httpx.Response) -> list[dict[str, str]]:
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def test_query_get(tiny_url: str) -> None:
    r = httpx.get(
        tiny_url + "/sparql",
        params={"query": SELECT_ALICE},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert bindings(r) == [{"label": "Alice"}]


def test_query_post_form(tiny_url: str) -> None:
    r = httpx.post(
        tiny_url + "/sparql",
        data={"query": SELECT_ALICE},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert bindings(r) == [{"label": "Alice"}]


def test_query_post_direct(tiny_url: str) -> None:
    r = httpx.post(
        tiny_url + "/sparql",
        content=SELECT_ALICE.encode(),
        headers={**DIRECT, "Accept": "application/sparql-results+json"},
    )
    assert bindings(r) == [{"label": "Alice"}]


def test_query_dataset_default_graph(tiny_url: str) -> None:
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    r = httpx.get(tiny_url + "/sparql", params={"query": q, "default-graph-uri": G + "actors"})
    assert bindings(r) == [{"n": "9"}]


def test_query_dataset_default_graphs_get(tiny_url: str) -> None:
    q = "SELECT DISTINCT ?s WHERE { ?s a ?type }"
    r = httpx.get(
        tiny_url + "/sparql",
        params=[("query", q), ("default-graph-uri", G + "actors"), ("default-graph-uri", G + "ontology")],
    )
    subjects = {b["s"] for b in bindings(r)}
    assert AX + "person/alice" in subjects and "https://w3id.org/axiskg/ontology#Person" in subjects
    assert AX + "claim/000-alice-member" not in subjects


def test_query_dataset_default_graphs_post(tiny_url: str) -> None:
    q = "SELECT DISTINCT ?s WHERE { ?s a ?type }"
    r = httpx.post(
        tiny_url + "/sparql", data={"query": q, "default-graph-uri": [G + "actors", G + "report-000"]}
    )
    subjects = {b["s"] for b in bindings(r)}
    assert AX + "claim/000-alice-member" in subjects and AX + "person/alice" in subjects
    assert "https://w3id.org/axiskg/ontology#Person" not in subjects


def test_query_dataset_named_graphs_post(tiny_url: str) -> None:
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = httpx.post(tiny_url + "/sparql", data={"query": q, "named-graph-uri": [G + "actors", G + "derived"]})
    assert {b["g"] for b in bindings(r)} == {G + "actors", G + "derived"}


def test_default_graph_uri_alone_leaves_no_named_graph(tiny_url: str) -> None:
    """SPARQL 1.1 Protocol s. 2.1.4: the dataset is the graphs listed, as with FROM and no FROM NAMED (all the
    store's named graphs stayed visible before); named-graph-uri alone leaves the default graph empty."""
    q = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = httpx.get(tiny_url + "/sparql", params={"query": q, "default-graph-uri": G + "actors"})
    assert bindings(r) == [{"n": "0"}]
    r = httpx.get(
        tiny_url + "/sparql", params={"query": q.replace("GRAPH ?g ", ""), "named-graph-uri": G + "actors"}
    )
    assert bindings(r) == [{"n": "0"}]


def test_query_dataset_named_graphs_get(tiny_url: str) -> None:
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = httpx.get(tiny_url + "/sparql", params=[("query", q), ("named-graph-uri", G + "ontology")])
    assert {b["g"] for b in bindings(r)} == {G + "ontology"}


@pytest.mark.parametrize("path", ["direct", "asgi"])  # the asgi path: with Connection: close
@pytest.mark.parametrize("how", ["GET", "POST form", "POST direct"])
@pytest.mark.parametrize(
    "graphs, expected",
    [([G + "actors"], 9), ([G + "actors", G + "ontology"], 14)],
    ids=["one graph", "two graphs"],
)
def test_dataset_parameters_whatever_else_the_request_has(
    tiny_url: str, path: str, how: str, graphs: list[str], expected: int
) -> None:
    """The dataset parameters apply however the query comes: a direct POST's query string may hold them
    and nothing else (they were ignored there: the union's count came back)."""
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    headers = {"Connection": "close"} if path == "asgi" else {}
    for query, name in ((q, "default-graph-uri"), (named, "named-graph-uri")):
        dataset = [(name, g) for g in graphs]
        if how == "GET":
            r = httpx.get(tiny_url + "/sparql", params=[("query", query), *dataset], headers=headers)
        elif how == "POST form":
            r = httpx.post(tiny_url + "/sparql", data={"query": query, name: graphs}, headers=headers)
        else:
            r = httpx.post(
                tiny_url + "/sparql", params=dataset, content=query.encode(), headers={**DIRECT, **headers}
            )
        if query == q:
            assert bindings(r) == [{"n": str(expected)}]
        else:
            assert {b["g"] for b in bindings(r)} == set(graphs)


def test_query_dataset_full(tiny_url: str) -> None:
    q = "SELECT ?s ?g WHERE { ?s a <https://w3id.org/axiskg/ontology#Person> GRAPH ?g { ?x a ?c } }"
    r = httpx.get(
        tiny_url + "/sparql",
        params=[("query", q), ("default-graph-uri", G + "actors"), ("named-graph-uri", G + "ontology")],
    )
    rows = bindings(r)
    assert {b["g"] for b in rows} == {G + "ontology"}
    assert {b["s"] for b in rows} == {AX + "person/alice", AX + "person/bob"}


def test_query_multiple_dataset(tiny_url: str) -> None:
    """Protocol dataset parameters override the query's FROM / FROM NAMED."""
    q = f"SELECT (COUNT(*) AS ?n) FROM <{G}ontology> WHERE {{ ?s ?p ?o }}"
    r = httpx.get(tiny_url + "/sparql", params={"query": q, "default-graph-uri": G + "actors"})
    assert bindings(r) == [{"n": "9"}]


def test_query_from_clause_stays_local(tiny_url: str) -> None:
    """FROM names a graph of the store; nothing is fetched (an unknown graph is just empty)."""
    q = "SELECT (COUNT(*) AS ?n) FROM <http://127.0.0.1:9/remote.ttl> WHERE { ?s ?p ?o }"
    assert bindings(httpx.get(tiny_url + "/sparql", params={"query": q})) == [{"n": "0"}]
    q = f"SELECT (COUNT(*) AS ?n) FROM <{G}ontology> WHERE {{ ?s ?p ?o }}"
    assert bindings(httpx.get(tiny_url + "/sparql", params={"query": q})) == [{"n": "5"}]


def test_default_graph_is_union(tiny_url: str) -> None:
    q = f"ASK {{ <{AX}person/alice> <http://www.w3.org/ns/org#memberOf> ?o ; a ?t }}"
    r = httpx.get(tiny_url + "/sparql", params={"query": q})
    assert r.json()["boolean"] is True


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("*/*", "application/sparql-results+json"),
        (None, "application/sparql-results+json"),
    ],
)
def test_query_content_type_select(tiny_url: str, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept else {}
    r = httpx.get(tiny_url + "/sparql", params={"query": SELECT_ALICE}, headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == expected
    assert "Accept" in r.headers["vary"]
    if (
        expected != "text/csv"
    ):  # CSV is lossy: pyoxigraph does not parse it back (see test_select_csv_and_tsv_bodies)
        parsed = ox.parse_query_results(r.content, format=ox.QueryResultsFormat.from_media_type(expected))
        assert [s["label"].value for s in parsed] == ["Alice"]


def test_select_csv_and_tsv_bodies(tiny_url: str) -> None:
    r = httpx.get(tiny_url + "/sparql", params={"query": SELECT_ALICE}, headers={"Accept": "text/csv"})
    assert list(csv.reader(io.StringIO(r.text))) == [["label"], ["Alice"]]
    r = httpx.get(
        tiny_url + "/sparql", params={"query": SELECT_ALICE}, headers={"Accept": "text/tab-separated-values"}
    )
    assert r.text.splitlines() == ["?label", '"Alice"@en']


@pytest.mark.parametrize("accept", ["application/sparql-results+xml", "application/sparql-results+json"])
def test_query_content_type_ask(tiny_url: str, accept: str) -> None:
    r = httpx.get(tiny_url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(accept)
    assert bool(ox.parse_query_results(r.content, format=ox.QueryResultsFormat.from_media_type(accept)))


@pytest.mark.parametrize(
    "accept, rdflib_format",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
    ],
)
def test_query_content_type_construct(tiny_url: str, accept: str, rdflib_format: str) -> None:
    q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G}actors> {{ ?s ?p ?o }} }}"
    r = httpx.post(tiny_url + "/sparql", data={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == accept
    ds = rdflib.Dataset()
    ds.parse(data=r.text, format=rdflib_format)
    triples = {(s, p, o) for s, p, o, _ in ds.quads()}
    assert len(triples) == 9
    assert (
        rdflib.URIRef(AX + "person/alice"),
        rdflib.RDFS.label,
        rdflib.Literal("Alice", lang="en"),
    ) in triples


def test_query_content_type_describe(tiny_url: str) -> None:
    r = httpx.get(
        tiny_url + "/sparql",
        params={"query": f"DESCRIBE <{AX}person/alice>"},
        headers={"Accept": "text/turtle"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    assert (rdflib.URIRef(AX + "person/alice"), rdflib.RDFS.label, rdflib.Literal("Alice", lang="en")) in g


def test_not_acceptable(tiny_url: str) -> None:
    r = httpx.get(tiny_url + "/sparql", params={"query": SELECT_ALICE}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.text
    assert "Accept" in r.headers["vary"]  # the answer depends on it, a 406 too
    for headers in ({"Accept": "image/png"}, {"Accept": "image/png", "Connection": "close"}):
        r = httpx.get(tiny_url + "/sparql", headers=headers)  # the service description
        assert r.status_code == 406 and "Accept" in r.headers["vary"]
    r = httpx.get(
        tiny_url + "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 406


def test_bad_query_method(tiny_url: str) -> None:
    for method in ("PUT", "DELETE", "PATCH", "PROPFIND"):
        r = httpx.request(method, tiny_url + "/sparql", params={"query": SELECT_ALICE})
        assert r.status_code == 405, method


def test_bad_multiple_queries(tiny_url: str) -> None:
    r = httpx.get(tiny_url + "/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert r.status_code == 400
    r = httpx.post(tiny_url + "/sparql?query=ASK%7B%7D", data={"query": "ASK {}"})
    assert r.status_code == 400


def test_bad_query_wrong_media_type(tiny_url: str) -> None:
    r = httpx.post(
        tiny_url + "/sparql", content=b"query=ASK%20%7B%7D", headers={"Content-Type": "text/plain"}
    )
    assert r.status_code == 400 and "media type" in r.text


def test_bad_query_missing_form_type(tiny_url: str) -> None:
    r = httpx.post(tiny_url + "/sparql", content=b"query=ASK%20%7B%7D")
    assert r.status_code == 400


def test_bad_query_missing_direct_type(tiny_url: str) -> None:
    r = httpx.post(tiny_url + "/sparql", content=b"ASK {}")
    assert r.status_code == 400


def test_bad_query_non_utf8(tiny_url: str) -> None:
    q = 'SELECT * WHERE { ?s ?p "caf\u00e9" }'
    r = httpx.post(tiny_url + "/sparql", content=q.encode("iso-8859-1"), headers=DIRECT)
    assert r.status_code == 400 and "UTF-8" in r.text
    r = httpx.post(
        tiny_url + "/sparql",
        content=q.encode("iso-8859-1"),
        headers={"Content-Type": "application/sparql-query; charset=ISO-8859-1"},
    )
    assert r.status_code == 400
    r = httpx.get(tiny_url + "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%22caf%E9%22%7D")
    assert r.status_code == 400


def test_bad_query_syntax(tiny_url: str) -> None:
    r = httpx.get(tiny_url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert r.status_code == 400
    assert "error at 1:" in r.text  # the parser's message, with its position


def test_bad_query_missing(tiny_url: str) -> None:
    assert httpx.post(tiny_url + "/sparql", data={"default-graph-uri": G + "actors"}).status_code == 400
    assert httpx.get(tiny_url + "/sparql", params={"default-graph-uri": G + "actors"}).status_code == 400
    assert httpx.post(tiny_url + "/sparql", content=b"", headers=DIRECT).status_code == 400


def test_bad_update_get(tiny_url: str) -> None:
    r = httpx.get(tiny_url + "/sparql", params={"update": f"INSERT DATA {{ <{AX}x> <{AX}p> <{AX}y> }}"})
    assert r.status_code == 403 and "read-only" in r.text


def test_bad_update_form_and_direct(tiny_url: str) -> None:
    update = f"INSERT DATA {{ <{AX}x> <{AX}p> <{AX}y> }}"
    assert httpx.post(tiny_url + "/sparql", data={"update": update}).status_code == 403
    r = httpx.post(
        tiny_url + "/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update"}
    )
    assert r.status_code == 403
    for text in (
        update,
        f"PREFIX ax: <{AX}> DELETE WHERE {{ ?s ?p ?o }}",
        "CLEAR ALL",
        "DROP ALL",
        "LOAD <http://127.0.0.1:9/x.ttl>",
    ):
        r = httpx.post(tiny_url + "/sparql", data={"query": text})
        assert r.status_code in (400, 403), text


def test_updates_never_change_the_data(tiny_url: str) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

    def n() -> str:
        return bindings(
            httpx.get(
                tiny_url + "/sparql",
                params={"query": count},
                headers={"Cache-Control": "no-cache", "X-Client": "counter"},
            )
        )[0]["n"]

    before = n()
    for text in (
        f"INSERT DATA {{ GRAPH <{G}x> {{ <{AX}x> <{AX}p> <{AX}y> }} }}",
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR ALL",
    ):
        httpx.get(tiny_url + "/sparql", params={"update": text})
        httpx.post(tiny_url + "/sparql", data={"update": text})
        httpx.post(tiny_url + "/sparql", data={"query": text})
        httpx.post(
            tiny_url + "/sparql", content=text.encode(), headers={"Content-Type": "application/sparql-update"}
        )
        httpx.post(tiny_url + "/sparql", content=text.encode(), headers=DIRECT)
    assert n() == before != "0"


def test_service_description(tiny_url: str) -> None:
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        r = httpx.get(tiny_url + "/sparql", headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
        g = rdflib.Graph().parse(data=r.text, format=fmt)
        assert (None, sd.endpoint, rdflib.URIRef(tiny_url + "/sparql")) in g
        assert (None, sd.feature, sd.UnionDefaultGraph) in g
        assert (None, rdflib.RDFS.seeAlso, rdflib.URIRef(tiny_url + "/.well-known/void")) in g
        assert (None, sd.name, rdflib.URIRef(G + "actors")) in g


def test_service_description_tells_what_a_service_caller_cannot_see(tiny_url: str) -> None:
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    r = httpx.get(tiny_url + "/sparql", headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    service = g.value(None, sd.endpoint, rdflib.URIRef(tiny_url + "/sparql"))
    # every SERVICE is refused without --allow-service: no federated query to advertise
    assert (service, sd.feature, sd.BasicFederatedQuery) not in g
    # a SERVICE caller does not see the X-SPARQL-Truncated header of an answer cut at --max-rows
    assert any("at most 50 results" in c for c in g.objects(service, rdflib.RDFS.comment))


@pytest.mark.parametrize(
    "accept, media",
    [
        ("text/html;q=0, text/turtle", "text/turtle"),
        ("text/turtle, text/html;q=0.5", "text/turtle"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),  # a browser
        ("*/*", "text/turtle"),
        (None, "text/turtle"),
    ],
)
def test_service_description_or_page_by_q_values(tiny_url: str, accept: str | None, media: str) -> None:
    r = httpx.get(tiny_url + "/sparql", headers={"Accept": accept} if accept else {})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media


@pytest.mark.parametrize("accept", ["text/csv", "text/tab-separated-values"])
def test_ask_has_no_csv_or_tsv(tiny_url: str, accept: str) -> None:
    """CSV and TSV results are defined for SELECT only (a bare `true` is neither; rdflib refuses it)."""
    ask = {"query": "ASK { ?s ?p ?o }"}
    r = httpx.get(tiny_url + "/sparql", params=ask, headers={"Accept": accept})
    assert r.status_code == 406 and "application/sparql-results+json" in r.text
    assert "Accept" in r.headers["vary"]
    r = httpx.get(tiny_url + "/sparql", params=ask, headers={"Accept": f"{accept}, */*;q=0.1"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+json")
    r = httpx.get(tiny_url + "/sparql", params={"query": SELECT_ALICE}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)


@pytest.mark.parametrize(
    "how",
    [
        {"params": {"query": ""}},
        {"params": {"query": "  \n"}},
        {"params": {"default-graph-uri": G + "actors"}},
        {"method": "POST", "content": b"", "headers": DIRECT},
        {"method": "POST", "data": {"query": ""}},
        {"method": "POST", "data": {"default-graph-uri": G + "actors"}},
    ],
)
def test_no_query_is_told_how_to_send_one(tiny_url: str, how: dict[str, object]) -> None:
    r = httpx.request(str(how.pop("method", "GET")), tiny_url + "/sparql", **how)  # type: ignore[arg-type]
    assert r.status_code == 400
    assert r.text.startswith("no query given: send it as the `query` parameter or a POST body"), r.text


def test_rows_cap_is_signalled(tiny_url: str) -> None:
    values = " ".join(str(i) for i in range(80))
    r = httpx.get(tiny_url + "/sparql", params={"query": f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}"})
    assert r.status_code == 200
    assert len(r.json()["results"]["bindings"]) == 50
    assert r.headers["x-sparql-truncated"] == "true" and r.headers["x-sparql-max-rows"] == "50"
    q = f"CONSTRUCT {{ ?x ?x ?x }} WHERE {{ VALUES ?x {{ {' '.join(f'<urn:x:{i}>' for i in range(80))} }} }}"
    r = httpx.get(tiny_url + "/sparql", params={"query": q}, headers={"Accept": "application/n-triples"})
    assert len(r.text.splitlines()) == 50 and r.headers["x-sparql-truncated"] == "true"
    r = httpx.get(tiny_url + "/sparql", params={"query": SELECT_ALICE})
    assert "x-sparql-truncated" not in r.headers and r.headers["x-sparql-rows"] == "1"


def test_error_as_json_when_asked(tiny_url: str) -> None:
    r = httpx.get(tiny_url + "/sparql", params={"query": "SELECT"}, headers={"Accept": "application/json"})
    assert r.status_code == 400 and "error at" in json.loads(r.text)["message"]
