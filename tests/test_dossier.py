"""One typed ``open_dossier()``: validated answers, selection, estimate, procedure and aid schemes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from webpass.aid import FundingStatus, SubsidyResult
from webpass.catalog import load_shipped_catalog
from webpass.cli import cli
from webpass.core.errors import InputError, ValidationFailed
from webpass.dossier.answers import load_answers
from webpass.dossier.opening import Dossier, build_dossier, open_dossier

SMALL = REPO / "examples" / "petite-commune"

DETR = """\
# yaml-language-server: $schema=schema/dispositifs.schema.json
dispositifs:
  - id: detr
    intitule: DETR — dotation d'équipement des territoires ruraux
    financeur: État (préfecture des Côtes-d'Armor)
    statut: en_vigueur
    territoire: {departements: [Côtes-d'Armor]}
    du: 2026-01-01
    sources: [arrêté préfectoral DETR 2027, catégorie « numérique »]
    depenses:
      natures_eligibles: [investissement]
      exemples_eligibles: [réalisation du site]
    profils:
      commune: {taux: "0.50", plafond: "8000.00"}
  - id: aide_cd22
    intitule: Aide départementale aux communes rurales
    financeur: Département des Côtes-d'Armor
    statut: en_vigueur
    territoire: {departements: ["22"]}
    du: 2026-01-01
    sources: [règlement départemental d'essai]
    depenses:
      natures_eligibles: [investissement]
      exemples_eligibles: [réalisation du site]
    profils:
      commune: {taux: "0.40", plafond: "5000.00"}
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    folder = tmp_path / "petite-commune"
    shutil.copytree(SMALL, folder)
    return folder


def test_open_dossier_returns_a_typed_dossier() -> None:
    dossier = open_dossier(SMALL)
    assert isinstance(dossier, Dossier)
    assert dossier.estimate is dossier.selection.estimate
    assert dossier.procedure.code == "dispense"
    assert [r.scheme.id for r in dossier.aid.results] == ["webpass"]
    assert isinstance(dossier.aid.main, SubsidyResult)
    # A Breton commune in 2027: the Île-de-France scheme of 2009 does not apply, 0 €.
    assert dossier.aid.main.not_applicable and dossier.aid.main.subsidy == 0
    assert not hasattr(dossier.selection, "extras")
    assert dossier.answers_path == SMALL / "webpass.yaml"


def test_the_wizards_and_the_batch_build_the_same_dossier() -> None:
    answers, located = load_answers(SMALL)
    built = build_dossier(load_shipped_catalog(), answers, SMALL, located=located)
    opened = open_dossier(SMALL)
    assert built.estimate == opened.estimate
    assert built.procedure == opened.procedure
    assert built.aid.as_json() == opened.aid.as_json()


def test_schemes_beside_the_dossier_join_the_financing_plan(small: Path) -> None:
    (small / "dispositifs.yaml").write_text(DETR, encoding="utf-8")
    dossier = open_dossier(small)
    results = {r.scheme.id: r for r in dossier.aid.results}
    assert set(results) == {"webpass", "detr", "aide_cd22"}
    # the central investment is 10,900 € HT (the socle's creation; its initial training, 600 €,
    # is an operating expense): DETR 50 % capped at 8,000 → 5,450; département 40 % → 4,360
    assert (results["detr"].subsidy, results["detr"].simulation) == (Decimal("5450.00"), False)
    assert results["aide_cd22"].subsidy == Decimal("4360.00")
    plan = dossier.aid.financing.plan
    counted = {f.label: f for f in plan.counted}
    assert all(
        f.status in (FundingStatus.REQUESTABLE, FundingStatus.DECLARED) for f in plan.counted
    )
    assert [f.status for f in plan.simulated] == [FundingStatus.NOT_APPLICABLE]  # Webpass
    # 5,450 + 4,360 + 2,000 declared = 11,810 > 80 % of 10,900 (8,720): give up 3,090
    report = dossier.aid.financing
    assert report.total_aid == Decimal("11810.00")
    assert not report.ok
    assert report.to_give_up == Decimal("3090.00")
    assert len(counted) == 3


def test_cli_picks_a_scheme_and_a_schemes_file(small: Path, tmp_path: Path) -> None:
    schemes = tmp_path / "mes-aides.yaml"
    schemes.write_text(DETR, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["subvention", str(small), "--dispositifs", str(schemes), "--dispositif", "detr", "--json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["dispositif"]["id"], data["subvention"]) == ("detr", "5450.00")
    assert data["statut_calcul"] == "montant_maximal_sollicitable"
    assert [d["dispositif"]["id"] for d in data["dispositifs"]] == ["webpass", "detr", "aide_cd22"]


def test_a_wrong_schemes_file_names_its_line(small: Path) -> None:
    (small / "dispositifs.yaml").write_text(
        DETR.replace('taux: "0.50"', 'taux: "cinquante"'), encoding="utf-8"
    )
    with pytest.raises(ValidationFailed) as info:
        open_dossier(small)
    (problem,) = info.value.problems
    assert problem.file is not None and problem.file.endswith("dispositifs.yaml")
    assert (
        problem.line
        == DETR.splitlines().index('      commune: {taux: "0.50", plafond: "8000.00"}') + 1
    )


def test_a_scheme_cannot_take_the_catalogue_id(small: Path) -> None:
    (small / "dispositifs.yaml").write_text(
        DETR.replace("id: detr", "id: webpass"), encoding="utf-8"
    )
    with pytest.raises(InputError, match="déjà pris par le catalogue"):
        open_dossier(small)


def test_the_example_schemes_file_is_valid_and_stays_a_simulation(small: Path) -> None:
    example = REPO / "examples" / "dispositifs-exemple.yaml"
    dossier = open_dossier(small, schemes_file=example)
    results = {r.scheme.id: r for r in dossier.aid.results}
    assert set(results) == {"webpass", "detr", "aide_departement_22"}
    assert results["webpass"].not_applicable  # another region's aid, closed in 2010
    assert all(r.simulation for k, r in results.items() if k != "webpass")  # hypotheses
    assert dossier.aid.financing.plan.simulated


def test_making_a_document_does_not_load_the_aid_package() -> None:
    # The aid schemes of a dossier on the shipped catalogue cannot fail: they are only read
    # and computed when asked for, so « webpass generer » never imports webpass.aid.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from webpass.dossier.opening import open_dossier\n"
        "from webpass.documents.cctp import build_document\n"
        f"dossier = open_dossier(Path({str(SMALL)!r}))\n"
        "build_document(dossier.selection)\n"
        "assert not [m for m in sys.modules if m.startswith('webpass.aid')], 'aid loaded'\n"
        "assert [r.scheme.id for r in dossier.aid.results] == ['webpass']\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


def test_the_schemes_file_name_is_the_aid_package_s() -> None:
    from webpass.aid.rules import SCHEMES_FILE as AID_SCHEMES_FILE
    from webpass.dossier.opening import SCHEMES_FILE

    assert SCHEMES_FILE == AID_SCHEMES_FILE


def test_a_custom_catalogue_s_wrong_subsidy_rules_are_reported_when_opening(
    tmp_path: Path,
) -> None:
    from webpass.core.resources import shipped_catalog_dir

    catalogue = tmp_path / "catalogue"
    shutil.copytree(shipped_catalog_dir(), catalogue)
    (catalogue / "subsidy.yaml").write_text("dispositifs: []\n", encoding="utf-8")
    with pytest.raises(ValidationFailed):
        open_dossier(SMALL, catalogue)


def test_a_dossier_built_with_a_wrong_schemes_file_beside_it_fails_when_built(small: Path) -> None:
    (small / "dispositifs.yaml").write_text("dispositifs: 12\n", encoding="utf-8")
    answers, located = load_answers(small)
    with pytest.raises(ValidationFailed):
        build_dossier(load_shipped_catalog(), answers, small, located=located)


def test_a_groupement_plan_is_drawn_on_the_coordinators_share_as_in_the_rao() -> None:
    """The aids a groupement declares are the coordinator's: `webpass selection` draws the plan
    on its share of the estimate, by the convention's key, as the RAO does on the offer
    (review of 1 December 2026, R10)."""
    from webpass.aid.member_shares import estimate_investment

    dossier = open_dossier(REPO / "examples" / "communaute-de-communes")
    shares = estimate_investment(dossier.selection)
    own = next(s.amount for s in shares if s.coordinator)
    investment = dossier.estimate.investment.central
    assert Decimal(0) < own < investment / 2
    # Every euro of the estimate is someone's, to the cent of each member's rounding.
    assert abs(sum(s.amount for s in shares) - investment) <= Decimal("0.01") * len(shares)
    report = dossier.aid.financing
    assert report.plan.cost == own
    assert report.own_contribution == own - report.total_aid
    # A single collectivity pays the whole investment.
    assert (
        open_dossier(SMALL).aid.financing.plan.cost
        == open_dossier(SMALL).estimate.investment.central
    )


def test_the_training_charged_to_6184_is_no_investment() -> None:
    """The quote prices the training (L03, L04, account 6184) and the documentation (L05, 2051)
    as two phases: the training's price leaves the investment base as the offer gives it, with
    no key of webpass's (review of 1 December 2026, small commune M6; rev11b § 3)."""
    from webpass.aid.attach import offer_lines
    from webpass.catalog.model import CostNature
    from webpass.grid.read import read_filled_grid

    selection = open_dossier(SMALL).selection
    lines = offer_lines(
        selection, read_filled_grid(SMALL / "offres" / "01-exemple-libre-scop.xlsx")
    )
    training = [line for line in lines if line.item_id == "L03"]
    documentation = [line for line in lines if line.item_id == "L05"]
    assert [line.nature for line in training] == [CostNature.OPERATING]
    assert [line.nature for line in documentation] == [CostNature.INVESTMENT]
    assert training[0].label == "Phase Formation"
    assert documentation[0].label == "Phase Documentation"
    assert all(line.estimated_share is None for line in lines)
