from __future__ import annotations

import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from tests.conftest import append_items, other_hash_seed_env
from tests.system_deps import needs_harfbuzz_subset
from webpass.catalog import load_catalog
from webpass.cli import cli
from webpass.core.errors import InputError, ValidationFailed
from webpass.documents.cctp import build_document
from webpass.dossier.opening import open_dossier
from webpass.render.dispatch import PdfEngine, render
from webpass.render.html import render_html, template_search_path
from webpass.render.pdf import PdfRefused
from webpass.render.styles import styles_for
from webpass.untrusted.sandbox import (
    MAX_CLAUSE_ITERATIONS,
    MAX_RANGE,
    MAX_TEMPLATE_ITERATIONS,
    RenderLimitExceeded,
)

GOLDEN = Path(__file__).parent / "golden"


def document_of(dossier: Path, catalog: Path):  # type: ignore[no-untyped-def]
    return build_document(open_dossier(dossier, catalog).selection)


def test_html_is_complete_and_french(dossier: Path, options_catalog: Path) -> None:
    html = render_html(document_of(dossier, options_catalog))
    assert '<html lang="fr">' in html
    assert "<title>Cahier des clauses techniques particulières — Kerbriac-sur-Lié</title>" in html
    assert 'name="webpass-reponses"' in html
    # A small project's CCTP has a one-level table of contents; items keep their anchors.
    assert 'href="#art-2"' in html and 'id="art-2-1"' in html
    assert "Z01 — exigé" in html
    # The CCTP states needs: answers are asked by the grid, internal labels stay out.
    assert "Réponse attendue" not in html and "minimum du dispositif Webpass" not in html
    assert "11\u00a0janvier\u00a02027" in html
    assert "<dt>CCTP</dt>" in html  # glossary of the acronyms used


@pytest.mark.golden
def test_html_matches_golden_file(dossier: Path, options_catalog: Path) -> None:
    html = render_html(document_of(dossier, options_catalog))
    golden = GOLDEN / "mini-cctp.html"
    if os.environ.get("WEBPASS_UPDATE_GOLDEN") == "1":
        golden.write_text(html, encoding="utf-8")
    assert html == golden.read_text(encoding="utf-8"), "si le changement est voulu : make golden"


def test_pdf_is_tagged_with_answers_attached(dossier: Path, options_catalog: Path) -> None:
    document = document_of(dossier, options_catalog)
    rendered = render(document, "pdf", engine=PdfEngine.WEASYPRINT)
    reader = PdfReader(BytesIO(rendered.data))
    assert rendered.pages == len(reader.pages)
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert reader.metadata is not None and reader.metadata.title.startswith("Cahier des clauses")
    assert reader.attachments["webpass.yaml"][0].decode() == document.answers_yaml
    text = reader.pages[2].extract_text()
    assert "CCTP — Kerbriac-sur-Lié — page 3 / " in text


@pytest.mark.parametrize(
    "engine", ["typst", pytest.param("weasyprint", marks=needs_harfbuzz_subset)]
)
def test_pdf_bytes_are_identical_across_processes(
    dossier: Path, options_catalog: Path, tmp_path: Path, engine: str
) -> None:
    script = (
        "import sys\nfrom pathlib import Path\n"
        "from webpass.dossier.opening import open_dossier\nfrom webpass.documents.cctp import build_document\n"
        "from webpass.render.dispatch import render\n"
        "doc = build_document(open_dossier(Path(sys.argv[1]), Path(sys.argv[2])).selection)\n"
        f"Path(sys.argv[3]).write_bytes(render(doc, 'pdf', engine='{engine}').data)\n"
    )
    target = tmp_path / "other-process.pdf"
    subprocess.run(
        [sys.executable, "-c", script, str(dossier), str(options_catalog), str(target)],
        check=True,
        env=other_hash_seed_env(),
    )
    here = build_document(open_dossier(dossier, options_catalog).selection)
    assert target.read_bytes() == render(here, "pdf", engine=engine).data


def hostile_item(clause: str) -> str:
    return f"""\
  - id: Z09
    titre: Clause piégée
    niveau: null
    profil: tous
    exigence: obligation_legale
    clause: |
      {clause}
    reponse: {{type: conformite}}
"""


@pytest.mark.parametrize(
    ("clause", "message"),
    [
        ('Texte <img src="file:///etc/passwd"> fin.', "le HTML n'est pas permis"),
        ("Voir [ici](file:///etc/passwd).", "lien « file:///etc/passwd » refusé"),
        ("Voir [ici](javascript:alert(1)).", "refusé"),
        ("Image ![x](https://exemple.fr/x.png).", "images ne sont pas permises"),
        ("<script>alert(1)</script>", "le HTML n'est pas permis"),
        ("{{ ('a' * 100000) }}", "ne peut pas contenir de multiplication"),
        ("{{ 1/0 }}", "ne peut pas contenir de division"),
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "ne peut pas contenir de macro"),
        ("{{ 'x'|center(1500000000) }}", "filtre inconnu « center »"),
        ("{{ (((2**100)**100)**100)**100 }}", "ne peut pas contenir de puissance"),
        (
            "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
            "tours de boucle",
        ),
    ],
)
def test_hostile_clauses_are_refused(
    dossier: Path, mini_catalog: Path, clause: str, message: str
) -> None:
    append_items(mini_catalog, hostile_item(clause))
    with pytest.raises(InputError) as info:
        document_of(dossier, mini_catalog)
    assert message in info.value.message
    assert "Z09" in info.value.message
    if message == "tours de boucle":
        # Refused after the clause budget, not after the hundred million turns it asks for.
        refused = info.value.__cause__
        assert isinstance(refused, RenderLimitExceeded)
        assert refused.iterations <= MAX_CLAUSE_ITERATIONS + MAX_RANGE


