"""What a lawyer and a bidder found in catalogue items: a duty never carries a wish, a wish is
never a free line of the base price, every domain of a groupement's sites is renewed, and the
service levels say once how a 24/7 availability meets working-hours support."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from tests.conftest import answers_from_text
from webpass.catalog import load_catalog
from webpass.catalog.loaded import Catalog
from webpass.catalog.model import Demand, Item, Variant
from webpass.core.resources import shipped_catalog_dir
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.selection.engine import Selection, select

REPO = Path(__file__).resolve().parents[1]
SMALL = REPO / "examples" / "petite-commune"
GROUPEMENT = REPO / "examples" / "communaute-de-communes"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(shipped_catalog_dir())


@pytest.fixture(scope="module")
def small() -> Selection:
    return open_dossier(SMALL).selection


def _plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'").split())


def _texts(selection: Selection) -> dict[str, str]:
    return {row.id: _plain(row.text) for row in build_grid(selection).rows}


def _published_texts(item: Item) -> list[tuple[str, str]]:
    """Every text the item may publish as a required item: its own, and each variant's."""
    texts = [("clause", item.clause), ("besoin", item.need or "")]
    for variant in item.proportion:
        if variant.left_out:
            continue
        texts += [("variante", variant.clause or ""), ("besoin de variante", variant.need or "")]
    return texts


def test_no_required_text_carries_a_wish(catalog: Catalog) -> None:
    # H06 was exigé and said « 2FA souhaitée »: an exigé item is either asked or not.
    wishes = [
        f"{item.id} ({where})"
        for item in catalog.items
        for where, text in _published_texts(item)
        # « souhaité(e)(s) » states a wish; « si la collectivité le souhaite » is the buyer's
        # own choice, made before the consultation.
        if re.search(r"\bsouhaitée?s?\b", text, re.IGNORECASE)
    ]
    assert wishes == []


def test_h06_requires_two_factor_authentication_for_administrators(
    small: Selection, groupement: Selection
) -> None:
    for selection in (small, groupement):
        text = _texts(selection)["H06"]
        assert selection.selected("H06").demand is Demand.REQUIRED  # type: ignore[union-attr]
        assert "deux facteurs" in text and "souhait" not in text


def test_a_variant_may_not_ask_a_wish() -> None:
    with pytest.raises(ValidationError, match="souhaite"):
        Variant.model_validate(
            {
                "tailles": ["petit"],
                "intensite": "allegee",
                "demande": "souhaite",
                "explication": "utile mais non indispensable",
            }
        )


def _variants_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The small example at every level, with every size class, and the groupement."""
    out = []
    for level in range(1, 6):
        for budget, hours in (("20000.00", 2), ("60000.00", 10), ("250000.00", 40)):
            changed = copy.deepcopy(data)
            changed["projet"].update(niveau_vise=level, budget=budget, temps_agent_hebdo=hours)
            out.append(changed)
    return out


def test_no_selection_publishes_a_free_wish_in_the_base_price(
    catalog: Catalog, groupement: Selection
) -> None:
    # A wish must be scored by a sub-criterion or priced apart as a PSE; no sub-criterion of the
    # award method scores a catalogue item, so no selection may publish one « souhaité ».
    data = yaml.safe_load((SMALL / "webpass.yaml").read_text(encoding="utf-8"))
    selections = [
        select(catalog, answers_from_text(yaml.safe_dump(changed, allow_unicode=True)))
        for changed in _variants_of(data)
    ]
    sizes = {s.size.id for s in selections}
    assert sizes >= {"petit", "moyen"}
    for selection in [*selections, groupement]:
        free = [s.item.id for s in selection.items if s.demand is Demand.DESIRED and not s.is_pse]
        assert free == [], (selection.size.id, selection.answers.project.target_level)


def test_the_cctp_defines_only_the_words_it_uses(small: Selection) -> None:
    from webpass.documents.cctp import ListBlock, build_document

    document = build_document(small)
    blocks = document.articles[0].blocks
    (legend,) = [b for b in blocks if isinstance(b, ListBlock)]
    words = " ".join(_plain("".join(run.text for run in entry)) for entry in legend.entries)
    # Exigé, and the presentations that ask no answer (A01, A02…): no desired, no PSE.
    assert "« exigé »" in words and "« information »" in words
    assert "souhaité" not in words and "PSE" not in words
    groupement = build_document(open_dossier(GROUPEMENT).selection)
    (legend,) = [b for b in groupement.articles[0].blocks if isinstance(b, ListBlock)]
    listed = " ".join(_plain("".join(run.text for run in entry)) for entry in legend.entries)
    assert "« exigé »" in listed and "« PSE »" in listed and "souhaité" not in listed


def test_h08_renews_the_domain_of_every_site_in_scope(
    small: Selection, groupement: Selection
) -> None:
    text = _texts(groupement)["H08"]
    members = [m.domain for m in groupement.answers.collectivity.members if m.own_identity]
    assert members
    for domain in [groupement.answers.collectivity.domain, *members]:
        assert domain is not None and domain in text
    assert "noms de domaine" in text
    small_text = _texts(small)["H08"]
    assert "du nom de domaine tonquedec.fr" in small_text


@pytest.mark.parametrize("example", [SMALL, GROUPEMENT])
def test_m04_says_once_how_availability_meets_support_hours(example: Path) -> None:
    texts = _texts(open_dossier(example).selection)
    m04 = texts["M04"]
    # The supervision restarts the site around the clock, requests are taken in support hours, and
    # what happens to an outage outside them is said here, once.
    assert "24 heures sur 24" in m04 and "7 jours sur 7" in m04
    assert "relance automatiquement" in m04
    assert "hors de ces heures" in m04 or "avant 10 h le jour ouvré suivant" in m04
    for referring in ("H02", "H03", "I07"):
        assert "M04" in texts[referring], referring
    for other in ("H02", "H03", "I07", "G06"):
        assert "relance automatiquement" not in texts.get(other, ""), other
