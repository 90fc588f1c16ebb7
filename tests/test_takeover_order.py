"""The public services' marks N01 lets the site show, and the order of the communes' pages.

rev10 § 1: F05, F02 and F13 did not point to N01's carve-out, the CCAP (which prevails) still
made those marks prior knowledge, and in a groupement « la collectivité » left out the member
whose service it is. rev8 § 2 n° 1 to 3 and rev10 § 2: a commune could not validate pages beyond
a share before the remainder existed, nothing said how pages due late are checked, whether the
coordinator's confirmations stretch the delivery delay, nor what the prorata's base is. Each
test reads the pieces of the shipped examples.
"""

from __future__ import annotations

import pytest

from tests.conftest import article_text as _article
from tests.conftest import dce_documents
from tests.conftest import document_plain_text as _text
from tests.conftest import plain_text as _plain
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.cctp import CctpDocument
from webpass.documents.members import payer_shares
from webpass.documents.pieces import PieceKind
from webpass.documents.question import asked_answer
from webpass.documents.takeover import (
    confirmation_delays,
    intercommunal_order,
    late_pages_payment,
    late_pages_penalty,
    member_page_shares,
    member_validation_duty,
    members_page_ceiling,
    page_price_ceiling,
    remainder_rule,
    takeover_pages_beyond,
    takeover_validation_power,
)
from webpass.documents.terms import dce_terms
from webpass.selection.engine import Selection

Pieces = dict[PieceKind, CctpDocument]


@pytest.fixture(scope="module")
def pc(commune: Selection) -> Pieces:
    return dce_documents(commune)


@pytest.fixture(scope="module")
def cc(groupement: Selection) -> Pieces:
    return dce_documents(groupement)


def _before(text: str, first: str, then: str) -> bool:
    return -1 < text.find(first) < text.find(then)


# --- N01 and the marks it lets the site show --------------------------------------------------


def test_the_items_showing_a_public_mark_point_to_n01(cc: Pieces, pc: Pieces) -> None:
    cctp = cc[PieceKind.CCTP]
    assert "bouton FranceConnect officiel (exigence N01)" in _article(cctp, "F05")
    for item_id in ("F02", "F13"):
        assert "logo PayFiP est celui que fournit la DGFiP (exigence N01)" in _article(
            cctp, item_id
        )
    # The small commune publishes F02 as a need in a table, and has neither F05 nor F13.
    small = _text(pc[PieceKind.CCTP])
    assert "logo PayFiP que fournit la DGFiP (exigence N01)" in small
    assert "bouton FranceConnect officiel" not in small


def test_n01_and_the_ccap_use_one_term_and_the_same_carve_out(cc: Pieces, pc: Pieces) -> None:
    for pieces in (cc, pc):
        n01 = _article(pieces[PieceKind.CCTP], "N01")
        ccap = _article(pieces[PieceKind.CCAP], CcapArticle.PROPERTY.number)
        # The CCAG's term in both pieces; the CCTP had its own (« éléments préexistants »).
        assert "préexistant" not in n01 + ccap
        assert "ni des résultats du marché ni des connaissances antérieures" in n01
        assert "un service auquel" in n01 and "ou un label qui lui est attribué" in n01
        # The CCAP, which prevails, takes those marks out of the list, the rights and the
        # eviction guarantee, by reference to N01, as a derogation it lists.
        carve_out = ccap.split("que l'exigence N01 du CCTP exclut de son interdiction", 1)
        assert len(carve_out) == 2
        assert "ni des résultats ni des connaissances antérieures" in carve_out[1]
        for duty in ("ne les liste pas", "ne cède aucun droit", "n'en garantit pas les droits"):
            assert duty in carve_out[1]
        derogations = _article(pieces[PieceKind.CCAP], CcapArticle.DEROGATIONS.number)
        assert "Marques, boutons et logos des services publics exclus" in derogations


def test_in_a_groupement_the_marks_are_the_member_s(cc: Pieces, pc: Pieces) -> None:
    member = "ou d'un membre du groupement"
    assert member in _article(cc[PieceKind.CCTP], "N01")
    assert "pour le compte de ce bénéficiaire" in _article(cc[PieceKind.CCTP], "N01")
    assert "chaque membre concerné" in _article(cc[PieceKind.CCAP], CcapArticle.PROPERTY.number)
    small = _article(pc[PieceKind.CCTP], "N01")
    assert member not in small and "pour le compte de celle-ci" in small


# --- K09: the order of the pages, the late ones, the delays, the prorata ----------------------


