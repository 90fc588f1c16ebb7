"""Golden outputs of the shipped examples: any drift in a published document is a readable diff.

For each example dossier: the CCTP's text (HTML), the bidders' grid (CSV) and the selection
(JSON), produced through the command line as a user would. ``make golden`` rewrites the files
after a wanted change; the diff is then reviewed like a change of the published documents.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from webpass.cli import cli

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = ["petite-commune", "communaute-de-communes"]
UPDATE = os.environ.get("WEBPASS_UPDATE_GOLDEN") == "1"

pytestmark = pytest.mark.golden


def assert_golden(path: Path, text: str) -> None:
    """Compare ``text`` with the golden file ``path`` (or rewrite it under ``make golden``)."""
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8") if path.is_file() else ""
    if text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), text.splitlines(), str(path), "produit", lineterm="", n=2
        )
        shown = "\n".join(list(diff)[:80])
        pytest.fail(f"{path.name} a changé ; si c'est voulu : make golden\n{shown}", pytrace=False)


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("example", EXAMPLES)
def test_cctp_text(example: str, tmp_path: Path) -> None:
    run("generer", str(REPO / "examples" / example), "--format", "html", "--sortie", str(tmp_path))
    (html,) = tmp_path.glob("*.html")
    assert_golden(GOLDEN / example / "cctp.html", html.read_text(encoding="utf-8"))


@pytest.mark.parametrize("example", EXAMPLES)
def test_grid(example: str, tmp_path: Path) -> None:
    target = tmp_path / "grille.csv"
    run("grille", str(REPO / "examples" / example), "--format", "csv", "--sortie", str(target))
    assert_golden(GOLDEN / example / "grille.csv", target.read_text(encoding="utf-8-sig"))


@pytest.mark.parametrize("example", EXAMPLES)
def test_selection(example: str) -> None:
    assert_golden(
        GOLDEN / example / "selection.json",
        run("selection", str(REPO / "examples" / example), "--json"),
    )


def _digest(value: object) -> str:
    import hashlib
    import json

    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return "sha256 " + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _offer_results(offer: Path) -> dict[str, object]:
    import dataclasses
    import datetime as dt
    import json

    from webpass.core.resources import shipped_catalog_dir
    from webpass.dossier.opening import open_dossier
    from webpass.grid.build import build_grid
    from webpass.grid.check import check_offer
    from webpass.grid.labels import load_labels
    from webpass.grid.read import read_filled_grid

    reference = build_grid(open_dossier(offer.parent.parent).selection)
    labels = load_labels(shipped_catalog_dir())
    grid = read_filled_grid(offer)
    today = dt.date(2027, 3, 10)
    read = dataclasses.asdict(grid)
    # Each row and the carried reference (the same in every offer) as their digests: which row
    # changed shows, the file stays small, and the checks below say what the change means.
    read["rows"] = [f"{row['id']} ({row['where']}) {_digest(row)}" for row in read["rows"]]
    read["carried"] = _digest(read["carried"])
    results = {
        "lu": read,
        "verification": check_offer(grid, labels, reference, today=today).as_json(),
        "autocontrole": check_offer(grid, labels, None, today=today).as_json(),
    }
    # The folder the repository sits in is no part of the result.
    text = json.dumps(results, default=str).replace(str(offer), offer.name)
    loaded: dict[str, object] = json.loads(text)
    return loaded


def test_example_offers_read_and_checked() -> None:
    # Whatever reads the grids (openpyxl, calamine, how the written files store their texts),
    # every example offer is read and checked to the same result, word for word.
    import json

    offers = sorted((REPO / "examples").glob("*/offres/*.xlsx"))
    assert offers
    results = {f"{o.parent.parent.name}/{o.name}": _offer_results(o) for o in offers}
    assert_golden(
        GOLDEN / "offres-verifiees.json",
        json.dumps(results, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
    )
