"""The identity block of a dossier (``collectivite``) completed and checked against the reference.

A dossier, a batch row or a wizard may name its collectivity by a name, an INSEE code or a SIREN
only: the rest (name, SIREN, département, population, postal code and, for a groupement, the member
communes with their populations) comes from the reference. What was typed and disagrees with the
reference is reported at the key at fault; a collectivity absent from the reference (a syndicat, a
commune nouvelle created after the data's date) is kept as typed when ``saisie_manuelle: true``
says so, and the notes say it.

This works on the raw data, before the answers model validates it, so that every way in (file,
terminal, web, batch) gets the same completion and the same problems.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from webpass.collectivities.lookup import NotInReference, find_commune, find_epci
from webpass.collectivities.reference import Commune, Epci, Reference, load_reference, search_key
from webpass.core.money import format_number

__all__ = [
    "MANUAL_KEY",
    "Completion",
    "complete_identity",
    "identity_notes",
    "population_label",
    "population_source",
]

MANUAL_KEY = "saisie_manuelle"
_COMMUNE = "commune"
_SYNDICATE = "syndicat"
_COMMUNITY = "communaute_de_communes"

Path = tuple[str | int, ...]


@dataclass
class Completion:
    """The completed block, the problems found (path inside the block, French message)."""

    body: dict[str, Any]
    problems: list[tuple[Path, str]] = field(default_factory=list)
    found: Commune | Epci | None = None

    def refuse(self, where: str | Path, message: str) -> None:
        """A problem at a key of the block (``"nom"``) or a path inside it."""
        self.problems.append(((where,) if isinstance(where, str) else where, message))


def complete_identity(body: Mapping[str, Any], reference: Reference | None = None) -> Completion:
    """Fill what the reference knows and check what was typed against it."""
    ref = reference or load_reference()
    out = dict(body)
    if out.get(MANUAL_KEY) is True:
        return Completion(out)
    kind = out.get("type")
    if kind is None:
        kind = _guess_type(out, ref)
        if kind is not None:
            out["type"] = kind
    if kind == _COMMUNE:
        return _complete_commune(out, ref)
    if kind == _COMMUNITY:
        return _complete_epci(out, ref)
    completion = Completion(out)
    if kind == _SYNDICATE:
        _complete_members(completion, None, ref)
    return completion


def _guess_type(body: Mapping[str, Any], ref: Reference) -> str | None:
    if _text(body.get("code_insee")):
        return _COMMUNE
    siren = _text(body.get("siren")).replace(" ", "")
    if siren:
        return _COMMUNITY if ref.epci(siren) else _COMMUNE
    return None


# -- a commune ---------------------------------------------------------------------------------------


def _complete_commune(body: dict[str, Any], ref: Reference) -> Completion:
    completion = Completion(body)
    code, siren, name = (_text(body.get(k)) for k in ("code_insee", "siren", "nom"))
    typed, key = (code, "code_insee") if code else (siren, "siren") if siren else (name, "nom")
    if not typed or not _well_formed(typed, key):
        return completion  # the model says what is missing or malformed
    department = _department_of(body, ref)
    query = f"{typed} ({department})" if key == "nom" and department else typed
    try:
        commune = find_commune(query, ref)
    except NotInReference as refused:
        completion.refuse(key, f"{refused} ; {_manual_hint()}")
        return completion
    completion.found = commune
    if name and not _same_name(name, commune.name):
        completion.refuse(
            "nom",
            f"le code {typed} est celui de {commune.label}, pas de « {name} » : corrigez le "
            "nom ou le code",
        )
    if siren and commune.siren and siren.replace(" ", "") != commune.siren:
        completion.refuse("siren", f"le SIREN de {commune.label} est {commune.siren}, pas {siren}")
    if department and department != commune.department:
        completion.refuse(
            "departement",
            f"{commune.label} est dans le département {commune.department} "
            f"({_department_name(commune.department, ref)}), pas dans le {department} "
            f"({_department_name(department, ref)})",
        )
    body.setdefault("nom", commune.name)
    body["code_insee"] = commune.code
    if commune.siren:
        body.setdefault("siren", commune.siren)
    body.setdefault("departement", _department_name(commune.department, ref))
    if commune.population:
        body.setdefault("population", commune.population)
    if len(commune.postal_codes) == 1:
        body.setdefault("code_postal", commune.postal_codes[0])
    return completion


# -- a groupement ------------------------------------------------------------------------------------


def _complete_epci(body: dict[str, Any], ref: Reference) -> Completion:
    completion = Completion(body)
    siren, name = _text(body.get("siren")), _text(body.get("nom"))
    typed, key = (siren, "siren") if siren else (name, "nom")
    if not typed or not _well_formed(typed, key):
        return completion
    try:
        epci = find_epci(typed, ref)
    except NotInReference as refused:
        completion.refuse(key, f"{refused} ; {_manual_hint()}")
        _complete_members(completion, None, ref)
        return completion
    completion.found = epci
    if key == "siren" and name and not _same_epci_name(name, epci):
        completion.refuse(
            "nom",
            f"le SIREN {epci.siren} est celui de {epci.short_name}, pas de « {name} » : "
            "corrigez le nom ou le SIREN",
        )
    body.setdefault("nom", epci.name)
    body["siren"] = epci.siren
    body.setdefault("departement", _department_name(epci.department, ref))
    body.setdefault("population", epci.population)
    _complete_members(completion, epci, ref)
    return completion


def _complete_members(completion: Completion, epci: Epci | None, ref: Reference) -> None:
    """Members given are checked and completed; none given, the EPCI's members are listed."""
    body = completion.body
    given = body.get("communes")
    if not isinstance(given, list) or not given:
        if epci is not None:
            body["communes"] = [
                {"nom": m.name, "code_insee": m.code, "population": m.population}
                for m in epci.members
                if m.population
            ]
        return
    members = []
    listed: set[str] = set()
    for index, raw in enumerate(given):
        if not isinstance(raw, dict):
            members.append(raw)
            continue
        member = dict(raw)
        commune = _find_member(member, index, epci, completion, ref)
        if commune is not None:
            listed.add(commune.code)
            member.setdefault("nom", commune.name)
            member["code_insee"] = commune.code
            if commune.population:
                member.setdefault("population", commune.population)
            if epci is not None and commune not in epci.members:
                completion.refuse(
                    ("communes", index, "code_insee"),
                    f"{commune.label} n'est pas membre de {epci.short_name} au 1er janvier "
                    f"{ref.source.vintage} : retirez-la ou vérifiez le groupement",
                )
        members.append(member)
    body["communes"] = members


