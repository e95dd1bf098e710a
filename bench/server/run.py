"""Benchmark `axiskg serve` against native `oxigraph serve-read-only` on the same store, with wrk.

For each size (default 100k and 1M synthetic triples, see gen.py) it builds a release, then runs the same
query mix against both servers, one wrk at a time (the servers run side by side and are measured in
turn, --rounds times for the lookup and the aggregate, so both see the same minutes of a shared machine),
and writes throughput, p50/p99 latency and the peak
memory (RSS summed over the server's process tree) to bench/server/RESULTS.md.

Scenarios (8 connections, 2 wrk threads, --duration seconds each, after an unrecorded 2 s warm-up pass):
- lookup:    one-entity lookup, a random person per request (uncacheable: axiskg runs with --cache-mb 0);
             also served by floor_app.py, the least any ASGI app on pyoxigraph can do (the stack's floor)
- aggregate: full-scan aggregate (GROUP BY over every triple), uncacheable (axiskg --cache-mb 0), at least
             20 s a run (about a second a query at 1M)
- canned:    the aggregate repeated; axiskg answers from its per-release response cache (warmed once)
- entity:    /id/person/pN.ttl Linked Data description (axiskg only; native has no equivalent)

axiskg runs with --client-concurrency 0 --client-budget 0 because wrk is a single client (the per-client
limits would otherwise throttle it, as designed) and --no-access-log.

Usage: python bench/server/run.py [--sizes 100000,1000000] [--duration 10] [--rounds 3] [--compare-servers]
(w = HTTP worker processes, q = query worker processes per HTTP worker.)
Needs: wrk (apt-get install wrk), the oxigraph CLI (PyPI package `oxigraph`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
from gen import write_release  # noqa: E402

LOOKUP = "SELECT ?p ?o WHERE { <https://w3id.org/axiskg/id/person/pXIDX> ?p ?o }"
AGGREGATE = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)"
ACCEPT = "application/sparql-results+json"
FLOOR = "floor: bare ASGI + pyoxigraph, uvicorn w2"
BIN = Path(sys.executable).parent


@dataclass
class Result:
    size: int
    scenario: str
    server: str
    rps: float
    p50_ms: float
    p99_ms: float
    peak_mb: float
    errors: int
    requests: int
    ratios: list[float] = field(default_factory=list)  # each round's req/s over native's, sorted
    p99_ratios: list[float] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} not ready")


def tree_rss_mb(pid: int) -> float:
    """Sum of VmRSS over pid and its descendants."""
    total = 0
    stack = [pid]
    seen = set()
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                stack += [int(c) for c in children]
        except OSError:
            continue
    return total / 1024


class PeakSampler:
    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0.0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_mb(self.pid))
            self._stop.wait(0.2)

    def __enter__(self) -> PeakSampler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.thread.join()


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        return float("nan")
    v, unit = float(m.group(1)), m.group(2)
    return {"us": v / 1000, "ms": v, "s": v * 1000, "m": v * 60_000}[unit]


def _cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies of all CPUs since boot (/proc/stat)."""
    with open("/proc/stat", encoding="ascii") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return fields[3] + fields[4], sum(fields)  # idle + iowait


def wait_idle(threshold: float = 0.85, window: float = 0.5, limit: float = 60.0) -> float:
    """Wait until the machine's CPUs are at least `threshold` idle over `window` seconds (at most `limit`
    seconds); the seconds waited. A server whose client went away may go on running its queries: native
    oxigraph runs every accepted query to its end (up to 8 full scans of ~1 s after a heavy round), which
    would otherwise run into the next server's measured round."""
    if not os.path.exists("/proc/stat"):
        return 0.0
    start = time.monotonic()
    idle0, total0 = _cpu_times()
    while time.monotonic() - start < limit:
        time.sleep(window)
        idle1, total1 = _cpu_times()
        busy = 1 - (idle1 - idle0) / max(1, total1 - total0)
        idle0, total0 = idle1, total1
        if busy <= 1 - threshold:
            break
    return time.monotonic() - start


def wrk(url: str, script: str, duration: int, connections: int = 8) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout",
                "60s",
                "--latency",
                "-s",
                f.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    res = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "requests": float(re.search(r"(\d+) requests in", out).group(1)),
    }  # type: ignore[union-attr]
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", out, re.M)
        res["p" + pct] = _ms(m.group(1)) if m else float("nan")
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errs = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errs += sum(int(x) for x in m.groups())
    res["errors"] = errs
    return res


def lua_get(path: str, n_ids: int = 0) -> str:
    return f"""
local path = "{path}"
local n = {n_ids}
function init(args) math.randomseed(math.floor(os.clock() * 1000000) + os.time()) end
request = function()
  local p = path
  if n > 0 then p = string.gsub(path, "XIDX", tostring(math.random(0, n - 1))) end
  return wrk.format("GET", p, {{["Accept"] = "{ACCEPT}"}})
end
"""


