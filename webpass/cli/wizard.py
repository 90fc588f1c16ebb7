"""The selection wizard: a few plain questions in French that produce a dossier's answers.

The questions are asked through a :class:`Prompter`, so the same flow runs in a terminal
(:class:`ClickPrompter`), with every default accepted (:class:`DefaultsPrompter`) or from the web
wizard. Nothing is written here: :func:`run_wizard` returns validated answers and the caller
writes them once the user has confirmed, so an interruption leaves no file behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

import click

from webpass.catalog import Catalog
from webpass.catalog.model import Strength
from webpass.core.errors import UsageError
from webpass.dossier.answer_parsers import amount as _amount
from webpass.dossier.answer_parsers import boolean as _bool
from webpass.dossier.answer_parsers import choice as _choice
from webpass.dossier.answer_parsers import cost_text as _cost_text
from webpass.dossier.answer_parsers import date as _date
from webpass.dossier.answer_parsers import department as _department
from webpass.dossier.answer_parsers import insee as _insee
from webpass.dossier.answer_parsers import integer as _integer
from webpass.dossier.answer_parsers import item_ids as _ids
from webpass.dossier.answer_parsers import optional_amount as _optional_amount
from webpass.dossier.answer_parsers import optional_date as _optional_date
from webpass.dossier.answer_parsers import optional_insee as _optional_insee
from webpass.dossier.answer_parsers import optional_text as _optional_text
from webpass.dossier.answer_parsers import parameter_parser as _parameter_parser
from webpass.dossier.answer_parsers import show as _show
from webpass.dossier.answer_parsers import text as _text
from webpass.dossier.answer_parsers import url as _url
from webpass.dossier.answer_parsers import validated as _validated
from webpass.dossier.answer_parsers import yes_no as _yes_no
from webpass.dossier.answers import Answers, BodyType, Nature
from webpass.dossier.geo import DEPARTEMENTS, department_of_insee
from webpass.dossier.opening import build_dossier
from webpass.dossier.summary import review_text
from webpass.selection.engine import Selection, select

__all__ = ["ClickPrompter", "DefaultsPrompter", "Prompter", "review_text", "run_wizard"]

T = TypeVar("T")


class Prompter(Protocol):
    """How the wizard talks to the user."""

    def say(self, text: str) -> None:
        """Show some text."""

    def ask(self, question: str, default: str | None, parse: Callable[[str], T]) -> T:
        """Ask until ``parse`` accepts the answer (it raises ValueError with a French reason)."""

    def confirm(self, question: str, default: bool) -> bool:
        """A yes/no question."""


class ClickPrompter:
    """Asks in the terminal; a refused answer is explained and the question asked again."""

    def say(self, text: str) -> None:
        click.echo(text)

    def ask(self, question: str, default: str | None, parse: Callable[[str], T]) -> T:
        while True:
            raw = click.prompt(
                question, default=default if default is not None else None, show_default=True
            )
            try:
                return parse(str(raw).strip())
            except ValueError as error:
                click.echo(f"  ✗ {error}")

    def confirm(self, question: str, default: bool) -> bool:
        return self.ask(f"{question} (o/n)", _yes_no(default), _bool)


class DefaultsPrompter:
    """Accepts every default; a question without one is a usage error naming it."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def say(self, text: str) -> None:
        self.lines.append(text)

    def ask(self, question: str, default: str | None, parse: Callable[[str], T]) -> T:
        if default is None:
            raise UsageError(
                f"--defaut : la question « {question} » n'a pas de valeur par défaut ; "
                "préparez un fichier de réponses (--reponses) ou lancez l'assistant dans un terminal."
            )
        try:
            return parse(default)
        except ValueError as error:
            raise UsageError(
                f"--defaut : valeur par défaut refusée pour « {question} » : {error}"
            ) from error

    def confirm(self, question: str, default: bool) -> bool:
        return default


# -- the flow -----------------------------------------------------------------------------------


def _optional_hours(raw: str) -> int | None:
    # The time the staff give the site sets the size of the project (catalogue « tailles »).
    return None if raw in ("", "-") else _integer(0, 400)(raw)


