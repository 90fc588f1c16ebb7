"""The calibrated estimate of a dossier: a socle for its level and size, plus explained increments.

Adding every item's price would count the same work many times: an off-the-shelf solution covers
most of a level's requirements in one price. The estimate therefore starts from the socle of the
target level in ``catalog/couts.yaml`` (scaled by the population coefficient; its initial
training on a line of its own, an operating cost no investment aid counts), then adds what
the socle does not hold: each member commune's own site, pages to migrate past those included,
téléservices past those included, items always priced apart or chosen as options (at the price of
their catalogue entry, central value = middle of its range), and the yearly subscriptions of paid
téléservices. Each part keeps its sources. The central value is the sincere estimate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from webpass.catalog.model import CostNature, CostPeriod, Intensity, Item
from webpass.core.frozen_record import frozen_record
from webpass.core.money import format_eur, format_exact, format_number, round_cent
from webpass.dossier.answers import Answers, Nature
from webpass.dossier.cost_model import Band, CostModel, Span
from webpass.dossier.initial_training import beyond_socle_training, training_basis
from webpass.dossier.quantity import unit_quantity
from webpass.dossier.service_period import planned_service

__all__ = [
    "SOCLE_TRAINING",
    "ComponentKind",
    "CostComponent",
    "Estimate",
    "Range",
    "SelectedCost",
    "estimate_costs",
    "years_words",
]

SOCLE_TRAINING = "Socle : formation initiale des utilisateurs"
_PAGES_ITEM = "A03"
_PAGES_VALUE = "nombre_pages"
_WEBPASS_ESTIMATE = (
    "Estimation de webpass à partir de la fiche de l'exigence dans le catalogue (milieu de sa "
    "fourchette pour la valeur centrale)"
)


@frozen_record
class Range:
    """Low, central and high amounts in € HT; the central value is the sincere estimate."""

    low: Decimal = Decimal(0)
    central: Decimal = Decimal(0)
    high: Decimal = Decimal(0)

    @classmethod
    def of(cls, span: Span, factor: Decimal | int = 1) -> Range:
        """A span of the cost model times ``factor``, rounded to the cent."""
        return cls(
            round_cent(span.low * factor),
            round_cent(span.central * factor),
            round_cent(span.high * factor),
        )

    def __add__(self, other: Range) -> Range:
        return Range(self.low + other.low, self.central + other.central, self.high + other.high)

    def times(self, factor: int) -> Range:
        """The range multiplied by a whole number."""
        return Range(self.low * factor, self.central * factor, self.high * factor)

    def over(self, years: Decimal) -> Range:
        """A yearly range over ``years`` (months ÷ 12, to four decimals), rounded to the cent."""
        return Range(
            round_cent(self.low * years),
            round_cent(self.central * years),
            round_cent(self.high * years),
        )

    def show(self, suffix: str = "€ HT") -> str:
        """« 11 500,00 € HT (de 8 500,00 à 16 000,00 € HT) », or one amount when all agree."""
        if self.low == self.high:
            return format_eur(self.central, suffix)
        return (
            f"{format_eur(self.central, suffix)} (de {format_number(self.low)} "
            f"à {format_eur(self.high, suffix)})"
        )

    def as_json(self) -> dict[str, str]:
        """Amounts as strings with two decimals."""
        return {
            "min": f"{self.low:.2f}",
            "central": f"{self.central:.2f}",
            "max": f"{self.high:.2f}",
        }


class ComponentKind(StrEnum):
    """What part of the estimate a component is."""

    SOCLE = "socle"
    SITES = "sites"
    PAGES = "pages"
    TELESERVICE = "teleservice"
    ITEM = "exigence"
    SUBSCRIPTION = "abonnement"  # last: components are shown in this order


@frozen_record
class CostComponent:
    """One part of the estimate: the socle or an increment, with where its figure comes from."""

    kind: ComponentKind
    label: str
    detail: str
    nature: CostNature
    yearly: bool
    amount: Range
    sources: tuple[str, ...]
    item_id: str | None = None
    covers: tuple[str, ...] = ()
    """The items a socle line prices together (the initial training: L03, L04), so a piece that
    values one of them takes the estimate's figure, not another (review rev11b, § 3)."""

    def as_json(self) -> dict[str, object]:
        """The component with French keys."""
        return {
            "type": self.kind.value,
            "libelle": self.label,
            "detail": self.detail,
            "nature": self.nature.value,
            "annuel": self.yearly,
            "montant": self.amount.as_json(),
            "exigence": self.item_id,
            "exigences_couvertes": list(self.covers),
            "sources": list(self.sources),
        }


