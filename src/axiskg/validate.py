"""Validation: syntax of every file, then the data (with the ontology) against the SHACL shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyshacl
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from axiskg.errors import ParseError
from axiskg.load import check_syntax
from axiskg.project import Project

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str
    severity: str
    shape: str | None
    file: str | None = None
    line: int | None = None


@dataclass
class ValidationReport:
    conforms: bool
    parse_errors: list[ParseError] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    results_graph: Graph | None = None


def _graph(paths: list[Path]) -> Graph:
    g = Graph()
    for p in paths:
        g.parse(p, format="turtle")
    return g


def validate(root: str | Path = ".") -> ValidationReport:
    """Validate the project at `root`: every syntax error, then every SHACL violation."""
    project = Project.at(root)
    all_files = project.ontology_files + project.shape_files + project.data_files
    parse_errors = check_syntax(all_files)
    if parse_errors:
        return ValidationReport(conforms=False, parse_errors=parse_errors)
    data = _graph([f.path for f in project.data_files])
    ont = _graph([f.path for f in project.ontology_files])
    shapes = _graph([f.path for f in project.shape_files])
    conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ont, inference="none", allow_warnings=True
    )
    violations: list[Violation] = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        path = results.value(r, SH.resultPath)
        shape = results.value(r, SH.sourceShape)
        violations.append(
            Violation(
                focus=str(results.value(r, SH.focusNode)),
                path=str(path) if isinstance(path, URIRef) else None,
                message=str(results.value(r, SH.resultMessage) or ""),
                severity=str(results.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                shape=str(shape) if isinstance(shape, URIRef) else None,
            )
        )
    return ValidationReport(conforms=bool(conforms), violations=violations, results_graph=results)
