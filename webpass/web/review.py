"""What the review and subsidy pages show, computed by the library as the command line does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from webpass.aid import ExpenseLine, FinancingReport, SubsidyResult
from webpass.aid.attach import aid_statement, dossier_financing, estimate_lines, subsidy_for_lines
from webpass.core.frozen_record import frozen_record
from webpass.dossier import answer_parsers as parse
from webpass.dossier.opening import Dossier
from webpass.dossier.summary import estimate_lines_fr, procedure_lines_fr
from webpass.selection.engine import STRENGTH_LABELS, Selection

__all__ = ["ReviewData", "SubsidyPageData", "review_data", "subsidy_page_data"]


@frozen_record
class ReviewData:
    """The review of a dossier: clauses, estimate, procedure, eligibility, aids."""

    dossier: Dossier
    counts: list[str]
    items: list[dict[str, Any]]
    estimate_text: list[str]
    procedure_text: list[str]
    aids: list[str]

    @property
    def selection(self) -> Selection:
        """The dossier's selection."""
        return self.dossier.selection

    @property
    def main(self) -> SubsidyResult | None:
        """The first scheme's result (Webpass), for its eligibility conditions."""
        return self.dossier.aid.main

    @property
    def financing(self) -> FinancingReport:
        """The financing plan of the dossier."""
        return self.dossier.aid.financing


def review_data(dossier: Dossier) -> ReviewData:
    """Everything the review page shows about ``dossier``."""
    selection = dossier.selection
    return ReviewData(
        dossier=dossier,
        counts=parse.reason_counts(selection),
        items=[
            {
                "id": s.item.id,
                "titre": s.item.title,
                "exigence": STRENGTH_LABELS[s.strength],
                "raison": s.explanation,
            }
            for s in selection.items
        ],
        estimate_text=estimate_lines_fr(dossier.estimate),
        procedure_text=procedure_lines_fr(dossier.procedure),
        aids=[aid_statement(result) for result in dossier.aid.results],
    )


@frozen_record
class SubsidyPageData:
    """The subsidy of a dossier on some expense lines, and its financing plan."""

    result: SubsidyResult
    financing: FinancingReport


def subsidy_page_data(
    selection: Selection, lines: Sequence[ExpenseLine] | None = None
) -> SubsidyPageData:
    """The aid on ``lines``, or on the central estimate when none are given."""
    from webpass.aid import load_subsidy_rules

    rules = load_subsidy_rules(selection.catalog.root)
    given = list(lines) if lines is not None else estimate_lines(selection)
    result = subsidy_for_lines(selection, given, rules)
    return SubsidyPageData(result, dossier_financing(selection, result, rules))
