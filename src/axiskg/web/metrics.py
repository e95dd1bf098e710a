"""Prometheus text exposition of the server's counters, labelled by HTTP worker process (pid).

With `--workers N`, each HTTP worker process counts its own requests in memory (no cost per request beyond a
few dict updates) and writes a snapshot of them to the server's run directory every second
(`SnapshotWriter`); whichever process answers /metrics renders its own live counters and the others' latest
snapshots, so every scrape shows every worker (another worker's figures lag by at most a second). A worker
that has exited drops out of the page; its replacement starts a new series under its own pid, which
Prometheus reads as a counter reset.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

log = logging.getLogger("axiskg.serve")
SNAPSHOT_PREFIX = "metrics-"

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.latency_buckets: dict[str, list[int]] = defaultdict(
            lambda: [0] * len(BUCKETS)
        )  # per bucket, not cumulative
        self.latency_sum: dict[str, float] = defaultdict(float)
        self.latency_count: dict[str, int] = defaultdict(int)
        self.timeouts = 0
        self.refusals: dict[str, int] = defaultdict(int)
        self.worker_restarts = 0
        self.cache_hits = 0
        self.cache_misses = 0
        self.release_reloads = 0
        self.truncated = 0
        self.inline_queries = 0
        self.client_gone = 0

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests[(route, method, status)] += 1
        i = bisect_left(BUCKETS, seconds)  # the first bucket that holds it; render() adds up (cumulative)
        if i < len(BUCKETS):
            self.latency_buckets[route][i] += 1
        else:
            self.latency_buckets[route]  # noqa: B018  # the route shows with its +Inf count
        self.latency_sum[route] += seconds
        self.latency_count[route] += 1

    def refuse(self, reason: str) -> None:
        self.refusals[reason] += 1

    _COUNTERS = (
        "timeouts",
        "worker_restarts",
        "cache_hits",
        "cache_misses",
        "release_reloads",
        "truncated",
        "inline_queries",
        "client_gone",
    )

    def snapshot(self) -> dict[str, Any]:
        """Everything counted so far, as JSON-able data (`restore` reads it back)."""
        return {
            "requests": [[r, m, s, n] for (r, m, s), n in self.requests.items()],
            "latency_buckets": dict(self.latency_buckets),
            "latency_sum": dict(self.latency_sum),
            "latency_count": dict(self.latency_count),
            "refusals": dict(self.refusals),
            **{name: getattr(self, name) for name in self._COUNTERS},
        }

    @classmethod
    def restore(cls, data: dict[str, Any]) -> Metrics:
        m = cls()
        for route, method, status, n in data["requests"]:
            m.requests[(route, method, int(status))] = int(n)
        for route, buckets in data["latency_buckets"].items():
            m.latency_buckets[route] = [int(n) for n in buckets]
        m.latency_sum.update({k: float(v) for k, v in data["latency_sum"].items()})
        m.latency_count.update({k: int(v) for k, v in data["latency_count"].items()})
        m.refusals.update({k: int(v) for k, v in data["refusals"].items()})
        for name in cls._COUNTERS:
            setattr(m, name, int(data.get(name, 0)))
        return m

    def render(self, release_id: str | None, queries_in_flight: int) -> str:
        """This process's metrics (see render_all for several processes)."""
        return render_all([Process(os.getpid(), self, release_id, queries_in_flight)])


@dataclass
class Process:
    """One HTTP worker process's metrics, as rendered."""

    pid: int
    metrics: Metrics
    release_id: str | None
    queries_in_flight: int
    usage: dict[str, float] = field(default_factory=dict)  # query seconds per client (http.Fairness)
    listening: bool = True  # it accepts connections (web.reuseport.listening)


