"""The SHACL shapes in shapes/ catch what a curator gets wrong, with a message that says how to fix it.

Each fixture in tests/fixtures/shapes/ is valid_minimal.ttl with exactly one defect. For each one a temporary
project (the repository's ontology/ and shapes/, the fixture as the only data file) is validated with
axiskg.validate.validate, and the expected result (severity, focus node, distinctive part of the message)
must be among the reported ones.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from axiskg import iris
from axiskg.validate import ValidationReport, Violation, validate

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "shapes"
SH = "http://www.w3.org/ns/shacl#"
AXSH = "https://w3id.org/axiskg/shapes#"

ID = iris.ID
CLAIM_ATTENDED = ID + "claim/000-alice-attended"
CLAIM_COMMANDS = ID + "claim/000-alice-commands"
CLAIM_QUESTION = ID + "claim/000-question"
CLAIM_RESPONSE = ID + "claim/000-response"
MEMBERSHIP = ID + "membership/alice-test-group-commander"
SUMMER = ID + "time/summer-2023"
DAY = ID + "time/d2023-11-02"
ALICE = ID + "person/alice"

# fixture -> (focus node, distinctive part of the message): an sh:Violation, the data does not conform.
VIOLATIONS: dict[str, tuple[str, str]] = {
    # labels and typing
    "actor_without_label": (ID + "org/test-group", "has no skos:prefLabel"),
    "two_preflabels_same_language": (
        ID + "org/test-group",
        "unique per language",
    ),
    "preflabel_without_language": (ID + "place/test-city", "skos:prefLabel must be language-tagged"),
    "altlabel_without_language": (ALICE, "skos:altLabel must be language-tagged"),
    "comment_without_language": (ALICE, "rdfs:comment must be language-tagged"),
    "entity_without_type": (ID + "person/bob", "has no rdf:type"),
    "undeclared_reference": (ID + "person/nobody", "declared nowhere"),
    "undeclared_chain_element": (ID + "source/ghost", "declared nowhere"),
    "undeclared_asserted_node": (ID + "act/missing-act", "declared nowhere"),
    "same_as_on_entity": (ALICE, "use axo:possiblySameAs"),
    "derived_edge_by_hand": (CLAIM_ATTENDED, "axo:citesSource is derived by the build"),
    # claims
    "claim_without_stated_in": (CLAIM_COMMANDS, "must have exactly one axo:statedIn"),
    "claim_stated_in_not_report": (CLAIM_COMMANDS, "it must be an axo:Report"),
    "report_without_publisher": (ID + "report/test-report", "exactly one dcterms:publisher"),
    "report_without_title": (ID + "report/test-report", "Report has no dcterms:title"),
    "claim_without_quote": (CLAIM_COMMANDS, "Claim has no axo:quote"),
    "claim_without_hedge": (CLAIM_COMMANDS, "must have exactly one axo:hedge"),
    "claim_two_hedges": (CLAIM_ATTENDED, "must have exactly one axo:hedge"),
    "bad_hedge": (CLAIM_ATTENDED, "one not in the list"),
    "claim_without_attribution_chain": (CLAIM_COMMANDS, "must have exactly one axo:attributionChain"),
    "chain_not_a_list": (CLAIM_QUESTION, "not a well-formed RDF list"),
    "chain_contains_report": (CLAIM_ATTENDED, "leave the report itself out"),
    "chain_element_not_source": (ID + "place/test-city", "neither a publication"),
    "claim_both_forms": (CLAIM_ATTENDED, "neither a triple claim nor a situation claim"),
    "claim_partial_triple": (CLAIM_ATTENDED, "neither a triple claim nor a situation claim"),
    "claim_without_form": (CLAIM_COMMANDS, "neither a triple claim nor a situation claim"),
    "claim_triple_without_subject": (CLAIM_COMMANDS, "needs exactly one rdf:subject"),
    "claim_two_predicates": (CLAIM_ATTENDED, "needs exactly one rdf:predicate"),
    "claim_asserts_two_nodes": (CLAIM_QUESTION, "Claim asserts several nodes"),
    "disagrees_with_non_claim": (CLAIM_QUESTION, "must point to another axo:Claim"),
    "inferred_not_boolean": (CLAIM_RESPONSE, "axo:inferred must be a single boolean"),
    "predicate_literal": (CLAIM_ATTENDED, "needs exactly one rdf:predicate, a property IRI"),
    "quote_without_language": (CLAIM_RESPONSE, "axo:quote must be a string tagged English"),
    "quote_not_a_string": (CLAIM_RESPONSE, "axo:quote must be a string tagged English"),
    # memberships
    "membership_without_member": (MEMBERSHIP, "must have exactly one org:member"),
    "membership_without_organization": (MEMBERSHIP, "must have exactly one org:organization"),
    "membership_without_role": (MEMBERSHIP, "must have exactly one org:role"),
    "membership_role_not_a_role": (MEMBERSHIP, "org:role must be an org:Role"),
    "membership_organization_not_org": (MEMBERSHIP, "org:organization must be an organization"),
    "membership_member_not_agent": (MEMBERSHIP, "org:member must be an agent"),
    "member_during_literal": (MEMBERSHIP, "org:memberDuring must point to an axo:DateSpec"),
    # dates
    "ill_typed_date": (SUMMER, "axo:notBefore must be one valid xsd:date"),
    "ill_typed_date_text": (SUMMER, '"early summer 2023" is not a valid xsd:date (YYYY-MM-DD); for a vague'),
    "in_xsd_date_month_13": (DAY, '"2023-13-02" is not a valid xsd:date (YYYY-MM-DD: month must be in 1'),
    "impossible_date": (SUMMER, '"2023-08-32" is not a valid xsd:date (YYYY-MM-DD: day is out of range'),
    "not_after_date_time": (SUMMER, "axo:notAfter must be one valid xsd:date"),
    "not_before_date_time": (SUMMER, "axo:notBefore must be one valid xsd:date"),
    "issued_not_date": (ID + "report/test-report", "dcterms:issued must be one valid xsd:date"),
    "in_xsd_date_not_date": (DAY, "time:inXSDDate must be one valid xsd:date"),
    "not_before_after_not_after": (SUMMER, "is after axo:notAfter"),
    "datespec_without_label": (SUMMER, "DateSpec has no label"),
    "datespec_without_bounds": (SUMMER, "DateSpec has no bounds"),
    "bad_precision": (SUMMER, "axo:precision must be exactly one of"),
    "exact_day_mismatch": (DAY, "must both be that same day"),
    "has_time_literal": (ID + "meeting/test-meeting", "time:hasTime must point to an axo:DateSpec"),
    # Wikidata
    "bad_wikidata_iri": (ALICE, "Malformed Wikidata link"),
    "wikidata_without_evidence": (ALICE, "without axo:wikidataEvidence"),
    "exact_match_literal": (ALICE, "skos:exactMatch must be an IRI"),
    # speech acts
    "bad_response_type": (ID + "act/test-response", "axo:responseType must be one of"),
    "responds_to_non_act": (ID + "act/test-response", "axo:respondsTo must point to the speech act"),
}

# fixture -> (focus node, message part); advice only: the data still conforms, with this sh:Warning.
WARNINGS: dict[str, tuple[str, str]] = {
    "speech_act_without_speaker": (ID + "act/test-question", "Speech act has no speaker"),
    "quote_too_long": (CLAIM_RESPONSE, "at most 300 characters"),
    "datespec_without_precision": (SUMMER, "DateSpec has no axo:precision"),
    "not_after_without_not_before": (SUMMER, "axo:notAfter but no axo:notBefore"),
    "relative_without_relative_to": (SUMMER, "without axo:relativeTo"),
    "label_on_entity": (ID + "place/test-city", "rdfs:label written on an entity"),
    "meeting_without_label": (ID + "meeting/test-meeting", "Meeting or event has no skos:prefLabel"),
    "situation_without_claim": (ID + "membership/alice-test-group-member", "asserted by no claim"),
}

# fixtures that conform without any result at all
CLEAN = ["valid_minimal", "speaker_via_claim"]


def make_project(root: Path, fixture: str) -> Path:
    """A temporary project: the repository's ontology/ and shapes/, and the fixture as data/<fixture>.ttl."""
    shutil.copytree(REPO_ROOT / "ontology", root / "ontology")
    shutil.copytree(REPO_ROOT / "shapes", root / "shapes")
    (root / "data").mkdir()
    shutil.copy(FIXTURES / f"{fixture}.ttl", root / "data" / f"{fixture}.ttl")
    return root


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], ValidationReport]:
    """Validate a fixture's temporary project (once per fixture per module)."""
    cache: dict[str, ValidationReport] = {}

    def _run(fixture: str) -> ValidationReport:
        if fixture not in cache:
            root = make_project(tmp_path_factory.mktemp(fixture), fixture)
            cache[fixture] = validate(root)
        return cache[fixture]

    return _run


