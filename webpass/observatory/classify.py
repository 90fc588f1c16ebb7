"""Placing a site on the five-level scale, and saying what the next level would take.

The rule, stated in the grid itself (``regle``): a site's level is the highest level whose
required criteria are all met, together with those of every lower level. A required criterion
that could not be checked counts as not met. Level 0 means that even the « vitrine » criteria
are not all met. What is missing for the next level is linked to the catalogue items that
would bring it, so the classification reads as a first draft of a specification.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field
from typing import Any

from webpass.catalog import Catalog
from webpass.core.frozen_record import frozen_record
from webpass.observatory.checklist import AnalysisGrid, Checklist, Criterion, Verdict
from webpass.observatory.detect import Finding, detect_site
from webpass.observatory.pages import Site

__all__ = [
    "Classification",
    "CriterionResult",
    "classify",
    "classify_checklist",
    "classify_site",
    "site_level",
]

TOP_LEVEL = 5


@frozen_record
class CriterionResult:
    """A criterion with its verdict and the evidence behind it."""

    criterion: Criterion
    verdict: Verdict
    evidence: tuple[str, ...] = ()

    @property
    def met(self) -> bool:
        """Whether the criterion is met (``oui``)."""
        return self.verdict is Verdict.YES


@frozen_record
class Classification:
    """The level of one site and the verdict on every criterion.

    Attributes:
        level: 0 to 5 (0: not even a « vitrine » by the grid).
        results: one per criterion, in grid order.
        source: what was classified (a checklist file, a folder, a URL).
        method: ``releve`` (filled by hand), ``pages`` (saved copy) or ``url`` (live site).
        pages_read: pages analysed (None for a checklist).
        pages_known: pages read plus the site's pages they link to (None for a checklist).
        notes: French remarks (pages skipped, limits reached).
    """

    level: int
    results: tuple[CriterionResult, ...]
    source: str
    method: str
    pages_read: int | None = None
    pages_known: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def met(self) -> list[CriterionResult]:
        """The criteria met, in grid order."""
        return [r for r in self.results if r.met]

    @property
    def next_level(self) -> int | None:
        """The level above, or None at the top."""
        return self.level + 1 if self.level < TOP_LEVEL else None

    @property
    def blocking(self) -> list[CriterionResult]:
        """The required criteria of the next level that are not met."""
        target = self.next_level
        return [
            r
            for r in self.results
            if target is not None
            and r.criterion.level == target
            and r.criterion.required
            and not r.met
        ]

    @property
    def advised(self) -> list[CriterionResult]:
        """Criteria not required but not met, up to the next level (up to the top at level 5)."""
        ceiling = self.next_level or TOP_LEVEL
        return [
            r
            for r in self.results
            if r.criterion.level <= ceiling and not r.criterion.required and not r.met
        ]

    @property
    def unknown(self) -> list[CriterionResult]:
        """Criteria that could not be checked (to be checked by hand)."""
        return [r for r in self.results if r.verdict is Verdict.UNKNOWN]

    def as_json(self, catalog: Catalog) -> dict[str, Any]:
        """Plain data for ``--json``; item titles come from ``catalog`` when it holds them."""
        levels = catalog.levels
        return {
            "niveau": self.level,
            "niveau_id": levels[self.level].id if self.level in levels else None,
            "niveau_nom": levels[self.level].name if self.level in levels else "aucun niveau",
            "source": self.source,
            "methode": self.method,
            "pages_analysees": self.pages_read,
            "pages_connues": self.pages_known,
            "criteres": [_result_json(r, catalog) for r in self.results],
            "niveau_suivant": None
            if self.next_level is None
            else {
                "niveau": self.next_level,
                "niveau_id": levels[self.next_level].id if self.next_level in levels else None,
                "niveau_nom": levels[self.next_level].name if self.next_level in levels else None,
                "manquants": [_result_json(r, catalog) for r in self.blocking],
            },
            "conseilles": [_result_json(r, catalog) for r in self.advised],
            "remarques": list(self.notes),
        }


def item_refs(ids: Sequence[str], catalog: Catalog) -> list[dict[str, str | None]]:
    """The catalogue items behind a criterion, with their titles when the catalogue has them."""
    return [
        {"id": item_id, "titre": catalog.item(item_id).title if catalog.has_item(item_id) else None}
        for item_id in ids
    ]


def _result_json(result: CriterionResult, catalog: Catalog) -> dict[str, Any]:
    criterion = result.criterion
    return {
        "id": criterion.id,
        "question": criterion.question,
        "niveau": criterion.level,
        "requis": criterion.required,
        "resultat": result.verdict.value,
        "indices": list(result.evidence),
        "aide": criterion.help,
        "exigences": item_refs(criterion.items, catalog),
    }


def site_level(grid: AnalysisGrid, verdicts: Mapping[str, Verdict]) -> int:
    """The grid's rule: the highest level whose required criteria, and those below, are met."""
    level = 0
    for candidate in range(1, TOP_LEVEL + 1):
        required = [c for c in grid.of_level(candidate) if c.required]
        if not all(verdicts.get(c.id) is Verdict.YES for c in required):
            break
        level = candidate
    return level


def classify(
    grid: AnalysisGrid,
    findings: Mapping[str, Finding],
    *,
    source: str,
    method: str,
    pages_read: int | None = None,
    pages_known: int | None = None,
    notes: Sequence[str] = (),
) -> Classification:
    """Apply the rule to findings keyed by criterion id (missing ones count as unknown)."""
    results = tuple(
        CriterionResult(
            criterion,
            findings[criterion.id].verdict if criterion.id in findings else Verdict.UNKNOWN,
            findings[criterion.id].evidence if criterion.id in findings else ("non renseigné",),
        )
        for criterion in grid.criteria
    )
    level = site_level(grid, {r.criterion.id: r.verdict for r in results})
    return Classification(level, results, source, method, pages_read, pages_known, tuple(notes))


def classify_checklist(grid: AnalysisGrid, checklist: Checklist, source: str) -> Classification:
    """Classify a site from a checklist filled by hand."""
    findings = {key: Finding(verdict) for key, verdict in checklist.answers.items()}
    shown = checklist.site or checklist.collectivity or source
    return classify(grid, findings, source=shown, method="releve")


def classify_site(grid: AnalysisGrid, site: Site, method: str) -> Classification:
    """Classify a site from its pages (a saved copy or a live fetch)."""
    return classify(
        grid,
        detect_site(grid, site),
        source=site.source,
        method=method,
        pages_read=len(site.pages),
        pages_known=site.page_count,
        notes=site.notes,
    )
