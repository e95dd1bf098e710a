"""validate(): every syntax error with file:line:col, and SHACL results with the line of the focus node."""

from __future__ import annotations

from pathlib import Path

import pytest

from axiskg import iris
from axiskg.errors import NotFoundError
from axiskg.validate import ValidationReport, validate
from conftest import copy_tiny

REPO_ROOT = Path(__file__).resolve().parent.parent


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


# --- edges the build derives, written by hand ---------------------------------------------------------------

RELATIONS = (
    PREFIXES
    + "@prefix org: <http://www.w3.org/ns/org#> .\n@prefix group: <https://w3id.org/axiskg/id/org/> .\n"
)
AS_CLAIM = (
    "is stated directly: write it as a claim (rdf:subject/rdf:predicate/rdf:object, or axo:asserts) with its "
    "report, hedge and quote; the build derives the edge"
)


def test_an_edge_the_build_derives_from_claims_stated_directly_is_an_error(tiny_project: Path) -> None:
    """docs/data-model.md: the build derives these edges from claims, "never by hand"; written directly they
    were published in the report's graph without a report, a hedge or a quote."""
    (tiny_project / "data" / "report-005.ttl").write_text(
        RELATIONS
        + """
person:qais-al-khazali org:memberOf group:asaib-ahl-al-haq .

meeting:005-gathering a axo:Meeting ;
    skos:prefLabel "A gathering"@en ;
    schema:attendee person:qais-al-khazali .

claim:005-khazali-member a axo:Claim ;
    rdf:subject person:qais-al-khazali ;
    rdf:predicate org:memberOf ;
    rdf:object group:asaib-ahl-al-haq ;
    axo:statedIn report:tiny-2023-11-10 ;
    axo:attributionChain () ;
    axo:hedge hedge:none ;
    axo:quote "Qais al-Khazali, secretary-general of Asa'ib Ahl al-Haq"@en .
""",
        encoding="utf-8",
    )
    report = validate(tiny_project)
    assert not report.conforms
    person = "<https://w3id.org/axiskg/id/person/qais-al-khazali>"
    assert _errors(report) == [  # the claim of the same edge is fine
        f"data/report-005.ttl:15: Violation: {person} org:memberOf "
        f"<https://w3id.org/axiskg/id/org/asaib-ahl-al-haq> {AS_CLAIM}",
        "data/report-005.ttl:19: Violation: <https://w3id.org/axiskg/id/meeting/005-gathering> "
        f"schema:attendee {person} {AS_CLAIM}",
    ]


def test_a_claim_of_an_edge_derived_only_from_other_claims_is_an_error(tiny_project: Path) -> None:
    """axo:spokeAt is derived from speech acts (axiskg.derive): claimed on its own, there is no act behind
    it. org:memberOf, derived from memberships too, is a legitimate triple claim (above)."""
    (tiny_project / "data" / "report-005.ttl").write_text(
        RELATIONS
        + """
claim:005-khazali-spoke a axo:Claim ;
    rdf:subject person:qais-al-khazali ;
    rdf:predicate axo:spokeAt ;
    rdf:object meeting:tehran-session ;
    axo:statedIn report:tiny-2023-11-10 ;
    axo:attributionChain () ;
    axo:hedge hedge:none ;
    axo:quote "Khazali attended the session."@en .
""",
        encoding="utf-8",
    )
    report = validate(tiny_project)
    [error] = [v for v in report.errors if v.check == "claimed-derived-edge"]
    assert str(error) == (
        "data/report-005.ttl:17: Violation: <https://w3id.org/axiskg/id/claim/005-khazali-spoke> claims "
        "rdf:predicate axo:spokeAt, an edge the build derives from other claims (never written by hand): "
        "write the axo:SpeechAct (axo:speaker, axo:addressee, axo:atEvent) and a claim that asserts it "
        "(axo:asserts) with its report, hedge and quote; the build derives the edge"
    )


def test_every_edge_the_build_derives_is_known_to_the_check() -> None:
    """The predicates derive.py writes (but rdfs:label, from skos:prefLabel: DateSpecs carry it by hand)."""
    import re

    from axiskg import checks, derive, iris

    written = set()
    for construct in derive.CONSTRUCTS.values():
        template = construct[len("CONSTRUCT {") : construct.index("}\nWHERE")]
        written |= {
            iris.PREFIXES[p] + local for p, local in re.findall(r"\b([a-z]+):([A-Za-z][\w-]*)", template)
        }
    written.discard("http://www.w3.org/2000/01/rdf-schema#label")
    assert written and written <= set(checks.DERIVED_ONLY) | checks.CLAIMED_ONLY


# --- data outside data/ -------------------------------------------------------------------------------------


def _claims_of(root: Path, number: str) -> str:
    """report-000's claims, meeting and membership under IRIs of their own (report `number`)."""
    text = (root / "data" / "report-000.ttl").read_text(encoding="utf-8")
    return (
        text.replace("000-", f"{number}-")
        .replace("meeting:tehran-session", f"meeting:{number}-session")
        .replace("membership:qais", f"membership:{number}-qais")
    )


