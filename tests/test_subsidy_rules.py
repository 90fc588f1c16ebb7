"""The dated subsidy rules: shipped data, schema, date selection and validation errors."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from webpass.aid import (
    AidStanding,
    ExpenseLine,
    SchemeStatus,
    SubsidyProfile,
    SubsidyRules,
    applicability,
    compute_subsidy,
    load_shipped_subsidy_rules,
    load_subsidy_rules,
    load_user_schemes,
)
from webpass.aid.rules import GroupementRules
from webpass.core.errors import InputError, ValidationFailed
from webpass.core.resources import shipped_catalog_dir
from webpass.core.schema import render_schema
from webpass.untrusted.safe_yaml import load_yaml_file

TODAY = dt.date(2026, 6, 1)

TWO_SCHEMES = """\
# yaml-language-server: $schema=schema/subsidy.schema.json
dispositifs:
  - id: regional
    intitule: Aide régionale d'essai
    financeur: Région Île-de-France
    statut: historique
    territoire: {regions: [Île-de-France]}
    du: 2009-01-01
    au: 2025-12-31
    sources: [règlement d'essai]
    depenses:
      natures_eligibles: [investissement]
      exemples_eligibles: [réalisation du site]
    minimum_webpass: true
    profils:
      commune: {taux: "0.40", plafond: "20000.00", teleservices_minimum: 5}
      groupement: {taux: "0.40", plafond: "25000.00", teleservices_minimum: 5, part_communes_identite_propre: "0.20"}
  - id: departemental
    intitule: Aide départementale d'essai
    financeur: Département des Côtes-d'Armor
    statut: en_vigueur
    territoire: {departements: [Côtes-d'Armor]}
    du: 2026-01-01
    sources: [délibération d'essai]
    depenses:
      natures_eligibles: [investissement]
      exemples_eligibles: [réalisation du site]
    profils:
      commune: {taux: "0.50", plafond: "30000.00", teleservices_minimum: 3}
participation_minimale:
  - du: 2012-01-01
    part_minimale: "0.20"
    sources: [CGCT L1111-10]
    motifs_derogation:
      - {id: derogation_prefet, libelle: dérogation du préfet}
"""


def write_rules(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "catalogue"
    root.mkdir()
    (root / "subsidy.yaml").write_text(text, encoding="utf-8")
    return root


def test_shipped_rules_hold_the_issue_parameters() -> None:
    scheme = load_shipped_subsidy_rules().scheme("webpass")
    commune = scheme.for_profile(SubsidyProfile.COMMUNE)
    groupement = scheme.for_profile(SubsidyProfile.GROUPEMENT)
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
    # the eligible base from which the cap applies
    assert commune.cap / commune.rate == Decimal(50000)
    assert groupement.cap / groupement.rate == Decimal(62500)
    assert [n.value for n in scheme.expenses.eligible_natures] == ["investissement"]
    assert "l'hébergement" in scheme.expenses.excluded_examples
    # Its real territory, period and status: an Île-de-France aid of 2009, not a Breton one.
    assert scheme.territory.regions == ["Île-de-France"]
    assert scheme.status is SchemeStatus.HISTORICAL
    assert scheme.start == dt.date(2009, 1, 1) and scheme.end is not None
    assert any("règlement d'intervention n° 14" in s and "CR 65-07" in s for s in scheme.sources)
    assert scheme.webpass_minimum


@pytest.mark.parametrize(
    ("on", "department", "standing", "fragments"),
    [
        (dt.date(2009, 6, 1), "91", AidStanding.REQUESTABLE, []),
        # Another territory or another period: the scheme does not apply at all (0 €).
        (dt.date(2009, 6, 1), "22", AidStanding.NOT_APPLICABLE, ["hors territoire", "Bretagne"]),
        (dt.date(2027, 1, 11), "91", AidStanding.NOT_APPLICABLE, ["hors période"]),
        (
            dt.date(2027, 1, 11),
            "22",
            AidStanding.NOT_APPLICABLE,
            ["hors période", "hors territoire"],
        ),
        (dt.date(2009, 6, 1), None, AidStanding.SIMULATION, ["territoire non vérifié"]),
    ],
)
def test_webpass_applies_only_in_its_territory_and_period(
    on: dt.date, department: str | None, standing: AidStanding, fragments: list[str]
) -> None:
    scheme = load_shipped_subsidy_rules().scheme("webpass")
    found = applicability(scheme, on, department)
    assert found.standing is standing
    assert found.label == standing.label
    for fragment in fragments:
        assert any(fragment in reason for reason in found.reasons), found.reasons
    if standing is AidStanding.REQUESTABLE:
        assert found.reasons == ()


def test_a_hypothesis_is_always_a_simulation(tmp_path: Path) -> None:
    text = TWO_SCHEMES.replace("statut: en_vigueur", "statut: hypothese")
    scheme = load_subsidy_rules(write_rules(tmp_path, text)).scheme("departemental")
    found = applicability(scheme, dt.date(2026, 6, 1), "22")
    assert found.simulation
    assert "hypothèse" in found.reasons[0]


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
    data["dispositifs"][0]["profils"]["commune"]["taux"] = 0.4
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_schemes_are_picked_by_id(tmp_path: Path) -> None:
    rules = load_subsidy_rules(write_rules(tmp_path, TWO_SCHEMES))
    line = [ExpenseLine("Site", Decimal(100000), "investissement")]  # type: ignore[arg-type]
    regional = compute_subsidy(line, "commune", dt.date(2025, 12, 31), rules, department="75")
    local = compute_subsidy(
        line, "commune", TODAY, rules, scheme_id="departemental", department="22"
    )
    assert (regional.scheme.id, regional.subsidy, regional.simulation) == (
        "regional",
        Decimal("20000.00"),
        False,
    )
    assert (local.scheme.id, local.subsidy, local.simulation) == (
        "departemental",
        Decimal("30000.00"),
        False,
    )
    with pytest.raises(InputError, match="dispositif « inconnu » inconnu ; dispositifs connus"):
        rules.scheme("inconnu")
    with pytest.raises(InputError, match="ne prévoit rien pour le profil groupement"):
        compute_subsidy(line, "groupement", TODAY, rules, scheme_id="departemental")


def test_no_minimum_self_funding_before_2000() -> None:
    with pytest.raises(InputError, match="participation minimale"):
        load_shipped_subsidy_rules().self_funding_at(dt.date(1999, 12, 31))


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    broken = (
        TWO_SCHEMES.replace('commune: {taux: "0.40"', "commune: {taux: 0.40")  # float rate
        .replace("    financeur: Région Île-de-France\n", "")  # missing field
        .replace("{regions: [Île-de-France]}", "{regions: [Atlantide]}")  # unknown region
        .replace("    part_minimale:", "    plafond_bis: 3\n    part_minimale:")  # unknown key
    )
    with pytest.raises(ValidationFailed) as info:
        load_subsidy_rules(write_rules(tmp_path, broken))
    messages = [p.format() for p in info.value.problems]
    joined = "\n".join(messages)
    assert "taux écrit comme nombre décimal : mettez-le entre guillemets" in joined
    assert "champ obligatoire manquant" in joined
    assert "champ inconnu" in joined
    assert "« Atlantide »" in joined
    assert all(p.line is not None for p in info.value.problems), messages
    assert len(info.value.problems) >= 4


def test_end_before_start_is_refused(tmp_path: Path) -> None:
    text = TWO_SCHEMES.replace("au: 2025-12-31", "au: 2008-12-31")
    with pytest.raises(ValidationFailed, match="antérieur"):
        load_subsidy_rules(write_rules(tmp_path, text))


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ('taux: "0.50", plafond: "30000.00"', 'taux: "1.5", plafond: "30000.00"', "illisible"),
        ('taux: "0.50", plafond: "30000.00"', 'taux: "0", plafond: "30000.00"', "supérieur à 0"),
        ('plafond: "30000.00"', 'plafond: "-3"', "négatif"),
        ("natures_eligibles: [investissement]", "natures_eligibles: [loyer]", "loyer"),
        (
            "{departements: [Côtes-d'Armor]}",
            "{departements: [Côtes-d'Armor], tout: true}",
            "exclut",
        ),
        ("{departements: [Côtes-d'Armor]}", "{}", "territoire vide"),
    ],
)
def test_bad_values_are_explained(tmp_path: Path, old: str, new: str, fragment: str) -> None:
    assert old in TWO_SCHEMES
    with pytest.raises(ValidationFailed) as info:
        load_subsidy_rules(write_rules(tmp_path, TWO_SCHEMES.replace(old, new, 1)))
    assert fragment in str(info.value)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match="manquant"):
        load_subsidy_rules(tmp_path)


def test_duplicate_scheme_id_is_reported(tmp_path: Path) -> None:
    text = TWO_SCHEMES.replace("id: departemental", "id: regional")
    with pytest.raises(ValidationFailed, match="déjà utilisé"):
        load_subsidy_rules(write_rules(tmp_path, text))


USER_SCHEMES = """\
# yaml-language-server: $schema=schema/dispositifs.schema.json
dispositifs:
  - id: detr
    intitule: DETR — dotation d'équipement des territoires ruraux
    financeur: État (préfecture des Côtes-d'Armor)
    statut: hypothese
    territoire: {departements: ["22"]}
    du: 2026-01-01
    sources: [circulaire préfectorale DETR 2027 (à vérifier)]
    depenses:
      natures_eligibles: [investissement]
      exemples_eligibles: [réalisation du site]
    profils:
      commune: {taux: "0.30", plafond: "15000.00"}
"""


def test_a_collectivity_adds_its_own_schemes(tmp_path: Path) -> None:
    path = tmp_path / "dispositifs.yaml"
    path.write_text(USER_SCHEMES, encoding="utf-8")
    rules = load_shipped_subsidy_rules().with_schemes(load_user_schemes(path))
    assert [s.id for s in rules.schemes] == ["webpass", "detr"]
    line = [ExpenseLine("Site", Decimal(10000), "investissement")]  # type: ignore[arg-type]
    detr = compute_subsidy(line, "commune", TODAY, rules, scheme_id="detr", department="22")
    assert detr.subsidy == Decimal("3000.00")
    assert detr.simulation  # an unverified hypothesis stays a simulation
    path.write_text(USER_SCHEMES.replace("id: detr", "id: webpass"), encoding="utf-8")
    with pytest.raises(InputError, match="déjà pris par le catalogue"):
        load_shipped_subsidy_rules().with_schemes(load_user_schemes(path))
    path.write_text(USER_SCHEMES.replace('taux: "0.30"', "taux: 0.30"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        load_user_schemes(path)
    assert (
        info.value.problems[0].line
        == USER_SCHEMES.splitlines().index('      commune: {taux: "0.30", plafond: "15000.00"}') + 1
    )


def test_every_departement_belongs_to_exactly_one_region() -> None:
    from webpass.aid.territory import REGIONS, Territory, region_of
    from webpass.dossier.geo import DEPARTEMENTS

    for code in DEPARTEMENTS:
        owners = [name for name, codes in REGIONS.items() if code in codes]
        assert len(owners) == 1, (code, owners)
        region = region_of(code)
        assert region is not None
        assert Territory.model_validate({"regions": [region]}).covers(code)
        assert Territory.model_validate({"departements": [code]}).covers(code)
        assert Territory.model_validate({"tout": True}).covers(code)
    assert not Territory.model_validate({"regions": ["ile-de-france"]}).covers("22")
    assert Territory.model_validate({"regions": ["ILE DE FRANCE"]}).covers("91")
