"""Shared fixtures: the repository's release, built once a session, and a real `axiskg serve` on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from axiskg.build import build
from axiskg.release import Release, open_release

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def release_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output directory holding a release built from the repository (ontology/, shapes/, data/)."""
    out = tmp_path_factory.mktemp("release-out")
    # AXISKG_BUILD_CHECK=0 only for local work while data is mid-edit; CI always validates.
    check = os.environ.get("AXISKG_BUILD_CHECK", "1") != "0"
    build(REPO_ROOT, out, check=check)
    return out


@pytest.fixture(scope="session")
def release(release_out: Path) -> Release:
    return open_release(release_out)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(release_out: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    """Start a real `axiskg serve` process on 127.0.0.1 and wait until /health says ready."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "axiskg",
        "serve",
        "--release",
        str(release_out),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *extra,
    ]
    # the server's output (access log included) goes to a file: an unread pipe would fill up and block it
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, once the server holds the file)
        prefix=f"axiskg-serve-{port}-", suffix=".log", delete=False
    )
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    proc.log_path = log.name  # type: ignore[attr-defined]
    log.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = Path(log.name).read_text(errors="replace")
            raise RuntimeError(f"axiskg serve exited with {proc.returncode}:\n{out}")
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("axiskg serve did not become ready within 60 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server of start_server and remove its log (AXISKG_KEEP_SERVER_LOGS=1 keeps it)."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log = getattr(proc, "log_path", None)
    if log and not os.environ.get("AXISKG_KEEP_SERVER_LOGS"):
        Path(log).unlink(missing_ok=True)


def oxigraph_binary() -> str:
    """The native `oxigraph` server (PyPI package oxigraph, in the test extra)."""
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        pytest.fail("the `oxigraph` server (PyPI package oxigraph, in the test extra) is not installed")
    return found


@contextlib.contextmanager
def native_oxigraph(workdir: Path) -> Iterator[str]:
    """A real `oxigraph serve` on 127.0.0.1 with its own empty store under `workdir`: its base URL, while
    the block runs (queries at /query, Graph Store Protocol at /store)."""
    port = free_port()
    log_path = workdir / f"oxigraph-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                oxigraph_binary(),
                "serve",
                "--location",
                str(workdir / f"oxstore-{port}"),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"oxigraph serve exited: {log_path.read_text(errors='replace')}")
            try:
                httpx.get(url + "/query", params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    pytest.fail("oxigraph serve did not start within 30 s")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def server_url(release_out: Path) -> Iterator[str]:
    """Base URL of a real `axiskg serve` over the repository's release, shared by the session."""
    proc, url = start_server(release_out)
    try:
        yield url
    finally:
        stop_server(proc)


# --- pipeline fixtures: the tiny project of tests/data/tiny, copied so tests may change it ---

DATA_DIR = Path(__file__).resolve().parent / "data"
TINY = DATA_DIR / "tiny"
BROKEN = DATA_DIR / "broken"


def copy_tiny(dest: Path, *broken: str) -> Path:
    """A copy of the tiny project at `dest`, with the named files of tests/data/broken added to its data/."""
    import shutil

    shutil.copytree(TINY, dest)
    for name in broken:
        shutil.copy(BROKEN / name, dest / "data" / name)
    return dest


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    """A writable copy of the tiny valid project (ontology/, shapes/, data/, queries/)."""
    return copy_tiny(tmp_path / "project")


@pytest.fixture(scope="session")
def tiny_release_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output dir with one release of the tiny project, built once per session (read-only)."""
    root = copy_tiny(tmp_path_factory.mktemp("tiny") / "project")
    out = root.parent / "release"
    build(root, out)
    return out
