"""The questions a dossier asks, written once and asked by the terminal and the web wizard alike.

Each :class:`Question` says where its answer goes in the answers data (``path``), how the text a
person types is read (``parse``, which raises ``ValueError`` with a French reason), what is
proposed (``default``), when the question applies (``condition``, tested on the answers gathered
so far) and how it is presented (label, help, kind, choices). The terminal wizard
(:mod:`webpass.wizard`) asks them one by one; the web wizard (:mod:`webpass.web.steps`) makes a
form field of each, named by its ``key``, and places every error of the answers model on the field
whose ``path`` it concerns — never by looking for words in the message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from webpass.catalog import Catalog
from webpass.core.frozen_record import frozen_record
from webpass.dossier import answer_parsers as parse
from webpass.dossier.answers import (
    ELECTRONIC_ACTS_FACT,
    ActsPublicityMode,
    Answers,
    BodyType,
    Nature,
    answers_to_yaml,
)
from webpass.dossier.contract import FamilyService, IntellectualProperty, PurchaseSetup
from webpass.dossier.domain_name import check_domain
from webpass.untrusted.safe_yaml import load_yaml_text

__all__ = [
    "Choice",
    "Kind",
    "Question",
    "advance_question",
    "answers_as_data",
    "contract_questions",
    "error_paths",
    "get_at",
    "profile_questions",
    "project_questions",
    "set_at",
]

Data = Mapping[str, Any]


class Kind(StrEnum):
    """How a question is presented."""

    TEXT = "text"
    RADIO = "radio"
    SELECT = "select"
    TEXTAREA = "textarea"


@frozen_record
class Choice:
    """One of the answers a choice question offers."""

    value: str
    label: str
    hint: str = ""


@frozen_record
class Question:
    """One question of the questionnaire.

    Attributes:
        key: its name: the web form field, and where its errors are shown.
        path: where the answer is stored in the answers data (``("collectivite", "population")``).
        label: the question, in French, as both wizards show it.
        parse: reads the typed text; raises ``ValueError`` with a French reason.
        help: a sentence shown under the question.
        default: what is proposed, from the answers gathered so far and today's date; the value
            already answered, when there is one, is proposed instead.
        condition: whether the question applies, given the answers gathered so far.
        required: whether an answer is needed (the web marks it « obligatoire »).
        kind: text, radio, select or textarea.
        choices: the answers offered by a radio or a select.
        width / inputmode / autocomplete: presentation hints for the web.
        show: how a recorded answer is written back in the field (``str`` by default).
    """

    key: str
    path: tuple[str, ...]
    label: str
    parse: Callable[[str], Any]
    help: str = ""
    default: Callable[[Data, dt.date], str | None] = lambda _data, _today: None
    condition: Callable[[Data], bool] = lambda _data: True
    required: bool = False
    kind: Kind = Kind.TEXT
    choices: tuple[Choice, ...] = field(default_factory=tuple)
    width: str = ""
    inputmode: str = ""
    autocomplete: str = ""
    show: Callable[[Any], str] | None = None

    def proposed(self, data: Data, today: dt.date) -> str | None:
        """The answer already given, as typed, else the default."""
        given = get_at(data, self.path)
        if given is not None:
            return _shown(given, self)
        return self.default(data, today)

    def applies(self, data: Data) -> bool:
        """Whether the question is asked, given what is answered so far."""
        return self.condition(data)


def get_at(data: Data, path: tuple[str, ...]) -> Any:
    """The value at ``path`` in nested mappings, or None."""
    node: Any = data
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def set_at(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Store ``value`` at ``path``; None removes the key (an optional answer left blank), and
    the block that holds it when nothing else is left in it (``signataire`` without ``nom``)."""
    if value is None:
        _remove_at(data, path)
        return
    node = data
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[path[-1]] = value


def _remove_at(node: dict[str, Any], path: tuple[str, ...]) -> None:
    if len(path) == 1:
        node.pop(path[0], None)
        return
    child = node.get(path[0])
    if isinstance(child, dict):
        _remove_at(child, path[1:])
        if not child:
            node.pop(path[0], None)


