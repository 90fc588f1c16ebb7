"""Award criteria of a consultation: weighted criteria, announced sub-criteria, scale, price formula.

They live in the ``criteres`` block of ``webpass.yaml``; a dossier without one gets
:func:`default_criteria` (valeur technique 60 on five or six sub-criteria judged on the mémoire
technique, prix 40, classic formula). The règlement de consultation publishes them and
``webpass comparer`` applies them, so both always say the same thing.

Conformity to the CCTP is a gate, not a criterion: an offer that does not meet a mandatory
requirement is irregular and eliminated (:mod:`webpass.grid.regularity`), so every regular offer
would get the same conformity points; a criterion computed from the bidders' own declarations
would only move on options the buyer may never retain. The technical value is the analyst's
reading of the mémoire technique, sub-criterion by sub-criterion, on the scale of
:mod:`webpass.compare.scale` announced in the RC.

Rules checked here:

- the criteria weigh 100 in all, and the sub-criteria of a criterion weigh what it weighs: the
  sub-criteria and their weights must be announced to the bidders (CE, 18 juin 2010, Commune de
  Saint-Pal-de-Mons), so they are part of the model, not of the analysis;
- exactly one criterion is the price (CCP L2152-7: price or cost is always among the criteria);
- for a consultation launched from 21 August 2026, at least one criterion takes account of the
  environmental characteristics of the offer (loi « Climat et résilience », art. 35; décret
  n° 2022-767): :func:`award_problems` refuses criteria without one. DINUM recommends a
  dedicated accessibility criterion of about 10 %; a missing one is pointed out.

Each scored unit is a *leaf*: a sub-criterion, or a criterion without sub-criteria. Its
``nature`` says how it is scored: ``prix`` (the price formula), ``note_analyste`` (a level of
the scale given from the mémoire technique) and ``environnement`` (the same, and it is the
environmental criterion of the loi Climat et résilience).
"""

from __future__ import annotations

import datetime as dt
import functools
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator, Field, Strict, field_validator, model_validator

from webpass.catalog.model import AnswerUse, Strength
from webpass.compare.environment import CLIMATE_LAW_DATE, climate_law_applies
from webpass.compare.price_scoring import PriceFormula
from webpass.compare.pse import PseDecision, PseMode
from webpass.compare.scale import DEFAULT_LEVELS, ScaleLevel, scale_problems
from webpass.core.empty import empty_list
from webpass.core.errors import Problem
from webpass.core.frozen_record import frozen_record
from webpass.core.matching import fold
from webpass.core.strict_model import BUILT_ON_FIRST_USE, StrictModel
from webpass.untrusted.safe_yaml import Located

if TYPE_CHECKING:
    from webpass.dossier.answers import Answers
    from webpass.selection.engine import Selection

__all__ = [
    "DEFAULT_DEADLINE_DAYS",
    "AwardCriteria",
    "Criterion",
    "CriterionNature",
    "Leaf",
    "SubCriterion",
    "award_problems",
    "award_warnings",
    "criteria_of",
    "default_criteria",
    "offers_deadline",
    "scored_leaf",
    "wants_teleservice_criterion",
]

DEFAULT_DEADLINE_DAYS = 30


class CriterionNature(StrEnum):
    """How a criterion (or sub-criterion) is scored."""

    PRICE = "prix"
    ANALYST = "note_analyste"
    ENVIRONMENT = "environnement"


_CONFORMITY_GONE = (
    "« technique_conformite » n'est plus une nature de critère : la conformité au CCTP décide de la "
    "régularité des offres (une offre qui ne satisfait pas une exigence obligatoire est écartée), elle "
    "n'est pas notée. Remplacez ce sous-critère par un sous-critère apprécié au vu du mémoire technique "
    "(nature note_analyste), par exemple « Méthodologie et planning »"
)


def _no_conformity(value: Any) -> Any:
    if isinstance(value, str) and value.strip() == "technique_conformite":
        raise ValueError(_CONFORMITY_GONE)
    return value


NatureField = Annotated[CriterionNature, Strict(False), BeforeValidator(_no_conformity)]


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

    model_config = BUILT_ON_FIRST_USE

    name: str = Field(
        alias="nom", min_length=1, max_length=120, description="Intitulé du sous-critère."
    )
    weight: int = Field(alias="poids", ge=1, le=100, description="Pondération, en points sur 100.")
    nature: NatureField = Field(description="note_analyste ou environnement.")
    description: str | None = Field(
        None,
        max_length=600,
        description="Ce qui est apprécié, tel que le règlement de consultation l'annonce.",
    )


