"""What webpass prints about money, read as a mayor would: no aid « accordé », no published estimate.

Every output of both examples is scanned: the terminal and JSON outputs of ``selection`` and
``subvention``, the whole DCE (every piece, PDF and Word included) and the analysis report of the
groupement's offers. The pieces a bidder sees never print the estimate, which would anchor the
prices.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO, example_dce, pdf_page_texts
from webpass.cli import cli
from webpass.dossier.opening import open_dossier

EXAMPLES = [REPO / "examples" / "petite-commune", REPO / "examples" / "communaute-de-communes"]
OFFERS = sorted((REPO / "examples" / "communaute-de-communes" / "offres").glob("*.xlsx"))


def flat(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2019", "'")
    return " ".join(text.split())


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def piece_text(name: str, data: bytes) -> str:
    """The readable text of one piece of the DCE."""
    if name.endswith(".pdf"):
        return "\n".join(pdf_page_texts(data))
    if name.endswith((".docx", ".xlsx")):
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            xml = " ".join(
                inner.read(part).decode("utf-8")
                for part in inner.namelist()
                if part.endswith(".xml")
            )
        return re.sub(r"<[^>]+>", "", xml)
    return data.decode("utf-8")


@pytest.fixture(scope="module")
def dce_pieces() -> dict[Path, dict[str, str]]:
    """Every piece of the DCE of each example, as text (the archive ``webpass dce`` writes)."""
    pieces = {}
    for example in EXAMPLES:
        with zipfile.ZipFile(io.BytesIO(example_dce(example).data)) as bundle:
            pieces[example] = {n: piece_text(n, bundle.read(n)) for n in bundle.namelist()}
    return pieces


def amount_forms(value: Decimal) -> list[str]:
    """How an amount may be written: « 15 500,00 », « 15500,00 », « 15500.00 »."""
    whole = f"{value:,.2f}".replace(",", " ").replace(".", ",")
    return [whole, whole.replace(" ", ""), f"{value:.2f}"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_published_pieces_never_print_the_estimate(
    example: Path, dce_pieces: dict[Path, dict[str, str]]
) -> None:
    estimate = open_dossier(example).estimate
    figures = [
        *(getattr(estimate.total, end) for end in ("low", "central", "high")),
        *(getattr(estimate.investment, end) for end in ("low", "central", "high")),
    ]
    pieces = dce_pieces[example]
    # a MAPA publishes an RC; a consultation by quotes sends a letter: both are scanned
    assert len(pieces) >= 4, sorted(pieces)
    for name, text in pieces.items():
        plain = flat(text)
        assert "estimé entre" not in plain, name
        for figure in figures:
            for form in amount_forms(figure):
                assert form not in plain, f"{name} publie l'estimation ({form})"


# « accordé » about an aid: the CCTP may lawfully speak of intellectual-property rights
# « accordés » to the buyer, which has nothing to do with a subsidy.
_AID = r"(subvention|montant|financement|aide régionale|dispositif d.aide)"
GRANTED = re.compile(rf"{_AID}[^.;]{{0,120}}accordé|accordé[^.;]{{0,120}}{_AID}")


def _all_outputs(example: Path, tmp_path: Path) -> dict[str, str]:
    outputs = {
        "selection": invoke("selection", str(example)),
        "selection --json": invoke("selection", str(example), "--json"),
        "subvention": invoke("subvention", str(example)),
        "subvention --json": invoke("subvention", str(example), "--json"),
    }
    if example.name == "communaute-de-communes":
        report = tmp_path / "rao.html"
        outputs["comparer --json"] = invoke(
            "comparer", str(example), *map(str, OFFERS), "--json", "--rapport", str(report)
        )
        outputs["rao.html"] = report.read_text(encoding="utf-8")
    return outputs


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_no_output_says_an_aid_is_granted(
    example: Path, tmp_path: Path, dce_pieces: dict[Path, dict[str, str]]
) -> None:
    outputs = _all_outputs(example, tmp_path)
    outputs.update({f"DCE {name}": text for name, text in dce_pieces[example].items()})
    for name, text in outputs.items():
        found = GRANTED.search(flat(text).lower())
        assert found is None, f"{name} : « {found.group(0) if found else ''} »"
    assert GRANTED.search("montant accordé : 25 000,00 €")  # the test can fail
    # The Breton examples get the Île-de-France scheme as not applicable, 0 €, with the reason.
    data = json.loads(outputs["subvention --json"])
    assert (data["non_applicable"], data["subvention"]) == (True, "0.00")
    assert any("hors territoire" in reason for reason in data["motifs_simulation"])
    assert "simulation" in flat(outputs["subvention"]).lower()
    assert "hors territoire" in flat(outputs["selection"])


def test_the_selection_shows_the_socle_increments_sources_and_procedure() -> None:
    text = flat(invoke("selection", str(EXAMPLES[0])))
    assert "Socle du niveau 3" in text
    assert "Repère constaté pour ce niveau : de 8 000,00 € HT à 20 000,00 € HT" in text
    assert "dans ce repère" in text
    assert "Sources de l'estimation" in text
    assert "trois devis" in text
    assert "Seuils en vigueur le 11 janvier 2027" in text
    # budget 25 000 €, estimate 14 916,70 € (yearly costs over the 41 ÷ 12 planned years of service)
    assert "reste sous le budget de 10 083,30 € HT" in text
    data = json.loads(invoke("selection", str(EXAMPLES[1]), "--json"))
    assert data["procedure"]["code"] == "mapa_boamp"
    # Groupement review R1 (point 3): the shipped example stays within its own budget.
    assert data["procedure"]["budget"]["depasse"] is False
    assert data["procedure"]["raisonnement"]
    kinds = {c["type"] for c in data["estimation"]["composantes"]}
    assert {"socle", "sites", "teleservice", "exigence", "abonnement"} <= kinds
    aid = data["aides"]["dispositifs"][0]
    assert (aid["dispositif"]["id"], aid["statut_calcul"]) == ("webpass", "non_applicable")
