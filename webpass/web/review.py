"""What the review and subsidy pages show, computed by the library as the command line does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from webpass.aid import ExpenseLine, FinancingReport, SubsidyResult, load_subsidy_rules
from webpass.aid.attach import dossier_financing, estimate_lines, subsidy_for_lines
from webpass.dossier import answer_parsers as parse
from webpass.selection.engine import STRENGTH_LABELS, Selection

__all__ = ["ReviewData", "SubsidyPageData", "review_data", "subsidy_page_data"]


@dataclass(frozen=True)
class ReviewData:
    """The review of a selection: clauses, estimate, procedure, eligibility, subsidy."""

    selection: Selection
    counts: list[str]
    items: list[dict[str, Any]]
    estimate_rows: list[tuple[str, str]]
    benchmark: list[str]
    low: SubsidyResult
    high: SubsidyResult
    financing: FinancingReport

    @property
    def subsidy_text(self) -> str:
        """« 4 000,00 € » or « 3 200,00 € à 8 000,00 € »."""
        from webpass.aid.explain import eur

        if self.low.subsidy == self.high.subsidy:
            return eur(self.high.subsidy)
        return f"{eur(self.low.subsidy)} à {eur(self.high.subsidy)}"


def review_data(selection: Selection) -> ReviewData:
    """Everything the review page shows about ``selection``."""
    estimate = selection.estimate
    rules = load_subsidy_rules(selection.catalog.root)
    low = subsidy_for_lines(selection, estimate_lines(selection, high=False), rules)
    high = subsidy_for_lines(selection, estimate_lines(selection, high=True), rules)
    return ReviewData(
        selection=selection,
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
        estimate_rows=[
            ("Investissement", estimate.investment.show()),
            (
                "Fonctionnement la première année",
                (estimate.operating_one_off + estimate.yearly).show(),
            ),
            ("Chaque année suivante", estimate.following_years.show()),
            (f"Total du marché sur {estimate.years} an(s)", estimate.total.show()),
        ],
        benchmark=parse.benchmark_note(selection),
        low=low,
        high=high,
        financing=dossier_financing(selection, high, rules),
    )


@dataclass(frozen=True)
class SubsidyPageData:
    """The subsidy of a dossier on some expense lines, and its financing plan."""

    result: SubsidyResult
    financing: FinancingReport


def subsidy_page_data(
    selection: Selection, lines: Sequence[ExpenseLine] | None = None
) -> SubsidyPageData:
    """The subsidy on ``lines``, or on the high end of the estimate when none are given."""
    rules = load_subsidy_rules(selection.catalog.root)
    given = list(lines) if lines is not None else estimate_lines(selection, high=True)
    result = subsidy_for_lines(selection, given, rules)
    return SubsidyPageData(result, dossier_financing(selection, result, rules))
