"""`create_app(settings)`: the server's routes, the current release (reloaded when `<out>/current` moves),
its query worker pool and caches, and the middleware stack."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import logging
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from axiskg.errors import AxiskgError
from axiskg.fingerprint import code_digest
from axiskg.release import CURRENT, Release, open_release
from axiskg.serve import ServeSettings, public_origin
from axiskg.web import bounded, linked_data, pages, reuseport, sparql
from axiskg.web.http import (
    GZIP_LEVEL,
    GZIP_MINIMUM,
    AccessLog,
    BodyLimit,
    CompleteVary,
    Cors,
    DownloadsEncodeThemselves,
    Fairness,
    FastPath,
    HTTPError,
    LRUCache,
    ResponseCache,
    accepts_gzip,
    cached_answer,
    combine_repeated,
    error_response,
    log_access,
    vary,
)
from axiskg.web.limits import QueryLimits
from axiskg.web.metrics import SNAPSHOT_PREFIX, Metrics, Process, read_snapshots, render_all, write_snapshot
from axiskg.web.workers import WorkerPool

log = logging.getLogger("axiskg.serve")
SNAPSHOT_EVERY = 1.0  # seconds between metrics snapshots of the HTTP worker processes
STATIC_DIR = Path(__file__).parent / "static"


@dataclass
class ReleaseState:
    """One loaded release with what belongs to it: its worker pool and its caches."""

    release: Release
    pool: WorkerPool
    cache: LRUCache
    raw_cache: ResponseCache
    store: ox.Store | None = None  # opened read-only here for the bounded queries run inline (bounded.py)
    hubs: frozenset[tuple[bool, str]] | None = None  # bounded.hubs(store)
    loaded_at: float = field(default_factory=time.time)

    @property
    def id(self) -> str:
        return self.release.id


class Server:
    """Holds the current ReleaseState; `current()` notices a moved `current` symlink at most once a second and
    loads the new release in the background while the old one keeps answering."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self.metrics = Metrics()
        self.limits = QueryLimits(
            settings.max_query_length, settings.max_depth, tuple(settings.allow_service), settings.max_tokens
        )
        concurrency = settings.client_concurrency
        if concurrency is None:
            concurrency = max(1, settings.query_workers - 1)
        self.fairness = Fairness(concurrency, settings.client_budget)
        self.state: ReleaseState | None = None
        self.app: Starlette | None = None
        self.others_in_flight = 0  # queries in the other HTTP worker processes (write_snapshots)
        self._others_seen = -1e9
        self._all_started = settings.workers <= 1 or not settings.run_dir  # see workers_ready
        self._link = Path(settings.release) / CURRENT
        self._seen_target: str | None = None
        self._checked = 0.0
        self._loading = False
        self.cache_control_header = (b"cache-control", settings.cache_control.encode("latin-1"))
        self.public = public_origin(settings.public_url) if settings.public_url else None
        self._cors = [o.encode() for o in settings.cors_origins]
        self._cors_all = b"*" in self._cors
        # CORSMiddleware's simple-response headers (allow_credentials is off)
        self._cors_simple: list[tuple[bytes, bytes]] = [
            (b"access-control-expose-headers", ", ".join(h.strip() for h in EXPOSE.split(",")).encode())
        ]
        if self._cors_all:
            self._cors_simple.insert(0, (b"access-control-allow-origin", b"*"))

    def _target(self) -> str | None:
        try:
            return os.readlink(self._link)
        except OSError:
            return None

    def current(self) -> ReleaseState | None:
        now = time.monotonic()
        if now - self._checked >= self.settings.reload_interval:
            self._checked = now
            if not self._loading and (self.state is None or self._target() != self._seen_target):
                self._loading = True
                asyncio.ensure_future(self._reload())
        return self.state

    def require(self) -> ReleaseState:
        state = self.current()
        if state is None:
            raise HTTPError(503, "no release loaded yet: run `axiskg build` first", {"Retry-After": "5"})
        return state

    async def _reload(self) -> None:
        try:
            await self.load()
        except Exception:  # keep serving the old release; the next check tries again
            log.exception("could not load the release at %s", self.settings.release)
        finally:
            self._loading = False

    async def load(self) -> None:
        target = self._target()
        try:
            release = open_release(self.settings.release)
        except AxiskgError as exc:
            log.warning("%s", exc)
            return
        if self.state is not None and release.id == self.state.id:
            self._seen_target = target
            return
        borrow = (self.settings.workers - 1) * self.settings.query_workers if self.settings.run_dir else 0
        pool = WorkerPool(
            str(release.path / "store"),
            self.settings.query_workers,
            self._on_restart,
            self.settings.worker_memory_mb,
            borrow,
            self.others_idle,
        )
        await pool.start()
        store = hub_terms = None
        if self.settings.inline_bound > 0:
            store = ox.Store.read_only(str(release.path / "store"))
            try:  # before the release is served, so that which queries run inline never depends on timing
                hub_terms = await asyncio.to_thread(bounded.hubs, store, self.settings.inline_bound)
            except Exception:  # inline queries then count each of their patterns
                log.exception("could not list the store's most connected terms")
        old, self.state = (
            self.state,
            ReleaseState(
                release,
                pool,
                # --cache-mb is the two caches' memory: half for results, half for finished answers
                LRUCache(self.settings.cache_bytes // 2),
                ResponseCache(self.settings.cache_bytes - self.settings.cache_bytes // 2),
                store,
                hub_terms,
            ),
        )
        self._seen_target = target
        if self.app is not None:
            self.app.state.release = release
        if old is not None:
            self.metrics.release_reloads += 1
            old.pool.close()
            log.info("now serving release %s (was %s)", release.id, old.id)
        else:
            settings = self.settings
            host = f"[{settings.host}]" if ":" in settings.host else settings.host
            log.info(
                "serving release %s with %d query workers on http://%s:%d/%s",
                release.id,
                settings.query_workers,
                host,
                settings.port,
                f" (public address {settings.public_url})" if settings.public_url else "",
            )

    def _on_restart(self) -> None:
        self.metrics.worker_restarts += 1

    def process_metrics(self) -> Process:
        state = self.current()
        return Process(
            os.getpid(), self.metrics, state.id if state else None, state.pool.in_flight if state else 0
        )

    async def watch_release(self) -> None:
        """Look at the `current` symlink every `settings.reload_interval` seconds (an internal setting, not a
        command-line option) even when no request comes, so that a new release is loaded before the next
        request instead of by it (which was answered from the old one)."""
        while True:
            await asyncio.sleep(self.settings.reload_interval)
            self.current()

    async def write_snapshots(self, run_dir: Path, every: float = SNAPSHOT_EVERY) -> None:
        """Every `every` seconds: this process's metrics and its clients' query time into run_dir (for the
        other HTTP workers' /metrics and budgets), and the others' query time into self.fairness.others."""
        fairness = self.fairness
        while True:
            listening = reuseport.listening()
            try:
                process = self.process_metrics()
                process.usage = fairness.usage(fairness.budget / 100)
                process.listening = listening
                write_snapshot(run_dir, process)
                others: dict[str, float] = {}
                in_flight = 0
                for p in read_snapshots(run_dir, exclude=os.getpid()):
                    in_flight += p.queries_in_flight
                    for client, seconds in p.usage.items():
                        others[client] = others.get(client, 0.0) + seconds
                fairness.others = others
                self.others_in_flight, self._others_seen = in_flight, time.monotonic()
            except OSError:
                log.warning("could not share metrics through %s", run_dir, exc_info=True)
            await asyncio.sleep(every if listening else min(every, 0.02))  # tell the others soon

    def workers_ready(self) -> tuple[int, bool]:
        """(HTTP worker processes that accept connections, whether all of them do). Until every worker has
        started, the ones already listening get every connection (each listens on a socket of its own,
        web.reuseport): a client that opens its keep-alive connections in that moment keeps them all on
        one worker. Once all have started it stays so (a worker that is replaced later does not make the
        server unready)."""
        if self._all_started:
            return self.settings.workers, True
        others = read_snapshots(Path(self.settings.run_dir), exclude=os.getpid())
        ready = reuseport.listening() + sum(p.listening for p in others)
        self._all_started = ready >= self.settings.workers
        return ready, self._all_started

    def others_idle(self) -> bool:
        """Whether the other HTTP worker processes had no query running or waiting, as of their latest
        snapshots (at most a few seconds old): then this one's pool may borrow their share (WorkerPool)."""
        return self.others_in_flight == 0 and time.monotonic() - self._others_seen < 3 * SNAPSHOT_EVERY

    def close(self) -> None:
        if self.state is not None:
            self.state.pool.kill_all()

    def cors_simple_headers(self, origin: bytes | None) -> list[tuple[bytes, bytes]]:
        """What CORSMiddleware adds to a (non-preflight) answer, Vary aside (http.VARY names Origin)."""
        if origin is None:
            return []
        if not self._cors_all and origin in self._cors:
            return [*self._cors_simple, (b"access-control-allow-origin", origin)]
        return self._cors_simple


# Link (an /id document's other formats) and Warning (a truncated answer) are not CORS-safelisted either
EXPOSE = (
    "ETag, X-SPARQL-Rows, X-SPARQL-Max-Rows, X-SPARQL-Truncated, Retry-After, Content-Location, Link, Warning"
)
# A preflight may ask for any request header (Authorization from a YASGUI set up with basic auth, jQuery's
# X-Requested-With, Pragma...): CORSMiddleware allows the ones asked for. Credentials are never allowed, so
# an allowed header adds nothing a cross-site page could not send from a server of its own.
CORS_HEADERS = ("*",)


async def health(request: Request) -> Response:
    server: Server = request.app.state.server
    state = server.current()
    if state is None:
        return JSONResponse(
            {"status": "starting", "release": None}, 503, {"Cache-Control": "no-store", "Retry-After": "5"}
        )
    ready, everyone = server.workers_ready()
    workers = {"ready": ready, "of": server.settings.workers}
    if not everyone:
        return JSONResponse(
            {"status": "starting", "release": state.id, "workers": workers},
            503,
            {"Cache-Control": "no-store", "Retry-After": "1"},
        )
    return JSONResponse(
        {
            "status": "ready",
            "release": state.id,
            "workers": workers,
            "query_workers": server.settings.query_workers,
        },
        headers={"Cache-Control": "no-store"},
    )


async def metrics(request: Request) -> Response:
    server: Server = request.app.state.server
    processes = [server.process_metrics()]
    if server.settings.run_dir:  # the other HTTP worker processes, as of their last snapshot
        processes += read_snapshots(Path(server.settings.run_dir), exclude=os.getpid())
    body = render_all(processes)
    return PlainTextResponse(
        body, headers={"Cache-Control": "no-store"}, media_type="text/plain; version=0.0.4; charset=utf-8"
    )


def routes() -> list[BaseRoute]:
    """The whole site map of the server part (the UI part adds pages.ROUTES)."""
    return [
        Route("/sparql", sparql.sparql_endpoint, methods=["GET", "POST"], name="sparql"),
        Route("/id/{path:path}", linked_data.entity, methods=["GET"], name="entity"),
        Route("/ontology", linked_data.ontology, methods=["GET"], name="ontology"),
        Route("/ontology.{ext}", linked_data.ontology, methods=["GET"]),
        Route("/ontology/{rest:path}", linked_data.ontology, methods=["GET"]),
        Route("/graph/{name:path}", linked_data.graph, methods=["GET"], name="graph"),
        Route("/.well-known/void", linked_data.well_known_void, methods=["GET"], name="void"),
        Route("/dataset", linked_data.dataset, methods=["GET"], name="dataset"),
        Route("/dataset.{ext}", linked_data.dataset, methods=["GET"]),
        Route("/downloads", linked_data.downloads, methods=["GET"], name="downloads"),
        Route("/downloads/{name:path}", linked_data.download, methods=["GET"], name="download"),
        Route("/health", health, methods=["GET"], name="health"),
        Route("/metrics", metrics, methods=["GET"], name="metrics"),
        *pages.ROUTES,
        Mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static"),
    ]


def route_methods(site: list[BaseRoute], scope: Scope) -> tuple[str, ...] | None:
    """The methods of the route whose path the request's matches (GET and HEAD for a mount), or None. The
    target `*` (`OPTIONS *`, RFC 9110 s.9.3.7) asks about the server in general: the methods of any route."""
    if scope["path"] == "*":
        return ("GET", "HEAD", "POST")
    probe = {**scope, "method": "GET"}
    for route in site:
        match, _ = route.matches(probe)
        if match != Match.NONE:
            methods = getattr(route, "methods", None)
            return tuple(sorted(methods)) if methods else ("GET", "HEAD")
    return None


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPError)
    return error_response(exc.status, exc.message, request.headers.get("accept"), exc.headers)


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    """starlette's 405 names the route's methods; OPTIONS, which the Cors middleware answers for every route,
    is one of them too (a plain OPTIONS request lists it: both must agree, RFC 9110 section 10.2.1)."""
    allow = [m.strip() for m in getattr(exc, "headers", {}).get("Allow", "").split(",") if m.strip()]
    allow += [] if "OPTIONS" in allow else ["OPTIONS"]
    return error_response(
        405,
        f"method {request.method} is not allowed here; allowed: {', '.join(allow)}",
        request.headers.get("accept"),
        {"Allow": ", ".join(allow)},
    )


async def _client_gone_response(request: Request, exc: Exception) -> Response:
    """Nobody to answer (sparql.run_in_worker): the access log and metrics show 499, as nginx does."""
    return Response(status_code=499)


_FAST_METHODS = frozenset(("GET", "POST"))
_WORK = "axiskg.sparql_work"  # scope key: a query's work prepared by App.answer_now, for the ASGI path
_INTERNAL_ERROR = (
    500,
    [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"21")],
    b"Internal Server Error",
)


