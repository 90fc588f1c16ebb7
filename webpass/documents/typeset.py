"""Every text of a document model through French typography, once, before any renderer.

Builders apply :func:`~webpass.documents.typography.french_spacing` as they write (``para``,
``table``…), but titles, catalogue headings, cover fields and a few hand-made runs used to slip
through with straight apostrophes. The render dispatcher passes each model here first, so the
HTML, both PDF engines and the DOCX print the same typography whatever the builder did. The
pass is idempotent, leaves links (``href`` runs), the reference (an identifier) and the answers
(YAML) untouched, and keeps the class of each run (a fact stays a fact).
"""

from __future__ import annotations

import dataclasses

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
from webpass.documents.typography import french_spacing

__all__ = ["typeset"]


def _run(run: Run) -> Run:
    if run.href:
        return run
    return dataclasses.replace(run, text=french_spacing(run.text))


def _runs(runs: tuple[Run, ...]) -> tuple[Run, ...]:
    return tuple(_run(run) for run in runs)


def _block(block: Block) -> Block:
    if isinstance(block, Paragraph):
        return Paragraph(_runs(block.runs))
    if isinstance(block, ListBlock):
        return ListBlock(tuple(_runs(entry) for entry in block.entries), block.ordered)
    if isinstance(block, TableBlock):
        return dataclasses.replace(
            block,
            header=tuple(french_spacing(cell) for cell in block.header),
            rows=tuple(tuple(french_spacing(cell) for cell in row) for row in block.rows),
            caption=french_spacing(block.caption),
        )
    return Note(block.kind, _runs(block.runs))


def _article(article: Article) -> Article:
    return Article(
        article.number,
        french_spacing(article.title),
        [_block(block) for block in article.blocks],
        [_article(child) for child in article.children],
        article.item_id,
    )


def _letter(letter: Letterhead) -> Letterhead:
    return Letterhead(
        sender=tuple(french_spacing(line) for line in letter.sender),
        addressee=tuple(french_spacing(line) for line in letter.addressee),
        place_date=french_spacing(letter.place_date),
        references=tuple((french_spacing(k), french_spacing(v)) for k, v in letter.references),
        subject=french_spacing(letter.subject),
        salutation=french_spacing(letter.salutation),
        closing=french_spacing(letter.closing),
        signatory_quality=french_spacing(letter.signatory_quality),
        signatory_name=french_spacing(letter.signatory_name),
        subject_label=letter.subject_label,
    )


def typeset(document: CctpDocument) -> CctpDocument:
    """``document`` with French typography in every text a reader sees."""
    return dataclasses.replace(
        document,
        title=french_spacing(document.title),
        object=french_spacing(document.object),
        buyer=french_spacing(document.buyer),
        buyer_kind=french_spacing(document.buyer_kind),
        articles=[_article(article) for article in document.articles],
        annexes=[_article(annex) for annex in document.annexes],
        glossary=[(term, french_spacing(meaning)) for term, meaning in document.glossary],
        letter=_letter(document.letter) if document.letter else None,
    )
