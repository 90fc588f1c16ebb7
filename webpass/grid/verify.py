"""Checking one offer as one library call: what ``webpass verifier`` and the web page run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from webpass.grid.check import Anomaly, ConformanceReport, Severity, check_offer
from webpass.grid.read import FilledGrid, read_filled_grid

if TYPE_CHECKING:
    from webpass.selection.engine import Selection

__all__ = ["EARLY_SUPPORT", "PHASE_IMBALANCE", "verify_offer"]

# The anomaly code of phases priced apart from their work.
PHASE_IMBALANCE = "prix_phase_desequilibre"
# The anomaly code of an end of support written within G12's months after the going online.
EARLY_SUPPORT = "fin_de_support_avant_delai"


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
    report = check_offer(filled, labels, reference, today=today)
    if selection is not None:
        _phase_remark(report, selection)
        _support_remark(report, selection, filled)
    return report


def _phase_remark(report: ConformanceReport, selection: Selection) -> None:
    """With the dossier, the phases are known: a phase priced apart from its work is a remark
    for the buyer and the bidder alike (the RAO lists it too), never an irregularity."""
    from webpass.documents.instalments import phase_imbalance

    imbalance = phase_imbalance(selection, report.amounts)
    if imbalance is not None:
        report.anomalies.append(Anomaly(None, PHASE_IMBALANCE, imbalance, Severity.INFO, "prix"))


def _support_remark(report: ConformanceReport, selection: Selection, filled: FilledGrid) -> None:
    """With the dossier, the targeted going online is known: an end of support G12's answer
    writes within the 24 months after it is an anomaly to fix (22:25 reading, M1). Not a mere
    remark: beside it, a verdict « conforme, aucune anomalie » said the contrary of what it
    quotes (00:05 reading, N1); not blocking either, the date being read from prose. The check
    is :func:`~webpass.grid.support_dates.support_alerts`, the one ``comparer`` runs too."""
    from webpass.grid.support_dates import SUPPORT_ITEM, support_alerts

    for alert in support_alerts(selection, filled):
        report.anomalies.append(
            Anomaly(SUPPORT_ITEM, EARLY_SUPPORT, alert.message, Severity.TO_FIX, alert.where)
        )
