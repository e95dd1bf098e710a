"""validate(): every syntax error with file:line:col, and SHACL results with the line of the focus node."""

from __future__ import annotations

from pathlib import Path

import pytest

from axiskg.errors import NotFoundError
from axiskg.validate import ValidationReport, validate
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


def test_blank_node_focus_is_located_in_its_named_ancestor(tmp_path: Path) -> None:
    root = copy_tiny(tmp_path / "p", "bad_date_in_blank_node.ttl")
    [v] = validate(root).violations
    assert v.focus.startswith("_:")
    assert v.anchor == "https://w3id.org/axiskg/id/meeting/najaf-gathering"
    assert (v.file, v.line) == ("data/bad_date_in_blank_node.ttl", 12)  # where the value is written
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


# --- the checks beyond SHACL (axiskg.checks) ----------------------------------------------------------------

PREFIXES = """\
@prefix axo: <https://w3id.org/axiskg/ontology#> .
@prefix hedge: <https://w3id.org/axiskg/ontology/hedge#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix claim: <https://w3id.org/axiskg/id/claim/> .
@prefix meeting: <https://w3id.org/axiskg/id/meeting/> .
@prefix person: <https://w3id.org/axiskg/id/person/> .
@prefix place: <https://w3id.org/axiskg/id/place/> .
@prefix report: <https://w3id.org/axiskg/id/report/> .
"""


def _errors(report: ValidationReport) -> list[str]:
    return [str(v) for v in report.violations if v.severity == "Violation"] + [
        str(e) for e in report.parse_errors
    ]


def test_misspelled_terms_are_errors_with_a_suggestion(tiny_project: Path) -> None:
    (tiny_project / "data" / "report-005.ttl").write_text(
        PREFIXES
        + """
meeting:005-gathering a axo:Meting ;
    skos:prefLabel "A gathering"@en ;
    schema:locaton place:baghdad .

claim:005-attended a axo:Clam ;
    rdf:subject meeting:005-gathering ;
    rdf:predicate schema:atendee ;
    rdf:object person:qais-al-khazali .
""",
        encoding="utf-8",
    )
    report = validate(tiny_project)
    assert not report.conforms
    assert _errors(report) == [
        "data/report-005.ttl:13: Violation: unknown term axo:Meting (did you mean axo:Meeting?)",
        "data/report-005.ttl:15: Violation: unknown term schema:locaton (did you mean schema:location?)",
        "data/report-005.ttl:17: Violation: unknown term axo:Clam (did you mean axo:Claim?)",
        "data/report-005.ttl:19: Violation: unknown term schema:atendee (did you mean schema:attendee?)",
    ]


def test_terms_of_unknown_namespaces_and_list_members_are_left_alone(tiny_project: Path) -> None:
    (tiny_project / "data" / "extra.ttl").write_text(
        PREFIXES
        + """
person:qais-al-khazali <http://example.org/vocab#nickname> "Abu Ali"@en ;
    rdf:_1 "first" .
""",
        encoding="utf-8",
    )
    report = validate(tiny_project)
    assert report.conforms, _errors(report)


def test_an_empty_data_file_is_an_error(tiny_project: Path) -> None:
    (tiny_project / "data" / "report-005.ttl").write_text("", encoding="utf-8")
    (tiny_project / "data" / "report-006.ttl").write_text("# nothing yet\n" + PREFIXES, encoding="utf-8")
    report = validate(tiny_project)
    assert not report.conforms
    assert [(v.file, v.severity, v.check) for v in report.violations] == [
        ("data/report-005.ttl", "Violation", "empty-file"),
        ("data/report-006.ttl", "Warning", "empty-file"),  # only comments: written on purpose
    ]
    assert str(report.violations[0]).startswith("data/report-005.ttl: Violation: file is empty")
    assert "no triples" in str(report.violations[1])


