"""Text from a user, made harmless for the medium it enters: one place for each medium.

* :func:`neutralise` — for text read from a bidder's file (a cell, a JSON string): control
  characters (terminal escape sequences, NUL), bidirectional overrides and lone surrogates are
  replaced by « � », so a « Raison sociale » cannot recolour or rewrite a terminal, hide text in
  a report, or crash an encoder; line breaks and tabulations stay.
* :func:`control_problem` — for a value a person types (a name, an address): the reason to
  refuse it, or None. Answers are refused rather than altered: the person can fix them.
* :func:`markdown_literal` — for a value inserted into clause Markdown: every character that
  Markdown would read as syntax is escaped, and line breaks become spaces, so a name shows as
  written (``[x](https://…)`` stays text, ``**Nord**`` is not bold, ``<b>`` is not HTML and a
  blank line cannot start a heading).

HTML escaping is the templates' autoescape (Jinja2 with ``select_autoescape``) and spreadsheet
escaping is the grid export's quote before ``= + - @``; both stay where they are.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["REPLACEMENT", "control_problem", "markdown_literal", "neutralise"]

REPLACEMENT = "\ufffd"
# C0 but tab and line feed, DEL and C1, bidi embeddings/overrides/isolates, lone surrogates
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&:])")
_BREAKS = re.compile(r"[\r\n\u2028\u2029\u0085]+")


def neutralise(text: str) -> str:
    """``text`` with line ends normalised and unsafe characters replaced by « � »."""
    if text.isprintable():  # the common case costs one C-level scan
        return text
    if len(text) <= _REMEMBERED_CHARS:
        return _remembered(text)
    return _neutralised(text)


# Texts with line breaks or French no-break spaces are not « printable »: the expression scans
# them. The requirement texts of a grid are the same in every offer of a consultation, so
# they are remembered (a bounded number of bounded texts: a few megabytes at most).
_REMEMBERED_CHARS = 4_000


@functools.lru_cache(maxsize=512)
def _remembered(text: str) -> str:
    return _neutralised(text)


def _neutralised(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Texts with line breaks (most clause texts) are not « printable » but rarely unsafe.
    return _UNSAFE.sub(REPLACEMENT, text) if _UNSAFE.search(text) else text


def control_problem(text: str) -> str | None:
    """Why a typed value cannot be kept (control or invisible-only characters), or None."""
    if _UNSAFE.search(text.replace("\n", " ").replace("\t", " ")):
        return (
            "contient un caractère de contrôle ou invisible (copié-collé d'un autre logiciel ?) : "
            "retapez la valeur"
        )
    if text and not any(_visible(ch) for ch in text):
        return "ne contient aucun caractère visible : écrivez la valeur"
    return None


def _visible(ch: str) -> bool:
    return not (ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Mn", "Me"))


def markdown_literal(value: object) -> str:
    """``value`` as Markdown that renders as exactly its text, on one line."""
    text = _BREAKS.sub(" ", neutralise(str(value)))
    return _MARKDOWN.sub(r"\\\1", text)
