"""One member of a ZIP archive held in memory, decompressed in one call, with zipfile's checks.

:func:`~webpass.untrusted.spreadsheet.check_zip` reads every part of a workbook once. Through
:meth:`zipfile.ZipFile.open`, each part costs a file object, a shared-file wrapper, reads in
steps and a running CRC: about twice the decompression itself, a tenth of checking a grid.
The archive is already in memory, so a part stored or deflated (what Excel, LibreOffice and
openpyxl write) is taken from its bytes here, with the checks zipfile makes on the way: the
local header's signature and name against the central directory's, the flags it refuses,
the declared size, and the CRC-32. Anything else (another compression, encryption) returns
None and zipfile reads it as before. :mod:`zipfile` still parses the central directory.

A damaged part raises :class:`zipfile.BadZipFile`, which the archive check turns into its
French refusal, where zipfile's own reader let a zlib error escape as an internal error.
"""

from __future__ import annotations

import struct
import zipfile
import zlib

__all__ = ["member_bytes"]

_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader
_SIGNATURE = b"PK\x03\x04"
_UTF8_NAME = 0x800
# Encrypted (bit 0), compressed patched data (bit 5), strong encryption (bit 6): zipfile
# refuses or asks a password for them; it keeps doing so.
_LEFT_TO_ZIPFILE = 0x1 | 0x20 | 0x40


def member_bytes(content: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """The bytes of ``info``'s member of the archive ``content``, or None for zipfile to read.

    Never more than ``info.file_size`` bytes are inflated, whatever the stream holds (the
    caller has bounded that size).

    Raises:
        zipfile.BadZipFile: a header, name, size or CRC that does not match the directory.
    """
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    if info.flag_bits & _LEFT_TO_ZIPFILE:
        return None
    start = _data_start(content, info)  # checked even for an empty part, as zipfile does
    if not info.file_size:
        return b""
    raw = memoryview(content)[start : start + info.compress_size]  # inflated, never copied
    if len(raw) != info.compress_size:
        raise zipfile.BadZipFile(f"{info.filename!r} : données tronquées")
    if info.compress_type == zipfile.ZIP_STORED:
        data = bytes(raw[: info.file_size])
    else:
        try:
            data = zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw, info.file_size)
        except zlib.error as exc:
            raise zipfile.BadZipFile(f"{info.filename!r} : {exc}") from exc
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise zipfile.BadZipFile(f"{info.filename!r} : CRC ou taille incorrects")
    return data


def _data_start(content: bytes, info: zipfile.ZipInfo) -> int:
    at = info.header_offset
    header = content[at : at + _LOCAL.size]
    if len(header) != _LOCAL.size:
        raise zipfile.BadZipFile(f"{info.filename!r} : en-tête local tronqué")
    fields = _LOCAL.unpack(header)
    if fields[0] != _SIGNATURE:
        raise zipfile.BadZipFile(f"{info.filename!r} : en-tête local invalide")
    flags, name_length, extra_length = int(fields[3]), int(fields[10]), int(fields[11])
    name_start = at + _LOCAL.size
    raw_name = content[name_start : name_start + name_length]
    try:
        name = raw_name.decode("utf-8" if flags & _UTF8_NAME else "cp437")
    except UnicodeDecodeError as exc:
        raise zipfile.BadZipFile(f"{info.filename!r} : nom illisible") from exc
    if name != info.orig_filename:
        raise zipfile.BadZipFile(f"{info.filename!r} : nom différent dans l'en-tête local")
    return name_start + name_length + extra_length
