"""Matching the grid's cues against the facts of a site's pages.

Each cue yields a verdict (oui, non, or inconnu when the facts cannot tell, such as HTTPS on a
saved copy) and short French evidence naming what was found and on which page, so an analyst
can check the machine's reading. Patterns match as plain text: a text pattern at the start of
a word (« actu » finds « Actualités », « tel » does not find « hôtel »), an address pattern
anywhere in the address, an attribute value as a whole (``*`` standing for any characters).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from webpass.core.frozen_record import frozen_record
from webpass.observatory.checklist import (
    AnalysisGrid,
    Criterion,
    Cue,
    DetectionMode,
    Scope,
    Verdict,
)
from webpass.observatory.pages import Page, Site, bare, words

__all__ = ["Finding", "detect_criterion", "detect_site", "glob_match"]

_MAX_EVIDENCE = 3
_SHOWN_CHARS = 70


@frozen_record
class Finding:
    """The verdict on a criterion or a cue, with what supports it.

    Attributes:
        verdict: oui, non or inconnu.
        evidence: French notes (« lien « Mentions légales » (index.html) »).
        pages: ids of the pages where a page-level cue matched; None for site-level facts.
    """

    verdict: Verdict
    evidence: tuple[str, ...] = ()
    pages: frozenset[str] | None = None


def detect_site(grid: AnalysisGrid, site: Site) -> dict[str, Finding]:
    """The finding of every criterion of ``grid`` on ``site``."""
    return {criterion.id: detect_criterion(criterion, site) for criterion in grid.criteria}


def detect_criterion(criterion: Criterion, site: Site) -> Finding:
    """Combine the cues of one criterion (``un_parmi`` or ``tous``, optionally on one page)."""
    if criterion.detection is None:
        return Finding(Verdict.UNKNOWN, ("à vérifier à la main",))
    findings = [_cue(cue, site) for cue in criterion.detection.cues]
    verdicts = {f.verdict for f in findings}
    if criterion.detection.mode is DetectionMode.ANY:
        hits = [f for f in findings if f.verdict is Verdict.YES]
        if hits:
            return Finding(Verdict.YES, _evidence(hits))
        verdict = Verdict.UNKNOWN if Verdict.UNKNOWN in verdicts else Verdict.NO
        return Finding(verdict, _evidence(findings))
    if Verdict.NO in verdicts:
        return Finding(Verdict.NO, _evidence([f for f in findings if f.verdict is Verdict.NO]))
    if Verdict.UNKNOWN in verdicts:
        return Finding(Verdict.UNKNOWN, _evidence(findings))
    if criterion.detection.same_page:
        common: frozenset[str] | None = None
        for finding in findings:
            if finding.pages is not None:
                common = finding.pages if common is None else common & finding.pages
        if common is not None and not common:
            return Finding(Verdict.NO, ("indices trouvés, mais pas sur une même page",))
        if common:
            return Finding(Verdict.YES, (*_evidence(findings), f"sur la page {min(common)}"))
    return Finding(Verdict.YES, _evidence(findings))


def _evidence(findings: list[Finding]) -> tuple[str, ...]:
    notes: list[str] = []
    for finding in findings:
        for note in finding.evidence:
            if note not in notes:
                notes.append(note)
    return tuple(notes[: _MAX_EVIDENCE * 2])


def _cue(cue: Cue, site: Site) -> Finding:
    if cue.pages is not None:
        count = site.page_count
        verdict = Verdict.YES if count >= cue.pages.at_least else Verdict.NO
        return Finding(verdict, (f"{count} page(s) connue(s), {cue.pages.at_least} attendue(s)",))
    if cue.https is not None:
        if site.https is None:
            return Finding(Verdict.UNKNOWN, ("HTTPS : invérifiable sur une copie enregistrée",))
        return Finding(
            Verdict.YES if site.https else Verdict.NO,
            (f"site {'en' if site.https else 'sans'} HTTPS",),
        )
    scope = [site.home] if cue.scope is Scope.HOME and site.home else site.pages
    matcher = _matcher(cue)
    found: set[int] = set()
    pages: set[str] = set()
    notes: list[str] = []
    for page in scope:
        on_page = False
        for pattern, note in matcher(page):
            found.add(pattern)
            on_page = True
            if len(notes) < _MAX_EVIDENCE and note not in notes:
                notes.append(note)
        if on_page:
            pages.add(page.id)
    needed = cue.min_patterns
    if len(found) >= needed and len(pages) >= cue.min_pages:
        return Finding(Verdict.YES, tuple(notes), frozenset(pages))
    if found and needed > 1 and len(found) < needed:
        notes = [f"{len(found)} motif(s) différent(s) trouvé(s) sur {needed} attendus"]
    elif pages and len(pages) < cue.min_pages:
        notes = [f"trouvé sur {len(pages)} page(s) sur {cue.min_pages} attendues"]
    else:
        notes = []
    return Finding(Verdict.NO, tuple(notes), frozenset(pages))


Matcher = Callable[[Page], Iterator[tuple[int, str]]]


def _matcher(cue: Cue) -> Matcher:
    """A function yielding (pattern number, evidence) for each match on a page."""
    if cue.link is not None:
        return _link_matcher(cue.link.text, cue.link.href)
    if cue.resource is not None:
        return _resource_matcher(cue.resource)
    if cue.text is not None:
        return _text_matcher(cue.text)
    if cue.element is not None:
        return _element_matcher(cue.element.tag, cue.element.attributes)
    # The cue model guarantees exactly one kind; pages and https never reach a matcher.
    assert cue.generator is not None
    return _generator_matcher(cue.generator)


def _link_matcher(text_patterns: list[str], href_patterns: list[str]) -> Matcher:
    texts = [_prefix(p) for p in text_patterns]
    hrefs = [bare(p) for p in href_patterns]

    def links(page: Page) -> Iterator[tuple[int, str]]:
        # One substring search over all the page's links per pattern; the links themselves
        # are only walked to name the one that matched.
        words_blob, hrefs_blob = page.link_blobs()
        for number, pattern in enumerate(texts):
            if pattern in words_blob:
                link = next((k for k in page.links if pattern in k.words), None)
                if link is not None:
                    yield number, f"lien « {_short(link.text or link.href)} » ({page.id})"
        for number, pattern in enumerate(hrefs, start=len(texts)):
            if pattern in hrefs_blob:
                link = next((k for k in page.links if pattern in k.href), None)
                if link is not None:
                    yield number, f"lien vers « {_short(_display(link.href))} » ({page.id})"

    return links


def _resource_matcher(resource_patterns: list[str]) -> Matcher:
    patterns = [bare(p) for p in resource_patterns]

    def resources(page: Page) -> Iterator[tuple[int, str]]:
        for resource in page.resources:
            for number, pattern in enumerate(patterns):
                if pattern in resource:
                    yield number, f"ressource « {_short(_display(resource))} » ({page.id})"

    return resources


def _text_matcher(text_patterns: list[str]) -> Matcher:
    prefixes = [_prefix(p) for p in text_patterns]
    shown = list(text_patterns)

    def text(page: Page) -> Iterator[tuple[int, str]]:
        for number, pattern in enumerate(prefixes):
            if pattern in page.text:
                yield number, f"texte « {shown[number]} » ({page.id})"

    return text


def _element_matcher(tag: str, attributes: dict[str, str]) -> Matcher:
    wanted = {name: bare(value) for name, value in attributes.items()}

    def elements(page: Page) -> Iterator[tuple[int, str]]:
        for found in page.elements.get(tag, ()):
            if all(
                name in found and glob_match(value, found[name]) for name, value in wanted.items()
            ):
                shown = " ".join(f'{name}="{found[name][:30]}"' for name in wanted)
                yield 0, f"élément <{tag}{' ' + shown if shown else ''}> ({page.id})"
                return

    return elements


def _generator_matcher(generator_patterns: list[str]) -> Matcher:
    # An empty list accepts any declared generator: the empty pattern is in every string.
    patterns = [bare(p) for p in generator_patterns] or [""]

    def generators(page: Page) -> Iterator[tuple[int, str]]:
        for generator in page.generators:
            if not generator:
                continue
            for number, pattern in enumerate(patterns):
                if pattern in generator:
                    yield number, f"générateur « {_short(generator)} » ({page.id})"

    return generators


def glob_match(pattern: str, value: str) -> bool:
    """``pattern`` matches the whole ``value``, ``*`` standing for any characters.

    Without ``*``, one word of a space-separated value also matches (``class="menu principal"``
    has ``menu``). Linear time whatever the input, unlike a regular expression.
    """
    if "*" not in pattern:
        return value == pattern or pattern in value.split()
    parts = pattern.split("*")
    if not value.startswith(parts[0]):
        return False
    position = len(parts[0])
    for middle in parts[1:-1]:
        found = value.find(middle, position)
        if found < 0:
            return False
        position = found + len(middle)
    return len(value) - len(parts[-1]) >= position and value.endswith(parts[-1])


def _prefix(pattern: str) -> str:
    return words(pattern).rstrip()


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def _display(address: str) -> str:
    return address.removeprefix("file:///")
