"""Where the shipped catalogue and templates are, in a checkout as in an installed wheel.

The wheel copies ``catalog/`` and ``cctp_templates/`` into ``webpass/_data/`` (see
``pyproject.toml``); a source checkout or an editable install reads them at the repository's top.
Nothing here depends on the current directory.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_dir", "shipped_catalog_dir", "shipped_templates_dir"]

_PACKAGE = Path(__file__).resolve().parent.parent  # webpass/, above core/


def data_dir(name: str) -> Path:
    """The shipped folder ``name`` (``catalog`` or ``cctp_templates``)."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def shipped_catalog_dir() -> Path:
    """The catalogue that ships with webpass."""
    return data_dir("catalog")


def shipped_templates_dir() -> Path:
    """The document templates that ship with webpass."""
    return data_dir("cctp_templates")
