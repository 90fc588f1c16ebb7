"""``webpass observatoire``: classify a site on the five-level scale, aggregate an observatory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from webpass.cli.options import catalogue_option, json_option, load_catalogue, output_option
from webpass.core.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from webpass.catalog import Catalog
    from webpass.observatory.classify import Classification, CriterionResult
    from webpass.observatory.report import ObservatoryReport


grid_option = click.option(
    "--grille",
    "grid_path",
    metavar="FICHIER",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Une autre grille d'analyse (par défaut : celle livrée avec webpass).",
)


@click.group()
def observatoire() -> None:
    """Classer un site existant et produire l'observatoire des sites.

    La grille d'analyse (catalog/grille.yaml) pose des questions sur le site, niveau par niveau.
    Le niveau d'un site est le plus haut niveau dont tous les critères requis sont remplis,
    ainsi que ceux des niveaux inférieurs.
    """


@observatoire.command("classer")
@click.argument("releve", metavar="[RELEVÉ.yaml]", required=False, type=click.Path(path_type=Path))
@click.option(
    "--pages",
    "pages_dir",
    metavar="DOSSIER",
    type=click.Path(path_type=Path),
    help="Dossier où les pages du site ont été enregistrées (fichiers .html) : elles sont analysées sans rien télécharger.",
)
@click.option(
    "--url",
    metavar="ADRESSE",
    help="Adresse du site en ligne : webpass lit quelques dizaines de pages de ce site (et de lui seul).",
)
@click.option(
    "--max-pages",
    type=click.IntRange(1, 500),
    default=None,
    help="Nombre maximal de pages lues (par défaut : 40 en ligne, 500 dans un dossier).",
)
@grid_option
@json_option()
@catalogue_option
def classer(
    releve: Path | None,
    pages_dir: Path | None,
    url: str | None,
    max_pages: int | None,
    grid_path: Path | None,
    as_json: bool,
    catalogue_dir: Path | None,
) -> None:
    """Classe un site sur l'échelle des cinq niveaux et dit ce qui manque pour le suivant.

    Trois façons de décrire le site, une seule à la fois :

    \b
      webpass observatoire classer releve.yaml        (grille remplie à la main : critère → oui/non)
      webpass observatoire classer --pages DOSSIER    (copie enregistrée des pages du site)
      webpass observatoire classer --url https://www.commune.fr   (site en ligne)

    Un relevé vierge s'obtient avec « webpass observatoire releve --sortie releve.yaml ».
    """
    from webpass.observatory.checklist import load_checklist, load_grid
    from webpass.observatory.classify import classify_checklist, classify_site

    sources = [s for s in (releve, pages_dir, url) if s is not None]
    if len(sources) != 1:
        raise UsageError(
            "indiquez une seule source : un relevé YAML, --pages DOSSIER ou --url ADRESSE "
            "(voir « webpass observatoire classer --help »)."
        )
    grid = load_grid(grid_path)
    catalog = load_catalogue(catalogue_dir)
    if releve is not None:
        result = classify_checklist(grid, load_checklist(releve, grid), str(releve))
    elif pages_dir is not None:
        from webpass.observatory.pages import FolderLimits, load_folder

        limits = FolderLimits(max_pages=max_pages) if max_pages else FolderLimits()
        result = classify_site(grid, load_folder(pages_dir, limits), "pages")
    else:
        assert url is not None
        from webpass.observatory.fetch import FetchLimits, fetch_site

        fetch_limits = FetchLimits(max_pages=max_pages) if max_pages else FetchLimits()

        def progress(address: str) -> None:
            if not as_json:
                click.echo(f"lecture : {address}", err=True)

        result = classify_site(grid, fetch_site(url, fetch_limits, progress=progress), "url")
    if as_json:
        click.echo(json.dumps(result.as_json(catalog), ensure_ascii=False, indent=2))
        return
    _print_classification(result, catalog, grid.rule)


def _print_classification(result: Classification, catalog: Catalog, rule: str) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    levels = catalog.levels
    name = levels[result.level].name if result.level in levels else "aucun niveau atteint"
    console.print(Text(f"Site : {result.source}", style="bold"))
    if result.pages_read is not None:
        console.print(
            f"{result.pages_read} page(s) analysée(s), {result.pages_known} page(s) connue(s).",
            markup=False,
        )
    console.print(Text(f"Niveau {result.level} — {name}", style="bold green"))
    console.print()
    console.print(
        Text(f"Critères remplis : {len(result.met)} sur {len(result.results)}", style="bold")
    )
    for number, level in sorted(levels.items()):
        of_level = [r for r in result.results if r.criterion.level == number]
        met = [r for r in of_level if r.met]
        console.print(
            f"  Niveau {number} — {level.name} : {len(met)} sur {len(of_level)}", markup=False
        )
        for item in met:
            _print_result(console, item, "✓", catalog, with_items=False)
    if result.next_level is not None:
        console.print()
        target = levels[result.next_level].name if result.next_level in levels else ""
        console.print(
            Text(
                f"Pour atteindre le niveau {result.next_level} — {target}, il manque :",
                style="bold",
            )
        )
        for item in result.blocking:
            _print_result(console, item, "✗", catalog)
    if result.advised:
        console.print()
        console.print(Text("Conseillé aussi (sans effet sur le niveau) :", style="bold"))
        for item in result.advised:
            _print_result(console, item, "?" if item.verdict.value == "inconnu" else "•", catalog)
    unknown = [r.criterion.id for r in result.unknown]
    if unknown:
        console.print()
        console.print(f"À vérifier à la main : {', '.join(unknown)}.", markup=False)
    for note in result.notes:
        console.print(Text(f"Remarque : {note}", style="dim"))
    console.print()
    console.print(Text(f"Règle : {rule}", style="dim"))


def _print_result(
    console: Console,
    result: CriterionResult,
    mark: str,
    catalog: Catalog,
    *,
    with_items: bool = True,
) -> None:
    from rich.text import Text

    from webpass.observatory.classify import item_refs

    criterion = result.criterion
    line = Text(f"    {mark} {criterion.id} {criterion.question}")
    if result.evidence and result.verdict.value == "oui":
        line.append(f" — {result.evidence[0]}", style="dim")
    console.print(line)
    if result.verdict.value == "inconnu" and criterion.help:
        console.print(Text(f"        comment vérifier : {criterion.help}", style="dim"))
    if with_items:
        refs = item_refs(criterion.items, catalog)
        shown = " ; ".join(f"{r['id']} {r['titre']}" if r["titre"] else str(r["id"]) for r in refs)
        console.print(Text(f"        → {shown}", style="cyan"))


@observatoire.command("releve")
@output_option(
    "Écrire le relevé dans ce fichier (par défaut : l'afficher).", folder=False, metavar="FICHIER"
)
@grid_option
def releve(sortie: Path | None, grid_path: Path | None) -> None:
    """Produit un relevé vierge à remplir à la main (un « ? » par critère, à changer en oui ou non)."""
    from webpass.core.atomic import write_text_atomic
    from webpass.observatory.checklist import blank_checklist, load_grid

    text = blank_checklist(load_grid(grid_path))
    if sortie is None:
        click.echo(text, nl=False)
        return
    if sortie.exists():
        raise UsageError(
            f"{sortie} existe déjà : choisissez un autre nom pour ne pas écraser un relevé rempli."
        )
    write_text_atomic(sortie, text)
    click.echo(f"écrit : {sortie}")


@observatoire.command("rapport")
@click.argument("sites", metavar="SITES.csv|SITES.xlsx", type=click.Path(path_type=Path))
@json_option("Sortie JSON (parts en nombres entiers, taux en texte).")
@click.option(
    "--html",
    "html_path",
    metavar="FICHIER",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Écrire le rapport en HTML (tableaux et graphiques).",
)
@click.option(
    "--pdf",
    "pdf_path",
    metavar="FICHIER",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Écrire le rapport en PDF.",
)
@click.option("--titre", default=None, help="Titre du rapport.")
@click.option(
    "--feuille", default=None, help="Feuille du classeur XLSX à lire (par défaut : la première)."
)
@click.option(
    "--referentiel",
    is_flag=True,
    help="Compter les collectivités de chaque département d'après la liste officielle (communes "
    "et EPCI au 1er janvier 2026) plutôt que d'après les lignes du relevé, et vérifier les codes.",
)
@click.option("--annee", type=int, default=None, help="Année du relevé (avec --referentiel).")
@catalogue_option
def rapport(
    sites: Path,
    as_json: bool,
    html_path: Path | None,
    pdf_path: Path | None,
    titre: str | None,
    feuille: str | None,
    referentiel: bool,
    annee: int | None,
    catalogue_dir: Path | None,
) -> None:
    """Agrège le niveau des sites de collectivités (une ligne par collectivité).

    Colonnes attendues : Collectivité, Type (commune ou communauté de communes), Département,
    Niveau (numéro, nom ou alias d'un niveau, « Erreur » si le site ne répond pas, « Sans site »),
    et facultativement Code (INSEE d'une commune, SIREN d'un groupement). CSV séparé par « ; » ou
    « , » (UTF-8, avec ou sans BOM) ou classeur XLSX. Avec --referentiel, les dénominateurs sont
    ceux de la liste officielle d'aujourd'hui et les codes sont vérifiés.
    """
    from webpass.core.atomic import write_bytes_atomic, write_text_atomic
    from webpass.observatory.render import DEFAULT_TITLE, render_html, render_pdf
    from webpass.observatory.report import build_report

    outputs = [p for p in (html_path, pdf_path) if p is not None]
    if html_path is not None and pdf_path is not None and html_path.resolve() == pdf_path.resolve():
        raise UsageError("--html et --pdf désignent le même fichier : choisissez deux noms.")
    if any(p.resolve() == sites.resolve() for p in outputs):
        raise UsageError(
            f"le rapport écraserait le fichier lu ({sites}) : choisissez un autre nom."
        )
    catalog = load_catalogue(catalogue_dir)
    report = build_report(sites, catalog, sheet=feuille)
    if referentiel:
        from webpass.observatory.denominators import apply_reference

        apply_reference(report, annee)
    title = titre or DEFAULT_TITLE
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        _print_report(report)
    for note in report.notes:
        click.echo(f"Remarque : {note}", err=True)
    if html_path is not None:
        write_text_atomic(html_path, render_html(report, title))
        click.echo(f"écrit : {html_path}", err=as_json)
    if pdf_path is not None:
        write_bytes_atomic(pdf_path, render_pdf(report, title))
        click.echo(f"écrit : {pdf_path}", err=as_json)


def _print_report(report: ObservatoryReport) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    keys = [c.key for c in report.columns]
    for table in report.types.values():
        grid = Table(
            title=f"{table.label} : {table.with_site} sur {table.collectivities} ont un site "
            f"({table.rate.replace('.', ',')} %)",
            title_justify="left",
        )
        grid.add_column("Département", no_wrap=True, min_width=15)
        for column in report.columns:
            grid.add_column(column.label, justify="right", overflow="fold")
        grid.add_column("Total", justify="right")
        for name, row in table.departments.items():
            grid.add_row(name, *(str(row[k]) for k in keys), str(row["total"]))
        grid.add_section()
        grid.add_row(
            "Total", *(str(table.totals[k]) for k in keys), str(table.totals["total"]), style="bold"
        )
        grid.add_row("%", *(f"{table.percentages[k]} %" for k in keys), "100 %")
        console.print(grid)
        console.print()
