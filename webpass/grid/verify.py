"""Checking one offer as one library call: what ``webpass verifier`` and the web page run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from webpass.grid.check import ConformanceReport, check_offer
from webpass.grid.read import FilledGrid, read_filled_grid

if TYPE_CHECKING:
    from webpass.selection.engine import Selection

__all__ = ["verify_offer"]


def verify_offer(
    offer: Path | FilledGrid,
    selection: Selection | None = None,
    catalog_root: Path | None = None,
    today: dt.date | None = None,
) -> ConformanceReport:
    """Check a filled grid against the dossier of ``selection``, or against itself without one.

    With a dossier the grid is rebuilt from it, so a grid answered against an older wording is
    caught; labels come from the dossier's catalogue, else from ``catalog_root`` (the shipped
    catalogue by default).

    Raises:
        UnreadableFileError: the grid cannot be read safely.
        InputError: the grid is not a response grid.
    """
    from webpass.core.resources import shipped_catalog_dir
    from webpass.grid.build import build_grid
    from webpass.grid.labels import load_labels

    filled = read_filled_grid(offer) if isinstance(offer, Path) else offer
    reference = build_grid(selection) if selection is not None else None
    root = selection.catalog.root if selection is not None else catalog_root
    labels = load_labels(root or shipped_catalog_dir())
    return check_offer(filled, labels, reference, today=today)
