"""What a bidder needs to price the communes' own sites: their current sites, from the dossier.

Review of 1 December 2026, n° 2: nothing described fouesnant.fr, benodet.fr and saint-evarzec.fr
(volume, tool, host, domain) nor said who takes them over.
"""

from __future__ import annotations

import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import REPO, answers_from_text
from tests.conftest import plain_text as _plain
from webpass.documents.ccap import build_ccap
from webpass.documents.cctp import build_document
from webpass.documents.coherence import document_text
from webpass.documents.convention import convention_document
from webpass.documents.members import payer_shares
from webpass.documents.sharing import cost_shares, sharing_rule
from webpass.documents.takeover import (
    member_page_shares,
    member_validation_duty,
    members_page_ceiling,
    page_price_ceiling,
    prorated,
    remainder_rule,
)
from webpass.documents.terms import PriceKind, dce_terms
from webpass.dossier.opening import open_dossier
from webpass.selection.engine import Selection, select

EXAMPLE = REPO / "examples" / "communaute-de-communes"


def test_the_annex_describes_each_current_site_from_the_dossier(groupement: Selection) -> None:
    cctp = build_document(groupement)
    annex = next(a for a in cctp.annexes if a.title == "Communes membres")
    table = next(b for b in annex.blocks if hasattr(b, "rows"))
    assert "Site actuel" in table.header  # type: ignore[attr-defined]
    rows = {row[0]: row for row in table.rows}  # type: ignore[attr-defined]
    for member in groupement.answers.collectivity.members:
        current = member.current_site
        cell = _plain(rows[member.name][3])
        if current is None:
            assert cell == "aucun site actuel déclaré"
        else:
            assert current.url in cell and f"environ {current.pages} pages" in cell


def test_k02_takes_over_the_described_sites(groupement: Selection) -> None:
    text = _plain(document_text(build_document(groupement)))
    assert (
        "L'annexe « Communes membres » décrit le site actuel de Fouesnant, Bénodet et "
        "Saint-Évarzec" in text
    )
    assert "pose les redirections permanentes vers les nouvelles pages" in text
    assert (
        "Le prix unitaire du site communal comprend ces opérations ; la reprise des pages et des "
        "documents du site actuel est payée à part, page par page, selon l'exigence K09." in text
    )