def sparql_path(query: str) -> str:
    return "/sparql?query=" + urllib.parse.quote(query, safe="").replace("XIDX", "XIDX")


def start_native(store: Path, port: int) -> subprocess.Popen[bytes]:
    cmd = [
        str(BIN / "oxigraph"),
        "serve-read-only",
        "--location",
        str(store),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    wait_ready(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", proc)
    return proc


def start_axiskg(out: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "axiskg",
        "serve",
        "--release",
        str(out),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--client-concurrency",
        "0",
        "--client-budget",
        "0",
        "--no-access-log",
        "--timeout",
        "120",
        *extra,
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    wait_ready(f"http://127.0.0.1:{port}/health", proc)
    return proc


def start_floor(store: Path, port: int) -> subprocess.Popen[bytes]:
    """floor_app.py (the stack's floor: ASGI + pyoxigraph, nothing else) on uvicorn (uvloop, httptools), two
    worker processes: as axiskg runs by default."""
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--workers",
        "2",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "floor_app:app",
    ]
    env = {**os.environ, "FLOOR_STORE": str(store)}
    proc = subprocess.Popen(
        cmd, cwd=HERE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    wait_ready(f"http://127.0.0.1:{port}/?query=ASK%7B%7D", proc)
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def bench_size(size: int, duration: int, compare_servers: bool, rounds: int) -> list[Result]:
    out = ROOT / "bench" / "out" / f"server-{size}"
    if not (out / "current" / "release.json").is_file():
        shutil.rmtree(out, ignore_errors=True)
        print(f"generating {size} triples in {out}", flush=True)
        write_release(out, size)
    store = (out / "current").resolve() / "store"
    n_persons = max(10, size // 60)
    results: list[Result] = []
    lookup = lua_get(sparql_path(LOOKUP), n_persons)
    aggregate = lua_get(sparql_path(AGGREGATE))
    heavy_duration = max(duration, 20)  # a heavy query takes ~1 s at 1M: a window of ~100 answers

    def measure(
        label: str, proc: subprocess.Popen[bytes], port: int, scenario: str, script: str, d: int
    ) -> Result:
        wait_idle()  # what the server measured before left running (wait_idle)
        wrk(f"http://127.0.0.1:{port}", script, 2)  # warm-up pass, not recorded (workers, page cache)
        wait_idle()
        with PeakSampler(proc.pid) as sampler:
            r = wrk(f"http://127.0.0.1:{port}", script, d)
        result = Result(
            size,
            scenario,
            label,
            r["rps"],
            r["p50"],
            r["p99"],
            sampler.peak,
            int(r["errors"]),
            int(r["requests"]),
        )
        print(
            f"  {size} {scenario:10} {label:28} {r['rps']:9.1f} req/s  p50 {r['p50']:8.2f} ms  "
            f"p99 {r['p99']:8.2f} ms  peak {sampler.peak:7.0f} MB  errors {int(r['errors'])}",
            flush=True,
        )
        return result

    def alternate(
        scenario: str, servers: list[tuple[str, subprocess.Popen[bytes], int, str]], d: int
    ) -> None:
        """`rounds` runs of each server in turn (native, axiskg, native, axiskg...), so that both see the
        same minutes of this shared machine; the median run of each is recorded, with every round's
        ratio to native's run of the same round."""
        runs: dict[str, list[Result]] = {label: [] for label, _, _, _ in servers}
        for _ in range(rounds):
            for label, proc, port, script in servers:
                runs[label].append(measure(label, proc, port, scenario, script, d))
        native = runs[servers[0][0]]
        for label, _, _, _ in servers:
            rs = runs[label]
            med = Result(
                size,
                scenario,
                label,
                statistics.median(r.rps for r in rs),
                statistics.median(r.p50_ms for r in rs),
                statistics.median(r.p99_ms for r in rs),
                max(r.peak_mb for r in rs),
                sum(r.errors for r in rs),
                sum(r.requests for r in rs),
            )
            if label != servers[0][0]:
                med.ratios = sorted(r.rps / n.rps for r, n in zip(rs, native, strict=True) if n.rps)
                med.p99_ratios = sorted(
                    r.p99_ms / n.p99_ms for r, n in zip(rs, native, strict=True) if n.p99_ms
                )
            results.append(med)

    variants = [("axiskg uvicorn w2 q1", ("--server", "uvicorn", "--workers", "2", "--query-workers", "1"))]
    if compare_servers:
        variants += [
            ("axiskg granian w2 q1", ("--server", "granian", "--workers", "2", "--query-workers", "1")),
            ("axiskg uvicorn w1 q2", ("--server", "uvicorn", "--workers", "1", "--query-workers", "2")),
        ]
    # native oxigraph and every axiskg variant run side by side (an idle server costs nothing) and are
    # measured in turn
    procs: list[subprocess.Popen[bytes]] = []
    try:
        port = free_port()
        procs.append(start_native(store, port))
        native = ("oxigraph serve-read-only", procs[-1], port)
        port = free_port()
        procs.append(start_floor(store, port))
        floor = (FLOOR, procs[-1], port)
        axiskg = []
        for label, args in variants:
            port = free_port()
            procs.append(start_axiskg(out, port, "--cache-mb", "0", *args))
            axiskg.append((label, procs[-1], port))
        time.sleep(2)
        native_lookup = lua_get(sparql_path(LOOKUP).replace("/sparql", "/query"), n_persons)
        native_aggregate = lua_get(sparql_path(AGGREGATE).replace("/sparql", "/query"))
        alternate(
            "lookup", [(*native, native_lookup), (*floor, lookup)] + [(*v, lookup) for v in axiskg], duration
        )
        alternate("aggregate", [(*native, native_aggregate), (*axiskg[0], aggregate)], heavy_duration)
        results.append(measure(*native, "canned", native_aggregate, heavy_duration))
        entity = lua_get("/id/person/pXIDX.ttl", n_persons)
        results.append(measure(*axiskg[0], "entity", entity, duration))
    finally:
        for proc in procs:
            stop(proc)
    label, args = variants[0]
    port = free_port()
    proc = start_axiskg(out, port, *args)
    try:  # warm the cache of every HTTP worker process (each has its own): concurrent connections
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}" + sparql_path(AGGREGATE), headers={"Accept": ACCEPT}
        )
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: urllib.request.urlopen(request, timeout=300).read(), range(32)))
        results.append(measure(label + " cached", proc, port, "canned", aggregate, duration))
    finally:
        stop(proc)
    return results


