"""Run the web server: settings, the ASGI server (uvicorn with uvloop and httptools by default, chosen by
measurement: see bench/server/README.md; granian on request) and its HTTP worker processes. uvicorn runs
with axiskg.web.protocol's protocol (a direct path for /sparql, one write a response) and every process
of the server with glibc's per-thread allocator cache enlarged (MALLOC_TUNING).

Each HTTP worker process builds its own app (and its own pool of query workers) from the settings, which
travel to it as JSON in the AXISKG_SERVE_SETTINGS environment variable.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import json
import logging
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axiskg.iris import BASE
from axiskg.web import reuseport

SETTINGS_ENV = "AXISKG_SERVE_SETTINGS"
SERVERS = ("granian", "uvicorn")
GRANIAN_WARNING = (
    "--server granian: the connection limits of `axiskg serve` are uvicorn's (the default): granian keeps a "
    "connection that sends nothing open for ever (measured: still open after 90 s, against 5 s with uvicorn) "
    "and does not cut off a client that reads nothing of an answer. Serve with granian only behind a reverse "
    "proxy that enforces its own timeouts"
)


def public_origin(url: str) -> tuple[str, bytes, tuple[str, int]]:
    """(scheme, Host header, (host, port)) of a --public-url such as https://axiskg.example.org; ValueError
    for anything but an http(s) origin (no path, query or fragment: a path prefix is a proxy's business)."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise ValueError(
            f"--public-url must be an http(s) origin such as https://axiskg.example.org, got {url!r}"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"--public-url is an origin only (scheme, host and port), got {url!r}")
    default = 443 if parts.scheme == "https" else 80
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"--public-url has a bad port: {url!r}") from exc
    if port == 0:
        raise ValueError(f"--public-url has a bad port: {url!r}")
    host = parts.hostname
    try:
        name = host.encode("idna")  # a Host header is ASCII: an internationalized name in its A-label form
    except UnicodeError as exc:
        raise ValueError(f"--public-url has a bad host name: {url!r}") from exc
    if ":" in host:  # an IPv6 address keeps its brackets in the Host header
        name = b"[" + name + b"]"
    if port is not None and port != default:  # the default port is left out of links, as browsers do
        name += b":%d" % port
    return parts.scheme, name, (host, port or default)


@dataclass
class ServeSettings:
    release: Path = Path("release")
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1  # HTTP worker processes
    query_workers: int = 2  # query worker processes per HTTP worker
    timeout: float = 30.0  # query deadline, seconds
    service_timeout: float = 10.0  # deadline of queries that may call an allowlisted SERVICE endpoint
    max_rows: int = 10_000
    allow_service: list[str] = field(default_factory=list)
    base_iri: str = BASE
    public_url: str = ""  # public origin (scheme://host[:port]) of absolute links; "": the request's Host
    cors_origins: list[str] = field(default_factory=lambda: ["*"])
    max_body: int = 1_000_000
    max_query_length: int = 100_000
    max_depth: int = 100
    max_tokens: int = 12_000
    client_budget: float = 60.0  # seconds of query time per client per minute (0: no limit)
    client_concurrency: int | None = None  # queries at once per client (None: query_workers - 1; 0: no limit)
    client_header: str | None = None  # trust this header (e.g. X-Forwarded-For) to tell clients apart
    cache_bytes: int = 64 * 1024 * 1024  # memory of the per-release caches (results, answers) per HTTP worker
    inline_bound: int = 1000  # run a query in the web process when proved to build at most this many rows
    worker_memory_mb: int = 4096  # address-space cap of each query worker (0: none)
    cache_max_age: int = 300
    access_log: bool = True
    reload_interval: float = 1.0
    server: str = "uvicorn"
    run_dir: str = (
        ""  # shared by the HTTP worker processes (metrics snapshots); made by run() for --workers > 1
    )

    @property
    def cache_control(self) -> str:
        return f"public, max-age={self.cache_max_age}"

    def to_json(self) -> str:
        d = dataclasses.asdict(self)
        d["release"] = str(self.release)
        return json.dumps(d)

    @classmethod
    def from_json(cls, text: str) -> ServeSettings:
        d: dict[str, Any] = json.loads(text)
        d["release"] = Path(d["release"])
        return cls(**d)