def describe(violations: list[Violation]) -> str:
    return "\n".join(f"  {v.severity} {v.focus} [{v.shape}] {v.message}" for v in violations) or "  (none)"


def test_every_fixture_is_listed() -> None:
    on_disk = {p.stem for p in FIXTURES.glob("*.ttl")}
    listed = set(VIOLATIONS) | set(WARNINGS) | set(CLEAN)
    assert on_disk == listed


@pytest.mark.parametrize("fixture", CLEAN)
def test_clean_fixture_conforms(run: Callable[[str], ValidationReport], fixture: str) -> None:
    report = run(fixture)
    assert report.parse_errors == []
    assert report.conforms, describe(report.violations)
    assert report.violations == [], describe(report.violations)


@pytest.mark.parametrize("fixture", sorted(VIOLATIONS))
def test_broken_fixture_is_caught(run: Callable[[str], ValidationReport], fixture: str) -> None:
    focus, message = VIOLATIONS[fixture]
    report = run(fixture)
    assert report.parse_errors == [], report.parse_errors
    assert not report.conforms
    hits = [
        v
        for v in report.violations
        if v.severity == "Violation" and v.focus == focus and message in v.message
    ]
    assert hits, (
        f"expected a Violation on {focus} mentioning {message!r}; got:\n{describe(report.violations)}"
    )


