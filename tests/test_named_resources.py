"""A document naming a resource the PDF fetcher refuses is refused before WeasyPrint renders it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from webpass.core.resources import shipped_templates_dir
from webpass.render import pdf
from webpass.render.pdf import AssetsOnlyFetcher, PdfRefused, html_to_pdf
from webpass.untrusted.named_resources import named_in_css, named_in_html

BASE = "file:///modeles/"
PAGE = '<html lang="fr"><head><title>T</title></head><body>{}</body></html>'


@pytest.mark.parametrize(
    ("html", "named"),
    [
        ('<img src="file:///etc/passwd" alt="">', ["file:///etc/passwd"]),
        ("<IMG SRC=logo.png>", ["file:///modeles/logo.png"]),
        ('<link rel="attachment" href="file:///etc/passwd">', ["file:///etc/passwd"]),
        ('<a rel="attachment" href="../secret.txt">x</a>', ["file:///secret.txt"]),
        (
            '<link rel="stylesheet" href="http://169.254.169.254/x.css">',
            ["http://169.254.169.254/x.css"],
        ),
        (
            '<svg><image xlink:href="file:///etc/passwd"/><use href="#sym"/></svg>',
            ["file:///etc/passwd"],
        ),
        ('<object data="http://exemple.fr/a.svg"></object>', ["http://exemple.fr/a.svg"]),
        ('<embed src="data:image/png;base64,AA==">', ["data:image/png;base64,AA=="]),
        (
            '<p style="background: url(&quot;http://exemple.fr/x.png&quot;)">x</p>',
            ["http://exemple.fr/x.png"],
        ),
        (
            "<style>@import 'autre.css'; p { background: url(fond.png) }</style>",
            [
                "file:///modeles/autre.css",
                "file:///modeles/fond.png",
            ],
        ),
        ('<base href="http://ailleurs.fr/"><img src="a.png">', ["http://ailleurs.fr/a.png"]),
        # Not fetched: hyperlinks, alternate stylesheets, comments, a fragment.
        ('<a href="https://www.legifrance.gouv.fr/">loi</a>', []),
        ('<link rel="alternate stylesheet" href="http://x.fr/a.css">', []),
        ('<!-- <img src="file:///etc/passwd"> --><p>texte</p>', []),
        ("<p>&lt;img src=&quot;file:///etc/passwd&quot;&gt;</p>", []),
    ],
)
def test_named_in_html(html: str, named: list[str]) -> None:
    assert named_in_html(html, BASE) == named


@pytest.mark.parametrize(
    ("css", "named"),
    [
        ("@import url(file:///etc/passwd);", ["file:///etc/passwd"]),
        ('@import "autre.css";', ["file:///modeles/autre.css"]),
        (
            "@font-face { src: URL('polices/a.ttf') format('truetype') }",
            ["file:///modeles/polices/a.ttf"],
        ),
        ('/* url(file:///etc/passwd) */ p::before { content: "url(file:///etc/hostname)" }', []),
        # An escape is not plainly a name: left to the fetcher.
        ('@import url("file:///etc/pass\\77 d");', []),
    ],
)
def test_named_in_css(css: str, named: list[str]) -> None:
    assert named_in_css(css, BASE) == named


def test_the_shipped_templates_name_only_what_the_fetcher_serves() -> None:
    folder = shipped_templates_dir()
    fetcher = AssetsOnlyFetcher([folder])
    base = folder.resolve().as_uri() + "/"
    for path in folder.glob("*.css"):
        for url in named_in_css(path.read_text(encoding="utf-8"), base):
            assert fetcher.permits(url), (path.name, url)


class _NoRender:
    """Stands for WeasyPrint's HTML: a document refused by the names must never reach it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("WeasyPrint was asked to render a refused document")


@pytest.mark.parametrize(
    ("body", "css"),
    [
        ('<link rel="attachment" href="file:///etc/passwd">', ""),
        ('<svg width="10" height="10"><image xlink:href="file:///etc/passwd"/></svg>', ""),
        ('<img src="http://169.254.169.254/latest/meta-data/" alt="">', ""),
        ("<p>x</p>", "body { background: url(http://169.254.169.254/latest/meta-data/); }"),
        ("<p>x</p>", "@import url(../../../etc/passwd);"),
    ],
)
def test_a_named_refused_resource_is_refused_before_the_render(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, body: str, css: str
) -> None:
    monkeypatch.setattr(pdf, "HTML", _NoRender)
    with pytest.raises(PdfRefused) as info:
        html_to_pdf(PAGE.format(body), assets=[tmp_path], stylesheets=[(css, tmp_path)])
    assert "ressource interdite" in info.value.message


def test_the_fetcher_still_refuses_what_the_names_miss(tmp_path: Path) -> None:
    """A CSS escape hides the name from the reading, not from the fetcher."""
    css = '@import url("file:///etc/pass\\77 d");'
    assert named_in_css(css, tmp_path.as_uri() + "/") == []
    with pytest.raises(PdfRefused) as info:
        html_to_pdf(PAGE.format("<p>x</p>"), assets=[tmp_path], stylesheets=[(css, tmp_path)])
    assert "file:///etc/passwd" in info.value.message


def test_a_resource_of_the_template_folder_is_served(tmp_path: Path) -> None:
    (tmp_path / "autre.css").write_text("p { color: #123456 }", encoding="utf-8")
    data = html_to_pdf(
        PAGE.format("<p>x</p>"), assets=[tmp_path], stylesheets=[("@import 'autre.css';", tmp_path)]
    )
    assert data.startswith(b"%PDF")