def test_a_report_outside_data_is_an_error_and_nothing_is_published(
    tiny_project: Path, tmp_path: Path
) -> None:
    """ontology/ is published in graph/ontology without the checks of data/ (quotes, terms, duplicates)."""
    from axiskg.build import build
    from axiskg.errors import ShapeViolationError

    (tiny_project / "ontology" / "report-006.ttl").write_text(_claims_of(tiny_project, "006"), "utf-8")
    report = validate(tiny_project)
    assert _errors(report) == [
        "ontology/report-006.ttl:15: Violation: 2 claims, a meeting and a membership outside data/ (the "
        "first: <https://w3id.org/axiskg/id/meeting/006-session>): an ontology file is published in "
        "graph/ontology without the checks of data/ (terms, quotes, duplicates): move the file to data/"
    ]
    with pytest.raises(ShapeViolationError):
        build(tiny_project, tmp_path / "out")
    assert not (tmp_path / "out" / "current").exists()
    (tiny_project / "ontology" / "report-006.ttl").rename(tiny_project / "data" / "report-006.ttl")
    assert validate(tiny_project).conforms


def test_data_in_shapes_is_an_error_and_other_triples_a_warning(tiny_project: Path) -> None:
    """shapes/ is read as SHACL shapes only: what else it holds is dropped."""
    (tiny_project / "shapes" / "report-006.ttl").write_text(_claims_of(tiny_project, "006"), "utf-8")
    (tiny_project / "shapes" / "notes.ttl").write_text(
        PREFIXES
        + """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .

<https://w3id.org/axiskg/shapes#PersonShape> a sh:NodeShape ;
    rdfs:comment "Persons."@en ;
    sh:targetClass axo:Person ;
    sh:property [ sh:path skos:prefLabel ; sh:minCount 1 ] .

axo:Person rdfs:comment "A person."@en ;
    rdfs:subClassOf axo:Agent .
""",
        encoding="utf-8",
    )
    report = validate(tiny_project)
    assert _errors(report) == [
        "shapes/report-006.ttl:15: Violation: 2 claims, a meeting and a membership outside data/ (the "
        "first: <https://w3id.org/axiskg/id/meeting/006-session>): shapes/ is read as SHACL shapes only, "
        "none of it is published: move the file to data/"
    ]
    assert [str(v) for v in report.warnings] == [
        "shapes/notes.ttl:21: Warning: 2 triple(s) that are not shapes are dropped (not published) about "
        "axo:Person: shapes/ is read as SHACL shapes only; move data to data/ and terms to ontology/"
    ]


ONTOLOGY_HEADER = """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix schema: <https://schema.org/> .

<https://w3id.org/axiskg/ontology/extra> a owl:Ontology ;
    rdfs:label "more terms"@en ;
    dcterms:creator [ a foaf:Person ; foaf:name "A. Curator" ] ;
    dcterms:contributor <https://orcid.org/0000-0002-1825-0097> .

<https://orcid.org/0000-0002-1825-0097> a schema:Person ;
    schema:name "B. Curator" .
"""


def test_a_person_describing_the_ontology_is_not_data(tiny_project: Path) -> None:
    """The creator of an ontology (a blank foaf:Person, an ORCID that is a schema:Person) describes the
    ontology: not data outside data/. A claim beside it still is."""
    extra = tiny_project / "ontology" / "extra.ttl"
    extra.write_text(ONTOLOGY_HEADER, encoding="utf-8")
    report = validate(tiny_project)
    assert report.conforms, _errors(report)
    extra.write_text(
        ONTOLOGY_HEADER
        + """
@prefix axo: <https://w3id.org/axiskg/ontology#> .

<https://example.org/claims/1> axo:quote "Khazali attended the session."@en .
""",
        encoding="utf-8",
    )
    report = validate(tiny_project)
    assert [str(v) for v in report.errors if v.check == "data-outside-data"] == [
        "ontology/extra.ttl:17: Violation: a claim outside data/ (<https://example.org/claims/1>): an "
        "ontology file is published in graph/ontology without the checks of data/ (terms, quotes, "
        "duplicates): move the file to data/"
    ]


def test_the_repository_ontology_and_shapes_hold_no_data() -> None:
    from axiskg import checks
    from axiskg.load import parse_project
    from axiskg.project import Project

    assert checks.data_outside_data(parse_project(Project.at(REPO_ROOT))) == []


# --- RDF 1.2 triple terms -----------------------------------------------------------------------------------

AS_A_CLAIM = (
    "write the statement as a claim (rdf:subject, rdf:predicate, rdf:object) with its report, hedge and "
    "quote (docs/data-model.md)"
)


def test_rdf_1_2_triple_terms_are_errors_at_their_line(tiny_project: Path) -> None:
    """pyoxigraph reads RDF 1.2 triple terms, rdflib cannot: validate raised a TypeError."""
    (tiny_project / "data" / "report-005.ttl").write_text(
        PREFIXES
        + """
# << not this one >>
meeting:tehran-session skos:altLabel "<< nor this one >>"@en .

<< meeting:tehran-session schema:attendee person:qais-al-khazali >> axo:hedge hedge:reportedly .

meeting:tehran-session
    skos:note <<( meeting:tehran-session schema:attendee person:ali-khamenei )>> .

meeting:tehran-session schema:attendee person:qais-al-khazali {| axo:hedge hedge:none |} .
""",
        encoding="utf-8",
    )
    report = validate(tiny_project)
    meeting = "<https://w3id.org/axiskg/id/meeting/tehran-session>"
    about = f"{meeting} schema:attendee <https://w3id.org/axiskg/id/person/"
    unsupported = "Violation: RDF 1.2 triple terms are not supported in data/:"
    reifier = "(written << ... >>, {| ... |} or ~)"
    assert [str(v) for v in report.errors if v.check == "triple-term"] == [
        f"data/report-005.ttl:16: {unsupported} a statement about <<( {about}qais-al-khazali> )>> {reifier}; "
        + AS_A_CLAIM,
        f"data/report-005.ttl:19: {unsupported} {meeting} skos:note <<( {about}ali-khamenei> )>>; "
        + AS_A_CLAIM,
        f"data/report-005.ttl:21: {unsupported} a statement about <<( {about}qais-al-khazali> )>> {reifier}; "
        + AS_A_CLAIM,
    ]
    assert not [v for v in report.errors if v.check == "unknown-term"]  # rdf:reifies: said above


