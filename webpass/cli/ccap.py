"""``webpass ccap DOSSIER``: the cahier des clauses administratives particulières."""

from __future__ import annotations

from pathlib import Path

import click

from webpass.cli.options import (
    catalogue_option,
    engine_option,
    formats_option,
    output_option,
    templates_option,
)


@click.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@formats_option("docx,pdf")
@output_option("Dossier où écrire le CCAP (par défaut : le dossier du projet).", folder=True)
@templates_option
@engine_option
@catalogue_option
def ccap(
    dossier: Path,
    formats: str,
    sortie: Path | None,
    modeles: Path | None,
    moteur: str | None,
    catalogue_dir: Path | None,
) -> None:
    """Produit le CCAP du dossier DOSSIER (simplifié sous le seuil de dispense).

    Le CCAP se réfère expressément au CCAG-TIC 2021 et liste ses dérogations dans son dernier
    article ; il reprend les choix du bloc « marche » de webpass.yaml (montage d'un groupement,
    propriété intellectuelle, avance, bons de commande) et les valeurs du CCTP (garantie,
    vérification de service régulier, pénalités).
    """
    from webpass.core.slug import slugify
    from webpass.documents.ccap import build_ccap
    from webpass.dossier.opening import open_dossier
    from webpass.render.dispatch import parse_engine, parse_formats, write_documents
    from webpass.render.styles import styles_for

    wanted = parse_formats(formats)
    engine = parse_engine(moteur)
    opened = open_dossier(dossier, catalogue_dir)
    document = build_ccap(opened.selection)
    out = sortie or opened.folder
    stem = f"CCAP-{slugify(document.buyer)}"
    for file in write_documents(document, wanted, out, stem, styles_for(modeles), engine):
        click.echo(f"{file.format.upper():5} {file.path} ({file.size // 1024} Kio)")
