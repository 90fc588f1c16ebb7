"""The contractor's deadline is never shorter than what the CCTP asks: kick-off, tree, graphic
proposals and mock-ups with their correction rounds, integration; the buyer's validations come
on top, and the going-online target the examples give leaves room for all of it."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import answers_from_text
from webpass.catalog import load_catalog
from webpass.catalog.loaded import Catalog
from webpass.core.resources import shipped_catalog_dir
from webpass.documents.dce import assemble_dce
from webpass.documents.facts import Fact, collect_facts
from webpass.documents.phases import build_floor, delivery_weeks, earliest_go_live
from webpass.documents.pieces import PieceKind
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.selection.engine import Selection, select

REPO = Path(__file__).resolve().parents[1]
SMALL = REPO / "examples" / "petite-commune"
GROUPEMENT = REPO / "examples" / "communaute-de-communes"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(shipped_catalog_dir())


def _small_data() -> dict[str, Any]:
    data = yaml.safe_load((SMALL / "webpass.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _select(catalog: Catalog, data: dict[str, Any]) -> Selection:
    return select(catalog, answers_from_text(yaml.safe_dump(data, allow_unicode=True)))


def test_the_floor_adds_up_the_phases_of_the_small_communes_cctp(catalog: Catalog) -> None:
    floor = build_floor(_select(catalog, _small_data()))
    # Kick-off within 15 days (3 weeks), tree 1, two proposals 2 + two rounds 2, mock-ups 2 +
    # two rounds 2, integration of a level-3 site 4.
    assert floor.work_weeks == 3 + 1 + 4 + 4 + 4
    assert (floor.first_versions, floor.correction_rounds) == (3, 4)
    # Three first versions at 10 working days, four corrected ones at 5: 50 days, 10 weeks.
    assert floor.validation_weeks == 10


def test_a_close_target_does_not_shorten_the_contractors_work(catalog: Catalog) -> None:
    data = copy.deepcopy(_small_data())
    data["projet"]["mise_en_ligne"] = dt.date(2027, 6, 30)  # the example's former target
    selection = _select(catalog, data)
    assert delivery_weeks(selection) == build_floor(selection).work_weeks == 16


def test_more_correction_rounds_lengthen_the_floor(catalog: Catalog) -> None:
    data = copy.deepcopy(_small_data())
    base = build_floor(_select(catalog, data))
    data.setdefault("valeurs", {})["B02"] = {"nb_series_corrections": 3}
    more = build_floor(_select(catalog, data))
    assert more.work_weeks == base.work_weeks + 1
    assert more.correction_rounds == base.correction_rounds + 1


@pytest.mark.parametrize("example", [SMALL, GROUPEMENT])
def test_the_examples_target_leaves_room_for_the_floor(example: Path) -> None:
    selection = open_dossier(example).selection
    target = selection.answers.project.go_live
    assert target is not None and target >= earliest_go_live(selection)
    assert delivery_weeks(selection) >= build_floor(selection).work_weeks


def test_the_small_communes_pieces_print_one_deadline() -> None:
    selection = open_dossier(SMALL).selection
    weeks = f"{build_floor(selection).work_weeks} semaines"
    bundle = assemble_dce(selection)
    printed = {
        piece.kind: [
            text.replace("\u00a0", " ")
            for text in collect_facts(piece.document).get(Fact.DELIVERY, [])
        ]
        for piece in bundle.pieces
        if piece.document is not None
    }
    for kind in (PieceKind.LETTER, PieceKind.QUOTE_FORM):
        assert printed[kind] and set(printed[kind]) == {weeks}, kind
    texts = {
        row.id: " ".join(row.text.replace("\u00a0", " ").split())
        for row in build_grid(selection).rows
    }
    assert f"délai de {weeks}" in texts["A08"]
    ccap = next(p.document for p in bundle.pieces if p.kind is PieceKind.CCAP and p.document)
    (rule,) = collect_facts(ccap).get(Fact.DELIVERY_RULE, [])
    assert f"délai de {weeks}" in rule.replace("\u00a0", " ")


def test_a_target_before_the_earliest_going_online_is_said(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from webpass.cli import cli

    folder = tmp_path / "commune"
    shutil.copytree(SMALL, folder)
    answers = folder / "webpass.yaml"
    text = answers.read_text(encoding="utf-8").replace("2027-10-15", "2027-06-30")
    answers.write_text(text, encoding="utf-8")
    runner = CliRunner()
    said = runner.invoke(cli, ["selection", str(folder)])
    assert said.exit_code == 0, said.output
    output = " ".join(said.output.replace("\u00a0", " ").replace("\u202f", " ").split())
    assert "Attention : la mise en ligne visée (30 juin 2027) précède" in output
    assert "(15 octobre 2027)" in output
    checked = runner.invoke(cli, ["dce", str(folder), "--verifier"])
    assert "Attention : la mise en ligne visée" in checked.output
    # The example's own target leaves room: nothing is said.
    assert "Attention" not in runner.invoke(cli, ["selection", str(SMALL)]).output