def test_a_triple_term_in_shapes_is_an_error_not_a_traceback(tiny_project: Path) -> None:
    (tiny_project / "shapes" / "extra.ttl").write_text(
        "<https://example.org/s> <https://example.org/p> "
        "<<( <https://example.org/a> <https://example.org/b> <https://example.org/c> )>> .\n",
        encoding="utf-8",
    )
    report = validate(tiny_project)
    assert [(v.file, v.line, v.message[:52]) for v in report.errors] == [
        ("shapes/extra.ttl", 1, "RDF 1.2 triple terms are not supported in shapes/: <")
    ]


# --- entity IRIs --------------------------------------------------------------------------------------------


def test_entity_iris_that_break_kind_slug_are_errors_with_the_nearest_valid_form(tiny_project: Path) -> None:
    (tiny_project / "data" / "report-005.ttl").write_text(
        """\
@prefix axo: <https://w3id.org/axiskg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix person: <https://w3id.org/axiskg/id/person> .

person:karim-al-saadi a axo:Person ;
    skos:prefLabel "Karim al-Saadi"@en .

<https://w3id.org/axiskg/id/person/Karim_Al-Saadi> a axo:Person ;
    skos:prefLabel "Karim Al-Saadi"@en .

<https://w3id.org/axiskg/id/meetings/baghdad%202023> a axo:Meeting ;
    skos:prefLabel "Baghdad 2023"@en .

<https://w3id.org/axiskg/id/claim/005-a/b> a axo:Meeting ;
    skos:prefLabel "Nested"@en .
""",
        encoding="utf-8",
    )
    report = validate(tiny_project)
    form = "is not an entity IRI (https://w3id.org/axiskg/id/<kind>/<slug>)"
    slug = "is not lower-case ASCII letters and digits joined by single '-'"
    kinds = "person, org, place, meeting, event, claim, report, source, membership, act, time, topic"
    id_ = "https://w3id.org/axiskg/id/"
    assert _errors(report) == [
        f"data/report-005.ttl:5: Violation: <{id_}personkarim-al-saadi> {form}: no '/' after the kind person "
        f"(does its @prefix lack the final '/'?); write person/karim-al-saadi (<{id_}person/karim-al-saadi>)",
        f"data/report-005.ttl:8: Violation: <{id_}person/Karim_Al-Saadi> {form}: the slug 'Karim_Al-Saadi' "
        f"{slug}; write person/karim-al-saadi (<{id_}person/karim-al-saadi>)",
        f"data/report-005.ttl:11: Violation: <{id_}meetings/baghdad%202023> {form}: unknown kind 'meetings' "
        f"(the kinds: {kinds}); the slug 'baghdad%202023' {slug}; write meeting/baghdad-2023 "
        f"(<{id_}meeting/baghdad-2023>)",
        f"data/report-005.ttl:14: Violation: <{id_}claim/005-a/b> {form}: a nested path after claim/ (a slug "
        f"has no '/'); write claim/005-a-b (<{id_}claim/005-a-b>)",
    ]


def test_the_repository_data_uses_only_valid_entity_iris() -> None:
    from axiskg import checks
    from axiskg.load import parse_project
    from axiskg.locate import SourceLocator
    from axiskg.project import Project

    data = [p for p in parse_project(Project.at(REPO_ROOT)) if p.source.folder == "data"]
    assert data and checks.entity_iris(data, lambda: SourceLocator(data)) == []
    assert checks.stated_derived_edges(data, lambda: SourceLocator(data)) == []


