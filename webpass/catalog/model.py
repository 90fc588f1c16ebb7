"""The catalogue as typed data: levels, sections, items and the catalogue's own metadata.

Attribute names are English (the code's language); the YAML keys, which the region's staff edit,
are the French aliases. Every model is strict and forbids unknown keys, so a typo in a catalogue
file is an error with its line, not a silently ignored field. The JSON Schemas in
``catalog/schema/`` are generated from these models (see :mod:`webpass.core.schema`).
"""

# No « from __future__ import annotations » here: pydantic would compile every field's
# annotation from its text again (some 850 of them at each start); only the few that name a
# class not yet defined are written as text.
import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    Strict,
    WithJsonSchema,
    model_validator,
)

from webpass.catalog.information import IN_OFFER, quoted_in, unquoted_demands
from webpass.core.distinct import first_repeated
from webpass.core.empty import empty_dict, empty_list
from webpass.core.money import AmountError, parse_amount
from webpass.core.strict_model import BUILT_ON_FIRST_USE, StrictModel

__all__ = [
    "AnswerKind",
    "AnswerSpec",
    "AnswerUse",
    "BudgetAccount",
    "CatalogMeta",
    "ChangelogEntry",
    "Condition",
    "CostEstimate",
    "CostNature",
    "CostPeriod",
    "Criterion",
    "Demand",
    "Fact",
    "Intensity",
    "Item",
    "ItemsFile",
    "Level",
    "LevelsFile",
    "Money",
    "Norm",
    "NormRef",
    "NormsFile",
    "ObsoleteReference",
    "Parameter",
    "ParameterKind",
    "Profile",
    "QuantityBasis",
    "Section",
    "SizeClass",
    "Strength",
    "Variant",
]


def _money_from_text(value: Any) -> Any:
    # Money must be written as a quoted string so YAML never turns it into a binary float;
    # the loader reports floats with their line before this point, this guards the API.
    if isinstance(value, str):
        try:
            return parse_amount(value)
        except AmountError as exc:
            raise ValueError(exc.message) from exc
    if isinstance(value, float):
        raise ValueError(
            "montant écrit comme nombre décimal : mettez-le entre guillemets, ex. « 1500.00 »"
        )
    return value


Money = Annotated[
    Decimal,
    BeforeValidator(_money_from_text),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{1,9}(\.\d{1,2})?$",
            "description": 'Montant en euros HT écrit entre guillemets, ex. "1500.00".',
        }
    ),
]

ItemId = Annotated[
    str,
    Field(
        pattern=r"^[A-Z]\d{2}$",
        description="Identifiant stable : une lettre de section et deux chiffres, ex. « C04 ».",
    ),
]
Slug = Annotated[
    str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", description="Identifiant en minuscules.")
]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(min_length=1, max_length=8000)]


class Profile(StrEnum):
    """Which kind of buyer an item is meant for."""

    COMMUNE = "commune"
    GROUPEMENT = "groupement"
    BOTH = "tous"


class Strength(StrEnum):
    """How binding an item is. ``minimum_webpass`` is the scheme's floor, not the law."""

    LEGAL = "obligation_legale"
    WEBPASS_MINIMUM = "minimum_webpass"
    RECOMMENDED = "recommande"
    OPTIONAL = "optionnel"


class Demand(StrEnum):
    """How the published CCTP asks for a requirement (the bidder's view, not webpass's)."""

    REQUIRED = "exige"
    DESIRED = "souhaite"
    OPTION = "pse"


class Intensity(StrEnum):
    """At which intensity a requirement is asked, given the size of the project."""

    LIGHT = "allegee"
    STANDARD = "standard"
    STRONG = "renforcee"


class Criterion(StrEnum):
    """The facts about a dossier that a condition may test."""

    POPULATION = "population"
    STAFF = "effectif"
    RECEIPTS = "recettes_annuelles"
    NATURE = "nature"
    PROFILE = "profil"
    TARGET_LEVEL = "niveau_vise"
    BODY_TYPE = "type_collectivite"
    SITES = "nb_sites"
    # Own sites of member communes whose current site the dossier describes: their pages are
    # taken over at a unit price each commune pays for its own (review of 1 December 2026, N2).
    TAKEN_OVER_SITES = "sites_communaux_repris"
    BUDGET = "budget"
    STAFF_TIME = "temps_agent"
    FACT = "fait"


NUMERIC_CRITERIA = frozenset(
    {
        Criterion.POPULATION,
        Criterion.STAFF,
        Criterion.RECEIPTS,
        Criterion.TARGET_LEVEL,
        Criterion.SITES,
        Criterion.TAKEN_OVER_SITES,
        Criterion.BUDGET,
        Criterion.STAFF_TIME,
    }
)


