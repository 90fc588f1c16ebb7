"""The selection engine: catalogue + answers → the clauses a dossier needs, each with its reason.

A pure function of its inputs. The project's size class (petit, moyen, grand) is found first,
from the ``tailles`` of the catalogue. Then, for every item, in document order:

1. an item for another profile is left out;
2. its conditions give its strength for this dossier (``sinon`` when they fail; none → out);
3. its variant for this size (``proportion``) may leave it out for a small project, change its
   strength or the way the CCTP asks for it, its default values or its text;
4. a legal obligation is in whatever the target level; a Webpass minimum or a recommendation is
   in when its level is at most the target (cross-cutting items always); an option is in when
   chosen, as a PSE, or as a firm requirement when listed in ``options.fermes``; a removed
   recommendation is out, with its justification;
5. what a selected item requires is pulled in, transitively; contradictions become conflicts.

The result also carries the calibrated cost estimate and the procedure its central value calls
for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from enum import StrEnum

from webpass.catalog import Catalog
from webpass.catalog.conditions import DossierFacts, evaluate_all
from webpass.catalog.model import CostPeriod, Demand, Intensity, Item, NormRef, Strength, Variant
from webpass.core.frozen_record import frozen_record
from webpass.dossier.answers import Answers, dossier_facts, missing_parameters, parameter_values
from webpass.dossier.cost_model import CostModel, load_cost_model
from webpass.dossier.estimate import Estimate, SelectedCost, estimate_costs
from webpass.dossier.procedure import Procedure, Thresholds, advise_procedure, load_thresholds
from webpass.selection.proportion import INTENSITY_LABELS, ProjectSize, project_size, variant_for

__all__ = ["Demand", "Reason", "SelectedItem", "Selection", "SkippedItem", "select"]

STRENGTH_LABELS = {
    Strength.LEGAL: "obligation légale",
    Strength.WEBPASS_MINIMUM: "minimum Webpass",
    Strength.RECOMMENDED: "recommandé",
    Strength.OPTIONAL: "optionnel",
}

DEMAND_LABELS = {
    Demand.REQUIRED: "exigé",
    Demand.DESIRED: "souhaité",
    Demand.OPTION: "prestation supplémentaire éventuelle (PSE)",
}


class Reason(StrEnum):
    """Why an item is in the CCTP."""

    LEGAL = "obligation_legale"
    WEBPASS_MINIMUM = "minimum_webpass"
    TARGET_LEVEL = "niveau_vise"
    OPTION = "option_retenue"
    DEPENDENCY = "dependance"


@frozen_record
class SelectedItem:
    """An item of the CCTP, why it is there, and at which intensity it is asked.

    ``strength`` is webpass's own classification (legal duty, Webpass minimum…); ``demand`` is
    what the published CCTP says (exigé, souhaité, PSE); ``variant`` is the size variant applied.
    """

    item: Item
    strength: Strength
    reason: Reason
    explanation: str
    demand: Demand = Demand.REQUIRED
    variant: Variant | None = None

    @property
    def mandatory(self) -> bool:
        """Whether a bid must conform to it: an exigé requirement, or an option bought on order,
        which the pieces publish as base work on purchase orders (never a PSE, see ``is_pse``)."""
        return self.demand is Demand.REQUIRED or self.on_order

    @property
    def on_order(self) -> bool:
        """Whether it is bought on order (accord-cadre à bons de commande, with a maximum): an
        option priced per unit (extra pages, training or development days, council sessions)."""
        cost = self.item.cost
        return (
            self.demand is Demand.OPTION and cost is not None and cost.period is CostPeriod.PER_UNIT
        )

    @property
    def is_pse(self) -> bool:
        """Whether the pieces publish it as a PSE: an option the buyer has not made firm, nor
        pulled into the base by a requirement that needs it, nor bought on order. A service both
        PSE and on order could not be priced nor compared (one or the other, never both)."""
        return self.demand is Demand.OPTION and not self.on_order

    @property
    def intensity(self) -> Intensity:
        """The intensity the requirement is asked at (standard without a variant)."""
        return self.variant.intensity if self.variant else Intensity.STANDARD

    @property
    def intensity_text(self) -> str:
        """The intensity and why, in French."""
        label = INTENSITY_LABELS[self.intensity]
        return f"{label} : {self.variant.explanation}" if self.variant else label

    @property
    def clause(self) -> str:
        """The clause text this dossier publishes (the variant's, else the item's)."""
        if self.variant is not None and self.variant.clause:
            return self.variant.clause
        return self.item.clause

    @property
    def norms(self) -> list[NormRef]:
        """The texts the published text rests on (the variant's, else the item's)."""
        if self.variant is not None and self.variant.norms is not None:
            return self.variant.norms
        return self.item.norms

    @property
    def need(self) -> str | None:
        """The need this dossier publishes in a table of needs (the variant's, else the item's)."""
        if self.variant is not None and self.variant.need:
            return self.variant.need
        return self.item.need

    @property
    def default_values(self) -> dict[str, object]:
        """Defaults of the variant, which replace the catalogue's for this dossier."""
        return dict(self.variant.values) if self.variant else {}


