"""The direct path for GET and POST /sparql (axiskg.web.protocol): which requests take it, that HTTP still
works around it (keep-alive, pipelining, the keep-alive timer, bodies, proxies, errors), and that
`axiskg serve` answers on it exactly as on its ASGI path."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn
from servers import start_server, stop_server

from axiskg.web.protocol import DIRECT_BODY_MAX, HttpProtocol

KEEP_ALIVE = 0.2  # the test server's keep-alive timeout, seconds
BIG = b"x" * (32 << 20)  # an answer larger than the sockets' buffers on loopback


class RecordingApp:
    """An ASGI app with an `answer_now` like axiskg's App: it records which path each request took."""

    def __init__(self) -> None:
        self.direct: list[bytes] = []
        self.direct_bodies: list[bytes] = []
        self.asgi: list[tuple[str, bytes, bytes, Any, str]] = []

    def answer_now(
        self, scope: dict[str, Any], body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        qs = scope["query_string"]
        self.direct.append(qs)
        self.direct_bodies.append(body)
        if qs.startswith(b"slow"):
            return None  # "its query must wait for a worker"
        if qs == b"fail":
            raise RuntimeError("a bug")
        if qs == b"badheader":
            return 200, [(b"x-bad", b"a\x01b"), (b"content-length", b"0")], b""
        if qs == b"nolength":
            return 200, [(b"content-type", b"text/plain")], b"no length given"
        if qs == b"closing":
            return 200, [(b"connection", b"close"), (b"content-length", b"7")], b"closing"
        if qs == b"notmodified":
            return 304, [(b"etag", b'"x"')], b""
        if qs == b"big":
            return 200, [(b"content-length", str(len(BIG)).encode())], BIG
        out = b"direct " + scope["method"].encode() + b" " + qs + b" " + body
        return 200, [(b"content-type", b"text/plain"), (b"content-length", str(len(out)).encode())], out

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                await send({"type": msg["type"] + ".complete"})
                if msg["type"] == "lifespan.shutdown":
                    return
        body = b""
        more = True
        while more:
            msg = await receive()
            body += msg.get("body", b"")
            more = msg.get("more_body", False)
        qs = scope["query_string"]
        self.asgi.append((scope["method"], qs, body, scope["client"], scope["path"]))
        if qs.startswith(b"slow"):
            await asyncio.sleep(3 * KEEP_ALIVE)  # longer than the keep-alive timeout
        out = BIG if qs == b"big" else b"asgi " + scope["method"].encode() + b" " + qs + b" " + body
        headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(out)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": out})


@pytest.fixture()
def recording_server() -> Iterator[tuple[RecordingApp, int]]:
    """uvicorn with HttpProtocol serving a RecordingApp (behind uvicorn's proxy-headers middleware, as by
    default), in a thread, on 127.0.0.1."""
    with _recording_server(HttpProtocol) as served:
        yield served


@contextlib.contextmanager
def _recording_server(protocol: type[HttpProtocol]) -> Iterator[tuple[RecordingApp, int]]:
    app = RecordingApp()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        http=protocol,
        loop="uvloop",
        log_level="critical",
        access_log=False,  # uvicorn writes its access log from its request cycle: no direct path with it
        timeout_keep_alive=KEEP_ALIVE,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.01)
    try:
        yield app, port
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


Connection = tuple[RecordingApp, socket.socket, "Responses"]


@pytest.fixture()
def connection(recording_server: tuple[RecordingApp, int]) -> Iterator[Connection]:
    """The recording app, and a connection to its server with a response reader."""
    app, port = recording_server
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    with sock:
        yield app, sock, Responses(sock)


