"""``webpass nouveau DOSSIER``: the selection wizard."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from webpass.cli.options import catalogue_option, load_catalogue
from webpass.core.errors import UsageError

FORCE_INTERACTIVE = "WEBPASS_INTERACTIF"


@click.command()
@click.argument("dossier", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--reponses",
    "answers_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier de réponses préparé à l'avance : aucune question n'est posée.",
)
@click.option(
    "--defaut", "defaults", is_flag=True, help="Accepter la valeur proposée à chaque question."
)
@catalogue_option
def nouveau(
    dossier: Path, answers_file: Path | None, defaults: bool, catalogue_dir: Path | None
) -> None:
    """Crée (ou reprend) le dossier DOSSIER en répondant à quelques questions.

    Les réponses sont enregistrées dans DOSSIER/webpass.yaml, lu ensuite par toutes les autres
    commandes. Relancée sur un dossier existant, la commande propose les réponses précédentes.
    """
    from webpass.cli.wizard import ClickPrompter, DefaultsPrompter, review_text, run_wizard
    from webpass.core.errors import ValidationFailed
    from webpass.dossier.answers import ANSWERS_FILE, check_answers, load_answers
    from webpass.dossier.opening import build_dossier, save_answers

    interactive = sys.stdin.isatty() or os.environ.get(FORCE_INTERACTIVE) == "1"
    if answers_file is None and not defaults and not interactive:
        raise UsageError(
            "pas de terminal pour poser les questions : indiquez un fichier de réponses "
            f"(webpass nouveau {dossier} --reponses FICHIER) ou acceptez les valeurs proposées (--defaut)."
        )
    catalog = load_catalogue(catalogue_dir)
    if answers_file is not None:
        answers, located = load_answers(answers_file)
        problems = check_answers(answers, catalog, located)
        if problems:
            raise ValidationFailed(problems, summary=f"{answers_file} : réponses à corriger")
        click.echo(review_text(build_dossier(catalog, answers, dossier)))
        path = save_answers(dossier, answers)
        click.echo(f"\nDossier enregistré : {path}")
        return

    previous = None
    existing = dossier / ANSWERS_FILE
    if existing.is_file():
        try:
            previous, _ = load_answers(dossier)
        except ValidationFailed as error:
            click.echo(f"Les réponses existantes ne sont pas reprises ({error.summary}).", err=True)
    prompter = DefaultsPrompter() if defaults else ClickPrompter()
    if not defaults:
        click.echo(
            f"Assistant webpass — catalogue {catalog.version}. Entrée accepte la valeur entre crochets ; "
            "Ctrl-C abandonne sans rien écrire."
        )
    answers, _selection = run_wizard(prompter, catalog, previous, folder=dossier)
    if isinstance(prompter, DefaultsPrompter):
        click.echo("\n".join(prompter.lines[-12:]))
    if not prompter.confirm(f"\nEnregistrer le dossier dans {existing} ?", True):
        click.echo("Rien n'a été écrit.")
        return
    path = save_answers(dossier, answers)
    click.echo(f"\nDossier enregistré : {path}\nÉtape suivante : webpass generer {dossier}")
