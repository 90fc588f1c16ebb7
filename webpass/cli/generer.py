"""``webpass generer DOSSIER``: the tailored CCTP in HTML, PDF and DOCX."""

from __future__ import annotations

import tempfile
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
@click.argument("dossier", required=False, type=click.Path(path_type=Path))
@formats_option("html,pdf,docx")
@output_option("Dossier où écrire les documents (par défaut : le dossier du projet).", folder=True)
@templates_option
@click.option(
    "--depuis",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Régénérer à partir d'un CCTP produit par webpass (.pdf, .docx, .html).",
)
@click.option(
    "--forcer",
    is_flag=True,
    help="Écrire le CCTP même si le dossier contient des contradictions (signalées).",
)
@engine_option
@catalogue_option
def generer(
    dossier: Path | None,
    formats: str,
    sortie: Path | None,
    modeles: Path | None,
    depuis: Path | None,
    forcer: bool,
    moteur: str | None,
    catalogue_dir: Path | None,
) -> None:
    """Produit le CCTP du dossier DOSSIER (HTML, PDF et DOCX)."""
    from webpass.core.atomic import write_text_atomic
    from webpass.core.errors import UsageError
    from webpass.dossier.opening import open_dossier
    from webpass.render.dispatch import generate, parse_engine, parse_formats
    from webpass.selection.consistency import ensure_consistent

    wanted = parse_formats(formats)
    engine = parse_engine(moteur)
    if depuis is not None:
        # Only here: reading a document back needs an HTML parser the usual run does not.
        from webpass.core.provenance import answers_from_document

        if dossier is not None:
            raise UsageError("indiquez soit un DOSSIER, soit --depuis, pas les deux.")
        text = answers_from_document(depuis)
        with tempfile.TemporaryDirectory(prefix="webpass-") as scratch:
            answers_path = Path(scratch) / "webpass.yaml"
            answers_path.write_text(text, encoding="utf-8")
            opened = open_dossier(answers_path, catalogue_dir)
            findings = ensure_consistent(opened.selection, forcer)
            out = sortie or depuis.parent
            files = generate(opened.selection, wanted, out, modeles, engine)
        recovered = out / "webpass.yaml"
        if not recovered.exists():
            # The user may hold only the PDF: give the dossier back so it can be edited again.
            write_text_atomic(recovered, text)
            click.echo(f"Réponses du dossier restituées : {recovered}")
    else:
        if dossier is None:
            raise UsageError("indiquez le DOSSIER à générer (ou --depuis un CCTP existant).")
        opened = open_dossier(dossier, catalogue_dir)
        findings = ensure_consistent(opened.selection, forcer)
        files = generate(opened.selection, wanted, sortie or opened.folder, modeles, engine)
    for file in files:
        pages = f", {file.pages} pages" if file.pages else ""
        click.echo(f"{file.format.upper():5} {file.path} ({file.size // 1024} Kio{pages})")
    for finding in findings:
        click.echo(f"Contradiction conservée (--forcer) : {finding.text()}", err=True)
    missing = opened.selection.missing_values
    if missing:
        click.echo(
            f"À compléter dans le dossier : {len(missing)} champ(s), par exemple {missing[0][0]} ({missing[0][1]}).",
            err=True,
        )
