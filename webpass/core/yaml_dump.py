"""YAML text written by libyaml's emitter when it gives the very bytes of PyYAML's own.

PyYAML's pure-Python emitter costs a few milliseconds for a dossier's answers (``webpass.yaml``,
also attached to every PDF); libyaml's (``yaml.CSafeDumper``) costs a fifth of that. The two
agree on ordinary text but not on every character: libyaml escapes characters beyond the Basic
Multilingual Plane (an emoji), writes ``\\x85`` and the Unicode line and paragraph separators
differently, and chooses another style for keys holding control characters or long keys with
accents. So libyaml writes the
text only when every key and value is made of characters on which both emitters agree; anything
else, or a PyYAML built without libyaml, goes through the pure-Python emitter: the same data
always gives the same text, whichever way it was written (a property test checks it).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

import yaml

__all__ = ["dump_yaml", "dumper_for"]


@functools.cache
def _outside_shared() -> re.Pattern[str]:
    # Built on first use (a class of ranges costs a millisecond to compile): the C0 and C1
    # controls but tab and newline, U+2028, U+2029, the surrogates, the byte order mark and
    # everything beyond the Basic Multilingual Plane.
    return re.compile(
        "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\U00010000-\U0010ffff]"
    )


def _alike_text(text: str) -> bool:
    # Printable characters of the Basic Multilingual Plane are all shared: most texts stop here.
    if text.isprintable() and (text.isascii() or max(text) <= "\uffff"):
        return True
    return _outside_shared().search(text) is None


_SIMPLE_KEY = 128  # both emitters' limit of an inline key, in characters or bytes
try:
    from yaml import CSafeDumper as _C_DUMPER
except ImportError:  # a PyYAML built without libyaml
    _C_DUMPER = None  # type: ignore[assignment,misc]


def _shared_alphabet(value: Any) -> bool:
    if isinstance(value, str):
        return _alike_text(value)
    if isinstance(value, dict):
        return all(_alike_key(k) and _shared_alphabet(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_shared_alphabet(v) for v in value)
    # Numbers, booleans, dates and None are written by the representer, the same for both.
    return value is None or isinstance(value, bool | int | float | dt.date)


def _alike_key(key: Any) -> bool:
    # A key under 128 characters is written inline (``key: value``) by PyYAML, under 128 bytes
    # of UTF-8 by libyaml: they differ on a long key with accents in between.
    if isinstance(key, str) and len(key) < _SIMPLE_KEY <= len(key.encode("utf-8")):
        return False
    return _shared_alphabet(key)


def dumper_for(data: Any) -> type[yaml.SafeDumper | yaml.CSafeDumper]:
    """libyaml's safe dumper when it writes ``data`` as PyYAML's own would, else PyYAML's."""
    if _C_DUMPER is not None and _shared_alphabet(data):
        return _C_DUMPER
    return yaml.SafeDumper


def dump_yaml(data: Any, width: int = 100) -> str:
    """``yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=width)``, faster."""
    return yaml.dump(
        data, Dumper=dumper_for(data), allow_unicode=True, sort_keys=False, width=width
    )
