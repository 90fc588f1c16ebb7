"""``webpass verifier [DOSSIER] OFFRE``: is a bidder's filled grid complete and conforming?"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from webpass.cli.options import catalogue_option


@click.command()
@click.argument(
    "chemins", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="[DOSSIER] OFFRE"
)
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
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
    from webpass.core.resources import shipped_catalog_dir
    from webpass.grid.check import check_offer
    from webpass.grid.labels import load_labels
    from webpass.grid.read import read_filled_grid
    from webpass.grid.report import report_text, write_report

    if len(chemins) > 2:
        raise UsageError("indiquez au plus un DOSSIER et une OFFRE.")
    reference = None
    if len(chemins) == 2:
        from webpass.dossier.opening import open_dossier
        from webpass.grid.build import build_grid

        opened = open_dossier(chemins[0], catalogue_dir)
        reference = build_grid(opened.selection)
        catalog_root = opened.catalog.root
    else:
        catalog_root = catalogue_dir or shipped_catalog_dir()
    offer = read_filled_grid(chemins[-1])
    report = check_offer(offer, load_labels(catalog_root), reference)
    if rapport is not None:
        created = reference.launch_date if reference else dt.date.today()
        write_report(report, rapport, created)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(report_text(report))
    if not report.conforming:
        click.get_current_context().exit(1)
