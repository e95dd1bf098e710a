"""A project tree: which Turtle files there are and which named graph each one goes to."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from axiskg import iris
from axiskg.errors import NotFoundError

FOLDERS = ("ontology", "shapes", "data")
RDF_SUFFIXES = (".ttl", ".turtle", ".n3", ".nt", ".nq", ".trig")
"""Files with these suffixes (in any case) look like RDF: in a folder, only the top-level *.ttl are read."""


@dataclass(frozen=True)
class SourceFile:
    path: Path
    folder: str  # "ontology" | "shapes" | "data"
    graph: str  # named graph IRI the file's triples go to

    @property
    def display(self) -> str:
        """Path as shown to users: relative to the project root (folder/name.ttl); a name that is not UTF-8
        (its bytes as surrogates) with U+FFFD in their place."""
        return f"{self.folder}/{os.fsencode(self.path.name).decode('utf-8', 'replace')}"


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def at(cls, root: str | Path = ".") -> Project:
        """The project whose ontology/, shapes/ and data/ folders are under `root`.

        Raises NotFoundError when `root` has none of them (a wrong directory, not an empty project).
        """
        path = Path(root).resolve()
        if not any((path / f).is_dir() for f in FOLDERS):
            raise NotFoundError(
                f"{path} is not an axiskg project (no ontology/, shapes/ or data/ folder): "
                "run the command from the repository root or pass --root"
            )
        return cls(path)

    def files(self, folder: str) -> list[SourceFile]:
        d = self.root / folder
        if not d.is_dir():
            return []
        return [SourceFile(p, folder, iris.graph_for_file(p.stem, folder)) for p in sorted(d.glob("*.ttl"))]

    def ignored_files(self) -> list[tuple[str, str]]:
        """(folder, path from the root) of each file under ontology/, shapes/ or data/ that looks like RDF but
        is not read: another suffix (`.turtle`, `.TTL`...) or in a subfolder. Hidden files are left out."""
        out = []
        for folder in FOLDERS:
            d = self.root / folder
            if not d.is_dir():
                continue
            read = {sf.path for sf in self.files(folder)}
            for p in sorted(d.rglob("*")):
                hidden = any(part.startswith(".") for part in p.relative_to(d).parts)
                if p.suffix.lower() in RDF_SUFFIXES and p not in read and not hidden and p.is_file():
                    # a name that is not UTF-8 (its bytes as surrogates) printed with U+FFFD in their place
                    shown = os.fsencode(p.relative_to(self.root).as_posix()).decode("utf-8", "replace")
                    out.append((folder, shown))
        return out

    @property
    def ontology_files(self) -> list[SourceFile]:
        return self.files("ontology")

    @property
    def shape_files(self) -> list[SourceFile]:
        return self.files("shapes")

    @property
    def data_files(self) -> list[SourceFile]:
        return self.files("data")

    @property
    def all_files(self) -> list[SourceFile]:
        return self.ontology_files + self.shape_files + self.data_files

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    def query_files(self) -> list[Path]:
        """The named queries (queries/*.rq), by name."""
        return sorted(self.queries_dir.glob("*.rq")) if self.queries_dir.is_dir() else []