@pytest.mark.parametrize("fixture", sorted(WARNINGS))
def test_advice_is_a_warning(run: Callable[[str], ValidationReport], fixture: str) -> None:
    focus, message = WARNINGS[fixture]
    report = run(fixture)
    assert report.parse_errors == [], report.parse_errors
    assert report.conforms, describe(report.violations)
    assert all(v.severity == "Warning" for v in report.violations), describe(report.violations)
    hits = [v for v in report.violations if v.focus == focus and message in v.message]
    assert hits, f"expected a Warning on {focus} mentioning {message!r}; got:\n{describe(report.violations)}"


@pytest.mark.parametrize("fixture", ["quote_without_language", "quote_not_a_string"])
def test_a_quote_that_is_not_an_english_string_is_one_violation(
    run: Callable[[str], ValidationReport], fixture: str
) -> None:
    """A quote must be a language-tagged string (@en): anything else is an error, reported once."""
    report = run(fixture)
    on_quote = [v for v in report.violations if v.path == iris.AXO + "quote"]
    assert [(v.severity, v.focus) for v in on_quote] == [("Violation", CLAIM_RESPONSE)], describe(on_quote)


def test_a_wrong_precision_is_not_taken_for_a_relative_one(run: Callable[[str], ValidationReport]) -> None:
    """axo:precision outside the list is reported as such, not as "Relative DateSpec without relativeTo"."""
    report = run("bad_precision")
    assert not [v for v in report.violations if "relativeTo" in v.message], describe(report.violations)


@pytest.mark.parametrize("fixture", ["not_before_date_time", "not_after_date_time"])
def test_bounds_of_another_datatype_are_not_said_to_be_out_of_order(
    run: Callable[[str], ValidationReport], fixture: str
) -> None:
    """An xsd:dateTime bound is reported as not an xsd:date, not as "notBefore is after notAfter"."""
    report = run(fixture)
    assert not [v for v in report.violations if "is after" in v.message], describe(report.violations)


