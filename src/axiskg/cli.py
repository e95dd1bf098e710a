"""The `axiskg` command line: each command is a thin shell over the library function of the same name.

Only this module prints or exits. Library errors (AxiskgError) are translated at one boundary,
`_errors()`: `Error: <message>` on stderr and exit status 1. Usage errors keep typer's status 2.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from axiskg import build as build_mod
from axiskg.diff import Diff
from axiskg.diff import diff as diff_releases
from axiskg.errors import AxiskgError, ShapeViolationError
from axiskg.project import Project
from axiskg.publish import publish as publish_release
from axiskg.queries import get_query, guess_term, load_queries
from axiskg.query import Answer, compact
from axiskg.query import query as run_query
from axiskg.release import Release, open_release, resolve_release_dir
from axiskg.scaffold import scaffold_report
from axiskg.validate import ValidationReport
from axiskg.validate import validate as validate_project
from axiskg.void import DEFAULT_BASE_URL


def _reflow(help_text: str | None) -> str | None:
    """Help as paragraphs of one line each, for rich to wrap to the terminal: the docstrings are written in
    lines of 110 characters, which an 80-column terminal broke again into ragged half lines. A paragraph
    with indented lines (examples) keeps its lines."""
    if not help_text:
        return help_text
    paragraphs = []
    for paragraph in help_text.split("\n\n"):
        lines = paragraph.split("\n")
        if not any(line.startswith((" ", "\b")) for line in lines[1:]):
            paragraph = " ".join(line.strip() for line in lines)
        paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


class _HelpCommand(TyperCommand):
    """A command whose help follows click's conventions: the usage line names arguments in capitals
    (`OLD NEW`, `[TEXT]` when optional) where typer writes `{old}`, and flags show no `<bool>` type; its
    paragraphs flow to the terminal's width."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _reflow(self.help)

    # typer's own click (vendored in recent typer, the click package in older ones): duck-typed as Any
    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name != "argument":
                continue
            name = (param.metavar or param.name or "arg").upper() + ("..." if param.nargs != 1 else "")
            pieces.append(name if param.required else f"[{name}]")
        return pieces

    def get_params(self, ctx: Any) -> list[Any]:
        return _untyped_flags(super().get_params(ctx))