@frozen_record
class SelectedCost:
    """What the estimate needs to know of a selected item.

    ``intensity`` is the one the CCTP publishes it at (its size variant's) and ``values`` its
    fields' values in this dossier: a training item asked beyond the light variant the socle's
    training is calibrated on is priced on its own line (:func:`_training_beyond_socle`).
    """

    item: Item
    option: bool
    pulled: bool = False
    intensity: Intensity = Intensity.STANDARD
    values: Mapping[str, object] = field(default_factory=dict)


@frozen_record
class Estimate:
    """The cost of a dossier over the market.

    Attributes:
        level: the target level whose socle is the base.
        years: the market's duration in started years.
        service_years: the planned years of service the yearly costs are paid for, the
            quantity of the yearly price lines (:func:`planned_service`): the whole duration
            without a planned going online.
        components: the socle first, then every increment.
        benchmark: the observed creation band of the level.
        benchmark_yearly: the observed yearly band, when a source gives one.
        investment: one-off investment (creation, design, migration).
        operating_one_off: one-off operating costs (the initial training, never capitalised).
        yearly: what recurs every year (hosting, maintenance, subscriptions).
        first_year: investment + one-off operating + one year of recurring costs.
        following_years: each later year.
        total: the whole market, renewals included: the one-off costs and the yearly ones
            over the planned years of service, as the offers are priced; its central value sets
            the procedure.
        socle_training: the socle's initial training for this size, whether it is the
            training line or replaced by training items priced apart (:attr:`benchmarked`).
    """

    level: int
    years: int
    service_years: Decimal
    components: tuple[CostComponent, ...]
    benchmark: Band
    benchmark_yearly: Band | None
    investment: Range
    operating_one_off: Range
    yearly: Range
    first_year: Range
    following_years: Range
    total: Range
    socle_training: Range = Range()

    @property
    def yearly_words(self) -> str:
        """« 3,4167 années de service prévues (41 mois ÷ 12) » or « 4 ans » (no planned going online)."""
        return years_words(self.service_years, self.years)

    @property
    def benchmarked(self) -> Range:
        """What the observed band measures: the investment with the socle's initial training,
        which the observed prices hold (« creation » + « formation » of ``couts.yaml``), even
        when the dossier's training is priced apart because its CCTP asks for more."""
        return self.investment + self.socle_training

    @property
    def in_benchmark(self) -> bool:
        """Whether the central investment with the socle's training falls inside the level's
        observed band (review rev11b, § 3: the band holds the training, the investment not)."""
        return self.benchmark.holds(self.benchmarked.central)

    def as_json(self) -> dict[str, object]:
        """The estimate with amounts as strings."""
        return {
            "niveau": self.level,
            "annees": self.years,
            "annees_de_service": f"{self.service_years.normalize():f}",
            "investissement": self.investment.as_json(),
            "fonctionnement_ponctuel": self.operating_one_off.as_json(),
            "annuel": self.yearly.as_json(),
            "premiere_annee": self.first_year.as_json(),
            "annees_suivantes": self.following_years.as_json(),
            "total_marche": self.total.as_json(),
            "repere": {
                "creation": _band_json(self.benchmark),
                "annuel": _band_json(self.benchmark_yearly) if self.benchmark_yearly else None,
                "investissement_et_formation_du_socle": self.benchmarked.as_json(),
                "dans_le_repere": self.in_benchmark,
            },
            "composantes": [c.as_json() for c in self.components],
        }


def years_words(service_years: Decimal, duration_years: int) -> str:
    """What the yearly costs are counted over: the planned service, or the whole duration."""
    if service_years == duration_years:
        return f"{duration_years} an{'s' if duration_years > 1 else ''}"
    months = (service_years * 12).to_integral_value(rounding=ROUND_HALF_UP)
    return f"{format_exact(service_years)} années de service prévues ({months} mois ÷ 12)"