HEADER = """Written by `bench/server/run.py` on {when}: wrk, 2 threads, 8 connections, {duration} s
per scenario (heavy ones at least 20 s), same store, one wrk at a time, on this {cpus}-core machine
(shared with other work, so the figures are noisy). Lookup and aggregate: {rounds} rounds, the servers
measured in turn within each round (native first); each row is the median round, "vs native" the median of
the rounds' ratios to native's run of the same round, with their range. Peak memory is the RSS summed
over the server's process tree (query workers included; store pages mapped by several processes count once
per process).
w = HTTP worker processes, q = query worker processes per HTTP worker. Native runs with
--union-default-graph so that both servers answer the same queries over the same default graph."""


def write_markdown(results: list[Result], path: Path, duration: int, rounds: int = 1) -> None:
    native = {(r.size, r.scenario): r for r in results if r.server.startswith("oxigraph")}
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "# axiskg serve vs oxigraph serve-read-only",
        "",
        HEADER.format(when=when, duration=duration, cpus=os.cpu_count(), rounds=rounds),
        "",
        "| triples | scenario | server | req/s | vs native | p50 ms | p99 ms | p99 vs native | peak MB "
        "| errors |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        nat = native.get((r.size, r.scenario))
        ratio = f"{r.rps / nat.rps:.3g}x" if nat and nat.rps and r is not nat else ""
        p99r = f"{r.p99_ms / nat.p99_ms:.3g}x" if nat and nat.p99_ms and r is not nat else ""
        if len(r.ratios) > 1:  # paired rounds: the median round's ratio and the range
            ratio = f"{statistics.median(r.ratios):.3g}x ({r.ratios[0]:.2f}-{r.ratios[-1]:.2f})"
            p99r = f"{statistics.median(r.p99_ratios):.3g}x ({r.p99_ratios[0]:.2f}-{r.p99_ratios[-1]:.2f})"
        lines.append(
            f"| {r.size:,} | {r.scenario} | {r.server} | {r.rps:,.1f} | {ratio} | {r.p50_ms:.2f} | "
            f"{r.p99_ms:.2f} | {p99r} | {r.peak_mb:,.0f} | {r.errors} |"
        )
    lines += [
        "",
        "Queries:",
        "",
        f"- lookup: `{LOOKUP}` (XIDX random per request)",
        f"- aggregate / canned: `{AGGREGATE}`",
        "- entity: `GET /id/person/pXIDX.ttl` (own triples, claims with provenance, labels, incoming links)",
        "",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument(
        "--compare-servers", action="store_true", help="also run granian w2 q1 and uvicorn w1 q2 on lookup"
    )
    ap.add_argument(
        "--rounds", type=int, default=3, help="alternating runs of each server (lookup, aggregate)"
    )
    ap.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")
    results: list[Result] = []
    for size in [int(s) for s in args.sizes.split(",")]:
        results += bench_size(size, args.duration, args.compare_servers, args.rounds)
        write_markdown(results, args.output, args.duration, args.rounds)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
