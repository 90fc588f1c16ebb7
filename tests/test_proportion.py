"""Proportionality: the size of the project sets the intensity of each requirement.

And the CCTP a collectivity publishes states needs in exigé / souhaité / PSE, with French
typography, within the page counts an experienced buyer would write.
"""

from __future__ import annotations

import json
import re
import shutil
from io import BytesIO
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import answers_from_text
from webpass.catalog import load_catalog
from webpass.catalog.conditions import DossierFacts, evaluate
from webpass.catalog.loaded import Catalog
from webpass.catalog.model import Condition, Demand, Intensity
from webpass.cli import cli
from webpass.core.errors import ValidationFailed
from webpass.core.resources import shipped_catalog_dir
from webpass.documents.cctp import (
    CctpDocument,
    ListBlock,
    Note,
    Paragraph,
    TableBlock,
    build_document,
)
from webpass.documents.typography import french_spacing
from webpass.dossier.opening import open_dossier
from webpass.selection.engine import Selection, select

REPO = Path(__file__).resolve().parents[1]
SMALL = REPO / "examples" / "petite-commune"
GROUPEMENT = REPO / "examples" / "communaute-de-communes"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(shipped_catalog_dir())


@pytest.fixture(scope="module")
def small() -> Selection:
    return open_dossier(SMALL).selection


def test_size_classes_follow_the_project(small: Selection, groupement: Selection) -> None:
    assert small.size.id == "petit"
    assert "population 1 201 < 3 500 (population légale INSEE 2026)" in small.size.reason.replace(
        NBSP, " "
    )
    assert groupement.size.id == "moyen"


def test_same_requirement_at_the_intensity_of_the_project(
    small: Selection, groupement: Selection
) -> None:
    h02 = small.selected("H02")
    assert h02 is not None and h02.intensity is Intensity.LIGHT
    assert h02.default_values["taux_disponibilite"] == "97,5"
    assert "97,5 %" in h02.intensity_text.replace(NBSP, " ")
    other = groupement.selected("H02")
    assert other is not None and other.intensity is Intensity.STANDARD
    # Recovery after a blocking failure: 4 working hours for the small site, without on-call.
    assert small.selected("M04").default_values["delai_bloquante_heures"] == 4  # type: ignore[union-attr]
    assert groupement.selected("M04").default_values == {}  # type: ignore[union-attr]


def test_items_left_out_because_the_project_is_small(
    small: Selection, groupement: Selection
) -> None:
    reduced = {s.item.id: s.explanation for s in small.reduced}
    # The RGAA audit is the buyer's own purchase; a small commune is not asked for it.
    assert "I02" in reduced and "petit projet" in reduced["I02"]
    assert {"C11", "L02", "J08"} <= set(reduced)
    assert "I02" in groupement.ids and not groupement.reduced


def test_audit_is_commissioned_by_the_buyer(groupement: Selection) -> None:
    from webpass.documents.cctp import render_clause

    text = " ".join(render_clause(groupement.catalog.item("I02"), groupement).split())
    assert "auditeur indépendant qu'elle choisit et rémunère elle-même" in text
    assert "sous-traitant" not in text
    assert groupement.catalog.item("I02").cost is None  # not priced by the bidder


def test_desired_and_firm_requirements(small: Selection, groupement: Selection) -> None:
    # D10 was a wish nothing scored, priced in the base: it is now exigé like the rest.
    assert small.selected("D10").demand is Demand.REQUIRED  # type: ignore[union-attr]
    assert small.selected("D10").mandatory  # type: ignore[union-attr]
    firm = groupement.selected("E02")
    assert firm is not None and firm.demand is Demand.REQUIRED
    pse = groupement.selected("F13")
    assert pse is not None and pse.demand is Demand.OPTION


def test_unknown_budget_counts_as_small() -> None:
    facts = DossierFacts(1200, 9, 0, "refonte", "commune", 3, "commune", budget=None)
    below = Condition.model_validate({"critere": "budget", "moins_de": "40000.00"})
    above = Condition.model_validate({"critere": "budget", "au_moins": "40000.00"})
    assert evaluate(below, facts).holds and not evaluate(above, facts).holds
    assert "non renseigné" in evaluate(below, facts).reason


def test_a_bigger_budget_makes_a_medium_project(catalog: Catalog) -> None:
    data = yaml.safe_load((SMALL / "webpass.yaml").read_text(encoding="utf-8"))
    data["projet"]["budget"] = "60000.00"
    selection = select(catalog, answers_from_text(yaml.safe_dump(data, allow_unicode=True)))
    assert selection.size.id == "moyen"
    assert "I02" in selection.ids