class Criterion(StrictModel):
    """A weighted award criterion, with or without sub-criteria."""

    model_config = BUILT_ON_FIRST_USE

    name: str = Field(alias="nom", min_length=1, max_length=120, description="Intitulé du critère.")
    weight: int = Field(alias="poids", ge=1, le=100, description="Pondération, en points sur 100.")
    nature: NatureField | None = Field(
        None,
        description="prix, note_analyste ou environnement (critère sans sous-critères).",
    )
    description: str | None = Field(
        None,
        max_length=600,
        description="Ce qui est apprécié, tel que le règlement de consultation l'annonce.",
    )
    sub_criteria: list[SubCriterion] = Field(
        default_factory=empty_list,
        alias="sous_criteres",
        max_length=20,
        description="Sous-critères pondérés, annoncés aux candidats.",
    )


@frozen_record
class Leaf:
    """A scored unit: a sub-criterion, or a criterion without sub-criteria.

    Attributes:
        name: its own name.
        parent: the criterion it belongs to, None for a criterion without sub-criteria.
        weight: its points out of 100.
        nature: how it is scored.
        description: what is judged, as announced.
    """

    name: str
    parent: str | None
    weight: int
    nature: CriterionNature
    description: str | None

    @property
    def key(self) -> str:
        """The name folded, used to match a mark of the notes file to this leaf."""
        return fold(self.name)

    @property
    def label(self) -> str:
        """« Valeur technique — Méthodologie », or the criterion's name alone."""
        return f"{self.parent} — {self.name}" if self.parent else self.name

    @property
    def judged(self) -> bool:
        """Scored by the analyst on the scale (anything but the price)."""
        return self.nature is not CriterionNature.PRICE


class AwardCriteria(StrictModel):
    """The ``criteres`` block of ``webpass.yaml``."""

    model_config = BUILT_ON_FIRST_USE

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
    scale: list[ScaleLevel] | None = Field(
        None,
        alias="bareme",
        max_length=11,
        description="Niveaux de notation des sous-critères techniques, chacun avec son libellé et la "
        "phrase qui le décrit, publiés dans le règlement de la consultation ; par défaut, de 0 (absent) "
        "à 5 (très bon).",
    )
    pse: PseDecision = Field(
        default_factory=PseDecision,
        description="Prestations supplémentaires éventuelles retenues, ou règle de décision.",
    )
    regularisation: bool = Field(
        True,
        description="Si l'acheteur peut inviter les candidats à régulariser une offre irrégulière "
        "(article R2152-2 du Code de la commande publique).",
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

    @field_validator("pse", mode="after")
    @classmethod
    def _pse_shape(cls, value: PseDecision) -> PseDecision:
        if value.mode is PseMode.AFTER_ANALYSIS and value.retained:
            raise ValueError(
                "« retenues » s'emploie avec « decision: avant_analyse » ; après l'analyse, donnez "
                "l'ordre de priorité des PSE dans « priorite »"
            )
        if value.mode is PseMode.BEFORE_ANALYSIS and value.priority:
            raise ValueError(
                "« priorite » s'emploie avec « decision: apres_analyse » ; avant l'analyse, listez les "
                "PSE retenues dans « retenues »"
            )
        return value

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
        problems += scale_problems(
            self.levels, [(leaf.name, leaf.weight) for leaf in self.leaves() if leaf.judged]
        )
        if problems:
            raise ValueError(" ; ".join(problems))
        return self

    def leaves(self) -> list[Leaf]:
        """The scored units in the order of the block."""
        out: list[Leaf] = []
        for criterion in self.criteria:
            if criterion.sub_criteria:
                out += [
                    Leaf(sub.name, criterion.name, sub.weight, sub.nature, sub.description)
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
                    )
                )
        return out

    @property
    def levels(self) -> list[ScaleLevel]:
        """The scale announced in the RC: the dossier's own, or the default 0 to 5."""
        return self.scale if self.scale is not None else list(DEFAULT_LEVELS)

    @property
    def top(self) -> int:
        """The highest level of the scale."""
        return self.levels[-1].level

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
        if any(sub.nature is CriterionNature.PRICE for sub in criterion.sub_criteria):
            problems.append(
                f"« {name} » : le prix est un critère à part entière, pas un sous-critère"
            )
    elif criterion.nature is None:
        problems.append(
            f"indiquez la « nature » de « {name} » : prix, note_analyste ou environnement"
        )
    return problems


