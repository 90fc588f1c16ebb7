"""The page analyser on small saved sites (tests/fixtures/sites), and cue matching."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webpass.core.errors import InputError
from webpass.observatory.checklist import Criterion, Verdict, load_grid
from webpass.observatory.classify import classify_site
from webpass.observatory.detect import detect_criterion, glob_match
from webpass.observatory.pages import FolderLimits, Site, load_folder, parse_page, words

SITES = Path(__file__).resolve().parent / "fixtures" / "sites"
GRID = load_grid()


def _verdicts(site: Site) -> dict[str, Verdict]:
    return {r.criterion.id: r.verdict for r in classify_site(GRID, site, "pages").results}


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_each_fixture_site_gets_its_level(level: int) -> None:
    result = classify_site(GRID, load_folder(SITES / f"niveau{level}"), "pages")
    assert result.level == level
    if level < 5:
        assert result.blocking, "the next level must name what is missing"
        assert all(r.criterion.level == level + 1 for r in result.blocking)
    else:
        assert result.next_level is None


def test_vitrine_in_latin1_is_read_with_its_accents() -> None:
    site = load_folder(SITES / "niveau1")
    assert site.pages[0].title == "Mairie de Lanvézec"
    assert " lanvezec " in site.pages[0].text
    verdicts = _verdicts(site)
    assert verdicts["N1-03"] is Verdict.YES  # « Le maire : … »
    assert verdicts["N1-05"] is Verdict.NO  # no legal notice on this 2009 page
    assert verdicts["N1-11"] is Verdict.UNKNOWN  # HTTPS cannot be seen on a saved copy
    assert verdicts["N3-01"] is Verdict.NO  # FrontPage is an editor, not a CMS


def test_pages_linked_but_not_saved_still_count() -> None:
    site = load_folder(SITES / "niveau2")
    assert len(site.pages) == 4
    assert site.page_count >= 10
    assert site.home is not None and site.home.id == "index.html"


def test_evidence_names_what_was_found_and_where() -> None:
    result = classify_site(GRID, load_folder(SITES / "niveau3"), "pages")
    cms = next(r for r in result.results if r.criterion.id == "N3-01")
    assert cms.evidence[0] == "générateur « wordpress 2.8.4 » (index.html)"
    search = next(r for r in result.results if r.criterion.id == "N3-07")
    assert "form" in search.evidence[0]


def test_forms_with_privacy_text_on_the_same_page() -> None:
    assert _verdicts(load_folder(SITES / "niveau4"))["N4-09"] is Verdict.YES
    # level 3 has a search form and a « Données personnelles » link, but no message form
    assert _verdicts(load_folder(SITES / "niveau3"))["N4-09"] is Verdict.NO


def test_portal_features_are_detected() -> None:
    verdicts = _verdicts(load_folder(SITES / "niveau5"))
    for criterion in ("N5-01", "N5-02", "N5-03", "N5-06", "N1-07"):
        assert verdicts[criterion] is Verdict.YES, criterion


def test_folder_reading_stays_inside_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "secret.html"
    outside.write_text("<a href='forum.html'>forum</a><textarea></textarea>", encoding="utf-8")
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    (site_dir / "index.html").write_text("<p>Le maire et les horaires.</p>", encoding="utf-8")
    os.symlink(outside, site_dir / "lien.html")
    os.symlink(tmp_path, site_dir / "parent")
    site = load_folder(site_dir)
    assert [p.id for p in site.pages] == ["index.html"]
    assert any("lien.html" in note for note in site.notes)


def test_folder_limits(tmp_path: Path) -> None:
    for number in range(5):
        (tmp_path / f"p{number}.html").write_text(
            "<p>page</p>" * (number * 100 + 1), encoding="utf-8"
        )
    site = load_folder(tmp_path, FolderLimits(max_pages=3, max_page_bytes=2000))
    assert [p.id for p in site.pages] == ["p0.html", "p1.html"]  # p2 too large, p3-p4 beyond
    assert len(site.notes) == 2
    empty = tmp_path / "vide"
    empty.mkdir()
    with pytest.raises(InputError, match="aucune page HTML"):
        load_folder(empty)
    with pytest.raises(InputError, match="n'est pas un dossier"):
        load_folder(tmp_path / "absent")


def test_parser_survives_broken_markup() -> None:
    html = "<html><body><a href='a.html'>Actu<b>alités<a href='b.html'>Agenda</a><script>x='</a>'</script><!-- <a href=c.html>"
    page = parse_page(html, "i.html", "file:///i.html", page_key=lambda url: url.rsplit("/", 1)[-1])
    assert [link.text for link in page.links] == ["Actualités", "Agenda"]
    assert set(page.internal) == {"a.html", "b.html"}
    assert " x " not in page.text


def _criterion(detection: dict[str, object]) -> Criterion:
    return Criterion.model_validate(
        {
            "id": "N1-50",
            "question": "Une question d'essai ?",
            "niveau": 1,
            "requis": False,
            "exigences": ["C01"],
            "detection": detection,
        }
    )


def _site(*pages: str) -> Site:
    parsed = [
        parse_page(html, f"p{n}.html", f"file:///p{n}.html", home=n == 0, page_key=lambda u: None)
        for n, html in enumerate(pages)
    ]
    return Site("essai", parsed)


@pytest.mark.parametrize(
    ("detection", "pages", "expected"),
    [
        ({"indices": [{"texte": ["tel"]}]}, ["<p>Hôtel de ville</p>"], Verdict.NO),
        ({"indices": [{"texte": ["plan d'accès"]}]}, ["<p>Voir le PLAN D’ACCÈS.</p>"], Verdict.YES),
        (
            {"indices": [{"lien": {"adresse": ["mentions-legales"]}}]},
            ["<a href='/Mentions-Legales.html'>ML</a>"],
            Verdict.YES,
        ),
        (
            {"indices": [{"texte": ["agenda"], "portee": "accueil"}]},
            ["<p>rien</p>", "<p>Agenda</p>"],
            Verdict.NO,
        ),
        (
            {"indices": [{"texte": ["agenda"], "pages_concernees": 2}]},
            ["<p>agenda</p>", "<p>agenda</p>"],
            Verdict.YES,
        ),
        (
            {"indices": [{"lien": {"texte": ["aa", "bb", "cc"]}, "motifs_au_moins": 3}]},
            ["<a href=x>aa</a><a href=y>bb</a>"],
            Verdict.NO,
        ),
        (
            {"indices": [{"generateur": []}]},
            ["<meta name=generator content='SPIP 2.0'>"],
            Verdict.YES,
        ),
        ({"indices": [{"generateur": []}]}, ["<meta name=description content='SPIP'>"], Verdict.NO),
        (
            {"indices": [{"element": {"balise": "input", "attributs": {"type": "password"}}}]},
            ["<input type=PASSWORD>"],
            Verdict.YES,
        ),
        (
            {"indices": [{"ressource": ["/wp-content/"]}]},
            ["<img src='/wp-content/a.png'>"],
            Verdict.YES,
        ),
        (
            {"mode": "tous", "indices": [{"texte": ["forum"]}, {"https": True}]},
            ["<p>forum</p>"],
            Verdict.UNKNOWN,
        ),
        (
            {"mode": "tous", "meme_page": True, "indices": [{"texte": ["a1"]}, {"texte": ["b2"]}]},
            ["<p>a1</p>", "<p>b2</p>"],
            Verdict.NO,
        ),
        (
            {"mode": "tous", "meme_page": True, "indices": [{"texte": ["a1"]}, {"texte": ["b2"]}]},
            ["<p>a1</p>", "<p>a1 b2</p>"],
            Verdict.YES,
        ),
    ],
)
def test_cue_semantics(detection: dict[str, object], pages: list[str], expected: Verdict) -> None:
    assert detect_criterion(_criterion(detection), _site(*pages)).verdict is expected


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("search", "search", True),
        ("menu", "menu principal", True),
        ("*menu*", "top-menu-bar", True),
        ("menu*", "top-menu", False),
        ("*logo*", "logo", True),
        ("a*b*c", "abc", True),
        ("a*b*c", "ac", False),
        ("*", "", True),
        ("ab*ab", "ab", False),
    ],
)
def test_glob_match(pattern: str, value: str, expected: bool) -> None:
    assert glob_match(pattern, value) is expected


@given(st.text(alphabet="ab*", max_size=8), st.text(alphabet="ab", max_size=10))
def test_glob_match_agrees_with_fnmatch(pattern: str, value: str) -> None:
    import fnmatch

    if "*" in pattern:
        assert glob_match(pattern, value) == fnmatch.fnmatchcase(value, pattern)


def test_words_drop_accents_case_and_punctuation() -> None:
    assert words("Plan d’accès — MAIRIE !") == " plan d acces mairie "
