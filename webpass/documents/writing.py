"""Small builders of document blocks shared by the contractual pieces."""

from __future__ import annotations

from collections.abc import Sequence

from webpass.documents.cctp import Article, ListBlock, Note, Paragraph, Run, TableBlock
from webpass.documents.typography import french_spacing

__all__ = ["article", "entries", "info", "para", "runs", "table", "text_run"]


def text_run(text: str, bold: bool = False, italic: bool = False) -> Run:
    """A run with French spacing applied."""
    return Run(french_spacing(text), bold=bold, italic=italic)


def runs(*parts: str | Run) -> tuple[Run, ...]:
    """Strings become plain runs; runs (facts, bold words) pass through."""
    return tuple(text_run(part) if isinstance(part, str) else part for part in parts)


def para(*parts: str | Run) -> Paragraph:
    """A paragraph from strings and runs."""
    return Paragraph(runs(*parts))


def entries(*items: str | tuple[str | Run, ...], ordered: bool = False) -> ListBlock:
    """A list; each entry is a string or a tuple of strings and runs."""
    return ListBlock(
        tuple(runs(item) if isinstance(item, str) else runs(*item) for item in items),
        ordered=ordered,
    )


def info(*parts: str | Run) -> Note:
    """A framed remark."""
    return Note("info", runs(*parts))


# A signature row: room for a handwritten signature and a stamp (review of 1 December 2026,
# small commune N16: one line of height left no room for either).
SIGNATURE_ROW_MM = 30


def table(
    header: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    widths: tuple[int, ...],
    caption: str = "",
    row_height_mm: int = 0,
) -> TableBlock:
    """A table with French spacing in every cell."""
    return TableBlock(
        tuple(french_spacing(cell) for cell in header),
        tuple(tuple(french_spacing(cell) for cell in row) for row in rows),
        widths,
        caption=french_spacing(caption),
        row_height_mm=row_height_mm,
    )


def article(number: str, title: str, *blocks: Paragraph | ListBlock | TableBlock | Note) -> Article:
    """An article with its blocks."""
    return Article(number, french_spacing(title), list(blocks))
