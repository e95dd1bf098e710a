"""Latency of the researchers' pages against a live `axiskg serve` (p50/p95 per page type).

Usage: .venv/bin/python bench/web/run.py [--release DIR] [--n 200] [--out bench/web/RESULTS.md]

Builds the repository's release (unless --release is given), starts a real server on 127.0.0.1, warms every
page once, then sends N sequential GET requests per page type (cycling over many entities so that response
caches do not hide rendering) and writes a Markdown table. Only loopback traffic; bounded in count.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from itertools import cycle, islice
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))

from axiskg.build import build  # noqa: E402
from conftest import start_server, stop_server  # noqa: E402


def percentile(xs: list[float], p: float) -> float:
    s = sorted(xs)
    k = max(0, min(len(s) - 1, round(p / 100 * (len(s) - 1))))
    return s[k]


def page_sets(client: httpx.Client) -> dict[str, list[str]]:
    net = client.get("/network.json").json()
    tl = client.get("/timeline.json").json()
    by_kind: dict[str, list[str]] = {}
    for n in net["nodes"]:
        by_kind.setdefault(n["kind"], []).append(n["url"])
    reports = [r["url"] for r in net["reports"]]
    events = [i["url"] for i in tl["items"] if i["kind"] == "event"]
    names = ["khazali", "kata'ib", "hizbullah brigades", "tehran", "quds", "ameri", "badr", "sistani"]
    return {
        "home /": ["/"],
        "search /search?q=": [f"/search?q={q}" for q in names],
        "search JSON /search.json?q=": [f"/search.json?q={q}" for q in names],
        "query editor /query": ["/query"],
        "canned queries /queries": ["/queries"],
        "canned query /queries/NAME": ["/queries/claims-per-report", "/queries/actors-by-kind"],
        "entity: person": by_kind.get("person", []),
        "entity: organization": by_kind.get("org", []),
        "meeting page": by_kind.get("meeting", []),
        "event page": events,
        "report page": reports,
        "network /network": ["/network"],
        "network JSON": ["/network.json"],
        "timeline /timeline": ["/timeline"],
        "timeline JSON": ["/timeline.json"],
        "ontology /ontology": ["/ontology"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--release", type=Path, help="a release output dir (default: build the repository's)")
    ap.add_argument("--n", type=int, default=200, help="requests per page type")
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("RESULTS.md"))
    args = ap.parse_args()

    out = args.release
    if out is None:
        out = Path(tempfile.mkdtemp(prefix="axiskg-bench-web-"))
        build(REPO, out, check=False)
    proc, url = start_server(out)
    rows = []
    try:
        with httpx.Client(base_url=url, headers={"Accept": "text/html"}, timeout=30) as client:
            t0 = time.perf_counter()
            assert client.get("/network.json").status_code == 200
            first_ms = (
                time.perf_counter() - t0
            ) * 1000  # includes the one-time in-memory index of the release
            sets = {k: v for k, v in page_sets(client).items() if v}
            first: dict[str, list[float]] = {}
            for name, paths in sets.items():  # first request of every distinct page (no response cache yet)
                for p in dict.fromkeys(paths):
                    t0 = time.perf_counter()
                    assert client.get(p).status_code == 200, p
                    first.setdefault(name, []).append((time.perf_counter() - t0) * 1000)
            for name, paths in sets.items():
                times = []
                for p in islice(cycle(paths), args.n):
                    t0 = time.perf_counter()
                    r = client.get(p)
                    times.append((time.perf_counter() - t0) * 1000)
                    assert r.status_code == 200, (p, r.status_code)
                rows.append(
                    (
                        name,
                        len(set(paths)),
                        statistics.median(times),
                        percentile(times, 95),
                        max(times),
                        percentile(first[name], 95),
                    )
                )
                print(f"{name:34} p50 {rows[-1][2]:7.1f} ms  p95 {rows[-1][3]:7.1f} ms", flush=True)
    finally:
        stop_server(proc)

    lines = [
        "# Web pages: latency against a live `axiskg serve`",
        "",
        " ".join(
            [
                f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `bench/web/run.py --n {args.n}`",
                f"on the repository's data ({platform.machine()}, Python {platform.python_version()}):",
                "sequential GETs from one client on 127.0.0.1, after one first request per distinct page;",
                "each row then cycles over its distinct pages. Target: p95 < 100 ms.",
                "The server keeps recent responses in its cache, so the last column (p95 of the first",
                "request of each distinct page, rendered from the in-memory index) is the uncached time.",
                f"The first request after a release is loaded builds that index: {first_ms:.0f} ms,",
                "once per release.",
            ]
        ),
        "",
        "| page type | distinct pages | p50 ms | p95 ms | max ms | first request p95 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *[
            f"| {n} | {d} | {p50:.1f} | {p95:.1f} | {mx:.1f} | {f95:.1f} |"
            for n, d, p50, p95, mx, f95 in rows
        ],
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
