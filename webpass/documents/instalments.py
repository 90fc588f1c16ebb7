"""The one rule of the build's instalments (acomptes), stated by the CCAP and recalled by the quote
form.

An acompte is worth the services it pays for, never more (articles L2191-4 and R2191-21 of the
Code de la commande publique). Where the quote form prices the build by phase, each acompte is
the price of the phases the milestone completes, so the bidder's own breakdown pays it; fixed
percentages would pay more or less than the work done. Where prices are asked per requirement
(DPGF), each acompte is the value, at the contract's prices, of the services done since the last one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from webpass.core.money import format_number
from webpass.documents.members import MEMBERS_ANNEX
from webpass.documents.price_phases import Phase, phase_groups
from webpass.selection.engine import Selection

__all__ = [
    "PHASE_VALUE_RULE",
    "instalment_entries",
    "instalment_lead",
    "instalment_reminder",
    "late_value",
    "phase_imbalance",
]

# What the CCAP asks of the phases' prices of a quote, since each pays an acompte.
PHASE_VALUE_RULE = (
    "Le prix de chaque phase porté au formulaire de devis correspond à la valeur des prestations "
    "qu'elle comprend, puisqu'il paie l'acompte de l'étape qui l'achève ; l'acheteur peut "
    "demander au titulaire la décomposition d'un prix de phase qui paraît déséquilibré."
)
# Signs of phases priced apart from their work, to be looked into (a reading of the review of
# 1 December 2026, not a legal threshold): the build (sections C to J, most of the work) below a
# quarter of the lump sum, or the milestone of the mock-ups (conception and design) above 35 %.
_BUILD_FLOOR = Decimal("0.25")
_MOCKUPS_CEILING = Decimal("0.35")
# An acompte is the buyer's hold on what follows it: a milestone paid under 5 % of the lump sum
# (the admission at 1.6 % in an example offer, review of 1 December 2026, M5) means its phases
# are priced apart from their work — the recette, the redirections, the export test and the
# guarantee for the admission — and the buyer pays almost everything before it.
_MILESTONE_FLOOR = Decimal("0.05")

# The milestone that completes each phase, in the order of the build; the buyer's decision or
# record at each one is the service-done proof of the acompte. The delivery and the admission
# are also the two deadlines of the contractor the late penalty counts, on the whole
# lump sum (late_value).
_MILESTONES: tuple[tuple[str, tuple[Phase, ...]], ...] = (
    ("à la validation des maquettes", (Phase.CONCEPTION, Phase.DESIGN)),
    (
        "à la livraison du site en ordre de marche pour vérification (procès-verbal de mise en "
        "ordre de marche)",
        (Phase.BUILD, Phase.CONTENT),
    ),
    (
        "à la fin des formations et à la remise de la documentation",
        (Phase.TRAINING, Phase.DOCUMENTATION),
    ),
    ("à l'admission", (Phase.LAUNCH,)),
)


def _phases(selection: Selection) -> list[Phase]:
    return [group.phase for group in phase_groups(selection)]


def instalment_lead(selection: Selection) -> str:
    """The sentence that opens the schedule of the build's payment."""
    if _phases(selection):
        return (
            "Le prix global et forfaitaire de la réalisation est réglé par acomptes, chacun égal "
            "aux prix, portés au formulaire de devis, des phases que l'étape achève (articles "
            "R2191-20 et suivants du Code de la commande publique) :"
        )
    return (
        "Le prix global et forfaitaire de la réalisation est réglé par acomptes, chacun égal à "
        "la valeur, aux prix du marché, des prestations exécutées depuis l'acompte précédent (articles R2191-20 et suivants du Code de la "
        "commande publique), aux étapes suivantes :"
    )


def instalment_entries(selection: Selection) -> list[str]:
    """One entry per milestone: the phases it pays, or the milestone alone without phases."""
    present = _phases(selection)
    if not present:
        return [
            "à la validation des maquettes ;",
            "à la livraison du site en ordre de marche pour vérification (procès-verbal de mise "
            "en ordre de marche) ;",
            "le solde à l'admission.",
        ]
    rows = []
    for milestone, phases in _MILESTONES:
        named = [f"« {phase.label} »" for phase in phases if phase in present]
        if named:
            rows.append(f"{' et '.join(named)} {milestone}")
    return [f"{row} ;" for row in rows[:-1]] + [f"{rows[-1]}."]


