"""Parse Turtle files with pyoxigraph, all or nothing per file, with positioned errors."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from axiskg import iris
from axiskg.errors import ParseError
from axiskg.project import Project, SourceFile

_POSITION_PREFIX = re.compile(r"^Parser error (?:at|between) [^:]*?: ", re.IGNORECASE)


@dataclass
class ParsedFile:
    """One source file: its quads (already in the file's named graph) or the syntax error that stopped it."""

    source: SourceFile
    quads: list[ox.Quad] = field(default_factory=list)
    error: ParseError | None = None
    sha256: str = ""
    """The hash of the bytes parsed (a file saved again during a build does not change what it hashes)."""


_BOM = b"\xef\xbb\xbf"


def _statement_before(sf: SourceFile, line: int) -> int | None:
    """The last line before `line` that holds Turtle (not blank, not only a comment)."""
    try:
        lines = sf.path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return None
    for number in range(min(line - 1, len(lines)), 0, -1):
        text = lines[number - 1].strip()
        if text and not text.startswith("#"):
            return number
    return None


def parse_error(sf: SourceFile, exc: SyntaxError) -> ParseError:
    """Turn pyoxigraph's SyntaxError (which carries lineno/offset) into a ParseError.

    A statement without its closing ' .' is only noticed at the start of the next one (or at the end of the
    file): the message then says which line probably lacks it."""
    message = _POSITION_PREFIX.sub("", str(exc.msg or exc))
    unclosed = ("dot is expected" in message and exc.offset == 1) or message.strip() == "Unexpected end"
    before = _statement_before(sf, exc.lineno) if unclosed and exc.lineno else None
    if before is not None:
        message += f"; the statement ending on line {before} may lack its closing ' .'"
    return ParseError(sf.display, exc.lineno, exc.offset, message)


def bad_name(sf: SourceFile) -> ParseError | None:
    """A data file whose name cannot be its graph's name (graph/<name>: a space, '{', '.', a letter that is
    not ASCII...). Such a file is not parsed: an error of its own, and nothing of it is published."""
    if sf.folder != "data" or iris.graph_name_ok(sf.path.stem):
        return None
    fixed = iris.slugify(sf.path.stem) or "report-NNN"
    return ParseError(
        sf.display,
        None,
        None,
        "a data file's name becomes its graph IRI (graph/<name>): use only letters, digits, '-' and '_' "
        f"(rename it, e.g. {fixed}.ttl)",
    )


def parse_file(sf: SourceFile) -> ParsedFile:
    """Parse one Turtle file into quads of its named graph; a syntax error is kept, not raised.

    A UTF-8 byte order mark at the start of the file (some Windows editors write one) is skipped. A data
    file whose name cannot be a graph's name is not parsed (`bad_name`)."""
    graph = ox.NamedNode(sf.graph)
    data = sf.path.read_bytes()  # read once: parsed and hashed alike
    sha256 = hashlib.sha256(data).hexdigest()
    misnamed = bad_name(sf)
    if misnamed is not None:
        return ParsedFile(sf, error=misnamed, sha256=sha256)
    body = io.BytesIO(data)
    if data.startswith(_BOM):
        body.seek(len(_BOM))  # parse what follows it (lines are unchanged)
    try:
        quads = [
            ox.Quad(q.subject, q.predicate, q.object, graph)
            for q in ox.parse(input=body, format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
        ]
    except SyntaxError as exc:
        return ParsedFile(sf, error=parse_error(sf, exc), sha256=sha256)
    except UnicodeDecodeError as exc:
        error = ParseError(sf.display, None, None, f"not UTF-8 text: {exc.reason}")
        return ParsedFile(sf, error=error, sha256=sha256)
    return ParsedFile(sf, quads, sha256=sha256)


def parse_files(files: Iterable[SourceFile]) -> list[ParsedFile]:
    """Parse every file (each one, even after a broken one)."""
    return [parse_file(sf) for sf in files]


def parse_project(project: Project) -> list[ParsedFile]:
    """Parse ontology/, shapes/ and data/ of a project."""
    return parse_files(project.ontology_files + project.shape_files + project.data_files)


def check_syntax(files: Iterable[SourceFile]) -> list[ParseError]:
    """Parse every file; return one ParseError per broken file (not only the first)."""
    return [p.error for p in parse_files(files) if p.error is not None]


def load_files(store: ox.Store, files: Iterable[SourceFile]) -> None:
    """Load each file into its named graph. Raises ParseError on the first broken file."""
    for parsed in parse_files(files):
        if parsed.error is not None:
            raise parsed.error
        store.extend(parsed.quads)