class AnswerKind(StrEnum):
    """What a bidder must give for an item in the response grid."""

    CONFORMITY = "conformite"
    NUMBER = "nombre"
    TEXT = "texte"
    # A presentation (the buyer, the object, the duration): binding as the CCTP is, it asks no
    # answer; a « Conforme » to a population only adds a way to be irregular.
    INFORMATION = "information"


class AnswerUse(StrEnum):
    """What a written answer of the grid is read for: the award sub-criterion it feeds (by the
    name the default criteria give it), or an information the contract needs (the hoster, the
    sub-processors, the existing components), which is never scored."""

    METHOD = "methode"
    TEAM = "equipe"
    ACCESSIBILITY = "accessibilite"
    ENVIRONMENT = "environnement"
    SUPPORT = "accompagnement"
    TELESERVICES = "teleservices"
    CONTRACT = "renseignement"


class CostNature(StrEnum):
    """Investment (eligible to the subsidy) or operating expenditure."""

    INVESTMENT = "investissement"
    OPERATING = "fonctionnement"


class CostPeriod(StrEnum):
    """How often a cost recurs; drives the DPGF (one-off) / BPU (recurring, unit) split."""

    ONE_OFF = "ponctuel"
    YEARLY = "annuel"
    PER_UNIT = "unitaire"


class QuantityBasis(StrEnum):
    """Where the quantity of a unit price comes from: the catalogue's estimate or the dossier."""

    ESTIMATE = "estimation"
    OWN_IDENTITY_MEMBERS = "communes_identite_propre"
    PARAMETER_PER_YEAR = "parametre_par_an"
    # The pages of the current sites of the member communes the dossier describes.
    MEMBER_SITE_PAGES = "pages_des_sites_communaux"


class BudgetAccount(StrEnum):
    """The account of the M57 nomenclature a priced service is charged to.

    Creating the site is an intangible asset (section d'investissement); hosting, maintenance,
    support, services bought on order, training, content writing and the studies around the site
    (impact assessment, accessibility statement) are running costs (section de fonctionnement).
    """

    RIGHTS = "2051"
    SERVICES = "611"
    MAINTENANCE = "6156"
    STUDIES = "617"
    TRAINING = "6184"

    @property
    def chapter(self) -> str:
        """« chapitre 20 » for an asset, « chapitre 011 » for a running cost."""
        return "20" if self is BudgetAccount.RIGHTS else "011"

    @property
    def investment(self) -> bool:
        """True for the section d'investissement."""
        return self is BudgetAccount.RIGHTS

    @property
    def label(self) -> str:
        """The account's name in the M57 nomenclature."""
        return {
            "2051": "Concessions et droits similaires, brevets, licences, marques, procédés, "
            "logiciels, droits et valeurs similaires",
            "611": "Contrats de prestations de services",
            "6156": "Maintenance",
            "617": "Études et recherches",
            "6184": "Versements à des organismes de formation",
        }[self.value]

    def reference(self, *, labelled: bool = False) -> str:
        """« compte 6184 si le titulaire est un organisme de formation déclaré, sinon compte
        611 », with each account's name when ``labelled``: the one wording of the CCAP, the act,
        the convention and the quote note. 6184 pays a declared training body only; another
        contractor's training is a service (M57; review of 1 December 2026, n° 25 and 22:25, M4)."""

        def named(account: BudgetAccount) -> str:
            return f"compte {account.value}" + (f" « {account.label} »" if labelled else "")

        if self is BudgetAccount.TRAINING:
            return (
                f"{named(self)} si le titulaire est un organisme de formation déclaré, sinon "
                f"{named(BudgetAccount.SERVICES)}"
            )
        return named(self)


class ParameterKind(StrEnum):
    """The type of a clause placeholder the collectivity fills in."""

    TEXT = "texte"
    INTEGER = "entier"
    AMOUNT = "montant"
    DATE = "date"
    CHOICE = "choix"
    BOOLEAN = "booleen"


