"""The `axiskg serve` command: options -> ServeSettings -> axiskg.serve.run."""

from __future__ import annotations

from pathlib import Path

import typer

from axiskg.errors import AxiskgError
from axiskg.iris import BASE
from axiskg.release import resolve_release_dir


def serve(
    release: Path = typer.Option(
        Path("release"), "--release", help="Release output directory (with `current`)"
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)"),
    port: int = typer.Option(8000, "--port", help="TCP port to listen on"),
    workers: int = typer.Option(1, "--workers", min=1, help="HTTP worker processes"),
    query_workers: int = typer.Option(
        2,
        "--query-workers",
        min=1,
        help="Query worker processes per HTTP worker (killed and replaced at the deadline)",
    ),
    timeout: float = typer.Option(
        30.0,
        "--timeout",
        min=0.01,
        help="Query deadline in seconds of running; also the longest a query waits to run (for its client's "
        "turn, else a 429; then for a free worker, else a 503)",
    ),
    service_timeout: float = typer.Option(
        10.0,
        "--service-timeout",
        min=0.01,
        help="Deadline in seconds of queries that call an allowlisted SERVICE",
    ),
    max_rows: int = typer.Option(10_000, "--max-rows", min=1, help="Cap on result rows / triples per answer"),
    allow_service: list[str] = typer.Option(
        [],
        "--allow-service",
        metavar="<url>",
        help="SPARQL endpoint that SERVICE may call (repeatable); none by default",
    ),
    base_iri: str = typer.Option(BASE, "--base-iri", help="IRI namespace served at this host's root"),
    public_url: str = typer.Option(
        "",
        "--public-url",
        metavar="<origin>",
        help="Public origin for absolute links in answers (e.g. https://axiskg.example.org) instead of the"
        " request's Host header: set it behind a proxy or a shared cache",
    ),
    cors_origin: list[str] = typer.Option(
        ["*"], "--cors-origin", metavar="<origin>", help="Allowed CORS origin (repeatable)"
    ),
    max_body: int = typer.Option(1_000_000, "--max-body", help="Largest request body in bytes"),
    max_query_length: int = typer.Option(100_000, "--max-query-length", help="Longest query in characters"),
    max_depth: int = typer.Option(100, "--max-depth", help="Deepest nesting of groups/brackets in a query"),
    max_tokens: int = typer.Option(
        12_000, "--max-tokens", help="Most tokens in a query (longer chains overflow the parser's stack)"
    ),
    client_budget: float = typer.Option(
        60.0, "--client-budget", help="Seconds of query time per client per minute; beyond: 429 (0: off)"
    ),
    client_concurrency: int = typer.Option(
        -1, "--client-concurrency", help="Queries at once per client (-1: query workers - 1; 0: no limit)"
    ),
    client_header: str = typer.Option(
        "", "--client-header", help="Header naming the client behind a trusted proxy (e.g. X-Forwarded-For)"
    ),
    cache_mb: int = typer.Option(
        64, "--cache-mb", help="Memory of the response caches of each HTTP worker, in MB (0: off)"
    ),
    worker_memory_mb: int = typer.Option(
        4096,
        "--worker-memory-mb",
        help="Address-space cap of each query worker in MB; beyond it the query fails (0: none)",
    ),
    inline_bound: int = typer.Option(
        1000,
        "--inline-bound",
        min=0,
        help="Run a query in the web process, skipping the worker hop, when every triple pattern is "
        "anchored on a constant and their match counts multiply to at most this (0: always a worker)",
    ),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="Log every request"),
    server: str = typer.Option(
        "uvicorn",
        "--server",
        help="ASGI server: uvicorn (uvloop, httptools) or granian (without the idle-connection and "
        "slow-reader limits: behind a reverse proxy only)",
    ),
) -> None:
    """Serve the built release: SPARQL endpoint, Linked Data and web pages.

    Example: axiskg serve --release release --port 8000 --timeout 30 --allow-service https://query.wikidata.org/sparql
    """
    from axiskg.serve import SERVERS, ServeSettings, public_origin, run

    if server not in SERVERS:
        raise typer.BadParameter(f"choose one of {', '.join(SERVERS)}", param_hint="--server")
    if public_url:
        try:
            public_origin(public_url)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--public-url") from exc
    try:
        resolve_release_dir(release)
    except AxiskgError as exc:  # not fatal: /health says 503 until a release is built
        typer.echo(f"warning: {exc}", err=True)
    settings = ServeSettings(
        release=release,
        host=host,
        port=port,
        workers=workers,
        query_workers=query_workers,
        timeout=timeout,
        service_timeout=service_timeout,
        max_rows=max_rows,
        allow_service=list(allow_service),
        base_iri=base_iri,
        public_url=public_url,
        cors_origins=list(cors_origin),
        max_body=max_body,
        max_query_length=max_query_length,
        max_depth=max_depth,
        max_tokens=max_tokens,
        client_budget=client_budget,
        client_concurrency=None if client_concurrency < 0 else client_concurrency,
        client_header=client_header or None,
        cache_bytes=cache_mb * 1024 * 1024,
        access_log=access_log,
        worker_memory_mb=worker_memory_mb,
        inline_bound=inline_bound,
        server=server,
    )
    run(settings)
