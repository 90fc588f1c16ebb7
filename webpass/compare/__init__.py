"""Comparing the offers of a consultation and writing the rapport d'analyse des offres (RAO).

Typical use::

    grid = build_grid(selection)
    offers = read_offers(paths, grid, load_labels(catalog.root), today=offers_deadline(answers))
    comparison = compare_offers(selection, grid, offers, load_notes(notes_path))
    document = build_rao(comparison)          # a CctpDocument, rendered like the CCTP

See :mod:`webpass.compare.scoring` for the rules (elimination, scores, ties, formulas).
"""

from __future__ import annotations

from webpass.compare.notes import AnalystNotes, Mark, load_notes
from webpass.compare.rao import build_rao, score_tables
from webpass.compare.scoring import (
    Comparison,
    EliminatedOffer,
    LeafScore,
    OfferFile,
    RankedOffer,
    compare_offers,
    conformity_points,
    rank_offers,
    read_offers,
)

__all__ = [
    "AnalystNotes",
    "Comparison",
    "EliminatedOffer",
    "LeafScore",
    "Mark",
    "OfferFile",
    "RankedOffer",
    "build_rao",
    "compare_offers",
    "conformity_points",
    "load_notes",
    "rank_offers",
    "read_offers",
    "score_tables",
]
