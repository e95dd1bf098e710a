"""Where a node is defined in the Turtle sources: `file:line`, for messages about that node.

pyoxigraph gives no positions for triples, so the text of each file is scanned: a line that starts
(at column 0, as our files are written) with a term that expands, through the file's own @prefix
declarations, to an IRI the file uses as a subject is where that subject is defined.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from axiskg.load import ParsedFile

_PREFIX_DECL = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.\-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_LEADING_TERM = re.compile(r"^(<[^>\s]*>|(?:[A-Za-z][\w.\-]*)?:(?:[^\s;,()\[\]\\]|\\.)*)")
_UNESCAPE = re.compile(r"\\(.)")


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
    parent: dict[str, ox.NamedNode | ox.BlankNode] = field(default_factory=dict)
    bnodes: set[str] = field(default_factory=set)


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
        iri = _expand(m.group(1), prefixes)
        if iri is not None and iri in idx.subjects:
            idx.first_line.setdefault(iri, number)
    return idx


def _search_line(idx: _FileIndex, iri: str) -> int | None:
    """First line that mentions the IRI in any form (full or prefixed): the fallback."""
    forms = [f"<{iri}>"]
    forms += [f"{p}:{iri[len(base) :]}" for p, base in idx.prefixes.items() if iri.startswith(base)]
    for number, line in enumerate(idx.text_lines, start=1):
        if any(f in line for f in forms):
            return number
    return None


def _term_pattern(idx: _FileIndex, iri: str) -> re.Pattern[str]:
    """The IRI written in full or with one of the file's prefixes, as a whole token."""
    forms = [re.escape(f"<{iri}>")]
    for p, base in idx.prefixes.items():
        if iri.startswith(base) and iri != base:
            forms.append(r"(?<![\w:.\-])" + re.escape(f"{p}:{iri[len(base) :]}") + r"(?![\w\-:]|\.\w)")
    return re.compile("|".join(forms))


class SourceLocator:
    """Finds the `file:line` where a node is defined, across the data files of a project."""

    def __init__(self, parsed_files: Iterable[ParsedFile]) -> None:
        self._files = [_index(p) for p in parsed_files if p.error is None]
        self._by_display = {idx.display: idx for idx in self._files}

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
        if idx is None:
            return None
        pattern = _term_pattern(idx, iri)
        for number, line in enumerate(idx.text_lines, start=1):
            if not line.lstrip().startswith("#") and pattern.search(line):
                return number
        return None

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