def _band_json(band: Band) -> dict[str, str]:
    return {"min": f"{band.minimum:.2f}", "max": f"{band.maximum:.2f}"}


def estimate_costs(
    selected: Iterable[SelectedCost], answers: Answers, model: CostModel
) -> Estimate:
    """The calibrated estimate of a dossier whose selection is ``selected``."""
    chosen = list(selected)
    level = answers.project.target_level
    training_apart = _training_priced_apart(chosen, level, model)
    components = [
        *_socle(answers, model, training_apart),
        *_sites(answers, model),
        *_pages(answers, model),
        *_teleservices(chosen, level, model, answers),
        *_items(chosen, level, model, answers, training_apart),
    ]
    # Stable sort: socle, sites, pages, téléservices, items, then the yearly subscriptions.
    order = list(ComponentKind)
    components.sort(key=lambda c: order.index(c.kind))
    service = planned_service(answers).years
    estimate = _totals(level, (answers.project.duration_years, service), components, model)
    coefficient, _ = model.coefficient(answers.collectivity.population)
    return replace(
        estimate, socle_training=Range.of(model.level(level).training.amount, coefficient)
    )


def _totals(
    level: int,
    years: tuple[int, Decimal],
    components: Sequence[CostComponent],
    model: CostModel,
) -> Estimate:
    investment = operating = yearly = Range()
    for component in components:
        if component.yearly:
            yearly = yearly + component.amount
        elif component.nature is CostNature.INVESTMENT:
            investment = investment + component.amount
        else:
            operating = operating + component.amount
    first = investment + operating + yearly
    # The yearly prices are paid from the going online to the term, the quantity every price
    # piece and the comparison use: counting the whole duration would overstate the value.
    total = investment + operating + yearly.over(years[1])
    socle = model.level(level)
    return Estimate(
        level,
        years[0],
        years[1],
        tuple(components),
        socle.benchmark.creation,
        socle.benchmark.yearly,
        investment,
        operating,
        yearly,
        first,
        yearly,
        total,
    )


def _training_priced_apart(chosen: Sequence[SelectedCost], level: int, model: CostModel) -> bool:
    """Whether the dossier prices a training item apart (an option, an item the model always
    prices apart, or one the CCTP asks beyond the socle's training): the socle's initial
    training is then replaced by the training items' own lines, never counted with them."""
    return any(
        s.item.id in model.training_items and (_apart_reason(s, level, model) or _beyond(s, model))
        for s in chosen
    )


def _beyond(selected: SelectedCost, model: CostModel) -> bool:
    return beyond_socle_training(
        selected.item, selected.intensity, selected.values, model.training_limits
    )


def _training_apart_reason(selected: SelectedCost, model: CostModel) -> str:
    """Why a training item has its own line, and what its price rests on."""
    if not _beyond(selected, model):
        return "formation chiffrée à part, à la place de la formation initiale du socle"
    return (
        training_basis(selected.item, selected.intensity, selected.values)
        + ", au-delà de la formation initiale du socle (variante allégée) : chiffrée au prix de "
        "sa fiche, à la place de celle-ci"
    )


def _socle(answers: Answers, model: CostModel, training_apart: bool) -> list[CostComponent]:
    level = answers.project.target_level
    socle = model.level(level)
    population = answers.collectivity.population
    coefficient, band = model.coefficient(population)
    size = _population_words(population, band.below, model)
    source = model.cite(socle.sources)
    scaled = f"{size}, coefficient {format_number(coefficient)}"
    training = [] if training_apart else [_socle_training(model, level, scaled, coefficient)]
    return [
        CostComponent(
            ComponentKind.SOCLE,
            f"Socle du niveau {level} : création du site",
            f"{scaled} ; {socle.teleservices_included} téléservice(s) et "
            f"{socle.pages_included} pages reprises compris, formation initiale à part",
            CostNature.INVESTMENT,
            False,
            Range.of(socle.creation, coefficient),
            (*source, *model.cite(model.population_sources)),
        ),
        *training,
        CostComponent(
            ComponentKind.SOCLE,
            "Socle : hébergement",
            "",
            CostNature.OPERATING,
            True,
            Range.of(socle.hosting),
            source,
        ),
        CostComponent(
            ComponentKind.SOCLE,
            "Socle : maintenance et assistance",
            scaled,
            CostNature.OPERATING,
            True,
            Range.of(socle.maintenance, coefficient),
            source,
        ),
    ]


