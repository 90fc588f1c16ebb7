"""A groupement de commandes whose communes keep their own sites: each member holds, owns and
decides for what it pays, and the convention and the CCAP say so in the same words."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.conftest import piece_document
from tests.conftest import plain_text as _plain
from webpass.core.errors import InputError
from webpass.documents.ccap import build_ccap
from webpass.documents.cctp import CctpDocument, ListBlock, TableBlock
from webpass.documents.coherence import document_text
from webpass.documents.dce import DceBundle, assemble_dce
from webpass.documents.members import group_members
from webpass.documents.pieces import PieceKind
from webpass.documents.terms import dce_terms, member_siren
from webpass.dossier.contract import ContractTerms
from webpass.dossier.opening import open_dossier
from webpass.selection.engine import Selection

ROOT = Path(__file__).resolve().parents[1]
GROUPEMENT = ROOT / "examples" / "communaute-de-communes"
COMMUNE = ROOT / "examples" / "petite-commune"


@pytest.fixture(scope="module")
def bundle(groupement: Selection) -> DceBundle:
    return assemble_dce(groupement)


def _text(bundle: DceBundle, kind: PieceKind) -> str:
    return _plain(document_text(piece_document(bundle, kind)))


def test_no_piece_hands_a_communes_domain_to_the_coordinator(bundle: DceBundle) -> None:
    ccap = _text(bundle, PieceKind.CCAP)
    cctp = _text(bundle, PieceKind.CCTP)
    assert "enregistrés au nom de l'acheteur" not in ccap
    assert "enregistrés au nom du membre titulaire de chaque site (annexe A2)" in ccap
    # N04 (accounts) and G06 (old domain names) follow the CCAP.
    assert "au nom de la communauté de communes du Pays Fouesnantais, avec une adresse" not in cctp
    assert "reste enregistré au nom de la collectivité" not in cctp
    assert cctp.count("au nom du membre titulaire de chaque site (annexe A2 du CCAP)") >= 2


def test_a_single_commune_keeps_everything_in_its_own_name() -> None:
    commune = assemble_dce(open_dossier(COMMUNE).selection)
    ccap = _text(commune, PieceKind.CCAP)
    assert "enregistrés au nom de l'acheteur" in ccap
    assert "membre titulaire" not in _text(commune, PieceKind.CCTP)


def test_each_member_receives_the_rights_on_what_it_pays_for(bundle: DceBundle) -> None:
    ccap = _text(bundle, PieceKind.CCAP)
    assert "le titulaire cède à l'acheteur" not in ccap
    assert (
        "cède à chaque membre du groupement de commandes pour les résultats propres à ses sites"
        in ccap
    )
    assert "à l'ensemble des membres, conjointement, pour la plateforme commune" in ccap


def _powers(document: CctpDocument) -> tuple[str, ...]:
    for article in document.walk():
        for block in article.blocks:
            if isinstance(block, ListBlock):
                items = _items(block)
                if any("pénalités" in item and "membre concerné" in item for item in items):
                    return items
    raise AssertionError("aucune répartition des pouvoirs de l'acheteur")


def _items(block: ListBlock) -> tuple[str, ...]:
    return tuple(_plain("".join(run.text for run in entry)) for entry in block.entries)


def test_the_convention_and_the_ccap_allocate_the_buyers_powers_identically(
    bundle: DceBundle,
) -> None:
    convention = _powers(piece_document(bundle, PieceKind.CONVENTION))
    assert convention == _powers(piece_document(bundle, PieceKind.CCAP))
    joined = " ".join(convention)
    assert (
        "chaque membre procède à la vérification et prononce l'admission de son site propre"
        in joined
    )
    assert "retenues sur les paiements de ce membre" in joined
    assert "ne pas reconduire" in joined and "après avis de tous les membres" in joined
    # The convention no longer gives the coordinator the members' own acceptance.
    assert "prononce les décisions de vérification et d'admission" not in _text(
        bundle, PieceKind.CONVENTION
    )


def _with_terms(selection: Selection, **terms: object) -> Selection:
    contract = ContractTerms.model_validate(terms)
    answers = selection.answers.model_copy(update={"contract": contract})
    return dataclasses.replace(selection, answers=answers)


def test_a_members_billing_ids_come_from_the_dossier(groupement: Selection) -> None:
    benodet = next(m for m in groupement.answers.collectivity.members if m.name == "Bénodet")
    siren = member_siren(benodet)
    assert siren
    selection = _with_terms(
        groupement,
        facturation_des_membres={"Bénodet": {"siret": f"{siren}00018", "code_service": "FIN"}},
    )
    members = {m.name: m for m in group_members(dce_terms(selection))}
    assert members["Commune de Bénodet"].billing == f"SIRET {siren}00018, code service FIN"
    # Nothing is invented for a member the dossier says nothing of: the annex says who gives what.
    other = members["Commune de Pleuven"]
    assert other.billing == other.accountant == "—"
    ccap = _plain(document_text(build_ccap(selection)))
    assert (
        "ne figure pas au tableau (« — ») les communique au titulaire avec la notification" in ccap
    )


def test_a_siret_that_is_not_the_members_is_refused(groupement: Selection) -> None:
    selection = _with_terms(
        groupement, facturation_des_membres={"Bénodet": {"siret": "12345678900018"}}
    )
    with pytest.raises(InputError, match=r"Bénodet.*SIREN"):
        dce_terms(selection)
    with pytest.raises(ValidationError):
        ContractTerms.model_validate({"facturation_des_membres": {"Bénodet": {"siret": "123"}}})
    stranger = _with_terms(
        groupement, facturation_des_membres={"Quimper": {"siret": "12345678900018"}}
    )
    with pytest.raises(InputError, match="Quimper"):
        dce_terms(stranger)


def test_the_annex_has_a_billing_column_for_every_member(bundle: DceBundle) -> None:
    ccap = piece_document(bundle, PieceKind.CCAP)
    annex = next(a for a in ccap.annexes if a.number == "A2")
    payers = [b for b in annex.blocks if isinstance(b, TableBlock)][1]
    assert "Facturation (Chorus Pro)" in payers.header
    column = payers.header.index("Facturation (Chorus Pro)")
    assert all(row[column] for row in payers.rows)


def test_the_shared_processing_has_a_joint_controller_arrangement(bundle: DceBundle) -> None:
    convention = _text(bundle, PieceKind.CONVENTION)
    assert "responsables conjoints (article 26" in convention
    for duty in ("point de contact", "notifie à la CNIL", "clauses de l'article 28"):
        assert duty in convention, duty
    ccap = piece_document(bundle, PieceKind.CCAP)
    a1 = next(a for a in ccap.annexes if a.number == "A1")
    annex = _plain(document_text(dataclasses.replace(ccap, articles=[], annexes=[a1])))
    for item_id in ("F05", "F06", "K04"):
        assert f"({item_id})" in annex, item_id
    assert "responsables conjoints" in annex


def test_a_single_buyer_has_no_joint_control() -> None:
    commune = assemble_dce(open_dossier(COMMUNE).selection)
    assert "responsables conjoints" not in _text(commune, PieceKind.CCAP)
