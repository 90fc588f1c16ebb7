"""What some tests need from the system, checked exactly, so a missing piece skips with its name.

The packages are listed in ``requirements/debian.txt`` (installed by ``.ci/run``, explained in the
README). A test that needs one is marked with the matching ``needs_*`` marker below; a skip reason
names the Debian package to install.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _libreoffice_has(library: str) -> bool:
    # soffice starts even without Calc or Writer, then silently writes nothing: check the
    # component's own library next to the real soffice binary.
    if SOFFICE is None:
        return False
    return (Path(os.path.realpath(SOFFICE)).parent / library).is_file()


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

needs_calc = pytest.mark.skipif(
    not _libreoffice_has("libsclo.so"),
    reason="LibreOffice Calc absent (paquet Debian libreoffice-calc-nogui)",
)
needs_writer = pytest.mark.skipif(
    not _libreoffice_has("libswlo.so"),
    reason="LibreOffice Writer absent (paquet Debian libreoffice-writer-nogui)",
)
needs_harfbuzz_subset = pytest.mark.skipif(
    ctypes.util.find_library("harfbuzz-subset") is None,
    reason="libharfbuzz-subset0 absente : sans elle, WeasyPrint date la police intégrée à la "
    "seconde près (paquet Debian libharfbuzz-subset0)",
)
needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None,
    reason="pdftoppm absent (paquet Debian poppler-utils)",
)
needs_chromium = pytest.mark.skipif(
    not (Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()),
    reason="Chromium ou son pilote absent (paquets Debian chromium et chromium-driver)",
)
