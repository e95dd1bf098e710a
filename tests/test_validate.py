"""validate(): every syntax error with file:line:col, and SHACL results with the line of the focus node."""

from __future__ import annotations

from pathlib import Path

import pytest

from axiskg.errors import NotFoundError
from axiskg.validate import validate
from conftest import copy_tiny


def test_tiny_project_conforms(tiny_project: Path) -> None:
    report = validate(tiny_project)
    assert report.conforms, [str(v) for v in report.violations]
    assert report.parse_errors == []
    assert report.files == 4


def test_every_syntax_error_is_reported_with_its_position(tmp_path: Path) -> None:
    root = copy_tiny(tmp_path / "p", "bad_syntax.ttl", "unterminated_string.ttl")
    report = validate(root)
    assert not report.conforms
    where = {(e.file, e.line, e.column) for e in report.parse_errors}
    assert where == {("data/bad_syntax.ttl", 8, 5), ("data/unterminated_string.ttl", 6, 20)}
    assert str(report.parse_errors[0]).startswith("data/bad_syntax.ttl:8:5: ")


def test_violations_are_reported_with_the_line_defining_the_focus_node(tmp_path: Path) -> None:
    root = copy_tiny(tmp_path / "p", "claim_without_hedge.ttl", "person_without_label.ttl")
    report = validate(root)
    assert not report.conforms
    found = {(v.file, v.line, v.focus, v.path) for v in report.violations}
    assert found == {
        (
            "data/claim_without_hedge.ttl",
            6,
            "https://w3id.org/axiskg/id/claim/000-claim-without-hedge",
            "https://w3id.org/axiskg/ontology#hedge",
        ),
        (
            "data/person_without_label.ttl",
            5,
            "https://w3id.org/axiskg/id/person/esmail-qaani",
            "http://www.w3.org/2004/02/skos/core#prefLabel",
        ),
    }
    hedge = next(v for v in report.violations if "hedge" in (v.path or ""))
    assert hedge.message == "A claim has exactly one hedge (axo:hedge)."
    assert str(hedge).startswith("data/claim_without_hedge.ttl:6: Violation: ")


def test_syntax_errors_and_violations_in_one_run(tmp_path: Path) -> None:
    root = copy_tiny(tmp_path / "p", "bad_syntax.ttl", "claim_without_hedge.ttl")
    report = validate(root)
    assert [e.file for e in report.parse_errors] == ["data/bad_syntax.ttl"]
    assert [v.file for v in report.violations] == ["data/claim_without_hedge.ttl"]


def test_blank_node_focus_is_located_at_its_named_ancestor(tmp_path: Path) -> None:
    root = copy_tiny(tmp_path / "p", "bad_date_in_blank_node.ttl")
    [v] = validate(root).violations
    assert v.focus.startswith("_:")
    assert v.anchor == "https://w3id.org/axiskg/id/meeting/najaf-gathering"
    assert (v.file, v.line) == ("data/bad_date_in_blank_node.ttl", 10)
    assert v.value == "early November"


def test_a_literal_in_an_attribution_chain_is_reported_with_the_sequence_path(tmp_path: Path) -> None:
    root = copy_tiny(tmp_path / "p", "literal_in_chain.ttl")
    [v] = validate(root).violations
    assert v.value == "some sources"
    assert v.path is not None and "attributionChain" in v.path
    assert (v.file, v.line) == ("data/literal_in_chain.ttl", 6)


def test_a_node_written_with_a_full_iri_is_located(tiny_project: Path) -> None:
    (tiny_project / "data" / "extra.ttl").write_text(
        "# comment\n\n<https://w3id.org/axiskg/id/person/x> a <https://w3id.org/axiskg/ontology#Person> .\n",
        encoding="utf-8",
    )
    [v] = validate(tiny_project).violations
    assert (v.file, v.line) == ("data/extra.ttl", 3)


def test_json_report_is_plain_data(tmp_path: Path) -> None:
    root = copy_tiny(tmp_path / "p", "bad_syntax.ttl", "person_without_label.ttl")
    data = validate(root).to_json()
    assert data["conforms"] is False
    assert data["parse_errors"] == [
        {"file": "data/bad_syntax.ttl", "line": 8, "column": 5, "message": data["parse_errors"][0]["message"]}
    ]
    assert data["violations"][0]["line"] == 5


def test_a_directory_without_project_folders_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="not an axiskg project"):
        validate(tmp_path)
