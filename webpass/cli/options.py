"""Options shared by several commands."""

from __future__ import annotations

import datetime as dt
import re
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


def formats_option(default: str) -> Callable[[F], F]:
    """``--format``: the document formats to write, comma-separated (parameter ``formats``)."""
    return click.option(
        "--format",
        "formats",
        default=default,
        show_default=True,
        help="Formats, séparés par des virgules (docx, pdf, html).",
    )


def json_option(help: str = "Sortie JSON.") -> Callable[[F], F]:
    """``--json``: print the command's result as JSON on stdout (parameter ``as_json``)."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def output_option(
    help: str, *, folder: bool, required: bool = False, metavar: str | None = None
) -> Callable[[F], F]:
    """``--sortie``: where to write, a folder (``folder=True``) or a file (parameter ``sortie``)."""
    return click.option(
        "--sortie",
        required=required,
        metavar=metavar,
        type=click.Path(file_okay=not folder, dir_okay=folder, path_type=Path),
        default=None,
        help=help,
    )


def templates_option(func: F) -> F:
    """``--modeles DIR``: the user's templates, looked up before the shipped ones (parameter ``modeles``)."""
    return click.option(
        "--modeles",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Dossier de modèles personnels, consulté avant les modèles livrés.",
    )(func)


class DateType(click.ParamType):  # type: ignore[type-arg]  # generic only from click 8.2
    """A date typed AAAA-MM-JJ or JJ/MM/AAAA; anything else is a usage error (exit code 2)."""

    name = "date"

    def get_metavar(self, param: click.Parameter, *args: Any, **kwargs: Any) -> str:
        """What the help shows."""
        return "AAAA-MM-JJ"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        """The date, or a French usage error."""
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        for pattern, fmt in ((_ISO, "%Y-%m-%d"), (_FRENCH, "%d/%m/%Y")):
            if pattern.fullmatch(text):
                try:
                    return dt.datetime.strptime(text, fmt).date()
                except ValueError:
                    break
        self.fail(
            f"« {value} » n'est pas une date valide ; écrivez-la AAAA-MM-JJ (par exemple 2027-03-15) "
            "ou JJ/MM/AAAA.",
            param,
            ctx,
        )


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_FRENCH = re.compile(r"\d{2}/\d{2}/\d{4}")
DATE = DateType()


def date_option(help: str) -> Callable[[F], F]:
    """``--date``: a date in one of the two accepted forms (parameter ``date``), exit code 2 if unreadable."""
    return click.option("--date", "date", type=DATE, default=None, help=help)
