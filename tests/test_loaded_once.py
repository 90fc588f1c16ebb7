"""Tables read from a file once per process for the same bytes, read again when the file changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import ANSWERS, answers_from_text
from webpass.catalog import load_catalog
from webpass.core.validated_once import loaded_once
from webpass.selection.engine import select


def _bump_mtime(path: Path) -> None:
    # A later modification time even on a file system whose clock ticks coarsely.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_loaded_once_while_unchanged_again_once_edited(tmp_path: Path) -> None:
    table = tmp_path / "table.txt"
    table.write_text("un", encoding="utf-8")
    reads: list[str] = []

    def load() -> str:
        reads.append(table.read_text(encoding="utf-8"))
        return reads[-1]

    assert loaded_once("essai", table, load) == "un"
    assert loaded_once("essai", table, load) == "un"
    assert reads == ["un"]
    table.write_text("deux", encoding="utf-8")
    _bump_mtime(table)
    assert loaded_once("essai", table, load) == "deux"
    assert reads == ["un", "deux"]


def test_kinds_of_one_file_are_kept_apart(tmp_path: Path) -> None:
    table = tmp_path / "table.txt"
    table.write_text("x", encoding="utf-8")
    assert loaded_once("longueur", table, lambda: 1) == 1
    assert loaded_once("autre", table, lambda: 2) == 2


def test_a_missing_file_is_never_remembered(tmp_path: Path) -> None:
    missing = tmp_path / "absent.yaml"

    def load() -> str:
        raise FileNotFoundError(missing)

    for _ in range(2):
        with pytest.raises(FileNotFoundError):
            loaded_once("absent", missing, load)


def test_selection_reads_edited_thresholds(mini_catalog: Path) -> None:
    catalog = load_catalog(mini_catalog)
    answers = answers_from_text(ANSWERS)
    before = select(catalog, answers).procedure
    seuils = mini_catalog / "seuils.yaml"
    seuils.write_text(
        seuils.read_text(encoding="utf-8").replace('dispense: "', 'dispense: "1'),
        encoding="utf-8",
    )
    _bump_mtime(seuils)
    after = select(catalog, answers).procedure
    assert after != before
