from __future__ import annotations

import csv
import io
import json
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from tests.system_deps import SOFFICE, needs_calc
from webpass.cli import cli
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.export import export_grid, neutralize

CANDIDATE = {
    "Raison sociale": "Exemple Libre SCOP (fictif)",
    "SIRET": "73282932000074",
    "Solution": "Cité Libre",
    "Version": "4.2",
    "Numéro de label": "WP-2025-001",
    "Date de l'offre": "15/02/2027",
}


def export(dossier: Path, catalog: Path, tmp_path: Path, fmt: str = "xlsx") -> Path:
    runner = CliRunner()
    target = tmp_path / f"grille.{fmt}"
    result = runner.invoke(
        cli,
        [
            "grille",
            str(dossier),
            "--format",
            fmt,
            "--sortie",
            str(target),
            "--catalogue",
            str(catalog),
        ],
    )
    assert result.exit_code == 0, result.output
    return target


def fill_xlsx(
    path: Path,
    answers: dict[str, tuple[str, str, str]] | None = None,
    price: str = "1000",
    unit_price: str = "500",
) -> Path:
    """Fill the grid as a bidder would in a spreadsheet."""
    answers = answers or {}
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=1):
        if row[0].value in CANDIDATE:
            row[1].value = CANDIDATE[row[0].value]
    sheet = book["Exigences"]
    headers = [c.value for c in sheet[1]]
    col = {name: headers.index(name) for name in headers}
    for row in sheet.iter_rows(min_row=2):
        item = row[col["Identifiant"]].value
        if not item or not str(item)[0].isalpha() or len(str(item)) != 3:
            continue
        conformity, value, justification = answers.get(item, ("Conforme", "10", ""))
        row[col["Conformité"]].value = conformity
        row[col["Valeur"]].value = value
        row[col["Justification"]].value = justification
        if row[col["Prix HT"]].value is None:
            row[col["Prix HT"]].value = float(price) if price else None
    sheet = book.worksheets[2]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value and str(row[0].value)[0].isalpha() and len(str(row[0].value)) == 3:
            row[4].value = float(unit_price)
    out = path.with_name("offre.xlsx")
    book.save(out)
    return out


def verify(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, ["verifier", *args, "--json"])
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip().startswith(
        "{"
    ) else {"sortie": result.output}


def test_export_columns_locks_and_dropdown(
    dossier: Path, options_catalog: Path, tmp_path: Path
) -> None:
    path = export(dossier, options_catalog, tmp_path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Prestataire", "Exigences", "Prix annuels et unitaires", "Dossier"]
    sheet = book["Exigences"]
    headers = [c.value for c in sheet[1]]
    for name in (
        "Identifiant",
        "Exigence",
        "Niveau d’exigence",
        "Empreinte",
        "Conformité",
        "Justification",
        "Prix HT",
    ):
        assert name in headers
    assert sheet.protection.sheet
    second = list(sheet[2])
    assert second[headers.index("Exigence")].protection.locked
    assert not second[headers.index("Conformité")].protection.locked
    validations = sheet.data_validations.dataValidation
    # Every line is exigé: « Conforme » is the only answer offered (any other is irregular).
    assert validations and validations[0].formula1 == '"Conforme"'
    assert book["Dossier"].sheet_state == "hidden"
    bpu = book.worksheets[2]
    assert [c.value for c in bpu[1]] == [
        "Identifiant",
        "Désignation",
        "Unité",
        "Quantité",
        "Prix unitaire HT",
        "Montant HT",
        "Nature de la quantité",
    ]
    assert (
        bpu["A2"].value == "Y05" and bpu["D2"].value == 4
    )  # hosting: 4 years of a 48-month market


def test_export_is_reproducible(dossier: Path, options_catalog: Path) -> None:
    grid = build_grid(open_dossier(dossier, options_catalog).selection)
    for fmt in ("xlsx", "csv", "yaml", "json"):
        assert export_grid(grid, fmt) == export_grid(grid, fmt)


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+33 1", "-cmd", "@SUM(A1)", "\tx"])
def test_formula_texts_are_neutralised(text: str) -> None:
    assert neutralize(text).startswith("'")
    assert neutralize("Conforme") == "Conforme"


def test_xlsx_cells_that_look_like_formulas_stay_text(
    dossier: Path, options_catalog: Path, tmp_path: Path
) -> None:
    answers = (
        (dossier / "webpass.yaml")
        .read_text(encoding="utf-8")
        .replace("nom: Kerbriac-sur-Lié", "nom: \"=cmd|' /C calc'!A0\"")
    )
    (dossier / "webpass.yaml").write_text(answers, encoding="utf-8")
    path = export(dossier, options_catalog, tmp_path)
    with zipfile.ZipFile(path) as archive:
        sheets = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
        )
    assert "<f>cmd" not in sheets and "<f>=cmd" not in sheets
    book = openpyxl.load_workbook(path)
    assert book["Dossier"]["B2"].data_type == "s"


