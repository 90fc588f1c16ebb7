"""How a selection is shown: JSON for programs, a rich table and a summary for people."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from webpass.dossier.summary import review_text
from webpass.selection.consistency import dossier_findings
from webpass.selection.distinct_trade import distinct_trade_findings
from webpass.selection.engine import DEMAND_LABELS, STRENGTH_LABELS, Selection
from webpass.selection.proportion import INTENSITY_LABELS

if TYPE_CHECKING:
    from webpass.dossier.opening import Dossier

__all__ = ["selection_json", "selection_table"]


def selection_json(dossier: Dossier) -> dict[str, Any]:
    """Everything ``webpass selection --json`` prints."""
    selection = dossier.selection
    catalog = selection.catalog
    answers = selection.answers
    out: dict[str, Any] = {
        "catalogue": catalog.version,
        "collectivite": answers.collectivity.name,
        "profil": answers.profile,
        "niveau_vise": answers.project.target_level,
        "taille": {
            "id": selection.size.id,
            "nom": selection.size.name,
            "raison": selection.size.reason,
        },
        "exigences": _items_json(selection),
        "ecartees_projet_petit": [
            {"id": s.item.id, "titre": s.item.title, "explication": s.explanation}
            for s in selection.reduced
        ],
        "contradictions": [f.as_json() for f in dossier_findings(selection)],
        "avertissements": [f.as_json() for f in distinct_trade_findings(selection)],
        "options_proposees": [
            {"id": s.item.id, "titre": s.item.title, "explication": s.explanation}
            for s in selection.offered
        ],
        "exclues": [
            {"id": s.item.id, "titre": s.item.title, "explication": s.explanation}
            for s in selection.excluded
        ],
        "non_applicables": [
            {"id": s.item.id, "titre": s.item.title, "explication": s.explanation}
            for s in selection.left_out
            if not s.for_size
        ],
        "champs_a_completer": [{"id": i, "champ": label} for i, label in selection.missing_values],
        "conflits": selection.conflicts,
        "estimation": selection.estimate.as_json(),
        "procedure": selection.procedure.as_json(),
        "aides": dossier.aid.as_json(),
    }
    return out


def _items_json(selection: Selection) -> list[dict[str, Any]]:
    # The fingerprint is of the wording as printed, which only the document model knows.
    from webpass.documents.cctp import clause_values, item_wording

    catalog = selection.catalog
    shared = clause_values(selection)
    return [
        {
            "id": s.item.id,
            "titre": s.item.title,
            "section": catalog.section_of(s.item).id,
            "niveau": s.item.level,
            "exigence": s.strength.value,
            "raison": s.reason.value,
            "explication": s.explanation,
            "demande": s.demand.value,
            "intensite": s.intensity.value,
            "intensite_explication": s.intensity_text,
            "teleservice": s.item.teleservice,
            "empreinte": item_wording(s.item, selection, shared).fingerprint,
        }
        for s in selection.items
    ]


def selection_table(dossier: Dossier) -> None:
    """Print the selection as a table, the items left out for a small project, the contradictions
    and the summary."""
    selection = dossier.selection
    from rich.console import Console
    from rich.table import Table

    console = Console()
    answers = selection.answers
    size = selection.size
    table = Table(
        title=f"{answers.collectivity.name} — niveau visé {answers.project.target_level} — "
        f"{size.name} — {len(selection.items)} exigences (catalogue {selection.catalog.version})"
    )
    table.add_column("Id", style="bold", no_wrap=True)
    table.add_column("Exigence")
    table.add_column("Force")
    table.add_column("Dans le CCTP")
    table.add_column("Intensité")
    table.add_column("Pourquoi")
    for selected in selection.items:
        table.add_row(
            selected.item.id,
            selected.item.title,
            STRENGTH_LABELS[selected.strength],
            DEMAND_LABELS[selected.demand],
            INTENSITY_LABELS[selected.intensity]
            + (f" : {selected.variant.explanation}" if selected.variant else ""),
            selected.explanation,
        )
    console.print(table)
    console.print(f"Taille du projet : {size.name} ({size.reason}).", highlight=False)
    if selection.reduced:
        console.print(
            f"Écartées parce que le projet est petit ({len(selection.reduced)}) :", highlight=False
        )
        for skipped in selection.reduced:
            console.print(
                f"  - {skipped.item.id} {skipped.item.title} — {skipped.explanation}",
                highlight=False,
            )
    findings = dossier_findings(selection)
    if findings:
        console.print(f"Contradictions à corriger ({len(findings)}) :", highlight=False)
        for finding in findings:
            console.print(f"  - {finding.text()}", highlight=False)
    else:
        console.print("Cohérence du dossier : aucune contradiction.", highlight=False)
    warnings = distinct_trade_findings(selection)
    if warnings:
        # A warning here, a refusal at ``webpass dce``: the buyer may still justify the choice.
        console.print(
            f"Avertissements, à régler avant webpass dce ({len(warnings)}) :", highlight=False
        )
        for warning in warnings:
            console.print(f"  - {warning.text()}", highlight=False)
    # rich would break "11 500,00 € HT" at its no-break spaces; textwrap only breaks at ordinary
    # ones, so wrap here and let rich print the lines as they are.
    from webpass.documents.typography import french_spacing

    width = max(console.width, 40)
    for line in french_spacing(review_text(dossier)).splitlines():
        indent = " " * (len(line) - len(line.lstrip()))
        wrapped = textwrap.fill(
            line, width=width, subsequent_indent=indent + "  ", break_on_hyphens=False
        )
        console.print(wrapped, highlight=False, soft_wrap=True, markup=False)
