"""The bidder's self-check (``webpass verifier OFFRE``, without the dossier) finds what the buyer's
check (``webpass verifier DOSSIER OFFRE``) finds, on grids altered the ways bidders alter them.

The grid carries the reference it was built from under a seal (:mod:`webpass.grid.carried`);
each altered grid below is checked both ways and both must give the same verdict, the same
exit code and the same anomalies. Issue 22, item 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.system_deps import SOFFICE, needs_calc
from webpass.cli import cli
from webpass.core.errors import UnreadableFileError
from webpass.core.resources import shipped_catalog_dir
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.carried import carried_lines, read_carried, seal
from webpass.grid.check import ConformanceReport, check_offer
from webpass.grid.export import export_grid
from webpass.grid.labels import load_labels
from webpass.grid.model import YEARLY_PRICES_SHEET, Grid
from webpass.grid.read import read_filled_grid
from webpass.grid.support_dates import early_supports
from webpass.grid.verify import EARLY_SUPPORT, PHASE_IMBALANCE

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "petite-commune"
TODAY = dt.date(2027, 2, 15)
CANDIDATE = {
    "Raison sociale": "Exemple Libre SCOP (fictif)",
    "SIRET": "73282932000074",
    "Solution": "Cité Libre",
    "Version": "4.2",
    "Numéro de label": "WP-2025-001",
    "Date de l'offre": "15/02/2027",
}
Workbook = Any


@pytest.fixture(scope="module")
def reference() -> Grid:
    return build_grid(open_dossier(EXAMPLE).selection)


@pytest.fixture(scope="module")
def filled(reference: Grid, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's grid, exported and filled as a careful bidder would: conforming."""
    folder = tmp_path_factory.mktemp("offre")
    path = folder / "grille.xlsx"
    path.write_bytes(export_grid(reference, "xlsx"))
    book = openpyxl.load_workbook(path)
    for row in book.worksheets[0].iter_rows():
        if row[0].value in CANDIDATE:
            row[1].value = CANDIDATE[row[0].value]
    sheet = book["Exigences"]
    col = _columns(sheet)
    for row in sheet.iter_rows(min_row=2):
        if not _is_requirement(row[col["Identifiant"]].value):
            continue
        row[col["Conformité"]].value = "Conforme"
        row[col["Valeur"]].value = "1000"
        # The written answers too: a contract information left empty is irregular.
        if row[col["Sous-critère noté"]].value not in (None, "—"):
            row[col["Justification"]].value = "Voir le mémoire technique."
        if row[col["Prix HT"]].value is None:
            row[col["Prix HT"]].value = 1200.0
    for row in book.worksheets[2].iter_rows(min_row=2):
        if _is_requirement(row[0].value):
            row[4].value = 300.0
    out = folder / "offre.xlsx"
    book.save(out)
    return out


def _columns(sheet: Any) -> dict[str, int]:
    return {str(cell.value): index for index, cell in enumerate(sheet[1]) if cell.value}


def _is_requirement(value: object) -> bool:
    text = str(value or "")
    return len(text) == 3 and text[0].isalpha() and text[1:].isdigit()


def _row_of(sheet: Any, item: str) -> int:
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == item:
            return int(row[0].row)
    raise AssertionError(item)


def both_ways(path: Path, reference: Grid) -> tuple[ConformanceReport, ConformanceReport]:
    """The buyer's check (with the dossier's grid) and the bidder's (the file alone)."""
    labels = load_labels(shipped_catalog_dir())
    with_dossier = check_offer(read_filled_grid(path), labels, reference, today=TODAY)
    alone = check_offer(read_filled_grid(path), labels, today=TODAY)
    return with_dossier, alone


def _json(report: ConformanceReport) -> dict[str, Any]:
    return report.as_json()


# Each alteration: what a bidder did to the workbook, and the anomaly the buyer's check finds.
def _delete_row(item: str) -> Callable[[Workbook], None]:
    def alter(book: Workbook) -> None:
        book["Exigences"].delete_rows(_row_of(book["Exigences"], item))

    return alter


