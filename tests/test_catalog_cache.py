"""The validated catalogue is kept per process and content: an edit is read, a copy is not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from webpass.catalog import load_catalog
from webpass.core.errors import ValidationFailed


def test_same_bytes_same_catalogue_edited_bytes_read_again(mini_catalog: Path) -> None:
    first = load_catalog(mini_catalog)
    assert load_catalog(mini_catalog) is first
    items = mini_catalog / "items" / "01-essai.yaml"
    items.write_text(
        items.read_text(encoding="utf-8").replace("Mentions légales", "Mentions obligatoires"),
        encoding="utf-8",
    )
    edited = load_catalog(mini_catalog)
    assert edited is not first
    assert any(item.title == "Mentions obligatoires" for item in edited.items)


def test_an_invalid_catalogue_is_never_cached(mini_catalog: Path, tmp_path: Path) -> None:
    broken = tmp_path / "casse"
    shutil.copytree(mini_catalog, broken)
    items = broken / "items" / "01-essai.yaml"
    items.write_text(
        items.read_text(encoding="utf-8").replace("niveau: 1", "niveau: 9"), encoding="utf-8"
    )
    for _ in range(2):
        with pytest.raises(ValidationFailed):
            load_catalog(broken)
