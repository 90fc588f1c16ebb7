"""Opening a dossier: validate the answers, select, estimate, advise the procedure, weigh the aids.

Every entry point goes through here — the commands that take a ``DOSSIER`` through
:func:`open_dossier`, the wizards and the batch through :func:`build_dossier` with answers they
hold in memory — so they all validate the same way, report the same errors and get the same
typed :class:`Dossier`.
"""

from __future__ import annotations

import functools
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from webpass.catalog import Catalog, load_catalog, load_shipped_catalog
from webpass.core.atomic import write_text_atomic
from webpass.core.errors import InputError, ValidationFailed
from webpass.core.frozen_record import frozen_record
from webpass.dossier.answers import (
    ANSWERS_FILE,
    Answers,
    answers_to_yaml,
    check_answers,
    load_answers,
)
from webpass.dossier.estimate import Estimate
from webpass.dossier.procedure import Procedure
from webpass.selection.engine import Selection, select
from webpass.untrusted.safe_yaml import Located

if TYPE_CHECKING:
    from webpass.aid.attach import AidOutlook
    from webpass.aid.rules import SubsidyRules

# The collectivity's own aid schemes beside its answers (webpass.aid.rules.SCHEMES_FILE, named
# here too so that opening a dossier does not load the aid package; a test keeps them equal).
SCHEMES_FILE = "dispositifs.yaml"

__all__ = ["Dossier", "build_dossier", "dossier_rules", "open_dossier", "save_answers"]


@frozen_record
class Dossier:
    """A validated dossier: its selection, its estimate, its procedure and its aids.

    Attributes:
        answers: the validated answers.
        catalog: the catalogue they were checked against.
        selection: the clauses retained, each with its reason.
        folder: the dossier's folder (where its ``webpass.yaml`` is or will be written).
        located: where each answer was read (empty marks for answers held in memory).
        schemes_file: the collectivity's own aid schemes given on the command line, if any.
        loaded_rules: the aid schemes, when they were read while opening (see :attr:`rules`).
    """

    answers: Answers
    catalog: Catalog
    selection: Selection
    folder: Path
    located: Located
    schemes_file: Path | None = None
    loaded_rules: SubsidyRules | None = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def rules(self) -> SubsidyRules:
        """The aid schemes used (the catalogue's and the collectivity's own).

        Read while opening whenever reading them could fail (a schemes file of the
        collectivity, a catalogue other than the shipped one), so that their errors are
        reported then; the shipped ones, which cannot fail, only when first asked for: the
        commands that make a document never load the aid package.
        """
        return self.loaded_rules or dossier_rules(self.catalog, self.folder, self.schemes_file)

    @functools.cached_property
    def aid(self) -> AidOutlook:
        """Every aid scheme computed on the central estimate, and the financing plan."""
        from webpass.aid.attach import aid_outlook

        return aid_outlook(self.selection, self.rules)

    @property
    def estimate(self) -> Estimate:
        """The calibrated estimate (central value and range)."""
        return self.selection.estimate

    @property
    def procedure(self) -> Procedure:
        """The procedure the central estimate calls for, with its reasoning."""
        return self.selection.procedure

    @property
    def answers_path(self) -> Path:
        """The dossier's ``webpass.yaml``."""
        return self.folder / ANSWERS_FILE


def _rules_may_fail(catalog: Catalog, folder: Path | None, schemes_file: Path | None) -> bool:
    """Whether reading the aid schemes of this dossier could report an error."""
    from webpass.core.resources import shipped_catalog_dir

    if schemes_file is not None:
        return True
    if folder is not None and (folder / SCHEMES_FILE).is_file():
        return True
    return catalog.root.resolve() != shipped_catalog_dir().resolve()


def dossier_rules(
    catalog: Catalog, folder: Path | None = None, schemes_file: Path | None = None
) -> SubsidyRules:
    """The catalogue's aid schemes plus the collectivity's own.

    The collectivity's file is ``schemes_file`` when given, else a ``dispositifs.yaml`` beside
    the dossier's answers, if there is one.

    Raises:
        ValidationFailed: a schemes file is wrong (each problem located).
        InputError: a scheme of the collectivity reuses an id of the catalogue.
    """
    from webpass.aid.rules import load_subsidy_rules, load_user_schemes

    rules = load_subsidy_rules(catalog.root)
    path = schemes_file
    if path is None and folder is not None and (folder / SCHEMES_FILE).is_file():
        path = folder / SCHEMES_FILE
    if path is None:
        return rules
    return rules.with_schemes(load_user_schemes(path), str(path))


def build_dossier(
    catalog: Catalog,
    answers: Answers,
    folder: Path,
    *,
    rules: SubsidyRules | None = None,
    located: Located | None = None,
) -> Dossier:
    """Select, estimate, advise and weigh the aids for answers already validated.

    ``folder`` is where the dossier lives or will be saved; a ``dispositifs.yaml`` there joins
    the catalogue's schemes unless ``rules`` are given. Conflicts in the selection are kept in
    ``selection.conflicts`` for the caller to show.
    """
    selection = select(catalog, answers)
    if rules is None and _rules_may_fail(catalog, folder, None):
        rules = dossier_rules(catalog, folder)
    where = located or Located(data={}, source=str(folder / ANSWERS_FILE))
    return Dossier(answers, catalog, selection, folder, where, loaded_rules=rules)


def open_dossier(
    path: Path, catalog_dir: Path | None = None, schemes_file: Path | None = None
) -> Dossier:
    """Load, validate and open a dossier on disk; every problem of the answers is reported at once.

    Raises:
        ValidationFailed: the answers (or a schemes file) are wrong (file and line of each problem).
        InputError: the selection has conflicts the collectivity must resolve.
    """
    catalog = load_catalog(catalog_dir) if catalog_dir else load_shipped_catalog()
    answers, located = load_answers(path)
    problems = check_answers(answers, catalog, located)
    if problems:
        raise ValidationFailed(problems, summary=f"{located.source} : réponses à corriger")
    folder = path if path.is_dir() else path.parent
    rules = (
        dossier_rules(catalog, folder, schemes_file)
        if _rules_may_fail(catalog, folder, schemes_file)
        else None
    )
    dossier = build_dossier(catalog, answers, folder, rules=rules, located=located)
    if dossier.selection.conflicts:
        raise InputError(
            f"{located.source} : la sélection est contradictoire :\n"
            + "\n".join(f"- {c}" for c in dossier.selection.conflicts)
        )
    return dossier


def save_answers(folder: Path, answers: Answers) -> Path:
    """Write ``folder/webpass.yaml`` atomically and return its path."""
    target = folder / ANSWERS_FILE
    write_text_atomic(target, answers_to_yaml(answers))
    return target