def _set(sheet: str, item: str, column: str, value: object) -> Callable[[Workbook], None]:
    def alter(book: Workbook) -> None:
        target = book[sheet]
        target.cell(_row_of(target, item), _columns(target)[column] + 1).value = value

    return alter


def _both(*steps: Callable[[Workbook], None]) -> Callable[[Workbook], None]:
    def alter(book: Workbook) -> None:
        for step in steps:
            step(book)

    return alter


def _move_rows(book: Workbook) -> None:
    sheet = book["Exigences"]
    rows = [r for r in sheet.iter_rows(min_row=2) if _is_requirement(r[0].value)]
    values = [[cell.value for cell in row] for row in rows]
    for row, new in zip(rows, reversed(values), strict=True):
        for cell, value in zip(row, new, strict=True):
            cell.value = value


def _extra_row(book: Workbook) -> None:
    sheet = book["Exigences"]
    last = max(r[0].row for r in sheet.iter_rows(min_row=2) if _is_requirement(r[0].value))
    sheet.insert_rows(last + 1)
    sheet.cell(last + 1, 1).value = "Z99"
    sheet.cell(last + 1, 2).value = "Exigence ajoutée par le candidat"
    sheet.cell(last + 1, 8).value = "Conforme"


def _wrong_total(book: Workbook) -> None:
    sheet = book["Exigences"]
    for row in sheet.iter_rows(min_row=2):
        if any(
            str(c.value or "").startswith(("Total DPGF", "Total des prix forfaitaires"))
            for c in row
        ):
            row[_columns(sheet)["Prix HT"]].value = 1.0
            return
    raise AssertionError("total row")


def _delete_bpu_line(item: str) -> Callable[[Workbook], None]:
    def alter(book: Workbook) -> None:
        book.worksheets[2].delete_rows(_row_of(book.worksheets[2], item))

    return alter


def _first_text(item: str) -> Callable[[Workbook], None]:
    def alter(book: Workbook) -> None:
        sheet = book["Exigences"]
        cell = sheet.cell(_row_of(sheet, item), _columns(sheet)["Texte de l’exigence"] + 1)
        cell.value = str(cell.value) + " Dans la mesure du possible."

    return alter


ALTERATIONS: dict[str, tuple[Callable[[Workbook], None], str | None]] = {
    "complete": (lambda book: None, None),
    "mandatory_row_deleted": (_delete_row("C05"), "manquante"),
    "empty_dpgf_price": (_set("Exigences", "C01", "Prix HT", None), "prix_manquant"),
    "empty_bpu_price": (
        _set(YEARLY_PRICES_SHEET, "H08", "Prix unitaire HT", None),
        "prix_manquant",
    ),
    "bpu_line_deleted": (_delete_bpu_line("M04"), "prix_manquant"),
    "text_altered": (_first_text("C01"), "texte_modifie"),
    "fingerprint_altered": (_set("Exigences", "C02", "Empreinte", "0" * 16), "texte_modifie"),
    "rows_moved": (_move_rows, None),
    "extra_row": (_extra_row, "inconnue"),
    "duplicated_id": (_set("Exigences", "C04", "Identifiant", "C03"), "doublon"),
    "wrong_total": (_wrong_total, "total_incoherent"),
    "mandatory_made_optional": (
        _both(
            _set("Exigences", "C06", "Niveau d’exigence", "Option (PSE)"),
            _set("Exigences", "C06", "Conformité", "Non conforme"),
            _set("Exigences", "C06", "Justification", "Pas de page dédiée."),
        ),
        "obligatoire_non_conforme",
    ),
    "quantity_lowered": (_set(YEARLY_PRICES_SHEET, "H08", "Quantité", 1), None),
    "answer_missing": (_set("Exigences", "C07", "Conformité", None), "sans_reponse"),
}


def _altered(filled: Path, tmp_path: Path, name: str) -> Path:
    book = openpyxl.load_workbook(filled)
    ALTERATIONS[name][0](book)
    out = tmp_path / f"{name}.xlsx"
    book.save(out)
    return out


