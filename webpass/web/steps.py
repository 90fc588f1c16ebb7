"""The wizard's steps as web forms: which fields, their proposed values, and the answers they give.

The collectivity and the project are asked by the declarative questionnaire both wizards share
(:mod:`webpass.dossier.questionnaire`): each question becomes a field named by its key, and a
problem of the answers model lands on the field whose answer path it names. The collectivity is
searched in the official reference (:mod:`webpass.collectivities`) and shown for confirmation.
Options and placeholders come from the catalogue and are read with the same parsers as the
terminal. Nothing here knows about HTTP: the views bind the posted values, call ``read_*`` and save
what comes back.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from webpass.catalog import Catalog
from webpass.catalog.model import Item, ParameterKind, Strength
from webpass.collectivities import (
    Commune,
    Epci,
    NotInReference,
    find_commune,
    find_epci,
)
from webpass.collectivities.identity import complete_identity
from webpass.core.errors import Problem
from webpass.core.validation import validate_located
from webpass.dossier import answer_parsers as parse
from webpass.dossier.advance import advance_required
from webpass.dossier.answers import Answers, BodyType, Collectivity
from webpass.dossier.domain_name import check_domain
from webpass.dossier.geo import DEPARTEMENTS, department_of_insee, is_valid_insee
from webpass.dossier.questionnaire import (
    Question,
    advance_question,
    answers_as_data,
    contract_questions,
    error_paths,
    get_at,
    profile_questions,
    project_questions,
    set_at,
)
from webpass.dossier.shared_fields import (
    ValueField,
    conflict_text,
    current_value,
    store,
    value_fields,
)
from webpass.selection.engine import SelectedItem, Selection, SkippedItem, select
from webpass.untrusted.safe_yaml import Located
from webpass.web.forms import Choice, Field, Form

__all__ = [
    "CONTRACT_FIELDS",
    "STEPS",
    "OptionSection",
    "ValueGroup",
    "answers_data",
    "launch_problem",
    "options_form",
    "options_sections",
    "profile_form",
    "project_form",
    "prune_options",
    "read_options",
    "read_profile",
    "read_project",
    "read_values",
    "values_form",
    "values_groups",
]

# (endpoint suffix, title) of the wizard's steps, in order.
STEPS = [
    ("profil", "Collectivité"),
    ("projet", "Projet et niveau"),
    ("options", "Options"),
    ("champs", "Champs à personnaliser"),
    ("recapitulatif", "Récapitulatif"),
]

# The fields of the contract terms (the « marche » block), in the order they are asked.
CONTRACT_FIELDS = tuple(q.key for q in contract_questions({}))

MEMBER_ROWS_MIN = 3
MEMBER_ROWS_ADDED = 5
MEMBER_ROWS_MAX = 500
_ITEM_ID = re.compile(r"\b[A-Z]\d{2}\b")


def amount_text(value: Any) -> str:
    """An amount as a French person types it: ``"38000.00"`` → ``"38 000,00"``."""
    return parse.amount_text(value)


def answers_data(answers: Answers) -> dict[str, Any]:
    """The answers as the data of their ``webpass.yaml``, to change a part and check again."""
    return answers_as_data(answers)


# -- questions as fields ----------------------------------------------------------------------------


def question_field(question: Question) -> Field:
    """The form field of a question of the questionnaire."""
    return Field(
        question.key,
        question.label,
        kind=question.kind.value,
        hint=question.help,
        choices=[Choice(c.value, c.label, c.hint) for c in question.choices],
        required=question.required,
        width=question.width,
        inputmode=question.inputmode,
        autocomplete=question.autocomplete,
    )


def question_values(
    questions: list[Question], data: Mapping[str, Any], today: dt.date
) -> dict[str, str]:
    """The values the fields show: the answers already given, else the proposed ones."""
    values = {}
    for question in questions:
        proposed = question.proposed(data, today)
        if proposed is not None:
            values[question.key] = proposed
    return values


def read_questions(form: Form, questions: list[Question], data: dict[str, Any]) -> None:
    """Read every question that applies into ``data``; a refusal becomes its field's error."""
    for question in questions:
        if question.key in form and question.applies(data):
            set_at(data, question.path, form.parse(question.key, question.parse))