class Condition(StrictModel):
    """A declarative test on the dossier; no expression is ever evaluated as code.

    Exactly one form is used: a combinator (``tous``, ``un_parmi``, ``non``) or a leaf naming a
    ``critere`` with one comparison (``au_moins``, ``moins_de``, ``egal``, ``dans``), or ``fait``
    naming a yes/no fact declared in ``catalogue.yaml``.
    """

    model_config = BUILT_ON_FIRST_USE

    all_of: "list[Condition] | None" = Field(
        None, alias="tous", description="Vrai si toutes les conditions listées le sont."
    )
    any_of: "list[Condition] | None" = Field(
        None, alias="un_parmi", description="Vrai si au moins une des conditions listées l'est."
    )
    not_: "Condition | None" = Field(
        None, alias="non", description="Vrai si la condition est fausse."
    )
    criterion: Annotated[Criterion, Strict(False)] | None = Field(
        None, alias="critere", description="Ce qui est testé."
    )
    at_least: int | Money | None = Field(
        None, alias="au_moins", description="Vrai si la valeur est supérieure ou égale."
    )
    less_than: int | Money | None = Field(
        None, alias="moins_de", description="Vrai si la valeur est strictement inférieure."
    )
    equals: str | int | None = Field(None, alias="egal", description="Vrai si la valeur est égale.")
    one_of: list[str | int] | None = Field(
        None, alias="dans", description="Vrai si la valeur est l'une de celles listées."
    )
    fact: Slug | None = Field(
        None, alias="fait", description="Identifiant d'un fait oui/non déclaré dans catalogue.yaml."
    )

    @model_validator(mode="after")
    def _one_form(self) -> "Condition":
        combinators = [x for x in (self.all_of, self.any_of, self.not_) if x is not None]
        comparisons = [
            x for x in (self.at_least, self.less_than, self.equals, self.one_of) if x is not None
        ]
        if combinators:
            if len(combinators) > 1 or self.criterion or comparisons or self.fact:
                raise ValueError(
                    "une condition utilise une seule forme : tous, un_parmi, non ou critere"
                )
            return self
        if self.fact is not None:
            if self.criterion not in (None, Criterion.FACT) or comparisons:
                raise ValueError("« fait » s'emploie seul (ou avec critere: fait)")
            return self
        if self.criterion is None:
            raise ValueError("indiquez « critere » (population, effectif, …) ou une combinaison")
        if self.criterion is Criterion.FACT:
            raise ValueError("avec critere: fait, indiquez l'identifiant du fait dans « fait »")
        if not comparisons:
            raise ValueError("indiquez une comparaison : au_moins, moins_de, egal ou dans")
        if self.criterion not in NUMERIC_CRITERIA and (
            self.at_least is not None or self.less_than is not None
        ):
            raise ValueError(
                f"« {self.criterion.value} » n'est pas un nombre : utilisez egal ou dans"
            )
        return self


class Parameter(StrictModel):
    """A placeholder of a clause that the collectivity fills in (``{{ cle }}`` in the text)."""

    model_config = BUILT_ON_FIRST_USE

    key: Slug = Field(alias="cle", description="Nom du champ, utilisé dans la clause : {{ cle }}.")
    label: ShortText = Field(alias="libelle", description="Question posée à la collectivité.")
    kind: Annotated[ParameterKind, Strict(False)] = Field(
        ParameterKind.TEXT, alias="type", description="Type de valeur attendue."
    )
    default: str | int | bool | Money | dt.date | None = Field(
        None,
        alias="defaut",
        description="Valeur proposée par défaut (aucune : la valeur est à saisir).",
    )
    hint: str | None = Field(
        None,
        alias="aide",
        max_length=2000,
        description="Conseil de rédaction pour bien choisir la valeur.",
    )
    minimum: int | None = Field(None, alias="min", description="Valeur minimale (entier).")
    maximum: int | None = Field(None, alias="max", description="Valeur maximale (entier).")
    choices: list[str] | None = Field(
        None, alias="choix", description="Valeurs possibles (type choix)."
    )
    unit: str | None = Field(
        None, alias="unite", max_length=40, description="Unité affichée après la valeur."
    )
    priced: bool = Field(
        False,
        alias="dans_le_prix",
        description="La valeur est reprise dans la ligne de prix de l'exigence (formulaire de "
        "devis), pour que le prestataire sache ce qu'il chiffre ; une telle valeur n'a pas de "
        "valeur par défaut : c'est à la collectivité de la donner.",
    )

    @model_validator(mode="after")
    def _coherent(self) -> "Parameter":
        if self.kind is ParameterKind.CHOICE and not self.choices:
            raise ValueError("un paramètre de type choix doit lister ses « choix »")
        if self.choices and self.kind is not ParameterKind.CHOICE:
            raise ValueError("« choix » ne s'emploie qu'avec type: choix")
        if (
            self.kind is ParameterKind.CHOICE
            and self.default is not None
            and self.default not in (self.choices or [])
        ):
            raise ValueError("la valeur par défaut doit être l'un des choix")
        if self.priced and self.default is not None:
            raise ValueError(
                "un paramètre « dans_le_prix » n'a pas de « defaut » : une valeur générique ne "
                "dit pas au prestataire ce qu'il chiffre"
            )
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("min est supérieur à max")
        return self


def _information_phrase(value: str) -> str:
    if "{" in value or "}" in value:
        raise ValueError(
            "un renseignement se cite sans champ {{ … }} : il est cherché dans le texte tel "
            "que le catalogue l'écrit"
        )
    return value


