"""Where a node is defined in the Turtle sources: `file:line`, for messages about that node.

pyoxigraph gives no positions for triples, so the text of each file is scanned: a line that starts
(at column 0, as our files are written) with a term that expands, through the file's own @prefix
declarations, to an IRI the file uses as a subject is where that subject is defined.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from axiskg.load import ParsedFile

_PREFIX_DECL = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.\-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_LEADING_TERM = re.compile(r"^(<[^>\s]*>|(?:[A-Za-z][\w.\-]*)?:(?:[^\s;,()\[\]\\]|\\.)*)")
_UNESCAPE = re.compile(r"\\(.)")
_FULL_IRI = re.compile(r"<([^<>\s\"]*)>")
_RDF12_TOKEN = re.compile(r"<<|>>|\{\||\|\}|(?:^|(?<=[\s>\])]))~(?=[\s<\[A-Za-z_:]|$)")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|<[^<>\s"]*>|#.*$')
_PREFIXED_NAME = re.compile(r"(?<![\w:.\-<#/])(?:[A-Za-z][\w.\-]*)?:(?:[^\s;,()\[\]\\\"'<>]|\\.)+")


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None
    anchor: str | None = None  # the named node whose definition holds the location


@dataclass
class _FileIndex:
    display: str
    text_lines: list[str]
    prefixes: dict[str, str]
    subjects: set[str]
    has_type: set[str]
    first_line: dict[str, int] = field(default_factory=dict)
    starts: dict[str, list[int]] = field(default_factory=dict)  # the lines where a subject's statements start
    statement_starts: list[int] = field(default_factory=list)  # the lines where any statement starts
    parent: dict[str, ox.NamedNode | ox.BlankNode] = field(default_factory=dict)
    bnodes: set[str] = field(default_factory=set)
    written: dict[tuple[str, str | None], list[int]] = field(default_factory=dict)  # term_lines, once each


def _expand(token: str, prefixes: dict[str, str]) -> str | None:
    if token.startswith("<"):
        return token[1:-1]
    prefix, _, local = token.partition(":")
    base = prefixes.get(prefix)
    if base is None:
        return None
    return base + _UNESCAPE.sub(r"\1", local).rstrip(".")


def _index(parsed: ParsedFile) -> _FileIndex:
    text = parsed.source.path.read_text(encoding="utf-8-sig", errors="replace")  # a BOM is not text
    lines = text.splitlines()
    prefixes: dict[str, str] = {}
    for line in lines:
        m = _PREFIX_DECL.match(line)
        if m:
            prefixes[m.group(1) or ""] = m.group(2)
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    idx = _FileIndex(parsed.source.display, lines, prefixes, set(), set())
    for q in parsed.quads:
        s = q.subject
        if isinstance(s, ox.NamedNode):
            idx.subjects.add(s.value)
            if q.predicate.value == rdf_type:
                idx.has_type.add(s.value)
        elif isinstance(s, ox.BlankNode):
            idx.bnodes.add(s.value)
        if isinstance(q.object, ox.BlankNode) and isinstance(s, ox.NamedNode | ox.BlankNode):
            idx.parent.setdefault(q.object.value, s)
    for number, line in enumerate(lines, start=1):
        m = _LEADING_TERM.match(line)
        if not m:
            continue
        idx.statement_starts.append(number)
        iri = _expand(m.group(1), prefixes)
        if iri is not None and iri in idx.subjects:
            idx.first_line.setdefault(iri, number)
            idx.starts.setdefault(iri, []).append(number)
    return idx


def mentioned_iris(path: Path) -> set[str]:
    """Every IRI a Turtle file writes (in full or prefixed, through its own @prefix lines), read as text: for
    a file that does not parse. Rough on purpose: a name inside a string or a comment counts too."""
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return set()
    prefixes: dict[str, str] = {}
    for line in text.splitlines():
        m = _PREFIX_DECL.match(line)
        if m:
            prefixes[m.group(1) or ""] = m.group(2)
    out = {m.group(1) for m in _FULL_IRI.finditer(text)}
    for m in _PREFIXED_NAME.finditer(text):
        iri = _expand(m.group(0), prefixes)
        if iri is not None:
            out.add(iri)
    return out


def _search_line(idx: _FileIndex, iri: str) -> int | None:
    """First line (outside comment lines) where the IRI is written, in full or prefixed, as a whole token (a
    misspelled `person:qais-al-khazal` is not found in `person:qais-al-khazali`): the fallback."""
    pattern = _term_pattern(idx, iri)
    for number, line in enumerate(idx.text_lines, start=1):
        if not line.lstrip().startswith("#") and pattern.search(line):
            return number
    return None


def _term_regex(idx: _FileIndex, iri: str) -> str:
    """A regular expression (one group) for the IRI written in full or with one of the file's prefixes, as a
    whole token."""
    forms = [re.escape(f"<{iri}>")]
    for p, base in idx.prefixes.items():
        if iri.startswith(base) and iri != base:
            forms.append(r"(?<![\w:.\-])" + re.escape(f"{p}:{iri[len(base) :]}") + r"(?![\w\-:]|\.\w)")
    return "(?:" + "|".join(forms) + ")"


def _term_pattern(idx: _FileIndex, iri: str) -> re.Pattern[str]:
    """The IRI written in full or with one of the file's prefixes, as a whole token."""
    return re.compile(_term_regex(idx, iri))


