"""A groupement de commandes: its members listed, each controller of its data, each paying its share.

Findings of the lawyer's reading of 1 December 2026 on the communauté de communes' DCE: the
members' annex was missing, the coordinator alone was named controller, one payer and one
imputation (2051) covered running costs too.
"""

from __future__ import annotations

import dataclasses
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pydantic import ValidationError

from tests.conftest import piece_document, sessions_groupement
from tests.conftest import plain_text as _plain
from webpass.catalog.model import CostEstimate, CostNature
from webpass.collectivities.reference import load_reference
from webpass.core.errors import InputError
from webpass.documents.cctp import Article, CctpDocument, TableBlock
from webpass.documents.coherence import document_text
from webpass.documents.dce import DceBundle, assemble_dce
from webpass.documents.members import group_members
from webpass.documents.pieces import PieceKind
from webpass.documents.sharing import COMMON, cost_shares
from webpass.documents.terms import PriceKind, dce_terms
from webpass.dossier.contract import ContractTerms
from webpass.dossier.opening import open_dossier
from webpass.selection.engine import Selection

ROOT = Path(__file__).resolve().parent.parent
GROUPEMENT = sessions_groupement()
COMMUNE = ROOT / "examples" / "petite-commune"


@pytest.fixture(scope="module")
def groupement() -> Selection:
    return open_dossier(GROUPEMENT).selection


@pytest.fixture(scope="module")
def bundle(groupement: Selection) -> DceBundle:
    return assemble_dce(groupement)


def _annex(document: CctpDocument, number: str) -> Article:
    return next(a for a in document.annexes if a.number == number)


def _tables(article: Article) -> list[TableBlock]:
    return [b for b in article.blocks if isinstance(b, TableBlock)]


def _with_terms(selection: Selection, **terms: object) -> Selection:
    contract = ContractTerms.model_validate(terms)
    answers = selection.answers.model_copy(update={"contract": contract})
    return dataclasses.replace(selection, answers=answers)


def test_the_ccap_annexes_every_member_with_its_identifiers_and_sites(
    groupement: Selection, bundle: DceBundle
) -> None:
    body = groupement.answers.collectivity
    ccap = piece_document(bundle, PieceKind.CCAP)
    members, payers = _tables(_annex(ccap, "A2"))[:2]
    assert [row[0] for row in members.rows] == [
        body.name,
        *(f"Commune de {m.name}" for m in body.members),
    ]
    assert members.rows[0][1] == "coordonnateur" and body.siren in members.rows[0][2]
    reference = load_reference()
    for member, row in zip(body.members, members.rows[1:], strict=True):
        commune = reference.commune(member.insee or "")
        assert commune is not None and commune.siren
        assert member.insee in row[2] and commune.siren in row[2]
        if member.own_identity:
            assert member.domain and member.domain in row[3]
        if member.specifics:
            assert _plain(member.specifics) in _plain(row[3])
    # The payer and the accountant of each member, in the same order, then the orders (E07),
    # which the member that issues one pays through its own payer and accountant.
    *per_member, orders = payers.rows
    assert [row[0] for row in per_member] == [row[0] for row in members.rows]
    assert orders[0] == "Membre qui émet le bon de commande" and "E07" in orders[-1]
    assert per_member[0][2] == groupement.answers.contract.accountant  # type: ignore[union-attr]
    assert all("maire" in row[1] for row in per_member[1:])


def test_the_annex_is_cited_by_the_ccap_the_rc_the_ae_and_the_convention(
    bundle: DceBundle,
) -> None:
    for kind in (PieceKind.CCAP, PieceKind.RC, PieceKind.ACT, PieceKind.CONVENTION):
        assert "A2" in _plain(document_text(piece_document(bundle, kind))), kind
    rc = _plain(document_text(piece_document(bundle, PieceKind.RC)))
    assert "membres du groupement de commandes" in rc


def test_the_convention_names_the_same_members_as_the_annex(bundle: DceBundle) -> None:
    annex = _tables(_annex(piece_document(bundle, PieceKind.CCAP), "A2"))[0]
    convention = piece_document(bundle, PieceKind.CONVENTION)
    listed = next(t for a in convention.walk() for t in _tables(a) if t.header[0] == "Membre")
    # The communauté is a member for its own needs, listed first with its role.
    expected = [tuple(row) for row in annex.rows]
    assert [tuple(row) for row in listed.rows] == expected


def test_only_the_joining_communes_are_members(groupement: Selection) -> None:
    joining = ["Fouesnant", "Bénodet", "Pleuven"]
    selection = _with_terms(groupement, membres_du_groupement_de_commandes=joining)
    names = [m.name for m in group_members(dce_terms(selection))]
    assert names[1:] == [f"Commune de {name}" for name in joining]