InformationPhrase = Annotated[
    str, Field(min_length=3, max_length=400), AfterValidator(_information_phrase)
]


class AnswerSpec(StrictModel):
    """What the bidder must answer for an item in the response grid."""

    model_config = BUILT_ON_FIRST_USE

    kind: Annotated[AnswerKind, Strict(False)] = Field(
        alias="type", description="conformite, nombre ou texte."
    )
    question: LongText | None = Field(
        None,
        alias="question",
        description=(
            "Pour type nombre ou texte : ce qui est demandé au candidat, en une phrase, sans "
            "rien exiger que le texte de l'exigence n'exige. Pour type conformite, rien : la "
            "grille demande la conformité au texte de l'exigence tel que le CCTP le publie."
        ),
    )
    minimum: int | None = Field(
        None, alias="minimum", description="Pour type nombre : valeur minimale exigée."
    )
    unit: str | None = Field(
        None, alias="unite", max_length=40, description="Unité du nombre demandé."
    )
    use: Annotated[AnswerUse, Strict(False)] | None = Field(
        None,
        alias="sert_a",
        description=(
            "Pour type texte : le sous-critère de jugement que la réponse nourrit (methode, "
            "equipe, accessibilite, environnement, accompagnement, teleservices) ou "
            "renseignement (une information que le marché exige, jamais notée). Sans valeur, "
            "la réponse rédigée ne sert qu'à décrire la conformité : une demande de devis la "
            "remplace par une déclaration de conformité."
        ),
    )

    information: list[InformationPhrase] = Field(
        default_factory=empty_list,
        alias="renseignements",
        max_length=12,
        description=(
            "Les renseignements du marché que l'offre donne, chacun cité mot pour mot dans le "
            "texte de l'exigence (sans champ {{ … }}) : la grille les demande tous, et une offre "
            "qui en omet un est irrégulière. Obligatoire avec sert_a: renseignement (la grille "
            "écrit alors la question, qui ne se donne pas) ; avec un sous-critère noté, "
            "l'exigence est à la fois notée et renseignement du marché."
        ),
    )

    @model_validator(mode="after")
    def _coherent(self) -> "AnswerSpec":
        # A conformity question restating the clause drifts from it (a figure, a deadline, an
        # extra duty); the grid asks for conformity to the printed text instead.
        if self.kind is AnswerKind.INFORMATION and self.question is not None:
            raise ValueError("type: information ne prend pas de « question » : rien n'est demandé")
        if self.kind is AnswerKind.CONFORMITY and self.question is not None:
            raise ValueError(
                "type: conformite ne prend pas de « question » : la grille demande la conformité "
                "au texte de l'exigence tel que le CCTP le publie ; retirez la question"
            )
        contract = self.use is AnswerUse.CONTRACT
        if contract and not self.information:
            raise ValueError(
                "sert_a: renseignement demande la liste des « renseignements », cités mot pour "
                "mot dans le texte de l'exigence : la grille les demande tous"
            )
        if contract and self.question is not None:
            raise ValueError(
                "sert_a: renseignement ne prend pas de « question » : la grille cite les "
                "« renseignements » que le texte demande, pour n'en omettre aucun"
            )
        if self.information and (self.kind is not AnswerKind.TEXT or self.use is None):
            raise ValueError(
                "des « renseignements » ne se demandent qu'avec type: texte et un sert_a"
            )
        if (
            self.kind not in (AnswerKind.CONFORMITY, AnswerKind.INFORMATION)
            and self.question is None
            and not contract
        ):
            raise ValueError(f"type: {self.kind.value} demande une « question »")
        if self.kind is not AnswerKind.NUMBER and (
            self.minimum is not None or self.unit is not None
        ):
            raise ValueError("minimum et unite ne s'emploient qu'avec type: nombre")
        if self.use is not None and self.kind is not AnswerKind.TEXT:
            raise ValueError("sert_a ne s'emploie qu'avec type: texte")
        return self


class NormRef(StrictModel):
    """A citation of a norm of ``normes.yaml`` by an item."""

    model_config = BUILT_ON_FIRST_USE

    ref: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")] = Field(
        description="Identifiant de la norme dans catalog/normes.yaml."
    )
    detail: str | None = Field(
        None,
        alias="precision",
        max_length=200,
        description="Article ou critères visés, ex. « art. 47 ».",
    )


