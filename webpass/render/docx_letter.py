"""A letter in DOCX: sender, addressee, place and date, object, body and signature.

The consultation letter is written by the same DOCX writer as the other pieces (styles of the
reference document, lists, tables, links); only its opening and its end differ, and no cover
page or table of contents precedes it. The addressee, the date and the signature sit in the
right half of the page, as in a French administrative letter.
"""

from __future__ import annotations

from typing import Any, Protocol

from docx.oxml.ns import qn
from lxml import etree  # type: ignore[import-untyped]

from webpass.documents.cctp import Block, CctpDocument, Letterhead, Run

__all__ = ["LetterWriter", "write_letter"]


class LetterWriter(Protocol):
    """What a letter needs of the DOCX writer."""

    text_width: int

    def paragraph(self, style: str, runs: tuple[Run, ...]) -> Any: ...

    def heading(self, level: int, text: str) -> None: ...

    def block(self, block: Block) -> None: ...

    def style(self, role: str) -> str: ...


def _indent(p: Any, twips: int, before: int = 0, keep: bool = False) -> None:
    """Move a paragraph to the right half of the page, with space above it; ``keep`` holds it
    on the page of the next one (the signature is never split from its closing)."""
    ppr = p.find(qn("w:pPr"))
    if keep:
        etree.SubElement(ppr, qn("w:keepNext"))
    if before:
        etree.SubElement(ppr, qn("w:spacing"), {qn("w:before"): str(before)})
    etree.SubElement(ppr, qn("w:ind"), {qn("w:left"): str(twips)})


def _head(writer: LetterWriter, letter: Letterhead) -> None:
    normal = writer.style("normal")
    half = writer.text_width // 2
    first, *rest = letter.sender
    writer.paragraph(normal, (Run(first, bold=True),))
    for line in rest:
        writer.paragraph(normal, (Run(line),))
    for position, line in enumerate(letter.addressee):
        _indent(writer.paragraph(normal, (Run(line),)), half, 720 if position == 0 else 0)
    _indent(writer.paragraph(normal, (Run(letter.place_date),)), half, 360)
    for position, (label, value) in enumerate(letter.references):
        p = writer.paragraph(normal, (Run(f"{label}\u00a0: "), Run(value)))
        if position == 0:
            _indent(p, 0, 360)
    p = writer.paragraph(normal, (Run(f"{letter.subject_label} ", bold=True), Run(letter.subject)))
    _indent(p, 0, 240)
    _indent(writer.paragraph(normal, (Run(letter.salutation),)), 0, 240)


def _signature(writer: LetterWriter, letter: Letterhead) -> None:
    normal = writer.style("normal")
    half = writer.text_width // 2
    _indent(writer.paragraph(normal, (Run(letter.closing),)), 0, 240, keep=True)
    _indent(writer.paragraph(normal, (Run(letter.signatory_quality),)), half, 480, keep=True)
    _indent(writer.paragraph(normal, (Run(letter.signatory_name, bold=True),)), half, 1200)


def write_letter(writer: LetterWriter, document: CctpDocument, letter: Letterhead) -> None:
    """Write ``document`` as a letter: its sections under plain headings, without numbers."""
    _head(writer, letter)
    for article in document.walk():
        writer.heading(2, article.title)
        for block in article.blocks:
            writer.block(block)
    _signature(writer, letter)
