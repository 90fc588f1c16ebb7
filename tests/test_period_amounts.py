"""A renewable contract is measured period by period: the AE gives each period's amount, the
advance is computed on it and the cap on penalties counts only the periods executed.

Finding 8 of the review of 1 December 2026: the « partie ferme » of the AE and of the cap meant
the part outside purchase orders, and the groupement example has none; the firm period and the
renewals appeared nowhere in the amounts.
"""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from tests.conftest import plain_text as _plain
from webpass.documents.coherence import document_text
from webpass.documents.dce import assemble_dce
from webpass.documents.pieces import PieceKind
from webpass.dossier.opening import open_dossier

GROUPEMENT = REPO / "examples" / "communaute-de-communes"
COMMUNE = REPO / "examples" / "petite-commune"
# Small commune M1: the firm period's amount is spelled out, since no piece gives it.
CAP_HEAD = "10 % du montant hors taxes de la première période ferme (prix global et forfaitaire"
CAP_TAIL = (
    "et prix annuels dus pour les mois de service de cette période), augmenté de celui de "
    "chaque reconduction exécutée (prix annuels dus pour ses mois de service)"
)
CAP = f"{CAP_HEAD} de la réalisation, prix unitaires appliqués aux quantités exécutées {CAP_TAIL}"


def _pieces(folder: object) -> dict[PieceKind, str]:
    bundle = assemble_dce(open_dossier(folder).selection)  # type: ignore[arg-type]
    return {
        p.kind: _plain(document_text(p.document)) for p in bundle.pieces if p.document is not None
    }


@pytest.fixture(scope="module")
def groupement() -> dict[PieceKind, str]:
    return _pieces(GROUPEMENT)


def test_the_ae_gives_the_amount_of_each_period(groupement: dict[PieceKind, str]) -> None:
    ae = groupement[PieceKind.ACT]
    assert "dont première période ferme de 24 mois : réalisation (DPGF)" in ae
    # Review R5: the months of service of the firm period are counted in the AE, not at award.
    assert (
        "prix annuels × 1,3333 (16 mois de service prévus ÷ 12, de la mise en ligne visée du 6 "
        "décembre 2027 au terme de la période ; ce montant n'est pas révisé si la mise en ligne "
        "est décalée) (complété par l'acheteur" in ae
    )
    # Review N5: the contract's yearly quantity is the sum of its periods' (1,3333 + 1 + 1).
    assert "prix annuels × 3,3333 années de service prévues (40 mois ÷ 12)" in ae
    assert "chaque reconduction de 12 mois : prix annuels du BPU" in ae
    assert "puis le montant de chaque période, sur lequel l'avance est calculée" in ae


def test_the_advance_and_the_cap_are_measured_on_the_periods(
    groupement: dict[PieceKind, str],
) -> None:
    ccap = groupement[PieceKind.CCAP]
    assert (
        "calculée sur le montant toutes taxes comprises de cette période, indiqué à l'acte" in ccap
    )
    assert f"le total des pénalités, de retard et de niveau de service, est plafonné à {CAP}." in (
        ccap
    )
    assert "montant total hors taxes du marché" not in ccap
    for kind in (PieceKind.CCAP, PieceKind.CONVENTION):
        assert f"le plafond des pénalités, {CAP}, s'apprécie pour l'ensemble" in groupement[kind]
        # No part on order in this example: no member has purchase orders.
        assert "ses bons de commande" not in groupement[kind]


def test_the_small_commune_caps_on_the_same_periods() -> None:
    ccap = _pieces(COMMUNE)[PieceKind.CCAP]
    # No unit price is paid in this example: the cap names none.
    assert f"plafonné à {CAP_HEAD} de la réalisation {CAP_TAIL}." in ccap
    assert "acte d'engagement" not in ccap.split("le total des pénalités")[1][:200]


def test_without_a_part_on_order_no_piece_gives_purchase_orders(
    groupement: dict[PieceKind, str],
) -> None:
    convention = groupement[PieceKind.CONVENTION]
    assert "émet les bons de commande" not in convention
    assert (
        "seul responsable des opérations qu'il mène pour sa propre part : la vérification"
        in convention
    )
    assert (
        "(quantités fermes, quantités estimées pour les unités payées à l'exécution, ou années de "
        "service prévues pour les prix annuels)" in (groupement[PieceKind.RC])
    )
    assert "estimées pour les bons de commande" not in groupement[PieceKind.RC]


def test_a_zero_price_for_a_line_paid_elsewhere_is_no_missing_price(
    groupement: dict[PieceKind, str],
) -> None:
    """Review n° 9: a lump-sum price broken down into 58 lines; a line without a cost of its own
    (legal notices) priced 0 with the line that pays it is admitted, said in the RC."""
    rc = groupement[PieceKind.RC]
    assert "un prix de 0 € est admis pour une prestation comprise dans le prix d'une autre" in rc
    assert "ce n'est pas un prix manquant" in rc


def test_each_member_pays_the_subcontractor_its_part(groupement: dict[PieceKind, str]) -> None:
    """Review n° 22: eight members pay, not « l'acheteur »."""
    ccap = groupement[PieceKind.CCAP]
    assert (
        "est payé directement par chaque membre, pour la part des prestations sous-traitées" in ccap
    )
    assert "est payé directement par l'acheteur" not in ccap
    assert "est payé directement par l'acheteur" in _pieces(COMMUNE)[PieceKind.CCAP]


def test_the_rc_names_the_court_and_the_contractual_refere(
    groupement: dict[PieceKind, str],
) -> None:
    """Review n° 20: the RC, read alone by an evicted bidder, names the court the CCAP names."""
    rc = groupement[PieceKind.RC]
    assert "Instance chargée des procédures de recours : le tribunal administratif de Rennes." in rc
    assert "référé contractuel (article L551-13) dans les 31 jours" in rc
    assert "tribunal administratif de Rennes" in groupement[PieceKind.CCAP]


def test_the_rc_announces_what_the_conformity_answers_are_scored_on(
    groupement: dict[PieceKind, str],
) -> None:
    """Review R7: K01, K03, K04 feed « Méthodologie et planning » and F10 « Téléservices »; the
    RC announces the architecture, the rights and the security there (R2152-7)."""
    rc = groupement[PieceKind.RC]
    assert "architecture de la plateforme multisite et organisation des droits" in rc
    assert "accessibilité des formulaires, sécurité des téléservices" in rc