# -- step 1: the collectivity --------------------------------------------------------------------


SEARCH = "recherche"
MANUAL = "saisie_manuelle"


def member_rows(
    body: Mapping[str, Any] | None, posted: str | None = None, add: bool = False
) -> int:
    """How many rows of member communes the form shows."""
    members = body.get("communes", []) if body else []
    count = len(members) + MEMBER_ROWS_MIN if isinstance(members, list) else MEMBER_ROWS_MIN
    # str.isdigit() accepts « ² » and int() refuses it; a 5 000-digit count is refused too.
    if posted is not None and posted.isascii() and posted.isdigit() and len(posted) <= 4:
        count = int(posted)
    if add:
        count += MEMBER_ROWS_ADDED
    return max(MEMBER_ROWS_MIN, min(count, MEMBER_ROWS_MAX))


def profile_form(creating: bool, rows: int) -> Form:
    """The collectivity's fields: the search, the questionnaire's, the member communes."""
    form = Form()
    if creating:
        form.add(
            Field(
                "dossier",
                "Nom du dossier",
                hint="Il nomme le dossier dans votre espace de travail, par exemple « Site 2027 ». "
                "Laissé vide, le nom de la collectivité est repris.",
                width="moyen",
            )
        )
    questions = profile_questions()
    form.add(question_field(questions[0]))
    form.add(
        Field(
            SEARCH,
            "Rechercher votre collectivité",
            hint="Son nom, son code INSEE (ex. 56165) ou, pour une communauté de communes, son "
            "SIREN (ex. 200066777) : le nom, les codes, le département, la population et les "
            "communes membres sont repris de la liste officielle, pour vérification.",
        ),
        Field(
            MANUAL,
            "Ma collectivité n'est pas dans la liste officielle (syndicat, commune nouvelle "
            "récente) : je la saisis moi-même",
            kind="checkbox",
        ),
    )
    form.add(*(question_field(q) for q in questions[1:]))
    for index in range(rows):
        form.add(*_member_fields(index))
    return form


def _member_fields(index: int) -> list[Field]:
    number = index + 1
    return [
        Field(f"commune-{index}-nom", f"Nom de la commune membre n° {number}"),
        Field(
            f"commune-{index}-insee",
            f"Code INSEE de la commune membre n° {number}",
            hint="Facultatif : repris de la liste officielle d'après le nom.",
            width="court",
        ),
        Field(
            f"commune-{index}-population",
            f"Population de la commune membre n° {number}",
            hint="Reprise de la liste officielle.",
            width="court",
            inputmode="numeric",
        ),
        Field(
            f"commune-{index}-identite",
            f"La commune membre n° {number} a son propre site (nom de domaine et charte graphique)",
            kind="checkbox",
        ),
        Field(
            f"commune-{index}-domaine",
            f"Nom de domaine du site de la commune membre n° {number}",
            hint="Seulement si elle a son propre site.",
            width="moyen",
        ),
    ]


def profile_values(body: Mapping[str, Any]) -> dict[str, str]:
    """The form values of a collectivity already answered, or the proposed ones."""
    values = question_values(profile_questions(), {"collectivite": body}, dt.date.today())
    values.pop(SEARCH, None)
    if body.get(MANUAL) is True:
        values[MANUAL] = "1"
    members = body.get("communes") or []
    for index, member in enumerate(members if isinstance(members, list) else []):
        if not isinstance(member, dict):
            continue
        values[f"commune-{index}-nom"] = str(member.get("nom", ""))
        values[f"commune-{index}-insee"] = str(member.get("code_insee") or "")
        values[f"commune-{index}-population"] = str(member.get("population") or "")
        values[f"commune-{index}-identite"] = "1" if member.get("identite_propre") else ""
        values[f"commune-{index}-domaine"] = str(member.get("domaine") or "")
    return values


