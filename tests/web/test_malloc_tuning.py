"""`axiskg serve` runs with glibc's per-thread cache of freed blocks enlarged (axiskg.serve.MALLOC_TUNING):
in its own process (it restarts itself with the setting) and in the processes it starts."""

from __future__ import annotations

import platform
from pathlib import Path

import pytest
from servers import start_server, stop_server

from axiskg.serve import MALLOC_TUNING, tuned_environ

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="a glibc tunable")


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().partition("=")[::2] for item in raw if item)


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


def test_the_server_and_its_query_workers_run_with_the_tuning(release_out: Path) -> None:
    proc, _ = start_server(release_out, "--no-access-log", "--query-workers", "1")
    try:
        assert _environ(proc.pid).get("GLIBC_TUNABLES") == MALLOC_TUNING  # the serving process itself
        workers = _children(proc.pid)
        assert workers and all(_environ(w).get("GLIBC_TUNABLES") == MALLOC_TUNING for w in workers)
    finally:
        stop_server(proc)


def test_the_users_own_tunables_are_kept(release_out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=50")
    proc, _ = start_server(release_out, "--no-access-log")
    try:
        assert _environ(proc.pid)["GLIBC_TUNABLES"] == "glibc.malloc.tcache_count=50"
    finally:
        stop_server(proc)


def test_tuned_environ() -> None:
    assert tuned_environ({})["GLIBC_TUNABLES"] == MALLOC_TUNING  # type: ignore[index]
    other = tuned_environ({"GLIBC_TUNABLES": "glibc.malloc.arena_max=2", "HOME": "/x"})
    assert other == {"GLIBC_TUNABLES": f"glibc.malloc.arena_max=2:{MALLOC_TUNING}", "HOME": "/x"}
    assert tuned_environ({"GLIBC_TUNABLES": MALLOC_TUNING}) is None
    assert tuned_environ({"AXISKG_MALLOC_TUNING": "0"}) is None
