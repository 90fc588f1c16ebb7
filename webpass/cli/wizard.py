"""The selection wizard: a few plain questions in French that produce a dossier's answers.

The collectivity is found in the official reference (:mod:`webpass.cli.wizard_identity`); the other
questions of the collectivity and the project are the declarative questionnaire the web wizard asks
too (:mod:`webpass.dossier.questionnaire`). The questions are asked through a :class:`Prompter`, so
the same flow runs in a terminal
(:class:`ClickPrompter`), with every default accepted (:class:`DefaultsPrompter`) or from the web
wizard. Nothing is written here: :func:`run_wizard` returns validated answers and the caller
writes them once the user has confirmed, so an interruption leaves no file behind.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, TypeVar

import click

from webpass.catalog import Catalog
from webpass.catalog.model import Strength
from webpass.cli.wizard_identity import ask_identity
from webpass.cli.wizard_sites import ask_current_site
from webpass.collectivities import find_commune as _commune
from webpass.collectivities.identity import identity_notes
from webpass.core.errors import UsageError
from webpass.core.money import format_eur
from webpass.dossier.advance import advance_required
from webpass.dossier.answer_parsers import boolean as _bool
from webpass.dossier.answer_parsers import cost_text as _cost_text
from webpass.dossier.answer_parsers import integer as _integer
from webpass.dossier.answer_parsers import item_ids as _ids
from webpass.dossier.answer_parsers import parameter_parser as _parameter_parser
from webpass.dossier.answer_parsers import show as _show
from webpass.dossier.answer_parsers import text as _text
from webpass.dossier.answer_parsers import validated as _validated
from webpass.dossier.answer_parsers import yes_no as _yes_no
from webpass.dossier.answers import Answers, BodyType
from webpass.dossier.domain_name import check_domain
from webpass.dossier.opening import build_dossier
from webpass.dossier.questionnaire import (
    Kind,
    Question,
    advance_question,
    answers_as_data,
    contract_questions,
    get_at,
    profile_questions,
    project_questions,
    set_at,
)
from webpass.dossier.shared_fields import (
    conflict_text,
    current_value,
    fold,
    store,
    value_fields,
)
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
    today = today or dt.date.today()
    old = answers_as_data(previous) if previous else {}
    data: dict[str, Any] = {"version_catalogue": catalog.version}

    p.say("\n— 1. Votre collectivité —")
    data["collectivite"] = _ask_collectivity(p, old, today)

    p.say("\n— 2. Votre projet —")
    questions = project_questions(catalog, today, old)
    for question in questions:
        if question.path[0] == "faits" and question is _first_fact(questions):
            p.say("\n— 3. Quelques précisions —")
        ask_question(p, question, data, old, today)
    _ask_contract(p, data, old, today)

    data["options"] = {"retenues": [], "exclues": []}
    data["valeurs"] = {k: dict(v) for k, v in previous.values.items()} if previous else {}
    # What the wizard does not ask is kept as the dossier had it.
    for block in ("financement", "criteres"):
        if old.get(block):
            data[block] = copy.deepcopy(old[block])
    answers = _validated(data, catalog)

    p.say("\n— 4. Options, section par section —")
    base = select(catalog, answers)
    _ask_options(p, catalog, base, data, previous)
    answers = _validated(data, catalog)
    selection = select(catalog, answers)
    if _ask_advance(p, selection, data, old, today):
        answers = _validated(data, catalog)
        selection = select(catalog, answers)

    p.say("\n— 5. Champs à personnaliser —")
    _ask_values(p, selection, data)
    answers = _validated(data, catalog)
    dossier = build_dossier(catalog, answers, folder or Path.cwd())
    p.say("\n— 6. Récapitulatif —")
    p.say(review_text(dossier))
    return answers, dossier.selection


def ask_question(
    p: Prompter, question: Question, data: dict[str, Any], old: Mapping[str, Any], today: dt.date
) -> None:
    """Ask one question of the questionnaire if it applies, and store the answer in ``data``."""
    if not question.applies(data):
        return
    default = question.proposed(old, today)
    label = question.label
    yes_no = [c.value for c in question.choices] == ["o", "n"]
    if question.help and not question.choices:
        p.say(f"  {question.help}")
    if yes_no:
        if question.help:
            p.say(f"  {question.help}")
        label += " (o/n)"
    elif question.choices:
        for number, choice in enumerate(question.choices, 1):
            shown = choice.label.removeprefix(f"{choice.value} — ")
            p.say(f"  {number}. {shown}")
            if choice.hint:
                p.say(f"     {choice.hint}")
        label += " (numéro)"
        if default is not None and question.kind is Kind.RADIO:
            values = [c.value for c in question.choices]
            default = str(values.index(default) + 1) if default in values else default
    elif not question.required and default is None:
        label += " (- si aucune réponse)"
        default = "-"
    set_at(data, question.path, p.ask(label, default, question.parse))


def _ask_contract(
    p: Prompter, data: dict[str, Any], old: Mapping[str, Any], today: dt.date
) -> None:
    """The « marche » block: the dossier's choices are kept unless the user changes them."""
    questions = contract_questions(data)
    kept = copy.deepcopy(dict(old.get("marche") or {}))
    # A choice that no longer applies (a commune now, or a member gone) is dropped.
    for question in questions:
        if not question.applies({**data, "marche": kept}):
            kept.pop(question.path[-1], None)
    members = {str(m.get("nom")) for m in data["collectivite"].get("communes") or []}
    joining = [m for m in kept.get("membres_du_groupement_de_commandes") or [] if m in members]
    kept.pop("membres_du_groupement_de_commandes", None)
    if joining:
        kept["membres_du_groupement_de_commandes"] = joining
    if kept:
        data["marche"] = kept
    groupement = data["collectivite"].get("type") != BodyType.COMMUNE.value
    p.say(
        "\nClauses du marché (CCAP, acte d'engagement, RC) : "
        + ("montage du groupement, " if groupement else "")
        + "propriété intellectuelle, avance, bons de commande, révision des prix, comptable "
        "assignataire et validité des offres (l'imputation budgétaire se déduit de chaque ligne "
        "de prix)."
    )
    if not p.confirm("Elles ont des valeurs proposées. Les modifier maintenant ?", False):
        return
    for question in questions:
        ask_question(p, question, data, {**old, "marche": kept}, today)


