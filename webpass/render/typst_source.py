"""A document model as Typst source: the shipped style, then calls holding only string literals.

The body is one code block (``#{ … }``) of calls to the functions of ``document.typ``
(``wp-heading``, ``wp-par``, ``wp-table``…). Every text, title, cell and URL of the model goes
through :func:`~webpass.render.typst_escape.typst_string`; numbers are written by this module
from integers. Nothing else of the model is written into the source, so the model's content can
never become Typst code, whatever it holds. Shown text first loses the characters the fonts
cannot draw (:mod:`webpass.render.typst_glyphs`), which a PDF/UA file may not hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import assert_never

from webpass.core.frozen_record import frozen_record
from webpass.documents.cctp import (
    Article,
    Block,
    CctpDocument,
    Letterhead,
    ListBlock,
    Note,
    Paragraph,
    Run,
    TableBlock,
)
from webpass.render.attachment import Attachment
from webpass.render.typst_escape import typst_string
from webpass.render.typst_glyphs import drawable

__all__ = ["ANNEX_PREFIX", "TypstWriter"]

ANNEX_PREFIX = "Annexe "


def _flag(value: bool) -> str:
    return "true" if value else "false"


@frozen_record
class TypstWriter:
    """Writes the source of a document for the fonts in ``fonts``."""

    fonts: Path

    def lit(self, text: str) -> str:
        """Shown text as a string literal."""
        return typst_string(drawable(text, self.fonts))

    def run(self, run: Run) -> str:
        code = self.lit(run.text)
        if run.italic:
            code = f"emph({code})"
        if run.bold:
            code = f"strong({code})"
        if run.href:
            code = f"link({typst_string(run.href)}, {code})"
        return code

    def runs(self, runs: Sequence[Run]) -> str:
        return ", ".join(self.run(run) for run in runs) if runs else self.lit("")

    def blocks(self, blocks: Sequence[Block]) -> list[str]:
        """The blocks in order; a paragraph that announces the table after it (« … suivants : »)
        stays on the page of that table."""
        out = []
        for position, block in enumerate(blocks):
            source = self.block(block)
            following = blocks[position + 1] if position + 1 < len(blocks) else None
            if isinstance(block, Paragraph) and isinstance(following, TableBlock):
                source = f"block(sticky: true, {source})"
            out.append(source)
        return out

    def block(self, block: Block) -> str:
        lit = self.lit
        if isinstance(block, Paragraph):
            return f"wp-par({self.runs(block.runs)})"
        if isinstance(block, ListBlock):
            entries = ", ".join(f"({self.runs(entry)},)" for entry in block.entries)
            return f"wp-list({_flag(block.ordered)}, {entries})"
        if isinstance(block, TableBlock):
            widths = ", ".join(str(int(width)) for width in block.widths)
            header = ", ".join(lit(cell) for cell in block.header)
            rows = ", ".join(
                "(" + ", ".join(lit(cell) for cell in row) + ",)" for row in block.rows
            )
            return (
                f"wp-table(({widths},), {lit(block.caption)}, ({header},), {rows}, "
                f"row-height: {int(block.row_height_mm)})"
            )
        if isinstance(block, Note):
            return f"wp-note({typst_string(block.kind)}, ({self.runs(block.runs)},).join())"
        assert_never(block)

    def article(self, article: Article, level: int, annex: bool, lines: list[str]) -> None:
        # The table of contents shows two levels of the body and the annexes themselves, not
        # their sub-articles (the HTML file's table of contents does the same).
        outlined = level <= 2 and not (annex and level > 1)
        if annex and level == 1:
            lines.append("pagebreak(weak: true)")
        prefix = self.lit(ANNEX_PREFIX if annex and level == 1 else "")
        lines.append(
            f"wp-heading({min(level, 4)}, {self.lit(article.number)}, {self.lit(article.title)}, "
            f"outlined: {_flag(outlined)}, prefix: {prefix})"
        )
        lines.extend(self.blocks(article.blocks))
        for child in article.children:
            self.article(child, level + 1, annex, lines)

    def cover(self, document: CctpDocument) -> str:
        lit = self.lit
        meta = [
            ("Référence", document.reference),
            ("Date", document.date_text),
            ("Catalogue", f"Webpass, version {document.catalog_version}"),
        ]
        pairs = ", ".join(f"({lit(key)}, {lit(value)})" for key, value in meta)
        kind = document.buyer_kind[:1].upper() + document.buyer_kind[1:]
        return (
            f"wp-cover({lit(kind)}, {lit(document.buyer)}, {lit(document.title)}, "
            f"{lit(document.acronym)}, {lit(document.object)}, ({pairs},))"
        )

    def title_block(self, document: CctpDocument) -> str:
        lit = self.lit
        meta = [("Référence", document.reference), ("Date", document.date_text)]
        pairs = ", ".join(f"({lit(key)}, {lit(value)})" for key, value in meta)
        kind = document.buyer_kind[:1].upper() + document.buyer_kind[1:]
        return (
            f"wp-title-block({lit(kind)}, {lit(document.buyer)}, {lit(document.title)}, "
            f"{lit(document.object)}, ({pairs},))"
        )

    def glossary(self, pairs: Iterable[tuple[str, str]]) -> str:
        items = ", ".join(f"({self.lit(term)}, {self.lit(meaning)})" for term, meaning in pairs)
        return f"wp-glossary({self.lit('Glossaire')}, ({items},))"

    def setup(self, document: CctpDocument) -> str:
        lit = self.lit
        keywords = ", ".join(
            lit(word)
            for word in (document.acronym, "Webpass", "site internet", document.buyer_kind)
        )
        day = document.date
        return (
            f"#show: wp-setup.with(title: {lit(f'{document.title} — {document.buyer}')}, "
            f"author: {lit(document.buyer)}, description: {lit(document.object)}, "
            f"keywords: ({keywords},), lang: {typst_string(document.language)}, "
            f"date: datetime(year: {day.year:d}, month: {day.month:d}, day: {day.day:d}), "
            f"running: {lit(document.running_title)})"
        )

    def attachment(self, attachment: Attachment) -> str:
        # The file's text is data, not shown: kept exactly, glyphs or not.
        return (
            f"pdf.attach({typst_string(attachment.name)}, "
            f'bytes({typst_string(attachment.data.decode("utf-8"))}), relationship: "source", '
            f"mime-type: {typst_string(attachment.mime_type)}, "
            f"description: {self.lit(attachment.description or attachment.name)})"
        )

    def letterhead(self, letter: Letterhead) -> str:
        lit = self.lit
        sender = ", ".join(lit(line) for line in letter.sender)
        addressee = ", ".join(lit(line) for line in letter.addressee)
        refs = ", ".join(f"({lit(key)}, {lit(value)})" for key, value in letter.references)
        return (
            f"wp-letterhead(({sender},), ({addressee},), {lit(letter.place_date)}, "
            f"({refs}{',' if refs else ''}), "
            f"{lit(letter.subject_label)}, {lit(letter.subject)}, {lit(letter.salutation)})"
        )

    def letter(self, document: CctpDocument, letter: Letterhead, lines: list[str]) -> None:
        """A letter's body: its sections under plain headings, then the signature."""
        lit = self.lit
        lines.append(self.letterhead(letter))
        for article in document.walk():
            lines.append(f"wp-letter-heading({lit(article.title)})")
            lines.extend(self.blocks(article.blocks))
        lines.append(
            f"wp-signature({lit(letter.closing)}, {lit(letter.signatory_quality)}, "
            f"{lit(letter.signatory_name)})"
        )

    def body(self, document: CctpDocument, attachments: Sequence[Attachment]) -> str:
        """The part of the source that follows ``document.typ``: setup, cover, contents, articles."""
        lines = [self.attachment(attachment) for attachment in attachments]
        if document.letter is not None:
            self.letter(document, document.letter, lines)
            return self.setup(document) + "\n#{\n" + "\n".join(lines) + "\n}\n"
        if document.toc_depth == 0:
            # A short piece (toc_depth 0): a title block, no cover page and no contents.
            lines.append(self.title_block(document))
        else:
            lines.append(self.cover(document))
            depth = max(1, min(document.toc_depth, 2))
            lines.append(f"wp-toc({self.lit('Table des matières')}, depth: {depth})")
        for article in document.articles:
            self.article(article, 1, False, lines)
        for annex in document.annexes:
            self.article(annex, 1, True, lines)
        if document.glossary:
            lines.append(self.glossary(document.glossary))
        return self.setup(document) + "\n#{\n" + "\n".join(lines) + "\n}\n"
