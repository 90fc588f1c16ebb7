"""libyaml writes the answers only where its text is PyYAML's own, byte for byte."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from webpass.core.yaml_dump import dump_yaml, dumper_for
from webpass.dossier.answers import answers_to_yaml, load_answers

REPO = Path(__file__).resolve().parent.parent


def _pure_python(data: Any) -> str:
    return yaml.dump(data, Dumper=yaml.SafeDumper, allow_unicode=True, sort_keys=False, width=100)


# Text as people type it, and text made to trip an emitter: quotes, colons, hashes, leading
# dashes, blank lines, trailing spaces, the separators and marks libyaml escapes, emojis.
_TRICKY = [
    *" \n\t-:#'\"ab0.é?!&*[]{},|>%@`~\x85\u2028\u2029\ufeff\xa0\r\x00\x1b",
    *("🙂", "𐀀", "null", "yes", "1.0", "2026-01-01"),
]
_text = st.text(max_size=200) | st.lists(st.sampled_from(_TRICKY), max_size=60).map("".join)
_key = st.text(min_size=1, max_size=30) | st.sampled_from(["nom", "a b", "x:", "-", "? k", "\r"])
_scalar = st.one_of(_text, st.integers(), st.booleans(), st.dates(), st.none())
_tree = st.recursive(
    _scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_key, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=150)
@given(st.dictionaries(_key, _tree, max_size=6))
def test_the_same_text_as_pure_python_pyyaml(data: dict[str, Any]) -> None:
    try:
        expected = _pure_python(data)
    except yaml.YAMLError:  # not data an answers file can hold (a lone surrogate)
        return
    assert dump_yaml(data) == expected


# What a dossier ordinarily holds: every character of the Basic Multilingual Plane but the
# controls, surrogates, separators and byte order mark, with the emitters' tricky ASCII.
_ordinary_char = st.characters(
    max_codepoint=0xFFFF,
    blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
    blacklist_characters="\ufeff",
)
_ordinary_text = st.text(_ordinary_char | st.sampled_from(list(" \n\t-:#'\"?&*[]{},|>%@`")))
# Keys as the answers' models name them, or as short as a parameter's name.
_ordinary_key = st.text(
    _ordinary_char | st.sampled_from(list(" -:#'\"?&*[]{},|>%@`")), min_size=1, max_size=40
)
_ordinary_tree = st.recursive(
    st.one_of(_ordinary_text, st.integers(), st.booleans(), st.dates(), st.none()),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_ordinary_key, inner, max_size=4),
    max_leaves=25,
)


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
@settings(max_examples=150)
@given(st.dictionaries(_ordinary_key, _ordinary_tree, max_size=6))
def test_ordinary_text_is_written_by_libyaml_as_pure_python_would(data: dict[str, Any]) -> None:
    assert dumper_for(data) is yaml.CSafeDumper
    assert dump_yaml(data) == _pure_python(data)


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
def test_ordinary_answers_are_written_by_libyaml() -> None:
    data = {
        "collectivite": {"nom": "Saint-Ébœuf-d’Armor", "population": 1234},
        "projet": {"objectif": "Refonte du site : démarches en ligne « clés en main »\n"},
        "date": dt.date(2026, 12, 1),
    }
    assert dumper_for(data) is yaml.CSafeDumper
    assert dump_yaml(data) == _pure_python(data)


@pytest.mark.parametrize("text", ["🙂 fête", "a\x85b", "ligne\u2028suite", "\ufeffnom", "a\rb"])
def test_characters_the_emitters_disagree_on_go_through_pure_python(text: str) -> None:
    assert dumper_for({"nom": text}) is yaml.SafeDumper
    assert dump_yaml({"nom": text}) == _pure_python({"nom": text})


def test_a_long_key_with_accents_goes_through_pure_python() -> None:
    data = {"é" * 100: "valeur"}  # 100 characters, 200 bytes
    assert dumper_for(data) is yaml.SafeDumper
    assert dumper_for({"e" * 100: "valeur"}) is not yaml.SafeDumper or not yaml.__with_libyaml__


@pytest.mark.parametrize("example", ["petite-commune", "communaute-de-communes"])
def test_shipped_examples_answers_unchanged(example: str, monkeypatch: pytest.MonkeyPatch) -> None:
    answers, _ = load_answers(REPO / "examples" / example / "webpass.yaml")
    written = answers_to_yaml(answers)
    monkeypatch.setattr("webpass.core.yaml_dump._C_DUMPER", None)  # as without libyaml
    assert written == answers_to_yaml(answers)
