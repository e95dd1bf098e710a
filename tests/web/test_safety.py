"""Safe to expose: the deadline really stops a query while others are answered, SERVICE reaches nobody unless
allowlisted, limits hold, and no input brings the server down."""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from servers import server_log, start_server, stop_server

from axiskg.web.protocol import HttpProtocol

AX = "https://w3id.org/axiskg/id/"
VALUES = "{ " + " ".join(str(i) for i in range(100)) + " }"
# 10^10 rows on any data: runs for hours unless stopped
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"VALUES ?v{i} {VALUES}" for i in range(5)) + " }"
QUICK = f"ASK {{ <{AX}person/alice> ?p ?o }}"
# 10,000 rows counted: not proved small (it runs in a query worker), done in a few milliseconds there
SMALL = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"VALUES ?v{i} {VALUES}" for i in range(2)) + " }"
SD = "http://www.w3.org/ns/sparql-service-description#"


def metric(url: str, name: str) -> float:
    text = httpx.get(url + "/metrics").text
    return sum(float(m.group(1)) for m in re.finditer(rf"^{name}(?:{{[^}}]*}})? (\S+)$", text, re.M))


def test_runaway_query_is_stopped_while_another_client_is_answered(tiny_url: str) -> None:
    restarts = metric(tiny_url, "axiskg_worker_restarts_total")
    timeouts = metric(tiny_url, "axiskg_query_timeouts_total")
    order: list[str] = []

    def runaway() -> httpx.Response:
        r = httpx.get(
            tiny_url + "/sparql", params={"query": RUNAWAY}, headers={"X-Client": "greedy"}, timeout=60
        )
        order.append("runaway")
        return r

    with ThreadPoolExecutor(2) as pool:
        slow = pool.submit(runaway)
        # while the runaway query runs, another client's queries are answered
        for i in range(3):
            r = httpx.get(
                tiny_url + "/sparql",
                params={"query": QUICK + f" # {i}"},
                headers={"X-Client": "polite"},
                timeout=60,
            )
            assert r.status_code == 200 and r.json()["boolean"] is True
        order.append("quick")
        r = slow.result()
    assert order == ["quick", "runaway"]
    assert r.status_code == 504
    assert "timed out" in r.text and "3 s" in r.text
    assert not r.headers["content-type"].startswith("application/sparql-results")
    assert metric(tiny_url, "axiskg_query_timeouts_total") == timeouts + 1
    assert metric(tiny_url, "axiskg_worker_restarts_total") == restarts + 1
    # the killed worker was replaced: the pool answers at full strength
    with ThreadPoolExecutor(4) as pool:
        results = list(
            pool.map(
                lambda i: (
                    httpx.get(
                        tiny_url + "/sparql", params={"query": QUICK + f" #r{i}"}, timeout=60
                    ).status_code
                ),
                range(8),
            )
        )
    assert results == [200] * 8


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            self._held.append(conn)

    def close(self) -> None:
        self._stop = True
        self.thread.join()
        for c in self._held:
            c.close()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    lis = Listener()
    yield lis
    lis.close()


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "PREFIX e: <{base}> SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ service e:sparql {{ ?s ?p ?o }} }} }}",
        "SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        "ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        # odd forms: nested, relative to BASE, a prefix that is relative
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:9/a> {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "BASE <{url}> SELECT * WHERE {{ SERVICE <> {{ ?s ?p ?o }} }}",
        "PREFIX e: <x/> SELECT * WHERE {{ SERVICE e:y {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_refused_and_reaches_nobody(tiny_url: str, listener: Listener, template: str) -> None:
    url = f"http://127.0.0.1:{listener.port}/sparql"
    q = template.format(url=url, base=f"http://127.0.0.1:{listener.port}/")
    for r in (
        httpx.get(tiny_url + "/sparql", params={"query": q}),
        httpx.post(tiny_url + "/sparql", data={"query": q}),
        httpx.post(
            tiny_url + "/sparql", content=q.encode(), headers={"Content-Type": "application/sparql-query"}
        ),
    ):
        assert r.status_code == 400
        assert "SERVICE" in r.text and "refused" in r.text
    assert listener.connections == 0


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p ?o FILTER(?o != "SERVICE <http://127.0.0.1:9/> {}") } LIMIT 1 # service',
        # the predeclared prefixes with the word anywhere (rdflib's parser, used before, knew none of them)
        'SELECT ?p WHERE { ?p a axo:Person ; skos:prefLabel ?n FILTER(CONTAINS(LCASE(?n), "service")) }',
        "SELECT ?service WHERE { ?service a axo:Person } LIMIT 2",
        "# find the intelligence service people\nSELECT ?p WHERE { ?p a axo:Person }",
        "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:p ?o }",
    ],
)
def test_word_service_elsewhere_is_fine(tiny_url: str, query: str) -> None:
    r = httpx.get(tiny_url + "/sparql", params={"query": query})
    assert r.status_code == 200, r.text


