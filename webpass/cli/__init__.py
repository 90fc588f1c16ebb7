"""The ``webpass`` command line: French commands over the library API.

Subcommands live in their own modules and are imported only when run, so ``webpass --help``
starts fast and never imports WeasyPrint. Errors meant for users are mapped to messages and exit
codes here and nowhere else: 0 success, 1 the input is wrong, 2 usage error or unreadable file.
"""

from __future__ import annotations

import importlib
import os
from typing import Any, NoReturn

import click

from webpass import __version__
from webpass.cli import process
from webpass.cli.french import install as _install_french
from webpass.core.errors import EXIT_USAGE, WebpassError
from webpass.untrusted.text import neutralise

__all__ = ["cli", "main"]

_install_french()

# name → (module:attribute, one-line help shown by ``webpass --help`` without importing it)
COMMANDS: dict[str, tuple[str, str]] = {
    "catalogue": (
        "webpass.cli.catalogue:catalogue",
        "Consulter et valider le catalogue des exigences.",
    ),
    "nouveau": (
        "webpass.cli.nouveau:nouveau",
        "Créer ou reprendre un dossier avec l'assistant de sélection.",
    ),
    "dce": (
        "webpass.cli.dce:dce",
        "Produire le dossier de consultation (zip) prêt pour la salle des marchés.",
    ),
    "generer": ("webpass.cli.generer:generer", "Produire le CCTP du dossier en HTML, PDF et DOCX."),
    "grille": (
        "webpass.cli.grille:grille",
        "Produire le cadre de réponse des candidats (XLSX, CSV, YAML, JSON).",
    ),
    "verifier": (
        "webpass.cli.verifier:verifier",
        "Vérifier une offre : complétude, conformité, prix et label.",
    ),
    "selection": (
        "webpass.cli.selection:selection",
        "Afficher les exigences retenues pour un dossier, avec leurs raisons.",
    ),
    "subvention": (
        "webpass.cli.subvention:subvention",
        "Calculer la subvention Webpass et vérifier le plan de financement.",
    ),
    "rc": (
        "webpass.cli.rc:rc",
        "Produire le règlement de la consultation : critères, pondérations, date limite.",
    ),
    "ccap": (
        "webpass.cli.ccap:ccap",
        "Produire le cahier des clauses administratives particulières (CCAP).",
    ),
    "comparer": (
        "webpass.cli.comparer:comparer",
        "Comparer les offres, les classer et rédiger le rapport d'analyse des offres.",
    ),
    "observatoire": (
        "webpass.cli.observatoire:observatoire",
        "Classer un site existant et produire l'observatoire des sites.",
    ),
    "lot": (
        "webpass.cli.lot:lot",
        "Produire les dossiers d'une liste de collectivités (traitement par lot, reprise possible).",
    ),
    "serve": (
        "webpass.cli.serve:serve",
        "Ouvrir l'assistant dans le navigateur (application web locale).",
    ),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, and that reports user errors."""

    def __init__(
        self, *args: Any, lazy: dict[str, tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in process.LONG_LIVED_COMMANDS:
            process.keep_collector()
        if cmd_name in self.lazy:
            target, _ = self.lazy[cmd_name]
            module_name, attribute = target.split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, self.lazy[name][1]) for name in sorted(self.lazy)]
        rows += [
            (name, cmd.get_short_help_str(60))
            for name, cmd in sorted(self.commands.items())
            if not cmd.hidden and name not in self.lazy
        ]
        if rows:
            with formatter.section("Commandes"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WebpassError as error:
            # A message may quote what the user gave (a name, a cell): never a terminal escape.
            click.echo(f"Erreur : {neutralise(error.message)}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("\nInterrompu : rien n'a été écrit.", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:
            if os.environ.get("WEBPASS_DEBUG"):
                raise
            click.echo(
                f"Erreur interne ({type(error).__name__}) : {error}\n"
                "Ce n'est pas votre faute. Relancez avec WEBPASS_DEBUG=1 pour le détail et "
                "signalez-le à l'équipe webpass.",
                err=True,
            )
            ctx.exit(70)


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(
    __version__, "--version", "-V", prog_name="webpass", message="%(prog)s %(version)s"
)
def cli() -> None:
    """webpass rédige les pièces de marché du site web d'une collectivité.

    À partir du catalogue des exigences du dispositif Webpass, webpass produit le CCTP adapté à
    votre collectivité, la grille de réponse des candidats, la vérification des offres, leur
    comparaison et le calcul de la subvention.
    """


def main() -> NoReturn:
    """Entry point of the ``webpass`` console script.

    A short command ends without the interpreter's teardown (:mod:`webpass.cli.process`).
    """
    process.start()
    try:
        cli.main(prog_name="webpass")
        stop = SystemExit(0)  # click's standalone mode always exits; kept for the type
    except KeyboardInterrupt:  # raised outside a command (while parsing)
        click.echo("\nInterrompu.", err=True)
        stop = SystemExit(130)
    except SystemExit as exit_:
        stop = exit_
    except BaseException:  # pragma: no cover - defensive
        import traceback  # only for a failure no message covers: not at every start

        traceback.print_exc()
        stop = SystemExit(EXIT_USAGE)
    process.finish(stop)