# glibc's per-thread cache of freed small blocks holds 7 of each size by default; pyoxigraph allocates and
# frees many more than that for every query, and the rest go through the shared bins. With 1000 the server
# spends ~8% less CPU a lookup (bench/server/README.md). GLIBC_TUNABLES is read when a process starts: run()
# sets it for the processes it starts, `axiskg serve` restarts itself with it (exec_tuned), and a value the
# user set is kept. AXISKG_MALLOC_TUNING=0 leaves the allocator alone.
MALLOC_TUNABLE = "glibc.malloc.tcache_count"
MALLOC_TUNING = f"{MALLOC_TUNABLE}=1000"


def tuned_environ(environ: Mapping[str, str]) -> dict[str, str] | None:
    """`environ` with MALLOC_TUNING added to GLIBC_TUNABLES, or None when there is nothing to add (already
    set, turned off, or not glibc)."""
    tunables = environ.get("GLIBC_TUNABLES", "")
    if (
        MALLOC_TUNABLE in tunables
        or environ.get("AXISKG_MALLOC_TUNING") == "0"
        or platform.libc_ver()[0] != "glibc"
    ):
        return None
    return {**environ, "GLIBC_TUNABLES": f"{tunables}:{MALLOC_TUNING}" if tunables else MALLOC_TUNING}


def exec_tuned(argv: list[str]) -> None:
    """Replace this process by `python -m axiskg ARGV[1:]` with the allocator tuning in its environment,
    when it is not there yet; returns (doing nothing) otherwise or if exec fails."""
    env = tuned_environ(os.environ)
    if env is None:
        return
    with contextlib.suppress(OSError):
        os.execve(sys.executable, [sys.executable, "-m", "axiskg", *argv[1:]], env)


def app_from_env() -> Any:
    """ASGI app factory for the HTTP worker processes."""
    from axiskg.web.app import create_app

    _configure_logging(ServeSettings.from_json(os.environ[SETTINGS_ENV]))
    return create_app(ServeSettings.from_json(os.environ[SETTINGS_ENV]))


class BatchedStreamHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A StreamHandler that writes its lines in batches: a line waits at most `interval` seconds (a daemon
    thread writes what is pending), and `max_bytes` pending or a WARNING or worse are written at once. One
    write system call per batch instead of one per line: with the access log on (the default), a line per
    request had cost ~40-55 us of CPU under load (bench/server/README.md). What is pending is written when
    logging shuts down (at exit)."""

    def __init__(self, stream: Any = None, interval: float = 0.25, max_bytes: int = 64 * 1024) -> None:
        super().__init__(stream)
        self.interval = interval
        self.max_bytes = max_bytes
        self._pending: list[str] = []
        self._size = 0
        self._second = -1
        self._stamp = ""
        threading.Thread(target=self._flush_every_interval, name="log-writer", daemon=True).start()

    def add(self, name: str, message: str) -> None:
        """A line as the format `%(asctime)s %(name)s %(message)s` gives it, without a LogRecord (the access
        log's fast path, see axiskg.web.http.access_sink)."""
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second = second
            self._stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        line = f"{self._stamp},{int((now - second) * 1000):03d} {name} {message}{self.terminator}"
        with self.lock:  # type: ignore[union-attr]
            self._append(line, at_once=False)

    def emit(self, record: logging.LogRecord) -> None:  # called with self.lock held (Handler.handle)
        try:
            line = self.format(record) + self.terminator
        except Exception:
            self.handleError(record)
            return
        self._append(line, at_once=record.levelno >= logging.WARNING)

    def _append(self, line: str, at_once: bool) -> None:  # with self.lock held
        self._pending.append(line)
        self._size += len(line)
        if at_once or self._size >= self.max_bytes:
            self._write_pending()

    def _write_pending(self) -> None:
        if not self._pending:
            return
        text, self._pending, self._size = "".join(self._pending), [], 0
        try:
            self.stream.write(text)
            self.stream.flush()
        except Exception:  # as StreamHandler: report on stderr, never raise into the request
            self.handleError(logging.makeLogRecord({"msg": text[:200]}))

    def flush(self) -> None:
        with self.lock:  # type: ignore[union-attr]
            self._write_pending()

    def _flush_every_interval(self) -> None:
        while True:
            time.sleep(self.interval)
            self.flush()


def _configure_logging(settings: ServeSettings) -> None:
    from axiskg.web import http

    root = logging.getLogger("axiskg")
    if not root.handlers:
        h = BatchedStreamHandler(sys.stderr)
        h.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        root.addHandler(h)
        http.access_sink = h.add  # logging set up here: access-log lines skip the LogRecord
    root.setLevel(logging.INFO)
    logging.getLogger("axiskg.access").disabled = not settings.access_log
    # what the format above never shows, not gathered for every record (the logging HOWTO's "Optimization")
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False


def run(settings: ServeSettings) -> None:
    """Serve until interrupted."""
    if settings.server not in SERVERS:
        raise ValueError(f"unknown server {settings.server!r}; choose one of {', '.join(SERVERS)}")
    settings.release = settings.release.resolve()
    if settings.workers > 1 and not settings.run_dir:  # each worker's metrics, for whichever answers /metrics
        run_dir = tempfile.mkdtemp(prefix="axiskg-workers-")
        settings.run_dir = run_dir
        try:
            run(settings)
        finally:
            shutil.rmtree(run_dir, ignore_errors=True)
        return
    os.environ[SETTINGS_ENV] = settings.to_json()
    from axiskg.web.pages import missing_vendor_files

    missing = missing_vendor_files()
    if missing:
        logging.getLogger("axiskg.serve").warning(
            "the web pages lack their front-end packages (%s in src/axiskg/web/static/vendor): the SPARQL "
            "editor falls back to a plain form, the network and timeline to lists; run `npm ci` in the "
            "project (./scripts/run does it)",
            ", ".join(missing),
        )
    tuned = tuned_environ(os.environ)  # for the HTTP and query worker processes started from here
    if tuned is not None:
        os.environ["GLIBC_TUNABLES"] = tuned["GLIBC_TUNABLES"]
    if settings.server == "granian":
        try:
            import granian  # noqa: F401
        except ImportError:  # not installed: fall back to uvicorn, which the package depends on
            logging.getLogger("axiskg.serve").warning("granian is not installed; serving with uvicorn")
            settings.server = "uvicorn"
            run(settings)
            return
        from granian.constants import Interfaces, Loops
        from granian.server import Server as Granian

        logging.getLogger("axiskg.serve").warning(GRANIAN_WARNING)

        Granian(
            "axiskg.serve:app_from_env",
            address=settings.host,
            port=settings.port,
            interface=Interfaces.ASGI,
            workers=settings.workers,
            loop=Loops.uvloop,
            factory=True,
            log_access=False,
            backlog=2048,
            respawn_failed_workers=True,
            workers_kill_timeout=20,
        ).serve()
    else:
        import uvicorn

        http: Any = "httptools"
        try:  # httptools with a direct path for /sparql and one write a response
            from axiskg.web.protocol import HttpProtocol

            http = HttpProtocol  # a class: uvicorn 0.34 takes no import string here
        except ImportError as exc:  # a uvicorn whose protocol module moved what it builds on
            logging.getLogger("axiskg.serve").warning("uvicorn's own httptools protocol (slower): %s", exc)
        options: dict[str, Any] = {
            "factory": True,
            "host": settings.host,
            "port": settings.port,
            "workers": settings.workers,
            "loop": "uvloop",
            "http": http,
            "access_log": False,
            "server_header": False,  # no `server: uvicorn`: a header less a response, nothing to fingerprint
            "timeout_graceful_shutdown": 20,
            "log_level": "warning",
        }
        if settings.workers > 1 and reuseport.available():
            _run_uvicorn_workers(uvicorn.Config("axiskg.serve:app_from_env", **options))
        else:
            uvicorn.run("axiskg.serve:app_from_env", **options)


def _run_uvicorn_workers(config: Any) -> None:
    """What `uvicorn.run` does for workers > 1, with one SO_REUSEPORT listening socket per worker process
    (axiskg.web.reuseport) instead of one socket shared by all."""
    from uvicorn.supervisors import Multiprocess

    try:
        sock = reuseport.bound(config.host, config.port)
    except OSError as exc:
        logging.getLogger("axiskg.serve").error("cannot listen on %s:%s: %s", config.host, config.port, exc)
        sys.exit(3)  # uvicorn's STARTUP_FAILURE
    options: dict[str, Any] = {"sockets": [sock]}
    if "target" in inspect.signature(Multiprocess).parameters:  # uvicorn < 0.51
        import uvicorn

        options["target"] = uvicorn.Server(config).run
    with contextlib.suppress(KeyboardInterrupt):
        Multiprocess(config, **options).run()
