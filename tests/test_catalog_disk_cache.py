"""The validated catalogue kept on disk between processes: used only for the very same bytes.

Each test stands for a new process by emptying the in-process cache, and uses a cache folder of
its own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import webpass
from webpass.catalog import cache, load
from webpass.catalog.cache import CACHE_ENV, cache_dir
from webpass.catalog.load import load_catalog
from webpass.core import disk_cache
from webpass.core.errors import ValidationFailed


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    monkeypatch.setattr(load, "_validated", {})
    return folder


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "_validated", {})


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("catalogue-*.json")) if folder.is_dir() else []


def _refuse_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("the catalogue was parsed and checked again")

    monkeypatch.setattr(load, "_load_catalog", refused)


def test_a_second_process_builds_the_same_catalogue_from_the_cache(
    mini_catalog: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_catalog(mini_catalog)
    assert len(_entries(store)) == 1
    assert store.stat().st_mode & 0o777 == 0o700
    assert _entries(store)[0].stat().st_mode & 0o777 == 0o600
    _new_process(monkeypatch)
    _refuse_validation(monkeypatch)
    again = load_catalog(mini_catalog)
    assert again is not first
    assert again == first
    assert again.sources == first.sources
    assert [i.model_dump() for i in again.items] == [i.model_dump() for i in first.items]


def test_the_shipped_catalogue_is_the_same_from_the_cache(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webpass.catalog import load_shipped_catalog

    monkeypatch.setenv(CACHE_ENV, "non")
    checked = load_shipped_catalog()
    monkeypatch.setenv(CACHE_ENV, str(store))
    for _ in range(2):  # written, then read
        _new_process(monkeypatch)
        cached = load_shipped_catalog()
        assert cached == checked
        assert cached.sources == checked.sources


def test_an_edited_catalogue_is_checked_again(
    mini_catalog: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_catalog(mini_catalog)
    items = mini_catalog / "items" / "01-essai.yaml"
    items.write_text(
        items.read_text(encoding="utf-8").replace("Mentions légales", "Mentions obligatoires"),
        encoding="utf-8",
    )
    _new_process(monkeypatch)
    edited = load_catalog(mini_catalog)
    assert any(item.title == "Mentions obligatoires" for item in edited.items)
    assert len(_entries(store)) == 2


def test_an_edit_that_breaks_the_catalogue_is_reported_not_served_from_the_cache(
    mini_catalog: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_catalog(mini_catalog)
    items = mini_catalog / "items" / "01-essai.yaml"
    items.write_text(
        items.read_text(encoding="utf-8").replace("{{ delai }}", "{{ delai_inconnu }}"),
        encoding="utf-8",
    )
    for _ in range(2):
        _new_process(monkeypatch)
        with pytest.raises(ValidationFailed, match="delai_inconnu"):
            load_catalog(mini_catalog)
    assert len(_entries(store)) == 1  # only the valid version


def test_an_entry_is_never_used_for_another_catalogue(
    mini_catalog: Path, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "autre"
    shutil.copytree(mini_catalog, other)
    items = other / "items" / "01-essai.yaml"
    items.write_text(
        items.read_text(encoding="utf-8").replace("Publication des actes", "Actes publiés"),
        encoding="utf-8",
    )
    load_catalog(mini_catalog)
    (entry,) = _entries(store)
    # The other catalogue's entry name, holding the first catalogue's data: a foreign key.
    fingerprint = load.catalog_digest(other)
    assert fingerprint is not None
    shutil.copy(entry, store / f"catalogue-{cache._key(fingerprint)}.json")
    _new_process(monkeypatch)
    loaded = load_catalog(other)
    assert any(item.title == "Actes publiés" for item in loaded.items)
    assert loaded.root == other
    assert all(ref.file.startswith(str(other)) for ref in loaded.sources.values())


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{not json",
        b'[2, "0000", []]',
        b"[1, 2, 3]",
        b'{"format": 2, "key": "K", "files": []}',
        b'[999, "K", []]',
        b'[2, "K", [["catalogue.yaml", {"m": []}, []]]]',
        b'[2, "K", [["catalogue.yaml", {"m": {"x": 1}}, []]]]',
        b'[2, "K", [["catalogue.yaml", {"m": [[1, 2]]}, []]]]',
        b'[2, "K", [["catalogue.yaml", {"x": 1, "y": 2}, []]]]',
        b'[2, "K", [["catalogue.yaml", {"d": "pas une date"}, []]]]',
        b'[2, "K", [["catalogue.yaml", {"q": 1}, []]]]',
        b'[2, "K", 12]',
    ],
)
def test_a_damaged_entry_is_ignored_and_rewritten(
    mini_catalog: Path, store: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    first = load_catalog(mini_catalog)
    (entry,) = _entries(store)
    key = entry.stem.removeprefix("catalogue-")
    entry.write_bytes(damage.replace(b'"K"', json.dumps(key).encode()))
    _new_process(monkeypatch)
    assert load_catalog(mini_catalog) == first
    _new_process(monkeypatch)
    _refuse_validation(monkeypatch)  # the entry was written again, whole
    assert load_catalog(mini_catalog) == first


def test_an_entry_whose_data_the_models_refuse_is_ignored(
    mini_catalog: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_catalog(mini_catalog)
    (entry,) = _entries(store)
    content = json.loads(entry.read_text(encoding="utf-8"))
    for name, data, _ in content[2]:
        if name.startswith("items/"):
            data["items"][0]["niveau"] = 9
    entry.write_text(json.dumps(content), encoding="utf-8")
    _new_process(monkeypatch)
    assert load_catalog(mini_catalog) == first


def test_an_entry_through_a_link_or_in_a_folder_others_may_write_is_ignored(
    mini_catalog: Path, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_catalog(mini_catalog)
    (entry,) = _entries(store)
    elsewhere = tmp_path / "ailleurs.json"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    _new_process(monkeypatch)
    called: list[Path] = []
    real = load._load_catalog

    def counted(root: Path, read: list[object] | None = None) -> object:
        called.append(root)
        return real(root, read)  # type: ignore[arg-type]

    monkeypatch.setattr(load, "_load_catalog", counted)
    load_catalog(mini_catalog)
    assert called  # the link was not followed
    store.chmod(0o777)
    _new_process(monkeypatch)
    called.clear()
    load_catalog(mini_catalog)
    assert called  # a folder open to others is not trusted
    store.chmod(0o700)


def test_the_cache_can_be_turned_off(
    mini_catalog: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, "non")
    assert cache_dir() is None
    load_catalog(mini_catalog)
    assert not store.exists()


def test_the_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "webpass"
    monkeypatch.setenv("XDG_CACHE_HOME", "relatif")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_dir() == tmp_path / ".cache" / "webpass"


def test_another_webpass_version_does_not_read_the_entry(
    mini_catalog: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_catalog(mini_catalog)
    monkeypatch.setattr(webpass, "__version__", "99.0.0")
    _new_process(monkeypatch)
    load_catalog(mini_catalog)
    assert len(_entries(store)) == 2


def test_an_unwritable_cache_folder_changes_nothing(
    mini_catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier", encoding="utf-8")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    _new_process(monkeypatch)
    assert load_catalog(mini_catalog).items


def test_dates_and_texts_that_look_like_dates_keep_their_types(
    mini_catalog: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = mini_catalog / "items" / "01-essai.yaml"
    items.write_text(
        items.read_text(encoding="utf-8").replace(
            "      - {cle: delai, libelle: Délai de publication, type: entier, defaut: 2}",
            "      - {cle: delai, libelle: Délai de publication, type: entier, defaut: 2}\n"
            "      - {cle: debut, libelle: Début, type: date, defaut: 2027-01-04}\n"
            '      - {cle: code, libelle: Code, type: texte, defaut: "2027-01-04"}',
        ),
        encoding="utf-8",
    )
    first = load_catalog(mini_catalog)
    _new_process(monkeypatch)
    _refuse_validation(monkeypatch)
    again = load_catalog(mini_catalog)
    defaults = {p.key: p.default for p in again.item("Z02").parameters}
    assert defaults == {"delai": 2, "debut": dt.date(2027, 1, 4), "code": "2027-01-04"}
    assert type(defaults["debut"]) is dt.date and type(defaults["code"]) is str
    assert again == first


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.dates()
    | st.datetimes(
        timezones=st.none()
        | st.builds(
            dt.timezone,
            st.integers(min_value=-23 * 60, max_value=23 * 60).map(
                lambda minutes: dt.timedelta(minutes=minutes)
            ),
        )
    )
)


def _types(value: object) -> object:
    if isinstance(value, list):
        return [_types(v) for v in value]
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    return type(value)


@given(
    st.recursive(
        _SCALARS,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )
)
def test_yaml_values_come_back_exactly(value: object) -> None:
    decoded = disk_cache.loads(disk_cache.dumps(value))
    assert decoded == value
    assert _types(decoded) == _types(value)


def test_an_entry_is_never_left_half_written(
    mini_catalog: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_catalog(mini_catalog)
    assert [p.name for p in store.iterdir() if p.name.endswith(".tmp")] == []
    assert os.access(_entries(store)[0], os.R_OK)


def test_catalogue_valider_always_checks_for_real(
    mini_catalog: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from webpass.cli import cli

    load_catalog(mini_catalog)
    called: list[Path] = []
    real = load._load_catalog

    def counted(root: Path, read: list[object] | None = None) -> object:
        called.append(root)
        return real(root, read)  # type: ignore[arg-type]

    monkeypatch.setattr(load, "_load_catalog", counted)
    CliRunner().invoke(cli, ["catalogue", "valider", str(mini_catalog)])
    assert called == [mini_catalog]


def test_a_value_json_cannot_hold_exactly_is_not_stored() -> None:
    odd = dt.datetime(2027, 1, 4, tzinfo=dt.timezone(dt.timedelta(microseconds=1)))
    with pytest.raises(disk_cache.Unstorable):
        disk_cache.dumps({"quand": odd})
    with pytest.raises(disk_cache.Unstorable):
        disk_cache.dumps({"ensemble": {1, 2}})


def test_the_clause_trees_come_back_with_the_catalogue(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webpass.catalog import load_shipped_catalog
    from webpass.untrusted import clause_template
    from webpass.untrusted.clause_tree import clause_tree, tree_data

    load_shipped_catalog()  # checked, then stored
    _new_process(monkeypatch)
    monkeypatch.setattr(clause_template, "_KEPT_TREES", {})
    catalog = load_shipped_catalog()
    texts = {item.clause for item in catalog.items} | {i.need for i in catalog.items if i.need}
    with_trees = {text for text in texts if clause_template._substitutions(text) is None}
    assert len(with_trees) > 20
    for text in with_trees:
        tree = clause_tree(text)
        assert tree is not None
        assert clause_template._KEPT_TREES[text] == tree_data(tree)


@pytest.mark.parametrize(
    "text",
    [
        '{"m": [["a"]]}',
        '{"m": [["a", 1, 2]]}',
        '{"m": [[1, 2]]}',
        '{"m": [[["k"], 1]]}',
        '{"m": ["ab"]}',
        '{"m": [["a", 1], "bc"]}',
        '{"m": {"a": 1}}',
        '{"d": 5}',
        '{"d": "2027-13-01"}',
        '{"t": ["2027-01-04"]}',
    ],
)
def test_an_entry_whose_wrapper_is_malformed_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        disk_cache.loads(text)


def test_a_mapping_stored_as_pairs_comes_back() -> None:
    # As every mapping was stored before mappings were kept as JSON objects.
    assert disk_cache.loads('{"m": [["a", 1], ["b", {"m": []}]]}') == {"a": 1, "b": {}}


@pytest.mark.parametrize(
    "value",
    [
        {"d": "2027-01-04"},
        {"t": "2027-01-04T10:30:00"},
        {"m": [["a", 1]]},
        {"d": dt.date(2027, 1, 4)},
        {"m": {"d": {"t": None}}},
        [{"d": "x"}, {"d": "x", "e": 1}],
    ],
)
def test_a_mapping_that_looks_like_a_wrapper_comes_back_as_a_mapping(value: object) -> None:
    decoded = disk_cache.loads(disk_cache.dumps(value))
    assert decoded == value
    assert _types(decoded) == _types(value)
