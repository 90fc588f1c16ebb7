"""Aid schemes and the minimum self-funding, as data: never a promise.

``catalog/subsidy.yaml`` holds the *dispositifs* webpass can calculate (the Webpass aid of the
Île-de-France Region among them) and the *participation minimale* periods of article L1111-10 of
the CGCT. Each scheme has a funder, a territory, a period, a status (in force, historical,
hypothesis), its rate as a maximum, its caps per profile, its eligibility rules and its sources;
:mod:`webpass.aid.standing` decides from them whether an amount is the « montant maximal
sollicitable » or only a simulation. A collectivity adds the schemes that apply to it (DETR, DSIL,
a département's aid) in a ``dispositifs.yaml`` of its own, validated the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    Strict,
    WithJsonSchema,
    model_validator,
)

from webpass.aid.territory import Territory
from webpass.catalog.model import CostNature, LongText, Money, ShortText, Slug
from webpass.core.distinct import first_repeated
from webpass.core.empty import empty_list
from webpass.core.errors import InputError, Problem, ValidationFailed
from webpass.core.resources import shipped_catalog_dir
from webpass.core.schema import register
from webpass.core.strict_model import StrictModel
from webpass.core.validation import read_located, validate_located
from webpass.documents.typography import date_fr
from webpass.untrusted.safe_yaml import Located

__all__ = [
    "SCHEMES_FILE",
    "SUBSIDY_FILE",
    "AidScheme",
    "CommuneRules",
    "ExemptionGround",
    "ExpenseRules",
    "GroupementRules",
    "ProfilesRules",
    "Rate",
    "SchemeStatus",
    "SchemesFile",
    "SelfFundingPeriod",
    "SubsidyProfile",
    "SubsidyRules",
    "load_shipped_subsidy_rules",
    "load_subsidy_rules",
    "load_user_schemes",
]

SUBSIDY_FILE = "subsidy.yaml"
SCHEMES_FILE = "dispositifs.yaml"

_RATE_TEXT = re.compile(r"^(0(\.\d{1,4})?|1(\.0{1,4})?)$")


def _rate_from_text(value: Any) -> Any:
    # Like money, a rate is written as a quoted string so YAML never makes it a binary float.
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        if not _RATE_TEXT.match(text):
            raise ValueError(
                f"taux « {value} » illisible : écrivez une fraction entre 0 et 1 entre guillemets, "
                "par exemple « 0.40 » pour 40 %"
            )
        return Decimal(text)
    if isinstance(value, float):
        raise ValueError(
            "taux écrit comme nombre décimal : mettez-le entre guillemets, ex. « 0.40 »"
        )
    return value


Rate = Annotated[
    Decimal,
    BeforeValidator(_rate_from_text),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _RATE_TEXT.pattern,
            "description": 'Fraction entre 0 et 1 écrite entre guillemets, ex. "0.40" pour 40 %.',
        }
    ),
]


class _Dated(StrictModel):
    """An entry in force from ``du`` to ``au`` included (``au`` absent: still in force)."""

    start: dt.date = Field(alias="du", description="Premier jour d'application.")
    end: dt.date | None = Field(
        None, alias="au", description="Dernier jour d'application (absent : en vigueur)."
    )

    @model_validator(mode="after")
    def _dates(self) -> _Dated:
        if self.end is not None and self.end < self.start:
            raise ValueError("« au » est antérieur à « du » : vérifiez les dates")
        return self

    def covers(self, day: dt.date) -> bool:
        """Whether the entry is in force on ``day``."""
        return self.start <= day and (self.end is None or day <= self.end)

    @property
    def period_label(self) -> str:
        """« du 1er janvier 2009 au 31 décembre 2010 », « depuis le 1er janvier 2012 »."""
        if self.end is None:
            return f"depuis le {date_fr(self.start)}"
        return f"du {date_fr(self.start)} au {date_fr(self.end)}"


class SubsidyProfile(StrEnum):
    """Who applies: a single commune, or a groupement carrying a mutualised project."""

    COMMUNE = "commune"
    GROUPEMENT = "groupement"

    @property
    def label(self) -> str:
        """How the profile is named in explanations."""
        if self is SubsidyProfile.COMMUNE:
            return "commune seule"
        return "groupement (projet intercommunal mutualisé)"


class ExpenseRules(StrictModel):
    """Which expenditure forms the base of the subsidy."""

    eligible_natures: list[Annotated[CostNature, Strict(False)]] = Field(
        alias="natures_eligibles",
        min_length=1,
        description="Natures de dépense retenues dans la base (investissement, fonctionnement).",
    )
    eligible_examples: list[ShortText] = Field(
        alias="exemples_eligibles",
        min_length=1,
        description="Exemples de dépenses retenues, cités dans les explications.",
    )
    excluded_examples: list[ShortText] = Field(
        default_factory=empty_list,
        alias="exemples_exclus",
        description="Exemples de dépenses écartées, cités dans les explications.",
    )


class CommuneRules(StrictModel):
    """Rate, cap and thresholds for a single commune."""

    rate: Rate = Field(
        alias="taux", description="Taux maximal de l'aide, ex. « 0.40 » pour 40 % au plus."
    )
    cap: Money = Field(alias="plafond", description="Montant maximal de l'aide, en euros.")
    min_teleservices: int = Field(
        0,
        alias="teleservices_minimum",
        ge=0,
        le=100,
        description="Nombre minimal de téléservices dans la sélection (0 : pas de condition).",
    )

    @model_validator(mode="after")
    def _positive(self) -> CommuneRules:
        if self.rate <= 0:
            raise ValueError("le taux doit être supérieur à 0")
        if self.cap <= 0:
            raise ValueError("le plafond doit être supérieur à 0")
        return self


class GroupementRules(CommuneRules):
    """Rate, cap and thresholds for a groupement, plus the share of communes with their own site."""

    identity_share: Rate | None = Field(
        None,
        alias="part_communes_identite_propre",
        description=(
            "Part minimale des communes membres dotées de leur identité propre "
            "(nom de domaine et charte graphique), ex. « 0.20 »."
        ),
    )


class ProfilesRules(StrictModel):
    """The parameters of each profile; a scheme may serve only one of them."""

    commune: CommuneRules | None = Field(None, description="Projet d'une commune seule.")
    groupement: GroupementRules | None = Field(None, description="Projet intercommunal mutualisé.")

    @model_validator(mode="after")
    def _one(self) -> ProfilesRules:
        if self.commune is None and self.groupement is None:
            raise ValueError("indiquez les règles d'au moins un profil (commune ou groupement)")
        return self


class SchemeStatus(StrEnum):
    """What is known of a scheme."""

    IN_FORCE = "en_vigueur"
    HISTORICAL = "historique"
    HYPOTHESIS = "hypothese"

    @property
    def label(self) -> str:
        """The status in French."""
        return {
            SchemeStatus.IN_FORCE: "en vigueur",
            SchemeStatus.HISTORICAL: "historique",
            SchemeStatus.HYPOTHESIS: "hypothèse à vérifier",
        }[self]


class AidScheme(_Dated):
    """An aid scheme: funder, territory, period, status, rates and caps, eligibility, sources."""

    id: Slug = Field(description="Identifiant du dispositif (option --dispositif).")
    title: ShortText = Field(alias="intitule", description="Nom du dispositif.")
    funder: ShortText = Field(alias="financeur", description="Qui attribue l'aide.")
    status: Annotated[SchemeStatus, Strict(False)] = Field(
        alias="statut", description="en_vigueur, historique ou hypothese."
    )
    territory: Territory = Field(alias="territoire", description="Où le dispositif s'applique.")
    sources: list[str] = Field(
        min_length=1, description="Textes qui fixent ces règles (500 caractères au plus chacun)."
    )
    notes: list[LongText] = Field(
        default_factory=empty_list,
        alias="remarques",
        description="Précisions et réserves (hypothèses à vérifier, mode de calcul).",
    )
    expenses: ExpenseRules = Field(alias="depenses", description="Dépenses retenues ou écartées.")
    webpass_minimum: bool = Field(
        False,
        alias="minimum_webpass",
        description="Vrai si le dossier doit retenir toutes les exigences du minimum Webpass.",
    )
    profiles: ProfilesRules = Field(alias="profils", description="Paramètres par profil.")

    @model_validator(mode="after")
    def _short_sources(self) -> AidScheme:
        if any(not 0 < len(source) <= 500 for source in self.sources):
            raise ValueError("une source est vide ou dépasse 500 caractères")
        return self

    def serves(self, profile: SubsidyProfile) -> bool:
        """Whether the scheme has rules for ``profile``."""
        if profile is SubsidyProfile.GROUPEMENT:
            return self.profiles.groupement is not None
        return self.profiles.commune is not None

    def for_profile(self, profile: SubsidyProfile) -> CommuneRules:
        """The parameters of ``profile``.

        Raises:
            InputError: the scheme does not serve this profile.
        """
        rules = (
            self.profiles.groupement
            if profile is SubsidyProfile.GROUPEMENT
            else self.profiles.commune
        )
        if rules is None:
            raise InputError(
                f"le dispositif « {self.id} » ne prévoit rien pour le profil {profile.value} : "
                "choisissez un autre dispositif (option --dispositif)."
            )
        return rules

    def as_json(self) -> dict[str, object]:
        """What identifies the scheme, with its status, territory and period."""
        return {
            "id": self.id,
            "intitule": self.title,
            "financeur": self.funder,
            "statut": self.status.value,
            "territoire": self.territory.as_json(),
            "du": self.start.isoformat(),
            "au": self.end.isoformat() if self.end else None,
            "sources": list(self.sources),
        }

    def counts(self, nature: CostNature) -> bool:
        """Whether expenditure of this nature enters the base."""
        return nature in self.expenses.eligible_natures


class ExemptionGround(StrictModel):
    """A ground on which the minimum self-funding does not apply."""

    id: Slug = Field(description="Identifiant du motif, à déclarer dans le plan de financement.")
    label: ShortText = Field(alias="libelle", description="Intitulé du motif.")
    hint: str | None = Field(
        None, alias="aide", max_length=1000, description="Cas visés et pièce à joindre."
    )
    detail_required: bool = Field(
        False,
        alias="precision_obligatoire",
        description="Vrai si la déclaration doit préciser le texte ou la décision invoqués.",
    )


class SelfFundingPeriod(_Dated):
    """The minimum share of the public funding the project owner brings (CGCT L1111-10)."""

    min_share: Rate = Field(
        alias="part_minimale",
        description="Part minimale du financement public apportée par la collectivité, ex. « 0.20 ».",
    )
    sources: list[ShortText] = Field(min_length=1, description="Textes qui fixent cette règle.")
    grounds: list[ExemptionGround] = Field(
        alias="motifs_derogation",
        min_length=1,
        description="Motifs de dérogation reconnus.",
    )

    @model_validator(mode="after")
    def _unique_grounds(self) -> SelfFundingPeriod:
        if first_repeated(ground.id for ground in self.grounds) is not None:
            raise ValueError("deux motifs de dérogation portent le même identifiant")
        return self

    def ground(self, ground_id: str) -> ExemptionGround:
        """The exemption ground ``ground_id``.

        Raises:
            InputError: unknown ground; the message lists the known ones.
        """
        for ground in self.grounds:
            if ground.id == ground_id:
                return ground
        known = ", ".join(f"{g.id} ({g.label})" for g in self.grounds)
        raise InputError(
            f"motif de dérogation « {ground_id} » inconnu ; motifs possibles : {known}."
        )


class SchemesFile(StrictModel):
    """A collectivity's own ``dispositifs.yaml``: the aid schemes that apply to it."""

    schemes: list[AidScheme] = Field(
        alias="dispositifs", min_length=1, description="Dispositifs d'aide."
    )