def test_files_that_are_not_read_are_named(tiny_project: Path) -> None:
    (tiny_project / "data" / "report-005.turtle").write_text("this is not Turtle", encoding="utf-8")
    (tiny_project / "data" / "REPORT-006.TTL").write_text("<a> <b> .", encoding="utf-8")
    (tiny_project / "data" / "2024").mkdir()
    (tiny_project / "data" / "2024" / "report-007.ttl").write_text("<a> <b> .", encoding="utf-8")
    (tiny_project / "data" / "notes.txt").write_text("not RDF", encoding="utf-8")
    report = validate(tiny_project)
    assert report.conforms  # a warning: the files may be there on purpose
    ignored = [str(v) for v in report.warnings if v.check == "ignored-file"]
    assert ignored == [
        "data/2024/report-007.ttl: Warning: ignored: only data/*.ttl are read (not other extensions, not "
        "subfolders); if it holds data, move or rename it to data/<name>.ttl",
        "data/REPORT-006.TTL: Warning: ignored: only data/*.ttl are read (not other extensions, not "
        "subfolders); if it holds data, move or rename it to data/<name>.ttl",
        "data/report-005.turtle: Warning: ignored: only data/*.ttl are read (not other extensions, not "
        "subfolders); if it holds data, move or rename it to data/<name>.ttl",
    ]


CLAIM_AGAIN = """
claim:000-khazali-attended a axo:Claim ;
    rdf:subject meeting:tehran-session ;
    rdf:predicate schema:attendee ;
    rdf:object person:qais-al-khazali ;
    axo:statedIn report:tiny-2023-11-10 ;
    axo:attributionChain () ;
    axo:hedge hedge:none ;
    axo:quote "Khazali attended the session."@en .
"""


def test_a_claim_described_in_two_files_is_one_error_naming_both(tiny_project: Path) -> None:
    (tiny_project / "data" / "report-005.ttl").write_text(PREFIXES + CLAIM_AGAIN, encoding="utf-8")
    report = validate(tiny_project)
    assert not report.conforms
    claim = "https://w3id.org/axiskg/id/claim/000-khazali-attended"
    assert _errors(report) == [
        f"data/report-005.ttl:13: Violation: IRI <{claim}> is described in data/report-000.ttl:18 and "
        "data/report-005.ttl:13; each claim must be described in one file: give the new one its own IRI, "
        "or merge the two descriptions"
    ]


def test_a_person_may_be_described_in_several_files(tiny_project: Path) -> None:
    (tiny_project / "data" / "report-005.ttl").write_text(
        PREFIXES + 'person:qais-al-khazali skos:altLabel "Abu Ahmad"@en .\n', encoding="utf-8"
    )
    assert validate(tiny_project).conforms


SOURCE_TEXT = """Tiny report, November 10, 2023

According to \u201cinformed sources\u201d, Khazali attended the
session. Qais al-Khazali, secretary-general of Asa\u2019ib Ahl al-Haq \u2013 the militia \u2013 spoke.
"""


def _with_source(root: Path, text: str | None = SOURCE_TEXT) -> None:
    report = root / "data" / "actors.ttl"
    report.write_text(
        report.read_text(encoding="utf-8").replace(
            '"2023-11-10"^^<http://www.w3.org/2001/XMLSchema#date> .',
            '"2023-11-10"^^<http://www.w3.org/2001/XMLSchema#date> ;\n'
            '    <https://w3id.org/axiskg/ontology#sourceFile> "000_tiny.txt" .',
        ),
        encoding="utf-8",
    )
    if text is not None:
        (root.parent / "shared" / "sources").mkdir(parents=True)
        (root.parent / "shared" / "sources" / "000_tiny.txt").write_text(text, encoding="utf-8")


