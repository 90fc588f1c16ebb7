"""What a site's pages show, extracted with the standard library's HTML parser.

A page becomes plain facts — its title and language, the CMS generator it declares, its links
(address and text), the addresses of its resources, its elements and attributes, its visible
text — that :mod:`webpass.observatory.detect` matches against the grid's cues. Nothing is
executed, nothing is fetched here: :func:`load_folder` reads a saved copy of a site (files
under that folder only, within size and count limits) and :mod:`webpass.observatory.fetch`
hands over the pages it downloaded.

Texts are compared as words: accents and case are dropped and every run of other characters
becomes one space (``"Plan d’accès"`` → ``" plan d acces "``), so a cue pattern matches the
start of a word; addresses are compared as lower-case text without accents.
"""

from __future__ import annotations

import codecs
import os
import posixpath
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from webpass.core.errors import InputError, UnreadableFileError
from webpass.core.frozen_record import frozen_record

__all__ = [
    "FolderLimits",
    "Link",
    "Page",
    "Site",
    "bare",
    "decode_html",
    "is_page_path",
    "load_folder",
    "parse_page",
    "words",
]

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx", ".jsp")
# Addresses that are files, not pages: they do not count as pages of the site.
ASSET_SUFFIXES = (
    ".pdf", ".doc", ".docx", ".odt", ".ods", ".odp", ".xls", ".xlsx", ".ppt", ".pptx", ".rtf",
    ".txt", ".csv", ".zip", ".rar", ".7z", ".gz", ".jpg", ".jpeg", ".png", ".gif", ".svg",
    ".webp", ".bmp", ".ico", ".tif", ".tiff", ".mp3", ".mp4", ".avi", ".mov", ".wmv", ".flv",
    ".ogg", ".webm", ".css", ".js", ".xml", ".rss", ".atom", ".ics", ".json", ".swf", ".woff",
    ".woff2", ".ttf", ".eot",
)  # fmt: skip
HOME_NAMES = (
    "index.html",
    "index.htm",
    "index.php",
    "default.htm",
    "default.html",
    "accueil.html",
    "accueil.htm",
    "home.html",
)
_SKIPPED_TEXT = {"script", "style", "template", "noscript", "svg", "math", "title"}
_RESOURCE_ATTRIBUTES = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src",),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src",),
    "form": ("action",),
    "video": ("src",),
    "audio": ("src",),
}
# Elements that do not break a word: « Actu<b>alités</b> » reads « Actualités ».
_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
}  # fmt: skip
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_MAX_TEXT_CHARS = 400_000
_MAX_LINKS = 5_000
_MAX_ELEMENTS = 50_000
_LINK_TEXT_CHARS = 300


