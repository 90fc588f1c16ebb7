"""How the wizards read what a person types, shared by the terminal and the web wizard.

Each parser takes the text as typed and returns the value for the answers file, or raises
``ValueError`` with a French reason that the caller shows next to the question. The final
check of a whole set of answers (:func:`answer_problems`) goes through the answers model and
the catalogue, exactly as ``webpass.yaml`` is checked by every command.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from webpass.catalog import Catalog
from webpass.catalog.model import Item, ParameterKind
from webpass.core.distinct import first_repeated
from webpass.core.errors import InputError, Problem, ValidationFailed
from webpass.core.matching import fold
from webpass.core.money import AmountError, format_eur, format_number, parse_amount
from webpass.documents.typography import plural
from webpass.dossier.answers import EMAIL_PATTERN, Answers, check_answers, parse_answers
from webpass.dossier.geo import DEPARTEMENTS, department_code, is_valid_insee, is_valid_siren
from webpass.selection.engine import Reason, Selection
from webpass.untrusted.safe_yaml import Located

__all__ = [
    "REASON_LABELS",
    "amount",
    "amount_text",
    "answer_problems",
    "boolean",
    "choice",
    "cost_text",
    "date",
    "decimal_text",
    "department",
    "insee",
    "integer",
    "item_ids",
    "launch_date",
    "member_names",
    "optional_amount",
    "optional_choice",
    "optional_date",
    "optional_decimal",
    "optional_department",
    "optional_insee",
    "optional_integer",
    "optional_postal_code",
    "optional_reference",
    "optional_siren",
    "optional_text",
    "parameter_parser",
    "plain",
    "reason_counts",
    "show",
    "text",
    "url",
    "validated",
    "yes_no",
]

# reason → (singular, plural) of what the review counts
REASON_LABELS = {
    Reason.LEGAL.value: ("obligation légale", "obligations légales"),
    Reason.WEBPASS_MINIMUM.value: ("minimum Webpass", "minimums Webpass"),
    Reason.TARGET_LEVEL.value: ("recommandation", "recommandations"),
    Reason.OPTION.value: ("option retenue", "options retenues"),
    Reason.DEPENDENCY.value: ("exigence entraînée", "exigences entraînées"),
}


def text(raw: str) -> str:
    """A required text."""
    if not raw:
        raise ValueError("une réponse est attendue")
    return raw


def optional_text(raw: str) -> str | None:
    """A text that may be left out (empty or ``-``)."""
    return raw or None if raw != "-" else None


def integer(minimum: int | None = None, maximum: int | None = None) -> Callable[[str], int]:
    """A whole number between ``minimum`` and ``maximum``; spaces between digits are allowed."""

    def parse(raw: str) -> int:
        cleaned = raw.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        if not cleaned:
            raise ValueError("indiquez un nombre entier, en chiffres")
        digits = cleaned.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 12:
            raise ValueError(f"« {raw[:40]} » n'est pas un nombre entier")
        value = int(cleaned)
        if minimum is not None and value < minimum:
            raise ValueError(f"au moins {minimum}")
        if maximum is not None and value > maximum:
            raise ValueError(f"au plus {maximum}")
        return value

    return parse


def amount(raw: str) -> Decimal:
    """An amount in euros, written the French way (« 38 000 », « 1 500,50 € »)."""
    try:
        return parse_amount(raw)
    except AmountError as error:
        raise ValueError(error.message) from error


def optional_amount(raw: str) -> Decimal | None:
    """An amount that may be left out (empty or ``-``)."""
    return None if raw in ("", "-") else amount(raw)


def date(raw: str) -> dt.date:
    """A date written JJ/MM/AAAA or AAAA-MM-JJ."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"« {raw} » n'est pas une date (JJ/MM/AAAA ou AAAA-MM-JJ)")


def optional_date(raw: str) -> dt.date | None:
    """A date that may be left out (empty or ``-``)."""
    return None if raw in ("", "-") else date(raw)