def error_paths(questions: Iterable[Question]) -> dict[str, str]:
    """Dotted answer path → question key, for placing the answers model's problems."""
    return {".".join(q.path): q.key for q in questions}


def answers_as_data(answers: Answers) -> dict[str, Any]:
    """The answers as the data of their ``webpass.yaml``, to change a part and check again."""
    data = load_yaml_text(answers_to_yaml(answers), "réponses").data
    assert isinstance(data, dict)
    return data


def _shown(value: Any, question: Question) -> str:
    if question.show is not None:
        return question.show(value)
    if question.parse is parse.amount or question.parse is parse.optional_amount:
        return parse.amount_text(value)
    return parse.show(value)


# -- the collectivity ---------------------------------------------------------------------------------


def _is_commune(data: Data) -> bool:
    return bool(get_at(data, ("collectivite", "type")) == BodyType.COMMUNE.value)


def _const(value: str | None) -> Callable[[Data, dt.date], str | None]:
    return lambda _data, _today: value


def _optional_domain(raw: str) -> str | None:
    return None if raw in ("", "-") else check_domain(raw)


def profile_questions() -> list[Question]:
    """Who the collectivity is. Name, codes, département and population are proposed from the
    reference once the collectivity is found (see :mod:`webpass.collectivities.identity`)."""
    return list(_PROFILE)


_PROFILE: tuple[Question, ...] = (
    Question(
        "type",
        ("collectivite", "type"),
        "Type de collectivité",
        parse.choice({t.value: t.label for t in BodyType}),
        kind=Kind.RADIO,
        choices=tuple(Choice(t.value, t.label.capitalize()) for t in BodyType),
        default=_const(BodyType.COMMUNE.value),
        required=True,
    ),
    Question(
        "nom",
        ("collectivite", "nom"),
        "Nom de la collectivité",
        parse.text,
        required=True,
        autocomplete="organization",
    ),
    Question(
        "code_insee",
        ("collectivite", "code_insee"),
        "Code INSEE de la commune",
        parse.optional_insee,
        help="5 caractères, par exemple 56165 pour Ploërmel (2A004 pour la Corse-du-Sud). "
        "Ce n'est pas le code postal.",
        condition=_is_commune,
        required=True,
        width="court",
    ),
    Question(
        "siren",
        ("collectivite", "siren"),
        "SIREN",
        parse.optional_siren,
        help="9 chiffres ; proposé d'après le référentiel.",
        width="moyen",
        inputmode="numeric",
    ),
    Question(
        "departement",
        ("collectivite", "departement"),
        "Département",
        parse.optional_department,
        help="Son nom ou son numéro, par exemple 56 ou Morbihan.",
        width="moyen",
    ),
    Question(
        "population",
        ("collectivite", "population"),
        "Nombre d'habitants",
        parse.optional_integer(1),
        help="La population légale de l'INSEE est proposée : ne la changez que si vous avez "
        "un chiffre plus récent. Elle décide de certaines obligations (publication des "
        "actes et données ouvertes à partir de 3 500 habitants).",
        required=True,
        width="court",
        inputmode="numeric",
    ),
    Question(
        "code_postal",
        ("collectivite", "code_postal"),
        "Code postal",
        parse.optional_postal_code,
        width="court",
        inputmode="numeric",
        autocomplete="postal-code",
    ),
    Question(
        "effectif",
        ("collectivite", "effectif"),
        "Nombre d'agents, en équivalents temps plein",
        parse.integer(0),
        default=_const("0"),
        width="court",
        inputmode="numeric",
    ),
    Question(
        "recettes",
        ("collectivite", "recettes_annuelles"),
        "Recettes annuelles encaissées auprès des usagers, en euros",
        parse.amount,
        help="Cantine, locations de salles, eau… À partir de 5 000 € par an, le paiement en "
        "ligne est obligatoire.",
        default=_const("0"),
        width="moyen",
    ),
    Question(
        "adresse",
        ("collectivite", "adresse"),
        "Adresse de la mairie ou du siège",
        parse.optional_text,
        help="Facultatif.",
        autocomplete="street-address",
    ),
    Question(
        "courriel",
        ("collectivite", "courriel"),
        "Adresse électronique de la mairie ou du siège",
        parse.optional_email,
        help="Les prestataires y posent leurs questions : la lettre de consultation l'indique. "
        "Par exemple mairie@ma-commune.fr.",
        width="moyen",
        inputmode="email",
        autocomplete="email",
    ),
    Question(
        "courriel_offres",
        ("collectivite", "courriel_offres"),
        "Adresse électronique réservée à la réception des devis",
        parse.optional_email,
        help="Pour une consultation par devis sans profil d'acheteur : une adresse distincte de "
        "celle de la mairie, que personne n'ouvre avant la date limite, pour que les devis "
        "restent secrets jusque-là. Par exemple devis@ma-commune.fr. Facultatif si les devis "
        "sont déposés sur un profil d'acheteur.",
        width="moyen",
        inputmode="email",
    ),
    Question(
        "signataire_nom",
        ("collectivite", "signataire", "nom"),
        "Nom du signataire des pièces (maire, président ou élu délégué)",
        parse.optional_text,
        help="Prénom et nom : la lettre de consultation se termine par sa signature.",
        autocomplete="name",
    ),
    Question(
        "signataire_qualite",
        ("collectivite", "signataire", "qualite"),
        "Qualité du signataire",
        parse.optional_text,
        help="Par exemple « Le maire » ou « La première adjointe, par délégation » ; laissé "
        "vide : le maire ou le président.",
        condition=lambda data: get_at(data, ("collectivite", "signataire", "nom")) is not None,
        width="moyen",
    ),
    Question(
        "domaine",
        ("collectivite", "domaine"),
        "Nom de domaine du site",
        _optional_domain,
        help="Le nom seul, sans « https:// », par exemple ma-commune.fr ; facultatif.",
        width="moyen",
    ),
)