class App(Starlette):
    """Starlette, plus a direct path for GET/POST /sparql that does in one pass what the middleware stack
    does (access log and metrics, cached-answer fast path, body limit, gzip, CORS, error pages) and calls the
    endpoint without routing. Every other request goes through the full stack. The query itself runs in a
    killable worker under the deadline and the client's fairness limits (sparql.run_in_worker), unless it is
    proved small (bounded.py, sparql.run_inline)."""

    server: Server

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        if self.server.public is not None:
            self._at_public_origin(scope)
        headers = combine_repeated(scope)
        if scope["path"] == "/sparql" and scope["method"] in _FAST_METHODS and not scope.get("root_path"):
            scope["app"] = self
            await self._sparql(scope, receive, send, headers)
            return
        await super().__call__(scope, receive, send)

    async def _sparql(self, scope: Scope, receive: Receive, send: Send, headers: dict[bytes, bytes]) -> None:
        server = self.server
        start = time.perf_counter()
        status = 500
        size = 0
        try:
            hit = cached_answer(server, scope, headers) if scope["method"] == "GET" else None
            if hit is not None:
                status, out, body = hit
            else:
                answer = await self._answer(scope, receive, headers)
                if answer is None:  # the client went away (nginx logs that as 499)
                    status = 499
                    return
                status, out, body = answer
            await send({"type": "http.response.start", "status": status, "headers": out})
            await send({"type": "http.response.body", "body": body})
            size = len(body)
        finally:
            self._record(scope, status, size, start)

    def answer_now(
        self, scope: Scope, body: bytes = b""
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        """(status, headers, body) of a GET or POST /sparql (with its whole `body`) whose answer needs no
        waiting (what `_sparql` would send: an error, a cached answer, a query proved small and run inline),
        counted and logged; None when its query must go to a worker: then the request takes the ASGI path,
        which finds the prepared work in the scope. For web.protocol.HttpProtocol, which calls it without
        going through ASGI (no task, no messages)."""
        server = self.server
        start = time.perf_counter()
        scope["app"] = self
        if server.public is not None:
            self._at_public_origin(scope)
        headers = combine_repeated(scope)
        answer = cached_answer(server, scope, headers) if scope["method"] == "GET" else None
        if answer is None:
            ready = self._answer_now(scope, headers, body)
            if isinstance(ready, sparql.Work):
                scope[_WORK] = ready
                return None
            answer = self._finish(ready, headers.get(b"origin"), headers.get(b"accept-encoding"))
        self._record(scope, answer[0], len(answer[2]), start)
        return answer

    def _at_public_origin(self, scope: Scope) -> None:
        """The request as if sent to --public-url: absolute links in answers (service description, VoID,
        downloads) are built from its scheme and host, never from a client's Host header, which a proxy
        or shared cache in front may not key on (an answer naming a client's host would be served to all)."""
        scheme, host, server = self.server.public  # type: ignore[misc]
        scope["scheme"], scope["server"] = scheme, server
        scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"host"] + [(b"host", host)]

    def _answer_now(
        self, scope: Scope, headers: dict[bytes, bytes], body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes] | Response | sparql.Work:
        """sparql.answer_now for a request whose whole body is here, a body too large, a media type refused
        and an unexpected error answered too."""
        server = self.server
        if len(body) > server.settings.max_body:
            return _too_large(server.settings.max_body)
        try:
            media = sparql.post_media_type(headers) if scope["method"] == "POST" else None
            return sparql.answer_now(server, scope, headers, media, body)
        except HTTPError as exc:  # the POST's media type; 503: no release loaded yet
            return sparql.refused(server, exc, headers)
        except Exception:
            log.exception("error answering %s /sparql", scope["method"])
            return _INTERNAL_ERROR

    def _record(self, scope: Scope, status: int, size: int, start: float) -> None:
        elapsed = time.perf_counter() - start
        server = self.server
        server.metrics.observe("/sparql", scope["method"], status, elapsed)
        if server.settings.access_log:
            log_access(scope, status, size, elapsed)

    async def _answer(
        self, scope: Scope, receive: Receive, headers: dict[bytes, bytes]
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        server = self.server
        max_body = server.settings.max_body
        origin = headers.get(b"origin")
        accept_encoding = headers.get(b"accept-encoding")
        ready = scope.pop(_WORK, None)  # prepared by answer_now
        if ready is None:
            length = headers.get(b"content-length")
            if length is not None:
                try:
                    n = int(length)
                except ValueError:
                    n = -1
                if n < 0 or n > max_body:
                    return self._finish(_too_large(max_body), origin, accept_encoding)
            body = b""
            if scope["method"] == "POST":
                try:  # refused before its body is read
                    sparql.post_media_type(headers)
                except HTTPError as exc:
                    return self._finish(sparql.refused(server, exc, headers), origin, accept_encoding)
                chunks = []
                seen = 0
                while True:
                    msg = await receive()
                    if msg["type"] != "http.request":  # http.disconnect
                        return None
                    chunk = msg.get("body", b"")
                    seen += len(chunk)
                    if seen > max_body:
                        return self._finish(_too_large(max_body), origin, accept_encoding)
                    chunks.append(chunk)
                    if not msg.get("more_body", False):
                        break
                body = b"".join(chunks)
            ready = self._answer_now(scope, headers, body)
        if isinstance(ready, sparql.Work):
            try:
                ready = await sparql.answer_later(server, scope, headers, ready, receive)
            except sparql.ClientGoneError:
                return None
            except Exception:
                log.exception("error answering %s /sparql", scope["method"])
                ready = _INTERNAL_ERROR
        return self._finish(ready, origin, accept_encoding)

    def _finish(
        self,
        answer: tuple[int, list[tuple[bytes, bytes]], bytes] | Response,
        origin: bytes | None,
        accept_encoding: bytes | None,
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """What GZipMiddleware(minimum_size=1000) and CORSMiddleware would do to this answer."""
        if isinstance(answer, Response):
            answer = answer.status_code, answer.raw_headers, bytes(answer.body)
        status, out, body = answer
        varies = [v for k, v in out if k == b"vary"]
        plain = [h for h in out if h[0] != b"vary"] if varies else list(out)
        if (
            len(body) >= GZIP_MINIMUM
            and accepts_gzip(accept_encoding)
            and not [k for k, _ in plain if k == b"content-encoding"]
        ):
            body = gzip.compress(body, GZIP_LEVEL)
            plain = [(k, v) for k, v in plain if k != b"content-length"]
            plain += [(b"content-encoding", b"gzip"), (b"content-length", str(len(body)).encode())]
        if origin is not None:
            plain += self.server.cors_simple_headers(origin)
        plain.append((b"vary", vary(varies)))
        return status, plain, body


def _too_large(max_body: int) -> Response:
    return error_response(
        413,
        f"request body too large: this endpoint accepts at most {max_body} bytes",
        headers={"Connection": "close"},
    )


def create_app(settings: ServeSettings) -> Starlette:
    """The ASGI app serving the release at `settings.release`."""
    server = Server(settings)
    code_digest()  # hashed once here (~20 ms), not on the first request (it is part of every ETag)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await server.load()
        watch = asyncio.ensure_future(server.watch_release())
        snapshots = None
        if settings.run_dir:
            snapshots = asyncio.ensure_future(server.write_snapshots(Path(settings.run_dir)))
        try:
            yield
        finally:
            watch.cancel()
            if snapshots is not None:
                snapshots.cancel()
                with contextlib.suppress(OSError):
                    (Path(settings.run_dir) / f"{SNAPSHOT_PREFIX}{os.getpid()}.json").unlink()
            server.close()

    site = routes()
    middleware = [
        Middleware(AccessLog, metrics=server.metrics, enabled=settings.access_log),
        Middleware(FastPath, server=server),
        Middleware(CompleteVary),
        Middleware(
            Cors,
            methods_of=lambda scope: route_methods(site, scope),
            allow_origins=list(settings.cors_origins),
            allow_headers=list(CORS_HEADERS),
            expose_headers=[h.strip() for h in EXPOSE.split(",")],
            max_age=86400,
        ),
        Middleware(BodyLimit, max_bytes=settings.max_body),
        Middleware(DownloadsEncodeThemselves, minimum_size=GZIP_MINIMUM, compresslevel=GZIP_LEVEL),
    ]
    app = App(
        routes=site,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={
            404: pages.not_found,
            405: _method_not_allowed,
            HTTPError: _http_error,
            sparql.ClientGoneError: _client_gone_response,
        },
    )
    app.server = server
    app.state.server = server
    app.state.settings = settings
    app.state.release = None
    server.app = app
    return app
