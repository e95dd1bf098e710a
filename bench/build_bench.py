"""Build benchmark: each step of `axiskg build` per size, against the bare baselines on the same files.

For each size (default 10k, 100k, 1M synthetic triples from bench/gen.py; add 5000000 with --sizes) it runs,
each in a fresh process, one at a time:
- baseline `bulk_load`: pyoxigraph `Store.bulk_load` of every ontology/ and data/ file into an on-disk store;
- baseline `pyshacl`: rdflib parse of ontology/ + data/ (timed apart) and `pyshacl.validate(data,
  shacl_graph=shapes)` with the repository's shapes;
- `steps`: the library's step functions one after the other, each timed: parse (`load.parse_project`),
  validate (`validate.validate_parsed`, the full SHACL check), load (`Store.bulk_extend`), derive
  (`derive.derive`), dumps (`dumps.write_dumps`);
- `build`: the whole `axiskg.build.build` (validation in a forked child beside load..store, as shipped),
  cold: no earlier release in the output dir, so the validation is a full one;
- `rebuild`: then one report file is edited (a claim's hedge changes and a meeting with its claims is added)
  and `build` runs again into the same output dir (what a curator waits for after an edit).
Peak memory is the PSS summed over the measured process tree (sampled every 100 ms from /proc/*/smaps_rollup,
children such as the validating fork included: pages a fork shares with its parent count once, split between
them), and at least `getrusage(RUSAGE_CHILDREN).ru_maxrss` (the largest single process). The log also gives
the
RSS summed over the tree (shared pages counted in every process), an upper bound.
The ratio column is the seconds over the baseline of the same size (bulk_load + pyshacl parse + validate).
A last line times `axiskg build` of the repository's own data from a cold process (median of 5).

Usage: python bench/build_bench.py [--sizes 10000,100000,1000000] [--out bench/out]
                                   [--results bench/RESULTS.md] [--src DIR] [--skip-baselines]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from gen import generate  # noqa: E402

PY = sys.executable
CHILD_ENV = dict(os.environ)  # --src puts another source tree first on the children's path


# --- child side: one measurement, JSON on stdout ----------------------------------------------------------


def _files(root: Path, folders: tuple[str, ...]) -> list[Path]:
    return [p for f in folders for p in sorted((root / f).glob("*.ttl"))]


def child_bulk_load(root: Path) -> dict[str, float]:
    import pyoxigraph as ox

    with tempfile.TemporaryDirectory(dir=root) as d:
        t = time.perf_counter()
        store = ox.Store(d)
        for p in _files(root, ("ontology", "data")):
            store.bulk_load(
                path=str(p),
                format=ox.RdfFormat.TURTLE,
                to_graph=ox.NamedNode(f"https://w3id.org/axiskg/graph/{p.stem}"),
            )
        store.flush()
        n = len(store)
        dt = time.perf_counter() - t
        del store
    return {"bulk_load": dt, "quads": n}


def child_pyshacl(root: Path) -> dict[str, float]:
    import pyshacl
    from rdflib import Graph

    t = time.perf_counter()
    data = Graph()
    for p in _files(root, ("ontology", "data")):
        data.parse(p, format="turtle")
    shapes = Graph()
    for p in _files(root, ("shapes",)):
        shapes.parse(p, format="turtle")
    parse = time.perf_counter() - t
    t = time.perf_counter()
    conforms, _g, _t = pyshacl.validate(data, shacl_graph=shapes)
    return {"pyshacl_parse": parse, "pyshacl_validate": time.perf_counter() - t, "conforms": bool(conforms)}


def child_steps(root: Path) -> dict[str, float]:
    import pyoxigraph as ox

    from axiskg.derive import derive
    from axiskg.dumps import write_dumps
    from axiskg.load import parse_project
    from axiskg.project import Project
    from axiskg.validate import validate_parsed

    out: dict[str, float] = {}
    t = time.perf_counter()
    parsed = parse_project(Project.at(root))
    out["parse"] = time.perf_counter() - t
    t = time.perf_counter()
    report = validate_parsed(parsed)
    out["validate"] = time.perf_counter() - t
    out["conforms"] = report.conforms
    del report
    t = time.perf_counter()
    store = ox.Store()
    store.bulk_extend(q for p in parsed if p.source.folder in ("ontology", "data") for q in p.quads)
    out["load"] = time.perf_counter() - t
    t = time.perf_counter()
    derive(store)
    out["derive"] = time.perf_counter() - t
    with tempfile.TemporaryDirectory(dir=root) as d:
        t = time.perf_counter()
        write_dumps(store, Path(d))
        out["dumps"] = time.perf_counter() - t
    return out


def child_build(root: Path, out_dir: Path) -> dict[str, float]:
    from axiskg.build import build

    marks: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    result = build(root, out_dir, progress=lambda s: marks.append((s, time.perf_counter())))
    total = time.perf_counter() - t0
    res: dict[str, float] = {"build": total, "triples": result.triples}
    ends = [t for _s, t in marks[1:]] + [t0 + total]
    for (name, start), end in zip(marks, ends, strict=True):
        res[f"build.{name}"] = end - start
    return res


CHILDREN = {"bulk_load": child_bulk_load, "pyshacl": child_pyshacl, "steps": child_steps}


# --- parent side ------------------------------------------------------------------------------------------


def _tree_memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes summed over `pid` and its descendants (from /proc). PSS splits the pages a forked
    child still shares with its parent between them; RSS counts them once per process."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d))
    rss = pss = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/smaps_rollup", "rb") as f:
                for line in f:
                    if line.startswith(b"Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith(b"Pss:"):
                        pss += int(line.split()[1]) * 1024
        except (OSError, ValueError):
            continue
    return rss, pss


def measure(args: list[str]) -> dict[str, float]:
    """Run `python build_bench.py --child ...` in a fresh process; its JSON result plus peak_mb."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.Popen(
        [PY, __file__, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=CHILD_ENV
    )
    peak = peak_rss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_rss
        while not done.is_set():
            rss, pss = _tree_memory(proc.pid)
            peak, peak_rss = max(peak, pss), max(peak_rss, rss)
            done.wait(0.1)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    done.set()
    th.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{args} failed: {err.decode()[-2000:]}")
    res: dict[str, float] = json.loads(out.decode().strip().splitlines()[-1])
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # PSS of the tree, and never less than the largest single process (getrusage) seen
    res["peak_mb"] = max(peak / 2**20, (maxrss / 1024) if maxrss > before else 0)
    res["peak_rss_sum_mb"] = peak_rss / 2**20
    return res


