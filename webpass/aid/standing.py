"""Whether an aid scheme applies to a collectivity on a date, and how its amount must be worded.

An aid is never promised: where the scheme is in force for the collectivity (territory, period,
verified rules), webpass gives the « montant maximal sollicitable », the most the collectivity may
ask for, the funder deciding the amount. A scheme whose territory or period does not cover the
dossier is « non applicable »: its amount is 0 €, with the reasons, so no output can count an aid
of another region or of a closed period. A scheme that may apply but is not verified (rules noted
as a hypothesis, département unknown) is a « simulation », shown with the reasons and never
entering a financing plan.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from webpass.aid.rules import AidScheme, SchemeStatus
from webpass.aid.territory import region_of
from webpass.core.frozen_record import frozen_record
from webpass.documents.typography import date_fr
from webpass.dossier.geo import DEPARTEMENTS

__all__ = ["AidStanding", "Applicability", "applicability"]


class AidStanding(StrEnum):
    """How an aid amount may be presented."""

    REQUESTABLE = "montant_maximal_sollicitable"
    SIMULATION = "simulation"
    NOT_APPLICABLE = "non_applicable"

    @property
    def label(self) -> str:
        """The words every output uses for the amount."""
        return {
            AidStanding.REQUESTABLE: "montant maximal sollicitable",
            AidStanding.SIMULATION: "simulation",
            AidStanding.NOT_APPLICABLE: "non applicable",
        }[self]


@frozen_record
class Applicability:
    """The standing of a scheme for one collectivity on one date, and why."""

    standing: AidStanding
    reasons: tuple[str, ...] = ()

    @property
    def simulation(self) -> bool:
        """True when the amount is only a simulation (scheme that may apply, not verified)."""
        return self.standing is AidStanding.SIMULATION

    @property
    def not_applicable(self) -> bool:
        """True when the scheme's territory or period does not cover the dossier: 0 €."""
        return self.standing is AidStanding.NOT_APPLICABLE

    @property
    def counted(self) -> bool:
        """True when the amount may enter a financing plan (montant maximal sollicitable)."""
        return self.standing is AidStanding.REQUESTABLE

    @property
    def label(self) -> str:
        """« montant maximal sollicitable » or « simulation »."""
        return self.standing.label

    def as_json(self) -> dict[str, object]:
        """The standing with French keys."""
        return {
            "statut_calcul": self.standing.value,
            "simulation": self.simulation,
            "non_applicable": self.not_applicable,
            "motifs_simulation": list(self.reasons),
        }


def applicability(scheme: AidScheme, on: dt.date, department: str | None) -> Applicability:
    """Whether ``scheme`` applies on ``on`` to a collectivity of ``department`` (a code).

    Out of its period or territory the scheme is not applicable (its reasons first); a scheme
    that may apply but whose rules or territory could not be checked is a simulation.
    """
    outside = _outside(scheme, on, department)
    if outside:
        return Applicability(AidStanding.NOT_APPLICABLE, tuple(outside))
    reasons = []
    if scheme.status is SchemeStatus.HYPOTHESIS:
        reasons.append(
            "dispositif noté comme hypothèse : ses règles n'ont pas été vérifiées auprès du "
            "financeur"
        )
    if department is None:
        reasons.append(
            f"territoire non vérifié : le dispositif vise {scheme.territory.label} ; indiquez le "
            "département de la collectivité (option --departement)"
        )
    standing = AidStanding.SIMULATION if reasons else AidStanding.REQUESTABLE
    return Applicability(standing, tuple(reasons))


def _outside(scheme: AidScheme, on: dt.date, department: str | None) -> list[str]:
    """Why the dossier lies outside the scheme's territory or period (empty when it does not)."""
    reasons = []
    if department is not None and not scheme.territory.covers(department):
        region = region_of(department)
        where = DEPARTEMENTS.get(department, department) + (f", {region}" if region else "")
        reasons.append(
            f"hors territoire : le dispositif vise {scheme.territory.label}, pas une collectivité "
            f"de ce département ({where})"
        )
    if not scheme.covers(on):
        reasons.append(
            f"hors période : le dispositif est ouvert {scheme.period_label}, pas le {date_fr(on)}"
        )
    return reasons
