"""The cost model and the thresholds are validated once per process for the same bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from webpass.core.errors import UnreadableFileError, ValidationFailed
from webpass.core.resources import shipped_catalog_dir
from webpass.dossier.cost_model import COSTS_FILE, load_cost_model
from webpass.dossier.procedure import load_thresholds


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    root.mkdir()
    for name in (COSTS_FILE, "seuils.yaml"):
        shutil.copyfile(shipped_catalog_dir() / name, root / name)
    return root


def test_the_same_bytes_give_the_same_validated_model(catalog: Path) -> None:
    assert load_cost_model(catalog) is load_cost_model(catalog)
    assert load_thresholds(catalog) is load_thresholds(catalog)
    assert load_cost_model(catalog) == load_cost_model(shipped_catalog_dir())


def test_an_edited_file_is_read_anew(catalog: Path) -> None:
    before = load_cost_model(catalog)
    path = catalog / COSTS_FILE
    path.write_text(path.read_text(encoding="utf-8") + "\n# relu\n", encoding="utf-8")
    after = load_cost_model(catalog)
    assert after is not before and after == before
    path.write_text("socle: [\n", encoding="utf-8")
    with pytest.raises(ValidationFailed):
        load_cost_model(catalog)


def test_a_wrong_file_is_reported_at_every_call(catalog: Path) -> None:
    path = catalog / "seuils.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "inconnu: 1\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ValidationFailed) as failed:
            load_thresholds(catalog)
        assert failed.value.problems[0].line is not None


def test_a_missing_or_linked_out_file_is_refused_as_before(catalog: Path, tmp_path: Path) -> None:
    (catalog / COSTS_FILE).unlink()
    with pytest.raises(UnreadableFileError):
        load_cost_model(catalog)
    outside = tmp_path / "dehors.yaml"
    shutil.copyfile(shipped_catalog_dir() / "seuils.yaml", outside)
    (catalog / "seuils.yaml").unlink()
    (catalog / "seuils.yaml").symlink_to(outside)
    with pytest.raises(UnreadableFileError):
        load_thresholds(catalog)
