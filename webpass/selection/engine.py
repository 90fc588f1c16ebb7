"""The selection engine: catalogue + answers → the clauses a dossier needs, each with its reason.

A pure function of its inputs. For every item, in document order:

1. an item for another profile is left out;
2. its conditions give its strength for this dossier (``sinon`` when they fail; none → out);
3. a legal obligation is in whatever the target level; a Webpass minimum or a recommendation is
   in when its level is at most the target (cross-cutting items always); an option is in when
   chosen; a removed recommendation is out, with its justification;
4. what a selected item requires is pulled in, transitively; contradictions become conflicts.

The result also carries the cost estimate and the procedure that estimate calls for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from webpass.catalog import Catalog
from webpass.catalog.conditions import evaluate_all
from webpass.catalog.model import Item, Strength
from webpass.dossier.answers import Answers, dossier_facts, missing_parameters
from webpass.dossier.estimate import Estimate, estimate_costs
from webpass.dossier.procedure import Procedure, Thresholds, choose_procedure, load_thresholds

__all__ = ["Reason", "SelectedItem", "Selection", "SkippedItem", "select"]

STRENGTH_LABELS = {
    Strength.LEGAL: "obligation légale",
    Strength.WEBPASS_MINIMUM: "minimum Webpass",
    Strength.RECOMMENDED: "recommandé",
    Strength.OPTIONAL: "optionnel",
}


class Reason(StrEnum):
    """Why an item is in the CCTP."""

    LEGAL = "obligation_legale"
    WEBPASS_MINIMUM = "minimum_webpass"
    TARGET_LEVEL = "niveau_vise"
    OPTION = "option_retenue"
    DEPENDENCY = "dependance"


@dataclass(frozen=True)
class SelectedItem:
    """An item of the CCTP and why it is there."""

    item: Item
    strength: Strength
    reason: Reason
    explanation: str

    @property
    def mandatory(self) -> bool:
        """Whether a bid must conform to it (anything but a chosen option)."""
        return self.strength is not Strength.OPTIONAL


@dataclass(frozen=True)
class SkippedItem:
    """An item left out, and why; ``offered`` items can still be chosen as options."""

    item: Item
    strength: Strength | None
    explanation: str
    offered: bool = False


@dataclass
class Selection:
    """The outcome of :func:`select`."""

    catalog: Catalog
    answers: Answers
    items: list[SelectedItem]
    offered: list[SkippedItem]
    excluded: list[SkippedItem]
    left_out: list[SkippedItem]
    conflicts: list[str]
    missing_values: list[tuple[str, str]]
    estimate: Estimate
    procedure: Procedure
    extras: dict[str, object] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        """Ids of the selected items, in document order."""
        return [s.item.id for s in self.items]

    @property
    def teleservices(self) -> list[str]:
        """Ids of the selected items that put a téléservice online."""
        return [s.item.id for s in self.items if s.item.teleservice]

    def webpass_minimum_missing(self) -> list[str]:
        """Ids of the Webpass-minimum items of this profile that are not selected."""
        selected = set(self.ids)
        profile = self.answers.profile
        return [
            item.id
            for item in self.catalog.items
            if item.strength is Strength.WEBPASS_MINIMUM
            and item.profile.value in ("tous", profile)
            and item.id not in selected
            and _conditions_hold(item, self)
        ]


def _conditions_hold(item: Item, selection: Selection) -> bool:
    return evaluate_all(item.conditions, dossier_facts(selection.answers)).holds


def select(catalog: Catalog, answers: Answers, thresholds: Thresholds | None = None) -> Selection:
    """Select the items of ``catalog`` for ``answers``; see the module docstring for the rules."""
    facts = dossier_facts(answers)
    fact_labels = {fact.id: fact.question.rstrip(" ?") for fact in catalog.meta.facts}
    target = answers.project.target_level
    profile = answers.profile
    chosen = set(answers.options.chosen)
    removed = {e.id: e for e in answers.options.excluded}

    picked: dict[str, SelectedItem] = {}
    offered: list[SkippedItem] = []
    excluded: list[SkippedItem] = []
    left_out: list[SkippedItem] = []
    effective: dict[str, Strength | None] = {}

    for item in catalog.items:
        if item.profile.value not in ("tous", profile):
            left_out.append(SkippedItem(item, None, f"réservée au profil {item.profile.value}"))
            effective[item.id] = None
            continue
        verdict = evaluate_all(item.conditions, facts, fact_labels)
        strength = item.strength if verdict.holds else item.otherwise
        effective[item.id] = strength
        if strength is None:
            left_out.append(SkippedItem(item, None, f"ne s'applique pas : {verdict.reason}"))
            continue
        level_ok = item.level is None or item.level <= target
        why_condition = f" ({verdict.reason})" if item.conditions else ""
        if item.id in removed:
            justification = removed[item.id].justification or "sans justification"
            excluded.append(
                SkippedItem(item, strength, f"retirée par la collectivité : {justification}")
            )
            continue
        if strength is Strength.LEGAL:
            picked[item.id] = SelectedItem(
                item, strength, Reason.LEGAL, "obligation légale" + why_condition
            )
        elif strength is Strength.WEBPASS_MINIMUM and level_ok:
            picked[item.id] = SelectedItem(
                item,
                strength,
                Reason.WEBPASS_MINIMUM,
                _level_text("minimum Webpass", item, target) + why_condition,
            )
        elif strength is Strength.RECOMMENDED and level_ok:
            picked[item.id] = SelectedItem(
                item,
                strength,
                Reason.TARGET_LEVEL,
                _level_text("recommandée", item, target) + why_condition,
            )
        elif item.id in chosen:
            picked[item.id] = SelectedItem(
                item, Strength.OPTIONAL, Reason.OPTION, "option retenue par la collectivité"
            )
        else:
            reason = (
                f"niveau {item.level} au-delà du niveau visé ({target})"
                if not level_ok
                else f"{STRENGTH_LABELS[strength]} : à retenir si besoin"
            )
            offered.append(SkippedItem(item, strength, reason, offered=True))

    conflicts = _pull_dependencies(catalog, picked, removed, effective)
    conflicts += _mutual_exclusions(picked)
    for index, item_id in enumerate(answers.options.chosen):
        if item_id in picked and picked[item_id].reason is not Reason.OPTION:
            continue
        if catalog.has_item(item_id) and effective.get(item_id) is None and item_id not in picked:
            conflicts.append(
                f"l'option {item_id} (« {catalog.item(item_id).title} », réponse n° {index + 1}) ne s'applique pas à ce dossier."
            )

    items = [picked[item.id] for item in catalog.items if item.id in picked]
    offered = [s for s in offered if s.item.id not in picked]
    missing = [(s.item.id, label) for s in items for label in missing_parameters(s.item, answers)]
    estimate = estimate_costs((s.item for s in items), answers.project.duration_years)
    thresholds = thresholds or load_thresholds(catalog.root)
    procedure = choose_procedure(estimate.total.high, answers.project.launch_date, thresholds)
    return Selection(
        catalog,
        answers,
        items,
        offered,
        excluded,
        left_out,
        conflicts,
        missing,
        estimate,
        procedure,
    )


def _level_text(kind: str, item: Item, target: int) -> str:
    if item.level is None:
        return f"{kind}, exigence transversale"
    return f"{kind} pour le niveau visé (niveau {item.level} ≤ {target})"


def _pull_dependencies(
    catalog: Catalog,
    picked: dict[str, SelectedItem],
    removed: Mapping[str, object],
    effective: dict[str, Strength | None],
) -> list[str]:
    conflicts: list[str] = []
    queue = list(picked)
    while queue:
        source = queue.pop(0)
        for needed in picked[source].item.requires:
            if needed in picked:
                continue
            item = catalog.item(needed)
            if needed in removed:
                conflicts.append(
                    f"{source} (« {picked[source].item.title} ») nécessite {needed} (« {item.title} »), "
                    f"que la collectivité a retirée : rétablissez {needed} ou retirez {source}."
                )
                continue
            if (
                item.profile.value not in ("tous", picked[source].item.profile.value)
                and effective.get(needed) is None
            ):
                conflicts.append(
                    f"{source} nécessite {needed}, qui ne concerne pas ce profil : corrigez le catalogue."
                )
                continue
            strength = effective.get(needed) or item.strength
            picked[needed] = SelectedItem(
                item,
                strength,
                Reason.DEPENDENCY,
                f"entraînée par {source} ({picked[source].item.title})",
            )
            queue.append(needed)
    return conflicts


def _mutual_exclusions(picked: dict[str, SelectedItem]) -> list[str]:
    pairs = {
        tuple(sorted((item_id, other)))
        for item_id, selected in picked.items()
        for other in selected.item.excludes
        if other in picked
    }
    return [
        f"{a} (« {picked[a].item.title} ») et {b} (« {picked[b].item.title} ») sont incompatibles : "
        "retirez l'une des deux."
        for a, b in sorted(pairs)
    ]
