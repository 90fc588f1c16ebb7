"""The one gate every file webpass opens goes through (issue 23, family a)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from webpass.core.errors import UnreadableFileError
from webpass.core.files import NOT_REGULAR, check_regular, read_bytes, read_text
from webpass.untrusted.loader import RootedLoader
from webpass.untrusted.sandbox import template_environment


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "modeles"
    root.mkdir()
    (root / "a.j2").write_text("A", encoding="utf-8")
    return root


def test_a_regular_file_is_read(folder: Path) -> None:
    assert read_text(folder / "a.j2", root=folder) == "A"


@pytest.mark.parametrize("kind", ["tube", "dossier", "peripherique"])
def test_anything_but_a_regular_file_is_refused_the_same_way(folder: Path, kind: str) -> None:
    if kind == "tube":
        path = folder / "tube.yaml"
        os.mkfifo(path)
    elif kind == "dossier":
        path = folder / "sous-dossier"
        path.mkdir()
    else:
        path = Path("/dev/zero")
    with pytest.raises(UnreadableFileError) as info:
        read_bytes(path)
    assert info.value.reason == NOT_REGULAR
    assert info.value.exit_code == 2


def test_a_link_inside_the_folder_is_followed_one_outside_is_not(
    folder: Path, tmp_path: Path
) -> None:
    (folder / "b.j2").symlink_to(folder / "a.j2")
    assert read_text(folder / "b.j2", root=folder) == "A"
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    (folder / "c.j2").symlink_to(outside)
    with pytest.raises(UnreadableFileError) as info:
        read_text(folder / "c.j2", root=folder)
    assert "hors du dossier" in info.value.reason
    # without a root (a file named on the command line), the user's own link is followed
    assert read_text(folder / "c.j2") == "secret"


def test_a_file_over_the_bound_is_refused_before_it_is_read(folder: Path) -> None:
    big = folder / "gros.css"
    big.write_bytes(b"x" * 1001)
    with pytest.raises(UnreadableFileError) as info:
        read_bytes(big, max_bytes=1000, too_big="une feuille de style pèse bien moins.")
    assert "trop volumineux" in info.value.reason


@pytest.mark.parametrize(("grown", "refused"), [(500, False), (1001, True)])
def test_a_file_that_grows_while_it_is_read_is_read_on_up_to_the_bound(
    folder: Path, monkeypatch: pytest.MonkeyPatch, grown: int, refused: bool
) -> None:
    # read_bytes reads the size fstat gave and one byte more: a file longer by then (it grew
    # between the two) is read on to the bound and refused beyond it, as when the whole bound
    # was asked for at once.
    path = folder / "grandit.css"
    path.write_bytes(b"x" * grown)
    real_fstat = os.fstat

    def earlier_size(descriptor: int) -> os.stat_result:
        status = list(real_fstat(descriptor))
        status[6] = 10  # st_size, as it was before the file grew
        return os.stat_result(status)

    monkeypatch.setattr(os, "fstat", earlier_size)
    if refused:
        with pytest.raises(UnreadableFileError) as info:
            read_bytes(path, max_bytes=1000)
        assert "trop volumineux" in info.value.reason
    else:
        assert read_bytes(path, max_bytes=1000) == b"x" * grown


def test_missing_file(folder: Path) -> None:
    with pytest.raises(UnreadableFileError) as info:
        check_regular(folder / "absent.yaml")
    assert "introuvable" in info.value.reason


def test_templates_cannot_include_a_link_out_of_their_folder(folder: Path) -> None:
    (folder / "p.j2").symlink_to("/etc/passwd")
    (folder / "cctp.css").symlink_to("/etc/passwd")
    env = template_environment([folder])
    with pytest.raises(UnreadableFileError):
        env.from_string('{% include "p.j2" %}').render()
    with pytest.raises(UnreadableFileError):
        RootedLoader(folder).get_source(env, "cctp.css")


@pytest.mark.parametrize("name", ["pdf.css", "reference.docx"])
def test_the_styles_of_a_template_folder_go_through_the_gate(folder: Path, name: str) -> None:
    from webpass.render.styles import styles_for

    # A pipe would hang the reader; a link out would print /etc/passwd into the PDF or DOCX.
    os.mkfifo(folder / name)
    with pytest.raises(UnreadableFileError) as info:
        styles_for(folder)
    assert info.value.reason == NOT_REGULAR
    (folder / name).unlink()
    (folder / name).symlink_to("/etc/passwd")
    with pytest.raises(UnreadableFileError):
        styles_for(folder)
    (folder / name).unlink()
    assert styles_for(folder).reference_docx.name == "reference.docx"  # the shipped one