def test_selection_explains_the_intensity(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["selection", str(SMALL), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["taille"]["id"] == "petit"
    by_id = {e["id"]: e for e in data["exigences"]}
    assert by_id["H02"]["intensite"] == "allegee" and by_id["H02"]["intensite_explication"]
    assert by_id["D10"]["demande"] == "exige"
    assert {e["id"] for e in data["ecartees_projet_petit"]} >= {"I02", "L02"}
    assert data["contradictions"] == []
    table = runner.invoke(cli, ["selection", str(SMALL)])
    assert "Écartées parce que le projet est petit" in table.output
    assert "aucune contradiction" in table.output


def test_variant_with_an_unknown_size_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "catalogue"
    shutil.copytree(shipped_catalog_dir(), root)
    path = root / "items" / "08-hebergement.yaml"
    text = path.read_text(encoding="utf-8").replace("tailles: [grand]", "tailles: [enorme]", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load_catalog(root)
    assert any("taille « enorme » inconnue" in p.message for p in caught.value.problems)


# --- the published CCTP ----------------------------------------------------------------------


def texts(document: CctpDocument) -> list[str]:
    out = [document.object]
    for article in document.walk():
        out.append(article.title)
        for block in article.blocks:
            if isinstance(block, Paragraph | Note):
                out.append("".join(r.text for r in block.runs))
            elif isinstance(block, ListBlock):
                out += ["".join(r.text for r in entry) for entry in block.entries]
            elif isinstance(block, TableBlock):
                out += [cell for row in block.rows for cell in row]
    out += [expansion for _, expansion in document.glossary]
    return out


@pytest.mark.parametrize("name", ["small", "groupement"])
def test_published_cctp_states_needs_in_french_typography(
    name: str, request: pytest.FixtureRequest
) -> None:
    selection: Selection = request.getfixturevalue(name)
    document = build_document(selection)
    corpus = "\n".join(texts(document))
    for internal in ("minimum du dispositif Webpass", "Réponse attendue", "minimum Webpass"):
        assert internal not in corpus
    assert "exigé" in corpus
    without_urls = re.sub(r"https?://\S+", "", corpus)
    assert "'" not in without_urls, re.findall(r".{20}'.{20}", without_urls)[:3]
    # Amounts and numbers: « 5 000 € », never a breaking space inside or before the unit.
    assert not re.search(r"\d \d{3}\b", without_urls)
    assert not re.search(r"\d (€|%|ko)", without_urls)
    assert not re.search(r"n° ", without_urls)
    assert "n°\u00a0" in corpus or "n°" not in corpus
    assert document.toc_depth <= 2


def test_no_reference_written_twice(small: Selection) -> None:
    corpus = "\n".join(texts(build_document(small)))
    assert "article 47, modifié par l’ordonnance n°\u00a02023-859" in corpus
    assert not re.search(r"(articles? [\w-]+)[^.\n]{0,40}\), \1", corpus)


def test_french_spacing_of_amounts_units_and_apostrophes() -> None:
    text = french_spacing("L'audit coûte 2 500 € HT, n° 14, 1 000 ko ; voir https://exemple.fr/l'a")
    assert text == (
        "L\u2019audit coûte 2\u00a0500\u00a0€\u00a0HT, n°\u00a014, 1\u00a0000\u00a0ko\u202f; "
        "voir https://exemple.fr/l'a"
    )


def test_page_counts_of_the_examples(small: Selection, groupement: Selection) -> None:
    from pypdf import PdfReader

    from webpass.render.dispatch import render

    for selection, most in ((small, 20), (groupement, 35)):
        data = render(build_document(selection), "pdf").data
        assert len(PdfReader(BytesIO(data)).pages) <= most


def test_a_failed_alternative_lists_every_failed_test_with_et() -> None:
    facts = DossierFacts(1200, 9, 0, "refonte", "commune", 3, "commune", budget=None)
    either = Condition.model_validate(
        {
            "un_parmi": [
                {"critere": "population", "au_moins": 3500},
                {"critere": "effectif", "au_moins": 50},
            ]
        }
    )
    verdict = evaluate(either, facts)
    assert not verdict.holds
    assert " et " in verdict.reason and " ou " not in verdict.reason
    met = evaluate(
        Condition.model_validate(
            {
                "un_parmi": [
                    {"critere": "population", "au_moins": 1000},
                    {"critere": "effectif", "au_moins": 5},
                ]
            }
        ),
        facts,
    )
    assert met.holds and " ou " in met.reason
