"""The calibrated estimate: the level's socle, explained increments, the observed bands."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, answers_from_text
from webpass.catalog import load_shipped_catalog
from webpass.core.resources import shipped_catalog_dir
from webpass.dossier.answers import Answers, load_answers
from webpass.dossier.cost_model import cost_model_problems, load_cost_model
from webpass.dossier.estimate import ComponentKind, CostComponent, Estimate
from webpass.selection.engine import select

CATALOG = load_shipped_catalog()
COSTS = load_cost_model(shipped_catalog_dir())
EXAMPLES = REPO / "examples"

COMMUNE = """\
version_catalogue: "2026.1"
collectivite:
  nom: Essai
  saisie_manuelle: true
  type: commune
  code_insee: "22987"
  departement: Côtes-d'Armor
  population: {population}
  effectif: 9
  recettes_annuelles: "38000.00"
projet:
  nature: creation
  niveau_vise: {level}
  duree_marche_mois: 48
  date_lancement: 2027-01-11
"""

GROUPEMENT = """\
version_catalogue: "2026.1"
collectivite:
  nom: Communauté d'essai
  saisie_manuelle: true
  type: communaute_de_communes
  departement: Côtes-d'Armor
  population: {population}
  effectif: 40
  recettes_annuelles: "200000.00"
  communes:
{members}
projet:
  nature: creation
  niveau_vise: {level}
  duree_marche_mois: 48
  date_lancement: 2027-01-11
