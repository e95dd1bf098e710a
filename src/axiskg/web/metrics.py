"""Prometheus text exposition of the server's counters (per HTTP worker process, labelled by pid)."""

from __future__ import annotations

import os
from bisect import bisect_left
from collections import defaultdict
from itertools import accumulate

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

    def render(self, release_id: str | None, queries_in_flight: int) -> str:
        pid = os.getpid()
        sec = "axiskg_request_duration_seconds"
        lines: list[str] = []

        def head(name: str, kind: str, help_: str) -> None:
            lines.append(f"# HELP {name} {help_}")
            lines.append(f"# TYPE {name} {kind}")

        head("axiskg_requests_total", "counter", "HTTP requests by route, method and status.")
        for (route, method, status), n in sorted(self.requests.items()):
            labels = f'pid="{pid}",route="{route}",method="{method}",status="{status}"'
            lines.append(f"axiskg_requests_total{{{labels}}} {n}")
        head("axiskg_request_duration_seconds", "histogram", "Time to answer an HTTP request.")
        for route, buckets in sorted(self.latency_buckets.items()):
            for bound, n in zip(BUCKETS, accumulate(buckets), strict=True):
                lines.append(f'{sec}_bucket{{pid="{pid}",route="{route}",le="{bound}"}} {n}')
            lines.append(f'{sec}_bucket{{pid="{pid}",route="{route}",le="+Inf"}} {self.latency_count[route]}')
            lines.append(f'{sec}_sum{{pid="{pid}",route="{route}"}} {self.latency_sum[route]:.6f}')
            lines.append(f'{sec}_count{{pid="{pid}",route="{route}"}} {self.latency_count[route]}')
        head(
            "axiskg_query_timeouts_total",
            "counter",
            "Queries stopped at the deadline (their worker was killed).",
        )
        lines.append(f'axiskg_query_timeouts_total{{pid="{pid}"}} {self.timeouts}')
        head("axiskg_refusals_total", "counter", "Requests refused before execution, by reason.")
        for reason, n in sorted(self.refusals.items()):
            lines.append(f'axiskg_refusals_total{{pid="{pid}",reason="{reason}"}} {n}')
        head(
            "axiskg_worker_restarts_total", "counter", "Query workers killed (deadline, crash) and replaced."
        )
        lines.append(f'axiskg_worker_restarts_total{{pid="{pid}"}} {self.worker_restarts}')
        head("axiskg_results_truncated_total", "counter", "Answers cut at the row cap.")
        lines.append(f'axiskg_results_truncated_total{{pid="{pid}"}} {self.truncated}')
        head(
            "axiskg_inline_queries_total",
            "counter",
            "Queries proved bounded and run in the web process instead of a query worker.",
        )
        lines.append(f'axiskg_inline_queries_total{{pid="{pid}"}} {self.inline_queries}')
        head("axiskg_cache_hits_total", "counter", "Answers served from the per-release response cache.")
        lines.append(f'axiskg_cache_hits_total{{pid="{pid}"}} {self.cache_hits}')
        head("axiskg_cache_misses_total", "counter", "Cacheable answers that had to be computed.")
        lines.append(f'axiskg_cache_misses_total{{pid="{pid}"}} {self.cache_misses}')
        head("axiskg_release_reloads_total", "counter", "New releases picked up while running.")
        lines.append(f'axiskg_release_reloads_total{{pid="{pid}"}} {self.release_reloads}')
        head("axiskg_queries_in_flight", "gauge", "Queries running or waiting for a worker.")
        lines.append(f'axiskg_queries_in_flight{{pid="{pid}"}} {queries_in_flight}')
        head("axiskg_release_info", "gauge", "The release being served.")
        lines.append(f'axiskg_release_info{{pid="{pid}",id="{release_id or ""}"}} 1')
        return "\n".join(lines) + "\n"
