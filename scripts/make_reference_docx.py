"""Build cctp_templates/reference.docx, the style sheet of every CCTP written as DOCX.

The DOCX renderer (webpass/render/docx.py) only names styles; everything a reader sees (fonts,
sizes, spacing, colours, the frames of the notes, the table header) is defined here. A
collectivity can restyle a copy in Word or LibreOffice and have webpass use it instead of this
one: the text of the file is ignored, its styles and page setup (format, margins) are kept.

The document starts from python-docx's default template, drops what a sober document does not
need (thumbnail, Word 2010 duplicate style sheet, sample custom XML, the zoo of coloured table
styles) and defines the styles below. Run it from the repository: ``.venv/bin/python
scripts/make_reference_docx.py``. The output is byte-identical from run to run.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from lxml import etree

from webpass.core.atomic import write_bytes_atomic
from webpass.core.reproducible import normalize_zip

TARGET = Path(__file__).resolve().parent.parent / "cctp_templates" / "reference.docx"

FONT = "DejaVu Sans"
TEXT_WIDTH_TWIPS = 9072  # 16 cm: A4 (21 cm) minus two 2.5 cm margins
INK = "1F3A5F"  # headings, cover title, table header
GREY = "595959"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


@dataclass
class Style:
    """One style, written as WordprocessingML; sizes in half-points, spacing in twips."""

    style_id: str
    name: str
    kind: str = "paragraph"
    based_on: str | None = "Normal"
    next_style: str | None = None
    custom: bool = False
    priority: int | None = None
    quick: bool = False
    ppr: list[str] = field(default_factory=list)
    rpr: list[str] = field(default_factory=list)
    extra: str = ""

    def xml(self) -> str:
        attrs = f'w:type="{self.kind}" w:styleId="{self.style_id}"'
        if self.custom:
            attrs += ' w:customStyle="1"'
        if self.style_id in ("Normal", "DefaultParagraphFont", "TableNormal", "NoList"):
            attrs += ' w:default="1"'
        parts = [f"<w:name w:val={quoteattr(self.name)}/>"]
        if self.based_on:
            parts.append(f'<w:basedOn w:val="{self.based_on}"/>')
        if self.next_style:
            parts.append(f'<w:next w:val="{self.next_style}"/>')
        if self.priority is not None:
            parts.append(f'<w:uiPriority w:val="{self.priority}"/>')
        if self.quick:
            parts.append("<w:qFormat/>")
        if self.ppr:
            parts.append("<w:pPr>" + "".join(self.ppr) + "</w:pPr>")
        if self.rpr:
            parts.append("<w:rPr>" + "".join(self.rpr) + "</w:rPr>")
        parts.append(self.extra)
        return f"<w:style {attrs}>{''.join(parts)}</w:style>"


def fonts() -> str:
    name = quoteattr(FONT)
    return f"<w:rFonts w:ascii={name} w:hAnsi={name} w:eastAsia={name} w:cs={name}/>"


def size(points: float) -> str:
    half = round(points * 2)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


def color(value: str) -> str:
    return f'<w:color w:val="{value}"/>'


def spacing(before: float = 0, after: float = 6, line: float | None = None) -> str:
    line_attr = f' w:line="{round(line * 240)}" w:lineRule="auto"' if line else ""
    return f'<w:spacing w:before="{round(before * 20)}" w:after="{round(after * 20)}"{line_attr}/>'


def border(side: str, width_eighths: int, colour: str, space: int = 4) -> str:
    return f'<w:{side} w:val="single" w:sz="{width_eighths}" w:space="{space}" w:color="{colour}"/>'


def note(style_id: str, name: str, rule: str, fill: str, bold: bool = False) -> Style:
    """A framed note: a coloured rule on the left, a light background, a smaller font."""
    return Style(
        style_id,
        name,
        custom=True,
        priority=30,
        quick=True,
        ppr=[
            # the strength badge stays with its heading and the clause below it
            *(["<w:keepNext/>"] if bold else []),
            "<w:keepLines/>",
            # top and bottom rules in the background colour give the text some air
            "<w:pBdr>"
            f"{border('top', 2, fill, 3)}{border('left', 24, rule, 8)}{border('bottom', 2, fill, 3)}"
            "</w:pBdr>",
            f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>',
            spacing(2, 6, 1.1),
            '<w:ind w:left="198" w:right="0"/>',
        ],
        rpr=[*(["<w:b/>", "<w:bCs/>"] if bold else []), color("262626"), size(9.5)],
    )


def heading(level: int, points: float, before: float, after: float, rule: bool) -> Style:
    ppr = ["<w:keepNext/>", "<w:keepLines/>"]
    if rule:
        ppr.append(f"<w:pBdr>{border('bottom', 6, INK, 3)}</w:pBdr>")
    ppr += [spacing(before, after, 1.0), f'<w:outlineLvl w:val="{level - 1}"/>']
    return Style(
        f"Heading{level}",
        f"heading {level}",
        next_style="Normal",
        priority=9,
        quick=True,
        ppr=ppr,
        rpr=["<w:b/>", "<w:bCs/>", color(INK if level < 3 else "262626"), size(points)],
    )


def toc(level: int) -> Style:
    tabs = f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH_TWIPS}"/></w:tabs>'
    indent = (level - 1) * 284
    # No right indent: LibreOffice hides a page number whose tab stop lies beyond it.
    ppr = [tabs, spacing(5 if level == 1 else 0, 2, 1.0), f'<w:ind w:left="{indent}"/>']
    return Style(
        f"TOC{level}",
        f"toc {level}",
        next_style="Normal",
        priority=39,
        ppr=ppr,
        rpr=["<w:b/>", "<w:bCs/>"] if level == 1 else [],
    )


def styles() -> list[Style]:
    table_grid_borders = "".join(
        border(side, 4, "A6A6A6", 0) for side in ("top", "left", "bottom", "right")
    ) + "".join(border(side, 4, "A6A6A6", 0) for side in ("insideH", "insideV"))
    table_grid = (
        "<w:tblPr>"
        '<w:tblInd w:w="0" w:type="dxa"/>'
        f"<w:tblBorders>{table_grid_borders}</w:tblBorders>"
        "<w:tblCellMar>"
        '<w:top w:w="40" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
        "</w:tblCellMar>"
        "</w:tblPr>"
        '<w:tblStylePr w:type="firstRow">'
        "<w:rPr><w:b/><w:bCs/></w:rPr>"
        "<w:tblPr/>"
        "<w:trPr><w:tblHeader/></w:trPr>"
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="DCE3EC"/></w:tcPr>'
        "</w:tblStylePr>"
    )
    return [
        Style(
            "Normal",
            "Normal",
            based_on=None,
            quick=True,
            ppr=["<w:widowControl/>", spacing(0, 6, 1.15)],
            rpr=[fonts(), size(10.5), '<w:lang w:val="fr-FR" w:eastAsia="en-US" w:bidi="ar-SA"/>'],
        ),
        Style("DefaultParagraphFont", "Default Paragraph Font", "character", None, priority=1),
        Style(
            "TableNormal",
            "Normal Table",
            "table",
            None,
            priority=99,
            extra=(
                '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
                '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
                '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
                "</w:tblCellMar></w:tblPr>"
            ),
        ),
        Style("NoList", "No List", "numbering", None, priority=99),
        Style(
            "Title",
            "Title",
            next_style="Normal",
            priority=10,
            quick=True,
            ppr=[spacing(0, 12, 1.0), "<w:contextualSpacing/>"],
            rpr=["<w:b/>", "<w:bCs/>", color(INK), size(24)],
        ),
        Style(
            "Subtitle",
            "Subtitle",
            next_style="Normal",
            priority=11,
            quick=True,
            ppr=[spacing(0, 30, 1.1)],
            rpr=[color("404040"), size(14)],
        ),
        heading(1, 15, 18, 8, rule=True),
        heading(2, 12.5, 14, 5, rule=False),
        heading(3, 11, 10, 4, rule=False),
        Style(
            "ListBullet",
            "List Bullet",
            priority=36,
            quick=True,
            ppr=['<w:numPr><w:numId w:val="1"/></w:numPr>', spacing(0, 3, 1.15)],
        ),
        Style(
            "ListNumber",
            "List Number",
            priority=36,
            quick=True,
            ppr=['<w:numPr><w:numId w:val="2"/></w:numPr>', spacing(0, 3, 1.15)],
        ),
        Style(
            "Caption",
            "caption",
            next_style="Normal",
            priority=35,
            quick=True,
            ppr=["<w:keepNext/>", spacing(6, 3, 1.0)],
            rpr=["<w:b/>", "<w:bCs/>", color(GREY), size(9)],
        ),
        Style(
            "TOCHeading",
            "TOC Heading",
            next_style="Normal",
            priority=39,
            quick=True,
            ppr=["<w:keepNext/>", spacing(0, 14, 1.0), '<w:outlineLvl w:val="9"/>'],
            rpr=["<w:b/>", "<w:bCs/>", color(INK), size(15)],
        ),
        toc(1),
        toc(2),
        toc(3),
        Style(
            "Header",
            "header",
            priority=99,
            ppr=[
                f"<w:pBdr>{border('bottom', 4, 'A6A6A6', 4)}</w:pBdr>",
                f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH_TWIPS}"/></w:tabs>',
                spacing(0, 0, 1.0),
            ],
            rpr=[color(GREY), size(8.5)],
        ),
        Style(
            "Footer",
            "footer",
            priority=99,
            ppr=[spacing(0, 0, 1.0), '<w:jc w:val="right"/>'],
            rpr=[color(GREY), size(8.5)],
        ),
        Style(
            "Hyperlink",
            "Hyperlink",
            "character",
            "DefaultParagraphFont",
            priority=99,
            rpr=[color("1F4E79"), '<w:u w:val="single"/>'],
        ),
        Style("TableGrid", "Table Grid", "table", "TableNormal", priority=59, extra=table_grid),
        note("NoteExigence", "Note exigence", INK, "E9EEF4", bold=True),
        note("NoteNormes", "Note normes", "8C8C8C", "F2F2F2"),
        note("NoteReponse", "Note réponse", "2E7D4F", "EAF3EC"),
        note("NoteInfo", "Note info", "B7860B", "FBF4E2"),
        Style(
            "CoverTitle",
            "Cover title",
            next_style="Normal",
            custom=True,
            priority=20,
            ppr=[
                "<w:keepNext/>",
                f"<w:pBdr>{border('top', 18, INK, 12)}</w:pBdr>",
                spacing(150, 14, 1.0),
            ],
            rpr=["<w:b/>", "<w:bCs/>", color(INK), size(24)],
        ),
        Style(
            "CoverLine",
            "Cover line",
            custom=True,
            priority=20,
            ppr=[spacing(0, 5, 1.15)],
            rpr=[color("262626"), size(11)],
        ),
        Style(
            "TableText",
            "Table text",
            custom=True,
            priority=40,
            ppr=[spacing(0, 0, 1.05)],
            rpr=[size(9)],
        ),
        Style(
            "TableHeader",
            "Table header",
            "paragraph",
            "TableText",
            custom=True,
            priority=40,
            ppr=["<w:keepNext/>"],
            rpr=["<w:b/>", "<w:bCs/>", color(INK)],
        ),
    ]


def styles_xml(latent: str) -> bytes:
    defaults = (
        "<w:docDefaults>"
        f"<w:rPrDefault><w:rPr>{fonts()}{size(10.5)}"
        '<w:lang w:val="fr-FR" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        f"<w:pPrDefault><w:pPr>{spacing(0, 6, 1.15)}</w:pPr></w:pPrDefault>"
        "</w:docDefaults>"
    )
    body = "".join(style.xml() for style in styles())
    xml = f"<w:styles {nsdecls('w')}>{defaults}{latent}{body}</w:styles>"
    return xml.encode("utf-8")


def numbering_xml() -> str:
    def level(fmt: str, text: str, style_id: str) -> str:
        font = f"<w:rPr>{fonts()}</w:rPr>" if fmt == "bullet" else ""
        return (
            '<w:lvl w:ilvl="0">'
            '<w:start w:val="1"/>'
            f'<w:numFmt w:val="{fmt}"/>'
            f'<w:pStyle w:val="{style_id}"/>'
            f"<w:lvlText w:val={quoteattr(text)}/>"
            '<w:lvlJc w:val="left"/>'
            '<w:pPr><w:ind w:left="567" w:hanging="283"/></w:pPr>'
            f"{font}</w:lvl>"
        )

    return (
        f"<w:numbering {nsdecls('w')}>"
        '<w:abstractNum w:abstractNumId="0"><w:nsid w:val="5B1E0A01"/>'
        '<w:multiLevelType w:val="singleLevel"/>'
        f"{level('bullet', '•', 'ListBullet')}</w:abstractNum>"
        '<w:abstractNum w:abstractNumId="1"><w:nsid w:val="5B1E0A02"/>'
        '<w:multiLevelType w:val="singleLevel"/>'
        f"{level('decimal', '%1.', 'ListNumber')}</w:abstractNum>"
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
        "</w:numbering>"
    )


FONT_TABLE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="{W_NS}">
<w:font w:name="{FONT}"><w:altName w:val="Verdana"/><w:panose1 w:val="020B0603030804020204"/><w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>
<w:font w:name="Symbol"><w:panose1 w:val="05050102010706020507"/><w:charset w:val="02"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>
</w:fonts>
"""

