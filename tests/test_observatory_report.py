"""The observatory report: the 2009 Brittany tables reproduced exactly, and messy exports."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from webpass.catalog import load_shipped_catalog
from webpass.core.errors import InputError, ValidationFailed
from webpass.observatory.report import build_report, percent_half_up, rate_half_up

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "observatoire-bretagne-2009.csv"
KEYS = ("vitrine", "vitrine_enrichie", "dynamique", "interactif", "portail", "erreur", "total")

# The two tables of seed 000 (« Les sites des communes / des communautés de commune, été 2009 »).
SEED_COMMUNES = {
    "Ille-et-Vilaine": (34, 44, 66, 13, 2, 3, 162),
    "Finistère": (44, 61, 45, 23, 3, 1, 177),
    "Morbihan": (38, 50, 43, 22, 2, 5, 160),
    "Côtes-d'Armor": (46, 34, 29, 19, 1, 3, 132),
}
SEED_COMMUNES_TOTAL = (162, 189, 183, 77, 8, 12, 631)
SEED_COMMUNES_PERCENT = (26, 30, 29, 12, 1, 2)
SEED_CC = {
    "Ille-et-Vilaine": (3, 11, 6, 3, 0, 1, 24),
    "Finistère": (3, 8, 9, 4, 1, 0, 25),
    "Morbihan": (0, 10, 8, 2, 0, 0, 20),
    "Côtes-d'Armor": (1, 14, 10, 2, 0, 2, 29),
}
SEED_CC_TOTAL = (7, 43, 33, 11, 1, 3, 98)
SEED_CC_PERCENT = (7, 44, 34, 11, 1, 3)


def _table(rows: dict[str, tuple[int, ...]]) -> dict[str, dict[str, int]]:
    return {name: dict(zip(KEYS, values, strict=True)) for name, values in rows.items()}


def test_example_reproduces_both_seed_tables_exactly() -> None:
    report = build_report(EXAMPLE, load_shipped_catalog()).as_json()
    assert report == {
        "types": {
            "commune": {
                "collectivites": 1269,
                "avec_site": 631,
                "taux_avec_site": "49.7",
                "departements": _table(SEED_COMMUNES),
                "total": dict(zip(KEYS, SEED_COMMUNES_TOTAL, strict=True)),
                "pourcentages": dict(zip(KEYS[:-1], SEED_COMMUNES_PERCENT, strict=True)),
            },
            "communaute": {
                "collectivites": 119,
                "avec_site": 98,
                "taux_avec_site": "82.4",
                "departements": _table(SEED_CC),
                "total": dict(zip(KEYS, SEED_CC_TOTAL, strict=True)),
                "pourcentages": dict(zip(KEYS[:-1], SEED_CC_PERCENT, strict=True)),
            },
        }
    }
    # same order of départements as the slides
    assert list(report["types"]["commune"]["departements"]) == list(SEED_COMMUNES)


def test_messy_export_is_aggregated(tmp_path: Path) -> None:
    text = (
        "\ufeffCOLLECTIVITE ; type ;DÉPARTEMENT; Niveau \r\n"
        "Commune A;COMMUNE;FINISTÈRE;  VITRINE ENRICHIE \r\n"
        "Commune B;commune;29;Site vitrine enrichi\r\n"
        "Commune C;Commune;finistere;niveau 3\r\n"
        ";;;\r\n"
        "Commune D;commune;Côtes d’Armor;Portail local citoyen\r\n"
        "Commune E;commune;22;sans site\r\n"
        "Commune F;commune;22;ERREUR\r\n"
        "CC du Lié;Communauté de communes;22;Interactif et coopératif\r\n"
        "CC de l'Arz;CC;56;5\r\n"
    )
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("utf-8"))
    report = build_report(path, load_shipped_catalog())
    communes = report.types["commune"]
    assert communes.collectivities == 6
    assert communes.with_site == 5
    assert communes.rate == "83.3"
    assert communes.departments["Finistère"]["vitrine_enrichie"] == 2
    assert communes.departments["Finistère"]["dynamique"] == 1
    assert communes.departments["Côtes-d'Armor"] == {
        "vitrine": 0, "vitrine_enrichie": 0, "dynamique": 0, "interactif": 0, "portail": 1,
        "erreur": 1, "total": 2,
    }  # fmt: skip
    assert communes.percentages == {
        "vitrine": 0, "vitrine_enrichie": 40, "dynamique": 20, "interactif": 0, "portail": 20,
        "erreur": 20,
    }  # fmt: skip
    ccs = report.types["communaute"]
    assert ccs.totals["interactif"] == 1 and ccs.totals["portail"] == 1
    assert list(ccs.departments) == ["Côtes-d'Armor", "Morbihan"]


def test_a_type_absent_from_the_file_is_absent_from_the_report(tmp_path: Path) -> None:
    path = tmp_path / "cc.csv"
    path.write_text(
        "Collectivité,Type,Département,Niveau\nCC A,communauté de communes,35,2\n", "utf-8"
    )
    assert list(build_report(path, load_shipped_catalog()).as_json()["types"]) == ["communaute"]


def test_all_bad_lines_are_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "Collectivité;Type;Département;Niveau\n"
        "A;commune;35;vitrine\n"
        "B;commune;35;très bien\n"
        "C;mairie;35;vitrine\n"
        "D;commune;Bretagne;2\n"
        ";commune;35;2\n"
        "A;commune;Ille-et-Vilaine;3\n"
        "E;commune;35;\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as info:
        build_report(path, load_shipped_catalog())
    by_line = {p.line: p for p in info.value.problems}
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8]
    assert "« très bien »" in by_line[3].message and by_line[3].where == "Niveau"
    assert "mairie" in by_line[4].message
    assert "Bretagne" in by_line[5].message
    assert "manquant" in by_line[6].message
    assert "déjà ligne 2" in by_line[7].message
    assert "6 lignes à corriger" in str(info.value)


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "sans-niveau.csv"
    path.write_text("Collectivité;Type;Département\nA;commune;35\n", encoding="utf-8")
    with pytest.raises(InputError, match="« Niveau »"):
        build_report(path, load_shipped_catalog())


def test_xlsx_input_with_a_title_row(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Observatoire 2026"])
    sheet.append(["Collectivité", "Type", "Département", "Niveau"])
    sheet.append(["A", "commune", 29, 3])
    sheet.append(["B", "commune", "Finistère", "Dynamique"])
    book.save(tmp_path / "sites.xlsx")
    report = build_report(tmp_path / "sites.xlsx", load_shipped_catalog())
    assert report.types["commune"].departments["Finistère"]["dynamique"] == 2


def test_windows_1252_export_is_noted(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "Collectivité;Type;Département;Niveau\nPléneuf;commune;Côtes-d'Armor;Vitrine\n".encode(
            "cp1252"
        )
    )
    report = build_report(path, load_shipped_catalog())
    assert report.types["commune"].departments["Côtes-d'Armor"]["vitrine"] == 1
    assert "Windows-1252" in report.notes[0]


@pytest.mark.parametrize(
    ("part", "whole", "percent", "rate"),
    [
        (98, 119, 82, "82.4"),
        (631, 1269, 50, "49.7"),
        (1, 8, 13, "12.5"),
        (1, 16, 6, "6.3"),
        (0, 5, 0, "0.0"),
    ],
)
def test_half_up_rounding(part: int, whole: int, percent: int, rate: str) -> None:
    assert percent_half_up(part, whole) == percent
    assert rate_half_up(part, whole) == rate


@given(
    st.integers(min_value=1, max_value=100_000).flatmap(
        lambda w: st.tuples(st.integers(0, w), st.just(w))
    )
)
def test_rounding_agrees_with_decimal_half_up(pair: tuple[int, int]) -> None:
    part, whole = pair
    exact = Decimal(part) * 100 / Decimal(whole)
    assert percent_half_up(part, whole) == int(exact.quantize(Decimal(1), ROUND_HALF_UP))
    assert rate_half_up(part, whole) == str(exact.quantize(Decimal("0.1"), ROUND_HALF_UP))