register("dispositifs.schema.json", SchemesFile)


class SubsidyRules(StrictModel):
    """The content of ``catalog/subsidy.yaml``."""

    schemes: list[AidScheme] = Field(
        alias="dispositifs", min_length=1, description="Dispositifs d'aide connus de webpass."
    )
    self_funding: list[SelfFundingPeriod] = Field(
        alias="participation_minimale",
        min_length=1,
        description="Périodes successives de la participation minimale (CGCT L1111-10).",
    )

    @property
    def default_scheme(self) -> AidScheme:
        """The scheme used when none is named: the first of the catalogue (Webpass)."""
        return self.schemes[0]

    def scheme(self, scheme_id: str | None = None) -> AidScheme:
        """The scheme ``scheme_id`` (the default one when None).

        Raises:
            InputError: unknown id; the message lists the known ones.
        """
        if scheme_id is None:
            return self.default_scheme
        for scheme in self.schemes:
            if scheme.id == scheme_id:
                return scheme
        known = ", ".join(f"{s.id} ({s.title})" for s in self.schemes)
        raise InputError(f"dispositif « {scheme_id} » inconnu ; dispositifs connus : {known}.")

    def with_schemes(self, extra: SchemesFile | None, source: str = "") -> SubsidyRules:
        """These rules plus a collectivity's own schemes (their ids must be new).

        Raises:
            InputError: a scheme of ``extra`` reuses an id of the catalogue.
        """
        if extra is None:
            return self
        taken = {s.id for s in self.schemes}
        clash = [s.id for s in extra.schemes if s.id in taken]
        if clash:
            raise InputError(
                f"{source or SCHEMES_FILE} : identifiant(s) déjà pris par le catalogue : "
                + ", ".join(clash)
                + " ; donnez un autre « id » à vos dispositifs."
            )
        return self.model_copy(update={"schemes": [*self.schemes, *extra.schemes]})

    def self_funding_at(self, day: dt.date) -> SelfFundingPeriod:
        """The minimum self-funding rule in force on ``day``.

        Raises:
            InputError: no period covers ``day``.
        """
        for period in self.self_funding:
            if period.covers(day):
                return period
        raise InputError(
            f"aucune règle de participation minimale (CGCT L1111-10) n'est connue pour le "
            f"{date_fr(day)} ; périodes connues : {_spans(self.self_funding)}. Vérifiez la date "
            "ou complétez catalog/subsidy.yaml."
        )


