"""The wizard's steps as web forms: which fields, their proposed values, and the answers they give.

The questions, their parsers and their defaults are the terminal wizard's (:mod:`webpass.cli.wizard`,
:mod:`webpass.dossier.answer_parsers`); the answers are assembled in the same structure and checked by
the same model and catalogue. Nothing here knows about HTTP: the views bind the posted values,
call ``read_*`` and save what comes back.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from webpass.catalog import Catalog
from webpass.catalog.model import Item, Parameter, ParameterKind, Strength
from webpass.core.errors import Problem
from webpass.core.money import format_number
from webpass.core.validation import validate_located
from webpass.dossier import answer_parsers as parse
from webpass.dossier.answers import Answers, BodyType, Collectivity, Nature, answers_to_yaml
from webpass.dossier.geo import DEPARTEMENTS, department_of_insee, is_valid_insee
from webpass.selection.engine import SelectedItem, Selection, SkippedItem, select
from webpass.untrusted.safe_yaml import Located, load_yaml_text
from webpass.web.forms import Choice, Field, Form

__all__ = [
    "STEPS",
    "OptionSection",
    "ValueGroup",
    "answers_data",
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

MEMBER_ROWS_MIN = 3
MEMBER_ROWS_ADDED = 5
MEMBER_ROWS_MAX = 500
_ITEM_ID = re.compile(r"\b[A-Z]\d{2}\b")


def amount_text(value: Any) -> str:
    """An amount as a French person types it: ``"38000.00"`` → ``"38 000,00"``."""
    try:
        return format_number(parse.amount(str(value)), 2).replace("\u00a0", " ")
    except ValueError:
        return str(value)


def answers_data(answers: Answers) -> dict[str, Any]:
    """The answers as the data of their ``webpass.yaml``, to change a part and check again."""
    data = load_yaml_text(answers_to_yaml(answers), "réponses").data
    assert isinstance(data, dict)
    return data


# -- step 1: the collectivity --------------------------------------------------------------------


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
    """The collectivity's fields, with the terminal wizard's proposed values."""
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
    form.add(
        Field(
            "type",
            "Type de collectivité",
            kind="radio",
            choices=[Choice(t.value, t.label.capitalize()) for t in BodyType],
            value=BodyType.COMMUNE.value,
            required=True,
        ),
        Field("nom", "Nom de la collectivité", required=True, autocomplete="organization"),
        Field(
            "code_insee",
            "Code INSEE de la commune",
            hint="Obligatoire pour une commune : 5 caractères, par exemple 35238 "
            "(2A004 pour la Corse-du-Sud). Ce n'est pas le code postal.",
            width="court",
        ),
        Field(
            "departement",
            "Département",
            hint="Son nom ou son numéro, par exemple 22 ou Côtes-d'Armor. Pour une commune, "
            "laissé vide, il est déduit du code INSEE.",
            width="moyen",
        ),
        Field(
            "population",
            "Nombre d'habitants",
            required=True,
            inputmode="numeric",
            width="court",
        ),
        Field(
            "effectif",
            "Nombre d'agents, en équivalents temps plein",
            value="0",
            inputmode="numeric",
            width="court",
        ),
        Field(
            "recettes",
            "Recettes annuelles encaissées auprès des usagers, en euros",
            hint="Cantine, locations de salles, eau… À partir de 5 000 € par an, le paiement "
            "en ligne est obligatoire.",
            value="0",
            width="moyen",
        ),
        Field(
            "adresse",
            "Adresse de la mairie ou du siège",
            hint="Facultatif.",
            autocomplete="street-address",
        ),
        Field(
            "domaine",
            "Nom de domaine du site",
            hint="Par exemple ma-commune.fr ; facultatif.",
            width="moyen",
        ),
    )
    for index in range(rows):
        number = index + 1
        form.add(
            Field(f"commune-{index}-nom", f"Nom de la commune membre n° {number}"),
            Field(
                f"commune-{index}-insee",
                f"Code INSEE de la commune membre n° {number}",
                hint="Facultatif.",
                width="court",
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
        )
    return form


def profile_values(body: Mapping[str, Any]) -> dict[str, str]:
    """The form values of a collectivity already answered (none for a new dossier)."""
    if not body:
        return {}
    values = {
        "type": str(body.get("type", "")),
        "nom": str(body.get("nom", "")),
        "code_insee": str(body.get("code_insee") or ""),
        "departement": str(body.get("departement") or ""),
        "population": str(body.get("population", "")),
        "effectif": str(body.get("effectif", 0)),
        "recettes": amount_text(body.get("recettes_annuelles", "0")),
        "adresse": str(body.get("adresse") or ""),
        "domaine": str(body.get("domaine") or ""),
    }
    members = body.get("communes") or []
    for index, member in enumerate(members if isinstance(members, list) else []):
        if not isinstance(member, dict):
            continue
        values[f"commune-{index}-nom"] = str(member.get("nom", ""))
        values[f"commune-{index}-insee"] = str(member.get("code_insee") or "")
        values[f"commune-{index}-identite"] = "1" if member.get("identite_propre") else ""
        values[f"commune-{index}-domaine"] = str(member.get("domaine") or "")
    return values


@dataclass
class ProfileAnswer:
    """The collectivity block read from the form, and how to place its problems."""

    body: dict[str, Any]
    paths: dict[str, str] = field(default_factory=dict)

    keywords = (
        ("code INSEE", "code_insee"),
        ("département", "departement"),
        ("communes", "commune-0-nom"),
        ("SIREN", "nom"),
    )


def read_profile(form: Form, rows: int, previous: Mapping[str, Any] | None) -> ProfileAnswer:
    """The ``collectivite`` block from the form; refused answers become field errors."""
    types = {t.value: t.label for t in BodyType}
    body_type = form.parse("type", parse.choice(types))
    body: dict[str, Any] = {"type": body_type, "nom": form.parse("nom", parse.text)}
    guessed = None
    if body_type == BodyType.COMMUNE.value:
        body["code_insee"] = form.parse("code_insee", parse.insee)
        if body["code_insee"] and is_valid_insee(body["code_insee"]):
            guessed = DEPARTEMENTS.get(department_of_insee(body["code_insee"]))
    if not form["departement"].value.strip() and guessed:
        body["departement"] = guessed
    elif not form["departement"].value.strip() and form["code_insee"].error:
        body["departement"] = None  # it will be guessed once the INSEE code is right
    else:
        body["departement"] = form.parse("departement", parse.department)
    body["population"] = form.parse("population", parse.integer(1))
    body["effectif"] = form.parse("effectif", parse.integer(0))
    body["recettes_annuelles"] = form.parse("recettes", parse.amount)
    body["adresse"] = form.parse("adresse", parse.optional_text)
    body["domaine"] = form.parse("domaine", parse.optional_text)
    paths = {
        "collectivite.nom": "nom",
        "collectivite.type": "type",
        "collectivite.code_insee": "code_insee",
        "collectivite.departement": "departement",
        "collectivite.population": "population",
        "collectivite.effectif": "effectif",
        "collectivite.recettes_annuelles": "recettes",
        "collectivite.adresse": "adresse",
        "collectivite.domaine": "domaine",
        "collectivite.communes": "commune-0-nom",
    }
    if body_type is not None and body_type != BodyType.COMMUNE.value:
        body["communes"] = _read_members(form, rows, previous, paths)
        if previous and previous.get("siren"):
            body["siren"] = previous["siren"]
    return ProfileAnswer({k: v for k, v in body.items() if v is not None}, paths)


def _read_members(
    form: Form, rows: int, previous: Mapping[str, Any] | None, paths: dict[str, str]
) -> list[dict[str, Any]]:
    old = previous.get("communes") if previous else None
    specifics = {
        m.get("nom"): m["specificites"]
        for m in (old if isinstance(old, list) else [])
        if isinstance(m, dict) and m.get("specificites")
    }
    members: list[dict[str, Any]] = []
    for index in range(rows):
        prefix = f"commune-{index}"
        own = form[f"{prefix}-identite"].value == "1"
        typed = [form[f"{prefix}-{part}"].value.strip() for part in ("nom", "insee", "domaine")]
        if not any(typed) and not own:
            continue
        member: dict[str, Any] = {"nom": form.parse(f"{prefix}-nom", parse.text)}
        code = form.parse(f"{prefix}-insee", parse.optional_insee)
        if code:
            member["code_insee"] = code
        if own:
            member["identite_propre"] = True
            member["domaine"] = form.parse(f"{prefix}-domaine", parse.text)
        if member["nom"] in specifics:
            member["specificites"] = specifics[member["nom"]]
        where = f"collectivite.communes[{len(members)}]"
        paths[where] = f"{prefix}-nom"
        paths[f"{where}.nom"] = f"{prefix}-nom"
        paths[f"{where}.code_insee"] = f"{prefix}-insee"
        paths[f"{where}.domaine"] = f"{prefix}-domaine"
        members.append(member)
    return members


def collectivity_problems(body: dict[str, Any]) -> list[Problem]:
    """What the answers model refuses in a collectivity block alone (before the project exists)."""
    located = Located(data={"collectivite": parse.plain(body)}, source="assistant")
    _, problems = validate_located(Collectivity, located, ("collectivite",))
    return problems


# -- step 2: the project and the level --------------------------------------------------------------


def project_form(catalog: Catalog) -> Form:
    """The project's fields: nature, current site, target level (the five explained), dates."""
    form = Form()
    levels = sorted(catalog.levels.items())
    form.add(
        Field(
            "nature",
            "Votre projet",
            kind="radio",
            choices=[
                Choice(Nature.CREATION.value, "Création d'un premier site"),
                Choice(Nature.REDESIGN.value, "Refonte du site actuel"),
            ],
            value=Nature.REDESIGN.value,
            required=True,
        ),
        Field(
            "site_adresse",
            "Adresse du site actuel",
            hint="Seulement pour une refonte, par exemple https://www.ma-commune.fr",
            inputmode="url",
            autocomplete="url",
        ),
        Field(
            "site_niveau",
            "Niveau du site actuel",
            kind="select",
            hint="Seulement pour une refonte : les niveaux sont décrits à la question suivante.",
            choices=[Choice(str(n), f"{n} — {level.name}") for n, level in levels],
            value="1",
        ),
        Field(
            "niveau",
            "Niveau visé",
            kind="radio",
            hint="Webpass distingue cinq niveaux de site, du plus simple au plus complet. "
            "Chaque niveau comprend ce que font les précédents.",
            choices=[
                Choice(str(n), f"Niveau {n} — {level.name}", _level_hint(level))
                for n, level in levels
            ],
            value="3",
            required=True,
        ),
        Field(
            "duree",
            "Durée du marché, en mois, reconductions comprises",
            hint="De 1 à 96 mois ; 48 mois est l'usage.",
            value="48",
            inputmode="numeric",
            width="court",
        ),
        Field(
            "budget",
            "Budget envisagé, en euros HT",
            hint="Facultatif : laissez vide s'il n'est pas encore fixé.",
            width="moyen",
        ),
        Field(
            "lancement",
            "Date de lancement de la consultation",
            hint="Au format JJ/MM/AAAA, par exemple 11/01/2027.",
            value=(dt.date.today() + dt.timedelta(days=30)).strftime("%d/%m/%Y"),
            width="moyen",
            required=True,
        ),
        Field(
            "mise_en_ligne",
            "Date de mise en ligne souhaitée",
            hint="Au format JJ/MM/AAAA ; facultatif.",
            width="moyen",
        ),
        Field(
            "reference",
            "Référence de la consultation",
            hint="Facultatif : lettres, chiffres, espaces, points, tirets et barres obliques, "
            "par exemple 2027-WEB-01.",
            width="moyen",
        ),
    )
    for fact in catalog.meta.facts:
        form.add(
            Field(
                f"fait-{fact.id}",
                fact.question,
                kind="radio",
                hint=fact.hint or "",
                choices=[Choice("o", "Oui"), Choice("n", "Non")],
                value=parse.yes_no(fact.default),
            )
        )
    return form


