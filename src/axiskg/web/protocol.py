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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httptools
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
from uvicorn.protocols.http.httptools_impl import HEADER_VALUE_RE, STATUS_LINE

from axiskg.web.coalesce import CoalescingHttpToolsProtocol

Answer = tuple[int, list[tuple[bytes, bytes]], bytes]
_PROXY_HEADERS = (b"x-forwarded-for", b"x-forwarded-proto")
DIRECT_BODY_MAX = 64 * 1024  # a POST with a longer body (or none declared) takes the ASGI path
_NO_BODY = (204, 304)


def direct_entry(app: Any) -> tuple[Callable[[Any, bytes], Answer | None] | None, bool]:
    """(the app's answer_now or None, whether uvicorn's proxy-headers middleware wraps it)."""
    proxied = isinstance(app, ProxyHeadersMiddleware)
    if proxied:
        app = app.app
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

    _direct: Callable[[Any, bytes], Answer | None] | None = None
    _proxied = False
    _on_direct_path = False  # this request's headers qualified; its message has not ended yet
    _body: list[bytes] | None = None  # the body of a POST on the direct path, as it comes

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
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

    def on_message_begin(self) -> None:
        # A direct answer written while the parser was still reading this connection's data armed the
        # keep-alive timer: a pipelined request that follows must not be cut off by it.
        self._unset_keepalive_if_required()
        self._on_direct_path = False
        self._body = None
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        if self._direct is not None and self._qualifies():
            self._on_direct_path = True
            return
        super().on_headers_complete()

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
        url = httptools.parse_url(self.url)
        if url.path != b"/sparql":
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
        scope["query_string"] = url.query or b""
        return True

    def _leave_direct_path(self) -> None:
        self._on_direct_path = False
        super().on_headers_complete()  # the request cycle and its task, as uvicorn would have started them
        if self._body:
            super().on_body(b"".join(self._body))  # what came of the body so far
        self._body = None

    def on_body(self, body: bytes) -> None:
        if self._on_direct_path:
            if self._body is not None:  # a POST's (its declared length is at most DIRECT_BODY_MAX)
                self._body.append(body)
                return
            self._leave_direct_path()  # a GET with a body: the ASGI path reads it
        super().on_body(body)

    def on_message_complete(self) -> None:
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
