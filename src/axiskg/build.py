"""Build a release: parse, validate, load, derive, describe, dump; atomically swapped in by rename.

Everything is written under `<out>/releases/.tmp-<pid>-*`; only a complete release is renamed to
`<out>/releases/<id>`, and only then is `<out>/current` replaced (a new symlink renamed over the old one).
A failure or a kill at any point leaves `current` and every earlier release untouched.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import gc
import hashlib
import itertools
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from axiskg import __version__, iris, validation_page
from axiskg import void as void_mod
from axiskg.checks import bare_name, source_path
from axiskg.derive import derive
from axiskg.dumps import turtle_prefixes, write_dumps
from axiskg.errors import BuildError, ShapeViolationError
from axiskg.fingerprint import code_digest
from axiskg.load import ParsedFile, parse_project
from axiskg.project import Project
from axiskg.release import CHECKSUMS_FILE, CURRENT, METADATA_FILE, RELEASES, STORE_DIR, list_releases
from axiskg.validate import INDEX_FILE, Baseline, ValidationReport, load_baseline, validate_parsed

Progress = Callable[[str], None]

STEPS = ("parse", "load", "derive", "describe", "dumps", "store", "validate", "checksums", "swap")
"""The steps of a build, in order; `progress` is called with each name as it starts.

SHACL validation (pyshacl, the slow part) runs in a forked process from the start, beside load..store;
"validate" is where the build waits for its verdict. Nothing is published before it conforms."""

TMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class BuildResult:
    release_dir: Path
    id: str
    triples: int
    graphs: dict[str, int] = field(default_factory=dict)
    report: ValidationReport | None = None
    pruned: list[Path] = field(default_factory=list)
    unchanged: bool = False
    """True when nothing was built: the current release was made from the same inputs (`inputs_digest`)."""


_SOURCE_FILE = ox.NamedNode(iris.AXO + "sourceFile")


def _sha(content: bytes) -> bytes:
    return hashlib.sha256(content).digest()


def inputs_digest(project: Project, parsed: list[ParsedFile], *, base_url: str) -> str:
    """A hash over everything a release is made from: every file parsed (ontology, shapes, data: the bytes
    parsed) and the files left unread (they are warned about), the named queries it carries, the base URL,
    the reports' source texts its quotes are checked against, and the code (axiskg.fingerprint). Stored in
    release.json as "inputs"; a build whose inputs match the current release's makes no new release."""
    h = hashlib.sha256(code_digest(web=False))
    h.update(f"base {base_url}\0".encode())
    for p in parsed:
        h.update(b"file " + p.source.display.encode() + b"\0" + p.sha256.encode() + b"\0")
    for folder, unread in project.ignored_files():
        h.update(f"unread {folder} {unread}\0".encode("utf-8", "surrogateescape"))
    for q in project.query_files():
        h.update(b"query " + q.name.encode("utf-8", "surrogateescape") + b"\0" + _sha(q.read_bytes()))
    # the texts the quotes are checked against (axiskg.checks): another text, or one found where there was
    # none, may fail a quote that passed
    names = sorted(
        {
            q.object.value
            for p in parsed
            for q in p.quads
            if q.predicate == _SOURCE_FILE and isinstance(q.object, ox.Literal)
        }
    )
    for name in names:
        path = source_path(name, project.root) if bare_name(name) else None
        try:
            text = _sha(path.read_bytes()) if path is not None else b"(absent)"
        except OSError as exc:
            text = f"(unreadable: {exc.strerror})".encode()
        h.update(b"text " + name.encode() + b"\0" + text + b"\0")
    return h.hexdigest()


