"""Options shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def catalogue_option(func: F) -> F:
    """``--catalogue DIR``: use another catalogue folder than the shipped one."""
    return click.option(
        "--catalogue",
        "catalogue_dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="WEBPASS_CATALOGUE",
        default=None,
        help="Dossier d'un autre catalogue (par défaut : celui livré avec webpass).",
    )(func)


def load_catalogue(catalogue_dir: Path | None) -> Any:
    """The catalogue from ``catalogue_dir`` or the shipped one."""
    from webpass.catalog import load_catalog, load_shipped_catalog

    return load_catalog(catalogue_dir) if catalogue_dir else load_shipped_catalog()


def engine_option(func: F) -> F:
    """``--moteur typst|weasyprint``: who typesets the PDF (chosen per document by default)."""
    return click.option(
        "--moteur",
        "moteur",
        type=click.Choice(["typst", "weasyprint"], case_sensitive=False),
        default=None,
        help="Moteur du PDF : typst (par défaut, rapide, PDF/UA) ou weasyprint (celui des "
        "modèles HTML ; par défaut avec --modeles).",
    )(func)
