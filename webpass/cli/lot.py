"""``webpass lot LISTE --reponses BASE --sortie DIR``: one dossier per collectivity of a list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from webpass.cli.options import (
    catalogue_option,
    engine_option,
    formats_option,
    json_option,
    output_option,
    templates_option,
)
from webpass.core.errors import UsageError

if TYPE_CHECKING:
    from webpass.batch import BatchInterrupted, BatchResult, RowOutcome


def _say_stopping() -> None:
    click.echo(
        "\nArrêt en cours… Les dossiers commencés se terminent (quelques secondes) ; "
        "Ctrl-C de nouveau pour tout arrêter tout de suite.",
        err=True,
    )


class _LogProgress:
    """Plain lines, one per dossier: what a log file or a CI job wants."""

    def __init__(self) -> None:
        self.done = 0
        self.total = 0

    def begin(self, rows: int, to_generate: int, up_to_date: int, invalid: int) -> None:
        self.total = to_generate
        click.echo(
            f"{rows} ligne(s) : {to_generate} dossier(s) à produire, {up_to_date} déjà à jour, "
            f"{invalid} ligne(s) invalide(s).",
            err=True,
        )

    def advance(self, outcome: RowOutcome) -> None:
        self.done += 1
        if outcome.reason:
            detail = f"échec : {outcome.reason}"
        else:
            pages = f", {outcome.pages} pages" if outcome.pages else ""
            detail = f"{len(outcome.files)} fichier(s){pages}"
        click.echo(
            f"[{self.done}/{self.total}] ligne {outcome.line} {outcome.name} — {detail}", err=True
        )

    def stopping(self) -> None:
        _say_stopping()

    def warn(self, line: int, message: str) -> None:
        click.echo(f"Attention, ligne {line} : {message}", err=True)


class _BarProgress:
    """A rich progress bar on a terminal."""

    def __init__(self, progress: Any) -> None:
        self.progress = progress
        self.task: Any = None

    def begin(self, rows: int, to_generate: int, up_to_date: int, invalid: int) -> None:
        self.progress.console.print(
            f"{rows} ligne(s) : {to_generate} dossier(s) à produire, {up_to_date} déjà à jour, "
            f"{invalid} ligne(s) invalide(s)."
        )
        self.task = self.progress.add_task("Dossiers", total=to_generate)

    def advance(self, outcome: RowOutcome) -> None:
        if outcome.reason:
            self.progress.console.print(
                f"[red]échec[/red] ligne {outcome.line} {escape(outcome.name)} : "
                f"{escape(outcome.reason)}",
                markup=True,
                highlight=False,
            )
        self.progress.update(self.task, advance=1, description=escape(outcome.name[:30]))

    def stopping(self) -> None:
        self.progress.stop()
        _say_stopping()

    def warn(self, line: int, message: str) -> None:
        self.progress.console.print(
            f"[yellow]Attention[/yellow], ligne {line} : {escape(message)}", highlight=False
        )


@click.command()
@click.argument("liste", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--departement",
    "departements",
    help="Sans LISTE : toutes les communes de ces départements (numéros séparés par des "
    "virgules, ex. 22,29), d'après la liste officielle.",
)
@click.option(
    "--reponses",
    "base",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Réponses de base (YAML) sur lesquelles chaque ligne est fusionnée.",
)
@output_option(
    "Dossier de sortie : un sous-dossier par collectivité, la synthèse et le manifeste.",
    folder=True,
    required=True,
)
@click.option(
    "-j",
    "--jobs",
    type=int,
    default=None,
    help="Nombre de processus de génération (par défaut : un par cœur).",
)
@formats_option("html,pdf,docx")
@templates_option
@engine_option
@click.option("--feuille", help="Feuille du classeur XLSX à lire (par défaut : la première).")
@click.option(
    "--tout-refaire",
    is_flag=True,
    help="Refaire tous les dossiers, même ceux que le manifeste dit à jour.",
)
@json_option("Résultat au format JSON.")
@catalogue_option
@click.pass_context
def lot(
    ctx: click.Context,
    liste: Path | None,
    departements: str | None,
    base: Path,
    sortie: Path,
    jobs: int | None,
    formats: str,
    modeles: Path | None,
    moteur: str | None,
    feuille: str | None,
    tout_refaire: bool,
    as_json: bool,
    catalogue_dir: Path | None,
) -> None:
    """Produit le dossier de chaque collectivité de LISTE (CSV ou XLSX).

    Chaque ligne nomme une collectivité par son code INSEE, son SIREN ou son nom ; le reste
    (nom, département, population, communes membres) vient de la liste officielle, et les
    colonnes de la liste la remplacent (population, niveau_vise, effectif, recettes_annuelles,
    domaine, adresse, reference, date_lancement, nature…). Chaque ligne est fusionnée sur les
    réponses de base, vérifiée comme par l'assistant, puis générée dans SORTIE/<nom>-<code>/.
    Une ligne en erreur n'arrête pas les autres ; relancer la commande ne refait que ce qui a
    changé ou échoué. Code de sortie 1 si une ligne a échoué. Sans LISTE, --departement 22,29
    traite toutes les communes de ces départements.
    """
    from webpass.batch.plan import announce, list_size, makes_everything
    from webpass.batch.server import start_server, weasyprint_used

    # Said at once, before the second of imports and the seconds of validation; on a first run
    # the workers' server starts meanwhile. The formats are checked just after, with the rest.
    asked = [name.strip().lower() for name in formats.split(",") if name.strip()]
    liste = _the_list(liste, departements, sortie)
    click.echo(announce(list_size(liste, feuille), liste, asked, sortie), err=True)
    if makes_everything(sortie, tout_refaire):
        start_server("pdf" in asked, weasyprint_used(moteur, modeles))

    from webpass.render.dispatch import parse_engine, parse_formats

    wanted = parse_formats(formats)
    engine = parse_engine(moteur)
    from rich.console import Console

    from webpass.batch import BatchInterrupted, run_batch

    console = Console(stderr=True)
    options: dict[str, Any] = {
        "catalog_dir": catalogue_dir,
        "templates": modeles,
        "sheet": feuille,
        "force": tout_refaire,
        "engine": engine,
    }
    try:
        if console.is_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            with Progress(
                TextColumn("{task.description:30}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("reste"),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            ) as bar:
                result = run_batch(liste, base, sortie, wanted, jobs, _BarProgress(bar), **options)
        else:
            result = run_batch(liste, base, sortie, wanted, jobs, _LogProgress(), **options)
    except BatchInterrupted as interrupted:
        _print_interrupted(interrupted)
        ctx.exit(130)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        _print_summary(result)
    ctx.exit(result.exit_code)


def _the_list(liste: Path | None, departements: str | None, sortie: Path) -> Path:
    """The list given, or the one written for --departement from the reference."""
    if (liste is None) == (departements is None):
        raise UsageError(
            "donnez soit une LISTE (CSV ou XLSX), soit --departement 22,29 pour toutes les "
            "communes de départements, pas les deux."
        )
    if liste is not None:
        return liste
    from webpass.batch.rows import write_department_list

    assert departements is not None
    return write_department_list(departements, sortie)


def _print_interrupted(interrupted: BatchInterrupted) -> None:
    from webpass.batch import RowStatus

    done = interrupted.result
    made = done.count(RowStatus.GENERATED)
    stopped = (
        f" ; {interrupted.stopped} dossier(s) en cours ont été arrêtés avant la fin"
        if interrupted.stopped
        else ""
    )
    click.echo(
        f"Interrompu : {made} dossier(s) produit(s) pendant cette exécution, "
        f"{done.count(RowStatus.UP_TO_DATE)} déjà à jour{stopped}. Ce qui est terminé est "
        f"enregistré dans {done.manifest} ; relancez la même commande pour faire les "
        f"{interrupted.remaining} restant(s).",
        err=True,
    )


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{seconds:.1f} s".replace(".", ",")


def _print_summary(result: BatchResult) -> None:
    from webpass.batch import RowStatus

    failures = result.failures
    click.echo(
        f"{len(result.outcomes)} collectivité(s) : "
        f"{result.count(RowStatus.GENERATED)} dossier(s) produit(s), "
        f"{result.count(RowStatus.UP_TO_DATE)} déjà à jour, {len(failures)} en échec "
        f"({_duration(result.seconds)}, {result.jobs} processus)."
    )
    if failures:
        click.echo("Lignes en échec :")
        for outcome in failures:
            name = outcome.name or "(sans nom)"
            click.echo(f"  - ligne {outcome.line}, {name} : {outcome.reason}")
    click.echo(f"Synthèse : {result.summary_csv} (et {result.summary_json.name})")