def _current_if_unchanged(out_dir: Path, digest: str, check: bool) -> tuple[Path, dict[str, Any]] | None:
    """The current release and its metadata when it was built from the same inputs (and validated, when
    `check` asks for a validated release); else None."""
    current = out_dir / CURRENT
    try:
        meta = json.loads((current / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("inputs") != digest:
        return None
    if check and meta.get("conforms") is not True:
        return None  # built with --no-check: this build validates
    return current.resolve(), meta


def _unchanged(out_dir: Path, digest: str, check: bool, keep: int | None) -> BuildResult | None:
    """The result of a build that writes nothing, the current release being made from the same inputs (to
    call under the output's lock; prunes to `keep`); None when it is not."""
    same = _current_if_unchanged(out_dir, digest, check)
    if same is None:
        return None
    current, meta = same
    pruned = prune(out_dir, keep) if keep is not None else []
    graphs = {str(k): int(v) for k, v in dict(meta.get("graphs", {})).items()}
    return BuildResult(current, str(meta["id"]), sum(graphs.values()), graphs, None, pruned, unchanged=True)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
        os.fsync(f.fileno())
    return h.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap_current(out: Path, target: Path) -> None:
    """Point out/current at target atomically: a new symlink renamed over the old one."""
    tmp_link = out / f".current-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(Path(RELEASES) / target.name)
    os.replace(tmp_link, out / CURRENT)
    _fsync_dir(out)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_tmp(releases: Path) -> None:
    """Remove temporary dirs left by builds that were killed (their process is gone)."""
    for p in releases.glob(TMP_PREFIX + "*"):
        pid = p.name[len(TMP_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            shutil.rmtree(p, ignore_errors=True)


@contextlib.contextmanager
def _lock(out: Path) -> Iterator[None]:
    """One build at a time per output dir (a second one waits)."""
    with (out / ".lock").open("a") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def prune(out: str | Path, keep: int) -> list[Path]:
    """Delete the oldest releases so that `keep` remain; the current release is always kept."""
    out_dir = Path(out)
    current = (out_dir / CURRENT).resolve() if (out_dir / CURRENT).exists() else None
    releases = list_releases(out_dir)
    removed: list[Path] = []
    for p in releases[: max(0, len(releases) - max(keep, 1))]:
        if current is not None and p.resolve() == current:
            continue
        shutil.rmtree(p)
        removed.append(p)
    return removed


STORE_LOAD_BATCH = 100_000
"""Quads per `bulk_extend` call when the on-disk store is loaded from axiskg.nq. Oxigraph's bulk loader keeps
a batch of up to a million quads per thread in memory (one `bulk_load` of the 1M-triple benchmark's dump
peaked at 1.1-1.2 GB); calls of 100k quads peak at ~160 MB, in about the same time."""


def _load_store(path: Path, nquads: Path, batch: int | None = None) -> None:
    """Write the on-disk store at `path` from the N-Quads dump, `batch` (STORE_LOAD_BATCH) quads at a time.

    The quads go through `ox.parse`, which keeps blank node labels (`Store.bulk_load` relabels the blank nodes
    of each call's input: a node whose quads fall into two calls would become two nodes)."""
    disk = ox.Store(str(path))
    quads = iter(ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS))
    while chunk := list(itertools.islice(quads, batch or STORE_LOAD_BATCH)):
        disk.bulk_extend(chunk)
    disk.flush()
    del disk  # closes the RocksDB store before its files are checksummed and the dir renamed


def _release_memory() -> None:
    """Collect garbage and give the freed heap back to the system. pyoxigraph (its in-memory store, query
    evaluation, the parsed quads) allocates with malloc, and glibc keeps freed memory mapped: without
    `malloc_trim` a build kept ~1 GB resident after the in-memory store was freed. No-op off glibc."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


FULL_VALIDATION_ENV = "AXISKG_FULL_VALIDATION"
"""Set to 1 to make every build that writes a release validate the whole graph (as `build(..., full=True)`
does; unlike it, it does not make a build of unchanged inputs write one)."""

# the report, its SHACL results graph as Turtle, and the data snapshot the next build compares to
Verdict = tuple[ValidationReport, bytes | None, bytes | None]


def _shacl(parsed: list[ParsedFile], baseline: Baseline | None) -> Verdict:
    report = validate_parsed(parsed, baseline=baseline, index=True)
    results = report.results_graph
    report.results_graph = None  # an rdflib Graph does not cross a process boundary cheaply: send Turtle
    index = report.index.to_bytes() if report.index is not None else None
    report.index = None
    return (
        report,
        results.serialize(format="turtle", encoding="utf-8") if results is not None else None,
        index,
    )


def _die_with_parent(parent: int) -> None:
    """Linux: have the kernel kill this process when the thread that forked it ends (the build waits for the
    verdict or cancels the child before it returns, so only a killed build ends it early). A killed build
    left its validating child running at full CPU for as long as the validation took. The standard library
    has no prctl, so libc's is called through ctypes; elsewhere nothing is done."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the call above: nobody waits for a verdict
        os._exit(1)


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _shacl_child(parsed: list[ParsedFile], baseline: Baseline | None, conn: Connection, parent: int) -> None:
    _die_with_parent(parent)
    try:
        conn.send(_shacl(parsed, baseline))
    except BrokenPipeError:  # the build was interrupted: nobody waits for the verdict
        pass
    finally:
        conn.close()


class _Validation:
    """The verdict of a validation started beside the build: call it to wait for it, `cancel()` when it is no
    longer wanted (nothing is published)."""

    def __init__(
        self,
        project: Project,
        baseline: Baseline | None,
        child: Any = None,
        receive: Connection | None = None,
        verdict: Verdict | None = None,
    ) -> None:
        self._project, self._baseline = project, baseline
        self._child, self._receive, self._verdict = child, receive, verdict

    def __call__(self) -> Verdict:
        if self._verdict is not None:
            return self._verdict
        assert self._receive is not None and self._child is not None
        try:
            verdict: Verdict = self._receive.recv()
        except EOFError:  # the child died (out of memory, killed): validate here instead (parsed again: the
            # build frees its quads once they are loaded)
            verdict = _shacl(parse_project(self._project), self._baseline)
        except BaseException:  # interrupted while waiting (Ctrl-C): do not wait for the child to finish
            self._child.kill()
            raise
        finally:
            self._receive.close()
            self._child.join()
        self._verdict = verdict
        return verdict

    def cancel(self) -> None:
        """Stop the validating child and reap it."""
        if self._child is not None:
            self._child.kill()
            self._child.join()
            assert self._receive is not None
            self._receive.close()


def _start_validation(parsed: list[ParsedFile], baseline: Baseline | None, project: Project) -> _Validation:
    """Validate in a forked process (a second core) while the release is written; returns the waiter."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return _Validation(project, baseline, verdict=_shacl(parsed, baseline))
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_shacl_child, args=(parsed, baseline, send, os.getpid()), daemon=True)
    child.start()
    send.close()
    return _Validation(project, baseline, child, receive)


def _write_release(
    tmp: Path,
    parsed: list[ParsedFile],
    validation: _Validation | None,
    *,
    rid: str,
    created: datetime,
    base_url: str,
    inputs: str,
    step: Progress,
    parallel: bool = True,
) -> tuple[dict[str, object], ValidationReport | None]:
    """Write the whole release into `tmp`; return its metadata (also written as release.json) and report.

    With `parallel`, the on-disk store is loaded and the union dump written by threads beside the other dumps
    (used when the validation is not the longest step, i.e. incremental or skipped; during a full validation
    the second core is the validating child's, and the steps run one after the other).

    Raises ShapeViolationError when the validation's verdict is that the data does not conform."""
    step("load")
    # derived, described and dumped in memory (each SPARQL update on disk is a RocksDB transaction),
    # then written to the on-disk store in one bulk load
    store = ox.Store()
    store.bulk_extend(q for p in parsed if p.source.folder in ("ontology", "data") for q in p.quads)
    for p in parsed:  # the store has them now (the validating child has its own copy): free the memory
        p.quads = []
    _release_memory()
    step("derive")
    derive(store)
    _release_memory()
    step("describe")
    stats = void_mod.statistics(store, exclude_graphs=[iris.GRAPH_VOID])
    reports = [
        r["r"].value
        for r in store.query(  # type: ignore[union-attr]
            f"SELECT DISTINCT ?r WHERE {{ ?r a <{iris.AXO}Report> }} ORDER BY ?r",
            use_default_graph_as_union=True,
        )
    ]
    void_quads = void_mod.describe(
        stats, release_id=rid, version=__version__, created=created, base_url=base_url, sources=reports
    )
    store.extend(void_quads)
    ox.serialize(
        (ox.Triple(q.subject, q.predicate, q.object) for q in void_quads),
        str(tmp / "void.ttl"),
        ox.RdfFormat.TURTLE,
        prefixes=turtle_prefixes(),
    )
    _release_memory()
    step("dumps")
    # with `parallel`, the on-disk store is loaded from the N-Quads dump by a thread as soon as that file is
    # written, while the other dumps are written
    loading: list[threading.Thread] = []
    load_failures: list[BaseException] = []

    def load_disk_store(nquads: Path) -> None:
        try:
            _load_store(tmp / STORE_DIR, nquads)
        except BaseException as exc:  # re-raised below, in the build's thread
            load_failures.append(exc)

    def on_written(name: str, path: Path) -> None:
        if name == "axiskg.nq" and parallel:
            loading.append(threading.Thread(target=load_disk_store, args=(path,), name="store-load"))
            loading[-1].start()

    try:
        write_dumps(store, tmp, on_written=on_written, threads=parallel)
        graphs = _graph_sizes(store)
    finally:
        for t in loading:  # never leave a thread writing into a directory that may be removed
            t.join()
    step("store")
    del store  # the dumps and the on-disk store hold it now
    _release_memory()
    if not parallel:
        load_disk_store(tmp / "dumps" / "axiskg.nq")
    if load_failures:
        raise load_failures[0]
    _release_memory()
    report: ValidationReport | None = None
    if validation is not None:
        step("validate")
        report, results_ttl, index = validation()
        if not report.conforms:
            raise ShapeViolationError(report, _invalid_message(report))
        (tmp / "validation.ttl").write_bytes(results_ttl or b"")
        if index is not None:
            (tmp / INDEX_FILE).write_bytes(index)
    else:
        (tmp / "validation.ttl").write_text("# validation skipped (--no-check)\n", encoding="utf-8")
    (tmp / "validation.html").write_text(
        validation_page.render(
            report or ValidationReport(conforms=True), release_id=rid, created=created.isoformat()
        ),
        encoding="utf-8",
    )
    step("checksums")
    files = {
        p.relative_to(tmp).as_posix(): {"sha256": _sha256(p), "bytes": p.stat().st_size}
        for p in sorted(tmp.rglob("*"))
        if p.is_file()
    }
    meta: dict[str, object] = {
        "id": rid,
        "version": __version__,
        "created": created.isoformat(),
        "triples": sum(graphs.values()),
        "distinct_triples": stats.triples,
        "graphs": dict(sorted(graphs.items())),
        "conforms": report.conforms if report is not None else None,
        "validation": {
            "mode": report.mode,
            "since": report.since,
            "changed": report.changed,
            "validated": report.validated,
            "full_reason": report.full_reason,
        }
        if report is not None
        else None,
        "base_url": base_url,
        "inputs": inputs,
        "sources": {p.source.display: p.source.graph for p in parsed},
        "files": files,
    }
    (tmp / METADATA_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    files[METADATA_FILE] = {
        "sha256": _sha256(tmp / METADATA_FILE),
        "bytes": (tmp / METADATA_FILE).stat().st_size,
    }
    sums = "".join(f"{info['sha256']}  {name}\n" for name, info in sorted(files.items()))
    (tmp / CHECKSUMS_FILE).write_text(sums, encoding="utf-8")
    _sha256(tmp / CHECKSUMS_FILE)  # fsync
    return meta, report


def _copy_queries(project: Project, tmp: Path) -> None:
    """The release carries the named queries it was built with (queries/*.rq), so that `axiskg query --name`
    and the server's canned-query pages work from a downloaded release, without the project tree."""
    sources = project.query_files()
    if sources:
        (tmp / "queries").mkdir()
        for q in sources:
            shutil.copyfile(q, tmp / "queries" / q.name)


def _graph_sizes(store: ox.Store) -> dict[str, int]:
    """Quads per graph ('' for the default graph), counted by the store."""
    graphs: dict[str, int] = {}
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    for row in rows:  # type: ignore[union-attr]
        graphs[row["g"].value] = int(row["n"].value)
    default = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    if default:
        graphs[""] = default
    return graphs


def _invalid_message(report: ValidationReport) -> str:
    """One line: how many errors, and the first (a syntax error, else the first error, never a warning)."""
    counts = [f"{len(report.parse_errors)} syntax error(s)"] if report.parse_errors else []
    if report.errors or not counts:
        counts.append(f"{len(report.errors)} error(s)")
    warnings = f" (and {len(report.warnings)} warning(s))" if report.warnings else ""
    first = report.first_problem
    return (
        f"validation failed with {', '.join(counts)}{warnings}"
        + (f"; first: {first}" if first is not None else "")
        + ". Nothing was published (`axiskg validate` lists every problem)"
    )


def build(
    root: str | Path = ".",
    out: str | Path = "release",
    check: bool = True,
    *,
    keep: int | None = None,
    base_url: str = void_mod.DEFAULT_BASE_URL,
    progress: Progress | None = None,
    full: bool | None = None,
    force: bool = False,
) -> BuildResult:
    """Validate the project at `root` and write a new release under `out`, then make it current.

    When the current release was built from the same inputs (files, named queries, base URL and code: see
    `inputs_digest`), and validated if `check`, nothing is written: the result is that release with
    `unchanged=True` (`force=True` or `full=True` build anyway). Rebuilding unchanged data would only make a
    copy with a new id, and a new ETag for every cached answer of a server serving it.

    Raises ParseError (a Turtle syntax error), ShapeViolationError (the data does not conform; its
    `.report` has every problem) or BuildError (the release could not be written). In every case
    nothing is published: `out/current` and the earlier releases are left as they were.

    Validation is incremental when `out/current` is a validated release built with the same shapes and
    ontology: only the nodes whose neighbourhood changed are checked (see axiskg.validate, "incremental
    validation"); `full=True` (or AXISKG_FULL_VALIDATION=1) checks the whole graph every time (of the two,
    only `full=True` also builds unchanged inputs).
    """
    step: Progress = progress or (lambda _name: None)
    step("parse")
    project = Project.at(root)
    parsed = parse_project(project)
    broken = [e for p in parsed for e in p.errors]  # each file's first syntax error and those after it
    if broken and check:
        invalid = ValidationReport(conforms=False, parse_errors=broken, files=len(parsed))
        raise ShapeViolationError(invalid, _invalid_message(invalid))
    if broken:
        raise broken[0]
    out_dir = Path(out).resolve()
    digest = inputs_digest(project, parsed, base_url=base_url)
    reuse = not force and not full
    if reuse and _current_if_unchanged(out_dir, digest, check) is not None:
        try:
            with _lock(out_dir):  # looked at again under the lock: a concurrent build may have replaced it
                unchanged = _unchanged(out_dir, digest, check, keep)
        except OSError as exc:
            raise BuildError(f"could not use the release under {out_dir}: {exc.strerror or exc}") from exc
        if unchanged is not None:
            return unchanged
    if full is None:
        full = os.environ.get(FULL_VALIDATION_ENV, "") not in ("", "0")
    baseline = None if full or not check else load_baseline(out_dir)
    validation = _start_validation(parsed, baseline, project) if check else None
    created = datetime.now(UTC)
    tmp: Path | None = None
    try:
        (out_dir / RELEASES).mkdir(parents=True, exist_ok=True)
        with _lock(out_dir):
            # a concurrent build of the same inputs that finished while this one waited for the lock
            unchanged = _unchanged(out_dir, digest, check, keep) if reuse else None
            if unchanged is not None:  # its verdict is not wanted: stopped in `finally`
                return unchanged
            _remove_stale_tmp(out_dir / RELEASES)
            rid = created.strftime("%Y%m%dT%H%M%SZ") + "-" + digest[:8]
            n = 1
            while (out_dir / RELEASES / (rid if n == 1 else f"{rid}-{n}")).exists():
                n += 1  # the same content built twice within a second: keep ids unique
            rid = rid if n == 1 else f"{rid}-{n}"
            tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=out_dir / RELEASES))
            tmp.chmod(0o755)  # mkdtemp makes it private; a release is world-readable like any build output
            _copy_queries(project, tmp)
            meta, report = _write_release(
                tmp,
                parsed,
                validation,
                rid=rid,
                created=created,
                base_url=base_url,
                inputs=digest,
                step=step,
                parallel=validation is None or baseline is not None,
            )
            validation = None
            step("swap")
            final = out_dir / RELEASES / rid
            os.rename(tmp, final)
            tmp = None
            _fsync_dir(out_dir / RELEASES)
            _swap_current(out_dir, final)
            pruned = prune(out_dir, keep) if keep is not None else []
    except OSError as exc:
        if validation is not None and exc.errno is None:
            # not the disk (no errno): pyoxigraph could not write the data (an RDF 1.2 triple term in JSON-LD,
            # say), which the validation names better: its verdict first, when the data does not conform
            report = validation()[0]
            validation = None
            if not report.conforms:
                raise ShapeViolationError(report, _invalid_message(report)) from exc
        raise BuildError(
            f"could not write the release under {out_dir}: {exc.strerror or exc}; "
            "the current release is unchanged (free some space or choose another --out)"
        ) from exc
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if validation is not None:  # no release written: stop and reap the validating child
            validation.cancel()
    graphs = {str(k): int(v) for k, v in dict(meta["graphs"]).items()}  # type: ignore[call-overload]
    return BuildResult(final, rid, sum(graphs.values()), graphs, report, pruned)