def test_each_commune_pays_the_pages_of_its_own_site(groupement: Selection) -> None:
    """Review N2: one unit price per site made Saint-Évarzec (60 pages) pay for Fouesnant (240);
    the pages are priced one by one and each commune pays its own."""
    terms = dce_terms(groupement)
    k09 = next(line for line in terms.price_lines if line.item_id == "K09")
    assert (k09.kind, k09.quantity, k09.unit) == (PriceKind.UNIT, 240 + 150 + 60, "page")
    units = {share.name: dict(share.units) for share in cost_shares(terms)}
    assert units["Commune de Fouesnant"] == {"K02": 1, "K09": 240}
    assert units["Commune de Bénodet"] == {"K02": 1, "K09": 150}
    assert units["Commune de Saint-Évarzec"] == {"K02": 1, "K09": 60}
    assert units["Commune de Pleuven"] == {}
    assert (
        "(prix unitaires du BPU : K02 × 1, K09 × le nombre de pages de son site, reprises ou "
        "abandonnées, que le coordonnateur confirme sur l'inventaire qu'elle valide, nombre que "
        "l'annexe « Communes membres » du CCTP estime)" in sharing_rule(terms)
    )
    # Review R9: the hosting's key departs from « each pays its own », and says so.
    assert "par exception au principe qui précède, que les membres acceptent" in sharing_rule(terms)
    # Review R2: one rule, the pages executed, the annex's figure being the estimate.
    text = _plain(document_text(build_ccap(groupement)))
    # Review R6: one go-live deadline, the agreed date falls within it.
    assert "à une date convenue avec l'acheteur dans ce délai ; le retard de mise en ligne" in text
    # Review N1: no « quantités fermes » heading an estimate; a ceiling beyond which the buyer
    # needs a modification; the tables and V count the validated inventory, not « 240 ».
    assert "une partie à prix unitaires : " in text and "pour des quantités fermes" not in text
    assert (
        "K09 : quantité estimée de 450 × page, au prix unitaire du BPU, payée aux unités "
        "exécutées dans la limite de 540 ; l'achat d'unités au-delà fait l'objet d'une "
        "modification du marché" in text
    )
    assert "K02 : quantité ferme de 3 × site communal" in text
    # rev7, n° 2: the cell leaves room for the remainder the coordinator gives the commune.
    assert (
        "K09 × pages confirmées de l'inventaire validé (environ 240, au plus 288, plus les pages "
        "du reliquat qui lui sont réattribuées par écrit)" in text
    )
    assert "reprise des pages de son site actuel, estimées à 240 (K02, K09)" in text
    assert "K09 × 240" not in text and "quantités prévues" not in text
    assert (
        "appliqués à ses quantités : le site, et les pages confirmées de l'inventaire qu'elle a "
        "validé ou, "
        "avant cette validation, leur estimation dans l'annexe A2" in text
    )
    convention = _plain(document_text(convention_document(terms)))
    assert (
        "K09 × pages confirmées de l'inventaire validé (environ 150, au plus 180, plus les pages "
        "du reliquat qui lui sont réattribuées par écrit)" in convention
    )
    assert "K09 × 150" not in convention
    # The 21:25 reading, I1: the pieces each member's officers read carry the common ceiling.
    common = (
        "Le nombre de pages payées au prix unitaire de l'exigence K09, y compris les pages du "
        "site intercommunal au-delà du volume que couvre l'exigence L01 (payées par le "
        "coordonnateur), ne dépasse pas 540"
    )
    assert common in text and common in convention
    # The 22:25 reading, I2, rev7 n° 2 and 3, rev8 § 2: the CCTP's K09, annex A2 and the
    # convention print the one rule takeover.py writes (tests/test_takeover_order.py reads it).
    shares = _plain(members_page_ceiling(groupement))
    remainder = _plain(remainder_rule(groupement))
    assert remainder and remainder in shares
    assert shares in text and shares in convention
    assert "tient le compte des pages" not in text + convention
    assert member_validation_duty() in convention
    assert "part plus grande" not in convention
    # No table caps a commune at its fixed share alone any more (« au plus 288) »).
    for pieces in (text, convention):
        for pages in (288, 180, 72):
            assert f"au plus {pages})" not in pieces
    # The coordinator pays K09 for the intercommunal pages beyond L01: its row says so.
    coordinator = cost_shares(terms)[0]
    assert coordinator.coordinator and coordinator.describe().startswith(
        "K09 × pages du site intercommunal au-delà du volume de l'exigence L01 que le "
        "coordonnateur confirme sur la part du reliquat qu'il réattribue par écrit à ce site ; "
    )
    # Review N7: the intercommunal site's takeover is a maximum, K09 pays beyond it, and K09's
    # own ceiling counts those pages too.
    cctp = _plain(document_text(build_document(groupement)))
    # The 22:25 reading, M5: documents beyond the lump sum's count, its pages not exceeded, are
    # paid with the page that proposes them. The 00:05 reading, N2: the communes' shares may
    # take the whole ceiling, so nothing is taken over beyond the confirmed remainder.
    assert (
        "Le prix global couvre la reprise de 216 pages et 384 documents au plus, pages que "
        "l'inventaire conduit à abandonner comprises ; au-delà, chaque page en plus que le "
        "coordonnateur confirme est payée, avec ses documents, par le coordonnateur au prix "
        "unitaire d'une page de l'exigence K09, "
        "dans la limite de la part du reliquat du plafond de l'exigence K09 que le coordonnateur "
        "réattribue par écrit au site intercommunal ; une page comprise dans ce "
        "volume qui propose des documents au-delà du 384e, comptés dans l'ordre de l'inventaire, "
        "est payée de même, une seule fois, avec ses documents ; au-delà de ce reliquat, aucune "
        "page n'est reprise ni payée sans une modification préalable du marché. "
        + remainder.removesuffix(".")
        in cctp
    )
    # rev7, n° 3: L01 states the remainder's deadline in K09's words, once in K09 and once in L01.
    assert cctp.count(remainder.removesuffix(".")) == 2
    assert (
        "volume que couvre l'exigence L01 (payées par le coordonnateur), ne dépasse pas 540" in cctp
    )
    assert _plain(page_price_ceiling(groupement, joint_purchasing=True)) in cctp
    # Review N9: eight controllers, each homologates its own téléservices on the one file.
    assert (
        "Le président de la communauté de communes du Pays Fouesnantais, coordonnateur, homologue "
        "le site intercommunal, la plateforme commune et les téléservices communs ; le maire de "
        "chaque commune homologue, sur le même dossier" in cctp
    )
    assert "L'autorité de la collectivité signe" not in cctp


def test_each_commune_validates_within_its_share_of_the_ceiling(groupement: Selection) -> None:
    """The 22:25 reading, I2: the shares come from the annex's estimates, not typed."""
    assert member_page_shares(groupement) == [
        ("Fouesnant", 288),
        ("Bénodet", 180),
        ("Saint-Évarzec", 72),
    ]


def test_the_price_sheet_lets_each_commune_pay_the_remainder_it_is_given(
    groupement: Selection,
) -> None:
    """rev7, n° 2: the « Répartition par membre » sheet said « au plus 288 » while the coordinator
    may give a commune more; a page so given is paid by that commune, the intercommunal site's by
    the coordinator, and the sheet's quantities stay the estimates the BPU sums."""
    terms = dce_terms(groupement)
    rows = {share.payer: share for share in payer_shares(terms)}
    for commune, pages in member_page_shares(groupement):
        row = rows[f"Commune de {commune}"]
        assert (
            f"au plus {pages}, plus les pages du reliquat qui lui sont réattribuées par écrit)"
            in _plain(row.summary)
        )
    coordinator = rows[groupement.answers.collectivity.name]
    assert "que le coordonnateur confirme sur la part du reliquat qu'il réattribue" in _plain(
        coordinator.summary
    )
    assert "K09" not in dict(coordinator.lines)
    k09 = next(line for line in terms.price_lines if line.item_id == "K09")
    assert sum(dict(row.lines).get("K09") or 0 for row in rows.values()) == k09.quantity


