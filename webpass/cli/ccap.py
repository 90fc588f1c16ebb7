"""``webpass ccap DOSSIER``: the cahier des clauses administratives particulières."""

from __future__ import annotations

from pathlib import Path

import click

from webpass.cli.options import catalogue_option


@click.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "formats",
    default="docx,pdf",
    show_default=True,
    help="Formats, séparés par des virgules (docx, pdf, html).",
)
@click.option(
    "--sortie",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier où écrire le CCAP (par défaut : le dossier du projet).",
)
@click.option(
    "--modeles",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier de modèles personnels, consulté avant les modèles livrés.",
)
@catalogue_option
def ccap(
    dossier: Path,
    formats: str,
    sortie: Path | None,
    modeles: Path | None,
    catalogue_dir: Path | None,
) -> None:
    """Produit le CCAP du dossier DOSSIER (simplifié sous le seuil de dispense).

    Le CCAP se réfère expressément au CCAG-TIC 2021 et liste ses dérogations dans son dernier
    article ; il reprend les choix du bloc « marche » de webpass.yaml (montage d'un groupement,
    propriété intellectuelle, avance, bons de commande) et les valeurs du CCTP (garantie,
    vérification de service régulier, pénalités).
    """
    from webpass.core.errors import UsageError
    from webpass.core.slug import inside, slugify
    from webpass.documents.ccap import build_ccap
    from webpass.dossier.opening import open_dossier
    from webpass.render.html import template_search_path
    from webpass.render.publish import DOCUMENT_FORMATS, write_document

    wanted = [part.strip().lower() for part in formats.split(",") if part.strip()]
    unknown = [fmt for fmt in wanted if fmt not in DOCUMENT_FORMATS]
    if unknown or not wanted:
        raise UsageError(
            f"format(s) inconnu(s) : {', '.join(unknown) or '(aucun)'} ; formats possibles : docx, pdf, html."
        )
    opened = open_dossier(dossier, catalogue_dir)
    document = build_ccap(opened.selection)
    search_path = template_search_path(modeles)
    out = sortie or opened.folder
    for fmt in dict.fromkeys(wanted):
        target = inside(out, f"CCAP-{slugify(document.buyer)}.{fmt}")
        write_document(document, target, search_path)
        click.echo(f"{fmt.upper():5} {target} ({target.stat().st_size // 1024} Kio)")
