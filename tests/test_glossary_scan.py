"""The glossary scan: one expression over the text finds what a search per acronym finds."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from webpass.catalog import load_shipped_catalog
from webpass.documents.cctp import acronyms_in

ACRONYMS = (*load_shipped_catalog().meta.glossary, "PDF", "PDF/A", "A", "TIC", "UTF")


def _one_search_each(corpus: str, acronyms: tuple[str, ...]) -> set[str]:
    return {a for a in acronyms if re.search(rf"(?<![\w-]){re.escape(a)}(?![\w-])", corpus)}


@given(
    st.lists(
        st.one_of(st.sampled_from(ACRONYMS), st.sampled_from([" ", "-", "/", ".", "x", "é", "\n"])),
        max_size=30,
    ).map("".join)
)
def test_one_scan_finds_what_one_search_per_acronym_finds(corpus: str) -> None:
    assert acronyms_in(corpus, ACRONYMS) == _one_search_each(corpus, ACRONYMS)
