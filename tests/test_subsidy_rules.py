"""The dated subsidy rules: shipped data, schema, date selection and validation errors."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from webpass.aid import (
    ExpenseLine,
    SubsidyProfile,
    SubsidyRules,
    compute_subsidy,
    load_shipped_subsidy_rules,
    load_subsidy_rules,
)
from webpass.aid.rules import GroupementRules
from webpass.core.errors import InputError, ValidationFailed
from webpass.core.resources import shipped_catalog_dir
from webpass.core.schema import render_schema
from webpass.untrusted.safe_yaml import load_yaml_file

TODAY = dt.date(2026, 6, 1)

TWO_REGIMES = """\
# yaml-language-server: $schema=schema/subsidy.schema.json
regimes:
  - id: ancien
    intitule: Règles jusqu'en 2025
    du: 2009-01-01
    au: 2025-12-31
    sources: [règlement d'essai]
    depenses:
      natures_eligibles: [investissement]
      exemples_eligibles: [réalisation du site]
    profils:
      commune: {taux: "0.40", plafond: "20000.00", teleservices_minimum: 5}
      groupement: {taux: "0.40", plafond: "25000.00", teleservices_minimum: 5, part_communes_identite_propre: "0.20"}
  - id: nouveau
    intitule: Règles depuis 2026
    du: 2026-01-01
    sources: [règlement d'essai]
    depenses:
      natures_eligibles: [investissement]
      exemples_eligibles: [réalisation du site]
    profils:
      commune: {taux: "0.50", plafond: "30000.00", teleservices_minimum: 3}
      groupement: {taux: "0.50", plafond: "40000.00", teleservices_minimum: 3, part_communes_identite_propre: "0.25"}
participation_minimale:
  - du: 2012-01-01
    part_minimale: "0.20"
    sources: [CGCT L1111-10]
    motifs_derogation:
      - {id: derogation_prefet, libelle: dérogation accordée par le préfet}
"""


def write_rules(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "catalogue"
    root.mkdir()
    (root / "subsidy.yaml").write_text(text, encoding="utf-8")
    return root


def test_shipped_rules_hold_the_issue_parameters() -> None:
    regime = load_shipped_subsidy_rules().regime_at(TODAY)
    commune = regime.for_profile(SubsidyProfile.COMMUNE)
    groupement = regime.for_profile(SubsidyProfile.GROUPEMENT)
    assert (commune.rate, commune.cap, commune.min_teleservices) == (
        Decimal("0.40"),
        Decimal("20000.00"),
        5,
    )
    assert isinstance(groupement, GroupementRules)
    assert (groupement.rate, groupement.cap, groupement.identity_share) == (
        Decimal("0.40"),
        Decimal("25000.00"),
        Decimal("0.20"),
    )
    assert commune.cap_reached_from == Decimal(50000)
    assert groupement.cap_reached_from == Decimal(62500)
    assert [n.value for n in regime.expenses.eligible_natures] == ["investissement"]
    assert "hébergement" in regime.expenses.excluded_examples


def test_shipped_minimum_self_funding() -> None:
    period = load_shipped_subsidy_rules().self_funding_at(TODAY)
    assert period.min_share == Decimal("0.20")
    assert period.start == dt.date(2012, 1, 1)
    assert {"derogation_prefet", "outre_mer", "autre"} <= {g.id for g in period.grounds}


def test_shipped_file_names_its_schema_and_matches_it() -> None:
    root = shipped_catalog_dir()
    text = (root / "subsidy.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=schema/subsidy.schema.json"
    committed = (root / "schema" / "subsidy.schema.json").read_text(encoding="utf-8")
    assert committed == render_schema(SubsidyRules), "régénérez avec « make schemas »"
    schema = json.loads(committed)
    data = load_yaml_file(root / "subsidy.yaml").data
    jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)


def test_schema_refuses_a_rate_written_as_a_number() -> None:
    schema = json.loads(render_schema(SubsidyRules))
    data = json.loads(
        json.dumps(load_yaml_file(shipped_catalog_dir() / "subsidy.yaml").data, default=str)
    )
    data["regimes"][0]["profils"]["commune"]["taux"] = 0.4
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_a_region_changes_its_rules_without_code(tmp_path: Path) -> None:
    rules = load_subsidy_rules(write_rules(tmp_path, TWO_REGIMES))
    line = [ExpenseLine("Site", Decimal(100000), "investissement")]  # type: ignore[arg-type]
    before = compute_subsidy(line, "commune", dt.date(2025, 12, 31), rules)
    after = compute_subsidy(line, "commune", dt.date(2026, 1, 1), rules)
    assert (before.regime.id, before.subsidy) == ("ancien", Decimal("20000.00"))
    assert (after.regime.id, after.subsidy) == ("nouveau", Decimal("30000.00"))
    small = [ExpenseLine("Site", Decimal(10000), "investissement")]  # type: ignore[arg-type]
    assert compute_subsidy(small, "commune", TODAY, rules).subsidy == Decimal("5000.00")


def test_a_date_outside_every_regime_is_a_clear_french_error() -> None:
    rules = load_shipped_subsidy_rules()
    with pytest.raises(InputError) as info:
        rules.regime_at(dt.date(2008, 12, 31))
    assert "aucune règle de subvention Webpass" in info.value.message
    assert "31\u00a0décembre\u00a02008" in info.value.message
    assert "1er\u00a0janvier\u00a02009" in info.value.message
    with pytest.raises(InputError, match="participation minimale"):
        rules.self_funding_at(dt.date(2011, 12, 31))


def test_closed_regime_has_a_gap_after_it(tmp_path: Path) -> None:
    text = TWO_REGIMES.replace("du: 2026-01-01", "du: 2026-03-01")
    rules = load_subsidy_rules(write_rules(tmp_path, text))
    with pytest.raises(InputError, match="aucune règle"):
        rules.regime_at(dt.date(2026, 2, 1))


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    broken = (
        TWO_REGIMES.replace('commune: {taux: "0.40"', "commune: {taux: 0.40")  # float rate
        .replace("    au: 2025-12-31\n", "")  # first regime never closed: overlap
        .replace(', part_communes_identite_propre: "0.25"', "")  # missing field
        .replace("    part_minimale:", "    plafond_bis: 3\n    part_minimale:")  # unknown key
    )
    with pytest.raises(ValidationFailed) as info:
        load_subsidy_rules(write_rules(tmp_path, broken))
    messages = [p.format() for p in info.value.problems]
    joined = "\n".join(messages)
    assert "taux écrit comme nombre décimal : mettez-le entre guillemets" in joined
    assert "champ obligatoire manquant" in joined
    assert "champ inconnu" in joined
    assert all(p.line is not None for p in info.value.problems), messages
    assert len(info.value.problems) >= 3


def test_overlapping_regimes_are_refused(tmp_path: Path) -> None:
    text = TWO_REGIMES.replace("au: 2025-12-31", "au: 2026-06-30")
    with pytest.raises(ValidationFailed) as info:
        load_subsidy_rules(write_rules(tmp_path, text))
    (problem,) = info.value.problems
    assert "encore en vigueur" in problem.message
    assert problem.line == TWO_REGIMES.splitlines().index("    du: 2026-01-01") + 1


def test_end_before_start_is_refused(tmp_path: Path) -> None:
    text = TWO_REGIMES.replace("au: 2025-12-31", "au: 2008-12-31")
    with pytest.raises(ValidationFailed, match="antérieur"):
        load_subsidy_rules(write_rules(tmp_path, text))


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ('taux: "0.50", plafond: "30000.00"', 'taux: "1.5", plafond: "30000.00"', "illisible"),
        ('taux: "0.50", plafond: "30000.00"', 'taux: "0", plafond: "30000.00"', "supérieur à 0"),
        ('plafond: "30000.00"', 'plafond: "-3"', "négatif"),
        ("natures_eligibles: [investissement]", "natures_eligibles: [loyer]", "loyer"),
    ],
)
def test_bad_values_are_explained(tmp_path: Path, old: str, new: str, fragment: str) -> None:
    assert old in TWO_REGIMES
    with pytest.raises(ValidationFailed) as info:
        load_subsidy_rules(write_rules(tmp_path, TWO_REGIMES.replace(old, new, 1)))
    assert fragment in str(info.value)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match="manquant"):
        load_subsidy_rules(tmp_path)


def test_duplicate_regime_id_is_reported(tmp_path: Path) -> None:
    text = TWO_REGIMES.replace("id: nouveau", "id: ancien")
    with pytest.raises(ValidationFailed, match="déjà utilisé"):
        load_subsidy_rules(write_rules(tmp_path, text))