def phase_imbalance(selection: Selection, amounts: Mapping[str, Decimal]) -> str | None:
    """Why an offer's phase prices may pay an acompte above the work done, or None.

    ``amounts``: the offer's one-off prices by grid line (a phase's on its carrier's line).
    """
    prices = {
        group.phase: amounts.get(group.carrier, Decimal(0)) for group in phase_groups(selection)
    }
    total = sum(prices.values(), Decimal(0))
    if total <= 0:
        return None
    found = []
    build = prices.get(Phase.BUILD)
    if build is not None and build / total < _BUILD_FLOOR:
        found.append(
            f"la phase « {Phase.BUILD.label} », qui porte la plus grande part du travail, vaut "
            f"{_percent(build / total)} du prix de la réalisation"
        )
    mockups = prices.get(Phase.CONCEPTION, Decimal(0)) + prices.get(Phase.DESIGN, Decimal(0))
    if mockups / total > _MOCKUPS_CEILING:
        found.append(
            f"les phases payées à la validation des maquettes en valent {_percent(mockups / total)}"
        )
    found += _thin_milestones(prices, total)
    if not found:
        return None
    return (
        "Prix de phase peut-être déséquilibrés : "
        + " ; ".join(found)
        + ". Un acompte correspond à la valeur des prestations qu'il paie (articles R2191-20 et "
        "suivants du Code de la commande publique) : demander au prestataire la décomposition de "
        "ces prix avant l'attribution."
    )


def _thin_milestones(prices: Mapping[Phase, Decimal], total: Decimal) -> list[str]:
    """The milestones whose acompte is under the floor, as phrases."""
    found = []
    for milestone, phases in _MILESTONES:
        present = [phase for phase in phases if phase in prices]
        share = sum((prices[phase] for phase in present), Decimal(0)) / total
        if not present or share >= _MILESTONE_FLOOR:
            continue
        named = " et ".join(f"« {phase.label} »" for phase in present)
        plural = len(present) > 1
        when = milestone.split(" (")[0]  # without the record that proves it
        text = (
            f"{named}, payée{'s' if plural else ''} {when}, "
            f"{'valent' if plural else 'vaut'} {_fine_percent(share)} du prix de la réalisation"
        )
        if Phase.LAUNCH in present:
            text += (
                f" : l'acheteur en paierait {_fine_percent(1 - share)} avant d'avoir admis le "
                "site, alors que cette phase comprend la recette, les redirections, l'export de "
                "test et la garantie"
            )
        found.append(text)
    return found


def _fine_percent(fraction: Decimal) -> str:
    return f"{format_number(fraction * 100, 1)}\u00a0%"


def _percent(fraction: Decimal) -> str:
    return f"{format_number(fraction * 100, 0)}\u00a0%"


def instalment_reminder(selection: Selection) -> str:
    """How the quote form recalls the rule, without restating it."""
    if _phases(selection):
        return "au prix des phases achevées"
    return "à mesure des prestations exécutées"


def late_value(on_order: bool, site_units: Sequence[str] = (), inventory: bool = False) -> str:
    """What V, the value of the late services in the CCAG's late penalty, is.

    The CCAG-TIC's own rule (article 14): the value of the late part, or of the whole when the
    late part makes the whole unusable. A site neither delivered for verification nor put online
    cannot be used, so V is the build's lump sum, neither a phase price (a tiny « Recette et mise
    en ligne » emptied the go-live penalty: small commune I1) nor the balance left after the
    acomptes (which shrank as the delay grew: groupement R3). A commune's own site is the late
    part of a groupement: its own unit prices (``site_units``, K02 and K09) are its value, and the
    platform's DPGF is not (groupement R3).

    ``on_order``: whether purchase orders have deadlines of their own; ``inventory``: whether a
    site's pages are paid on the inventory its commune validates, the annex's figure an estimate
    (groupement review N1: « les quantités prévues » left V unsure).
    """
    rule = (
        "V est la valeur hors taxes des prestations en retard : un site qui n'est pas livré pour "
        "vérification ou pas mis en ligne ne pouvant pas être utilisé, c'est le prix global et "
        "forfaitaire de sa réalisation, sans déduction des acomptes déjà réglés ni réduction au "
        "prix de la phase en retard"
    )
    if site_units:
        units = ", ".join(site_units)
        rule += (
            " ; pour le seul site propre d'une commune, ce sont les prix unitaires de ce site ("
            f"{units}) appliqués à ses quantités"
        )
        if inventory:
            rule += (
                " : le site, et les pages confirmées de l'inventaire qu'elle a validé ou, avant cette "
                "validation, leur estimation dans l'annexe "
                f"{MEMBERS_ANNEX} du présent CCAP, hors les pages auxquelles le CCTP fixe une date "
                "d'achèvement propre, dont le retard est compté à part"
            )
    if on_order:
        rule += " ; pour un bon de commande, son montant HT"
    return rule