class _HelpGroup(TyperGroup):
    """A group whose --help flag shows no `<bool>` type either."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _untyped_flags(super().get_params(ctx))


def _untyped_flags(params: list[Any]) -> list[Any]:
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""  # a flag takes no value: typer's help would show `<bool>`
    return params


app = typer.Typer(
    cls=_HelpGroup,
    help="Publish the axiskg knowledge graph: validate, build, query, diff, publish, serve.\n\n"
    "Each command has --help with an example.\n\n"
    "Example: axiskg validate && axiskg build && axiskg serve",
    no_args_is_help=True,
    add_completion=False,
)
scaffold_app = typer.Typer(
    cls=_HelpGroup,
    help="Create new source files for curators.\n\n"
    'Example: axiskg scaffold report 005 --title "After Gaza" --publisher memri --date 2024-02-01',
    no_args_is_help=True,
)
app.add_typer(scaffold_app, name="scaffold")

ROOT_OPTION = typer.Option(
    Path("."), "--root", help="Project root (holds ontology/, shapes/, data/, queries/)"
)
RELEASE_OPTION = typer.Option(
    Path("release"), "--release", "-r", help="Release output dir (with `current`) or a release dir"
)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class QueryFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    xml = "xml"
    turtle = "turtle"
    ntriples = "ntriples"
    jsonld = "jsonld"


def _out() -> Console:
    """Standard output: rich tables on a terminal, wide plain text in pipes (no cut columns)."""
    return Console(highlight=False, emoji=False, width=None if sys.stdout.isatty() else 1000)


def _interactive() -> bool:
    """Show progress only to a person at a terminal: not in scripts, pipes or CI."""
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """The one boundary where library errors become `Error: ...` on stderr and exit status 1."""
    try:
        yield
    except AxiskgError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(code=1) from exc


@contextlib.contextmanager
def _progress(description: str, total: int | None) -> Iterator[Callable[[str], None]]:
    """A progress callback: a rich bar on an interactive terminal, nothing otherwise."""
    if not _interactive():
        yield lambda _step: None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[step]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total, step="")

        def advance(step: str) -> None:
            bar.update(task, advance=1, step=step)

        yield advance


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _print_report(report: ValidationReport) -> None:
    """One plain line per problem (`file:line[:col]: ...`), as compilers write them, for editors too."""
    for e in report.parse_errors:
        typer.echo(str(e))
    for v in report.violations:
        typer.echo(str(v))


@app.command(cls=_HelpCommand)
def validate(
    root: Path = ROOT_OPTION,
    fmt: OutputFormat = typer.Option(
        OutputFormat.text, "--format", help="text for people, json for machines"
    ),
) -> None:
    """Check ontology/, shapes/ and data/: the Turtle syntax of every file, then the SHACL shapes.

    Every problem is reported in one run: `file:line:col: message` for a syntax error, and
    `file:line: severity: <focus> path: message` for a shape violation. Exit status 0 when valid, 1 when not.

    Example: axiskg validate --format json
    """
    with _errors():
        report = validate_project(root)
    if fmt is OutputFormat.json:
        _print_json(report.to_json())
    else:
        _print_report(report)
        for note in report.notes:
            typer.echo(f"note: {note}", err=True)
        warnings = len(report.warnings)
        if report.conforms:
            advice = f" ({warnings} warning(s))" if warnings else ""
            typer.echo(f"valid: {report.files} files conform to the shapes{advice}")
        else:
            typer.echo(
                f"invalid: {len(report.parse_errors)} syntax error(s), {len(report.errors)} error(s) "
                f"and {warnings} warning(s) in {report.files} files; fix the errors and run "
                "`axiskg validate` again",
                err=True,
            )
    if not report.conforms:
        raise typer.Exit(code=1)


@app.command(cls=_HelpCommand)
def build(
    root: Path = ROOT_OPTION,
    out: Path = typer.Option(Path("release"), "--out", "-o", help="Output directory (releases/ and current)"),
    keep: int | None = typer.Option(None, "--keep", min=1, help="Keep only the N newest releases"),
    check: bool = typer.Option(True, "--check/--no-check", help="Validate against the shapes first"),
    base_url: str = typer.Option(
        DEFAULT_BASE_URL, "--base-url", help="Where the release is served (VoID links)"
    ),
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", help="text or json"),
    full: bool = typer.Option(
        False, "--full", help="Validate the whole graph, not only what changed since the current release"
    ),
    force: bool = typer.Option(
        False, "--force", help="Build a new release even when nothing changed since the current one"
    ),
) -> None:
    """Validate, derive and write a new release, then make it current (atomically).

    When nothing changed since the current release (the same files, named queries, --base-url and axiskg
    code), nothing is written and the current release stays: --force (or --full) builds anyway.

    Validation is incremental by default: only the nodes whose neighbourhood changed since the current
    release are checked (a full check runs when the shapes or ontology changed); --full checks everything.

    Writes the store, the dumps (N-Quads, TriG, Turtle, JSON-LD; the ontology as Turtle, JSON-LD, RDF/XML),
    VoID + DCAT, the validation report and SHA256SUMS under OUT/releases/<id>, then points OUT/current at it.
    On any failure the previous release stays current.

    Example: axiskg build --out release --keep 5
    """
    with _errors(), _progress("building", len(build_mod.STEPS)) as step:
        try:
            result = build_mod.build(
                root, out, check, keep=keep, base_url=base_url, progress=step, full=full or None, force=force
            )
        except ShapeViolationError as exc:  # every problem on stdout, as validate lists them; one Error line
            if fmt is OutputFormat.text and isinstance(exc.report, ValidationReport):
                _print_report(exc.report)
            raise
    if fmt is OutputFormat.json:
        _print_json(
            {
                "id": result.id,
                "path": str(result.release_dir),
                "triples": result.triples,
                "graphs": result.graphs,
                "pruned": [str(p) for p in result.pruned],
                "unchanged": result.unchanged,
            }
        )
        return
    if result.unchanged:
        typer.echo(
            f"unchanged: {result.id} ({result.triples} triples) was built from the same files, queries and"
            " code and stays current; nothing written (--force builds a new release)"
        )
    else:
        typer.echo(f"built {result.id}: {result.triples} triples in {len(result.graphs)} graphs")
    typer.echo(f"release: {result.release_dir}")
    typer.echo(f"current: {Path(out) / 'current'} -> releases/{result.release_dir.name}")
    for p in result.pruned:
        typer.echo(f"pruned: {p.name}")


def _parse_params(values: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"{item!r} is not key=value", param_hint="--param")
        params[key.lstrip("?$")] = value
    return params


def _queries_dir(root: Path, release: Path) -> Path:
    """The project's queries/ when there is one, else the queries/ the built release carries."""
    try:
        project_dir = Project.at(root).queries_dir
    except AxiskgError:  # not in a project: a researcher with only a downloaded release
        project_dir = Path(root) / "queries"
    if project_dir.is_dir():
        return project_dir
    try:
        shipped = resolve_release_dir(release) / "queries"
    except AxiskgError:
        return project_dir
    return shipped if shipped.is_dir() else project_dir