def _find_member(
    member: dict[str, Any], index: int, epci: Epci | None, completion: Completion, ref: Reference
) -> Commune | None:
    code, name = _text(member.get("code_insee")), _text(member.get("nom"))
    if member.get(MANUAL_KEY) is True or not (code or name):
        return None
    if code and not _well_formed(code, "code_insee"):
        return None
    if not code and epci is not None:
        # A name is first looked for among the EPCI's own members: homonyms elsewhere do not count.
        matches = [m for m in epci.members if _same_name(name, m.name)]
        if len(matches) == 1:
            return matches[0]
    try:
        commune = find_commune(code or name, ref)
    except NotInReference as refused:
        key = "code_insee" if code else "nom"
        completion.refuse(("communes", index, key), f"{refused} ; {_manual_hint()}")
        return None
    if code and name and not _same_name(name, commune.name):
        completion.refuse(
            ("communes", index, "nom"),
            f"le code INSEE {code} est celui de {commune.label}, pas de « {name} »",
        )
    return commune


# -- notes shown with the answers ---------------------------------------------------------------------


def population_source(body: Mapping[str, Any], reference: Reference | None = None) -> str:
    """Which population the rules apply, in French: the reference's or the one typed over it."""
    ref = reference or load_reference()
    population = body.get("population")
    found = _reference_entry(body, ref)
    shown = format_number(population, 0) if isinstance(population, int) else "?"
    if found is None or not found.population:
        return f"population déclarée ({shown} habitants ; collectivité absente du référentiel)"
    if population == found.population:
        return f"population légale INSEE ({shown} habitants, {ref.source.short})"
    return (
        f"population déclarée ({shown} habitants), qui remplace celle du référentiel "
        f"({format_number(found.population, 0)} habitants, {ref.source.short})"
    )


