"""Who decides the security accreditation (homologation, RGS) of the site and its téléservices.

The authority that homologates a service is the one responsible for it. A collectivity buying
alone signs one decision. In a groupement de commandes each member is controller of the
téléservices it opens for its own services (CCAP, personal data article; controllers.py), so
the coordinator homologates what it runs and each mayor what his commune opens, on the one
file the contractor writes (groupement review N9: « l'autorité de la collectivité » named no
one among eight controllers).
"""

from __future__ import annotations

from webpass.documents.ccap_plan import CcapArticle

__all__ = ["homologation_rule"]


def homologation_rule(designation: str, joint_purchasing: bool) -> str:
    """The sentence that says who signs, ending before « pour une durée de … ans au plus »."""
    if not joint_purchasing:
        return "L'autorité de la collectivité signe la décision d'homologation"
    return (
        f"Le président de {designation}, coordonnateur, homologue le site intercommunal, la "
        "plateforme commune et les téléservices communs ; le maire de chaque commune homologue, "
        "sur le même dossier, le site propre de sa commune, s'il en existe un, et les téléservices "
        "qu'elle ouvre pour ses propres services, dont elle est responsable du traitement (article "
        f"{CcapArticle.DATA.number} du CCAP). Chaque décision d'homologation est prise"
    )
