"""Typst and WeasyPrint on the same documents: same content, both tagged, both drawn.

The two engines lay pages out differently (hyphenation, page breaks), so the text is compared
by content: every text of the model — titles, paragraphs, list entries, notes, table cells,
glossary — must be found in the text extracted from each PDF, letters and digits only.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from tests.conftest import pdf_page_texts
from tests.system_deps import needs_pdftoppm
from webpass.cli import cli
from webpass.documents.cctp import (
    CctpDocument,
    ListBlock,
    Note,
    Paragraph,
    TableBlock,
    build_document,
)
from webpass.documents.rc import build_rc
from webpass.dossier.opening import open_dossier
from webpass.render.dispatch import PdfEngine, Rendered, render

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _model_texts(document: CctpDocument) -> Iterator[str]:
    yield from (document.title, document.buyer, document.object, document.reference)
    for article in document.walk():
        yield article.title
        for block in article.blocks:
            if isinstance(block, Paragraph | Note):
                yield "".join(run.text for run in block.runs)
            elif isinstance(block, ListBlock):
                yield from ("".join(run.text for run in entry) for entry in block.entries)
            elif isinstance(block, TableBlock):
                yield from block.header
                yield from (cell for row in block.rows for cell in row)
    for term, meaning in document.glossary:
        yield term
        yield meaning


def _letters(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())


@pytest.fixture(scope="module", params=["cctp-petite-commune", "rc-communaute-de-communes"])
def both(request: pytest.FixtureRequest) -> tuple[CctpDocument, dict[PdfEngine, Rendered]]:
    piece, example = request.param.split("-", 1)
    selection = open_dossier(REPO / "examples" / example).selection
    document = build_document(selection) if piece == "cctp" else build_rc(selection)
    return document, {engine: render(document, "pdf", engine=engine) for engine in PdfEngine}


def test_both_engines_print_every_text_of_the_model(
    both: tuple[CctpDocument, dict[PdfEngine, Rendered]],
) -> None:
    document, pdfs = both
    for engine, pdf in pdfs.items():
        # A paragraph may run over a page break, where the footer sits in the extracted text.
        # Extracted once per run: the same bytes may be a piece of an example's DCE.
        pages = [
            text.replace(f"{document.running_title} — page {number} / {pdf.pages}", "")
            for number, text in enumerate(pdf_page_texts(pdf.data), 1)
        ]
        extracted = _letters("".join(pages))
        missing = [t for t in _model_texts(document) if _letters(t) not in extracted]
        assert not missing, f"{engine}: {missing[:3]}"


def test_both_engines_tag_attach_and_count(
    both: tuple[CctpDocument, dict[PdfEngine, Rendered]],
) -> None:
    document, pdfs = both
    for engine, pdf in pdfs.items():
        reader = PdfReader(BytesIO(pdf.data))
        root = reader.trailer["/Root"]
        assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root, engine
        assert str(root["/Lang"]).startswith("fr"), engine
        assert pdf.pages == len(reader.pages), engine
        assert reader.attachments["webpass.yaml"][0].decode() == document.answers_yaml
        footer = pdf_page_texts(pdf.data)[-1]
        assert f"{document.running_title} — page {pdf.pages} / {pdf.pages}" in footer, engine


@needs_pdftoppm
def test_both_engines_draw_pages(
    both: tuple[CctpDocument, dict[PdfEngine, Rendered]], tmp_path: Path
) -> None:
    from PIL import Image, ImageStat

    _, pdfs = both
    for engine, pdf in pdfs.items():
        source = tmp_path / f"{engine}.pdf"
        source.write_bytes(pdf.data)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "20",
                "-f",
                "1",
                "-l",
                "3",
                str(source),
                str(tmp_path / engine),
            ],
            check=True,
        )
        images = sorted(tmp_path.glob(f"{engine}-*.png"))
        assert len(images) == 3, engine
        for image in images:
            with Image.open(image) as page:
                # Ink on a white page: the darkest pixel is dark and the page is not all ink.
                grey = page.convert("L")
                low, high = grey.getextrema()
                assert low < 160 and high == 255 and ImageStat.Stat(grey).mean[0] > 180, image


def test_each_engine_is_imported_only_to_make_its_pdf(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from webpass.dossier.opening import open_dossier\n"
        "from webpass.render.dispatch import generate\n"
        "selection = open_dossier(Path(sys.argv[1])).selection\n"
        "generate(selection, ['html', 'docx'], Path(sys.argv[2]))\n"
        "assert not {'typst', 'weasyprint'} & set(sys.modules), 'moteur importé sans PDF'\n"
        "generate(selection, ['pdf'], Path(sys.argv[2]))\n"
        "assert 'typst' in sys.modules and 'weasyprint' not in sys.modules\n"
    )
    folder = REPO / "examples" / "petite-commune"
    result = subprocess.run(
        [sys.executable, "-c", code, str(folder), str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def pdf_producer(pdf: Path) -> str:
    """Who made the PDF: Typst signs /Creator, WeasyPrint /Producer."""
    info = PdfReader(pdf).metadata
    assert info is not None
    return f"{info.get('/Creator', '')} {info.get('/Producer', '')}"


def test_cli_engine_per_document(
    runner: CliRunner, dossier: Path, options_catalog: Path, tmp_path: Path
) -> None:
    def generer(*options: str) -> Path:
        out = tmp_path / "-".join(options or ("defaut",))
        arguments = ["generer", str(dossier), "--format", "pdf", "--sortie", str(out)]
        result = runner.invoke(cli, [*arguments, "--catalogue", str(options_catalog), *options])
        assert result.exit_code == 0, result.output
        return next(out.glob("*.pdf"))

    assert "Typst" in pdf_producer(generer())
    assert "WeasyPrint" in pdf_producer(generer("--moteur", "weasyprint"))
    own = tmp_path / "mes-modeles"
    own.mkdir()
    (own / "cctp.html.j2").write_text('{% extends "webpass/cctp.html.j2" %}', encoding="utf-8")
    assert "WeasyPrint" in pdf_producer(generer("--modeles", str(own)))
    assert "Typst" in pdf_producer(generer("--modeles", str(own), "--moteur", "typst"))
    refused = runner.invoke(cli, ["generer", str(dossier), "--moteur", "latex"])
    assert refused.exit_code == 2
