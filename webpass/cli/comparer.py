"""``webpass comparer DOSSIER OFFRE…``: eliminate, score and rank the offers; write the RAO."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from webpass.cli.options import catalogue_option, engine_option

if TYPE_CHECKING:
    from webpass.compare.scoring import Comparison

NOTES_FILES = ("notes.yaml", "notes.yml", "notes.xlsx", "notes.csv")


@click.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@click.argument("offres", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--notes",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Notes de l'analyste (.yaml, .xlsx ou .csv) pour les critères jugés sur le mémoire "
    "technique ; par défaut, DOSSIER/notes.yaml (ou notes.xlsx) s'il existe.",
)
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (mêmes données que le rapport).")
@click.option(
    "--rapport",
    "rapports",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Rapport d'analyse des offres à écrire (.docx, .pdf ou .html) ; répétable. Par défaut, "
    "rao-<collectivité>.docx et .pdf dans le dossier (pas de fichier avec --json seul).",
)
@click.option(
    "--date",
    "date_text",
    help="Date du rapport (AAAA-MM-JJ) ; par défaut, la date limite de remise des offres.",
)
@click.option(
    "--modeles",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier de modèles personnels, consulté avant les modèles livrés.",
)
@engine_option
@catalogue_option
def comparer(
    dossier: Path,
    offres: tuple[Path, ...],
    notes: Path | None,
    as_json: bool,
    rapports: tuple[Path, ...],
    date_text: str | None,
    modeles: Path | None,
    moteur: str | None,
    catalogue_dir: Path | None,
) -> None:
    """Compare les offres OFFRE… (cadres de réponse remplis) du dossier DOSSIER.

    Les offres irrégulières sont écartées avec leurs motifs ; les autres sont notées selon les
    critères du dossier (conformité tirée du cadre de réponse, notes de l'analyste, prix),
    classées, et le classement est recalculé avec chaque formule de prix. Le rapport d'analyse
    des offres (RAO) reprend tout, avec la subvention Webpass de chaque offre.
    Code de sortie : 0 classement produit, 1 entrée à corriger ou aucune offre régulière,
    2 fichier illisible.
    """
    from webpass.compare.award import award_problems, offers_deadline
    from webpass.compare.notes import load_notes
    from webpass.compare.scoring import compare_offers, read_offers
    from webpass.core.errors import UsageError, ValidationFailed
    from webpass.core.slug import inside, slugify
    from webpass.documents.rao import build_rao
    from webpass.dossier.opening import open_dossier
    from webpass.grid.build import build_grid
    from webpass.grid.labels import load_labels
    from webpass.render.attachment import Attachment
    from webpass.render.dispatch import parse_engine, write_document
    from webpass.render.styles import styles_for

    for target in rapports:
        if target.suffix.lower() not in (".docx", ".pdf", ".html", ".htm"):
            raise UsageError(
                f"--rapport : « {target.name} » doit se terminer par .docx, .pdf ou .html."
            )
    report_date = None
    if date_text:
        try:
            report_date = dt.date.fromisoformat(date_text)
        except ValueError as exc:
            raise UsageError(f"--date : « {date_text} » n'est pas une date AAAA-MM-JJ.") from exc
    opened = open_dossier(dossier, catalogue_dir)
    problems = award_problems(opened.answers, opened.located)
    if problems:
        raise ValidationFailed(problems, summary=f"{opened.located.source} : critères à corriger")
    selection = opened.selection
    grid = build_grid(selection)
    deadline = offers_deadline(opened.answers)
    if notes is None:
        notes = next((p for p in (opened.folder / n for n in NOTES_FILES) if p.is_file()), None)
        if notes is not None:
            click.echo(f"Notes de l'analyste : {notes}", err=True)
    analyst = load_notes(notes) if notes is not None else None
    offers = read_offers(list(offres), grid, load_labels(opened.catalog.root), today=deadline)
    comparison = compare_offers(selection, grid, offers, analyst)

    targets = list(rapports)
    if not targets and not as_json:
        stem = f"rao-{slugify(opened.answers.collectivity.name)}"
        targets = [inside(opened.folder, f"{stem}.docx"), inside(opened.folder, f"{stem}.pdf")]
    if targets:
        document = build_rao(comparison, report_date)
        data = json.dumps(comparison.as_json(), ensure_ascii=False, indent=2).encode("utf-8")
        styles = styles_for(modeles)
        analysis = Attachment(
            "analyse-des-offres.json", data, "Données de l'analyse des offres", "application/json"
        )
        for target in targets:
            write_document(document, target, styles, parse_engine(moteur), [analysis])
            click.echo(f"Rapport d'analyse des offres écrit : {target}", err=as_json)
    if as_json:
        click.echo(json.dumps(comparison.as_json(), ensure_ascii=False, indent=2))
    else:
        _show(comparison)
    for warning in comparison.warnings:
        click.echo(f"Attention : {warning}", err=True)
    if not comparison.ranked:
        click.echo("Aucune offre régulière : pas de classement.", err=True)
        click.get_current_context().exit(1)


def _show(comparison: Comparison) -> None:
    from rich.console import Console
    from rich.table import Table

    from webpass.compare.price_scoring import FORMULA_LABELS
    from webpass.core.money import format_eur, format_number

    console = Console(highlight=False)
    console.print(
        f"{len(comparison.offers)} offre(s) reçue(s), {len(comparison.eliminated)} écartée(s), "
        f"{len(comparison.ranked)} classée(s)."
    )
    for eliminated in comparison.eliminated:
        console.print(
            f"\n[bold]Écartée[/bold] : {eliminated.name} ({eliminated.offer.path.name}) — offre irrégulière :"
        )
        for reason in eliminated.reasons:
            console.print(f"  - {reason}", markup=False)
    if comparison.ranked:
        leaves = comparison.criteria.leaves()
        table = Table(
            title=f"Classement (prix : {FORMULA_LABELS[comparison.formula]})",
            title_justify="left",
        )
        table.add_column("Rang", justify="right")
        table.add_column("Candidat", min_width=16)
        for leaf in leaves:
            table.add_column(f"{leaf.name.split()[0][:12]} /{leaf.weight}", justify="right")
        table.add_column("Total", justify="right")
        table.add_column("€ HT", justify="right", no_wrap=True)
        for offer in comparison.ranked:
            by_key = {score.leaf.key: score for score in offer.scores}
            table.add_row(
                str(offer.rank),
                offer.name,
                *(format_number(by_key[leaf.key].points) for leaf in leaves),
                format_number(offer.total),
                format_number(offer.price, 0),
            )
        console.print()
        console.print(table)
    console.print(comparison.formula_effect, markup=False)
    for text in comparison.ties:
        console.print(text, markup=False)
    winner = comparison.winner
    if winner is not None:
        subsidy = winner.subsidy
        line = f"Attributaire proposé : {winner.name} ({format_number(winner.total)} points, {format_eur(winner.price)})"
        if subsidy is not None:
            line += f" ; subvention Webpass {format_eur(subsidy.subsidy, '€')}, reste à charge {format_eur(subsidy.remaining)}"
        console.print(line + ".", markup=False)
    if comparison.provisional:
        console.print(
            "Classement provisoire : notes de l'analyste manquantes ("
            + " ; ".join(comparison.missing_marks)
            + ").",
            markup=False,
        )
