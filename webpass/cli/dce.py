"""``webpass dce DOSSIER``: the consultation bundle, ready for the salle des marchés."""

from __future__ import annotations

from pathlib import Path

import click

from webpass.cli.options import catalogue_option, engine_option, output_option, templates_option


@click.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@output_option("Archive à écrire (.zip).", folder=False)
@templates_option
@click.option(
    "--verifier",
    "verify_only",
    is_flag=True,
    help="Vérifier seulement la cohérence entre les pièces, sans écrire le DCE.",
)
@engine_option
@catalogue_option
def dce(
    dossier: Path,
    sortie: Path | None,
    modeles: Path | None,
    verify_only: bool,
    moteur: str | None,
    catalogue_dir: Path | None,
) -> None:
    """Produit le dossier de consultation (zip) adapté à la procédure.

    Sous le seuil de dispense : lettre de consultation, CCTP, CCAP simplifié, cadre de réponse et
    formulaire de devis, avec à côté la note des devis que la collectivité garde. Au-delà : RC,
    acte d'engagement, DPGF-BPU, CCAP, CCTP, cadre de réponse, convention du groupement de
    commandes s'il y a lieu, exigences OCDS. La cohérence entre les pièces est vérifiée avant
    l'écriture ; avec --verifier, elle est seulement affichée (code 1 en cas d'incohérence).
    """
    from webpass.core.atomic import write_bytes_atomic
    from webpass.core.filenames import dce_name
    from webpass.core.slug import inside
    from webpass.documents.dce import make_dce, verify_dce
    from webpass.documents.phases import go_live_warning
    from webpass.dossier.opening import open_dossier
    from webpass.render.dispatch import parse_engine

    opened = open_dossier(dossier, catalogue_dir)
    warning = go_live_warning(opened.selection)
    if warning:
        click.echo(f"Attention : {warning}", err=True)
    # The DCE launches the consultation: the warning `selection` gives is given here too
    # (groupement review R1, point 3), without stopping a buyer who has decided.
    budget = opened.selection.procedure.budget
    if budget is not None and budget.over:
        click.echo(f"Attention : {budget.sentence}", err=True)
    if verify_only:
        findings = verify_dce(opened.selection)
        if not findings:
            click.echo("Cohérence des pièces : aucune incohérence.")
            return
        click.echo(f"Cohérence des pièces : {len(findings)} incohérence(s).")
        for finding in findings:
            click.echo(f"  - {finding}")
        raise SystemExit(1)
    output = make_dce(opened.selection, modeles, parse_engine(moteur))
    target = sortie or opened.folder / dce_name(opened.answers.collectivity.name)
    write_bytes_atomic(target, output.data)
    click.echo(f"DCE écrit : {target} ({len(output.data) // 1024} Kio)")
    for member in output.members:
        click.echo(f"  {member.name:50} {member.size // 1024:6} Kio  sha256 {member.sha256[:16]}…")
    for name, data in output.internal:
        path = inside(target.parent, name)
        write_bytes_atomic(path, data)
        click.echo(f"Pour la collectivité, à ne pas envoyer aux prestataires : {path}")