@pytest.mark.parametrize("name", sorted(ALTERATIONS))
def test_self_check_finds_what_the_dossier_check_finds(
    name: str, filled: Path, reference: Grid, tmp_path: Path
) -> None:
    path = _altered(filled, tmp_path, name)
    with_dossier, alone = both_ways(path, reference)
    assert _json(alone) == _json(with_dossier)
    expected = ALTERATIONS[name][1]
    codes = {a.code for a in with_dossier.anomalies}
    if expected is None:
        assert not with_dossier.irregular, codes
    else:
        assert expected in codes, codes
        assert not alone.conforming


def test_the_issue_cases_are_caught_without_the_dossier(filled: Path, tmp_path: Path) -> None:
    """Issue 22: « CONFORME » (exit 0) for a deleted mandatory row (C05) or an empty price (C01)."""
    for name, item, code in (
        ("mandatory_row_deleted", "C05", "manquante"),
        ("empty_dpgf_price", "C01", "prix_manquant"),
    ):
        path = _altered(filled, tmp_path, name)
        result = CliRunner().invoke(cli, ["verifier", str(path), "--json"])
        assert result.exit_code == 1, result.output
        report = json.loads(result.stdout)
        assert report["offre_irreguliere"] is True
        assert any(a["type"] == code and a["item"] == item for a in report["anomalies"])
    complete = CliRunner().invoke(cli, ["verifier", str(filled)])
    assert complete.exit_code == 0, complete.output


def test_same_exit_code_through_the_command(filled: Path, tmp_path: Path) -> None:
    for name in ("complete", "mandatory_row_deleted", "wrong_total"):
        path = _altered(filled, tmp_path, name)
        alone = CliRunner().invoke(cli, ["verifier", str(path), "--json"])
        with_dossier = CliRunner().invoke(cli, ["verifier", str(EXAMPLE), str(path), "--json"])
        assert alone.exit_code == with_dossier.exit_code, name
        # The phases of a quote are the dossier's: only with it does `verifier` add the remark
        # on a phase priced apart from its work (review of 1 December 2026, M5), a remark that
        # changes neither the verdict nor the exit code.
        checked = json.loads(with_dossier.stdout)
        phase = [a for a in checked["anomalies"] if a["type"] == PHASE_IMBALANCE]
        assert all(a["gravite"] == "information" for a in phase)
        checked["anomalies"] = [a for a in checked["anomalies"] if a not in phase]
        assert json.loads(alone.stdout) == checked, name


def test_an_end_of_support_within_g12_s_months_is_a_remark() -> None:
    """22:25 reading, M1: with the dossier, `verifier` quotes each end of support G12's answer
    writes before the targeted going online + 24 months, as an anomaly to fix (never beside a
    verdict « conforme », 00:05 reading, N1), and none on a quote whose dates are beyond."""
    offers = EXAMPLE / "offres"
    for name, expected in (("04-agence-pixel-ouest.xlsx", 2), ("01-exemple-libre-scop.xlsx", 0)):
        result = CliRunner().invoke(cli, ["verifier", str(EXAMPLE), str(offers / name), "--json"])
        report = json.loads(result.stdout)
        early = [a for a in report["anomalies"] if a["type"] == EARLY_SUPPORT]
        assert len(early) == expected, (name, early)
        assert not (early and report["conforme"]), name
        for remark in early:
            assert remark["gravite"] == "a_corriger" and remark["item"] == "G12"
            message = " ".join(remark["message"].split())
            assert "finit le 31 décembre 2028, avant le 15 octobre 2029" in message
    answer = (
        "Outil 1.0, support jusqu’au 1er mars 2029 ; PHP 8.5, support jusqu'au 31 février 2028. "
        "Base 8.4, support jusqu'au 30 avril 2032 ; montée en PHP 8.8 en novembre 2029."
    )
    (early,) = early_supports(answer, dt.date(2029, 12, 6))
    assert (
        early.ends == dt.date(2029, 3, 1)
        and early.passage == "Outil 1.0, support jusqu’au 1er mars 2029"
    )