@pytest.mark.parametrize(
    ("fixture", "line"), [("impossible_date", 74), ("ill_typed_date_text", 73), ("in_xsd_date_month_13", 66)]
)
def test_an_ill_typed_date_is_one_error_at_its_line(
    run: Callable[[str], ValidationReport], fixture: str, line: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A literal that is not what its datatype says is one error, at the literal's line, with what a valid one
    looks like; pyshacl never sees it (it crashed comparing it), and rdflib logs no traceback."""
    report = run(fixture)
    errors = [v for v in report.violations if v.severity == "Violation"]
    assert len(errors) == 1, describe(report.violations)
    assert errors[0].check == "ill-typed-literal"
    assert errors[0].line == line
    assert "is not a valid xsd:date (YYYY-MM-DD" in errors[0].message
    assert "Failed to convert Literal" not in caplog.text


def test_every_message_says_how_to_fix() -> None:
    """Every constraint carries its own English sh:message (no generic pyshacl text reaches a curator)."""
    shapes = Graph()
    for p in sorted((REPO_ROOT / "shapes").glob("*.ttl")):
        shapes.parse(p, format="turtle")
    sh_message = URIRef(SH + "message")
    sh_severity = URIRef(SH + "severity")
    with_severity = set(shapes.subjects(sh_severity, None))
    assert with_severity
    for shape in with_severity:
        messages = list(shapes.objects(shape, sh_message))
        assert messages, f"{shape} has a severity but no sh:message"
        assert all(getattr(m, "language", None) == "en" and len(str(m)) > 40 for m in messages), shape
    # SPARQL constraints carry their message on the constraint node
    for constraint in shapes.subjects(RDF.type, URIRef(SH + "SPARQLConstraint")):
        assert list(shapes.objects(constraint, sh_message)), constraint


def test_every_named_shape_is_exercised(run: Callable[[str], ValidationReport]) -> None:
    """Each named shape that reports something is triggered by at least one fixture."""
    shapes = Graph()
    for p in sorted((REPO_ROOT / "shapes").glob("*.ttl")):
        shapes.parse(p, format="turtle")
    reporting = {
        str(s)
        for s in shapes.subjects(URIRef(SH + "message"), None)
        if isinstance(s, URIRef) and str(s).startswith(AXSH)
    }
    # SPARQL-based shapes report under the node shape holding the constraint
    reporting |= {str(s) for s in shapes.subjects(URIRef(SH + "sparql"), None) if isinstance(s, URIRef)}
    seen = {v.shape for f in [*VIOLATIONS, *WARNINGS] for v in run(f).violations if v.shape}
    assert reporting - seen == set()


# Predicates whose axiskg-IRI objects / subjects are checked by axsh:DeclaredReference / axsh:TypedEntity.
def _targets(kind: str, shape: str) -> set[str]:
    g = Graph().parse(REPO_ROOT / "shapes" / "references.ttl", format="turtle")
    return {str(o) for o in g.objects(URIRef(AXSH + shape), URIRef(SH + kind))}


def _data_graph() -> Graph:
    g = Graph()
    for p in sorted((REPO_ROOT / "data").glob("*.ttl")):
        g.parse(p, format="turtle")
    return g


def test_reference_check_covers_every_predicate_in_data() -> None:
    """Every predicate used in data/ with an axiskg IRI as object is a target of a DeclaredReference shape."""
    targets = _targets("targetObjectsOf", "DeclaredReference") | _targets(
        "targetObjectsOf", "DeclaredReferenceLoose"
    )
    used = {str(p) for _s, p, o in _data_graph() if isinstance(o, URIRef) and str(o).startswith(ID)}
    missing = used - targets - {str(RDF.type)}
    assert not missing, (
        f"add to sh:targetObjectsOf of axsh:DeclaredReference(Loose) in shapes/references.ttl: {missing}"
    )


def test_type_check_covers_every_predicate_in_data() -> None:
    """Every predicate used in data/ on an axiskg subject is a target of axsh:TypedEntity."""
    targets = _targets("targetSubjectsOf", "TypedEntity")
    used = {str(p) for s, p, _o in _data_graph() if isinstance(s, URIRef) and str(s).startswith(ID)}
    missing = used - targets - {str(RDF.type)}
    assert not missing, f"add to sh:targetSubjectsOf of axsh:TypedEntity in shapes/references.ttl: {missing}"


def test_repository_data_conforms() -> None:
    """The data in data/ passes the shapes (warnings allowed)."""
    if not list((REPO_ROOT / "data").glob("*.ttl")):
        pytest.skip("no data yet")
    report = validate(REPO_ROOT)
    assert report.parse_errors == [], report.parse_errors
    errors = [v for v in report.violations if v.severity == "Violation"]
    assert report.conforms and not errors, describe(errors)


def test_a_literal_focus_node_is_located_and_shown_as_a_literal(
    run: Callable[[str], ValidationReport], tmp_path: Path
) -> None:
    """A literal where an entity is expected (time:hasTime "2023-11-02"^^xsd:date) is reported at the line of
    that literal, written as a literal, not as `?: <2023-11-02>`; once only, by the time:hasTime shape, which
    says what to write (the reference check on the literal itself would repeat it less clearly)."""
    report = run("has_time_literal")
    assert [(v.file, v.line, v.path, v.value) for v in report.errors] == [
        ("data/has_time_literal.ttl", 82, "http://www.w3.org/2006/time#hasTime", "2023-11-02")
    ], describe(report.violations)
    # where only the reference check applies, the literal itself is the focus node
    root = make_project(tmp_path / "p", "has_time_literal")
    data = root / "data" / "has_time_literal.ttl"
    text = data.read_text(encoding="utf-8")
    data.write_text(
        text.replace('time:hasTime "2023-11-02"^^xsd:date', "time:hasTime ax-time:d2023-11-02").replace(
            "org:organization ax-org:test-group ;", 'org:organization "2023-11-02"^^xsd:date ;'
        ),
        encoding="utf-8",
    )
    on_literal = [v for v in validate(root).violations if v.focus.startswith('"')]
    assert on_literal
    prefix = 'data/has_time_literal.ttl:86: Violation: "2023-11-02"^^xsd:date '
    assert all(str(v).startswith(prefix) for v in on_literal), [str(v) for v in on_literal]