def test_all_conforming_offer_exits_0(dossier: Path, options_catalog: Path, tmp_path: Path) -> None:
    offer = fill_xlsx(export(dossier, options_catalog, tmp_path))
    code, report = verify(str(dossier), str(offer), "--catalogue", str(options_catalog))
    assert code == 0, report
    assert report["conforme"] is True and report["offre_irreguliere"] is False
    # A supplier's label is no contractual requirement: the grid does not ask for one, and
    # its absence is no anomaly.
    assert report["label"] is None
    assert not any("label" in a["code"] for a in report["anomalies"])
    asked = [row[0].value for row in openpyxl.load_workbook(offer).worksheets[0].iter_rows()]
    assert "Numéro de label" not in asked
    # A commune's quotes are priced by phase: Y01, Y02 and Z02 form one line (on Y01) at 1000;
    # BPU: Y05 4 years × 500 + Y07 3 days × 500
    assert report["totaux"] == {
        "dpgf": "1000.00",
        "dqe": "3500.00",
        "pse": "0.00",
        "total": "4500.00",
    }


def test_grid_alone_works_too(dossier: Path, options_catalog: Path, tmp_path: Path) -> None:
    offer = fill_xlsx(export(dossier, options_catalog, tmp_path))
    code, report = verify(str(offer), "--catalogue", str(options_catalog))
    assert code == 0, report
    assert report["dossier"] == "CCTP-20270111"


def test_mandatory_non_conforming_item_makes_the_offer_irregular(
    dossier: Path, options_catalog: Path, tmp_path: Path
) -> None:
    offer = fill_xlsx(
        export(dossier, options_catalog, tmp_path),
        {"Y01": ("Non conforme", "", "Nous proposons un thème")},
    )
    code, report = verify(str(dossier), str(offer), "--catalogue", str(options_catalog))
    assert code == 1
    assert report["offre_irreguliere"] is True
    assert [a["item"] for a in report["anomalies"] if a["type"] == "obligatoire_non_conforme"] == [
        "Y01"
    ]


def test_edited_wording_is_caught_with_and_without_dossier(
    dossier: Path, options_catalog: Path, tmp_path: Path
) -> None:
    offer = fill_xlsx(export(dossier, options_catalog, tmp_path))
    book = openpyxl.load_workbook(offer)
    sheet = book["Exigences"]
    sheet["C2"].value = str(sheet["C2"].value).replace("toutes les pages", "la page d'accueil")
    book.save(offer)
    _, alone = verify(str(offer), "--catalogue", str(options_catalog))
    assert any(a["type"] == "texte_modifie" and a["item"] == "Z01" for a in alone["anomalies"])
    # the dossier changed after the grid was sent: its fingerprints no longer match
    fresh = fill_xlsx(export(dossier, options_catalog, tmp_path))
    answers = (dossier / "webpass.yaml").read_text(
        encoding="utf-8"
    ) + "valeurs:\n  Z02: {delai: 5}\n"
    (dossier / "webpass.yaml").write_text(
        answers.replace("population: 1200", "population: 1200"), encoding="utf-8"
    )
    code, report = verify(str(dossier), str(fresh), "--catalogue", str(options_catalog))
    assert code == 1
    assert [a["item"] for a in report["anomalies"] if a["type"] == "texte_modifie"] == ["Z02"]