@settings(max_examples=60, deadline=None)
@given(
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2040, 12, 31)),
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2040, 12, 31)),
)
def test_an_end_of_support_is_read_as_date_fr_writes_it(ends: dt.date, deadline: dt.date) -> None:
    """Whatever the date, as the pieces print it (« 1er », no-break spaces): early exactly when
    it falls before G12's deadline."""
    from webpass.documents.typography import date_fr

    answer = f"Outil 2.0, support jusqu'au {date_fr(ends)} ; PHP 8.5."
    found = [early.ends for early in early_supports(answer, deadline)]
    assert found == ([ends] if ends < deadline else [])


def _carried_line(book: Workbook, index: int) -> Any:
    sheet = book["Dossier"]
    cells = [row for row in sheet.iter_rows() if row[0].value == "Contrôle"]
    return cells[index][1]


def test_altered_carried_data_is_refused_both_ways(filled: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(filled)
    cell = _carried_line(book, 5)
    cell.value = cell.value.replace('"mandatory":true', '"mandatory":false')
    assert '"mandatory":false' in cell.value
    path = tmp_path / "controle-modifie.xlsx"
    book.save(path)
    for args in ([str(path)], [str(EXAMPLE), str(path)]):
        result = CliRunner().invoke(cli, ["verifier", *args])
        assert result.exit_code == 2, result.output
        assert "onglet « Dossier »" in result.output
        assert "téléchargez à nouveau le cadre de réponse du DCE" in result.output


def test_a_truncated_or_unsealed_block_is_refused(filled: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(filled)
    sheet = book["Dossier"]
    last = max(row[0].row for row in sheet.iter_rows() if row[0].value == "Contrôle")
    sheet.delete_rows(last)  # one requirement less, seal kept
    path = tmp_path / "tronque.xlsx"
    book.save(path)
    with pytest.raises(UnreadableFileError):
        read_filled_grid(path)


def test_a_forged_block_must_still_be_well_formed(reference: Grid) -> None:
    lines = carried_lines(reference)
    lines[1] = lines[1].replace('"id":', '"identifiant":')
    pairs = [("Contrôle", line) for line in lines] + [("Sceau", seal(lines))]
    with pytest.raises(UnreadableFileError):
        read_carried(pairs, "offre.xlsx", "onglet « Dossier »")


def test_the_carried_reference_is_the_dossier_grid(reference: Grid) -> None:
    lines = carried_lines(reference)
    pairs = [("Contrôle", line) for line in lines] + [("Sceau", seal(lines))]
    carried = read_carried(pairs, "offre.xlsx", "onglet « Dossier »")
    assert carried is not None
    assert [r.id for r in carried.rows] == [r.id for r in reference.rows]
    for mine, theirs in zip(carried.rows, reference.rows, strict=True):
        assert (mine.mandatory, mine.fingerprint, mine.price, mine.quantity, mine.minimum) == (
            theirs.mandatory,
            theirs.fingerprint,
            theirs.price,
            theirs.quantity,
            theirs.minimum,
        )
    assert (carried.reference, carried.target_level, carried.launch_date) == (
        reference.reference,
        reference.target_level,
        reference.launch_date,
    )


def test_a_grid_without_its_block_says_the_self_check_is_incomplete(
    filled: Path, reference: Grid, tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(filled)
    del book["Dossier"]
    path = tmp_path / "sans-dossier.xlsx"
    book.save(path)
    with_dossier, alone = both_ways(path, reference)
    assert with_dossier.conforming
    assert not alone.conforming and not alone.irregular
    assert [a.code for a in alone.anomalies if a.severity.value != "information"] == [
        "controle_incomplet"
    ]


def _csv_offer(reference: Grid, tmp_path: Path, drop: str, empty_price: str) -> Path:
    text = export_grid(reference, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Identifiant")
    header = rows[header_at]
    for row in rows[:header_at]:
        if row and row[0] in CANDIDATE:
            row[1] = CANDIDATE[row[0]]
    kept = rows[: header_at + 1]
    for position, row in enumerate(rows[header_at + 1 :], start=header_at + 1):
        if not row:
            kept += rows[position:]  # the table ends; the carried block follows untouched
            break
        if row[0] == drop:
            continue
        row[header.index("Conformité")] = "Conforme"
        row[header.index("Valeur")] = "1000"
        if row[header.index("Sous-critère noté")] not in ("", "—"):
            row[header.index("Justification")] = "Voir le mémoire technique."
        if row[header.index("Prix HT")] == "" and row[0] != empty_price:
            row[header.index("Prix HT")] = "1 200,00"
        if row[header.index("Prix unitaire HT")] == "":
            row[header.index("Prix unitaire HT")] = "300"
        kept.append(row)
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(kept)
    path = tmp_path / "offre.csv"
    path.write_bytes(("\ufeff" + out.getvalue()).encode("utf-8"))
    return path


def test_csv_self_check(reference: Grid, tmp_path: Path) -> None:
    path = _csv_offer(reference, tmp_path, drop="C05", empty_price="C01")
    with_dossier, alone = both_ways(path, reference)
    assert _json(alone) == _json(with_dossier)
    codes = {(a.code, a.item) for a in alone.anomalies}
    assert {("manquante", "C05"), ("prix_manquant", "C01")} <= codes
    complete = _csv_offer(reference, tmp_path, drop="", empty_price="")
    with_dossier, alone = both_ways(complete, reference)
    assert _json(alone) == _json(with_dossier) and alone.conforming


def test_csv_with_an_altered_block_is_refused(reference: Grid, tmp_path: Path) -> None:
    path = _csv_offer(reference, tmp_path, drop="", empty_price="")
    text = path.read_text(encoding="utf-8-sig").replace(
        '""mandatory"":true', '""mandatory"":false', 1
    )
    path.write_text(text, encoding="utf-8-sig")
    with pytest.raises(UnreadableFileError, match="sous le tableau des exigences"):
        read_filled_grid(path)


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_structured_grids_carry_the_block(reference: Grid, tmp_path: Path, fmt: str) -> None:
    import yaml

    data = yaml.safe_load(export_grid(reference, fmt).decode("utf-8"))
    data["candidat"].update(CANDIDATE)
    data["exigences"] = [r for r in data["exigences"] if r["Identifiant"] != "C05"]
    for record in data["exigences"]:
        record.update({"Conformité": "Conforme", "Valeur": "1000"})
        if record["Prix HT"] == "":
            record["Prix HT"] = "1200"
        if record["Prix unitaire HT"] == "":
            record["Prix unitaire HT"] = "300"
    path = tmp_path / f"offre.{fmt}"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with_dossier, alone = both_ways(path, reference)
    assert _json(alone) == _json(with_dossier)
    assert ("manquante", "C05") in {(a.code, a.item) for a in alone.anomalies}


@needs_calc
def test_libreoffice_resaved_grid(filled: Path, reference: Grid, tmp_path: Path) -> None:
    assert SOFFICE is not None
    source = _altered(filled, tmp_path, "mandatory_row_deleted")
    complete = tmp_path / "complet.xlsx"
    shutil.copy(filled, complete)
    # One LibreOffice start resaves both files: its start, not the conversion, is the cost.
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lo"),
         str(source), str(complete)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    resaved = tmp_path / "lo" / source.name
    assert resaved.read_bytes() != source.read_bytes()
    with_dossier, alone = both_ways(resaved, reference)
    assert _json(alone) == _json(with_dossier)
    assert ("manquante", "C05") in {(a.code, a.item) for a in alone.anomalies}
    with_dossier, alone = both_ways(tmp_path / "lo" / "complet.xlsx", reference)
    assert _json(alone) == _json(with_dossier) and alone.conforming


GROUPEMENT = REPO / "examples" / "communaute-de-communes"


@pytest.mark.parametrize(
    "offer", sorted((GROUPEMENT / "offres").glob("*.xlsx")), ids=lambda p: p.name
)
def test_example_offers_check_the_same_both_ways(offer: Path) -> None:
    reference = build_grid(open_dossier(GROUPEMENT).selection)
    with_dossier, alone = both_ways(offer, reference)
    assert _json(alone) == _json(with_dossier)