def test_a_commune_validates_its_whole_inventory_then_the_coordinator_confirms_in_order(
    groupement: Selection, cc: Pieces
) -> None:
    rule = _plain(members_page_ceiling(groupement))
    assert "valide l'inventaire complet de son site" in rule
    assert "dans l'ordre de priorité qu'elle fixe, les pages qui dépassent sa part" in rule
    # First the pages within the share, then from the remainder the next pages of that order.
    assert _before(rule, "confirme d'abord", "les pages suivantes de leur ordre de priorité")
    # All the pages of a validated inventory, within the share: no choice left (rev11a m4).
    assert "toutes les pages de cet inventaire, dans la limite de la part de la commune" in rule
    assert _before(rule, "dans la limite de la part de la commune", "Le reliquat du plafond")
    # No commune is told to validate within a share the remainder then raises (rev8 n° 1).
    assert "dans la limite de sa part de ce plafond" not in rule
    # The same rule in CCTP K09, annex A2 of the CCAP and the convention, whose article 5 says
    # the same order.
    assert _plain(page_price_ceiling(groupement, joint_purchasing=True)) in _article(
        cc[PieceKind.CCTP], "K09"
    )
    for kind in (PieceKind.CCAP, PieceKind.CONVENTION):
        assert rule in _text(cc[kind])
    convention = _text(cc[PieceKind.CONVENTION])
    assert _plain(member_validation_duty()) in convention
    assert "inventaire complet" in member_validation_duty()
    assert _before(member_validation_duty(), "celles de sa part", "celles du reliquat")


def test_the_prorata_base_is_the_sum_of_the_estimates(groupement: Selection) -> None:
    members = groupement.answers.collectivity.members
    estimates = {m.name: m.current_site.pages for m in members if m.current_site}
    base = sum(estimates.values())
    shares = dict(member_page_shares(groupement))
    ceiling = sum(shares.values())
    rule = _plain(members_page_ceiling(groupement))
    assert f"soit une base de {base} pages)" in rule
    assert f"ne dépasse pas {ceiling}." in rule
    for name, pages in estimates.items():
        assert shares[name] == ceiling * pages // base  # 540 × 240 / 450 = 288, exact here
        assert f"environ {pages}" in rule and f"{shares[name]}" in rule


def test_pages_due_late_neither_hold_up_the_acceptance_nor_the_going_online(
    groupement: Selection, cc: Pieces
) -> None:
    late = _plain(remainder_rule(groupement))
    # Every page confirmed, from a share or the remainder, is dated by the later of two dates.
    assert "sur les parts des communes ou sur ce reliquat" in late
    assert "10 jours ouvrés après leur confirmation" in late
    for rule in (
        "sont vérifiées pendant la vérification de service régulier",
        "leur absence n'est pas une anomalie de la vérification d'aptitude",
        "ne retarde pas la mise en ligne",
        "maintient son ancien site consultable par le titulaire",
        "puis vers leurs nouvelles pages dès leur reprise",
    ):
        assert rule in late
    # K09 and L01, where the bidder reads the takeover's deadline, both state it.
    cctp = cc[PieceKind.CCTP]
    for item_id in ("K09", "L01"):
        assert late.removesuffix(".") in _article(cctp, item_id)


def test_the_confirmations_suspend_only_their_pages_takeover(
    groupement: Selection, cc: Pieces, pc: Pieces
) -> None:
    sentence = _plain(confirmation_delays(groupement))
    assert "ne suspendent ce délai que pour la reprise des pages qu'ils concernent" in sentence
    assert "ils ne suspendent pas la livraison du site" in sentence
    assert "exigence K09 du CCTP" in sentence
    # A08 and article 4 of the CCAP print the delivery rule word for word, with this sentence
    # after the validations it adds to; K09 and L01 no longer say « non compris ».
    a08 = _article(cc[PieceKind.CCTP], "A08")
    delays = _article(cc[PieceKind.CCAP], CcapArticle.DURATION.number)
    for text in (a08, delays):
        assert _before(text, "quelle que soit la durée de cet examen", sentence)
    assert "non compris dans ceux du titulaire" not in _text(cc[PieceKind.CCTP])
    assert "ne suspendent pas la livraison du site" in _plain(remainder_rule(groupement))
    assert "ne suspendent" not in _text(pc[PieceKind.CCTP]) + _text(pc[PieceKind.CCAP])


def test_the_price_sheet_rows_pay_the_confirmed_pages(groupement: Selection) -> None:
    rows = {row.payer: row for row in payer_shares(dce_terms(groupement))}
    for commune, pages in member_page_shares(groupement):
        summary = _plain(rows[f"Commune de {commune}"].summary)
        assert "pages confirmées de l'inventaire validé" in summary
        assert f"au plus {pages}, plus les pages du reliquat" in summary


