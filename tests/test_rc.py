"""The règlement de la consultation (webpass.documents.rc, ``webpass rc``)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from click.testing import CliRunner

from tests.conftest import REPO
from webpass.cli import cli
from webpass.documents.cctp import Article, ListBlock, Note, Paragraph, TableBlock
from webpass.documents.rc import build_rc
from webpass.dossier.opening import open_dossier
from webpass.render.dispatch import render_document

EXAMPLE = REPO / "examples" / "communaute-de-communes"


def text_of(articles: list[Article]) -> str:
    parts: list[str] = []

    def visit(article: Article) -> None:
        parts.append(f"{article.number} {article.title}")
        for block in article.blocks:
            if isinstance(block, Paragraph | Note):
                parts.append("".join(run.text for run in block.runs))
            elif isinstance(block, ListBlock):
                parts.extend("".join(run.text for run in entry) for entry in block.entries)
            elif isinstance(block, TableBlock):
                parts.extend(" | ".join(row) for row in (block.header, *block.rows))
        for child in article.children:
            visit(child)

    for article in articles:
        visit(article)
    return "\n".join(parts).replace("\u00a0", " ").replace("\u202f", " ")


def test_rc_of_the_example_announces_criteria_weights_formula_and_deadline() -> None:
    document = build_rc(open_dossier(EXAMPLE).selection)
    assert document.title == "Règlement de la consultation"
    assert document.acronym == "RC"
    assert document.running_title == "RC — Communauté de communes du Pays Fouesnantais"
    text = text_of([*document.articles, *document.annexes])
    for expected in (
        "1 Objet de la consultation",
        "procédure adaptée",  # selection.procedure: MAPA with a BOAMP notice
        "BOAMP",
        "F13 — Paiement PayFiP intégré aux démarches du site",  # an option (PSE)
        "le cadre de réponse (tableur XLSX)",
        "mémoire technique",
        "DC1",
        "DUME",
        "acte d’engagement (ATTRI1)",
        "au plus tard le 5 mars 2027 à 12 h 00",
        "Valeur technique |  | 60 points",
        " | Méthodologie et planning | 15 points | ",
        " | Accessibilité | 10 points | ",
        " | Performance environnementale | 10 points | ",
        " | Téléservices | 10 points | ",
        "Prix |  | 40 points",
        "note = 40 × prix le plus bas ÷ prix de l’offre",
        "l’offre au prix le plus bas est classée la première",
        "marches@cc-paysfouesnantais.fr",
        "https://marches.cc-paysfouesnantais.fr",
        # the scale, one sentence per level
        "Niveau | Appréciation | Ce qui vaut ce niveau",
        "4 | Bon | Réponse précise et adaptée",
        "le niveau 4 sur « Méthodologie et planning » (15 points) rapporte 12 points",
        # conformity is a gate, with regularisation under R2152-2
        "La conformité au CCTP n'est pas notée",
        "qui ne propose pas entièrement chacune des PSE",
        "R2152-2",
        # the price annex of the AE is part of every offer and prevails over the grid
        "les prix de la DPGF-BPU prévalent",
        # the environmental criterion of the loi Climat et résilience
        "Climat et résilience",
    ):
        # Typography (’) is the pieces' business; the wording is what is checked here.
        assert expected.replace("\u2019", "'") in text.replace("\u2019", "'"), expected
    assert not document.annexes  # no weights of requirements: nothing is scored from them


def test_rc_with_default_criteria_and_deadline(dossier: Path, options_catalog: Path) -> None:
    selection = open_dossier(dossier, options_catalog).selection
    text = text_of(build_rc(selection).articles)
    # No criteres block: the default criteria and launch (11 January 2027) + 30 days.
    assert "au plus tard le 10 février 2027 à 12 h 00" in text
    assert "Méthodologie et planning | 20 points" in text
    assert "Conformité" not in text.split("7.2")[1].split("7.3")[0]
    assert "R2122-8" in text  # under the exemption threshold


def test_cli_rc_writes_the_documents_and_warns(
    dossier: Path, options_catalog: Path, tmp_path: Path
) -> None:
    out = tmp_path / "sortie"
    out.mkdir()
    result = CliRunner().invoke(
        cli,
        [
            "rc",
            str(dossier),
            "--format",
            "html,docx",
            "--sortie",
            str(out),
            "--catalogue",
            str(options_catalog),
        ],
    )
    assert result.exit_code == 0, result.output
    html = (out / "RC-kerbriac-sur-lie.html").read_text(encoding="utf-8")
    assert '<p class="cover-acronym">RC</p>' in html
    assert "<h1>Règlement de la consultation</h1>" in html
    word = docx.Document(str(out / "RC-kerbriac-sur-lie.docx"))
    assert word.sections[0].header.paragraphs[0].text == "RC — Kerbriac-sur-Lié"
    assert word.core_properties.keywords == "RC, Webpass"
    assert "critères par défaut" in result.stderr


def test_cli_rc_refuses_wrong_criteria(dossier: Path, options_catalog: Path) -> None:
    answers = dossier / "webpass.yaml"
    answers.write_text(
        answers.read_text(encoding="utf-8")
        + "criteres:\n  date_limite_offres: 2027-01-02\n  liste:\n"
        + "    - {nom: Technique, poids: 60, nature: note_analyste}\n"
        + "    - {nom: Prix, poids: 40, nature: prix}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["rc", str(dossier), "--catalogue", str(options_catalog)])
    assert result.exit_code == 1
    assert "doit suivre le lancement" in result.stderr
    assert "webpass.yaml:20" in result.stderr  # the line of date_limite_offres
    answers.write_text(
        answers.read_text(encoding="utf-8").replace("poids: 40", "poids: 30"), encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["rc", str(dossier), "--catalogue", str(options_catalog)])
    assert result.exit_code == 1
    assert "90 points au lieu de 100" in result.stderr


def test_rc_pdf_has_its_own_running_footer() -> None:
    from pypdf import PdfReader

    document = build_rc(open_dossier(EXAMPLE).selection)
    reader = PdfReader(io.BytesIO(render_document(document, "pdf")))
    second = reader.pages[2].extract_text()
    assert "RC — Communauté de communes du Pays Fouesnantais — page 3" in second
    assert "CCTP —" not in second
