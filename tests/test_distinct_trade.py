"""A service of a distinct trade (E07) in a contract not divided into lots: warned, then refused."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.conftest import sessions_groupement
from webpass.cli import cli
from webpass.documents.coherence import document_text
from webpass.documents.dce import verify_dce
from webpass.documents.rc import build_rc
from webpass.dossier.opening import open_dossier
from webpass.selection.distinct_trade import distinct_trade_findings

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "communaute-de-communes"


def _without_reason(tmp_path: Path) -> Path:
    text = (sessions_groupement() / "webpass.yaml").read_text(encoding="utf-8")
    start = text.index("  justification_metier_distinct:")
    end = text.index("\n", text.index("\n", start) + 1) + 1
    (tmp_path / "webpass.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    return tmp_path


def test_the_example_leaves_the_sessions_to_another_contract() -> None:
    selection = open_dossier(EXAMPLE).selection
    ids = {s.item.id for s in selection.items}
    assert "E07" not in ids and "I09" in ids
    assert distinct_trade_findings(selection) == []


def test_sessions_without_a_reason_are_a_warning_then_a_refusal(tmp_path: Path) -> None:
    folder = _without_reason(tmp_path)
    selection = open_dossier(folder).selection
    (finding,) = distinct_trade_findings(selection)
    assert finding.items == ("E07",) and "L2113-10" in finding.message
    shown = CliRunner().invoke(cli, ["selection", str(folder)])
    assert shown.exit_code == 0 and "E07" in shown.output and "L2113-11" in shown.output
    assert any("E07" in str(f) for f in verify_dce(selection))
    refused = CliRunner().invoke(cli, ["dce", str(folder), "--verifier"])
    assert refused.exit_code == 1 and "justification_metier_distinct" in refused.output


def test_a_stated_reason_lets_the_sessions_stay() -> None:
    selection = open_dossier(sessions_groupement()).selection
    assert distinct_trade_findings(selection) == []
    assert verify_dce(selection) == []


def test_the_planning_sub_criterion_names_the_go_live_date() -> None:
    selection = open_dossier(EXAMPLE).selection
    text = document_text(build_rc(selection)).replace("\u00a0", " ").replace("\u202f", " ")
    assert "octobre" not in text
    assert "6 décembre 2027" in text
