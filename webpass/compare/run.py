"""The comparison as one library call: what ``webpass comparer`` and the batch mode run.

:func:`compare_offers` checks the criteria against the dossier, reads and checks each offer
against the dossier's grid, reads the analyst's notes and scores; :func:`rao_paths` and
:func:`find_notes` give the file names the command line uses by default.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from webpass.compare.notes import AnalystNotes, load_notes

if TYPE_CHECKING:
    from webpass.compare.scoring import Comparison
    from webpass.dossier.opening import Dossier

__all__ = ["NOTES_FILES", "compare_offers", "find_notes", "rao_paths"]

NOTES_FILES = ("notes.yaml", "notes.yml", "notes.xlsx", "notes.csv")
RAO_FORMATS = ("docx", "pdf")


def find_notes(folder: Path) -> Path | None:
    """The analyst's notes file of a dossier folder (``notes.yaml``, ``notes.xlsx``…), if any."""
    return next((p for p in (folder / name for name in NOTES_FILES) if p.is_file()), None)


def rao_paths(dossier: Dossier) -> list[Path]:
    """The default RAO files of a dossier: ``rao-<collectivité>.docx`` and ``.pdf`` in its folder."""
    from webpass.core.filenames import rao_name
    from webpass.core.slug import inside

    buyer = dossier.answers.collectivity.name
    return [inside(dossier.folder, rao_name(buyer, fmt)) for fmt in RAO_FORMATS]


def compare_offers(
    dossier: Dossier,
    offers: Sequence[Path],
    notes: Path | AnalystNotes | None = None,
) -> Comparison:
    """Check, gate, mark and rank the ``offers`` (filled grids) of ``dossier``.

    ``notes`` is the analyst's notes file, already-loaded notes, or None for the dossier's own
    notes file if there is one (else every judged mark is missing: a provisional ranking).

    Raises:
        ValidationFailed: the criteria contradict the dossier, or the notes are wrong.
        UnreadableFileError: an offer or the notes cannot be read safely.
    """
    from webpass.compare.award import award_problems, offers_deadline
    from webpass.compare.scoring import read_offers, score_offers
    from webpass.core.errors import ValidationFailed
    from webpass.grid.build import build_grid
    from webpass.grid.labels import load_labels

    problems = award_problems(dossier.selection, dossier.located)
    if problems:
        raise ValidationFailed(problems, summary=f"{dossier.located.source} : critères à corriger")
    if notes is None:
        notes = find_notes(dossier.folder)
    analyst = load_notes(notes) if isinstance(notes, Path) else notes
    grid = build_grid(dossier.selection)
    labels = load_labels(dossier.catalog.root)
    checked = read_offers(list(offers), grid, labels, today=offers_deadline(dossier.answers))
    return score_offers(dossier.selection, checked, analyst)
