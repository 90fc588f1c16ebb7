"""French wording for click's own messages (usage errors, help headings).

click marks its strings with :func:`gettext.gettext` bound at import time as ``_`` in each of its
modules; pointing those names to a small dictionary gives our users French throughout without
shipping a compiled catalogue.
"""

from __future__ import annotations

import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.types

_FR = {
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "Show this message and exit.": "Affiche cette aide et quitte.",
    "Show the version and exit.": "Affiche la version et quitte.",
    "Error": "Erreur",
    "Error: {message}": "Erreur : {message}",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "No such option {name!r}.": "Option inconnue : {name!r}.",
    "Missing {param_type}": "{param_type} manquant",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "Could not open file {filename!r}: {message}": "Impossible d'ouvrir le fichier {filename!r} : {message}",
    "unknown error": "erreur inconnue",
    "Try '{command} {option}' for help.": "Essayez « {command} {option} » pour l'aide.",
    "No such option: {name}": "Option inconnue : {name}",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
    "Missing argument {param_hint!r}.": "Argument manquant : {param_hint!r}.",
    "Missing option {param_hint!r}.": "Option manquante : {param_hint!r}.",
    "Missing parameter {param_hint!r}.": "Paramètre manquant : {param_hint!r}.",
    "Missing argument": "Argument manquant",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Invalid value": "Valeur invalide",
    "Invalid value for {param_hint}": "Valeur invalide pour {param_hint}",
    "Got unexpected extra argument ({args})": "Argument en trop : {args}",
    "Got unexpected extra arguments ({args})": "Arguments en trop : {args}",
    "Option {name!r} requires an argument.": "L'option {name!r} attend une valeur.",
    "Did you mean {possibility}?": "Vouliez-vous dire {possibility} ?",
    "(Possible options: {possibilities})": "(options possibles : {possibilities})",
    "{value!r} is not a valid integer.": "{value!r} n'est pas un nombre entier.",
    "{value!r} is not a valid float.": "{value!r} n'est pas un nombre.",
    "{value!r} is not one of {choices}.": "{value!r} n'est pas parmi {choices}.",
    "{value!r} is not {choice}.": "{value!r} n'est pas {choice}.",
    "{len_type} {name} {filename!r} does not exist.": "{len_type} {name} {filename!r} introuvable.",
    "File": "Fichier",
    "Directory": "Dossier",
    # click.Path names its kind in lower case, then title-cases it: « Directory '…' est un
    # fichier » came from these three missing.
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "Path": "Chemin",
    "{name} {filename!r} is a directory.": "{name} {filename!r} est un dossier.",
    "{name} {filename!r} is a file.": "{name} {filename!r} est un fichier.",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "Aborted!": "Interrompu.",
    "default": "par défaut",
    "required": "obligatoire",
}


def _(message: str) -> str:
    return _FR.get(message, message)


def install() -> None:
    """Point click's message lookups at the French dictionary."""
    for module in (
        click.core,
        click.decorators,
        click.exceptions,
        click.formatting,
        click.parser,
        click.types,
    ):
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