def bare(text: str) -> str:
    """Lower case without accents, other characters kept (for addresses and attributes)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def words(text: str) -> str:
    """``" plan d acces "``: lower-case words without accents, one space around each."""
    return " " + " ".join(_NON_WORD.sub(" ", bare(text)).split()) + " "


@frozen_record
class Link:
    """One ``<a href>``: where it goes, what it says (as written and as words)."""

    href: str
    text: str
    words: str


@dataclass
class Page:
    """The facts of one page.

    Attributes:
        id: the page's address (a relative path in a saved folder, a URL on a live site).
        home: whether it is the home page.
        title: the ``<title>`` text.
        lang: the ``lang`` of ``<html>``.
        generators: the ``<meta name="generator">`` contents, lower case.
        links: every link, resolved against the page's address.
        resources: addresses of scripts, styles, images, frames and form actions, lower case.
        elements: for each tag, the attributes of each occurrence (names and values lower case).
        text: the visible text as words (see :func:`words`).
        internal: the site's pages this page links to: id → address as written (resolved).
    """

    id: str
    home: bool = False
    title: str = ""
    lang: str = ""
    generators: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    elements: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    text: str = " "
    internal: dict[str, str] = field(default_factory=dict)
    _blobs: tuple[str, str] | None = field(default=None, repr=False, compare=False)

    def link_blobs(self) -> tuple[str, str]:
        """All link texts (as words) and all link addresses, each joined by NUL characters.

        A pattern never holds NUL, so it is found in a blob exactly when one link has it.
        """
        if self._blobs is None:
            self._blobs = (
                "\0".join(link.words for link in self.links),
                "\0".join(link.href for link in self.links),
            )
        return self._blobs


@dataclass
class Site:
    """The analysed pages of one site.

    Attributes:
        source: what was analysed (a folder or a URL), for messages.
        pages: the pages read, the home page first.
        https: whether the site is served over HTTPS; None when unknown (a saved copy).
        notes: French remarks on what was skipped or limited.
    """

    source: str
    pages: list[Page]
    https: bool | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def home(self) -> Page | None:
        """The home page (the first page when none was identified)."""
        return next((p for p in self.pages if p.home), self.pages[0] if self.pages else None)

    @property
    def page_count(self) -> int:
        """The pages known: those read plus the site's pages they link to."""
        known = {page.id for page in self.pages}
        for page in self.pages:
            known.update(page.internal)
        return len(known)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title_parts: list[str] = []
        self.lang = ""
        self.generators: list[str] = []
        self.raw_links: list[tuple[str, str]] = []
        self.resources: list[str] = []
        self.elements: dict[str, list[dict[str, str]]] = {}
        self.base: str | None = None
        self._text: list[str] = []
        self._text_size = 0
        self._skip_depth = 0
        self._in_title = False
        # the open link: its address, its labels (title, aria-label, image alt), its text
        self._link: tuple[str, list[str], list[str]] | None = None
        self._element_count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if self._element_count < _MAX_ELEMENTS:
            self._element_count += 1
            self.elements.setdefault(tag, []).append(
                {k: bare(v).strip() for k, v in values.items()}
            )
        if tag in _SKIPPED_TEXT:
            self._skip_depth += 1
            self._in_title = self._in_title or tag == "title"
        elif tag not in _INLINE:
            self._break()
        if tag == "html" and values.get("lang"):
            self.lang = values["lang"].strip()
        elif tag == "base" and values.get("href") and self.base is None:
            self.base = values["href"].strip()
        elif tag == "meta" and values.get("name", "").lower() == "generator":
            self.generators.append(bare(values.get("content", "")).strip())
        elif tag == "a":
            self._close_link()
            if "href" in values and len(self.raw_links) < _MAX_LINKS:
                labels = [values.get("title", ""), values.get("aria-label", "")]
                self._link = (values["href"].strip(), [e for e in labels if e], [])
        elif tag == "img" and self._link is not None and values.get("alt"):
            self._link[1].append(values["alt"])
        for name in _RESOURCE_ATTRIBUTES.get(tag, ()):
            if values.get(name):
                self.resources.append(values[name].strip())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIPPED_TEXT:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TEXT and self._skip_depth:
            self._skip_depth -= 1
            if tag == "title":
                self._in_title = False
        elif tag == "a":
            self._close_link()
        elif tag not in _INLINE:
            self._break()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
            return
        if self._skip_depth:
            return
        if self._link is not None:
            self._link[2].append(data)
        if self._text_size < _MAX_TEXT_CHARS:
            self._text.append(data)
            self._text_size += len(data)

    def close(self) -> None:
        super().close()
        self._close_link()

    def _break(self) -> None:
        # Block elements separate words even when the markup has no space between them.
        self._text.append(" ")
        if self._link is not None:
            self._link[2].append(" ")

    def _close_link(self) -> None:
        if self._link is not None:
            href, labels, data = self._link
            text = " ".join(" ".join(["".join(data), *labels]).split())[:_LINK_TEXT_CHARS]
            self.raw_links.append((href, text))
            self._link = None

    @property
    def text(self) -> str:
        return words("".join(self._text))

    @property
    def title(self) -> str:
        return " ".join(" ".join(self.title_parts).split())


def parse_page(
    html: str,
    page_id: str,
    address: str,
    *,
    home: bool = False,
    page_key: Callable[[str], str | None],
) -> Page:
    """The facts of one page.

    Args:
        html: the page's text.
        page_id: its id in the site.
        address: its absolute address, to resolve relative links against.
        home: whether it is the home page.
        page_key: for a resolved link address, the id of the site's page it reaches, or None
            when it leaves the site or reaches a file that is not a page.
    """
    parser = _PageParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError, IndexError):  # html.parser on pathological markup
        pass
    base = urljoin(address, parser.base) if parser.base else address
    page = Page(
        id=page_id,
        home=home,
        title=parser.title,
        lang=parser.lang,
        generators=parser.generators,
        resources=[bare(unquote(urljoin(base, r))) for r in parser.resources],
        elements=parser.elements,
        text=parser.text,
    )
    for href, text in parser.raw_links:
        resolved = urljoin(base, href) if not href.lower().startswith(("mailto:", "tel:")) else href
        page.links.append(Link(bare(unquote(resolved)), text, words(text)))
        key = page_key(resolved)
        if key is not None and key != page_id:
            page.internal.setdefault(key, resolved)
    return page


