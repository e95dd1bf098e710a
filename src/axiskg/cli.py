"""The `axiskg` command line: each command is a thin shell over the library function of the same name."""

from __future__ import annotations

from pathlib import Path

import typer

from axiskg.build import build as build_release
from axiskg.errors import AxiskgError
from axiskg.validate import validate as validate_project

app = typer.Typer(help="Publish the axiskg knowledge graph: validate, build, query, diff, publish, serve.",
                  no_args_is_help=True)


def _fail(exc: AxiskgError) -> typer.Exit:
    typer.echo(f"Error: {exc}", err=True)
    return typer.Exit(code=1)


@app.command()
def validate(root: Path = typer.Option(Path("."), "--root", help="Project root")) -> None:
    """Check ontology/, shapes/ and data/: Turtle syntax and SHACL shapes.

    Example: axiskg validate
    """
    report = validate_project(root)
    for e in report.parse_errors:
        typer.echo(str(e))
    for v in report.violations:
        typer.echo(f"{v.file or '?'}:{v.line or '?'}: {v.focus} {v.path or ''}: {v.message}")
    if not report.conforms:
        raise typer.Exit(code=1)
    typer.echo("valid")


@app.command()
def build(
    root: Path = typer.Option(Path("."), "--root", help="Project root"),
    out: Path = typer.Option(Path("release"), "--out", help="Output directory"),
) -> None:
    """Validate and write a new release, swapped in atomically.

    Example: axiskg build --out release
    """
    try:
        result = build_release(root, out)
    except AxiskgError as exc:
        raise _fail(exc) from exc
    typer.echo(f"built {result.id}: {result.triples} triples in {result.release_dir}")


from axiskg.cli_serve import serve  # noqa: E402

app.command("serve")(serve)
