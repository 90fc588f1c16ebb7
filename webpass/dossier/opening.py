"""A dossier on disk: its folder, its answers file, and the selection they give.

Every command that takes a ``DOSSIER`` goes through :func:`open_dossier`, so they all validate
the same way and report the same errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from webpass.aid.attach import attach_subsidy
from webpass.catalog import Catalog, load_catalog, load_shipped_catalog
from webpass.core.atomic import write_text_atomic
from webpass.core.errors import InputError, ValidationFailed
from webpass.dossier.answers import (
    ANSWERS_FILE,
    Answers,
    answers_to_yaml,
    check_answers,
    load_answers,
)
from webpass.selection.engine import Selection, select
from webpass.untrusted.safe_yaml import Located

__all__ = ["Dossier", "open_dossier", "save_answers"]


@dataclass
class Dossier:
    """A validated dossier and its selection."""

    folder: Path
    answers: Answers
    catalog: Catalog
    selection: Selection
    located: Located

    @property
    def answers_path(self) -> Path:
        """The dossier's ``webpass.yaml``."""
        return self.folder / ANSWERS_FILE


def open_dossier(path: Path, catalog_dir: Path | None = None) -> Dossier:
    """Load, validate and select; every problem of the answers is reported at once.

    Raises:
        ValidationFailed: the answers are wrong (file and line of each problem).
        InputError: the selection has conflicts the collectivity must resolve.
    """
    catalog = load_catalog(catalog_dir) if catalog_dir else load_shipped_catalog()
    answers, located = load_answers(path)
    problems = check_answers(answers, catalog, located)
    if problems:
        raise ValidationFailed(problems, summary=f"{located.source} : réponses à corriger")
    selection = select(catalog, answers)
    attach_subsidy(selection)
    if selection.conflicts:
        raise InputError(
            f"{located.source} : la sélection est contradictoire :\n"
            + "\n".join(f"- {c}" for c in selection.conflicts)
        )
    folder = path if path.is_dir() else path.parent
    return Dossier(folder, answers, catalog, selection, located)


def save_answers(folder: Path, answers: Answers) -> Path:
    """Write ``folder/webpass.yaml`` atomically and return its path."""
    target = folder / ANSWERS_FILE
    write_text_atomic(target, answers_to_yaml(answers))
    return target
