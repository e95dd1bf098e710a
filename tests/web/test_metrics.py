"""/metrics with several HTTP worker processes: every scrape shows every worker, and the counts add up."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx
import pytest
from servers import AX, TINY_TURTLE, make_release, start_server, stop_server

from axiskg.web.metrics import Metrics, Process, read_snapshots, render_all, write_snapshot


def _series(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    out = []
    for m in re.finditer(rf"^{name}\{{([^}}]*)\}} (\S+)$", text, re.M):
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        out.append((labels, float(m.group(2))))
    return out


def test_every_scrape_shows_every_worker_and_the_counts_add_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_release(tmp_path, "20261122T000000Z-0000000a", TINY_TURTLE)
    # the server's temporary files in a directory of this test's own (other servers may run beside it)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    run_dirs: set[Path] = set()
    proc, url = start_server(tmp_path, "--workers", "2")
    try:
        q = f"ASK {{ <{AX}person/alice> ?p ?o }}"
        pids_answering = set()
        for i in range(60):  # a new connection each time: the kernel spreads them over both workers
            r = httpx.get(url + "/sparql", params={"query": q + f" # {i}"})
            assert r.status_code == 200
        for _ in range(20):
            m = httpx.get(url + "/metrics").text
            pids_answering.add(next(p for p, _ in _series(m, "axiskg_release_info"))["pid"])
        assert len(pids_answering) == 2  # both workers answered /metrics at some point
        time.sleep(1.5)  # the other worker's snapshot is at most a second old
        for _ in range(6):
            m = httpx.get(url + "/metrics").text
            info = _series(m, "axiskg_release_info")
            assert len({labels["pid"] for labels, _ in info}) == 2
            assert {labels["id"] for labels, _ in info} == {"20261122T000000Z-0000000a"}
            sparql = [
                (labels, n)
                for labels, n in _series(m, "axiskg_requests_total")
                if labels["route"] == "/sparql" and labels["status"] == "200"
            ]
            assert sum(n for _, n in sparql) == 60
            assert len(sparql) == 2  # each worker answered some of them
            assert m.count("# TYPE axiskg_requests_total counter") == 1
        assert len(set(tmp.glob("axiskg-workers-*")) - run_dirs) == 1
    finally:
        stop_server(proc)
    assert set(tmp.glob("axiskg-workers-*")) == run_dirs  # removed on exit


def test_snapshot_round_trip_and_exited_workers(tmp_path: Path) -> None:
    m = Metrics()
    m.observe("/sparql", "GET", 200, 0.003)
    m.observe("/sparql", "GET", 200, 99.0)  # above every bucket
    m.observe("/id", "GET", 404, 0.0004)
    m.refuse("syntax")
    m.timeouts = 2
    m.inline_queries = 5
    restored = Metrics.restore(json.loads(json.dumps(m.snapshot())))
    assert render_all([Process(7, restored, "r1", 3)]) == render_all([Process(7, m, "r1", 3)])

    write_snapshot(tmp_path, Process(1, m, "r1", 0))  # pid 1 is alive (init)
    gone = 4_194_000  # above any pid this machine hands out (pid_max is 4194304 at most)
    write_snapshot(tmp_path, Process(gone, m, "r1", 0))
    (tmp_path / "metrics-bad.json").write_text("{}")
    found = read_snapshots(tmp_path, exclude=12345)
    assert [p.pid for p in found] == [1]
    assert not (tmp_path / f"metrics-{gone}.json").exists()  # an exited worker's file is removed
    assert read_snapshots(tmp_path, exclude=1) == []
