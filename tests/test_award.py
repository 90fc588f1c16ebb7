"""Award criteria (webpass.compare.award) and price formulas (webpass.compare.price_scoring)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ANSWERS, answers_from_text
from webpass.compare.award import (
    CriterionNature,
    award_problems,
    award_warnings,
    criteria_of,
    default_criteria,
    offers_deadline,
)
from webpass.compare.price_scoring import (
    PriceFormula,
    classic_score,
    linear_score,
    price_scores,
    relative_gap_score,
)
from webpass.compare.pse import PseMode
from webpass.core.errors import InputError, ValidationFailed
from webpass.dossier.answers import answers_to_yaml

CRITERIA = """\
criteres:
  formule_prix: lineaire
  date_limite_offres: 2027-02-15
  heure_limite_offres: 17:30
  liste:
    - nom: Valeur technique
      poids: 55
      sous_criteres:
        - {nom: Méthodologie, poids: 30, nature: note_analyste}
        - {nom: Équipe, poids: 15, nature: note_analyste}
        - {nom: Accessibilité, poids: 10, nature: note_analyste}
    - {nom: Environnement, poids: 5, nature: environnement}
    - {nom: Prix, poids: 40, nature: prix}
"""


def answers_with(block: str, launch: str = "2027-01-11"):  # type: ignore[no-untyped-def]
    return answers_from_text(ANSWERS.replace("2027-01-11", launch) + block, "webpass.yaml")


def dossier_of(answers: Any, items: list[Any] | None = None) -> Any:
    """A stand-in selection: the criteria only read the answers and the selected items."""
    return SimpleNamespace(answers=answers, items=items or [])


def test_default_criteria_judge_the_memo_on_five_or_six_sub_criteria() -> None:
    plain = default_criteria(teleservices=False)
    assert [(leaf.label, leaf.weight) for leaf in plain.leaves()] == [
        ("Valeur technique — Méthodologie et planning", 20),
        ("Valeur technique — Équipe et moyens", 10),
        ("Valeur technique — Accessibilité", 10),
        ("Valeur technique — Performance environnementale", 10),
        ("Valeur technique — Accompagnement et formation", 10),
        ("Prix", 40),
    ]
    with_services = default_criteria(teleservices=True)
    assert [leaf.weight for leaf in with_services.leaves()] == [15, 10, 10, 10, 5, 10, 40]
    assert with_services.leaves()[5].name == "Téléservices"
    for criteria in (plain, with_services):
        assert criteria.price_formula is PriceFormula.CLASSIC
        assert criteria.has_environmental_criterion
        assert criteria.price_leaf.nature is CriterionNature.PRICE
        assert criteria.top == 5
        assert criteria.pse.mode is PseMode.AFTER_ANALYSIS and criteria.regularisation


def test_criteria_block_is_read_from_the_answers() -> None:
    answers = answers_with(CRITERIA)
    criteria = criteria_of(dossier_of(answers))
    assert criteria is answers.award
    assert criteria.price_formula is PriceFormula.LINEAR
    # YAML 1.1 reads an unquoted 17:30 as 1050 (base 60): it is turned back into a time.
    assert criteria.deadline_time == "17:30"
    assert offers_deadline(answers) == dt.date(2027, 2, 15)
    assert [leaf.name for leaf in criteria.leaves()] == [
        "Méthodologie",
        "Équipe",
        "Accessibilité",
        "Environnement",
        "Prix",
    ]
    # The block survives the round trip through the saved YAML.
    again = answers_from_text(answers_to_yaml(answers), "webpass.yaml")
    assert again.award == answers.award


def test_without_a_block_the_defaults_apply_and_the_deadline_is_launch_plus_30_days() -> None:
    answers = answers_with("")
    assert answers.award is None
    assert criteria_of(dossier_of(answers)) == default_criteria(teleservices=False)
    assert offers_deadline(answers) == dt.date(2027, 2, 10)
    assert any("critères par défaut" in w for w in award_warnings(dossier_of(answers)))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("poids: 40, nature: prix", "poids: 30, nature: prix"),
            "les critères pèsent 90 points au lieu de 100",
        ),
        (
            ("{nom: Accessibilité, poids: 10", "{nom: Accessibilité, poids: 5"),
            "les sous-critères de « Valeur technique » pèsent 50 points, le critère en pèse 55",
        ),
        (
            ("nature: environnement", "nature: prix"),
            "exactement un critère de nature « prix » (trouvé : 2)",
        ),
        (("nature: environnement}", "}"), "indiquez la « nature » de « Environnement »"),
        (
            ("{nom: Équipe", "{nom: Méthodologie"),
            "deux critères ou sous-critères s'appellent « Méthodologie »",
        ),
        (("formule_prix: lineaire", "formule_prix: moyenne"), "valeur « moyenne » non reconnue"),
        (("poids: 55\n", "poids: 55\n      nature: note_analyste\n"), "retirez sa « nature »"),
        (
            (
                "{nom: Équipe, poids: 15, nature: note_analyste}",
                "{nom: Conformité, poids: 15, nature: technique_conformite}",
            ),
            "la conformité au CCTP décide de la régularité des offres",
        ),
        (
            (
                "  liste:",
                "  bareme:\n    - {niveau: 0, libelle: Nul, description: Rien.}\n    - {niveau: 2, libelle: Bon, description: Bien.}\n  liste:",
            ),
            "sans trou",
        ),
        (
            ("  liste:", "  pse: {decision: apres_analyse, retenues: [X01]}\n  liste:"),
            "« retenues » s'emploie avec « decision: avant_analyse »",
        ),
    ],
)
def test_wrong_criteria_are_reported_in_french_with_their_line(
    change: tuple[str, str], message: str
) -> None:
    block = CRITERIA.replace(*change)
    assert block != CRITERIA
    with pytest.raises(ValidationFailed) as caught:
        answers_with(block)
    text = str(caught.value)
    assert message in text, text
    problem = caught.value.problems[0]
    assert problem.line is not None and problem.line >= 15  # the criteres block starts on line 15
    assert problem.where.startswith("criteres")


def test_all_problems_of_the_block_are_reported_together() -> None:
    block = CRITERIA.replace("poids: 40, nature: prix", "poids: 30, nature: prix").replace(
        "{nom: Accessibilité, poids: 10", "{nom: Accessibilité, poids: 5"
    )
    with pytest.raises(ValidationFailed) as caught:
        answers_with(block)
    assert "90 points" in str(caught.value) and "pèsent 50 points" in str(caught.value)


def test_a_weight_that_does_not_split_into_exact_levels_is_refused() -> None:
    three_levels = CRITERIA.replace(
        "  liste:",
        "  bareme:\n"
        + "".join(
            f"    - {{niveau: {n}, libelle: N{n}, description: Niveau {n}.}}\n" for n in range(4)
        )
        + "  liste:",
    )
    with pytest.raises(ValidationFailed) as caught:
        answers_with(three_levels)
    # 55 is split among 30, 15, 10 and 5: 10 ÷ 3 and 5 ÷ 3 do not fall on hundredths.
    assert "« Accessibilité » pèse 10 points" in str(caught.value)


def test_deadline_before_launch_is_a_problem() -> None:
    answers = answers_with(CRITERIA.replace("2027-02-15", "2027-01-05"))
    problems = award_problems(dossier_of(answers))
    assert len(problems) == 1
    assert "doit suivre le lancement" in problems[0].message


def test_environmental_criterion_is_required_from_21_august_2026() -> None:
    without = (
        CRITERIA.replace("    - {nom: Environnement, poids: 5, nature: environnement}\n", "")
        .replace("poids: 55", "poids: 60")
        .replace("{nom: Accessibilité, poids: 10", "{nom: Accessibilité, poids: 15")
    )
    later = answers_with(without, launch="2026-08-21")
    problems = award_problems(dossier_of(later))
    assert any("Climat et résilience" in p.message for p in problems)
    earlier = answers_with(without.replace("2027-02-15", "2026-09-01"), launch="2026-08-20")
    assert not award_problems(dossier_of(earlier))
    assert not award_problems(dossier_of(answers_with(CRITERIA)))


def test_retained_options_must_be_options_of_the_dossier() -> None:
    block = CRITERIA.replace(
        "  liste:", "  pse:\n    decision: avant_analyse\n    retenues: [F03]\n  liste:"
    )
    option = SimpleNamespace(item=SimpleNamespace(id="F06", teleservice=True), strength="optionnel")
    from webpass.catalog.model import Strength

    option.strength = Strength.OPTIONAL
    problems = award_problems(dossier_of(answers_with(block), [option]))
    assert len(problems) == 1
    assert "F03 n'est pas une prestation supplémentaire éventuelle" in problems[0].message
    assert "F06" in problems[0].message


def test_missing_accessibility_criterion_is_pointed_out() -> None:
    block = CRITERIA.replace("Accessibilité", "Références")
    assert any("accessibilité" in w for w in award_warnings(dossier_of(answers_with(block))))


def test_example_dossiers_have_valid_criteria() -> None:
    from webpass.dossier.opening import open_dossier

    examples = Path(__file__).parent.parent / "examples"
    groupement = open_dossier(examples / "communaute-de-communes")
    award = groupement.answers.award
    assert award is not None
    assert sum(c.weight for c in award.criteria) == 100
    assert award.has_environmental_criterion
    assert award_problems(groupement.selection) == []
    assert award_warnings(groupement.selection) == []
    commune = open_dossier(examples / "petite-commune")
    assert commune.answers.award is None
    assert criteria_of(commune.selection) == default_criteria(teleservices=False)


# --- price formulas -----------------------------------------------------------------------


def test_price_formulas_on_known_values() -> None:
    nmax = Decimal(40)
    # classic: 40 × 60 000 / 80 000 = 30
    assert classic_score(Decimal(80000), Decimal(60000), nmax) == 30
    # linear: 40 × (100 000 − 80 000) / (100 000 − 60 000) = 20
    assert linear_score(Decimal(80000), Decimal(60000), Decimal(100000), nmax) == 20
    # relative gap: 40 × (1 − 20 000 / 60 000) = 26.666…
    assert relative_gap_score(Decimal(80000), Decimal(60000), nmax).quantize(
        Decimal("0.01")
    ) == Decimal("26.67")
    # twice the cheapest price or more: 0, never negative
    assert relative_gap_score(Decimal(130000), Decimal(60000), nmax) == 0
    # all prices equal: everyone gets the maximum under the linear formula
    assert price_scores(PriceFormula.LINEAR, [Decimal(5), Decimal(5)], nmax) == [nmax, nmax]
    # a free offer: the maximum for it, 0 for the others (limit of the formulas)
    assert price_scores(PriceFormula.CLASSIC, [Decimal(0), Decimal(10)], nmax) == [nmax, 0]
    assert price_scores(PriceFormula.RELATIVE_GAP, [Decimal(0), Decimal(10)], nmax) == [nmax, 0]
    with pytest.raises(InputError):
        classic_score(Decimal(10), Decimal(20), nmax)  # "lowest" is not the lowest


prices = st.lists(
    st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=8,
)
nmaxes = st.integers(min_value=1, max_value=100).map(Decimal)


@given(prices, nmaxes, st.sampled_from(list(PriceFormula)))
def test_scores_stay_between_zero_and_the_maximum(
    values: list[Decimal], nmax: Decimal, formula: PriceFormula
) -> None:
    for score in price_scores(formula, values, nmax):
        assert 0 <= score <= nmax


@given(prices, nmaxes, st.sampled_from(list(PriceFormula)))
def test_the_cheapest_offer_gets_the_maximum(
    values: list[Decimal], nmax: Decimal, formula: PriceFormula
) -> None:
    scores = price_scores(formula, values, nmax)
    cheapest = min(values)
    for value, score in zip(values, scores, strict=True):
        if value == cheapest:
            assert score == nmax


@given(prices, nmaxes, st.sampled_from(list(PriceFormula)))
def test_a_dearer_offer_never_scores_more(
    values: list[Decimal], nmax: Decimal, formula: PriceFormula
) -> None:
    scores = price_scores(formula, values, nmax)
    pairs = sorted(zip(values, scores, strict=True))
    for (_, better), (_, worse) in itertools.pairwise(pairs):
        assert worse <= better
