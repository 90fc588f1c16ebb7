"""A member read from an archive in memory is what zipfile reads, and what zipfile refuses is refused.

:func:`webpass.untrusted.zip_member.member_bytes` replaces :meth:`zipfile.ZipFile.open` for the
parts of a workbook (issue 24: the grid check). Archives are written by zipfile itself, stored or
deflated, with names in and out of ASCII, then damaged at random: a member read here is always
the bytes zipfile reads, and what zipfile refuses is refused here too.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webpass.core.errors import UnreadableFileError
from webpass.untrusted.spreadsheet import check_zip
from webpass.untrusted.zip_member import member_bytes

_NAMES = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x17F, exclude_characters="/\\"),
    min_size=1,
    max_size=12,
)
_DATA = st.one_of(st.binary(max_size=3000), st.text(max_size=400).map(lambda t: (t * 7).encode()))


def _archive(members: list[tuple[str, bytes, int]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number, (name, data, method) in enumerate(members):
            archive.writestr(f"{number}/{name}", data, compress_type=method)
    return out.getvalue()


def _zipfile_reads(content: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """The member as check_zip's zipfile reader reads it, or None when zipfile refuses it."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open(info) as stream:
            return stream.read(info.file_size) if info.file_size else b""
    except Exception:  # zipfile raises many kinds on a damaged archive: all are refusals
        return None


def _direct_reads(content: bytes, info: zipfile.ZipInfo) -> bytes | None:
    try:
        return member_bytes(content, info)
    except zipfile.BadZipFile:
        return None


_MEMBERS = st.lists(
    st.tuples(_NAMES, _DATA, st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])),
    min_size=1,
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(members=_MEMBERS)
def test_an_intact_archive_reads_the_same_both_ways(
    members: list[tuple[str, bytes, int]],
) -> None:
    content = _archive(members)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        infos = archive.infolist()
    assert [member_bytes(content, info) for info in infos] == [data for _, data, _ in members]


@settings(max_examples=400, deadline=None)
@given(members=_MEMBERS, data=st.data())
def test_a_damaged_archive_is_never_read_otherwise_than_by_zipfile(
    members: list[tuple[str, bytes, int]], data: st.DataObject
) -> None:
    content = bytearray(_archive(members))
    for _ in range(data.draw(st.integers(1, 4))):
        content[data.draw(st.integers(0, len(content) - 1))] = data.draw(st.integers(0, 255))
    damaged = bytes(content)
    try:
        with zipfile.ZipFile(io.BytesIO(damaged)) as archive:
            infos = archive.infolist()
    except Exception:
        return  # the central directory itself is refused before any member is read
    for info in infos:
        direct = _direct_reads(damaged, info)
        # What is read here is zipfile's bytes, and what zipfile refuses is refused. (This
        # reader may refuse more: a member whose declared compressed size runs past the end.)
        if direct is not None:
            assert direct == _zipfile_reads(damaged, info)


def test_other_compressions_and_encryption_are_left_to_zipfile() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.xml", b"<a/>" * 100, compress_type=zipfile.ZIP_BZIP2)
    content = out.getvalue()
    info = zipfile.ZipFile(io.BytesIO(content)).infolist()[0]
    assert member_bytes(content, info) is None
    info.flag_bits |= 0x1  # encrypted: zipfile asks for a password
    info.compress_type = zipfile.ZIP_DEFLATED
    assert member_bytes(content, info) is None


def test_a_damaged_deflate_stream_is_a_french_refusal_not_an_internal_error(
    tmp_path: Path,
) -> None:
    content = bytearray(_archive([("sheet.xml", b"<c r='A1'>texte</c>" * 2000, 8)]))
    info = zipfile.ZipFile(io.BytesIO(bytes(content))).infolist()[0]
    start = info.header_offset + 30 + len(info.filename)
    for offset in range(40, 80):
        content[start + offset] ^= 0x55
    path = tmp_path / "abime.xlsx"
    path.write_bytes(bytes(content))
    with pytest.raises(UnreadableFileError, match="endommagée"):
        check_zip(path, content=bytes(content))
    with pytest.raises(UnreadableFileError, match="endommagée"):
        check_zip(path)  # zipfile's own reader: its zlib error is refused the same way
