"""CPU time per request of `axiskg serve` (and optionally native oxigraph) on the lookup scenario.

Throughput on a shared, busy machine is noisy; CPU seconds spent by the server's process tree divided by the
requests wrk completed is not (much). The figure is split by process role: the ASGI server's main process, the
HTTP worker process(es) and the query worker processes.

Usage: python bench/server/cpu.py [--size 100000] [--duration 10] [--native] [--rounds 1] [-- serve args]
Needs the release written by run.py (bench/out/server-SIZE) or writes it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import (  # noqa: E402
    LOOKUP,
    ROOT,
    free_port,
    lua_get,
    sparql_path,
    start_axiskg,
    start_native,
    stop,
    wrk,
)

TICK = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> dict[int, tuple[str, float]]:
    """{pid: (role, cpu seconds)} over pid and its descendants."""
    out: dict[int, tuple[str, float]] = {}
    stack = [(pid, 0)]
    while stack:
        p, depth = stack.pop()
        if p in out:
            continue
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
            cmd = Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = stat.rsplit(")", 1)[1].split()
            cpu = (int(fields[11]) + int(fields[12])) / TICK
            role = (
                "query worker" if "axiskg.web.workers" in cmd else ("main" if depth == 0 else "http worker")
            )
            out[p] = (role, cpu)
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [(int(c), depth + 1) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def measure(proc_pid: int, url: str, script: str, duration: int) -> tuple[int, dict[str, float]]:
    wrk(url, script, 2)  # warm up
    before = tree(proc_pid)
    r = wrk(url, script, duration)
    after = tree(proc_pid)
    n = int(r["requests"])
    roles: dict[str, float] = {}
    for p, (role, cpu) in after.items():
        roles[role] = roles.get(role, 0.0) + cpu - before.get(p, (role, 0.0))[1]
    return n, {k: v / n * 1000 for k, v in roles.items()} | {"rps": r["rps"], "errors": r["errors"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--native", action="store_true")
    ap.add_argument("--path", default="", help="GET this path instead of the lookup (XIDX: random person)")
    ap.add_argument("extra", nargs="*", help="extra `axiskg serve` arguments")
    args = ap.parse_args()
    out = ROOT / "bench" / "out" / f"server-{args.size}"
    if not (out / "current" / "release.json").is_file():
        from gen import write_release

        write_release(out, args.size)
    n_persons = max(10, args.size // 60)
    path = args.path or sparql_path(LOOKUP)
    if args.native:
        port = free_port()
        proc = start_native((out / "current").resolve() / "store", port)
        script = lua_get(path.replace("/sparql", "/query"), n_persons)
    else:
        port = free_port()
        extra = args.extra or ["--workers", "1", "--query-workers", "2", "--cache-mb", "0"]
        proc = start_axiskg(out, port, *extra)
        script = lua_get(path, n_persons)
    try:
        for _ in range(args.rounds):
            n, res = measure(proc.pid, f"http://127.0.0.1:{port}", script, args.duration)
            cpu = {k: v for k, v in res.items() if k not in ("rps", "errors")}
            parts = "  ".join(f"{k} {v:.3f}" for k, v in sorted(cpu.items()))
            print(
                f"{time.strftime('%H:%M:%S')} {n} requests {res['rps']:.0f} req/s errors {int(res['errors'])}"
                f"  CPU ms/request: total {sum(cpu.values()):.3f}  {parts}",
                flush=True,
            )
    finally:
        stop(proc)


if __name__ == "__main__":
    main()
