"""Which procurement procedure the sincere estimate calls for, from dated thresholds.

The thresholds live in ``catalog/seuils.yaml`` so a change of decree is a data change. The value
compared is the central estimate over the whole market, options and renewals included (CCP
R2121-1 and following): the law asks for a sincere estimate, not a maximal one, and an inflated
figure would push a small commune into a heavier procedure and pull the prices up. The advice
prints its reasoning, warns when the estimate is close to a threshold (or its range crosses one),
and compares the estimate with the budget the dossier declares.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import Field
from pydantic import Strict as _Strict

from webpass.catalog.model import Money
from webpass.core.errors import InputError
from webpass.core.frozen_record import frozen_record
from webpass.core.money import format_eur, format_number
from webpass.core.schema import register
from webpass.core.strict_model import BUILT_ON_FIRST_USE, StrictModel
from webpass.core.validated_once import load_model_once
from webpass.documents.typography import date_fr

if TYPE_CHECKING:
    from webpass.dossier.estimate import Estimate

__all__ = [
    "BudgetComparison",
    "Procedure",
    "ProcedureCode",
    "Thresholds",
    "advise_procedure",
    "choose_procedure",
    "load_thresholds",
]


class ProcedureCode(StrEnum):
    """The procedures webpass can advise, from the lightest."""

    EXEMPT = "dispense"
    MAPA = "mapa"
    MAPA_BOAMP = "mapa_boamp"
    FORMAL = "formalisee"


class Period(StrictModel):
    """Thresholds in force between two dates."""

    model_config = BUILT_ON_FIRST_USE

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

    @property
    def thresholds(self) -> list[tuple[Decimal, str]]:
        """Each threshold with what it opens, in increasing order."""
        return [
            (self.exemption, "la mise en concurrence avec publicité"),
            (self.boamp, "l'avis au BOAMP ou dans un journal d'annonces légales"),
            (self.formal, "la procédure formalisée"),
        ]


class Thresholds(StrictModel):
    """The content of ``catalog/seuils.yaml``."""

    alert_margin: Annotated[Decimal, _Strict(False)] = Field(
        Decimal("0.10"),
        alias="marge_alerte",
        ge=0,
        le=1,
        description=(
            "Écart relatif à un seuil en dessous duquel webpass alerte, ex. « 0.10 » pour 10 %."
        ),
    )
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
    return load_model_once(catalog_root / "seuils.yaml", Thresholds, root=catalog_root)


@frozen_record
class BudgetComparison:
    """The declared budget against the central estimate over the market."""

    budget: Decimal
    estimate: Decimal

    @property
    def difference(self) -> Decimal:
        """Estimate minus budget: positive when the estimate is over the budget."""
        return self.estimate - self.budget

    @property
    def over(self) -> bool:
        """Whether the estimate exceeds the budget."""
        return self.difference > 0

    @property
    def sentence(self) -> str:
        """The comparison in French."""
        head = (
            f"Budget envisagé : {format_eur(self.budget)} ; estimation centrale sur la durée du "
            f"marché : {format_eur(self.estimate)}"
        )
        if self.difference == 0:
            return f"{head} : le budget couvre exactement l'estimation."
        share = ""
        if self.budget > 0:
            ratio = (abs(self.difference) / self.budget * 100).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
            share = f" ({format_number(ratio, 1)} % du budget)"
        if self.over:
            return (
                f"{head} : l'estimation dépasse le budget de {format_eur(self.difference)}{share}. "
                "Revoyez le budget ou retirez des options avant de lancer la consultation."
            )
        return (
            f"{head} : l'estimation reste sous le budget de {format_eur(-self.difference)}{share}."
        )

    def as_json(self) -> dict[str, object]:
        """Amounts as strings with two decimals."""
        return {
            "budget": f"{self.budget:.2f}",
            "estimation_centrale": f"{self.estimate:.2f}",
            "ecart": f"{self.difference:.2f}",
            "depasse": self.over,
        }


@frozen_record
class Procedure:
    """The procedure to follow, and the reasoning that leads to it.

    Attributes:
        code: the procedure.
        name: its name in French.
        explanation: what it means for the collectivity.
        amount: the value compared with the thresholds (central estimate over the market).
        period: the thresholds in force on the launch date.
        launch: the launch date.
        reasoning: the steps of the reasoning, in French.
        warnings: what to watch (estimate close to a threshold, range across one).
        budget: the comparison with the declared budget, when there is one.
    """

    code: ProcedureCode
    name: str
    explanation: str
    amount: Decimal
    period: Period
    launch: dt.date
    reasoning: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    budget: BudgetComparison | None = None

    def as_json(self) -> dict[str, object]:
        """The advice with amounts as strings."""
        return {
            "code": self.code.value,
            "nom": self.name,
            "explication": self.explanation,
            "montant_retenu": f"{self.amount:.2f}",
            "date_lancement": self.launch.isoformat(),
            "seuils": {
                "dispense": f"{self.period.exemption:.2f}",
                "publicite_boamp": f"{self.period.boamp:.2f}",
                "procedure_formalisee": f"{self.period.formal:.2f}",
                "sources": list(self.period.sources),
            },
            "raisonnement": list(self.reasoning),
            "alertes": list(self.warnings),
            "budget": self.budget.as_json() if self.budget else None,
        }


_EXEMPT_TEXT = (
    "Ni publicité ni mise en concurrence ne sont imposées. Bonne pratique : demandez au moins trois "
    "devis à des prestataires différents, sur la base du même CCTP et de la même grille de réponse, "
    "et gardez la trace de votre choix. La collectivité choisit une offre pertinente, fait une bonne "
    "utilisation des deniers publics et ne contracte pas systématiquement avec le même prestataire "
    "(article R2122-8 du Code de la commande publique)."
)
_MAPA_TEXT = (
    "La publicité est adaptée au montant (profil d'acheteur, presse locale) ; les documents de la "
    "consultation sont mis en ligne gratuitement sur le profil d'acheteur (article R2132-2)."
)
_BOAMP_TEXT = (
    "Un avis d'appel public à la concurrence est publié au BOAMP ou dans un journal d'annonces "
    "légales, et sur le profil d'acheteur (article R2131-12)."
)
_FORMAL_TEXT = "Appel d'offres avec avis au BOAMP et au Journal officiel de l'Union européenne."


def choose_procedure(amount: Decimal, launch: dt.date, thresholds: Thresholds) -> Procedure:
    """The procedure for a market worth ``amount`` € HT launched on ``launch``."""
    period = thresholds.at(launch)
    shown = format_eur(amount)
    if amount < period.exemption:
        code, name, text = (
            ProcedureCode.EXEMPT,
            # The count is advice (_EXEMPT_TEXT), not a fact the RAO may state: the buyer may
            # receive more quotes (review of 1 December 2026, M8).
            "Marché sans publicité ni mise en concurrence préalables (sur devis)",
            _EXEMPT_TEXT,
        )
        where = f"sous le seuil de dispense de {format_eur(period.exemption)}"
    elif amount < period.boamp:
        code, name, text = (
            ProcedureCode.MAPA,
            "Marché à procédure adaptée (MAPA), publicité libre",
            _MAPA_TEXT,
        )
        where = f"entre {format_eur(period.exemption)} et {format_eur(period.boamp)}"
    elif amount < period.formal:
        code, name, text = (
            ProcedureCode.MAPA_BOAMP,
            "Marché à procédure adaptée (MAPA) avec avis au BOAMP ou dans un JAL",
            _BOAMP_TEXT,
        )
        where = f"entre {format_eur(period.boamp)} et {format_eur(period.formal)}"
    else:
        code, name, text = (
            ProcedureCode.FORMAL,
            "Procédure formalisée (appel d'offres)",
            _FORMAL_TEXT,
        )
        where = f"au-delà du seuil européen de {format_eur(period.formal)}"
    reasoning = (
        f"Seuils en vigueur le {date_fr(launch)}, date de lancement de la consultation : dispense "
        f"de publicité et de mise en concurrence sous {format_eur(period.exemption)}, avis au BOAMP "
        f"ou dans un JAL à partir de {format_eur(period.boamp)}, procédure formalisée à partir de "
        f"{format_eur(period.formal)}. Sources : {' ; '.join(period.sources)}.",
        f"{shown}, {where} : {name[0].lower()}{name[1:]}.",
    )
    explanation = f"Estimation de {shown}, {where} (seuils en vigueur le {date_fr(launch)}). {text}"
    return Procedure(code, name, explanation, amount, period, launch, reasoning)


def advise_procedure(
    estimate: Estimate, launch: dt.date, budget: Decimal | None, thresholds: Thresholds
) -> Procedure:
    """The procedure the central estimate over the market calls for, with warnings and budget."""
    amount = estimate.total.central
    chosen = choose_procedure(amount, launch, thresholds)
    yearly = estimate.yearly.central
    value = (
        f"Valeur estimée du besoin : {format_eur(amount)}, valeur centrale sur toute la durée du "
        f"marché (options retenues et reconductions comprises) : "
        f"{format_eur(estimate.first_year.central - yearly)} la première fois, puis "
        f"{format_eur(yearly)} par an sur {estimate.yearly_words}, comme les prix annuels des "
        "offres (articles R2121-1 à R2121-9 du Code de la commande publique). webpass retient "
        "l'estimation sincère, pas le haut de la fourchette."
    )
    warnings = tuple(_warnings(estimate, chosen.period, thresholds.alert_margin))
    comparison = BudgetComparison(budget, amount) if budget is not None else None
    return Procedure(
        chosen.code,
        chosen.name,
        chosen.explanation,
        amount,
        chosen.period,
        launch,
        (value, *chosen.reasoning),
        warnings,
        comparison,
    )


def _warnings(estimate: Estimate, period: Period, margin: Decimal) -> list[str]:
    central, high = estimate.total.central, estimate.total.high
    found = []
    for threshold, opens in period.thresholds:
        gap = abs(central - threshold)
        if gap <= threshold * margin:
            side = "sous" if central < threshold else "au-dessus du"
            found.append(
                f"Attention : l'estimation ({format_eur(central)}) est à {format_eur(gap)} "
                f"{side} seuil de {format_eur(threshold)}, qui impose {opens}. Affinez "
                "l'estimation (devis, sourcing) avant de choisir la procédure ; en cas de doute, "
                "la procédure la plus exigeante protège la collectivité."
            )
        elif central < threshold <= high:
            found.append(
                f"La fourchette haute de l'estimation ({format_eur(high)}) dépasse le seuil de "
                f"{format_eur(threshold)}, qui impose {opens} : si les premiers devis montent "
                "vers ce haut de fourchette, changez de procédure avant de signer."
            )
    return found