def choice(options: dict[str, str]) -> Callable[[str], str]:
    """One key of ``options``, given as itself or as its number in the list (from 1)."""
    keys = list(options)

    def parse(raw: str) -> str:
        if raw.isdigit() and 1 <= int(raw) <= len(keys):
            return keys[int(raw) - 1]
        if raw in options:
            return raw
        raise ValueError(f"répondez par un numéro de 1 à {len(keys)}")

    return parse


def optional_choice(options: dict[str, str]) -> Callable[[str], str | None]:
    """A choice that may be left out (empty or ``-``): the model's default then applies."""
    strict = choice(options)
    return lambda raw: None if raw in ("", "-") else strict(raw)


def optional_decimal(
    minimum: Decimal, maximum: Decimal, unit: str = ""
) -> Callable[[str], Decimal | None]:
    """A number with at most two decimals, written the French way (« 0,15 », « 5 % »)."""
    bounds = f"entre {decimal_text(minimum)} et {decimal_text(maximum)}{unit}"

    def parse(raw: str) -> Decimal | None:
        if raw in ("", "-"):
            return None
        cleaned = raw.removesuffix("%").strip().replace(",", ".").replace(" ", "")
        # ASCII digits and one dot only: Decimal() alone would take « NaN », « 1e3 » or « ٥ ».
        if not re.fullmatch(r"[0-9]{1,6}(\.[0-9]{1,2})?", cleaned):
            raise ValueError(
                f"« {raw[:40]} » : un nombre {bounds} est attendu, deux décimales au plus"
            )
        value = Decimal(cleaned)
        if not minimum <= value <= maximum:
            raise ValueError(f"le nombre doit être {bounds}")
        return value

    return parse


def decimal_text(value: Any) -> str:
    """A number as a French person types it, without useless zeros: ``"5.00"`` → ``"5"``."""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    if not number.is_finite():
        return str(value)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def member_names(members: list[str]) -> Callable[[str], list[str] | None]:
    """Names among ``members``, separated by commas or semicolons; empty or ``-``: all of them.

    Case and accents do not matter; each name is kept as the list of members writes it.
    """
    by_folded = {fold(name): name for name in members}

    def parse(raw: str) -> list[str] | None:
        typed = [part.strip() for part in re.split(r"[,;\n]", raw) if part.strip()]
        if not typed or typed == ["-"]:
            return None
        unknown = next((name for name in typed if fold(name) not in by_folded), None)
        if unknown is not None:
            raise ValueError(
                f"« {unknown[:60]} » n'est pas une commune membre du groupement ; "
                f"communes membres : {', '.join(members) or 'aucune'}"
            )
        chosen = [by_folded[fold(name)] for name in typed]
        twice = first_repeated(chosen)
        if twice is not None:
            raise ValueError(f"« {twice} » est citée deux fois")
        return chosen

    return parse


def choice_list(options: dict[str, str]) -> Callable[[str], list[str] | None]:
    """Keys of ``options`` (or their numbers from 1), separated by commas; empty or ``-``: none."""
    one = choice(options)

    def parse(raw: str) -> list[str] | None:
        typed = [part.strip() for part in re.split(r"[,;\s]+", raw) if part.strip()]
        if not typed or typed == ["-"]:
            return None
        chosen = [one(part) for part in typed]
        twice = first_repeated(chosen)
        if twice is not None:
            raise ValueError(f"« {options[twice]} » est cité deux fois")
        return chosen

    return parse


def insee(raw: str) -> str:
    """A commune's INSEE code (5 characters, 2A/2B for Corsica)."""
    code = raw.strip().upper()
    if not code:
        raise ValueError(
            "indiquez le code INSEE de la commune (5 caractères, ex. 35238 ; 2A004 pour la "
            "Corse-du-Sud), à ne pas confondre avec le code postal"
        )
    if not is_valid_insee(code):
        raise ValueError(
            "code INSEE invalide : 5 caractères, ex. 35238 (2A004 pour la Corse-du-Sud)"
        )
    return code