class CostEstimate(StrictModel):
    """An estimated cost range for an item, in euros HT."""

    model_config = BUILT_ON_FIRST_USE

    minimum: Money = Field(alias="min", description="Estimation basse, en euros HT.")
    maximum: Money = Field(alias="max", description="Estimation haute, en euros HT.")
    nature: Annotated[CostNature, Strict(False)] = Field(
        description="investissement (subventionnable) ou fonctionnement."
    )
    period: Annotated[CostPeriod, Strict(False)] = Field(
        alias="periodicite", description="ponctuel, annuel ou unitaire."
    )
    unit: str | None = Field(
        None,
        alias="unite",
        max_length=40,
        description="Pour un coût unitaire : l'unité (jour, séance…).",
    )
    quantity: int = Field(
        1,
        alias="quantite",
        ge=1,
        le=10_000,
        description="Quantité pour un coût unitaire : estimée (DQE) pour une prestation à bons de "
        "commande, ferme sinon ; remplacée par celle du dossier si quantite_selon le demande.",
    )
    basis: Annotated[QuantityBasis, Strict(False)] = Field(
        QuantityBasis.ESTIMATE,
        alias="quantite_selon",
        description="estimation (la quantite ci-dessus), communes_identite_propre (le nombre de "
        "communes membres du dossier dotées d'une identité propre), pages_des_sites_communaux (le "
        "nombre de pages des sites actuels de ces communes que le dossier décrit) ou "
        "parametre_par_an (la valeur du paramètre « parametre » de l'exigence, par an, multipliée "
        "par les années du marché).",
    )
    parameter: str | None = Field(
        None,
        alias="parametre",
        max_length=40,
        description="Pour quantite_selon: parametre_par_an, la clé du paramètre de l'exigence "
        "qui donne la quantité annuelle (ex. nombre_seances).",
    )
    account: Annotated[BudgetAccount, Strict(False)] | None = Field(
        None,
        alias="compte",
        description="Compte d'imputation (nomenclature M57) : 2051, 611, 6156, 617 ou 6184 ; "
        "absent : 2051 pour un investissement, 611 pour un fonctionnement.",
    )
    source: str | None = Field(
        None,
        max_length=300,
        description="Source du chiffre ; absente, le montant est une estimation de webpass.",
    )

    @model_validator(mode="after")
    def _coherent(self) -> "CostEstimate":
        if self.minimum > self.maximum:
            raise ValueError("le coût minimal dépasse le coût maximal")
        if self.period is CostPeriod.PER_UNIT and not self.unit:
            raise ValueError("un coût unitaire doit préciser son « unite »")
        if self.basis is not QuantityBasis.ESTIMATE and self.period is not CostPeriod.PER_UNIT:
            raise ValueError("quantite_selon ne s'emploie qu'avec periodicite: unitaire")
        if (self.basis is QuantityBasis.PARAMETER_PER_YEAR) != (self.parameter is not None):
            raise ValueError(
                "« parametre » va avec quantite_selon: parametre_par_an, et seulement avec lui"
            )
        if self.account is not None and self.account.investment != (
            self.nature is CostNature.INVESTMENT
        ):
            raise ValueError(
                f"le compte {self.account.value} ne correspond pas à la nature « {self.nature.value} » "
                "(2051 pour un investissement, 611, 6156, 617 ou 6184 pour un fonctionnement)"
            )
        return self

    @property
    def budget_account(self) -> BudgetAccount:
        """The account the service is charged to; running costs never go to 2051."""
        if self.account is not None:
            return self.account
        if self.nature is CostNature.INVESTMENT:
            return BudgetAccount.RIGHTS
        return BudgetAccount.SERVICES


VariantValue = str | int | bool | dt.date


