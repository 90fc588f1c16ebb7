"""The package's public API and layout: what ``ARCHITECTURE.md`` promises newcomers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import webpass

PACKAGE = Path(webpass.__file__).parent


def test_all_names_the_lazy_api_and_every_name_resolves() -> None:
    assert set(webpass.__all__) == {"__version__", *webpass._API}
    for name in webpass.__all__:
        assert getattr(webpass, name) is not None, name


def test_importing_webpass_imports_no_heavy_dependency() -> None:
    code = (
        "import sys, webpass\n"
        "heavy = {'weasyprint', 'typst', 'docx', 'openpyxl', 'flask'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        webpass.does_not_exist  # noqa: B018
    except AttributeError:
        return
    raise AssertionError("webpass.does_not_exist should not resolve")


def test_few_loose_modules_at_the_top_of_the_package() -> None:
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py"]


def test_click_is_imported_only_by_the_command_line() -> None:
    outside = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "cli" not in path.relative_to(PACKAGE).parts
        and any(
            line.strip().startswith(("import click", "from click"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert outside == []