# -- the project --------------------------------------------------------------------------------------


def _is_redesign(data: Data) -> bool:
    return bool(get_at(data, ("projet", "nature")) == Nature.REDESIGN.value)


def project_questions(
    catalog: Catalog, today: dt.date, previous: Data | None = None
) -> list[Question]:
    """What the collectivity wants: nature, current site, target level, market, dates, facts.

    ``previous`` (the dossier's answers, if any) lets its recorded launch date stand.
    """
    recorded = get_at(previous or {}, ("projet", "date_lancement"))
    return [
        *_site_questions(catalog),
        *_market_questions(catalog, today, recorded if isinstance(recorded, dt.date) else None),
        *_fact_questions(catalog),
    ]


def _site_questions(catalog: Catalog) -> list[Question]:
    levels = sorted(catalog.levels.items())
    return [
        Question(
            "nature",
            ("projet", "nature"),
            "Votre projet",
            parse.choice({n.value: n.label for n in Nature}),
            kind=Kind.RADIO,
            choices=(
                Choice(Nature.CREATION.value, "Création d'un premier site"),
                Choice(Nature.REDESIGN.value, "Refonte du site actuel"),
            ),
            default=_const(Nature.REDESIGN.value),
            required=True,
        ),
        Question(
            "site_adresse",
            ("projet", "site_actuel", "adresse"),
            "Adresse du site actuel",
            parse.url,
            help="Obligatoire pour une refonte, par exemple https://www.ma-commune.fr",
            condition=_is_redesign,
            required=True,
            inputmode="url",
            autocomplete="url",
        ),
        Question(
            "site_niveau",
            ("projet", "site_actuel", "niveau"),
            "Niveau du site actuel",
            parse.integer(1, 5),
            help="Seulement pour une refonte : les niveaux sont décrits à la question suivante.",
            condition=_is_redesign,
            kind=Kind.SELECT,
            choices=tuple(Choice(str(n), f"{n} — {level.name}") for n, level in levels),
            default=_const("1"),
        ),
        Question(
            "niveau",
            ("projet", "niveau_vise"),
            "Niveau visé",
            parse.integer(1, 5),
            help="Webpass distingue cinq niveaux de site, du plus simple au plus complet. Chaque "
            "niveau comprend ce que font les précédents.",
            kind=Kind.RADIO,
            choices=tuple(
                Choice(str(n), f"Niveau {n} — {level.name}", _level_hint(level))
                for n, level in levels
            ),
            default=_const("3"),
            required=True,
        ),
    ]


