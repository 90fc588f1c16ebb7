"""In whose name the sites' accounts and domain names are held.

A commune or a groupement without member sites holds everything; in a groupement whose member
communes keep a site of their own (CCTP K02), each site belongs to the member whose site it is, so
the CCAP, the CCTP (G06, N04) and the annex A2 must never hand a commune's domain to the groupement.
"""

from __future__ import annotations

from webpass.dossier.contract import PurchaseSetup

__all__ = ["in_holders_name"]


def in_holders_name(
    designation: str,
    members_with_own_site: int,
    setup: PurchaseSetup | None,
    annex: str = "annexe A2 du CCAP",
) -> str:
    """« au nom de la commune de X » or « au nom du membre titulaire de chaque site (annexe A2) »."""
    if members_with_own_site == 0:
        return f"au nom de {designation}"
    if setup is PurchaseSetup.EPCI_ALONE:
        # The communes are not parties to the contract: the groupement registers its own site and
        # each commune keeps the domain of its own, as K02 says.
        return (
            f"au nom de la collectivité titulaire de chaque site ({designation} pour le site "
            "intercommunal, chaque commune dotée d'un site propre pour le sien)"
        )
    return f"au nom du membre titulaire de chaque site ({annex})"