# --- file names ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "suggested"),
    [
        ("report-005 (copy).ttl", "report-005-copy.ttl"),
        ("{name}.ttl", "name.ttl"),
        ("r\u00e9sum\u00e9.ttl", "resume.ttl"),
    ],
)
def test_a_data_file_name_that_cannot_be_a_graph_name_is_an_error(
    tiny_project: Path, tmp_path: Path, name: str, suggested: str
) -> None:
    """The file's name is its graph's (graph/<name>): a space made validate and build crash
    (ValueError: Invalid IRI code point ' ')."""
    from axiskg.build import build
    from axiskg.errors import ShapeViolationError

    data = tiny_project / "data"
    (data / name).write_text((data / "report-000.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    report = validate(tiny_project)
    assert _errors(report) == [
        f"data/{name}: a data file's name becomes its graph IRI (graph/<name>): use only letters, digits, "
        f"'-' and '_' (rename it, e.g. {suggested})"
    ]
    with pytest.raises(ShapeViolationError, match="graph IRI"):
        build(tiny_project, tmp_path / "out")
    assert not (tmp_path / "out" / "current").exists()


def test_a_file_name_that_is_not_utf8_is_an_error_too(tiny_project: Path) -> None:
    import os

    (tiny_project / "data" / os.fsdecode(b"caf\xe9.ttl")).write_text("# nothing\n", encoding="utf-8")
    [error] = validate(tiny_project).parse_errors
    assert str(error).startswith("data/caf\ufffd.ttl: a data file's name becomes its graph IRI")


def test_shapes_and_ontology_file_names_are_free(tiny_project: Path) -> None:
    """Their names make no published graph (ontology/ goes to graph/ontology, shapes/ is not published)."""
    (tiny_project / "shapes" / "claims.ttl").rename(tiny_project / "shapes" / "claims (v2).ttl")
    (tiny_project / "ontology" / "axiskg.ttl").rename(tiny_project / "ontology" / "axiskg {draft}.ttl")
    report = validate(tiny_project)
    assert report.conforms, _errors(report)


def test_a_build_of_a_triple_term_says_so_not_free_some_space(tiny_project: Path, tmp_path: Path) -> None:
    """The release's JSON-LD dump cannot hold a triple term, and the build failed there with "could not write
    the release ... (free some space or choose another --out)"; the validation's verdict names the cause."""
    from axiskg.build import build
    from axiskg.errors import ShapeViolationError

    (tiny_project / "data" / "report-005.ttl").write_text(
        PREFIXES
        + "\nmeeting:tehran-session skos:note"
        + " <<( meeting:tehran-session schema:attendee person:ali-khamenei )>> .\n",
        encoding="utf-8",
    )
    with pytest.raises(ShapeViolationError) as failed:
        build(tiny_project, tmp_path / "out")
    assert "RDF 1.2 triple terms are not supported" in "\n".join(str(v) for v in failed.value.report.errors)
    assert not (tmp_path / "out" / "current").exists()


def test_an_undeclared_prefix_is_mended_with_its_declaration_or_the_near_one(tmp_path: Path) -> None:
    """`rdfs:` used without its @prefix: the message gives the line to add; `plce:` (a typo of the file's
    `place:`) gets a "did you mean"."""
    root = copy_tiny(tmp_path / "p")
    (root / "data" / "report-009.ttl").write_text(
        "@prefix axo: <https://w3id.org/axiskg/ontology#> .\n"
        "@prefix place: <https://w3id.org/axiskg/id/place/> .\n"
        "\n"
        'place:najaf rdfs:comment "A city."@en .\n'
        "\n"
        "plce:najaf a axo:Place .\n",
        encoding="utf-8",
    )
    errors = validate(root).parse_errors
    assert [(e.file, e.line) for e in errors] == [("data/report-009.ttl", 4), ("data/report-009.ttl", 6)]
    assert "add @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . at the top of the file" in (
        errors[0].message
    )
    assert "did you mean place:" in errors[1].message


@pytest.mark.parametrize(
    ("iri", "hint"),
    [
        ("<w3id.org/axiskg/id/place/najaf>", "write the full IRI, https://..., or a prefixed name"),
        ("<https://w3id.org/axiskg/id/place/najaf >", "an IRI cannot contain spaces"),
    ],
)
def test_a_malformed_iri_says_how_to_write_one(tmp_path: Path, iri: str, hint: str) -> None:
    root = copy_tiny(tmp_path / "p")
    (root / "data" / "report-009.ttl").write_text(
        f"@prefix axo: <https://w3id.org/axiskg/ontology#> .\n\n{iri} a axo:Place .\n", encoding="utf-8"
    )
    [error] = validate(root).parse_errors
    assert (error.file, error.line) == ("data/report-009.ttl", 3)
    assert hint in error.message


def _repo_copy_with(tmp_path: Path, name: str, text: str) -> Path:
    """A copy of the repository's ontology/, shapes/ and data/ with one more data file."""
    import shutil

    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder)
    (tmp_path / "data" / name).write_text(text, encoding="utf-8")
    return tmp_path


NEW_REPORT_HEAD = """\
@prefix axo: <https://w3id.org/axiskg/ontology#> .
@prefix hedge: <https://w3id.org/axiskg/ontology/hedge#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix person: <https://w3id.org/axiskg/id/person/> .
@prefix meeting: <https://w3id.org/axiskg/id/meeting/> .
@prefix act: <https://w3id.org/axiskg/id/act/> .
@prefix claim: <https://w3id.org/axiskg/id/claim/> .
@prefix report: <https://w3id.org/axiskg/id/report/> .

"""


def test_a_misspelt_reference_is_reported_once_with_the_declared_entity_it_is_near(tmp_path: Path) -> None:
    root = _repo_copy_with(
        tmp_path,
        "report-099.ttl",
        NEW_REPORT_HEAD
        + """\
claim:099-khazali-attended a axo:Claim ;
    rdf:subject meeting:pmu-urgent-meeting-2023-11-02 ;
    rdf:predicate schema:attendee ;
    rdf:object person:qais-al-khazaly ;
    axo:statedIn report:memri-2024-02-14 ;
    axo:attributionChain () ;
    axo:hedge hedge:none ;
    axo:quote "The meeting was attended by most of the central commanders in the Iraqi factions"@en .

act:099-khazali-speaks a axo:SpeechAct ;
    axo:speaker person:qais-al-khazaly ;
    axo:content "Something."@en .
""",
    )
    report = validate(root)
    about = [v for v in report.violations if v.focus.endswith("/qais-al-khazaly")]
    assert len(about) == 1, [str(v) for v in about]
    [v] = about
    assert (v.file, v.line) == ("data/report-099.ttl", 15)
    assert "did you mean <https://w3id.org/axiskg/id/person/qais-al-khazali>?" in v.message
    assert "(value:" not in str(v)  # the value is the focus itself: said once


@pytest.mark.parametrize(
    ("written", "meant"), [("hedge:saidTo", "hedge:said-to"), ('"said to"@en', "hedge:said-to")]
)
def test_a_hedge_outside_the_list_gets_the_one_it_is_near(tmp_path: Path, written: str, meant: str) -> None:
    root = _repo_copy_with(
        tmp_path,
        "report-099.ttl",
        NEW_REPORT_HEAD
        + f"""\
claim:099-khazali-attended a axo:Claim ;
    rdf:subject meeting:pmu-urgent-meeting-2023-11-02 ;
    rdf:predicate schema:attendee ;
    rdf:object person:qais-al-khazali ;
    axo:statedIn report:memri-2024-02-14 ;
    axo:attributionChain () ;
    axo:hedge {written} ;
    axo:quote "The meeting was attended by most of the central commanders in the Iraqi factions"@en .
""",
    )
    [v] = [v for v in validate(root).violations if v.severity == "Violation"]
    assert (v.file, v.line) == ("data/report-099.ttl", 18)
    assert f"did you mean {meant}?" in v.message
    if written.startswith("hedge:"):
        assert str(v).endswith(f"(value: {written})")


def test_an_unknown_term_gets_the_term_of_another_vocabulary_the_data_uses(tmp_path: Path) -> None:
    """axo:attendedBy is not in the ontology; what is meant is schema:attendee (the data uses it), not the
    ontology's axo:plannedBy, which only looks alike. A typo within the ontology still gets its own term."""
    root = _repo_copy_with(
        tmp_path,
        "report-099.ttl",
        NEW_REPORT_HEAD
        + """\
claim:099-khazali-attended a axo:Clam ;
    rdf:subject meeting:pmu-urgent-meeting-2023-11-02 ;
    rdf:predicate axo:attendedBy ;
    rdf:object person:qais-al-khazali ;
    axo:statedIn report:memri-2024-02-14 ;
    axo:attributionChain () ;
    axo:hedge hedge:none ;
    axo:quote "The meeting was attended by most of the central commanders in the Iraqi factions"@en .
""",
    )
    terms = {v.line: v.message for v in validate(root).violations if v.check == "unknown-term"}
    assert terms == {
        12: "unknown term axo:Clam (did you mean axo:Claim?)",
        14: "unknown term axo:attendedBy (did you mean schema:attendee?)",
    }


@pytest.mark.parametrize(
    ("written", "fixed"),
    [("2024-3-1", "2024-03-01"), ("2024/03/01", "2024-03-01"), ("2024-03-01T10:00:00", "2024-03-01")],
)
def test_a_date_written_in_another_form_gets_its_xsd_date(tmp_path: Path, written: str, fixed: str) -> None:
    root = copy_tiny(tmp_path / "p")
    (root / "data" / "report-009.ttl").write_text(
        "@prefix axo: <https://w3id.org/axiskg/ontology#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix time: <https://w3id.org/axiskg/id/time/> .\n"
        "\n"
        f'time:d2024-03-01 a axo:DateSpec ; axo:notBefore "{written}"^^xsd:date .\n',
        encoding="utf-8",
    )
    [v] = [v for v in validate(root).violations if v.check == "ill-typed-literal"]
    assert v.line == 5
    assert f'write it "{fixed}"^^xsd:date' in v.message


DATESPEC_HEAD = """\
@prefix axo: <https://w3id.org/axiskg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix when: <https://w3id.org/axiskg/id/time/> .

"""


@pytest.mark.parametrize(
    ("body", "line", "severity", "words"),
    [
        (  # an exact day on a date the text gives only to the season
            'when:099-spring a axo:DateSpec ; rdfs:label "early spring 2024"@en ;\n'
            '    axo:notBefore "2024-03-01"^^xsd:date ; axo:notAfter "2024-04-15"^^xsd:date ;\n'
            '    time:inXSDDate "2024-03-02"^^xsd:date ;\n'
            "    axo:precision axo:PrecisionSeason .\n",
            9,
            "Violation",
            "remove time:inXSDDate",
        ),
        (  # a day whose bounds are not one day
            'when:099-day a axo:DateSpec ; rdfs:label "March 2024"@en ;\n'
            '    axo:notBefore "2024-03-01"^^xsd:date ; axo:notAfter "2024-03-31"^^xsd:date ;\n'
            "    axo:precision axo:PrecisionDay .\n",
            9,
            "Violation",
            "axo:PrecisionMonth",
        ),
        (  # a month whose bounds span two months
            'when:099-month a axo:DateSpec ; rdfs:label "March 2024"@en ;\n'
            '    axo:notBefore "2024-03-01"^^xsd:date ; axo:notAfter "2024-04-30"^^xsd:date ;\n'
            "    axo:precision axo:PrecisionMonth .\n",
            9,
            "Warning",
            "axo:PrecisionRange",
        ),
    ],
)
def test_a_datespec_more_precise_than_its_bounds_is_reported_once(
    tmp_path: Path, body: str, line: int, severity: str, words: str
) -> None:
    root = _repo_copy_with(tmp_path, "report-099.ttl", DATESPEC_HEAD + body)
    about = [v for v in validate(root).violations if v.file == "data/report-099.ttl"]
    assert len(about) == 1, [str(v) for v in about]
    [v] = about
    assert (v.line, v.severity, v.check) == (line, severity, "date-precision")
    assert words in v.message


def test_a_claim_without_an_attribution_chain_is_told_once(tmp_path: Path) -> None:
    root = _repo_copy_with(
        tmp_path,
        "report-099.ttl",
        NEW_REPORT_HEAD
        + """\
claim:099-khazali-attended a axo:Claim ;
    rdf:subject meeting:pmu-urgent-meeting-2023-11-02 ;
    rdf:predicate schema:attendee ;
    rdf:object person:qais-al-khazali ;
    axo:statedIn report:memri-2024-02-14 ;
    axo:hedge hedge:none ;
    axo:quote "The meeting was attended by most of the central commanders in the Iraqi factions"@en .
""",
    )
    [v] = validate(root).violations
    assert (v.file, v.line, v.path) == (
        "data/report-099.ttl",
        12,
        "https://w3id.org/axiskg/ontology#attributionChain",
    )
    assert "axo:attributionChain () when the report states it in its own voice" in v.message


def test_a_wikidata_link_without_evidence_is_located_at_the_link(tmp_path: Path) -> None:
    root = _repo_copy_with(
        tmp_path,
        "report-099.ttl",
        "@prefix axo: <https://w3id.org/axiskg/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix wd: <http://www.wikidata.org/entity/> .\n"
        "@prefix person: <https://w3id.org/axiskg/id/person/> .\n"
        "\n"
        "person:abu-zainab-al-lami a axo:Person ;\n"
        '    skos:prefLabel "Abu Zainab Al-Lami"@en ;\n'
        '    skos:altLabel "Abu Zaynab al-Lami"@en ;\n'
        "    skos:exactMatch wd:Q123456 .\n",
    )
    [v] = validate(root).violations
    assert (v.file, v.line) == ("data/report-099.ttl", 9)
    assert "axo:wikidataEvidence" in v.message


def _report_with_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text_file: str, source_file: str, claim: str
) -> Path:
    """A copy of the repository with report-099.ttl: a report whose axo:sourceFile is `source_file`, its
    text (`text_file` in $AXISKG_SOURCES: "The factions met in Baghdad."), and `claim` quoting it."""
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / text_file).write_text("The factions met in Baghdad.\n", encoding="utf-8")
    monkeypatch.setenv("AXISKG_SOURCES", str(sources))
    return _repo_copy_with(
        tmp_path / "p",
        "report-099.ttl",
        NEW_REPORT_HEAD
        + f"""\
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

report:memri-2024-03-05 a axo:Report ;
    skos:prefLabel "Test"@en ;
    dcterms:title "Test"@en ;
    dcterms:publisher <https://w3id.org/axiskg/id/org/memri> ;
    dcterms:issued "2024-03-05"^^xsd:date ;
    axo:sourceFile "{source_file}" .

{claim} a axo:Claim ;
    axo:asserts meeting:pmu-urgent-meeting-2023-11-02 ;
    axo:statedIn report:memri-2024-03-05 ;
    axo:attributionChain () ;
    axo:hedge hedge:none ;
    axo:quote "The factions met in Baghdad."@en .
""",
    )