def population_label(body: Mapping[str, Any], reference: Reference | None = None) -> str:
    """The short words a rule's reason adds: « population légale INSEE 2026 », « déclarée »."""
    ref = reference or load_reference()
    found = _reference_entry(body, ref)
    year = ref.source.vintage or ""
    if found is None or not found.population:
        return "population déclarée"
    if body.get("population") == found.population:
        return f"population légale INSEE {year}".strip()
    return f"population déclarée ; INSEE {year} : {format_number(found.population, 0)} habitants"


def identity_notes(body: Mapping[str, Any], reference: Reference | None = None) -> list[str]:
    """Warnings to show beside the identity: hand-entered, population overridden, members left out."""
    ref = reference or load_reference()
    notes = []
    found = _reference_entry(body, ref)
    if body.get(MANUAL_KEY) is True or (found is None and body.get("type") == _SYNDICATE):
        notes.append(
            f"{body.get('nom', 'la collectivité')} est saisie à la main : elle n'est pas dans le "
            f"référentiel ({ref.source.citation}) ; vérifiez son nom, ses codes et sa population."
        )
    elif found is not None and body.get("population") != found.population:
        source = population_source(body, ref)
        notes.append(source[0].upper() + source[1:] + ".")
    if isinstance(found, Epci) and isinstance(body.get("communes"), list):
        listed = {m.get("code_insee") for m in body["communes"] if isinstance(m, dict)}
        missing = [m for m in found.members if m.code not in listed]
        if missing:
            notes.append(
                f"{len(missing)} commune(s) membre(s) de {found.short_name} ne sont pas listées : "
                + ", ".join(m.name for m in missing[:10])
                + (" …" if len(missing) > 10 else "")
                + "."
            )
    return notes


def _reference_entry(body: Mapping[str, Any], ref: Reference) -> Commune | Epci | None:
    if body.get(MANUAL_KEY) is True:
        return None
    if body.get("type") == _COMMUNE and _text(body.get("code_insee")):
        return ref.commune(_text(body.get("code_insee")))
    if body.get("type") == _COMMUNITY and _text(body.get("siren")):
        return ref.epci(_text(body.get("siren")))
    return None


# -- helpers ----------------------------------------------------------------------------------------


def _well_formed(typed: str, key: str) -> bool:
    """A code of the wrong shape is the answers model's to refuse, with its own message."""
    bare = typed.replace(" ", "").upper()
    if key == "code_insee":
        return bool(re.fullmatch(r"\d{5}|2[AB]\d{3}", bare))
    if key == "siren":
        return bool(re.fullmatch(r"\d{9}", bare))
    return True


def _text(value: Any) -> str:
    return (
        str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    )


def _same_name(typed: str, official: str) -> bool:
    """« Ploermel », « Commune de Ploërmel » and « Ploërmel » name the same commune."""
    typed_key, official_key = search_key(typed), search_key(official)
    if typed_key == official_key:
        return True
    for prefix in ("commune de ", "commune d ", "ville de ", "ville d ", "mairie de ", "mairie d "):
        if typed_key == prefix + official_key:
            return True
    return False


def _same_epci_name(typed: str, epci: Epci) -> bool:
    from webpass.collectivities.reference import without_kind

    return without_kind(search_key(typed)) == without_kind(search_key(epci.short_name))


def _department_of(body: Mapping[str, Any], ref: Reference) -> str | None:
    typed = _text(body.get("departement"))
    if not typed:
        return None
    upper = typed.upper()
    if upper in ref.departments:
        return upper
    if upper.isdigit() and len(upper) == 1:
        return "0" + upper
    key = search_key(typed)
    return next((d.code for d in ref.departments.values() if search_key(d.name) == key), None)


def _department_name(code: str, ref: Reference) -> str:
    department = ref.departments.get(code)
    return department.name if department else code


def _manual_hint() -> str:
    return (
        f"pour une collectivité absente du référentiel (syndicat, commune nouvelle récente), "
        f"marquez-la « {MANUAL_KEY} » (oui, true) et saisissez-la à la main"
    )
