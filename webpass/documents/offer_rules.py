"""The rules on the response grid that the letter and the RC state, not the LISEZ-MOI.

The LISEZ-MOI of the DCE is informative: a rule on how the offer is judged must be in the piece
that governs the consultation (the letter or the RC), where the bidder looks for it: the grid's
control data must not be altered. (The grid asks for no supplier's label: a label of an aid
scheme is no contractual requirement, so the pieces say nothing of one.)
"""

from __future__ import annotations

__all__ = ["grid_integrity_rule"]


def grid_integrity_rule() -> str:
    """Why the grid's texts, fingerprints and hidden sheet must stay as they are."""
    return (
        "Le cadre de réponse porte, pour chaque exigence, son texte et son empreinte, et dans un "
        "onglet masqué « Dossier » la liste des exigences attendues, qui permet de contrôler "
        "l'offre. Ne modifiez ni ces textes, ni ces empreintes, ni cet onglet, et ne supprimez "
        "aucune ligne : une offre dont le cadre a été modifié sur ces points ne répond pas au "
        "dossier de consultation et est irrégulière."
    )
