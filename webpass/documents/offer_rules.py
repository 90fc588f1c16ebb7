"""The rules on the response grid and on regularisation that the letter and the RC state.

The LISEZ-MOI of the DCE is informative: a rule on how the offer is judged must be in the piece
that governs the consultation (the letter or the RC), where the bidder looks for it: the grid's
control data must not be altered. (The grid asks for no supplier's label: a label of an aid
scheme is no contractual requirement, so the pieces say nothing of one.)

Regularisation (article R2152-2) is one rule for both pieces, and the rule the comparison applies
(:mod:`webpass.grid.regularity`): the buyer may invite every bidder concerned, never one alone,
and only formal omissions are cured. Whatever is scored or priced (a written answer, a value, a
price) is a substantial characteristic of the offer (CAA Paris, 5 July 2024, n° 22PA00120): it
is never added after the deadline.
"""

from __future__ import annotations

from collections.abc import Sequence

from webpass.core.frozen_record import frozen_record

__all__ = [
    "grid_integrity_rule",
    "information_words",
    "quote_regularity_rule",
    "regularisation_rule",
    "written_answer_rule",
]


@frozen_record
class _Words:
    """How the piece names the buyer, the bidders and the offer (the agreements follow it)."""

    buyer: str
    bidders: str
    offer: str
    irregular: str
    it: str
    low: str
    mandatory: str
    eliminated: str
    where: str


_QUOTES = _Words(
    "La collectivité",
    "tous les prestataires dont le devis est irrégulier",
    "du devis",
    "irrégulier",
    "le",
    "qu'il ne soit pas anormalement bas",
    "une exigence « Exigé »",
    "le devis est éliminé",
    "à la rubrique « Jugement des devis »",
)
_RC = _Words(
    "L'acheteur",
    "tous les soumissionnaires dont l'offre est irrégulière",
    "de l'offre",
    "irrégulière",
    "la",
    "qu'elle ne soit pas anormalement basse",
    "une exigence obligatoire",
    "l'offre est éliminée",
    "à l'article 7.1",
)


def grid_integrity_rule(regularisation: bool, quotes: bool) -> str:
    """Why the grid's texts, fingerprints and hidden sheet must stay as they are, and what
    follows an altered text: the regularisation of every irregular offer alike, where the buyer
    regularises (the comparison marks it regularisable), never a rejection for that alone nor a
    correction asked of one bidder only."""
    rule = (
        "Le cadre de réponse porte, pour chaque exigence, son texte et son empreinte, et dans un "
        "onglet masqué « Dossier » la liste des exigences attendues, qui permet de contrôler "
        "l'offre. Ne modifiez ni ces textes, ni ces empreintes, ni cet onglet, et ne supprimez "
        "aucune ligne : une offre dont le cadre a été modifié sur ces points ne répond pas au "
        "dossier de consultation et est irrégulière"
    )
    if not regularisation:
        return rule + "."
    words = _QUOTES if quotes else _RC
    return rule + f" ; elle peut être régularisée dans les conditions indiquées {words.where}."


_SUBJECT = {True: "le devis", False: "l'offre"}


def regularisation_rule(quotes: bool, options: bool) -> str:
    """Who may be invited to regularise, what may be cured and what may not (R2152-2)."""
    words = _QUOTES if quotes else _RC
    forms = [
        "une case de conformité vide ou illisible alors que la colonne « Justification » traite "
        "le point",
        *(["une signature ou une mention d'identification du prestataire"] if quotes else []),
        "la confirmation des réponses sur le texte du dossier lorsqu'un texte ou une empreinte du "
        "cadre de réponse a été modifié",
    ]
    return (
        f"{words.buyer} peut inviter {words.bidders} à {words.it} régulariser dans un délai "
        f"approprié, à condition {words.low} ; la régularisation ne peut pas modifier les "
        f"caractéristiques substantielles {words.offer} (article R2152-2 du Code de la commande "
        "publique). Elle se limite aux omissions de forme : "
        + ", ".join(forms)
        + ". Elle ne permet ni d'ajouter ou de modifier une réponse rédigée, une valeur ou un "
        "prix, ni de rendre conforme une exigence déclarée non satisfaite"
        + (", ni de proposer une PSE" if options else "")
        + f" : {words.mandatory} laissée sans aucune réponse, déclarée non satisfaite ou dont la "
        f"valeur est inférieure au minimum, et un prix manquant, ne sont pas régularisés, et "
        f"{words.eliminated}. {written_answer_rule()} ; l'absence d'un renseignement que le "
        f"marché demande rend {_SUBJECT[quotes]} {words.irregular}. {words.buyer} décide de la régularisation et la mène avant de noter et "
        f"de classer les {'devis' if quotes else 'offres'}."
    )


def written_answer_rule() -> str:
    """What a scored written answer left empty costs: its sub-criterion only. One sentence for
    the letter, the RC and the grid's bidder tab, so that they never state two rules (review of
    1 December 2026, I2); what is blocking is the contract information and an exigé conformity."""
    return (
        "Une réponse rédigée manquante sous une exigence déclarée « Conforme » n'est pas demandée "
        "après la date limite : le sous-critère qu'elle sert est noté sans elle"
    )


def information_words(ids: Sequence[str]) -> str:
    """« les exigences G01, G12, H01, J01, N01 et N03 » — the contract information an offer must give."""
    if len(ids) == 1:
        return f"l'exigence {ids[0]}"
    return "les exigences " + ", ".join(ids[:-1]) + " et " + ids[-1]


def quote_regularity_rule(
    regularisation: bool, options: bool, information: Sequence[str] = ()
) -> str:
    """What makes a quote irregular and how the buyer may cure it, for the consultation letter
    (the RC states the same regularisation in article 7.1); ``information``: the requirements
    whose written answer the contract needs."""
    missing = (
        f", qui ne donne pas les renseignements que demandent {information_words(information)}"
        if information
        else ""
    )
    rule = (
        "Un devis irrégulier est éliminé (article R2152-1 du Code de la commande publique) : "
        "notamment celui qui répond autrement que « Conforme » à une exigence « Exigé » du CCTP, "
        "qui laisse une telle exigence sans réponse ou y porte une valeur inférieure au minimum "
        f"exigé{missing}, dont un prix manque, ou dont le cadre de réponse a été modifié."
    )
    negotiation = (
        " Si la collectivité négocie, un devis irrégulier peut devenir régulier à l'issue de la "
        "négociation, à condition qu'il ne soit pas anormalement bas."
    )
    if not regularisation:
        return (
            rule
            + " La collectivité n'use pas de la faculté de régularisation de l'article R2152-2."
            + negotiation
        )
    return rule + " " + regularisation_rule(True, options) + negotiation