def _level_hint(level: Any) -> str:
    hint = str(level.definition)
    if level.examples:
        hint += " Par exemple : " + " ; ".join(level.examples) + "."
    if level.typical_cost:
        hint += f" Coût indicatif : {level.typical_cost}."
    return hint


def project_values(data: Mapping[str, Any]) -> dict[str, str]:
    """The form values of a project already answered."""
    project = data.get("projet") or {}
    values: dict[str, str] = {}
    if project:
        current = project.get("site_actuel") or {}
        values.update(
            {
                "nature": str(project.get("nature", "")),
                "site_adresse": str(current.get("adresse", "")),
                "site_niveau": str(current.get("niveau") or "1"),
                "niveau": str(project.get("niveau_vise", "")),
                "duree": str(project.get("duree_marche_mois", 48)),
                "budget": amount_text(project["budget"]) if project.get("budget") else "",
                "lancement": _shown(project.get("date_lancement")),
                "mise_en_ligne": _shown(project.get("mise_en_ligne")),
                "reference": str(project.get("reference") or ""),
            }
        )
    for fact_id, answered in (data.get("faits") or {}).items():
        values[f"fait-{fact_id}"] = parse.yes_no(bool(answered))
    return values


def _shown(value: Any) -> str:
    return "" if value is None else parse.show(value)


