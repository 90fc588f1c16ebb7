"""The optional advance (``marche.avance_facultative``) is asked by both wizards where it applies:
a contract of 50 000 € HT or less, where the Code does not require the advance (R2191-3); above,
the advance is due and nothing is asked."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner
from conftest import REPO
from flask.testing import FlaskClient

from tests.test_wizard import SCRIPT, wizard
from webpass.catalog import load_catalog
from webpass.core.errors import UsageError
from webpass.core.resources import shipped_catalog_dir
from webpass.documents.terms import dce_terms
from webpass.dossier.advance import advance_required
from webpass.dossier.answers import load_answers
from webpass.dossier.opening import open_dossier
from webpass.dossier.questionnaire import advance_question
from webpass.web import create_app

T = TypeVar("T")
QUESTION = "Verser une avance au titulaire"
SMALL = REPO / "examples" / "petite-commune"
GROUPEMENT = REPO / "examples" / "communaute-de-communes"


def test_the_question_applies_only_where_the_code_does_not_require_the_advance() -> None:
    small = open_dossier(SMALL).selection
    groupement = open_dossier(GROUPEMENT).selection
    assert not advance_required(small.procedure)  # a consultation by quotes under 50 000 €
    assert advance_required(groupement.procedure)  # a MAPA: the advance is due
    assert advance_question(False).applies({})
    assert not advance_question(True).applies({})
    # The pieces follow the same rule.
    assert dce_terms(groupement).mandatory_advance and not dce_terms(small).mandatory_advance


def test_the_terminal_wizard_asks_it_and_the_quote_form_offers_it(
    runner: CliRunner, options_catalog: Path, tmp_path: Path
) -> None:
    lines = list(SCRIPT)
    lines[-3] = "o"  # the advance, before « keep proposed values » and « save »
    folder = tmp_path / "dossier"
    result = wizard(runner, folder, options_catalog, lines)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert QUESTION in result.output  # type: ignore[attr-defined]
    answers = load_answers(folder)[0]
    assert answers.contract is not None and answers.contract.optional_advance
    # Run again, every answer kept: the choice is proposed and stays.
    again = wizard(runner, folder, options_catalog, [""] * 60)
    assert again.exit_code == 0, again.output  # type: ignore[attr-defined]
    assert re.search(rf"{QUESTION}[^\n]*\[o\]", again.output)  # type: ignore[attr-defined]
    kept = load_answers(folder)[0].contract
    assert kept is not None and kept.optional_advance


def test_answering_no_writes_nothing(
    runner: CliRunner, options_catalog: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "dossier"
    result = wizard(runner, folder, options_catalog, SCRIPT)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert QUESTION in result.output  # type: ignore[attr-defined]
    assert "avance_facultative" not in (folder / "webpass.yaml").read_text(encoding="utf-8")


class _Recorder:
    """Accepts the defaults and records the questions, up to the first without a default."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def say(self, text: str) -> None:
        pass

    def ask(self, question: str, default: str | None, parse: Callable[[str], T]) -> T:
        self.asked.append(question)
        if default is None:
            raise UsageError(question)
        return parse(default)

    def confirm(self, question: str, default: bool) -> bool:
        return default


@pytest.mark.parametrize(("example", "asked"), [(SMALL, True), (GROUPEMENT, False)])
def test_the_wizard_asks_it_only_under_the_threshold(example: Path, asked: bool) -> None:
    from webpass.cli.wizard import run_wizard

    recorder = _Recorder()
    previous = load_answers(example)[0]
    # The shipped examples answer every question (the page count L01 shares with A03 too):
    # the wizard runs to its end, past the options and the advance.
    answers, _ = run_wizard(recorder, load_catalog(shipped_catalog_dir()), previous, folder=example)
    assert any(q.startswith(QUESTION) for q in recorder.asked) is asked
    assert answers.values == previous.values


def _client(workspace: Path, catalog: Path) -> FlaskClient:
    app = create_app(workspace, catalog)
    app.testing = True
    return app.test_client()


class _Fields(HTMLParser):
    """The values a page's form would post as shown: inputs, checked radios, textareas, selects."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        name = found.get("name")
        if tag == "input" and name and (found.get("type") != "radio" or "checked" in found):
            self.values[name] = found.get("value", "")
        elif tag in ("textarea", "select") and name:
            self._open = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._open and "selected" in found:
            self.values[self._open] = found.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._open and self.lasttag == "textarea":
            self.values[self._open] += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("textarea", "select"):
            self._open = None


def _post(client: FlaskClient, url: str, data: dict[str, str]) -> object:
    """Post the form as shown, with ``data`` changed."""
    fields = _Fields()
    fields.feed(client.get(url).get_data(as_text=True))
    return client.post(url, data={**fields.values, **data})


def test_the_web_wizard_asks_it_on_the_fields_step(tmp_path: Path) -> None:
    workspace = tmp_path / "espace"
    folder = workspace / "tonquedec"
    shutil.copytree(SMALL, folder)
    client = _client(workspace, shipped_catalog_dir())
    url = "/dossiers/tonquedec/champs"
    html = client.get(url).get_data(as_text=True)
    assert 'name="avance_facultative"' in html and QUESTION in html
    # L01's page count is shared with A03, where the example gives it: asked there only.
    assert "valeur-L01-nombre_pages" not in html
    pages = {"valeur-A03-nombre_pages": "35"}
    response = _post(client, url, {**pages, "avance_facultative": "o"})
    assert response.status_code == 303  # type: ignore[attr-defined]
    contract = load_answers(folder)[0].contract
    assert contract is not None and contract.optional_advance
    assert dce_terms(open_dossier(folder).selection).advance_offered
    html = client.get(url).get_data(as_text=True)
    assert re.search(r'name="avance_facultative" value="o" checked', html)
    _post(client, url, {**pages, "avance_facultative": "n"})
    contract = load_answers(folder)[0].contract
    assert contract is None or not contract.optional_advance
    # The other contract choices of the dossier are kept.
    assert "propriete_intellectuelle" in (folder / "webpass.yaml").read_text(encoding="utf-8")


def test_the_web_wizard_does_not_ask_it_where_the_advance_is_due(tmp_path: Path) -> None:
    workspace = tmp_path / "espace"
    shutil.copytree(GROUPEMENT, workspace / "cc")
    client = _client(workspace, shipped_catalog_dir())
    html = client.get("/dossiers/cc/champs").get_data(as_text=True)
    assert "avance_facultative" not in html