@dataclass
class ProfileAnswer:
    """The collectivity block read from the form, and how to place its problems.

    ``found`` is set when the search found a collectivity: the form then shows what the
    reference fills, for confirmation, before anything is saved.
    """

    body: dict[str, Any]
    paths: dict[str, str] = field(default_factory=dict)
    found: Commune | Epci | None = None


def read_profile(form: Form, rows: int, previous: Mapping[str, Any] | None) -> ProfileAnswer:
    """The ``collectivite`` block from the form; refused answers become field errors."""
    questions = profile_questions()
    data: dict[str, Any] = {}
    read_questions(form, questions[:1], data)
    body_type = get_at(data, ("collectivite", "type"))
    paths = {
        key.removeprefix("collectivite."): name for key, name in error_paths(questions).items()
    }
    paths = {f"collectivite.{k}": v for k, v in paths.items()}
    searched = form[SEARCH].value.strip()
    if searched and body_type is not None and form[MANUAL].value != "1":
        found = _search(form, searched, body_type)
        if found is None:
            return ProfileAnswer({}, paths)
        key = "code_insee" if isinstance(found, Commune) else "siren"
        code = found.code if isinstance(found, Commune) else found.siren
        body = complete_identity({"type": body_type, key: code}).body
        return ProfileAnswer(body, paths, found)
    read_questions(form, questions[1:], data)
    body = data.get("collectivite") or {}
    if form[MANUAL].value == "1":
        body[MANUAL] = True
        _guess_department(body)
    if body_type is not None and body_type != BodyType.COMMUNE.value:
        body["communes"] = _read_members(form, rows, previous, paths)
    # Checked even when another field is refused, so that every error shows at once.
    completion = complete_identity(body)
    body = completion.body
    for path, message in completion.problems:
        where = "collectivite" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
        form.place([Problem(None, None, None, message, where)], paths)
    return ProfileAnswer({k: v for k, v in body.items() if v is not None}, paths)


def _search(form: Form, searched: str, body_type: str) -> Commune | Epci | None:
    try:
        if body_type == BodyType.COMMUNE.value:
            return find_commune(searched)
        if body_type == BodyType.COMMUNITY.value:
            return find_epci(searched)
    except NotInReference as refused:
        form.error(
            SEARCH,
            f"{refused}. Si votre collectivité n'est pas dans la liste officielle, cochez la case "
            "ci-dessous et saisissez-la vous-même",
        )
        return None
    form.error(
        SEARCH,
        "un syndicat n'est pas dans la liste officielle des EPCI à fiscalité propre : cochez la "
        "case ci-dessous et saisissez-le vous-même",
    )
    return None


def _guess_department(body: dict[str, Any]) -> None:
    insee = body.get("code_insee")
    if not body.get("departement") and isinstance(insee, str) and is_valid_insee(insee):
        body["departement"] = DEPARTEMENTS.get(department_of_insee(insee))


def _read_members(
    form: Form, rows: int, previous: Mapping[str, Any] | None, paths: dict[str, str]
) -> list[dict[str, Any]]:
    old = previous.get("communes") if previous else None
    # Kept from the file, as the form has no field for them: the particulars and the current
    # site (asked by the terminal wizard, or written in webpass.yaml).
    kept = {
        m.get("nom"): {k: m[k] for k in ("specificites", "site_actuel") if m.get(k)}
        for m in (old if isinstance(old, list) else [])
        if isinstance(m, dict)
    }
    members: list[dict[str, Any]] = []
    for index in range(rows):
        prefix = f"commune-{index}"
        own = form[f"{prefix}-identite"].value == "1"
        parts = ("nom", "insee", "domaine", "population")
        typed = [form[f"{prefix}-{part}"].value.strip() for part in parts]
        if not any(typed) and not own:
            continue
        name = form.parse(f"{prefix}-nom", parse.optional_text)
        code = form.parse(f"{prefix}-insee", parse.optional_insee)
        population = form.parse(f"{prefix}-population", parse.optional_integer(1))
        if not (name or code):
            form.error(f"{prefix}-nom", "indiquez le nom ou le code INSEE de la commune")
        given = {"nom": name, "code_insee": code, "population": population}
        member: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
        if own:
            member["identite_propre"] = True
            member["domaine"] = form.parse(f"{prefix}-domaine", check_domain)
        member.update(kept.get(member.get("nom"), {}))
        where = f"collectivite.communes[{len(members)}]"
        paths[where] = f"{prefix}-nom"
        paths[f"{where}.nom"] = f"{prefix}-nom"
        paths[f"{where}.code_insee"] = f"{prefix}-insee"
        paths[f"{where}.population"] = f"{prefix}-population"
        paths[f"{where}.domaine"] = f"{prefix}-domaine"
        members.append(member)
    paths["collectivite.communes"] = "commune-0-nom"
    return members


