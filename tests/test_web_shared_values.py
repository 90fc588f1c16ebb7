"""A field shared by several items is one value on the web wizard's fields step."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import ANSWERS, REPO, append_items
from flask.testing import FlaskClient
from test_web import errors_of, page_of, post
from test_wizard_shared_values import SHARED_ITEMS

from webpass.catalog import load_shipped_catalog
from webpass.dossier.answers import load_answers, parameter_values
from webpass.selection.engine import select
from webpass.web import create_app


class _Shown(HTMLParser):
    """What a browser would post for the form as shown (inputs, radios, selects, textareas)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._label: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and name != "jeton":
            if a.get("type") not in ("radio", "checkbox") or "checked" in a:
                self.values[name] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "label" and a.get("for", "").startswith("champ-"):
            self._label = a["for"].removeprefix("champ-")
            self.labels[self._label] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "label":
            self._label = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data
        if self._label:
            self.labels[self._label] += data


def shown(html: str) -> _Shown:
    parser = _Shown()
    parser.feed(html)
    return parser


def _used_values(folder: Path) -> dict[str, dict[str, Any]]:
    """Every retained item's placeholder values, as the documents read them."""
    selection = select(load_shipped_catalog(), load_answers(folder)[0])
    return {s.item.id: parameter_values(s.item, selection.answers) for s in selection.items}


@pytest.mark.parametrize("example", ["petite-commune", "communaute-de-communes"])
def test_a_shipped_example_saves_its_fields_step_as_shown_with_a_shared_value_once(
    tmp_path: Path, example: str
) -> None:
    workspace = tmp_path / "espace"
    shutil.copytree(REPO / "examples" / example, workspace / example)
    before = _used_values(workspace / example)
    pages = before["A03"]["nombre_pages"]
    app = create_app(workspace)
    app.testing = True
    client = app.test_client()
    url = f"/dossiers/{example}/champs"

    html, _ = page_of(client.get(url))
    form = shown(html)
    assert form.values["valeur-A03-nombre_pages"] == str(pages)
    assert "valeur-L01-nombre_pages" not in form.values
    assert "(A03, L01)" in form.labels["valeur-A03-nombre_pages"]
    # L01's own group says where its page count is typed.
    assert "Nombre approximatif de pages du site actuel : saisi sous A03." in html

    response = post(client, url, form.values)
    assert response.status_code == 303, errors_of(response.get_data(as_text=True))
    values = load_answers(workspace / example)[0].values
    assert values["A03"]["nombre_pages"] == pages
    assert "nombre_pages" not in values.get("L01", {})
    assert _used_values(workspace / example) == before


@pytest.fixture
def shared_client(options_catalog: Path, tmp_path: Path) -> FlaskClient:
    append_items(options_catalog, SHARED_ITEMS)
    app = create_app(tmp_path / "espace", options_catalog)
    app.testing = True
    return app.test_client()


def _seed(tmp_path: Path, values: str) -> Path:
    folder = tmp_path / "espace" / "kerbriac"
    folder.mkdir(parents=True)
    (folder / "webpass.yaml").write_text(ANSWERS + values, encoding="utf-8")
    return folder


def test_a_copy_under_another_item_is_shown_once_and_saved_once(
    shared_client: FlaskClient, tmp_path: Path
) -> None:
    folder = _seed(tmp_path, "valeurs:\n  Z04: {nombre_pages: 35}\n")
    html, _ = page_of(shared_client.get("/dossiers/kerbriac/champs"))
    form = shown(html)
    assert form.values["valeur-Z03-nombre_pages"] == "35"
    assert "valeur-Z04-nombre_pages" not in form.values
    response = post(shared_client, "/dossiers/kerbriac/champs", form.values)
    assert response.status_code == 303, errors_of(response.get_data(as_text=True))
    assert load_answers(folder)[0].values == {"Z03": {"nombre_pages": 35}}


def test_two_different_values_are_shown_and_the_person_chooses(
    shared_client: FlaskClient, tmp_path: Path
) -> None:
    folder = _seed(tmp_path, "valeurs:\n  Z03: {nombre_pages: 35}\n  Z04: {nombre_pages: 40}\n")
    before = (folder / "webpass.yaml").read_text(encoding="utf-8")
    url = "/dossiers/kerbriac/champs"
    html, _ = page_of(shared_client.get(url))
    form = shown(html)
    assert form.values["valeur-Z03-nombre_pages"] == ""
    assert "Z03 : 35 ; Z04 : 40" in html
    # Saved as shown, nothing is settled for the person: the form asks for the value.
    response = post(shared_client, url, form.values)
    assert response.status_code == 422
    assert "champ-valeur-Z03-nombre_pages" in errors_of(response.get_data(as_text=True))
    assert (folder / "webpass.yaml").read_text(encoding="utf-8") == before
    response = post(shared_client, url, {**form.values, "valeur-Z03-nombre_pages": "40"})
    assert response.status_code == 303, errors_of(response.get_data(as_text=True))
    assert load_answers(folder)[0].values == {"Z03": {"nombre_pages": 40}}


def test_options_made_firm_survive_the_project_and_options_steps(tmp_path: Path) -> None:
    # Like a shared value, a choice the pages do not ask (options.fermes) is not dropped by
    # saving them as shown: the groupement would lose the téléservices F01 requires.
    workspace = tmp_path / "espace"
    shutil.copytree(REPO / "examples" / "communaute-de-communes", workspace / "cc")
    firm = load_answers(workspace / "cc")[0].options.firm
    assert firm
    app = create_app(workspace)
    app.testing = True
    client = app.test_client()
    for step in ("projet", "options"):
        url = f"/dossiers/cc/{step}"
        form = shown(page_of(client.get(url))[0])
        response = post(client, url, form.values)
        assert response.status_code == 303, (step, errors_of(response.get_data(as_text=True)))
        assert load_answers(workspace / "cc")[0].options.firm == firm, step
