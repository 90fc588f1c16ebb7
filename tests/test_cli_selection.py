"""``webpass selection DOSSIER``: the README's second command, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from webpass.catalog.model import Strength
from webpass.cli import cli
from webpass.dossier.opening import open_dossier
from webpass.selection.engine import Reason

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = [REPO / "examples" / "petite-commune", REPO / "examples" / "communaute-de-communes"]


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["selection", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_json_lists_what_the_library_selects_with_a_reason_each(example: Path) -> None:
    code, output = invoke(str(example), "--json")
    assert code == 0, output
    data = json.loads(output)
    selection = open_dossier(example).selection
    assert [row["id"] for row in data["exigences"]] == [s.item.id for s in selection.items]
    assert data["collectivite"] == selection.answers.collectivity.name
    reasons = {reason.value for reason in Reason}
    strengths = {strength.value for strength in Strength}
    for row in data["exigences"]:
        assert row["raison"] in reasons and row["exigence"] in strengths
        assert row["explication"].strip(), row["id"]
    assert data["estimation"] and data["procedure"]["code"]


def test_table_shows_every_item_and_the_summary() -> None:
    example = EXAMPLES[0]
    code, output = invoke(str(example))
    assert code == 0, output
    selection = open_dossier(example).selection
    for selected in selection.items:
        assert f" {selected.item.id} " in output, selected.item.id
    assert selection.answers.collectivity.name in output
    assert f"{len(selection.items)} clauses" in output
    assert "Procédure" in output


def test_another_catalogue_is_used_when_given(dossier: Path, options_catalog: Path) -> None:
    code, output = invoke(str(dossier), "--catalogue", str(options_catalog), "--json")
    assert code == 0, output
    ids = {row["id"] for row in json.loads(output)["exigences"]}
    assert ids and ids <= {"Z01", "Z02", "Y01", "Y02", "Y03", "Y04", "Y05", "Y06", "Y07"}


def test_a_missing_dossier_says_how_to_create_it(tmp_path: Path) -> None:
    code, output = invoke(str(tmp_path / "absent"))
    assert code == 1
    assert "webpass nouveau" in output


def test_wrong_answers_are_located_by_line(tmp_path: Path) -> None:
    (tmp_path / "webpass.yaml").write_text(
        'version_catalogue: "2026.1"\ncollectivite:\n  nom: X\n  population: -3\n',
        encoding="utf-8",
    )
    code, output = invoke(str(tmp_path))
    assert code == 1
    assert f"{tmp_path / 'webpass.yaml'}:4:3" in output
    assert "collectivite.population" in output
