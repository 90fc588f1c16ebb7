"""The service levels of the small commune's consultation file, as a lawyer and a bidder read them
(December 2026): one outage restored within the contractual delay never breaks the availability
rate, the small site needs no night or weekend on-call, an exploited flaw has one delay, major
upgrades are owed only to stay supported, maps respect the hosting rules, the council minutes
follow the CGCT, and one incident never earns two penalties."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from webpass.catalog import load_catalog
from webpass.catalog.loaded import Catalog
from webpass.core.resources import shipped_catalog_dir
from webpass.documents.ccap import ccap_document
from webpass.documents.coherence import document_text
from webpass.documents.support_window import support_deadline, support_rule
from webpass.documents.terms import dce_terms
from webpass.dossier.opening import open_dossier
from webpass.dossier.working_days import is_working_day
from webpass.grid.build import build_grid
from webpass.selection.engine import Selection

REPO = Path(__file__).resolve().parents[1]
SMALL = REPO / "examples" / "petite-commune"
GROUPEMENT = REPO / "examples" / "communaute-de-communes"
EXAMPLES = [SMALL, GROUPEMENT]
# The contracts webpass writes today run from 2027 to 2031 (48 months at most).
CONTRACT_YEARS = range(2027, 2032)
WORKING_DAY_HOURS = 10  # 8 h to 18 h, the window the small commune's texts measure on.
# Outside the working hours, the small site is restored before 10 h the next working day: two
# working hours at most, counted from 8 h.
NEXT_MORNING_HOURS = 2


def _plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'").split())


def _texts(selection: Selection) -> dict[str, str]:
    return {row.id: _plain(row.text) for row in build_grid(selection).rows}


@pytest.fixture(scope="module", params=EXAMPLES, ids=["petite-commune", "groupement"])
def texts(request: pytest.FixtureRequest) -> dict[str, str]:
    return _texts(open_dossier(request.param).selection)


@pytest.fixture(scope="module")
def small() -> dict[str, str]:
    return _texts(open_dossier(SMALL).selection)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(shipped_catalog_dir())


def _shortest_month_hours(working_hours_only: bool) -> int:
    """The hours of the shortest calendar month the rate is measured on, over the contracts."""
    if not working_hours_only:
        return 28 * 24
    return WORKING_DAY_HOURS * min(
        sum(
            is_working_day(dt.date(year, month, day))
            for day in range(1, calendar.monthrange(year, month)[1] + 1)
        )
        for year in CONTRACT_YEARS
        for month in range(1, 13)
    )


def _tolerated_hours(rate: Decimal, working_hours_only: bool) -> Decimal:
    return (100 - rate) / 100 * _shortest_month_hours(working_hours_only)


def _rate(h02: str) -> Decimal:
    found = re.search(r"au moins ([\d,]+) %", h02)
    assert found, h02
    return Decimal(found.group(1).replace(",", "."))


def _restoration_hours(m04: str) -> int:
    found = re.search(r"interruption complète[^.]*?(?:sous|dans les) (\d+) heures", m04)
    assert found, m04
    return int(found.group(1))


def test_one_outage_restored_on_time_keeps_the_availability_rate(texts: dict[str, str]) -> None:
    h02, m04 = texts["H02"], texts["M04"]
    working_hours_only = "heures ouvrées (les jours ouvrés, de 8 h à 18 h)" in h02
    worst = _restoration_hours(m04)
    if "avant 10 h le jour ouvré suivant" in m04:
        assert working_hours_only, "an outage restored the next morning must not count at night"
        worst = max(worst, NEXT_MORNING_HOURS)
    assert _tolerated_hours(_rate(h02), working_hours_only) >= worst


@pytest.mark.parametrize("size", ["petit", "moyen", "grand"])
def test_every_size_keeps_its_rate_within_its_restoration_delay(
    catalog: Catalog, size: str
) -> None:
    def value(item_id: str, key: str) -> str:
        item = catalog.item(item_id)
        for variant in item.proportion:
            if size in variant.sizes and key in variant.values:
                return str(variant.values[key])
        (parameter,) = [p for p in item.parameters if p.key == key]
        return str(parameter.default)

    rate = Decimal(value("H02", "taux_disponibilite").replace(",", "."))
    delay = int(value("M04", "delai_bloquante_heures"))
    h02 = catalog.item("H02")
    clause = next((v.clause for v in h02.proportion if size in v.sizes and v.clause), h02.clause)
    working_hours_only = "heures ouvrées" in clause.split(".")[0]
    assert _tolerated_hours(rate, working_hours_only) >= delay, (size, rate, delay)


def test_the_small_site_needs_no_on_call(small: dict[str, str]) -> None:
    m04, h02 = small["M04"], small["H02"]
    assert "à toute heure" not in m04
    assert "avant 10 h le jour ouvré suivant" in m04
    assert "aucune astreinte" in m04
    assert "relance automatiquement" in m04
    # The rate is the one the reviewers asked for a small site, and measured where M04 acts.
    assert "heures ouvrées (les jours ouvrés, de 8 h à 18 h)" in h02
    assert "heures ouvrées (les jours ouvrés, de 8 h à 18 h)" in m04


def test_an_exploited_flaw_has_one_rule(texts: dict[str, str]) -> None:
    m04, m05 = texts["M04"], texts["M05"]
    assert "exploitable" not in m04
    assert "faille de sécurité déjà exploitée" in m04 and "M05" in m04
    # M05 states the rule once: neutralised within M04's blocking delay, then fixed.
    assert "déjà exploitée sur le site est une anomalie bloquante" in m05
    assert "délai de rétablissement de l'exigence M04" in m05


def test_major_upgrades_are_owed_only_to_stay_supported(texts: dict[str, str]) -> None:
    m05, g12 = texts["M05"], texts["G12"]
    assert "6 mois qui suivent leur publication" not in m05
    assert "avant la fin du support de la version en place" in m05
    assert "la date de fin de son support de sécurité" in g12
    # The forfait of M04 pays every upgrade: the version delivered must be supported long
    # enough that the offers price the same risk (review of 1 December 2026, M7).
    assert "24 mois" in g12 and " 6 mois" not in g12


def test_the_support_window_runs_from_the_targeted_going_online(texts: dict[str, str]) -> None:
    """The 22:25 reading, M2: the 24 months ran from the real going online, which the buyer's
    validations can push back; they run from the date the dossier targets, and a postponement
    by the buyer makes no component non-compliant."""
    g12 = texts["G12"]
    assert "dans les 24 mois qui suivent la mise en ligne." not in g12
    assert (
        "avant le 6 décembre 2029, 24 mois après la mise en ligne que vise l'acheteur "
        "(6 décembre 2027)"
        in g12
        or "avant le 15 octobre 2029, 24 mois après la mise en ligne que vise l'acheteur "
        "(15 octobre 2027)"
        in g12
    )
    assert (
        "Si la mise en ligne est reportée du fait de l'acheteur, une brique dont le support de "
        "sécurité finit moins de 24 mois après la mise en ligne réelle n'en devient pas non "
        "conforme : sa montée de version est due avant la fin de son support." in g12
    )


def test_without_a_targeted_date_the_window_asks_for_it(commune: Selection) -> None:
    project = commune.answers.project.model_copy(update={"go_live": None})
    answers = commune.answers.model_copy(update={"project": project})
    assert support_deadline(answers) is None
    rule = support_rule(dataclasses.replace(commune, answers=answers))
    assert "la mise en ligne que vise l'acheteur ([à compléter : date de mise en ligne])" in rule


def test_maps_respect_the_hosting_and_third_party_rules(texts: dict[str, str]) -> None:
    c03, g13 = texts["C03"], texts["G13"]
    assert "Union européenne" in c03 and "clic de l'internaute" in c03
    assert "C03" in g13 and "carte" in g13


def test_the_council_minutes_follow_the_cgct(texts: dict[str, str]) -> None:
    d14 = texts["D14"]
    # L2121-15: the minutes are adopted at the next session and published in the week after it;
    # L2121-25: only the list of deliberations is published within a week of its own session.
    assert "séance suivante" in d14 or "au cours de laquelle il a été arrêté" in d14
    assert "le procès-verbal de chaque séance, publiés dans la semaine" not in d14


@pytest.mark.parametrize("example", EXAMPLES, ids=["petite-commune", "groupement"])
def test_one_incident_earns_one_penalty(example: Path) -> None:
    ccap = _plain(document_text(ccap_document(dce_terms(open_dossier(example).selection))))
    assert "ne se cumulent pas pour un même incident" in ccap
    assert "mesuré sur la durée de la vérification" in ccap


def test_j01_names_no_processing_the_contract_does_not_ask(small: dict[str, str]) -> None:
    j01 = small["J01"]
    assert "comptes d'usagers" not in j01 and "lettre d'information" not in j01


def test_i04_rests_on_the_accessibility_law_not_the_crpa(texts: dict[str, str]) -> None:
    i04 = texts["I04"]
    assert "R112" not in i04 and "CRPA" not in i04
    assert "2005-102" in i04 or "2019-768" in i04


def test_a01_binds_only_what_the_requirements_need(texts: dict[str, str]) -> None:
    a01 = texts["A01"]
    assert "nécessaires au fonctionnement normal du site" not in a01
    assert "nécessaires au fonctionnement des exigences décrites" in a01