def test_allowlisted_service_only(tiny_out: Path, listener: Listener) -> None:
    allowed = f"http://127.0.0.1:{listener.port}/sparql"
    proc, url = start_server(
        tiny_out, "--allow-service", allowed, "--timeout", "30", "--service-timeout", "2"
    )
    try:
        other = f"http://127.0.0.1:{listener.port}/other"
        r = httpx.get(
            url + "/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{other}> {{ ?s ?p ?o }} }}"}
        )
        assert r.status_code == 400 and allowed in r.text
        assert listener.connections == 0
        # the allowlisted endpoint is called; it never answers, so the outbound timeout stops the query
        r = httpx.get(
            url + "/sparql",
            params={"query": f"SELECT * WHERE {{ SERVICE <{allowed}> {{ ?s ?p ?o }} }}"},
            timeout=30,
        )
        assert r.status_code == 504 and "SERVICE after 2 s" in r.text
        assert listener.connections >= 1
        sd = httpx.get(url + "/sparql", headers={"Accept": "application/n-triples"}).text
        assert f"<{SD}feature> <{SD}BasicFederatedQuery>" in sd  # advertised only with an allowlist
    finally:
        stop_server(proc)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 2000 + " ?s ?p ?o " + "}" * 2000,
        "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        "ASK { " + "OPTIONAL { " * 500 + "?s ?p ?o" + " }" * 500 + " }",
    ],
)
def test_deep_nesting_is_refused(tiny_url: str, query: str) -> None:
    r = httpx.post(tiny_url + "/sparql", data={"query": query})
    assert r.status_code == 400 and "levels deep" in r.text
    assert httpx.get(tiny_url + "/health").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (" + "+".join(["1"] * 8_000) + " AS ?x) WHERE {}",
        "SELECT * WHERE { FILTER(" + "!" * 16_000 + "true) }",
        "SELECT * WHERE { " + " UNION ".join(["{}"] * 8_000) + " }",
    ],
)
def test_a_query_that_would_crash_the_parser_is_refused(tiny_url: str, query: str) -> None:
    """Each of these overflows pyoxigraph's parser's stack (the query worker died: a 500, then a restart)."""
    restarts = metric(tiny_url, "axiskg_worker_restarts_total")
    r = httpx.post(tiny_url + "/sparql", data={"query": query})
    assert r.status_code == 400 and "tokens" in r.text, r.text[:300]
    assert metric(tiny_url, "axiskg_worker_restarts_total") == restarts  # refused before any worker saw it


def test_a_long_expression_within_the_bound_runs(tiny_url: str) -> None:
    fine = "SELECT (" + "+".join(["1"] * 3000) + " AS ?x) WHERE {}"
    r = httpx.post(tiny_url + "/sparql", data={"query": fine})
    assert r.status_code == 200 and r.json()["results"]["bindings"][0]["x"]["value"] == "3000"


