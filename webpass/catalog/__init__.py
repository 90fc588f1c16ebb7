"""The catalogue of requirement items: model, loading, validation and condition evaluation."""

from __future__ import annotations

from webpass.catalog.load import load_catalog
from webpass.catalog.loaded import Catalog, SourceRef, item_fingerprint

__all__ = ["Catalog", "SourceRef", "item_fingerprint", "load_catalog", "load_shipped_catalog"]


def load_shipped_catalog() -> Catalog:
    """The catalogue that ships with webpass, validated once per process (see load_catalog)."""
    from webpass.core.resources import shipped_catalog_dir

    return load_catalog(shipped_catalog_dir())
