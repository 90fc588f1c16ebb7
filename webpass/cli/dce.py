"""``webpass dce DOSSIER``: the consultation bundle, ready for the salle des marchés."""

from __future__ import annotations

from pathlib import Path

import click

from webpass.cli.options import catalogue_option


@click.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@click.option(
    "--sortie", type=click.Path(dir_okay=False, path_type=Path), help="Archive à écrire (.zip)."
)
@click.option(
    "--modeles",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier de modèles personnels.",
)
@catalogue_option
def dce(
    dossier: Path, sortie: Path | None, modeles: Path | None, catalogue_dir: Path | None
) -> None:
    """Produit le dossier de consultation (zip) : CCTP, cadre de réponse, DPGF-BPU, exigences OCDS."""
    from webpass.core.atomic import write_bytes_atomic
    from webpass.core.slug import slugify
    from webpass.documents.dce import build_dce
    from webpass.dossier.opening import open_dossier

    opened = open_dossier(dossier, catalogue_dir)
    data, members = build_dce(opened.selection, modeles)
    target = sortie or opened.folder / f"DCE-{slugify(opened.answers.collectivity.name)}.zip"
    write_bytes_atomic(target, data)
    click.echo(f"DCE écrit : {target} ({len(data) // 1024} Kio)")
    for member in members:
        click.echo(f"  {member.name:50} {member.size // 1024:6} Kio  sha256 {member.sha256[:16]}…")