def _market_questions(catalog: Catalog, today: dt.date, recorded: dt.date | None) -> list[Question]:
    return [
        Question(
            "duree",
            ("projet", "duree_marche_mois"),
            "Durée du marché, en mois, reconductions comprises",
            parse.integer(1, 96),
            help="De 1 à 96 mois ; 48 mois est l'usage.",
            default=_const("48"),
            width="court",
            inputmode="numeric",
        ),
        Question(
            "budget",
            ("projet", "budget"),
            "Budget envisagé, en euros HT",
            parse.optional_amount,
            help="Facultatif : laissez vide s'il n'est pas encore fixé.",
            width="moyen",
        ),
        Question(
            "temps_agent",
            ("projet", "temps_agent_hebdo"),
            "Heures par semaine que vos agents consacreront au site",
            parse.optional_integer(0, 400),
            # The time the staff give the site sets the size of the project (catalogue « tailles »).
            help="Facultatif : laissez vide si vous ne savez pas.",
            width="court",
            inputmode="numeric",
        ),
        Question(
            "lancement",
            ("projet", "date_lancement"),
            "Date de lancement de la consultation",
            parse.launch_date(catalog, today, recorded),
            help="Au format JJ/MM/AAAA, par exemple 11/01/2027.",
            default=lambda _data, day: (day + dt.timedelta(days=30)).strftime("%d/%m/%Y"),
            required=True,
            width="moyen",
        ),
        Question(
            "mise_en_ligne",
            ("projet", "mise_en_ligne"),
            "Date de mise en ligne souhaitée",
            parse.optional_date,
            help="Au format JJ/MM/AAAA ; facultatif.",
            width="moyen",
        ),
        Question(
            "reference",
            ("projet", "reference"),
            "Référence de la consultation",
            parse.optional_reference,
            help="Facultatif : lettres, chiffres, espaces, points, tirets et barres obliques, par "
            "exemple 2027-WEB-01.",
            width="moyen",
        ),
    ]


def _fact_questions(catalog: Catalog) -> list[Question]:
    return [
        Question(
            f"fait-{fact.id}",
            ("faits", fact.id),
            fact.question,
            parse.boolean,
            help=fact.hint or "",
            kind=Kind.RADIO,
            choices=(Choice("o", "Oui"), Choice("n", "Non")),
            default=_const(parse.yes_no(fact.default)),
        )
        for fact in catalog.meta.facts
    ] + _acts_publicity_questions()


def _acts_not_online(data: Data) -> bool:
    """A commune whose acts are not published online: its council chose another way."""
    return _is_commune(data) and get_at(data, ("faits", ELECTRONIC_ACTS_FACT)) is False


def _acts_deliberation_given(data: Data) -> bool:
    return _acts_not_online(data) and get_at(data, _DELIBERATION) is not None


_DELIBERATION = ("collectivite", "publicite_actes", "deliberation")


def _acts_publicity_questions() -> list[Question]:
    """The deliberation, then the mode it chose, that the CCTP states for acts not published
    online (D05); without the date nothing is stored and the CCTP says nothing of the mode."""
    modes = {mode.value: mode.words for mode in ActsPublicityMode}
    return [
        Question(
            "publicite-actes-deliberation",
            _DELIBERATION,
            "Date de la délibération qui a choisi le mode de publicité de vos actes",
            parse.optional_date,
            help="JJ/MM/AAAA. Depuis le 1er juillet 2022, une commune de moins de 3 500 habitants "
            "choisit par délibération l'affichage, la publication sur papier ou la publication "
            "électronique de ses actes (article L2131-1 du CGCT). Le CCTP ne nomme le mode choisi "
            "qu'avec cette date ; sans délibération, la publication électronique s'applique : "
            "répondez alors « oui » à la question sur la publication électronique des actes.",
            condition=_acts_not_online,
            width="moyen",
        ),
        Question(
            "publicite-actes-mode",
            ("collectivite", "publicite_actes", "mode"),
            "Mode de publicité que cette délibération a choisi",
            parse.choice(modes),
            condition=_acts_deliberation_given,
            kind=Kind.RADIO,
            choices=tuple(Choice(value, words) for value, words in modes.items()),
            default=_const(ActsPublicityMode.POSTING.value),
        ),
    ]


