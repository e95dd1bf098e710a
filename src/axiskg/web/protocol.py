"""uvicorn's httptools protocol with a direct path for GET and POST /sparql: no ASGI task, one write.

`axiskg serve` hands uvicorn `HttpProtocol` as its `--http` protocol class. For every request uvicorn builds
a request cycle, starts an asyncio Task running the app, which the event loop runs on its next turn, and
writes the response from two ASGI messages, checking each header with regular expressions. For a lookup
that the app answers from memory in a few tens of microseconds (a query proved small runs inline) that
machinery costs as much again: ~27 us of CPU a lookup under load, 15% (bench/server/README.md).

So a complete GET or POST /sparql (a POST with a body of at most DIRECT_BODY_MAX bytes, its Content-Length
given) goes straight to the app's `answer_now(scope, body)` (web.app.App), which answers it synchronously,
as its ASGI path would (same checks, caches, metrics and access log), or returns None when the query must
wait for a worker; the response is written in one piece, and uvicorn's own `on_response_complete` does what
follows a response (keep-alive timer, request count, reading resumed). Everything else, and a request that
does not fit the direct path (a GET with a body, a chunked or long POST, `Connection: close`, HTTP/1.0, an
upgrade, `Expect: 100-continue`, a pipelined request behind an unfinished one, a paused transport, proxy
headers, a root path or a concurrency limit), takes uvicorn's ordinary path, unchanged; so does a query the
app sends to a worker (the request cycle then starts as uvicorn would have started it, with the body so far).

It also bounds what a client may hold, which uvicorn leaves open: a connection that sends nothing was kept
for ever, one whose headers never ended (slowloris) likewise, and the request line and headers grew in
memory without limit (a 400 MB header took the server from 138 to 631 MB). Now a new connection that sends
no request within the keep-alive timeout is closed, a request's headers must arrive within HEAD_TIMEOUT
and its body within BODY_TIMEOUT after them (else 408; for a request pipelined behind one still being
answered, from when that answer is written), a request target beyond URI_MAX bytes gets a 414 and
headers beyond HEAD_MAX bytes a 431; the connection is then closed and the refusal counted in /metrics.
(uvicorn splits the target with httptools.parse_url, which refuses one beyond 65,535 bytes: uvicorn answered
a GET of a long query with an opaque 400; a longer target is split here.) A client that stops reading an
answer is cut off after SEND_TIMEOUT seconds without progress (else it held the answer's memory for ever).
The clocks cost no timer per request: a sweep once a second (while the server has connections) compares
each connection's phase with its start.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from typing import Any

import httptools
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
from uvicorn.protocols.http.httptools_impl import HEADER_VALUE_RE, STATUS_LINE

from axiskg.web.coalesce import CoalescingHttpToolsProtocol

Answer = tuple[int, list[tuple[bytes, bytes]], bytes]
_PROXY_HEADERS = (b"x-forwarded-for", b"x-forwarded-proto")
# a connection's phase, for the timeouts: connected (no request yet), reading a request's headers, reading
# its body, and the request read (answering it, or kept alive after: uvicorn's keep-alive timer applies)
_NEW, _HEAD, _BODY, _READ = range(4)
DIRECT_BODY_MAX = 64 * 1024  # a POST with a longer body (or none declared) takes the ASGI path
_NO_BODY = (204, 304)
_PARSE_URL_MAX = 65535  # the longest request target httptools.parse_url splits


def _split_target(url: bytes) -> tuple[bytes, bytes]:
    """(path, query) of a request target, as httptools.parse_url gives them (beyond its limit, an origin-form
    target, split by hand)."""
    if len(url) <= _PARSE_URL_MAX:
        parsed = httptools.parse_url(url)
        return parsed.path, parsed.query or b""
    path, _, query = url.partition(b"#")[0].partition(b"?")
    return path, query


def _unwrapped(app: Any) -> tuple[Any, bool]:
    """(the app under uvicorn's proxy-headers middleware, whether that middleware wraps it)."""
    if isinstance(app, ProxyHeadersMiddleware):
        return app.app, True
    return app, False


def direct_entry(app: Any) -> tuple[Callable[[Any, bytes], Answer | None] | None, bool]:
    """(the app's answer_now or None, whether uvicorn's proxy-headers middleware wraps it)."""
    app, proxied = _unwrapped(app)
    return getattr(app, "answer_now", None), proxied


class HttpProtocol(CoalescingHttpToolsProtocol):
    """uvicorn's HttpToolsProtocol (writing through a CoalescingTransport) with a direct path for
    GET and POST /sparql (module docstring)."""

    # what the direct path uses of uvicorn's protocol beyond its public callbacks (checked on uvicorn
    # 0.34.0 and 0.55.0): with a uvicorn that lacks one of them, every request takes the ASGI path
    UVICORN_INTERNALS: tuple[str, ...] = (
        "cycle",
        "pipeline",
        "flow",
        "expect_100_continue",
        "root_path",
        "limit_concurrency",
        "server_state",
        "parser",
        "scope",
        "on_response_complete",
        "_unset_keepalive_if_required",
    )
    fits_uvicorn: bool | None = None  # whether it has them all, found on the first connection

    HEAD_TIMEOUT = 30.0  # seconds from a request's first byte to the end of its headers
    BODY_TIMEOUT = 60.0  # seconds from the end of its headers to the end of its body (1 MB at 17 KB/s)
    HEAD_MAX = 512 * 1024  # bytes of request line and headers
    URI_MAX = 384 * 1024  # bytes of request target (a GET of a 100,000-character query fits, encoded)
    SEND_TIMEOUT = 60.0  # seconds an answer may wait for a client that has stopped reading it
    SWEEP_EVERY = 1.0  # seconds between two checks of the connections' clocks

    _phase = _NEW
    _clock: _Clock
    _since = 0  # the clock's sweep count when the phase began
    _head_bytes = 0  # bytes received since the headers began (the packet that began them counted whole)
    _messages = 0  # requests begun on this connection
    _refused = False  # answered by _refuse: what the parser still finds of the request is ignored
    _resumes = 0  # times the transport asked for more to write (the client read what was sent)
    _stalled: tuple[int, int, int] | None = None  # writing paused since: (sweep count, resumes, bytes unsent)

    _direct: Callable[[Any, bytes], Answer | None] | None = None
    _proxied = False
    _on_direct_path = False  # this request's headers qualified; its message has not ended yet
    _body: list[bytes] | None = None  # the body of a POST on the direct path, as it comes

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._clock = _Clock.of(self)
        self._since = self._clock.sweeps
        if self.config.access_log:  # uvicorn's own access log is written by its request cycle
            return
        cls = type(self)
        if cls.fits_uvicorn is None:
            missing = [name for name in cls.UVICORN_INTERNALS if not hasattr(self, name)]
            cls.fits_uvicorn = not missing
            if missing:
                self.logger.warning(
                    "this uvicorn's protocol has no %s: /sparql takes uvicorn's ordinary path (slower)",
                    ", ".join(missing),
                )
        if cls.fits_uvicorn:
            self._direct, self._proxied = direct_entry(self.app)

    def data_received(self, data: bytes) -> None:
        if self._phase == _HEAD:
            room = self.HEAD_MAX - self._head_bytes
            if len(data) > room:  # beyond the limit, unless the headers end within it
                message = self._messages
                super().data_received(data[:room])  # a request target too long is refused there (on_url)
                if self.transport.is_closing():
                    return
                if self._phase == _HEAD and self._messages == message:
                    self._refuse_head()
                    return
                self.data_received(data[room:])  # the headers ended within the limit: what follows them
                return
            self._head_bytes += len(data)
            super().data_received(data)
            return
        super().data_received(data)
        if self._phase == _HEAD and not self.transport.is_closing():
            # a request began in this packet and its headers go on: count the packet (at most the end of
            # the request before it too, which only brings the limit that much nearer)
            self._head_bytes = len(data)
            if self._head_bytes > self.HEAD_MAX:
                self._refuse_head()

    def _refuse_head(self) -> None:
        self._refuse(431, "header_too_large", f"the request line and headers exceed {self.HEAD_MAX} bytes")

    def on_message_begin(self) -> None:
        if self._refused:
            return
        self._messages += 1
        # A direct answer written while the parser was still reading this connection's data armed the
        # keep-alive timer: a pipelined request that follows must not be cut off by it.
        self._unset_keepalive_if_required()
        self._on_direct_path = False
        self._body = None
        self._phase, self._since, self._head_bytes = _HEAD, self._clock.sweeps, 0
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        if self._refused:
            return
        super().on_url(url)
        if len(self.url) > self.URI_MAX:
            self._refuse(
                414,
                "uri_too_long",
                f"the request target exceeds {self.URI_MAX} bytes: send a long query in a POST body",
            )

    def on_headers_complete(self) -> None:
        if self._refused:
            return
        self._phase, self._since = _BODY, self._clock.sweeps
        if self._direct is not None and self._qualifies():
            self._on_direct_path = True
            return
        self._start_cycle()

    def _start_cycle(self) -> None:
        """uvicorn's on_headers_complete (the request's scope, its request cycle and task), for a request
        target of any length (module docstring)."""
        url = self.url
        if len(url) <= _PARSE_URL_MAX or not url.startswith(b"/"):
            super().on_headers_complete()
            return
        self.url = b"/"  # for httptools.parse_url; the scope is set below, before the task runs
        try:
            super().on_headers_complete()
        finally:
            self.url = url
        raw_path, query = _split_target(url)
        path = raw_path.decode("ascii")  # as uvicorn
        if "%" in path:
            path = urllib.parse.unquote(path)
        self.scope["path"] = self.root_path + path
        self.scope["raw_path"] = self.root_path.encode("ascii") + raw_path
        self.scope["query_string"] = query

    def _qualifies(self) -> bool:
        """Whether this request may take the direct path; if so, fills in its scope as uvicorn would."""
        parser = self.parser
        method = parser.get_method()
        if (
            (method != b"GET" and method != b"POST")
            or not self.url.startswith(b"/sparql")
            or parser.get_http_version() != "1.1"
            or not parser.should_keep_alive()
            or parser.should_upgrade()
            or self.expect_100_continue
            or self.root_path
            or self.limit_concurrency is not None
            or (self.cycle is not None and not self.cycle.response_complete)
            or self.pipeline
            or self.flow.write_paused
            or self.transport.is_closing()
        ):
            return False
        if self._proxied and any(name in _PROXY_HEADERS for name, _ in self.headers):
            return False  # the middleware may rewrite the client's address: leave it to the ASGI path
        path, query = _split_target(self.url)
        if path != b"/sparql":
            return False
        if method == b"POST":
            framing = [v for k, v in self.headers if k in (b"content-length", b"transfer-encoding")]
            if len(framing) != 1 or not framing[0].isdigit() or int(framing[0]) > DIRECT_BODY_MAX:
                return False  # chunked, undeclared or long: the ASGI path streams it
            self._body = []
        scope = self.scope
        scope["method"] = method.decode()
        scope["path"] = "/sparql"
        scope["raw_path"] = b"/sparql"
        scope["query_string"] = query
        return True

    def _leave_direct_path(self) -> None:
        self._on_direct_path = False
        self._start_cycle()  # the request cycle and its task, as uvicorn would have started them
        if self._body:
            super().on_body(b"".join(self._body))  # what came of the body so far
        self._body = None

    def on_body(self, body: bytes) -> None:
        if self._refused:
            return
        if self._on_direct_path:
            if self._body is not None:  # a POST's (its declared length is at most DIRECT_BODY_MAX)
                self._body.append(body)
                return
            self._leave_direct_path()  # a GET with a body: the ASGI path reads it
        super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        self._phase = _READ
        if not self._on_direct_path:
            super().on_message_complete()
            return
        self._on_direct_path = False
        body = b"".join(self._body) if self._body else b""
        try:
            answer = self._direct(self.scope, body)  # type: ignore[misc]  # set: _on_direct_path
        except Exception:  # answer_now answers its own errors: this is a bug, answered as uvicorn would
            self.logger.exception("Exception in the direct path")
            answer = (500, [(b"content-type", b"text/plain; charset=utf-8")], b"Internal Server Error")
        if answer is None:  # the query waits for a worker
            self._leave_direct_path()
            super().on_message_complete()
            return
        self._respond(*answer)

    def _respond(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        content = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            content += (name, b": ", value, b"\r\n")
        values = []
        has_length = close = False
        for name, value in headers:
            content += (name, b": ", value, b"\r\n")
            values.append(value)
            if name == b"content-length":
                has_length = True
            elif name == b"connection" and b"close" in value.lower():
                close = True
        if HEADER_VALUE_RE.search(b"\t".join(values)):  # uvicorn's check of header values, in one search
            self.logger.error("Invalid HTTP header value in the answer to %r", self.url)
            self.transport.close()  # as uvicorn does when its check fails
            return
        if status in _NO_BODY:
            body = b""
        elif not has_length:
            content += (b"content-length: ", str(len(body)).encode(), b"\r\n")
        content += (b"\r\n", body)
        self.transport.write(b"".join(content))
        if close:  # the answer says so: as uvicorn's cycle does
            self.transport.close()
        self.on_response_complete()  # uvicorn's: counts it, arms the keep-alive timer, resumes reading

    def on_response_complete(self) -> None:
        super().on_response_complete()  # arms the keep-alive timer when no request waits in the pipeline
        if self._phase in (_HEAD, _BODY) and not self.transport.is_closing():
            # a request pipelined behind this answer has begun arriving: its clock times it (check_clock),
            # not the keep-alive timer, which closed the connection in silence
            self._unset_keepalive_if_required()

    def resume_writing(self) -> None:
        self._resumes += 1
        super().resume_writing()

    def check_clock(self, sweeps: int) -> None:
        """Close the connection if its phase has lasted too long (called by the sweep; module docstring)."""
        if self._phase == _READ:
            self._check_sending(sweeps)
            return
        if self.transport.is_closing():
            return
        if self._phase != _NEW and self._earlier_unanswered():
            self._since = sweeps  # the clock runs once the answers before this request are written
            return
        waited = (sweeps - self._since - 1) * self.SWEEP_EVERY  # at least this long (a sweep's granularity)
        if self._phase == _NEW:
            if waited >= self.timeout_keep_alive:
                self.transport.close()  # as uvicorn closes a kept-alive connection that sends nothing more
        elif self._phase == _HEAD:
            if waited >= self.HEAD_TIMEOUT:
                self._refuse(
                    408,
                    "header_timeout",
                    f"the request's headers did not arrive within {self.HEAD_TIMEOUT:g} s",
                )
        elif waited >= self.BODY_TIMEOUT:
            self._refuse(
                408, "body_timeout", f"the request's body did not arrive within {self.BODY_TIMEOUT:g} s"
            )

    def _earlier_unanswered(self) -> bool:
        """Whether a request pipelined before this one is still being answered: its 408 would take that
        answer's place (the connection closes), and uvicorn does not read a pipelined request's body until
        the answers before it are written."""
        if self._phase == _HEAD:  # this request has no cycle yet: self.cycle is the one before
            return self.cycle is not None and not self.cycle.response_complete
        return bool(self.pipeline)  # its cycle waits behind an unfinished one

    def _check_sending(self, sweeps: int) -> None:
        """Abort the connection when the client has read nothing of an answer for SEND_TIMEOUT seconds:
        writing paused all along, with as many bytes unsent and no resume since. A slow reader that makes
        progress is not cut off (an answer of any size may take as long as it needs)."""
        if self.flow is None or not self.flow.write_paused:
            self._stalled = None
            return
        unsent = self.transport.get_write_buffer_size()
        stalled = self._stalled
        if stalled is None or stalled[1] != self._resumes or unsent < stalled[2]:
            self._stalled = (sweeps, self._resumes, unsent)
        elif (sweeps - stalled[0] - 1) * self.SWEEP_EVERY >= self.SEND_TIMEOUT:
            self._stalled = None
            self.transport.abort()  # uvicorn's connection_lost then tells the app that the client is gone

    def _refuse(self, status: int, reason: str, message: str) -> None:
        """Answer `status` with `message` (unless a response to this request has begun), close the
        connection, count the refusal."""
        self._phase = _READ
        self._refused = True
        self._on_direct_path = False
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            started = cycle.response_started
            # what connection_lost does: the app's receive() says disconnected and its sends are dropped
            cycle.disconnected = True
            cycle.message_event.set()
            if started:
                self.transport.close()
                return
        body = message.encode() + b"\n"
        self.transport.write(
            STATUS_LINE[status]
            + b"content-type: text/plain; charset=utf-8\r\nconnection: close\r\ncontent-length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
        self.transport.close()
        server = getattr(_unwrapped(self.app)[0], "server", None)  # axiskg's App: its metrics
        if server is not None:
            server.metrics.refuse(reason)


class _Clock:
    """The sweep of one uvicorn server's connections: every `every` seconds while it has connections (so no
    timer is left behind when the server stops), each HttpProtocol checks how long its phase has lasted."""

    __slots__ = ("sweeps", "running", "state", "loop", "every")

    def __init__(self, state: Any, loop: Any, every: float) -> None:
        self.sweeps = 0
        self.running = False
        self.state = state  # uvicorn's ServerState: its `connections`
        self.loop = loop
        self.every = every

    @classmethod
    def of(cls, protocol: HttpProtocol) -> _Clock:
        """The clock of the protocol's server, running."""
        state = vars(protocol.server_state)
        clock: _Clock | None = state.get("axiskg_clock")
        if clock is None:
            clock = state["axiskg_clock"] = cls(protocol.server_state, protocol.loop, protocol.SWEEP_EVERY)
        if not clock.running:
            clock.running = True
            clock.loop.call_later(clock.every, clock.sweep)
        return clock

    def sweep(self) -> None:
        self.sweeps += 1
        connections = self.state.connections
        for connection in list(connections):
            check = getattr(connection, "check_clock", None)
            if check is not None:
                check(self.sweeps)
        if connections:
            self.loop.call_later(self.every, self.sweep)
        else:
            self.running = False
