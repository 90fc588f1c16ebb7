"""Clause Markdown that is only paragraphs of plain text, read without the Markdown parser.

Most rendered clauses are a few paragraphs of prose whose only Markdown is the backslash
escapes :func:`~webpass.untrusted.text.markdown_literal` puts before the punctuation of printed
values. markdown-it-py reads such a text as one paragraph per group of lines, one text run per
line (escapes resolved) and a soft break between lines; parsing it costs far more than that.
A text is read here only when nothing in it can mean anything else to CommonMark: no character
that opens inline markup, no line that could open a block, no leading or trailing space, no
hard break. Anything else goes to markdown-it-py, which stays the parser of every real
Markdown; a test compares both on every clause of the examples and on generated texts.
"""

from __future__ import annotations

import re

__all__ = ["plain_paragraphs"]

# CommonMark's backslash escape: any ASCII punctuation after a backslash is that character.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Characters that may open inline markup (code, emphasis, links, autolinks and raw HTML,
# entities, escapes left over), and those markdown-it normalises (NUL, CR) or expands (tab).
_INLINE = re.compile(r"[\\`*_\[\]<&\t\r\x00]")
# A line that may open or close a block: heading, quote, list, thematic break, setext
# underline, fence, table row, ordered list item.
_BLOCK_START = re.compile(r"[#>\-+*=~`_|]|\d{1,9}[.)]")


def plain_paragraphs(text: str) -> list[list[str]] | None:
    """The paragraphs of ``text`` as their lines, escapes resolved, or ``None`` for Markdown.

    Each line is what markdown-it-py gives as the content of that line's text token.
    """
    if _INLINE.search(_ESCAPE.sub("", text)):
        return None
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if not line:
            if current:
                paragraphs.append(current)
                current = []
            continue
        if line != line.strip() or _BLOCK_START.match(line):
            return None
        current.append(_ESCAPE.sub(r"\1", line))
    if current:
        paragraphs.append(current)
    return paragraphs
