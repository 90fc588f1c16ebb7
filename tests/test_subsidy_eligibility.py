"""Eligibility to Webpass: each rule, and its French explanation when it fails."""

from __future__ import annotations

import pytest

from webpass.aid import (
    EligibilityInput,
    Rule,
    SubsidyProfile,
    check_eligibility,
    load_shipped_subsidy_rules,
)
from webpass.core.errors import InputError

REGIME = load_shipped_subsidy_rules().scheme("webpass")
FIVE = ("F01", "F02", "F03", "F04", "F05")
COMMUNE = SubsidyProfile.COMMUNE
GROUPEMENT = SubsidyProfile.GROUPEMENT


def nbsp(text: str) -> str:
    return text.replace("\u00a0", " ")


def test_commune_with_five_teleservices_and_the_minimum_is_eligible() -> None:
    result = check_eligibility(EligibilityInput(COMMUNE, FIVE), REGIME)
    assert result.eligible
    assert result.reasons == []
    assert [c.rule for c in result.checks] == [Rule.TELESERVICES, Rule.WEBPASS_MINIMUM]
    assert all(c.passed for c in result.checks)
    assert "5 téléservices (F01, F02, F03, F04, F05)" in nbsp(result.checks[0].explanation)


@pytest.mark.parametrize(
    ("ids", "fragments"),
    [
        (("F01", "F02", "F03", "F04"), ["que 4 téléservices (F01, F02, F03, F04)", "ajoutez-en 1"]),
        (("F01",), ["que 1 téléservice (F01)", "ajoutez-en 4"]),
        ((), ["aucun téléservice", "au moins 5", "ajoutez-en 5"]),
    ],
)
def test_too_few_teleservices_is_explained(ids: tuple[str, ...], fragments: list[str]) -> None:
    result = check_eligibility(EligibilityInput(COMMUNE, ids), REGIME)
    assert not result.eligible
    (reason,) = result.reasons
    for fragment in fragments:
        assert fragment in nbsp(reason)


def test_a_teleservice_listed_twice_counts_once() -> None:
    data = EligibilityInput(COMMUNE, ["F01", "F01", "F02", "F03", "F04"])  # type: ignore[arg-type]
    assert data.teleservice_ids == ("F01", "F02", "F03", "F04")
    assert not check_eligibility(data, REGIME).eligible


def test_missing_webpass_minimum_is_listed() -> None:
    result = check_eligibility(EligibilityInput(COMMUNE, FIVE, ("B03", "J01")), REGIME)
    assert not result.eligible
    (reason,) = result.reasons
    assert "Il manque 2 exigences du minimum Webpass du profil commune : B03, J01" in nbsp(reason)
    assert "ajoutez-les" in reason
    single = check_eligibility(EligibilityInput(COMMUNE, FIVE, ("B03",)), REGIME)
    assert "Il manque 1 exigence" in nbsp(single.reasons[0])
    assert "ajoutez-la" in single.reasons[0]


def test_every_failed_rule_is_reported() -> None:
    result = check_eligibility(EligibilityInput(GROUPEMENT, ("F01",), ("K01",), 40, 3), REGIME)
    assert [c.rule for c in result.checks if not c.passed] == [
        Rule.TELESERVICES,
        Rule.WEBPASS_MINIMUM,
        Rule.OWN_IDENTITY,
    ]
    assert len(result.reasons) == 3


@pytest.mark.parametrize(
    ("members", "owning", "eligible", "fragments"),
    [
        (40, 8, True, ["8 communes membres sur 40 auront leur identité propre", "soit 20 %"]),
        (
            40,
            7,
            False,
            [
                "Seules 7 communes membres sur 40",
                "soit 17,5 %",
                "au moins 20 %, soit 8 communes",
                "prévoyez-en 1 de plus",
            ],
        ),
        (40, 0, False, ["Aucune des 40 communes membres", "soit 0 %", "prévoyez-en 8 de plus"]),
        (12, 1, False, ["Une seule commune membre sur 12", "soit 3 communes"]),  # 2.4 → 3
        (3, 1, True, ["1 commune membre sur 3 aura son identité propre", "soit 33,33 %"]),
        (5, 1, True, ["soit 20 %"]),
    ],
)
def test_groupement_needs_a_fifth_of_communes_with_their_own_identity(
    members: int, owning: int, eligible: bool, fragments: list[str]
) -> None:
    result = check_eligibility(EligibilityInput(GROUPEMENT, FIVE, (), members, owning), REGIME)
    check = result.checks[-1]
    assert check.rule is Rule.OWN_IDENTITY
    assert check.passed is eligible
    assert result.eligible is eligible
    for fragment in fragments:
        assert fragment in nbsp(check.explanation)


def test_identity_rule_does_not_apply_to_a_commune() -> None:
    result = check_eligibility(EligibilityInput(COMMUNE, FIVE, (), 0, 0), REGIME)
    assert Rule.OWN_IDENTITY not in [c.rule for c in result.checks]


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"profile": "region"}, "profil « region » inconnu"),
        ({"profile": GROUPEMENT, "member_communes": 1}, "au moins deux"),
        (
            {"profile": GROUPEMENT, "member_communes": 10, "communes_with_identity": 11},
            "entre 0 et 10",
        ),
        (
            {"profile": GROUPEMENT, "member_communes": 10, "communes_with_identity": -1},
            "entre 0 et 10",
        ),
        ({"profile": COMMUNE, "teleservice_ids": "F01"}, "liste d'identifiants"),
    ],
)
def test_wrong_eligibility_input_is_refused(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(InputError) as info:
        EligibilityInput(**kwargs)  # type: ignore[arg-type]
    assert fragment in info.value.message


def test_json_of_a_result() -> None:
    result = check_eligibility(EligibilityInput(COMMUNE, FIVE[:3]), REGIME)
    data = result.as_json()
    assert data["eligible"] is False
    assert data["motifs"] == result.reasons
    rules = data["regles"]
    assert isinstance(rules, list)
    assert rules[0]["regle"] == "teleservices"
    assert rules[0]["respectee"] is False
