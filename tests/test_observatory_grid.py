"""The shipped analysis grid, its schema, the classification rule and filled checklists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from webpass.core.errors import ValidationFailed
from webpass.core.resources import shipped_catalog_dir
from webpass.core.schema import SCHEMAS, _register_others, render_schema
from webpass.observatory.checklist import (
    GRID_FILE,
    AnalysisGrid,
    Verdict,
    load_checklist,
    load_grid,
)
from webpass.observatory.classify import classify_checklist, site_level
from webpass.untrusted.safe_yaml import load_yaml_file

REPO = Path(__file__).resolve().parent.parent
# Sections of the catalogue outline (research notes §4): A–N, each item a letter and two digits.
OUTLINE_ID = re.compile(r"^[A-N]\d{2}$")


_SHIPPED = load_grid()


@pytest.fixture
def grid() -> AnalysisGrid:
    return _SHIPPED


def test_shipped_grid_shape(grid: AnalysisGrid) -> None:
    assert 30 <= len(grid.criteria) <= 75
    for level in range(1, 6):
        criteria = grid.of_level(level)
        required = [c for c in criteria if c.required]
        assert required, f"niveau {level} sans critère requis"
        # a saved copy or a live site must be classifiable: every required criterion is detectable
        assert all(c.detection is not None for c in required), level
    assert all(OUTLINE_ID.match(item) for c in grid.criteria for item in c.items)
    assert "plus haut niveau" in grid.rule


def test_grid_file_names_its_schema_and_validates_against_it() -> None:
    path = shipped_catalog_dir() / GRID_FILE
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=schema/grille.schema.json"
    schema = json.loads(
        (shipped_catalog_dir() / "schema" / "grille.schema.json").read_text("utf-8")
    )
    jsonschema.validate(load_yaml_file(path).data, schema)


@pytest.mark.parametrize("name", ["grille.schema.json", "releve.schema.json"])
def test_committed_schemas_are_up_to_date(name: str) -> None:
    _register_others()
    committed = (shipped_catalog_dir() / "schema" / name).read_text(encoding="utf-8")
    assert committed == render_schema(SCHEMAS[name])


def test_example_checklist_validates_against_its_schema() -> None:
    path = REPO / "examples" / "observatoire-releve.yaml"
    schema = json.loads(
        (shipped_catalog_dir() / "schema" / "releve.schema.json").read_text("utf-8")
    )
    jsonschema.validate(json.loads(json.dumps(load_yaml_file(path).data, default=str)), schema)


def _grid_text(criteria: str) -> str:
    required = "".join(
        f"  - {{id: N{n}-01, question: Question du niveau {n} ?, niveau: {n}, requis: true, "
        f"exigences: [C0{n}], detection: {{indices: [{{pages: {{au_moins: {n}}}}}]}}}}\n"
        for n in range(1, 6)
    )
    return f"version: '1'\ntitre: Essai\nregle: La règle.\ncriteres:\n{required}{criteria}"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "  - {id: N2-02, question: Mauvais niveau ici ?, niveau: 3, requis: false, exigences: [C01]}\n",
            "annonce le niveau 2",
        ),
        (
            "  - {id: N1-01, question: Deux fois le même ?, niveau: 1, requis: false, exigences: [C01]}\n",
            "en double",
        ),
        (
            "  - {id: N1-02, question: Deux sortes d'indice ?, niveau: 1, requis: false, exigences: [C01],"
            " detection: {indices: [{texte: [abc], pages: {au_moins: 2}}]}}\n",
            "exactement une sorte",
        ),
        (
            "  - {id: N1-02, question: Trop de motifs exigés ?, niveau: 1, requis: false, exigences: [C01],"
            " detection: {indices: [{texte: [abc, def], motifs_au_moins: 3}]}}\n",
            "motifs_au_moins vaut 3",
        ),
        (
            "  - {id: N1-02, question: Même page sans tous ?, niveau: 1, requis: false, exigences: [C01],"
            " detection: {meme_page: true, indices: [{texte: [abc]}]}}\n",
            "meme_page",
        ),
        (
            "  - {id: N1-02, question: Motif sans lettre ?, niveau: 1, requis: false, exigences: [C01],"
            " detection: {indices: [{lien: {texte: ['--']}}]}}\n",
            "sans lettre ni chiffre",
        ),
        (
            "  - {id: N1-02, question: Portée inconnue ici ?, niveau: 1, requis: false, exigences: [C1],"
            " detection: {indices: [{texte: [abc], portee: partout}]}}\n",
            "partout",
        ),
    ],
)
def test_bad_grids_are_reported_with_their_line(tmp_path: Path, extra: str, message: str) -> None:
    path = tmp_path / "grille.yaml"
    path.write_text(_grid_text(extra), encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        load_grid(path)
    assert message in str(info.value)
    assert all(p.line is not None for p in info.value.problems)


def test_level_rule_needs_every_lower_level(grid: AnalysisGrid) -> None:
    required = {c.id: c.level for c in grid.criteria if c.required}
    everything = dict.fromkeys(required, Verdict.YES)
    assert site_level(grid, everything) == 5
    assert site_level(grid, {}) == 0
    # level 3 and 4 met, but one level-2 requirement missing: the site stays at level 1
    gap = dict(everything)
    gap[next(k for k, v in required.items() if v == 2)] = Verdict.NO
    assert site_level(grid, gap) == 1
    unknown = dict(everything)
    unknown[next(k for k, v in required.items() if v == 5)] = Verdict.UNKNOWN
    assert site_level(grid, unknown) == 4


@given(
    st.dictionaries(
        st.sampled_from([f"N{n}-0{i}" for n in range(1, 6) for i in (1, 2)]),
        st.sampled_from(list(Verdict)),
    )
)
def test_level_is_the_longest_prefix_of_fully_met_levels(verdicts: dict[str, Verdict]) -> None:
    grid = _SHIPPED
    level = site_level(grid, verdicts)
    for number in range(1, level + 1):
        assert all(verdicts.get(c.id) is Verdict.YES for c in grid.of_level(number) if c.required)
    if level < 5:
        assert not all(
            verdicts.get(c.id) is Verdict.YES for c in grid.of_level(level + 1) if c.required
        )


def test_example_checklist_is_level_3_and_lists_what_level_4_needs(grid: AnalysisGrid) -> None:
    path = REPO / "examples" / "observatoire-releve.yaml"
    result = classify_checklist(grid, load_checklist(path, grid), str(path))
    assert result.level == 3
    assert [r.criterion.id for r in result.blocking] == ["N4-01"]
    assert "N3-14" in [r.criterion.id for r in result.unknown]
    assert result.source == "https://www.kerbriac-sur-lie.example"


def test_checklist_answers_are_read_loosely(tmp_path: Path, grid: AnalysisGrid) -> None:
    path = tmp_path / "releve.yaml"
    path.write_text(
        "criteres:\n  n1-01: OUI\n  ' N1-02 ': true\n  N1-03: Oui\n  N2-01: non\n  N2-02: '?'\n",
        encoding="utf-8",
    )
    result = classify_checklist(grid, load_checklist(path, grid), str(path))
    assert result.level == 1
    verdicts = {r.criterion.id: r.verdict for r in result.results}
    assert verdicts["N1-02"] is Verdict.YES
    assert verdicts["N2-02"] is Verdict.UNKNOWN
    assert verdicts["N5-01"] is Verdict.UNKNOWN  # not answered


def test_checklist_errors_are_all_reported_with_lines(tmp_path: Path, grid: AnalysisGrid) -> None:
    path = tmp_path / "releve.yaml"
    path.write_text(
        "criteres:\n  N1-01: peut-être\n  N1-02: oui\n  N9-99: oui\n  X: non\n", encoding="utf-8"
    )
    with pytest.raises(ValidationFailed) as info:
        load_checklist(path, grid)
    lines = {p.line for p in info.value.problems}
    assert {2, 4, 5} <= lines
    assert "peut-être" in str(info.value)
