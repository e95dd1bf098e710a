"""What the output of this program depends on besides its input: its own code and the libraries that write
RDF. A release built, or a representation served, by other code is not the same, even from the same data."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
from pathlib import Path

from axiskg import __version__

DEPENDENCIES = ("pyoxigraph", "rdflib", "pyshacl", "pyld")


@functools.cache
def code_digest() -> bytes:
    """A hash of axiskg's version and source files and of the versions of DEPENDENCIES (~1 ms, once)."""
    h = hashlib.sha256(f"axiskg {__version__}\0".encode())
    for name in DEPENDENCIES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            h.update(f"{name} {importlib.metadata.version(name)}\0".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.digest()
