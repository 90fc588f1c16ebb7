"""CctpDocument → DOCX, on top of a reference document whose styles the buyer may restyle.

The renderer writes structure and names styles; it never sets a font, a size, a colour or a
spacing itself (bold, italic and hyperlinks are the only run formatting), so a collectivity that
restyles ``cctp_templates/reference.docx`` in Word or LibreOffice restyles every CCTP. Headings
use the real « Heading 1/2/3 » styles, so the table of contents and the navigation pane work.
The table of contents is a Word ``TOC`` field: Word rebuilds it on opening (``w:updateFields``);
LibreOffice 7.4 does not, so its cached result already lists every heading (linked to it) and
ends with a line asking to update the fields for the page numbers.

Provenance travels inside the file: the answers that produced the document, the catalogue
version and the fingerprint of every requirement are custom document properties
(``docProps/custom.xml``), which :func:`read_docx_answers` reads back without python-docx.

The same document gives the same bytes: dates come from the document, never from the clock, and
the ZIP is written with fixed timestamps and permissions (:class:`webpass.core.reproducible.ReproducibleZip`).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import docx
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree  # type: ignore[import-untyped]

from webpass.core.errors import InputError, UnreadableFileError
from webpass.core.files import check_regular
from webpass.core.frozen_record import frozen_record
from webpass.core.matching import fold
from webpass.core.reproducible import ReproducibleZip
from webpass.documents.cctp import (
    Article,
    Block,
    CctpDocument,
    ListBlock,
    Note,
    Paragraph,
    Run,
    TableBlock,
)

__all__ = [
    "ANSWERS_PROPERTY_PREFIX",
    "REQUIRED_STYLES",
    "TOC_INSTRUCTION",
    "TOC_PLACEHOLDER",
    "package_bytes",
    "read_docx_answers",
    "read_docx_properties",
    "render_docx",
]

TOC_INSTRUCTION = ' TOC \\o "1-{depth}" \\h \\z \\u '
TOC_PLACEHOLDER = (
    "Table des matières\u00a0: mettez à jour les champs (F9) pour afficher les numéros de page."
)
ANSWERS_PROPERTY_PREFIX = "webpass_reponses_"
FINGERPRINTS_PROPERTY_PREFIX = "webpass_empreintes_"
CHUNK_CHARS = 250  # Word refuses custom property values longer than 255 characters
DEFAULT_TEXT_WIDTH_TWIPS = 9072  # 16 cm (A4 minus 2 × 1417 twips)

MAX_DOCX_BYTES = 50_000_000
MAX_ZIP_ENTRIES = 2_000
MAX_UNCOMPRESSED_BYTES = 300_000_000
MAX_PART_BYTES = 5_000_000
MAX_RATIO = 200  # compression ratio above which a large member is taken for a zip bomb

CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

# Role → (style name as Word stores it, style type). Names compare case-insensitively, because
# Word writes « heading 1 » and « caption » where its interface shows « Heading 1 », « Caption ».
REQUIRED_STYLES: dict[str, tuple[str, str]] = {
    "normal": ("Normal", "paragraph"),
    "subtitle": ("Subtitle", "paragraph"),
    "heading1": ("heading 1", "paragraph"),
    "heading2": ("heading 2", "paragraph"),
    "heading3": ("heading 3", "paragraph"),
    "bullet": ("List Bullet", "paragraph"),
    "number": ("List Number", "paragraph"),
    "caption": ("caption", "paragraph"),
    "toc_heading": ("TOC Heading", "paragraph"),
    "toc1": ("toc 1", "paragraph"),
    "toc2": ("toc 2", "paragraph"),
    "toc3": ("toc 3", "paragraph"),
    "header": ("header", "paragraph"),
    "footer": ("footer", "paragraph"),
    "note_exigence": ("Note exigence", "paragraph"),
    "note_normes": ("Note normes", "paragraph"),
    "note_reponse": ("Note réponse", "paragraph"),
    "note_info": ("Note info", "paragraph"),
    "cover_title": ("Cover title", "paragraph"),
    "cover_line": ("Cover line", "paragraph"),
    "table_text": ("Table text", "paragraph"),
    "table_header": ("Table header", "paragraph"),
    "table": ("Table Grid", "table"),
}
OPTIONAL_STYLES: dict[str, tuple[str, str]] = {"hyperlink": ("Hyperlink", "character")}

_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"

W_P, W_R, W_T, W_PPR, W_RPR = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:pPr"), qn("w:rPr")
W_VAL = qn("w:val")
W_SECT_PR, W_BR, W_TAB, W_B, W_I = qn("w:sectPr"), qn("w:br"), qn("w:tab"), qn("w:b"), qn("w:i")
W_RSTYLE, W_HYPERLINK, W_HISTORY = qn("w:rStyle"), qn("w:hyperlink"), qn("w:history")
W_TBL, W_TBLPR, W_TBLGRID, W_GRIDCOL = qn("w:tbl"), qn("w:tblPr"), qn("w:tblGrid"), qn("w:gridCol")
W_TR, W_TRPR, W_TC, W_TCPR, W_TCW = qn("w:tr"), qn("w:trPr"), qn("w:tc"), qn("w:tcPr"), qn("w:tcW")
W_TBL_HEADER, W_CANT_SPLIT = qn("w:tblHeader"), qn("w:cantSplit")
W_TR_HEIGHT, W_H_RULE = qn("w:trHeight"), qn("w:hRule")
W_PSTYLE, W_KEEP_NEXT = qn("w:pStyle"), qn("w:keepNext")
W_TYPE, W_W = qn("w:type"), qn("w:w")
# The table properties python-docx's add_table wrote before this module built tables itself
# (its look flags, first column off; fixed layout): the same XML, so the same bytes.
_TBL_LOOK = {
    qn("w:firstColumn"): "0",
    qn("w:firstRow"): "1",
    qn("w:lastColumn"): "0",
    qn("w:lastRow"): "0",
    qn("w:noHBand"): "0",
    qn("w:noVBand"): "1",
    W_VAL: "04A0",
}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_PRESERVE = {XML_SPACE: "preserve"}

# Elements that follow w:updateFields in CT_Settings (ECMA-376 order): it goes before the first.
_AFTER_UPDATE_FIELDS = [
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
]
_AFTER_LANG = ("eastAsianLayout", "specVanish", "oMath")


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


def render_docx(document: CctpDocument, reference: Path) -> bytes:
    """The CCTP as DOCX bytes, styled by the reference document ``reference``.

    Raises:
        UnreadableFileError: the reference is missing, too large or not a DOCX document.
        InputError: the reference lacks one of the styles the CCTP uses.
    """
    reference = Path(reference)
    data = _read_docx_bytes(reference)
    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise UnreadableFileError(
            reference,
            f"modèle DOCX illisible ({exc.__class__.__name__}) ; repartez de "
            "cctp_templates/reference.docx fourni avec webpass.",
        ) from exc
    styles = _resolve_styles(word, reference)
    writer = _Writer(word, styles)
    writer.write(document)
    _header_footer(word, document, styles)
    _settings(word)
    _default_language(word)
    _core_properties(word, document)
    _custom_properties(word, _provenance(document))
    return package_bytes(word)


class _MemberWriter:
    """The physical writer python-docx's PackageWriter expects, adding to a reproducible zip."""

    def __init__(self, archive: ReproducibleZip) -> None:
        self.archive = archive

    def write(self, pack_uri: PackURI, blob: bytes) -> None:
        self.archive.add(pack_uri.membername, blob)


