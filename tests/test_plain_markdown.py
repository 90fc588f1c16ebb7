"""Plain paragraphs and dash lists are read without markdown-it-py, into exactly the blocks it gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from webpass.catalog import load_shipped_catalog
from webpass.documents import cctp
from webpass.documents.cctp import Block, markdown_blocks
from webpass.documents.plain_markdown import plain_blocks
from webpass.dossier.opening import open_dossier

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _parsed(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Block], str | None]:
    """What markdown-it-py alone makes of ``text`` (the reference)."""
    with monkeypatch.context() as patch:
        patch.setattr(cctp, "plain_blocks", lambda _text: None)
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
    plain = [blocks for text in texts if (blocks := plain_blocks(text)) is not None]
    # Most clauses are prose, some with a dash list: the plain path is the common one.
    assert len(plain) > len(texts) / 2
    assert any(block.bulleted for blocks in plain for block in blocks)
    for text in texts:
        assert _blocks(text) == _parsed(text, monkeypatch), text


def _catalogue_texts() -> list[str]:
    """Every clause, need and section introduction of the shipped catalogue, as written."""
    catalog = load_shipped_catalog()
    texts = [s.introduction for s in catalog.sections if s.introduction]
    for item in catalog.items:
        texts += [item.clause, item.need or ""]
        texts += [v.clause or "" for v in item.proportion] + [v.need or "" for v in item.proportion]
    return [text for text in texts if text]


def test_every_clause_of_the_catalogue_reads_as_markdown_it_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As written, before their fields are filled: « {{ … }} » and « {% … %} » are text here
    # (a field name's « _ » sends a text to the parser).
    texts = _catalogue_texts()
    accepted = [text for text in texts if plain_blocks(text) is not None]
    assert len(accepted) > len(texts) / 3
    assert any("\n- " in text for text in accepted)
    for text in accepted:
        assert _blocks(text) == _parsed(text, monkeypatch), text


def test_the_examples_are_written_without_importing_the_markdown_parser() -> None:
    # Their clauses are prose and dash lists: the parser's import is spared.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from webpass.documents.cctp import build_document\n"
        "from webpass.dossier.opening import open_dossier\n"
        f"for name in ('petite-commune', 'communaute-de-communes'):\n"
        f"    build_document(open_dossier(Path({str(EXAMPLES)!r}) / name).selection)\n"
        "print(sorted(m for m in sys.modules if m.startswith('markdown_it')))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_real_markdown_still_goes_through_the_parser() -> None:
    blocks = markdown_blocks("Un **accent** :\n\n1. un\n2. deux", "exigence X")
    assert blocks == [
        cctp.Paragraph((cctp.Run("Un "), cctp.Run("accent", bold=True), cctp.Run(" :"))),
        cctp.ListBlock(((cctp.Run("un"),), (cctp.Run("deux"),)), ordered=True),
    ]


@pytest.mark.parametrize(
    ("text", "read"),
    [
        (
            "Objectifs :\n- un ;\n- deux.",
            [(False, [["Objectifs :"]]), (True, [["un ;"], ["deux."]])],
        ),
        ("- un\nsuite\n\n- deux\n\nFin", [(True, [["un", "suite"], ["deux"]]), (False, [["Fin"]])]),
        (
            "- un \\- deux\n\ntexte\n- trois",
            [(True, [["un - deux"]]), (False, [["texte"]]), (True, [["trois"]])],
        ),
    ],
)
def test_dash_lists_are_read_as_their_items(
    text: str, read: list[tuple[bool, list[list[str]]]]
) -> None:
    blocks = plain_blocks(text)
    assert blocks is not None
    assert [(b.bulleted, [list(lines) for lines in b.entries]) for b in blocks] == read


@pytest.mark.parametrize(
    "text",
    [
        "1. une liste",
        "* une liste",
        "+ une liste",
        "-une liste",
        "-",
        "- - -",
        "- - imbriquée",
        "- 1. imbriquée",
        "- # titre",
        "- > citation",
        "-  deux espaces",
        "texte\n  suite en retrait",
        "- un\n\n  second paragraphe",
        "- un\n   trois espaces",
        "- un\n  - imbriquée",
        "- un\n   ",
        "- ",
        "texte\n- ",
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
    assert plain_blocks(text) is None


# Prose and the escapes of printed values, often; any Markdown character, now and then.
_PROSE = ["le site", "é", " ", "1 500", " : ", " ; ", "\n", "\n\n", "\\.", "\\-", "\\(", "\\:"]
_PROSE += ["\n- ", "- ", "\n\n- ", "\n  ", "\n   "]
_ALPHABET = st.sampled_from(
    [*_PROSE * 3, *"1.)", *"\\#>-+*=~`_|[]()!<&:;?«»'°€", "\u00a0", "\t", "  "]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_ALPHABET, max_size=30).map("".join))
@example("Le site (https\\://www\\.x\\.fr) : 1 500 €\nHT ; « à » n° 3\\\\\n\nFin\\.")
def test_plain_reading_matches_markdown_it_on_any_text(text: str) -> None:
    if plain_blocks(text) is None:
        return
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert _blocks(text) == _parsed(text, monkeypatch), repr(text)
