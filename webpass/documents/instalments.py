"""The one rule of the build's instalments (acomptes), stated by the CCAP and recalled by the quote
form.

An acompte is worth the services it pays for, never more (articles L2191-4 and R2191-21 of the
Code de la commande publique). Where the quote form prices the build by phase, each acompte is
the price of the phases the milestone completes, so the bidder's own breakdown pays it; fixed
percentages would pay more or less than the work done. Where prices are asked per requirement
(DPGF), each acompte is the value, at the contract's prices, of the services done since the last one.
"""

from __future__ import annotations

from webpass.documents.price_phases import Phase, phase_groups
from webpass.selection.engine import Selection

__all__ = ["instalment_entries", "instalment_lead", "instalment_reminder", "late_value"]

# The milestone that completes each phase, in the order of the build; the buyer's decision or
# record at each one is the service-done proof of the acompte. The delivery and the admission
# are also the two deadlines of the contractor the late penalty counts (late_value).
_MILESTONES: tuple[tuple[str, tuple[Phase, ...]], ...] = (
    ("à la validation des maquettes", (Phase.CONCEPTION, Phase.DESIGN)),
    (
        "à la livraison du site en ordre de marche pour vérification (procès-verbal de mise en "
        "ordre de marche)",
        (Phase.BUILD, Phase.CONTENT),
    ),
    ("à la fin des formations et à la remise de la documentation", (Phase.TRAINING,)),
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


def instalment_reminder(selection: Selection) -> str:
    """How the quote form recalls the rule, without restating it."""
    if _phases(selection):
        return "au prix des phases achevées"
    return "à mesure des prestations exécutées"


def late_value(selection: Selection, payments_article: str, on_order: bool) -> str:
    """What V, the value of the late services in the CCAG's late penalty, is: the prices the
    late milestone pays, so the penalty follows the acompte the contractor is late on rather
    than a value left to interpretation (review of 1 December 2026, small commune N12).

    ``payments_article``: the CCAP's article on payments, « 6.2 »; ``on_order``: whether purchase
    orders have deadlines of their own.
    """
    present = _phases(selection)
    order = " ; pour un bon de commande, son montant HT" if on_order else ""
    if not present:
        return (
            "V est le prix global et forfaitaire de la réalisation, diminué des acomptes déjà "
            f"réglés à la date où le retard commence (article {payments_article} du présent CCAP)"
            + order
        )
    _, delivered = _MILESTONES[1]
    _, launched = _MILESTONES[-1]
    delivery = " et ".join(f"« {p.label} »" for p in delivered if p in present)
    launch = " et ".join(f"« {p.label} »" for p in launched if p in present)
    return (
        "V est la somme des prix des phases que l'étape en retard achève (article "
        f"{payments_article} du présent CCAP) : {delivery} pour la livraison pour vérification ; "
        f"{launch} pour la mise en ligne" + order
    )
