"""The local web wizard over HTTP (Flask's test client): every step, every error, every page."""

from __future__ import annotations

import html as html_lib
import io
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import ANSWERS, REPO
from flask import Flask
from flask.testing import FlaskClient
from web_a11y import Page, check_page

from webpass.cli import cli
from webpass.dossier.answers import load_answers
from webpass.dossier.opening import open_dossier
from webpass.render.dispatch import OutputFormat, Rendered
from webpass.web import create_app
from webpass.web.security import KEY_FILE

PROFILE = {
    "dossier": "",
    "type": "commune",
    "saisie_manuelle": "1",  # a fictional commune, absent from the reference
    "nom": "Kerbriac-sur-Lié",
    "code_insee": "22987",
    "departement": "",
    "population": "1 200",
    "effectif": "9",
    "recettes": "38 000",
    "adresse": "2 place de la Mairie",
    "domaine": "kerbriac.fr",
    "lignes": "3",
}
PROJECT = {
    "nature": "refonte",
    "site_adresse": "https://www.kerbriac.fr",
    "site_niveau": "1",
    "niveau": "3",
    "duree": "48",
    "budget": "15 000",
    "lancement": "11/01/2030",
    "mise_en_ligne": "30/06/2030",
    "reference": "2027-SITE-01",
    "fait-publication_electronique_actes": "n",
    "fait-seances_conseil_filmees": "n",
    "fait-logiciel_libre_exige": "n",
}
# A groupement typed by hand, with its first member only.
GROUPEMENT = {
    **PROFILE,
    "type": "communaute_de_communes",
    "nom": "Communauté de communes du Lié",
    "code_insee": "",
    "departement": "22",
    "population": "12 000",
    "commune-0-nom": "Kerbriac-sur-Lié",
}
SLUG = "kerbriac-sur-lie"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return tmp_path / "espace"


@pytest.fixture
def app(workspace: Path, options_catalog: Path) -> Flask:
    application = create_app(workspace, options_catalog)
    application.testing = True
    # Downloads answer once their document is made, however loaded the machine; the
    # « préparation en cours » pages have their own tests (test_web_preparation.py).
    application.config["WEBPASS_PREPARATION_WAIT"] = 600
    return application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def token(client: FlaskClient) -> str:
    page = client.get("/nouveau").get_data(as_text=True)
    found = re.search(r'name="jeton" value="([^"]+)"', page)
    assert found
    return found.group(1)


def post(client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any) -> Any:
    return client.post(url, data={"jeton": token(client), **data}, **kwargs)


def page_of(response: Any) -> tuple[str, Page]:
    html = response.get_data(as_text=True)
    return html, check_page(html)


def errors_of(html: str) -> dict[str, str]:
    """Field id → error text, as shown beside each field."""
    return {
        m.group(1): html_lib.unescape(re.sub(r"<[^>]+>", "", m.group(2)))
        .replace("Erreur : ", "")
        .strip()
        for m in re.finditer(r'<p class="erreur-champ" id="(champ-[^"]+)-erreur">(.*?)</p>', html)
    }