def test_missing_justification_price_and_bad_siret(
    dossier: Path, options_catalog: Path, tmp_path: Path
) -> None:
    offer = fill_xlsx(
        export(dossier, options_catalog, tmp_path),
        {"Y03": ("Partiellement conforme", "", "")},
        price="",
    )
    book = openpyxl.load_workbook(offer)
    book.worksheets[0]["B5"].value = "73282932000075"
    book.save(offer)
    code, report = verify(str(dossier), str(offer), "--catalogue", str(options_catalog))
    assert code == 1
    kinds = {a["type"] for a in report["anomalies"]}
    assert {"prix_manquant", "siret_invalide"} <= kinds


def test_messy_csv_is_read(dossier: Path, options_catalog: Path, tmp_path: Path) -> None:
    path = export(dossier, options_catalog, tmp_path, "csv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Identifiant")
    header = rows[header_at]
    for row in rows[:header_at]:
        if row and row[0] in CANDIDATE:
            row[1] = CANDIDATE[row[0]]
    for row in rows[header_at + 1 :]:
        if not row:
            break  # the end of the table; the self-check's block follows
        row[header.index("Conformité")] = "  CONFORME "
        row[header.index("Valeur")] = "12"
        if row[header.index("Prix HT")] == "":
            row[header.index("Prix HT")] = "1 000,00 €"
        if row[header.index("Prix unitaire HT")] == "":
            row[header.index("Prix unitaire HT")] = "500,5"
    rows.insert(header_at + 1, [])  # a blank line a bidder left
    out = io.StringIO()
    csv.writer(out, delimiter=",").writerows(rows)
    messy = tmp_path / "offre.csv"
    messy.write_bytes(("\ufeff" + out.getvalue().replace("\n", "\r\n")).encode("utf-8"))
    code, report = verify(str(dossier), str(messy), "--catalogue", str(options_catalog))
    assert code == 0, report
    assert report["totaux"]["dqe"] == "3503.50"


def test_unreadable_files_exit_2(tmp_path: Path) -> None:
    bomb = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 150_000_000)
    xxe = tmp_path / "xxe.xlsx"
    with zipfile.ZipFile(xxe, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Types>&e;</Types>',
        )
    big = tmp_path / "gros.csv"
    big.write_bytes(b"a;b\n" * 13_000_000)
    for path in (bomb, xxe, big):
        result = CliRunner().invoke(cli, ["verifier", str(path)])
        assert result.exit_code == 2, (path, result.output)
        assert "Traceback" not in result.output


def test_report_html(dossier: Path, options_catalog: Path, tmp_path: Path) -> None:
    offer = fill_xlsx(export(dossier, options_catalog, tmp_path), {"Y01": ("Non conforme", "", "")})
    target = tmp_path / "rapport.html"
    CliRunner().invoke(
        cli,
        [
            "verifier",
            str(dossier),
            str(offer),
            "--rapport",
            str(target),
            "--catalogue",
            str(options_catalog),
        ],
    )
    html = target.read_text(encoding="utf-8")
    # A small commune asks for quotes: the report speaks of a quote and of its provider.
    assert "Devis irrégulier" in html and "Y01" in html and 'lang="fr"' in html
    assert "<h2>Prestataire</h2>" in html


@needs_calc
def test_grid_resaved_by_libreoffice(dossier: Path, options_catalog: Path, tmp_path: Path) -> None:
    offer = fill_xlsx(export(dossier, options_catalog, tmp_path))
    resaved = tmp_path / "lo"
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(resaved), str(offer)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    code, report = verify(
        str(dossier), str(resaved / "offre.xlsx"), "--catalogue", str(options_catalog)
    )
    assert code == 0, report
    assert report["totaux"]["total"] == "4500.00"