def test_quotes_are_found_in_the_source_text(tiny_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Line breaks, typographic apostrophes and quotes may differ from the source text; nothing else."""
    monkeypatch.delenv("AXISKG_SOURCES", raising=False)
    _with_source(tiny_project)
    report = validate(tiny_project)
    assert report.conforms, _errors(report)
    assert report.notes == []


def test_a_quote_not_in_the_source_text_is_an_error(
    tiny_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AXISKG_SOURCES", raising=False)
    _with_source(tiny_project)
    report_file = tiny_project / "data" / "report-000.ttl"
    report_file.write_text(
        report_file.read_text(encoding="utf-8").replace(
            "Khazali attended the session.", "Khazali chaired the session."
        ),
        encoding="utf-8",
    )
    report = validate(tiny_project)
    assert not report.conforms
    [error] = report.errors
    assert (error.file, error.line, error.check) == ("data/report-000.ttl", 25, "quote-not-in-source")
    assert error.focus == "https://w3id.org/axiskg/id/claim/000-khazali-attended"
    assert "the quote is not in the report's source text (000_tiny.txt)" in error.message
    assert 'the closest passage is "Khazali attended the session."' in error.message


def test_quotes_without_their_source_text_are_skipped_with_a_note(
    tiny_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AXISKG_SOURCES", raising=False)
    _with_source(tiny_project, text=None)
    report = validate(tiny_project)
    assert report.conforms
    [note] = report.notes
    assert "000_tiny.txt" in note and "AXISKG_SOURCES" in note
    # the folder may also be given
    elsewhere = tiny_project.parent / "texts"
    elsewhere.mkdir()
    (elsewhere / "000_tiny.txt").write_text("Something else entirely, nothing quoted.", encoding="utf-8")
    monkeypatch.setenv("AXISKG_SOURCES", str(elsewhere))
    report = validate(tiny_project)
    assert [v.check for v in report.errors] == ["quote-not-in-source", "quote-not-in-source"]


@pytest.mark.parametrize("name", ["/etc/hostname", "../shared/sources/000_tiny.txt", "sub/000_tiny.txt"])
def test_a_source_file_that_is_a_path_is_an_error_and_nothing_of_it_is_read(
    tiny_project: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """The check prints passages of the source text: axo:sourceFile names a file of the sources folder,
    never a path to any file the validating machine can read."""
    monkeypatch.delenv("AXISKG_SOURCES", raising=False)
    _with_source(tiny_project)
    actors = tiny_project / "data" / "actors.ttl"
    actors.write_text(actors.read_text(encoding="utf-8").replace('"000_tiny.txt"', f'"{name}"'), "utf-8")
    report_file = tiny_project / "data" / "report-000.ttl"
    report_file.write_text(
        report_file.read_text(encoding="utf-8").replace("Khazali attended the session.", "Not quoted."),
        encoding="utf-8",
    )
    report = validate(tiny_project)
    [error] = report.errors
    assert (error.file, error.check) == ("data/actors.ttl", "source-file-path")
    assert "is a path: give the bare name" in error.message and "closest passage" not in error.message


# --- where a problem is reported (QA of the curator workflow) -----------------------------------------------

REFERENCE_SHAPE = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix axsh: <https://w3id.org/axiskg/shapes#> .

axsh:DeclaredReference a sh:PropertyShape ;
    sh:targetObjectsOf rdf:object , rdf:first ;
    sh:path rdf:type ;
    sh:minCount 1 ;
    sh:message "Reference to an entity that is declared nowhere" .
"""


def test_a_misspelled_reference_is_reported_where_it_is_written(tiny_project: Path) -> None:
    """A typo that is the start of an existing IRI (person:qais-al-khazal, of person:qais-al-khazali) is not
    found inside that IRI: the line reported is where the misspelled term is written, in its own file."""
    (tiny_project / "shapes" / "references.ttl").write_text(REFERENCE_SHAPE, encoding="utf-8")
    (tiny_project / "data" / "report-005.ttl").write_text(
        PREFIXES
        + "@prefix source: <https://w3id.org/axiskg/id/source/> .\n"  # line 12
        + "\n"
        + "source:005-informed-iraqi-sources a axo:Source ;\n"  # line 14
        + '    skos:prefLabel "informed Iraqi sources"@en .\n'
        + "\n"
        + "claim:005-khazali-attended a axo:Claim ;\n"  # line 17
        + "    rdf:subject meeting:tehran-session ;\n"
        + "    rdf:predicate schema:attendee ;\n"
        + "    rdf:object person:qais-al-khazal ;\n"  # line 20
        + "    axo:statedIn report:tiny-2023-11-10 ;\n"
        + "    axo:attributionChain ( source:005-informed-iraqi-source ) ;\n"  # line 22
        + "    axo:hedge hedge:reportedly .\n",
        encoding="utf-8",
    )
    report = validate(tiny_project)
    found = {(v.focus.rsplit("/", 1)[-1], v.file, v.line) for v in report.errors}
    assert found == {
        ("qais-al-khazal", "data/report-005.ttl", 20),
        ("005-informed-iraqi-source", "data/report-005.ttl", 22),
    }


def test_a_mistake_on_a_shared_entity_is_reported_where_it_is_made(tiny_project: Path) -> None:
    """A second label added to a person of actors.ttl from a report file is reported in the report file, at
    the line of the label (the person's description is named after the message)."""
    (tiny_project / "data" / "report-005.ttl").write_text(
        PREFIXES + "\n" + 'person:qais-al-khazali skos:prefLabel "Qays al-Khazali"@en .\n', encoding="utf-8"
    )
    [v] = validate(tiny_project).errors  # sh:maxCount 1: the result names no value
    assert (v.file, v.line) == ("data/report-005.ttl", 13)
    assert v.declared == "data/actors.ttl:12"
    assert str(v).startswith(
        "data/report-005.ttl:13: Violation: <https://w3id.org/axiskg/id/person/qais-al-k"
    )
    assert str(v).endswith("(the node is described at data/actors.ttl:12)")
    # a result that names its value (sh:datatype): the line where that value is written
    (tiny_project / "data" / "report-005.ttl").write_text(
        PREFIXES
        + "\n\nperson:qais-al-khazali\n"
        + '    skos:altLabel "Qays"@en ;\n    skos:prefLabel "Qays" .\n',
        encoding="utf-8",
    )
    errors = validate(tiny_project).errors
    assert {(v.file, v.line, v.value) for v in errors} == {
        ("data/report-005.ttl", 16, None),
        ("data/report-005.ttl", 16, "Qays"),
    }
    # on its own file, a result with a value is on the value's line
    (tiny_project / "data" / "report-005.ttl").unlink()
    actors = tiny_project / "data" / "actors.ttl"
    actors.write_text(
        actors.read_text(encoding="utf-8").replace(
            '"Khazali"@en ;', '"Khazali"@en ;\n  skos:prefLabel "x" ;'
        ),
        encoding="utf-8",
    )
    assert {(v.file, v.line, v.value) for v in validate(tiny_project).errors} == {
        ("data/actors.ttl", 12, None),  # maxCount: both labels are in the node's own file
        ("data/actors.ttl", 15, "x"),
    }


def test_a_file_that_does_not_parse_hides_no_error_behind_false_ones(tiny_project: Path) -> None:
    """actors.ttl without its final ' .': one syntax error; the references to the people and the report it
    declares are not "declared nowhere" errors of report-000.ttl, but one note."""
    (tiny_project / "shapes" / "references.ttl").write_text(REFERENCE_SHAPE, encoding="utf-8")
    actors = tiny_project / "data" / "actors.ttl"
    actors.write_text(actors.read_text(encoding="utf-8").rstrip().removesuffix(".") + "\n", encoding="utf-8")
    report = validate(tiny_project)
    assert not report.conforms
    assert [(e.file, e.line) for e in report.parse_errors] == [("data/actors.ttl", 26)]
    assert report.first_problem is report.parse_errors[0]
    assert report.errors == [], [str(v) for v in report.errors]
    [note] = [n for n in report.notes if "did not parse" in n]
    assert note.startswith("4 shape result(s) about entities that data/actors.ttl mentions are not reported")
    # a problem about what the broken file does not mention is still reported
    report_000 = tiny_project / "data" / "report-000.ttl"
    report_000.write_text(
        report_000.read_text(encoding="utf-8").replace("( source:informed-sources )", "( source:nobody )"),
        encoding="utf-8",
    )
    report = validate(tiny_project)
    assert [v.focus for v in report.errors] == ["https://w3id.org/axiskg/id/source/nobody"]
