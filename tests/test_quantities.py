"""Every quantity of the price schedule agrees across the pieces: CCAP, BPU, grid, quote form, CCTP.

A lawyer found K02 firm in the CCAP, « estimated 3 » in the BPU and « at least 2 » in the CCTP.
Each quantity now has one source (:mod:`webpass.selection.quantities`); these tests read it
back from every piece of both examples, and change the dossier to see every piece follow.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import sessions_groupement
from webpass.catalog.model import CostEstimate
from webpass.documents.coherence import document_text
from webpass.documents.dce import DceBundle, assemble_dce
from webpass.documents.pieces import PieceKind
from webpass.dossier.opening import open_dossier
from webpass.grid.export import export_grid
from webpass.grid.model import UNIT_SHEETS
from webpass.selection.engine import Selection
from webpass.selection.quantities import Quantity, QuantityNature, quantities

ROOT = Path(__file__).resolve().parent.parent
GROUPEMENT = sessions_groupement()
COMMUNE = ROOT / "examples" / "petite-commune"


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("\u00a0", " "))


def _bpu_rows(data: bytes) -> dict[str, dict[str, object]]:
    book = load_workbook(io.BytesIO(data))
    # « BPU » in a MAPA's grid and DPGF-BPU, « Prix annuels et unitaires » in a quotes grid.
    sheet = next(book[name] for name in UNIT_SHEETS if name in book.sheetnames)
    header = [c.value for c in sheet[1]]
    rows = {}
    for values in sheet.iter_rows(min_row=2, values_only=True):
        if values[0]:
            rows[str(values[0])] = dict(zip(header, values, strict=False))
    return rows


def _text(bundle: DceBundle, kind: PieceKind) -> str:
    piece = next(p for p in bundle.pieces if p.kind is kind)
    assert piece.document is not None
    return _plain(document_text(piece.document))


def _ccap_mentions(quantity: Quantity, item_id: str) -> str:
    if quantity.nature is QuantityNature.FIRM:
        return f"{item_id} : quantité ferme de {quantity.value} × {quantity.unit}"
    if quantity.nature is QuantityNature.MEASURED:
        return (
            f"{item_id} : quantité estimée de {quantity.value} × {quantity.unit}, au prix "
            f"unitaire du BPU, payée aux unités exécutées dans la limite de {quantity.maximum} ;"
        )
    if quantity.nature is QuantityNature.ON_ORDER:
        return f"{item_id} : quantité estimée de {quantity.value} × {quantity.unit}"
    months = (Decimal(quantity.value) * 12).to_integral_value()
    return (
        f"{quantity.shown} ans de service prévus ({months} mois ÷ 12), de la mise en ligne visée "
        "au terme"
    )


def _check_every_piece(selection: Selection) -> dict[str, Quantity]:
    found = quantities(selection)
    assert found, "no priced BPU line: the test would prove nothing"
    bundle = assemble_dce(selection)
    assert bundle.check() == []
    ccap = _text(bundle, PieceKind.CCAP)
    schedules = [_bpu_rows(export_grid(bundle.grid, "xlsx"))]
    if bundle.prices is not None:
        schedules.append(_bpu_rows(bundle.prices))
    quote_rows = {}
    quote = next((p for p in bundle.pieces if p.kind is PieceKind.QUOTE_FORM), None)
    if quote is not None and quote.document is not None:
        for article in quote.document.walk():
            for block in article.blocks:
                for row in getattr(block, "rows", []):
                    match = re.match(r"^([A-Z]\d{2}) —", row[0])
                    if match:
                        quote_rows[match.group(1)] = row
    for item_id, quantity in found.items():
        assert _ccap_mentions(quantity, item_id) in ccap, item_id
        for rows in schedules:
            assert Decimal(str(rows[item_id]["Quantité"])) == quantity.value, item_id
            assert rows[item_id]["Nature de la quantité"] == quantity.nature_label, item_id
        row = next(r for r in bundle.grid.rows if r.id == item_id)
        assert (row.quantity, row.quantity_nature) == (quantity.value, quantity.nature_label)
        if quote_rows:
            assert _plain(quote_rows[item_id][2]) == f"{quantity.shown} {quantity.nature.short}"
    return found


@pytest.mark.parametrize("folder", [GROUPEMENT, COMMUNE], ids=["groupement", "commune"])
def test_every_quantity_agrees_across_the_pieces(folder: Path) -> None:
    _check_every_piece(open_dossier(folder).selection)


def test_member_sites_are_a_firm_quantity_counted_from_the_dossier(tmp_path: Path) -> None:
    selection = open_dossier(GROUPEMENT).selection
    found = _check_every_piece(selection)
    own = [m.name for m in selection.answers.collectivity.members if m.own_identity]
    assert found["K02"] == Quantity(len(own), "site communal", QuantityNature.FIRM)
    cctp = _text(assemble_dce(selection), PieceKind.CCTP)
    assert f"le marché comprend {len(own)} sites communaux, quantité ferme" in cctp

    # A fourth commune gets its own site: every piece says 4, none keeps the catalogue's figure.
    folder = tmp_path / "cc"
    folder.mkdir()
    text = (GROUPEMENT / "webpass.yaml").read_text(encoding="utf-8")
    text = text.replace(
        '      code_insee: "29161"\n      population: 3311\n',
        '      code_insee: "29161"\n      population: 3311\n      identite_propre: true\n'
        "      domaine: pleuven.fr\n",
    )
    (folder / "webpass.yaml").write_text(text, encoding="utf-8")
    bigger = open_dossier(folder).selection
    found = _check_every_piece(bigger)
    assert found["K02"].value == len(own) + 1
    cctp = _text(assemble_dce(bigger), PieceKind.CCTP)
    assert f"le marché comprend {len(own) + 1} sites communaux, quantité ferme" in cctp
    assert "Pleuven" in cctp.split("le marché comprend")[0].rsplit("K02", 1)[-1]


def test_a_unit_price_on_order_has_an_estimated_quantity(tmp_path: Path) -> None:
    folder = tmp_path / "cc"
    folder.mkdir()
    text = (GROUPEMENT / "webpass.yaml").read_text(encoding="utf-8")
    (folder / "webpass.yaml").write_text(
        text.replace("retenues: [E07,", "retenues: [M06, E07,"), encoding="utf-8"
    )
    found = _check_every_piece(open_dossier(folder).selection)
    assert found["M06"].nature is QuantityNature.ON_ORDER
    assert found["E07"].nature is QuantityNature.ON_ORDER
    assert found["H08"].nature is QuantityNature.YEARS


def test_the_dossier_basis_is_only_for_unit_prices() -> None:
    with pytest.raises(ValueError, match="quantite_selon"):
        CostEstimate.model_validate(
            {
                "min": "1.00",
                "max": "2.00",
                "nature": "investissement",
                "periodicite": "ponctuel",
                "quantite_selon": "communes_identite_propre",
            }
        )


def test_sessions_on_order_are_the_cctp_yearly_count_over_the_market() -> None:
    # The CCTP films « environ N séances par an »: the BPU estimates N × the market's years,
    # and the maximum of the orders leaves room for them.
    selection = open_dossier(GROUPEMENT).selection
    bundle = assemble_dce(selection)
    cctp = _text(bundle, PieceKind.CCTP)
    per_year = int(re.search(r"environ (\d+) par an", cctp).group(1))  # type: ignore[union-attr]
    years = selection.answers.project.duration_years
    assert quantities(selection)["E07"] == Quantity(
        per_year * years, "séance", QuantityNature.ON_ORDER
    )
    cost = selection.catalog.item("E07").cost
    assert cost is not None and bundle.terms.order_maximum is not None
    assert bundle.terms.order_maximum >= cost.maximum * per_year * years
