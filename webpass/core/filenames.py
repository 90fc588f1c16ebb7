"""The names of the files webpass writes for a buyer, defined once for the CLI, the web and the DCE.

Each name carries the buyer's name made safe (:func:`webpass.core.slug.slugify`), so files of
several collectivities can sit in one folder and a download keeps a meaningful name.
"""

from __future__ import annotations

from webpass.core.slug import slugify

__all__ = ["dce_name", "grid_name", "rao_name", "rc_stem"]


def grid_name(buyer: str, fmt: str) -> str:
    """« cadre-de-reponse-<buyer>.<fmt> »: the response grid sent to bidders."""
    return f"cadre-de-reponse-{slugify(buyer)}.{fmt}"


def dce_name(buyer: str) -> str:
    """« DCE-<buyer>.zip »: the consultation bundle."""
    return f"DCE-{slugify(buyer)}.zip"


def rc_stem(buyer: str) -> str:
    """« RC-<buyer> »: the règlement de la consultation, before its format's suffix."""
    return f"RC-{slugify(buyer)}"


def rao_name(buyer: str, fmt: str) -> str:
    """« rao-<buyer>.<fmt> »: the rapport d'analyse des offres."""
    return f"rao-{slugify(buyer)}.{fmt}"