def optional_insee(raw: str) -> str | None:
    """An INSEE code that may be left out (empty or ``-``)."""
    return None if raw in ("", "-") else insee(raw)


def department(raw: str) -> str:
    """A département given by name or number → its full name."""
    code = department_code(raw)
    if code is None:
        raise ValueError(
            "département inconnu : donnez son nom ou son numéro (ex. 22 ou Côtes-d'Armor)"
        )
    return DEPARTEMENTS[code]


def optional_integer(
    minimum: int | None = None, maximum: int | None = None
) -> Callable[[str], int | None]:
    """A whole number that may be left out (empty or ``-``)."""
    strict = integer(minimum, maximum)
    return lambda raw: None if raw in ("", "-") else strict(raw)


def optional_department(raw: str) -> str | None:
    """A département that may be left out (then taken from the reference)."""
    return None if raw in ("", "-") else department(raw)


def optional_siren(raw: str) -> str | None:
    """A SIREN (9 digits, Luhn key) that may be left out."""
    if raw in ("", "-"):
        return None
    digits = raw.replace(" ", "").replace("\u00a0", "")
    if not is_valid_siren(digits):
        raise ValueError("SIREN invalide : 9 chiffres dont le dernier est une clé de contrôle")
    return digits


def optional_postal_code(raw: str) -> str | None:
    """A postal code (5 digits) that may be left out."""
    if raw in ("", "-"):
        return None
    code = raw.replace(" ", "")
    if not re.fullmatch(r"\d{5}", code):
        raise ValueError("un code postal a 5 chiffres, par exemple 56800")
    return code


def optional_email(raw: str) -> str | None:
    """An e-mail address that may be left out."""
    if raw in ("", "-"):
        return None
    if not re.fullmatch(EMAIL_PATTERN, raw.strip()):
        raise ValueError("une adresse électronique est attendue, par exemple mairie@ma-commune.fr")
    return raw.strip()


def optional_reference(raw: str) -> str | None:
    """A consultation reference: letters, digits, spaces, dots, hyphens and slashes."""
    if raw in ("", "-"):
        return None
    if len(raw) > 60 or not re.fullmatch(r"[\w./ -]+", raw):
        raise ValueError(
            "lettres, chiffres, espaces, points, tirets et barres obliques seulement (60 au plus), "
            "par exemple 2027-WEB-01"
        )
    return raw


def launch_date(
    catalog: Catalog, today: dt.date, recorded: dt.date | None = None
) -> Callable[[str], dt.date]:
    """A launch date to come, within the procedure thresholds the catalogue knows.

    The date already recorded in the dossier is accepted as it is, even once passed: going
    through the wizard again must not force a change of it.
    """
    from webpass.dossier.procedure import load_thresholds

    def parse(raw: str) -> dt.date:
        day = date(raw)
        if day < today and day != recorded:
            raise ValueError(
                f"cette date est passée : la consultation n'est pas encore lancée, indiquez une "
                f"date à partir d'aujourd'hui ({today.strftime('%d/%m/%Y')})"
            )
        periods = load_thresholds(catalog.root).periods
        if not any(p.start <= day and (p.end is None or day <= p.end) for p in periods):
            first = min(p.start for p in periods)
            raise ValueError(
                "les seuils de procédure ne sont connus qu'à partir du "
                f"{first.strftime('%d/%m/%Y')} : choisissez une date à partir de celle-ci"
            )
        return day

    return parse


def amount_text(value: Any) -> str:
    """An amount as a French person types it: ``"38000.00"`` → ``"38 000,00"``."""
    try:
        return format_number(amount(str(value)), 2).replace("\u00a0", " ")
    except ValueError:
        return str(value)


def url(raw: str) -> str:
    """A web address starting with http:// or https://."""
    if not raw.startswith(("http://", "https://")) or " " in raw:
        raise ValueError("une adresse commençant par https:// est attendue")
    return raw