def _socle_training(
    model: CostModel, level: int, scaled: str, coefficient: Decimal
) -> CostComponent:
    """The initial training the level's observed prices hold: apart from the creation because
    it is an operating cost (not capitalised under the M57 instruction), which no investment aid
    counts (review rev10, § 4)."""
    training = model.level(level).training
    return CostComponent(
        ComponentKind.SOCLE,
        SOCLE_TRAINING,
        f"{scaled} ; formations des administrateurs et des contributeurs"
        + (f" ({', '.join(model.training_items)})" if model.training_items else "")
        + " à l'intensité allégée du CCTP, celle des petits projets, sur laquelle ce montant est "
        "calé",
        CostNature.OPERATING,
        False,
        Range.of(training.amount, coefficient),
        tuple(dict.fromkeys(model.cite([*training.sources, *model.population_sources]))),
        covers=tuple(model.training_items),
    )


def _population_words(population: int, below: int | None, model: CostModel) -> str:
    bounds = [b.below for b in model.population if b.below is not None]
    lower = max((b for b in bounds if b <= population), default=None)
    shown = format_number(population, 0)
    if below is None:
        return f"{shown} habitants (tranche de {format_number(lower or 0, 0)} habitants et plus)"
    start = format_number(lower or 0, 0)
    return f"{shown} habitants (tranche de {start} à {format_number(below - 1, 0)} habitants)"


def _sites(answers: Answers, model: CostModel) -> list[CostComponent]:
    owning = [m for m in answers.collectivity.members if m.own_identity]
    if not owning:
        return []
    count = len(owning)
    extra = model.extra_site
    source = model.cite(extra.sources)
    detail = f"{count} commune(s) avec leur identité propre : " + ", ".join(m.name for m in owning)
    parts = [
        CostComponent(
            ComponentKind.SITES,
            "Sites des communes membres : création",
            detail,
            CostNature.INVESTMENT,
            False,
            Range.of(extra.creation, count),
            source,
        )
    ]
    if extra.yearly is not None:
        parts.append(
            CostComponent(
                ComponentKind.SITES,
                "Sites des communes membres : hébergement et maintenance",
                detail,
                CostNature.OPERATING,
                True,
                Range.of(extra.yearly, count),
                source,
            )
        )
    return parts


def _pages(answers: Answers, model: CostModel) -> list[CostComponent]:
    if answers.project.nature is not Nature.REDESIGN:
        return []
    value = answers.values.get(_PAGES_ITEM, {}).get(_PAGES_VALUE)
    if not isinstance(value, int) or isinstance(value, bool):
        return []
    included = model.level(answers.project.target_level).pages_included
    extra = value - included
    if extra <= 0:
        return []
    return [
        CostComponent(
            ComponentKind.PAGES,
            "Reprise des pages au-delà du socle",
            f"{format_number(value, 0)} pages à reprendre, dont {format_number(included, 0)} "
            f"comprises : {format_number(extra, 0)} de plus",
            CostNature.INVESTMENT,
            False,
            Range.of(model.extra_page.creation, extra),
            model.cite(model.extra_page.sources),
        )
    ]


def _item_range(item: Item, answers: Answers) -> Range:
    cost = item.cost
    assert cost is not None
    # The same quantity as every piece prints (webpass.dossier.quantity).
    quantity = unit_quantity(item, answers) if cost.period is CostPeriod.PER_UNIT else 1
    middle = round_cent((cost.minimum + cost.maximum) / 2)
    return Range(cost.minimum, middle, cost.maximum).times(quantity)


