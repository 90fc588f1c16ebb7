"""The groupement example read as a lawyer and a web agency read it: one rule per question,
stated alike in every piece (orders, PSE budget, budget imputation, cost sharing, data controllers)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from webpass.catalog.model import BudgetAccount, CostNature
from webpass.documents.coherence import document_text
from webpass.documents.dce import assemble_dce
from webpass.documents.pieces import PieceKind
from webpass.dossier.opening import open_dossier

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "communaute-de-communes"


def _plain(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("\u2019", "'"))


@pytest.fixture(scope="module")
def pieces() -> dict[PieceKind, str]:
    bundle = assemble_dce(open_dossier(EXAMPLE).selection)
    return {
        p.kind: _plain(document_text(p.document)) for p in bundle.pieces if p.document is not None
    }


def test_orders_are_priced_by_the_bpu_without_a_quote(pieces: dict[PieceKind, str]) -> None:
    ccap = pieces[PieceKind.CCAP]
    assert "bon de commande" in ccap
    assert "acceptation du devis" not in ccap
    assert "sans devis préalable" in ccap


def test_the_pse_decision_states_its_budget(pieces: dict[PieceKind, str]) -> None:
    for kind in (PieceKind.RC, PieceKind.CCAP, PieceKind.ACT):
        text = pieces[kind]
        assert "le budget qu'il a fixé" not in text, kind
        assert "budget de 85 000,00 € HT fixé avant la remise des offres" in text, kind


def test_the_regularisation_comes_before_the_ranking(pieces: dict[PieceKind, str]) -> None:
    assert "avant de noter et de classer les offres" in pieces[PieceKind.RC]


def test_the_aid_scheme_stays_out_of_the_contract(pieces: dict[PieceKind, str]) -> None:
    assert "CR 65-07" not in pieces[PieceKind.CCTP]
    assert "Le dispositif Webpass en demande" not in pieces[PieceKind.CCTP]
    assert "du dispositif Webpass" not in pieces[PieceKind.RC]


def test_training_writing_and_studies_are_running_costs() -> None:
    catalog = open_dossier(EXAMPLE).catalog
    accounts = {i: catalog.item(i).cost.budget_account for i in ("L02", "L03", "L04", "J05", "I03")}  # type: ignore[union-attr]
    assert accounts == {
        "L02": BudgetAccount.SERVICES,
        "L03": BudgetAccount.TRAINING,
        "L04": BudgetAccount.TRAINING,
        "J05": BudgetAccount.STUDIES,
        "I03": BudgetAccount.SERVICES,
    }
    assert all(not account.investment for account in accounts.values())
    assert all(catalog.item(i).cost.nature is CostNature.OPERATING for i in accounts)  # type: ignore[union-attr]
    # The site itself stays an asset.
    assert catalog.item("B01").cost.budget_account is BudgetAccount.RIGHTS  # type: ignore[union-attr]


def test_the_imputation_names_each_running_line_of_the_dpgf(pieces: dict[PieceKind, str]) -> None:
    ccap = pieces[PieceKind.CCAP]
    assert "(L03, DPGF)" in ccap and "compte 6184" in ccap
    assert "(J05, DPGF)" in ccap and "compte 617 " in ccap


def test_the_rao_investment_part_leaves_training_out() -> None:
    from webpass.aid.attach import offer_lines
    from webpass.grid.read import read_filled_grid

    selection = open_dossier(EXAMPLE).selection
    offer = read_filled_grid(EXAMPLE / "offres" / "02-cooperative-communs-numeriques.xlsx")
    lines = {line.item_id: line for line in offer_lines(selection, offer)}
    assert lines["L03"].nature is CostNature.OPERATING
    assert lines["B01"].nature is CostNature.INVESTMENT
    assert lines["L03"].amount > Decimal(0)
