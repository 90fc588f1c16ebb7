"""The information a requirement's text asks the offer to give, quoted from that text.

An offer without an information the contract needs (« renseignement du marché ») is irregular,
so the response grid must ask every one the CCTP asks « dans son offre », in its words: a grid
question asking less than the CCTP made an offer regular by the grid and irregular by the CCTP
(review of 1 December 2026, small commune I3). The catalogue therefore lists each such
information as a phrase of the clause (``reponse.renseignements``); the grid quotes the phrases
its published text holds, and the catalogue check refuses a sentence asking « dans son offre »
something no phrase quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = ["IN_OFFER", "flat", "quoted_in", "unquoted_demands"]

IN_OFFER = "dans son offre"

# A sentence ends on a full stop followed by a capital or a field, or by a condition's tag
# even without a blank; « n° 3. » does not occur in the clauses that ask for information.
_SENTENCE_END = re.compile(r"(?<=\.)\s*(?=\{%)|(?<=\.)\s+(?=[A-ZÀÂÉÈÊÎÔÛÇ{])")
# What may join the quoted phrases in a sentence that asks for them: punctuation, the list
# markers of Markdown and the words that link the items of an enumeration.
_JOINERS = re.compile(r"[\s:;,.()\-–]+|\b(?:et|avec|ainsi que|puis|ou)\b")


def flat(text: str) -> str:
    """The text on one line, blanks collapsed, as the phrases are compared with it."""
    # « re.sub(r"\s+", " ", text).strip() », seven times faster: str.split's blanks are \s's.
    return " ".join(text.split())


def quoted_in(phrases: Iterable[str], text: str) -> list[str]:
    """The phrases ``text`` holds, in their catalogue order."""
    line = flat(text)
    return [phrase for phrase in phrases if flat(phrase) in line]


def unquoted_demands(text: str, phrases: Sequence[str]) -> list[str]:
    """What a sentence of ``text`` asks « dans son offre » that no phrase quotes.

    In each sentence asking « dans son offre », what follows the words is the list of what the
    offer gives; once the phrases are taken out, only joiners may remain.
    """
    found: list[str] = []
    ordered = sorted((flat(p) for p in phrases), key=len, reverse=True)
    for sentence in _SENTENCE_END.split(flat(text)):
        if IN_OFFER not in sentence:
            continue
        rest = sentence.split(IN_OFFER, 1)[1]
        for phrase in ordered:
            rest = rest.replace(phrase, " ")
        if flat(_JOINERS.sub(" ", rest)):
            found.append(flat(rest).strip(" :;,.-"))
    return found
