"""Award criteria of a consultation: weighted criteria, announced sub-criteria, the price formula.

They live in the ``criteres`` block of ``webpass.yaml``; a dossier without one gets
:data:`DEFAULT_CRITERIA` (valeur technique 60 — conformité 30, méthodologie 15, accessibilité
10, environnement 5 — and prix 40, classic formula). The règlement de consultation publishes
them and ``webpass comparer`` applies them, so both always say the same thing.

Rules checked here:

- the criteria weigh 100 in all, and the sub-criteria of a criterion weigh what it weighs: the
  sub-criteria and their weights must be announced to the bidders (CE, 18 juin 2010, Commune de
  Saint-Pal-de-Mons), so they are part of the model, not of the analysis;
- exactly one criterion is the price (CCP L2152-7: price or cost is always among the criteria);
- from 22 August 2026, at least one criterion must take account of the environmental features
  of the offer (loi n° 2021-1104 « Climat et résilience », art. 35): :func:`award_warnings` says
  so when the consultation is launched on or after that date without one. DINUM recommends a
  dedicated accessibility criterion of about 10 %; a missing one is pointed out too.

Each scored unit is a *leaf*: a sub-criterion, or a criterion without sub-criteria. Its
``nature`` says how it is scored: ``prix`` (the price formula), ``technique_conformite`` (the
conformity answers of the response grid, weighted by the catalogue's item weights),
``note_analyste`` (a mark the analyst gives from the mémoire technique) and ``environnement``
(an analyst's mark that is the environmental criterion of the loi Climat et résilience).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator, Field, Strict, model_validator

from webpass.compare.price_scoring import PriceFormula
from webpass.core.errors import Problem
from webpass.core.matching import fold
from webpass.core.strict_model import StrictModel
from webpass.untrusted.safe_yaml import Located

if TYPE_CHECKING:
    from webpass.dossier.answers import Answers

__all__ = [
    "DEFAULT_CRITERIA",
    "DEFAULT_DEADLINE_DAYS",
    "ENVIRONMENT_CRITERION_DATE",
    "AwardCriteria",
    "Criterion",
    "CriterionNature",
    "Leaf",
    "SubCriterion",
    "award_problems",
    "award_warnings",
    "criteria_of",
    "offers_deadline",
]

ENVIRONMENT_CRITERION_DATE = dt.date(2026, 8, 22)
DEFAULT_DEADLINE_DAYS = 30
_ITEM_OR_SECTION = r"^[A-Z](\d{2})?$"


class CriterionNature(StrEnum):
    """How a criterion (or sub-criterion) is scored."""

    PRICE = "prix"
    CONFORMITY = "technique_conformite"
    ANALYST = "note_analyste"
    ENVIRONMENT = "environnement"

    @property
    def method(self) -> str:
        """How the RC and the RAO describe the scoring of this nature, in French."""
        return {
            "prix": "formule de notation du prix",
            "technique_conformite": "conformité déclarée dans le cadre de réponse, pondérée par le poids de chaque exigence",
            "note_analyste": "appréciation du mémoire technique",
            "environnement": "appréciation du mémoire technique (critère environnemental)",
        }[self.value]


def _clock_time(value: Any) -> Any:
    # YAML 1.1 reads an unquoted 12:00 as the sexagesimal integer 720.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return f"{value // 60:02d}:{value % 60:02d}"
    return value


ClockTime = Annotated[
    str, BeforeValidator(_clock_time), Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
]


class SubCriterion(StrictModel):
    """A weighted sub-criterion, announced in the règlement de consultation."""

    name: str = Field(
        alias="nom", min_length=1, max_length=120, description="Intitulé du sous-critère."
    )
    weight: int = Field(alias="poids", ge=1, le=100, description="Pondération, en points sur 100.")
    nature: Annotated[CriterionNature, Strict(False)] = Field(
        description="technique_conformite, note_analyste ou environnement."
    )
    description: str | None = Field(
        None,
        max_length=600,
        description="Ce qui est apprécié, tel que le règlement de consultation l'annonce.",
    )
    items: list[Annotated[str, Field(pattern=_ITEM_OR_SECTION)]] = Field(
        default_factory=list,
        alias="exigences",
        max_length=200,
        description="Pour technique_conformite : exigences (ex. I03) ou sections (ex. I) notées ; toutes par défaut.",
    )


class Criterion(StrictModel):
    """A weighted award criterion, with or without sub-criteria."""

    name: str = Field(alias="nom", min_length=1, max_length=120, description="Intitulé du critère.")
    weight: int = Field(alias="poids", ge=1, le=100, description="Pondération, en points sur 100.")
    nature: Annotated[CriterionNature, Strict(False)] | None = Field(
        None,
        description="prix, technique_conformite, note_analyste ou environnement (critère sans sous-critères).",
    )
    description: str | None = Field(
        None,
        max_length=600,
        description="Ce qui est apprécié, tel que le règlement de consultation l'annonce.",
    )
    sub_criteria: list[SubCriterion] = Field(
        default_factory=list,
        alias="sous_criteres",
        max_length=20,
        description="Sous-critères pondérés, annoncés aux candidats.",
    )
    items: list[Annotated[str, Field(pattern=_ITEM_OR_SECTION)]] = Field(
        default_factory=list,
        alias="exigences",
        max_length=200,
        description="Pour technique_conformite : exigences (ex. I03) ou sections (ex. I) notées ; toutes par défaut.",
    )


@dataclass(frozen=True)
class Leaf:
    """A scored unit: a sub-criterion, or a criterion without sub-criteria.

    Attributes:
        name: its own name.
        parent: the criterion it belongs to, None for a criterion without sub-criteria.
        weight: its points out of 100.
        nature: how it is scored.
        description: what is judged, as announced.
        items: for a conformity leaf, the item ids or section letters it covers (all if empty).
    """

    name: str
    parent: str | None
    weight: int
    nature: CriterionNature
    description: str | None
    items: tuple[str, ...]

    @property
    def key(self) -> str:
        """The name folded, used to match a mark of the notes file to this leaf."""
        return fold(self.name)

    @property
    def label(self) -> str:
        """« Valeur technique — Méthodologie », or the criterion's name alone."""
        return f"{self.parent} — {self.name}" if self.parent else self.name

    def covers(self, item_id: str) -> bool:
        """Whether a conformity leaf scores this item."""
        return not self.items or any(item_id == ref or item_id[0] == ref for ref in self.items)