def test_a_commune_alone_has_no_share_remainder_nor_coordinator(
    commune: Selection, pc: Pieces
) -> None:
    assert member_page_shares(commune) == []
    assert remainder_rule(commune) == "" and confirmation_delays(commune) == ""
    assert member_validation_duty() not in _text(pc[PieceKind.CCAP])
    for kind in (PieceKind.CCTP, PieceKind.CCAP):
        text = _text(pc[kind])
        for word in ("reliquat", "coordonnateur", "inventaire complet", "soit une base"):
            assert word not in text, (kind, word)


# --- rev11a § 4: the intercommunal site's confirmed pages, penalties, late pages --------------


def test_the_intercommunal_site_s_pages_beyond_l01_are_confirmed_in_its_inventory_s_order(
    groupement: Selection, cc: Pieces
) -> None:
    """rev11a I1: only confirmed pages are taken over at K09's price, and the remainder given
    to the intercommunal site was given « en nombre de pages », never confirmed."""
    rule = _plain(remainder_rule(groupement))
    given = rule.split("ou au site intercommunal", 1)
    assert len(given) == 2
    assert "en nombre de pages" not in rule
    assert _before(given[1], "en confirmant au titulaire les pages de l'inventaire de ce site", ".")
    assert "dans l'ordre de priorité que cet inventaire désigne" in given[1]
    # L01's inventory is what designates that order, where the bidder reads L01.
    l01 = _article(cc[PieceKind.CCTP], "L01")
    assert _before(
        l01,
        "l'inventaire des contenus",
        "cet inventaire désigne, dans l'ordre de priorité que la collectivité fixe en le validant, "
        "les pages qui dépassent le volume que couvre le prix global",
    )
    assert "chaque page en plus que le coordonnateur confirme est payée" in l01
    # The coordinator's payment line says the same in annex A2, the convention and the sheet.
    line = _plain(takeover_pages_beyond("K09"))
    assert "que le coordonnateur confirme sur la part du reliquat" in line
    for kind in (PieceKind.CCAP, PieceKind.CONVENTION):
        assert line in _text(cc[kind]), kind
    assert (
        "pages du site intercommunal au-delà du volume que couvre l'exigence L01, que le "
        "coordonnateur confirme et paie au même prix unitaire (K09)"
    ) in _text(cc[PieceKind.CONVENTION])
    rows = {row.payer: row for row in payer_shares(dce_terms(groupement))}
    coordinator = next(row for row in rows.values() if row.role == "coordonnateur")
    assert line in _plain(coordinator.summary)


def test_a_page_dated_by_k09_is_late_from_its_date_on_its_own_value(
    groupement: Selection, cc: Pieces, pc: Pieces
) -> None:
    """rev11a I2: the CCAP, which prevails on penalties, gave such a page neither a start nor a
    value, and « délais de l'acheteur » read as suspending the whole site's delay."""
    penalties = _article(cc[PieceKind.CCAP], CcapArticle.PENALTIES.number)
    suspended, dated = (_plain(part).strip() for part in late_pages_penalty(groupement, "X"))
    assert suspended.removesuffix("X") in penalties
    # After the buyer's delays it qualifies, before the formula; then the page's own V.
    assert _before(
        penalties, "de décision de l'acheteur", "ne suspendent le délai du titulaire que pour"
    )
    assert _before(penalties, "ne suspendent le délai du titulaire que pour", "P = V × R / 1 000")
    assert dated in penalties
    assert _before(penalties, "R le nombre de jours de retard", dated)
    assert "le retard court à compter de cette date" in dated
    assert (
        "V est le prix unitaire d'une page de l'exigence K09 appliqué au nombre de pages en retard"
        in dated
    )
    small = _article(pc[PieceKind.CCAP], CcapArticle.PENALTIES.number)
    assert "date d'achèvement propre" not in small and "coordonnateur" not in small


def test_late_pages_are_checked_and_reported_after_the_regular_service_check(
    groupement: Selection, cc: Pieces
) -> None:
    """rev11a m1 and m2: a page due after the regular service check ends, and what the holder
    reads it from once the domain name has moved."""
    late = _plain(remainder_rule(groupement))
    for rule in (
        "si leur date d'achèvement est postérieure à la fin de celle-ci, à leur achèvement et "
        "avant leur paiement",
        "un rapport de reprise complémentaire",
        "à une adresse provisoire, ou lui en remet l'export",
        "à défaut, la date d'achèvement de ces pages est reportée",
        "le titulaire redirige leurs anciennes adresses vers la rubrique du nouveau site",
    ):
        assert rule in late, rule
    # The same sentences wherever the rule is printed.
    cctp = cc[PieceKind.CCTP]
    for text in (
        _article(cctp, "K09"),
        _article(cctp, "L01"),
        _text(cc[PieceKind.CCAP]),
        _text(cc[PieceKind.CONVENTION]),
    ):
        assert late.split(". ", 2)[-1].removesuffix(".") in text


