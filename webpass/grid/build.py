"""Building the grid of a dossier from its selection, with the fingerprint of each wording."""

from __future__ import annotations

from webpass.catalog.loaded import item_fingerprint
from webpass.catalog.model import CostPeriod, Demand
from webpass.documents.cctp import (
    Block,
    ListBlock,
    Note,
    Paragraph,
    TableBlock,
    markdown_blocks,
    render_clause,
)
from webpass.grid.model import Grid, GridRow
from webpass.selection.engine import Selection

__all__ = ["build_grid", "plain_text", "row_fingerprint"]


def plain_text(blocks: list[Block]) -> str:
    """Blocks as plain text: paragraphs separated by blank lines, list entries with « - »."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph | Note):
            parts.append("".join(run.text for run in block.runs))
        elif isinstance(block, ListBlock):
            parts.append(
                "\n".join("- " + "".join(run.text for run in entry) for entry in block.entries)
            )
        elif isinstance(block, TableBlock):
            parts.append("\n".join(" | ".join(row) for row in (block.header, *block.rows)))
    return "\n\n".join(parts)


def row_fingerprint(item_id: str, title: str, text: str, question: str) -> str:
    """The fingerprint printed in the grid: any change of the wording changes it."""
    return item_fingerprint(item_id, title, text, question)


def build_grid(selection: Selection) -> Grid:
    """The response grid of ``selection``: one row per selected item, in document order."""
    answers = selection.answers
    rows = []
    for selected in selection.items:
        item = selected.item
        text = plain_text(markdown_blocks(render_clause(item, selection), f"exigence {item.id}"))
        price = None
        if item.cost is not None:
            price = "dpgf" if item.cost.period is CostPeriod.ONE_OFF else "bpu"
        unit = None
        quantity = None
        if price == "bpu" and item.cost is not None:
            unit = item.cost.unit or "an"
            quantity = (
                item.cost.quantity
                if item.cost.period is CostPeriod.PER_UNIT
                else answers.project.duration_years
            )
        rows.append(
            GridRow(
                id=item.id,
                title=item.title,
                text=text,
                mandatory=selected.mandatory,
                desired=selected.demand is Demand.DESIRED,
                answer_kind=item.answer.kind.value,
                question=item.answer.question,
                minimum=item.answer.minimum,
                unit=item.answer.unit,
                fingerprint=row_fingerprint(item.id, item.title, text, item.answer.question),
                price=price,
                price_unit=unit,
                quantity=quantity,
                weight=item.weight,
            )
        )
    project = answers.project
    return Grid(
        reference=project.reference or f"CCTP-{project.launch_date:%Y%m%d}",
        buyer=answers.collectivity.name,
        catalog_version=selection.catalog.version,
        target_level=project.target_level,
        profile=answers.profile,
        launch_date=project.launch_date,
        rows=tuple(rows),
    )