def _list_queries(root: Path, release: Path) -> None:
    folder = _queries_dir(root, release)
    queries = load_queries(folder)
    if not queries:
        typer.echo(f"no named queries in {folder}")
        return
    out = _out()
    for i, q in enumerate(queries):
        if i:
            out.print()
        out.print(Text.assemble((q.name, "bold"), ": ", q.title))
        lines = [q.description] if q.description else []
        lines += [f"--param {p.name}=<{p.kind}>  default {p.default}  {p.label}".rstrip() for p in q.params]
        for line in lines:  # indented, also where a terminal wraps them
            out.print(Padding(Text(line), (0, 0, 0, 2), expand=False))
    out.print(f"\n{len(queries)} named queries in {folder}; run one with --name NAME", style="dim")


@app.command(cls=_HelpCommand)
def query(
    text: str | None = typer.Argument(None, metavar="QUERY", help="SPARQL query text"),
    file: Path | None = typer.Option(None, "--file", "-f", help="Read the query from a file ('-' for stdin)"),
    name: str | None = typer.Option(None, "--name", "-n", help="Run the named query queries/NAME.rq"),
    param: list[str] = typer.Option(
        [], "--param", "-p", metavar="<key=value>", help="A query parameter's value (repeatable)"
    ),
    release: Path = RELEASE_OPTION,
    fmt: QueryFormat = typer.Option(
        QueryFormat.table, "--format", help="table, or a standard format for scripts"
    ),
    list_: bool = typer.Option(
        False, "--list", help="List the named queries: what each answers, its parameters"
    ),
    root: Path = ROOT_OPTION,
) -> None:
    """Query the built release with SPARQL (the default graph is the union of all graphs).

    The prefixes of the data model (axo:, skos:, schema:...) need no PREFIX declaration. --list shows the
    named queries of queries/ with what each answers and its parameters.

    Examples:
      axiskg query 'SELECT ?p WHERE { ?p a axo:Person } LIMIT 5'
      axiskg query --list
      axiskg query --name meeting-attendees --format csv
      axiskg query --name claims-about-entity --param entity=https://w3id.org/axiskg/id/org/kataib-hezbollah
      axiskg query --name who-met-whom --param actor=Khazali --format csv
      axiskg query -f my.rq --format json
    """
    with _errors():
        if list_:
            _list_queries(root, release)
            return
        given = [x for x in (text, file, name) if x is not None]
        if len(given) != 1:
            raise typer.BadParameter("give exactly one of: a query text, --file FILE or --name NAME")
        params = _parse_params(param)
        target: Path | Release
        if name is not None:
            named = get_query(_queries_dir(root, release), name)
            # a name for an IRI ("Khazali"), read as the canned-query pages read it, and said so on stderr
            from axiskg.web.search import resolve_names  # the web's search index; imported when it is used

            opened = open_release(release)
            params, notes = resolve_names(opened, named.params, params)
            for note in notes:
                typer.echo(note, err=True)
            # bound as the web binds them (the canned-query pages, "Open in editor", the editor's examples)
            sparql, bindings, target = named.with_values(params), {}, opened
        else:
            if file is not None:
                sparql = sys.stdin.read() if str(file) == "-" else _read(file)
            else:
                sparql = str(text)
            bindings, target = {ox.Variable(k): guess_term(v) for k, v in params.items()}, release
        answer = run_query(target, sparql, bindings)
        with _closed_pipe_ok():
            _print_answer(answer, fmt)