@frozen_record
class SkippedItem:
    """An item left out, and why; ``offered`` items can still be chosen as options.

    ``for_size`` marks an item left out because the project is small (its variant says so).
    """

    item: Item
    strength: Strength | None
    explanation: str
    offered: bool = False
    for_size: bool = False


@frozen_record
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
    size: ProjectSize = field(
        default_factory=lambda: ProjectSize("standard", "projet", "taille non évaluée", "")
    )

    @property
    def ids(self) -> list[str]:
        """Ids of the selected items, in document order."""
        return [s.item.id for s in self.items]

    @property
    def teleservices(self) -> list[str]:
        """Ids of the selected items that put a téléservice online."""
        return [s.item.id for s in self.items if s.item.teleservice]

    @property
    def reduced(self) -> list[SkippedItem]:
        """Items left out because the project is small."""
        return [s for s in self.left_out if s.for_size]

    def in_table(self, item: Item) -> bool:
        """Whether the CCTP states this item as one row of its section's table of needs."""
        section = self.catalog.section_of(item)
        return bool(item.need) and self.size.id in section.table_for

    def selected(self, item_id: str) -> SelectedItem | None:
        """The selected item with this id, if it is in the CCTP."""
        return next((s for s in self.items if s.item.id == item_id), None)

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


@frozen_record
class _Walk:
    """The state of one selection pass over the catalogue."""

    answers: Answers
    facts: DossierFacts
    fact_labels: dict[str, str]
    size: ProjectSize
    picked: dict[str, SelectedItem] = field(default_factory=dict)
    offered: list[SkippedItem] = field(default_factory=list)
    excluded: list[SkippedItem] = field(default_factory=list)
    left_out: list[SkippedItem] = field(default_factory=list)
    effective: dict[str, Strength | None] = field(default_factory=dict)
    variants: dict[str, Variant | None] = field(default_factory=dict)

    def visit(self, item: Item) -> None:
        profile = self.answers.profile
        if item.profile.value not in ("tous", profile):
            self.left_out.append(
                SkippedItem(item, None, f"réservée au profil {item.profile.value}")
            )
            self.effective[item.id] = None
            return
        verdict = evaluate_all(item.conditions, self.facts, self.fact_labels)
        strength = item.strength if verdict.holds else item.otherwise
        variant = variant_for(item, self.size, self.facts, self.fact_labels)
        self.variants[item.id] = variant
        if strength is not None and variant is not None and variant.strength is not None:
            strength = variant.strength
        self.effective[item.id] = strength
        if strength is None:
            self.left_out.append(SkippedItem(item, None, f"ne s'applique pas : {verdict.reason}"))
            return
        why = f" ({verdict.reason})" if item.conditions else ""
        self._place(item, strength, variant, why)

    def _place(self, item: Item, strength: Strength, variant: Variant | None, why: str) -> None:
        options = self.answers.options
        removed = {e.id: e for e in options.excluded}
        if item.id in removed:
            justification = removed[item.id].justification or "sans justification"
            self.excluded.append(
                SkippedItem(item, strength, f"retirée par la collectivité : {justification}")
            )
            return
        target = self.answers.project.target_level
        level_ok = item.level is None or item.level <= target
        chosen = item.id in options.chosen or item.id in options.firm
        wanted = strength is Strength.LEGAL or (
            level_ok and strength in (Strength.WEBPASS_MINIMUM, Strength.RECOMMENDED)
        )
        if wanted and variant is not None and variant.left_out and not chosen:
            self.left_out.append(
                SkippedItem(
                    item,
                    strength,
                    f"écartée pour un {self.size.name} : {variant.explanation}",
                    for_size=True,
                )
            )
            return
        demand = variant.demand if variant and variant.demand else Demand.REQUIRED
        if strength is Strength.LEGAL:
            self._pick(item, strength, Reason.LEGAL, "obligation légale" + why, demand, variant)
        elif wanted:
            reason = (
                Reason.WEBPASS_MINIMUM
                if strength is Strength.WEBPASS_MINIMUM
                else Reason.TARGET_LEVEL
            )
            kind = "minimum Webpass" if reason is Reason.WEBPASS_MINIMUM else "recommandée"
            self._pick(
                item, strength, reason, _level_text(kind, item, target) + why, demand, variant
            )
        elif chosen:
            firm = item.id in options.firm
            self._pick(
                item,
                Strength.OPTIONAL,
                Reason.OPTION,
                "option retenue en solution de base" if firm else "option retenue (PSE)",
                demand if firm else Demand.OPTION,
                variant,
            )
        else:
            why_offered = (
                f"niveau {item.level} au-delà du niveau visé ({target})"
                if not level_ok
                else f"{STRENGTH_LABELS[strength]} : à retenir si besoin"
            )
            self.offered.append(SkippedItem(item, strength, why_offered, offered=True))

    def _pick(
        self,
        item: Item,
        strength: Strength,
        reason: Reason,
        explanation: str,
        demand: Demand,
        variant: Variant | None,
    ) -> None:
        self.picked[item.id] = SelectedItem(item, strength, reason, explanation, demand, variant)