class AwardCriteria(StrictModel):
    """The ``criteres`` block of ``webpass.yaml``."""

    criteria: list[Criterion] = Field(
        alias="liste",
        min_length=1,
        max_length=12,
        description="Critères de jugement des offres, pondérés sur 100.",
    )
    price_formula: Annotated[PriceFormula, Strict(False)] = Field(
        PriceFormula.CLASSIC,
        alias="formule_prix",
        description="Formule de notation du prix : classique, lineaire ou ecart_relatif.",
    )
    deadline: dt.date | None = Field(
        None,
        alias="date_limite_offres",
        description="Date limite de remise des offres ; par défaut, 30 jours après le lancement.",
    )
    deadline_time: ClockTime = Field(
        "12:00",
        alias="heure_limite_offres",
        description="Heure limite de remise des offres (HH:MM, heure de Paris).",
    )
    contact: str | None = Field(
        None,
        max_length=300,
        description="Service ou personne à contacter pour les renseignements administratifs et techniques.",
    )
    buyer_profile: str | None = Field(
        None,
        alias="profil_acheteur",
        pattern=r"^https://\S+$",
        max_length=300,
        description="Adresse du profil d'acheteur où le dossier est publié et les offres déposées.",
    )

    @model_validator(mode="after")
    def _check(self) -> AwardCriteria:
        problems: list[str] = []
        total = sum(c.weight for c in self.criteria)
        if total != 100:
            problems.append(
                f"les critères pèsent {total} points au lieu de 100 : ajustez leurs « poids »"
            )
        for criterion in self.criteria:
            problems += _criterion_problems(criterion)
        prices = [leaf for leaf in self.leaves() if leaf.nature is CriterionNature.PRICE]
        if len(prices) != 1:
            problems.append(
                f"il faut exactement un critère de nature « prix » (trouvé : {len(prices)}) ; "
                "le prix ou le coût fait toujours partie des critères (article L2152-7 du Code de la commande publique)"
            )
        seen: set[str] = set()
        for leaf in self.leaves():
            if leaf.key in seen:
                problems.append(
                    f"deux critères ou sous-critères s'appellent « {leaf.name} » : donnez-leur des noms distincts, "
                    "les notes de l'analyste s'y réfèrent par leur nom"
                )
            seen.add(leaf.key)
        if problems:
            raise ValueError(" ; ".join(problems))
        return self

    def leaves(self) -> list[Leaf]:
        """The scored units in the order of the block."""
        out: list[Leaf] = []
        for criterion in self.criteria:
            if criterion.sub_criteria:
                out += [
                    Leaf(
                        sub.name,
                        criterion.name,
                        sub.weight,
                        sub.nature,
                        sub.description,
                        tuple(sub.items),
                    )
                    for sub in criterion.sub_criteria
                ]
            elif criterion.nature is not None:
                out.append(
                    Leaf(
                        criterion.name,
                        None,
                        criterion.weight,
                        criterion.nature,
                        criterion.description,
                        tuple(criterion.items),
                    )
                )
        return out

    @property
    def price_leaf(self) -> Leaf:
        """The one price criterion."""
        return next(leaf for leaf in self.leaves() if leaf.nature is CriterionNature.PRICE)

    @property
    def has_environmental_criterion(self) -> bool:
        """Whether a criterion or sub-criterion is the environmental one."""
        return any(leaf.nature is CriterionNature.ENVIRONMENT for leaf in self.leaves())