APP_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>webpass</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><Company></Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>
"""

SETTINGS = f"""<w:settings {nsdecls("w")}>
<w:zoom w:percent="100"/>
<w:defaultTabStop w:val="709"/>
<w:hyphenationZone w:val="425"/>
<w:characterSpacingControl w:val="doNotCompress"/>
<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>
<w:themeFontLang w:val="fr-FR"/>
<w:decimalSymbol w:val=","/>
<w:listSeparator w:val=";"/>
</w:settings>"""

SPECIMEN = [
    ("Title", "Modèle de mise en forme des CCTP webpass"),
    (
        "Normal",
        "Ce document fixe l'apparence des CCTP que webpass produit au format DOCX. Modifiez ses "
        "styles (polices, tailles, couleurs, espacements, cadres) dans Word ou LibreOffice, puis "
        "donnez-le à webpass : son texte est ignoré, seuls ses styles, son format de page et ses "
        "marges sont repris. Ne renommez pas les styles et n'en supprimez aucun.",
    ),
    ("Cover title", "Cover title — titre de la page de garde"),
    ("Subtitle", "Subtitle — objet du marché sur la page de garde"),
    ("Cover line", "Cover line — lignes de la page de garde (acheteur, référence, date)"),
    ("TOC Heading", "TOC Heading — titre de la table des matières"),
    ("Heading 1", "1 Heading 1 — titre d'article"),
    ("Heading 2", "1.1 Heading 2 — titre d'exigence"),
    ("Heading 3", "1.1.1 Heading 3 — troisième niveau"),
    ("Normal", "Normal — texte courant des clauses."),
    ("List Bullet", "List Bullet — liste à puces"),
    ("List Number", "List Number — liste numérotée"),
    ("Note exigence", "Note exigence — nature de l'exigence (obligatoire, option)"),
    ("Note normes", "Note normes — textes de référence"),
    ("Note réponse", "Note réponse — réponse attendue du candidat"),
    ("Note info", "Note info — information"),
    ("Caption", "Caption — titre d'un tableau"),
]


def build() -> bytes:
    document = docx.Document()
    package = document.part.package
    for rId, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rId]
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_XML.encode("utf-8")
    for rId, rel in list(document.part.rels.items()):
        if rel.reltype in (RT.CUSTOM_XML, STYLES_WITH_EFFECTS):
            del document.part.rels[rId]
        elif rel.reltype == RT.FONT_TABLE:
            rel.target_part._blob = FONT_TABLE.encode("utf-8")

    styles_part = document.part._styles_part
    latent = styles_part.element.find(qn("w:latentStyles"))
    latent_xml = etree.tostring(latent, encoding="unicode") if latent is not None else ""
    styles_part._element = parse_xml(styles_xml(latent_xml))

    numbering = document.part.numbering_part
    numbering._element = parse_xml(numbering_xml())

    document.part._settings_part._element = parse_xml(SETTINGS)

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    section.header_distance = section.footer_distance = Cm(1.25)
    section.gutter = Cm(0)

    body = document.element.body
    sect_pr = body.find(qn("w:sectPr"))
    for attribute in list(sect_pr.attrib):
        del sect_pr.attrib[attribute]  # revision ids of the template: noise
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    for style_name, text in SPECIMEN:
        document.add_paragraph(text, style=style_name)
    table = document.add_table(rows=1, cols=2)
    table.style = document.styles["Table Grid"]
    header_cells = table.rows[0].cells
    for cell, text in zip(header_cells, ("Table header", "En-tête de tableau"), strict=True):
        cell.paragraphs[0].add_run(text)
        cell.paragraphs[0].style = document.styles["Table header"]
    row_cells = table.add_row().cells
    for cell, text in zip(row_cells, ("Table text", "Texte des cellules"), strict=True):
        cell.paragraphs[0].add_run(text)
        cell.paragraphs[0].style = document.styles["Table text"]
    document.add_paragraph("Fin du modèle.")

    core = document.core_properties
    core.title = "Modèle de mise en forme des CCTP webpass"
    core.subject = "Styles des CCTP produits par webpass"
    core.author = "webpass"
    core.last_modified_by = "webpass"
    core.language = "fr-FR"
    core.keywords = "CCTP, modèle, styles"
    core.comments = ""
    core.revision = 1
    fixed = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    core.created = core.modified = fixed

    buffer = io.BytesIO()
    document.save(buffer)
    return normalize_zip(buffer.getvalue())


def main() -> None:
    data = build()
    write_bytes_atomic(TARGET, data)
    print(f"{TARGET} ({len(data)} octets)")


if __name__ == "__main__":
    main()
