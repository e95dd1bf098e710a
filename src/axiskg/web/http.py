"""HTTP plumbing shared by the handlers: error answers, ETags, the response cache, per-client fairness,
and the ASGI middlewares (access log + metrics, body size limit, cached-answer fast path)."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import logging
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from axiskg.fingerprint import code_digest

access_log = logging.getLogger("axiskg.access")


class HTTPError(Exception):
    """An answer other than 200 decided by a handler; rendered by `error_response`."""

    def __init__(
        self, status: int, message: str, headers: dict[str, str] | None = None, reason: str = ""
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.reason = reason


def error_response(
    status: int, message: str, accept: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    """A short error answer: JSON if the client asked for plain JSON, else text (what SPARQL clients show)."""
    h = {"Cache-Control": "no-store", "Vary": "Accept", **(headers or {})}
    if accept and "application/json" in accept and "text/plain" not in accept:
        return Response(
            json.dumps({"status": status, "message": message}), status, h, media_type="application/json"
        )
    return Response(message.rstrip() + "\n", status, h, media_type="text/plain")


def etag(release_id: str, *parts: object) -> str:
    """A weak entity tag of a representation: the release, what the request asked (`parts`), and the code
    that writes it (after an upgrade, a client's copy of an earlier representation is not current)."""
    h = hashlib.blake2b(code_digest() + repr(parts).encode(), digest_size=8).hexdigest()
    return f'W/"{release_id}-{h}"'


# ---------------------------------------------------------------- conditional requests (RFC 9110 section 13)

_SAFE = ("GET", "HEAD")


def _listed(value: bytes, tag: str | None, strong: bool) -> bool:
    """Whether an If-Match / If-None-Match value holds for a current representation whose ETag is `tag`:
    "*" for any, else one of its entity tags, compared strongly or weakly (RFC 9110 section 8.8.3.2)."""
    if value.strip() == b"*":
        return True
    if tag is None:
        return False
    mine = tag.encode()
    if strong:
        return not mine.startswith(b"W/") and mine in [t.strip() for t in value.split(b",")]
    opaque = mine.removeprefix(b"W/")
    return any(t.strip().removeprefix(b"W/") == opaque for t in value.split(b","))


def _http_date(value: bytes | None) -> float | None:
    if value is None:
        return None
    try:
        return parsedate_to_datetime(value.decode("latin-1")).timestamp()
    except (TypeError, ValueError):  # not a date: the condition is ignored (RFC 9110 section 13.1.3)
        return None


def precondition(
    headers: dict[bytes, bytes], method: str, tag: str | None, modified: float | None = None
) -> int | None:
    """The answer RFC 9110 section 13.2.2 gives a conditional request instead of its method's: 412, 304
    (412 for a method other than GET and HEAD), or None to go on. For a resource that has a current
    representation, whose ETag is `tag` and Last-Modified `modified` (a timestamp): a request answered with
    anything but a 2xx without its conditions ignores them (section 13.2.1), so call this once that is
    known (`not_modified` answers the usual revalidation before)."""
    if_match = headers.get(b"if-match")
    if if_match is not None:
        if not _listed(if_match, tag, strong=True):
            return 412
    elif modified is not None:
        since = _http_date(headers.get(b"if-unmodified-since"))
        if since is not None and int(modified) > since:
            return 412
    if_none_match = headers.get(b"if-none-match")
    if if_none_match is not None:
        if _listed(if_none_match, tag, strong=False):
            return 304 if method in _SAFE else 412
    elif modified is not None and method in _SAFE:
        since = _http_date(headers.get(b"if-modified-since"))
        if since is not None and int(modified) <= since:
            return 304
    return None


def not_modified(headers: dict[bytes, bytes], method: str, tag: str) -> int | None:
    """`precondition`'s answer before any work, when If-None-Match lists `tag` and no If-Match is to be
    evaluated first: an ETag is only ever given to an answer that exists (for "*", or any other
    condition, that must be known: `precondition`)."""
    if_none_match = headers.get(b"if-none-match")
    if if_none_match is None or b"if-match" in headers or if_none_match.strip() == b"*":
        return None
    if _listed(if_none_match, tag, strong=False):
        return 304 if method in _SAFE else 412
    return None


def conditional(headers: dict[bytes, bytes]) -> bool:
    """Whether the request has a precondition that an answer from the fast-path cache would skip."""
    return b"if-none-match" in headers or b"if-match" in headers


PRECONDITION_FAILED = (
    "precondition failed: the request's If-Match, If-Unmodified-Since or If-None-Match does not hold for "
    "the current representation"
)


# ---------------------------------------------------------------- request and response headers

# Fields whose value is a comma-separated list: several lines of one are one value, joined with ", "
# (RFC 9110 section 5.3); of another field the first line is taken, as starlette's Request.headers.get does.
_LIST_FIELDS = frozenset(
    (
        b"accept",
        b"accept-encoding",
        b"accept-language",
        b"cache-control",
        b"if-match",
        b"if-none-match",
        b"forwarded",
        b"x-forwarded-for",
    )
)


def header_map(raw: Any) -> dict[bytes, bytes]:
    """The ASGI scope's headers as a dict: of a field sent on several lines, its lines joined (a list field,
    see _LIST_FIELDS) or its first line."""
    if not isinstance(raw, list):
        raw = list(raw)
    headers = dict(reversed(raw))
    if len(headers) < len(raw):  # a name repeated
        for name in headers.keys() & _LIST_FIELDS:
            values = [v for k, v in raw if k == name]
            if len(values) > 1:
                headers[name] = b", ".join(values)
    return headers


def combine_repeated(scope: Scope) -> dict[bytes, bytes]:
    """header_map of the scope's headers; a list field repeated is made one line in the scope too, so that
    starlette's Request.headers.get (the first line) reads what header_map gives."""
    raw = scope["headers"]
    headers = header_map(raw)
    if len(headers) < len(raw):
        seen: set[bytes] = set()
        combined = []
        for name, value in raw:
            if name in _LIST_FIELDS:
                if name in seen:
                    continue
                seen.add(name)
                value = headers[name]
            combined.append((name, value))
        scope["headers"] = combined
    return headers


# Vary: every answer depends on Accept-Encoding (gzip may apply: GZipMiddleware, App._finish, the fast-path
# cache) and on Origin (CORSMiddleware adds its headers only for a request with an Origin, and names that
# origin when --cors-origin lists some); a negotiated one on Accept too. The same value on every path.
# One gzip level for every path (GZipMiddleware, the direct path, the answer cache, downloads): a HEAD, a
# first GET and a cached GET of one resource then announce the same Content-Length (RFC 9110 section 8.6).
GZIP_LEVEL = 6
GZIP_MINIMUM = 1000  # as GZipMiddleware(minimum_size=1000)
VARY = b"Accept-Encoding, Origin"
VARY_ACCEPT = b"Accept, Accept-Encoding, Origin"
_VARY_ORDER = {b"accept": 0, b"accept-encoding": 1, b"origin": 2}
_VARY_OF: dict[tuple[bytes, ...], bytes] = {(): VARY, (b"Accept",): VARY_ACCEPT, (VARY_ACCEPT,): VARY_ACCEPT}


def vary(values: list[bytes]) -> bytes:
    """The Vary field of an answer whose Vary lines are `values`: theirs, with Accept-Encoding and Origin,
    each name once, in one order."""
    known = _VARY_OF.get(tuple(values))
    if known is not None:
        return known
    names = {b"accept-encoding": b"Accept-Encoding", b"origin": b"Origin"}
    for value in values:
        for name in value.split(b","):
            name = name.strip()
            if name:
                names.setdefault(name.lower(), name)
    order = sorted(names, key=lambda n: (_VARY_ORDER.get(n, 3), n))
    return b", ".join(names[n] for n in order)


class CompleteVary:
    """Every answer of the ASGI stack with its complete Vary (see VARY), as the direct path and the cache
    give it: GZipMiddleware names Accept-Encoding only for a body it might compress, a preflight aside."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "OPTIONS":  # CORS preflights say theirs
            await self.app(scope, receive, send)
            return

        async def send_with_vary(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers") or []
                values = [v for k, v in headers if k.lower() == b"vary"]
                message["headers"] = [h for h in headers if h[0].lower() != b"vary"]
                message["headers"].append((b"vary", vary(values)))
            await send(message)

        await self.app(scope, receive, send_with_vary)


# ---------------------------------------------------------------- response cache


@dataclass
class Cached:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    gz: bytes | None


ENTRY_BYTES = 300
"""Memory of a cache entry beside its key and value: the LRU's slot, the (value, weight) pair, the value's
object. With the key's and the headers' objects counted too (`key_bytes`, ResponseCache.put) an entry
weighs about what it holds in memory (measured with sys.getsizeof over entries of lookups, entity documents
and small answers: before, a small answer weighed a fifth of its memory, so that a 64 MB cache of them took
over 200 MB)."""
OBJECT_BYTES = 60  # a bytes or str object's header and the slot that holds it (tuple or list item)


def key_bytes(key: Any) -> int:
    """The memory of a cache key: a tuple of strings, bytes, numbers or tuples of them."""
    if isinstance(key, str | bytes):
        return OBJECT_BYTES + len(key)
    if isinstance(key, tuple | list | frozenset):
        return OBJECT_BYTES + sum(key_bytes(k) for k in key)
    return OBJECT_BYTES


class LRUCache:
    """LRU bounded in bytes (each value weighs what `put` says, plus its key and the entry's objects); one
    per release, dropped with it."""

    def __init__(self, max_bytes: int, max_item: int = 4_000_000) -> None:
        self.max_bytes = max_bytes
        self.max_item = max_item
        self.bytes = 0
        self._items: OrderedDict[Any, tuple[Any, int]] = OrderedDict()

    def get(self, key: Any) -> Any:
        item = self._items.get(key)
        if item is None:
            return None
        self._items.move_to_end(key)
        return item[0]

    def put(self, key: Any, value: Any, size: int) -> None:
        if self.max_bytes <= 0 or size > self.max_item or key in self._items:
            return
        size += key_bytes(key) + ENTRY_BYTES
        self._items[key] = (value, size)
        self.bytes += size
        while self.bytes > self.max_bytes and self._items:
            _, (_, old) = self._items.popitem(last=False)
            self.bytes -= old

    def __len__(self) -> int:
        return len(self._items)


class ResponseCache(LRUCache):
    """Finished HTTP answers (headers, body and, once a client asked for it, its gzip) for the fast path.
    The gzip is made on the first hit that accepts it: most answers are never asked for again."""

    def put(self, key: Any, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:  # type: ignore[override]
        if self.max_bytes <= 0 or len(body) > self.max_item or key in self._items:
            return
        # the body weighed as if compressed to half (the gzip may be added later), each header line as a
        # tuple of two bytes objects
        fields = sum(len(k) + len(v) for k, v in headers) + 3 * OBJECT_BYTES * len(headers)
        super().put(key, Cached(status, headers, body, None), len(body) + len(body) // 2 + fields)

    @staticmethod
    def gzipped(hit: Cached) -> bytes | None:
        """The gzip of a cached answer worth compressing (made and kept on first use), else None."""
        if hit.gz is None and len(hit.body) >= GZIP_MINIMUM:
            hit.gz = gzip.compress(hit.body, GZIP_LEVEL)
        return hit.gz


# ---------------------------------------------------------------- per-client fairness


class Fairness:
    """Each client gets at most `concurrency` queries at once (the rest wait their turn) and `budget`
    seconds of query time per `window` seconds (beyond it: 429 with Retry-After), like WDQS.

    With several HTTP worker processes, the budget is the client's across all of them: each publishes its
    clients' recent usage every second (`usage`, in its metrics snapshot) and counts the others' (`others`),
    so a client spreading its connections over N workers gets only a few seconds more than its budget (the
    others' usage is up to two seconds old). The concurrency cap stays per worker."""

    def __init__(self, concurrency: int, budget: float, window: float = 60.0) -> None:
        self.concurrency = concurrency
        self.budget = budget
        self.window = window
        self._sems: dict[str, asyncio.Semaphore] = {}
        self._used: dict[str, deque[tuple[float, float]]] = {}
        self._total: dict[str, float] = {}  # the sum of each client's `_used` durations, kept as they change
        self.others: dict[str, float] = {}  # each client's usage in the other HTTP worker processes

    def _expire(self, client: str, used: deque[tuple[float, float]], now: float) -> float:
        """Drop the client's queries older than the window; its remaining total (0: forgotten)."""
        total = self._total[client]
        while used and used[0][0] < now - self.window:
            total -= used.popleft()[1]
        if not used:  # forget the client (and the float error of the running sum)
            del self._used[client], self._total[client]
            return 0.0
        self._total[client] = total
        return total

    def check_budget(self, client: str) -> None:
        if self.budget <= 0:
            return
        used = self._used.get(client)
        other = self.others.get(client, 0.0) if self.others else 0.0
        if not used and not other:
            return
        now = time.monotonic()
        total = other + (self._expire(client, used, now) if used else 0.0)
        if total >= self.budget:
            # wait until enough of the window has slid past to bring the total under budget (this worker's
            # queries tell when; beyond them, a whole window)
            excess, retry = total - self.budget, self.window
            for ended, d in used or ():
                excess -= d
                if excess < 0:
                    retry = ended + self.window - now
                    break
            retry_after = max(1, int(retry + 0.999))
            raise HTTPError(
                429,
                f"query time budget exhausted: this client used {total:.1f} s of query time in the last "
                f"{self.window:g} s (limit {self.budget:g} s); retry after {retry_after} s",
                {"Retry-After": str(retry_after)},
                reason="budget",
            )

    def charge(self, client: str, seconds: float) -> None:
        if self.budget <= 0:
            return
        self._used.setdefault(client, deque()).append((time.monotonic(), seconds))
        self._total[client] = self._total.get(client, 0.0) + seconds

    def usage(self, at_least: float) -> dict[str, float]:
        """Each client's query time in the current window here, for those with at least `at_least` seconds
        (smaller amounts cannot move another worker's decision much)."""
        if self.budget <= 0:
            return {}
        now = time.monotonic()
        out = {}
        for client, used in list(self._used.items()):
            total = self._expire(client, used, now)
            if total >= at_least:
                out[client] = total
        return out

    def slot(self, client: str) -> asyncio.Semaphore | None:
        if self.concurrency <= 0:
            return None
        sem = self._sems.get(client)
        if sem is None:
            if len(self._sems) > 10_000:  # forget idle clients
                for k in [
                    k for k, s in self._sems.items() if not s.locked() and s._value == self.concurrency
                ]:
                    del self._sems[k]
            sem = self._sems[client] = asyncio.Semaphore(self.concurrency)
        return sem


# A page runs only this site's scripts (all in /static; its inline <script> blocks are JSON data) and loads
# only this site's images and styles (inline style attributes allowed); the editor may query any endpoint
# (connect-src *); no other site may frame a page, set a <base> or receive its forms; a browser may not guess
# another type for a response. tests/browser runs every page under it (a violation is a console error there).
PAGE_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src *; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def client_id(scope: Scope, header: str | None, headers: dict[bytes, bytes] | None = None) -> str:
    """Who the client is, for fairness: the last address of `header` (a trusted proxy's X-Forwarded-For,
    say) when configured, else the peer address. `headers`: the scope's, as header_map gives them. The last:
    a proxy that appends the address it saw (nginx's $proxy_add_x_forwarded_for) leaves before it whatever
    the client sent, and a client naming a new address each time had a new budget each time."""
    if header:
        if headers is None:
            headers = header_map(scope.get("headers") or [])
        raw = headers.get(header.lower().encode())
        if raw:
            last = raw.decode("latin-1").rsplit(",", 1)[-1].strip()
            if last:
                return last
    client = scope.get("client")
    return client[0] if client else "?"


# ---------------------------------------------------------------- middlewares


class BodyLimit:
    """413 for a request body above `max_bytes`, whether announced by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for k, v in scope["headers"]:
            if k == b"content-length":
                try:
                    n = int(v)
                except ValueError:
                    n = -1
                if n < 0 or n > self.max_bytes:
                    await self._too_large(scope, receive, send)
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_bytes:
                    raise _BodyTooLargeError
            return msg

        try:
            await self.app(scope, limited, send)
        except _BodyTooLargeError:
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        resp = error_response(
            413,
            f"request body too large: this endpoint accepts at most {self.max_bytes} bytes",
            headers={"Connection": "close"},
        )
        await resp(scope, receive, send)


class Cors:
    """starlette's CORSMiddleware, with the methods of the resource asked about: a preflight names those of
    its route (POST on /sparql only), and a plain OPTIONS request is answered 204 with the resource's Allow
    (starlette's router answered 405, with an Allow that left OPTIONS out). `methods_of(scope)`: the methods
    of the route the request's path matches, None if none does (then the router's 404)."""

    def __init__(
        self,
        app: ASGIApp,
        methods_of: Any,
        allow_origins: list[str],
        allow_headers: list[str],
        expose_headers: list[str],
        max_age: int,
    ) -> None:
        self.app = app
        self.methods_of = methods_of
        self.options: dict[str, Any] = {
            "allow_origins": allow_origins,
            "allow_headers": allow_headers,
            "expose_headers": expose_headers,
            "max_age": max_age,
        }
        self.simple = CORSMiddleware(app, **self.options)  # an answer's CORS headers do not depend on methods
        self._preflights: dict[tuple[str, ...], CORSMiddleware] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await self.simple(scope, receive, send)
            return
        methods: tuple[str, ...] | None = self.methods_of(scope)
        if methods is None:
            await self.simple(scope, receive, send)
            return
        headers = header_map(scope["headers"])
        if b"origin" in headers and b"access-control-request-method" in headers:
            cors = self._preflights.get(methods)
            if cors is None:
                cors = CORSMiddleware(self.app, allow_methods=methods, **self.options)
                self._preflights[methods] = cors
            await cors(scope, receive, send)
            return
        allow = ", ".join((*methods, "OPTIONS"))
        await Response(status_code=204, headers={"Allow": allow})(scope, receive, send)


class DownloadsEncodeThemselves(GZipMiddleware):
    """GZipMiddleware, but for /downloads/, whose handler chooses the content coding itself: a gzipped file
    has an ETag and a Digest of its own, and a Range request gets the identity bytes
    (linked_data.download)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/downloads/"):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def accepts_gzip(accept_encoding: bytes | None) -> bool:
    """Whether an Accept-Encoding value admits gzip: named, or by "*", with a q above 0 (RFC 9110 12.5.3)."""
    if not accept_encoding:
        return False
    if b";" not in accept_encoding:  # no q-values (what browsers and HTTP libraries send): named or "*"
        return b"gzip" in accept_encoding or b"*" in accept_encoding
    star = 0.0
    for part in accept_encoding.decode("latin-1").lower().split(","):
        coding, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if coding in ("gzip", "x-gzip"):
            return q > 0
        if coding == "*":
            star = q
    return star > 0


class BodyTooLargeError(Exception):
    pass


_BodyTooLargeError = BodyTooLargeError


def route_label(path: str) -> str:
    for prefix in (
        "/sparql",
        "/id/",
        "/ontology",
        "/graph/",
        "/.well-known/void",
        "/downloads",
        "/health",
        "/metrics",
        "/static/",
    ):
        if path.startswith(prefix):
            return prefix.rstrip("/")
    return "/" if path == "/" else "other"


class AccessLog:
    """Outermost layer: one access-log line and the request metrics for every HTTP request."""

    def __init__(self, app: ASGIApp, metrics: Any, enabled: bool = True) -> None:
        self.app = app
        self.metrics = metrics
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        size = 0

        async def send_wrapper(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - start
            self.metrics.observe(route_label(scope["path"]), scope["method"], status, elapsed)
            if self.enabled:
                log_access(scope, status, size, elapsed)


# Where access-log lines go when `axiskg serve` set up logging itself: a callable taking the logger's name and
# the message, which writes the line as the handler's format would (serve.BatchedStreamHandler.add). Without
# it a line is an ordinary log record; building one cost ~25 us a request in the server (logging's
# LogRecord, caller lookup and formatting), a sixth of a lookup.
access_sink: Any = None


def log_access(scope: Scope, status: int, size: int, elapsed: float) -> None:
    """One access-log line (if the axiskg.access logger is on)."""
    if access_log.isEnabledFor(logging.INFO):
        client = scope.get("client")
        qs = scope.get("query_string", b"")
        target = (scope.get("raw_path") or scope["path"].encode()) + (b"?" + qs if qs else b"")
        message = (
            f'{client[0] if client else "-"} "{scope["method"]} {target.decode("latin-1")[:2000]}" '
            f"{status} {size} {elapsed * 1000:.1f}ms"
        )
        if access_sink is not None:
            access_sink("axiskg.access", message)
        else:
            access_log.info("%s", message)


class FastPath:
    """Answer a GET seen before (same path, query string and Accept) from the cache, without routing."""

    def __init__(self, app: ASGIApp, server: Any) -> None:
        self.app = app
        self.server = server

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            hit = cached_answer(self.server, scope, header_map(scope["headers"]))
            if hit is not None:
                status, out, body = hit
                await send({"type": "http.response.start", "status": status, "headers": out})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def cached_answer(
    server: Any, scope: Scope, headers: dict[bytes, bytes]
) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
    """(status, headers, body) of a GET answered before (same path, query string and Accept), or None.
    `headers`: the request's, as header_map gives them."""
    state = server.current()
    if state is None or not state.raw_cache:
        return None
    if conditional(headers):
        return None
    hit = state.raw_cache.get(raw_key(scope, headers))
    if hit is None:
        return None
    server.metrics.cache_hits += 1
    gz = ResponseCache.gzipped(hit) if accepts_gzip(headers.get(b"accept-encoding")) else None
    body = gz if gz is not None else hit.body
    out = list(hit.headers)
    if gz is not None:
        out.append((b"content-encoding", b"gzip"))
    origin = headers.get(b"origin")
    if origin is not None:
        out += server.cors_simple_headers(origin)
    out.append((b"content-length", str(len(body)).encode()))
    return hit.status, out, body


def raw_key(scope: Scope, headers: dict[bytes, bytes]) -> tuple[Any, bytes, bytes]:
    """The path as sent (decoded, /id/a%2Fb would be /id/a/b: another resource), query string, Accept."""
    path = scope.get("raw_path") or scope["path"]
    return (path, scope.get("query_string", b""), headers.get(b"accept", b""))


def remember(state: Any, request: Request, response: Response, vary_accept: bool) -> None:
    """Keep a finished 200 answer to a GET in the release's fast-path cache (see FastPath)."""
    if request.method != "GET" or response.status_code != 200:
        return
    remember_raw(
        state,
        request.scope,
        header_map(request.scope["headers"]),
        response.raw_headers,
        bytes(response.body),
        vary_accept,
    )


def remember_raw(
    state: Any,
    scope: Scope,
    headers: dict[bytes, bytes],
    raw_headers: list[tuple[bytes, bytes]],
    body: bytes,
    vary_accept: bool,
) -> None:
    """`remember` for a 200 answer to a GET given as raw headers and body."""
    if not state.raw_cache.max_bytes > 0 or conditional(headers):
        return
    raw = [(k, v) for k, v in raw_headers if k not in (b"content-length", b"vary")]
    raw.append((b"vary", VARY_ACCEPT if vary_accept else VARY))
    state.raw_cache.put(raw_key(scope, headers), 200, raw, body)