def test_each_member_is_controller_and_the_contractor_processes_for_each(
    groupement: Selection, bundle: DceBundle
) -> None:
    ccap = piece_document(bundle, PieceKind.CCAP)
    text = _plain(document_text(ccap))
    designation = groupement.answers.collectivity.designation
    assert f"{designation} est responsable du traitement et le titulaire est son" not in text
    assert "sous-traitant de chacun d'eux" in text
    controllers = next(
        t for t in _tables(_annex(ccap, "A1")) if t.header[0] == "Responsable du traitement"
    )
    members = _tables(_annex(ccap, "A2"))[0]
    assert [row[0] for row in controllers.rows] == [row[0] for row in members.rows]
    convention = _plain(document_text(piece_document(bundle, PieceKind.CONVENTION)))
    assert "sous-traitant de chacun d'eux" in convention


def test_a_single_buyer_stays_the_one_controller() -> None:
    selection = open_dossier(COMMUNE).selection
    ccap = piece_document(assemble_dce(selection), PieceKind.CCAP)
    text = _plain(document_text(ccap))
    designation = selection.answers.collectivity.designation
    assert f"{designation} est responsable du traitement" in text
    assert [a.number for a in ccap.annexes] == ["A1"]


def _value(expression: str, cells: dict[str, Decimal]) -> Decimal:
    """A cell, a number or a parenthesised difference of cells (the common part of the DPGF)."""
    if expression.startswith("("):
        first, *rest = expression.strip("()").split("-")
        return cells[first] - sum((cells[ref] for ref in rest), Decimal(0))
    return cells[expression] if expression in cells else Decimal(expression)


def _evaluate(workbook: bytes, prices: dict[str, Decimal], step: Decimal) -> dict[str, Decimal]:
    """Fill the schedule with prices and compute each member's share from its formulas."""
    book = load_workbook(io.BytesIO(workbook))
    dpgf, bpu = book["DPGF"], book["BPU"]
    cells: dict[str, Decimal] = {}
    base = Decimal(0)
    for row in dpgf.iter_rows(min_row=2):
        if row[0].value:
            cells[f"DPGF!C{row[0].row}"] = step * row[0].row
        formula = str(row[2].value or "")
        if formula.startswith("=SUM(C2:"):
            last = int(formula.removesuffix(")").split(":C")[1])
            base = sum((cells[f"DPGF!C{i}"] for i in range(2, last + 1)), Decimal(0))
            cells[f"DPGF!C{row[2].row}"] = base
    for row in bpu.iter_rows(min_row=2):
        if row[0].value in prices:
            price = prices[str(row[0].value)]
            cells[f"BPU!E{row[0].row}"] = price
            cells[f"BPU!F{row[0].row}"] = price * Decimal(str(row[3].value))
    shares = {}
    for row in book["Répartition par membre"].iter_rows(min_row=2):
        if not row[0].value:
            continue
        total = Decimal(0)
        for term in str(row[3].value).removeprefix("=").split("+"):
            ref, _, times = term.rpartition("*") if "*" in term else (term, "", "1")
            total += _value(ref, cells) * Decimal(times)
        shares[str(row[0].value)] = total
    return shares, base  # type: ignore[return-value]


def test_each_member_pays_its_share_and_the_shares_add_up(
    groupement: Selection, bundle: DceBundle
) -> None:
    assert bundle.prices is not None
    terms = bundle.terms
    prices = {
        line.item_id: Decimal(100 + 10 * i) for i, line in enumerate(terms.price_lines) if line.bpu
    }
    shares, base = _evaluate(bundle.prices, prices, Decimal("10"))  # type: ignore[misc]
    quantities = {line.item_id: line.quantity or 0 for line in terms.price_lines if line.bpu}
    expected_total = base + sum(prices[i] * quantities[i] for i in prices)
    # Fractions of a third are not exact in decimal: the parts add up to the cent.
    assert abs(sum(shares.values()) - expected_total) < Decimal("0.01")
    for member in groupement.answers.collectivity.members:
        share = shares[f"Commune de {member.name}"]
        # No member pays nothing; a commune with its own site pays at least that site.
        assert share > (prices["K02"] if member.own_identity else 0), member.name


def test_running_costs_are_never_charged_to_an_asset_account(bundle: DceBundle) -> None:
    terms = bundle.terms
    running = [
        line
        for line in terms.price_lines
        if line.kind in (PriceKind.YEARLY, PriceKind.ON_ORDER)
        and terms.selection.catalog.item(line.item_id).cost.nature  # type: ignore[union-attr]
        is CostNature.OPERATING
    ]
    assert running, "no running cost: the test would prove nothing"
    for kind in (PieceKind.ACT, PieceKind.CCAP, PieceKind.CONVENTION):
        document = piece_document(bundle, kind)
        entries = [
            _plain(line)
            for line in document_text(document).split(" ; ")
            if "compte 2051" in line or "chapitre 011" in line
        ]
        assert entries, kind
        text = _plain(document_text(document))
        for line in running:
            assigned = re.search(rf"\({line.item_id}\)[^:]*: section (\w+) (\w+)", text)
            assert assigned and assigned.group(2) == "fonctionnement", (kind, line.item_id)
    assert "2051" not in (GROUPEMENT / "webpass.yaml").read_text(encoding="utf-8")


