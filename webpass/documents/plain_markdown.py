"""Clause Markdown that is only plain paragraphs and dash lists, read without the Markdown parser.

Most rendered clauses are a few paragraphs of prose, some with a list of « - » items, whose only
other Markdown is the backslash escapes :func:`~webpass.untrusted.text.markdown_literal` puts
before the punctuation of printed values. markdown-it-py reads such a text as one paragraph per
group of lines and one bullet list per run of « - » items, each paragraph or item one text run per
line (escapes resolved) with a soft break between lines; importing and running it costs far more
than that. A text is read here only when nothing in it can mean anything else to CommonMark: no
character that opens inline markup, no line that could open a block other than a « - » item
whose text opens none either, no leading or trailing space (but the indent of an item's next
line), no hard break. Anything else goes to
markdown-it-py, which stays the parser of every real Markdown; tests compare both on every
clause of the catalogue and of the examples, and on generated texts.
"""

from __future__ import annotations

import re

from webpass.core.frozen_record import frozen_record

__all__ = ["PlainBlock", "plain_blocks"]

# CommonMark's backslash escape: any ASCII punctuation after a backslash is that character.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Characters that may open inline markup (code, emphasis, links, autolinks and raw HTML,
# entities, escapes left over), and those markdown-it normalises (NUL, CR) or expands (tab).
_INLINE = re.compile(r"[\\`*_\[\]<&\t\r\x00]")
# A line that may open or close a block: heading, quote, list, thematic break, setext
# underline, fence, table row, ordered list item.
_BLOCK_START = re.compile(r"[#>\-+*=~`_|]|\d{1,9}[.)]")
# A bullet list item: a dash, one space, then its text (which must open no block itself).
_ITEM = "- "
_ITEM_INDENT = " " * len(_ITEM)


@frozen_record
class PlainBlock:
    """A paragraph (one entry) or a bullet list (one entry per item): each entry's lines."""

    entries: tuple[tuple[str, ...], ...]
    bulleted: bool


class _Reader:
    """The blocks read so far, the block being read and the entry being read in it."""

    def __init__(self) -> None:
        self.blocks: list[PlainBlock] = []
        self.entries: list[tuple[str, ...]] = []
        self.lines: list[str] = []
        self.bulleted = False

    def end_entry(self) -> None:
        if self.lines:
            self.entries.append(tuple(self.lines))
            self.lines = []

    def end_block(self) -> None:
        self.end_entry()
        if self.entries:
            self.blocks.append(PlainBlock(tuple(self.entries), self.bulleted))
            self.entries = []

    def read(self, line: str, after_blank: bool) -> bool:
        """Take one line that is not blank; False if it may be Markdown."""
        if line.startswith(_ITEM):
            text = line[len(_ITEM) :]
            if not _plain(text):
                return False
            self._item(_unescaped(text))
        elif line.startswith(_ITEM_INDENT) and self.bulleted and self.lines and not after_blank:
            # A line indented to the item's text continues it; after a blank line it would be a
            # second paragraph of the item, which the parser reads otherwise.
            text = line[len(_ITEM_INDENT) :]
            if not _plain(text):
                return False
            self.lines.append(_unescaped(text))
        elif _plain(line):
            self._text(_unescaped(line), after_blank)
        else:
            return False
        return True

    def _item(self, text: str) -> None:
        # An item continues a list, even after a blank line; it interrupts a paragraph.
        if self.bulleted:
            self.end_entry()
        else:
            self.end_block()
            self.bulleted = True
        self.lines = [text]

    def _text(self, line: str, after_blank: bool) -> None:
        # A line right after another continues its paragraph or item (lazily, in an item);
        # after a blank line it opens a paragraph, which ends a list.
        if not self.lines or after_blank:
            self.end_block()
            self.bulleted = False
        self.lines.append(line)


def _plain(text: str) -> bool:
    """Whether a line's text, once its item's dash or indent is read, opens no block."""
    return bool(text) and text == text.strip() and not _BLOCK_START.match(text)


def _unescaped(text: str) -> str:
    return _ESCAPE.sub(r"\1", text)


def plain_blocks(text: str) -> list[PlainBlock] | None:
    """The paragraphs and lists of ``text``, escapes resolved, or ``None`` for Markdown.

    Each line is what markdown-it-py gives as the content of that line's text token.
    """
    if _INLINE.search(_ESCAPE.sub("", text)):
        return None
    reader = _Reader()
    after_blank = False
    for line in text.split("\n"):
        if not line:
            after_blank = True
            continue
        if not reader.read(line, after_blank):
            return None
        after_blank = False
    reader.end_block()
    return reader.blocks
