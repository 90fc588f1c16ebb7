"""The answers of a dossier: who the collectivity is, what it wants, what it chose.

One YAML file per dossier, ``DOSSIER/webpass.yaml``, written by the wizard (``webpass nouveau``)
or by hand, read by every other command. It carries the catalogue version it was made with.
Validation reports every mistake at once: each block is validated on its own so a wrong
population does not hide an unknown option, then the answers are checked against the catalogue.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    Strict,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from webpass.catalog import Catalog
from webpass.catalog.conditions import DossierFacts
from webpass.catalog.model import Item, Parameter, ParameterKind, Strength
from webpass.catalog.model import Money as Money
from webpass.compare.award import AwardCriteria
from webpass.core.distinct import first_repeated
from webpass.core.dump_cache import remembered_yaml
from webpass.core.empty import empty_dict, empty_list
from webpass.core.errors import InputError, Problem, ValidationFailed
from webpass.core.french_list import french_list
from webpass.core.matching import fold
from webpass.core.money import AmountError, parse_amount
from webpass.core.schema import register
from webpass.core.strict_model import BUILT_ON_FIRST_USE, StrictModel
from webpass.core.validation import read_located, validate_located
from webpass.dossier.contract import ContractTerms
from webpass.dossier.domain_name import check_domain
from webpass.dossier.geo import (
    DEPARTEMENTS,
    department_code,
    department_of_insee,
    is_valid_insee,
    is_valid_siren,
)
from webpass.dossier.site_holders import in_holders_name
from webpass.untrusted.safe_yaml import Located
from webpass.untrusted.text import control_problem

__all__ = [
    "ANSWERS_FILE",
    "ELECTRONIC_ACTS_FACT",
    "ActsPublicity",
    "ActsPublicityMode",
    "Answers",
    "BodyType",
    "Collectivity",
    "CurrentSite",
    "Exclusion",
    "Financing",
    "MemberCommune",
    "MemberCurrentSite",
    "Nature",
    "Options",
    "OtherFunder",
    "Project",
    "Signatory",
    "answers_to_yaml",
    "check_answers",
    "clause_context",
    "dossier_facts",
    "identity_problems",
    "load_answers",
    "missing_fields",
    "parameter_values",
    "parse_answers",
]

ANSWERS_FILE = "webpass.yaml"
SCHEMA_LINE = ""  # a dossier lives anywhere: no relative path to the schema can be written

ItemId = Annotated[str, Field(pattern=r"^[A-Z]\d{2}$")]
MAX_PARAMETER_TEXT = 2_000  # characters of a placeholder's value: a clause quotes it whole
MAX_PARAMETER_INTEGER = 10**12


def _typed_text(value: str) -> str:
    problem = control_problem(value)
    if problem:
        raise ValueError(f"la valeur {problem}")
    return value


# A text typed by a person: refused when it holds control characters (NUL, terminal escapes)
# or nothing visible, with the field named by the model's error.
TypedText = Annotated[str, AfterValidator(_typed_text)]
Value = str | bool | int | dt.date


class BodyType(StrEnum):
    """The legal kind of the buyer."""

    COMMUNE = "commune"
    COMMUNITY = "communaute_de_communes"
    SYNDICATE = "syndicat"

    @property
    def label(self) -> str:
        """French name."""
        return {
            "commune": "commune",
            "communaute_de_communes": "communauté de communes",
            "syndicat": "syndicat intercommunal",
        }[self.value]

    @property
    def profile(self) -> str:
        """The Webpass profile: a single commune or a groupement."""
        return "commune" if self is BodyType.COMMUNE else "groupement"


class Nature(StrEnum):
    """Building a first site or redoing an existing one."""

    CREATION = "creation"
    REDESIGN = "refonte"

    @property
    def label(self) -> str:
        """French name, as clauses use it."""
        return "création" if self is Nature.CREATION else "refonte"


class MemberCurrentSite(StrictModel):
    """A member commune's site as it is today: what the contractor takes over, redirects and
    transfers (CCTP annex « Communes membres », K02, K07). Facts of the dossier, never guessed."""

    model_config = BUILT_ON_FIRST_USE

    url: str = Field(
        alias="adresse",
        pattern=r"^https?://\S+$",
        max_length=300,
        description="Adresse du site actuel de la commune.",
    )
    pages: int = Field(
        alias="nombre_pages", ge=1, le=100_000, description="Nombre approximatif de pages."
    )
    documents: int = Field(
        0,
        alias="nombre_documents",
        ge=0,
        le=1_000_000,
        description="Nombre approximatif de documents téléchargeables à reprendre.",
    )
    tool: TypedText | None = Field(
        None, alias="outil", max_length=200, description="Outil qui le fait fonctionner."
    )
    host: TypedText | None = Field(
        None, alias="hebergeur", max_length=200, description="Qui l'héberge aujourd'hui."
    )
    registrar: TypedText | None = Field(
        None,
        alias="bureau_enregistrement",
        max_length=200,
        description="Bureau d'enregistrement du nom de domaine, et au nom de qui il est enregistré.",
    )

    def describe(self) -> str:
        """« https://www.x.fr : environ 240 pages et 410 documents ; outil … ; hébergé par … »."""
        parts = [
            f"{self.url} : environ {self.pages} pages"
            + (f" et {self.documents} documents" if self.documents else "")
        ]
        parts += [f"outil : {self.tool}"] if self.tool else []
        parts += [f"hébergement : {self.host}"] if self.host else []
        parts += [f"nom de domaine : {self.registrar}"] if self.registrar else []
        return " ; ".join(parts)


