"""load: Turtle parsed per file into its named graph; syntax errors kept with their position."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from axiskg import iris
from axiskg.errors import ParseError
from axiskg.load import load_files, parse_file
from axiskg.project import Project, SourceFile


def _source(path: Path, folder: str = "data") -> SourceFile:
    return SourceFile(path, folder, iris.graph_for_file(path.stem, folder))


def test_quads_go_to_the_file_graph(tmp_path: Path) -> None:
    f = tmp_path / "actors.ttl"
    f.write_text("<urn:a> <urn:b> <urn:c> .\n")
    parsed = parse_file(_source(f))
    assert parsed.error is None
    assert [q.graph_name for q in parsed.quads] == [ox.NamedNode(iris.GRAPH + "actors")]


def test_syntax_error_position_and_clean_message(tmp_path: Path) -> None:
    f = tmp_path / "x.ttl"
    f.write_text('<urn:a> <urn:b> "unterminated .\n')
    err = parse_file(_source(f)).error
    assert err is not None
    assert (err.file, err.line, err.column) == ("data/x.ttl", 1, 17)
    assert not err.message.startswith("Parser error")


def test_not_utf8_is_a_parse_error(tmp_path: Path) -> None:
    f = tmp_path / "latin.ttl"
    f.write_bytes('<urn:a> <urn:b> "caf\xe9" .\n'.encode("latin-1"))
    err = parse_file(_source(f)).error
    assert err is not None and err.file == "data/latin.ttl"


def test_blank_node_labels_do_not_collide_across_files(tmp_path: Path) -> None:
    for name in ("a.ttl", "b.ttl"):
        (tmp_path / name).write_text("_:x <urn:p> <urn:o> .\n")
    store = ox.Store()
    load_files(store, [_source(tmp_path / "a.ttl"), _source(tmp_path / "b.ttl")])
    subjects = {q.subject for q in store.quads_for_pattern(None, None, None)}
    assert len(subjects) == 2


def test_load_files_raises_on_a_broken_file(tmp_path: Path) -> None:
    (tmp_path / "bad.ttl").write_text("<urn:a> <urn:b> .\n")
    with pytest.raises(ParseError, match=r"^data/bad.ttl:1:"):
        load_files(ox.Store(), [_source(tmp_path / "bad.ttl")])


def test_project_files_and_graphs(tiny_project: Path) -> None:
    project = Project.at(tiny_project)
    assert [f.display for f in project.all_files] == [
        "ontology/axiskg.ttl",
        "shapes/claims.ttl",
        "data/actors.ttl",
        "data/report-000.ttl",
    ]
    assert project.ontology_files[0].graph == iris.GRAPH_ONTOLOGY
    assert project.data_files[1].graph == iris.GRAPH + "report-000"


def test_a_byte_order_mark_is_skipped_and_lines_are_unchanged(tmp_path: Path) -> None:
    """Some Windows editors start a UTF-8 file with a BOM (U+FEFF): it is not a syntax error."""
    f = tmp_path / "report-005.ttl"
    f.write_bytes(b"\xef\xbb\xbf<urn:a> <urn:b> <urn:c> .\n")
    parsed = parse_file(_source(f))
    assert parsed.error is None
    assert [q.subject for q in parsed.quads] == [ox.NamedNode("urn:a")]
    f.write_bytes(b'\xef\xbb\xbf<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> "unterminated .\n')
    err = parse_file(_source(f)).error
    assert err is not None and (err.line, err.column) == (2, 17)


def test_a_node_in_a_file_with_a_byte_order_mark_is_located(tiny_project: Path) -> None:
    from axiskg.validate import validate

    broken = Path(__file__).parent / "data" / "broken" / "claim_without_hedge.ttl"
    (tiny_project / "data" / broken.name).write_bytes(b"\xef\xbb\xbf" + broken.read_bytes())
    [v] = validate(tiny_project).violations
    assert (v.file, v.line) == ("data/claim_without_hedge.ttl", 6)


def test_a_statement_without_its_dot_is_pointed_at(tmp_path: Path) -> None:
    """The parser notices a missing ' .' only at the next statement: the message names the line before."""
    f = tmp_path / "report-005.ttl"
    f.write_text(
        "@prefix ex: <http://example.org/> .\n\n"
        "ex:hadi-al-ameri a ex:Person ;\n"
        '    ex:label "Hadi al-Ameri"@en\n\n'
        "# the next one\n"
        "ex:abu-fadak a ex:Person .\n",
        encoding="utf-8",
    )
    err = parse_file(_source(f)).error
    assert err is not None and (err.line, err.column) == (7, 1)
    assert err.message.endswith("; the statement ending on line 4 may lack its closing ' .'")
    f.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "c"@en\n', encoding="utf-8")
    err = parse_file(_source(f)).error
    assert err is not None
    assert err.message.endswith("; the statement ending on line 2 may lack its closing ' .'")


def test_an_unclosed_string_says_so(tmp_path: Path) -> None:
    """The parser's "Line jumps are not allowed in string literals" is named for what it is, and its fix."""
    f = tmp_path / "report-005.ttl"
    f.write_text(
        '@prefix ex: <http://example.org/> .\nex:a ex:label "Hadi al-Ameri ;\n    ex:b ex:c .\n',
        encoding="utf-8",
    )
    err = parse_file(_source(f)).error
    assert err is not None and (err.line, err.column) == (2, 15)
    assert err.message.startswith(
        'a string literal is not closed: add the closing " on this line, or use """...""" for text over '
        "several lines"
    )
    f.write_text('@prefix ex: <http://example.org/> .\nex:a ex:label "Hadi al-Ameri .\n', encoding="utf-8")
    err = parse_file(_source(f)).error  # at the end of the file
    assert err is not None and err.message.startswith("a string literal is not closed")


def test_a_byte_that_is_not_utf8_is_named_with_its_line(tmp_path: Path) -> None:
    f = tmp_path / "report-005.ttl"
    f.write_bytes(b'@prefix ex: <http://example.org/> .\n\nex:a ex:label "caf\xe9 noir"@fr .\n')
    err = parse_file(_source(f)).error
    assert err is not None and (err.line, err.column) == (3, 19)
    assert err.message.startswith("the file is not UTF-8 text: byte 0xE9 at line 3, column 19")
    assert "re-save the file as UTF-8" in err.message
    assert "index" not in err.message


def test_later_syntax_errors_of_a_file_are_reported_too(tmp_path: Path) -> None:
    """The parser stops at the first error; the rest of the file, from the next statement, is parsed again for
    the messages (only: nothing of a broken file is loaded)."""
    f = tmp_path / "report-005.ttl"
    f.write_text(
        "@prefix ex: <http://example.org/> .\n"
        "\n"
        'ex:a ex:label "A"@en ;;\n'
        "    ex:b ex:c ex:d .\n"  # line 4: an object too many
        "\n"
        'ex:e ex:label "E"@en .\n'
        "\n"
        'ex:f ex:label "F"@en\n'
        "    ex:b ex:c .\n"  # line 9: a ';' missing
        "\n"
        'ex:g ex:label """a text\n'
        "\n"
        'ex:h over several lines""" .\n'  # a statement-like line inside a long string
        "\n"
        "ex:i ex:b ex:c .\n",
        encoding="utf-8",
    )
    parsed = parse_file(_source(f))
    assert parsed.quads == []
    assert [(e.line, e.column) for e in parsed.errors] == [(4, 15), (9, 5)]
    assert parsed.errors[0] is parsed.error
