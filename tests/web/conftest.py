"""Server fixtures of the web tests: real `axiskg serve` processes over a tiny hand-made release."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import TINY_TURTLE, make_release, start_server, stop_server


@pytest.fixture(scope="session")
def tiny_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny-release")
    make_release(out, "20261122T000000Z-00000001", TINY_TURTLE)
    return out


@pytest.fixture(scope="session")
def tiny_server(tiny_out: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A real `axiskg serve` over the tiny release, with a short deadline and a small row cap."""
    proc, url = start_server(
        tiny_out,
        "--timeout",
        "3",
        "--max-rows",
        "50",
        "--query-workers",
        "2",
        "--client-header",
        "X-Client",
        "--client-concurrency",
        "0",
    )
    try:
        yield proc, url
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def tiny_url(tiny_server: tuple[subprocess.Popen[bytes], str]) -> str:
    return tiny_server[1]