def test_a_claim_iri_reused_in_a_new_report_does_not_fault_the_other_reports_quote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A curator copies a claim of report-003 and keeps its IRI: the claim now has two reports. That is said
    (described in two files; not exactly one axo:statedIn), but report-003's quote is not checked against
    the new report's text, an error in a file the curator did not touch."""
    root = _report_with_source(
        tmp_path, monkeypatch, "099_test.txt", "099_test.txt", "claim:003-pmu-urgent-meeting"
    )
    violations = validate(root).violations
    assert [v.file for v in violations if v.check == "quote-not-in-source"] == []
    assert any(v.check == "duplicate-description" and v.file == "data/report-099.ttl" for v in violations)


def test_an_entity_described_without_a_type_is_told_to_get_one_not_a_lookalike(tmp_path: Path) -> None:
    root = _repo_copy_with(
        tmp_path,
        "report-099.ttl",
        NEW_REPORT_HEAD
        + """\
person:abu-zainab-al-lami skos:prefLabel "Abu Zainab Al-Lami"@en .

act:099-al-lami-speaks a axo:SpeechAct ;
    axo:speaker person:abu-zainab-al-lami ;
    axo:content "Something."@en .
""",
    )
    about = [v for v in validate(root).violations if v.focus.endswith("/abu-zainab-al-lami")]
    assert {v.line for v in about} == {12}
    assert any("has no rdf:type" in v.message for v in about)
    assert not any("did you mean" in v.message for v in about)  # not abu-ala-al-walai


