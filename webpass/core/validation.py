"""Turning pydantic's validation errors into located French problems.

pydantic reports in English with a ``loc`` path; our users read French and want the line of the
file. This module translates the error types that a hand-written YAML file can trigger and uses
the marks kept by :mod:`webpass.untrusted.safe_yaml` to place each one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from webpass.core.errors import Problem, ValidationFailed
from webpass.untrusted.safe_yaml import Located, YamlRefused, load_yaml_file

__all__ = ["french_message", "load_model", "read_located", "validate_located"]

M = TypeVar("M", bound=BaseModel)

_TYPES = {
    "string_type": "un texte est attendu",
    "int_type": "un nombre entier est attendu",
    "int_parsing": "un nombre entier est attendu",
    "bool_type": "oui/non est attendu (true ou false)",
    "list_type": "une liste est attendue (lignes commençant par « - »)",
    "dict_type": "un bloc de clés est attendu",
    "model_type": "un bloc de clés est attendu",
    "date_type": "une date AAAA-MM-JJ est attendue",
    "date_from_datetime_parsing": "une date AAAA-MM-JJ est attendue",
    "decimal_type": "un montant entre guillemets est attendu, ex. « 1500.00 »",
    "none_required": "aucune valeur n'est attendue ici",
}


# The patterns of our models, said in words: a user never reads a regular expression.
_PATTERNS = {
    r"^[\w./ -]+$": "lettres, chiffres, espaces, points, tirets et barres obliques seulement, "
    "ex. « 2027-WEB-01 »",
    r"^https?://\S+$": "une adresse commençant par https:// (ou http://), sans espace",
    r"^https://\S+$": "une adresse commençant par https://, sans espace",
    r"^https://": "une adresse commençant par https://",
    r"^[A-Z]\d{2}$": "une lettre majuscule et deux chiffres, ex. « A01 »",
    r"^\d{4}\.\d+$": "une version de catalogue, ex. « 2026.1 »",
    r"^([01]\d|2[0-3]):[0-5]\d$": "une heure HH:MM, ex. « 12:00 »",
    r"^N[1-5]-\d{2}$": "un critère de niveau, ex. « N3-04 »",
    r"^WP-\d{4}-\d{3}$": "un numéro de label Webpass, ex. « WP-2026-001 »",
    r"^[A-Z]$": "une seule lettre majuscule",
    r"^\d{14}$": "un SIRET de 14 chiffres, sans espace",
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$": "lettres, chiffres, points, tirets et soulignés, "
    "40 caractères au plus",
    r"^[a-z][a-z0-9-]{0,30}$": "minuscules, chiffres et tirets, 31 caractères au plus",
    r"^[a-z][a-z0-9_:-]{0,40}$": "minuscules, chiffres, tirets, soulignés et deux-points",
    r"^[a-z][a-z0-9_]{0,39}$": "minuscules, chiffres et soulignés, 40 caractères au plus",
}


def _shown(value: Any) -> str:
    text = "".join(ch if ch.isprintable() else "\ufffd" for ch in str(value)[:80])
    return text if len(text) <= 60 else text[:57] + "…"


def french_message(error: Any, floats: bool = False) -> str:
    """French text for one pydantic error dict."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if floats:
        return "montant écrit comme nombre décimal : mettez-le entre guillemets, ex. « 1500.00 »"
    if kind == "missing":
        return "champ obligatoire manquant"
    if kind == "extra_forbidden":
        return "champ inconnu : vérifiez son orthographe ou retirez-le"
    if kind in ("enum", "literal_error"):
        expected = ctx.get("expected", "")
        return f"valeur « {value} » non reconnue ; valeurs possibles : {expected}"
    if kind == "string_pattern_mismatch":
        shape = _PATTERNS.get(str(ctx.get("pattern", "")), "")
        return f"« {_shown(value)} » n'a pas la forme attendue" + (f" : {shape}" if shape else "")
    if kind == "string_too_short":
        return "texte vide : écrivez-le"
    if kind == "string_too_long":
        size = f"{len(value)} caractères, " if isinstance(value, str) else ""
        return (
            f"texte trop long ({size}au plus {ctx.get('max_length')} caractères) : raccourcissez-le"
        )
    if kind == "too_short":
        return f"il faut au moins {ctx.get('min_length')} élément(s)"
    if kind == "too_long":
        return f"il faut au plus {ctx.get('max_length')} élément(s)"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{value} est trop petit (minimum {ctx.get('ge', ctx.get('gt'))})"
    if kind in ("less_than_equal", "less_than"):
        return f"{value} est trop grand (maximum {ctx.get('le', ctx.get('lt'))})"
    if kind == "value_error":
        message = str(error.get("msg", ""))
        return message.removeprefix("Value error, ")
    if kind == "assertion_error":
        return str(error.get("msg", "")).removeprefix("Assertion failed, ")
    if kind in _TYPES:
        shown = f" (trouvé : « {value} »)" if isinstance(value, str | int | float | bool) else ""
        return _TYPES[kind] + shown
    return str(error.get("msg", kind))


def validate_located(
    model: type[M], located: Located, base: tuple[str | int, ...] = ()
) -> tuple[M | None, list[Problem]]:
    """Validate ``located.data`` (or the part at ``base``) into ``model``; never raises."""
    data = located.data
    for part in base:
        data = data[part]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path = (*base, *_clean_loc(error["loc"]))
            is_float = path in located.floats and isinstance(error.get("input"), float)
            problems.append(located.problem(path, french_message(error, floats=is_float)))
        return None, problems


def _clean_loc(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    # Unions add the tried type to the path ("int", "function-before[...]"): drop those parts
    # so the path points at the YAML value.
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (
            "[" in part or part in {"int", "str", "bool", "date", "decimal"}
        ):
            continue
        out.append(part)
    return tuple(out)


def read_located(path: Path, summary: str | None = None, root: Path | None = None) -> Located:
    """Read a YAML file safely; a refused file becomes a located :class:`ValidationFailed`.

    ``root``: the folder the file belongs to (a catalogue, a dossier), which it may not leave.
    Its reading is kept in the user's cache for the next process (a dossier, a data file).
    """
    try:
        return load_yaml_file(path, display=str(path), root=root, remember=True)
    except YamlRefused as exc:
        raise ValidationFailed([exc.problem], summary=summary) from exc


def load_model(
    path: Path, model: type[M], summary: str | None = None, root: Path | None = None
) -> M:
    """Read ``path`` and validate it into ``model``, reporting every problem at once."""
    parsed, problems = validate_located(model, read_located(path, summary, root))
    if parsed is None:
        raise ValidationFailed(problems, summary=summary)
    return parsed
