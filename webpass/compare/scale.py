"""The scoring scale of the technical sub-criteria: levels announced in the RC, one sentence each.

The analyst gives each offer a *level* per sub-criterion (0 to 5 by default) and the reason for
it; the sub-criterion's points are ``weight × level ÷ top level``. The levels and their meaning
are published in the règlement de la consultation, so a bidder knows what earns a « 4 » rather
than a « 3 », and the RAO quotes the level next to each mark. A dossier may replace the default
scale (``criteres.bareme``); the levels must then run from 0 without a gap, and every weight must
split into exact hundredths per level, so that one level more is always worth the same points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from pydantic import Field

from webpass.core.strict_model import StrictModel

__all__ = [
    "DEFAULT_LEVELS",
    "SCORED_ON",
    "ScaleLevel",
    "level_points",
    "scale_problems",
]


# What the analyst reads to score a sub-criterion: the mémoire and the grid's open answers,
# which the letter and the RC say are read with it. Announcing the mémoire alone would score
# on something the bidders were not told.
SCORED_ON = "au vu du mémoire technique et des réponses ouvertes du cadre de réponse"


class ScaleLevel(StrictModel):
    """One level of the scale."""

    level: int = Field(alias="niveau", ge=0, le=10, description="Note entière, de 0 au maximum.")
    label: str = Field(
        alias="libelle", min_length=1, max_length=40, description="Nom court, ex. « Bon »."
    )
    description: str = Field(
        min_length=1,
        max_length=400,
        description="Ce qui vaut cette note, tel que le règlement de la consultation l'annonce.",
    )


def _level(level: int, label: str, description: str) -> ScaleLevel:
    return ScaleLevel.model_validate(
        {"niveau": level, "libelle": label, "description": description}
    )


DEFAULT_LEVELS: tuple[ScaleLevel, ...] = (
    _level(
        0,
        "Absent",
        "Ni le mémoire technique ni les réponses ouvertes du cadre ne traitent le point, ou la réponse est sans "
        "rapport avec le projet.",
    ),
    _level(
        1,
        "Très insuffisant",
        "Réponse générique, qui pourrait valoir pour n'importe quel projet, sans engagement vérifiable.",
    ),
    _level(
        2,
        "Insuffisant",
        "Le point est abordé, mais des éléments appréciés manquent ou ne sont pas adaptés au projet.",
    ),
    _level(
        3,
        "Satisfaisant",
        "Réponse adaptée au projet qui couvre l'essentiel des éléments appréciés, avec peu d'engagements précis.",
    ),
    _level(
        4,
        "Bon",
        "Réponse précise et adaptée qui couvre tous les éléments appréciés, avec des engagements vérifiables.",
    ),
    _level(
        5,
        "Très bon",
        "Réponse précise, complète et adaptée, avec des engagements vérifiables et chiffrés, et des moyens "
        "démontrés (références, exemples, outils) pour les tenir.",
    ),
)


def level_points(weight: int, level: int, top: int) -> Decimal:
    """The points of ``level`` on a sub-criterion of ``weight`` points: exact, no rounding."""
    return Decimal(weight) * level / top


def scale_problems(levels: Sequence[ScaleLevel], weights: Sequence[tuple[str, int]]) -> list[str]:
    """What is wrong with a scale, given the (name, weight) of the sub-criteria it scores."""
    problems: list[str] = []
    numbers = [level.level for level in levels]
    if numbers != list(range(len(numbers))):
        problems.append(
            "les niveaux du barème doivent aller de 0 à la note maximale, dans l'ordre et sans trou "
            f"(trouvé : {', '.join(str(n) for n in numbers) or 'aucun'})"
        )
        return problems
    top = numbers[-1]
    if top < 2:
        problems.append("le barème doit compter au moins trois niveaux (de 0 à 2)")
        return problems
    for name, weight in weights:
        if (weight * 100) % top:
            problems.append(
                f"« {name} » pèse {weight} points : avec un barème de 0 à {top}, un niveau vaudrait "
                f"{weight} ÷ {top} points, qui ne tombe pas juste au centième ; choisissez un poids "
                f"multiple de {top // math.gcd(top, 100)} ou un autre barème"
            )
    return problems