@pytest.mark.parametrize(
    ("mistake", "line", "hint"),
    [
        ("axo:hedge hedge:none ,", 19, "line 18 ends with ',' (another value of the same property)"),
        ('axo:quote "Khazali attended."@en ;', 20, "line 19 ends with ';'"),
        ("axo:hedge hedge:none", 19, "line 18 may lack its ' ;'"),
    ],
)
def test_a_statement_that_runs_on_says_which_line_ends_wrongly(
    tmp_path: Path, mistake: str, line: int, hint: str
) -> None:
    claim = (
        "claim:099-khazali-attended a axo:Claim ;\n"
        "    rdf:subject meeting:pmu-urgent-meeting-2023-11-02 ;\n"
        "    rdf:predicate schema:attendee ;\n"
        "    rdf:object person:qais-al-khazali ;\n"
        "    axo:statedIn report:memri-2024-02-14 ;\n"
        "    axo:attributionChain () ;\n"
        "    axo:hedge hedge:none ;\n"
        '    axo:quote "Khazali attended."@en .\n'
    )
    if mistake.startswith("axo:hedge"):  # `hedge:none ,` or `hedge:none` where `hedge:none ;` belongs
        wrong = claim.replace("axo:hedge hedge:none ;", mistake)
    else:
        wrong = claim.replace('axo:quote "Khazali attended."@en .', mistake)
    root = copy_tiny(tmp_path / "p")
    (root / "data" / "report-099.ttl").write_text(NEW_REPORT_HEAD + wrong, encoding="utf-8")
    [error] = validate(root).parse_errors
    assert error.line == line
    assert hint in error.message