def decode_html(raw: bytes, declared: str | None = None) -> str:
    """Page bytes as text: the declared charset, else a ``<meta charset>``, else UTF-8."""
    for candidate in (declared, _meta_charset(raw[:4096])):
        if candidate:
            try:
                codecs.lookup(candidate)
            except LookupError:
                continue
            return raw.decode(candidate, errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _meta_charset(head: bytes) -> str | None:
    match = _CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def is_page_path(path: str) -> bool:
    """Whether an address path names a page rather than a downloadable file."""
    return not path.lower().endswith(ASSET_SUFFIXES)


# --- saved copies ------------------------------------------------------------------------------


@frozen_record
class FolderLimits:
    """Bounds on reading a saved copy of a site."""

    max_pages: int = 500
    max_page_bytes: int = 2_000_000
    max_total_bytes: int = 100_000_000
    max_entries: int = 20_000  # files and folders walked


_ROOT = "file:///"


def load_folder(folder: Path, limits: FolderLimits | None = None) -> Site:
    """Read the HTML files under ``folder`` (never outside it) as a site.

    Symbolic links are not followed out of the folder; oversized files and files beyond the
    page limit are skipped and noted. The home page is the shallowest ``index.html`` (or a
    similar name), else the shallowest file.

    Raises:
        InputError: the folder does not exist or holds no HTML file.
    """
    limits = limits or FolderLimits()
    if not folder.is_dir():
        raise InputError(
            f"« {folder} » n'est pas un dossier : indiquez le dossier où les pages du site ont été enregistrées."
        )
    root = folder.resolve()
    files, notes = _html_files(root, limits)
    if not files:
        raise InputError(
            f"aucune page HTML (.html, .htm…) dans « {folder} » : enregistrez les pages du site "
            "(« Enregistrer sous… » dans le navigateur, ou wget --mirror) dans ce dossier."
        )
    files.sort(key=lambda rel: (rel.count("/"), rel.split("/")[-1].lower() not in HOME_NAMES, rel))
    home_rel = files[0]
    if len(files) > limits.max_pages:
        notes.append(
            f"{len(files)} pages trouvées : seules les {limits.max_pages} premières sont analysées."
        )
        files = files[: limits.max_pages]
    pages: list[Page] = []
    total = 0
    for rel in files:
        path = root / rel
        size = path.stat().st_size
        if size > limits.max_page_bytes:
            notes.append(f"{rel} ignoré : trop volumineux ({size // 1000} ko).")
            continue
        total += size
        if total > limits.max_total_bytes:
            notes.append(
                f"lecture arrêtée à {rel} : plus de {limits.max_total_bytes // 1_000_000} Mo de pages."
            )
            break
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise UnreadableFileError(path, f"lecture impossible ({exc.strerror}).") from exc
        pages.append(
            parse_page(
                decode_html(raw),
                rel,
                _ROOT + rel,
                home=rel == home_rel,
                page_key=_folder_key,
            )
        )
    return Site(str(folder), pages, None, notes)


def _html_files(root: Path, limits: FolderLimits) -> tuple[list[str], list[str]]:
    files: list[str] = []
    notes: list[str] = []
    seen = 0
    for current, dirs, names in os.walk(root, followlinks=False):
        dirs.sort()
        seen += len(dirs) + len(names)
        if seen > limits.max_entries:
            notes.append(
                f"dossier trop fourni : exploration arrêtée après {limits.max_entries} éléments."
            )
            break
        for name in sorted(names):
            if not name.lower().endswith(HTML_SUFFIXES):
                continue
            path = Path(current) / name
            resolved = path.resolve()
            if not resolved.is_relative_to(root) or not resolved.is_file():
                notes.append(
                    f"{path.relative_to(root).as_posix()} ignoré : lien vers l'extérieur du dossier."
                )
                continue
            files.append(path.relative_to(root).as_posix())
    return files, notes


def _folder_key(address: str) -> str | None:
    parts = urlsplit(address)
    if parts.scheme != "file" or parts.netloc:
        return None
    path = posixpath.normpath(unquote(parts.path)).lstrip("/")
    if path in ("", "."):
        return None
    if path.endswith("/") or "." not in path.rsplit("/", 1)[-1]:
        path = path.rstrip("/") + "/index.html"
    return path if is_page_path(path) else None