def _ask_advance(
    p: Prompter, selection: Selection, data: dict[str, Any], old: Mapping[str, Any], today: dt.date
) -> bool:
    """The optional advance, once the options fix the estimate; where the Code requires the
    advance, a choice recorded earlier no longer applies and is dropped. True if data changed."""
    question = advance_question(advance_required(selection.procedure))
    before = get_at(data, question.path)
    if question.applies(data):
        p.say(f"\nAvance (estimation du marché : {format_eur(selection.procedure.amount)}) :")
        recorded = {**old, "marche": dict(data.get("marche") or {})}
        ask_question(p, question, data, recorded, today)
    # « non » is the block's default: written only as « oui », like the other choices kept.
    if not question.applies(data) or get_at(data, question.path) is False:
        set_at(data, question.path, None)
    return bool(get_at(data, question.path) != before)


def _first_fact(questions: list[Question]) -> Question | None:
    return next((q for q in questions if q.path[0] == "faits"), None)


def _ask_collectivity(p: Prompter, old: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    questions = {q.key: q for q in profile_questions()}
    data: dict[str, Any] = {}
    ask_question(p, questions["type"], data, old, today)
    body_type = data["collectivite"]["type"]
    old_body = old.get("collectivite") or {}
    same_type = old_body.get("type") == body_type
    body = ask_identity(p, body_type, old_body if same_type else {})
    data["collectivite"] = body
    for key in (
        "effectif",
        "recettes",
        "adresse",
        "courriel",
        "courriel_offres",
        "signataire_nom",
        "signataire_qualite",
        "domaine",
    ):
        ask_question(p, questions[key], data, old, today)
    if body_type != BodyType.COMMUNE.value:
        body["communes"] = _ask_member_sites(p, body, old_body if same_type else {})
    for note in identity_notes(body):
        p.say(f"  Attention : {note}")
    return {k: v for k, v in body.items() if v is not None}


def _ask_member_sites(
    p: Prompter, body: Mapping[str, Any], old: Mapping[str, Any]
) -> list[dict[str, Any]]:
    members = [dict(m) for m in body.get("communes") or []]
    if not members:
        return _ask_members(p, old)
    previous = {m.get("code_insee"): m for m in old.get("communes") or [] if isinstance(m, dict)}
    for member in members:
        kept = previous.get(member.get("code_insee")) or {}
        for key in ("identite_propre", "domaine", "specificites", "site_actuel"):
            if key in kept:
                member[key] = kept[key]
    p.say("Les communes membres :")
    for number, member in enumerate(members, 1):
        p.say(f"  {number}. {member['nom']}")
    chosen = p.ask(
        "Numéros des communes qui gardent leur propre site (nom de domaine et charte), séparés "
        "par des virgules (- pour aucune)",
        ",".join(str(n) for n, m in enumerate(members, 1) if m.get("identite_propre")) or "-",
        _ids([str(n) for n in range(1, len(members) + 1)]),
    )
    for number, member in enumerate(members, 1):
        if str(number) not in chosen:
            member.pop("identite_propre", None)
            member.pop("domaine", None)
            continue
        member["identite_propre"] = True
        member["domaine"] = p.ask(
            f"    Nom de domaine du site de {member['nom']}", member.get("domaine"), check_domain
        )
        _set_current_site(p, member, member.get("site_actuel") or {})
    return members


def _set_current_site(p: Prompter, member: dict[str, Any], previous: Mapping[str, Any]) -> None:
    site = ask_current_site(p, str(member["nom"]), previous)
    if site is None:
        member.pop("site_actuel", None)
    else:
        member["site_actuel"] = site


def _ask_options(
    p: Prompter,
    catalog: Catalog,
    base: Selection,
    data: dict[str, Any],
    previous: Answers | None,
) -> None:
    # An option made firm (options.fermes) is an option chosen too: it is offered ticked and stays
    # firm when kept, since the wizard does not ask that finer choice.
    previously_firm = set(previous.options.firm) if previous else set()
    previously_chosen = (set(previous.options.chosen) if previous else set()) | previously_firm
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
    data["options"]["retenues"] = [i for i in chosen if i not in previously_firm]
    firm = [i for i in chosen if i in previously_firm]
    if firm:
        data["options"]["fermes"] = firm
    previous_removed = (
        {e.id: e.justification for e in previous.options.excluded} if previous else {}
    )
    removable = [s.item for s in base.items if s.strength is Strength.RECOMMENDED]
    if not removable or not p.confirm(
        "\nSouhaitez-vous retirer des exigences recommandées ?", bool(previous_removed)
    ):
        return
    for number, item in enumerate(removable, 1):
        p.say(f"  {number}. {item.id} {item.title}")
    default = (
        ",".join(str(removable.index(i) + 1) for i in removable if i.id in previous_removed) or "-"
    )
    for item_id in p.ask(
        "Numéros à retirer (- pour aucun)", default, _ids([i.id for i in removable])
    ):
        reason = p.ask(
            f"Pourquoi retirer {item_id} ? (justification)", previous_removed.get(item_id), _text
        )
        data["options"]["exclues"].append({"id": item_id, "justification": reason})


def _ask_values(p: Prompter, selection: Selection, data: dict[str, Any]) -> None:
    """Each value once, even when several items use it (the dossier reads it for all)."""
    fields = value_fields(s.item for s in selection.items)
    customise = p.confirm(
        f"{len(fields)} champs ont une valeur proposée. Les personnaliser maintenant ?", False
    )
    values: dict[str, dict[str, Any]] = data["valeurs"]
    for field in fields:
        conflict = conflict_text(values, field)
        current = None if conflict else current_value(values, field)
        if current is not None and not customise:
            fold(values, field)
            continue
        parameter = field.parameter
        if parameter.hint:
            p.say(f"  {field.served} — {parameter.hint}")
        question = f"{field.served} — {parameter.label}"
        if conflict:
            # Named in the question itself, so that --defaut's refusal says what to settle.
            question += (
                f" (valeurs différentes déjà saisies : {conflict} ; une seule vaut pour toutes)"
            )
        value = p.ask(
            question,
            None if current is None else _show(current),
            _parameter_parser(parameter.kind, parameter.choices),
        )
        store(values, field, value)


def _ask_members(p: Prompter, old: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Members typed one by one: a groupement absent from the reference (a syndicat)."""
    members_old = [m for m in old.get("communes") or [] if isinstance(m, dict)]
    count = p.ask(
        "Nombre de communes membres",
        str(len(members_old)) if members_old else None,
        _integer(2, 500),
    )
    members = []
    for index in range(count):
        previous = members_old[index] if index < len(members_old) else {}
        p.say(f"  Commune membre n° {index + 1}")
        typed = p.ask(
            "    Nom ou code INSEE", previous.get("code_insee") or previous.get("nom"), _commune
        )
        member: dict[str, Any] = {"nom": typed.name, "code_insee": typed.code}
        if typed.population:
            member["population"] = typed.population
        own = p.ask(
            "    A-t-elle son propre site (nom de domaine et charte) ? (o/n)",
            _yes_no(bool(previous.get("identite_propre"))),
            _bool,
        )
        if own:
            member["identite_propre"] = True
            member["domaine"] = p.ask(
                "    Nom de domaine de son site", previous.get("domaine"), check_domain
            )
            _set_current_site(p, member, previous.get("site_actuel") or {})
        members.append(member)
    return members
