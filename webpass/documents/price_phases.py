"""The phases a small commune's quote is priced by, with the requirements grouped under them.

A consultation by quotes asks a few providers for a quote a secrétaire de mairie can read: six
to eight phases (conception, création graphique, développement et intégration, reprise des
contenus, formation et documentation, mise en ligne), then the yearly hosting and maintenance,
not one price per requirement. Each phase's one-off requirements share one price line; its
price is written on the response grid's line of the phase's first requirement, the other
requirements of the phase carrying none there, so the grid and the quote form hold the same
prices (:func:`webpass.documents.terms.dce_terms` and :func:`webpass.grid.build.build_grid` both
read :func:`phase_groups`).

A line never mixes budget accounts: a phase whose requirements are charged to two accounts
(training to 6184, the guides to 2051) gets one line per account, so the imputation of each
price line and the subsidy's investment base stay right. Options (PSE), orders and yearly or
unit prices keep their own lines. A groupement keeps one line per requirement: its convention
shares some of them among its members.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from webpass.catalog.model import BudgetAccount, CostPeriod, Item
from webpass.dossier.answers import BodyType
from webpass.dossier.procedure import ProcedureCode
from webpass.selection.engine import Selection

__all__ = ["Phase", "PhaseGroup", "phase_groups", "phase_of", "priced_by_phase"]


class Phase(StrEnum):
    """A phase of the build, in the order the quote form prints them."""

    CONCEPTION = "conception"
    DESIGN = "graphisme"
    BUILD = "developpement"
    CONTENT = "contenus"
    TRAINING = "formation"
    LAUNCH = "mise_en_ligne"

    @property
    def label(self) -> str:
        """The phase's name on the quote form."""
        return {
            "conception": "Conception et arborescence",
            "graphisme": "Création graphique",
            "developpement": "Développement et intégration",
            "contenus": "Reprise des contenus",
            "formation": "Formation et documentation",
            "mise_en_ligne": "Recette et mise en ligne",
        }[self.value]


# The requirements whose phase is not their section's.
_BY_ID = {
    "B03": Phase.CONCEPTION,
    "L01": Phase.CONTENT,
    "L02": Phase.CONTENT,
    "I02": Phase.LAUNCH,
    "I03": Phase.LAUNCH,
}
_BY_SECTION = {
    "A": Phase.CONCEPTION,
    "B": Phase.DESIGN,
    "L": Phase.TRAINING,
    "M": Phase.LAUNCH,
    "N": Phase.LAUNCH,
}


def phase_of(item: Item) -> Phase:
    """The phase a requirement's one-off price belongs to (the build, unless said otherwise)."""
    return _BY_ID.get(item.id) or _BY_SECTION.get(item.section_letter, Phase.BUILD)


@dataclass(frozen=True)
class PhaseGroup:
    """One price line of the quote form: a phase's requirements charged to one account."""

    phase: Phase
    account: BudgetAccount
    item_ids: tuple[str, ...]

    @property
    def carrier(self) -> str:
        """The requirement on whose response-grid line the phase's price is written."""
        return self.item_ids[0]


def priced_by_phase(selection: Selection) -> bool:
    """Whether the prices are asked by phase: a commune's consultation by quotes."""
    return (
        selection.procedure.code is ProcedureCode.EXEMPT
        and selection.answers.collectivity.body_type is BodyType.COMMUNE
    )


def phase_groups(selection: Selection) -> list[PhaseGroup]:
    """The phases' price lines, in phase order; empty when prices are asked per requirement."""
    if not priced_by_phase(selection):
        return []
    grouped: dict[tuple[Phase, BudgetAccount], list[str]] = {}
    for selected in selection.items:
        cost = selected.item.cost
        if cost is None or cost.period is not CostPeriod.ONE_OFF or selected.is_pse:
            continue
        key = (phase_of(selected.item), cost.budget_account)
        grouped.setdefault(key, []).append(selected.item.id)
    order = list(Phase)
    return [
        PhaseGroup(phase, account, tuple(ids))
        for (phase, account), ids in sorted(
            # Stable: within a phase, the accounts come in the order of their first requirement.
            grouped.items(),
            key=lambda entry: order.index(entry[0][0]),
        )
    ]