def render_all(processes: list[Process]) -> str:
    """The Prometheus text of several processes' metrics, each metric family once, a series per pid."""
    sec = "axiskg_request_duration_seconds"
    lines: list[str] = []

    def head(name: str, kind: str, help_: str) -> None:
        lines.append(f"# HELP {name} {help_}")
        lines.append(f"# TYPE {name} {kind}")

    def each(name: str, value: Any) -> None:
        for p in processes:
            lines.append(f'{name}{{pid="{p.pid}"}} {value(p)}')

    head("axiskg_requests_total", "counter", "HTTP requests by route, method and status.")
    for p in processes:
        for (route, method, status), n in sorted(p.metrics.requests.items()):
            labels = f'pid="{p.pid}",route="{route}",method="{method}",status="{status}"'
            lines.append(f"axiskg_requests_total{{{labels}}} {n}")
    head("axiskg_request_duration_seconds", "histogram", "Time to answer an HTTP request.")
    for p in processes:
        pid, m = p.pid, p.metrics
        for route, buckets in sorted(m.latency_buckets.items()):
            for bound, n in zip(BUCKETS, accumulate(buckets), strict=True):
                lines.append(f'{sec}_bucket{{pid="{pid}",route="{route}",le="{bound}"}} {n}')
            lines.append(f'{sec}_bucket{{pid="{pid}",route="{route}",le="+Inf"}} {m.latency_count[route]}')
            lines.append(f'{sec}_sum{{pid="{pid}",route="{route}"}} {m.latency_sum[route]:.6f}')
            lines.append(f'{sec}_count{{pid="{pid}",route="{route}"}} {m.latency_count[route]}')
    head(
        "axiskg_query_timeouts_total", "counter", "Queries stopped at the deadline (their worker was killed)."
    )
    each("axiskg_query_timeouts_total", lambda p: p.metrics.timeouts)
    head("axiskg_refusals_total", "counter", "Requests refused before execution, by reason.")
    for p in processes:
        for reason, n in sorted(p.metrics.refusals.items()):
            lines.append(f'axiskg_refusals_total{{pid="{p.pid}",reason="{reason}"}} {n}')
    head("axiskg_worker_restarts_total", "counter", "Query workers killed (deadline, crash) and replaced.")
    each("axiskg_worker_restarts_total", lambda p: p.metrics.worker_restarts)
    head("axiskg_results_truncated_total", "counter", "Answers cut at the row cap.")
    each("axiskg_results_truncated_total", lambda p: p.metrics.truncated)
    head(
        "axiskg_inline_queries_total",
        "counter",
        "Queries proved bounded and run in the web process instead of a query worker.",
    )
    each("axiskg_inline_queries_total", lambda p: p.metrics.inline_queries)
    head(
        "axiskg_client_gone_total",
        "counter",
        "Queries whose client disconnected before the answer: taken out of the queue or stopped.",
    )
    each("axiskg_client_gone_total", lambda p: p.metrics.client_gone)
    head("axiskg_cache_hits_total", "counter", "Answers served from the per-release response cache.")
    each("axiskg_cache_hits_total", lambda p: p.metrics.cache_hits)
    head("axiskg_cache_misses_total", "counter", "Cacheable answers that had to be computed.")
    each("axiskg_cache_misses_total", lambda p: p.metrics.cache_misses)
    head("axiskg_release_reloads_total", "counter", "New releases picked up while running.")
    each("axiskg_release_reloads_total", lambda p: p.metrics.release_reloads)
    head("axiskg_queries_in_flight", "gauge", "Queries running or waiting for a worker.")
    each("axiskg_queries_in_flight", lambda p: p.queries_in_flight)
    head("axiskg_release_info", "gauge", "The release being served.")
    for p in processes:
        lines.append(f'axiskg_release_info{{pid="{p.pid}",id="{p.release_id or ""}"}} 1')
    return "\n".join(lines) + "\n"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_snapshot(run_dir: Path, process: Process) -> None:
    """This process's metrics into run_dir, atomically (a reader never sees half a file)."""
    data = {
        "pid": process.pid,
        "release_id": process.release_id,
        "queries_in_flight": process.queries_in_flight,
        "metrics": process.metrics.snapshot(),
        "usage": process.usage,
        "listening": process.listening,
    }
    tmp = run_dir / f".{SNAPSHOT_PREFIX}{process.pid}.tmp"
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(run_dir / f"{SNAPSHOT_PREFIX}{process.pid}.json")


def read_snapshots(run_dir: Path, exclude: int) -> list[Process]:
    """The latest snapshots of the other live HTTP worker processes (files of exited ones are removed)."""
    found: list[Process] = []
    for path in sorted(run_dir.glob(f"{SNAPSHOT_PREFIX}*.json")):
        try:
            pid = int(path.stem[len(SNAPSHOT_PREFIX) :])
        except ValueError:
            continue
        if pid == exclude:
            continue
        if not _alive(pid):
            with contextlib.suppress(OSError):
                path.unlink()
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            found.append(
                Process(
                    pid,
                    Metrics.restore(data["metrics"]),
                    data["release_id"],
                    data["queries_in_flight"],
                    {str(k): float(v) for k, v in data.get("usage", {}).items()},
                    bool(data.get("listening", True)),
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("unreadable metrics snapshot %s", path)
    return found
