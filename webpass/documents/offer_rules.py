"""The rules on the response grid that the letter and the RC state, not the LISEZ-MOI.

The LISEZ-MOI of the DCE is informative: a rule on how the offer is judged must be in the piece
that governs the consultation (the letter or the RC), where the bidder looks for it: the grid's
control data must not be altered. (The grid asks for no supplier's label: a label of an aid
scheme is no contractual requirement, so the pieces say nothing of one.)
"""

from __future__ import annotations

__all__ = ["grid_integrity_rule", "quote_regularity_rule"]


def grid_integrity_rule(regularisation: bool) -> str:
    """Why the grid's texts, fingerprints and hidden sheet must stay as they are, and what
    follows an altered text: a correction asked where the buyer regularises (the comparison
    marks it regularisable, :mod:`webpass.grid.regularity`), never an automatic rejection."""
    rule = (
        "Le cadre de réponse porte, pour chaque exigence, son texte et son empreinte, et dans un "
        "onglet masqué « Dossier » la liste des exigences attendues, qui permet de contrôler "
        "l'offre. Ne modifiez ni ces textes, ni ces empreintes, ni cet onglet, et ne supprimez "
        "aucune ligne : une offre dont le cadre a été modifié sur ces points ne répond pas au "
        "dossier de consultation et est irrégulière"
    )
    if not regularisation:
        return rule + "."
    return rule + (
        " ; l'acheteur ne l'écarte pas pour ce seul motif sans avoir demandé au prestataire de "
        "corriger son cadre, en confirmant ses réponses sur le texte du dossier sans changer son "
        "offre (article R2152-2 du Code de la commande publique)."
    )


def quote_regularity_rule(regularisation: bool) -> str:
    """What makes a quote irregular and how the buyer may cure it, for the consultation letter
    (the RC states its own rule in article 7.1)."""
    rule = (
        "Un devis irrégulier est éliminé (article R2152-1 du Code de la commande publique) : "
        "notamment celui qui répond autrement que « Conforme » à une exigence « Exigé » du CCTP, "
        "dont un prix ou une réponse manque, ou dont le cadre de réponse a été modifié."
    )
    if not regularisation:
        return rule + (
            " La collectivité n'use pas de la faculté de régularisation de l'article R2152-2 ; si "
            "elle négocie, un devis irrégulier peut devenir régulier à l'issue de la négociation."
        )
    return rule + (
        " La collectivité peut toutefois demander à tous les prestataires dont le devis est "
        "irrégulier de le régulariser dans un délai approprié, à condition qu'il ne soit pas "
        "anormalement bas et sans en modifier les caractéristiques substantielles (article "
        "R2152-2) : compléter une réponse manquante ou illisible, confirmer une réponse sur le "
        "texte du dossier. Une exigence déclarée non satisfaite ou un prix manquant ne peuvent "
        "pas être régularisés, car leur correction changerait le devis ; si la collectivité "
        "négocie, elle peut en obtenir la mise en conformité au cours de la négociation."
    )
