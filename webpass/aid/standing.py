"""Whether an aid scheme applies to a collectivity on a date, and how its amount must be worded.

An aid is never promised: where the scheme is in force for the collectivity (territory, period,
verified rules), webpass gives the « montant maximal sollicitable », the most the collectivity may
ask for, the funder deciding the amount. Anywhere else the same calculation is a « simulation »,
always shown with the reasons, and it never enters a financing plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from webpass.aid.rules import AidScheme, SchemeStatus
from webpass.aid.territory import region_of
from webpass.documents.typography import date_fr
from webpass.dossier.geo import DEPARTEMENTS

__all__ = ["AidStanding", "Applicability", "applicability"]


class AidStanding(StrEnum):
    """How an aid amount may be presented."""

    REQUESTABLE = "montant_maximal_sollicitable"
    SIMULATION = "simulation"

    @property
    def label(self) -> str:
        """The words every output uses for the amount."""
        if self is AidStanding.REQUESTABLE:
            return "montant maximal sollicitable"
        return "simulation"


@dataclass(frozen=True)
class Applicability:
    """The standing of a scheme for one collectivity on one date, and why."""

    standing: AidStanding
    reasons: tuple[str, ...] = ()

    @property
    def simulation(self) -> bool:
        """True when the amount is only a simulation."""
        return self.standing is AidStanding.SIMULATION

    @property
    def label(self) -> str:
        """« montant maximal sollicitable » or « simulation »."""
        return self.standing.label

    def as_json(self) -> dict[str, object]:
        """The standing with French keys."""
        return {
            "statut_calcul": self.standing.value,
            "simulation": self.simulation,
            "motifs_simulation": list(self.reasons),
        }


def applicability(scheme: AidScheme, on: dt.date, department: str | None) -> Applicability:
    """Whether ``scheme`` applies on ``on`` to a collectivity of ``department`` (a code)."""
    reasons = []
    if scheme.status is SchemeStatus.HYPOTHESIS:
        reasons.append(
            "dispositif noté comme hypothèse : ses règles n'ont pas été vérifiées auprès du "
            "financeur"
        )
    if not scheme.covers(on):
        reasons.append(
            f"hors période : le dispositif est ouvert {scheme.period_label}, pas le {date_fr(on)}"
        )
    if department is None:
        reasons.append(
            f"territoire non vérifié : le dispositif vise {scheme.territory.label} ; indiquez le "
            "département de la collectivité (option --departement)"
        )
    elif not scheme.territory.covers(department):
        region = region_of(department)
        where = DEPARTEMENTS.get(department, department) + (f", {region}" if region else "")
        reasons.append(
            f"hors territoire : le dispositif vise {scheme.territory.label}, pas une collectivité "
            f"de ce département ({where})"
        )
    standing = AidStanding.SIMULATION if reasons else AidStanding.REQUESTABLE
    return Applicability(standing, tuple(reasons))