def run_wizard(
    prompter: Prompter,
    catalog: Catalog,
    previous: Answers | None = None,
    today: dt.date | None = None,
    folder: Path | None = None,
) -> tuple[Answers, Selection]:
    """Ask the questions and return validated answers with their selection.

    Args:
        prompter: how to ask.
        catalog: the catalogue the dossier is made with.
        previous: the dossier's earlier answers, offered as defaults.
        today: the default launch date (a month from today when not given).
        folder: where the dossier will be saved (its own aid schemes are read there).
    """
    p = prompter
    old = previous
    today = today or dt.date.today()
    data: dict[str, Any] = {"version_catalogue": catalog.version}

    p.say("\n— 1. Votre collectivité —")
    types = {t.value: t.label for t in BodyType}
    p.say("  " + "   ".join(f"{i}. {label}" for i, label in enumerate(types.values(), 1)))
    body_type = p.ask(
        "Type de collectivité (numéro)",
        str(list(types).index(old.collectivity.body_type.value) + 1) if old else "1",
        _choice(types),
    )
    body: dict[str, Any] = {"type": body_type}
    body["nom"] = p.ask("Nom de la collectivité", old.collectivity.name if old else None, _text)
    if body_type == BodyType.COMMUNE.value:
        body["code_insee"] = p.ask(
            "Code INSEE de la commune", old.collectivity.insee if old else None, _insee
        )
        guessed = DEPARTEMENTS.get(department_of_insee(body["code_insee"]))
    else:
        guessed = None
    body["departement"] = p.ask(
        "Département", (old.collectivity.department_name if old else None) or guessed, _department
    )
    body["population"] = p.ask(
        "Nombre d'habitants", str(old.collectivity.population) if old else None, _integer(1)
    )
    body["effectif"] = p.ask(
        "Nombre d'agents (équivalents temps plein)",
        str(old.collectivity.staff) if old else "0",
        _integer(0),
    )
    p.say("  Recettes encaissées auprès des usagers chaque année (cantine, locations, eau…) :")
    p.say("  à partir de 5 000 €, le paiement en ligne est obligatoire.")
    body["recettes_annuelles"] = p.ask(
        "Recettes annuelles, en euros", f"{old.collectivity.receipts:.2f}" if old else "0", _amount
    )
    body["adresse"] = p.ask(
        "Adresse de la mairie ou du siège (- si inconnue)",
        (old.collectivity.address if old else None) or "-",
        _optional_text,
    )
    body["domaine"] = p.ask(
        "Nom de domaine du site (ex. ma-commune.fr, - si inconnu)",
        (old.collectivity.domain if old else None) or "-",
        _optional_text,
    )
    if body_type != BodyType.COMMUNE.value:
        body["communes"] = _ask_members(p, old)
    data["collectivite"] = {k: v for k, v in body.items() if v is not None}

    p.say("\n— 2. Votre projet —")
    natures = {n.value: n.label for n in Nature}
    nature = p.ask(
        "1. création d'un premier site   2. refonte du site actuel (numéro)",
        str(list(natures).index(old.project.nature.value) + 1) if old else "2",
        _choice(natures),
    )
    project: dict[str, Any] = {"nature": nature}
    p.say("\nLes cinq niveaux de site Webpass :")
    for number, level in sorted(catalog.levels.items()):
        p.say(f"  {number}. {level.name} — {level.definition}")
        if level.typical_cost:
            p.say(f"     Coût indicatif : {level.typical_cost}.")
    if nature == Nature.REDESIGN.value:
        current = old.project.current_site if old else None
        url = p.ask("Adresse du site actuel (https://…)", current.url if current else None, _url)
        current_level = p.ask(
            "Niveau du site actuel (1 à 5)",
            str(current.level) if current and current.level else "1",
            _integer(1, 5),
        )
        project["site_actuel"] = {"adresse": url, "niveau": current_level}
    project["niveau_vise"] = p.ask(
        "Niveau visé (1 à 5)", str(old.project.target_level) if old else "3", _integer(1, 5)
    )
    project["duree_marche_mois"] = p.ask(
        "Durée du marché en mois, reconductions comprises",
        str(old.project.duration_months) if old else "48",
        _integer(1, 96),
    )
    budget = p.ask(
        "Budget envisagé en euros HT (- si pas encore fixé)",
        f"{old.project.budget:.2f}" if old and old.project.budget is not None else "-",
        _optional_amount,
    )
    if budget is not None:
        project["budget"] = budget
    hours = p.ask(
        "Heures par semaine que vos agents consacreront au site (- si vous ne savez pas)",
        str(old.project.staff_hours) if old and old.project.staff_hours is not None else "-",
        _optional_hours,
    )
    if hours is not None:
        project["temps_agent_hebdo"] = hours
    launch_default = old.project.launch_date if old else today + dt.timedelta(days=30)
    project["date_lancement"] = p.ask(
        "Date de lancement de la consultation (JJ/MM/AAAA)",
        launch_default.strftime("%d/%m/%Y"),
        _date,
    )
    live_default = old.project.go_live if old and old.project.go_live else None
    go_live = p.ask(
        "Date de mise en ligne souhaitée (JJ/MM/AAAA, - si libre)",
        live_default.strftime("%d/%m/%Y") if live_default else "-",
        _optional_date,
    )
    if go_live is not None:
        project["mise_en_ligne"] = go_live
    reference = p.ask(
        "Référence de la consultation (- si aucune)",
        (old.project.reference if old else None) or "-",
        _optional_text,
    )
    if reference:
        project["reference"] = reference
    data["projet"] = project

    if catalog.meta.facts:
        p.say("\n— 3. Quelques précisions —")
        facts = {}
        for fact in catalog.meta.facts:
            if fact.hint:
                p.say(f"  {fact.hint}")
            answered = old.facts.get(fact.id, fact.default) if old else fact.default
            facts[fact.id] = p.ask(f"{fact.question} (o/n)", _yes_no(answered), _bool)
        data["faits"] = facts

    data["options"] = {"retenues": [], "exclues": []}
    data["valeurs"] = {k: dict(v) for k, v in old.values.items()} if old else {}
    if old and old.financing:
        data["financement"] = old.financing.model_dump(by_alias=True, exclude_none=True)
    answers = _validated(data, catalog)

    p.say("\n— 4. Options, section par section —")
    base = select(catalog, answers)
    previously_chosen = set(old.options.chosen) if old else set()
    chosen: list[str] = []
    for section in catalog.sections:
        offers = [s.item for s in base.offered if s.item.section_letter == section.letter]
        if not offers:
            continue
        p.say(f"\n{section.title} — exigences que vous pouvez ajouter :")
        for number, item in enumerate(offers, 1):
            p.say(f"  {number}. {item.id} {item.title}{_cost_text(item)}")
        default = (
            ",".join(str(offers.index(i) + 1) for i in offers if i.id in previously_chosen) or "-"
        )
        chosen += p.ask(
            "Numéros à retenir, séparés par des virgules (- pour aucun)",
            default,
            _ids([i.id for i in offers]),
        )
    data["options"]["retenues"] = chosen

    previous_removed = {e.id: e.justification for e in old.options.excluded} if old else {}
    removable = [s.item for s in base.items if s.strength is Strength.RECOMMENDED]
    if removable and p.confirm(
        "\nSouhaitez-vous retirer des exigences recommandées ?", bool(previous_removed)
    ):
        for number, item in enumerate(removable, 1):
            p.say(f"  {number}. {item.id} {item.title}")
        default = (
            ",".join(str(removable.index(i) + 1) for i in removable if i.id in previous_removed)
            or "-"
        )
        for item_id in p.ask(
            "Numéros à retirer (- pour aucun)", default, _ids([i.id for i in removable])
        ):
            reason = p.ask(
                f"Pourquoi retirer {item_id} ? (justification)",
                previous_removed.get(item_id),
                _text,
            )
            data["options"]["exclues"].append({"id": item_id, "justification": reason})
    answers = _validated(data, catalog)
    selection = select(catalog, answers)

    p.say("\n— 5. Champs à personnaliser —")
    to_fill = [(s.item, prm) for s in selection.items for prm in s.item.parameters]
    customise = p.confirm(
        f"{len(to_fill)} champs ont une valeur proposée. Les personnaliser maintenant ?", False
    )
    for item, parameter in to_fill:
        current = data["valeurs"].get(item.id, {}).get(parameter.key, parameter.default)
        if current is not None and not customise:
            continue
        if parameter.hint:
            p.say(f"  {item.id} — {parameter.hint}")
        value = p.ask(
            f"{item.id} — {parameter.label}",
            None if current is None else _show(current),
            _parameter_parser(parameter.kind, parameter.choices),
        )
        if value != parameter.default:
            data["valeurs"].setdefault(item.id, {})[parameter.key] = value
    answers = _validated(data, catalog)
    dossier = build_dossier(catalog, answers, folder or Path.cwd())
    p.say("\n— 6. Récapitulatif —")
    p.say(review_text(dossier))
    return answers, dossier.selection


def _ask_members(p: Prompter, old: Answers | None) -> list[dict[str, Any]]:
    members_old = old.collectivity.members if old else []
    count = p.ask(
        "Nombre de communes membres",
        str(len(members_old)) if members_old else None,
        _integer(2, 500),
    )
    members = []
    for index in range(count):
        previous = members_old[index] if index < len(members_old) else None
        p.say(f"  Commune membre n° {index + 1}")
        member: dict[str, Any] = {
            "nom": p.ask("    Nom", previous.name if previous else None, _text)
        }
        insee = p.ask(
            "    Code INSEE (- si inconnu)",
            (previous.insee if previous else None) or "-",
            _optional_insee,
        )
        if insee:
            member["code_insee"] = insee
        own = p.ask(
            "    A-t-elle son propre site (nom de domaine et charte) ? (o/n)",
            _yes_no(previous.own_identity) if previous else "n",
            _bool,
        )
        if own:
            member["identite_propre"] = True
            member["domaine"] = p.ask(
                "    Nom de domaine de son site", previous.domain if previous else None, _text
            )
        members.append(member)
    return members
