"""The calibrated cost model: what a collectivity's website costs, level by level, as sourced data.

``catalog/couts.yaml`` holds a *socle* per level (the site of that level for a single commune of
reference size, with low, central and high values), the observed band of the level, size
coefficients by population, and the increments: extra sites, pages to migrate, téléservices past
those the socle includes, items always priced apart, yearly subscriptions. Every figure names its
sources, so ``webpass selection`` can say where each part of the estimate comes from.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator

from webpass.catalog.model import ItemId, Money, Slug
from webpass.core.empty import empty_dict, empty_list
from webpass.core.errors import Problem
from webpass.core.schema import register
from webpass.core.strict_model import BUILT_ON_FIRST_USE, StrictModel
from webpass.core.validated_once import load_model_once

__all__ = [
    "COSTS_FILE",
    "Band",
    "CostModel",
    "CostSource",
    "LevelCosts",
    "LevelTraining",
    "PopulationBand",
    "Span",
    "Subscription",
    "cost_model_problems",
    "load_cost_model",
]

COSTS_FILE = "couts.yaml"

_COEFFICIENT_TEXT = re.compile(r"^\d(\.\d{1,2})?$")


def _coefficient_from_text(value: Any) -> Any:
    # Written as a quoted string, like money, so YAML never makes it a binary float.
    if isinstance(value, str) and _COEFFICIENT_TEXT.match(value.strip()):
        return Decimal(value.strip())
    if isinstance(value, Decimal):
        return value
    raise ValueError("coefficient illisible : écrivez-le entre guillemets, ex. « 1.10 »")


Coefficient = Annotated[
    Decimal,
    BeforeValidator(_coefficient_from_text),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _COEFFICIENT_TEXT.pattern,
            "description": 'Coefficient écrit entre guillemets, ex. "1.10".',
        }
    ),
]


class Span(StrictModel):
    """Low, central and high amounts in € HT; the central value is the sincere estimate."""

    model_config = BUILT_ON_FIRST_USE

    low: Money = Field(alias="bas", description="Valeur basse, en euros HT.")
    central: Money = Field(description="Valeur centrale (estimation sincère), en euros HT.")
    high: Money = Field(alias="haut", description="Valeur haute, en euros HT.")

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if not self.low <= self.central <= self.high:
            raise ValueError("les valeurs doivent vérifier bas ≤ central ≤ haut")
        return self


class Band(StrictModel):
    """An observed min–max band, in € HT."""

    model_config = BUILT_ON_FIRST_USE

    minimum: Money = Field(alias="min", description="Bas de la fourchette constatée.")
    maximum: Money = Field(alias="max", description="Haut de la fourchette constatée.")

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.minimum > self.maximum:
            raise ValueError("« min » dépasse « max »")
        return self

    def holds(self, amount: Decimal) -> bool:
        """Whether ``amount`` falls inside the band."""
        return self.minimum <= amount <= self.maximum


class CostSource(StrictModel):
    """Where a figure comes from."""

    model_config = BUILT_ON_FIRST_USE

    id: Slug = Field(description="Identifiant cité par les montants.")
    title: str = Field(
        alias="titre", min_length=1, max_length=600, description="Ce que dit la source."
    )
    url: str | None = Field(
        None, alias="adresse", pattern=r"^https?://\S+$", max_length=300, description="Adresse."
    )


class Benchmarks(StrictModel):
    """The observed bands of a level."""

    model_config = BUILT_ON_FIRST_USE

    creation: Band = Field(description="Création du site.")
    yearly: Band | None = Field(
        None, alias="annuel", description="Exploitation par an, quand une source la donne."
    )


class LevelTraining(StrictModel):
    """The initial training a level's socle holds, apart from its creation: an operating cost
    (training is not capitalised under the M57 instruction), so no aid counts it as investment."""

    model_config = BUILT_ON_FIRST_USE

    amount: Span = Field(
        alias="montant", description="Formation initiale comprise dans le socle, en euros HT."
    )
    sources: list[Slug] = Field(min_length=1, description="Identifiants des sources.")


class LevelCosts(StrictModel):
    """The socle of one level for a commune of reference size (coefficient 1)."""

    model_config = BUILT_ON_FIRST_USE

    level: int = Field(alias="niveau", ge=1, le=5, description="Niveau Webpass, de 1 à 5.")
    benchmark: Benchmarks = Field(alias="repere", description="Fourchettes constatées.")
    creation: Span = Field(
        description="Création du site (investissement), formation initiale non comprise."
    )
    training: LevelTraining = Field(
        alias="formation",
        description="Formation initiale des utilisateurs comprise dans le socle (fonctionnement).",
    )
    hosting: Span = Field(alias="hebergement", description="Hébergement, par an.")
    maintenance: Span = Field(description="Maintenance et assistance, par an.")
    teleservices_included: int = Field(
        alias="teleservices_inclus", ge=0, le=50, description="Téléservices compris dans le socle."
    )
    pages_included: int = Field(
        alias="pages_incluses", ge=0, le=100_000, description="Pages reprises comprises (refonte)."
    )
    sources: list[Slug] = Field(min_length=1, description="Identifiants des sources.")


class PopulationBand(StrictModel):
    """A population band and its coefficient on the socle."""

    model_config = BUILT_ON_FIRST_USE

    below: int | None = Field(
        None, alias="moins_de", ge=1, description="Borne haute exclue (absente : dernière tranche)."
    )
    coefficient: Coefficient = Field(description="Coefficient appliqué au socle, ex. « 1.10 ».")


class Extra(StrictModel):
    """The cost of one more unit (a site, a page), with its sources."""

    model_config = BUILT_ON_FIRST_USE

    creation: Span = Field(description="Création, par unité.")
    yearly: Span | None = Field(None, alias="annuel", description="Par an et par unité.")
    sources: list[Slug] = Field(min_length=1, description="Identifiants des sources.")


class Subscription(StrictModel):
    """The yearly subscription of a paid téléservice."""

    model_config = BUILT_ON_FIRST_USE

    item: ItemId = Field(alias="exigence", description="Exigence du téléservice.")
    yearly: Span = Field(alias="annuel", description="Abonnement par an.")
    sources: list[Slug] = Field(min_length=1, description="Identifiants des sources.")


class CostModel(StrictModel):
    """The content of ``catalog/couts.yaml``."""

    sources: list[CostSource] = Field(min_length=1, description="Sources des montants.")
    levels: list[LevelCosts] = Field(
        alias="niveaux", min_length=5, max_length=5, description="Socle des cinq niveaux."
    )
    population: list[PopulationBand] = Field(
        min_length=1, description="Coefficients par tranche de population, dans l'ordre croissant."
    )
    population_sources: list[Slug] = Field(
        alias="sources_population", min_length=1, description="Sources des coefficients."
    )
    extra_site: Extra = Field(
        alias="site_supplementaire", description="Chaque commune membre avec son identité propre."
    )
    extra_page: Extra = Field(
        alias="page_supplementaire", description="Chaque page reprise au-delà du socle."
    )
    apart: list[ItemId] = Field(
        default_factory=empty_list,
        alias="hors_socle",
        description="Exigences toujours chiffrées en plus du socle (prix de leur fiche).",
    )
    training_items: list[ItemId] = Field(
        default_factory=empty_list,
        alias="formation_exigences",
        description=(
            "Exigences de formation que la formation initiale du socle couvre ; chiffrées à "
            "part, elles la remplacent."
        ),
    )
    training_limits: dict[Slug, int] = Field(
        default_factory=empty_dict,
        alias="formation_durees_max",
        description=(
            "Durées (champs des exigences de formation) sur lesquelles la formation initiale du "
            "socle est calée ; au-delà, ou à une intensité autre qu'allégée, ces exigences sont "
            "chiffrées à part."
        ),
    )
    counted_elsewhere: list[ItemId] = Field(
        default_factory=empty_list,
        alias="comptees_ailleurs",
        description="Exigences déjà comptées par le socle ou les sites supplémentaires.",
    )
    subscriptions: list[Subscription] = Field(
        default_factory=empty_list, alias="abonnements", description="Téléservices payants, par an."
    )

    @model_validator(mode="after")
    def _coherent(self) -> CostModel:
        if [lv.level for lv in self.levels] != [1, 2, 3, 4, 5]:
            raise ValueError("« niveaux » doit décrire les niveaux 1 à 5, dans l'ordre")
        bounds = [band.below for band in self.population]
        if bounds[-1] is not None or any(b is None for b in bounds[:-1]):
            raise ValueError("seule la dernière tranche de population n'a pas de « moins_de »")
        numbers = [b for b in bounds if b is not None]
        if numbers != sorted(set(numbers)):
            raise ValueError("les tranches de population doivent être dans l'ordre croissant")
        if set(self.training_items) & set(self.counted_elsewhere):
            raise ValueError(
                "une exigence de « formation_exigences » ne peut pas être aussi dans "
                "« comptees_ailleurs » : retirez-la de l'une des deux listes"
            )
        return self

    def level(self, number: int) -> LevelCosts:
        """The socle of level ``number``."""
        return self.levels[number - 1]

    def coefficient(self, population: int) -> tuple[Decimal, PopulationBand]:
        """The coefficient of a population and the band it falls in."""
        for band in self.population:
            if band.below is None or population < band.below:
                return band.coefficient, band
        raise AssertionError("the last band has no bound")  # pragma: no cover

    def subscription(self, item_id: str) -> Subscription | None:
        """The yearly subscription of a téléservice, if it is a paid one."""
        return next((s for s in self.subscriptions if s.item == item_id), None)

    def cite(self, ids: list[str]) -> tuple[str, ...]:
        """The titles of the sources ``ids`` (with their address when they have one)."""
        titles = {s.id: s.title + (f" ({s.url})" if s.url else "") for s in self.sources}
        return tuple(titles.get(i, i) for i in ids)


register("couts.schema.json", CostModel)


def load_cost_model(catalog_root: Path) -> CostModel:
    """Read and validate ``couts.yaml`` from a catalogue folder; every problem is located.

    Raises:
        ValidationFailed: the file is missing, unreadable or wrong.
    """
    return load_model_once(Path(catalog_root) / COSTS_FILE, CostModel)


def cost_model_problems(model: CostModel, known_items: set[str], source: str) -> list[Problem]:
    """Cross-checks with the catalogue: every cited source and item exists."""
    problems: list[Problem] = []
    ids = {s.id for s in model.sources}
    cited = [*model.population_sources, *model.extra_site.sources, *model.extra_page.sources]
    cited += [i for level in model.levels for i in (*level.sources, *level.training.sources)]
    cited += [i for sub in model.subscriptions for i in sub.sources]
    for missing in sorted(set(cited) - ids):
        problems.append(
            Problem(source, None, None, f"source « {missing} » citée mais absente de « sources ».")
        )
    named = [
        *model.apart,
        *model.training_items,
        *model.counted_elsewhere,
        *(s.item for s in model.subscriptions),
    ]
    for item_id in sorted(set(named) - known_items):
        problems.append(
            Problem(
                source,
                None,
                None,
                f"exigence {item_id} inconnue du catalogue : corrigez l'identifiant ou retirez-la.",
            )
        )
    return problems
