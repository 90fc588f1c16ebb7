from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.conftest import append_items
from webpass.catalog import load_catalog
from webpass.catalog.conditions import DossierFacts, evaluate_all
from webpass.catalog.model import AnswerSpec
from webpass.core.errors import ValidationFailed


def errors_of(root: Path) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        load_catalog(root)
    return [p.format() for p in info.value.problems]


def test_mini_catalogue_loads(mini_catalog: Path) -> None:
    catalog = load_catalog(mini_catalog)
    assert [i.id for i in catalog.items] == ["Z01", "Z02"]
    assert catalog.item("z02").cost is not None
    assert catalog.item("Z02").cost.minimum == Decimal("500.00")  # type: ignore[union-attr]
    assert catalog.level_named("  Portail local CITOYEN ").number == 5  # type: ignore[union-attr]
    assert catalog.level_named("coopératif et interactif").number == 4  # type: ignore[union-attr]
    assert catalog.level_named("Dynamique et d'actualité").number == 3  # type: ignore[union-attr]
    assert catalog.level_named("n'importe quoi") is None
    assert catalog.sources["Z02"].line > catalog.sources["Z01"].line


def test_every_kind_of_error_is_reported_at_once(mini_catalog: Path) -> None:
    append_items(
        mini_catalog,
        """\
  - id: Z01
    titre: Doublon
    niveau: null
    profil: tous
    exigence: recommande
    requiert: [Z99]
    clause: Texte {{ collectivite.nomm }} et {% if %}
    reponse: {type: conformite}
  - id: Z03
    titre: Montant flottant
    niveau: 2
    profil: tous
    exigence: optionnel
    clause: Le titulaire respecte le Code des marchés publics et {{ inconnu }}.
    reponse: {type: conformite}
    cout: {min: 1500.5, max: "2000", nature: investissement, periodicite: ponctuel}
  - id: Z04
    titre: Cycle
    niveau: null
    profil: tous
    exigence: recommande
    requiert: [Z05]
    clause: Texte.
    reponse: {type: conformite}
  - id: Z05
    titre: Cycle
    niveau: null
    profil: tous
    exigence: recommande
    requiert: [Z04]
    exclut: [Z04]
    clause: Texte.
    reponse: {type: conformite}
""",
    )
    errors = "\n".join(errors_of(mini_catalog))
    assert "identifiant en double" in errors
    assert "« Z99 » n'existe pas" in errors
    assert "syntaxe de champ invalide" in errors
    assert "montant écrit comme nombre décimal" in errors
    assert "référence obsolète « Code des marchés publics »" in errors
    assert "champ inconnu « inconnu »" in errors
    assert "dépendances circulaires" in errors
    assert "contradiction" in errors
    # every line names the file and a line number
    for line in errors.splitlines():
        assert "items/01-essai.yaml:" in line


def test_yaml_bomb_in_a_section_file_is_located(mini_catalog: Path) -> None:
    (mini_catalog / "items" / "02-bombe.yaml").write_text(
        "a: &a [x, x]\nb: [*a, *a]\n", encoding="utf-8"
    )
    errors = errors_of(mini_catalog)
    assert any("02-bombe.yaml:1:" in e and "ancres et alias" in e for e in errors)


def test_unknown_fields_and_norms_are_reported(mini_catalog: Path) -> None:
    append_items(
        mini_catalog,
        """\
  - id: Z06
    titre: Champ inconnu
    niveau: null
    profil: tous
    exigence: recommande
    clausse: faute de frappe
    clause: Texte.
    reponse: {type: conformite}
    normes: [{ref: RGAA-3}]
""",
    )
    errors = "\n".join(errors_of(mini_catalog))
    assert "champ inconnu : vérifiez son orthographe" in errors
    assert "norme « RGAA-3 » absente de normes.yaml" in errors


def test_obsolete_pattern_does_not_catch_criterion_numbers(mini_catalog: Path) -> None:
    append_items(
        mini_catalog,
        """\
  - id: Z07
    titre: Contrastes
    niveau: null
    profil: tous
    exigence: recommande
    clause: Les contrastes respectent le critère 3.2 du RGAA et le RGAA 3.3.
    reponse: {type: conformite}
""",
    )
    assert load_catalog(mini_catalog).has_item("Z07")


