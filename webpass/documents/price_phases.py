"""The phases a small commune's quote is priced by, with the requirements grouped under them.

A consultation by quotes asks a few providers for a quote a secrétaire de mairie can read: six
to eight phases (conception, création graphique, développement et intégration, reprise des
contenus, formation, documentation, mise en ligne), then the yearly hosting and maintenance,
not one price per requirement. Each phase's one-off requirements share one price line; its
price is written on the response grid's line of the phase's first requirement, the other
requirements of the phase carrying none there, so the grid and the quote form hold the same
prices (:func:`webpass.documents.terms.dce_terms` and :func:`webpass.grid.build.build_grid` both
read :func:`phase_groups`).

Every requirement of the CCTP is priced somewhere: a requirement without a price of its own
(a norm, a security duty, the acceptance testing) belongs to the phase whose work delivers it, or,
for a running duty of the hosting or of the maintenance (H01-H07, M05), to the yearly line of its
section; otherwise a bidder could claim a supplement for it and the quotes would not compare.

A few requirements run from the build to the term (the preproduction M01, the domain name G07,
the reversibility N03): their part until the going online belongs to a phase, the rest to the
yearly hosting line, and both lines name the part they pay (:data:`SPLIT_PARTS`), so no work is
priced twice or forgotten.

The training (L03, L04: an operating expense, account 6184 or 611) and the documentation (L05: an
intangible asset, account 2051) are two phases, so the quote shows the M57 imputation and the
subsidy's investment base without a key of webpass's (review rev11b, § 3); the editorial
accompaniment (L06, 2051) goes with the contents it helps write. A phase whose requirements are
still charged to two accounts stays one line, the buyer's note giving the split. Options (PSE), orders and
yearly or unit prices keep their own lines. A groupement keeps one line per requirement: its
convention shares some of them among its members.
"""

from __future__ import annotations

from enum import StrEnum

from webpass.catalog.model import BudgetAccount, CostPeriod, Item
from webpass.core.frozen_record import frozen_record
from webpass.dossier.answers import BodyType
from webpass.dossier.procedure import ProcedureCode
from webpass.selection.engine import Selection

__all__ = [
    "Phase",
    "PhaseGroup",
    "phase_groups",
    "phase_of",
    "priced_by_phase",
    "split_parts",
    "yearly_includes",
]

# Requirement → (the part its phase pays, the part the yearly hosting line pays).
SPLIT_PARTS = {
    "G07": ("mise en service", "renouvellement"),
    "M01": ("jusqu'à la mise en ligne", "après la mise en ligne"),
    "N03": ("export de test et plan", "export annuel et fin de marché"),
}
# The yearly line that pays the running part of a split requirement: the hosting.
_HOSTING = "H08"


class Phase(StrEnum):
    """A phase of the build, in the order the quote form prints them."""

    CONCEPTION = "conception"
    DESIGN = "graphisme"
    BUILD = "developpement"
    CONTENT = "contenus"
    TRAINING = "formation"
    DOCUMENTATION = "documentation"
    LAUNCH = "mise_en_ligne"

    @property
    def label(self) -> str:
        """The phase's name on the quote form."""
        return {
            "conception": "Conception et arborescence",
            "graphisme": "Création graphique",
            "developpement": "Développement et intégration",
            "contenus": "Reprise des contenus",
            "formation": "Formation",
            "documentation": "Documentation",
            "mise_en_ligne": "Recette et mise en ligne",
        }[self.value]


