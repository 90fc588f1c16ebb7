"""Fetching a live site's pages, only when the user asks for it (``--url``).

The crawl is small and polite: it starts at the address given, follows links to the same site
only (the host given, and the host it redirects to, with or without ``www.``), honours
``robots.txt``, waits between requests, and stops at a page count, a byte count per page and a
total time. Only ``http`` and ``https`` are spoken, through an opener without the file, FTP or
data handlers; redirects that leave the site are refused. Pages are not stored: their facts
are extracted at once by :func:`webpass.observatory.pages.parse_page`.
"""

from __future__ import annotations

import http.client
import ssl
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections import deque
from collections.abc import Callable
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

from webpass import __version__
from webpass.core.errors import InputError, UsageError
from webpass.core.frozen_record import frozen_record
from webpass.observatory.pages import Page, Site, decode_html, is_page_path, parse_page

__all__ = ["FetchLimits", "Fetched", "Transport", "fetch_site", "urllib_transport"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")


@frozen_record
class FetchLimits:
    """Bounds on a live crawl."""

    max_pages: int = 40
    max_page_bytes: int = 2_000_000
    timeout: float = 10.0
    max_seconds: float = 180.0
    delay: float = 0.3
    max_queue: int = 5_000
    user_agent: str = (
        f"webpass-observatoire/{__version__} (analyse ponctuelle demandée par un utilisateur)"
    )


@frozen_record
class Fetched:
    """One HTTP answer, its body cut at the page size limit.

    Attributes:
        url: the final address, after redirects.
        status: the HTTP status (0 when no answer came).
        content_type: the media type, lower case, without parameters.
        charset: the charset the server declared, if any.
        body: at most ``max_page_bytes`` bytes (empty unless the answer is an HTML page or text).
        error: a French reason when nothing usable came back.
    """

    url: str
    status: int
    content_type: str = ""
    charset: str | None = None
    body: bytes = b""
    error: str = ""


# (url, limits, may_follow) → answer; ``may_follow`` says whether a redirect target is allowed.
Transport = Callable[[str, FetchLimits, Callable[[str], bool]], Fetched]


def fetch_site(
    start: str,
    limits: FetchLimits | None = None,
    *,
    transport: Transport | None = None,
    progress: Callable[[str], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Site:
    """Crawl the site at ``start`` and return the facts of its pages.

    Raises:
        UsageError: the address is not an http(s) address.
        InputError: the home page cannot be fetched (the site is unreachable).
    """
    limits = limits or FetchLimits()
    transport = transport or urllib_transport
    start = _check_address(start)
    began = clock()
    first = transport(start, limits, lambda _url: True)  # the user chose where the site lives
    if first.error or first.content_type not in _HTML_TYPES or not first.body:
        reason = (
            first.error
            or f"la page d'accueil n'est pas une page HTML ({first.content_type or 'vide'})"
        )
        raise InputError(f"site injoignable : {start} ({reason}).")
    hosts = {_host(start), _host(first.url)}

    def same_site(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and _host(url) in hosts

    robots = _robots(first.url, limits, transport, same_site)

    def page_key(url: str) -> str | None:
        if not same_site(url):
            return None
        parts = urlsplit(url)
        return _key(url) if is_page_path(parts.path) else None

    notes: list[str] = []
    pages: list[Page] = []
    home = parse_page(
        decode_html(first.body, first.charset),
        _key(first.url),
        first.url,
        home=True,
        page_key=page_key,
    )
    pages.append(home)
    seen = {home.id, _key(start)}
    queue: deque[str] = deque()
    _enqueue(home, queue, seen, limits)
    while queue and len(pages) < limits.max_pages:
        if clock() - began > limits.max_seconds:
            notes.append(f"exploration arrêtée après {int(limits.max_seconds)} secondes.")
            break
        url = queue.popleft()
        if robots is not None and not robots.can_fetch(limits.user_agent, url):
            continue
        if limits.delay:
            sleep(limits.delay)
        if progress:
            progress(url)
        answer = transport(url, limits, same_site)
        if answer.error or answer.content_type not in _HTML_TYPES or not same_site(answer.url):
            continue
        key = _key(answer.url)
        if key != _key(url) and key in seen:
            continue
        seen.add(key)
        page = parse_page(
            decode_html(answer.body, answer.charset), key, answer.url, page_key=page_key
        )
        pages.append(page)
        _enqueue(page, queue, seen, limits)
    if queue and len(pages) >= limits.max_pages:
        notes.append(
            f"{limits.max_pages} pages analysées : les autres pages liées ne sont que comptées."
        )
    return Site(start, pages, urlsplit(first.url).scheme == "https", notes)


def _enqueue(page: Page, queue: deque[str], seen: set[str], limits: FetchLimits) -> None:
    for key in sorted(page.internal, key=lambda k: (k.count("/"), k)):
        if key not in seen and len(queue) < limits.max_queue:
            seen.add(key)
            queue.append(page.internal[key])


def _check_address(address: str) -> str:
    text = address.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--url : « {address} » n'est pas une adresse http(s) de site, ex. https://www.commune.fr."
        )
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def _key(url: str) -> str:
    """A page id: scheme and ``www.`` dropped, fragment removed, ``/`` for an empty path."""
    parts = urlsplit(url)
    host = _host(url)
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    path = parts.path or "/"
    return f"{host}{port}{path}" + (f"?{parts.query}" if parts.query else "")


def _robots(
    home: str, limits: FetchLimits, transport: Transport, same_site: Callable[[str], bool]
) -> urllib.robotparser.RobotFileParser | None:
    parts = urlsplit(home)
    url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
    answer = transport(url, limits, same_site)
    if answer.status != 200 or not answer.body:
        return None
    parser = urllib.robotparser.RobotFileParser(url)
    parser.parse(answer.body.decode("utf-8", errors="replace").splitlines())
    return parser


# --- the default transport -------------------------------------------------------------------


class _SameSiteRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def __init__(self, may_follow: Callable[[str], bool]) -> None:
        super().__init__()
        self.may_follow = may_follow

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme not in ("http", "https") or not self.may_follow(newurl):
            raise urllib.error.HTTPError(
                newurl, code, "redirection hors du site refusée", headers, fp
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(may_follow: Callable[[str], bool]) -> urllib.request.OpenerDirector:
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
        urllib.request.HTTPDefaultErrorHandler(),
        _SameSiteRedirects(may_follow),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def urllib_transport(url: str, limits: FetchLimits, may_follow: Callable[[str], bool]) -> Fetched:
    """GET ``url`` with the standard library, reading at most ``limits.max_page_bytes``."""
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked to be http(s)
        url,
        headers={
            "User-Agent": limits.user_agent,
            "Accept": "text/html,text/plain;q=0.5",
            "Accept-Language": "fr",
        },
    )
    if urlsplit(url).scheme not in ("http", "https"):
        return Fetched(url, 0, error="adresse refusée (seuls http et https sont permis)")
    try:
        with _opener(may_follow).open(request, timeout=limits.timeout) as response:
            return _read(response, url, limits)
    except urllib.error.HTTPError as exc:
        return Fetched(exc.url or url, exc.code, error=f"erreur HTTP {exc.code}")
    except (http.client.HTTPException, OSError, ValueError) as exc:  # URLError, timeouts, TLS
        reason = getattr(exc, "reason", None) or exc
        return Fetched(url, 0, error=f"connexion impossible ({reason})")


def _read(response: Any, url: str, limits: FetchLimits) -> Fetched:
    final = str(response.geturl() or url)
    content_type = response.headers.get_content_type().lower()
    charset = response.headers.get_content_charset()
    status = int(getattr(response, "status", 200) or 200)
    if content_type not in (*_HTML_TYPES, "text/plain"):
        return Fetched(final, status, content_type, charset)
    body = response.read(limits.max_page_bytes)
    return Fetched(final, status, content_type, charset, body)
