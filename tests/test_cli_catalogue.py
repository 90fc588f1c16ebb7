from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import append_items
from webpass import __version__
from webpass.cli import cli


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_help_is_french_and_does_not_import_weasyprint() -> None:
    code = (
        "from webpass.cli import cli\n"
        # cli, not main: main ends the process at once, before the checks below.
        "try:\n    cli.main(['--help'], prog_name='webpass')\nexcept SystemExit:\n    pass\n"
        "import sys\n"
        "assert 'weasyprint' not in sys.modules, 'weasyprint importé'\n"
        "assert 'typst' not in sys.modules, 'typst importé'\n"
        "assert 'docx' not in sys.modules, 'python-docx importé'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Utilisation" in result.stdout
    assert "catalogue" in result.stdout


def test_validate_mini(runner: CliRunner, mini_catalog: Path) -> None:
    result = runner.invoke(cli, ["catalogue", "valider", str(mini_catalog)])
    assert result.exit_code == 0, result.output
    assert "2 exigences" in result.output


def test_validate_broken_exits_1_without_traceback(runner: CliRunner, mini_catalog: Path) -> None:
    append_items(
        mini_catalog,
        """\
  - id: Z01
    titre: Doublon
    niveau: 9
    profil: tous
    exigence: recommande
    clause: Texte.
    reponse: {type: conformite}
""",
    )
    result = runner.invoke(cli, ["catalogue", "valider", str(mini_catalog)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "identifiant en double" in result.output
    assert "9 est trop grand" in result.output
    assert "01-essai.yaml:" in result.output


def test_list_json_fields(runner: CliRunner, mini_catalog: Path) -> None:
    result = runner.invoke(cli, ["catalogue", "lister", "--json", "--catalogue", str(mini_catalog)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0] | {"empreinte": "x"} == {
        "id": "Z01",
        "titre": "Mentions légales",
        "section": "essai",
        "niveau": 1,
        "profil": "tous",
        "exigence": "obligation_legale",
        "teleservice": False,
        "empreinte": "x",
    }


def test_list_filters(runner: CliRunner, mini_catalog: Path) -> None:
    args = ["catalogue", "lister", "--json", "--catalogue", str(mini_catalog)]
    level3 = json.loads(runner.invoke(cli, [*args, "--niveau", "3"]).output)
    assert [r["id"] for r in level3] == ["Z02"]
    by_section = json.loads(runner.invoke(cli, [*args, "--section", "Section d'essai"]).output)
    assert len(by_section) == 2
    unknown = runner.invoke(cli, [*args, "--section", "nulle-part"])
    assert unknown.exit_code == 1
    assert "section « nulle-part » inconnue" in unknown.output


def test_list_table(runner: CliRunner, mini_catalog: Path) -> None:
    result = runner.invoke(cli, ["catalogue", "lister", "--catalogue", str(mini_catalog)])
    assert result.exit_code == 0
    assert "Z02" in result.output
    assert "obligation légale" in result.output


def test_show(runner: CliRunner, mini_catalog: Path) -> None:
    result = runner.invoke(cli, ["catalogue", "montrer", "Z02", "--catalogue", str(mini_catalog)])
    assert result.exit_code == 0, result.output
    assert "Publication des actes" in result.output
    assert "{{ delai }}" in result.output
    assert "500,00" in result.output
    missing = runner.invoke(cli, ["catalogue", "montrer", "Q42", "--catalogue", str(mini_catalog)])
    assert missing.exit_code == 1
    assert "inconnue" in missing.output


def test_usage_error_exits_2_in_french(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["catalogue", "lister", "--niveau", "9"])
    assert result.exit_code == 2
    assert "Valeur invalide" in result.output
    result = runner.invoke(cli, ["catalogu"])
    assert result.exit_code == 2
    assert "Commande inconnue" in result.output
