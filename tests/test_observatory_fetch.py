"""The live-site fetcher, driven by a fake transport: no test touches the network."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from email.message import Message
from pathlib import Path

import pytest

from webpass.core.errors import InputError, UsageError
from webpass.observatory.checklist import load_grid
from webpass.observatory.classify import classify_site
from webpass.observatory.fetch import Fetched, FetchLimits, _SameSiteRedirects, fetch_site

SITES = Path(__file__).resolve().parent / "fixtures" / "sites"
NO_WAIT = FetchLimits(delay=0.0)


class FakeWeb:
    """Serves pages from a dict; records every address asked for."""

    def __init__(self, pages: dict[str, str], redirects: dict[str, str] | None = None) -> None:
        self.pages = pages
        self.redirects = redirects or {}
        self.asked: list[str] = []

    def __call__(self, url: str, limits: FetchLimits, may_follow: Callable[[str], bool]) -> Fetched:
        self.asked.append(url)
        final = self.redirects.get(url, url)
        if final != url and not may_follow(final):
            return Fetched(url, 302, error="redirection hors du site refusée")
        if final not in self.pages:
            return Fetched(final, 404, error="erreur HTTP 404")
        body = self.pages[final].encode("utf-8")[: limits.max_page_bytes]
        kind = "text/plain" if final.endswith("robots.txt") else "text/html"
        return Fetched(final, 200, kind, "utf-8", body)


def _links(*hrefs: str) -> str:
    return "".join(f"<a href='{h}'>lien {n}</a>" for n, h in enumerate(hrefs))


def test_crawl_follows_same_site_links_only() -> None:
    web = FakeWeb(
        {
            "https://www.commune.example/": "<h1>Accueil</h1>"
            + _links(
                "/actualites/",
                "https://commune.example/agenda/",
                "https://ailleurs.example/",
                "/doc.pdf",
                "mailto:a@b.fr",
            ),
            "https://www.commune.example/actualites/": "<p>Actualités</p>" + _links("/"),
            "https://commune.example/agenda/": "<p>Agenda</p>",
        },
        redirects={"https://commune.example/": "https://www.commune.example/"},
    )
    site = fetch_site("commune.example", NO_WAIT, transport=web)
    assert site.https is True
    assert sorted(p.id for p in site.pages) == [
        "commune.example/",
        "commune.example/actualites/",
        "commune.example/agenda/",
    ]
    assert not any("ailleurs" in url or url.endswith(".pdf") for url in web.asked)
    assert web.asked[0] == "https://commune.example/"


def test_robots_txt_is_honoured() -> None:
    web = FakeWeb(
        {
            "https://c.example/": _links("/prive/", "/public/"),
            "https://c.example/robots.txt": "User-agent: *\nDisallow: /prive/\n",
            "https://c.example/public/": "<p>ok</p>",
            "https://c.example/prive/": "<p>non</p>",
        }
    )
    site = fetch_site("https://c.example/", NO_WAIT, transport=web)
    assert "https://c.example/prive/" not in web.asked
    assert {p.id for p in site.pages} == {"c.example/", "c.example/public/"}


def test_page_count_and_time_limits() -> None:
    pages = {
        f"https://c.example/p{n}.html": _links(f"/p{n + 1}.html", f"/p{n + 2}.html")
        for n in range(50)
    }
    pages["https://c.example/"] = _links("/p0.html")
    web = FakeWeb(pages)
    site = fetch_site("https://c.example/", FetchLimits(max_pages=5, delay=0.0), transport=web)
    assert len(site.pages) == 5
    assert any("5 pages" in note for note in site.notes)
    assert site.page_count > 5  # linked pages are counted, not fetched

    ticks = iter(range(1000))
    slow = fetch_site(
        "https://c.example/",
        FetchLimits(max_seconds=2, delay=0.0),
        transport=FakeWeb(pages),
        clock=lambda: float(next(ticks)),
    )
    assert len(slow.pages) < 5
    assert any("secondes" in note for note in slow.notes)


def test_polite_delay_between_requests() -> None:
    waits: list[float] = []
    web = FakeWeb({"https://c.example/": _links("/a"), "https://c.example/a": "<p>a</p>"})
    fetch_site("https://c.example/", FetchLimits(delay=0.5), transport=web, sleep=waits.append)
    assert waits == [0.5]


def test_unreachable_site_and_bad_addresses() -> None:
    with pytest.raises(InputError, match="site injoignable"):
        fetch_site("https://absent.example/", NO_WAIT, transport=FakeWeb({}))
    for address in ("ftp://c.example/", "file:///etc/passwd", "https://"):
        with pytest.raises(UsageError):
            fetch_site(address, NO_WAIT, transport=FakeWeb({}))


def test_fetched_fixture_site_classifies_like_the_saved_copy() -> None:
    folder = SITES / "niveau4"
    pages = {
        f"https://cc.example/{p.name}": p.read_text(encoding="utf-8") for p in folder.glob("*.html")
    }
    pages["https://cc.example/"] = pages["https://cc.example/index.html"]
    site = fetch_site("https://cc.example/", NO_WAIT, transport=FakeWeb(pages))
    result = classify_site(load_grid(), site, "url")
    assert result.level == 4
    assert next(r for r in result.results if r.criterion.id == "N1-11").verdict.value == "oui"


def test_redirect_handler_refuses_to_leave_the_site() -> None:
    handler = _SameSiteRedirects(lambda url: "c.example" in url)
    request = urllib.request.Request("https://c.example/a")
    headers = Message()
    with pytest.raises(urllib.error.HTTPError, match="hors du site"):
        handler.redirect_request(request, None, 302, "Found", headers, "https://evil.example/")  # type: ignore[arg-type]
    with pytest.raises(urllib.error.HTTPError):
        handler.redirect_request(request, None, 302, "Found", headers, "file:///etc/passwd")  # type: ignore[arg-type]
    followed = handler.redirect_request(request, None, 302, "Found", headers, "https://c.example/b")  # type: ignore[arg-type]
    assert followed is not None and followed.full_url == "https://c.example/b"
