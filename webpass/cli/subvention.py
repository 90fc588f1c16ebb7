"""``webpass subvention MONTANT|DOSSIER``: an aid scheme's amount, explained step by step.

With an amount, the whole amount counts as investment and eligibility is not checked. With a
dossier, its central estimate or a bidder's prices (``--offre``) give the expense lines, the
selection gives the eligibility, the collectivity's département and launch date say whether the
scheme applies, and the financing plan of the answers is checked. Where the scheme does not
apply, the amount is printed as a simulation with the reasons, never as an aid to count on.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from webpass.cli.options import catalogue_option, date_option, json_option
from webpass.core.errors import InputError, UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console
    from rich.table import Table

    from webpass.aid import SubsidyResult
    from webpass.aid.financing import FinancingReport
    from webpass.aid.member_shares import MemberInvestment
    from webpass.dossier.opening import Dossier


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("montant", metavar="MONTANT|DOSSIER")
@click.option(
    "--offre",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Avec un DOSSIER : calculer sur les prix d'une offre (grille remplie) plutôt que sur l'estimation.",
)
@click.option(
    "--profil",
    type=click.Choice(["commune", "groupement"], case_sensitive=False),
    default="commune",
    help="commune seule (par défaut), ou groupement portant un projet intercommunal mutualisé.",
)
@date_option("Date dont les règles s'appliquent (par défaut : aujourd'hui).")
@json_option("Sortie JSON (montants en texte, deux décimales).")
@click.option(
    "--departement",
    default=None,
    help="Avec un MONTANT : département de la collectivité (nom ou numéro), pour savoir si le "
    "dispositif s'y applique.",
)
@click.option(
    "--dispositif",
    "scheme_id",
    default=None,
    help="Identifiant du dispositif à calculer (par défaut : webpass).",
)
@click.option(
    "--dispositifs",
    "schemes_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Fichier de vos propres dispositifs (DETR, DSIL, aide du département…) ; par défaut, "
    "le dispositifs.yaml placé à côté du dossier.",
)
@catalogue_option
def subvention(
    montant: str,
    offre: Path | None,
    profil: str,
    date: dt.date | None,
    departement: str | None,
    scheme_id: str | None,
    schemes_file: Path | None,
    as_json: bool,
    catalogue_dir: Path | None,
) -> None:
    """Calcule l'aide d'un dispositif (Webpass par défaut) pour MONTANT euros HT d'investissement.

    MONTANT s'écrit comme on le tape : 30000, « 30 000 », « 30 000,50 € » ou 30000.50.
    Tout le montant est compté comme investissement (réalisation, conception, reprise des
    contenus ; pas la formation, dépense de fonctionnement) ; l'éligibilité du projet n'est pas
    vérifiée dans ce mode.
    Le résultat est le montant maximal sollicitable si le dispositif s'applique à la date et au
    département indiqués, une simulation sinon.
    """
    from webpass.aid import ExpenseLine, compute_subsidy, load_subsidy_rules
    from webpass.aid.rules import load_user_schemes
    from webpass.catalog.model import CostNature
    from webpass.core.money import parse_amount
    from webpass.core.resources import shipped_catalog_dir
    from webpass.dossier.geo import department_code

    if _is_dossier(montant):
        _dossier_subsidy(Path(montant), offre, scheme_id, schemes_file, as_json, catalogue_dir)
        return
    if offre is not None:
        raise UsageError("--offre s'emploie avec un DOSSIER, pas avec un montant.")
    amount = parse_amount(montant, what="MONTANT")
    on = date or dt.date.today()
    code = None
    if departement is not None:
        code = department_code(departement)
        if code is None:
            raise InputError(
                f"--departement : « {departement} » inconnu ; écrivez son nom ou son numéro "
                "(ex. « Essonne » ou « 91 »)."
            )
    rules = load_subsidy_rules(catalogue_dir or shipped_catalog_dir())
    if schemes_file is not None:
        rules = rules.with_schemes(load_user_schemes(schemes_file), str(schemes_file))
    line = ExpenseLine("Montant du projet (saisi)", amount, CostNature.INVESTMENT)
    result = compute_subsidy(
        [line], profil.lower(), on, rules, scheme_id=scheme_id, department=code
    )
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return
    _print_result(result)


def _is_dossier(argument: str) -> bool:
    path = Path(argument.strip()) if argument.strip() else None
    return path is not None and (
        path.is_dir() or (path.is_file() and path.suffix.lower() in {".yaml", ".yml"})
    )


def _dossier_subsidy(
    folder: Path,
    offre: Path | None,
    scheme_id: str | None,
    schemes_file: Path | None,
    as_json: bool,
    catalogue_dir: Path | None,
) -> None:
    from webpass.aid.attach import dossier_financing
    from webpass.dossier.opening import open_dossier

    opened = open_dossier(folder, catalogue_dir, schemes_file)
    if offre is not None:
        _offer_subsidy(opened, offre, scheme_id, as_json)
        return
    if scheme_id is None and opened.aid.results:
        result = opened.aid.results[0]
        report = opened.aid.financing
    else:
        result = _one_scheme(opened, scheme_id)
        report = dossier_financing(opened.selection, result, opened.rules)
    if as_json:
        data = result.as_json()
        data["financement"] = report.as_json()
        data["dispositifs"] = opened.aid.as_json()["dispositifs"]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{opened.answers.collectivity.name} — calcul sur l'estimation centrale du dossier.")
    _print_result(result, grouped=bool(opened.answers.collectivity.members))
    _print_plan(opened, result, report)


def _print_plan(
    opened: Dossier,
    result: SubsidyResult,
    report: FinancingReport,
    shares: Sequence[MemberInvestment] = (),
) -> None:
    from rich.console import Console

    from webpass.aid.attach import aid_statement

    console = Console(highlight=False)
    others = [r for r in opened.aid.results if r.scheme.id != result.scheme.id]
    if others:
        console.print()
        for other in others:
            _paragraph(console, "Autre dispositif :", aid_statement(other))
    console.print()
    _paragraph(console, "Plan de financement (CGCT L1111-10) :", "conforme." if report.ok else "")
    for step in report.steps:
        _paragraph(console, f"  {step.title} :", step.detail)
    for problem in report.problems:
        _paragraph(console, "  -", problem)
    if shares:
        _print_shares(console, shares)


def _print_shares(console: Console, shares: Sequence[MemberInvestment]) -> None:
    """Under a groupement's plan, every member's share of the investment: each member that asks
    for an aid draws its own plan on its own share (the RAO's § 9 table)."""
    from rich.table import Table

    from webpass.aid.explain import eur_ht
    from webpass.core.money import round_cent

    console.print()
    total = round_cent(sum((share.amount for share in shares), Decimal(0)))
    _paragraph(
        console,
        "Parts des membres :",
        f"l'investissement de l'offre{_WHOLE} ({eur_ht(total)}) se répartit entre les membres "
        "selon la convention constitutive ; chaque membre qui sollicite une aide établit son plan de "
        "financement sur sa propre part.",
    )
    table = Table(show_header=True, box=None, padding=(0, 2))
    table.add_column("Membre")
    table.add_column("Part de l'investissement HT", justify="right")
    for share in shares:
        table.add_row(
            share.name + (" (coordonnateur)" if share.coordinator else ""), eur_ht(share.amount)
        )
    console.print(table)


def _offer_subsidy(opened: Dossier, offre: Path, scheme_id: str | None, as_json: bool) -> None:
    """The aid and the plan on a bidder's prices, the base and the PSE the dossier's rule
    retains: in a groupement, on the coordinator's share, by the RAO's own function, with
    every member's share under it (22:25 reading, I1)."""
    from webpass.aid.attach import compared_offer_lines, offer_financing, subsidy_for_lines
    from webpass.compare.pse import pse_rule
    from webpass.grid.read import read_filled_grid

    selection = opened.selection
    kept, retained = compared_offer_lines(selection, read_filled_grid(offre))
    options = pse_rule(selection).ids
    result = subsidy_for_lines(selection, kept, opened.rules, scheme_id)
    financing = offer_financing(selection, kept, result, opened.rules)
    if as_json:
        data = result.as_json()
        data["financement"] = financing.report.as_json()
        data["pse_comptees"] = list(retained)
        data["parts_membres"] = financing.shares_json()
        data["dispositifs"] = opened.aid.as_json()["dispositifs"]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{opened.answers.collectivity.name} — calcul sur l'offre {offre.name}.")
    if options:
        counted = f"PSE comptées : {', '.join(retained)}" if retained else "Aucune PSE comptée"
        click.echo(
            f"{counted}, selon la règle du dossier appliquée à cette seule offre (le RAO décide "
            "sur toutes les offres régulières)."
        )
    _print_result(result, grouped=bool(opened.answers.collectivity.members))
    _print_plan(opened, result, financing.report, financing.shares)


def _one_scheme(opened: Dossier, scheme_id: str | None) -> SubsidyResult:
    from webpass.aid.attach import estimate_lines, subsidy_for_lines

    return subsidy_for_lines(
        opened.selection, estimate_lines(opened.selection), opened.rules, scheme_id
    )


# A groupement's calculation runs on every member's share at once; the plan under it is the
# coordinator's own: each figure of the whole says so (00:20 reading, N7).
_WHOLE = " du groupement (toutes parts)"


def _print_result(result: SubsidyResult, grouped: bool = False) -> None:
    """The calculation, step by step, and its figures; ``grouped`` labels them as the whole
    groupement's. A scheme that does not cover the dossier prints no remaining cost: nothing
    was computed that the collectivity could rely on (00:20 reading, N7)."""
    from rich.console import Console

    from webpass.documents.typography import date_fr

    console = Console(highlight=False)
    _paragraph(
        console,
        f"{result.scheme.title} — {result.profile.label},",
        f"calcul au {date_fr(result.on)}",
        "bold",
    )
    if result.not_applicable:
        _paragraph(
            console,
            "NON APPLICABLE :",
            "ce dispositif ne couvre pas ce dossier ("
            + " ; ".join(result.applicability.reasons)
            + ") : son montant est de 0 €. Les étapes ne montrent que ce que ses règles donneraient.",
            "bold red",
        )
    elif result.simulation:
        _paragraph(
            console,
            "SIMULATION :",
            "ce dispositif ne s'applique pas à ce dossier ("
            + " ; ".join(result.applicability.reasons)
            + "). Le montant ci-dessous n'est pas une aide à inscrire au budget.",
            "bold yellow",
        )
    if grouped:
        _paragraph(
            console,
            f"Montants{_WHOLE} :",
            "le calcul porte sur les dépenses de tous les membres ; le plan de financement "
            "qui suit porte sur la part du coordonnateur.",
        )
    console.print()
    for number, step in enumerate(result.steps, start=1):
        _paragraph(console, f"{number}. {step.title} :", step.detail)
    console.print()
    console.print(_figures(result, _WHOLE if grouped else ""))
    for reason in result.reasons:
        _paragraph(console, "Non éligible :", reason, "red")
    if result.scheme.notes:
        console.print()
        for note in result.scheme.notes:
            _paragraph(console, "Remarque :", note, "dim")


def _figures(result: SubsidyResult, whole: str) -> Table:
    """The calculation's figures; ``whole`` labels those of the whole groupement."""
    from rich.table import Table
    from rich.text import Text

    from webpass.aid.explain import eur, eur_ht, percent

    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row(f"Base éligible{whole}", eur_ht(result.base))
    table.add_row("Taux maximal", percent(result.rate))
    table.add_row("Plafond", eur(result.cap))
    label = result.applicability.label.capitalize()
    style = "bold green" if result.applicability.counted else "bold yellow"
    if result.not_applicable:
        # 0 € of no one's: neither the groupement's nor a remaining cost.
        table.add_row(label, Text(eur(result.subsidy), style=style))
    else:
        table.add_row(f"{label}{whole}", Text(eur(result.subsidy), style=style))
        table.add_row(f"Reste à charge{whole}", eur_ht(result.remaining))
    return table


def _paragraph(console: Console, head: str, body: str, style: str = "") -> None:
    # rich breaks lines at no-break spaces ("50 000,00 €" would split); textwrap only breaks at
    # ordinary spaces, so wrap here and let rich print the lines as they are.
    from rich.text import Text

    from webpass.documents.typography import french_spacing

    wrapped = textwrap.fill(
        french_spacing(f"{head} {body}"), width=max(console.width, 40), subsequent_indent="   "
    )
    text = Text(wrapped, style=style)
    text.stylize("bold", 0, len(head))
    console.print(text, soft_wrap=True)
