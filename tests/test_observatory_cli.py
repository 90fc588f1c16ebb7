"""``webpass observatoire classer`` and ``rapport`` through the command line."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import webpass.observatory.fetch as fetch
from webpass.cli import cli
from webpass.observatory.fetch import Fetched

REPO = Path(__file__).resolve().parent.parent
SITES = REPO / "tests" / "fixtures" / "sites"
EXAMPLE = REPO / "examples" / "observatoire-bretagne-2009.csv"
CHECKLIST = REPO / "examples" / "observatoire-releve.yaml"


def test_classer_a_checklist(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["observatoire", "classer", str(CHECKLIST)])
    assert result.exit_code == 0, result.output
    assert "Niveau 3 — Site dynamique d'actualité" in result.output
    assert "Pour atteindre le niveau 4" in result.output
    assert "N4-01" in result.output and "E01" in result.output


def test_classer_pages_json(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["observatoire", "classer", "--pages", str(SITES / "niveau2"), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["niveau"] == 2 and data["niveau_id"] == "vitrine_enrichie"
    assert data["methode"] == "pages" and data["pages_analysees"] == 4
    missing = data["niveau_suivant"]["manquants"]
    assert [m["id"] for m in missing] == ["N3-01", "N3-02"]
    assert {ref["id"] for ref in missing[0]["exigences"]} >= {"D01"}
    met = next(c for c in data["criteres"] if c["id"] == "N2-05")
    assert met["resultat"] == "oui" and "service-public.fr" in met["indices"][0]


def test_classer_url_uses_the_fetcher_only_when_asked(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def fake(url: str, limits: object, may_follow: object) -> Fetched:
        asked.append(url)
        if url.endswith("robots.txt"):
            return Fetched(url, 404, error="erreur HTTP 404")
        return Fetched(
            url, 200, "text/html", "utf-8", (SITES / "niveau1" / "index.html").read_bytes()
        )

    monkeypatch.setattr(fetch, "urllib_transport", fake)
    result = runner.invoke(cli, ["observatoire", "classer", "--pages", str(SITES / "niveau1")])
    assert result.exit_code == 0 and not asked
    result = runner.invoke(
        cli, ["observatoire", "classer", "--url", "www.lanvezec.example", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["niveau"] == 1
    assert asked[0] == "https://www.lanvezec.example/"


@pytest.mark.parametrize(
    "arguments",
    [
        ["observatoire", "classer"],
        ["observatoire", "classer", "x.yaml", "--pages", "."],
    ],
)
def test_classer_needs_exactly_one_source(runner: CliRunner, arguments: list[str]) -> None:
    result = runner.invoke(cli, arguments)
    assert result.exit_code == 2
    assert "une seule source" in result.output


def test_classer_bad_checklist_exits_1_with_lines(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "releve.yaml"
    path.write_text("criteres:\n  N1-01: oui\n  N7-01: oui\n  N1-02: bof\n", encoding="utf-8")
    result = runner.invoke(cli, ["observatoire", "classer", str(path)])
    assert result.exit_code == 1
    assert f"{path}:3" in result.output and f"{path}:4" in result.output
    assert "Traceback" not in result.output


def test_rapport_prints_the_tables(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["observatoire", "rapport", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "631 sur 1269 ont un site (49,7 %)" in result.output
    assert "98 sur 119 ont un site (82,4 %)" in result.output


def test_rapport_json(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["observatoire", "rapport", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["types"]["commune"]["pourcentages"]["vitrine"] == 26
    assert data["types"]["communaute"]["taux_avec_site"] == "82.4"


def test_rapport_html_and_pdf(runner: CliRunner, tmp_path: Path) -> None:
    html = tmp_path / "out" / "observatoire.html"
    pdf = tmp_path / "out" / "observatoire.pdf"
    result = runner.invoke(
        cli,
        [
            "observatoire",
            "rapport",
            str(EXAMPLE),
            "--html",
            str(html),
            "--pdf",
            str(pdf),
            "--titre",
            "Bretagne <2009>",
        ],
    )
    assert result.exit_code == 0, result.output
    text = html.read_text(encoding="utf-8")
    assert "<script" not in text
    assert text.count("<svg") == 2 and "<rect" in text
    assert "Bretagne &lt;2009&gt;" in text  # user text is escaped
    assert "<td>162</td>" in text and "<td>26 %</td>" in text and "49,7 %" in text
    assert pdf.read_bytes().startswith(b"%PDF-")
    again = tmp_path / "again.html"
    runner.invoke(
        cli,
        [
            "observatoire",
            "rapport",
            str(EXAMPLE),
            "--html",
            str(again),
            "--titre",
            "Bretagne <2009>",
        ],
    )
    assert again.read_bytes() == html.read_bytes()  # reproducible
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_rapport_refuses_to_overwrite_its_input(runner: CliRunner, tmp_path: Path) -> None:
    copy = tmp_path / "sites.csv"
    copy.write_bytes(EXAMPLE.read_bytes())
    result = runner.invoke(cli, ["observatoire", "rapport", str(copy), "--html", str(copy)])
    assert result.exit_code == 2
    assert copy.read_bytes() == EXAMPLE.read_bytes()


def test_rapport_unknown_values_exit_1_with_every_line(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text(
        "Collectivité;Type;Département;Niveau\nA;commune;29;vitrine\nB;commune;29;génial\nC;commune;29;super\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["observatoire", "rapport", str(path)])
    assert result.exit_code == 1
    assert f"{path}:3" in result.output and f"{path}:4" in result.output
    assert "Traceback" not in result.output


def test_rapport_hostile_xlsx_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["Collectivité", "Type", "Département", "Niveau"])
    book.save(tmp_path / "ok.xlsx")
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(tmp_path / "ok.xlsx") as source, zipfile.ZipFile(bad, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = data.split(b"?>", 1)[-1]
                data = (
                    b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                    + body
                )
            target.writestr(info, data)
    result = runner.invoke(cli, ["observatoire", "rapport", str(bad)])
    assert result.exit_code == 2
    assert "DTD" in result.output and "Traceback" not in result.output


def test_observatory_commands_do_not_import_weasyprint() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from webpass.cli import cli\n"
        f"r = CliRunner().invoke(cli, ['observatoire', 'rapport', {str(EXAMPLE)!r}, '--json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "assert 'weasyprint' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_blank_checklist_round_trip(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "releve.yaml"
    result = runner.invoke(cli, ["observatoire", "releve", "--sortie", str(path)])
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert text.count(': "?"') == 57
    filled = text.replace('N1-01: "?"', "N1-01: oui").replace('N1-02: "?"', "N1-02: oui")
    path.write_text(filled.replace('N1-03: "?"', "N1-03: oui"), encoding="utf-8")
    result = runner.invoke(cli, ["observatoire", "classer", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["niveau"] == 1
    again = runner.invoke(cli, ["observatoire", "releve", "--sortie", str(path)])
    assert again.exit_code == 2  # a filled checklist is never overwritten
    assert "N1-01: oui" in path.read_text(encoding="utf-8")