class Variant(StrictModel):
    """How an item is asked for projects of some sizes, or when some conditions hold.

    A variant may leave the item out (``ecartee``), change its strength or the way the CCTP asks
    for it (``demande``), give other default values to its fields, or replace its text. Its
    ``explication`` is shown by ``webpass selection``.
    """

    model_config = BUILT_ON_FIRST_USE

    sizes: list[Slug] = Field(
        default_factory=empty_list,
        alias="tailles",
        description="Classes de taille (catalogue.yaml, tailles) concernées ; vide : toutes.",
    )
    conditions: list[Condition] = Field(
        default_factory=empty_list, description="Conditions supplémentaires (toutes requises)."
    )
    intensity: Annotated[Intensity, Strict(False)] = Field(
        alias="intensite", description="allegee, standard ou renforcee."
    )
    left_out: bool = Field(
        False, alias="ecartee", description="Vrai : l'exigence n'est pas demandée à ces projets."
    )
    strength: Annotated[Strength, Strict(False)] | None = Field(
        None, alias="exigence", description="Autre force de l'exigence pour ces projets."
    )
    demand: Annotated[Demand, Strict(False)] | None = Field(
        None,
        alias="demande",
        description="exige : comment le CCTP publié demande l'exigence (une exigence souhaitée, "
        "que nul sous-critère ne noterait, n'est pas admise).",
    )
    values: dict[str, VariantValue] = Field(
        default_factory=empty_dict,
        alias="valeurs",
        description="Valeurs par défaut des champs de la clause pour ces projets.",
    )
    clause: LongText | None = Field(
        None, description="Texte de la clause pour ces projets (sinon : le texte de l'exigence)."
    )
    need: str | None = Field(
        None,
        alias="besoin",
        min_length=1,
        max_length=600,
        description=(
            "Besoin publié dans le tableau d'une section « en_tableau » pour ces projets "
            "(sinon : le besoin de l'exigence)."
        ),
    )
    norms: list[NormRef] | None = Field(
        None,
        alias="normes",
        description="Textes sur lesquels repose le texte de ces projets, quand ce ne sont pas "
        "ceux de l'exigence (liste vide : aucun) : l'annexe des textes de référence du CCTP ne "
        "cite que ceux du texte publié.",
    )
    explanation: LongText = Field(
        alias="explication", description="Pourquoi cette intensité convient à ces projets."
    )

    @model_validator(mode="after")
    def _coherent(self) -> "Variant":
        if not self.sizes and not self.conditions:
            raise ValueError("une variante indique des « tailles », des « conditions » ou les deux")
        if self.left_out and (
            self.strength
            or self.demand
            or self.values
            or self.clause
            or self.need
            or self.norms is not None
        ):
            raise ValueError("une variante « ecartee » ne fixe rien d'autre que son explication")
        if self.demand is Demand.OPTION:
            raise ValueError("« demande » vaut exige ; une option se choisit par « exigence »")
        if self.demand is Demand.DESIRED:
            # A wish the award does not score, priced in the base, would make offers with and
            # without it incomparable; no sub-criterion of the RC values a catalogue item.
            raise ValueError(
                "« demande: souhaite » n'est plus admis : aucun sous-critère de jugement ne note une "
                "exigence souhaitée, qui serait donc chiffrée dans l'offre de base sans rien "
                "rapporter. Exigez-la (demande: exige, au besoin avec une intensité allegee) ou "
                "écartez-la pour ces projets (ecartee: true) : elle reste proposée en option, "
                "chiffrée à part comme prestation supplémentaire éventuelle"
            )
        return self


class SizeClass(StrictModel):
    """A class of project size (petit, moyen, grand) and the conditions that define it."""

    model_config = BUILT_ON_FIRST_USE

    id: Slug
    name: ShortText = Field(alias="nom", description="Nom en clair, ex. « petit projet ».")
    explanation: LongText = Field(alias="explication", description="Ce que la classe recouvre.")
    conditions: list[Condition] = Field(
        default_factory=empty_list,
        description="Conditions (toutes requises) ; la première classe dont elles tiennent s'applique.",
    )