@dataclass
class ProjectAnswer:
    """The project block and the facts read from the form."""

    project: dict[str, Any]
    facts: dict[str, bool]
    paths: dict[str, str]

    keywords = (("site_actuel", "site_adresse"), ("mise en ligne", "mise_en_ligne"))


def read_project(form: Form, catalog: Catalog) -> ProjectAnswer:
    """The ``projet`` block and the ``faits`` from the form; refusals become field errors."""
    natures = {n.value: n.label for n in Nature}
    nature = form.parse("nature", parse.choice(natures))
    project: dict[str, Any] = {"nature": nature}
    if nature == Nature.REDESIGN.value:
        project["site_actuel"] = {
            "adresse": form.parse("site_adresse", parse.url),
            "niveau": form.parse("site_niveau", parse.integer(1, 5)),
        }
    project["niveau_vise"] = form.parse("niveau", parse.integer(1, 5))
    project["duree_marche_mois"] = form.parse("duree", parse.integer(1, 96))
    project["budget"] = form.parse("budget", parse.optional_amount)
    project["date_lancement"] = form.parse("lancement", parse.date)
    project["mise_en_ligne"] = form.parse("mise_en_ligne", parse.optional_date)
    project["reference"] = form.parse("reference", parse.optional_text)
    facts = {}
    for fact in catalog.meta.facts:
        answered = form.parse(f"fait-{fact.id}", parse.boolean)
        facts[fact.id] = bool(answered)
    paths = {
        "projet.nature": "nature",
        "projet.site_actuel": "site_adresse",
        "projet.site_actuel.adresse": "site_adresse",
        "projet.site_actuel.niveau": "site_niveau",
        "projet.niveau_vise": "niveau",
        "projet.duree_marche_mois": "duree",
        "projet.budget": "budget",
        "projet.date_lancement": "lancement",
        "projet.mise_en_ligne": "mise_en_ligne",
        "projet.reference": "reference",
        **{f"faits.{fact.id}": f"fait-{fact.id}" for fact in catalog.meta.facts},
    }
    return ProjectAnswer({k: v for k, v in project.items() if v is not None}, facts, paths)


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
    values = {f"option-{i}": "1" for i in options.get("retenues", [])}
    for exclusion in options.get("exclues", []):
        values[f"retrait-{exclusion.get('id')}"] = "1"
        values[f"justification-{exclusion.get('id')}"] = str(exclusion.get("justification") or "")
    return values


