"""The command line: exit codes, one-line errors on stderr, readable and machine output."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
from typer.testing import CliRunner, Result

from axiskg import iris
from axiskg.cli import app
from axiskg.release import list_releases

BROKEN = Path(__file__).parent / "data" / "broken"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


# --- validate -------------------------------------------------------------------------------------------


def test_validate_valid_project(runner: CliRunner, tiny_project: Path) -> None:
    result = runner.invoke(app, ["validate", "--root", str(tiny_project)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "valid: 4 files conform to the shapes"


def test_validate_reports_every_problem_with_its_position(runner: CliRunner, tiny_project: Path) -> None:
    for name in ("bad_syntax.ttl", "unterminated_string.ttl", "claim_without_hedge.ttl"):
        shutil.copy(BROKEN / name, tiny_project / "data")
    result = runner.invoke(app, ["validate", "--root", str(tiny_project)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("data/bad_syntax.ttl:8:5: ")
    assert lines[1].startswith("data/unterminated_string.ttl:6:20: ")
    assert lines[2].startswith(
        "data/claim_without_hedge.ttl:6: Violation: <https://w3id.org/axiskg/id/claim/000-claim-without-hedge>"
    )
    assert "A claim has exactly one hedge (axo:hedge)." in lines[2]
    assert "invalid: 2 syntax error(s), 1 error(s) and 0 warning(s) in 7 files" in result.stderr


def test_validate_counts_errors_and_warnings_apart(runner: CliRunner, tmp_path: Path) -> None:
    """Warnings are advice: the summary does not count them as errors, and a valid tree says how many."""
    repo = Path(__file__).resolve().parent.parent
    fixtures = repo / "tests" / "fixtures" / "shapes"
    root = tmp_path / "p"
    shutil.copytree(repo / "ontology", root / "ontology")
    shutil.copytree(repo / "shapes", root / "shapes")
    (root / "data").mkdir()
    shutil.copy(fixtures / "speech_act_without_speaker.ttl", root / "data")
    result = runner.invoke(app, ["validate", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "valid: 9 files conform to the shapes (1 warning(s))"
    assert "when the report names nobody, say so: axo:speakerNotNamed true" in result.stdout
    text = (fixtures / "speech_act_without_speaker.ttl").read_text(encoding="utf-8")
    # a report that names nobody says so, and the advice has nothing left to say
    said = text.replace("a axo:Question ;", "a axo:Question ;\n    axo:speakerNotNamed true ;", 1)
    (root / "data" / "speech_act_without_speaker.ttl").write_text(said, encoding="utf-8")
    silent = runner.invoke(app, ["validate", "--root", str(root)])
    assert silent.stdout.splitlines()[-1] == "valid: 9 files conform to the shapes", silent.output
    (root / "data" / "speech_act_without_speaker.ttl").write_text(
        text.replace("axo:hedge hedge:reportedly ;", ""), encoding="utf-8"
    )
    result = runner.invoke(app, ["validate", "--root", str(root)])
    assert result.exit_code == 1
    assert "invalid: 0 syntax error(s), 1 error(s) and 1 warning(s) in 9 files" in result.stderr


def test_validate_json(runner: CliRunner, tiny_project: Path) -> None:
    shutil.copy(BROKEN / "person_without_label.ttl", tiny_project / "data")
    result = runner.invoke(app, ["validate", "--root", str(tiny_project), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["conforms"] is False
    assert [(v["file"], v["line"]) for v in data["violations"]] == [("data/person_without_label.ttl", 5)]


def test_validate_outside_a_project(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert "not an axiskg project" in _one_error_line(result.stderr)


# --- build ----------------------------------------------------------------------------------------------


def test_build_writes_a_release_and_is_quiet_in_scripts(
    runner: CliRunner, tiny_project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", "--root", str(tiny_project), "--out", str(out)])
    assert result.exit_code == 0, result.output
    [release] = list_releases(out)
    assert result.stdout.splitlines()[0].startswith(f"built {release.name}: ")
    assert result.stderr == ""  # no progress bar outside a terminal


def test_build_json(runner: CliRunner, tiny_project: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["build", "--root", str(tiny_project), "--out", str(tmp_path / "o"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["triples"] == sum(data["graphs"].values())


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ("claim_without_hedge.ttl", "data/claim_without_hedge.ttl:6: Violation"),
        ("bad_syntax.ttl", "data/bad_syntax.ttl:8:5: "),
    ],
)
def test_build_with_bad_input_publishes_nothing(
    runner: CliRunner, tiny_project: Path, tmp_path: Path, broken: str, expected: str
) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", "--root", str(tiny_project), "--out", str(out)]).exit_code == 0
    before = list_releases(out)
    shutil.copy(BROKEN / broken, tiny_project / "data")
    result = runner.invoke(app, ["build", "--root", str(tiny_project), "--out", str(out)])
    assert result.exit_code == 1
    line = _one_error_line(result.stderr)
    assert expected in line and "axiskg validate" in line
    assert result.stdout.splitlines()[0].startswith(expected)  # the problems listed, as validate lists them
    assert list_releases(out) == before
    assert (out / "current").resolve() == before[0]


def test_build_lists_and_counts_every_syntax_error(
    runner: CliRunner, tiny_project: Path, tmp_path: Path
) -> None:
    """Two broken statements in one file: build named and counted only the first ("1 syntax error(s)")."""
    text = (BROKEN / "bad_syntax.ttl").read_text(encoding="utf-8")
    second = '\nperson:qais-al-khazali skos:altLabel "Khazali"@en ;; ]\n'
    (tiny_project / "data" / "bad_syntax.ttl").write_text(text + second, encoding="utf-8")
    result = runner.invoke(app, ["build", "--root", str(tiny_project), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "validation failed with 2 syntax error(s)" in _one_error_line(result.stderr)
    listed = result.stdout.splitlines()
    assert [x.split(": ")[0] for x in listed] == ["data/bad_syntax.ttl:8:5", "data/bad_syntax.ttl:10:54"]
    assert not (tmp_path / "out" / "current").exists()

    json_run = runner.invoke(
        app, ["build", "--root", str(tiny_project), "--out", str(tmp_path / "out"), "--format", "json"]
    )
    assert json_run.exit_code == 1 and json_run.stdout == ""  # machines read the exit status and stderr


# --- query ----------------------------------------------------------------------------------------------


def test_query_table(runner: CliRunner, tiny_release_out: Path) -> None:
    result = runner.invoke(
        app,
        [
            "query",
            "-r",
            str(tiny_release_out),
            "SELECT ?name WHERE { ?p a axo:Person ; skos:prefLabel ?name }",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Qais al-Khazali" in result.stdout
    assert "1 row(s)" in result.stdout


def test_query_from_file_as_csv(runner: CliRunner, tiny_release_out: Path, tmp_path: Path) -> None:
    q = tmp_path / "q.rq"
    q.write_text(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?n WHERE { ?p skos:prefLabel ?n } ORDER BY ?n"
    )
    result = runner.invoke(app, ["query", "-r", str(tiny_release_out), "-f", str(q), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "n"
    assert "Qais al-Khazali" in result.stdout.splitlines()


def test_query_by_name_with_param(runner: CliRunner, tiny_release_out: Path) -> None:
    root = Path(__file__).parent / "data" / "tiny"
    base = [
        "query",
        "-r",
        str(tiny_release_out),
        "--root",
        str(root),
        "--name",
        "attendees",
        "--format",
        "json",
    ]
    data = json.loads(runner.invoke(app, base).stdout)
    assert [b["name"]["value"] for b in data["results"]["bindings"]] == ["Qais al-Khazali"]
    other = runner.invoke(app, [*base, "--param", "meeting=https://w3id.org/axiskg/id/meeting/none"])
    assert json.loads(other.stdout)["results"]["bindings"] == []


def test_query_list(runner: CliRunner) -> None:
    result = runner.invoke(app, ["query", "--list", "--root", str(Path(__file__).parent / "data" / "tiny")])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "attendees: Who attended a meeting",
        "  Every attendee of a meeting, with the claim and its hedge.",
        "  --param meeting=<iri>  default https://w3id.org/axiskg/id/meeting/tehran-session"
        "  The meeting (IRI)",
    ]
    assert "people: People" in lines and "  Every person and their name." in lines


def test_query_help_examples_name_queries_that_exist(runner: CliRunner) -> None:
    repo = Path(__file__).resolve().parent.parent
    result = runner.invoke(app, ["query", "--help"], env={"COLUMNS": "300"})
    names = re.findall(r"--name (\S+)", result.stdout)
    assert names
    for name in names:
        assert (repo / "queries" / f"{name}.rq").is_file(), (
            f"`axiskg query --help` runs a missing query {name}"
        )


def test_query_unknown_name_suggests_the_closest(runner: CliRunner, tiny_release_out: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    args = ["query", "-r", str(tiny_release_out), "--root", str(root), "--name", "attendees"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "no named query 'attendees'; did you mean meeting-attendees? available: " in _one_error_line(
        result.stderr
    )


def test_query_construct_as_ntriples(runner: CliRunner, tiny_release_out: Path) -> None:
    result = runner.invoke(
        app,
        [
            "query",
            "-r",
            str(tiny_release_out),
            "--format",
            "ntriples",
            "CONSTRUCT WHERE { ?m schema:attendee ?p }",
        ],
    )
    assert result.exit_code == 0
    assert result.stdout.strip() == (
        "<https://w3id.org/axiskg/id/meeting/tehran-session> <https://schema.org/attendee> "
        "<https://w3id.org/axiskg/id/person/qais-al-khazali> ."
    )


@pytest.mark.parametrize(
    ("fmt", "text"),
    [(f, "SELECT ?p WHERE { ?p a axo:Person }") for f in ("json", "csv", "tsv", "xml")]
    + [(f, "CONSTRUCT WHERE { ?p a axo:Person }") for f in ("turtle", "ntriples", "jsonld", "xml")]
    + [("xml", "ASK { ?p a axo:Person }"), ("json", "ASK { ?p a axo:Person }")],
)
def test_query_output_ends_with_one_newline(
    runner: CliRunner, tiny_release_out: Path, fmt: str, text: str
) -> None:
    result = runner.invoke(app, ["query", "-r", str(tiny_release_out), "--format", fmt, text])
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("\n") and not result.stdout.endswith("\n\n"), result.stdout[-40:]


def test_query_unknown_name(runner: CliRunner, tiny_release_out: Path) -> None:
    root = Path(__file__).parent / "data" / "tiny"
    result = runner.invoke(app, ["query", "-r", str(tiny_release_out), "--root", str(root), "--name", "nope"])
    assert result.exit_code == 1
    assert "available: attendees, people" in _one_error_line(result.stderr)


def test_query_bad_query(runner: CliRunner, tiny_release_out: Path) -> None:
    result = runner.invoke(app, ["query", "-r", str(tiny_release_out), "SELECT WHERE"])
    assert result.exit_code == 1
    assert _one_error_line(result.stderr).startswith("Error: the query does not parse: error at 1:")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT ?x WHERE { ?x a foo:Person }", "unknown prefix foo: declare it with PREFIX foo: <...>"),
        (
            "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            "SPARQL Update (INSERT) is refused: `axiskg query` is read-only",
        ),
    ],
)
def test_query_errors_in_words(runner: CliRunner, tiny_release_out: Path, text: str, expected: str) -> None:
    result = runner.invoke(app, ["query", "-r", str(tiny_release_out), text])
    assert result.exit_code == 1
    line = _one_error_line(result.stderr)
    assert expected in line and "\\u{" not in line


def test_query_missing_release(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", "-r", str(tmp_path / "none"), "ASK {}"])
    assert result.exit_code == 1
    assert "run `axiskg build" in _one_error_line(result.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["query"],
        ["query", "ASK {}", "--name", "x"],
        ["query", "ASK {}", "--param", "novalue"],
        ["query", "ASK {}", "--format", "yaml"],
    ],
)
def test_query_usage_errors_exit_2(runner: CliRunner, tiny_release_out: Path, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "-r", str(tiny_release_out)])
    assert result.exit_code == 2, result.output


# --- scaffold -------------------------------------------------------------------------------------------


MEMRI = """
<https://w3id.org/axiskg/id/org/memri> a <https://w3id.org/axiskg/ontology#MediaOutlet> ;
    <http://www.w3.org/2004/02/skos/core#prefLabel> "MEMRI"@en .
