"""``webpass comparer DOSSIER OFFRE…``: gate, mark and rank the offers; write the RAO."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from webpass.cli.options import (
    catalogue_option,
    date_option,
    engine_option,
    json_option,
    templates_option,
)

if TYPE_CHECKING:
    from webpass.aid.compute import SubsidyResult
    from webpass.compare.scoring import Comparison

_REPORT_SUFFIXES = (".docx", ".pdf", ".html", ".htm")


@click.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@click.argument("offres", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--notes",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Notes de l'analyste (.yaml, .xlsx ou .csv) : un niveau du barème et son motif par offre "
    "et par sous-critère ; par défaut, DOSSIER/notes.yaml (ou notes.xlsx) s'il existe.",
)
@json_option("Sortie JSON (mêmes données que le rapport).")
@click.option(
    "--rapport",
    "rapports",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Rapport d'analyse des offres à écrire (.docx, .pdf ou .html) ; répétable. Par défaut, "
    "rao-<collectivité>.docx et .pdf dans le dossier (pas de fichier avec --json seul).",
)
@date_option(
    "Date d'établissement du rapport ; sans elle, la date est laissée en blanc, à compléter à la "
    "signature."
)
@templates_option
@engine_option
@catalogue_option
def comparer(
    dossier: Path,
    offres: tuple[Path, ...],
    notes: Path | None,
    as_json: bool,
    rapports: tuple[Path, ...],
    date: dt.date | None,
    modeles: Path | None,
    moteur: str | None,
    catalogue_dir: Path | None,
) -> None:
    """Compare les offres OFFRE… (cadres de réponse remplis) du dossier DOSSIER.

    Les offres irrégulières (exigence obligatoire non satisfaite ou sans réponse, prix manquant,
    texte modifié, PSE non proposée) sont écartées avec leurs motifs ; les autres sont notées sur les
    sous-critères techniques (niveaux du barème donnés par l'analyste, avec leur motif) et sur le
    prix de la solution de base augmentée des PSE retenues, puis classées ; le classement est
    recalculé avec chaque formule de prix. Le rapport d'analyse des offres (RAO) reprend tout,
    avec une simulation de la subvention de chaque offre.
    Code de sortie : 0 classement produit, 1 entrée à corriger ou aucune offre régulière,
    2 commande mal employée ou fichier illisible.
    """
    from webpass.compare.run import compare_offers, find_notes, rao_paths
    from webpass.core.errors import UsageError
    from webpass.dossier.opening import open_dossier

    for target in rapports:
        if target.suffix.lower() not in _REPORT_SUFFIXES:
            raise UsageError(
                f"--rapport : « {target.name} » doit se terminer par .docx, .pdf ou .html."
            )
    opened = open_dossier(dossier, catalogue_dir)
    if notes is None:
        notes = find_notes(opened.folder)
        if notes is not None:
            click.echo(f"Notes de l'analyste : {notes}", err=True)
    comparison = compare_offers(opened, list(offres), notes)
    data = json.dumps(comparison.as_json(), ensure_ascii=False, indent=2)
    targets = list(rapports) or ([] if as_json else rao_paths(opened))
    _write_reports(comparison, targets, date, modeles, moteur, data, quiet=as_json)
    if as_json:
        click.echo(data)
    else:
        _show(comparison)
    for warning in comparison.warnings:
        click.echo(f"Attention : {warning}", err=True)
    for offer in comparison.ranked:
        if offer.price_gap:
            click.echo(f"Attention : {offer.name} — {offer.price_gap}", err=True)
    if not comparison.ranked:
        click.echo("Aucune offre régulière : pas de classement.", err=True)
        click.get_current_context().exit(1)


def _write_reports(
    comparison: Comparison,
    targets: list[Path],
    date: dt.date | None,
    modeles: Path | None,
    moteur: str | None,
    data: str,
    quiet: bool,
) -> None:
    """The RAO in each requested file, with the JSON data attached."""
    if not targets:
        return
    from webpass.documents.rao import build_rao
    from webpass.render.attachment import Attachment
    from webpass.render.dispatch import parse_engine, write_document
    from webpass.render.styles import styles_for

    document = build_rao(comparison, date)
    styles = styles_for(modeles)
    analysis = Attachment(
        "analyse-des-offres.json",
        data.encode("utf-8"),
        "Données de l'analyse des offres",
        "application/json",
    )
    for target in targets:
        write_document(document, target, styles, parse_engine(moteur), [analysis])
        click.echo(f"Rapport d'analyse des offres écrit : {target}", err=quiet)


def _show_eliminated(console: Any, comparison: Comparison) -> None:
    from webpass.core.money import format_number

    for eliminated in comparison.eliminated:
        console.print(
            f"\n[bold]Écartée[/bold] : {eliminated.name} ({eliminated.offer.path.name}) — offre irrégulière"
            + (" (régularisable)" if eliminated.regularity.regularisable else "")
            + " :"
        )
        for reason in eliminated.regularity.reasons:
            mark = "" if reason.regularisable else " [non régularisable]"
            console.print(f"  - {reason.text}{mark}", markup=False)
        # Fewer regular offers than the RC admits to the negotiation: the RAO ranks the
        # irregular ones after them, and the terminal says the same.
        following = comparison.completion
        entry = following.of(eliminated) if following is not None else None
        if following is not None and entry is not None:
            console.print(
                f"  Classée {entry.rank}{'re' if entry.rank == 1 else 'e'} à la suite des offres "
                f"régulières ({format_number(entry.total)} points) : {following.fate(entry).lower()}.",
                markup=False,
            )
    console.print(comparison.pse.sentence, markup=False)
    if comparison.pse.options:
        retained = ", ".join(comparison.retained) or "aucune"
        console.print(f"PSE retenues : {retained}.", markup=False)


def _show(comparison: Comparison) -> None:
    from decimal import Decimal

    from rich.console import Console
    from rich.table import Table

    from webpass.compare.price_scoring import FORMULA_LABELS
    from webpass.core.money import format_eur, format_number

    console = Console(highlight=False)
    console.print(
        f"{len(comparison.offers)} offre(s) reçue(s), {len(comparison.eliminated)} écartée(s), "
        f"{len(comparison.ranked)} classée(s)."
    )
    _show_eliminated(console, comparison)
    if comparison.ranked:
        criteria = comparison.criteria.criteria
        table = Table(
            title=f"Classement (prix : {FORMULA_LABELS[comparison.formula]})",
            title_justify="left",
        )
        table.add_column("Rang", justify="right")
        table.add_column(comparison.bidder_label, min_width=16)
        for criterion in criteria:
            table.add_column(f"{criterion.name} /{criterion.weight}", justify="right")
        table.add_column("Total /100", justify="right")
        table.add_column("€ HT", justify="right", no_wrap=True)
        for offer in comparison.ranked:
            by_parent: dict[str, Decimal] = {}
            for score in offer.scores:
                parent = score.leaf.parent or score.leaf.name
                by_parent[parent] = by_parent.get(parent, Decimal(0)) + score.points
            table.add_row(
                str(offer.rank),
                offer.name,
                *(format_number(by_parent.get(c.name, Decimal(0))) for c in criteria),
                format_number(offer.total),
                format_number(offer.price, 0),
            )
        console.print()
        console.print(table)
    console.print(comparison.formula_effect, markup=False)
    for text in comparison.ties:
        console.print(text, markup=False)
    winner = comparison.winner
    if winner is not None and winner.possibly_abnormally_low:
        console.print(
            f"Offre classée première : {winner.name}, prix inférieur à l'estimation basse : "
            "échange sur une offre peut-être anormalement basse (L2152-5, R2152-3) à mener "
            "avant toute proposition d'attribution.",
            markup=False,
        )
    elif winner is not None and comparison.award_blockers:
        console.print(
            f"Offre classée première : {winner.name}. Aucun attributaire n'est proposé tant que "
            + " ; ".join(comparison.award_blockers)
            + ".",
            markup=False,
        )
    elif winner is not None:
        subsidy = winner.subsidy
        line = f"Attributaire proposé : {winner.name} ({format_number(winner.total)} points, {format_eur(winner.price)})"
        # A scheme that does not cover the dossier (territory, period) is not shown, as the RAO
        # leaves it out (review of 1 December 2026, n° 23).
        if subsidy is not None and not subsidy.not_applicable:
            line += " ; " + _aid_phrase(subsidy)
        console.print(line + ".", markup=False)
    if comparison.provisional:
        console.print(
            "Classement provisoire : notes de l'analyste manquantes ("
            + " ; ".join(comparison.missing_marks)
            + ").",
            markup=False,
        )


def _aid_phrase(subsidy: SubsidyResult) -> str:
    """The winner's aid in a few words, for a scheme that covers the dossier."""
    from webpass.core.money import format_eur

    name = f"{subsidy.scheme.title.split(' — ')[0]} ({subsidy.scheme.funder})"
    return (
        f"aide {name} ({subsidy.applicability.label}) {format_eur(subsidy.subsidy, '€')}, "
        f"reste à charge {format_eur(subsidy.remaining)} avant les autres financements"
    )
