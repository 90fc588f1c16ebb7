"""The volume of content a takeover covers, and what is paid beyond it.

The dossier counts the pages of the current sites « environ ». A lump sum over an « environ »
cannot be priced (the bidder asks what happens at 250 pages), and an estimated quantity with no
ceiling lets the contract's amount grow without a modification (groupement review N1, N7). One
rule, stated here for the CCTP clauses (L01, K09: ``marche.reprise_*``) and the CCAP: the lump
sum covers the estimate and a margin (:data:`webpass.dossier.quantity.MEASURED_MARGIN`); pages
beyond it are paid at the unit price per page when the market has one, up to that price's own
ceiling; anything beyond is a modification of the contract. In a groupement, each commune's
share of that ceiling is computed here too, and the pieces the members read (annex A2, the
convention) print the same sentences as the CCTP's K09.
"""

from __future__ import annotations

from webpass.core.french_list import french_list
from webpass.dossier.answers import parameter_values
from webpass.dossier.quantity import measured_ceiling, member_quantity
from webpass.selection.engine import Selection
from webpass.selection.quantities import item_quantity

__all__ = [
    "beyond_takeover",
    "member_page_limit",
    "member_page_shares",
    "member_validation_duty",
    "members_page_ceiling",
    "page_price_beyond_takeover",
    "page_price_ceiling",
    "prorated",
    "remainder_rule",
    "takeover_ceiling",
    "takeover_pages_beyond",
]

_TAKEOVER = "L01"
# What a commune validates and pays beyond its share, in the rule's words and in a table cell's:
# the tables said « au plus 288 » while the convention let the coordinator give a commune more,
# so a commune's accountant could refuse a page confirmed to the holder (rev7, n° 2).
_REASSIGNED = "la part du reliquat que le coordonnateur lui réattribue par écrit"
_REASSIGNED_CELL = "plus la part du reliquat qui lui est réattribuée par écrit"


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


def member_page_shares(selection: Selection) -> list[tuple[str, int]]:
    """Each commune's share of the ceiling of the pages paid per page: (commune, pages), the
    ceiling prorated to the pages the dossier estimates for its current site; empty when the
    market has no price per page or no commune's site is taken over.

    A commune validates its inventory within its share: a common ceiling alone let the first
    inventories validated use up the pages of the others, and left the holder bound to take over
    pages nobody could pay (22:25 reading, I2).
    """
    page = _page_price(selection)
    if page is None:
        return []
    item_id, maximum = page
    return prorated(maximum, _member_estimates(selection, item_id))


def _member_estimates(selection: Selection, item_id: str) -> list[tuple[str, int]]:
    """The pages the dossier estimates for each commune's current site, when it has any."""
    item = selection.catalog.item(item_id)
    estimates = [
        (member.name, member_quantity(item, member))
        for member in selection.answers.collectivity.members
    ]
    return [(name, pages) for name, pages in estimates if pages > 0]


def _each(pairs: list[tuple[str, int]], prefix: str = "") -> str:
    """« 288 pages pour Fouesnant, 180 pour Bénodet et 72 pour Saint-Évarzec »."""
    return french_list(
        [
            f"{prefix}{pages}{' pages' if n == 0 else ''} pour {name}"
            for n, (name, pages) in enumerate(pairs)
        ]
    )