class MemberCommune(StrictModel):
    """A member commune of a groupement."""

    model_config = BUILT_ON_FIRST_USE

    name: TypedText = Field(
        alias="nom", min_length=1, max_length=120, description="Nom de la commune."
    )
    insee: str | None = Field(None, alias="code_insee", description="Code INSEE de la commune.")
    population: int | None = Field(
        None,
        ge=1,
        le=5_000_000,
        description="Population légale de la commune (reprise du référentiel quand elle y est).",
    )
    manual: bool = Field(
        False,
        alias="saisie_manuelle",
        description="Vrai pour une commune absente du référentiel (commune nouvelle récente).",
    )
    own_identity: bool = Field(
        False,
        alias="identite_propre",
        description="Vrai si la commune a son propre site (nom de domaine et charte graphique).",
    )
    domain: str | None = Field(
        None,
        alias="domaine",
        max_length=120,
        validate_default=True,
        description="Nom de domaine du site communal.",
    )
    specifics: TypedText | None = Field(
        None,
        alias="specificites",
        max_length=2000,
        description="Particularités du site communal (texte libre).",
    )
    current_site: MemberCurrentSite | None = Field(
        None,
        alias="site_actuel",
        description="Site actuel de la commune, s'il existe : adresse, volume, outil, hébergeur "
        "et bureau d'enregistrement, pour que les candidats chiffrent sa reprise.",
    )

    @field_validator("insee")
    @classmethod
    def _insee_format(cls, value: str | None) -> str | None:
        if value is not None and not is_valid_insee(value):
            raise ValueError(f"code INSEE « {value} » invalide (5 caractères, ex. 35238 ou 2A004)")
        return value

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            if info.data.get("own_identity"):
                raise ValueError("une commune avec identité propre doit avoir un « domaine »")
            return None
        return _domain_name(value)


EMAIL_PATTERN = r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"


class Signatory(StrictModel):
    """Who signs the buyer's letters and accepts the offer: a named person and their office."""

    model_config = BUILT_ON_FIRST_USE

    name: TypedText = Field(
        alias="nom", min_length=1, max_length=120, description="Prénom et nom du signataire."
    )
    quality: TypedText | None = Field(
        None,
        alias="qualite",
        max_length=120,
        description="Qualité du signataire, ex. « Le maire », « La première adjointe, par "
        "délégation » ; par défaut : le maire ou le président.",
    )


class ActsPublicityMode(StrEnum):
    """How a commune under 3 500 inhabitants publishes its acts when its council chose not to
    publish them electronically (CGCT L2131-1, since 1 July 2022)."""

    POSTING = "affichage"
    PAPER = "papier"

    @property
    def words(self) -> str:
        """« par affichage », after « la publicité légale reste assurée »."""
        return {"affichage": "par affichage", "papier": "par publication sur papier"}[self.value]


# The fact that says the acts are published online; its « non » is what makes the council's
# deliberation matter.
ELECTRONIC_ACTS_FACT = "publication_electronique_actes"


class ActsPublicity(StrictModel):
    """The deliberation by which the council chose how its acts are published.

    Without a deliberation electronic publication applies by default, so the CCTP states a
    posting or paper publicity only with the date of the deliberation that chose it (small
    commune M1 of the review of 1 December 2026).
    """

    model_config = BUILT_ON_FIRST_USE

    mode: Annotated[ActsPublicityMode, Strict(False)] = Field(
        ActsPublicityMode.POSTING, description="affichage ou papier."
    )
    deliberation: dt.date | None = Field(
        None,
        description="Date de la délibération du conseil qui a choisi ce mode ; sans elle, le "
        "CCTP ne dit rien du mode de publicité des actes.",
    )