def _criterion_problems(criterion: Criterion) -> list[str]:
    problems: list[str] = []
    name = criterion.name
    if criterion.sub_criteria:
        subtotal = sum(sub.weight for sub in criterion.sub_criteria)
        if subtotal != criterion.weight:
            problems.append(
                f"les sous-critères de « {name} » pèsent {subtotal} points, le critère en pèse "
                f"{criterion.weight} : les deux doivent être égaux"
            )
        if criterion.nature is not None:
            problems.append(
                f"« {name} » a des sous-critères : retirez sa « nature », chaque sous-critère a la sienne"
            )
        if criterion.items:
            problems.append(
                f"« {name} » a des sous-critères : placez « exigences » sur le sous-critère concerné"
            )
        for sub in criterion.sub_criteria:
            if sub.items and sub.nature is not CriterionNature.CONFORMITY:
                problems.append(
                    f"« {sub.name} » : « exigences » ne sert qu'à un sous-critère de nature technique_conformite"
                )
    else:
        if criterion.nature is None:
            problems.append(
                f"indiquez la « nature » de « {name} » : prix, technique_conformite, note_analyste ou environnement"
            )
        elif criterion.items and criterion.nature is not CriterionNature.CONFORMITY:
            problems.append(
                f"« {name} » : « exigences » ne sert qu'à un critère de nature technique_conformite"
            )
    return problems


DEFAULT_CRITERIA = AwardCriteria.model_validate(
    {
        "liste": [
            {
                "nom": "Valeur technique",
                "poids": 60,
                "sous_criteres": [
                    {
                        "nom": "Conformité au CCTP",
                        "poids": 30,
                        "nature": "technique_conformite",
                        "description": "Réponses aux exigences du cahier des clauses techniques particulières, "
                        "déclarées dans le cadre de réponse et justifiées.",
                    },
                    {
                        "nom": "Méthodologie",
                        "poids": 15,
                        "nature": "note_analyste",
                        "description": "Organisation du projet, planning, équipe affectée, démarche de recette, "
                        "de reprise des contenus et de formation.",
                    },
                    {
                        "nom": "Accessibilité",
                        "poids": 10,
                        "nature": "note_analyste",
                        "description": "Démarche d'accessibilité (RGAA) : compétences, audits, prise en compte "
                        "dans la conception, les gabarits et la formation des contributeurs.",
                    },
                    {
                        "nom": "Performance environnementale",
                        "poids": 5,
                        "nature": "environnement",
                        "description": "Écoconception des pages (RGESN), sobriété de l'hébergement et des services "
                        "tiers, durée de vie des contenus et des équipements des usagers.",
                    },
                ],
            },
            {"nom": "Prix", "poids": 40, "nature": "prix"},
        ],
        "formule_prix": "classique",
    }
)


def criteria_of(answers: Answers) -> AwardCriteria:
    """The dossier's criteria, or the default ones when its ``criteres`` block is absent."""
    return answers.award if answers.award is not None else DEFAULT_CRITERIA


def offers_deadline(answers: Answers) -> dt.date:
    """``date_limite_offres``, or 30 days after the launch of the consultation when not given."""
    award = answers.award
    if award is not None and award.deadline is not None:
        return award.deadline
    return answers.project.launch_date + dt.timedelta(days=DEFAULT_DEADLINE_DAYS)


def award_problems(answers: Answers, located: Located | None = None) -> list[Problem]:
    """What is wrong with the criteria given the rest of the answers (the deadline's date)."""
    award = answers.award
    problems: list[Problem] = []
    launch = answers.project.launch_date
    if award is not None and award.deadline is not None and award.deadline <= launch:
        where = located or Located(data=None, source="webpass.yaml")
        problems.append(
            where.problem(
                ("criteres", "date_limite_offres"),
                f"la date limite de remise des offres ({award.deadline:%d/%m/%Y}) doit suivre le lancement "
                f"de la consultation ({launch:%d/%m/%Y}).",
            )
        )
    return problems


def award_warnings(answers: Answers) -> list[str]:
    """Advice on the criteria: the environmental criterion, the accessibility criterion, defaults."""
    criteria = criteria_of(answers)
    warnings: list[str] = []
    if answers.award is None:
        warnings.append(
            "Le dossier n'a pas de bloc « criteres » : les critères par défaut sont appliqués "
            "(valeur technique 60 — conformité 30, méthodologie 15, accessibilité 10, performance "
            "environnementale 5 — et prix 40, formule classique). Ajoutez un bloc « criteres » à "
            "webpass.yaml pour les adapter."
        )
    launch = answers.project.launch_date
    if launch >= ENVIRONMENT_CRITERION_DATE and not criteria.has_environmental_criterion:
        warnings.append(
            f"Aucun critère environnemental : pour une consultation lancée à partir du 22 août 2026 "
            f"(ici le {launch:%d/%m/%Y}), au moins un critère doit prendre en compte les caractéristiques "
            "environnementales de l'offre (loi n° 2021-1104 « Climat et résilience », article 35). "
            "Ajoutez un critère ou un sous-critère de nature « environnement »."
        )
    if not any("accessib" in leaf.key for leaf in criteria.leaves()):
        warnings.append(
            "Aucun critère ou sous-critère d'accessibilité : la DINUM recommande un critère dédié "
            "d'environ 10 % pour un site public."
        )
    return warnings
