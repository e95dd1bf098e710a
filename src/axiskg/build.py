"""Build a release: validate, load, derive, write; atomically swapped in by rename."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from axiskg import __version__
from axiskg.derive import derive
from axiskg.errors import ShapeViolationError
from axiskg.load import load_files
from axiskg.project import Project
from axiskg.release import CURRENT, METADATA_FILE, RELEASES, STORE_DIR
from axiskg.validate import validate


@dataclass(frozen=True)
class BuildResult:
    release_dir: Path
    id: str
    triples: int


def _content_hash(project: Project) -> str:
    h = hashlib.sha256()
    for sf in project.ontology_files + project.shape_files + project.data_files:
        h.update(sf.display.encode())
        h.update(sf.path.read_bytes())
    return h.hexdigest()[:8]


def _swap_current(out: Path, target: Path) -> None:
    """Point out/current at target atomically: a new symlink renamed over the old one."""
    tmp_link = out / f".current-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(Path(RELEASES) / target.name)
    os.replace(tmp_link, out / CURRENT)


def build(root: str | Path = ".", out: str | Path = "release", check: bool = True) -> BuildResult:
    """Validate the project at `root` and write a new release under `out`, then make it current."""
    project = Project.at(root)
    if check:
        report = validate(project.root)
        if not report.conforms:
            n = len(report.parse_errors) + len(report.violations)
            raise ShapeViolationError(report, f"validation failed with {n} problem(s); nothing was published")
    out_dir = Path(out).resolve()
    (out_dir / RELEASES).mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC)
    rid = created.strftime("%Y%m%dT%H%M%SZ") + "-" + _content_hash(project)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=out_dir / RELEASES))
    try:
        store = ox.Store(str(tmp / STORE_DIR))
        load_files(store, project.ontology_files + project.data_files)
        derive(store)
        store.flush()
        graphs: dict[str, int] = {}
        for q in store.quads_for_pattern(None, None, None):
            g = q.graph_name
            key = g.value if isinstance(g, ox.NamedNode) else ""
            graphs[key] = graphs.get(key, 0) + 1
        del store
        meta = {
            "id": rid,
            "version": __version__,
            "created": created.isoformat(),
            "triples": sum(graphs.values()),
            "graphs": graphs,
        }
        (tmp / METADATA_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        final = out_dir / RELEASES / rid
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _swap_current(out_dir, final)
    return BuildResult(final, rid, int(meta["triples"]))  # type: ignore[call-overload]
