"""Parse Turtle files with pyoxigraph, all or nothing per file, with positioned errors."""

from __future__ import annotations

import difflib
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
    later_errors: list[ParseError] = field(default_factory=list)
    """Syntax errors after `error`, found by parsing again from the next statement (for messages only)."""

    @property
    def errors(self) -> list[ParseError]:
        """Every syntax error found in the file, the first one first."""
        return ([self.error] if self.error is not None else []) + self.later_errors


_BOM = b"\xef\xbb\xbf"
_ENCODING_ERROR = re.compile(r"Invalid UTF-8|Unexpected byte", re.IGNORECASE)


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


def _line_end(sf: SourceFile, line: int) -> str:
    """The last character of a line's Turtle (before a trailing comment, roughly), '' if unknown."""
    try:
        lines = sf.path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return ""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return _without_comment(text).rstrip()[-1:]


def _without_comment(text: str) -> str:
    """A Turtle line without its trailing comment: the first '#' outside a string and an <IRI> ("Kata'ib"
    in the comment, or a '#' inside <...#term>, kept apart)."""
    quote = ""
    in_iri = False
    escaped = False
    for i, ch in enumerate(text):
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif in_iri:
            in_iri = ch != ">"
        elif ch in "\"'":
            quote = ch
        elif ch == "<":
            in_iri = True
        elif ch == "#":
            return text[:i]
    return text


_UNCLOSED_STRING_HINT = (
    'a string literal is not closed: add the closing " on this line, or use """...""" for text over '
    "several lines"
)


def _quote_at(sf: SourceFile, line: int | None, column: int | None) -> bool:
    """Whether the character at (line, column) of the file is a quote (where a string starts)."""
    if not line or not column:
        return False
    try:
        lines = sf.path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return False
    return line <= len(lines) and lines[line - 1][column - 1 : column] in ('"', "'")


def parse_error(sf: SourceFile, exc: SyntaxError) -> ParseError:
    """Turn pyoxigraph's SyntaxError (which carries lineno/offset) into a ParseError.

    A statement without its closing ' .' is only noticed at the start of the next one (or at the end of the
    file): the message then says which line probably lacks it. A string without its closing quote is named as
    such (the parser says a line jump is not allowed in it, or that the file ends)."""
    return _parse_error(sf, exc.lineno, exc.offset, str(exc.msg or exc))


_UNDECLARED_PREFIX = re.compile(r"The prefix ([A-Za-z][\w.\-]*|):? has not been declared")
_DECLARED_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.\-]*|):", re.IGNORECASE | re.MULTILINE)


def _prefix_hint(sf: SourceFile, name: str) -> str:
    """How to mend a prefixed name whose prefix the file does not declare: the declaration of a prefix of the
    data model (rdfs:, time:, person:...), else the nearest prefix the file declares (a typo)."""
    known = {**iris.PREFIXES, **iris.ENTITY_PREFIXES}
    if name in known:
        return f"add @prefix {name}: <{known[name]}> . at the top of the file"
    try:
        declared = _DECLARED_PREFIX.findall(sf.path.read_text(encoding="utf-8-sig", errors="replace"))
    except OSError:
        declared = []
    close = difflib.get_close_matches(name, sorted(set(declared)), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]}:? (or declare it with @prefix {name}: <...> .)"
    return f"declare it at the top of the file with @prefix {name}: <...> ., or write the full IRI in <...>"


def _parse_error(sf: SourceFile, lineno: int | None, offset: int | None, text: str) -> ParseError:
    message = _POSITION_PREFIX.sub("", text)
    undeclared = _UNDECLARED_PREFIX.search(message)
    if undeclared is not None:
        message += f": {_prefix_hint(sf, undeclared.group(1))}"
    elif "No scheme found in an absolute IRI" in message:
        message += (
            ": an IRI in <...> is absolute: write the full IRI, https://..., or a prefixed name "
            "(person:qais-al-khazali)"
        )
    elif "Invalid IRI code point" in message:
        message += (
            ": an IRI cannot contain spaces, quotes or any of < > { } | \\ ^ `: remove the character "
            "(entity IRIs are https://w3id.org/axiskg/id/<kind>/<lower-case-slug>)"
        )
    unclosed = ("dot is expected" in message and offset == 1) or message.strip() == "Unexpected end"
    before = _statement_before(sf, lineno) if unclosed and lineno else None
    ends = _line_end(sf, before) if before is not None else ""
    previous = _statement_before(sf, lineno) if lineno and not unclosed else None
    if before is not None and ends in (";", ","):
        message += f"; line {before} ends with '{ends}' where its statement ends: end it with ' .'"
    elif before is not None:
        message += f"; the statement ending on line {before} may lack its closing ' .'"
    elif "Line jumps are not allowed in string literals" in message or (
        "Unexpected end of file" in message and _quote_at(sf, lineno, offset)
    ):
        message = f"{_UNCLOSED_STRING_HINT} (the parser says: {message})"
    elif previous is not None and lineno is not None and previous < lineno:
        end = _line_end(sf, previous)
        if end == "," and "not a valid" in message:
            message += (
                f"; line {previous} ends with ',' (another value of the same property): did you mean ';' "
                "(another property of the same subject)?"
            )
        elif end == ";" and "not a valid" in message:
            message += (
                f"; line {previous} ends with ';' (another property of the same subject follows): if a new "
                f"statement starts on line {lineno}, end line {previous} with ' .'"
            )
        elif "dot is expected" in message and end not in (";", ",", ".", "[", "(", ""):
            message += (
                f"; line {previous} may lack its ' ;' (another property of the same subject follows) "
                "or its closing ' .'"
            )
    return ParseError(sf.display, lineno, offset, message)