@pytest.mark.parametrize(
    "clause",
    [
        "{{ ''.__class__ }}",
        "{{ collectivite.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
    ],
)
def test_sandbox_escapes_are_refused_at_validation(mini_catalog: Path, clause: str) -> None:
    append_items(mini_catalog, hostile_item(clause))
    with pytest.raises(ValidationFailed) as info:
        load_catalog(mini_catalog)
    assert "Z09" in str(info.value)


def user_templates(tmp_path: Path, template: str, css: str | None = None) -> Path:
    folder = tmp_path / "modeles"
    folder.mkdir()
    (folder / "cctp.html.j2").write_text(template, encoding="utf-8")
    if css is not None:
        (folder / "pdf.css").write_text(css, encoding="utf-8")
    return folder


def test_user_template_extends_the_shipped_one(
    dossier: Path, options_catalog: Path, tmp_path: Path
) -> None:
    folder = user_templates(
        tmp_path,
        '{% extends "webpass/cctp.html.j2" %}{% block cover %}<p class="maison">Couverture maison</p>{% endblock %}',
    )
    html = render_html(document_of(dossier, options_catalog), template_search_path(folder))
    assert '<p class="maison">Couverture maison</p>' in html
    assert "Table des matières" in html


@pytest.mark.parametrize(
    ("template", "walked"),
    [
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", None),
        ("{{ doc.__class__ }}", None),
        ("{% for i in range(100000000) %}x{% endfor %}", 0),
        (
            "{% for i in range(10000) %}{% for j in range(10000) %}{{ doc.object }}{% endfor %}{% endfor %}",
            MAX_TEMPLATE_ITERATIONS + MAX_RANGE,
        ),
        (
            "{% for a in doc.title %}{% for b in doc.title %}{% for c in doc.title %}{% for d in toc %}"
            "{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
            MAX_TEMPLATE_ITERATIONS + MAX_RANGE,
        ),
    ],
)
def test_hostile_user_templates_are_refused(
    dossier: Path, options_catalog: Path, tmp_path: Path, template: str, walked: int | None
) -> None:
    folder = user_templates(tmp_path, template)
    with pytest.raises(InputError) as info:
        render_html(document_of(dossier, options_catalog), template_search_path(folder))
    if walked is not None:
        # Refused within the iteration budget (or before any turn), never after the work.
        refused = info.value.__cause__
        assert isinstance(refused, RenderLimitExceeded)
        assert refused.iterations <= walked
        assert str(folder / "cctp.html.j2") in info.value.message


@pytest.mark.parametrize(
    "css",
    [
        "@import url(file:///etc/passwd);",
        "body { background: url(http://169.254.169.254/latest/meta-data/); }",
        "@font-face { font-family: x; src: url(file:///etc/hostname); } body { font-family: x; }",
    ],
)
def test_user_css_cannot_fetch(
    dossier: Path, options_catalog: Path, tmp_path: Path, css: str
) -> None:
    folder = user_templates(tmp_path, '{% extends "webpass/cctp.html.j2" %}', css)
    with pytest.raises(PdfRefused):
        render(document_of(dossier, options_catalog), "pdf", styles_for(folder))


def test_attachment_link_in_template_is_refused(
    dossier: Path, options_catalog: Path, tmp_path: Path
) -> None:
    folder = user_templates(
        tmp_path,
        '{% extends "webpass/cctp.html.j2" %}{% block cover %}<link rel="attachment" href="file:///etc/passwd">{% endblock %}',
    )
    with pytest.raises(PdfRefused) as info:
        render(document_of(dossier, options_catalog), "pdf", styles_for(folder))
    assert "file:///etc/passwd" in info.value.message


def test_cli_generer_and_regenerate_from_pdf(
    runner: CliRunner, dossier: Path, options_catalog: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ["--catalogue", str(options_catalog)]
    result = runner.invoke(
        cli, ["generer", str(dossier), "--format", "html,pdf", "--sortie", str(out), *args]
    )
    assert result.exit_code == 0, result.output
    pdf = out / "cctp-kerbriac-sur-lie.pdf"
    assert pdf.is_file() and (out / "cctp-kerbriac-sur-lie.html").is_file()
    assert "pages)" in result.output
    again = tmp_path / "again"
    result = runner.invoke(
        cli,
        ["generer", "--depuis", str(pdf), "--format", "pdf,html", "--sortie", str(again), *args],
    )
    assert result.exit_code == 0, result.output
    assert (again / pdf.name).read_bytes() == pdf.read_bytes()
    from_html = tmp_path / "from-html"
    result = runner.invoke(
        cli,
        [
            "generer",
            "--depuis",
            str(out / "cctp-kerbriac-sur-lie.html"),
            "--format",
            "html",
            "--sortie",
            str(from_html),
            *args,
        ],
    )
    assert result.exit_code == 0, result.output
    assert (from_html / "webpass.yaml").is_file()
    assert not list(out.glob(".*.tmp"))


def test_cli_generer_usage_errors(runner: CliRunner, dossier: Path) -> None:
    result = runner.invoke(cli, ["generer", str(dossier), "--format", "odt"])
    assert result.exit_code == 2
    assert "format(s) inconnu(s) : odt" in result.output
    result = runner.invoke(cli, ["generer"])
    assert result.exit_code == 2