def prorated(units: int, weights: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """``units`` split in whole parts pro rata of positive ``weights``, summing to ``units``:
    each part rounded down, the units left to the largest remainders (the larger weight, then
    the name, breaking ties); empty without weights."""
    total = sum(weight for _, weight in weights)
    if not total:
        return []
    parts = {name: units * weight // total for name, weight in weights}
    by_remainder = sorted(
        weights, key=lambda entry: (-(units * entry[1] % total), -entry[1], entry[0])
    )
    for name, _ in by_remainder[: units - sum(parts.values())]:
        parts[name] += 1
    return [(name, parts[name]) for name, _ in weights]


def page_price_beyond_takeover(selection: Selection) -> str | None:
    """The unit price per page that pays the pages beyond the takeover's lump sum, when both
    are in the market; None otherwise."""
    page = _page_price(selection)
    return page[0] if page is not None and selection.selected(_TAKEOVER) is not None else None


def takeover_pages_beyond(item_id: str) -> str:
    """What the coordinator pays at ``item_id``'s price, as the sharing tables name it."""
    return (
        f"{item_id} × pages du site intercommunal au-delà du volume de l'exigence {_TAKEOVER}, "
        "sur la part du reliquat qu'il réattribue par écrit à ce site"
    )


def _documents_beyond(selection: Selection, price: str) -> str:
    """How documents beyond the lump sum's count are paid when its pages are not exceeded: with
    the page that proposes them, once; without this, a document count exceeded within the page
    count had no price (22:25 reading, M5)."""
    documents = _counted(selection, "nombre_documents_repris")
    if not documents:
        return ""
    return (
        f" ; une page comprise dans ce volume qui propose des documents au-delà du "
        f"{measured_ceiling(documents)}e, comptés dans l'ordre de l'inventaire, est payée {price}, "
        "une seule fois, avec ses documents"
    )


def beyond_takeover(selection: Selection, joint_purchasing: bool) -> str:
    """What the pages and documents beyond the takeover's ceiling cost, after « au-delà, »."""
    from webpass.documents.phases import modification_route

    page = _page_price(selection)
    if page is None:
        return f"la reprise des contenus en plus {modification_route()}"
    item_id, maximum = page
    shared = bool(member_page_shares(selection))
    limit = (
        f"dans la limite de la part du reliquat du plafond de l'exigence {item_id} que le "
        "coordonnateur réattribue par écrit au site intercommunal"
        if shared
        else f"dans la limite de {maximum} pages payées à ce prix"
    )
    # The communes' shares may take the whole ceiling: the intercommunal site's takeover beyond
    # L01 then stops where the confirmed remainder does, or it would be work without a price
    # (22:25 reading's I2, moved to the coordinator; read again at 00:05). The remainder's
    # confirmation and its pages' deadline are K09's sentences, repeated here where the bidder
    # reads L01's deadline (rev7, n° 3).
    unpaid = (
        " ; au-delà de ce reliquat, aucune page n'est reprise ni payée sans une modification "
        # The clause closes the sentence itself.
        f"préalable du marché. {remainder_rule(selection).removesuffix('.')}"
        if shared
        else ""
    )
    return (
        f"chaque page en plus est payée, avec ses documents, par {_payer(joint_purchasing)} au "
        f"prix unitaire d'une page de l'exigence {item_id}, {limit}"
        f"{_documents_beyond(selection, 'de même')}{unpaid}"
    )


def member_validation_duty() -> str:
    """A commune's duty in the convention (art. 5): the rule's words, its share and the part of
    the remainder it is given, and the pages it pays."""
    return (
        "valider l'inventaire des pages de son site actuel dans la limite de sa part du plafond "
        f"fixé à l'article 6, augmentée de {_REASSIGNED}, et payer toutes les pages ainsi "
        "confirmées ;"
    )


def member_page_limit(pages: int) -> str:
    """A commune's most pages as a table cell states it: its share and what it is given of the
    remainder (« au plus 288, plus la part du reliquat qui lui est réattribuée par écrit »)."""
    return f"au plus {pages}, {_REASSIGNED_CELL}"


def remainder_rule(selection: Selection) -> str:
    """Who is given the ceiling's remainder, by when the coordinator confirms it and by when its
    pages are taken over, as sentences; empty without communal shares.

    The remainder is known once the last communal inventory is validated: without a deadline,
    a late confirmation made the holder late on L01 (rev7, n° 3). Its pages cannot be due before
    they are confirmed, nor earlier than the other pages: the later of the two dates prevails.
    """
    if not member_page_shares(selection):
        return ""
    intercommunal = selection.selected(_TAKEOVER) is not None
    given = (
        "à une ou plusieurs communes ou au site intercommunal"
        if intercommunal
        else ("à une ou plusieurs communes")
    )
    general = (
        f"à la date d'achèvement de la reprise que fixe l'exigence {_TAKEOVER}"
        if intercommunal
        else "à la livraison du site en préproduction"
    )
    return (
        "Le reliquat du plafond est formé des pages des parts que les inventaires communaux "
        "validés n'utilisent pas ; dans les 10 jours ouvrés qui suivent la validation du dernier "
        "inventaire communal, le coordonnateur confirme par écrit au titulaire sa réattribution, "
        f"en nombre de pages, {given} ; ce délai est un délai de l'acheteur, non compris dans "
        "ceux du titulaire. La reprise des pages ainsi réattribuées est achevée au plus tard "
        f"{general} ou, si elle est plus tardive, 10 jours ouvrés après cette confirmation, "
        "date qui prévaut alors pour ces seules pages."
    )


def page_price_ceiling(selection: Selection, joint_purchasing: bool, named: bool = False) -> str:
    """The ceiling of the pages paid at the unit price per page, with each commune's share of it
    and who confirms the pages taken over, as sentences; empty when the market has no such
    price. ``named``: the price is named where no sentence before does.

    The one rule of the pages paid per page: the CCTP (K09), annex A2 of the CCAP and the
    convention print it alike."""
    from webpass.documents.phases import modification_cases, modification_route

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
    ceiling = f"Le nombre de pages payées {price}{beyond} ne dépasse pas {maximum}"
    shares = member_page_shares(selection) if joint_purchasing else []
    if not shares:
        return f"{ceiling} ; l'achat de pages au-delà {modification_route()}."
    estimated = _each(_member_estimates(selection, item_id), "environ ")
    split = _each(shares)
    annex = "l'annexe « Communes membres » du CCTP" if named else "l'annexe « Communes membres »"
    intercommunal = (
        " ; le coordonnateur paie celles du site intercommunal"
        if selection.selected(_TAKEOVER) is not None
        else ""
    )
    return (
        f"{ceiling}. Chaque commune valide son inventaire dans la limite de sa part de ce "
        f"plafond, augmentée de {_REASSIGNED}. Sa part du plafond, hors reliquat, est "
        f"proportionnelle aux pages que {annex} estime pour son site ({estimated}) : {split}. "
        "Avant la reprise, dans les 10 jours ouvrés qui suivent la validation de chaque "
        "inventaire, le coordonnateur confirme par écrit au titulaire le nombre de pages de "
        "cet inventaire, dans la limite de la part de la commune ; ce délai est un délai de "
        f"l'acheteur, non compris dans ceux du titulaire. {remainder_rule(selection)} Chaque "
        "commune paie toutes les pages de son site ainsi confirmées, celles de la part du "
        f"reliquat qui lui est réattribuée comprises{intercommunal}. Le titulaire ne reprend au "
        f"prix de l'exigence {item_id} que les pages ainsi confirmées, et aucune au-delà du plafond "
        f"sans une modification préalable du marché {modification_cases()}."
    )


def members_page_ceiling(selection: Selection) -> str:
    """The pages' rule as the members' payment pieces state it (annex A2, convention): the
    CCTP's, its price named; empty when the market has no price per page.

    Each member pays the pages of the inventory it validates: without the ceiling and its
    shares there, the pieces its officers read would promise to pay any count (21:25 reading,
    I1; 22:25 reading, I2).
    """
    return page_price_ceiling(selection, joint_purchasing=True, named=True)