@given(
    st.integers(min_value=0, max_value=100_000),
    st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=12),
)
def test_prorated_shares_add_up_and_stay_within_a_unit(units: int, weights: list[int]) -> None:
    named = [(f"c{index}", weight) for index, weight in enumerate(weights)]
    parts = prorated(units, named)
    assert [name for name, _ in parts] == [name for name, _ in named]
    assert sum(part for _, part in parts) == units
    total = sum(weights)
    for (_, part), weight in zip(parts, weights, strict=True):
        assert units * weight // total <= part <= units * weight // total + 1


def test_the_unit_prices_of_the_build_are_firm_and_paid_with_its_instalments(
    groupement: Selection,
) -> None:
    """Review n° 10: K02 (and now K09) were revisable yearly and out of the payment schedule."""
    text = _plain(document_text(build_ccap(groupement)))
    assert "et les prix unitaires de ses quantités (K02, K09) sont fermes" in text
    assert "Les prix forfaitaires annuels sont révisables" in text
    assert (
        "Les prix unitaires de la réalisation (K02, K09) suivent le même échéancier : chaque "
        "acompte comprend, à leur prix unitaire, les unités (K02 : site communal, K09 : page) "
        "exécutées depuis l'acompte précédent" in text
    )


def test_a_commune_site_waits_for_the_transfer_code_its_commune_obtains(
    groupement: Selection,
) -> None:
    """Review N7: Bénodet's domain is held by the outgoing agency, a third party to the contract:
    the commune obtains the code, and the delay runs from its handing over."""
    text = _plain(document_text(build_document(groupement)))
    assert (
        "La commune obtient de son prestataire actuel et remet au titulaire le code de transfert"
        in text
    )
    assert (
        "le délai de mise en ligne de l'article 4 du CCAP ne court, pour ce site, qu'à compter de "
        "la remise, et aucune pénalité de retard n'est due pour ce site avant elle" in text
    )
    convention = _plain(document_text(convention_document(dce_terms(groupement))))
    assert (
        "si son site actuel est repris, obtenir de son prestataire actuel et remettre au titulaire "
        "le code de transfert de son nom de domaine" in convention
    )


def test_without_a_described_site_k02_promises_no_takeover() -> None:
    data = yaml.safe_load((EXAMPLE / "webpass.yaml").read_text(encoding="utf-8"))
    for member in data["collectivite"]["communes"]:
        member.pop("site_actuel", None)
    answers = answers_from_text(yaml.safe_dump(data, allow_unicode=True))
    assert not any(m.current_site for m in answers.collectivity.members)
    catalog = open_dossier(EXAMPLE).selection.catalog
    selection = select(catalog, answers)
    text = _plain(document_text(build_document(selection)))
    assert "décrit le site actuel" not in text
    assert selection.selected("K09") is None


def test_the_bookings_leave_the_campsite_to_its_own_tool_and_name_the_activities(
    groupement: Selection,
) -> None:
    """Review n° 4: a campsite is booked per pitch and night, with a deposit and the tourist tax;
    it keeps its own tool, and the line's enrolment in activities is described."""
    text = _plain(document_text(build_document(groupement)))
    e06 = text.split("La demande en ligne de réservation de", 1)[1].split("|", 1)[0]
    assert "camping" not in e06
    assert "l'inscription aux activités de la collectivité (ateliers, sorties, stages)" in e06
    assert "le camping municipal garde son outil de réservation" in text


def test_without_l01_the_remainder_goes_to_the_communes_and_is_due_at_delivery() -> None:
    """rev7, n° 3, a new site (no L01): the remainder has no intercommunal pages to pay, and its
    pages' deadline is the delivery, unless the confirmation comes too late for it."""
    data = yaml.safe_load((EXAMPLE / "webpass.yaml").read_text(encoding="utf-8"))
    data["projet"]["nature"] = "creation"
    data["projet"].pop("site_actuel", None)
    answers = answers_from_text(yaml.safe_dump(data, allow_unicode=True))
    selection = select(open_dossier(EXAMPLE).selection.catalog, answers)
    assert selection.selected("L01") is None and selection.selected("K09") is not None
    text = _plain(document_text(build_document(selection)))
    assert (
        "le coordonnateur le réattribue par écrit à une ou plusieurs communes, en confirmant au "
        "titulaire les pages suivantes de leur ordre de priorité." in text
    )
    assert (
        "est achevée au plus tard à la livraison du site en préproduction ou, si elle est plus "
        "tardive, 10 jours ouvrés après leur confirmation" in text
    )
    assert "site intercommunal" not in text.split("ne dépasse pas 540", 1)[1].split("Autres", 1)[0]
