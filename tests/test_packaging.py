"""The dependencies' lower bounds: .ci/run also runs the tests on the oldest versions pyproject.toml admits,
pinned in .ci/lowest.txt, which must therefore pin exactly those."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_REQUIREMENT = re.compile(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*(.*)$")


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503


def _version(text: str) -> tuple[int, ...]:
    parts = [int(p) for p in text.strip().split(".")]
    while len(parts) > 1 and parts[-1] == 0:  # 8 == 8.0.0
        parts.pop()
    return tuple(parts)


def test_lowest_txt_pins_the_lower_bound_of_every_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    bounds: dict[str, tuple[int, ...]] = {}
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        match = _REQUIREMENT.match(requirement)
        assert match, requirement
        lower = [c[2:].strip() for c in match[2].split(",") if c.strip().startswith(">=")]
        assert len(lower) == 1, f"{requirement}: give it a lower bound (>=) that the tests run on"
        bounds[_name(match[1])] = _version(lower[0])
    pins: dict[str, tuple[int, ...]] = {}
    for line in (ROOT / ".ci" / "lowest.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[_name(name.strip())] = _version(version)
    assert pins == bounds
