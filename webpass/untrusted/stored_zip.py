"""An archive rebuilt, uncompressed, from the parts the archive checks have just read.

Calamine is handed the very bytes that :func:`~webpass.untrusted.spreadsheet.check_zip` scanned
instead of the file: nothing it parses was left unscanned (the file could change between the
check and the read), and its own decompression, a fifth of reading a grid, is not done twice.
Each part keeps the CRC its archive declared: :mod:`zipfile` has already checked the bytes read
against it (a mismatch refuses the file), so a reader checking it again finds it right.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

__all__ = ["stored_archive"]

_UTF8_NAMES = 0x800
_VERSION = 20  # 2.0: what a stored entry needs
_STORED = 0
_DOS_DATE = 0x21  # 1980-01-01, as normalize_zip writes them


def stored_archive(parts: Sequence[tuple[str, bytes, int]]) -> bytes:
    """A ZIP of ``parts`` (name, bytes, CRC-32 of the bytes), in their order, uncompressed."""
    chunks: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for name, data, crc in parts:
        encoded = name.encode("utf-8")
        size = len(data)
        common = struct.pack(
            "<3H2H3L2H",
            _VERSION,
            _UTF8_NAMES,
            _STORED,
            0,
            _DOS_DATE,
            crc,
            size,
            size,
            len(encoded),
            0,
        )
        local = b"PK\x03\x04" + common + encoded
        directory.append(
            b"PK\x01\x02"
            + struct.pack("<H", _VERSION)
            + common
            + struct.pack("<3H2L", 0, 0, 0, 0, offset)
            + encoded
        )
        chunks += (local, data)
        offset += len(local) + size
    central = b"".join(directory)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central), offset, 0
    )
    # One join: each « + » of a quarter-megabyte archive would copy it into fresh memory again
    # (0.8 ms of 11 per grid checked, more than the rest of this function).
    return b"".join([*chunks, central, end])
