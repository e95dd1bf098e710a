"""Parse Turtle files into a pyoxigraph Store, all or nothing, with positioned errors."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from axiskg.errors import ParseError
from axiskg.project import SourceFile


def parse_error(sf: SourceFile, exc: SyntaxError) -> ParseError:
    """Turn pyoxigraph's SyntaxError (which carries filename/lineno/offset) into a ParseError."""
    message = str(exc.msg or exc)
    return ParseError(sf.display, exc.lineno, exc.offset, message)


def check_syntax(files: Iterable[SourceFile]) -> list[ParseError]:
    """Parse every file; return one ParseError per broken file (not only the first)."""
    errors: list[ParseError] = []
    for sf in files:
        try:
            for _ in ox.parse(path=str(sf.path), format=ox.RdfFormat.TURTLE):
                pass
        except SyntaxError as exc:
            errors.append(parse_error(sf, exc))
    return errors


def load_files(store: ox.Store, files: Iterable[SourceFile]) -> None:
    """Load each file into its named graph. Raises ParseError on the first broken file."""
    for sf in files:
        try:
            store.bulk_load(path=str(sf.path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(sf.graph))
        except SyntaxError as exc:
            raise parse_error(sf, exc) from exc
