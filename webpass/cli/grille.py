"""``webpass grille DOSSIER``: the bidders' response grid (cadre de réponse)."""

from __future__ import annotations

from pathlib import Path

import click

from webpass.cli.options import catalogue_option, output_option


@click.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "csv", "yaml", "json"]), default="xlsx", show_default=True,
    help="Format du cadre de réponse.",
)  # fmt: skip
@output_option("Fichier à écrire.", folder=False)
@catalogue_option
def grille(dossier: Path, fmt: str, sortie: Path | None, catalogue_dir: Path | None) -> None:
    """Produit le cadre de réponse des candidats pour DOSSIER (une ligne par exigence)."""
    from webpass.core.atomic import write_bytes_atomic
    from webpass.core.filenames import grid_name
    from webpass.dossier.opening import open_dossier
    from webpass.grid.build import build_grid
    from webpass.grid.export import export_grid

    opened = open_dossier(dossier, catalogue_dir)
    grid = build_grid(opened.selection)
    target = sortie or opened.folder / grid_name(grid.buyer, fmt)
    data = export_grid(grid, fmt)
    write_bytes_atomic(target, data)
    priced = sum(1 for row in grid.rows if row.price)
    click.echo(
        f"Cadre de réponse écrit : {target} ({len(grid.rows)} exigences, {priced} lignes de prix)"
    )
