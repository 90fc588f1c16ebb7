"""``webpass verifier [DOSSIER] OFFRE``: is a bidder's filled grid complete and conforming?"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from webpass.cli.options import catalogue_option, json_option


@click.command()
@click.argument(
    "chemins", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="[DOSSIER] OFFRE"
)
@json_option()
@click.option(
    "--rapport",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Écrire aussi un rapport (.html ou .pdf).",
)
@catalogue_option
def verifier(
    chemins: tuple[Path, ...], as_json: bool, rapport: Path | None, catalogue_dir: Path | None
) -> None:
    """Vérifie une offre (grille de réponse remplie : .xlsx, .csv, .yaml, .json).

    Avec DOSSIER, l'offre est comparée aux exigences exactes du dossier ; sans, la grille se
    vérifie elle-même (un candidat peut contrôler son offre avant de la déposer).
    Code de sortie : 0 conforme, 1 non conforme, 2 fichier illisible.
    """
    from webpass.core.errors import UsageError
    from webpass.grid.report import report_text, write_report
    from webpass.grid.verify import verify_offer

    if len(chemins) > 2:
        raise UsageError("indiquez au plus un DOSSIER et une OFFRE.")
    selection = None
    if len(chemins) == 2:
        from webpass.dossier.opening import open_dossier

        selection = open_dossier(chemins[0], catalogue_dir).selection
    report = verify_offer(chemins[-1], selection, catalogue_dir)
    if rapport is not None:
        created = selection.answers.project.launch_date if selection else dt.date.today()
        write_report(report, rapport, created)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(report_text(report))
    if not report.conforming:
        click.get_current_context().exit(1)
