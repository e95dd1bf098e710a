"""What the output of this program depends on besides its input: its own code and the libraries that write
it. A release built, or a representation served, by other code is not the same, even from the same data."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
from pathlib import Path

from axiskg import __version__

PACKAGE = Path(__file__).resolve().parent
BUILD_DEPENDENCIES = ("pyoxigraph", "rdflib", "pyshacl")
SERVE_DEPENDENCIES = (*BUILD_DEPENDENCIES, "pyld", "jinja2", "starlette")


def _files(web: bool) -> list[Path]:
    """The package's regular files (code, templates, static assets), without caches and hidden files (an
    editor's lock file); the web server's part (axiskg.web) only when `web`."""
    out = []
    for path in sorted(PACKAGE.rglob("*")):
        parts = path.relative_to(PACKAGE).parts
        if any(p.startswith(".") or p == "__pycache__" for p in parts) or (not web and parts[0] == "web"):
            continue
        if path.is_file():
            out.append(path)
    return out


@functools.cache
def code_digest(web: bool = True) -> bytes:
    """A hash of axiskg's version, of its files and of the versions of the libraries it writes with: the
    whole package for what the server writes (`web`, ~20 ms), what `axiskg build` runs for a release."""
    h = hashlib.sha256(f"axiskg {__version__}\0".encode())
    for name in SERVE_DEPENDENCIES if web else BUILD_DEPENDENCIES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            h.update(f"{name} {importlib.metadata.version(name)}\0".encode())
    for path in _files(web):
        with contextlib.suppress(OSError):  # gone or unreadable since it was listed: left out
            content = hashlib.sha256(path.read_bytes()).digest()
            relative = path.relative_to(PACKAGE).as_posix().encode("utf-8", "surrogateescape")
            h.update(relative + b"\0" + content)
    return h.digest()
