"""Byte-reproducible Office files: the same inputs give the same bytes.

openpyxl and python-docx stamp every zip member with the current time; rewriting the archive
with a fixed timestamp and fixed permissions, members in their original order, removes the
only source of difference.
"""

from __future__ import annotations

import io
import zipfile

__all__ = ["normalize_zip"]

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def normalize_zip(data: bytes) -> bytes:
    """The same archive with fixed member timestamps and permissions."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            member.create_system = 0
            target.writestr(member, source.read(info.filename))
    return out.getvalue()
