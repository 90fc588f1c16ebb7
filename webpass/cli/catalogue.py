"""``webpass catalogue``: validate, list and show the requirement items."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from webpass.cli.options import catalogue_option, json_option, load_catalogue, output_option

STRENGTH_LABELS = {
    "obligation_legale": "obligation légale",
    "minimum_webpass": "minimum Webpass",
    "recommande": "recommandé",
    "optionnel": "optionnel",
}
PROFILE_LABELS = {"commune": "commune", "groupement": "groupement", "tous": "tous"}


@click.group()
def catalogue() -> None:
    """Consulter et valider le catalogue des exigences."""


@catalogue.command("valider")
@click.argument("dossier", required=False, type=click.Path(path_type=Path))
def validate(dossier: Path | None) -> None:
    """Vérifie un catalogue (par défaut celui livré) et signale toutes les erreurs."""
    from webpass.aid import load_subsidy_rules
    from webpass.catalog import load_catalog
    from webpass.core.errors import ValidationFailed
    from webpass.core.resources import shipped_catalog_dir
    from webpass.dossier.cost_model import COSTS_FILE, cost_model_problems, load_cost_model
    from webpass.dossier.procedure import load_thresholds
    from webpass.grid.labels import load_labels

    root = dossier or shipped_catalog_dir()
    problems = []
    catalog = None
    try:
        # Checked for real, even if the same catalogue passed before (see catalog.cache).
        catalog = load_catalog(root, recheck=True)
    except ValidationFailed as error:
        problems.extend(error.problems)
    # The companion files are checked even when the items fail, so every error shows at once.
    for loader in (load_subsidy_rules, load_thresholds, load_labels):
        try:
            loader(root)
        except ValidationFailed as error:
            problems.extend(error.problems)
    if catalog is not None:
        problems.extend(_consistency_problems(catalog))
    try:
        costs = load_cost_model(root)
        if catalog is not None:
            known = {item.id for item in catalog.items}
            problems += cost_model_problems(costs, known, str(root / COSTS_FILE))
    except ValidationFailed as error:
        problems.extend(error.problems)
    if problems or catalog is None:
        raise ValidationFailed(
            problems, summary=f"Catalogue {root} : {len(problems)} erreur(s) à corriger"
        )
    levels = {item.level for item in catalog.items}
    click.echo(
        f"Catalogue {catalog.version} valide : {len(catalog.items)} exigences, "
        f"{len(catalog.sections)} sections, {len(catalog.levels)} niveaux "
        f"({len(levels - {None})} représentés), {len(catalog.norms)} normes citables."
    )


def _consistency_problems(catalog: Any) -> list[Any]:
    """The catalogue's contradictions, located on the first item each one names."""
    from webpass.core.errors import Problem
    from webpass.selection.consistency import catalog_findings

    out = []
    for finding in catalog_findings(catalog):
        source = catalog.sources.get(finding.items[0]) if finding.items else None
        out.append(
            Problem(
                source.file if source else None,
                source.line if source else None,
                None,
                f"contradiction — {finding.message} Correction : {finding.fix}",
                where=finding.rule,
            )
        )
    return out


