from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from webpass.untrusted import safe_yaml
from webpass.untrusted.safe_yaml import YamlLimits, YamlRefused, load_yaml_text


def refused(text: str | bytes, limits: YamlLimits | None = None) -> str:
    with pytest.raises(YamlRefused) as info:
        load_yaml_text(text, "essai.yaml", limits)
    return info.value.problem.format()


def test_reads_plain_yaml_with_marks() -> None:
    located = load_yaml_text("a: 1\nb:\n  - x: 'y'\n    z: 2.5\n", "f.yaml")
    assert located.data == {"a": 1, "b": [{"x": "y", "z": 2.5}]}
    assert located.marks[("b", 0, "z")] == (4, 8)
    assert ("b", 0, "z") in located.floats
    assert ("a",) not in located.floats


def test_alias_bomb_is_refused_before_expansion() -> None:
    bomb = "a: &a ['lol','lol']\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(9)
    )
    message = refused(bomb)
    assert "ancres et alias" in message
    assert message.startswith("essai.yaml:1:")


@pytest.mark.parametrize("depth", [100, 10_000, 30_000])
def test_deep_nesting_is_refused_without_crashing(depth: int) -> None:
    # The C loader segfaults near 30,000 levels; the event scan must stop it first.
    assert "imbrication trop profonde" in refused("[" * depth + "]" * depth)


class _LibyamlThatStopsAtTwoLevels(yaml.SafeLoader):
    """Stands for a libyaml build with its own, English, nesting limit (0.2.6 stops at 1,000)."""

    depth = 0

    def get_event(self) -> yaml.Event:
        event = super().get_event()
        if isinstance(event, yaml.CollectionStartEvent):
            self.depth += 1
            if self.depth > 2:
                raise yaml.parser.ParserError(
                    None, None, "exceeded maximum nesting depth", event.start_mark
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            self.depth -= 1
        return event


@pytest.mark.parametrize(
    "deep", ["[" * 100 + "]" * 100, "a:\n" + "".join(" " * i + "- \n" for i in range(60))]
)
def test_nesting_gets_the_french_message_whatever_the_parser_refuses_itself(
    monkeypatch: pytest.MonkeyPatch, deep: str
) -> None:
    monkeypatch.setattr(safe_yaml, "_Loader", _LibyamlThatStopsAtTwoLevels)
    assert "imbrication trop profonde" in refused(deep, YamlLimits(max_depth=10))


def test_a_parser_refusal_on_a_shallow_file_stays_a_located_syntax_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(safe_yaml, "_Loader", _LibyamlThatStopsAtTwoLevels)
    message = refused("a: [[[1]]]\n")
    assert message.startswith("essai.yaml:1:")
    assert "syntaxe YAML invalide" in message


def test_python_tags_are_refused() -> None:
    assert "étiquette YAML" in refused("a: !!python/object/apply:os.system ['true']\n")
    assert "étiquette YAML" in refused("a: !include autre.yaml\n")


def test_several_documents_are_refused() -> None:
    assert "un seul document" in refused("a: 1\n---\nb: 2\n")


def test_duplicate_keys_are_refused_with_their_line() -> None:
    message = refused("a: 1\nb: 2\na: 3\n")
    assert "essai.yaml:3:1" in message
    assert "« a » apparaît deux fois" in message


def test_non_utf8_is_refused_with_line() -> None:
    message = refused("a: 1\nb: caf\xe9\n".encode("latin-1"))
    assert "essai.yaml:2" in message
    assert "UTF-8" in message


def test_size_cap() -> None:
    assert "trop volumineux" in refused(b"a: 1\n" * 100, YamlLimits(max_bytes=50))


def test_bom_is_accepted() -> None:
    assert load_yaml_text("\ufeffa: 1\n".encode(), "f").data == {"a": 1}


def test_syntax_error_names_line() -> None:
    message = refused("a: [1, 2\nb: 3\n")
    assert "syntaxe YAML invalide" in message
    assert "essai.yaml:" in message


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"# \n\t0.,?%@`")), max_size=200))
def test_any_text_is_read_or_refused_cleanly(text: str) -> None:
    try:
        load_yaml_text(text, "fuzz.yaml")
    except YamlRefused as error:
        assert error.problem.file == "fuzz.yaml"