# What each default sub-criterion judges; the wording is the RC's (and the RAO's).
_METHOD = (
    "Méthodologie et planning",
    "Organisation du projet avec la collectivité{members}, planning jusqu'à la mise en ligne et ses "
    "marges, démarche de recette, plan de reprise des contenus.",
)
_TEAM = (
    "Équipe et moyens",
    "Composition et qualifications de l'équipe affectée au projet (chef de projet, intégration, "
    "accessibilité), disponibilité et interlocuteurs, organisation du support et de la maintenance.",
)
_A11Y = (
    "Accessibilité",
    "Démarche d'accessibilité (RGAA) au-delà des exigences du CCTP : compétences de l'équipe, "
    "audits prévus, méthode qui rend accessibles les gabarits{services} et les documents.",
)
_ENV = (
    "Performance environnementale",
    "Engagements mesurables d'écoconception (RGESN) au-delà des plafonds du CCTP, sobriété de "
    "l'hébergement et des services tiers, compatibilité avec les équipements anciens des usagers.",
)
# The CCTP already fixes the trainings, the guide and the support's hours and times (L03 to L05,
# M04): meeting them is conformity, not merit. Only what goes beyond is scored.
_SUPPORT = (
    "Accompagnement et formation",
    "Ce que l'offre apporte au-delà des formations, de la documentation et de l'assistance que "
    "fixe le CCTP, dont les durées, publics et délais ne sont pas notés : qualité de la méthode "
    "de formation et des supports, accompagnement proposé en plus du minimum.",
)
_TELESERVICES = (
    "Téléservices",
    "Qualité des téléservices proposés (solution de base et PSE retenues) : parcours de l'usager, "
    # F10 (security approval) feeds this sub-criterion: announced, as R2152-7 asks (review R7).
    "intégration aux outils des services, suivi des demandes, accessibilité des formulaires, "
    "sécurité des téléservices.",
)


# The sub-criterion a written answer of the catalogue feeds (its « sert_a »), by the name the
# default criteria give it; a dossier's own criteria are matched by that name.
_USE_NAMES = {
    AnswerUse.METHOD: _METHOD[0],
    AnswerUse.TEAM: _TEAM[0],
    AnswerUse.ACCESSIBILITY: _A11Y[0],
    AnswerUse.ENVIRONMENT: _ENV[0],
    AnswerUse.SUPPORT: _SUPPORT[0],
    AnswerUse.TELESERVICES: _TELESERVICES[0],
}


def scored_leaf(criteria: AwardCriteria, use: AnswerUse | None) -> Leaf | None:
    """The judged sub-criterion of ``criteria`` that an answer for ``use`` feeds, if any."""
    name = _USE_NAMES.get(use) if use is not None else None
    if name is None:
        return None
    return next(
        (leaf for leaf in criteria.leaves() if leaf.judged and leaf.key == fold(name)), None
    )


def _sub(
    entry: tuple[str, str], weight: int, nature: CriterionNature, members: str, services: str = ""
) -> dict[str, Any]:
    name, description = entry
    return {
        "nom": name,
        "poids": weight,
        "nature": nature.value,
        "description": description.format(members=members, services=services),
    }


@functools.cache
def default_criteria(teleservices: bool, grouped: bool = False) -> AwardCriteria:
    """Valeur technique 60 (five sub-criteria, six with téléservices) and prix 40.

    Built once per process and case (a frozen model, shared): a CCTP asks for it once per
    requirement and piece, some thirty times.
    """
    members = " et ses communes membres" if grouped else ""
    analyst, env = CriterionNature.ANALYST, CriterionNature.ENVIRONMENT
    if teleservices:
        subs = [
            _sub(_METHOD, 15, analyst, members),
            _sub(_TEAM, 10, analyst, members),
            _sub(_A11Y, 10, analyst, members, ", des téléservices"),
            _sub(_ENV, 10, env, members),
            _sub(_SUPPORT, 5, analyst, members),
            _sub(_TELESERVICES, 10, analyst, members),
        ]
    else:
        subs = [
            _sub(_METHOD, 20, analyst, members),
            _sub(_TEAM, 10, analyst, members),
            _sub(_A11Y, 10, analyst, members),
            _sub(_ENV, 10, env, members),
            _sub(_SUPPORT, 10, analyst, members),
        ]
    return AwardCriteria.model_validate(
        {
            "liste": [
                {"nom": "Valeur technique", "poids": 60, "sous_criteres": subs},
                {"nom": "Prix", "poids": 40, "nature": "prix"},
            ],
            "formule_prix": "classique",
        }
    )


