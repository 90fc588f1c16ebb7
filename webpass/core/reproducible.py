"""Byte-reproducible Office files: the same inputs give the same bytes.

openpyxl and python-docx stamp every zip member with the current time; rewriting the archive
with a fixed timestamp and fixed permissions, members in their original order, removes the
only source of difference.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable

__all__ = ["ReproducibleZip", "normalize_zip"]

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


class ReproducibleZip:
    """A zip written in memory whose members all have the fixed timestamp and permissions.

    A writer that adds its members here directly gets the bytes :func:`normalize_zip` would
    give, without compressing everything twice.
    """

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self._zip = zipfile.ZipFile(self._buffer, "w", zipfile.ZIP_DEFLATED)

    def add(self, name: str, content: bytes) -> None:
        """Append the member ``name``."""
        member = zipfile.ZipInfo(name, date_time=FIXED_TIME)
        member.compress_type = zipfile.ZIP_DEFLATED
        member.external_attr = 0o644 << 16
        member.create_system = 0
        self._zip.writestr(member, content)

    def close(self) -> bytes:
        """The archive's bytes; nothing can be added afterwards."""
        self._zip.close()
        return self._buffer.getvalue()


def normalize_zip(
    data: bytes,
    modified: dt.datetime | None = None,
    rewrite: Callable[[str, bytes], bytes] | None = None,
) -> bytes:
    """The same archive with fixed member timestamps and permissions.

    Args:
        data: an Office file (a zip).
        modified: when given, the « last modified » date of ``docProps/core.xml`` is set to it;
            openpyxl writes the current time there whatever the workbook properties say.
        rewrite: when given, each member's content passes through it (member name, bytes).
    """
    stamp = modified.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii") if modified else b""
    source = zipfile.ZipFile(io.BytesIO(data))
    target = ReproducibleZip()
    for info in source.infolist():
        content = source.read(info.filename)
        if modified is not None and info.filename == "docProps/core.xml":
            content = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
        if rewrite is not None:
            content = rewrite(info.filename, content)
        target.add(info.filename, content)
    return target.close()
