"""Plain paragraphs are read without markdown-it-py, into exactly the blocks it gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from webpass.documents import cctp
from webpass.documents.cctp import Block, markdown_blocks
from webpass.documents.plain_paragraphs import plain_paragraphs
from webpass.dossier.opening import open_dossier

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _parsed(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Block], str | None]:
    """What markdown-it-py alone makes of ``text`` (the reference)."""
    with monkeypatch.context() as patch:
        patch.setattr(cctp, "plain_paragraphs", lambda _text: None)
        return _blocks(text)


def _blocks(text: str) -> tuple[list[Block], str | None]:
    try:
        return markdown_blocks(text, "exigence X"), None
    except Exception as exc:  # the same refusal is what is compared
        return [], str(exc)


def _example_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    texts: list[str] = []
    original = cctp.markdown_blocks

    def spy(text: str, where: str) -> Any:
        texts.append(text)
        return original(text, where)

    with monkeypatch.context() as patch:
        patch.setattr(cctp, "markdown_blocks", spy)
        for name in ("petite-commune", "communaute-de-communes"):
            cctp.build_document(open_dossier(EXAMPLES / name).selection)
    return texts


def test_every_clause_of_the_examples_reads_as_markdown_it_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = _example_texts(monkeypatch)
    plain = [text for text in texts if plain_paragraphs(text) is not None]
    # Most clauses are prose: the plain path is the common one, and lists still go to the parser.
    assert len(plain) > len(texts) / 2
    assert len(plain) < len(texts)
    for text in texts:
        assert _blocks(text) == _parsed(text, monkeypatch), text


@pytest.mark.parametrize(
    "text",
    [
        "- une liste",
        "1. une liste",
        "12) une liste",
        "# titre",
        "Titre\n===",
        "texte\n---",
        "> citation",
        "    code",
        " retrait",
        "fin  \nde ligne",
        "coupure\\\nforcée",
        "un *accent*",
        "un [lien](https://exemple.fr)",
        "<b>html</b>",
        "&amp;",
        "\\q",
        "a\tb",
        "a\r\nb",
        "```\ncode\n```",
    ],
)
def test_markdown_goes_to_the_parser(text: str) -> None:
    assert plain_paragraphs(text) is None


# Prose and the escapes of printed values, often; any Markdown character, now and then.
_PROSE = ["le site", "é", " ", "1 500", " : ", " ; ", "\n", "\n\n", "\\.", "\\-", "\\(", "\\:"]
_ALPHABET = st.sampled_from(
    [*_PROSE * 3, *"1.)", *"\\#>-+*=~`_|[]()!<&:;?«»'°€", "\u00a0", "\t", "  "]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_ALPHABET, max_size=30).map("".join))
@example("Le site (https\\://www\\.x\\.fr) : 1 500 €\nHT ; « à » n° 3\\\\\n\nFin\\.")
def test_plain_reading_matches_markdown_it_on_any_text(text: str) -> None:
    if plain_paragraphs(text) is None:
        return
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert _blocks(text) == _parsed(text, monkeypatch), repr(text)