def collectivity_problems(body: dict[str, Any]) -> list[Problem]:
    """What the answers model refuses in a collectivity block alone (before the project exists)."""
    located = Located(data={"collectivite": parse.plain(body)}, source="assistant")
    _, problems = validate_located(Collectivity, located, ("collectivite",))
    return problems


# -- step 2: the project and the level --------------------------------------------------------------


def project_form(
    catalog: Catalog, data: Mapping[str, Any] | None = None, today: dt.date | None = None
) -> Form:
    """The project's fields: nature, current site, target level (the five explained), dates,
    and the contract terms that apply to the collectivity of ``data``."""
    form = Form()
    for question in project_questions(catalog, today or dt.date.today()):
        form.add(question_field(question))
    for question in _contract_fields(data or {}):
        form.add(question_field(question))
    return form


def _contract_fields(data: Mapping[str, Any]) -> list[Question]:
    # Which of them the form shows depends on the collectivity alone (a groupement is asked how
    # it buys); the members who join are shown whenever they may apply, and read only if they do.
    known = {"collectivite": data.get("collectivite") or {}}
    return [q for q in contract_questions(data) if q.applies(known)]


def project_values(
    data: Mapping[str, Any], catalog: Catalog, today: dt.date | None = None
) -> dict[str, str]:
    """The form values: the project already answered, else the proposed ones."""
    day = today or dt.date.today()
    questions = [*project_questions(catalog, day, data), *_contract_fields(data)]
    return question_values(questions, data, day)


def launch_problem(data: Mapping[str, Any], catalog: Catalog) -> str | None:
    """Why the dossier's launch date cannot be used (no procedure thresholds known for it)."""
    recorded = get_at(data, ("projet", "date_lancement"))
    if not isinstance(recorded, dt.date):
        return None
    try:
        parse.launch_date(catalog, recorded, recorded)(recorded.isoformat())
    except ValueError as refused:
        return f"Date de lancement de la consultation : {refused}."
    return None


@dataclass
class ProjectAnswer:
    """The project block and the facts read from the form."""

    project: dict[str, Any]
    facts: dict[str, bool]
    contract: dict[str, Any]
    paths: dict[str, str]


def read_project(
    form: Form, catalog: Catalog, previous: Mapping[str, Any] | None = None
) -> ProjectAnswer:
    """The ``projet``, ``faits`` and ``marche`` blocks from the form; refusals become field errors."""
    before = previous or {}
    questions = [
        *project_questions(catalog, dt.date.today(), previous),
        *_contract_fields(before),
    ]
    data: dict[str, Any] = {"collectivite": before.get("collectivite") or {}}
    read_questions(form, questions, data)
    facts = {k: bool(v) for k, v in (data.get("faits") or {}).items()}
    paths = error_paths(questions)
    paths["projet.site_actuel"] = "site_adresse"
    return ProjectAnswer(data.get("projet") or {}, facts, data.get("marche") or {}, paths)


# -- step 3: options, section by section ------------------------------------------------------------