register("subsidy.schema.json", SubsidyRules)


def _spans(entries: Sequence[_Dated]) -> str:
    parts = []
    for entry in sorted(entries, key=lambda e: e.start):
        until = f"au {date_fr(entry.end)}" if entry.end else "à aujourd'hui"
        parts.append(f"du {date_fr(entry.start)} {until}")
    return " ; ".join(parts)


def load_subsidy_rules(catalog_root: Path) -> SubsidyRules:
    """Read and validate ``subsidy.yaml`` from a catalogue folder, reporting every problem.

    Raises:
        ValidationFailed: the file is missing, unreadable or wrong (each problem located).
    """
    path = Path(catalog_root) / SUBSIDY_FILE
    if not path.is_file():
        raise ValidationFailed(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    f"fichier {SUBSIDY_FILE} manquant : il porte les règles de la subvention "
                    "(copiez celui livré avec webpass).",
                )
            ]
        )
    located = read_located(path, root=path.parent)
    rules, problems = validate_located(SubsidyRules, located)
    problems = [_rate_wording(problem) for problem in problems]
    if rules is not None:
        problems += _cross_check(rules, located)
    if rules is None or problems:
        raise ValidationFailed(problems, summary=f"{path} : règles de subvention à corriger")
    return rules


def load_user_schemes(path: Path) -> SchemesFile:
    """Read and validate a collectivity's ``dispositifs.yaml``, reporting every problem.

    Raises:
        ValidationFailed: the file is unreadable or wrong (each problem located).
    """
    located = read_located(Path(path))
    schemes, problems = validate_located(SchemesFile, located)
    problems = [_rate_wording(problem) for problem in problems]
    if schemes is not None:
        problems += _unique_ids(schemes.schemes, located)
    if schemes is None or problems:
        raise ValidationFailed(problems, summary=f"{path} : dispositifs d'aide à corriger")
    return schemes


