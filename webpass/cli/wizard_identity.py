"""The terminal wizard's first questions: which collectivity, found in the reference and confirmed.

The person types a name or a code; the collectivity found is shown with everything the reference
fills (name, SIREN, département, population, postal code, member communes with their populations)
and confirmed. What is refused is explained with the nearest matches (a postal code is recognised
as such). Typing « manuel » enters a collectivity absent from the reference by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from webpass.collectivities import Commune, Epci, find_commune, find_epci, load_reference
from webpass.collectivities.identity import MANUAL_KEY, complete_identity, population_source
from webpass.collectivities.lookup import postal_code_note
from webpass.core.money import format_number
from webpass.dossier import answer_parsers as parse
from webpass.dossier.answers import BodyType

if TYPE_CHECKING:
    from webpass.cli.wizard import Prompter

__all__ = ["MANUAL_WORD", "ask_identity", "describe"]

MANUAL_WORD = "manuel"


class _Manual(Exception):
    """The person chose to enter the collectivity by hand."""


def describe(found: Commune | Epci) -> list[str]:
    """The lines shown to confirm a collectivity found in the reference."""
    ref = load_reference()
    if isinstance(found, Commune):
        department = ref.departments.get(found.department)
        where = f"{department.name} ({found.department})" if department else found.department
        lines = [
            f"  {found.name} — commune, {where}",
            f"  code INSEE {found.code}, SIREN {found.siren or 'inconnu'}, code(s) postal(aux) "
            f"{', '.join(found.postal_codes) or 'inconnu'}",
            f"  {format_number(found.population or 0, 0)} habitants (population légale, "
            f"{ref.source.short})",
        ]
        epci = ref.epci_of_commune(found.code)
        if epci:
            lines.append(f"  membre de {epci.short_name}")
        return lines
    lines = [
        f"  {found.name} — SIREN {found.siren}",
        f"  {len(found.members)} communes membres, {format_number(found.population, 0)} habitants "
        f"({ref.source.short}) :",
    ]
    lines += [
        f"    {n}. {m.name} ({m.code}) — {format_number(m.population or 0, 0)} hab."
        for n, m in enumerate(found.members, 1)
    ]
    return lines


def ask_identity(p: Prompter, body_type: str, old: Mapping[str, Any]) -> dict[str, Any]:
    """The ``collectivite`` identity (type, name, codes, département, population, members)."""
    if body_type == BodyType.SYNDICATE.value or old.get(MANUAL_KEY) is True:
        if body_type == BodyType.SYNDICATE.value:
            p.say(
                "  Un syndicat n'est pas dans le référentiel des EPCI à fiscalité propre : "
                "saisissez-le à la main."
            )
        return _ask_by_hand(p, body_type, old)
    finder: Callable[[str], Commune | Epci] = (
        find_commune if body_type == BodyType.COMMUNE.value else find_epci
    )
    what = (
        "Nom ou code INSEE de la commune"
        if body_type == BodyType.COMMUNE.value
        else "Nom ou SIREN du groupement"
    )
    default = old.get("code_insee") or old.get("siren") or old.get("nom")
    last_typed: list[str] = [""]
    while True:
        try:
            found = p.ask(
                f"{what} (« {MANUAL_WORD} » si elle n'est pas dans la liste)",
                str(default) if default else None,
                _or_manual(finder, last_typed),
            )
        except _Manual:
            return _ask_by_hand(p, body_type, old)
        p.say("\n".join(describe(found)))
        note = postal_code_note(last_typed[-1], found) if isinstance(found, Commune) else None
        if note:
            p.say(f"  Attention : {note}.")
        if p.confirm("Est-ce bien votre collectivité ?", True):
            break
        default = None
    key = "code_insee" if isinstance(found, Commune) else "siren"
    code = found.code if isinstance(found, Commune) else found.siren
    # The same collectivity confirmed again keeps what the reference does not hold (an EPCI's
    # postal code) or what was chosen among its values (one of a commune's postal codes).
    kept_keys = ("communes", "code_postal")
    keep = {k: v for k, v in old.items() if k in kept_keys} if old.get(key) == code else {}
    body = complete_identity({"type": body_type, key: code, **keep}).body
    typed = old.get("population") if old.get(key) == code else None
    reference_population = body.get("population")
    body["population"] = p.ask(
        "Nombre d'habitants (la population légale est proposée)",
        str(typed or reference_population or ""),
        parse.integer(1),
    )
    p.say(f"  Retenue pour les seuils : {population_source(body)}.")
    return body


def _or_manual(
    finder: Callable[[str], Commune | Epci], typed: list[str]
) -> Callable[[str], Commune | Epci]:
    def parse_found(raw: str) -> Commune | Epci:
        if raw.strip().lower() == MANUAL_WORD:
            raise _Manual
        typed.append(raw)
        return finder(raw)

    return parse_found


def _ask_by_hand(p: Prompter, body_type: str, old: Mapping[str, Any]) -> dict[str, Any]:
    p.say("  Saisie à la main : vérifiez l'orthographe, les codes et la population.")
    body: dict[str, Any] = {"type": body_type, MANUAL_KEY: True}
    body["nom"] = p.ask("Nom de la collectivité", old.get("nom"), parse.text)
    if body_type == BodyType.COMMUNE.value:
        body["code_insee"] = p.ask("Code INSEE de la commune", old.get("code_insee"), parse.insee)
    siren = p.ask("SIREN (- si inconnu)", old.get("siren") or "-", parse.optional_siren)
    if siren:
        body["siren"] = siren
    body["departement"] = p.ask("Département", old.get("departement"), parse.department)
    body["population"] = p.ask(
        "Nombre d'habitants",
        str(old["population"]) if old.get("population") else None,
        parse.integer(1),
    )
    return body