@dataclass
class OptionsAnswer:
    """The ``options`` block read from the form."""

    options: dict[str, Any]
    paths: dict[str, str]


def read_options(form: Form, sections: list[OptionSection]) -> OptionsAnswer:
    """Options ticked and recommendations removed, each removal with its justification."""
    chosen: list[str] = []
    removed: list[dict[str, Any]] = []
    paths: dict[str, str] = {}
    for section in sections:
        for offer in section.offers:
            if form[f"option-{offer.item.id}"].value == "1":
                paths[f"options.retenues[{len(chosen)}]"] = f"option-{offer.item.id}"
                chosen.append(offer.item.id)
        for selected in section.removable:
            item_id = selected.item.id
            if form[f"retrait-{item_id}"].value != "1":
                continue
            reason = form.parse(f"justification-{item_id}", parse.text)
            paths[f"options.exclues[{len(removed)}]"] = f"justification-{item_id}"
            removed.append({"id": item_id, "justification": reason})
    return OptionsAnswer({"retenues": chosen, "exclues": removed}, paths)


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
    """The placeholders of one selected item."""

    item: Item
    section: str
    names: list[str]


def values_groups(selection: Selection) -> list[ValueGroup]:
    """The selected items that have placeholders, in document order."""
    groups = []
    for selected in selection.items:
        item = selected.item
        if item.parameters:
            groups.append(
                ValueGroup(
                    item,
                    selection.catalog.section_of(item).title,
                    [_value_name(item, p) for p in item.parameters],
                )
            )
    return groups