def field_values(html: str) -> dict[str, str]:
    """Field name → the value the page shows (a text field's, or its radio group's checked one)."""
    values: dict[str, str] = {}
    for tag in re.findall(r"<input [^>]+>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or name.group(1) == "jeton":
            continue
        if 'type="radio"' in tag:
            values.setdefault(name.group(1), "")
            if " checked" in tag and value:
                values[name.group(1)] = html_lib.unescape(value.group(1))
        else:
            values[name.group(1)] = html_lib.unescape(value.group(1)) if value else ""
    return values


def create(client: FlaskClient, **changes: str) -> str:
    """Answer steps 1 and 2; returns the dossier's slug."""
    response = post(client, "/nouveau", {**PROFILE, **changes})
    assert response.status_code == 303, errors_of(response.get_data(as_text=True))
    slug = response.headers["Location"].split("/")[2]
    response = post(client, f"/dossiers/{slug}/projet", PROJECT)
    assert response.status_code == 303, errors_of(response.get_data(as_text=True))
    assert response.headers["Location"].endswith(f"/dossiers/{slug}/options")
    return slug


def seeded(workspace: Path, text: str = ANSWERS, slug: str = SLUG) -> Path:
    """A dossier written as the command line writes it, inside the workspace."""
    folder = workspace / slug
    folder.mkdir(parents=True)
    (folder / "webpass.yaml").write_text(text, encoding="utf-8")
    return folder


# -- the steps ---------------------------------------------------------------------------------------


def test_home_then_every_step_then_a_dossier_the_cli_reads(
    client: FlaskClient, workspace: Path, options_catalog: Path
) -> None:
    html, _ = page_of(client.get("/"))
    assert "Aucun dossier" in html and "Créer un dossier" in html

    html, page = page_of(client.get("/nouveau"))
    assert "Étape 1 sur 5" in html
    assert 'value="commune" checked' in html  # the wizard's default

    response = post(client, "/nouveau", PROFILE)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/dossiers/{SLUG}/projet"
    assert not (workspace / SLUG / "webpass.yaml").exists()  # a draft until the project is known

    html, page = page_of(client.get(f"/dossiers/{SLUG}/projet"))
    assert "saisie à la main" in html  # the warning of a commune absent from the reference
    for number in range(1, 6):
        assert f"Niveau {number} — " in html
    assert "Coût indicatif" in html
    assert "Votre collectivité est enregistrée" in html

    response = post(client, f"/dossiers/{SLUG}/projet", PROJECT)
    assert response.status_code == 303
    answers, _ = load_answers(workspace / SLUG)
    assert answers.collectivity.department == "Côtes-d'Armor"  # guessed from the INSEE code
    assert answers.collectivity.population == 1200
    assert answers.project.reference == "2027-SITE-01"

    html, page = page_of(client.get(f"/dossiers/{SLUG}/options"))
    assert "Y03 — Forum" in html and "Téléservice" in html
    assert "Y04 — Commentaires" in html
    assert "Retirer Y02 — Agenda" in html
    response = post(client, f"/dossiers/{SLUG}/options", {"option-Y03": "1"})
    assert response.status_code == 303, errors_of(response.get_data(as_text=True))

    html, page = page_of(client.get(f"/dossiers/{SLUG}/champs"))
    assert 'id="champ-valeur-Z02-delai"' in html
    response = post(client, f"/dossiers/{SLUG}/champs", {"valeur-Z02-delai": "5"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/dossiers/{SLUG}/"

    html, page = page_of(client.get(f"/dossiers/{SLUG}/"))
    for heading in ("Estimation du coût", "Procédure à suivre", "Aides"):
        assert heading in [text for _, text in page.headings]
    assert "Conditions d'éligibilité" in html
    assert "Marché sans publicité" in html or "MAPA" in html

    # The dossier is the command line's: open_dossier reads it, `webpass generer` renders it.
    opened = open_dossier(workspace / SLUG, options_catalog)
    assert opened.answers.options.chosen == ["Y03"]
    assert opened.answers.values == {"Z02": {"delai": 5}}
    result = CliRunner().invoke(
        cli,
        [
            "generer",
            str(workspace / SLUG),
            "--format",
            "html",
            "--catalogue",
            str(options_catalog),
        ],
    )
    assert result.exit_code == 0, result.output

    html, _ = page_of(client.get("/"))
    assert SLUG in html and "prêt" in html


def test_a_dossier_made_on_the_command_line_opens_in_the_browser_and_back(
    client: FlaskClient, workspace: Path, options_catalog: Path
) -> None:
    folder = seeded(workspace, ANSWERS.replace("population: 1200", "population: 1300"))
    html, _ = page_of(client.get(f"/dossiers/{SLUG}/profil"))
    assert 'value="1300"' in html and 'value="22987"' in html
    html, _ = page_of(client.get(f"/dossiers/{SLUG}/projet"))
    assert 'value="11/01/2027"' in html

    # Edit the collectivity in the browser: the rest of the answers is kept as it was.
    post(client, f"/dossiers/{SLUG}/options", {"option-Y04": "1"})
    changed = {**PROFILE, "population": "1 400"}
    del changed["dossier"]
    response = post(client, f"/dossiers/{SLUG}/profil", changed)
    assert response.status_code == 303
    answers, _ = load_answers(folder)
    assert answers.collectivity.population == 1400
    assert answers.options.chosen == ["Y04"]
    assert answers.project.launch_date.isoformat() == "2027-01-11"

    # …and back to the command line, which rewrites the same file.
    result = CliRunner().invoke(
        cli,
        [
            "nouveau",
            str(folder),
            "--reponses",
            str(folder / "webpass.yaml"),
            "--catalogue",
            str(options_catalog),
        ],
    )
    assert result.exit_code == 0, result.output
    assert 'value="1 400"' not in client.get(f"/dossiers/{SLUG}/profil").get_data(as_text=True)
    assert 'value="1400"' in client.get(f"/dossiers/{SLUG}/profil").get_data(as_text=True)


def test_profile_errors_are_listed_at_the_top_and_linked_to_their_fields(
    client: FlaskClient, workspace: Path
) -> None:
    response = post(
        client,
        "/nouveau",
        {**PROFILE, "nom": "", "code_insee": "99999X", "population": "zéro", "recettes": "abc"},
    )
    assert response.status_code == 422
    html, page = page_of(response)
    assert page.title.startswith("Erreur : ")
    errors = errors_of(html)
    assert set(errors) == {
        "champ-nom",
        "champ-code_insee",
        "champ-population",
        "champ-recettes",
    }
    assert errors["champ-nom"] == "Une réponse est attendue."
    assert errors["champ-code_insee"].startswith("Code INSEE invalide")
    assert set(page.summary_links) == {f"#{name}" for name in errors}
    invalid = {c.id for c in page.controls if c.invalid}
    assert invalid == set(errors)
    control = next(c for c in page.controls if c.id == "champ-code_insee")
    assert control.describedby == ["champ-code_insee-aide", "champ-code_insee-erreur"]
    assert 'value="zéro"' in html  # what was typed is kept
    assert not [p for p in workspace.iterdir() if p.is_dir()]


def test_a_problem_of_the_answers_model_lands_on_its_field(client: FlaskClient) -> None:
    response = post(client, "/nouveau", {**PROFILE, "departement": "35"})
    assert response.status_code == 422
    html, page = page_of(response)
    assert "appartient au département 22" in errors_of(html)["champ-departement"]
    assert page.summary_links == ["#champ-departement"]


def test_a_groupement_lists_its_member_communes(client: FlaskClient, workspace: Path) -> None:
    groupement = dict(GROUPEMENT)
    response = post(client, "/nouveau", groupement)
    assert response.status_code == 422
    html, _ = page_of(response)
    assert "au moins deux" in errors_of(html)["champ-commune-0-nom"]

    groupement |= {"commune-1-nom": "Plédran", "commune-1-identite": "1"}
    html, _ = page_of(post(client, "/nouveau", groupement))
    assert list(errors_of(html)) == ["champ-commune-1-domaine"]
    assert "nom de domaine" in errors_of(html)["champ-commune-1-domaine"]

    # More rows without losing what was typed, and without any error shown.
    response = post(client, "/nouveau", {**groupement, "action": "ajouter-communes"})
    assert response.status_code == 200
    html, _ = page_of(response)
    assert 'id="champ-commune-7-nom"' in html and 'value="Plédran"' in html
    assert not errors_of(html)

    groupement |= {"commune-1-domaine": "pledran.fr", "commune-2-nom": "Uzel"}
    response = post(client, "/nouveau", groupement)
    assert response.status_code == 303
    slug = "communaute-de-communes-du-lie"
    post(client, f"/dossiers/{slug}/projet", PROJECT)
    answers, _ = load_answers(workspace / slug)
    assert [m.name for m in answers.collectivity.members] == ["Kerbriac-sur-Lié", "Plédran", "Uzel"]
    assert answers.collectivity.members[1].own_identity


def test_dossier_names_are_safe_slugs_that_never_leave_the_workspace(
    client: FlaskClient, workspace: Path, tmp_path: Path
) -> None:
    response = post(client, "/nouveau", {**PROFILE, "dossier": "../../x"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/dossiers/x/projet"
    assert (workspace / "x").is_dir()
    assert not (tmp_path.parent / "x").exists()

    # Another browser cannot take the name; this one, going back to step 1, updates its dossier.
    other = client.application.test_client()
    response = post(other, "/nouveau", {**PROFILE, "dossier": "X"})
    assert response.status_code == 422
    assert "existe déjà" in errors_of(response.get_data(as_text=True))["champ-dossier"]
    response = post(client, "/nouveau", {**PROFILE, "dossier": "X", "population": "1 300"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/dossiers/x/projet"

    for url in (
        "/dossiers/..%2F..%2Fx/",
        "/dossiers/../x/projet",
        "/dossiers/%2e%2e/projet",
        "/dossiers/X/projet",
        "/dossiers/inconnu/",
        "/dossiers/.brouillon/projet",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page introuvable" in response.get_data(as_text=True)


def test_project_errors(client: FlaskClient) -> None:
    post(client, "/nouveau", PROFILE)
    url = f"/dossiers/{SLUG}/projet"
    response = post(
        client, url, {**PROJECT, "site_adresse": "", "lancement": "31/02/2027", "niveau": ""}
    )
    assert response.status_code == 422
    errors = errors_of(response.get_data(as_text=True))
    assert set(errors) == {"champ-site_adresse", "champ-lancement", "champ-niveau"}
    _html, page = page_of(response)
    assert "#champ-niveau-1" in page.summary_links  # a radio group's link leads to its first radio

    response = post(client, url, {**PROJECT, "mise_en_ligne": "01/01/2027"})
    assert response.status_code == 422
    assert (
        "mise en ligne doit suivre"
        in errors_of(response.get_data(as_text=True))["champ-mise_en_ligne"]
    )

    response = post(client, url, {**PROJECT, "nature": "creation", "site_adresse": ""})
    assert response.status_code == 303  # no current site for a first site


def test_staff_hours_and_contract_terms_are_asked_checked_and_saved(
    client: FlaskClient, workspace: Path
) -> None:
    post(client, "/nouveau", PROFILE)
    url = f"/dossiers/{SLUG}/projet"
    html, _ = page_of(client.get(url))
    fields = field_values(html)
    assert fields["temps_agent"] == ""  # optional: nothing is proposed
    assert (fields["taux_avance"], fields["part_fixe"]) == ("5", "0,15")
    assert fields["propriete_intellectuelle"] == "droits_etendus"
    assert "montage" not in fields and "membres_groupement" not in fields  # a commune
    assert '<details class="groupe-repliable">' in html  # closed while nothing is wrong

    wrong = {"temps_agent": "401", "taux_avance": "40", "part_fixe": "0,125", "maximum_bons": "x"}
    response = post(client, url, {**PROJECT, **wrong})
    assert response.status_code == 422
    html, page = page_of(response)
    errors = errors_of(html)
    assert set(errors) == {f"champ-{key}" for key in wrong}
    assert "plus 400" in errors["champ-temps_agent"]
    assert "entre 5 et 30 %" in errors["champ-taux_avance"]
    assert "deux décimales au plus" in errors["champ-part_fixe"]
    assert set(page.summary_links) == {f"#champ-{key}" for key in wrong}
    assert '<details class="groupe-repliable" open>' in html  # the errors are in sight
    assert field_values(html)["taux_avance"] == "40"  # what was typed stays

    right = {
        "temps_agent": "6",
        "taux_avance": "10",
        "part_fixe": "0,2",
        "propriete_intellectuelle": "regime_ccag",
        "comptable": "Service de gestion comptable de Loudéac",
    }
    assert post(client, url, {**PROJECT, **right}).status_code == 303
    answers, _ = load_answers(workspace / SLUG)
    assert answers.project.staff_hours == 6
    terms = answers.contract
    assert terms is not None
    assert (terms.advance_rate, terms.fixed_share) == (Decimal(10), Decimal("0.2"))
    assert terms.intellectual_property.value == "regime_ccag"
    assert terms.accountant == "Service de gestion comptable de Loudéac"
    assert terms.order_maximum is None
    # Shown again as saved, the French way.
    fields = field_values(client.get(url).get_data(as_text=True))
    assert (fields["temps_agent"], fields["taux_avance"], fields["part_fixe"]) == ("6", "10", "0,2")


def test_a_groupement_chooses_how_it_buys_and_who_joins(
    client: FlaskClient, workspace: Path
) -> None:
    groupement = {**GROUPEMENT, "commune-1-nom": "Plédran", "commune-2-nom": "Uzel"}
    assert post(client, "/nouveau", groupement).status_code == 303
    slug = "communaute-de-communes-du-lie"
    url = f"/dossiers/{slug}/projet"
    fields = field_values(client.get(url).get_data(as_text=True))
    assert fields["montage"] == "groupement_de_commandes"
    assert fields["membres_groupement"] == ""  # all members join

    for typed, error in (
        ("Plédran, Paris", "« Paris » n'est pas une commune membre du groupement"),
        ("Plédran, pledran", "« Plédran » est citée deux fois"),
    ):
        response = post(client, url, {**PROJECT, "membres_groupement": typed})
        assert response.status_code == 422
        assert error in errors_of(response.get_data(as_text=True))["champ-membres_groupement"]

    response = post(client, url, {**PROJECT, "membres_groupement": "uzel ; KERBRIAC-SUR-LIE"})
    assert response.status_code == 303
    terms = load_answers(workspace / slug)[0].contract
    assert terms is not None and terms.joining_members == ["Uzel", "Kerbriac-sur-Lié"]

    # Bought by the groupement alone: the members who join are not read.
    alone = {"montage": "achat_par_le_groupement", "membres_groupement": "Paris"}
    assert post(client, url, {**PROJECT, **alone}).status_code == 303
    terms = load_answers(workspace / slug)[0].contract
    assert terms is not None
    assert (terms.setup.value, terms.joining_members) == ("achat_par_le_groupement", [])


def test_later_steps_wait_for_the_project(client: FlaskClient) -> None:
    post(client, "/nouveau", PROFILE)
    for step in ("options", "champs"):
        response = client.get(f"/dossiers/{SLUG}/{step}")
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/projet")
    assert client.get(f"/dossiers/{SLUG}/").headers["Location"].endswith("/projet")


def test_options_removal_needs_a_justification_and_conflicts_are_refused(
    client: FlaskClient, workspace: Path
) -> None:
    seeded(workspace)
    url = f"/dossiers/{SLUG}/options"
    response = post(client, url, {"retrait-Y02": "1"})
    assert response.status_code == 422
    html, _page = page_of(response)
    assert errors_of(html) == {"champ-justification-Y02": "Une réponse est attendue."}
    assert '<details class="groupe-repliable" open>' in html  # the removal is shown open

    response = post(client, url, {"option-Y03": "1", "option-Y04": "1"})
    assert response.status_code == 422
    assert "incompatibles" in errors_of(response.get_data(as_text=True))["champ-option-Y03"]
    assert load_answers(workspace / SLUG)[0].options.chosen == []

    response = post(
        client, url, {"retrait-Y02": "1", "justification-Y02": "Pas d'agenda : une page suffit."}
    )
    # Y02 pulls Y05 in; removing Y02 is fine on its own.
    assert response.status_code == 303, errors_of(response.get_data(as_text=True))
    answers, _ = load_answers(workspace / SLUG)
    assert [(e.id, e.justification) for e in answers.options.excluded] == [
        ("Y02", "Pas d'agenda : une page suffit.")
    ]
    html, _ = page_of(client.get(url))
    assert 'id="champ-retrait-Y02" name="retrait-Y02" value="1" checked' in html


def test_placeholders_use_the_wizard_parsers(client: FlaskClient, workspace: Path) -> None:
    seeded(workspace)
    url = f"/dossiers/{SLUG}/champs"
    html, _ = page_of(client.get(url))
    assert 'value="2"' in html  # the catalogue's proposal
    response = post(client, url, {"valeur-Z02-delai": "deux"})
    assert response.status_code == 422
    assert errors_of(response.get_data(as_text=True)) == {
        "champ-valeur-Z02-delai": "« deux » n'est pas un nombre entier."
    }
    post(client, url, {"valeur-Z02-delai": "7"})
    assert load_answers(workspace / SLUG)[0].values == {"Z02": {"delai": 7}}
    post(client, url, {"valeur-Z02-delai": "2"})  # back to the proposal: nothing written
    assert load_answers(workspace / SLUG)[0].values == {}


def test_review_and_broken_dossiers(client: FlaskClient, workspace: Path) -> None:
    seeded(workspace)
    html, page = page_of(client.get(f"/dossiers/{SLUG}/"))
    assert "Kerbriac-sur-Lié" in page.headings[0][1]
    assert "1\u00a0200\u00a0habitants" in html
    assert "Total du marché, reconductions comprises (coûts annuels sur 4 ans)" in html
    assert "cctp.pdf" in html and "grille.xlsx" in html and "dce.zip" in html

    seeded(workspace, "collectivite: [\n", slug="casse")
    response = client.get("/dossiers/casse/")
    assert response.status_code == 422
    html, _ = page_of(response)
    assert "est à corriger" in html
    assert "à corriger" in client.get("/").get_data(as_text=True)
    response = client.get("/dossiers/casse/projet")
    assert response.status_code == 422
    page_of(response)


def test_answers_of_an_older_catalogue_are_updated_by_the_steps(
    client: FlaskClient, workspace: Path
) -> None:
    seeded(workspace, ANSWERS.replace('"2026.1"', '"2025.1"'))
    html, _ = page_of(client.get(f"/dossiers/{SLUG}/"))
    assert "Le dossier est à mettre à jour" in html and "2025.1" in html
    assert client.get(f"/dossiers/{SLUG}/options").status_code == 200
    assert post(client, f"/dossiers/{SLUG}/options", {}).status_code == 303
    assert load_answers(workspace / SLUG)[0].catalogue_version == "2026.1"
    html, _ = page_of(client.get(f"/dossiers/{SLUG}/"))
    assert "Estimation du coût" in html


# -- documents ---------------------------------------------------------------------------------------


def test_downloads(client: FlaskClient, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeded(workspace)
    response = client.get(f"/dossiers/{SLUG}/cctp.html")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert (
        response.headers["Content-Disposition"] == "attachment; filename=cctp-kerbriac-sur-lie.html"
    )
    assert "Kerbriac-sur-Lié" in response.get_data(as_text=True)

    response = client.get(f"/dossiers/{SLUG}/cctp.docx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    for fmt in ("xlsx", "csv"):
        response = client.get(f"/dossiers/{SLUG}/grille.{fmt}")
        assert response.status_code == 200
        assert f"cadre-de-reponse-kerbriac-sur-lie.{fmt}" in response.headers["Content-Disposition"]
    assert client.get(f"/dossiers/{SLUG}/cctp.exe").status_code == 404
    assert client.get(f"/dossiers/{SLUG}/grille.exe").status_code == 404

    # PDF rendering is exercised by the end-to-end test; here only the route's wiring.
    monkeypatch.setattr(
        "webpass.render.dispatch._pdf", lambda *_a, **_k: Rendered(OutputFormat.PDF, _tiny_pdf(), 1)
    )
    response = client.get(f"/dossiers/{SLUG}/cctp.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    response = client.get(f"/dossiers/{SLUG}/dce.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert "CCTP-kerbriac-sur-lie.pdf" in names and "manifeste.sha256" in names


def _tiny_pdf() -> bytes:
    from pypdf import PdfWriter

    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return buffer.getvalue()


def test_without_the_dce_module_its_link_is_left_out(
    client: FlaskClient, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded(workspace)
    monkeypatch.setitem(sys.modules, "webpass.documents.dce", None)  # import fails as if absent
    html, _ = page_of(client.get(f"/dossiers/{SLUG}/"))
    assert "dce.zip" not in html and "cctp.pdf" in html
    assert client.get(f"/dossiers/{SLUG}/dce.zip").status_code == 404


def test_a_dossier_with_conflicts_explains_instead_of_generating(
    client: FlaskClient, workspace: Path
) -> None:
    answers = ANSWERS + "options:\n  retenues: [Y03, Y04]\n"
    seeded(workspace, answers)
    html, _ = page_of(client.get(f"/dossiers/{SLUG}/"))
    assert "incompatibles" in html and "cctp.pdf" not in html
    response = client.get(f"/dossiers/{SLUG}/cctp.html")
    assert response.status_code == 422
    assert "contradictoire" in response.get_data(as_text=True)


# -- checking a bid ------------------------------------------------------------------------------------


def fill(grid: bytes, tmp_path: Path) -> Path:
    """Answer every requirement « Conforme » and price every line, as a bidder would."""
    source = tmp_path / "grille.xlsx"
    source.write_bytes(grid)
    book = openpyxl.load_workbook(source)
    sheet = book["Exigences"]
    headers = [c.value for c in sheet[1]]
    col = {name: headers.index(name) for name in headers}
    for row in sheet.iter_rows(min_row=2):
        item = row[col["Identifiant"]].value
        if not item or len(str(item)) != 3:
            continue
        row[col["Conformité"]].value = "Conforme"
        row[col["Valeur"]].value = "10"
        if row[col["Prix HT"]].value is None:
            row[col["Prix HT"]].value = 1000.0
    for row in book.worksheets[2].iter_rows(min_row=2):
        if row[0].value and len(str(row[0].value)) == 3:
            row[4].value = 500.0
    out = tmp_path / "offre.xlsx"
    book.save(out)
    return out


def test_upload_a_bid_and_read_its_report(
    client: FlaskClient, workspace: Path, tmp_path: Path
) -> None:
    seeded(workspace)
    url = f"/dossiers/{SLUG}/verifier"
    html, _ = page_of(client.get(url))
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    offer = fill(client.get(f"/dossiers/{SLUG}/grille.xlsx").data, tmp_path)
    response = post(
        client,
        url,
        {"offre": (io.BytesIO(offer.read_bytes()), "Offre de Libre SCOP.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    html, page = page_of(response)
    assert "Rapport de vérification" in [text.split(" :")[0] for _, text in page.headings]
    assert "Offre de Libre SCOP.xlsx" in html
    # Priced by phase (a commune's quotes): Y01, Y02 and Z02 share one line.
    assert "Total de l'offre" in html and "4\u00a0500,00\u00a0€\u00a0HT" in html
    assert "anomalie" in html  # no candidate sheet filled: the report says so
    assert "Subvention Webpass sur les prix de cette offre" in html
    assert not any(p.name.startswith("offre") for p in (workspace / SLUG).iterdir())

    # The same grid checked on its own (a bidder before submitting).
    response = post(
        client,
        "/verifier",
        {"offre": (io.BytesIO(offer.read_bytes()), "offre.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and "Rapport de vérification" in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "", "Choisissez le fichier"),
        (b"PK\x03\x04 not really a zip", "../../x", "n'est pas une grille de réponse"),
        (b"not a spreadsheet", "offre.xlsx", "Fichier illisible"),
        (b"exigences: [\n", "offre.yaml", "Fichier illisible"),
        (b"a: &a [*a]\n", "offre.yml", "Fichier illisible"),
    ],
)
def test_bad_uploads_are_refused_beside_the_field(
    client: FlaskClient, workspace: Path, content: bytes, filename: str, message: str
) -> None:
    seeded(workspace)
    response = post(
        client,
        f"/dossiers/{SLUG}/verifier",
        {"offre": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html, page = page_of(response)
    assert message in errors_of(html)["champ-offre"]
    assert page.summary_links == ["#champ-offre"]
    assert not (workspace.parent / "x").exists()


def test_uploads_over_10_mo_are_refused_cleanly(client: FlaskClient, workspace: Path) -> None:
    seeded(workspace)
    big = io.BytesIO(b"0" * (10 * 1024 * 1024 + 1))
    response = post(
        client,
        f"/dossiers/{SLUG}/verifier",
        {"offre": (big, "offre.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    html, _ = page_of(response)
    assert "Fichier trop volumineux" in html and "10 Mo" in html
    assert f'href="/dossiers/{SLUG}/verifier">Revenir au formulaire' in html


# -- subsidy ---------------------------------------------------------------------------------------------


def test_subsidy_of_the_dossier_and_of_an_amount(client: FlaskClient, workspace: Path) -> None:
    seeded(workspace)
    url = f"/dossiers/{SLUG}/subvention"
    html, _ = page_of(client.get(url))
    assert "Calcul sur l'estimation centrale" in html and "Base éligible" in html
    assert "Plan de financement" in html
    response = post(client, url, {"investissement": "30 000", "fonctionnement": ""})
    html, _ = page_of(response)
    assert "Simulation sur les montants saisis" in html
    assert "30\u00a0000,00\u00a0€\u00a0HT" in html
    response = post(client, url, {"investissement": "-5"})
    assert response.status_code == 422
    assert "champ-investissement" in errors_of(response.get_data(as_text=True))

    html, _ = page_of(client.get("/subvention"))
    # Today lies outside the Île-de-France scheme of 2009-2010: not applicable, 0 €.
    response = post(client, "/subvention", {"montant": "30 000", "profil": "commune", "date": ""})
    html, page = page_of(response)
    assert page.headings[1][1] == "Non applicable : 0,00\u00a0€"
    assert "Non applicable :" in html and "hors période" in html
    response = post(
        client, "/subvention", {"montant": "30 000", "profil": "commune", "date": "01/06/2010"}
    )
    html, page = page_of(response)
    assert page.headings[1][1] == "Simulation : 12\u00a0000,00\u00a0€"  # territory unchecked
    response = post(client, "/subvention", {"montant": "trente", "profil": "commune"})
    assert response.status_code == 422
    response = post(
        client, "/subvention", {"montant": "1000", "profil": "commune", "date": "01/01/1990"}
    )
    assert response.status_code == 200  # outside the scheme's period: not applicable, labelled
    assert "hors période" in response.get_data(as_text=True)
    response = post(
        client, "/subvention", {"montant": "1000", "profil": "commune", "date": "31/02/2026"}
    )
    assert response.status_code == 422
    assert "champ-date" in errors_of(response.get_data(as_text=True))


# -- safety --------------------------------------------------------------------------------------------


def test_forms_without_the_right_token_are_refused(client: FlaskClient, workspace: Path) -> None:
    for data in ({}, {"jeton": "faux"}):
        response = client.post("/nouveau", data={**PROFILE, **data})
        assert response.status_code == 400
        html, _ = page_of(response)
        assert "Formulaire expiré" in html
    assert not [p for p in workspace.iterdir() if p.is_dir()]


def test_requests_for_another_host_are_refused(client: FlaskClient) -> None:
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "evil.example:8000"}).status_code == 400


def test_pages_carry_protective_headers(client: FlaskClient) -> None:
    response = client.get("/")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/static/webpass.css").status_code == 200
    assert client.get("/favicon.ico").status_code == 204
    cookie = client.get("/nouveau").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_the_secret_key_is_per_workspace_and_owner_only(
    workspace: Path, options_catalog: Path
) -> None:
    first = create_app(workspace, options_catalog)
    key = workspace / KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    key.chmod(0o644)
    again = create_app(workspace, options_catalog)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert again.secret_key == first.secret_key and len(str(first.secret_key)) == 64
    other = create_app(workspace.parent / "autre", options_catalog)
    assert other.secret_key != first.secret_key


# -- command line ----------------------------------------------------------------------------------------


def test_help_stays_light_and_lists_serve() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from webpass.cli import cli; "
        "out = CliRunner().invoke(cli, ['--help']).output; assert 'serve' in out, out; "
        "assert 'flask' not in sys.modules, 'flask importé'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_serve_refuses_a_port_in_use(runner: CliRunner, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(
            cli, ["serve", "--port", str(port), "--espace", str(tmp_path / "espace")]
        )
    assert result.exit_code == 2
    assert f"le port {port} est déjà utilisé" in result.output
    assert "Traceback" not in result.output


def test_serve_help_is_french(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--hote" in result.output and "--espace" in result.output and "--port" in result.output


def test_examples_open_with_the_shipped_catalogue(tmp_path: Path) -> None:
    workspace = tmp_path / "espace"
    for name in ("petite-commune", "communaute-de-communes"):
        shutil.copytree(REPO / "examples" / name, workspace / name)
    app = create_app(workspace)
    app.testing = True
    client = app.test_client()
    for name in ("petite-commune", "communaute-de-communes"):
        for step in ("profil", "projet", "options", "champs", ""):
            response = client.get(f"/dossiers/{name}/{step}")
            assert response.status_code == 200, (name, step)
            page_of(response)
    assert os.access(workspace / KEY_FILE, os.R_OK)


# -- the collectivity from the reference -------------------------------------------------------------


def test_a_commune_is_found_by_name_shown_then_saved(client: FlaskClient, workspace: Path) -> None:
    response = post(client, "/nouveau", {"type": "commune", "recherche": "Ploërmel", "lignes": "3"})
    assert response.status_code == 200
    html, _page = page_of(response)
    assert "Trouvée dans la liste officielle" in html
    for value in ('value="Ploërmel"', 'value="56165"', 'value="200086791"', 'value="10163"'):
        assert value in html
    assert 'value="56800"' in html and 'value="Morbihan"' in html
    assert not (workspace / "ploermel").exists()  # nothing saved before confirmation

    fields = {
        "type": "commune",
        "nom": "Ploërmel",
        "code_insee": "56165",
        "siren": "200086791",
        "departement": "Morbihan",
        "population": "10163",
        "code_postal": "56800",
        "effectif": "80",
        "recettes": "0",
        "lignes": "3",
    }
    response = post(client, "/nouveau", fields)
    assert response.status_code == 303, errors_of(response.get_data(as_text=True))
    post(client, "/dossiers/ploermel/projet", PROJECT)
    body = load_answers(workspace / "ploermel")[0].collectivity
    assert (body.siren, body.population, body.postal_code) == ("200086791", 10163, "56800")


def test_a_postal_code_is_refused_with_the_communes_it_serves(client: FlaskClient) -> None:
    response = post(client, "/nouveau", {"type": "commune", "recherche": "29900", "lignes": "3"})
    assert response.status_code == 422
    html, page = page_of(response)
    error = errors_of(html)["champ-recherche"]
    assert "code postal" in error and "Concarneau" in error and "29039" in error
    assert page.summary_links == ["#champ-recherche"]


def test_a_name_and_a_code_that_disagree_are_flagged_on_the_name(client: FlaskClient) -> None:
    fields = {"type": "commune", "nom": "Josselin", "code_insee": "56165", "population": "2500"}
    response = post(client, "/nouveau", {**fields, "lignes": "3"})
    assert response.status_code == 422
    errors = errors_of(response.get_data(as_text=True))
    assert "Ploërmel" in errors["champ-nom"] and "Josselin" in errors["champ-nom"]


def test_a_groupement_by_its_siren_gets_its_members(client: FlaskClient) -> None:
    response = post(
        client,
        "/nouveau",
        {"type": "communaute_de_communes", "recherche": "200066777", "lignes": "3"},
    )
    assert response.status_code == 200
    html, _ = page_of(response)
    assert 'id="champ-commune-29-nom"' in html  # the 30 members, each on its row
    assert 'value="Tréhorenteuc"' in html and 'value="111"' in html


def test_a_url_typed_as_the_domain_is_refused_with_the_fix(client: FlaskClient) -> None:
    response = post(client, "/nouveau", {**PROFILE, "domaine": "http://ma commune"})
    assert response.status_code == 422
    error = errors_of(response.get_data(as_text=True))["champ-domaine"]
    assert "ma-commune.fr" in error


def test_a_past_launch_date_is_an_error_on_its_field_in_plain_words(client: FlaskClient) -> None:
    post(client, "/nouveau", PROFILE)
    response = post(client, f"/dossiers/{SLUG}/projet", {**PROJECT, "lancement": "01/01/2020"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = errors_of(html)["champ-lancement"]
    assert "passée" in error
    assert ".yaml" not in html  # never a page telling a mairie to edit a file


def test_every_required_field_says_so(client: FlaskClient) -> None:
    post(client, "/nouveau", PROFILE)
    html = client.get(f"/dossiers/{SLUG}/projet").get_data(as_text=True)
    label = re.search(r'<label class="libelle" for="champ-site_adresse">(.*?)</label>', html)
    assert label and "obligatoire" in label.group(1)


def test_a_dossier_launched_before_any_known_threshold_is_fixed_on_its_field(
    client: FlaskClient, workspace: Path
) -> None:
    seeded(workspace, ANSWERS.replace("date_lancement: 2027-01-11", "date_lancement: 2001-01-11"))
    for step in ("", "options", "champs"):
        response = client.get(f"/dossiers/{SLUG}/{step}")
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/projet")
    html = client.get(f"/dossiers/{SLUG}/projet").get_data(as_text=True)
    assert "seuils de procédure ne sont connus qu'à partir du" in errors_of(html)["champ-lancement"]
    assert ".yaml" not in html


def test_the_web_asks_where_to_write_and_who_signs(
    client: FlaskClient, workspace: Path, options_catalog: Path
) -> None:
    # The consultation letter needs both; the web form asks them with the terminal's questions.
    response = post(client, "/nouveau", {**PROFILE, "courriel": "mairie@", "signataire_nom": ""})
    assert response.status_code == 422
    assert set(errors_of(response.get_data(as_text=True))) == {"champ-courriel"}
    create(
        client,
        courriel="mairie@kerbriac.fr",
        courriel_offres="devis@kerbriac.fr",
        signataire_nom="Marie Exemple",
        signataire_qualite="La maire",
    )
    body = load_answers(workspace / SLUG)[0].collectivity
    assert body.email == "mairie@kerbriac.fr"
    assert body.offers_email == "devis@kerbriac.fr"
    assert body.signatory is not None
    assert (body.signatory.name, body.signatory.quality) == ("Marie Exemple", "La maire")
