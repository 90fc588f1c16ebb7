"""``webpass selection DOSSIER``: the selected items, why each is in, and the estimate."""

from __future__ import annotations

import json
from pathlib import Path

import click

from webpass.cli.options import catalogue_option, json_option


@click.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@json_option()
@catalogue_option
def selection(dossier: Path, as_json: bool, catalogue_dir: Path | None) -> None:
    """Affiche les exigences retenues pour DOSSIER, la raison de chacune et l'estimation."""
    from webpass.documents.phases import go_live_warning
    from webpass.dossier.opening import open_dossier
    from webpass.selection.view import selection_json, selection_table

    opened = open_dossier(dossier, catalogue_dir)
    if as_json:
        click.echo(json.dumps(selection_json(opened), ensure_ascii=False, indent=2))
    else:
        selection_table(opened)
        warning = go_live_warning(opened.selection)
        if warning:
            click.echo(f"Attention : {warning}")
