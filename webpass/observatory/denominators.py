"""Today's denominators for the observatory: how many collectivities each département has.

A survey counts the collectivities it lists; the official reference (:mod:`webpass.collectivities`)
says how many there are. With it, the rate of collectivities with a site is computed over every
commune (or EPCI à fiscalité propre) of the départements surveyed, a collectivity missing from
the survey counts as one without a known site, and each row's official code (INSEE for a
commune, SIREN for a groupement), when the survey gives one, is checked: a code that does not
exist, or that belongs to another département, is reported with its line.

The report without the reference (the 2009 tables, whose denominators are the survey's own rows)
is left exactly as it was.
"""

from __future__ import annotations

from collections import Counter

from webpass.collectivities import Reference, load_reference
from webpass.core.money import format_number
from webpass.observatory.report import ObservatoryReport, Record

__all__ = ["apply_reference"]

_COMMUNE = "commune"
_GROUPEMENT = "communaute"


def apply_reference(
    report: ObservatoryReport, year: int | None = None, reference: Reference | None = None
) -> None:
    """Replace the report's denominators with the reference's counts; notes say what differs."""
    ref = reference or load_reference()
    vintage = ref.source.vintage
    if year is not None and year != vintage:
        report.notes.append(
            f"le relevé est de {year}, la liste officielle livrée est celle du 1er janvier "
            f"{vintage} : les dénominateurs sont ceux de {vintage}."
        )
    by_name = {d.name: d.code for d in ref.departments.values()}
    counts = {
        _COMMUNE: ref.department_counts(),
        _GROUPEMENT: dict(Counter(e.department for e in ref.epcis())),
    }
    for key, table in report.types.items():
        surveyed = Counter(r.department for r in report.records if r.type == key)
        total = 0
        for department, listed in surveyed.items():
            official = counts[key].get(by_name.get(department, ""), 0)
            total += max(official, listed)
            if listed < official:
                report.notes.append(
                    f"{department} : {_counted(official, key)} au 1er janvier {vintage}, "
                    f"{format_number(listed, 0)} dans le relevé ; les {format_number(official - listed, 0)} "
                    "absentes comptent comme sans site connu."
                )
            elif listed > official:
                report.notes.append(
                    f"{department} : {format_number(listed, 0)} lignes dans le relevé pour "
                    f"{_counted(official, key)} au 1er janvier {vintage} : vérifiez les doublons "
                    "ou les collectivités qui ont fusionné depuis."
                )
        table.collectivities = total
    report.notes.extend(_code_problems(report.records, ref))
    report.denominators = ref.source.citation


def _counted(count: int, key: str) -> str:
    noun = "communes" if key == _COMMUNE else "EPCI à fiscalité propre"
    return f"{format_number(count, 0)} {noun}"


def _code_problems(records: list[Record], ref: Reference) -> list[str]:
    notes = []
    names = {d.code: d.name for d in ref.departments.values()}
    for record in records:
        if not record.code:
            continue
        if record.type == _COMMUNE:
            commune = ref.commune(record.code)
            if commune is None:
                notes.append(
                    f"ligne {record.line} : aucune commune n'a le code INSEE {record.code} "
                    f"(« {record.name} »)."
                )
            elif names.get(commune.department) != record.department:
                notes.append(
                    f"ligne {record.line} : le code INSEE {record.code} est celui de "
                    f"{commune.label}, pas d'une commune du département {record.department}."
                )
        elif ref.epci(record.code) is None:
            notes.append(
                f"ligne {record.line} : aucun EPCI à fiscalité propre n'a le SIREN {record.code} "
                f"(« {record.name} »)."
            )
    return notes