def _teleservices(
    chosen: Sequence[SelectedCost], level: int, model: CostModel, answers: Answers
) -> list[CostComponent]:
    # The socle holds the base solution's téléservices: the level's own first, then the firm
    # options in document order. A PSE retained is priced apart by every offer and counts in the
    # value (R2121-1): it is never absorbed by the socle.
    services = [s for s in chosen if s.item.teleservice]
    supplementary = set(answers.options.chosen)
    base = [s for s in services if not s.option] + [
        s for s in services if s.option and s.item.id not in supplementary
    ]
    ordered = base + [s for s in services if s.item.id in supplementary and s.option]
    included = model.level(level).teleservices_included
    parts = []
    for rank, selected in enumerate(ordered, start=1):
        item = selected.item
        if rank > len(base):
            why = "prestation supplémentaire éventuelle retenue, chiffrée à part du socle"
        else:
            why = f"téléservice n° {rank}, au-delà des {included} compris dans le socle"
        if (rank > included or rank > len(base)) and item.cost is not None:
            parts.append(
                CostComponent(
                    ComponentKind.TELESERVICE,
                    f"{item.id} {item.title}",
                    why,
                    item.cost.nature,
                    item.cost.period is CostPeriod.YEARLY,
                    _item_range(item, answers),
                    (item.cost.source or _WEBPASS_ESTIMATE,),
                    item.id,
                )
            )
        subscription = model.subscription(item.id)
        if subscription is not None:
            parts.append(_subscription(selected, Range.of(subscription.yearly), chosen, answers))
            parts[-1] = replace(parts[-1], sources=model.cite(subscription.sources))
    return parts


def _subscription(
    selected: SelectedCost, yearly: Range, chosen: Sequence[SelectedCost], answers: Answers
) -> CostComponent:
    """A paid téléservice's subscription, on the price line that pays it: no licence nor
    subscription is due outside the market's prices, the recurring ones being in the yearly
    prices (CCAP, prices article); without a yearly line, in the téléservice's own price for
    the planned service, so the estimate counts no cost that no line of the offers pays."""
    item = selected.item
    lines = [
        s.item.id
        for s in chosen
        if not s.option and s.item.cost is not None and s.item.cost.period is CostPeriod.YEARLY
    ]
    label = f"{item.id} {item.title} : abonnement"
    if lines:
        paid = " et ".join(", ".join(lines).rsplit(", ", 1))
        detail = (
            "logiciel en ligne ou licence du téléservice, payé par "
            + ("le prix annuel " if len(lines) == 1 else "les prix annuels ")
            + paid
        )
        return CostComponent(
            ComponentKind.SUBSCRIPTION,
            label,
            detail,
            CostNature.OPERATING,
            True,
            yearly,
            (),
            item.id,
        )
    service = planned_service(answers)
    detail = (
        "logiciel en ligne ou licence du téléservice, compris dans son prix pour "
        + years_words(service.years, answers.project.duration_years)
    )
    return CostComponent(
        ComponentKind.SUBSCRIPTION,
        label,
        detail,
        CostNature.OPERATING,
        False,
        yearly.over(service.years),
        (),
        item.id,
    )


def _apart_reason(selected: SelectedCost, level: int, model: CostModel) -> str:
    """Why an item is priced on top of the socle; empty when the socle holds it."""
    item = selected.item
    if item.id in model.apart:
        return "chiffrée à part du socle"
    if selected.option:
        return "option retenue"
    if selected.pulled and item.level is not None and item.level > level:
        return f"exigence du niveau {item.level}, entraînée au-delà du niveau visé"
    return ""


def _items(
    chosen: Sequence[SelectedCost],
    level: int,
    model: CostModel,
    answers: Answers,
    training_apart: bool,
) -> list[CostComponent]:
    parts = []
    for selected in chosen:
        item = selected.item
        if item.cost is None or item.teleservice or item.id in model.counted_elsewhere:
            continue
        why = _apart_reason(selected, level, model)
        if training_apart and item.id in model.training_items:
            # One training priced apart replaces the socle's: every training item then has its
            # own line, and the socle none (see _training_priced_apart).
            why = _training_apart_reason(selected, model)
        if not why:
            continue
        unit = ""
        if item.cost.period is CostPeriod.PER_UNIT:
            count = unit_quantity(item, answers)
            unit = f", {count} {item.cost.unit or 'unité'}(s) estimée(s)"
        parts.append(
            CostComponent(
                ComponentKind.ITEM,
                f"{item.id} {item.title}",
                why + unit,
                item.cost.nature,
                item.cost.period is CostPeriod.YEARLY,
                _item_range(item, answers),
                (item.cost.source or _WEBPASS_ESTIMATE,),
                item.id,
            )
        )
    return parts
