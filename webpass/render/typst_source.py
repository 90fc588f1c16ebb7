"""A document model as Typst source: the shipped style, then calls holding only string literals.

The body is one code block (``#{ … }``) of calls to the functions of ``document.typ``
(``wp-heading``, ``wp-par``, ``wp-table``…). Every text, title, cell and URL of the model goes
through :func:`~webpass.render.typst_escape.typst_string`; numbers are written by this module
from integers. Nothing else of the model is written into the source, so the model's content can
never become Typst code, whatever it holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import assert_never

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
from webpass.render.typst_escape import typst_string as lit

__all__ = ["ANSWERS_ATTACHMENT", "typst_body"]

ANSWERS_ATTACHMENT = "webpass.yaml"
ANNEX_PREFIX = "Annexe "


def _run(run: Run) -> str:
    code = lit(run.text)
    if run.italic:
        code = f"emph({code})"
    if run.bold:
        code = f"strong({code})"
    if run.href:
        code = f"link({lit(run.href)}, {code})"
    return code


def _runs(runs: Sequence[Run]) -> str:
    return ", ".join(_run(run) for run in runs) if runs else lit("")


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"wp-par({_runs(block.runs)})"
    if isinstance(block, ListBlock):
        entries = ", ".join(f"({_runs(entry)},)" for entry in block.entries)
        return f"wp-list({'true' if block.ordered else 'false'}, {entries})"
    if isinstance(block, TableBlock):
        widths = ", ".join(str(int(width)) for width in block.widths)
        header = ", ".join(lit(cell) for cell in block.header)
        rows = ", ".join("(" + ", ".join(lit(cell) for cell in row) + ",)" for row in block.rows)
        return f"wp-table(({widths},), {lit(block.caption)}, ({header},), {rows})"
    if isinstance(block, Note):
        return f"wp-note({lit(block.kind)}, ({_runs(block.runs)},).join())"
    assert_never(block)


def _article(article: Article, level: int, annex: bool, lines: list[str]) -> None:
    # The table of contents shows two levels of the body and the annexes themselves, not
    # their sub-articles (the HTML file's table of contents does the same).
    outlined = level <= 2 and not (annex and level > 1)
    if annex and level == 1:
        lines.append("pagebreak(weak: true)")
    prefix = lit(ANNEX_PREFIX if annex and level == 1 else "")
    lines.append(
        f"wp-heading({min(level, 4)}, {lit(article.number)}, {lit(article.title)}, "
        f"outlined: {'true' if outlined else 'false'}, prefix: {prefix})"
    )
    lines.extend(_block(block) for block in article.blocks)
    for child in article.children:
        _article(child, level + 1, annex, lines)


def _cover(document: CctpDocument) -> str:
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


def _glossary(pairs: Iterable[tuple[str, str]]) -> str:
    items = ", ".join(f"({lit(term)}, {lit(meaning)})" for term, meaning in pairs)
    return f"wp-glossary({lit('Glossaire')}, ({items},))"


def _setup(document: CctpDocument) -> str:
    keywords = ", ".join(
        lit(word) for word in (document.acronym, "Webpass", "site internet", document.buyer_kind)
    )
    day = document.date
    return (
        f"#show: wp-setup.with(title: {lit(f'{document.title} — {document.buyer}')}, "
        f"author: {lit(document.buyer)}, description: {lit(document.object)}, "
        f"keywords: ({keywords},), lang: {lit(document.language)}, "
        f"date: datetime(year: {day.year:d}, month: {day.month:d}, day: {day.day:d}), "
        f"running: {lit(document.running_title)})"
    )


def typst_body(document: CctpDocument, attachments: Sequence[tuple[str, bytes, str]]) -> str:
    """The part of the source that follows ``document.typ``: setup, cover, contents, articles.

    Args:
        document: the document model.
        attachments: files embedded in the PDF, as (name, UTF-8 text bytes, description).
    """
    lines: list[str] = []
    for name, data, description in attachments:
        lines.append(
            f"pdf.attach({lit(name)}, bytes({lit(data.decode('utf-8'))}), "
            f'relationship: "source", mime-type: "application/yaml", '
            f"description: {lit(description)})"
        )
    lines.append(_cover(document))
    lines.append(f"wp-toc({lit('Table des matières')})")
    for article in document.articles:
        _article(article, 1, False, lines)
    for annex in document.annexes:
        _article(annex, 1, True, lines)
    if document.glossary:
        lines.append(_glossary(document.glossary))
    return _setup(document) + "\n#{\n" + "\n".join(lines) + "\n}\n"
