"""One list of system packages: requirements/debian.txt, installed by .ci/run, explained in the README."""

from __future__ import annotations

import re
from pathlib import Path

from tests import system_deps

REPO = Path(__file__).resolve().parent.parent


def listed() -> set[str]:
    lines = (REPO / "requirements" / "debian.txt").read_text(encoding="utf-8").splitlines()
    return {line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()}


def test_the_readme_explains_every_listed_package_and_no_other() -> None:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("| paquet Debian | pour |")
    table = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        table.append(line)
    named = {name for line in table for name in re.findall(r"`([a-z0-9.+-]+)`", line.split("|")[1])}
    assert named == listed()


def test_ci_installs_the_list() -> None:
    assert "requirements/debian.txt" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_every_skip_names_a_listed_package() -> None:
    marks = [getattr(system_deps, name) for name in dir(system_deps) if name.startswith("needs_")]
    assert marks
    for mark in marks:
        reason = mark.kwargs["reason"]
        assert any(package in reason for package in listed()), reason