def test_a_bare_iri_for_an_attribution_chain_is_reported_at_its_line(tmp_path: Path) -> None:
    root = _repo_copy_with(
        tmp_path,
        "report-099.ttl",
        NEW_REPORT_HEAD
        + """\
claim:099-khazali-attended a axo:Claim ;
    rdf:subject meeting:pmu-urgent-meeting-2023-11-02 ;
    rdf:predicate schema:attendee ;
    rdf:object person:qais-al-khazali ;
    axo:statedIn report:memri-2024-02-14 ;
    axo:attributionChain report:al-sharq-al-awsat-2024-02-09 ;
    axo:hedge hedge:none ;
    axo:quote "The meeting was attended by most of the central commanders in the Iraqi factions"@en .
""",
    )
    [v] = validate(root).violations
    assert (v.file, v.line) == ("data/report-099.ttl", 17)
    assert "not a well-formed RDF list" in v.message


def test_a_misspelt_role_gets_the_role_it_is_near(tmp_path: Path) -> None:
    root = _repo_copy_with(
        tmp_path,
        "report-099.ttl",
        NEW_REPORT_HEAD
        + """\
@prefix org: <http://www.w3.org/ns/org#> .
@prefix role: <https://w3id.org/axiskg/ontology/role#> .
@prefix membership: <https://w3id.org/axiskg/id/membership/> .
@prefix actor: <https://w3id.org/axiskg/id/org/> .

membership:qais-al-khazali-kataib-hezbollah-military-official a org:Membership ;
    org:member person:qais-al-khazali ;
    org:organization actor:kataib-hezbollah ;
    org:role role:militaryofficial .

claim:099-khazali-kh a axo:Claim ;
    axo:asserts membership:qais-al-khazali-kataib-hezbollah-military-official ;
    axo:statedIn report:memri-2024-02-14 ;
    axo:attributionChain () ;
    axo:hedge hedge:none ;
    axo:quote "The meeting was attended by most of the central commanders in the Iraqi factions"@en .
""",
    )
    [v] = [v for v in validate(root).violations if v.severity == "Violation"]
    assert (v.line, v.path) == (20, "http://www.w3.org/ns/org#role")
    assert "(did you mean role:military-official?)" in v.message


def test_a_new_entity_named_as_a_declared_one_is_a_warning(tmp_path: Path) -> None:
    """A curator declares person:khazali-qais for a spelling of Qais Al-Khazali that actors.ttl already lists:
    two IRIs for one person. Said as advice, where the new label is written. Two entities that a claim
    relates (the Hajj and Kawtharani, "possibly the same") are not reported."""
    root = _repo_copy_with(
        tmp_path,
        "report-099.ttl",
        NEW_REPORT_HEAD
        + """\
person:khazali-qais a axo:Person ;
    skos:prefLabel "Qais al-Khazali"@en .
""",
    )
    report = validate(root)
    assert report.conforms
    [v] = [v for v in report.warnings if v.check == "shared-label"]
    assert (v.file, v.line, v.focus) == ("data/report-099.ttl", 13, iris.ID + "person/khazali-qais")
    khazali = "<https://w3id.org/axiskg/id/person/qais-al-khazali>"
    assert f"is also a label of {khazali} (data/actors.ttl:" in v.message


def test_a_reference_with_a_misspelt_kind_is_told_its_form_once(tmp_path: Path) -> None:
    """`@prefix place: <.../id/places/>`: the entity-IRI check says to write place/baghdad; the reference is
    not also "declared nowhere"."""
    root = _repo_copy_with(
        tmp_path,
        "report-099.ttl",
        NEW_REPORT_HEAD
        + """\
@prefix place: <https://w3id.org/axiskg/id/places/> .

meeting:099-baghdad a axo:Meeting ;
    skos:prefLabel "A meeting in Baghdad"@en ;
    schema:location place:baghdad .
""",
    )
    about = [str(v) for v in validate(root).violations if "places/baghdad" in str(v)]
    assert len(about) == 1, about
    assert "write place/baghdad" in about[0]