def item_ids(catalog_ids: list[str]) -> Callable[[str], list[str]]:
    """Ids among ``catalog_ids``, given by number or id, separated by commas or spaces."""

    def parse(raw: str) -> list[str]:
        if raw in ("", "-"):
            return []
        picked = []
        for part in raw.replace(";", ",").replace(" ", ",").split(","):
            if not part:
                continue
            if part.isdigit() and 1 <= int(part) <= len(catalog_ids):
                picked.append(catalog_ids[int(part) - 1])
            elif part.upper() in catalog_ids:
                picked.append(part.upper())
            else:
                raise ValueError(f"« {part} » ne fait pas partie de la liste proposée")
        return sorted(set(picked), key=catalog_ids.index)

    return parse


def yes_no(value: bool) -> str:
    """``o`` or ``n``: how a yes/no default is shown."""
    return "o" if value else "n"


def boolean(raw: str) -> bool:
    """oui/non, o/n, vrai/faux…"""
    lowered = raw.lower()
    if lowered in ("o", "oui", "y", "yes", "1", "vrai", "true"):
        return True
    if lowered in ("n", "non", "no", "0", "faux", "false"):
        return False
    raise ValueError("répondez o (oui) ou n (non)")


def parameter_parser(kind: ParameterKind, choices: list[str] | None) -> Callable[[str], Any]:
    """The parser of a clause's placeholder of kind ``kind``."""
    if kind is ParameterKind.INTEGER:
        return integer()
    if kind is ParameterKind.AMOUNT:
        return lambda raw: f"{amount(raw):.2f}"
    if kind is ParameterKind.DATE:
        return date
    if kind is ParameterKind.BOOLEAN:
        return boolean
    if kind is ParameterKind.CHOICE:
        options = {c: c for c in choices or []}
        return choice(options)
    return text


def show(value: Any) -> str:
    """A value of the answers as a person types it (dates JJ/MM/AAAA, booleans o/n)."""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def cost_text(item: Item) -> str:
    """`` — 500,00 € HT à 1 500,00 € HT par an`` for an item with a cost, else ``""``."""
    if item.cost is None:
        return ""
    unit = {"ponctuel": "", "annuel": " par an", "unitaire": f" par {item.cost.unit}"}[
        item.cost.period.value
    ]
    low, high = format_eur(item.cost.minimum), format_eur(item.cost.maximum)
    return f" — {low} à {high}{unit}"


def plain(value: Any) -> Any:
    """The answers data with amounts as text, as the answers model reads them."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def answer_problems(data: dict[str, Any], catalog: Catalog) -> tuple[Answers | None, list[Problem]]:
    """Validate answers given as data, against the model then the catalogue; never raises.

    Each problem's ``where`` is the dotted path of the answer at fault (``collectivite.population``,
    ``options.exclues[0]``), so a form can show it next to its field.
    """
    located = Located(data=plain(data), source="assistant")
    try:
        answers = parse_answers(located)
    except ValidationFailed as error:
        return None, list(error.problems)
    return answers, check_answers(answers, catalog, located)


def validated(data: dict[str, Any], catalog: Catalog) -> Answers:
    """The answers of ``data``; raises if they are not coherent or do not fit the catalogue."""
    located = Located(data=plain(data), source="assistant")
    try:
        answers = parse_answers(located)
    except ValidationFailed as error:
        raise InputError(
            "les réponses ne sont pas cohérentes :\n"
            + "\n".join(p.format() for p in error.problems)
        ) from error
    problems = check_answers(answers, catalog, located)
    if problems:
        raise ValidationFailed(problems)
    return answers


def reason_counts(selection: Selection) -> list[str]:
    """How many selected items there are for each reason, in first-seen order: « 3 options retenues »."""
    counts: dict[str, int] = {}
    for selected in selection.items:
        counts[selected.reason.value] = counts.get(selected.reason.value, 0) + 1
    return [plural(n, *REASON_LABELS[k]) for k, n in counts.items()]
