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


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2019", "'")


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


def _pieces_text(folder: Path) -> dict[str, str]:
    from webpass.documents.dce import assemble_dce

    bundle = assemble_dce(open_dossier(folder).selection)
    return {
        piece.kind.name: _plain(document_text(piece.document))
        for piece in bundle.pieces
        if piece.document is not None
    }


def test_orders_leave_the_contract_amount_and_share_one_tracked_maximum() -> None:
    texts = _pieces_text(sessions_groupement())
    ae, ccap, rc = texts["ACT"], texts["CCAP"], texts["RC"]
    # The estimated orders bind no one: not the contract amount, nor the base of the advance and
    # of the penalty cap.
    assert "il n'entre pas dans le montant du marché" in ae
    assert "assiette de l'avance et du plafond des pénalités, est celui de sa partie ferme" in ccap
    assert "partie ferme seulement : les quantités estimées des bons de commande" in ccap
    # One maximum for eight issuers: the CCAP and the RC say it is shared and who keeps the count.
    for text in (ccap, rc, texts["CONVENTION"]):
        assert "le montant maximum est commun à tous les membres" in text
        assert "Le coordonnateur tient le registre des bons de commande" in text
    assert "36 000,00 € HT" in rc


def test_without_orders_no_piece_speaks_of_purchase_orders() -> None:
    texts = _pieces_text(EXAMPLE)
    for name in ("CCAP", "CONVENTION", "RC", "ACT"):
        assert "émettre des bons de commande" not in texts[name], name