"""


@pytest.fixture
def outlet_project(tiny_project: Path) -> Path:
    """The tiny project with the outlet `memri` declared in data/actors.ttl (its class in the ontology)."""
    with (tiny_project / "ontology" / "axiskg.ttl").open("a", encoding="utf-8") as f:
        f.write("\n<https://w3id.org/axiskg/ontology#MediaOutlet> a <http://www.w3.org/2002/07/owl#Class> .")
    with (tiny_project / "data" / "actors.ttl").open("a", encoding="utf-8") as f:
        f.write(MEMRI)
    return tiny_project


def test_scaffold_report_writes_a_valid_file(runner: CliRunner, outlet_project: Path) -> None:
    tiny_project = outlet_project
    args = ["scaffold", "report", "005", "--title", 'The "new" report', "--publisher", "memri",
            "--date", "2024-02-01", "--root", str(tiny_project)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    path = tiny_project / "data" / "report-005.ttl"
    from rdflib import Graph, Literal, URIRef

    g = Graph().parse(path, format="turtle")
    report = URIRef("https://w3id.org/axiskg/id/report/memri-2024-02-01")
    assert g.value(report, URIRef("http://purl.org/dc/terms/title")) == Literal('The "new" report', lang="en")
    assert g.value(report, URIRef("http://purl.org/dc/terms/publisher")) == URIRef(
        "https://w3id.org/axiskg/id/org/memri"
    )
    assert "# <https://w3id.org/axiskg/id/claim/005-example> a axo:Claim" in path.read_text()
    prefixes = {
        p: str(ns) for p, ns in g.namespaces()
    }  # a chain as README writes it, ( report:... source:... )
    for kind, prefix in (("report", "report"), ("source", "source"), ("person", "person"), ("org", "actor")):
        assert prefixes[prefix] == f"https://w3id.org/axiskg/id/{kind}/"
    assert runner.invoke(app, ["validate", "--root", str(tiny_project)]).exit_code == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert "already exists" in _one_error_line(again.stderr)


def test_scaffold_rejects_a_bad_date(runner: CliRunner, tiny_project: Path) -> None:
    result = runner.invoke(
        app, ["scaffold", "report", "006", "--title", "t", "--publisher", "memri", "--date", "Feb 2024",
              "--root", str(tiny_project)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "YYYY-MM-DD" in _one_error_line(result.stderr)


def _scaffold(runner: CliRunner, root: Path, slug: str, *options: str) -> Result:
    return runner.invoke(app, ["scaffold", "report", slug, "--title", "t", *options, "--root", str(root)])


def test_scaffold_refuses_a_report_iri_already_used_by_another_file(
    runner: CliRunner, outlet_project: Path
) -> None:
    same = ("--publisher", "memri", "--date", "2024-02-01")
    assert _scaffold(runner, outlet_project, "005", *same).exit_code == 0
    result = _scaffold(runner, outlet_project, "006", *same)
    assert result.exit_code == 1
    line = _one_error_line(result.stderr)
    iri = "<https://w3id.org/axiskg/id/report/memri-2024-02-01>"
    assert f"{iri} is already used in data/report-005.ttl" in line
    assert "--report-id memri-2024-02-01-006" in line
    assert not (outlet_project / "data" / "report-006.ttl").exists()
    again = _scaffold(runner, outlet_project, "006", *same, "--report-id", "memri-2024-02-01-006")
    assert again.exit_code == 0, again.output
    assert (
        "<https://w3id.org/axiskg/id/report/memri-2024-02-01-006> a axo:Report"
        in (outlet_project / "data" / "report-006.ttl").read_text()
    )
    assert runner.invoke(app, ["validate", "--root", str(outlet_project)]).exit_code == 0


def test_scaffold_rejects_a_date_that_is_not_in_the_calendar(runner: CliRunner, outlet_project: Path) -> None:
    result = _scaffold(runner, outlet_project, "006", "--publisher", "memri", "--date", "2024-13-01")
    assert result.exit_code == 1
    assert "--date '2024-13-01' is not a calendar date" in _one_error_line(result.stderr)
    assert not (outlet_project / "data" / "report-006.ttl").exists()


def test_scaffold_rejects_an_unknown_publisher(runner: CliRunner, outlet_project: Path) -> None:
    result = _scaffold(runner, outlet_project, "006", "--publisher", "memry", "--date", "2024-02-01")
    assert result.exit_code == 1
    line = _one_error_line(result.stderr)
    assert "<https://w3id.org/axiskg/id/org/memry> is not declared in data/" in line
    assert "did you mean memri?" in line and "known publishers: memri " in line
    assert not (outlet_project / "data" / "report-006.ttl").exists()


# --- help -----------------------------------------------------------------------------------------------

COMMANDS = [["validate"], ["build"], ["query"], ["diff"], ["publish"], ["serve"], ["scaffold", "report"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert "axiskg " + command[0] in result.stdout


def _command_paths(command: Any, path: list[str]) -> Iterator[list[str]]:
    yield path
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _command_paths(sub, [*path, name])


ALL_COMMANDS = list(_command_paths(typer.main.get_command(app), []))


def test_the_help_test_sees_every_command() -> None:
    assert sorted(map(tuple, ALL_COMMANDS)) == sorted([(), ("scaffold",), *map(tuple, COMMANDS)])


@pytest.mark.parametrize("command", ALL_COMMANDS, ids=lambda c: " ".join(c) or "axiskg")
def test_help_is_clean(runner: CliRunner, command: list[str]) -> None:
    """Click's conventions: arguments in capitals in the usage line (not typer's `{old}`), no `<bool>`
    after a flag, and every help option explained; an example in each."""
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "<bool>" not in text and "list[" not in text
    [usage] = [line.strip(" │") for line in text.splitlines() if "Usage:" in line]
    assert "{" not in usage and "}" not in usage, usage
    assert not re.search(r"\b[a-z]+\b(?:\.\.\.)?$", usage.split("[OPTIONS]")[-1].strip()), usage
    assert "Example" in text


def test_build_shows_progress_on_a_terminal_only(tiny_project: Path, tmp_path: Path) -> None:
    """stderr is a pseudo-terminal here: the rich progress bar appears; with CI set, it does not."""
    import os
    import pty
    import subprocess
    import sys

    def run(env_ci: str | None) -> str:
        controller, terminal = pty.openpty()
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        if env_ci is not None:
            env["CI"] = env_ci
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "axiskg",
                "build",
                "--root",
                str(tiny_project),
                "--out",
                str(tmp_path / "out"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=terminal,
            env=env,
        )
        os.close(terminal)
        chunks = []
        while True:
            try:
                data = os.read(controller, 4096)
            except OSError:  # the terminal closed: the process has exited
                break
            if not data:
                break
            chunks.append(data)
        os.close(controller)
        assert proc.wait() == 0
        return b"".join(chunks).decode(errors="replace")

    assert "building" in run(None)
    assert run("true") == ""


def test_a_scaffolded_report_satisfies_the_repository_shapes(runner: CliRunner, tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parent.parent
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(repo / folder, tmp_path / folder)
    args = ["scaffold", "report", "099", "--title", "A new report", "--publisher", "memri"]
    args += ["--date", "2024-02-01", "--source-file", "099_0000000000000000.txt", "--root", str(tmp_path)]
    assert runner.invoke(app, args).exit_code == 0
    result = runner.invoke(app, ["validate", "--root", str(tmp_path), "--format", "json"])
    problems = [v for v in json.loads(result.stdout)["violations"] if v["file"] == "data/report-099.ttl"]
    assert problems == []


@pytest.mark.parametrize("tuning", ["", "0"])
def test_serve_help_names_the_program_the_user_ran(tmp_path: Path, tuning: str) -> None:
    """`axiskg serve` restarts itself as `python -m axiskg serve` for the allocator tuning; its usage line
    still says `axiskg serve` (the name the user typed), and `python -m axiskg serve` where that was typed."""
    script = tmp_path / "axiskg"  # what the console script of `pip install` does
    script.write_text("import sys\nfrom axiskg.cli import main\n\nsys.exit(main())\n")
    env = {k: v for k, v in os.environ.items() if k not in ("GLIBC_TUNABLES", "AXISKG_PROG_NAME")}
    env["AXISKG_MALLOC_TUNING"] = tuning
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parent.parent / "src"), *sys.path])
    env["COLUMNS"] = "200"
    for cmd, usage in (
        ([sys.executable, str(script), "serve", "--help"], "Usage: axiskg serve [OPTIONS]"),
        ([sys.executable, "-m", "axiskg", "serve", "--help"], "Usage: python -m axiskg serve [OPTIONS]"),
        ([sys.executable, str(script), "query", "--help"], "Usage: axiskg query [OPTIONS]"),
    ):
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert out.returncode == 0, out.stderr
        assert usage in out.stdout, out.stdout[:400]
    bad = subprocess.run(
        [sys.executable, str(script), "serve", "--no-such-option"], env=env, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "Try 'axiskg serve --help' for help." in bad.stderr


def test_a_scaffolded_report_declares_the_prefixes_the_data_model_uses(
    runner: CliRunner, outlet_project: Path
) -> None:
    """A curator copies what data-model.md shows (rdfs:comment, time:hasTime, prov:, foaf:knows) into the new
    file: its prefixes are declared, so the first validate does not stop at 'The prefix rdfs: has not been
    declared'."""
    args = ["scaffold", "report", "005", "--title", "A report", "--publisher", "memri",
            "--date", "2024-02-01", "--root", str(outlet_project)]  # fmt: skip
    assert runner.invoke(app, args).exit_code == 0
    text = (outlet_project / "data" / "report-005.ttl").read_text(encoding="utf-8")
    declared = dict(re.findall(r"^@prefix\s+([\w-]*):\s*<([^>]*)>", text, re.MULTILINE))
    for prefix in ("rdfs", "time", "prov", "foaf", "owl", "wd"):
        assert declared.get(prefix) == iris.PREFIXES[prefix], prefix