def edit_one_report(root: Path) -> None:
    """A curator's edit: one claim's hedge changes and a new meeting with its claims is appended."""
    path = sorted((root / "data").glob("report-*.ttl"))[len(list((root / "data").glob("report-*.ttl"))) // 2]
    text = path.read_text(encoding="utf-8")
    i = text.index("axo:hedge hedge:")
    j = text.index(" ;", i)
    text = text[:i] + "axo:hedge hedge:alleged" + text[j:]
    text += """
meeting:bench-edit a axo:Meeting ;
    skos:prefLabel "Meeting added by the benchmark's edit"@en ;
    schema:location place:p0 ;
    time:hasTime when:d0 .

claim:bench-edit-meeting a axo:Claim ;
    axo:asserts meeting:bench-edit ;
    axo:statedIn report:r0 ;
    axo:attributionChain ( source:s0 ) ;
    axo:hedge hedge:reportedly ;
    axo:quote "They met again."@en .

claim:bench-edit-attended a axo:Claim ;
    rdf:subject meeting:bench-edit ;
    rdf:predicate schema:attendee ;
    rdf:object person:p1 ;
    axo:statedIn report:r0 ;
    axo:attributionChain () ;
    axo:hedge hedge:none ;
    axo:quote "Person 1 attended."@en .
"""
    path.write_text(text, encoding="utf-8")


def cold_repo_build(runs: int = 5) -> list[float]:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter()
            subprocess.run(
                [PY, "-m", "axiskg", "build", "--out", d],
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=CHILD_ENV,
            )
            times.append(time.perf_counter() - t)
    return times


def run_size(
    size: int, work: Path, log: list[str], baselines: bool = True
) -> list[tuple[str, float, float | None]]:
    root = work / f"gen-{size}"
    generate(size, root)
    print(f"[{size}] generated under {root}", file=sys.stderr, flush=True)
    rows: list[tuple[str, float, float | None]] = []  # (step, seconds, peak_mb)
    if baselines:
        bl = measure(["--child", "bulk_load", "--root", str(root)])
        ps = measure(["--child", "pyshacl", "--root", str(root)])
    else:
        bl = {"bulk_load": 0.0, "peak_mb": 0.0}
        ps = {"pyshacl_parse": 0.0, "pyshacl_validate": 0.0, "peak_mb": 0.0, "conforms": True}
    print(f"[{size}] bulk_load {bl}", file=sys.stderr, flush=True)
    print(f"[{size}] pyshacl {ps}", file=sys.stderr, flush=True)
    if not ps.get("conforms"):
        log.append(f"{size}: the generated data does not conform (pyshacl)")
    st = measure(["--child", "steps", "--root", str(root)])
    print(f"[{size}] steps {st}", file=sys.stderr, flush=True)
    out_dir = work / f"release-{size}"
    shutil.rmtree(out_dir, ignore_errors=True)
    b1 = measure(["--child", "build", "--root", str(root), "--release-out", str(out_dir)])
    print(f"[{size}] build {b1}", file=sys.stderr, flush=True)
    edit_one_report(root)
    b2 = measure(["--child", "build", "--root", str(root), "--release-out", str(out_dir)])
    print(f"[{size}] rebuild {b2}", file=sys.stderr, flush=True)
    shutil.rmtree(out_dir, ignore_errors=True)
    rows.append(("baseline: bulk_load", bl["bulk_load"], bl["peak_mb"]))
    rows.append(("baseline: pyshacl parse (rdflib)", ps["pyshacl_parse"], None))
    rows.append(("baseline: pyshacl validate", ps["pyshacl_validate"], ps["peak_mb"]))
    base = bl["bulk_load"] + ps["pyshacl_parse"] + ps["pyshacl_validate"]
    rows.append(("baseline: bulk_load + pyshacl (sum)", base, max(bl["peak_mb"], ps["peak_mb"])))
    for name in ("parse", "validate", "load", "derive", "dumps"):
        rows.append((f"step: {name}", st[name], st["peak_mb"] if name == "dumps" else None))
    from axiskg.build import STEPS

    for name in [f"build.{s}" for s in STEPS if f"build.{s}" in b1]:
        rows.append((f"build, cold: {name[6:]}", b1[name], None))
    rows.append(("build, cold (no earlier release): total", b1["build"], b1["peak_mb"]))
    for name in ("build.parse", "build.validate"):
        rows.append((f"rebuild after one report edit: {name[6:]}", b2[name], None))
    rows.append(("rebuild after one report edit: total", b2["build"], b2["peak_mb"]))
    return [(s, t, m) for s, t, m in rows] + [("__base__", base, None)]


def write_results(
    path: Path,
    results: dict[int, list[tuple[str, float, float | None]]],
    cold: list[float],
    notes: list[str],
    command: str,
) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Build benchmark",
        "",
        f"Written by `{command}` on {now} (2 cores shared with other work: figures are noisy).",
        "Each row is measured in a fresh process, one at a time. ratio = seconds / (bulk_load + pyshacl",
        "parse + pyshacl validate) of the same size and run. Peak MB = PSS summed over the process tree",
        "(the validating fork included; pages shared after the fork counted once), at least the largest",
        "process's max RSS.",
        "",
        "| size (triples) | step | seconds | ratio vs baseline | peak MB |",
        "| ---: | --- | ---: | ---: | ---: |",
    ]
    for size, rows in results.items():
        base = next(t for s, t, _m in rows if s == "__base__")
        for step, secs, peak in rows:
            if step == "__base__":
                continue
            ratio = f"{secs / base:.2f}x" if base else "(no baseline in this run)"
            lines.append(
                f"| {size:,} | {step} | {secs:.2f} | {ratio} | {'' if peak is None else f'{peak:,.0f}'} |"
            )
    if cold:
        lines += [
            "",
            f"cold build of the repo (`axiskg build` in a fresh process, median of {len(cold)}): "
            f"{statistics.median(cold):.2f} s (runs: {', '.join(f'{t:.2f}' for t in cold)})",
        ]
    lines += ["", *[f"- {n}" for n in notes]] if notes else []
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--cold-runs", type=int, default=5)
    ap.add_argument("--child", choices=[*CHILDREN, "build"])
    ap.add_argument("--root", type=Path)
    ap.add_argument("--release-out", type=Path)
    ap.add_argument(
        "--src", type=Path, help="measure the axiskg package under this dir (e.g. an older checkout's src/)"
    )
    ap.add_argument(
        "--skip-baselines", action="store_true", help="only the steps and builds (not the baselines)"
    )
    args = ap.parse_args(argv)
    if args.src:
        CHILD_ENV["PYTHONPATH"] = str(args.src.resolve()) + os.pathsep + CHILD_ENV.get("PYTHONPATH", "")
    if args.child:
        if args.child == "build":
            res = child_build(args.root, args.release_out)
        else:
            res = CHILDREN[args.child](args.root)
        print(json.dumps(res))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict[int, list[tuple[str, float, float | None]]] = {}
    notes: list[str] = []
    if args.src:
        notes.append(f"axiskg measured from {args.src}")
    cold = cold_repo_build(args.cold_runs) if args.cold_runs else []
    print(f"cold repo build: {cold}", file=sys.stderr, flush=True)
    for size in [int(s) for s in args.sizes.split(",") if s]:
        results[size] = run_size(size, args.out, notes, baselines=not args.skip_baselines)
        write_results(
            args.results,
            results,
            cold,
            notes,
            "python bench/build_bench.py " + " ".join(argv or sys.argv[1:]),
        )
    print(args.results.read_text())


if __name__ == "__main__":
    main()
