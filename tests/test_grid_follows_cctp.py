"""The response grid is a contractual piece: it asks nothing the CCTP does not ask.

For both example dossiers, every question of the grid is held to the text the CCTP prints for
the same requirement in that dossier (size variant, parameters, PSE or not): its figures, its
deadlines and frequencies, its words of duty, and what it asks the bidder to provide (a feature,
a datum, evidence); the grid names the strength with the CCTP's word.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from webpass.catalog.load import load_catalog
from webpass.catalog.model import AnswerKind, CostPeriod, Demand, Item, Strength
from webpass.core.resources import shipped_catalog_dir
from webpass.documents.question import conformity_question
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.check import check_offer
from webpass.grid.labels import LabelRegistry
from webpass.grid.model import Grid
from webpass.grid.read import FilledGrid, FilledRow
from webpass.selection.engine import Reason, SelectedItem

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ("petite-commune", "communaute-de-communes")

# Words that fix a duty, a deadline or a frequency: a question may use one only where the CCTP
# text of the same requirement does (as a prefix, so « annuel » also covers « annuelle »).
DUTY_WORDS = (
    "annuel",
    "chaque année",
    "par an",
    "mensuel",
    "chaque mois",
    "chaque semaine",
    "sans limite",
    "illimité",
    "jours ouvrés",
    "jours calendaires",
    "heures",
    "semaines",
    "obligatoire",
    "impérati",
    "s'engage",
    "garantit",
    "pse",
    "prestation supplémentaire",
    "test",
    "tutoriel",
    "aide-mémoire",
    "archives",
    "épingl",
    "commission",
)
# What a question asks the bidder to provide beyond a duty or a figure: a feature (a format, an
# export or import, a feed from another software, indexing, automation), a datum (a frequency,
# certifications, the hosting's energy) or evidence from another contract (a comparable site, an
# example, experience). Figures and duty words alone let such questions through (C10's frequency,
# D04's formats, D05's feed, D09's PDF indexing, H01's certifications where its text has none,
# G04/G13's measurements on a comparable site, B03's sample tree): each pattern may appear in a
# question only where the printed text of the same requirement has it.
PROVIDED = (
    r"fréquence",
    r"\bformats?\b",
    r"\bs?'?(?:export|import)",
    r"\bflux\b",
    r"\blogiciel",
    r"\bindex",
    r"texte intégral",
    r"\bautomatique",
    r"\bcertific",
    r"\bqualification",
    r"électricité",
    r"\bpue\b",
    r"énergétique",
    r"comparable",
    r"\bexemple",
    r"\bexpérience",
    r"\bréférences?\b",
    r"que vous avez",
    r"pour une collectivité",
    r"\bcoûts?\b",
    # A link to another system (F04's national appointment platform where the CCTP has none).
    r"\braccord",
    r"plateforme nationale",
    r"titres? d'identité",
)


def _added(question: str, text: str) -> list[str]:
    """The figures, duty words and provided things of ``question`` that ``text`` lacks."""
    figures = [f for f in _FIGURE.findall(question) if f not in text]
    duties = [
        w
        for w in DUTY_WORDS
        if re.search(rf"\b{re.escape(w)}", question) and not re.search(rf"\b{re.escape(w)}", text)
    ]
    provided = [p for p in PROVIDED if re.search(p, question) and not re.search(p, text)]
    return figures + duties + provided


# A figure, in digits or in words (« sous cinq jours »).
_FIGURE = re.compile(
    r"\d+(?:[ .,]\d+)*|\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|"
    r"vingt|trente|cent)\b"
)


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ").replace("’", "'").lower()


@pytest.fixture(scope="module", params=EXAMPLES)
def grid(request: pytest.FixtureRequest) -> Grid:
    return build_grid(open_dossier(ROOT / "examples" / request.param).selection)


def test_every_figure_of_a_question_is_in_the_cctp_text(grid: Grid) -> None:
    wrong = {
        row.id: figure
        for row in grid.rows
        for figure in _FIGURE.findall(_plain(row.question))
        if figure not in _plain(row.text)
    }
    assert not wrong


def test_no_question_adds_a_duty_deadline_or_feature(grid: Grid) -> None:
    wrong = {
        row.id: added
        for row in grid.rows
        if (added := _added(_plain(row.question), _plain(row.text)))
    }
    assert not wrong


def test_the_provided_patterns_catch_what_the_review_found() -> None:
    """The questions a lawyer and a bidder found asking more than their text, as they were."""
    found = {
        "C10": (
            "indiquez comment vous intégrez les informations de service-public.fr (liens ou reprise "
            "automatique), à quelle fréquence elles sont mises à jour",
            "un guide des démarches classé par situation de vie, qui renvoie vers service-public.fr.",
        ),
        "D04": (
            "précisez dans quels formats l'agenda s'exporte ou s'importe",
            "un agenda des manifestations (liste et vue par mois, filtres par date et par thème).",
        ),
        "D09": (
            "précisez s'il indexe le texte intégral des documents pdf et odf",
            "un moteur de recherche présent sur toutes les pages.",
        ),
        "H01": (
            "indiquez ses certifications, son indicateur pue et l'origine de son électricité.",
            "le titulaire héberge le site dans l'union européenne.",
        ),
        "G13": (
            "les valeurs mesurées sur un site comparable que vous avez réalisé.",
            "chaque gabarit de page transfère au plus 1 000 ko.",
        ),
        "B03": (
            "joignez un exemple d'arborescence livrée pour une collectivité comparable.",
            "le titulaire remet l'arborescence sous forme de tableau.",
        ),
    }
    assert all(_added(question, text) for question, text in found.values())
    # And a question that asks only what its text says passes.
    assert not _added(
        "décrivez le déroulement de l'atelier et le tableau remis.",
        "au cours d'un atelier ; le titulaire remet l'arborescence sous forme de tableau.",
    )


_IN_WORDS = {2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 10: "dix", 12: "douze"}


def test_a_minimum_is_the_cctp_figure(grid: Grid) -> None:
    for row in grid.rows:
        if row.minimum is not None:
            figure = f"{row.minimum.normalize():f}".replace(".", ",")  # « 97,5 % », as printed
            written = {f"{figure} {row.unit}", f"{_IN_WORDS.get(int(row.minimum))} {row.unit}"}
            assert any(form in _plain(row.text) for form in written), row.id


def test_a_conformity_question_points_at_the_printed_text(grid: Grid) -> None:
    catalog = load_catalog(shipped_catalog_dir())
    for row in grid.rows:
        if catalog.item(row.id).answer.kind is AnswerKind.CONFORMITY:
            assert "texte de l'exigence tel que le cctp le publie" in _plain(row.question)


def test_the_grid_names_the_strength_with_the_cctp_word(grid: Grid) -> None:
    labels = {row.strength_label for row in grid.rows}
    assert "Obligatoire" not in labels
    assert labels <= {"Exigé", "Souhaité", "PSE (réponse exigée)", "Information"}


@pytest.mark.parametrize("label", ["PSE (réponse exigée)", "Option (PSE)"])
def test_a_pse_left_out_makes_the_offer_irregular(label: str) -> None:
    """Every bidder prices and proposes each PSE (webpass.compare.pse): a PSE answered otherwise
    than « Conforme » is blocking, whether the grid prints the current or an earlier label."""
    row = FilledRow("ligne 2", id="F13", title="Option", strength=label)
    row.conformity = "Non conforme"
    row.justification = "Non proposée."
    report = check_offer(FilledGrid("offre.xlsx", rows=[row]), LabelRegistry(solutions=[]))
    codes = {a.code for a in report.anomalies if a.item == "F13"}
    assert "obligatoire_non_conforme" in codes


# A restoration or correction deadline with its figure: the service levels of M04.
_SERVICE_LEVEL = re.compile(
    r"(rétabli|corrig|correction)[^.;\n]*?\b(\d+|une?|deux|trois|quatre|cinq|six|huit|dix)\s+"
    r"(heures? ouvrées|jours? ouvrés)"
    r"|\b(\d+|deux|trois|quatre|cinq|six|huit|dix)\s+(heures? ouvrées|jours? ouvrés)"
    r"[^.;\n]*?(rétabli|corrig|correction)",
    re.IGNORECASE,
)
# Deadlines that are other quantities than M04's: the revised mock-ups of a design round (B02),
# the corrections an accessibility audit asks before the counter-audit, before going live (I02).
_OTHER_QUANTITIES = {"B02", "I02"}


@pytest.mark.parametrize("example", EXAMPLES)
def test_service_levels_are_stated_once_in_m04(example: str) -> None:
    """An outage restored or a defect corrected: one figure each, in M04, referred to elsewhere
    (H03's restoration after a disaster, I07's accessibility defects, G06's redirections)."""
    grid = build_grid(open_dossier(ROOT / "examples" / example).selection)
    stating = {
        row.id
        for row in grid.rows
        if _SERVICE_LEVEL.search(row.text.replace("\u00a0", " ").replace("\u202f", " "))
    }
    assert "M04" in stating
    assert stating - {"M04"} <= _OTHER_QUANTITIES
    texts = {row.id: _plain(row.text) for row in grid.rows}
    # H03 still sets its own delay to restore one deleted content on request, another quantity.
    for referring, unit in (("H03", "heures ouvrées"), ("I07", "jours ouvrés")):
        assert "l'exigence m04" in texts[referring]
        assert not re.search(rf"\d+ {unit}", texts[referring])


def test_the_conformity_question_follows_how_the_cctp_asks() -> None:
    catalog = load_catalog(shipped_catalog_dir())
    pse_item = catalog.item("C06")
    per_unit = next(
        i for i in catalog.items if i.cost is not None and i.cost.period is CostPeriod.PER_UNIT
    )

    def asked(item: Item, demand: Demand) -> str:
        selected = SelectedItem(item, Strength.OPTIONAL, Reason.OPTION, "", demand)
        return _plain(conformity_question(selected))

    assert "prestation supplémentaire éventuelle" in asked(pse_item, Demand.OPTION)
    assert "commandées sur cette ligne" in asked(per_unit, Demand.OPTION)
    assert "souhaitée" in asked(pse_item, Demand.DESIRED)
    required = asked(pse_item, Demand.REQUIRED)
    assert "souhait" not in required and "supplémentaire" not in required


def test_every_catalogue_question_holds_against_every_text_its_item_may_publish() -> None:
    """Beyond the two examples: whatever the dossier's size variant or table of needs, a
    number or text question names no figure nor duty its published text lacks."""
    catalog = load_catalog(shipped_catalog_dir())
    wrong = []
    for item in catalog.items:
        if item.answer.question is None:
            continue
        question = _plain(item.answer.question)
        texts = [item.clause, item.need, *(v.clause for v in item.proportion)]
        texts += [v.need for v in item.proportion]
        for text in (_plain(t) for t in texts if t):
            if added := _added(question, text):
                wrong.append((item.id, added))
    assert not wrong


@pytest.mark.parametrize("label", ["Exigé", "exige", "Obligatoire"])
def test_a_grid_without_its_reference_reads_exige_as_mandatory(label: str) -> None:
    """A grid checked against itself (no carried reference) takes « Exigé », as the grid now
    prints it, and « Obligatoire », as earlier grids did, for a requirement an offer must meet."""
    row = FilledRow("ligne 2", id="C04", title="Mentions légales", strength=label)
    row.conformity = "Non conforme"
    offer = FilledGrid("offre.xlsx", rows=[row])
    report = check_offer(offer, LabelRegistry(solutions=[]))
    codes = {a.code for a in report.anomalies if a.item == "C04"}
    assert "obligatoire_non_conforme" in codes
    desired = FilledRow("ligne 3", id="D10", title="Bandeau", strength="Souhaité")
    desired.conformity = "Non conforme"
    report = check_offer(FilledGrid("offre.xlsx", rows=[desired]), LabelRegistry(solutions=[]))
    assert "obligatoire_non_conforme" not in {a.code for a in report.anomalies}


def test_a_question_never_asks_the_price_of_its_line() -> None:
    """A priced requirement's price is written once, on its price line (and in the DPGF-BPU or
    the quote form): a question that asks it again invites two prices for one line."""
    catalog = load_catalog(shipped_catalog_dir())
    asking = [
        item.id
        for item in catalog.items
        if item.cost is not None
        and item.answer.question is not None
        and re.search(r"\bprix\b", _plain(item.answer.question))
    ]
    assert not asking
