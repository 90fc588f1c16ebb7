"""The YAML text of some data, kept in the user's cache, is the text PyYAML writes for it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from webpass.core import yaml_dump
from webpass.core.disk_cache import CACHE_ENV
from webpass.core.dump_cache import remembered_yaml
from webpass.dossier.answers import answers_to_yaml, load_answers

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "communaute-de-communes"
DATA = {"nom": "Fouesnant", "debut": dt.date(2027, 1, 4), "montants": ["1500.00", 3, None]}


def _not_written_again(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> str:
        raise AssertionError("written again")

    monkeypatch.setattr(yaml_dump, "dump_yaml", refused)


def test_the_kept_text_is_pyyamls(cache_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers, _ = load_answers(EXAMPLE)
    written = answers_to_yaml(answers)
    assert answers_to_yaml(answers, remember=True) == written
    text = yaml_dump.dump_yaml(DATA, width=100)
    assert remembered_yaml(DATA, 100) == text
    _not_written_again(monkeypatch)
    assert answers_to_yaml(answers, remember=True) == written
    assert remembered_yaml(DATA, 100) == text


def test_other_data_or_width_is_written_anew(cache_folder: Path) -> None:
    remembered_yaml(DATA, 100)
    for data, width in (({**DATA, "debut": "2027-01-04"}, 100), (DATA, 20)):
        assert remembered_yaml(data, width) == yaml_dump.dump_yaml(data, width=width)
    assert len(list(cache_folder.glob("texte-yaml-*.json"))) == 3


@pytest.mark.parametrize("damage", [b"", b"[1, 2, 3]", b'[1, "autre", "texte"]', b"\xff"])
def test_a_damaged_entry_is_ignored_and_written_again(cache_folder: Path, damage: bytes) -> None:
    text = remembered_yaml(DATA, 100)
    (entry,) = cache_folder.glob("texte-yaml-*.json")
    whole = entry.read_bytes()
    entry.write_bytes(damage)
    assert remembered_yaml(DATA, 100) == text
    assert entry.read_bytes() == whole


def test_data_json_cannot_hold_is_written_but_not_kept(cache_folder: Path) -> None:
    data = {1: "clé entière"}
    assert remembered_yaml(data, 100) == yaml_dump.dump_yaml(data, width=100)
    assert list(cache_folder.glob("texte-yaml-*.json")) == []


def test_a_document_built_from_the_cache_never_imports_pyyaml(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from webpass.dossier.opening import open_dossier\n"
        "from webpass.documents.cctp import build_document\n"
        "build_document(open_dossier(Path(sys.argv[1])).selection)\n"
        "print('yaml' in sys.modules)\n"
    )
    env = {**os.environ, CACHE_ENV: str(folder)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, str(EXAMPLE)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[-1]
        for _ in range(2)
    ]
    assert runs == ["True", "False"]
