"""``webpass lot`` says what it will make before the work, and starts its workers' server early."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import REPO
from tests.test_batch import communes, write_list
from webpass.batch.manifest import MANIFEST_FILE
from webpass.batch.plan import announce, list_size, makes_everything
from webpass.batch.rows import load_base, read_batch
from webpass.batch.server import start_server, weasyprint_used
from webpass.catalog import load_shipped_catalog
from webpass.cli import cli
from webpass.render.dispatch import PdfEngine


def test_the_plan_counts_the_rows_read_batch_reads(tmp_path: Path) -> None:
    folder = REPO / "examples" / "lot-bretagne"
    catalog = load_shipped_catalog()
    rows = read_batch(
        folder / "communes.csv", load_base(folder / "reponses-base.yaml", catalog), catalog
    )
    assert list_size(folder / "communes.csv") == len(rows)
    # Blank rows are not collectivities, for either reading.
    listing = write_list(
        tmp_path / "liste.csv", [*communes(2), ["", "", "", "", ""], *communes(3)[2:]]
    )
    assert list_size(listing) == 3


def test_the_plan_says_how_many_what_and_where() -> None:
    line = announce(1200, Path("communes.csv"), ["html", "pdf"], Path("sortie"))
    assert line.startswith("Lot : 1200 collectivité(s) de communes.csv ; dossiers en html, pdf")
    assert "dans sortie/" in line


def test_the_plan_is_the_first_line_even_when_every_row_is_wrong(
    runner: CliRunner, tmp_path: Path
) -> None:
    rows = communes(2)
    for row in rows:
        row[3] = "Atlantide"
    listing = write_list(tmp_path / "liste.csv", rows)
    base = REPO / "examples" / "lot-bretagne" / "reponses-base.yaml"
    out = tmp_path / "sortie"
    result = runner.invoke(
        cli,
        ["lot", str(listing), "--reponses", str(base), "--sortie", str(out), "--format", "html"],
    )
    assert result.exit_code == 1, result.output
    first, second = result.stderr.splitlines()[:2]
    assert first.startswith("Lot : 2 collectivité(s) de liste.csv ; dossiers en html dans ")
    assert second.startswith("2 ligne(s) : 0 dossier(s) à produire")


def test_a_bad_format_is_still_refused_after_the_plan(runner: CliRunner, tmp_path: Path) -> None:
    listing = write_list(tmp_path / "liste.csv", communes(1))
    base = REPO / "examples" / "lot-bretagne" / "reponses-base.yaml"
    result = runner.invoke(
        cli,
        [
            "lot",
            str(listing),
            "--reponses",
            str(base),
            "--sortie",
            str(tmp_path / "o"),
            "--format",
            "odt",
        ],
    )
    assert result.exit_code == 2
    assert "odt" in result.output


def test_the_server_starts_early_only_when_every_row_is_to_make(tmp_path: Path) -> None:
    assert makes_everything(tmp_path / "nouveau", force=False)
    (tmp_path / MANIFEST_FILE).write_text("{}", encoding="utf-8")
    assert not makes_everything(tmp_path, force=False)  # a re-run may have nothing to make
    assert makes_everything(tmp_path, force=True)


def test_the_engine_of_the_workers(tmp_path: Path) -> None:
    assert weasyprint_used(PdfEngine.WEASYPRINT, None)
    assert weasyprint_used("weasyprint", None)
    assert not weasyprint_used(PdfEngine.TYPST, tmp_path)
    assert weasyprint_used(None, tmp_path)  # the user's HTML templates
    assert not weasyprint_used(None, None)


def test_starting_the_server_leaves_ctrl_c_to_the_caller() -> None:
    before = signal.getsignal(signal.SIGINT)
    start_server(preload_pdf=False, weasyprint=False)
    assert signal.getsignal(signal.SIGINT) is before


def test_the_plan_imports_nothing_of_the_batch_s_work() -> None:
    """What the command needs for its first line comes before the catalogue and the workers."""
    code = (
        "import sys\n"
        "import webpass.batch.plan, webpass.batch.server\n"
        "heavy = {'webpass.batch.run', 'webpass.catalog', 'webpass.dossier.answers'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
