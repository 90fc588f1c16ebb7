"""The locks in requirements/ must say what pyproject.toml asks for; `make lock` fixes them.

pyproject.toml keeps compatible ranges for people who install webpass into their own
environment; `make demo` and `make test` install the exact, hashed pins of the locks. A
dependency added, dropped or re-ranged in pyproject.toml without `make lock` fails here, naming
the package, before a fresh machine installs something nobody tested.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
FIX = "lancez « make lock » et committez requirements/"


@dataclass
class Pin:
    version: Version
    hashes: int = 0
    via: list[str] = field(default_factory=list)


def read_lock(name: str) -> dict[str, Pin]:
    pins: dict[str, Pin] = {}
    current: Pin | None = None
    in_via = False
    for line in (REPO / "requirements" / name).read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", line):
            current = pins[canonicalize_name(match.group(1))] = Pin(Version(match.group(2)))
            in_via = False
        elif current and line.strip().startswith("--hash=sha256:"):
            current.hashes += 1
        elif current and (match := re.match(r"^\s+# via ?(.*)$", line)):
            in_via = True
            if match.group(1):
                current.via.append(match.group(1).strip())
        elif current and in_via and (match := re.match(r"^\s+#\s+(\S.*)$", line)):
            current.via.append(match.group(1).strip())
    return pins


def requirements(*groups: str) -> list[Requirement]:
    texts: list[str] = list(PYPROJECT["build-system"]["requires"])
    for group in groups:
        if group == "runtime":
            texts += PYPROJECT["project"]["dependencies"]
        else:
            texts += PYPROJECT["project"]["optional-dependencies"][group]
    return [Requirement(text) for text in texts]


LOCKS = {"runtime.txt": ("runtime",), "test.txt": ("runtime", "test")}


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_requirement_is_pinned_within_its_range(lock: str) -> None:
    pins = read_lock(lock)
    wrong = []
    for requirement in requirements(*LOCKS[lock]):
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            wrong.append(f"{requirement.name} absent")
        elif not requirement.specifier.contains(pin.version, prereleases=True):
            wrong.append(f"{requirement.name}=={pin.version} hors de « {requirement.specifier} »")
    assert not wrong, f"requirements/{lock} : {', '.join(wrong)} : {FIX}"


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_nothing_is_pinned_for_a_dependency_pyproject_dropped(lock: str) -> None:
    wanted = {canonicalize_name(r.name) for r in requirements(*LOCKS[lock])}
    stale = [
        name
        for name, pin in read_lock(lock).items()
        # "pyproject.toml::build-system.backend…" entries are what hatchling asks for at build time
        if "webpass (pyproject.toml)" in pin.via and name not in wanted
    ]
    assert not stale, f"requirements/{lock} épingle encore {', '.join(stale)} : {FIX}"


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_pin_carries_hashes(lock: str) -> None:
    unhashed = [name for name, pin in read_lock(lock).items() if pin.hashes == 0]
    assert not unhashed, f"requirements/{lock} : sans empreinte : {', '.join(unhashed)} : {FIX}"


def test_the_test_environment_runs_on_the_runtime_pins() -> None:
    runtime, test = read_lock("runtime.txt"), read_lock("test.txt")
    differ = [
        f"{name} {pin.version} ≠ {test[name].version}"
        for name, pin in runtime.items()
        if name in test and test[name].version != pin.version
    ]
    missing = sorted(set(runtime) - set(test))
    assert not differ and not missing, f"{differ} {missing} : {FIX}"


def test_the_lock_reader_sees_every_entry() -> None:
    # Guards the parser above: a format change of pip-compile must not empty the checks.
    pins = read_lock("test.txt")
    assert len(pins) >= 20
    assert any("webpass (pyproject.toml)" in via for via in pins["pydantic"].via)