def _not_utf8(sf: SourceFile, data: bytes) -> ParseError | None:
    """The first byte of `data` that is not UTF-8, as a ParseError saying so; None if `data` is UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start
    else:
        return None
    line_start = data.rfind(b"\n", 0, start) + 1
    line = data.count(b"\n", 0, start) + 1
    prefix = data[line_start:start]
    if line == 1 and prefix.startswith(_BOM):
        prefix = prefix[len(_BOM) :]
    column = len(prefix.decode("utf-8", errors="replace")) + 1
    message = (
        f"the file is not UTF-8 text: byte 0x{data[start]:02X} at line {line}, column {column} "
        f"(byte {start + 1} of the file) is not valid UTF-8, probably from an editor that saved the file as "
        'Latin-1 or Windows-1252: re-save the file as UTF-8 (e.g. "Save with encoding: UTF-8") and check '
        "that character"
    )
    return ParseError(sf.display, line, column, message)


# --- later syntax errors: the parser stops at the first one; for the messages, it is run again on the rest
# of the file from the next statement that starts at column 0 after a line ending with ' .' (the way our
# files are written), with the file's prefixes. What it finds is only reported, never loaded.

_MAX_LATER_ERRORS = 20
_STATEMENT_START = re.compile(
    r"^(?:@prefix\b|@base\b|PREFIX\b|BASE\b|<|\[|_:|[A-Za-z][\w.\-]*:|:)", re.IGNORECASE
)
_PREFIX_LINE = re.compile(r"^\s*(?:@prefix\s.*\.|@base\s.*\.|PREFIX\s.*|BASE\s.*)\s*$", re.IGNORECASE)
_LONG_QUOTE = re.compile(r'"""|\'\'\'')


def _long_string_lines(lines: list[str]) -> set[int]:
    """Lines (1-based) that start inside a \"\"\"...\"\"\" string (a rough scan: long strings are rare)."""
    inside: str | None = None
    out: set[int] = set()
    for number, line in enumerate(lines, start=1):
        if inside is not None:
            out.add(number)
        for m in _LONG_QUOTE.finditer(line):
            if inside is None:
                inside = m.group(0)
            elif m.group(0) == inside and not line[: m.start()].endswith("\\"):
                inside = None
    return out


def _resume_line(lines: list[str], after: int, in_long_string: set[int]) -> int | None:
    """The first line after `after` where a statement starts at column 0 after one that ended with '.'."""
    for number in range(after + 1, len(lines) + 1):
        if number in in_long_string or not _STATEMENT_START.match(lines[number - 1]):
            continue
        previous = next(
            (t for t in (x.strip() for x in reversed(lines[: number - 1])) if t and not t.startswith("#")), ""
        )
        if previous.endswith(".") or not previous:
            return number
    return None


def _later_errors(sf: SourceFile, text: str, first: ParseError) -> list[ParseError]:
    """The syntax errors after `first`, each found by parsing on from the statement after the previous one."""
    lines = text.splitlines()
    in_long_string = _long_string_lines(lines)
    out: list[ParseError] = []
    error = first
    while error.line is not None and len(out) < _MAX_LATER_ERRORS:
        start = _resume_line(lines, error.line, in_long_string)
        if start is None:
            break
        declarations = " ".join(t.strip() for t in lines[: start - 1] if _PREFIX_LINE.match(t))
        rest = declarations + "\n" + "\n".join(lines[start - 1 :]) + "\n"
        try:
            for _ in ox.parse(rest.encode(), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True):
                pass
        except SyntaxError as exc:
            if not exc.lineno or exc.lineno < 2:
                break  # in the declarations: nothing reliable to say
            error = _parse_error(sf, exc.lineno - 2 + start, exc.offset, str(exc.msg or exc))
            if error.line is None or error.line <= start - 1:
                break
            out.append(error)
            continue
        break
    return out


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
    except (SyntaxError, UnicodeDecodeError) as exc:
        not_utf8 = _not_utf8(sf, data)
        if not_utf8 is not None:  # a syntax error before the bad byte is kept; none is looked for after it
            syntax = isinstance(exc, SyntaxError) and not _ENCODING_ERROR.search(str(exc.msg or exc))
            earlier = [parse_error(sf, exc)] if isinstance(exc, SyntaxError) and syntax else []
            first, *later = sorted([not_utf8, *earlier], key=lambda e: (e.line or 0, e.column or 0))
            return ParsedFile(sf, error=first, sha256=sha256, later_errors=later)
        if isinstance(exc, UnicodeDecodeError):  # (not expected: the bytes decode)
            error = ParseError(sf.display, None, None, f"not UTF-8 text: {exc.reason}")
            return ParsedFile(sf, error=error, sha256=sha256)
        error = parse_error(sf, exc)
        text = data.decode("utf-8-sig")
        return ParsedFile(sf, error=error, sha256=sha256, later_errors=_later_errors(sf, text, error))
    return ParsedFile(sf, quads, sha256=sha256)


def parse_files(files: Iterable[SourceFile]) -> list[ParsedFile]:
    """Parse every file (each one, even after a broken one)."""
    return [parse_file(sf) for sf in files]


def parse_project(project: Project) -> list[ParsedFile]:
    """Parse ontology/, shapes/ and data/ of a project."""
    return parse_files(project.ontology_files + project.shape_files + project.data_files)


def check_syntax(files: Iterable[SourceFile]) -> list[ParseError]:
    """Parse every file; return every syntax error found, of every broken file (not only the first)."""
    return [e for p in parse_files(files) for e in p.errors]


def load_files(store: ox.Store, files: Iterable[SourceFile]) -> None:
    """Load each file into its named graph. Raises ParseError on the first broken file."""
    for parsed in parse_files(files):
        if parsed.error is not None:
            raise parsed.error
        store.extend(parsed.quads)