def package_bytes(word: Any) -> bytes:
    """The document's DOCX bytes, members stamped as :func:`normalize_zip` stamps them.

    The same bytes as ``normalize_zip`` of python-docx's ``save``, compressed once instead of
    written, read back and compressed again: the members in the order and with the content
    python-docx's own PackageWriter gives them (a test compares both ways).
    """
    package = word.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    archive = ReproducibleZip()
    members = _MemberWriter(archive)
    # PackageWriter.write without its own zip writer (python-docx has no hook for one).
    PackageWriter._write_content_types_stream(members, parts)  # type: ignore[no-untyped-call]
    PackageWriter._write_pkg_rels(members, package.rels)  # type: ignore[no-untyped-call]
    PackageWriter._write_parts(members, parts)  # type: ignore[arg-type]
    return archive.close()


@frozen_record
class _Styles:
    """Style ids by role, and the numbering behind « List Number »."""

    ids: dict[str, str]
    number_abstract: str | None

    def __getitem__(self, role: str) -> str:
        return self.ids[role]


def _resolve_styles(word: Any, reference: Path) -> _Styles:
    by_name: dict[tuple[str, str], Any] = {}
    for style in word.styles.element.iterchildren(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is not None:
            key = (fold(name.get(W_VAL, "")), style.get(qn("w:type"), "paragraph"))
            by_name.setdefault(key, style)
    ids: dict[str, str] = {}
    missing: list[str] = []
    for role, (name, kind) in {**REQUIRED_STYLES, **OPTIONAL_STYLES}.items():
        element = by_name.get((fold(name), kind))
        if element is not None:
            ids[role] = element.get(qn("w:styleId"))
        elif role in REQUIRED_STYLES:
            missing.append(name)
    if missing:
        raise InputError(
            f"{reference} : le modèle DOCX ne définit pas les styles "
            + ", ".join(f"« {name} »" for name in missing)
            + " ; repartez de cctp_templates/reference.docx fourni avec webpass et modifiez ses "
            "styles sans les renommer."
        )
    number_style = by_name[(fold(REQUIRED_STYLES["number"][0]), "paragraph")]
    return _Styles(ids, _abstract_num_of(word, number_style))


def _abstract_num_of(word: Any, style: Any) -> str | None:
    """The abstract numbering « List Number » uses, so each list can restart at 1."""
    num_id = style.find(f"{W_PPR}/{qn('w:numPr')}/{qn('w:numId')}")
    if num_id is None:
        return None
    try:
        numbering = word.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return None
    for num in numbering.iterchildren(qn("w:num")):
        if num.get(qn("w:numId")) == num_id.get(W_VAL):
            abstract = num.find(qn("w:abstractNumId"))
            return None if abstract is None else str(abstract.get(W_VAL))
    return None


def _clean(text: str) -> str:
    """Text XML can hold (control characters would make the file unreadable)."""
    return _INVALID_XML_CHARS.sub("", text)


class _Writer:
    """Writes the CCTP into the body of the reference, before its section properties.

    The section properties are set aside while writing, so each element is appended at the end
    of the body (the cheapest insertion lxml has), and put back last by :meth:`write`.
    """

    def __init__(self, word: Any, styles: _Styles) -> None:
        self.word = word
        self.part = word.part
        self.styles = styles
        body = word.element.body
        for child in list(body):
            if child.tag != W_SECT_PR:
                body.remove(child)
        self.sect_pr = body.find(W_SECT_PR)
        if self.sect_pr is None:
            self.sect_pr = OxmlElement("w:sectPr")
            body.append(self.sect_pr)
        self.text_width = _text_width(word)  # read from the section properties still in place
        self.body = body
        self.ordered_lists = 0
        self.headings = 0

    def last(self) -> Any:
        """The element written last (None before the first)."""
        return self.body[-1] if len(self.body) else None

    # -- document structure ---------------------------------------------------------------

    def style(self, role: str) -> str:
        """The style id of a role (« normal », « heading2 »…)."""
        return self.styles[role]

    def write(self, document: CctpDocument) -> None:
        self.body.remove(self.sect_pr)
        try:
            self.write_body(document)
        finally:
            self.body.append(self.sect_pr)

    def write_body(self, document: CctpDocument) -> None:
        if document.letter is not None:
            from webpass.render.docx_letter import write_letter

            write_letter(self, document, document.letter)
            self.new_paragraph(self.styles["normal"])
            return
        # A short piece (toc_depth 0) opens on its title, without cover page nor contents.
        self.cover(document, page=document.toc_depth > 0)
        if document.toc_depth > 0:
            self.contents(_outline(document), document.toc_depth)
        for article in document.articles:
            self.article(article)
        for position, annex in enumerate(document.annexes):
            if position == 0:
                self.page_break()
            self.article(annex, annex=True)
        if document.glossary:
            self.heading(1, "Glossaire")
            for acronym, expansion in document.glossary:
                self.paragraph(
                    self.styles["normal"], (Run(acronym, bold=True), Run(f" — {expansion}"))
                )
        last = self.last()
        if last is None or last.tag != W_P:
            self.new_paragraph(self.styles["normal"])  # Word wants a paragraph after a table

    def cover(self, document: CctpDocument, page: bool = True) -> None:
        styles = self.styles
        buyer = document.buyer
        kind = document.buyer_kind
        if kind and not fold(buyer).startswith(fold(kind.split()[0])):
            buyer = f"{buyer} ({kind})"
        self.paragraph(styles["cover_title"], (Run(document.title),))
        self.paragraph(styles["subtitle"], (Run(document.object),))
        for label, value in (
            ("Acheteur", buyer),
            ("Référence", document.reference),
            ("Date", document.date_text),
        ):
            self.paragraph(styles["cover_line"], (Run(f"{label}\u00a0: ", bold=True), Run(value)))
        if not page:
            return
        self.paragraph(
            styles["cover_line"], (Run(f"Catalogue Webpass version {document.catalog_version}"),)
        )
        self.page_break()

    def contents(self, outline: list[tuple[int, int, str]], depth: int) -> None:
        """The TOC field, its cached result already listing every heading.

        Word rebuilds the table, page numbers included, when it opens the file
        (``w:updateFields``) or on F9. LibreOffice shows the cached result until the index is
        updated, so the entries are there (with links to their headings) and the last line says
        how to get the page numbers; Word's update replaces it.
        """
        self.paragraph(self.styles["toc_heading"], (Run("Table des matières"),))
        for position, (index, level, text) in enumerate(outline):
            p = self.new_paragraph(self.styles[f"toc{level}"])
            if position == 0:
                _field_start(p, TOC_INSTRUCTION.format(depth=depth), dirty=True)
            link = etree.SubElement(p, qn("w:hyperlink"), {qn("w:anchor"): _bookmark(index)})
            link.set(qn("w:history"), "1")
            self.run(link, Run(text))
            etree.SubElement(etree.SubElement(link, W_R), qn("w:tab"))
            _field(link, f" PAGEREF {_bookmark(index)} \\h ", "")
        p = self.new_paragraph(self.styles["note_info"])
        if not outline:
            _field_start(p, TOC_INSTRUCTION.format(depth=depth), dirty=True)
        self.run(p, Run(TOC_PLACEHOLDER))
        _field_end(p)
        self.page_break()

    def article(self, article: Article, annex: bool = False) -> None:
        self.heading(*_heading_of(article, annex))
        for block in article.blocks:
            self.block(block)
        for child in article.children:
            self.article(child)

    def heading(self, level: int, text: str) -> None:
        self.headings += 1
        p = self.new_paragraph(self.styles[f"heading{level}"])
        name = _bookmark(self.headings)
        ident = str(self.headings)
        etree.SubElement(p, qn("w:bookmarkStart"), {qn("w:id"): ident, qn("w:name"): name})
        self.run(p, Run(text))
        etree.SubElement(p, qn("w:bookmarkEnd"), {qn("w:id"): ident})

    def block(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            self.paragraph(self.styles["normal"], block.runs)
        elif isinstance(block, Note):
            self.paragraph(self.styles[f"note_{block.kind}"], block.runs)
        elif isinstance(block, ListBlock):
            self.list_block(block)
        else:
            self.table(block)

    def list_block(self, block: ListBlock) -> None:
        style = self.styles["number" if block.ordered else "bullet"]
        num_id: str | None = None
        if block.ordered:
            self.ordered_lists += 1
            if self.ordered_lists > 1:
                num_id = self.restarted_numbering()
        for entry in block.entries:
            p = self.paragraph(style, entry)
            if num_id is not None:
                ppr = p.find(W_PPR)
                num_pr = etree.SubElement(ppr, qn("w:numPr"))
                etree.SubElement(num_pr, qn("w:ilvl"), {W_VAL: "0"})
                etree.SubElement(num_pr, qn("w:numId"), {W_VAL: num_id})

    def restarted_numbering(self) -> str | None:
        """A new list instance of « List Number » counting from 1 again."""
        abstract = self.styles.number_abstract
        if abstract is None:
            return None
        num = self.part.numbering_part.element.add_num(int(abstract))
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return str(num.numId)

    def table(self, block: TableBlock) -> None:
        columns = len(block.header)
        if columns == 0:
            return
        widths = _column_widths(block.widths, columns, self.text_width)
        before = self.last()
        if before is not None and before.tag == W_P:
            said = "".join(t.text or "" for t in before.iter(qn("w:t"))).rstrip()
            if said.endswith(":"):  # « … suivants : » announces the table: same page
                _keep_with_next(before)
        if block.caption:
            self.paragraph(self.styles["caption"], (Run(block.caption),))
            _keep_with_next(self.last())
        tbl = _table_element(self.body, self.styles["table"], widths)
        # A short table is read whole: each row but the last keeps with the next, so the table
        # starts on the next page rather than leave its header and one row at the foot of this one.
        keep = len(block.rows) <= SHORT_TABLE_ROWS
        last = len(block.rows)
        header = etree.SubElement(tbl, W_TR)
        etree.SubElement(etree.SubElement(header, W_TRPR), W_TBL_HEADER)
        self.cells(header, widths, block.header, self.styles["table_header"], keep and last > 0)
        for position, values in enumerate(block.rows, 1):
            row = etree.SubElement(tbl, W_TR)
            tr_pr = etree.SubElement(row, W_TRPR)
            etree.SubElement(tr_pr, W_CANT_SPLIT)
            if block.row_height_mm:
                # Twentieths of a point: 1 mm is 56.7 of them; « atLeast », the text may grow it.
                twips = str(round(block.row_height_mm * 1440 / 25.4))
                etree.SubElement(tr_pr, W_TR_HEIGHT, {W_VAL: twips, W_H_RULE: "atLeast"})
            self.cells(row, widths, values, self.styles["table_text"], keep and position < last)

    def cells(
        self, tr: Any, widths: Sequence[int], values: Sequence[str], style: str, keep: bool
    ) -> None:
        """The cells of a row, each with its width and one paragraph in ``style``."""
        padded = [*values, *[""] * (len(widths) - len(values))]
        for width, value in zip(widths, padded, strict=False):
            tc = etree.SubElement(tr, W_TC)
            tc_pr = etree.SubElement(tc, W_TCPR)
            etree.SubElement(tc_pr, W_TCW, {W_TYPE: "dxa", W_W: str(width)})
            p = etree.SubElement(tc, W_P)
            ppr = etree.SubElement(p, W_PPR)
            etree.SubElement(ppr, W_PSTYLE, {W_VAL: style})
            if keep:
                etree.SubElement(ppr, W_KEEP_NEXT)
            if value:
                self.run(p, Run(value))

    # -- paragraphs and runs --------------------------------------------------------------

    def new_paragraph(self, style: str) -> Any:
        p = etree.SubElement(self.body, W_P)
        etree.SubElement(etree.SubElement(p, W_PPR), W_PSTYLE, {W_VAL: style})
        return p

    def paragraph(self, style: str, runs: Sequence[Run]) -> Any:
        p = self.new_paragraph(style)
        index = 0
        while index < len(runs):
            href = runs[index].href
            if not href:
                self.run(p, runs[index])
                index += 1
                continue
            end = index
            while end < len(runs) and runs[end].href == href:
                end += 1
            rel_id = self.part.relate_to(quote(href, safe=_URL_SAFE), RT.HYPERLINK, True)
            link = etree.SubElement(p, W_HYPERLINK, {qn("r:id"): rel_id})
            link.set(W_HISTORY, "1")
            for run in runs[index:end]:
                self.run(link, run, self.styles.ids.get("hyperlink"))
            index = end
        return p

    def run(self, parent: Any, run: Run, char_style: str | None = None) -> None:
        r = etree.SubElement(parent, W_R)
        if char_style or run.bold or run.italic:
            rpr = etree.SubElement(r, W_RPR)
            if char_style:
                etree.SubElement(rpr, W_RSTYLE, {W_VAL: char_style})
            if run.bold:
                etree.SubElement(rpr, W_B)
            if run.italic:
                etree.SubElement(rpr, W_I)
        text = _clean(run.text)
        if "\n" not in text and "\t" not in text:  # nearly every run: one w:t
            if text:
                etree.SubElement(r, W_T, _PRESERVE).text = text
            return
        for line_no, line in enumerate(text.split("\n")):
            if line_no:
                etree.SubElement(r, W_BR)
            for piece_no, piece in enumerate(line.split("\t")):
                if piece_no:
                    etree.SubElement(r, W_TAB)
                if piece:
                    etree.SubElement(r, W_T, _PRESERVE).text = piece

    def page_break(self) -> None:
        r = etree.SubElement(etree.SubElement(self.body, W_P), W_R)
        etree.SubElement(r, W_BR, {W_TYPE: "page"})


def _field(p: Any, instruction: str, shown: str, dirty: bool = False) -> None:
    """A complex field whose cached result is ``shown``."""
    _field_start(p, instruction, dirty)
    if shown:
        text = etree.SubElement(etree.SubElement(p, W_R), W_T, {XML_SPACE: "preserve"})
        text.text = shown
    _field_end(p)


def _field_start(p: Any, instruction: str, dirty: bool = False) -> None:
    begin = etree.SubElement(etree.SubElement(p, W_R), qn("w:fldChar"))
    begin.set(qn("w:fldCharType"), "begin")
    if dirty:
        begin.set(qn("w:dirty"), "true")
    instr = etree.SubElement(etree.SubElement(p, W_R), qn("w:instrText"), {XML_SPACE: "preserve"})
    instr.text = instruction
    separate = etree.SubElement(etree.SubElement(p, W_R), qn("w:fldChar"))
    separate.set(qn("w:fldCharType"), "separate")


def _field_end(p: Any) -> None:
    end = etree.SubElement(etree.SubElement(p, W_R), qn("w:fldChar"))
    end.set(qn("w:fldCharType"), "end")


def _bookmark(index: int) -> str:
    """Hidden bookmark names (leading underscore), as Word names its own TOC targets."""
    return f"_Toc{index:08d}"


def _heading_of(article: Article, annex: bool) -> tuple[int, str]:
    """Heading level and text: article depth gives the level; annexes are level 1."""
    if annex:
        return 1, f"Annexe {article.number} — {article.title}"
    title = f"{article.number} {article.title}" if article.number else article.title
    return min(max(article.depth, 1), 3), title


def _outline(document: CctpDocument) -> list[tuple[int, int, str]]:
    """The headings down to the document's TOC depth, in writing order, each with its position
    among all the headings (the number of its bookmark)."""
    headings: list[tuple[int, str]] = []

    def visit(article: Article, annex: bool) -> None:
        headings.append(_heading_of(article, annex))
        for child in article.children:
            visit(child, False)

    for article in document.articles:
        visit(article, False)
    for annex in document.annexes:
        visit(annex, True)
    if document.glossary:
        headings.append((1, "Glossaire"))
    return [
        (index, level, title)
        for index, (level, title) in enumerate(headings, 1)
        if level <= document.toc_depth
    ]


def _text_width(word: Any) -> int:
    section = word.sections[-1]
    try:
        width = section.page_width - section.left_margin - section.right_margin
    except TypeError:  # a dimension is missing from the reference: assume A4, 2.5 cm margins
        return DEFAULT_TEXT_WIDTH_TWIPS
    twips = int(width) // 635
    return twips if twips > 1000 else DEFAULT_TEXT_WIDTH_TWIPS


def _table_element(body: Any, style: str, widths: Sequence[int]) -> Any:
    """A ``w:tbl`` without rows appended to ``body``: ``style``, fixed layout, ``widths`` twips."""
    tbl = etree.SubElement(body, W_TBL)
    tbl_pr = etree.SubElement(tbl, W_TBLPR)
    etree.SubElement(tbl_pr, qn("w:tblStyle"), {W_VAL: style})
    etree.SubElement(tbl_pr, qn("w:tblW"), {W_TYPE: "dxa", W_W: str(sum(widths))})
    etree.SubElement(tbl_pr, qn("w:tblLayout"), {W_TYPE: "fixed"})
    etree.SubElement(tbl_pr, qn("w:tblLook"), _TBL_LOOK)
    grid = etree.SubElement(tbl, W_TBLGRID)
    for width in widths:
        etree.SubElement(grid, W_GRIDCOL, {W_W: str(width)})
    return tbl


def _column_widths(percents: Sequence[int], columns: int, text_width: int) -> list[int]:
    """Column widths in twips; the percentages are rescaled so the table fills the text width."""
    if len(percents) != columns or any(p <= 0 for p in percents):
        percents = [1] * columns
    total = sum(percents)
    widths = [text_width * p // total for p in percents]
    widths[-1] += text_width - sum(widths)
    return widths


def _header_footer(word: Any, document: CctpDocument, styles: _Styles) -> None:
    """Running header and « page X / Y » footer on every page but the cover."""
    section = word.sections[-1]
    section.different_first_page_header_footer = True
    for part in (
        section.first_page_header,
        section.first_page_footer,
        section.header,
        section.footer,
    ):
        part.is_linked_to_previous = False
    # The cover keeps empty ones: the header style draws a rule even under an empty line.
    _empty(section.first_page_header._element, styles["normal"])
    _empty(section.first_page_footer._element, styles["normal"])
    header = _empty(section.header._element, styles["header"])
    run = etree.SubElement(header, W_R)
    etree.SubElement(run, W_T, {XML_SPACE: "preserve"}).text = _clean(document.running_title)
    footer = _empty(section.footer._element, styles["footer"])
    etree.SubElement(etree.SubElement(footer, W_R), W_T, {XML_SPACE: "preserve"}).text = "page "
    _field(footer, " PAGE ", "1")
    etree.SubElement(etree.SubElement(footer, W_R), W_T, {XML_SPACE: "preserve"}).text = " / "
    _field(footer, " NUMPAGES ", "1")


def _empty(container: Any, style: str) -> Any:
    """Remove everything from a header/footer and return its one, styled, empty paragraph."""
    for child in list(container):
        container.remove(child)
    p = etree.SubElement(container, W_P)
    ppr = etree.SubElement(p, W_PPR)
    etree.SubElement(ppr, qn("w:pStyle"), {W_VAL: style})
    return p


def _settings(word: Any) -> None:
    """Ask Word and LibreOffice to refresh the fields (the table of contents) when opening."""
    settings = word.settings
    settings.odd_and_even_pages_header_footer = False
    element = settings.element
    update = element.find(qn("w:updateFields"))
    if update is None:
        update = OxmlElement("w:updateFields")
        successors = {qn(f"w:{name}") for name in _AFTER_UPDATE_FIELDS}
        following = next((child for child in element if child.tag in successors), None)
        if following is None:
            element.append(update)
        else:
            following.addprevious(update)
    update.set(W_VAL, "true")


def _default_language(word: Any) -> None:
    """French as the default language (spelling, hyphenation), whatever the reference said."""
    styles = word.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(W_RPR)
    if rpr is None:
        rpr = etree.SubElement(rpr_default, W_RPR)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        successors = {qn(f"w:{name}") for name in _AFTER_LANG}
        following = next((child for child in rpr if child.tag in successors), None)
        if following is None:
            rpr.append(lang)
        else:
            following.addprevious(lang)
    lang.set(W_VAL, "fr-FR")


def _core_properties(word: Any, document: CctpDocument) -> None:
    core = word.core_properties
    stamp = dt.datetime.combine(document.date, dt.time(0, 0), tzinfo=dt.UTC)
    core.title = _limit(document.title)
    core.subject = _limit(document.object)
    core.author = _limit(document.buyer)
    core.language = "fr-FR"
    core.identifier = _limit(document.reference)
    core.keywords = f"{_limit(document.acronym)}, Webpass"
    core.category = _limit(document.title)
    core.comments = _limit(
        f"Produit par webpass à partir du catalogue Webpass version {document.catalog_version}."
    )
    core.created = stamp
    core.modified = stamp
    core.revision = 1
    core.last_modified_by = "webpass"
    printed = core._element.find(qn("cp:lastPrinted"))
    if printed is not None:  # a restyled reference would otherwise leak its own history
        core._element.remove(printed)


def _limit(text: str, size: int = 255) -> str:
    text = _clean(text)
    return text if len(text) <= size else text[: size - 1] + "…"


# ---------------------------------------------------------------------------------------------
# Provenance: custom document properties
# ---------------------------------------------------------------------------------------------


def _chunks(prefix: str, text: str) -> list[tuple[str, str]]:
    pieces = [text[i : i + CHUNK_CHARS] for i in range(0, len(text), CHUNK_CHARS)] or [""]
    return [(f"{prefix}{number:03d}", piece) for number, piece in enumerate(pieces, 1)]


def _provenance(document: CctpDocument) -> list[tuple[str, str]]:
    """The custom properties that tie the file to its answers and to the catalogue."""
    answers = document.answers_yaml.encode("utf-8")
    encoded = base64.b64encode(answers).decode("ascii")
    fingerprints = ";".join(f"{item}={digest}" for item, digest in document.fingerprints.items())
    return [
        ("webpass_version_catalogue", document.catalog_version),
        ("webpass_reference", _limit(document.reference)),
        ("webpass_reponses_sha256", hashlib.sha256(answers).hexdigest()),
        *_chunks(ANSWERS_PROPERTY_PREFIX, encoded),
        *_chunks(FINGERPRINTS_PROPERTY_PREFIX, fingerprints),
    ]


def _custom_properties(word: Any, properties: list[tuple[str, str]]) -> None:
    """Write docProps/custom.xml, keeping the reference's own properties but no stale webpass_ ones."""
    package = word.part.package
    existing: Part | None = None
    for rel in package.rels.values():
        if rel.reltype == RT.CUSTOM_PROPERTIES and not rel.is_external:
            existing = rel.target_part
    kept: list[Any] = []
    if existing is not None:
        try:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            root = etree.fromstring(existing.blob, parser)
            kept = [
                prop
                for prop in root
                if prop.tag == f"{{{CUSTOM_NS}}}property"
                and not str(prop.get("name", "")).startswith("webpass_")
            ]
        except etree.XMLSyntaxError:
            kept = []
    root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
    pid = 2  # Word starts property ids at 2
    for prop in kept:
        prop.set("pid", str(pid))
        root.append(prop)
        pid += 1
    for name, value in properties:
        prop = etree.SubElement(
            root, f"{{{CUSTOM_NS}}}property", fmtid=CUSTOM_FMTID, pid=str(pid), name=name
        )
        etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = _clean(value)
        pid += 1
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if existing is not None:
        existing._blob = blob
        return
    part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, blob, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


# ---------------------------------------------------------------------------------------------
# Reading a DOCX back
# ---------------------------------------------------------------------------------------------


def read_docx_answers(path: Path) -> str:
    """The answers YAML embedded in a DOCX written by :func:`render_docx`.

    Raises:
        UnreadableFileError: the file is missing, too large, not a DOCX or a hostile archive.
        InputError: the file has no webpass answers, or they were damaged.
    """
    path = Path(path)
    properties = read_docx_properties(path)
    numbered: dict[int, str] = {}
    for name, value in properties.items():
        if (
            name.startswith(ANSWERS_PROPERTY_PREFIX)
            and name[len(ANSWERS_PROPERTY_PREFIX) :].isdigit()
        ):
            numbered[int(name[len(ANSWERS_PROPERTY_PREFIX) :])] = value
    if not numbered:
        raise InputError(
            f"{path} : ce document ne contient pas les réponses webpass (propriétés "
            f"« {ANSWERS_PROPERTY_PREFIX}… » absentes) ; seul un CCTP produit par "
            "« webpass generer » les contient, et elles disparaissent si ses propriétés sont effacées."
        )
    expected = list(range(1, len(numbered) + 1))
    if sorted(numbered) != expected:
        missing = sorted(set(expected) - set(numbered))
        raise InputError(
            f"{path} : les réponses webpass sont incomplètes (morceau "
            f"{ANSWERS_PROPERTY_PREFIX}{missing[0] if missing else len(numbered) + 1:03d} absent) ; "
            "produisez de nouveau le CCTP avec « webpass generer »."
        )
    encoded = "".join(numbered[number] for number in expected)
    try:
        raw = base64.b64decode(encoded, validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError) as exc:
        raise InputError(
            f"{path} : les réponses webpass du document sont abîmées ({exc}) ; "
            "produisez de nouveau le CCTP avec « webpass generer »."
        ) from exc
    digest = properties.get("webpass_reponses_sha256")
    if digest is not None and digest != hashlib.sha256(raw).hexdigest():
        raise InputError(
            f"{path} : les réponses webpass du document ont été modifiées (empreinte différente) ; "
            "produisez de nouveau le CCTP avec « webpass generer »."
        )
    return text


def read_docx_properties(path: Path) -> dict[str, str]:
    """The custom document properties of a DOCX (name → text), read without python-docx.

    The archive is checked (size, number of members, compression ratio) before anything is
    decompressed, and the XML is parsed with defusedxml.
    """
    path = Path(path)
    data = _read_docx_bytes(path)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            target = _custom_properties_member(archive, path)
            if target is None:
                return {}
            xml = _read_member(archive, target, path)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise UnreadableFileError(path, f"archive DOCX abîmée ({exc}).") from exc
    root = _parse(xml, path, target)
    properties: dict[str, str] = {}
    for prop in root:
        if prop.tag != f"{{{CUSTOM_NS}}}property":
            continue
        name = prop.get("name")
        if name:
            properties[name] = "".join(prop.itertext())
    return properties


def _read_docx_bytes(path: Path) -> bytes:
    """The file's bytes, once its size and ZIP directory are known to be reasonable."""
    try:
        size = check_regular(path).stat().st_size  # one message for pipes, folders, devices
        if size > MAX_DOCX_BYTES:
            raise UnreadableFileError(
                path, f"fichier trop gros ({size} octets, au plus {MAX_DOCX_BYTES})."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(
            path, f"fichier introuvable ou illisible ({exc.strerror})."
        ) from exc
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(archive, path)
    except zipfile.BadZipFile as exc:
        raise UnreadableFileError(
            path, "ce n'est pas un document DOCX (archive ZIP illisible)."
        ) from exc
    return data


def _check_archive(archive: zipfile.ZipFile, path: Path) -> None:
    members = archive.infolist()
    if len(members) > MAX_ZIP_ENTRIES:
        raise UnreadableFileError(
            path, f"archive suspecte : {len(members)} éléments (au plus {MAX_ZIP_ENTRIES})."
        )
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFileError(path, f"archive suspecte : {total} octets une fois décompressée.")
    for member in members:
        if member.file_size > 1_000_000 and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise UnreadableFileError(
                path,
                f"archive suspecte : « {member.filename} » est compressé plus de {MAX_RATIO} fois.",
            )


def _read_member(archive: zipfile.ZipFile, name: str, path: Path) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        raise UnreadableFileError(path, f"« {name} » est trop gros ({info.file_size} octets).")
    return archive.read(info)


def _parse(xml: bytes | None, path: Path, name: str) -> Any:
    if xml is None:
        return []
    try:
        return SafeET.fromstring(xml)
    except (SafeET.ParseError, DefusedXmlException) as exc:
        raise UnreadableFileError(
            path, f"« {name} » : XML refusé ou invalide ({exc.__class__.__name__})."
        ) from exc


def _custom_properties_member(archive: zipfile.ZipFile, path: Path) -> str | None:
    """The ZIP name of the custom-properties part, as the package relationships say."""
    rels = _read_member(archive, "_rels/.rels", path)
    if rels is not None:
        for rel in _parse(rels, path, "_rels/.rels"):
            if rel.tag == f"{{{RELS_NS}}}Relationship" and rel.get("Type") == RT.CUSTOM_PROPERTIES:
                target = str(rel.get("Target", "")).lstrip("/")
                return target or None
    return "docProps/custom.xml"


# A table of at most this many rows is never split across two pages (both PDF engines and DOCX).
SHORT_TABLE_ROWS = 10


def _keep_with_next(paragraph: Any) -> None:
    """Mark a ``w:p`` « keep with next » (Word's keepNext), its properties created if needed."""
    if paragraph is None or paragraph.tag != W_P:
        return
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        paragraph.insert(0, ppr)
    if ppr.find(qn("w:keepNext")) is None:
        keep = OxmlElement("w:keepNext")
        # keepNext comes early in w:pPr: after pStyle, before everything else.
        style = ppr.find(qn("w:pStyle"))
        if style is not None:
            style.addnext(keep)
        else:
            ppr.insert(0, keep)