def _value_name(item: Item, parameter: Parameter) -> str:
    return f"valeur-{item.id}-{parameter.key}"


def values_form(selection: Selection, data: Mapping[str, Any]) -> Form:
    """One field per placeholder, filled with the dossier's value or the catalogue's proposal."""
    given = data.get("valeurs") or {}
    form = Form()
    for selected in selection.items:
        item = selected.item
        for parameter in item.parameters:
            current = (given.get(item.id) or {}).get(parameter.key, parameter.default)
            form.add(_value_field(item, parameter, current))
    return form


def _value_field(item: Item, parameter: Parameter, current: Any) -> Field:
    notes = []
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
    name = _value_name(item, parameter)
    label = f"{parameter.label} ({item.id})"
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
    """The ``valeurs`` block read from the form."""

    values: dict[str, dict[str, Any]]
    paths: dict[str, str]


def read_values(form: Form, selection: Selection, data: Mapping[str, Any]) -> ValuesAnswer:
    """The placeholders' values; a value equal to the catalogue's proposal is not written."""
    values: dict[str, dict[str, Any]] = copy.deepcopy(dict(data.get("valeurs") or {}))
    paths: dict[str, str] = {}
    for selected in selection.items:
        item = selected.item
        for parameter in item.parameters:
            name = _value_name(item, parameter)
            paths[f"valeurs.{item.id}.{parameter.key}"] = name
            paths.setdefault(f"valeurs.{item.id}", name)
            value = form.parse(name, parse.parameter_parser(parameter.kind, parameter.choices))
            if value is None:
                continue
            given = values.setdefault(item.id, {})
            if parameter.default is not None and parse.show(value) == parse.show(parameter.default):
                given.pop(parameter.key, None)
            else:
                given[parameter.key] = value
    return ValuesAnswer({k: v for k, v in values.items() if v}, paths)
