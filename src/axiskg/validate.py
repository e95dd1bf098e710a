"""Validation: the syntax of every file, then the data (with the ontology) against the SHACL shapes.

Non-conformance is a result (`ValidationReport`), not an exception: every problem of the tree is in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from axiskg import iris
from axiskg.errors import ParseError
from axiskg.load import ParsedFile, parse_project
from axiskg.locate import SourceLocator
from axiskg.project import Project

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str
    severity: str
    shape: str | None
    value: str | None = None
    file: str | None = None
    line: int | None = None
    anchor: str | None = None  # for a blank-node focus: its nearest named ancestor

    def __str__(self) -> str:
        where = f"{self.file or '?'}:{self.line}" if self.line else (self.file or "?")
        path = f" {_compact(self.path)}" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        focus = f"<{self.focus}>" if not self.focus.startswith("_:") else f"[] in <{self.anchor or '?'}>"
        return f"{where}: {self.severity}: {focus}{path}: {self.message}{value}"


@dataclass
class ValidationReport:
    conforms: bool
    parse_errors: list[ParseError] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    results_graph: Graph | None = None
    files: int = 0

    @property
    def problems(self) -> int:
        return len(self.parse_errors) + sum(1 for v in self.violations if v.severity == "Violation")

    def to_json(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "files": self.files,
            "parse_errors": [
                {"file": e.file, "line": e.line, "column": e.column, "message": e.message}
                for e in self.parse_errors
            ],
            "violations": [asdict(v) for v in self.violations],
        }


def _compact(text: str) -> str:
    """IRIs of the contract's namespaces written as prefixed names, for messages (`rdfs:label`)."""
    for prefix, ns in sorted(iris.PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if prefix != "ax":
            text = text.replace(ns, prefix + ":")
    return text


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph) -> Node:
    """Convert a pyoxigraph term to the equivalent rdflib term (blank node ids are kept)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def rdflib_graph(parsed: Iterable[ParsedFile]) -> Graph:
    """One rdflib Graph with the triples of the given parsed files."""
    g = Graph()
    cache: dict[Any, Node] = {}

    def conv(t: Any) -> Node:
        n = cache.get(t)
        if n is None:
            n = cache[t] = to_rdflib(t)
        return n

    add = g.add
    for p in parsed:
        for q in p.quads:
            add((conv(q.subject), conv(q.predicate), conv(q.object)))
    return g


def _term_text(g: Graph, node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return str(node)
    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, BNode):
        # a SHACL path given as a blank node (sequence / inverse path): show it in Turtle-like form
        first = g.value(node, RDF.first)
        if first is not None:
            items: list[str] = []
            cur: Node | None = node
            while cur is not None and cur != RDF.nil and len(items) < 10:
                items.append(_term_text(g, g.value(cur, RDF.first)) or "?")
                cur = g.value(cur, RDF.rest)
            return "(" + " / ".join(items) + ")"
        for p, o in g.predicate_objects(node):
            return f"{str(p).rsplit('#', 1)[-1]} {_term_text(g, o)}"
    return str(node)


def validate_parsed(parsed: Sequence[ParsedFile]) -> ValidationReport:
    """Validate already parsed files: their syntax errors, and SHACL over every file that parsed."""
    parse_errors = [p.error for p in parsed if p.error is not None]
    ok = [p for p in parsed if p.error is None]
    data_files = [p for p in ok if p.source.folder == "data"]
    shapes = rdflib_graph(p for p in ok if p.source.folder == "shapes")
    violations: list[Violation] = []
    results: Graph | None = None
    conforms = not parse_errors
    if len(shapes) > 0:
        # The ontology is added to the data graph here rather than given as pyshacl's `ont_graph`: that is
        # what pyshacl does with it too (it mixes it into the data graph), but its mixing clones every
        # blank-node structure recursively and takes minutes on our ontology; a union takes milliseconds.
        data_and_ontology = [p for p in ok if p.source.folder in ("data", "ontology")]
        shacl_conforms, results, _text = pyshacl.validate(
            rdflib_graph(data_and_ontology),
            shacl_graph=shapes,
            inference="none",
            allow_warnings=True,
            inplace=True,
        )
        conforms = conforms and bool(shacl_conforms)
        locator = SourceLocator(data_files + [p for p in data_and_ontology if p.source.folder == "ontology"])
        for r in results.subjects(RDF.type, SH.ValidationResult):
            focus = results.value(r, SH.focusNode)
            shape = results.value(r, SH.sourceShape)
            loc = locator.locate(str(focus), is_blank=isinstance(focus, BNode)) if focus is not None else None
            violations.append(
                Violation(
                    focus=str(focus) if not isinstance(focus, BNode) else f"_:{focus}",
                    path=_term_text(results, results.value(r, SH.resultPath)),
                    message=str(results.value(r, SH.resultMessage) or ""),
                    severity=str(results.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                    shape=str(shape) if isinstance(shape, URIRef) else None,
                    value=_term_text(results, results.value(r, SH.value)),
                    file=loc.file if loc else None,
                    line=loc.line if loc else None,
                    anchor=loc.anchor if loc else None,
                )
            )
        violations.sort(key=lambda v: (v.file or "~", v.line or 0, v.focus, v.path or "", v.message))
    return ValidationReport(
        conforms=conforms,
        parse_errors=parse_errors,
        violations=violations,
        results_graph=results,
        files=len(parsed),
    )


def validate(root: str | Path = ".") -> ValidationReport:
    """Validate the project at `root`: every syntax error, and every SHACL result of the files that parse."""
    return validate_parsed(parse_project(Project.at(root)))
