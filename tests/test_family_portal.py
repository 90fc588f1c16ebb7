"""The family portal (F03) serves the competence of whoever runs each service.

Finding 1 of the review of 1 December 2026: the portal enrols in the communauté's leisure centre
(a transferred competence), yet the communes alone paid for it and were its controllers.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from pydantic import ValidationError

from tests.conftest import REPO
from tests.conftest import plain_text as _plain
from webpass.documents.coherence import document_text
from webpass.documents.dce import assemble_dce
from webpass.documents.pieces import PieceKind
from webpass.documents.sharing import cost_shares
from webpass.documents.terms import dce_terms
from webpass.dossier.contract import ContractTerms
from webpass.dossier.questionnaire import contract_questions
from webpass.selection.engine import Selection

EXAMPLE = REPO / "examples" / "communaute-de-communes"
COORDINATOR = "Communauté de communes du Pays Fouesnantais"


@pytest.fixture(scope="module")
def pieces(groupement: Selection) -> dict[PieceKind, str]:
    bundle = assemble_dce(groupement)
    return {
        p.kind: _plain(document_text(p.document)) for p in bundle.pieces if p.document is not None
    }


def _without_transfer(selection: Selection) -> Selection:
    contract = selection.answers.contract
    assert contract is not None
    terms = contract.model_dump(by_alias=True)
    terms.pop("espace_famille_services_du_groupement")
    terms.pop("part_espace_famille_du_groupement")
    answers = selection.answers.model_copy(update={"contract": ContractTerms.model_validate(terms)})
    return dataclasses.replace(selection, answers=answers)


def test_the_communaute_pays_its_share_of_the_portal_and_the_communes_the_rest(
    groupement: Selection,
) -> None:
    shares = {
        s.name: dict(s.fractions).get("F03", Decimal(0)) for s in cost_shares(dce_terms(groupement))
    }
    assert shares[COORDINATOR] == Decimal("0.5")
    assert sum(shares.values()) == 1
    assert shares["Commune de Fouesnant"] > shares["Commune de Clohars-Fouesnant"] > 0


def test_the_rule_names_each_payer_for_its_competence(pieces: dict[PieceKind, str]) -> None:
    expected = (
        "l'espace famille est payé pour 50 % par le coordonnateur, au titre de l'accueil de "
        "loisirs, qu'il exerce par transfert de compétence, et pour 50 % par les communes, au "
        "titre de l'inscription scolaire, la restauration scolaire et l'accueil périscolaire"
    )
    for kind in (PieceKind.CCAP, PieceKind.CONVENTION):
        assert expected in pieces[kind], kind
        assert "compétence communale, sont payées" not in pieces[kind]


def test_the_communaute_is_controller_of_its_enrolments_and_the_file_is_joint(
    pieces: dict[PieceKind, str],
) -> None:
    ccap = pieces[PieceKind.CCAP]
    assert (
        "les inscriptions de l'espace famille à ses services : l'accueil de loisirs (F03)" in ccap
    )
    assert (
        "l'inscription scolaire, la restauration scolaire et l'accueil périscolaire de ses écoles (F03)"
        in ccap
    )
    joint = "le dossier commun de la famille dans l'espace famille (F03)"
    assert joint in ccap and joint in pieces[PieceKind.CONVENTION]


def test_without_a_transfer_the_communes_pay_and_control_the_whole_portal(
    groupement: Selection,
) -> None:
    terms = dce_terms(_without_transfer(groupement))
    shares = {s.name: dict(s.fractions).get("F03", Decimal(0)) for s in cost_shares(terms)}
    assert shares[COORDINATOR] == 0 and sum(shares.values()) == 1
    ccap = _plain(
        document_text(
            next(
                p for p in assemble_dce(terms.selection).pieces if p.kind is PieceKind.CCAP
            ).document
        )
    )
    assert "l'accueil périscolaire et l'accueil de loisirs de ses écoles (F03)" in ccap
    assert "le dossier commun de la famille" not in ccap


def test_a_share_without_a_service_is_refused() -> None:
    with pytest.raises(ValidationError, match="espace_famille_services_du_groupement"):
        ContractTerms.model_validate({"part_espace_famille_du_groupement": "0.4"})


def test_the_wizard_asks_which_services_the_groupement_runs() -> None:
    data = {"collectivite": {"type": "communaute_de_communes", "communes": [{"nom": "A"}]}}
    question = next(q for q in contract_questions(data) if q.key == "espace_famille_groupement")
    assert question.applies(data)
    assert question.parse("3") == ["accueil_de_loisirs"]
    assert question.parse("-") is None
    share = next(q for q in contract_questions(data) if q.key == "part_espace_famille")
    assert not share.applies(data)
    chosen = {**data, "marche": {"espace_famille_services_du_groupement": ["accueil_de_loisirs"]}}
    assert share.applies(chosen)
    commune = {"collectivite": {"type": "commune"}}
    assert not question.applies(commune)


def test_the_printed_key_sums_to_exactly_100_percent(groupement: Selection) -> None:
    """Review n° 12: 17,53 % and 6,47 % printed made 100,01 %; the printed key is the one the
    sheet's formulas apply."""
    import re

    printed: dict[str, Decimal] = {}
    for share in cost_shares(dce_terms(groupement)):
        for what, figure in re.findall(r"([^;]+?) : ([\d,]+)\s?%", share.describe()):
            key = what.strip()
            printed[key] = printed.get(key, Decimal(0)) + Decimal(figure.replace(",", "."))
    assert printed["plateforme commune (DPGF hors lignes affectées)"] == 100
    assert printed["F03"] == 100 and printed["PSE F13, si elle est retenue"] == 100


def test_the_convention_words_its_own_arrangement(pieces: dict[PieceKind, str]) -> None:
    """Review n° 25: the convention does not send to itself, no pronoun for the coordinator, and
    6184 only for a declared training body."""
    convention = pieces[PieceKind.CONVENTION]
    assert "(article 26 du RGPD), selon l'accord ci-dessous" in convention
    assert "selon l'accord de la convention constitutive" not in convention
    assert "selon l'accord de la convention constitutive" in pieces[PieceKind.CCAP]
    assert "pour ces traitements, reçoit et instruit leurs demandes" in convention
    for kind in (PieceKind.CCAP, PieceKind.CONVENTION, PieceKind.ACT):
        assert (
            "6184 « Versements à des organismes de formation » si le titulaire est un"
            in (pieces[kind])
        )