def wants_teleservice_criterion(selection: Selection) -> bool:
    """Whether the dossier asks for téléservices beyond the legal minimum (a payment link)."""
    return any(s.item.teleservice and s.strength is not Strength.LEGAL for s in selection.items)


def criteria_of(selection: Selection) -> AwardCriteria:
    """The dossier's criteria, or the default ones when its ``criteres`` block is absent."""
    answers = selection.answers
    if answers.award is not None:
        return answers.award
    return default_criteria(
        wants_teleservice_criterion(selection), grouped=bool(answers.collectivity.members)
    )


def offers_deadline(answers: Answers) -> dt.date:
    """``date_limite_offres``, or 30 days after the launch of the consultation when not given."""
    award = answers.award
    if award is not None and award.deadline is not None:
        return award.deadline
    return answers.project.launch_date + dt.timedelta(days=DEFAULT_DEADLINE_DAYS)


def award_problems(selection: Selection, located: Located | None = None) -> list[Problem]:
    """What is wrong with the criteria given the rest of the dossier (dates, PSE, the law)."""
    answers = selection.answers
    award = answers.award
    where = located or Located(data=None, source="webpass.yaml")
    problems: list[Problem] = []
    launch = answers.project.launch_date
    if award is None:
        return problems
    if award.deadline is not None and award.deadline <= launch:
        problems.append(
            where.problem(
                ("criteres", "date_limite_offres"),
                f"la date limite de remise des offres ({award.deadline:%d/%m/%Y}) doit suivre le lancement "
                f"de la consultation ({launch:%d/%m/%Y}).",
            )
        )
    if climate_law_applies(launch) and not award.has_environmental_criterion:
        problems.append(
            where.problem(
                ("criteres", "liste"),
                f"aucun critère environnemental : une consultation lancée à partir du "
                f"{CLIMATE_LAW_DATE:%d/%m/%Y} (ici le {launch:%d/%m/%Y}) doit juger les caractéristiques "
                "environnementales de l'offre (article L2152-7 du Code de la commande publique, loi n° 2021-1104 "
                "« Climat et résilience », article 35). Donnez à un critère ou sous-critère la nature « environnement ».",
            )
        )
    options = {s.item.id for s in selection.items if s.strength is Strength.OPTIONAL}
    for key, ids in (("retenues", award.pse.retained), ("priorite", award.pse.priority)):
        for index, item_id in enumerate(ids):
            if item_id not in options:
                problems.append(
                    where.problem(
                        ("criteres", "pse", key, index),
                        f"{item_id} n'est pas une prestation supplémentaire éventuelle (PSE) du dossier ; "
                        f"PSE du dossier : {', '.join(sorted(options)) or 'aucune'}.",
                    )
                )
    return problems


def award_warnings(selection: Selection) -> list[str]:
    """Advice on the criteria: the defaults, the accessibility criterion, PSE without a budget."""
    answers = selection.answers
    criteria = criteria_of(selection)
    warnings: list[str] = []
    if answers.award is None:
        names = ", ".join(
            f"{leaf.name.lower() if leaf.name[1:].islower() else leaf.name} {leaf.weight}"
            for leaf in criteria.leaves()
            if leaf.judged
        )
        warnings.append(
            "Le dossier n'a pas de bloc « criteres » : les critères par défaut sont appliqués (valeur "
            f"technique 60 — {names} — et prix 40, formule classique). Ajoutez un bloc « criteres » à "
            "webpass.yaml pour les adapter."
        )
    if not any("accessib" in leaf.key for leaf in criteria.leaves()):
        warnings.append(
            "Aucun critère ou sous-critère d'accessibilité : la DINUM recommande un critère dédié "
            "d'environ 10 % pour un site public."
        )
    has_options = any(s.strength is Strength.OPTIONAL for s in selection.items)
    if (
        has_options
        and criteria.pse.mode is PseMode.AFTER_ANALYSIS
        and answers.project.budget is None
    ):
        warnings.append(
            "Des PSE sont prévues et décidées après l'analyse, mais le dossier n'indique pas de budget "
            "(projet.budget) : toutes les PSE seront retenues. Indiquez le budget, ou listez les PSE "
            "retenues (criteres.pse, decision: avant_analyse)."
        )
    return warnings