@contextlib.contextmanager
def _closed_pipe_ok() -> Iterator[None]:
    """`axiskg query ... | head` is fine: stop writing quietly when the reader has gone."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _print_answer(answer: Answer, fmt: QueryFormat) -> None:
    if fmt is QueryFormat.table:
        columns, rows = answer.table()
        table = Table(*columns, show_lines=False)
        for row in rows:
            table.add_row(*(escape(compact(t)) for t in row))
        out = _out()
        out.print(table)
        out.print(f"{len(rows)} row(s)", style="dim")
    else:
        data = answer.serialize(fmt.value)
        if data and not data.endswith(
            b"\n"
        ):  # XML, JSON and JSON-LD end without one: the prompt would follow
            data += b"\n"
        sys.stdout.buffer.write(data)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc.strerror}", param_hint="--file") from exc


def _print_changes(label: str, changes: Any, limit: int = 50) -> None:
    typer.echo(f"{label}: +{len(changes.added)} -{len(changes.removed)} ~{len(changes.changed)}")
    for sign, items in (("+", changes.added), ("-", changes.removed), ("~", list(changes.changed))):
        for iri in items[:limit]:
            typer.echo(f"  {sign} {iri}")
            if sign == "~":
                for line in changes.changed[iri]["removed"]:
                    typer.echo(f"      - {line}")
                for line in changes.changed[iri]["added"]:
                    typer.echo(f"      + {line}")
        if len(items) > limit:
            typer.echo(f"  {sign} ... and {len(items) - limit} more (see --format json)")


@app.command(cls=_HelpCommand)
def diff(
    old: Path = typer.Argument(..., metavar="OLD", help="Old release (output dir or release dir)"),
    new: Path = typer.Argument(..., metavar="NEW", help="New release (output dir or release dir)"),
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", help="text or json"),
) -> None:
    """Show what changed between two releases: entities and claims added, removed, changed; triple counts.

    Example: axiskg diff release/releases/20261101T000000Z-1a2b3c4d release/current
    """
    with _errors():
        d: Diff = diff_releases(old, new)
    if fmt is OutputFormat.json:
        _print_json(d.to_json())
        return
    typer.echo(f"{d.old_id} -> {d.new_id}")
    _print_changes("entities", d.entities)
    _print_changes("claims", d.claims)
    delta = d.triples[1] - d.triples[0]
    typer.echo(f"triples: {d.triples[0]} -> {d.triples[1]} ({delta:+d})")
    for g, (o, n) in d.graphs.items():
        if o != n:
            typer.echo(f"  {g}: {o} -> {n} ({n - o:+d})")


@app.command(cls=_HelpCommand)
def publish(
    to: str = typer.Option(
        ..., "--to", metavar="<url>", help="Graph Store Protocol endpoint, e.g. http://localhost:7878/store"
    ),
    release: Path = RELEASE_OPTION,
    query_url: str | None = typer.Option(
        None,
        "--query-url",
        metavar="<url>",
        help="SPARQL query endpoint used to list the graphs and verify counts (default: sibling /query)",
    ),
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", help="text or json"),
) -> None:
    """Push the release to a SPARQL 1.1 Graph Store endpoint graph by graph, then verify the counts.

    Each graph of the release is replaced; graphs under https://w3id.org/axiskg/graph/ that the endpoint
    holds but the release lacks (a removed report) are deleted; other graphs are left alone.
    Works with Oxigraph server, Jena Fuseki (--to http://host:3030/ds/data), Virtuoso, GraphDB.

    The Graph Store Protocol has no transactions: if a graph is refused part-way, the error lists the
    graphs already replaced and the others; publishing again is safe and completes the update.

    Example: axiskg publish --to http://127.0.0.1:7878/store
    """
    with _errors():
        n = len(open_release(release).graphs)
        with _progress("publishing", n) as step:
            result = publish_release(release, to, query_url=query_url, progress=step)
    if fmt is OutputFormat.json:
        _print_json(
            {
                "url": result.url,
                "query_url": result.query_url,
                "release": result.release_id,
                "graphs": {g.graph: {"expected": g.expected, "found": g.found} for g in result.graphs},
                "removed": [g.graph for g in result.removed],
            }
        )
        return
    typer.echo(
        f"published {result.release_id} to {result.url}: "
        f"{len(result.graphs)} graphs, {result.triples} triples, "
        f"counts verified at {result.query_url}"
    )
    if result.removed:
        n_removed = len(result.removed)
        typer.echo(
            f"removed {n_removed} graph{'s' if n_removed > 1 else ''} no longer in the release: "
            + ", ".join(f"<{g.graph}>" for g in result.removed)
        )


@scaffold_app.command("report", cls=_HelpCommand)
def scaffold_report_cmd(
    slug: str = typer.Argument(..., metavar="SLUG", help="Report slug: data/report-<slug>.ttl"),
    title: str = typer.Option(..., "--title", help="The report's title"),
    publisher: str = typer.Option(
        ..., "--publisher", help="Publishing outlet declared in data/: org slug (memri) or IRI"
    ),
    date: str = typer.Option(..., "--date", metavar="<yyyy-mm-dd>", help="Publication date"),
    report_id: str | None = typer.Option(
        None,
        "--report-id",
        help="The report IRI's slug, when <publisher>-<date> is already another report's",
    ),
    source_file: str | None = typer.Option(
        None, "--source-file", help="The report's text file name (e.g. 005_1a2b3c4d.txt)"
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file"),
    root: Path = ROOT_OPTION,
) -> None:
    """Write data/report-<slug>.ttl: the report node and a commented example claim.

    The report's IRI is https://w3id.org/axiskg/id/report/<publisher>-<date> (or --report-id). Nothing is
    written when the date is not a calendar date, the publisher is not declared in data/, or another file
    already uses the report's IRI.

    Example: axiskg scaffold report 005 --title "After Gaza" --publisher memri --date 2024-02-01
    """
    with _errors():
        path = scaffold_report(
            root,
            slug,
            title=title,
            publisher=publisher,
            date=date,
            source_file=source_file,
            force=force,
            report_id=report_id,
        )
    typer.echo(f"wrote {path}; add the report's claims, then run `axiskg validate` and `axiskg build`")


from axiskg.cli_serve import serve  # noqa: E402

app.command("serve", cls=_HelpCommand)(serve)


PROG_NAME_ENV = "AXISKG_PROG_NAME"


def _program_name() -> str:
    """The name the user ran this program by, as click would print it: `axiskg` (the console script, or
    whatever its file is called), `python -m axiskg`."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    if spec is not None and spec.name in ("axiskg", "axiskg.__main__"):
        return "python -m axiskg"
    return os.path.basename(sys.argv[0]) or "axiskg"


def main() -> None:
    """The `axiskg` program. `axiskg serve` first restarts itself with the allocator tuning of
    axiskg.serve.exec_tuned (glibc reads it only when a process starts). That restart runs
    `python -m axiskg`, so the name the user typed goes with it (AXISKG_PROG_NAME) for the help and usage
    lines to say `axiskg serve`, not `python -m axiskg serve`."""
    prog_name = os.environ.pop(PROG_NAME_ENV, None) or _program_name()
    if sys.argv[1:2] == ["serve"]:
        from axiskg.serve import exec_tuned

        os.environ[PROG_NAME_ENV] = prog_name
        exec_tuned(sys.argv)  # returns when there is nothing to tune (or exec failed): this process serves
        os.environ.pop(PROG_NAME_ENV, None)
    app(prog_name=prog_name)
