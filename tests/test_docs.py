"""The README, scripts and packaging that the issue asks for, checked against the code."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.main import get_command

from axiskg.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands() -> None:
    first_block = re.search(r"```\w*\n(.*?)```", README, re.S)
    assert first_block is not None
    assert README.index("```") < README.index("\n## ")  # before any section
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines() if line.strip()]
    assert commands == ["./scripts/run", "./scripts/test"]


def test_readme_shows_every_command_with_an_example() -> None:
    names = sorted(get_command(app).commands)  # type: ignore[attr-defined]
    assert {"validate", "build", "query", "diff", "publish", "serve", "scaffold"} <= set(names)
    for name in names:
        assert f"**`axiskg {name}" in README, name
        assert re.search(rf"^axiskg {name}\b", README, re.M), f"no example of axiskg {name}"


def test_readme_sections() -> None:
    for heading in [
        "## What this is",
        "## Commands",
        "## The data model in short",
        "## Adding a report",
        "## Layout",
    ]:
        assert heading in README


@pytest.mark.parametrize("script", ["scripts/run", "scripts/test", ".ci/run"])
def test_scripts_are_executable_bash(script: str) -> None:
    path = ROOT / script
    assert os.access(path, os.X_OK), f"{script} is not executable"
    assert subprocess.run(["bash", "-n", str(path)], capture_output=True).returncode == 0
    assert "set -euo pipefail" in path.read_text()


def test_ci_fails_when_no_test_ran() -> None:
    text = (ROOT / ".ci" / "run").read_text()
    assert "./scripts/test" in text
    assert '"$status" -eq 5' in text and "no test ran" in text
    assert "CI=true" in text


def _third_party_imports() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "src" / "axiskg").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "axiskg"}


def test_pyproject_declares_every_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {re.split(r"[\[<>=!~ ]", d)[0].lower().replace("_", "-") for d in project["dependencies"]}
    dists = importlib.metadata.packages_distributions()
    for module in sorted(_third_party_imports()):
        provided_by = {d.lower().replace("_", "-") for d in dists.get(module, [module])}
        assert provided_by & declared, (
            f"src/ imports {module} (from {provided_by}) but pyproject does not declare it"
        )


def test_ruff_is_clean_on_src() -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    proc = subprocess.run([ruff, "check", "src"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]


@pytest.mark.slow
def test_mypy_strict_is_clean_on_src() -> None:
    proc = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]
