"""The environmental terms of a dossier, worded once for the RC, the CCAP and the CCTP.

Article 35 of the loi n° 2021-1104 « Climat et résilience » changed two articles of the Code de
la commande publique, applicable to consultations launched from 21 August 2026 (décret
n° 2022-767): at least one award criterion takes account of the environmental characteristics
of the offer (L2152-7), and the conditions of execution take account of environmental
considerations (L2112-2). The two duties add up, so a dossier gets both:

- :attr:`EnvironmentalTerms.criterion`, for the RC: the environmental sub-criterion of the
  award criteria, its weight and what is judged;
- :attr:`EnvironmentalTerms.condition`, for the CCAP: the condition of execution, with the
  ceilings of page weight and requests the CCTP sets in its eco-design requirement (G13);
- :attr:`EnvironmentalTerms.specification`, for the CCTP: the reminder tying the technical
  requirement to the other two pieces.

Each piece calls :func:`environmental_terms` rather than writing its own wording, so the three
stay consistent when the criteria or the ceilings change.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from webpass.compare.scale import SCORED_ON
from webpass.core.frozen_record import frozen_record
from webpass.core.money import format_number
from webpass.dossier.procedure import ProcedureCode

if TYPE_CHECKING:
    from webpass.selection.engine import Selection

__all__ = [
    "CLIMATE_LAW_DATE",
    "ECODESIGN_ITEM",
    "EnvironmentalTerms",
    "climate_law_applies",
    "environmental_terms",
]

CLIMATE_LAW_DATE = dt.date(2026, 8, 21)
ECODESIGN_ITEM = "G13"
_LAW = "loi n° 2021-1104 du 22 août 2021 « Climat et résilience », article 35"


@frozen_record
class EnvironmentalTerms:
    """The environmental criterion, condition of execution and CCTP reminder of a dossier.

    Attributes:
        criterion: the RC's sentence on the environmental award sub-criterion, None when the
            criteria have none (only lawful before 21 August 2026).
        condition: the CCAP's condition of execution.
        specification: the CCTP's reminder.
        required: whether the consultation falls under the loi Climat et résilience.
    """

    criterion: str | None
    condition: str
    specification: str
    required: bool


def _bidder(selection: Selection) -> str:
    """« du candidat », or « du prestataire » asked for a quote under the dispense threshold."""
    return "du prestataire" if selection.procedure.code is ProcedureCode.EXEMPT else "du candidat"


def climate_law_applies(launch: dt.date) -> bool:
    """Whether a consultation launched on ``launch`` must have an environmental criterion and condition."""
    return launch >= CLIMATE_LAW_DATE


def environmental_terms(selection: Selection) -> EnvironmentalTerms:
    """The environmental terms of a dossier; see the module docstring."""
    from webpass.compare.award import CriterionNature, criteria_of
    from webpass.dossier.answers import parameter_values

    criteria = criteria_of(selection)
    leaves = [leaf for leaf in criteria.leaves() if leaf.nature is CriterionNature.ENVIRONMENT]
    ecodesign = next((s.item for s in selection.items if s.item.id == ECODESIGN_ITEM), None)
    values = parameter_values(ecodesign, selection.answers) if ecodesign is not None else {}
    weight = values.get("poids_max_ko")
    requests = values.get("requetes_max")
    if weight is not None and requests is not None:
        ceilings = (
            f"chaque gabarit de page respecte les plafonds de l'exigence {ECODESIGN_ITEM} du CCTP "
            f"({format_number(weight, 0)} ko transférés et {format_number(requests, 0)} requêtes au plus)"
        )
        where = f"de l'exigence {ECODESIGN_ITEM} du CCTP"
    else:
        ceilings = "chaque gabarit de page est mesuré (poids transféré, nombre de requêtes)"
        where = "des exigences du CCTP"
    condition = (
        "Les conditions d'exécution du marché prennent en compte des considérations relatives à "
        f"l'environnement (article L2112-2 du Code de la commande publique, {_LAW}) : le titulaire conçoit et fait évoluer le site selon le référentiel général "
        f"d'écoconception de services numériques (RGESN 2024) ; {ceilings} ; il héberge le site sur une "
        "infrastructure dont il indique l'efficacité énergétique dans son offre, limite les services tiers "
        "aux besoins du site et conserve la compatibilité du site avec les équipements anciens des usagers. "
        "Il remet à la vérification d'aptitude la grille d'auto-évaluation du RGESN mise à jour avec les "
        "mesures réelles et rend compte de ces engagements dans le bilan annuel du marché. Un manquement "
        "constaté est traité comme un défaut de conformité des prestations."
    )
    criterion = None
    if leaves:
        leaf = leaves[0]
        criterion = (
            f"Le sous-critère « {leaf.name} » ({leaf.weight} points sur 100) prend en compte les "
            "caractéristiques environnementales de l'offre (article L2152-7 du Code de la commande publique, "
            f"{_LAW}) : il apprécie, {SCORED_ON}, les engagements mesurables {_bidder(selection)} "
            f"au-delà {where} (poids et requêtes par gabarit, grille RGESN renseignée), "
            "la sobriété de l'hébergement et des services tiers, et la compatibilité du site avec les "
            "équipements anciens des usagers."
        )
        if leaf.parent is None:
            criterion = criterion.replace("Le sous-critère", "Le critère", 1)
    specification = (
        "Les exigences d'écoconception du présent CCTP sont aussi une condition d'exécution du marché "
        "(CCAP, article L2112-2 du Code de la commande publique)"
        + (
            f" ; l'offre est jugée sur sa performance environnementale (règlement de la consultation, "
            f"« {leaves[0].name} », {leaves[0].weight} points sur 100)."
            if leaves
            else "."
        )
    )
    return EnvironmentalTerms(
        criterion=criterion,
        condition=condition,
        specification=specification,
        required=climate_law_applies(selection.answers.project.launch_date),
    )
