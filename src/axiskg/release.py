"""A built release on disk: its store (read-only), metadata and files."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from axiskg.errors import ReleaseNotFoundError

METADATA_FILE = "release.json"
CHECKSUMS_FILE = "SHA256SUMS"
STORE_DIR = "store"
CURRENT = "current"
RELEASES = "releases"
RELEASE_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}(?:-\d+)?$")


def resolve_release_dir(path: str | Path) -> Path:
    """Accept an output dir (with `current`) or a release dir itself; return the release dir."""
    p = Path(path)
    if (p / METADATA_FILE).is_file():
        return p.resolve()
    if (p / CURRENT / METADATA_FILE).is_file():
        return (p / CURRENT).resolve()
    if p.parent.name == RELEASES:  # a release id that is not there (a placeholder copied from the docs?)
        known = [r.name for r in list_releases(p.parent.parent)]
        listed = ", ".join(known[-5:]) or "none"
        raise ReleaseNotFoundError(f"no release {p.name} in {p.parent} (the newest there: {listed})")
    raise ReleaseNotFoundError(
        f"no release at {p}: run `axiskg build --out {p}` first (looked for {p / CURRENT / METADATA_FILE})"
    )


def list_releases(out: str | Path) -> list[Path]:
    """The complete releases under an output dir, oldest first (temporary build dirs are not releases)."""
    d = Path(out) / RELEASES
    if not d.is_dir():
        return []
    return sorted(p for p in d.iterdir() if RELEASE_ID.match(p.name) and (p / METADATA_FILE).is_file())


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

    @property
    def graphs(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.metadata.get("graphs", {}).items()}


def open_release(path: str | Path) -> Release:
    """Open the release at `path` (an output dir with `current`, or a release dir) read-only."""
    rdir = resolve_release_dir(path)
    metadata = json.loads((rdir / METADATA_FILE).read_text(encoding="utf-8"))
    store = ox.Store.read_only(str(rdir / STORE_DIR))
    return Release(rdir, metadata, store)