class Item(StrictModel):
    """One requirement of the model specification: a clause the CCTP may contain."""

    id: ItemId
    title: ShortText = Field(alias="titre", description="Intitulé court de l'exigence.")
    level: int | None = Field(
        alias="niveau",
        ge=1,
        le=5,
        description="Niveau de site (1 à 5) que l'exigence caractérise ; null pour une exigence transversale.",
    )
    profile: Annotated[Profile, Strict(False)] = Field(
        alias="profil", description="commune, groupement ou tous."
    )
    strength: Annotated[Strength, Strict(False)] = Field(
        alias="exigence",
        description="obligation_legale, minimum_webpass, recommande ou optionnel.",
    )
    conditions: list[Condition] = Field(
        default_factory=empty_list,
        description="Conditions (toutes requises) pour que l'exigence s'applique avec sa force.",
    )
    otherwise: Annotated[Strength, Strict(False)] | None = Field(
        None,
        alias="sinon",
        description="Force de l'exigence quand les conditions ne sont pas remplies ; absente, elle est écartée.",
    )
    requires: list[ItemId] = Field(
        default_factory=empty_list, alias="requiert", description="Exigences entraînées."
    )
    excludes: list[ItemId] = Field(
        default_factory=empty_list, alias="exclut", description="Exigences incompatibles."
    )
    teleservice: bool = Field(
        False,
        description="Vrai si l'exigence met en ligne un téléservice (compte pour l'éligibilité).",
    )
    distinct_trade: ShortText | None = Field(
        None,
        alias="metier_distinct",
        description="Métier distinct de celui d'une agence web (par exemple « audiovisuel ») : "
        "une telle prestation se consulte en lot séparé ou par un autre marché (articles L2113-10 "
        "et L2113-11 du Code de la commande publique), sauf justification du dossier.",
    )
    clause: LongText = Field(
        description="Texte publiable, en Markdown, avec des champs {{ ... }} à personnaliser."
    )
    need: str | None = Field(
        None,
        alias="besoin",
        min_length=1,
        max_length=600,
        description="Le besoin en une ou deux phrases, publié dans le tableau des besoins d'une section « en_tableau ».",
    )
    proportion: list[Variant] = Field(
        default_factory=empty_list,
        description="Variantes selon la taille du projet ou d'autres conditions ; la première qui s'applique est retenue.",
    )
    teleservices_required: int | None = Field(
        None,
        alias="teleservices_requis",
        ge=1,
        le=50,
        description="Nombre de téléservices exigés en solution de base quand l'exigence est retenue.",
    )
    parameters: list[Parameter] = Field(
        default_factory=empty_list,
        alias="parametres",
        description="Champs à personnaliser de la clause.",
    )
    answer: AnswerSpec = Field(alias="reponse", description="Ce que le candidat doit répondre.")
    norms: list[NormRef] = Field(
        default_factory=empty_list, alias="normes", description="Textes cités."
    )
    cost: CostEstimate | None = Field(None, alias="cout", description="Estimation du coût.")
    weight: int = Field(
        1,
        alias="poids",
        ge=0,
        le=10,
        description=(
            "Importance relative de l'exigence pour le rédacteur (0 à 10), que webpass n'emploie "
            "pour aucune note : la valeur technique est notée selon les critères et sous-critères "
            "annoncés par le RC ou la lettre de consultation, et la grille ne porte pas ce poids."
        ),
    )
    hint: str | None = Field(
        None,
        alias="conseil",
        max_length=2000,
        description="Conseil au rédacteur pour personnaliser la clause.",
    )

    @model_validator(mode="after")
    def _coherent(self) -> "Item":
        if self.otherwise is not None and not self.conditions:
            raise ValueError("« sinon » n'a de sens qu'avec des « conditions »")
        if self.id in self.requires or self.id in self.excludes:
            raise ValueError("une exigence ne peut pas se requérir ni s'exclure elle-même")
        keys = [p.key for p in self.parameters]
        if first_repeated(keys) is not None:
            raise ValueError("deux paramètres portent la même « cle »")
        parameter = self.cost.parameter if self.cost is not None else None
        if parameter is not None and parameter not in keys:
            raise ValueError(f"cout.parametre « {parameter} » absent des « parametres »")
        self._check_information()
        for variant in self.proportion:
            if variant.need and not self.need:
                raise ValueError("une variante ne donne un « besoin » que si l'exigence en a un")
            unknown = sorted(set(variant.values) - set(keys))
            if unknown:
                raise ValueError(
                    f"variante : champ(s) {', '.join(unknown)} absent(s) des « parametres »"
                )
        return self

    def _check_information(self) -> None:
        """The information the grid asks is quoted from the clause, and a pure information
        requirement asks nothing « dans son offre » that the grid would not ask."""
        phrases = self.answer.information
        if not phrases:
            return
        if self.need is not None:
            raise ValueError(
                "une exigence qui demande des « renseignements » n'a pas de « besoin » : le "
                "CCTP publie le texte qui dit ce que l'offre donne, pas un tableau"
            )
        texts = [self.clause, *(v.clause for v in self.proportion if v.clause)]
        for phrase in phrases:
            if not any(quoted_in([phrase], text) for text in texts):
                raise ValueError(
                    f"renseignement « {phrase} » absent du texte de l'exigence : citez-le mot "
                    "pour mot"
                )
        if self.answer.use is not AnswerUse.CONTRACT:
            return
        for text in texts:
            for left in unquoted_demands(text, phrases):
                raise ValueError(
                    f"le texte demande « {IN_OFFER} » : « {left} », qu'aucun des "
                    "« renseignements » ne cite : la grille ne le demanderait pas ; ajoutez-le "
                    "à la liste ou sortez-le de la phrase"
                )

    @property
    def section_letter(self) -> str:
        """The letter of the id, shared by all items of a section."""
        return self.id[0]


class Section(StrictModel):
    """A chapter of the model specification."""

    id: Slug
    letter: Annotated[str, Field(pattern=r"^[A-Z]$")] = Field(
        alias="lettre",
        description="Lettre qui préfixe les identifiants des exigences de la section.",
    )
    title: ShortText = Field(alias="titre", description="Titre du chapitre dans le CCTP.")
    introduction: str | None = Field(
        None, max_length=4000, description="Texte d'introduction du chapitre (Markdown)."
    )
    table_for: list[Slug] = Field(
        default_factory=empty_list,
        alias="en_tableau",
        description="Classes de taille pour lesquelles les exigences dotées d'un « besoin » sont publiées en tableau.",
    )


