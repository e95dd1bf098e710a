"""What a release carries besides the graph (its named queries), and `build --full` vs incremental checks."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from axiskg.cli import app

runner = CliRunner()


def _build(project: Path, out: Path, *extra: str) -> dict[str, object]:
    result = runner.invoke(app, ["build", "--root", str(project), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return json.loads((out / "current" / "release.json").read_text())


def test_release_carries_its_named_queries_with_checksums(tiny_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    meta = _build(tiny_project, out)
    shipped = sorted(p.name for p in (out / "current" / "queries").glob("*.rq"))
    assert shipped == sorted(p.name for p in (tiny_project / "queries").glob("*.rq"))
    assert "queries/people.rq" in meta["files"]  # type: ignore[operator]
    assert "queries/people.rq" in (out / "current" / "SHA256SUMS").read_text()


def test_query_by_name_works_from_a_release_without_the_project(tiny_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(tiny_project, out)
    elsewhere = tmp_path / "empty"  # a researcher with only the downloaded release: no queries/ here
    elsewhere.mkdir()
    listed = runner.invoke(app, ["query", "--list", "--root", str(elsewhere), "--release", str(out)])
    assert listed.exit_code == 0, listed.output
    assert "people" in listed.output and "attendees" in listed.output
    ran = runner.invoke(
        app, ["query", "--name", "people", "--root", str(elsewhere), "--release", str(out), "--format", "csv"]
    )
    assert ran.exit_code == 0, ran.output
    assert len(ran.output.strip().splitlines()) > 1


def test_build_full_validates_everything_even_after_a_validated_release(
    tiny_project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _build(tiny_project, out)
    (tiny_project / "data" / "extra.ttl").write_text("# an unchanged graph, but a new file\n")
    again = _build(tiny_project, out)
    assert again["validation"]["mode"] == "incremental"  # type: ignore[index]
    forced = _build(tiny_project, out, "--full")
    assert forced["validation"]["mode"] == "full"  # type: ignore[index]
