"""The rules on the response grid that the letter and the RC state, not the LISEZ-MOI.

The LISEZ-MOI of the DCE is informative: a rule on how the offer is judged must be in the piece
that governs the consultation (the letter or the RC), where the bidder looks for it. Two such
rules concern the grid: its control data must not be altered, and its « Numéro de label » field
asks for the Webpass label of the solution, which is neither an award criterion nor a condition.
"""

from __future__ import annotations

from webpass.selection.engine import Selection

__all__ = ["grid_integrity_rule", "label_rule"]


def grid_integrity_rule() -> str:
    """Why the grid's texts, fingerprints and hidden sheet must stay as they are."""
    return (
        "Le cadre de réponse porte, pour chaque exigence, son texte et son empreinte, et dans un "
        "onglet masqué « Dossier » la liste des exigences attendues, qui permet de contrôler "
        "l'offre. Ne modifiez ni ces textes, ni ces empreintes, ni cet onglet, et ne supprimez "
        "aucune ligne : une offre dont le cadre a été modifié sur ces points ne répond pas au "
        "dossier de consultation et est irrégulière."
    )


def label_rule(selection: Selection) -> str:
    """What the « Numéro de label » field of the grid is, and what it is not."""
    level = selection.catalog.levels[selection.answers.project.target_level].name
    return (
        "L'onglet « Candidat » du cadre de réponse demande, le cas échéant, le numéro de label "
        "Webpass de la solution proposée (de la forme WP-2026-001) : ce label, délivré dans le "
        "cadre du dispositif Webpass et inscrit à son registre des solutions labellisées, atteste "
        "qu'une solution couvre les exigences du cahier des charges type jusqu'à un niveau de site "
        f"donné (ici, le niveau « {level} » est visé). Il n'est ni un critère de jugement ni une "
        "condition de participation : une solution sans label est acceptée et jugée de la même "
        "façon ; laissez le champ vide si la solution n'en a pas."
    )