"""


def commune(level: int, population: int) -> Answers:
    return answers_from_text(COMMUNE.format(level=level, population=population))


def groupement(level: int, population: int, members: int, owning: int) -> Answers:
    rows = []
    for index in range(members):
        rows.append(f'    - nom: Commune {index + 1}\n      code_insee: "22{900 + index}"')
        if index < owning:
            rows.append(f"      identite_propre: true\n      domaine: c{index + 1}.fr")
    return answers_from_text(
        GROUPEMENT.format(level=level, population=population, members="\n".join(rows))
    )


def estimate_of(answers: Answers) -> Estimate:
    return select(CATALOG, answers).estimate


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("population", [250, 1200, 5000, 25000])
def test_every_level_lands_in_its_observed_band(level: int, population: int) -> None:
    estimate = estimate_of(commune(level, population))
    band = COSTS.level(level).benchmark.creation
    assert band.minimum <= estimate.investment.central <= band.maximum, (
        level,
        population,
        estimate.investment,
    )
    assert estimate.in_benchmark


@pytest.mark.parametrize(("members", "owning"), [(4, 1), (7, 3), (12, 3)])
def test_a_groupement_at_the_webpass_level_lands_in_the_band(members: int, owning: int) -> None:
    estimate = estimate_of(groupement(5, 14800, members, owning))
    assert estimate.in_benchmark, estimate.investment


def test_small_commune_example_is_a_sincere_three_quotes_project() -> None:
    answers, _ = load_answers(EXAMPLES / "petite-commune")
    selection = select(CATALOG, answers)
    estimate = selection.estimate
    # inside the observed band of level 3, whole range included
    assert Decimal(8000) <= estimate.investment.low <= estimate.investment.high <= Decimal(20000)
    assert Decimal(10000) <= estimate.total.central <= Decimal(20000)
    assert selection.procedure.code == "dispense"
    assert selection.procedure.name.endswith("(sur devis)")
    assert selection.procedure.amount == estimate.total.central


def test_groupement_yearly_costs_grow_with_sites_and_paid_teleservices() -> None:
    answers, _ = load_answers(EXAMPLES / "communaute-de-communes")
    yearly = estimate_of(answers).yearly
    assert Decimal(5000) <= yearly.central <= Decimal(12000)
    small, _ = load_answers(EXAMPLES / "petite-commune")
    assert yearly.central > 5 * estimate_of(small).yearly.central
    fewer_sites = estimate_of(groupement(5, 14800, 7, 1)).yearly.central
    more_sites = estimate_of(groupement(5, 14800, 7, 3)).yearly.central
    assert more_sites - fewer_sites == 2 * COSTS.extra_site.yearly.central  # type: ignore[union-attr]
    kinds = {c.kind for c in estimate_of(answers).components if c.yearly}
    assert {ComponentKind.SITES, ComponentKind.SUBSCRIPTION} <= kinds


def test_yearly_costs_count_the_planned_service_as_the_price_pieces() -> None:
    """The estimate is the value of what the offers price: the yearly prices over the planned
    years of service (the BPU's quantity, 40/12 and 41/12 years in the examples, to four
    decimals so that the AE's periods add up to it: groupement review N5), not the whole
    duration; the member communes' sites to take over are counted; every subscription names
    the price line that pays it (review of 1 December 2026, groupement N1 and follow-up 8)."""
    from webpass.dossier.service_period import (
        first_period_service_months,
        planned_service,
        year_fraction,
    )

    for name, years, months in (
        ("communaute-de-communes", "3.3333", 40),
        ("petite-commune", "3.4167", 41),
    ):
        answers, _ = load_answers(EXAMPLES / name)
        estimate = estimate_of(answers)
        service = planned_service(answers)
        assert estimate.service_years == service.years == Decimal(years)
        assert service.months == months
        # The firm first period and the two renewals of 12 months are the whole service.
        first = first_period_service_months(answers, 24)
        assert first is not None and year_fraction(first) + 2 == service.years
        assert estimate.years == 4
        one_off = estimate.investment + estimate.operating_one_off
        assert estimate.total.central == one_off.central + estimate.yearly.central * Decimal(years)
        shown = years.replace(".", ",")
        assert f"{shown} années de service prévues ({months} mois ÷ 12)" in estimate.yearly_words
    answers, _ = load_answers(EXAMPLES / "communaute-de-communes")
    components = estimate_of(answers).components
    # The pages of the communes' current sites, on the line that pays them by the page (K09).
    takeover = next(c for c in components if c.item_id == "K09")
    pages = sum(m.current_site.pages for m in answers.collectivity.members if m.current_site)
    assert pages == 450 and not takeover.yearly
    cost = CATALOG.item("K09").cost
    assert cost is not None
    assert takeover.amount.central == pages * (cost.minimum + cost.maximum) / 2
    subscriptions = [c for c in components if c.kind is ComponentKind.SUBSCRIPTION]
    assert subscriptions and all("H08 et M04" in c.detail for c in subscriptions)
    # The PSE retained (F13) is in the value, though the socle holds five téléservices.
    assert any(c.item_id == "F13" and not c.yearly for c in components)


def increments_of(estimate: Estimate) -> list[CostComponent]:
    """Everything the estimate adds to the socle."""
    return [c for c in estimate.components if c.kind is not ComponentKind.SOCLE]


def test_increments_are_explained_and_sourced() -> None:
    base = commune(4, 1200)
    with_options = base.model_copy(
        update={"options": base.options.model_copy(update={"chosen": ["E07", "F03", "F04", "F06"]})}
    )
    plain, richer = estimate_of(base), estimate_of(with_options)
    added = {c.item_id: c for c in increments_of(richer) if not c.yearly}
    # E07: the sessions a year (the clause's default) over the market × 1,000–1,500 €; F06 is a
    # téléservice past the 2 of level 4
    sessions = next(p for p in CATALOG.item("E07").parameters if p.key == "nombre_seances")
    assert isinstance(sessions.default, int)
    count = sessions.default * with_options.project.duration_years
    assert added["E07"].amount.central == count * Decimal(1250)
    assert f"{count} séance(s)" in added["E07"].detail
    assert "chiffrée à part du socle" in added["E07"].detail
    # The PSE retained are priced apart by every offer: none is absorbed by the socle's
    # téléservices (R2121-1 counts the options; review of 1 December 2026, groupement R1).
    assert all(
        "prestation supplémentaire éventuelle retenue" in added[i].detail
        for i in ("F03", "F04", "F06")
    )

    def increments(estimate: Estimate) -> Decimal:
        return sum((c.amount.central for c in increments_of(estimate) if not c.yearly), Decimal(0))

    def one_off(estimate: Estimate) -> Decimal:
        return estimate.investment.central + estimate.operating_one_off.central

    # The socle's one-off part: its creation and its initial training.
    socle = sum(
        (
            c.amount.central
            for c in richer.components
            if c.kind is ComponentKind.SOCLE and not c.yearly
        ),
        Decimal(0),
    )
    assert one_off(richer) == socle + increments(richer)
    assert one_off(richer) - one_off(plain) == increments(richer) - increments(plain)
    assert all(c.sources for c in richer.components)
    subscription = next(c for c in increments_of(richer) if c.kind is ComponentKind.SUBSCRIPTION)
    assert subscription.yearly and subscription.item_id == "F03"


def test_pages_past_the_socle_cost_more() -> None:
    answers = commune(2, 1200)
    redesign = answers_from_text(
        COMMUNE.format(level=2, population=1200).replace(
            "  nature: creation\n",
            "  nature: refonte\n  site_actuel: {adresse: 'https://essai.fr', niveau: 1}\n",
        )
        + "valeurs:\n  A03: {nombre_pages: 140}\n"
    )
    extra = estimate_of(redesign).investment.central - estimate_of(answers).investment.central
    included = COSTS.level(2).pages_included
    assert extra == (140 - included) * COSTS.extra_page.creation.central


@settings(max_examples=60, deadline=None)
@given(level=st.integers(1, 5), population=st.integers(1, 3_000_000), months=st.integers(1, 96))
def test_totals_add_up_and_stay_ordered(level: int, population: int, months: int) -> None:
    text = COMMUNE.format(level=level, population=population).replace(
        "duree_marche_mois: 48", f"duree_marche_mois: {months}"
    )
    estimate = estimate_of(answers_from_text(text))
    for amount in (estimate.investment, estimate.yearly, estimate.total):
        assert Decimal(0) <= amount.low <= amount.central <= amount.high
    assert estimate.total.central == (
        estimate.investment.central
        + estimate.operating_one_off.central
        + estimate.yearly.central * estimate.service_years
    )


def test_the_observed_bands_are_those_the_levels_print() -> None:
    # levels.yaml shows the bands to people; couts.yaml holds them for the test: they must agree.
    for level, costs in zip(CATALOG.levels.values(), COSTS.levels, strict=True):
        band = costs.benchmark.creation
        shown = (level.typical_cost or "").replace("\u00a0", " ")
        assert f"de {band.minimum:,.0f} à {band.maximum:,.0f}".replace(",", " ") in shown


def test_the_cost_model_names_real_items_and_sources(tmp_path: Path) -> None:
    known = {item.id for item in CATALOG.items}
    assert cost_model_problems(COSTS, known, "couts.yaml") == []
    problems = cost_model_problems(COSTS, known - {"F03"}, "couts.yaml")
    assert any("F03" in p.message for p in problems)


# ------------------------------------------------ initial training (review rev10, § 4 and § 5 no 4)

TRAINING = "Socle : formation initiale des utilisateurs"


def _training(estimate: Estimate) -> list[CostComponent]:
    return [c for c in estimate.components if c.label == TRAINING]


def _sheet_middle(item_id: str) -> Decimal:
    cost = CATALOG.item(item_id).cost
    assert cost is not None
    return ((cost.minimum + cost.maximum) / 2).quantize(Decimal("0.01"))


@settings(max_examples=40, deadline=None)
@given(
    level=st.integers(1, 5),
    population=st.integers(1, 3_000_000),
    half_days=st.one_of(st.none(), st.integers(1, 10)),
)
def test_the_initial_training_is_one_off_operating_outside_the_aid_base(
    level: int, population: int, half_days: int | None
) -> None:
    from webpass.aid.attach import estimate_lines, subsidy_for_lines
    from webpass.aid.rules import load_shipped_subsidy_rules
    from webpass.catalog.model import CostNature

    text = COMMUNE.format(level=level, population=population)
    if half_days is not None:
        text += f"valeurs:\n  L03:\n    demi_journees_administrateurs: {half_days}\n"
    selection = select(CATALOG, answers_from_text(text))
    estimate = selection.estimate
    coefficient, _ = COSTS.coefficient(population)
    socle = COSTS.level(level)
    creation = next(c for c in estimate.components if c.kind is ComponentKind.SOCLE)
    # The socle's line is calibrated on the light variants (a small project) and one half-day for
    # the administrators: a CCTP asking more has L03 and L04 at their sheets' prices instead.
    light = population < 3500 and level < 4 and (half_days or 1) <= 1
    apart = {c.item_id: c for c in estimate.components if c.item_id in ("L03", "L04")}
    if light:
        (training,) = _training(estimate)
        assert apart == {}
        assert training.amount.central == (socle.training.amount.central * coefficient).quantize(
            Decimal("0.01")
        )
        # Split, not added: creation and training give back the calibrated price of the level.
        both = (socle.creation.central + socle.training.amount.central) * coefficient
        assert abs(creation.amount.central + training.amount.central - both) <= Decimal("0.01")
        lines = [training]
    else:
        assert _training(estimate) == []
        assert {k: c.amount.central for k, c in apart.items()} == {
            "L03": _sheet_middle("L03"),
            "L04": _sheet_middle("L04"),
        }
        lines = list(apart.values())
    for line in lines:
        assert line.nature is CostNature.OPERATING and not line.yearly
    assert estimate.operating_one_off.central == sum((c.amount.central for c in lines), Decimal(0))
    result = subsidy_for_lines(selection, estimate_lines(selection), load_shipped_subsidy_rules())
    assert result.base == estimate.investment.central
    counted = {d.line.label for d in result.lines if d.counted}
    assert not any(line.label in counted for line in lines)


def test_the_groupement_training_its_cctp_asks_is_priced_apart() -> None:
    # rev11b § 3: the groupement's CCTP asks two administrators for two half-days plus a remote
    # session (L03) and fourteen contributors in groups of six (L04), far more than the one day
    # the socle's 720 € stood for.
    answers, _ = load_answers(EXAMPLES / "communaute-de-communes")
    estimate = estimate_of(answers)
    assert _training(estimate) == []
    apart = {c.item_id: c for c in estimate.components if c.item_id in ("L03", "L04")}
    assert {k: c.amount.central for k, c in apart.items()} == {
        "L03": Decimal("1050.00"),
        "L04": Decimal("1200.00"),
    }
    assert "intensité standard" in apart["L03"].detail
    assert "(demi-journées) : 2" in apart["L03"].detail
    assert "publieront sur le site : 14" in apart["L04"].detail
    assert estimate.operating_one_off.central == Decimal("2250.00")
    assert estimate.investment.central == Decimal("70180.00")
    assert estimate.total.central == Decimal("103763.02")


def test_the_small_commune_base_holds_no_training() -> None:
    answers, _ = load_answers(EXAMPLES / "petite-commune")
    estimate = estimate_of(answers)
    (training,) = _training(estimate)
    assert training.amount.central == Decimal("600.00")
    assert estimate.investment.central == Decimal("10900.00")
    # the estimate is the same as before the split: the value still sets the same procedure
    assert estimate.total.central == Decimal("14916.70")


def test_training_priced_apart_replaces_the_socle_training() -> None:
    # L03 and L04 are Webpass minimum: without the model pricing them apart, the socle's training
    # line holds them and neither is added.
    plain = estimate_of(commune(3, 1200))
    assert len(_training(plain)) == 1
    assert not {"L03", "L04"} & {c.item_id for c in plain.components}
    apart = COSTS.model_copy(update={"apart": [*COSTS.apart, "L03"]})
    richer = select(CATALOG, commune(3, 1200), costs=apart).estimate
    assert _training(richer) == []
    added = {c.item_id: c for c in richer.components if c.item_id in ("L03", "L04")}
    assert set(added) == {"L03", "L04"}
    assert all("à la place de la formation initiale du socle" in c.detail for c in added.values())
    training_cost = sum((c.amount.central for c in added.values()), Decimal(0))
    assert richer.operating_one_off.central == training_cost
    assert richer.investment.central == plain.investment.central
    assert richer.operating_one_off.central - plain.operating_one_off.central == (
        training_cost - _training(plain)[0].amount.central
    )


def test_a_training_item_cannot_be_counted_elsewhere_too() -> None:
    from pydantic import ValidationError

    from webpass.dossier.cost_model import CostModel

    data = COSTS.model_dump(by_alias=True)
    data["comptees_ailleurs"] = [*data["comptees_ailleurs"], "L04"]
    with pytest.raises(ValidationError, match="formation_exigences"):
        CostModel.model_validate(data)


def test_the_quotes_note_says_which_part_of_the_realisation_is_operating() -> None:
    from tests.conftest import plain_text
    from webpass.documents.quotes import estimate_blocks
    from webpass.documents.terms import dce_terms
    from webpass.dossier.opening import open_dossier

    selection = open_dossier(EXAMPLES / "petite-commune").selection
    (first, *_) = estimate_blocks(dce_terms(selection))
    text = plain_text("".join(run.text for run in first.runs))
    # rev11b § 3: the 600 € are the initial training and nothing else, named as such.
    assert (
        "11 500,00 € HT pour la réalisation (dont 600,00 € HT de formation initiale des "
        "utilisateurs, dépense de fonctionnement)"
    ) in text


def test_several_one_off_operating_lines_are_listed_in_the_quotes_note() -> None:
    from tests.conftest import plain_text
    from webpass.documents.quotes import _operating_share

    answers, _ = load_answers(EXAMPLES / "communaute-de-communes")
    assert plain_text(_operating_share(estimate_of(answers))) == (
        " (dont 2 250,00 € HT de dépenses de fonctionnement : formation des administrateurs "
        "(L03) et formation des contributeurs, y compris à l'accessibilité des contenus (L04))"
    )


def test_the_observed_band_is_compared_with_the_realisation_training_included() -> None:
    # rev11b § 3: the band holds observed prices, training included; the investment alone is
    # the creation without it.
    from dataclasses import replace

    from webpass.dossier.estimate import Range
    from webpass.dossier.summary import estimate_lines_fr

    estimate = estimate_of(commune(3, 1200))
    band = estimate.benchmark
    edge = band.maximum - Decimal("100.00")
    near = replace(estimate, investment=Range(edge, edge, edge))
    assert band.holds(near.investment.central)
    assert near.benchmarked.central == edge + Decimal("600.00")
    assert not near.in_benchmark
    text = "\n".join(estimate_lines_fr(near))
    assert "(prix observés, formation initiale comprise)" in text.replace("\n    ", " ")
    assert "HORS de ce repère" in text


@settings(max_examples=30, deadline=None)
@given(level=st.integers(1, 5), population=st.integers(1, 3_000_000))
def test_the_band_verdict_counts_the_socle_training(level: int, population: int) -> None:
    estimate = estimate_of(commune(level, population))
    coefficient, _ = COSTS.coefficient(population)
    training = (COSTS.level(level).training.amount.central * coefficient).quantize(Decimal("0.01"))
    compared = estimate.investment.central + training
    assert estimate.benchmarked.central == compared
    assert estimate.in_benchmark == (
        estimate.benchmark.minimum <= compared <= estimate.benchmark.maximum
    )


def test_a_replaced_socle_training_is_named_in_the_amount_compared_with_the_band() -> None:
    # rev12 N5: cc's L03 and L04 replace the socle's training, yet the amount compared with the
    # observed band still holds it (70 180 + 720): the reader is told what it is.
    from tests.conftest import plain_text
    from webpass.dossier.summary import estimate_lines_fr

    answers, _ = load_answers(EXAMPLES / "communaute-de-communes")
    text = plain_text(" ".join(estimate_lines_fr(estimate_of(answers))))
    assert (
        "(70 900,00 € HT : l'investissement, plus 720,00 € HT de formation initiale du socle, "
        "que les prix observés comprennent ; les formations chiffrées à part à la place de "
        "celle-ci n'y sont pas)"
    ) in text
    assert "en plus" not in text
    small, _ = load_answers(EXAMPLES / "petite-commune")
    assert "à la place de celle-ci" not in " ".join(estimate_lines_fr(estimate_of(small)))