def load_shipped_subsidy_rules() -> SubsidyRules:
    """The subsidy rules that ship with webpass."""
    return load_subsidy_rules(shipped_catalog_dir())


_RATE_KEYS = ("taux", "part_minimale", "part_communes_identite_propre")


def _rate_wording(problem: Problem) -> Problem:
    # The shared validator speaks of money when YAML read a float; a rate deserves its own example.
    if problem.where.endswith(_RATE_KEYS) and problem.message.startswith("montant écrit"):
        return dataclasses.replace(
            problem,
            message="taux écrit comme nombre décimal : mettez-le entre guillemets, ex. « 0.40 »",
        )
    return problem


def _unique_ids(schemes: Sequence[AidScheme], located: Located) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for index, scheme in enumerate(schemes):
        if scheme.id in seen:
            line = located.locate(("dispositifs", seen[scheme.id]))[0]
            problems.append(
                located.problem(
                    ("dispositifs", index, "id"),
                    f"identifiant de dispositif « {scheme.id} » déjà utilisé (ligne {line}) : "
                    "choisissez-en un autre.",
                )
            )
        seen.setdefault(scheme.id, index)
    return problems


def _cross_check(rules: SubsidyRules, located: Located) -> list[Problem]:
    problems: list[Problem] = []
    problems += _unique_ids(rules.schemes, located)
    problems += _overlaps(
        "participation_minimale",
        list(enumerate(rules.self_funding)),
        located,
        ("cette période", "la période", "fermez-la"),
    )
    return problems


def _overlaps(
    key: str,
    entries: Sequence[tuple[int, _Dated]],
    located: Located,
    words: tuple[str, str, str],
) -> list[Problem]:
    # Two entries in force on the same day would make the result depend on their order.
    problems = []
    ordered = sorted(entries, key=lambda pair: pair[1].start)
    for (first_index, first), (second_index, second) in itertools.pairwise(ordered):
        if first.end is None or first.end >= second.start:
            line = located.locate((key, first_index))[0]
            problems.append(
                located.problem(
                    (key, second_index, "du"),
                    f"{words[0]} commence le {date_fr(second.start)} alors que {words[1]} de la "
                    f"ligne {line} est encore en vigueur ce jour-là : {words[2]} avec « au: » la "
                    "veille.",
                )
            )
    return problems