def test_a_misspelt_source_file_gets_the_text_it_is_near(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _report_with_source(tmp_path, monkeypatch, "099_0badc0de.txt", "099_0badcode.txt", "claim:099-met")
    [note] = [n for n in validate(root).notes if "099_0badcode.txt" in n]
    assert "did you mean 099_0badc0de.txt?" in note


@pytest.mark.parametrize(("prop", "line"), [('axo:quote ""@en', 19), ('skos:prefLabel " "@en', 20)])
def test_an_empty_quote_or_label_is_an_error(tmp_path: Path, prop: str, line: int) -> None:
    """An empty quote is "in" every text, and an empty label names nothing: neither passes."""
    quote = 'axo:quote "The meeting was attended by most of the central commanders in the Iraqi factions"@en'
    root = _repo_copy_with(
        tmp_path,
        "report-099.ttl",
        NEW_REPORT_HEAD
        + f"""\
claim:099-khazali-attended a axo:Claim ;
    rdf:subject meeting:pmu-urgent-meeting-2023-11-02 ;
    rdf:predicate schema:attendee ;
    rdf:object person:qais-al-khazali ;
    axo:statedIn report:memri-2024-02-14 ;
    axo:attributionChain () ;
    axo:hedge hedge:none ;
    {prop if prop.startswith("axo:quote") else quote} ;
    {prop if prop.startswith("skos:") else 'skos:prefLabel "099: Khazali attended"@en'} .
""",
    )
    [v] = validate(root).violations
    assert (v.file, v.line, v.severity, v.check) == ("data/report-099.ttl", line, "Violation", "empty-text")
    assert "is empty" in v.message


def test_an_attendance_claim_written_the_wrong_way_round_is_told_to_swap(tmp_path: Path) -> None:
    root = _repo_copy_with(
        tmp_path,
        "report-099.ttl",
        NEW_REPORT_HEAD
        + """\
claim:099-khazali-attended a axo:Claim ;
    rdf:subject person:qais-al-khazali ;
    rdf:predicate schema:attendee ;
    rdf:object meeting:pmu-urgent-meeting-2023-11-02 ;
    axo:statedIn report:memri-2024-02-14 ;
    axo:attributionChain () ;
    axo:hedge hedge:none ;
    axo:quote "The meeting was attended by most of the central commanders in the Iraqi factions"@en .
""",
    )
    [v] = validate(root).violations
    assert (v.file, v.line, v.check) == ("data/report-099.ttl", 13, "claim-direction")
    assert v.severity == "Violation"
    assert "swap rdf:subject and rdf:object" in v.message


@pytest.mark.parametrize(
    ("quote", "hedge"),
    [("Qais Al-Khazali reportedly attended the meeting.", "hedge:reportedly"),
     ("Al-Khazali is said to have attended.", "hedge:said-to")],
)  # fmt: skip
def test_a_quote_that_hedges_a_claim_stated_as_fact_is_a_warning(
    tmp_path: Path, quote: str, hedge: str
) -> None:
    root = _repo_copy_with(
        tmp_path,
        "report-099.ttl",
        NEW_REPORT_HEAD
        + f"""\
claim:099-khazali-attended a axo:Claim ;
    rdf:subject meeting:pmu-urgent-meeting-2023-11-02 ;
    rdf:predicate schema:attendee ;
    rdf:object person:qais-al-khazali ;
    axo:statedIn report:memri-2024-02-14 ;
    axo:attributionChain () ;
    axo:hedge hedge:none ;
    axo:quote "{quote}"@en .
""",
    )
    report = validate(root)
    [v] = [v for v in report.warnings if v.check == "hedge-in-quote"]
    assert (v.file, v.line) == ("data/report-099.ttl", 18)
    assert f"axo:hedge {hedge}" in v.message


@pytest.mark.parametrize(
    ("tail", "line", "hint"),
    [
        # the statement ends with ';' and a new one follows: the parser reads its subject as a predicate
        (
            ' ;\n\nperson:abu-zainab-al-lami a axo:Person ;\n    skos:prefLabel "Abu Zainab Al-Lami"@en .\n',
            21,
            "line 19 ends with ';' (another property of the same subject follows): if a new statement starts "
            "on line 21, end line 19 with ' .'",
        ),
        # a trailing comment with an apostrophe or a quote is still a comment
        (' ;   # 003\'s wording, "as printed"\n', 20, "line 19 ends with ';' where its statement ends"),
    ],
)
def test_a_statement_ended_with_a_semicolon_is_named(tmp_path: Path, tail: str, line: int, hint: str) -> None:
    claim = (
        "claim:099-khazali-attended a axo:Claim ;\n"
        "    rdf:subject meeting:pmu-urgent-meeting-2023-11-02 ;\n"
        "    rdf:predicate schema:attendee ;\n"
        "    rdf:object person:qais-al-khazali ;\n"
        "    axo:statedIn report:memri-2024-02-14 ;\n"
        "    axo:attributionChain () ;\n"
        "    axo:hedge hedge:none ;\n"
        '    axo:quote "Khazali attended."@en'
    )
    root = copy_tiny(tmp_path / "p")
    (root / "data" / "report-099.ttl").write_text(NEW_REPORT_HEAD + claim + tail, encoding="utf-8")
    [error] = validate(root).parse_errors
    assert error.line == line, error
    assert hint in error.message, error.message
