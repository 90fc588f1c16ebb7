"""The Typst engine: one escaping function, no file reachable, a tagged, reproducible PDF."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from webpass.core.resources import shipped_templates_dir
from webpass.documents.cctp import (
    Article,
    CctpDocument,
    ListBlock,
    Note,
    Paragraph,
    Run,
    TableBlock,
    build_document,
)
from webpass.dossier.opening import open_dossier
from webpass.render.attachment import Attachment, answers_attachment
from webpass.render.typst_escape import typst_string
from webpass.render.typst_glyphs import REPLACEMENT, drawable
from webpass.render.typst_pdf import PAGE_COUNT, TypstRefused, compile_typst, render_typst_pdf

REPO = Path(__file__).resolve().parent.parent
STAMP = dt.datetime(2027, 1, 11, tzinfo=dt.UTC)
FONTS = shipped_templates_dir() / "fonts"
SECRETS = [b"root:x:0:0"]

# Every way we know of turning text into Typst code or markup, and characters that close a
# string, a content block or a comment.
HOSTILE = [
    '#import "@preview/cetz:0.3.0": *',
    '#read("/etc/passwd")',
    '#include "/etc/passwd"',
    '#image("/etc/hostname")',
    '"); #read("/etc/passwd"); ("',
    '\\"); #read("/etc/passwd") //',
    "a\\b\\\\c\\",
    "\\u{41} \\n \\t",
    "$x^2$ et $$",
    "*gras* _italique_ `brut`",
    "@etiquette <etiquette>",
    "] ) } #{ [ ( {",
    "// commentaire /* bloc */",
    "= Titre\n- liste\n+ énumération",
    "-- --- ... ~ 'apostrophe' \"guillemets\"",
    "https://exemple.invalid/?a=1&b=<2>",
    "#let x = 1; #x #sys.inputs",
    "#set page(fill: red)",
    "#show: it => none",
]


def _source(body: str) -> str:
    # The least a PDF/UA-1 document needs: a title and a language.
    return (
        '#set document(title: "essai")\n#set text(font: "DejaVu Sans", lang: "fr")\n'
        + body
        + "\n"
        + PAGE_COUNT
    )


def _compile_text(text: str) -> bytes:
    return compile_typst(_source("#" + typst_string(text)), FONTS, STAMP).data


def _extract(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_shown_never_run(text: str) -> None:
    data = _compile_text(text)
    assert _squash(_extract(data)) == _squash(text)
    assert not any(secret in data for secret in SECRETS)


def test_bidi_controls_cannot_leave_the_string() -> None:
    literal = typst_string('\u202e"); #read("/etc/passwd") \u2066x\u2069')
    assert "\u202e" not in literal and "\\u{202e}" in literal
    assert literal.count('"') - literal.count('\\"') == 2
    _compile_text('\u202e"); #read("/etc/passwd") \u2066x\u2069')


# Text a PDF can give back as it went in: no control, format or separator character (a PDF
# has no glyph for them) and spaces compared after collapsing, as extraction changes them.
_SHOWABLE = st.characters(
    codec="utf-8",
    categories=("L", "M", "N", "P", "S", "Zs"),
    exclude_characters="\u00ad",
)


def _representable(text: str) -> bool:
    # A character without a glyph is replaced (see the next test); here, those the fonts draw.
    return drawable(text, FONTS) == text and not any(
        unicodedata.category(char) == "Mn" for char in text
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(_SHOWABLE, min_size=1, max_size=40).filter(
        lambda t: t.strip() != "" and _representable(t)
    )
)
def test_escaped_text_compiles_and_reads_back(text: str) -> None:
    extracted = unicodedata.normalize("NFC", _squash(_extract(_compile_text(text))))
    assert extracted == unicodedata.normalize("NFC", _squash(text))


@pytest.mark.parametrize("text", ["Plouézec 🏖", "ᑓ", "市役所", "a\u0301"])
def test_characters_without_glyph_are_replaced_not_fatal(text: str) -> None:
    shown = drawable(text, FONTS)
    assert len(shown) == len(text)
    extracted = unicodedata.normalize("NFC", _squash(_extract(_compile_text(shown))))
    assert extracted.replace(REPLACEMENT, "") in unicodedata.normalize("NFC", text)


@pytest.mark.parametrize(
    "attack",
    [
        '#read("/etc/passwd")',
        '#read("../../../../../etc/passwd")',
        '#include "/etc/passwd"',
        '#image("/etc/hostname")',
        '#read("/proc/self/environ")',
    ],
)
def test_typst_reads_no_file_outside_its_empty_root(attack: str) -> None:
    assert compile_typst(_source("#lorem(5)"), FONTS, STAMP).pages == 1  # the same source compiles
    with pytest.raises(TypstRefused) as refused:
        compile_typst(_source(attack), FONTS, STAMP)
    assert not any(secret.decode() in str(refused.value) for secret in SECRETS)


def _hostile_document() -> CctpDocument:
    runs = tuple(Run(text, bold=n % 2 == 0, italic=n % 3 == 0) for n, text in enumerate(HOSTILE))
    article = Article("1", HOSTILE[1])
    article.blocks += [
        Paragraph(runs),
        Paragraph((Run(HOSTILE[0], href="https://exemple.invalid/\"#read('/etc/passwd')"),)),
        ListBlock(tuple((Run(text),) for text in HOSTILE), ordered=True),
        TableBlock(
            (HOSTILE[2], HOSTILE[3]),
            tuple((a, b) for a, b in zip(HOSTILE[::2], HOSTILE[1::2], strict=False)),
            (40, 60),
            caption=HOSTILE[4],
        ),
        Note("info", runs[:3]),
    ]
    article.children.append(Article("1.1", HOSTILE[5], [Paragraph((Run(HOSTILE[6]),))]))
    return CctpDocument(
        title=HOSTILE[7],
        object=HOSTILE[8],
        buyer='#read("/etc/passwd")',
        buyer_kind=HOSTILE[9],
        reference=HOSTILE[10],
        date=dt.date(2027, 1, 11),
        catalog_version=HOSTILE[11],
        articles=[article],
        annexes=[Article("A1", HOSTILE[12], [Paragraph((Run(HOSTILE[13]),))])],
        glossary=[(HOSTILE[14], HOSTILE[15])],
        answers_yaml='nom: "#read(\\"/etc/passwd\\")"\n',
        fingerprints={},
        acronym=HOSTILE[16],
    )


def test_a_document_made_of_hostile_values_renders_them_as_text() -> None:
    document = _hostile_document()
    attachments = [
        Attachment("webpass.yaml", document.answers_yaml.encode(), '#read("/etc/passwd")')
    ]
    pdf = render_typst_pdf(document, shipped_templates_dir(), attachments)
    assert not any(secret in pdf.data for secret in SECRETS)
    text = _squash(_extract(pdf.data))
    for value in (document.buyer, HOSTILE[5], HOSTILE[13], HOSTILE[16]):
        assert _squash(value) in text
    reader = PdfReader(BytesIO(pdf.data))
    assert reader.attachments["webpass.yaml"][0].decode() == document.answers_yaml


@pytest.fixture(scope="module")
def small_commune() -> CctpDocument:
    return build_document(open_dossier(REPO / "examples" / "petite-commune").selection)


def test_pdf_is_tagged_ua_with_outline_footer_and_answers(small_commune: CctpDocument) -> None:
    attachments = [answers_attachment(small_commune)]
    pdf = render_typst_pdf(small_commune, shipped_templates_dir(), attachments)
    reader = PdfReader(BytesIO(pdf.data))
    assert pdf.pages == len(reader.pages)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert str(root["/Lang"]).startswith("fr")
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp and b"pdfaid:part" in xmp
    assert reader.attachments["webpass.yaml"][0].decode() == small_commune.answers_yaml
    assert len(reader.outline) >= len(small_commune.articles)
    assert reader.metadata is not None and reader.metadata.title.startswith("Cahier des clauses")
    # The cover has no footer; every other page carries the running title and x / y.
    assert "page 1 /" not in reader.pages[0].extract_text()
    last = reader.pages[-1].extract_text()
    assert f"CCTP — Tonquédec — page {pdf.pages} / {pdf.pages}" in last
    # Contents with page numbers, down to the model's depth (one level for a small project).
    contents = reader.pages[1].extract_text()
    assert "Table des matières" in contents
    assert small_commune.toc_depth == 1
    assert re.search(r"2\s+Cadre et pilotage du projet[ .]*\d+", contents)
    assert not re.search(r"2\.1\s+Objet du marché", contents)


def test_same_inputs_same_bytes(small_commune: CctpDocument) -> None:
    first = render_typst_pdf(small_commune, shipped_templates_dir())
    second = render_typst_pdf(small_commune, shipped_templates_dir())
    assert first.data == second.data


def test_the_style_imports_nothing_and_reads_nothing() -> None:
    # A package import would make Typst download it; a read would reach outside the model.
    style = (shipped_templates_dir() / "document.typ").read_text(encoding="utf-8")
    for call in ("#import", "#include", "read(", "image(", "@preview", "json(", "yaml("):
        assert call not in style, call


def test_the_characters_written_without_a_look_never_need_an_escape() -> None:
    from webpass.render.typst_escape import _PLAIN, _escape_char

    plain = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    plain = [char for char in plain if _PLAIN.fullmatch(char)]
    assert "é" in plain and "\u202f" in plain and "€" in plain and "’" in plain
    assert [char for char in plain if _escape_char(char) != char] == []
    for needs in ('"', "\\", "\u2028", "\u202e", "\u2066", "\x00", "\ue000"):
        assert not _PLAIN.fullmatch(needs)


@given(st.text())
def test_a_typst_string_is_the_same_with_or_without_the_shortcut(text: str) -> None:
    from webpass.render.typst_escape import _escape_char

    assert typst_string(text) == '"' + "".join(_escape_char(c) for c in text) + '"'


def test_a_short_table_taller_than_a_page_breaks_rather_than_loses_its_last_rows() -> None:
    """A table of 10 rows at most is kept whole; one taller than a page was laid out past the
    page foot and its last rows cut off (the groupement's « Paiement par membre », rev7)."""
    tall = "\n".join(f"ligne {n} d'une cellule très longue" for n in range(12))
    rows = (*((f"membre {n}", tall) for n in range(8)), ("dernier membre", "fin du tableau"))
    article = Article("1", "Tableau")
    article.blocks.append(TableBlock(("Membre", "Prestations"), rows, (30, 70), caption="Parts"))
    document = CctpDocument(
        title="Essai",
        object="Essai",
        buyer="Commune d'essai",
        buyer_kind="commune",
        reference="ESSAI-01",
        date=dt.date(2027, 1, 11),
        catalog_version="2026.1",
        articles=[article],
        annexes=[],
        glossary=[],
        answers_yaml="",
        fingerprints={},
    )
    pdf = render_typst_pdf(document, shipped_templates_dir())
    pages = [page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages]
    assert "fin du tableau" in "\n".join(pages)
    # Split between rows: the header repeats on the page the table goes on to.
    assert sum("Prestations" in page for page in pages) >= 2
