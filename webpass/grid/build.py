"""Building the grid of a dossier from its selection, with the fingerprint of each wording."""

from __future__ import annotations

from decimal import Decimal

from webpass.catalog.model import CostPeriod, Demand
from webpass.documents.cctp import (
    clause_values,
    item_wording,
    plain_text,
    printed_title,
)
from webpass.documents.price_phases import phase_groups, split_parts, yearly_includes
from webpass.documents.procedure_kind import ProcedureKind, procedure_kind
from webpass.documents.question import asked_answer
from webpass.documents.typography import french_spacing
from webpass.grid.model import Grid, GridRow, PricePieces
from webpass.selection.engine import Selection
from webpass.selection.quantities import item_quantity

# plain_text is re-exported for the callers that found it here.
__all__ = ["build_grid", "plain_text"]


def _priced_in(selection: Selection) -> dict[str, tuple[tuple[str, str], ...]]:
    """Requirement → the lines that pay it, each with the part it pays (« » for the whole), for
    those without a price line of their own: one line, or a phase and the yearly hosting."""
    split = split_parts(selection)
    priced_in: dict[str, list[tuple[str, str]]] = {}
    for group in phase_groups(selection):
        line = f"phase « {group.phase.label} », prix sur la ligne {group.carrier}"
        for item_id in group.item_ids:
            if item_id != group.carrier:
                part = split[item_id][0] if item_id in split else ""
                priced_in.setdefault(item_id, []).append((line, part))
    for carrier, ids in yearly_includes(selection).items():
        for item_id in ids:
            part = split[item_id][1] if item_id in split else ""
            priced_in.setdefault(item_id, []).append((f"ligne annuelle {carrier}", part))
    return {item_id: tuple(lines) for item_id, lines in priced_in.items()}


def build_grid(selection: Selection) -> Grid:
    """The response grid of ``selection``: one row per selected item, in document order."""
    answers = selection.answers
    rows = []
    shared = clause_values(selection)
    # Priced by phase (a commune's quotes): the phase's price is on its carrier only.
    covered = _priced_in(selection)
    for selected in selection.items:
        item = selected.item
        wording = item_wording(item, selection, shared)
        asked = asked_answer(item, selection)
        price = None
        if item.cost is not None and item.id not in covered:
            price = "dpgf" if item.cost.period is CostPeriod.ONE_OFF else "bpu"
        measure = item_quantity(selected, answers)
        rows.append(
            GridRow(
                id=item.id,
                title=printed_title(item),
                text=wording.text,
                mandatory=selected.mandatory,
                desired=selected.demand is Demand.DESIRED,
                answer_kind=asked.kind.value,
                question=french_spacing(asked.question),
                scored=asked.scored,
                minimum=None if item.answer.minimum is None else Decimal(item.answer.minimum),
                unit=item.answer.unit,
                fingerprint=wording.fingerprint,
                price=price,
                price_unit=measure.unit if measure else None,
                quantity=measure.value if measure else None,
                quantity_nature=measure.nature_label if measure else "",
                pse=selected.is_pse,
                priced_in=covered.get(item.id, ()),
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
        pieces=PricePieces.QUOTE_FORM
        if procedure_kind(selection) is ProcedureKind.QUOTES
        else PricePieces.SCHEDULE,
    )