class Collectivity(StrictModel):
    """The buyer.

    Every check is made on the field it concerns (never on the whole block), so a form shows
    each error beside its own field. Before this model, :func:`webpass.collectivities.identity.
    complete_identity` has filled what the reference knows and checked what disagrees with it.
    """

    name: TypedText = Field(
        alias="nom", min_length=1, max_length=150, description="Nom de la collectivité."
    )
    body_type: Annotated[BodyType, Strict(False)] = Field(
        alias="type", description="commune, communaute_de_communes ou syndicat."
    )
    manual: bool = Field(
        False,
        alias="saisie_manuelle",
        description="Vrai pour une collectivité absente du référentiel des communes et EPCI "
        "(syndicat, commune nouvelle récente), saisie à la main.",
    )
    insee: str | None = Field(
        None,
        alias="code_insee",
        validate_default=True,
        description="Code INSEE (obligatoire pour une commune).",
    )
    siren: str | None = Field(None, description="SIREN (9 chiffres).")
    department: str = Field(
        alias="departement", min_length=1, description="Nom ou numéro du département."
    )
    postal_code: str | None = Field(
        None,
        alias="code_postal",
        pattern=r"^\d{5}$",
        description="Code postal de la mairie ou du siège.",
    )
    population: int = Field(
        ge=1, le=5_000_000, description="Nombre d'habitants (population municipale)."
    )
    staff: int = Field(
        0, alias="effectif", ge=0, le=500_000, description="Agents, en équivalents temps plein."
    )
    receipts: Money = Field(
        Decimal(0),
        alias="recettes_annuelles",
        description="Recettes propres encaissées chaque année auprès des usagers (cantine, locations…), en euros.",
    )
    address: TypedText | None = Field(
        None, alias="adresse", max_length=300, description="Adresse de la mairie ou du siège."
    )
    domain: str | None = Field(
        None, alias="domaine", max_length=120, description="Nom de domaine du site."
    )
    email: str | None = Field(
        None,
        alias="courriel",
        max_length=254,
        pattern=EMAIL_PATTERN,
        description="Adresse électronique de la mairie ou du siège, où les prestataires posent "
        "leurs questions (consultation sans publicité).",
    )
    offers_email: str | None = Field(
        None,
        alias="courriel_offres",
        max_length=254,
        pattern=EMAIL_PATTERN,
        description="Adresse électronique réservée à la réception des devis d'une consultation "
        "sans publicité, distincte de l'adresse générale et ouverte seulement après la date "
        "limite, pour que les devis restent secrets jusque-là ; inutile si les devis sont déposés "
        "sur le profil d'acheteur (criteres.profil_acheteur).",
    )
    signatory: Signatory | None = Field(
        None,
        alias="signataire",
        description="Personne qui signe la lettre de consultation et accepte l'offre : nom et "
        "qualité.",
    )
    acts_publicity: ActsPublicity | None = Field(
        None,
        alias="publicite_actes",
        description="Quand les actes ne sont pas publiés sous forme électronique (fait "
        "« publication_electronique_actes » à non) : le mode de publicité choisi par délibération "
        "(affichage ou papier) et la date de cette délibération.",
    )
    members: list[MemberCommune] = Field(
        default_factory=empty_list,
        alias="communes",
        max_length=500,
        validate_default=True,
        description="Communes membres (groupement).",
    )

    @field_validator("insee")
    @classmethod
    def _insee(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            if info.data.get("body_type") is BodyType.COMMUNE:
                raise ValueError("une commune doit indiquer son « code_insee »")
            return None
        if not is_valid_insee(value):
            raise ValueError(
                f"code INSEE « {value} » invalide (5 caractères, ex. 35238, 2A004 pour la Corse)"
            )
        return value

    @field_validator("siren")
    @classmethod
    def _siren(cls, value: str | None) -> str | None:
        if value is not None and not is_valid_siren(value):
            raise ValueError(f"SIREN « {value} » invalide (9 chiffres, clé de contrôle)")
        return value

    @field_validator("department")
    @classmethod
    def _department(cls, value: str, info: ValidationInfo) -> str:
        code = department_code(value)
        if code is None:
            raise ValueError(
                f"département « {value} » inconnu (nom ou numéro, ex. « Ille-et-Vilaine » ou « 35 »)"
            )
        insee = info.data.get("insee")
        if (
            info.data.get("body_type") is BodyType.COMMUNE
            and insee
            and department_of_insee(insee) != code
        ):
            raise ValueError(
                f"le code INSEE {insee} appartient au département {department_of_insee(insee)}, "
                f"pas au {code} ({DEPARTEMENTS[code]})"
            )
        return value

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        return None if value is None else _domain_name(value)

    @field_validator("members")
    @classmethod
    def _members(cls, value: list[MemberCommune], info: ValidationInfo) -> list[MemberCommune]:
        kind = info.data.get("body_type")
        if kind is BodyType.COMMUNE and value:
            raise ValueError("une commune n'a pas de « communes » membres")
        if kind is not None and kind is not BodyType.COMMUNE and len(value) < 2:
            raise ValueError("un groupement doit lister au moins deux « communes » membres")
        # A commune listed twice would count twice in the population and in the convention.
        twice = first_repeated(_member_key(m) for m in value)
        if twice is not None:
            name = next(m.name for m in value if _member_key(m) == twice)
            raise ValueError(
                f"la commune « {name} » est citée deux fois dans les « communes » membres"
            )
        return value

    @property
    def department_name(self) -> str:
        """The département's full name."""
        code = department_code(self.department)
        return DEPARTEMENTS[code] if code else self.department

    @property
    def designation(self) -> str:
        """How a document names the buyer: « la commune de Saint-Aubin », « la communauté de communes … »."""
        if self.body_type is BodyType.COMMUNE:
            joiner = "d'" if fold(self.name)[:1] in "aeiouyh" else "de "
            return f"la commune {joiner}{self.name}"
        label = self.body_type.label
        if fold(self.name).startswith(fold(label.split()[0])):
            article = "le" if self.body_type is BodyType.SYNDICATE else "la"
            return f"{article} {self.name[0].lower()}{self.name[1:]}"
        article = "le" if self.body_type is BodyType.SYNDICATE else "la"
        return f"{article} {label} {self.name}"


class CurrentSite(StrictModel):
    """The site being redone."""

    model_config = BUILT_ON_FIRST_USE

    url: str = Field(
        alias="adresse",
        pattern=r"^https?://\S+$",
        max_length=300,
        description="Adresse du site actuel.",
    )
    level: int | None = Field(
        None, alias="niveau", ge=1, le=5, description="Niveau Webpass du site actuel (1 à 5)."
    )


class Project(StrictModel):
    """What the collectivity wants."""

    nature: Annotated[Nature, Strict(False)] = Field(description="creation ou refonte.")
    current_site: CurrentSite | None = Field(
        None, alias="site_actuel", validate_default=True, description="Le site actuel (refonte)."
    )
    target_level: int = Field(
        alias="niveau_vise", ge=1, le=5, description="Niveau Webpass visé, de 1 à 5."
    )
    duration_months: int = Field(
        48,
        alias="duree_marche_mois",
        ge=1,
        le=96,
        description="Durée du marché, reconductions comprises, en mois.",
    )
    budget: Money | None = Field(None, description="Budget envisagé, en euros HT.")
    staff_hours: int | None = Field(
        None,
        alias="temps_agent_hebdo",
        ge=0,
        le=400,
        description="Heures par semaine que les agents de la collectivité consacreront au site.",
    )
    launch_date: dt.date = Field(
        alias="date_lancement", description="Date de lancement de la consultation."
    )
    go_live: dt.date | None = Field(
        None, alias="mise_en_ligne", description="Date de mise en ligne souhaitée."
    )
    reference: str | None = Field(
        None,
        max_length=60,
        pattern=r"^[\w./ -]+$",
        description="Référence de la consultation, ex. « 2027-WEB-01 ».",
    )

    @field_validator("current_site")
    @classmethod
    def _current_site(cls, value: CurrentSite | None, info: ValidationInfo) -> CurrentSite | None:
        if value is None and info.data.get("nature") is Nature.REDESIGN:
            raise ValueError("une refonte doit décrire le « site_actuel » (adresse, niveau)")
        return value

    @field_validator("go_live")
    @classmethod
    def _go_live(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        launch = info.data.get("launch_date")
        if value is not None and launch is not None and value <= launch:
            raise ValueError("la mise en ligne doit suivre la date de lancement")
        return value

    @property
    def duration_years(self) -> int:
        """Whole years the market spans (a started year counts)."""
        return math.ceil(self.duration_months / 12)


class Exclusion(StrictModel):
    """A recommended item the collectivity removes, and why."""

    model_config = BUILT_ON_FIRST_USE

    id: ItemId
    justification: TypedText | None = Field(
        None,
        max_length=1000,
        description="Pourquoi l'exigence recommandée est retirée (obligatoire pour une recommandation).",
    )


class Options(StrictModel):
    """Optional items chosen and recommended items removed."""

    chosen: list[ItemId] = Field(
        default_factory=empty_list, alias="retenues", description="Options retenues."
    )
    excluded: list[Exclusion] = Field(
        default_factory=empty_list, alias="exclues", description="Recommandations écartées."
    )
    firm: list[ItemId] = Field(
        default_factory=empty_list,
        alias="fermes",
        description=(
            "Options retenues en solution de base : le CCTP les exige au lieu de les proposer "
            "en prestations supplémentaires éventuelles."
        ),
    )


class OtherFunder(StrictModel):
    """Another public funder of the project."""

    model_config = BUILT_ON_FIRST_USE

    name: TypedText = Field(
        alias="nom", min_length=1, max_length=120, description="DETR, DSIL, département, FEDER…"
    )
    amount: Money = Field(alias="montant", description="Montant attendu, en euros.")
    granted: bool = Field(
        default=False,
        alias="accordee",
        description="true quand le financeur a notifié l'aide ; sinon elle est seulement sollicitée.",
    )


class Financing(StrictModel):
    """The financing plan besides the Webpass subsidy."""

    others: list[OtherFunder] = Field(default_factory=empty_list, alias="autres_financeurs")
    exemption: TypedText | None = Field(
        None,
        alias="derogation",
        max_length=500,
        description="Motif d'une dérogation à la participation minimale de 20 % (CGCT L1111-10), s'il y en a une.",
    )


class Answers(StrictModel):
    """Everything the wizard asks, as saved in ``webpass.yaml``."""

    catalogue_version: str = Field(alias="version_catalogue", pattern=r"^\d{4}\.\d+$")
    collectivity: Collectivity = Field(alias="collectivite")
    project: Project = Field(alias="projet")
    facts: dict[str, bool] = Field(
        default_factory=empty_dict,
        alias="faits",
        description="Réponses aux questions du catalogue.",
    )
    options: Options = Field(default_factory=Options)
    values: dict[ItemId, dict[str, Value]] = Field(
        default_factory=empty_dict,
        alias="valeurs",
        description="Valeurs des champs à personnaliser, par exigence.",
    )
    financing: Financing | None = Field(None, alias="financement")
    contract: ContractTerms | None = Field(
        None,
        alias="marche",
        description="Choix contractuels repris par le CCAP, l'acte d'engagement et le RC : montage "
        "d'un groupement, propriété intellectuelle, avance, bons de commande ; absents, les valeurs "
        "par défaut s'appliquent.",
    )
    award: AwardCriteria | None = Field(
        None,
        alias="criteres",
        description="Critères de jugement des offres, sous-critères, formule de notation du prix et "
        "date limite ; absents, les critères par défaut s'appliquent.",
    )

    @property
    def profile(self) -> str:
        """``commune`` or ``groupement``."""
        return self.collectivity.body_type.profile


register("reponses.schema.json", Answers)


def _member_key(member: MemberCommune) -> str:
    # Its INSEE code when known; two communes may share a name, never a code.
    return member.insee or fold(member.name)


def _domain_name(value: str) -> str:
    return check_domain(value)


_BLOCKS: list[tuple[str, type[BaseModel]]] = [
    ("collectivite", Collectivity),
    ("projet", Project),
    ("options", Options),
    ("financement", Financing),
    ("marche", ContractTerms),
]


def parse_answers(located: Located) -> Answers:
    """Validate answers read from YAML; raises :class:`ValidationFailed` with every problem."""
    data = located.data
    if not isinstance(data, dict):
        raise ValidationFailed(
            [
                located.problem(
                    (), "le fichier de réponses doit être un bloc de clés (collectivite, projet…)."
                )
            ]
        )
    located, identity = _completed(located)
    data = located.data
    problems: list[Problem] = list(identity)
    said = {p.where for p in identity}
    for key, model in _BLOCKS:
        if isinstance(data.get(key), dict):
            _, found = validate_located(model, located, (key,))
            problems.extend(p for p in found if p.where not in said)
    try:
        answers = Answers.model_validate(data)
    except ValidationError:
        # Re-validate for the problems that are not inside an already-reported block.
        _, found = validate_located(Answers, located)
        reported = {p.where.split(".")[0].split("[")[0] for p in problems}
        problems.extend(p for p in found if p.where.split(".")[0].split("[")[0] not in reported)
        raise ValidationFailed(
            problems, summary=f"{located.source} : réponses à corriger"
        ) from None
    if problems:
        raise ValidationFailed(problems, summary=f"{located.source} : réponses à corriger")
    return answers


def identity_problems(
    body: dict[str, Any],
) -> tuple[dict[str, Any], list[tuple[tuple[str | int, ...], str]]]:
    """The ``collectivite`` block completed from the reference, and what disagrees with it."""
    from webpass.collectivities.identity import complete_identity

    completion = complete_identity(body)
    return completion.body, completion.problems


def _completed(located: Located) -> tuple[Located, list[Problem]]:
    """The answers with their collectivity completed from the reference (a new Located)."""
    body = located.data.get("collectivite")
    if not isinstance(body, dict):
        return located, []
    completed, found = identity_problems(body)
    # replace() keeps the subclass (a batch row locates its problems in the list's cells).
    copy = dataclasses.replace(located, data={**located.data, "collectivite": completed})
    return copy, [copy.problem(("collectivite", *path), message) for path, message in found]


def load_answers(path: Path) -> tuple[Answers, Located]:
    """Read ``path`` (a dossier folder or its answers file) and validate it."""
    folder = path.is_dir() and not path.is_symlink()
    file = path / ANSWERS_FILE if path.is_dir() else path
    if not file.exists() and not file.is_symlink():
        raise InputError(
            f"{file} introuvable : créez le dossier avec « webpass nouveau {path} » "
            "ou indiquez le chemin d'un fichier de réponses."
        )
    located = read_located(
        file, summary=f"{file} : fichier de réponses illisible", root=path if folder else None
    )
    return parse_answers(located), located


def check_answers(
    answers: Answers, catalog: Catalog, located: Located | None = None
) -> list[Problem]:
    """Problems of the answers against the catalogue: ids, facts, parameters, exclusions."""
    where = located or Located(data=None, source=ANSWERS_FILE)
    problems: list[Problem] = []
    if answers.catalogue_version != catalog.version:
        problems.append(
            where.problem(
                ("version_catalogue",),
                f"réponses faites avec le catalogue {answers.catalogue_version}, le catalogue chargé est le "
                f"{catalog.version} : relancez « webpass nouveau » sur ce dossier pour mettre les réponses à jour.",
            )
        )
    known_facts = {fact.id for fact in catalog.meta.facts}
    for fact in answers.facts:
        if fact not in known_facts:
            problems.append(
                where.problem(
                    ("faits", fact),
                    f"question « {fact} » inconnue ; questions : {', '.join(sorted(known_facts))}.",
                )
            )
    for index, item_id in enumerate(answers.options.chosen):
        if not catalog.has_item(item_id):
            problems.append(
                where.problem(
                    ("options", "retenues", index),
                    f"option « {item_id} » inconnue dans le catalogue.",
                )
            )
        elif not _profile_fits(catalog.item(item_id), answers.profile):
            problems.append(
                where.problem(
                    ("options", "retenues", index),
                    f"l'exigence {item_id} ne concerne pas le profil {answers.profile}.",
                )
            )
    problems += _unknown_firm_options(answers, catalog, where)
    chosen = set(answers.options.chosen) | set(answers.options.firm)
    for index, exclusion in enumerate(answers.options.excluded):
        path: tuple[str | int, ...] = ("options", "exclues", index)
        if not catalog.has_item(exclusion.id):
            problems.append(
                where.problem(
                    (*path, "id"), f"exigence « {exclusion.id} » inconnue dans le catalogue."
                )
            )
            continue
        item = catalog.item(exclusion.id)
        if exclusion.id in chosen:
            problems.append(
                where.problem(path, f"{exclusion.id} est à la fois retenue et exclue : choisissez.")
            )
        if item.strength is Strength.LEGAL and not item.conditions:
            problems.append(
                where.problem(
                    path,
                    f"{exclusion.id} est une obligation légale : elle ne peut pas être retirée.",
                )
            )
        elif (
            item.strength in (Strength.RECOMMENDED, Strength.WEBPASS_MINIMUM)
            and not (exclusion.justification or "").strip()
        ):
            problems.append(
                where.problem(
                    path,
                    f"{exclusion.id} ({item.title}) est {'un minimum Webpass' if item.strength is Strength.WEBPASS_MINIMUM else 'recommandée'} : "
                    "indiquez une « justification » pour la retirer.",
                )
            )
    for item_id, values in answers.values.items():
        if not catalog.has_item(item_id):
            problems.append(
                where.problem(
                    ("valeurs", item_id), f"exigence « {item_id} » inconnue dans le catalogue."
                )
            )
            continue
        item = catalog.item(item_id)
        declared = {p.key: p for p in item.parameters}
        for key, value in values.items():
            parameter = declared.get(key)
            if parameter is None:
                problems.append(
                    where.problem(
                        ("valeurs", item_id, key),
                        f"{item_id} n'a pas de champ « {key} » ; champs : {', '.join(declared) or 'aucun'}.",
                    )
                )
                continue
            try:
                _convert(
                    parameter.kind, value, parameter.choices, parameter.minimum, parameter.maximum
                )
            except ValueError as exc:
                problems.append(
                    where.problem(("valeurs", item_id, key), f"{item_id}.{key} : {exc}")
                )
    return problems


def _unknown_firm_options(answers: Answers, catalog: Catalog, where: Located) -> list[Problem]:
    return [
        where.problem(
            ("options", "fermes", index), f"option « {item_id} » inconnue dans le catalogue."
        )
        for index, item_id in enumerate(answers.options.firm)
        if not catalog.has_item(item_id)
    ]


def _profile_fits(item: Item, profile: str) -> bool:
    return item.profile.value in ("tous", profile)


def _convert(
    kind: ParameterKind,
    value: Any,
    choices: list[str] | None,
    minimum: int | None,
    maximum: int | None,
) -> Any:
    if kind is ParameterKind.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"un nombre entier est attendu (trouvé : « {value} »)")
        if minimum is not None and value < minimum:
            raise ValueError(f"{value} est inférieur au minimum {minimum}")
        if maximum is not None and value > maximum:
            raise ValueError(f"{value} dépasse le maximum {maximum}")
        if abs(value) > MAX_PARAMETER_INTEGER:
            raise ValueError(f"{value} est démesuré (au plus {MAX_PARAMETER_INTEGER})")
        return value
    if kind is ParameterKind.AMOUNT:
        try:
            return parse_amount(
                value if not isinstance(value, int) or isinstance(value, bool) else str(value)
            )
        except AmountError as exc:
            raise ValueError(exc.message) from exc
    if kind is ParameterKind.DATE:
        if not isinstance(value, dt.date):
            raise ValueError("une date AAAA-MM-JJ est attendue")
        return value
    if kind is ParameterKind.BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError("oui ou non (true / false) est attendu")
        return value
    if kind is ParameterKind.CHOICE:
        if value not in (choices or []):
            raise ValueError(f"« {value} » n'est pas parmi : {', '.join(choices or [])}")
        return value
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValueError("un texte est attendu")
    text = str(value)
    if len(text) > MAX_PARAMETER_TEXT:
        raise ValueError(
            f"texte trop long ({len(text)} caractères, au plus {MAX_PARAMETER_TEXT}) : "
            "résumez-le, le détail a sa place dans une annexe"
        )
    problem = control_problem(text)
    if problem:
        raise ValueError(f"le texte {problem}")
    return text


def shared_value(answers: Answers, key: str) -> Any:
    """The value entered for ``key`` under any item (fields of the same name are one value).

    When two items were given different values, the first item in id order wins here and the
    consistency check reports the contradiction.
    """
    return shared_entry(answers.values, key)


def shared_entry(values: Mapping[str, Mapping[str, Any]], key: str) -> Any:
    """:func:`shared_value` on a ``valeurs`` block still being entered (a wizard's data)."""
    for item_id in sorted(values):
        if key in values[item_id]:
            return values[item_id][key]
    return None


def parameter_values(
    item: Item, answers: Answers, defaults: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The values of an item's placeholders.

    In order: the value entered for this item, the value entered for the same field under
    another item (a value is entered once), the default of the size variant (``defaults``),
    the catalogue's default.

    A parameter with neither gets a visible ``[à compléter : …]`` marker, which the selection
    reports, so a document is never produced with a silent hole.
    """
    given = answers.values.get(item.id, {})
    out: dict[str, Any] = {}
    for parameter in item.parameters:
        value = given.get(parameter.key, shared_value(answers, parameter.key))
        if value is None:
            value = (defaults or {}).get(parameter.key, parameter.default)
        if value is None:
            out[parameter.key] = f"[à compléter : {parameter.label.lower()}]"
        else:
            out[parameter.key] = _convert(parameter.kind, value, parameter.choices, None, None)
    return out


def missing_fields(item: Item, answers: Answers) -> list[Parameter]:
    """The item's placeholders with no value at all (neither given nor proposed)."""
    return [
        p
        for p in item.parameters
        if answers.values.get(item.id, {}).get(p.key, shared_value(answers, p.key)) is None
        and p.default is None
    ]


def missing_parameters(item: Item, answers: Answers) -> list[str]:
    """Labels of the item's placeholders with no value at all."""
    return [p.label for p in missing_fields(item, answers)]


def dossier_facts(answers: Answers) -> DossierFacts:
    """What the catalogue's conditions test, taken from the answers."""
    body = answers.collectivity
    return DossierFacts(
        population=body.population,
        staff=body.staff,
        receipts=body.receipts,
        nature=answers.project.nature.value,
        profile=answers.profile,
        target_level=answers.project.target_level,
        body_type=body.body_type.value,
        facts=dict(answers.facts),
        sites=1 + sum(1 for member in body.members if member.own_identity),
        taken_over_sites=sum(1 for m in body.members if m.own_identity and m.current_site),
        budget=answers.project.budget,
        staff_time=answers.project.staff_hours,
        population_source=_population_source(body),
    )


def _population_source(body: Collectivity) -> str:
    """« population légale INSEE, … » or « population déclarée … »: which one the rules apply."""
    from webpass.collectivities.identity import population_label

    return population_label(body.model_dump(by_alias=True, mode="python"))


def clause_context(answers: Answers, catalog: Catalog) -> dict[str, dict[str, Any]]:
    """The shared values clauses may use (see ``webpass.catalog.placeholders.CONTEXT_FIELDS``)."""
    body = answers.collectivity
    project = answers.project
    todo = "[à compléter : {}]".format
    current = project.current_site
    # Every site of the market has its domain renewed: the main one and each member's own site.
    taken_over = [m.name for m in body.members if m.own_identity and m.current_site]
    domains = [body.domain or todo("nom de domaine")] + [
        m.domain for m in body.members if m.own_identity and m.domain
    ]
    return {
        "collectivite": {
            "nom": body.name,
            "designation": body.designation,
            "type": body.body_type.label,
            "code_insee": body.insee or body.siren or todo("code INSEE"),
            "departement": body.department_name,
            "population": body.population,
            "effectif": body.staff,
            "nb_communes": max(1, len(body.members)),
            "communes": [m.name for m in body.members],
            "nb_identite_propre": sum(1 for m in body.members if m.own_identity),
            "communes_identite_propre": ", ".join(m.name for m in body.members if m.own_identity),
            # The own sites whose current site the dossier describes: the K02 clause takes them over.
            "sites_communaux_repris": french_list(taken_over) if taken_over else "",
            "adresse": body.address or todo("adresse"),
            "domaine": body.domain or todo("nom de domaine"),
            "noms_de_domaine": french_list(domains),
            "nb_noms_de_domaine": len(domains),
            "au_nom_du_titulaire": in_holders_name(
                body.designation,
                sum(1 for m in body.members if m.own_identity),
                (answers.contract or ContractTerms()).setup,
            ),
            **_acts_publicity(answers),
        },
        "projet": {
            "nature": project.nature.label,
            "niveau_vise": project.target_level,
            "niveau_nom": catalog.levels[project.target_level].name.lower(),
            "site_actuel": current.url if current else todo("adresse du site actuel"),
            "niveau_actuel_nom": catalog.levels[current.level].name.lower()
            if current and current.level
            else todo("niveau du site actuel"),
            "duree_marche_mois": project.duration_months,
            "duree_marche_ans": project.duration_years,
            "date_lancement": project.launch_date,
            "mise_en_ligne": project.go_live or todo("date de mise en ligne"),
            "budget": project.budget if project.budget is not None else todo("budget"),
            "reference": project.reference or todo("référence de la consultation"),
            "temps_agent_hebdo": project.staff_hours,
            "teleservices": todo("téléservices retenus"),
            # The selection's requirements, filled in by the CCTP (webpass.documents.cctp).
            "exigences": [],
        },
    }


def _acts_publicity(answers: Answers) -> dict[str, Any]:
    """The acts' publicity a clause may state: only a mode the council chose by a dated
    deliberation, and only when the acts are not published online; else nothing, since without
    a deliberation the electronic publication applies."""
    chosen = answers.collectivity.acts_publicity
    if answers.facts.get(ELECTRONIC_ACTS_FACT) or chosen is None or chosen.deliberation is None:
        return {"publicite_actes": "", "deliberation_publicite_actes": None}
    return {
        "publicite_actes": chosen.mode.words,
        "deliberation_publicite_actes": chosen.deliberation,
    }


def answers_to_yaml(answers: Answers, remember: bool = False) -> str:
    """The answers as the YAML text of ``webpass.yaml``, stable and readable.

    ``remember``: the text is kept in the user's cache for the next process that writes the same
    answers (:mod:`webpass.core.dump_cache`), as every PDF of a dossier does.
    """
    data = _plain(answers.model_dump(by_alias=True, mode="python", exclude_none=True))
    if remember:
        text = remembered_yaml(data, 100)
    else:
        from webpass.core.yaml_dump import dump_yaml

        text = dump_yaml(data, width=100)
    return (
        SCHEMA_LINE
        + "# Réponses du dossier webpass : modifiables à la main, vérifiées à chaque commande.\n"
        + text
    )


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _plain(v)
            for k, v in value.items()
            if (v not in ({}, []) or k in ("collectivite", "projet"))
            and not (k == "saisie_manuelle" and v is False)  # said only when it is so
        }
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, StrEnum):
        return value.value
    return value
