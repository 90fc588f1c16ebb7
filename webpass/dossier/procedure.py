"""Which procurement procedure an estimate calls for, from dated thresholds.

The thresholds live in ``catalog/seuils.yaml`` so a change of decree is a data change. The
estimate compared is the value over the whole market, renewals included (CCP R2121-1), and
webpass takes the high end of its range: under-estimating would be an unlawful split.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pydantic import Field

from webpass.catalog.model import Money
from webpass.core.errors import InputError
from webpass.core.money import format_eur
from webpass.core.schema import register
from webpass.core.strict_model import StrictModel
from webpass.core.validation import load_model
from webpass.documents.typography import date_fr

__all__ = ["Procedure", "Thresholds", "choose_procedure", "load_thresholds"]


class Period(StrictModel):
    """Thresholds in force between two dates."""

    start: dt.date = Field(alias="du", description="Premier jour d'application.")
    end: dt.date | None = Field(
        None, alias="au", description="Dernier jour d'application (absent : en vigueur)."
    )
    exemption: Money = Field(
        alias="dispense", description="En dessous : ni publicité ni mise en concurrence requises."
    )
    boamp: Money = Field(
        alias="publicite_boamp", description="À partir de : avis au BOAMP ou dans un JAL."
    )
    formal: Money = Field(
        alias="procedure_formalisee",
        description="À partir de : procédure formalisée (appel d'offres).",
    )
    sources: list[str] = Field(min_length=1, description="Textes qui fixent ces seuils.")


class Thresholds(StrictModel):
    """The content of ``catalog/seuils.yaml``."""

    periods: list[Period] = Field(alias="periodes", min_length=1)

    def at(self, day: dt.date) -> Period:
        """The period in force on ``day``."""
        for period in self.periods:
            if period.start <= day and (period.end is None or day <= period.end):
                return period
        raise InputError(
            f"aucun seuil de procédure connu pour le {date_fr(day)} : vérifiez la date de lancement "
            "ou complétez catalog/seuils.yaml."
        )


register("seuils.schema.json", Thresholds)


def load_thresholds(catalog_root: Path) -> Thresholds:
    """Read ``seuils.yaml`` from a catalogue folder."""
    return load_model(catalog_root / "seuils.yaml", Thresholds, root=catalog_root)


@dataclass(frozen=True)
class Procedure:
    """The procedure to follow and why."""

    code: str
    name: str
    explanation: str
    amount: Decimal
    period: Period


def choose_procedure(amount: Decimal, launch: dt.date, thresholds: Thresholds) -> Procedure:
    """The procedure for a market worth ``amount`` € HT launched on ``launch``."""
    period = thresholds.at(launch)
    shown = format_eur(amount)
    since = f"seuils en vigueur le {date_fr(launch)}"
    if amount < period.exemption:
        return Procedure(
            "dispense",
            "Marché sans publicité ni mise en concurrence préalables",
            f"Estimation de {shown}, sous le seuil de {format_eur(period.exemption)} ({since}). "
            "La collectivité choisit une offre pertinente, fait une bonne utilisation des deniers publics "
            "et ne contracte pas systématiquement avec le même prestataire (article R2122-8 du Code de la "
            "commande publique). Demander plusieurs devis reste la bonne pratique.",
            amount,
            period,
        )
    if amount < period.boamp:
        return Procedure(
            "mapa",
            "Marché à procédure adaptée (MAPA), publicité libre",
            f"Estimation de {shown}, entre {format_eur(period.exemption)} et {format_eur(period.boamp)} ({since}). "
            "La publicité est adaptée au montant (profil d'acheteur, presse locale) ; les documents de la "
            "consultation sont mis en ligne gratuitement sur le profil d'acheteur.",
            amount,
            period,
        )
    if amount < period.formal:
        return Procedure(
            "mapa_boamp",
            "Marché à procédure adaptée (MAPA) avec avis au BOAMP ou dans un JAL",
            f"Estimation de {shown}, entre {format_eur(period.boamp)} et {format_eur(period.formal)} ({since}). "
            "Un avis d'appel public à la concurrence est publié au BOAMP ou dans un journal d'annonces "
            "légales, et sur le profil d'acheteur (article R2131-12).",
            amount,
            period,
        )
    return Procedure(
        "formalisee",
        "Procédure formalisée (appel d'offres)",
        f"Estimation de {shown}, au-delà du seuil européen de {format_eur(period.formal)} ({since}). "
        "Appel d'offres avec avis au BOAMP et au Journal officiel de l'Union européenne.",
        amount,
        period,
    )
