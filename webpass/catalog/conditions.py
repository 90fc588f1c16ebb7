"""Evaluating the catalogue's declarative conditions against the facts of a dossier.

Conditions are data (see :class:`webpass.catalog.model.Condition`); this module walks them and
explains each verdict in French, so the selection can say why a clause is in or out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field
from decimal import Decimal

from webpass.catalog.model import Condition, Criterion
from webpass.core.frozen_record import frozen_record
from webpass.core.money import format_eur, format_number

__all__ = ["DossierFacts", "Verdict", "evaluate", "evaluate_all"]

_LABELS = {
    Criterion.POPULATION: "population",
    Criterion.STAFF: "effectif",
    Criterion.RECEIPTS: "recettes annuelles",
    Criterion.NATURE: "nature du projet",
    Criterion.PROFILE: "profil",
    Criterion.TARGET_LEVEL: "niveau visé",
    Criterion.BODY_TYPE: "type de collectivité",
    Criterion.SITES: "nombre de sites",
    Criterion.TAKEN_OVER_SITES: "sites communaux actuels à reprendre",
    Criterion.BUDGET: "budget",
    Criterion.STAFF_TIME: "temps consacré au site (heures par semaine)",
}


@frozen_record
class DossierFacts:
    """What conditions can test about a dossier; built from the answers file.

    Attributes:
        population: inhabitants.
        staff: agents in full-time equivalents.
        receipts: the collectivity's own yearly receipts (for online payment duties), € HT.
        nature: ``creation`` or ``refonte``.
        profile: ``commune`` or ``groupement``.
        target_level: 1 to 5.
        body_type: ``commune``, ``communaute_de_communes`` or ``syndicat``.
        facts: yes/no facts declared in the catalogue, as answered.
        sites: sites built by the project (the main one and each member's own site).
        taken_over_sites: the members' own sites whose current site the dossier describes.
        budget: the budget entered, € HT, or None when unknown.
        staff_time: hours a week the collectivity's staff give the site, or None when unknown.
        population_source: which population this is (the reference's legal population or one
            the user typed over it), said in every reason that tests the population.
    """

    population: int
    staff: int
    receipts: Decimal
    nature: str
    profile: str
    target_level: int
    body_type: str
    facts: Mapping[str, bool] = field(default_factory=dict)
    sites: int = 1
    taken_over_sites: int = 0
    budget: Decimal | None = None
    staff_time: int | None = None
    population_source: str = ""

    def value(self, criterion: Criterion) -> int | Decimal | str | None:
        """The value a criterion reads (None: not entered)."""
        values: dict[Criterion, int | Decimal | str | None] = {
            Criterion.POPULATION: self.population,
            Criterion.STAFF: self.staff,
            Criterion.RECEIPTS: self.receipts,
            Criterion.NATURE: self.nature,
            Criterion.PROFILE: self.profile,
            Criterion.TARGET_LEVEL: self.target_level,
            Criterion.BODY_TYPE: self.body_type,
            Criterion.SITES: self.sites,
            Criterion.TAKEN_OVER_SITES: self.taken_over_sites,
            Criterion.BUDGET: self.budget,
            Criterion.STAFF_TIME: self.staff_time,
        }
        return values[criterion]


@frozen_record
class Verdict:
    """Whether a condition holds, and why, in French."""

    holds: bool
    reason: str


def _show(criterion: Criterion, value: object) -> str:
    if criterion in (Criterion.RECEIPTS, Criterion.BUDGET) and isinstance(value, int | Decimal):
        return format_eur(Decimal(value), "€")
    if isinstance(value, int) and criterion in (Criterion.POPULATION, Criterion.STAFF):
        return format_number(value, 0)
    return str(value)


def evaluate(
    condition: Condition, facts: DossierFacts, fact_labels: Mapping[str, str] | None = None
) -> Verdict:
    """Evaluate one condition; the reason names the tested value and the threshold."""
    if condition.all_of is not None:
        parts = [evaluate(c, facts, fact_labels) for c in condition.all_of]
        return Verdict(all(p.holds for p in parts), " et ".join(p.reason for p in parts))
    if condition.any_of is not None:
        parts = [evaluate(c, facts, fact_labels) for c in condition.any_of]
        held = [p for p in parts if p.holds]
        # Met: the tests that hold, any of which suffices; failed: every test failed, « et ».
        joiner = " ou " if held else " et "
        return Verdict(bool(held), joiner.join(p.reason for p in (held or parts)))
    if condition.not_ is not None:
        inner = evaluate(condition.not_, facts, fact_labels)
        return Verdict(not inner.holds, f"non ({inner.reason})")
    if condition.fact is not None:
        answer = bool(facts.facts.get(condition.fact, False))
        label = (fact_labels or {}).get(condition.fact, condition.fact)
        return Verdict(answer, f"{label} : {'oui' if answer else 'non'}")
    assert condition.criterion is not None
    criterion = condition.criterion
    value = facts.value(criterion)
    label = _LABELS[criterion]
    if value is None:
        # An unknown budget or staff time counts as small: it must not push a project into a
        # bigger class, nor trigger a duty reserved to bigger ones.
        return Verdict(condition.less_than is not None, f"{label} non renseigné")
    shown = _show(criterion, value)
    verdict = _compare(condition, criterion, value, label, shown)
    if criterion is Criterion.POPULATION and facts.population_source:
        return Verdict(verdict.holds, f"{verdict.reason} ({facts.population_source})")
    return verdict


def _compare(
    condition: Condition, criterion: Criterion, value: int | Decimal | str, label: str, shown: str
) -> Verdict:
    if condition.at_least is not None:
        holds = Decimal(value) >= Decimal(condition.at_least)
        sign = "≥" if holds else "<"
        return Verdict(holds, f"{label} {shown} {sign} {_show(criterion, condition.at_least)}")
    if condition.less_than is not None:
        holds = Decimal(value) < Decimal(condition.less_than)
        sign = "<" if holds else "≥"
        return Verdict(holds, f"{label} {shown} {sign} {_show(criterion, condition.less_than)}")
    if condition.equals is not None:
        holds = value == condition.equals
        return Verdict(holds, f"{label} {'=' if holds else '≠'} {condition.equals}")
    options: Sequence[str | int] = condition.one_of or []
    holds = value in options
    listed = ", ".join(str(o) for o in options)
    return Verdict(holds, f"{label} {shown} {'parmi' if holds else 'hors de'} {listed}")


def evaluate_all(
    conditions: Sequence[Condition],
    facts: DossierFacts,
    fact_labels: Mapping[str, str] | None = None,
) -> Verdict:
    """All conditions of an item (an empty list holds)."""
    if not conditions:
        return Verdict(True, "sans condition")
    parts = [evaluate(c, facts, fact_labels) for c in conditions]
    return Verdict(all(p.holds for p in parts), " ; ".join(p.reason for p in parts))
