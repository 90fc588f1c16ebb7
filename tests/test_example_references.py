"""The example offers' references (G01's other users): a published example never has a real
commune use a product that does not exist, nor any tool (00:20 reading, N8)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests.conftest import REPO
from webpass.grid.read import read_filled_grid

OFFERS = sorted((REPO / "examples").glob("*/offres/*.xlsx"))
REFERENCE = REPO / "webpass" / "collectivities" / "data" / "collectivites.tsv"
# The examples are Breton: their invented communes must not be one of Brittany's.
BRITTANY = ("22", "29", "35", "56")


def _fold(text: str) -> str:
    bare = "".join(
        c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn"
    )
    return " ".join(bare.replace("-", " ").replace("'", " ").replace("\u2019", " ").split())


def _breton_communes() -> set[str]:
    names = set()
    for line in REFERENCE.read_text(encoding="utf-8").splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) >= 7 and fields[2] in BRITTANY:
            names.add(fields[6])
    return names


@pytest.mark.parametrize("offer", OFFERS, ids=lambda path: f"{path.parent.parent.name}/{path.name}")
def test_the_users_an_offer_cites_are_invented_and_marked(offer: Path) -> None:
    (answer,) = [row.justification for row in read_filled_grid(offer).rows if row.id == "G01"]
    if not answer:
        return
    users = answer.split("Autres utilisateurs :")[1]
    assert users.count("(fictif)") >= 3, users
    folded = f" {_fold(answer)} "
    real = sorted(name for name in _breton_communes() if f" {name} " in folded)
    assert real == [], (offer.name, real)
