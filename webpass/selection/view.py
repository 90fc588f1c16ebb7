"""How a selection is shown: JSON for programs, a rich table and a summary for people."""

from __future__ import annotations

from typing import Any

from webpass.cli.wizard import review_text
from webpass.selection.engine import STRENGTH_LABELS, Selection

__all__ = ["selection_json", "selection_table"]


def selection_json(selection: Selection) -> dict[str, Any]:
    """Everything ``webpass selection --json`` prints."""
    catalog = selection.catalog
    answers = selection.answers
    out: dict[str, Any] = {
        "catalogue": catalog.version,
        "collectivite": answers.collectivity.name,
        "profil": answers.profile,
        "niveau_vise": answers.project.target_level,
        "exigences": [
            {
                "id": s.item.id,
                "titre": s.item.title,
                "section": catalog.section_of(s.item).id,
                "niveau": s.item.level,
                "exigence": s.strength.value,
                "raison": s.reason.value,
                "explication": s.explanation,
                "teleservice": s.item.teleservice,
                "empreinte": catalog.fingerprint(s.item),
            }
            for s in selection.items
        ],
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
        ],
        "champs_a_completer": [{"id": i, "champ": label} for i, label in selection.missing_values],
        "conflits": selection.conflicts,
        "estimation": selection.estimate.as_json(),
        "procedure": {
            "code": selection.procedure.code,
            "nom": selection.procedure.name,
            "explication": selection.procedure.explanation,
            "montant_retenu": f"{selection.procedure.amount:.2f}",
        },
    }
    subsidy = selection.extras.get("subvention")
    if subsidy is not None:
        out["subvention"] = subsidy
    return out


def selection_table(selection: Selection) -> None:
    """Print the selection as a table followed by the summary."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    answers = selection.answers
    table = Table(
        title=f"{answers.collectivity.name} — niveau visé {answers.project.target_level} — "
        f"{len(selection.items)} exigences (catalogue {selection.catalog.version})"
    )
    table.add_column("Id", style="bold", no_wrap=True)
    table.add_column("Exigence")
    table.add_column("Force")
    table.add_column("Pourquoi")
    for selected in selection.items:
        table.add_row(
            selected.item.id,
            selected.item.title,
            STRENGTH_LABELS[selected.strength],
            selected.explanation,
        )
    console.print(table)
    console.print(review_text(selection), highlight=False)