class SourceLocator:
    """Finds the `file:line` where a node is defined, across the data files of a project."""

    def __init__(self, parsed_files: Iterable[ParsedFile], also: Iterable[ParsedFile] = ()) -> None:
        """`also`: files indexed only for the questions about one named file (`term_lines`, `start_line`...),
        never searched by `locate` and `describing` (the shapes, for the checks of what they hold)."""
        self._files = [_index(p) for p in parsed_files if p.error is None]
        self._by_display = {idx.display: idx for idx in self._files}
        for p in also:
            if p.error is None and p.source.display not in self._by_display:
                self._by_display[p.source.display] = _index(p)

    def describing(self, iri: str) -> list[Location]:
        """Every file where the IRI is a subject, with the line where its description starts there."""
        return [
            Location(idx.display, idx.first_line.get(iri) or _search_line(idx, iri), iri)
            for idx in self._files
            if iri in idx.subjects
        ]

    def term_line(self, file: str, iri: str) -> int | None:
        """The first line of `file` (outside comment lines) where the IRI is written, in full or prefixed."""
        idx = self._by_display.get(file)
        return None if idx is None else _search_line(idx, iri)

    def term_lines(self, file: str, iri: str, after: str | None = None) -> list[int]:
        """The lines of `file` (outside comment lines) where the IRI is written as a whole token, in full or
        prefixed; with `after` (an IRI), only those where that term comes right before it (`rdf:predicate
        axo:spokeAt`)."""
        idx = self._by_display.get(file)
        if idx is None:
            return []
        found = idx.written.get((iri, after))
        if found is None:
            pattern = re.compile((_term_regex(idx, after) + r"\s+" if after else "") + _term_regex(idx, iri))
            found = idx.written[(iri, after)] = [
                n
                for n, line in enumerate(idx.text_lines, start=1)
                if not line.lstrip().startswith("#") and pattern.search(line)
            ]
        return list(found)

    def triple_term_lines(self, file: str) -> list[int]:
        """The line of each outermost RDF 1.2 triple term or reifier written in `file` (`<<( ... )>>`,
        `<< ... >>`, an annotation `{| ... |}` or a reifier `~ name`), in order, read roughly from the text
        (strings, IRIs and comments skipped)."""
        idx = self._by_display.get(file)
        if idx is None:
            return []
        out, depth = [], 0
        for number, line in enumerate(idx.text_lines, start=1):
            for m in _RDF12_TOKEN.finditer(_STRING.sub(lambda s: " " * len(s.group(0)), line)):
                token = m.group(0)
                if token in ("<<", "{|", "~"):
                    if depth == 0:
                        out.append(number)
                    if token != "~":
                        depth += 1
                else:
                    depth = max(depth - 1, 0)
        return out

    def start_line(self, file: str, node: str, is_blank: bool = False) -> int | None:
        """The line of `file` where the description of `node` starts: an IRI's (if `file` states something
        about it), or a blank node's nearest named ancestor's (None if it has none)."""
        idx = self._by_display.get(file)
        if idx is None:
            return None
        if is_blank:
            named = self._named_ancestor(idx, node) if node in idx.bnodes or node in idx.parent else None
            return None if named is None else idx.first_line.get(named) or _search_line(idx, named)
        if node not in idx.subjects:
            return None
        return idx.first_line.get(node) or _search_line(idx, node)

    def value_line(
        self,
        file: str,
        subject: str | None,
        *,
        iri: str | None = None,
        lexical: str = "",
        language: str | None = None,
        datatype: str | None = None,
    ) -> int | None:
        """The line of `file` where a value of `subject` is written (the IRI `iri`, else the literal of
        lexical form `lexical`, with its language tag, or a datatype other than xsd:string): within one of
        the subject's statements if it is there, else the first one after the subject's first statement;
        the subject's line if the value is not found as written."""
        idx = self._by_display.get(file)
        if idx is None:
            return None
        if iri is not None:
            pattern = _term_pattern(idx, iri)
        else:
            escaped = lexical.replace("\\", "\\\\").replace('"', '\\"')
            quoted = "|".join(re.escape(f) for f in sorted({f'"{lexical}"', f'"{escaped}"', f"'{lexical}'"}))
            if language:
                after = "@(?i:" + re.escape(language) + r")(?![\w\-])"
            elif datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
                after = r"\^\^"
            else:
                after = r"(?!@|\^\^)"
            pattern = re.compile(f"(?:{quoted}){after}")
        lines = [
            n
            for n, line in enumerate(idx.text_lines, start=1)
            if not line.lstrip().startswith("#") and pattern.search(line)
        ]
        starts = idx.starts.get(subject, []) if subject else []
        if not starts and subject:
            found = _search_line(idx, subject)
            starts = [found] if found else []
        for start in starts:
            nxt = bisect.bisect_right(idx.statement_starts, start)
            end = idx.statement_starts[nxt] if nxt < len(idx.statement_starts) else len(idx.text_lines) + 1
            inside = [n for n in lines if start <= n < end]
            if inside:
                return inside[0]
        later = [n for n in lines if not starts or n >= starts[0]]
        if later:
            return later[0]
        return starts[0] if starts else (lines[0] if lines else None)

    def literal_lines(self, file: str, lexical: str) -> list[int]:
        """The lines of `file` where a literal of this lexical form is written (as "..." or '...')."""
        idx = self._by_display.get(file)
        if idx is None:
            return []
        escaped = lexical.replace("\\", "\\\\").replace('"', '\\"')
        forms = {f'"{lexical}"', f'"{escaped}"', f"'{lexical}'"}
        return [
            number
            for number, line in enumerate(idx.text_lines, start=1)
            if not line.lstrip().startswith("#") and any(f in line for f in forms)
        ]

    def locate(self, node: str, is_blank: bool = False) -> Location | None:
        """Location of an IRI, or of a blank node's nearest named ancestor."""
        if is_blank:
            for idx in self._files:
                if node in idx.bnodes or node in idx.parent:
                    named = self._named_ancestor(idx, node)
                    if named is None:
                        return Location(idx.display, None)
                    return Location(idx.display, idx.first_line.get(named) or _search_line(idx, named), named)
            return None
        candidates = [i for i in self._files if node in i.has_type] or [
            i for i in self._files if node in i.subjects
        ]
        for idx in candidates:
            return Location(idx.display, idx.first_line.get(node) or _search_line(idx, node), node)
        for idx in self._files:
            line = _search_line(idx, node)
            if line is not None:
                return Location(idx.display, line, node)
        return None

    @staticmethod
    def _named_ancestor(idx: _FileIndex, bnode: str) -> str | None:
        seen: set[str] = set()
        current = bnode
        while current in idx.parent and current not in seen:
            seen.add(current)
            up = idx.parent[current]
            if isinstance(up, ox.NamedNode):
                return up.value
            current = up.value
        return None