def _request(
    target: str, *headers: str, method: str = "GET", version: str = "1.1", body: bytes = b""
) -> bytes:
    lines = [f"{method} {target} HTTP/{version}", "Host: test", *headers]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Responses:
    """Reads HTTP/1.1 responses (Content-Length framed) off a socket."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        self.buf += chunk
        return bool(chunk)

    def next(self, head_only: bool = False) -> tuple[int, dict[str, str], bytes]:
        """The next final response (1xx ones skipped)."""
        while True:
            status, headers, body = self._next(head_only)
            if status >= 200:
                return status, headers, body

    def _next(self, head_only: bool) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buf:
            if not self._fill():
                raise ConnectionError(f"connection closed; unread: {self.buf!r}")
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
        status = int(status_line.split()[1])
        length = 0 if head_only or status == 304 or status < 200 else int(headers.get("content-length", 0))
        while len(self.buf) < length:
            if not self._fill():
                raise ConnectionError("connection closed in a body")
        body, self.buf = self.buf[:length], self.buf[length:]
        return status, headers, body

    def closed(self) -> bool:
        """True if the server closes the connection without sending anything more."""
        return not self.buf and not self._fill()


def test_a_keep_alive_get_of_sparql_is_answered_directly(connection: Connection) -> None:
    app, sock, responses = connection
    for i in range(3):
        sock.sendall(_request(f"/sparql?q{i}"))
        status, headers, body = responses.next()
        assert (status, body) == (200, f"direct GET q{i} ".encode())
        assert headers["content-type"] == "text/plain" and "date" in headers
    assert app.direct == [b"q0", b"q1", b"q2"] and app.asgi == []


def test_a_short_post_is_answered_directly_with_its_whole_body(connection: Connection) -> None:
    app, sock, responses = connection
    sock.sendall(_request("/sparql?p", method="POST", body=b"query=ASK{}"))
    assert responses.next()[2] == b"direct POST p query=ASK{}"
    request = _request("/sparql?q", method="POST", body=b"x" * 5000)
    sock.sendall(request[:-3000])  # the body comes in two parts
    time.sleep(0.05)
    sock.sendall(request[-3000:])
    assert responses.next()[2] == b"direct POST q " + b"x" * 5000
    sock.sendall(_request("/sparql?slow", method="POST", body=b"query=heavy"))  # to a worker: ASGI
    assert responses.next()[2] == b"asgi POST slow query=heavy"
    assert app.direct_bodies == [b"query=ASK{}", b"x" * 5000, b"query=heavy"]
    assert [(a[0], a[2]) for a in app.asgi] == [("POST", b"query=heavy")]


@pytest.mark.parametrize(
    ("request_bytes", "expected"),
    [
        (_request("/sparql?a", "Connection: close"), b"asgi GET a "),
        (_request("/sparql?a", version="1.0"), b"asgi GET a "),
        (
            _request("/sparql?a", "Transfer-Encoding: chunked", method="POST") + b"3\r\nq=1\r\n0\r\n\r\n",
            b"asgi POST a q=1",
        ),
        (
            _request("/sparql?a", method="POST", body=b"q" * (DIRECT_BODY_MAX + 1)),
            b"asgi POST a " + b"q" * (DIRECT_BODY_MAX + 1),
        ),
        (_request("/sparql?a", body=b"xyz"), b"asgi GET a xyz"),  # a GET with a body: the ASGI path reads it
        (_request("/sparql/more?a"), b"asgi GET a "),
        (_request("/sparqlx?a"), b"asgi GET a "),
        (_request("/other?a"), b"asgi GET a "),
        (_request("/sparql?a", "Expect: 100-continue"), b"asgi GET a "),
    ],
    ids=[
        "connection-close",
        "http-1.0",
        "post-chunked",
        "post-long",
        "get-with-body",
        "subpath",
        "prefix",
        "other-path",
        "expect",
    ],
)
def test_other_requests_take_the_asgi_path(
    connection: Connection, request_bytes: bytes, expected: bytes
) -> None:
    app, sock, responses = connection
    sock.sendall(request_bytes)
    status, _, body = responses.next()
    assert (status, body) == (200, expected)
    assert app.direct == [] and len(app.asgi) == 1


def test_a_request_target_beyond_64_kib_is_read_on_either_path(connection: Connection) -> None:
    """uvicorn splits a request target with httptools.parse_url, which refuses one beyond 65,535 bytes: it
    answered 400 to a GET of a long query."""
    app, sock, responses = connection
    long = "q" * 70_000
    sock.sendall(_request(f"/sparql?{long}"))
    assert responses.next()[:3:2] == (200, f"direct GET {long} ".encode())
    sock.sendall(_request(f"/other/%41{long}?{long}"))
    assert responses.next()[:3:2] == (200, f"asgi GET {long} ".encode())
    assert app.asgi[0][4] == "/other/A" + long


class _Unfit(HttpProtocol):
    """HttpProtocol on a uvicorn whose protocol lacks something the direct path uses."""

    UVICORN_INTERNALS = (*HttpProtocol.UVICORN_INTERNALS, "renamed_in_a_future_uvicorn")
    fits_uvicorn = None


def test_a_uvicorn_without_what_the_direct_path_uses_serves_everything_on_its_own_path() -> None:
    with _recording_server(_Unfit) as (app, port):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            responses = Responses(sock)
            sock.sendall(_request("/sparql?a"))
            assert responses.next()[:3:2] == (200, b"asgi GET a ")
            sock.sendall(_request("/sparql?b", method="POST", body=b"query=ASK{}"))
            assert responses.next()[:3:2] == (200, b"asgi POST b query=ASK{}")
        assert app.direct == [] and len(app.asgi) == 2
    assert _Unfit.fits_uvicorn is False and HttpProtocol.fits_uvicorn is not False


def test_head_is_not_answered_directly(connection: Connection) -> None:
    app, sock, responses = connection
    sock.sendall(_request("/sparql?a", method="HEAD"))
    status, headers, _ = responses.next(head_only=True)
    assert status == 200 and int(headers["content-length"]) == len(b"asgi HEAD a ")
    assert app.direct == [] and app.asgi[0][0] == "HEAD"


def test_proxy_headers_take_the_asgi_path_where_the_client_address_is_rewritten(
    connection: Connection,
) -> None:
    app, sock, responses = connection
    sock.sendall(_request("/sparql?a", "X-Forwarded-For: 203.0.113.7"))
    assert responses.next()[2] == b"asgi GET a "
    assert app.direct == [] and app.asgi[0][3][0] == "203.0.113.7"  # uvicorn's middleware did its work


def test_a_query_that_must_wait_leaves_the_direct_path(connection: Connection) -> None:
    app, sock, responses = connection
    sock.sendall(_request("/sparql?slow"))
    assert responses.next()[2] == b"asgi GET slow "
    sock.sendall(_request("/sparql?after"))  # the connection is still usable, and direct again
    assert responses.next()[2] == b"direct GET after "
    assert app.direct == [b"slow", b"after"] and [a[1] for a in app.asgi] == [b"slow"]


def test_pipelined_requests_are_answered_in_order_and_the_keep_alive_timer_spares_them(
    connection: Connection,
) -> None:
    app, sock, responses = connection
    sock.sendall(
        _request("/sparql?a") + _request("/sparql?slow1") + _request("/sparql?b") + _request("/sparql?c")
    )
    bodies = [responses.next()[2] for _ in range(4)]
    # b and c wait behind slow1 in uvicorn's pipeline queue, and are answered from there, in order
    assert bodies == [b"direct GET a ", b"asgi GET slow1 ", b"asgi GET b ", b"asgi GET c "]
    sock.sendall(_request("/sparql?d"))
    assert responses.next()[2] == b"direct GET d "
    time.sleep(3 * KEEP_ALIVE)  # now idle: the keep-alive timeout closes the connection
    assert responses.closed()


def test_an_idle_connection_is_closed_after_a_direct_answer(connection: Connection) -> None:
    _, sock, responses = connection
    sock.sendall(_request("/sparql?a"))
    assert responses.next()[2] == b"direct GET a "
    started = time.monotonic()
    assert responses.closed()
    assert time.monotonic() - started < 10 * KEEP_ALIVE


def test_direct_answers_get_a_content_length_and_a_304_no_body(connection: Connection) -> None:
    _, sock, responses = connection
    sock.sendall(_request("/sparql?nolength") + _request("/sparql?notmodified") + _request("/sparql?x"))
    status, headers, body = responses.next()
    assert (status, headers["content-length"], body) == (200, "15", b"no length given")
    status, headers, body = responses.next()
    assert (status, body) == (304, b"") and "content-length" not in headers
    assert responses.next()[2] == b"direct GET x "  # nothing was left between the responses


def test_an_answer_that_says_connection_close_closes_it(connection: Connection) -> None:
    _, sock, responses = connection
    sock.sendall(_request("/sparql?closing") + _request("/sparql?never"))
    status, headers, body = responses.next()
    assert (status, headers["connection"], body) == (200, "close", b"closing")
    assert responses.closed()


def test_a_failing_answer_is_a_500_and_a_bad_header_closes_the_connection(connection: Connection) -> None:
    _, sock, responses = connection
    sock.sendall(_request("/sparql?fail"))
    status, _, body = responses.next()
    assert (status, body) == (500, b"Internal Server Error")
    sock.sendall(_request("/sparql?badheader"))  # uvicorn closes a connection whose answer it cannot send
    assert responses.closed()


# --- axiskg serve: both paths give the same answers ---------------------------------------------------

LOOKUP = "SELECT ?p ?o WHERE { <https://w3id.org/axiskg/id/org/axis-of-resistance> ?p ?o }"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"  # not provably small: a worker runs it


def _both_paths(
    client: httpx.Client, params: dict[str, str] | None, headers: dict[str, str], body: bytes | None = None
) -> None:
    """The same GET (or POST of `body`) on a kept-alive connection (the direct path) and with
    Connection: close (the ASGI path) gets the same status, headers and body."""
    method = "GET" if body is None else "POST"
    direct = client.request(method, "/sparql", params=params, headers=headers, content=body)
    via_asgi = client.request(
        method, "/sparql", params=params, headers={**headers, "Connection": "close"}, content=body
    )
    assert direct.status_code == via_asgi.status_code
    assert direct.content == via_asgi.content
    ignore = {"date", "connection"}
    assert {k: v for k, v in direct.headers.items() if k not in ignore} == {
        k: v for k, v in via_asgi.headers.items() if k not in ignore
    }
    assert "connection" not in direct.headers and via_asgi.headers["connection"] == "close"


def _sparql_requests(metrics: str) -> float:
    return sum(
        float(m.group(1))
        for m in re.finditer(r'^axiskg_requests_total\{[^}]*route="/sparql"[^}]*\} (\S+)$', metrics, re.M)
    )


def test_axiskg_serve_answers_alike_on_both_paths(release_out: Path) -> None:
    proc, url = start_server(release_out, "--workers", "1", "--cache-mb", "0")
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            before = _sparql_requests(client.get("/metrics").text)
            json_accept = {"Accept": "application/sparql-results+json"}
            _both_paths(client, {"query": LOOKUP}, json_accept)  # inline
            _both_paths(client, {"query": LOOKUP}, {"Accept": "text/csv", "Origin": "https://example.org"})
            _both_paths(
                client,
                {"query": LOOKUP},
                {"Accept": "application/sparql-results+json", "Accept-Encoding": "gzip"},
            )
            _both_paths(client, {"query": HEAVY}, json_accept)  # a worker's
            _both_paths(client, {"query": "SELECT * WHERE {"}, json_accept)  # 400
            _both_paths(client, {"query": LOOKUP}, {"Accept": "image/png"})  # 406
            _both_paths(client, None, {"Accept": "text/turtle"})  # the service description
            tag = client.get("/sparql", params={"query": LOOKUP}).headers["etag"]
            _both_paths(client, {"query": LOOKUP}, {"If-None-Match": tag})  # 304
            form = {"Content-Type": "application/x-www-form-urlencoded", **json_accept}
            direct_query = {"Content-Type": "application/sparql-query", **json_accept}
            _both_paths(client, None, form, urlencode({"query": LOOKUP}).encode())  # POST, inline
            _both_paths(client, None, direct_query, LOOKUP.encode())
            _both_paths(client, None, direct_query, HEAVY.encode())  # a worker's
            _both_paths(client, None, form, b"update=DROP+ALL")  # 403
            _both_paths(client, None, {"Content-Type": "text/plain"}, LOOKUP.encode())  # 400
            _both_paths(client, None, {}, LOOKUP.encode())  # no Content-Type: 400
            _both_paths(client, None, form, b"query=%zz")  # malformed percent-encoding: 400
            after = _sparql_requests(client.get("/metrics").text)
    finally:
        stop_server(proc)
    assert after - before == 31  # every answer counted, on either path


class _Guarded(HttpProtocol):
    """HttpProtocol with its clocks and header limit scaled down for the tests."""

    HEAD_TIMEOUT = 0.4
    BODY_TIMEOUT = 0.4
    HEAD_MAX = 4096
    URI_MAX = 2048
    SEND_TIMEOUT = 0.4
    SWEEP_EVERY = 0.05


@pytest.fixture()
def guarded() -> Iterator[Connection]:
    with (
        _recording_server(_Guarded) as (app, port),
        socket.create_connection(("127.0.0.1", port), timeout=10) as sock,
    ):
        yield app, sock, Responses(sock)


def test_a_connection_that_sends_nothing_is_closed_after_the_keep_alive_timeout(guarded: Connection) -> None:
    _, _, responses = guarded
    started = time.monotonic()
    assert responses.closed()  # before: kept open for ever (the socket's 10 s timeout would raise here)
    assert KEEP_ALIVE <= time.monotonic() - started < 5


def test_headers_that_trickle_in_get_a_408_when_their_time_is_up(guarded: Connection) -> None:
    app, sock, responses = guarded
    started = time.monotonic()
    sock.sendall(b"GET /sparql?a HTTP/1.1\r\n")
    for i in range(3):  # a header line now and then (slowloris) does not restart the clock
        time.sleep(0.1)
        sock.sendall(f"X-Slow-{i}: x\r\n".encode())
    status, headers, body = responses.next()
    waited = time.monotonic() - started
    assert (status, headers["connection"]) == (408, "close") and b"headers did not arrive" in body
    assert _Guarded.HEAD_TIMEOUT <= waited < 3
    assert responses.closed()
    assert app.direct == [] and app.asgi == []


@pytest.mark.parametrize("stalled", ["headers", "body"])
def test_a_pipelined_request_that_stalls_gets_its_408_after_the_answer_before_it(
    guarded: Connection, stalled: str
) -> None:
    """The request before is answered (slow1 takes longer than the clocks), then the 408 (before, the 408
    took that answer's place and the connection closed); the stalled request's clock runs from then on."""
    _, sock, responses = guarded
    if stalled == "headers":
        tail = b"GET /sparql?b HTTP/1.1\r\nHost: test\r\n"  # its headers never end
    else:
        tail = _request("/sparql?b", "Content-Length: 100", method="POST") + b"query=ASK"
    sock.sendall(_request("/sparql?slow1") + tail)
    status, _, body = responses.next()
    answered = time.monotonic()
    assert (status, body) == (200, b"asgi GET slow1 ")
    status, headers, body = responses.next()
    assert (status, headers["connection"]) == (408, "close") and f"{stalled} did not arrive".encode() in body
    assert time.monotonic() - answered >= _Guarded.HEAD_TIMEOUT - _Guarded.SWEEP_EVERY
    assert responses.closed()


@pytest.mark.parametrize("declared", [100, DIRECT_BODY_MAX + 100], ids=["direct-path", "asgi-path"])
def test_a_body_that_does_not_arrive_in_time_gets_a_408(guarded: Connection, declared: int) -> None:
    app, sock, responses = guarded
    head = _request("/sparql?b", f"Content-Length: {declared}", method="POST")
    sock.sendall(head + b"query=ASK")
    status, headers, body = responses.next()
    assert (status, headers["connection"]) == (408, "close") and b"body did not arrive" in body
    assert responses.closed()  # and nothing after the 408: the app's answer, if any, was dropped
    assert app.direct == []
    if declared > DIRECT_BODY_MAX:  # the ASGI app was reading it: told the client went away
        assert [(a[0], a[1]) for a in app.asgi] == [("POST", b"b")]


def test_headers_beyond_the_limit_get_a_431(guarded: Connection) -> None:
    app, sock, responses = guarded
    sock.sendall(b"GET /sparql?a HTTP/1.1\r\nX-Big: ")
    with pytest.raises(OSError):  # the server answers and closes before the header ends
        for _ in range(1000):
            sock.sendall(b"a" * 1024)
            time.sleep(0.002)
    status, headers, body = responses.next()
    assert (status, headers["connection"]) == (431, "close") and b"exceed 4096 bytes" in body
    assert app.direct == [] and app.asgi == []


@pytest.mark.parametrize(
    "packets",
    [
        [b"GET /sparql?" + b"q" * 3000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"],
        [b"GET /sparql?" + b"q" * 6000],  # one packet beyond the headers' limit too
        [b"GET /sparql?", b"q" * 6000],  # the same, once the headers have begun
    ],
    ids=["within-the-headers-limit", "beyond-it", "beyond-it-later"],
)
def test_a_request_target_beyond_the_limit_gets_a_414(guarded: Connection, packets: list[bytes]) -> None:
    app, sock, responses = guarded
    for packet in packets:
        sock.sendall(packet)
        time.sleep(0.05)
    status, headers, body = responses.next()
    assert (status, headers["connection"]) == (414, "close") and b"exceeds 2048 bytes" in body
    assert responses.closed()
    assert app.direct == [] and app.asgi == []


def test_a_body_in_the_packet_that_ends_the_headers_is_not_counted_as_headers(guarded: Connection) -> None:
    """Only what comes before the end of the headers counts toward their limit (a packet that ended them and
    went on with 5,000 bytes of body was refused with a 431)."""
    app, sock, responses = guarded
    sock.sendall(b"POST /sparql?a HTTP/1.1\r\n")
    time.sleep(0.05)
    sock.sendall(b"Host: x\r\nContent-Length: 5000\r\n\r\n" + b"q" * 5000)
    assert responses.next()[:3:2] == (200, b"direct POST a " + b"q" * 5000)


def test_the_packet_that_begins_the_headers_counts_toward_their_limit(guarded: Connection) -> None:
    """Headers of 3,000 bytes in their first packet and 3,000 more in a second: over the 4,096 allowed,
    although neither packet is (before, the first packet was not counted)."""
    app, sock, responses = guarded
    sock.sendall(b"GET /sparql?a HTTP/1.1\r\nX-One: " + b"a" * 3000 + b"\r\n")
    time.sleep(0.1)  # two reads on the server's side
    sock.sendall(b"X-Two: " + b"b" * 3000 + b"\r\n")
    status, headers, body = responses.next()
    assert (status, headers["connection"]) == (431, "close") and b"exceed 4096 bytes" in body
    assert app.direct == [] and app.asgi == []


def test_headers_within_the_limit_after_a_pipelined_request_are_read(guarded: Connection) -> None:
    app, sock, responses = guarded
    sock.sendall(_request("/sparql?a") + b"GET /sparql?b HTTP/1.1\r\nHost: x\r\nX-One: " + b"a" * 2000)
    time.sleep(0.1)
    sock.sendall(b"\r\n\r\n")
    assert [responses.next()[0] for _ in range(2)] == [200, 200]


def test_requests_read_in_time_are_not_cut_off_however_long_the_answer_takes(guarded: Connection) -> None:
    app, sock, responses = guarded
    sock.sendall(_request("/sparql?slow"))  # the app takes 0.6 s, longer than every timeout above
    assert responses.next()[2] == b"asgi GET slow "
    time.sleep(0.5 * KEEP_ALIVE)
    sock.sendall(_request("/sparql?a", method="POST", body=b"query=ASK{}"))
    assert responses.next()[2] == b"direct POST a query=ASK{}"


def _read_all(responses: Responses, pause: float = 0.0) -> int:
    """Bytes read until the server closes or resets the connection (in 1 MB reads, `pause` s apart)."""
    total = len(responses.buf)
    with contextlib.suppress(ConnectionResetError):
        while chunk := responses.sock.recv(1 << 20):
            total += len(chunk)
            time.sleep(pause)
    return total


@pytest.mark.parametrize("extra", [(), ("Connection: close",)], ids=["direct-path", "asgi-path"])
def test_a_client_that_stops_reading_is_cut_off(guarded: Connection, extra: tuple[str, ...]) -> None:
    _, sock, responses = guarded
    sock.sendall(_request("/sparql?big", *extra))
    time.sleep(_Guarded.SEND_TIMEOUT + 1.0)  # reads nothing
    assert _read_all(responses) < len(BIG)  # before: all of it, whenever the client came back


def test_a_slow_reader_that_keeps_reading_gets_the_whole_answer(guarded: Connection) -> None:
    _, sock, responses = guarded
    sock.sendall(_request("/sparql?big"))
    started = time.monotonic()
    total = _read_all(responses, pause=0.1)  # 1 MB every 0.1 s: 3 s for 32 MB, gaps under SEND_TIMEOUT
    assert total > len(BIG) and time.monotonic() - started > 3 * _Guarded.SEND_TIMEOUT
