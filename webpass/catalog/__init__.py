"""The catalogue of requirement items: model, loading, validation and condition evaluation."""

from __future__ import annotations

from pathlib import Path

from webpass.catalog.load import load_catalog
from webpass.catalog.loaded import Catalog, SourceRef, item_fingerprint

__all__ = ["Catalog", "SourceRef", "item_fingerprint", "load_catalog", "load_shipped_catalog"]

_cache: dict[Path, Catalog] = {}


def load_shipped_catalog() -> Catalog:
    """The catalogue that ships with webpass, loaded once per process."""
    from webpass.core.resources import shipped_catalog_dir

    root = shipped_catalog_dir()
    if root not in _cache:
        _cache[root] = load_catalog(root)
    return _cache[root]