def base_selection(data: Mapping[str, Any], catalog: Catalog) -> Selection | None:
    """The selection without any option chosen or removed: what the options are offered against."""
    bare = copy.deepcopy(dict(data))
    bare["options"] = {"retenues": [], "exclues": []}
    answers, problems = parse.answer_problems(bare, catalog)
    if answers is None or problems:
        return None
    return select(catalog, answers)


def prune_options(data: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    """Drop the chosen options no longer offered and the removals of items no longer selected.

    After a change of level or profile, as when the terminal wizard is run again, an option is
    kept only if it is still offered, and a removal only if the item would still be selected.
    """
    base = base_selection(data, catalog)
    if base is None:
        return data
    offered = {s.item.id for s in base.offered}
    selected = {s.item.id for s in base.items}
    options = data.get("options") or {}
    pruned = copy.deepcopy(data)
    pruned["options"] = {
        "retenues": [i for i in options.get("retenues", []) if i in offered],
        "exclues": [e for e in options.get("exclues", []) if e.get("id") in selected],
    }
    firm = [i for i in options.get("fermes", []) if i in offered]
    if firm:
        pruned["options"]["fermes"] = firm
    return pruned


@dataclass
class OptionSection:
    """One section of the catalogue on the options page."""

    letter: str
    title: str
    offers: list[SkippedItem]
    removable: list[SelectedItem]
    kept: int


def options_sections(base: Selection, data: Mapping[str, Any]) -> list[OptionSection]:
    """Per section: the options offered, the recommendations that may be removed, the rest."""
    excluded = {e.get("id") for e in (data.get("options") or {}).get("exclues", [])}
    out = []
    for section in base.catalog.sections:
        offers = [s for s in base.offered if s.item.section_letter == section.letter]
        included = [s for s in base.items if s.item.section_letter == section.letter]
        removable = [
            s for s in included if s.strength is Strength.RECOMMENDED or s.item.id in excluded
        ]
        if offers or included:
            out.append(
                OptionSection(
                    section.letter,
                    section.title,
                    offers,
                    removable,
                    len(included) - len(removable),
                )
            )
    return out


def options_form(sections: list[OptionSection]) -> Form:
    """A checkbox per offered option; a checkbox and a justification per removable item."""
    form = Form()
    for section in sections:
        for offer in section.offers:
            item = offer.item
            notes = [offer.explanation.capitalize() + "."]
            if item.teleservice:
                notes.append("Téléservice : compte pour la subvention Webpass.")
            if item.cost is not None:
                notes.append("Coût estimé : " + parse.cost_text(item).removeprefix(" — ") + ".")
            form.add(
                Field(
                    f"option-{item.id}",
                    f"{item.id} — {item.title}",
                    kind="checkbox",
                    hint=" ".join(notes),
                )
            )
        for selected in section.removable:
            item = selected.item
            cost = parse.cost_text(item).removeprefix(" — ")
            form.add(
                Field(
                    f"retrait-{item.id}",
                    f"Retirer {item.id} — {item.title}",
                    kind="checkbox",
                    hint=selected.explanation.capitalize()
                    + (f" ; coût estimé : {cost}" if cost else "")
                    + ".",
                ),
                Field(
                    f"justification-{item.id}",
                    f"Pourquoi retirer {item.id} ?",
                    hint="Obligatoire si vous la retirez : la justification figure au dossier.",
                ),
            )
    return form


def options_values(data: Mapping[str, Any]) -> dict[str, str]:
    """The form values of the options already chosen and removed."""
    options = data.get("options") or {}
    chosen = [*options.get("retenues", []), *options.get("fermes", [])]
    values = {f"option-{i}": "1" for i in chosen}
    for exclusion in options.get("exclues", []):
        values[f"retrait-{exclusion.get('id')}"] = "1"
        values[f"justification-{exclusion.get('id')}"] = str(exclusion.get("justification") or "")
    return values


@dataclass
class OptionsAnswer:
    """The ``options`` block read from the form."""

    options: dict[str, Any]
    paths: dict[str, str]


def read_options(
    form: Form, sections: list[OptionSection], firm: Collection[str] = ()
) -> OptionsAnswer:
    """Options ticked and recommendations removed, each removal with its justification.

    An option the dossier made firm (``firm``, its ``options.fermes``) stays firm while ticked:
    the page does not ask that finer choice, so it must not undo it.
    """
    chosen: list[str] = []
    removed: list[dict[str, Any]] = []
    paths: dict[str, str] = {}
    for section in sections:
        for offer in section.offers:
            if form[f"option-{offer.item.id}"].value == "1":
                chosen.append(offer.item.id)
        for selected in section.removable:
            item_id = selected.item.id
            if form[f"retrait-{item_id}"].value != "1":
                continue
            reason = form.parse(f"justification-{item_id}", parse.text)
            paths[f"options.exclues[{len(removed)}]"] = f"justification-{item_id}"
            removed.append({"id": item_id, "justification": reason})
    options: dict[str, Any] = {"retenues": [i for i in chosen if i not in firm], "exclues": removed}
    if any(i in firm for i in chosen):
        options["fermes"] = [i for i in chosen if i in firm]
    for block in ("retenues", "fermes"):
        for index, item_id in enumerate(options.get(block, [])):
            paths[f"options.{block}[{index}]"] = f"option-{item_id}"
    return OptionsAnswer(options, paths)


def place_conflicts(form: Form, conflicts: list[str]) -> None:
    """A selection conflict goes beside the first item it names that has a field on the page."""
    for conflict in conflicts:
        target = None
        for item_id in _ITEM_ID.findall(conflict):
            for name in (f"option-{item_id}", f"retrait-{item_id}"):
                if name in form:
                    target = name
                    break
            if target:
                break
        if target:
            form.error(target, conflict)
        else:
            form.general(conflict)


# -- step 4: the clauses' placeholders ---------------------------------------------------------------


@dataclass
class ValueGroup:
    """The placeholders asked under one selected item."""

    item: Item
    section: str
    names: list[str]
    elsewhere: list[str] = field(default_factory=list)


def values_groups(selection: Selection) -> list[ValueGroup]:
    """The selected items that have placeholders, in document order; a field shared with an
    earlier item is asked there only, and named where it is used again (``elsewhere``)."""
    owned: dict[str, list[str]] = {}
    elsewhere: dict[str, list[str]] = {}
    for shared in value_fields(s.item for s in selection.items):
        owned.setdefault(shared.owner, []).append(_value_name(shared))
        for item_id in shared.item_ids[1:]:
            elsewhere.setdefault(item_id, []).append(
                f"{shared.parameter.label} : saisi sous {shared.owner}."
            )
    return [
        ValueGroup(
            s.item,
            selection.catalog.section_of(s.item).title,
            owned.get(s.item.id, []),
            elsewhere.get(s.item.id, []),
        )
        for s in selection.items
        if s.item.id in owned or s.item.id in elsewhere
    ]


def _value_name(shared: ValueField) -> str:
    return f"valeur-{shared.owner}-{shared.key}"


def advance_field(selection: Selection) -> Question | None:
    """The optional advance, asked on this step because the options now fix the estimate; None
    where the Code requires the advance (:mod:`webpass.dossier.advance`)."""
    question = advance_question(advance_required(selection.procedure))
    return question if question.applies({}) else None


def values_form(selection: Selection, data: Mapping[str, Any]) -> Form:
    """One field per placeholder, filled with the dossier's value or the catalogue's proposal,
    and the optional advance where it applies."""
    given = data.get("valeurs") or {}
    form = Form()
    for shared in value_fields(s.item for s in selection.items):
        form.add(_value_field(shared, given))
    advance = advance_field(selection)
    if advance is not None:
        field = question_field(advance)
        field.value = advance.proposed(data, dt.date.today()) or ""
        form.add(field)
    return form


def _value_field(shared: ValueField, given: Mapping[str, Any]) -> Field:
    """The field of one value, shown with what the documents use now; on two different values
    entered, empty, with both named, so that the person chooses."""
    parameter = shared.parameter
    conflict = conflict_text(given, shared)
    current = None if conflict else current_value(given, shared)
    notes = []
    if conflict:
        notes.append(
            f"Valeurs différentes déjà saisies ({conflict}) : saisissez celle qui vaut pour "
            f"{shared.served}."
        )
    if parameter.hint:
        notes.append(parameter.hint.strip())
    if parameter.unit:
        notes.append(f"Unité : {parameter.unit}.")
    if parameter.minimum is not None and parameter.maximum is not None:
        notes.append(f"De {parameter.minimum} à {parameter.maximum}.")
    elif parameter.minimum is not None:
        notes.append(f"Au moins {parameter.minimum}.")
    elif parameter.maximum is not None:
        notes.append(f"Au plus {parameter.maximum}.")
    short = len(str(parameter.default)) <= 60
    if parameter.default is not None and parameter.kind is not ParameterKind.BOOLEAN and short:
        notes.append(f"Valeur proposée : {parse.show(parameter.default)}.")
    if parameter.kind is ParameterKind.DATE:
        notes.append("Au format JJ/MM/AAAA.")
    value = "" if current is None else parse.show(current)
    name = _value_name(shared)
    label = f"{parameter.label} ({shared.served})"
    hint = " ".join(notes)
    if parameter.kind is ParameterKind.BOOLEAN:
        return Field(
            name,
            label,
            kind="radio",
            hint=hint,
            value=value,
            choices=[Choice("o", "Oui"), Choice("n", "Non")],
        )
    if parameter.kind is ParameterKind.CHOICE:
        return Field(
            name,
            label,
            kind="select",
            hint=hint,
            value=value,
            choices=[Choice(c, c) for c in parameter.choices or []],
        )
    if parameter.kind is ParameterKind.TEXT:
        long = len(value) > 60 or len(str(parameter.default or "")) > 60
        return Field(name, label, kind="textarea" if long else "text", hint=hint, value=value)
    return Field(
        name,
        label,
        hint=hint,
        value=value,
        width="court",
        inputmode="numeric" if parameter.kind is ParameterKind.INTEGER else "",
    )


@dataclass
class ValuesAnswer:
    """The ``valeurs`` block read from the form, and the ``marche`` block with the advance."""

    values: dict[str, dict[str, Any]]
    paths: dict[str, str]
    contract: dict[str, Any] | None = None


def read_values(form: Form, selection: Selection, data: Mapping[str, Any]) -> ValuesAnswer:
    """The placeholders' values, each written once under the first item that uses it; a value
    equal to the catalogue's proposal is not written."""
    values: dict[str, dict[str, Any]] = copy.deepcopy(dict(data.get("valeurs") or {}))
    paths: dict[str, str] = {}
    for shared in value_fields(s.item for s in selection.items):
        name = _value_name(shared)
        for item_id in shared.item_ids:
            paths[f"valeurs.{item_id}.{shared.key}"] = name
            paths.setdefault(f"valeurs.{item_id}", name)
        parameter = shared.parameter
        value = form.parse(name, parse.parameter_parser(parameter.kind, parameter.choices))
        if value is not None:
            store(values, shared, value)
    contract = _read_advance(form, selection, data, paths)
    return ValuesAnswer({k: v for k, v in values.items() if v}, paths, contract)


def _read_advance(
    form: Form, selection: Selection, data: Mapping[str, Any], paths: dict[str, str]
) -> dict[str, Any] | None:
    """The ``marche`` block with the advance answered; « non », the default, is not written, and
    a choice recorded where the advance is now required is dropped."""
    contract: dict[str, Any] = copy.deepcopy(dict(data.get("marche") or {}))
    advance = advance_field(selection)
    # A radio group left untouched posts nothing: the recorded choice stands.
    if advance is not None and advance.key in form and form[advance.key].value:
        paths[".".join(advance.path)] = advance.key
        contract[advance.path[-1]] = form.parse(advance.key, advance.parse)
    if contract.get("avance_facultative") is not True or advance is None:
        contract.pop("avance_facultative", None)
    return contract or None