def test_an_operating_cost_cannot_name_an_asset_account() -> None:
    with pytest.raises(ValidationError, match="2051"):
        CostEstimate.model_validate(
            {
                "min": "100.00",
                "max": "200.00",
                "nature": "fonctionnement",
                "periodicite": "annuel",
                "compte": "2051",
            }
        )


def test_the_retired_single_imputation_is_refused_with_its_fix() -> None:
    with pytest.raises(ValidationError, match="imputation_budgetaire"):
        ContractTerms.model_validate({"imputation_budgetaire": "compte 2051"})


def test_an_accountant_for_a_stranger_is_refused(groupement: Selection) -> None:
    selection = _with_terms(groupement, comptables_des_membres={"Quimper": "SGC de Quimper"})
    with pytest.raises(InputError, match="Quimper"):
        dce_terms(selection)


def test_a_member_accountant_from_the_dossier_is_printed(groupement: Selection) -> None:
    selection = _with_terms(groupement, comptables_des_membres={"Bénodet": "SGC de Quimper"})
    members = {m.name: m for m in group_members(dce_terms(selection))}
    assert members["Commune de Bénodet"].accountant == "SGC de Quimper"


def test_a_retained_pse_is_shared_by_the_rule_and_its_parts_add_up_to_its_price(
    bundle: DceBundle,
) -> None:
    """Every priced line has its payers: a PSE, once retained, is shared as the common platform
    (the rule of the convention and the CCAP), and its parts add up to its price."""
    assert bundle.prices is not None
    options = [line for line in bundle.terms.price_lines if line.optional]
    assert options, "no PSE in the groupement: the test would prove nothing"
    book = load_workbook(io.BytesIO(bundle.prices))
    dpgf, bpu, sheet = book["DPGF"], book["BPU"], book["Répartition par membre"]
    price_cells = {str(r[0].value): f"DPGF!C{r[0].row}" for r in dpgf.iter_rows() if r[0].value}
    price_cells |= {str(r[0].value): f"BPU!F{r[0].row}" for r in bpu.iter_rows() if r[0].value}
    headers = [str(c.value) for c in sheet[1]]
    members = [row for row in sheet.iter_rows(min_row=2) if row[0].value]
    key = {share.name: share for share in cost_shares(bundle.terms)}
    for line in options:
        column = next(i for i, h in enumerate(headers) if f"PSE {line.item_id} " in h)
        parts = {}
        for row in members:
            cell, _, fraction = str(row[column].value).removeprefix("=").partition("*")
            assert cell == price_cells[line.item_id]
            parts[str(row[0].value)] = Decimal(fraction)
        assert sum(parts.values()) == 1
        # The key of the common platform: the coordinator's share, the communes' by population;
        # the row of the purchase orders, no member's, takes no part of a PSE.
        for name, part in parts.items():
            common = dict(key[name].fractions).get(COMMON, Decimal(0))
            assert part == common, name
        total = next(
            row[column].value
            for row in sheet.iter_rows(min_row=2)
            if not row[0].value and row[column].value
        )
        letter = sheet.cell(1, column + 1).column_letter
        assert total == f"=SUM({letter}2:{letter}{len(members) + 1})"
    convention = _plain(document_text(piece_document(bundle, PieceKind.CONVENTION)))
    for line in options:
        assert f"PSE {line.item_id}, si elle est retenue" in convention


def test_each_member_s_part_of_an_offer_s_investment_adds_up_to_it(
    groupement: Selection,
) -> None:
    """The RAO's financing plan of a groupement is drawn on the share of the member that asks
    for the aid, by the convention's one rule (review of 1 December 2026, groupement N6)."""
    from webpass.aid.attach import offer_lines
    from webpass.aid.member_shares import member_investment
    from webpass.grid.read import read_filled_grid

    offer = ROOT / "examples" / "communaute-de-communes" / "offres"
    lines = offer_lines(groupement, read_filled_grid(sorted(offer.glob("*.xlsx"))[1]))
    invested = sum(
        (line.amount for line in lines if line.nature is CostNature.INVESTMENT), Decimal(0)
    )
    shares = member_investment(groupement, lines)
    assert shares[0].coordinator and not any(share.coordinator for share in shares[1:])
    assert len(shares) == 1 + len(groupement.answers.collectivity.members)
    assert abs(sum(share.amount for share in shares) - invested) <= Decimal("0.01") * len(shares)
    by_name = {share.name: share.amount for share in shares}
    # A commune with its own site pays it on top of its part of the platform.
    assert by_name["Commune de Bénodet"] > by_name["Commune de La Forêt-Fouesnant"]
    assert shares[0].amount < invested / 2 + invested / 4
    single = open_dossier(COMMUNE).selection
    assert member_investment(single, lines) == []
