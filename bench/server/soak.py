"""Soak: does `axiskg serve` hold its memory over a long run of mixed traffic?

wrk sends a mix for --minutes (SPARQL lookups by GET and POST, queries never seen before, entity documents in
Turtle, JSON-LD and HTML, unknown IRIs, syntax errors, gzip), while a second client sends, every few seconds,
a query that runs past the deadline (its query worker is killed and replaced) and a SERVICE call (refused).
The resident memory of each process role (main, HTTP workers, query workers) is sampled every --every
seconds; the report compares the first sample after the warm-up with the last.

Usage: python bench/server/soak.py [--size 100000] [--minutes 10] [--every 15] [-- serve args]
Needs the release written by run.py (bench/out/server-SIZE).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import ROOT, free_port, start_axiskg, stop  # noqa: E402

from axiskg import iris  # noqa: E402

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SERVICE = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"


def mix_script(n_ids: int) -> str:
    base = iris.BASE + "id/person/p"
    lookup = urllib.parse.quote(f"SELECT ?p ?o WHERE {{ <{base}XIDX> ?p ?o }}", safe="")
    fresh = urllib.parse.quote("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3 # XNONCE", safe="")
    bad = urllib.parse.quote("SELECT * WHERE { ?s ?p }", safe="")
    construct = urllib.parse.quote(f"CONSTRUCT WHERE {{ <{base}XIDX> ?p ?o }}", safe="")
    return f"""
local n = {n_ids}
local nonce = 0
local kinds = {{
  {{40, "GET", "/sparql?query={lookup}", "application/sparql-results+json"}},
  {{10, "POST", "/sparql", "application/sparql-results+xml"}},
  {{10, "GET", "/sparql?query={fresh}", "text/csv"}},
  {{10, "GET", "/id/person/pXIDX.ttl", "text/turtle"}},
  {{5, "GET", "/id/person/pXIDX", "application/ld+json"}},
  {{5, "GET", "/id/person/pXIDX", "text/html"}},
  {{5, "GET", "/id/person/nobody-XIDX", "text/turtle"}},
  {{5, "GET", "/sparql?query={bad}", "application/sparql-results+json"}},
  {{10, "GET", "/sparql?query={construct}", "text/turtle"}},
}}
function init(args) math.randomseed(math.floor(os.clock() * 1000000) + os.time()) end
request = function()
  local r = math.random(1, 100)
  local k = kinds[1]
  for _, kind in ipairs(kinds) do
    if r <= kind[1] then k = kind break end
    r = r - kind[1]
  end
  local id = tostring(math.random(0, n - 1))
  nonce = nonce + 1
  local path = string.gsub(k[3], "XIDX", id)
  path = string.gsub(path, "XNONCE", tostring(nonce) .. "-" .. tostring(math.random()))
  local headers = {{["Accept"] = k[4], ["Accept-Encoding"] = "gzip"}}
  if k[2] == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", path, headers, "query=" .. string.gsub("{lookup}", "XIDX", id))
  end
  return wrk.format("GET", path, headers)
end
"""


def roles_rss_mb(pid: int) -> dict[str, float]:
    """{role: summed VmRSS in MB} over pid's process tree (roles as in cpu.py)."""
    from cpu import tree

    out: dict[str, float] = {}
    for p, (role, _) in tree(pid).items():
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        out[role] = out.get(role, 0.0) + kb / 1024
    return out


def hostile(url: str, stop_event: threading.Event, every: float, counts: dict[str, int]) -> None:
    """Runaway queries (cut at the deadline) and SERVICE calls (refused), one of each every `every` s."""
    with httpx.Client(timeout=60) as client:
        while not stop_event.wait(every):
            for query in (RUNAWAY, SERVICE):
                try:
                    status = str(client.get(url + "/sparql", params={"query": query}).status_code)
                except httpx.HTTPError as exc:  # the server stopping at the end of the run
                    status = type(exc).__name__
                counts[status] = counts.get(status, 0) + 1


def metric(url: str, name: str) -> float:
    text = httpx.get(url + "/metrics").text
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--every", type=float, default=15, help="seconds between memory samples")
    ap.add_argument("--warmup", type=float, default=60, help="seconds before the first counted sample")
    ap.add_argument("serve_args", nargs="*")
    args = ap.parse_args()
    out = ROOT / "bench" / "out" / f"server-{args.size}"
    if not (out / "current").exists():
        raise SystemExit(f"no release at {out}: run `python bench/server/run.py --sizes {args.size}` first")
    n_ids = max(10, args.size // 60)
    port = free_port()
    serve = args.serve_args or ["--workers", "2", "--query-workers", "1", "--timeout", "2"]
    proc = start_axiskg(out, port, *serve)
    url = f"http://127.0.0.1:{port}"
    script = Path(f"/tmp/axiskg-soak-{port}.lua")
    script.write_text(mix_script(n_ids))
    stop_event = threading.Event()
    counts: dict[str, int] = {}
    side = threading.Thread(target=hostile, args=(url, stop_event, 5.0, counts), daemon=True)
    total = int(args.minutes * 60)
    wrk = subprocess.Popen(
        ["wrk", "-t2", "-c8", f"-d{total}s", "--timeout", "30s", "-s", str(script), url],
        stdout=subprocess.PIPE,
        text=True,
    )
    side.start()
    samples: list[tuple[float, dict[str, float]]] = []
    started = time.monotonic()
    try:
        while wrk.poll() is None:
            time.sleep(args.every)
            elapsed = time.monotonic() - started
            rss = roles_rss_mb(proc.pid)
            samples.append((elapsed, rss))
            print(
                f"{elapsed:6.0f} s  " + "  ".join(f"{k} {v:7.1f} MB" for k, v in sorted(rss.items())),
                flush=True,
            )
        report = wrk.stdout.read() if wrk.stdout else ""
        restarts = metric(url, "axiskg_worker_restarts_total")
        timeouts = metric(url, "axiskg_query_timeouts_total")
    finally:
        stop_event.set()
        stop(proc)
        script.unlink(missing_ok=True)
    print(report)
    print("side client answers:", counts, "worker restarts:", restarts, "timeouts:", timeouts)
    counted = [s for s in samples if s[0] >= args.warmup]
    if len(counted) >= 2:
        (t0, first), (t1, last) = counted[0], counted[-1]
        print(f"resident memory from {t0:.0f} s to {t1:.0f} s:")
        for role in sorted(set(first) | set(last)):
            a, b = first.get(role, 0.0), last.get(role, 0.0)
            print(f"  {role:13} {a:7.1f} -> {b:7.1f} MB ({b - a:+.1f})")


if __name__ == "__main__":
    main()
