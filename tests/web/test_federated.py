"""The federated named query (queries/wikidata-links-federated.rq) through a real `axiskg serve` that allows
one SERVICE endpoint: a stand-in for Wikidata's query service on 127.0.0.1 (Wikidata is not reachable here),
a real SPARQL endpoint over a few fixture triples in Wikidata's shape. pyoxigraph's own HTTP client makes
the call, as it would to Wikidata."""

from __future__ import annotations

import http.server
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from conftest import start_server, stop_server

WDQS = "https://query.wikidata.org/sparql"
WD = "http://www.wikidata.org/entity/"
AX = "https://w3id.org/axiskg/id/"
QUERY = Path(__file__).parents[2] / "queries" / "wikidata-links-federated.rq"

# Fixture triples in Wikidata's shape (rdfs:label, schema:description), not fetched from Wikidata: the labels
# are the data's own names for these entities; the descriptions are placeholders.
FIXTURE = f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix schema: <https://schema.org/> .
<{WD}Q7184> rdfs:label "NATO"@en, "ناتو"@ar ; schema:description "fixture description of Q7184"@en .
<{WD}Q3616> rdfs:label "Tehran"@en .
<{WD}Q99999999> rdfs:label "an item the graph does not link"@en .
"""


class StandIn(http.server.ThreadingHTTPServer):
    """A SPARQL endpoint (GET, form POST, direct POST) over FIXTURE that keeps every query it receives."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.store = ox.Store()
        self.store.load(FIXTURE.encode(), ox.RdfFormat.TURTLE)
        self.received: list[str] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}/sparql"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: StandIn

    def do_GET(self) -> None:
        self._answer(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("query", [""])[0])

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        if self.headers.get("Content-Type", "").startswith("application/sparql-query"):
            self._answer(body)
        else:
            self._answer(urllib.parse.parse_qs(body).get("query", [""])[0])

    def _answer(self, query: str) -> None:
        self.server.received.append(query)
        results = self.server.store.query(query)
        assert isinstance(results, ox.QuerySolutions)
        body = results.serialize(format=ox.QueryResultsFormat.JSON)
        assert body is not None
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    server = StandIn()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_federated_query_joins_wikidata_labels_and_sends_only_the_linked_items(
    release_out: Path, stand_in: StandIn
) -> None:
    text = QUERY.read_text(encoding="utf-8")
    assert WDQS in text
    proc, url = start_server(release_out, "--allow-service", stand_in.url, "--service-timeout", "10")
    try:
        r = httpx.post(
            url + "/sparql",
            data={"query": text.replace(WDQS, stand_in.url)},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        local = httpx.post(
            url + "/sparql", data={"query": (QUERY.parent / "wikidata-links.rq").read_text()}, timeout=60
        )
    finally:
        stop_server(proc)
    assert r.status_code == 200, r.text
    rows = {b["entity"]["value"]: b for b in r.json()["results"]["bindings"]}
    # every local row stays, whether Wikidata knows the item or not
    assert set(rows) == {b["entity"]["value"] for b in local.json()["results"]["bindings"]}
    nato, tehran = rows[AX + "org/nato"], rows[AX + "place/tehran"]
    assert nato["wikidataLabel"] == {"type": "literal", "value": "NATO", "xml:lang": "en"}
    assert nato["wikidataDescription"]["value"] == "fixture description of Q7184"
    assert tehran["wikidataLabel"]["value"] == "Tehran" and "wikidataDescription" not in tehran
    assert "wikidataLabel" not in rows[AX + "org/hamas"]
    # The endpoint was asked about the graph's linked items only, not for every English label it holds
    assert stand_in.received, "the allowed endpoint was never called"
    for sent in stand_in.received:
        assert "VALUES" in sent and f"<{WD}Q7184>" in sent and "Q99999999" not in sent


def test_federated_answers_are_not_cached_and_one_line_or_nested_service_works(
    release_out: Path, stand_in: StandIn
) -> None:
    """A SERVICE answer depends on the other endpoint, not on the release: never cached (a failed SERVICE
    SILENT call stayed pinned as a 200 before). Queries rdflib's parser refused: a one-line query with an
    IRI holding '#' before SERVICE, nested SERVICE clauses."""
    tehran = f"<{AX}place/tehran>"
    query = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        f"SELECT ?label WHERE {{ {tehran} skos:exactMatch ?wd . "
        f"SERVICE <{stand_in.url}> {{ SERVICE <{stand_in.url}> {{ ?wd rdfs:label ?label }} }} }}"
    )
    proc, url = start_server(release_out, "--allow-service", stand_in.url, "--service-timeout", "10")
    try:
        first = httpx.get(url + "/sparql", params={"query": query}, timeout=60)
        stand_in.store.update(
            f'INSERT DATA {{ <{WD}Q3616> <http://www.w3.org/2000/01/rdf-schema#label> "طهران"@fa }}'
        )
        second = httpx.get(url + "/sparql", params={"query": query}, timeout=60)
    finally:
        stop_server(proc)
    assert first.status_code == 200, first.text
    assert first.headers["cache-control"] == "no-store" and "etag" not in first.headers
    labels = {b["label"]["value"] for b in second.json()["results"]["bindings"]}
    assert {b["label"]["value"] for b in first.json()["results"]["bindings"]} == {"Tehran"}
    assert labels == {"Tehran", "طهران"}