@catalogue.command("lister")
@click.option(
    "--niveau", type=click.IntRange(1, 5), help="Seulement les exigences de ce niveau (1 à 5)."
)
@click.option(
    "--section", "section_key", help="Seulement cette section (identifiant, lettre ou titre)."
)
@json_option("Sortie JSON (liste d'objets).")
@catalogue_option
def list_items(
    niveau: int | None, section_key: str | None, as_json: bool, catalogue_dir: Path | None
) -> None:
    """Liste les exigences du catalogue."""
    catalog = load_catalogue(catalogue_dir)
    items = catalog.items
    if niveau is not None:
        items = [item for item in items if item.level == niveau]
    if section_key:
        wanted = catalog.section(section_key)
        items = [item for item in items if item.section_letter == wanted.letter]
    if as_json:
        rows = [
            {
                "id": item.id,
                "titre": item.title,
                "section": catalog.section_of(item).id,
                "niveau": item.level,
                "profil": item.profile.value,
                "exigence": item.strength.value,
                "teleservice": item.teleservice,
                "empreinte": catalog.fingerprint(item),
            }
            for item in items
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"Catalogue Webpass {catalog.version} — {len(items)} exigences", show_lines=False
    )
    table.add_column("Id", style="bold", no_wrap=True)
    table.add_column("Exigence")
    table.add_column("Niv.", justify="center")
    table.add_column("Profil")
    table.add_column("Force")
    for item in items:
        table.add_row(
            item.id,
            item.title,
            str(item.level) if item.level else "—",
            PROFILE_LABELS[item.profile.value],
            STRENGTH_LABELS[item.strength.value],
        )
    Console(soft_wrap=False).print(table)


@catalogue.command("montrer")
@click.argument("identifiant")
@catalogue_option
def show(identifiant: str, catalogue_dir: Path | None) -> None:
    """Affiche une exigence en entier : clause, réponse attendue, normes, coût."""
    from webpass.core.money import format_eur

    catalog = load_catalogue(catalogue_dir)
    item = catalog.item(identifiant)
    section = catalog.section_of(item)
    level = catalog.levels[item.level].name if item.level else "transversale"
    source = catalog.sources.get(item.id)
    out = [
        f"{item.id} — {item.title}",
        f"Section : {section.title} · Niveau : {level} · Profil : {PROFILE_LABELS[item.profile.value]}"
        f" · Force : {STRENGTH_LABELS[item.strength.value]}",
    ]
    if item.teleservice:
        out.append("Téléservice : oui (compte pour l'éligibilité Webpass)")
    if item.conditions:
        after = STRENGTH_LABELS[item.otherwise.value] if item.otherwise else "écartée"
        out.append(f"S'applique sous conditions (sinon : {after}).")
    if item.requires:
        out.append("Entraîne : " + ", ".join(item.requires))
    if item.excludes:
        out.append("Incompatible avec : " + ", ".join(item.excludes))
    out += ["", "Clause :", item.clause.strip(), ""]
    for parameter in item.parameters:
        default = f" (par défaut : {parameter.default})" if parameter.default is not None else ""
        out.append(f"  {{{{ {parameter.key} }}}} — {parameter.label}{default}")
        if parameter.hint:
            out.append(f"      conseil : {parameter.hint}")
    asked = item.answer.question or "conformité au texte de l'exigence tel que le CCTP le publie"
    out.append(f"Réponse attendue ({item.answer.kind.value}) : {asked}")
    for ref in item.norms:
        norm = catalog.norms[ref.ref]
        version = f" {norm.version}" if norm.version else ""
        detail = f", {ref.detail}" if ref.detail else ""
        out.append(f"Norme : {norm.title}{version}{detail}")
    if item.cost:
        cost = item.cost
        nature = f"{cost.nature.value}, {cost.period.value}" + (
            f" par {cost.unit}" if cost.unit else ""
        )
        origin = f"source : {cost.source}" if cost.source else "estimation webpass"
        out.append(
            f"Coût : {format_eur(cost.minimum)} à {format_eur(cost.maximum)} ({nature} ; {origin})"
        )
    if item.hint:
        out.append(f"Conseil de rédaction : {item.hint}")
    out.append(f"Empreinte : {catalog.fingerprint(item)}")
    if source:
        out.append(f"Défini dans : {source.file}, ligne {source.line}")
    click.echo("\n".join(out))


@catalogue.command("schemas", hidden=True)
@output_option("Dossier où écrire les schémas (par défaut : catalog/schema).", folder=True)
def schemas(sortie: Path | None) -> None:
    """Régénère les schémas JSON du catalogue (pour les mainteneurs)."""
    from webpass.core.schema import write_schemas

    for path in write_schemas(sortie):
        click.echo(f"écrit : {path}")