def select(
    catalog: Catalog,
    answers: Answers,
    thresholds: Thresholds | None = None,
    costs: CostModel | None = None,
) -> Selection:
    """Select the items of ``catalog`` for ``answers``; see the module docstring for the rules."""
    facts = dossier_facts(answers)
    fact_labels = {fact.id: fact.question.rstrip(" ?") for fact in catalog.meta.facts}
    walk = _Walk(answers, facts, fact_labels, project_size(catalog, facts, fact_labels))
    for item in catalog.items:
        walk.visit(item)

    picked = walk.picked
    removed = {e.id: e for e in answers.options.excluded}
    conflicts = _pull_dependencies(catalog, picked, removed, walk.effective, walk.variants)
    conflicts += _mutual_exclusions(picked)
    for index, item_id in enumerate([*answers.options.chosen, *answers.options.firm]):
        if item_id in picked and picked[item_id].reason is not Reason.OPTION:
            continue
        if (
            catalog.has_item(item_id)
            and walk.effective.get(item_id) is None
            and item_id not in picked
        ):
            conflicts.append(
                f"l'option {item_id} (« {catalog.item(item_id).title} », réponse n° {index + 1}) ne s'applique pas à ce dossier."
            )

    items = [picked[item.id] for item in catalog.items if item.id in picked]
    offered = [s for s in walk.offered if s.item.id not in picked]
    missing = [(s.item.id, label) for s in items for label in missing_parameters(s.item, answers)]
    costs = costs or load_cost_model(catalog.root)
    estimate = estimate_costs(
        [
            SelectedCost(
                s.item,
                s.reason is Reason.OPTION,
                s.reason is Reason.DEPENDENCY,
                s.intensity,
                parameter_values(s.item, answers, s.default_values),
            )
            for s in items
        ],
        answers,
        costs,
    )
    thresholds = thresholds or load_thresholds(catalog.root)
    project = answers.project
    procedure = advise_procedure(estimate, project.launch_date, project.budget, thresholds)
    return Selection(
        catalog,
        answers,
        items,
        offered,
        walk.excluded,
        walk.left_out,
        conflicts,
        missing,
        estimate,
        procedure,
        size=walk.size,
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
    variants: Mapping[str, Variant | None],
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
            variant = variants.get(needed)
            # What a requirement needs is asked as firmly as the requirement itself.
            demand = picked[source].demand
            if variant is not None and variant.demand is not None and demand is Demand.REQUIRED:
                demand = variant.demand
            picked[needed] = SelectedItem(
                item,
                strength,
                Reason.DEPENDENCY,
                f"entraînée par {source} ({picked[source].item.title})",
                demand,
                None if variant is not None and variant.left_out else variant,
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
