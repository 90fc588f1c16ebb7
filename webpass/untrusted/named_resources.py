"""The resources an HTML document or a stylesheet plainly names, as WeasyPrint would fetch them.

WeasyPrint asks its URL fetcher for an attachment when it writes the PDF and for an image when
it lays out the page that shows it: a user template naming ``file:///etc/passwd`` there is
refused only after the whole document is rendered, seconds later. Reading the names first lets
:mod:`webpass.render.pdf` refuse such a document before the render. This is a speed-up, not
the check: a name written so that this reading misses it (an escape, a URL built by CSS) still
reaches the fetcher, which refuses it as before.

Names read: ``src`` of ``img`` and ``embed``, ``data`` of ``object``, ``href`` of a ``link``
that is a stylesheet or an attachment and of an ``a`` that is an attachment, ``href`` and
``xlink:href`` of SVG ``image``, ``use`` and ``feImage`` (a ``#fragment`` excepted), and in
``<style>``, ``style="…"`` and stylesheets every ``url(…)`` and ``@import``, comments and other
strings skipped. Relative names are resolved against ``<base href>`` or the base given.
"""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Iterator
from urllib.parse import urljoin

__all__ = ["named_in_css", "named_in_html"]

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.S | re.I)
_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9:_-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTRIBUTE = re.compile(r"([^\s=/>\"']+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
# Comments and strings are matched so that a url( inside them is not read as one.
_CSS = re.compile(
    r"""/\*.*?\*/
    | url\(\s*(?:"([^"\\\n]*)"|'([^'\\\n]*)'|([^"'()\\\s]+))\s*\)
    | @import\s+(?:"([^"\\\n]*)"|'([^'\\\n]*)')
    | "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*'
    """,
    re.S | re.I | re.X,
)
# Attributes whose URL an element of this tag has WeasyPrint fetch (rel checked apart).
_FETCHED = {
    "img": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "feimage": ("href", "xlink:href"),
}
_REL_FETCHED = {"link": {"stylesheet", "attachment"}, "a": {"attachment"}}


def named_in_css(css: str, base_url: str | None) -> list[str]:
    """The absolute URLs ``css`` (a stylesheet or a ``style`` attribute) names."""
    found = []
    for match in _CSS.finditer(css):
        name = next((group for group in match.groups() if group is not None), None)
        if name is not None and (url := _absolute(name, base_url)):
            found.append(url)
    return found


def named_in_html(document: str, base_url: str | None) -> list[str]:
    """The absolute URLs ``document`` names in what WeasyPrint fetches, in order."""
    document = _COMMENT.sub("", document)
    tags = [(name.lower(), _attributes(text)) for name, text in _TAG.findall(document)]
    base = next((attrs["href"] for name, attrs in tags if name == "base" and "href" in attrs), "")
    if base:
        base_url = urljoin(base_url or "", base)
    found = []
    for name, attributes in tags:
        for value in _fetched(name, attributes):
            if url := _absolute(value, base_url):
                found.append(url)
        if "style" in attributes:
            found += named_in_css(attributes["style"], base_url)
    for css in _STYLE_ELEMENT.findall(document):
        found += named_in_css(css, base_url)
    return found


def _attributes(text: str) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for name, double, single, bare in _ATTRIBUTE.findall(text):
        attributes.setdefault(name.lower(), html_text.unescape(double or single or bare))
    return attributes


def _fetched(tag: str, attributes: dict[str, str]) -> Iterator[str]:
    for attribute in _FETCHED.get(tag, ()):
        value = attributes.get(attribute, "").strip()
        if value and not value.startswith("#"):
            yield value
    wanted = _REL_FETCHED.get(tag)
    if wanted and "href" in attributes:
        rel = set(attributes.get("rel", "").lower().split())
        if rel & wanted and "alternate" not in rel:
            yield attributes["href"].strip()


def _absolute(name: str, base_url: str | None) -> str | None:
    name = name.strip()
    if not name or name.startswith("#"):
        return None
    url = urljoin(base_url or "", name)
    # A relative name without a base is one WeasyPrint cannot fetch either.
    return url if ":" in url.split("/", 1)[0] else None
