"""The volume of content a takeover covers, and what is paid beyond it.

The dossier counts the pages of the current sites « environ ». A lump sum over an « environ »
cannot be priced (the bidder asks what happens at 250 pages), and an estimated quantity with no
ceiling lets the contract's amount grow without a modification (groupement review N1, N7). One
rule, stated here for the CCTP clauses (L01, K09: ``marche.reprise_*``) and the CCAP: the lump
sum covers the estimate and a margin (:data:`webpass.dossier.quantity.MEASURED_MARGIN`); pages
beyond it are paid at the unit price per page when the market has one, up to that price's own
ceiling; anything beyond is a modification of the contract.
"""

from __future__ import annotations

from webpass.dossier.answers import parameter_values
from webpass.dossier.quantity import measured_ceiling
from webpass.selection.engine import Selection
from webpass.selection.quantities import item_quantity

__all__ = ["beyond_takeover", "members_page_ceiling", "page_price_ceiling", "takeover_ceiling"]

_TAKEOVER = "L01"


def _page_price(selection: Selection) -> tuple[str, int] | None:
    """The unit price paid per page taken over and its ceiling, when the market has one."""
    for selected in selection.items:
        if selected.is_pse:
            continue
        quantity = item_quantity(selected, selection.answers)
        if quantity is not None and quantity.maximum is not None:
            return selected.item.id, quantity.maximum
    return None


def _counted(selection: Selection, key: str) -> int | None:
    value = parameter_values(selection.catalog.item(_TAKEOVER), selection.answers).get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def takeover_ceiling(selection: Selection) -> str:
    """What the takeover's lump sum covers at most: « 216 pages et 384 documents »."""
    if selection.selected(_TAKEOVER) is None:
        return ""
    pages = _counted(selection, "nombre_pages")
    documents = _counted(selection, "nombre_documents_repris")
    # A count not given yet shows the marker the selection reports, never an empty volume.
    parts = [
        f"{measured_ceiling(pages)} pages"
        if pages is not None
        else "[à compléter : nombre de pages du site actuel] pages"
    ]
    if documents:
        parts.append(f"{measured_ceiling(documents)} documents")
    return " et ".join(parts)


def _payer(joint_purchasing: bool) -> str:
    return "le coordonnateur" if joint_purchasing else "l'acheteur"


def beyond_takeover(selection: Selection, joint_purchasing: bool) -> str:
    """What the pages beyond the takeover's ceiling cost, after « au-delà, »."""
    from webpass.documents.phases import modification_route

    page = _page_price(selection)
    if page is None:
        return f"la reprise des contenus en plus {modification_route()}"
    item_id, maximum = page
    return (
        f"chaque page en plus est payée, avec ses documents, par {_payer(joint_purchasing)} au "
        "prix unitaire d'une "
        f"page de l'exigence {item_id}, dans la limite de {maximum} pages payées à ce prix"
    )


def page_price_ceiling(selection: Selection, joint_purchasing: bool, named: bool = False) -> str:
    """The ceiling of the pages paid at the unit price per page, as one sentence; empty when
    the market has no such price. ``named``: the price is named where no sentence before does."""
    from webpass.documents.phases import modification_route

    page = _page_price(selection)
    if page is None:
        return ""
    item_id, maximum = page
    price = f"au prix unitaire de l'exigence {item_id}" if named else "à ce prix"
    beyond = (
        f", y compris les pages du site intercommunal au-delà du volume que couvre l'exigence "
        f"{_TAKEOVER} (payées par {_payer(joint_purchasing)}),"
        if selection.selected(_TAKEOVER) is not None
        else ""
    )
    return (
        f"Le nombre de pages payées {price}{beyond} ne dépasse pas {maximum} ; l'achat de pages "
        f"au-delà {modification_route()}."
    )


def members_page_ceiling(selection: Selection) -> str:
    """The pages' ceiling as the members' payment pieces state it (annex A2, convention), with
    who keeps the count; empty when the market has no price per page.

    Each member pays the pages of the inventory it validates: without the common ceiling there,
    the pieces its officers read would promise to pay any count (21:25 reading, I1).
    """
    ceiling = page_price_ceiling(selection, joint_purchasing=True, named=True)
    if not ceiling:
        return ""
    return (
        f"{ceiling} Cette limite est commune à tous les membres : le coordonnateur tient le "
        "compte des pages des inventaires validés."
    )
