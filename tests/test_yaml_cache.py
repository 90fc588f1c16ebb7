"""A YAML text kept in the user's cache reads back as it was read, and only as it was read."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from webpass.core.validation import read_located
from webpass.untrusted import safe_yaml
from webpass.untrusted.safe_yaml import Located, YamlLimits, YamlRefused, load_yaml_text

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "petite-commune" / "webpass.yaml"
TEXT = """\
nom: Tonquédec
debut: 2027-01-04
quand: 2027-01-04 10:30:00+01:00
taux: 12.5
montants: ["1500.00", 3, true, null]
blocs:
  - {cle: a, valeur: [1, 2]}
  - cle: b
"""


def _entries(cache_folder: Path) -> list[Path]:
    return sorted(cache_folder.glob("yaml-*.json"))


def _same(a: Located, b: Located) -> None:
    assert (a.data, a.source, a.marks, a.key_marks, a.floats) == (
        b.data,
        b.source,
        b.marks,
        b.key_marks,
        b.floats,
    )
    assert list(a.marks) == list(b.marks) and list(a.key_marks) == list(b.key_marks)
    assert _types(a.data) == _types(b.data)


def _types(value: object) -> object:
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value)


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(safe_yaml, "_scan_events", refused)


def test_a_kept_text_reads_back_as_it_was_read(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for text in (TEXT, EXAMPLE.read_text(encoding="utf-8")):
        first = load_yaml_text(text.encode("utf-8"), "a.yaml", remember=True)
        with monkeypatch.context() as patch:
            _no_parsing(patch)
            again = load_yaml_text(text.encode("utf-8"), "b.yaml", remember=True)
        assert again.source == "b.yaml"
        again.source = "a.yaml"
        _same(again, first)
    data = load_yaml_text(TEXT, "a.yaml", remember=True).data
    assert type(data["debut"]) is dt.date and type(data["quand"]) is dt.datetime
    assert data["quand"].utcoffset() == dt.timedelta(hours=1)
    assert len(_entries(cache_folder)) == 2


def test_a_dossier_read_twice_is_parsed_once(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = read_located(EXAMPLE)
    _no_parsing(monkeypatch)
    _same(read_located(EXAMPLE), first)


def test_nothing_kept_unless_asked_nor_when_refused(cache_folder: Path) -> None:
    load_yaml_text(TEXT, "a.yaml")
    assert _entries(cache_folder) == []
    hostile = "a: &x [1]\nb: *x\n"
    for _ in range(2):
        with pytest.raises(YamlRefused):
            load_yaml_text(hostile, "a.yaml", remember=True)
    assert _entries(cache_folder) == []


def test_a_text_kept_under_loose_limits_is_refused_under_strict_ones(cache_folder: Path) -> None:
    load_yaml_text(TEXT, "a.yaml", YamlLimits(max_scalars=100), remember=True)
    with pytest.raises(YamlRefused):
        load_yaml_text(TEXT, "a.yaml", YamlLimits(max_scalars=3), remember=True)


@pytest.mark.parametrize("damage", [b"", b"{", b"[1, 2]", b'[1, "autre", {"m": 3}]', b"\xff"])
def test_a_damaged_entry_is_ignored_and_written_again(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    first = load_yaml_text(TEXT, "a.yaml", remember=True)
    (entry,) = _entries(cache_folder)
    whole = entry.read_bytes()
    entry.write_bytes(damage)
    _same(load_yaml_text(TEXT, "a.yaml", remember=True), first)
    assert entry.read_bytes() == whole


def test_an_entry_that_is_a_link_or_in_an_open_folder_is_not_read(
    cache_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_yaml_text(TEXT, "a.yaml", remember=True)
    (entry,) = _entries(cache_folder)
    elsewhere = tmp_path / "ailleurs.json"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    with monkeypatch.context() as patch:
        _no_parsing(patch)
        with pytest.raises(AssertionError, match="parsed again"):
            load_yaml_text(TEXT, "a.yaml", remember=True)
    entry.unlink()
    load_yaml_text(TEXT, "a.yaml", remember=True)
    os.chmod(cache_folder, 0o777)
    _no_parsing(monkeypatch)
    with pytest.raises(AssertionError, match="parsed again"):
        load_yaml_text(TEXT, "a.yaml", remember=True)