# The requirements whose phase is not their section's.
_BY_ID = {
    "B03": Phase.CONCEPTION,
    "L01": Phase.CONTENT,
    "L02": Phase.CONTENT,
    "L05": Phase.DOCUMENTATION,
    "L06": Phase.CONTENT,
    "G06": Phase.LAUNCH,
    "I02": Phase.LAUNCH,
    "I03": Phase.LAUNCH,
    # The preproduction, the acceptance testing and the warranty are paid with the go-live,
    # not with the yearly maintenance of their section.
    "M01": Phase.LAUNCH,
    "M02": Phase.LAUNCH,
    "M03": Phase.LAUNCH,
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


@frozen_record
class PhaseGroup:
    """One price line of the quote form: a phase and every requirement its lump sum pays."""

    phase: Phase
    item_ids: tuple[str, ...]
    carrier: str
    """The requirement on whose response-grid line the phase's price is written (priced)."""
    accounts: tuple[tuple[BudgetAccount, tuple[str, ...]], ...]
    """The budget accounts of the priced requirements, each with its requirements."""

    @property
    def account(self) -> BudgetAccount:
        """The account of the carrier: the one the line is imputed to when it has one only."""
        return self.accounts[0][0]

    @property
    def account_split(self) -> str | None:
        """« compte 6184 si le titulaire est un organisme de formation déclaré, sinon compte
        611 : L03, L04 ; compte 2051 : L05 » when the line spans two accounts."""
        if len(self.accounts) < 2:
            return None
        return " ; ".join(
            f"{account.reference()} : {', '.join(ids)}" for account, ids in self.accounts
        )


def priced_by_phase(selection: Selection) -> bool:
    """Whether the prices are asked by phase: a commune's consultation by quotes."""
    return (
        selection.procedure.code is ProcedureCode.EXEMPT
        and selection.answers.collectivity.body_type is BodyType.COMMUNE
    )


def _yearly_carriers(selection: Selection) -> dict[str, str]:
    """Section letter → the yearly line that pays the running duties of that section."""
    carriers: dict[str, str] = {}
    for selected in selection.items:
        cost = selected.item.cost
        if cost is not None and cost.period is CostPeriod.YEARLY and not selected.is_pse:
            carriers.setdefault(selected.item.section_letter, selected.item.id)
    return carriers


def split_parts(selection: Selection) -> dict[str, tuple[str, str]]:
    """The requirements of this dossier paid by a phase until the going online and by the
    yearly hosting line after it, with the part each line pays; empty when prices are asked per
    requirement or when the hosting has no yearly line."""
    if not priced_by_phase(selection) or _yearly_carriers(selection).get("H") != _HOSTING:
        return {}
    return {
        item_id: parts
        for item_id, parts in SPLIT_PARTS.items()
        if selection.selected(item_id) is not None and selection.catalog.item(item_id).cost is None
    }


def yearly_includes(selection: Selection) -> dict[str, tuple[str, ...]]:
    """Yearly line → the requirements without a price of their own that it pays (H08: H01-H07,
    and the running part of the split requirements); empty when prices are asked per
    requirement."""
    if not priced_by_phase(selection):
        return {}
    carriers = _yearly_carriers(selection)
    split = split_parts(selection)
    included: dict[str, list[str]] = {}
    for selected in selection.items:
        item = selected.item
        carrier = _HOSTING if item.id in split else carriers.get(item.section_letter)
        if (
            item.cost is None
            and carrier is not None
            and (item.id not in _BY_ID or item.id in split)
        ):
            included.setdefault(carrier, []).append(item.id)
    return {carrier: tuple(ids) for carrier, ids in included.items()}


def _phase_members(selection: Selection) -> dict[Phase, list[str]]:
    """Phase → its requirements: the one-off priced ones and those without a price of their own
    (a split requirement in both its phase and the yearly line)."""
    split = split_parts(selection)
    yearly = {i for ids in yearly_includes(selection).values() for i in ids} - split.keys()
    members: dict[Phase, list[str]] = {}
    for selected in selection.items:
        item, cost = selected.item, selected.item.cost
        if selected.is_pse or item.id in yearly:
            continue
        if cost is None or cost.period is CostPeriod.ONE_OFF:
            members.setdefault(phase_of(item), []).append(item.id)
    return members


def phase_groups(selection: Selection) -> list[PhaseGroup]:
    """The phases' price lines, in phase order; empty when prices are asked per requirement.

    A phase none of whose requirements has a price of its own is paid by the build's lump sum
    (or the first priced phase's): its requirements join that line rather than stay unpriced.
    """
    if not priced_by_phase(selection):
        return []
    members = _phase_members(selection)
    catalog = selection.catalog
    priced: dict[Phase, list[str]] = {
        phase: [i for i in ids if catalog.item(i).cost is not None]
        for phase, ids in members.items()
    }
    phases = [phase for phase in Phase if priced.get(phase)]
    if not phases:
        return []
    host = Phase.BUILD if Phase.BUILD in phases else phases[0]
    orphans = [i for phase in Phase if phase not in phases for i in members.get(phase, [])]
    groups = []
    for phase in phases:
        ids = members[phase] + (orphans if phase is host else [])
        accounts: dict[BudgetAccount, list[str]] = {}
        for item_id in priced[phase]:
            cost = catalog.item(item_id).cost
            assert cost is not None  # priced[phase] holds the priced requirements only
            accounts.setdefault(cost.budget_account, []).append(item_id)
        groups.append(
            PhaseGroup(
                phase,
                tuple(ids),
                priced[phase][0],
                tuple((account, tuple(found)) for account, found in accounts.items()),
            )
        )
    return groups
