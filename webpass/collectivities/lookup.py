"""Finding the collectivity a person means from what they typed: a name, an INSEE code, a SIREN.

Every function here raises :class:`NotInReference` (a ``ValueError``, as the wizards' parsers do)
with a French message that says what was understood and proposes the nearest matches: a postal
code typed for an INSEE code is recognised as such and the communes it serves are proposed
(« 29900 » → Concarneau, code INSEE 29039), homonyms are told apart by their département.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from webpass.collectivities.reference import (
    Commune,
    Epci,
    Reference,
    load_reference,
    search_key,
    without_kind,
)

__all__ = [
    "NotInReference",
    "find_collectivity",
    "find_commune",
    "find_epci",
    "looks_like_code",
    "postal_code_note",
]

_INSEE_SHAPE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
_SIREN_SHAPE = re.compile(r"^\d{9}$")
# « Sainte-Colombe (35) », « Sainte-Colombe, 35 », « Sainte-Colombe 35 », « … (Ille-et-Vilaine) »
_WITH_DEPARTMENT = re.compile(
    r"^(?P<name>.+?)[\s,]*(?:\((?P<paren>[^)]+)\)|,\s*(?P<comma>.+)|\s(?P<code>\d[\dAB]\d?))$"
)
_SUGGESTIONS = 5


@dataclass
class NotInReference(ValueError):
    """What was typed matches no collectivity, or several: the reason and the candidates."""

    message: str
    candidates: list[Commune | Epci] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message


def looks_like_code(text: str) -> bool:
    """Whether ``text`` is typed as a code (INSEE, postal code or SIREN) rather than a name."""
    bare = text.replace(" ", "").upper()
    return bool(_INSEE_SHAPE.match(bare) or _SIREN_SHAPE.match(bare))


def postal_code_note(typed: str, found: Commune, reference: Reference | None = None) -> str | None:
    """When the code typed is also a postal code of other communes, a word to check the choice."""
    ref = reference or load_reference()
    code = typed.replace(" ", "")
    served = [c for c in ref.communes_of_postal_code(code) if c.code != found.code]
    if not served:
        return None
    return (
        f"{code} est le code INSEE de {found.name}, mais aussi le code postal de {_listed(served)} : "
        "si vous pensiez au code postal, recherchez plutôt par le nom de la commune"
    )


def find_commune(text: str, reference: Reference | None = None) -> Commune:
    """The commune of a name, an INSEE code or a SIREN."""
    ref = reference or load_reference()
    typed = text.strip()
    bare = typed.replace(" ", "").upper()
    if not typed:
        raise NotInReference("indiquez le nom de la commune ou son code INSEE (ex. 56165)")
    if _INSEE_SHAPE.match(bare):
        return _commune_by_code(bare, ref)
    if _SIREN_SHAPE.match(bare):
        found = ref.commune_by_siren(bare)
        if found:
            return found
        epci = ref.epci(bare)
        if epci:
            raise NotInReference(
                f"le SIREN {bare} est celui d'un groupement, {epci.label} : choisissez le type "
                "« communauté de communes », ou donnez le nom ou le code INSEE d'une commune",
                [epci],
            )
        raise NotInReference(f"aucune commune n'a le SIREN {bare} {_reference_date(ref)}")
    return _commune_by_name(typed, ref)


def find_epci(text: str, reference: Reference | None = None) -> Epci:
    """The EPCI à fiscalité propre of a SIREN or a name (with or without « CC », « Communauté de communes »)."""
    ref = reference or load_reference()
    typed = text.strip()
    bare = typed.replace(" ", "")
    if not typed:
        raise NotInReference("indiquez le nom du groupement ou son SIREN (9 chiffres)")
    if _SIREN_SHAPE.match(bare):
        found = ref.epci(bare)
        if found:
            return found
        commune = ref.commune_by_siren(bare)
        if commune:
            raise NotInReference(
                f"le SIREN {bare} est celui de la commune {commune.label}, pas d'un groupement",
                [commune],
            )
        raise NotInReference(
            f"aucun EPCI à fiscalité propre n'a le SIREN {bare} {_reference_date(ref)}"
        )
    matches = ref.epcis_named(typed)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise NotInReference(
            "plusieurs groupements portent ce nom : " + _listed(matches) + " ; donnez le SIREN",
            list(matches),
        )
    near = _near_epcis(typed, ref)
    hint = f" ; le plus proche : {_listed(near)}" if near else ""
    raise NotInReference(
        f"aucun EPCI à fiscalité propre ne s'appelle « {typed} » {_reference_date(ref)}{hint}",
        list(near),
    )


def find_collectivity(text: str, reference: Reference | None = None) -> Commune | Epci:
    """A commune or an EPCI, whichever ``text`` names (a SIREN may be either)."""
    ref = reference or load_reference()
    bare = text.replace(" ", "")
    if _SIREN_SHAPE.match(bare) and ref.epci(bare):
        found = ref.epci(bare)
        assert found is not None
        return found
    try:
        return find_commune(text, ref)
    except NotInReference as commune_error:
        if looks_like_code(text):
            raise
        try:
            return find_epci(text, ref)
        except NotInReference:
            raise commune_error from None


# -- communes ---------------------------------------------------------------------------------------


def _commune_by_code(code: str, ref: Reference) -> Commune:
    found = ref.commune(code)
    if found:
        return found
    served = ref.communes_of_postal_code(code)
    if served:
        raise NotInReference(
            f"« {code} » n'est le code INSEE d'aucune commune : c'est un code postal, qui dessert "
            f"{_listed(served)} ; répondez par le nom de la commune ou par son code INSEE (5 "
            "caractères, différent du code postal)",
            list(served),
        )
    near = _near_codes(code, ref)
    hint = f" ; codes existants les plus proches : {_listed(near)}" if near else ""
    raise NotInReference(
        f"aucune commune n'a le code INSEE {code} {_reference_date(ref)}{hint}",
        list(near),
    )


def _commune_by_name(typed: str, ref: Reference) -> Commune:
    name, department = _split_department(typed, ref)
    matches = ref.communes_named(name, department)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise NotInReference(
            f"{len(matches)} communes s'appellent « {name} » : "
            + _listed(matches)
            + f" ; précisez le département, par exemple « {matches[0].name} ({matches[0].department}) », "
            "ou donnez le code INSEE",
            list(matches),
        )
    if department and ref.communes_named(name):
        others = ref.communes_named(name)
        raise NotInReference(
            f"aucune commune « {name} » dans le département {department} ; il en existe : "
            + _listed(others),
            list(others),
        )
    near = _near_communes(name, department, ref)
    hint = f" ; vouliez-vous dire : {_listed(near)} ?" if near else ""
    raise NotInReference(
        f"aucune commune ne s'appelle « {name} » {_reference_date(ref)}{hint}", list(near)
    )


def _split_department(typed: str, ref: Reference) -> tuple[str, str | None]:
    """« Sainte-Colombe (35) » → (« Sainte-Colombe », « 35 »); a name without one is kept whole."""
    match = _WITH_DEPARTMENT.match(typed)
    if not match:
        return typed, None
    given = (match["paren"] or match["comma"] or match["code"] or "").strip()
    department = _department_code(given, ref)
    if department is None:
        return typed, None
    return match["name"].strip(), department


def _department_code(text: str, ref: Reference) -> str | None:
    upper = text.strip().upper()
    if upper in ref.departments:
        return upper
    if upper.isdigit() and len(upper) == 1:
        return "0" + upper
    key = search_key(text)
    return next((d.code for d in ref.departments.values() if search_key(d.name) == key), None)


def _near_communes(name: str, department: str | None, ref: Reference) -> list[Commune]:
    key = search_key(name)
    if not key:
        return []
    # Only a name not found asks for suggestions: difflib is not loaded for the others.
    import difflib

    # Same first letter only: a typo rarely hits it, and difflib over 35,000 names is slow.
    pool: dict[str, list[int]] = {}
    for folded, row in ref.folded_commune_names():
        if folded[:1] == key[:1]:
            pool.setdefault(folded, []).append(row)
    close = difflib.get_close_matches(key, list(pool), n=_SUGGESTIONS, cutoff=0.75)
    found = [ref.commune_at(row) for folded in close for row in pool[folded]]
    if department:
        found = [c for c in found if c.department == department] or found
    return found[:_SUGGESTIONS]


def _near_codes(code: str, ref: Reference) -> list[Commune]:
    """Existing INSEE codes next to ``code`` in the same département."""
    department = code[:3] if code.startswith("97") else code[:2]
    communes = ref.communes_of_department(department)
    if not communes:
        return []
    codes = [c.code for c in communes]
    at = bisect.bisect_left(codes, code)
    return communes[max(0, at - 2) : at + 2]


def _near_epcis(name: str, ref: Reference) -> list[Epci]:
    key = without_kind(search_key(name))
    pool: dict[str, list[int]] = {}
    for folded, row in ref.folded_epci_names():
        pool.setdefault(folded, []).append(row)
    import difflib

    close = difflib.get_close_matches(key, list(pool), n=3, cutoff=0.6)
    contained = [k for k in pool if key and key in k and k not in close]
    return [ref.epci_at(row) for folded in close + contained[:3] for row in pool[folded]][:3]


def _listed(found: list[Commune] | list[Epci] | tuple[Commune, ...]) -> str:
    return ", ".join(f.label for f in found[:8]) + (" …" if len(found) > 8 else "")


def _reference_date(ref: Reference) -> str:
    year = ref.source.vintage
    return f"au 1er janvier {year}" if year else "dans le référentiel"
