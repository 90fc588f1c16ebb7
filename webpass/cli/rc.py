"""``webpass rc DOSSIER``: the règlement de la consultation (criteria, weights, deadline)."""

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
@output_option("Dossier où écrire le règlement (par défaut : le dossier du projet).", folder=True)
@templates_option
@engine_option
@catalogue_option
def rc(
    dossier: Path,
    formats: str,
    sortie: Path | None,
    modeles: Path | None,
    moteur: str | None,
    catalogue_dir: Path | None,
) -> None:
    """Produit le règlement de la consultation (RC) du dossier DOSSIER.

    Le RC annonce les critères, sous-critères et pondérations du bloc « criteres » de
    webpass.yaml (ou les critères par défaut), la formule de notation du prix, les pièces à
    remettre et la date limite de remise des offres (« date_limite_offres », sinon 30 jours
    après la date de lancement).
    """
    from webpass.compare.award import award_problems, award_warnings
    from webpass.core.errors import ValidationFailed
    from webpass.core.filenames import rc_stem
    from webpass.documents.rc import build_rc
    from webpass.dossier.opening import open_dossier
    from webpass.render.dispatch import parse_engine, parse_formats, write_documents
    from webpass.render.styles import styles_for

    wanted = parse_formats(formats)
    engine = parse_engine(moteur)
    opened = open_dossier(dossier, catalogue_dir)
    problems = award_problems(opened.selection, opened.located)
    if problems:
        raise ValidationFailed(problems, summary=f"{opened.located.source} : critères à corriger")
    document = build_rc(opened.selection)
    out = sortie or opened.folder
    stem = rc_stem(document.buyer)
    for file in write_documents(document, wanted, out, stem, styles_for(modeles), engine):
        click.echo(f"{file.format.upper():5} {file.path} ({file.size // 1024} Kio)")
    for warning in award_warnings(opened.selection):
        click.echo(f"Attention : {warning}", err=True)