def _level_hint(level: Any) -> str:
    hint = str(level.definition)
    if level.examples:
        hint += " Par exemple : " + " ; ".join(level.examples) + "."
    if level.typical_cost:
        hint += f" Coût indicatif : {level.typical_cost}."
    return hint


# -- the contract terms (the « marche » block) -------------------------------------------------------


def _is_groupement(data: Data) -> bool:
    body_type = get_at(data, ("collectivite", "type"))
    return body_type is not None and body_type != BodyType.COMMUNE.value


def _joint_purchasing(data: Data) -> bool:
    setup = get_at(data, ("marche", "montage"))
    return _is_groupement(data) and setup in (None, PurchaseSetup.JOINT_PURCHASING.value)


def contract_questions(data: Data) -> list[Question]:
    """The buyer's contract choices, every one with a default that suits a small collectivity.

    ``data`` holds the collectivity already answered: a groupement is asked how it buys and,
    for a groupement de commandes, which member communes join it.
    """
    members = [
        str(m.get("nom"))
        for m in get_at(data, ("collectivite", "communes")) or []
        if isinstance(m, Mapping) and m.get("nom")
    ]
    return [
        Question(
            "montage",
            ("marche", "montage"),
            "Qui achète pour les communes membres ?",
            parse.optional_choice({s.value: s.label for s in PurchaseSetup}),
            kind=Kind.RADIO,
            choices=(
                Choice(
                    PurchaseSetup.JOINT_PURCHASING.value,
                    "Un groupement de commandes avec les communes membres",
                    "Une convention lie les communes qui adhèrent ; le groupement coordonne "
                    "(articles L2113-6 et L2113-7 du Code de la commande publique).",
                ),
                Choice(
                    PurchaseSetup.EPCI_ALONE.value,
                    "Le groupement achète seul, pour ses compétences",
                    "Pas de convention : le marché ne sert que le groupement.",
                ),
            ),
            default=_const(PurchaseSetup.JOINT_PURCHASING.value),
            condition=_is_groupement,
        ),
        Question(
            "membres_groupement",
            ("marche", "membres_du_groupement_de_commandes"),
            "Communes qui adhèrent au groupement de commandes",
            parse.member_names(members),
            help="Leurs noms, séparés par des virgules ; vide ou « - » : toutes les communes "
            "membres adhèrent.",
            condition=_joint_purchasing,
        ),
        Question(
            "espace_famille_groupement",
            ("marche", "espace_famille_services_du_groupement"),
            "Services de l'espace famille (F03) que le groupement exerce par transfert de compétence",
            parse.choice_list({f.value: f.label for f in FamilyService}),
            help="Si vous retenez l'espace famille : numéros séparés par des virgules parmi "
            + " ; ".join(f"{n} {f.label}" for n, f in enumerate(FamilyService, 1))
            + ". Le groupement paie sa part de l'espace famille et est responsable de ces "
            "inscriptions ; l'inscription scolaire reste aux communes. Vide ou « - » : l'espace "
            "famille ne sert que les compétences des communes.",
            condition=_joint_purchasing,
        ),
        Question(
            "part_espace_famille",
            ("marche", "part_espace_famille_du_groupement"),
            "Part du prix de l'espace famille payée par le groupement",
            parse.optional_decimal(Decimal("0.05"), Decimal("0.95")),
            help="Entre 0,05 et 0,95, fixée entre les membres selon l'usage attendu de chaque "
            "service ; laissée vide : 0,5. Les communes paient le reste selon leur population.",
            width="court",
            inputmode="decimal",
            show=parse.decimal_text,
            condition=lambda data: (
                _joint_purchasing(data)
                and bool(get_at(data, ("marche", "espace_famille_services_du_groupement")))
            ),
        ),
        Question(
            "propriete_intellectuelle",
            ("marche", "propriete_intellectuelle"),
            "Droits sur le site et ses contenus",
            parse.optional_choice({p.value: p.label for p in IntellectualProperty}),
            kind=Kind.RADIO,
            choices=(
                Choice(
                    IntellectualProperty.EXTENDED.value,
                    "Droits étendus (recommandé)",
                    "Tous usages, sans exclusivité, et l'exclusivité de l'identité visuelle : "
                    "vous pourrez faire reprendre le site par un autre prestataire.",
                ),
                Choice(
                    IntellectualProperty.CCAG.value,
                    "Régime du CCAG-TIC, sans dérogation",
                    "Les usages prévus par le cahier des clauses administratives générales.",
                ),
                Choice(
                    IntellectualProperty.EXCLUSIVE.value,
                    "Cession exclusive de tous les résultats",
                    "Plus coûteuse : le prestataire ne pourra réutiliser aucun résultat.",
                ),
            ),
            default=_const(IntellectualProperty.EXTENDED.value),
        ),
        Question(
            "taux_avance",
            ("marche", "taux_avance"),
            "Taux de l'avance versée au titulaire, en pourcentage",
            parse.optional_decimal(Decimal(5), Decimal(30), " %"),
            help="De 5 à 30 % (article R2191-7 du Code de la commande publique) ; 5 % est l'usage.",
            default=_const("5"),
            width="court",
            inputmode="decimal",
            show=parse.decimal_text,
        ),
        Question(
            "maximum_bons",
            ("marche", "maximum_bons_de_commande"),
            "Montant maximum des bons de commande, en euros HT, sur toute la durée",
            parse.optional_amount,
            help="Facultatif : laissé vide, il est calculé d'après les quantités estimées.",
            width="moyen",
        ),
        Question(
            "part_fixe",
            ("marche", "part_fixe_revision"),
            "Part fixe, non révisable, de la formule de révision des prix",
            parse.optional_decimal(Decimal(0), Decimal("0.5")),
            help="Entre 0 et 0,5 ; 0,15 est l'usage.",
            default=_const("0,15"),
            width="court",
            inputmode="decimal",
            show=parse.decimal_text,
        ),
        Question(
            "comptable",
            ("marche", "comptable_assignataire"),
            "Comptable public assignataire des paiements",
            parse.optional_text,
            help="Facultatif, par exemple « Service de gestion comptable de Ploërmel ».",
        ),
        Question(
            "validite_offres",
            ("marche", "validite_offres_jours"),
            "Délai de validité des offres, en jours",
            parse.optional_integer(30, 180),
            help="De 30 à 180 jours à compter de la date limite de remise des offres ; laissé "
            "vide : 60 jours pour une consultation par devis, 90 jours avec publicité.",
            width="court",
            inputmode="numeric",
        ),
    ]


def advance_question(required: bool) -> Question:
    """Whether to pay the advance where the Code does not require it (:mod:`webpass.dossier.advance`).

    ``required`` comes from the dossier's procedure and sincere estimate, known once the options
    are chosen: the question applies only where the advance is not due, as the CCAP, the quote
    form and the acte d'engagement then print the buyer's choice.
    """
    return Question(
        "avance_facultative",
        ("marche", "avance_facultative"),
        "Verser une avance au titulaire, bien que le Code ne l'impose pas ?",
        parse.boolean,
        help="Le marché est estimé à 50 000 € HT ou moins : l'avance n'est pas obligatoire "
        "(article R2191-3 du Code de la commande publique). La verser aide une petite entreprise, "
        "qui n'attend pas la première étape pour être payée ; le titulaire peut y renoncer dans "
        "son devis. Sans avance, la réalisation est payée par acomptes.",
        kind=Kind.RADIO,
        choices=(Choice("o", "Oui"), Choice("n", "Non")),
        default=_const("n"),
        condition=lambda _data: not required,
    )
