"""The `axiskg serve` command (placeholder until the server lands)."""

from __future__ import annotations

from pathlib import Path

import typer


def serve(
    release: Path = typer.Option(Path("release"), "--release", help="Release output directory"),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
) -> None:
    """Serve the built release: SPARQL endpoint, Linked Data and web pages.

    Example: axiskg serve --release release --port 8000
    """
    raise typer.Exit(code=1)