def test_each_commune_validates_within_the_buyer_s_decision_delay(
    groupement: Selection, cc: Pieces
) -> None:
    """rev11a m3: the commune validates, the buyer decides: one delay binds it."""
    delay = f"dans le délai de décision de l'article {CcapArticle.DURATION.number} du CCAP"
    rule = _plain(members_page_ceiling(groupement))
    assert delay in rule and (
        "sa validation, que le coordonnateur notifie au titulaire dans ce délai, vaut décision "
        "de l'acheteur sur ce livrable" in rule
    )
    assert delay in member_validation_duty()
    assert _plain(member_validation_duty()) in _text(cc[PieceKind.CONVENTION])
    # Article 4 is where the buyer's decision delay on an intermediate deliverable is set.
    duration = _article(cc[PieceKind.CCAP], CcapArticle.DURATION.number)
    assert "notifie sa décision sur un livrable intermédiaire" in duration


def test_the_grid_asks_the_prior_knowledge_without_the_public_marks(
    groupement: Selection, commune: Selection
) -> None:
    """rev11a m6: a careful bidder listed the FranceConnect button's font, against the CCAP."""
    for selection in (groupement, commune):
        item = selection.catalog.item("N01")
        question = asked_answer(item, selection).question
        assert "hors les marques, boutons et logos de services publics que le CCAP en exclut" in (
            _plain(question)
        )


def test_k09_s_price_line_names_both_sites_it_pays(groupement: Selection, cc: Pieces) -> None:
    """rev11a m7: the same line pays the intercommunal site's pages beyond L01."""
    lines = {line.item_id: line for line in dce_terms(groupement).price_lines}
    title = "des sites communaux actuels et, au-delà de l'exigence L01, du site intercommunal"
    assert _plain(lines["K09"].title).endswith(title)
    # The CCAP's price list lowers the title's first letter only: « l01 » read as no requirement.
    assert f"reprise des pages {title} (K09 : quantité estimée" in _text(cc[PieceKind.CCAP])


def test_the_franceconnect_habilitation_is_the_platform_s(cc: Pieces, pc: Pieces) -> None:
    """rev11a m5: one service provider for every site of the platform."""
    assert "déposée au nom de la collectivité pour tous les sites de la plateforme" in _article(
        cc[PieceKind.CCTP], "F05"
    )
    assert "tous les sites de la plateforme" not in _text(pc[PieceKind.CCTP])


def test_the_small_commune_s_l01_and_penalties_keep_no_groupement_rule(
    commune: Selection, pc: Pieces
) -> None:
    assert intercommunal_order(commune) == ""
    assert late_pages_penalty(commune, "l'article 4") == ("", "")
    l01 = _article(pc[PieceKind.CCTP], "L01")
    for words in ("ordre de priorité", "consultable", "complémentaire", "site intercommunal"):
        assert words not in l01, words


def test_the_coordinator_notifies_each_commune_s_validation(
    groupement: Selection, commune: Selection, cc: Pieces
) -> None:
    """rev12 N1: the convention reserves to the coordinator the decisions addressed to the
    holder, yet a commune's validation was « décision de l'acheteur » with no one to notify it."""
    convention = _text(cc[PieceKind.CONVENTION])
    power = takeover_validation_power(groupement)
    assert power is not None and _plain(power) in convention
    assert "le coordonnateur notifie cette validation au titulaire" in power
    assert "la validation de l'inventaire de son site actuel" in convention
    assert "que le coordonnateur notifie au titulaire dans ce délai" in member_validation_duty()
    assert takeover_validation_power(commune) is None


def test_pages_completed_after_the_regular_service_check_are_received_and_paid(
    groupement: Selection, commune: Selection, cc: Pieces, pc: Pieces
) -> None:
    """rev12 N2: the balance is paid at acceptance, so such a page fell in no payment and no
    decision received it; N4: the commune's site value counted it a second time."""
    payment = _article(cc[PieceKind.CCAP], CcapArticle.PAYMENT.number)
    assert _plain(late_pages_payment(groupement)).strip() in payment
    assert "payées hors du solde, par un acompte que le titulaire demande à leur achèvement" in (
        payment
    )
    received = (
        "sa décision de les recevoir ou de les ajourner dans les 10 jours ouvrés qui suivent la "
        "remise de ce rapport ; à défaut, elles sont réputées reçues"
    )
    assert received in _plain(remainder_rule(groupement))
    assert received in _text(cc[PieceKind.CCAP])
    penalties = _article(cc[PieceKind.CCAP], CcapArticle.PENALTIES.number)
    assert "hors les pages auxquelles le CCTP fixe une date d'achèvement propre" in penalties
    assert late_pages_payment(commune) == ""
    small = _text(pc[PieceKind.CCAP])
    assert "réputées reçues" not in small and "hors du solde" not in small
