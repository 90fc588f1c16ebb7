"""Accessibility checks of a served page, as we ask of suppliers: a helper for the web tests.

Parses the HTML with the standard library and asserts what a page of the wizard must hold:
``lang="fr"``, a title, a skip link to the main content, one h1 and headings in order, unique
ids, a label for every field, radio buttons grouped in a fieldset with a legend, and every
``aria-describedby`` or in-page link pointing at an element that exists.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from html.parser import HTMLParser

_CONTROLS = {"input", "select", "textarea"}
_NOT_FIELDS = {"hidden", "submit", "button", "reset", "image"}


@dataclass
class Control:
    tag: str
    type: str
    id: str
    name: str
    describedby: list[str]
    invalid: bool
    in_fieldset_with_legend: bool


@dataclass
class Page:
    lang: str = ""
    title: str = ""
    ids: list[str] = field(default_factory=list)
    label_for: set[str] = field(default_factory=set)
    controls: list[Control] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    forms: list[dict[str, str]] = field(default_factory=list)
    csrf_in_form: list[bool] = field(default_factory=list)
    summary_links: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._fieldsets: list[bool] = []  # has a legend
        self._text_target: list[str] | None = None
        self._heading: tuple[int, list[str]] | None = None
        self._link: tuple[str, list[str]] | None = None
        self._in_title = False
        self._title: list[str] = []
        self._in_summary = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if "id" in a:
            self.page.ids.append(a["id"])
        if tag == "html":
            self.page.lang = a.get("lang", "")
        elif tag == "title":
            self._in_title = True
        elif tag == "fieldset":
            self._fieldsets.append(False)
        elif tag == "legend" and self._fieldsets:
            self._fieldsets[-1] = True
        elif tag == "label" and a.get("for"):
            self.page.label_for.add(a["for"])
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading = (int(tag[1]), [])
        elif tag == "a":
            self._link = (a.get("href", ""), [])
            if self._in_summary:
                self.page.summary_links.append(a.get("href", ""))
        elif tag == "div" and "resume-erreurs" in a.get("class", ""):
            self._in_summary = 1
        elif tag == "div" and self._in_summary:
            self._in_summary += 1
        elif tag == "form":
            self.page.forms.append(a)
            self.page.csrf_in_form.append(False)
        if tag in _CONTROLS:
            kind = a.get("type", "text") if tag == "input" else tag
            if tag == "input" and kind == "hidden" and a.get("name") == "jeton":
                self.page.csrf_in_form[-1] = True
            if kind not in _NOT_FIELDS:
                self.page.controls.append(
                    Control(
                        tag,
                        kind,
                        a.get("id", ""),
                        a.get("name", ""),
                        a.get("aria-describedby", "").split(),
                        a.get("aria-invalid") == "true",
                        any(self._fieldsets),
                    )
                )

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
            self.page.title = "".join(self._title).strip()
        elif tag == "fieldset" and self._fieldsets:
            self._fieldsets.pop()
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"} and self._heading:
            self.page.headings.append((self._heading[0], "".join(self._heading[1]).strip()))
            self._heading = None
        elif tag == "a" and self._link:
            self.page.links.append((self._link[0], "".join(self._link[1]).strip()))
            self._link = None
        elif tag == "div" and self._in_summary:
            self._in_summary -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
        if self._heading:
            self._heading[1].append(data)
        if self._link:
            self._link[1].append(data)


def check_page(html: str) -> Page:
    """Parse ``html`` and assert the accessibility rules; returns what was found."""
    parser = _Parser()
    parser.feed(html)
    page = parser.page
    assert page.lang == "fr", "la page doit déclarer lang=fr"
    assert page.title.endswith("— webpass"), page.title
    assert len(page.ids) == len(set(page.ids)), f"ids en double : {page.ids}"
    ids = set(page.ids)
    assert page.links and page.links[0][0] == "#contenu", "lien d'évitement manquant"
    assert "contenu" in ids
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1 and levels[0] == 1, f"titres : {page.headings}"
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"titre sauté : {page.headings}"
    for control in page.controls:
        assert control.id and control.id in page.label_for, f"champ sans étiquette : {control}"
        if control.type == "radio":
            assert control.in_fieldset_with_legend, f"bouton radio hors fieldset : {control}"
        for ref in control.describedby:
            assert ref in ids, f"aria-describedby vers un id absent : {ref}"
        if control.invalid:
            assert any(ref.endswith("-erreur") for ref in control.describedby), control
    for href, _ in page.links:
        if href.startswith("#"):
            assert href[1:] in ids, f"lien interne vers un id absent : {href}"
    for form, has_token in zip(page.forms, page.csrf_in_form, strict=True):
        if form.get("method", "get").lower() == "post":
            assert has_token, "formulaire sans jeton CSRF"
    return page