def test_a_banned_wording_is_admitted_only_in_the_sentence_that_forbids_it(
    mini_catalog: Path,
) -> None:
    ban = (
        "Le titulaire n'utilise ni la marque de l'État, ni la police Marianne, ni le Système de\n"
        "      design de l'État (DSFR), réservés aux services de l'État."
    )
    append_items(
        mini_catalog,
        f"""\
  - id: Z08
    titre: Identité
    niveau: null
    profil: tous
    exigence: recommande
    clause: |
      La charte est propre à la commune. {ban}
    reponse: {{type: conformite}}
  - id: Z09
    titre: Gabarits
    niveau: null
    profil: tous
    exigence: recommande
    clause: Les gabarits reprennent le DSFR.
    reponse: {{type: conformite}}
""",
    )
    errors = "\n".join(errors_of(mini_catalog))
    assert "Z09" in errors and "référence obsolète « DSFR »" in errors
    assert "Z08" not in errors


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    assert "introuvable" in errors_of(tmp_path / "absent")[0]


def facts(population: int, *, electronic: bool = False) -> DossierFacts:
    return DossierFacts(
        population=population,
        staff=10,
        receipts=Decimal("0"),
        nature="refonte",
        profile="commune",
        target_level=3,
        body_type="commune",
        facts={"publication_electronique_actes": electronic},
    )


def test_conditions_follow_the_law_on_publication_of_acts(mini_catalog: Path) -> None:
    item = load_catalog(mini_catalog).item("Z02")
    small = evaluate_all(item.conditions, facts(1200))
    assert not small.holds
    assert "1\u00a0200 < 3\u00a0500" in small.reason
    assert evaluate_all(item.conditions, facts(4000)).holds
    assert evaluate_all(item.conditions, facts(1200, electronic=True)).holds


def test_a_conformity_item_takes_no_question_and_a_text_item_needs_one() -> None:
    with pytest.raises(ValidationError, match="conformité au texte"):
        AnswerSpec.model_validate({"type": "conformite", "question": "Le candidat s'engage."})
    with pytest.raises(ValidationError, match="demande une « question »"):
        AnswerSpec.model_validate({"type": "texte"})
    assert AnswerSpec.model_validate({"type": "conformite"}).question is None


def _information_item(clause: str, phrases: list[str], use: str = "renseignement") -> dict:  # type: ignore[type-arg]
    return {
        "id": "Z01",
        "titre": "Renseignement",
        "niveau": None,
        "profil": "tous",
        "exigence": "minimum_webpass",
        "clause": clause,
        "reponse": {"type": "texte", "sert_a": use, "renseignements": phrases},
        "poids": 1,
    }


def test_the_grid_asks_every_information_the_text_asks_in_the_offer() -> None:
    """Review of 1 December 2026, I3: a sentence asking « dans son offre » something no quoted
    phrase holds is refused, as is a phrase the text does not hold; a pure information takes no
    question of its own (the grid quotes the phrases)."""
    from webpass.catalog.model import Item

    clause = (
        "Le titulaire décrit dans son offre : les mesures de sécurité qu'il applique ; ses "
        "sous-traitants ultérieurs, avec leur pays. Il détruit les données."
    )
    both = [
        "les mesures de sécurité qu'il applique",
        "ses sous-traitants ultérieurs, avec leur pays",
    ]
    assert Item.model_validate(_information_item(clause, both)).answer.information == both
    with pytest.raises(ValidationError, match="sous-traitants ultérieurs"):
        Item.model_validate(_information_item(clause, both[:1]))
    with pytest.raises(ValidationError, match="absent du texte"):
        Item.model_validate(_information_item(clause, [*both, "la méthode de destruction"]))
    with pytest.raises(ValidationError, match="liste des « renseignements »"):
        AnswerSpec.model_validate({"type": "texte", "sert_a": "renseignement"})
    with pytest.raises(ValidationError, match="ne prend pas de « question »"):
        AnswerSpec.model_validate(
            {
                "type": "texte",
                "sert_a": "renseignement",
                "question": "Décrivez.",
                "renseignements": both,
            }
        )
    # Scored and information at once (H01): the rest of the sentence is the scored part.
    scored = Item.model_validate(
        {
            **_information_item(clause, both[1:], "environnement"),
            "reponse": {
                "type": "texte",
                "sert_a": "environnement",
                "question": "Indiquez.",
                "renseignements": both[1:],
            },
        }
    )
    assert scored.answer.information == both[1:]