def _all_commands(command: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    yield prefix or "axiskg", command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _all_commands(sub, f"{prefix} {name}".strip())


def test_help_paragraphs_flow_to_the_terminal_width(runner: CliRunner) -> None:
    """The help of each command is written in the source as lines of 110 characters; on an 80-column
    terminal those lines broke again at 80, leaving ragged half lines ("...for a syntax error, and" /
    "`file:line: severity..."). A paragraph is one line, for rich to wrap; indented lines (examples) stay."""
    for name, command in _all_commands(typer.main.get_command(app)):
        for paragraph in (command.help or "").split("\n\n"):
            lines = paragraph.strip("\n").split("\n")
            assert len(lines) == 1 or any(x.startswith(" ") for x in lines[1:]), (name, paragraph)
    result = runner.invoke(app, ["validate", "--help"], env={"COLUMNS": "80"})
    assert "for a syntax error, and `file:line: severity:" in " ".join(
        x.strip(" │") for x in result.stdout.splitlines()
    )


def test_query_by_name_takes_a_name_for_an_iri(runner: CliRunner, release_out: Path) -> None:
    """`--param actor=Khazali`, as the canned-query pages take it: the rows of his IRI, and a note on stderr
    saying whom the name was read as; a name that picks out several is an error listing them."""
    root = Path(__file__).resolve().parents[1]
    base = ["query", "-r", str(release_out), "--root", str(root), "--name", "who-met-whom", "--format", "csv"]
    khazali = "https://w3id.org/axiskg/id/person/qais-al-khazali"
    by_name = runner.invoke(app, [*base, "--param", "actor=Khazali"])
    by_iri = runner.invoke(app, [*base, "--param", f"actor={khazali}"])
    assert by_name.exit_code == 0 and by_iri.exit_code == 0
    assert by_name.stdout == by_iri.stdout and len(by_name.stdout.splitlines()) > 1
    assert by_name.stderr.strip() == f"“Khazali” read as Qais Al-Khazali ({khazali})."
    several = runner.invoke(app, [*base, "--param", "actor=Hajj"])
    assert several.exit_code == 1
    assert _one_error_line(several.stderr).startswith("Error: parameter 'actor': 'Hajj' names several: ")