def test_huge_limit_and_offset(tiny_url: str) -> None:
    r = httpx.get(
        tiny_url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999"}
    )
    assert r.status_code == 400
    r = httpx.get(
        tiny_url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } OFFSET 18446744073709551615"}
    )
    assert r.status_code == 200 and r.json()["results"]["bindings"] == []
    values = " ".join(str(i) for i in range(80))
    q = f"SELECT * WHERE {{ VALUES ?x {{ {values} }} }} LIMIT 18446744073709551615"
    r = httpx.get(tiny_url + "/sparql", params={"query": q})
    assert r.status_code == 200 and r.headers["x-sparql-truncated"] == "true"


def test_big_bodies_are_refused(tiny_url: str) -> None:
    body = b"query=" + b"x" * 10_000_000
    r = httpx.post(
        tiny_url + "/sparql",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=60,
    )
    assert r.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts what arrives
        for _ in range(100):
            yield b"#" * 100_000

    try:
        r = httpx.post(
            tiny_url + "/sparql",
            content=chunks(),
            headers={"Content-Type": "application/sparql-query"},
            timeout=60,
        )
        assert r.status_code == 413
    except httpx.HTTPError:
        pass  # the server may close the connection before the client has sent everything
    long_query = "ASK {} #" + "x" * 200_000
    r = httpx.post(
        tiny_url + "/sparql",
        content=long_query.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert r.status_code == 400 and "characters" in r.text
    assert httpx.get(tiny_url + "/health").status_code == 200


@pytest.mark.parametrize(
    "raw",
    [
        b"/sparql?query=%",
        b"/sparql?query=%G1",
        b"/sparql?query=%C3%28",
        b"/sparql?query=%FF%FE",
        b"/sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri",
        b"/sparql?%%%=&&&",
        b"/id/%FF",
        b"/id/%3Cscript%3E",
        b"/sparql?query=" + b"%7B" * 3000,
    ],
)
def test_malformed_requests_get_4xx(tiny_url: str, raw: bytes) -> None:
    host, port = tiny_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(b"GET " + raw + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    assert 400 <= status < 500, data[:300]
    assert httpx.get(tiny_url + "/health").status_code == 200


def test_odd_methods_and_garbage(tiny_url: str) -> None:
    for method in ("OPTIONS", "TRACE", "CONNECT", "BREW"):
        try:
            r = httpx.request(method, tiny_url + "/sparql")
            assert r.status_code < 500, method
        except httpx.HTTPError:
            pass
    host, port = tiny_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(b"\x00\xff garbage \r\n\r\n")
        s.recv(1000)
    assert httpx.get(tiny_url + "/health").status_code == 200


def test_dead_worker_is_replaced(tiny_out: Path) -> None:
    """A query that overflows the worker's stack kills it; the server answers 500 and carries on."""
    proc, url = start_server(
        tiny_out,
        "--max-depth",
        "10000000",
        "--max-tokens",
        "100000000",
        "--max-query-length",
        "10000000",
        "--max-body",
        "100000000",
        "--query-workers",
        "1",
    )
    try:
        deep = "SELECT * WHERE " + "{" * 300_000 + " ?s ?p ?o " + "}" * 300_000
        r = httpx.post(
            url + "/sparql",
            content=deep.encode(),
            headers={"Content-Type": "application/sparql-query"},
            timeout=60,
        )
        assert r.status_code == 500 and "worker" in r.text
        r = httpx.get(url + "/sparql", params={"query": QUICK}, timeout=60)
        assert r.status_code == 200 and r.json()["boolean"] is True
        assert metric(url, "axiskg_worker_restarts_total") >= 1
    finally:
        stop_server(proc)


def test_client_time_budget_gives_429(tiny_out: Path) -> None:
    proc, url = start_server(
        tiny_out, "--timeout", "1", "--client-budget", "1", "--client-header", "X-Client"
    )
    try:
        r = httpx.get(url + "/sparql", params={"query": RUNAWAY}, headers={"X-Client": "hog"}, timeout=30)
        assert r.status_code == 504
        r = httpx.get(url + "/sparql", params={"query": QUICK}, headers={"X-Client": "hog"})
        assert r.status_code == 429
        assert int(r.headers["retry-after"]) >= 1
        r = httpx.get(url + "/sparql", params={"query": QUICK}, headers={"X-Client": "someone-else"})
        assert r.status_code == 200
    finally:
        stop_server(proc)


def test_a_query_that_finds_no_free_worker_gets_a_503_and_one_that_waited_runs_its_whole_deadline(
    tiny_out: Path,
) -> None:
    """One query worker; two runaway queries of two clients, then a third client's small query. The first
    runaway runs its 1 s; the second waits for it, then runs its own whole second (before, the wait was
    taken out of its deadline); the small query finds no free worker within a second: it did not run, so
    it is a 503 with Retry-After (the endpoint is busy), not a 504 that says to simplify it, and it spends
    none of the client's 1 s budget (before, all of it)."""
    proc, url = start_server(
        tiny_out,
        "--timeout",
        "1",
        "--query-workers",
        "1",
        "--client-budget",
        "1",
        "--client-header",
        "X-Client",
    )

    def runaway(client: str) -> tuple[int, float]:
        started = time.monotonic()
        r = httpx.get(url + "/sparql", params={"query": RUNAWAY}, headers={"X-Client": client}, timeout=30)
        return r.status_code, time.monotonic() - started

    try:
        with ThreadPoolExecutor(3) as pool:
            first = pool.submit(runaway, "hog")
            while metric(url, "axiskg_queries_in_flight") < 1:
                time.sleep(0.005)
            second = pool.submit(runaway, "hog-2")
            while metric(url, "axiskg_queries_in_flight") < 2:
                time.sleep(0.005)
            document = pool.submit(
                httpx.get, url + "/id/person/alice.ttl", headers={"X-Client": "reader"}, timeout=30
            )
            r = httpx.get(
                url + "/sparql", params={"query": SMALL}, headers={"X-Client": "patient"}, timeout=30
            )
            assert first.result()[0] == 504
            status, took = second.result()
        assert r.status_code == 503 and "did not run" in r.text and int(r.headers["retry-after"]) >= 1
        assert document.result().status_code == 503  # a Linked Data document waits for a worker alike
        assert status == 504 and took >= 1.8  # about 1 s waiting, then 1 s running
        r = httpx.get(url + "/sparql", params={"query": SMALL}, headers={"X-Client": "patient"}, timeout=30)
        assert r.status_code == 200 and r.json()["results"]["bindings"][0]["n"]["value"] == "10000"
        assert metric(url, "axiskg_query_timeouts_total") == 2  # the runaways'
        assert 'reason="busy"} 2' in httpx.get(url + "/metrics").text
    finally:
        stop_server(proc)


def test_the_waits_before_a_query_runs_share_one_timeout(tiny_out: Path) -> None:
    """A client at its concurrency limit waits for its turn, then for a query worker: the two waits together
    are bounded by --timeout (before, each had the whole of it, so a request could take three timeouts).
    One worker, --timeout 1: client A's runaway holds A's turn and the worker for 1 s; client B's runaway
    waits for the worker and runs next; A's second query waits ~0.6 s for A's turn, then finds the worker
    busy with B's runaway: what is left of its second of waiting runs out, a 503 about 1 s after it came."""
    proc, url = start_server(
        tiny_out,
        "--timeout",
        "1",
        "--query-workers",
        "1",
        "--client-concurrency",
        "1",
        "--client-budget",
        "0",
        "--client-header",
        "X-Client",
    )

    def ask(query: str, client: str) -> tuple[int, float, str]:
        started = time.monotonic()
        r = httpx.get(url + "/sparql", params={"query": query}, headers={"X-Client": client}, timeout=30)
        return r.status_code, time.monotonic() - started, r.text

    try:
        with ThreadPoolExecutor(3) as pool:
            a_runaway = pool.submit(ask, RUNAWAY, "a")
            while metric(url, "axiskg_queries_in_flight") < 1:
                time.sleep(0.005)
            # B's wait for the worker (1 s) must outlast A's run by more than the worker's replacement
            time.sleep(0.15)
            b_runaway = pool.submit(ask, RUNAWAY, "b")
            while metric(url, "axiskg_queries_in_flight") < 2:
                time.sleep(0.005)
            time.sleep(0.2)
            status, took, text = ask(SMALL, "a")
            assert a_runaway.result()[0] == 504
            assert b_runaway.result()[0] == 504
        assert status == 503 and "did not run" in text, text
        assert 0.7 <= took < 1.5  # ~1 s: not 1 s for its turn plus 1 s for a worker
        assert ask(SMALL, "a")[0] == 200
    finally:
        stop_server(proc)


def test_memory_hungry_query_fails_alone(tiny_out: Path) -> None:
    """A query that allocates past --worker-memory-mb kills only its worker; the next query is answered."""
    proc, url = start_server(
        tiny_out, "--worker-memory-mb", "1024", "--timeout", "60", "--query-workers", "1"
    )
    try:
        four = " ".join(f"VALUES ?v{i} {VALUES}" for i in range(4))
        key = 'CONCAT(STR(?v0), "-", STR(?v1), "-", STR(?v2), "-", STR(?v3))'
        hog = f"SELECT (COUNT(DISTINCT {key}) AS ?n) {{ {four} }}"
        r = httpx.post(url + "/sparql", data={"query": hog}, timeout=120)
        assert r.status_code == 500 and "worker died" in r.text
        r = httpx.get(url + "/sparql", params={"query": QUICK}, timeout=60)
        assert r.status_code == 200 and r.json()["boolean"] is True
    finally:
        stop_server(proc)


def test_client_time_budget_spans_the_http_workers(tiny_out: Path) -> None:
    """With two HTTP worker processes, a client's query time in either counts against its one budget:
    after 2 s of runaway queries (budget 1.5 s, however they were spread), every worker refuses it."""
    proc, url = start_server(
        tiny_out, "--workers", "2", "--timeout", "1", "--client-budget", "1.5", "--client-header", "X-Client"
    )
    try:
        for _ in range(2):  # a new connection each: the kernel picks the worker
            r = httpx.get(url + "/sparql", params={"query": RUNAWAY}, headers={"X-Client": "hog"}, timeout=30)
            assert r.status_code in (504, 429)
        time.sleep(2.5)  # each worker publishes its clients' usage every second and reads the others'
        statuses = [
            httpx.get(url + "/sparql", params={"query": QUICK}, headers={"X-Client": "hog"}).status_code
            for _ in range(16)
        ]
        assert statuses == [429] * 16
        r = httpx.get(url + "/sparql", params={"query": QUICK}, headers={"X-Client": "someone-else"})
        assert r.status_code == 200
    finally:
        stop_server(proc)


def _send_query(url: str, query: str) -> socket.socket:
    """A GET /sparql on a raw connection, left open: closing it is the client going away."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    target = "/sparql?query=" + urllib.parse.quote(query, safe="")
    sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAccept: text/csv\r\n\r\n".encode())
    return sock


def _wait_metric(url: str, name: str, value: float, within: float = 15.0) -> None:
    deadline = time.monotonic() + within
    while metric(url, name) != value:
        assert time.monotonic() < deadline, f"{name} stayed at {metric(url, name)}, expected {value}"
        time.sleep(0.1)


def test_a_client_that_goes_away_stops_its_query(tiny_out: Path) -> None:
    """One query worker, deadline 120 s: a query whose client disconnects while it waits is never run, and
    a running one is stopped (its worker killed and replaced) instead of holding the worker till the deadline.
    """
    proc, url = start_server(
        tiny_out, "--query-workers", "1", "--timeout", "120", "--client-concurrency", "0"
    )
    try:
        running = _send_query(url, RUNAWAY)
        _wait_metric(url, "axiskg_queries_in_flight", 1)
        waiting = _send_query(url, RUNAWAY + " ")
        _wait_metric(url, "axiskg_queries_in_flight", 2)
        waiting.close()
        _wait_metric(url, "axiskg_client_gone_total", 1)
        _wait_metric(url, "axiskg_queries_in_flight", 1)
        assert metric(url, "axiskg_worker_restarts_total") == 0  # it never reached the worker
        running.close()
        _wait_metric(url, "axiskg_client_gone_total", 2)
        _wait_metric(url, "axiskg_worker_restarts_total", 1)  # after the 1 s grace, not at the deadline
        # the new worker answers a query that needs one (no constant to anchor it: not run inline)
        r = httpx.get(url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}, timeout=20)
        assert r.status_code == 200 and int(r.json()["results"]["bindings"][0]["n"]["value"]) > 0
        gone = re.compile(r'"GET /sparql\?query=\S+" 499 0 ')
        log = server_log(proc, lambda text: len(gone.findall(text)) >= 2)
        assert len(gone.findall(log)) == 2, log[-2000:]
    finally:
        stop_server(proc)


def test_a_short_query_whose_client_went_away_keeps_its_worker(tiny_out: Path) -> None:
    """A query that finishes within the grace after its client left frees its worker as usual."""
    proc, url = start_server(tiny_out, "--query-workers", "1", "--client-concurrency", "0")
    try:
        four = "{ 0 1 2 3 }"
        slow = (  # 4 x 10^6 rows: about a quarter of a second
            "SELECT (COUNT(*) AS ?n) WHERE { "
            + " ".join(f"VALUES ?v{i} {VALUES}" for i in range(3))
            + f" VALUES ?w {four} }}"
        )
        sock = _send_query(url, slow)
        _wait_metric(url, "axiskg_queries_in_flight", 1)
        sock.close()
        _wait_metric(url, "axiskg_client_gone_total", 1)
        time.sleep(2)
        assert metric(url, "axiskg_worker_restarts_total") == 0
        r = httpx.get(url + "/sparql", params={"query": slow}, timeout=20)
        assert r.status_code == 200 and r.json()["results"]["bindings"][0]["n"]["value"] == "4000000"
    finally:
        stop_server(proc)


def test_a_linked_data_request_whose_client_went_away_leaves_the_queue(tiny_out: Path) -> None:
    """/id/ descriptions run in the query workers too: one queued behind a runaway query, whose client then
    disconnects, is dropped without reaching a worker (and logged as 499)."""
    proc, url = start_server(
        tiny_out, "--query-workers", "1", "--timeout", "120", "--client-concurrency", "0", "--cache-mb", "0"
    )
    try:
        running = _send_query(url, RUNAWAY)
        _wait_metric(url, "axiskg_queries_in_flight", 1)
        host, port = url.removeprefix("http://").split(":")
        waiting = socket.create_connection((host, int(port)))
        waiting.sendall(f"GET /id/person/alice.ttl HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        _wait_metric(url, "axiskg_queries_in_flight", 2)
        waiting.close()
        _wait_metric(url, "axiskg_client_gone_total", 1)
        _wait_metric(url, "axiskg_queries_in_flight", 1)
        assert metric(url, "axiskg_worker_restarts_total") == 0
        running.close()
        _wait_metric(url, "axiskg_worker_restarts_total", 1)
        r = httpx.get(url + "/id/person/alice.ttl", timeout=20)
        assert r.status_code == 200 and "alice" in r.text.lower()
        log = server_log(proc, lambda text: '"GET /id/person/alice.ttl" 499 ' in text)
        assert '"GET /id/person/alice.ttl" 499 ' in log, log[-2000:]
    finally:
        stop_server(proc)


def test_an_endless_header_is_cut_off_with_a_431_and_counted(tiny_url: str) -> None:
    """uvicorn kept every byte of an unfinished header (a 400 MB one took the server from 138 to 631 MB)."""
    host, port = urllib.parse.urlsplit(tiny_url).netloc.split(":")
    sent = 0
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ")
        with pytest.raises(OSError):  # the server answers 431 and closes while the header goes on
            while sent < 64 * 2**20:
                sock.sendall(b"a" * 65536)
                sent += 65536
    assert sent < 8 * 2**20  # cut off a few reads past the limit (512 KiB)
    metrics = httpx.get(tiny_url + "/metrics").text
    assert re.search(r'axiskg_refusals_total\{pid="\d+",reason="header_too_large"\} [1-9]', metrics)


def test_a_get_of_a_long_query_is_answered_and_a_longer_target_gets_a_414(tiny_url: str) -> None:
    """A 100,000-character query fits in a GET (uvicorn answered `400 Invalid HTTP request received.` to a
    request target beyond 64 KiB); beyond URI_MAX the answer says what is wrong, and counts."""
    host, port = urllib.parse.urlsplit(tiny_url).netloc.split(":")
    items = " ".join(f"<urn:x:{i}>" for i in range(7700))
    query = f"SELECT ?x WHERE {{ VALUES ?x {{ {items} }} }}"
    query += " " * (100_000 - len(query))
    target = "/sparql?" + urllib.parse.urlencode({"query": query})
    assert len(query) == 100_000 and len(target) > 150_000
    for extra in ({}, {"Connection": "close"}):  # the direct path, uvicorn's
        conn = http.client.HTTPConnection(host, int(port), timeout=30)  # httpx refuses such long URLs
        conn.request("GET", target, headers={"Accept": "application/sparql-results+json", **extra})
        r = conn.getresponse()
        assert r.status == 200 and len(json.loads(r.read())["results"]["bindings"]) == 50
        conn.request("GET", "/id/person/" + "a" * 70_000)
        r = conn.getresponse()
        assert r.status == 404
        r.read()
        conn.close()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        target = "/id/person/" + "a" * (HttpProtocol.URI_MAX + 1)
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 414 ") and b"exceeds 393216 bytes" in answer
    metrics = httpx.get(tiny_url + "/metrics").text
    assert re.search(r'axiskg_refusals_total\{pid="\d+",reason="uri_too_long"\} [1-9]', metrics)


@pytest.mark.slow
def test_a_connection_that_sends_nothing_is_closed(tiny_out: Path) -> None:
    """A client that opens connections and sends nothing holds none for long (uvicorn, the default server:
    its keep-alive timeout, 5 s)."""
    proc, url = start_server(tiny_out)
    try:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=15) as silent:
            started = time.monotonic()
            assert silent.recv(100) == b""  # closed by the server
            assert time.monotonic() - started < 10
    finally:
        stop_server(proc)


def test_granian_says_it_is_for_behind_a_proxy(tiny_out: Path) -> None:
    """granian keeps a connection that sends nothing open for ever: `--server granian` says so at start."""
    proc, url = start_server(tiny_out, "--server", "granian")
    try:
        assert httpx.get(url + "/health").status_code == 200
        log = server_log(proc, lambda text: "reverse proxy" in text)
        assert "--server granian" in log and "behind a reverse proxy" in log
    finally:
        stop_server(proc)
    proc, url = start_server(tiny_out)
    try:
        assert httpx.get(url + "/health").status_code == 200
        assert "reverse proxy" not in server_log(proc, lambda text: False, timeout=0.5)
    finally:
        stop_server(proc)
