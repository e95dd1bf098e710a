"""A built release on disk: its store (read-only), metadata and files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from axiskg.errors import ReleaseNotFoundError

METADATA_FILE = "release.json"
STORE_DIR = "store"
CURRENT = "current"
RELEASES = "releases"


def resolve_release_dir(path: str | Path) -> Path:
    """Accept an output dir (with `current`) or a release dir itself; return the release dir."""
    p = Path(path)
    if (p / METADATA_FILE).is_file():
        return p.resolve()
    if (p / CURRENT / METADATA_FILE).is_file():
        return (p / CURRENT).resolve()
    raise ReleaseNotFoundError(
        f"no release at {p}: run `axiskg build --out {p}` first (looked for {p / CURRENT / METADATA_FILE})"
    )


@dataclass
class Release:
    path: Path
    metadata: dict[str, Any]
    store: ox.Store = field(repr=False)

    @property
    def id(self) -> str:
        return str(self.metadata["id"])

    @property
    def dumps_dir(self) -> Path:
        return self.path / "dumps"


def open_release(path: str | Path) -> Release:
    """Open the release at `path` (an output dir with `current`, or a release dir) read-only."""
    rdir = resolve_release_dir(path)
    metadata = json.loads((rdir / METADATA_FILE).read_text(encoding="utf-8"))
    store = ox.Store.read_only(str(rdir / STORE_DIR))
    return Release(rdir, metadata, store)
