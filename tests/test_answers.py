from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ANSWERS, answers_from_text
from webpass.catalog import load_catalog
from webpass.core.errors import ValidationFailed
from webpass.dossier.answers import (
    answers_to_yaml,
    check_answers,
    clause_context,
)
from webpass.dossier.geo import is_valid_insee, is_valid_siren


def problems_of(text: str) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        answers_from_text(text, "webpass.yaml")
    return [p.format() for p in info.value.problems]


def test_valid_answers_round_trip() -> None:
    answers = answers_from_text(ANSWERS)
    again = answers_from_text(answers_to_yaml(answers))
    assert again == answers
    assert answers.collectivity.designation == "la commune de Kerbriac-sur-Lié"
    assert answers.profile == "commune"
    assert answers.project.duration_years == 4


def test_five_mistakes_are_all_reported() -> None:
    text = (
        ANSWERS.replace('code_insee: "22987"', 'code_insee: "2C123"')
        .replace("population: 1200", "population: -5")
        .replace("niveau_vise: 3", "niveau_vise: 7")
        .replace("nature: creation", "nature: refection")
        .replace("duree_marche_mois: 48", "duree_marche_mois: 48\n  budget: 15000.5")
    )
    problems = problems_of(text)
    joined = "\n".join(problems)
    assert "code INSEE « 2C123 » invalide" in joined
    assert "-5 est trop petit" in joined
    assert "7 est trop grand" in joined
    assert "« refection » non reconnue" in joined
    assert "nombre décimal" in joined
    assert len(problems) == 5, joined
    assert all(p.startswith("webpass.yaml:") for p in problems)


def test_department_must_match_insee_code() -> None:
    joined = "\n".join(problems_of(ANSWERS.replace("Côtes-d'Armor", "Finistère")))
    assert "appartient au département 22, pas au 29" in joined


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("2A004", True),
        ("2B033", True),
        ("20004", False),
        ("97411", True),
        ("35238", True),
        ("3523", False),
        ("00123", False),
        ("35000", False),
    ],
)
def test_insee_codes(code: str, valid: bool) -> None:
    assert is_valid_insee(code) is valid


def test_siren_luhn() -> None:
    assert is_valid_siren("200031003")
    assert not is_valid_siren("200031004")


def test_groupement_needs_members_and_identity_domains() -> None:
    text = ANSWERS.replace("type: commune", "type: communaute_de_communes").replace(
        '  code_insee: "22987"\n', ""
    )
    assert any("au moins deux « communes »" in p for p in problems_of(text))
    members = text.replace(
        "  recettes_annuelles",
        "  communes:\n    - {nom: A, identite_propre: true}\n    - {nom: B}\n  recettes_annuelles",
    )
    assert any("identité propre doit avoir un « domaine »" in p for p in problems_of(members))


def test_a_member_commune_listed_twice_is_refused_on_the_members() -> None:
    groupement = ANSWERS.replace("type: commune", "type: communaute_de_communes").replace(
        '  code_insee: "22987"\n', ""
    )

    def with_members(members: str) -> str:
        return groupement.replace(
            "  recettes_annuelles", f"  communes:\n{members}  recettes_annuelles"
        )

    twice = with_members('    - {nom: Uzel}\n    - {nom: Plédran}\n    - {nom: "UZEL "}\n')
    assert "[collectivite.communes] la commune « Uzel » est citée deux fois" in "\n".join(
        problems_of(twice)
    )
    # Two communes may share a name, never an INSEE code.
    namesakes = with_members(
        '    - {nom: Saint-Aubin, code_insee: "22274"}\n'
        '    - {nom: Saint-Aubin, code_insee: "35250"}\n'
    )
    assert len(answers_from_text(namesakes).collectivity.members) == 2
    same_code = with_members(
        '    - {nom: Plédran, code_insee: "22176"}\n    - {nom: Pledran, code_insee: "22176"}\n'
    )
    assert any("« Plédran » est citée deux fois" in p for p in problems_of(same_code))


def test_a_commune_joining_twice_is_refused_on_its_field() -> None:
    text = ANSWERS + "marche:\n  membres_du_groupement_de_commandes: [Uzel, Plédran, Uzel]\n"
    expected = (
        "[marche.membres_du_groupement_de_commandes] "
        "une commune est citée deux fois dans les membres du groupement"
    )
    assert any(expected in p for p in problems_of(text)), problems_of(text)


def test_redesign_needs_the_current_site() -> None:
    assert any(
        "site_actuel" in p
        for p in problems_of(ANSWERS.replace("nature: creation", "nature: refonte"))
    )


def test_check_against_catalogue(options_catalog: Path) -> None:
    catalog = load_catalog(options_catalog)
    text = ANSWERS.replace('version_catalogue: "2026.1"', 'version_catalogue: "2025.9"') + (
        "faits: {inconnu: true}\n"
        "options:\n  retenues: [Y03, Q99, Y06]\n  exclues:\n    - {id: Y02}\n    - {id: Z01, justification: non}\n"
        "valeurs:\n  Z02: {delai: deux, autre: 1}\n"
    )
    problems = [p.format() for p in check_answers(answers_from_text(text), catalog)]
    joined = "\n".join(problems)
    assert "catalogue 2025.9" in joined
    assert "question « inconnu » inconnue" in joined
    assert "option « Q99 » inconnue" in joined
    assert "ne concerne pas le profil commune" in joined
    assert "Y02 (Agenda) est recommandée : indiquez une « justification »" in joined
    assert "Z01 est une obligation légale" in joined
    assert "Z02.delai : un nombre entier est attendu" in joined
    assert "Z02 n'a pas de champ « autre »" in joined


def test_clause_context_marks_what_is_missing(mini_catalog: Path) -> None:
    context = clause_context(answers_from_text(ANSWERS), load_catalog(mini_catalog))
    assert context["collectivite"]["designation"] == "la commune de Kerbriac-sur-Lié"
    assert context["collectivite"]["domaine"] == "[à compléter : nom de domaine]"
    assert context["projet"]["niveau_nom"] == "site dynamique d'actualité"
    assert context["projet"]["nature"] == "création"