def test_dce_bundle(dossier: Path, options_catalog: Path, tmp_path: Path) -> None:
    import hashlib

    # A dispense threshold of 1,000 € makes this small dossier a MAPA: RC, AE, DPGF-BPU, OCDS.
    seuils = options_catalog / "seuils.yaml"
    seuils.write_text(
        seuils.read_text(encoding="utf-8").replace('dispense: "60000"', 'dispense: "1000"'),
        encoding="utf-8",
    )
    target = tmp_path / "dce.zip"
    result = CliRunner().invoke(
        cli, ["dce", str(dossier), "--sortie", str(target), "--catalogue", str(options_catalog)]
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert {"CCTP-kerbriac-sur-lie.pdf", "CCTP-kerbriac-sur-lie.docx", "cadre-de-reponse-kerbriac-sur-lie.xlsx",
                "DPGF-BPU-kerbriac-sur-lie.xlsx", "RC-kerbriac-sur-lie.pdf", "RC-kerbriac-sur-lie.docx",
                "exigences-ocds-kerbriac-sur-lie.json", "LISEZ-MOI.txt", "AE-kerbriac-sur-lie.pdf",
                "CCAP-kerbriac-sur-lie.docx", "manifeste.sha256"} <= set(names)  # fmt: skip
        for line in archive.read("manifeste.sha256").decode().splitlines():
            digest, name = line.split("  ")
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
        ocds = json.loads(archive.read("exigences-ocds-kerbriac-sur-lie.json"))
        criteria = ocds["releases"][0]["tender"]["criteria"]
        requirements = [
            r for c in criteria for g in c["requirementGroups"] for r in g["requirements"]
        ]
        assert {"Z01", "Y01", "Y07"} <= {r["id"] for r in requirements}
        assert next(r for r in requirements if r["id"] == "Z02")["dataType"] == "integer"
        prices = openpyxl.load_workbook(io.BytesIO(archive.read("DPGF-BPU-kerbriac-sur-lie.xlsx")))
        assert prices.sheetnames == ["DPGF", "BPU"]
        # The LISEZ-MOI gives bidders a command that works on the file they received, without
        # the dossier (which the DCE does not contain), and that does not pass an empty grid.
        notice = archive.read("LISEZ-MOI.txt").decode("utf-8")
        assert "webpass verifier cadre-de-reponse-kerbriac-sur-lie.xlsx" in notice
        (tmp_path / "cadre-de-reponse-kerbriac-sur-lie.xlsx").write_bytes(
            archive.read("cadre-de-reponse-kerbriac-sur-lie.xlsx")
        )
    code, report = verify(
        str(tmp_path / "cadre-de-reponse-kerbriac-sur-lie.xlsx"),
        "--catalogue",
        str(options_catalog),
    )
    assert code == 1 and report["offre_irreguliere"] is True
    assert "controle_incomplet" not in {a["type"] for a in report["anomalies"]}
    again = tmp_path / "again.zip"
    CliRunner().invoke(
        cli, ["dce", str(dossier), "--sortie", str(again), "--catalogue", str(options_catalog)]
    )
    assert again.read_bytes() == target.read_bytes()


def test_a_bidders_comment_saying_total_never_makes_a_requirement_the_totals_row(
    tmp_path: Path,
) -> None:
    from webpass.grid.read import read_filled_grid

    offer = sorted((REPO / "examples" / "communaute-de-communes" / "offres").glob("*.xlsx"))[0]
    before = read_filled_grid(offer)
    book = openpyxl.load_workbook(offer)
    sheet = book["Exigences"]
    header = next(row for row in sheet.iter_rows() if any(c.value == "Justification" for c in row))
    column = next(c.column for c in header if c.value == "Justification")
    first = header[0].row + 1
    sheet.cell(first, column).value = "Total DPGF"
    edited = tmp_path / offer.name
    book.save(edited)
    after = read_filled_grid(edited)
    assert [r.id for r in after.rows] == [r.id for r in before.rows]
    assert after.declared_totals == before.declared_totals
    assert after.rows[0].justification == "Total DPGF"
