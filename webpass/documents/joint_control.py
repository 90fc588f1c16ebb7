"""The processing the members of a groupement de commandes control jointly (GDPR, article 26).

One user account for every site, one request tracker and content shared between the sites are
processing whose means the coordinator and the communes decide together: article 26 asks for an
arrangement that shares their obligations and whose essence is told to the people concerned. The
convention states the arrangement and the CCAP's annex A1 lists the same processing, both from
this module.
"""

from __future__ import annotations

from webpass.documents.family_portal import coordinator_services
from webpass.documents.terms import DceTerms

__all__ = ["joint_arrangement", "joint_processing"]

# The shared building blocks of the platform that every member's users go through.
_JOINT_WORDS = {
    "F05": "le compte usager unique, commun à tous les sites, et sa connexion FranceConnect (F05)",
    "F06": "le suivi en ligne des demandes, quel que soit le membre qui les traite (F06)",
    "K04": "le partage de contenus entre les sites et leurs auteurs (K04)",
}


def joint_processing(terms: DceTerms) -> list[str]:
    """The joint processing this contract sets up; empty outside a groupement de commandes."""
    if not terms.joint_purchasing:
        return []
    selected = {s.item.id for s in terms.selection.items}
    joint = [words for item_id, words in _JOINT_WORDS.items() if item_id in selected]
    if coordinator_services(terms):
        # One household file serves the communauté's enrolments and the communes' alike.
        joint.append(
            "le dossier commun de la famille dans l'espace famille (F03), qui sert les "
            "inscriptions aux services du coordonnateur et des communes"
        )
    return joint


def joint_arrangement(coordinator: str) -> list[str]:
    """The arrangement's terms, one per obligation, as the convention states them."""
    return [
        "les membres déterminent ensemble les finalités et les moyens des traitements conjoints "
        "ci-dessus, chacun pour les demandes et les contenus de ses propres services ;",
        # No pronoun: « la communauté » is feminine, « le syndicat » masculine (review n° 25).
        f"{coordinator} est le point de contact des personnes concernées pour ces traitements, "
        "reçoit et instruit leurs demandes d'exercice des droits ; un membre qui reçoit une telle "
        "demande la lui transmet dans les 5 jours ouvrés, et chacun lui fournit dans le même délai "
        "ce qui est nécessaire à la réponse ;",
        f"{coordinator} notifie à la CNIL, dans les 72 heures, les violations de données qui touchent "
        "ces traitements et en informe les personnes concernées lorsque c'est requis (articles 33 "
        "et 34 du RGPD) ; le membre qui a connaissance d'une violation l'en avertit sans délai, et "
        "le coordonnateur informe tous les membres ;",
        f"{coordinator} conclut au nom de tous les membres, par le marché, les clauses de "
        "l'article 28 du RGPD avec le titulaire, sous-traitant, et lui transmet les instructions "
        "de chaque membre ;",
        "chaque membre tient ces traitements à son registre, mentionne ce partage dans "
        "l'information qu'il donne aux personnes et publie l'essentiel du présent accord sur la "
        "page « données personnelles » de son site ou de ses pages (article 26, paragraphe 2, "
        "du RGPD) ; une personne peut exercer ses droits auprès de chacun des membres.",
    ]