class ItemsFile(StrictModel):
    """The content of one ``catalog/items/NN-section.yaml`` file."""

    model_config = BUILT_ON_FIRST_USE

    section: Section
    items: list[Item] = Field(min_length=1)


class Level(StrictModel):
    """One of the five Webpass levels of a website."""

    model_config = BUILT_ON_FIRST_USE

    number: int = Field(alias="numero", ge=1, le=5, description="Rang du niveau, de 1 à 5.")
    id: Slug = Field(description="Identifiant stable (vitrine, vitrine_enrichie, …).")
    name: ShortText = Field(alias="nom", description="Nom français du niveau.")
    aliases: list[ShortText] = Field(
        default_factory=empty_list,
        alias="alias",
        description="Autres noms rencontrés (observatoires, grilles).",
    )
    definition: LongText = Field(description="Définition compréhensible par un non-spécialiste.")
    examples: list[ShortText] = Field(
        default_factory=empty_list,
        alias="exemples",
        description="Ce qu'on trouve typiquement sur un tel site.",
    )
    typical_cost: str | None = Field(
        None,
        alias="cout_indicatif",
        max_length=300,
        description="Ordre de grandeur du coût, en clair.",
    )


class LevelsFile(StrictModel):
    """The content of ``catalog/levels.yaml``."""

    levels: list[Level] = Field(alias="niveaux", min_length=5, max_length=5)


class Norm(StrictModel):
    """A norm, law or referential the catalogue may cite, with its validity dates."""

    model_config = BUILT_ON_FIRST_USE

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")]
    title: ShortText = Field(alias="intitule", description="Intitulé complet.")
    version: str | None = Field(
        None, max_length=200, description="Version, articles ou date du texte."
    )
    valid_from: dt.date | None = Field(
        None, alias="en_vigueur_depuis", description="Date d'entrée en vigueur."
    )
    valid_until: dt.date | None = Field(
        None, alias="fin_de_validite", description="Date à laquelle le texte cesse de s'appliquer."
    )
    url: str | None = Field(
        None, max_length=300, pattern=r"^https://", description="Adresse officielle."
    )
    note: str | None = Field(
        None, max_length=1000, description="Remarque (révision annoncée, portée…)."
    )


class NormsFile(StrictModel):
    """The content of ``catalog/normes.yaml``."""

    norms: list[Norm] = Field(alias="normes", min_length=1)


class ChangelogEntry(StrictModel):
    """One version of the catalogue and what changed in it."""

    model_config = BUILT_ON_FIRST_USE

    version: Annotated[str, Field(pattern=r"^\d{4}\.\d+$")]
    date: dt.date
    changes: list[ShortText] = Field(alias="changements", min_length=1)


class Fact(StrictModel):
    """A yes/no fact about the collectivity that conditions may test and the wizard asks."""

    model_config = BUILT_ON_FIRST_USE

    id: Slug
    question: ShortText
    hint: str | None = Field(None, alias="aide", max_length=1000)
    default: bool = Field(False, alias="defaut")


class ObsoleteReference(StrictModel):
    """A wording that must not appear in any clause, and what replaces it."""

    model_config = BUILT_ON_FIRST_USE

    pattern: ShortText = Field(
        alias="motif", description="Texte interdit (sans tenir compte de la casse)."
    )
    replacement: ShortText = Field(
        alias="remplacement", description="Ce qu'il faut citer à la place."
    )
    # A clause may have to name what it forbids (N01: the State's brand and design system).
    allowed_in: list[ShortText] = Field(
        default_factory=empty_list,
        alias="sauf",
        description="Phrases où ce texte reste admis parce qu'elles en interdisent l'usage "
        "(sans tenir compte de la casse).",
    )


class CatalogMeta(StrictModel):
    """The content of ``catalog/catalogue.yaml``: identity, history and shared vocabulary."""

    version: Annotated[str, Field(pattern=r"^\d{4}\.\d+$")] = Field(
        description="Version du catalogue (année.numéro), reprise dans chaque document produit."
    )
    date: dt.date = Field(
        description="Date de la version ; sert à vérifier la validité des normes."
    )
    title: ShortText = Field(alias="titre")
    publisher: ShortText = Field(alias="editeur")
    changelog: list[ChangelogEntry] = Field(alias="historique", min_length=1)
    glossary: dict[str, ShortText] = Field(
        default_factory=empty_dict, alias="glossaire", description="Sigles et leur développé."
    )
    facts: list[Fact] = Field(default_factory=empty_list, alias="faits")
    sizes: list[SizeClass] = Field(
        default_factory=empty_list,
        alias="tailles",
        description="Classes de taille de projet, de la plus petite à la plus grande.",
    )
    obsolete: list[ObsoleteReference] = Field(
        default_factory=empty_list, alias="references_obsoletes"
    )
