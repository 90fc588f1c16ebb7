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
from webpass.documents.ccap_plan import CcapArticle
from webpass.dossier.answers import parameter_values
from webpass.dossier.quantity import measured_ceiling, member_quantity
from webpass.selection.engine import Selection
from webpass.selection.quantities import item_quantity

__all__ = [
    "PARAGRAPH_BREAK",
    "beyond_takeover",
    "confirmation_delays",
    "intercommunal_order",
    "late_pages_payment",
    "late_pages_penalty",
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
    "takeover_validation_power",
]

_TAKEOVER = "L01"
# Between the paragraphs of K09's rule: a Markdown break in the CCTP's clause, a new paragraph
# in the pieces that print the rule as blocks (annex A2, the convention).
PARAGRAPH_BREAK = "\n\n"
# What a commune validates and pays beyond its share, in the rule's words and in a table cell's:
# the tables said « au plus 288 » while the convention let the coordinator give a commune more,
# so a commune's accountant could refuse a page confirmed to the holder (rev7, n° 2).
_REASSIGNED_CELL = "plus les pages du reliquat qui lui sont réattribuées par écrit"
# The order a commune's pages are confirmed in: its inventory is validated whole, the pages
# beyond its share ranked, so that the remainder, known only once every inventory is validated,
# goes to pages already validated and the holder knows which ones (rev8, § 2 n° 1). The buyer's
# decision delay binds the commune that validates, or a slow one held up every other commune's
# remainder while the delivery delay stood suspended (rev11a, § 4 minor 3).
_ORDER = (
    "Chaque commune valide l'inventaire complet de son site, dans le délai de décision de "
    f"l'article {CcapArticle.DURATION.number} du CCAP, en désignant, dans l'ordre de priorité "
    "qu'elle fixe, les pages qui dépassent sa part ; sa validation, que le coordonnateur "
    "notifie au titulaire dans ce délai, vaut décision de l'acheteur sur ce livrable."
)


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
        f"{item_id} × pages du site intercommunal au-delà du volume de l'exigence {_TAKEOVER} "
        "que le coordonnateur confirme sur la part du reliquat qu'il réattribue par écrit à ce site"
    )


def intercommunal_order(selection: Selection) -> str:
    """What L01's inventory adds in a groupement, after its own sentence: the order of the
    intercommunal site's pages beyond the lump sum's volume; empty otherwise.

    The coordinator confirms those pages from the remainder, in that order: without it, no piece
    said which of them were taken over and paid at K09's price (rev11a, § 4 important 1).
    """
    if selection.selected(_TAKEOVER) is None or not member_page_shares(selection):
        return ""
    return (
        " ; cet inventaire désigne, dans l'ordre de priorité que la collectivité fixe en le "
        "validant, les pages qui dépassent le volume que couvre le prix global"
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
    # Only the pages the coordinator confirms are taken over at K09's price (rev11a, § 4 I1).
    which = " que le coordonnateur confirme" if shared else ""
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
        f"chaque page en plus{which} est payée, avec ses documents, par "
        f"{_payer(joint_purchasing)} au "
        f"prix unitaire d'une page de l'exigence {item_id}, {limit}"
        f"{_documents_beyond(selection, 'de même')}{unpaid}"
    )


def member_validation_duty() -> str:
    """A commune's duty in the convention (art. 5): K09's order, and the pages it pays."""
    return (
        "valider l'inventaire complet des pages de son site actuel en y désignant, dans l'ordre "
        "de priorité que la commune fixe, les pages qui dépassent sa part du plafond fixé à "
        "l'article 6, dans le délai de décision de l'article "
        f"{CcapArticle.DURATION.number} du CCAP, sa validation, que le coordonnateur notifie au "
        "titulaire dans ce délai, valant décision de l'acheteur sur ce livrable, et payer toutes les pages que le coordonnateur confirme au titulaire : "
        "d'abord celles de sa part, puis celles du reliquat que le coordonnateur lui réattribue "
        "par écrit ;"
    )


def member_page_limit(pages: int) -> str:
    """A commune's most pages as a table cell states it: its share and what it is given of the
    remainder (« au plus 288, plus les pages du reliquat qui lui sont réattribuées par écrit »)."""
    return f"au plus {pages}, {_REASSIGNED_CELL}"


def remainder_rule(selection: Selection) -> str:
    """Who is given the ceiling's remainder, by when the coordinator confirms it, by when the
    pages confirmed are taken over and how those taken over late are checked, as sentences;
    empty without communal shares.

    The remainder is known once the last communal inventory is validated: without a deadline,
    a late confirmation made the holder late on L01 (rev7, n° 3). Its pages cannot be due before
    they are confirmed, nor earlier than the other pages: the later of the two dates prevails,
    and pages due after the acceptance check has begun can neither hold it up nor the going
    online, nor lose their old address on the way (rev8, § 2 n° 2).
    """
    return " ".join(_remainder_parts(selection))


def _remainder_parts(selection: Selection) -> tuple[str, ...]:
    """:func:`remainder_rule` in three: who is given the remainder, when the pages confirmed are
    taken over, how those due late are checked and read; annex A2 and the convention print them
    as three paragraphs, the CCTP's K09 and L01 as one."""
    if not member_page_shares(selection):
        return ()
    intercommunal = selection.selected(_TAKEOVER) is not None
    # The intercommunal site's pages are confirmed as the communes' are, or they were neither
    # dated nor paid at K09's price, which pays only confirmed pages (rev11a, § 4 important 1).
    communes = (
        "à une ou plusieurs communes, en confirmant au titulaire les pages suivantes de leur "
        "ordre de priorité"
    )
    given = (
        f"{communes}, ou au site intercommunal, en confirmant au titulaire les pages de "
        f"l'inventaire de ce site (exigence {_TAKEOVER}) qui dépassent le volume que couvre le "
        "prix global, dans l'ordre de priorité que cet inventaire désigne"
        if intercommunal
        else communes
    )
    general = (
        f"à la date d'achèvement de la reprise que fixe l'exigence {_TAKEOVER}"
        if intercommunal
        else "à la livraison du site en préproduction"
    )
    owners = (
        "chaque commune concernée, ou le coordonnateur pour le site intercommunal,"
        if intercommunal
        else "chaque commune concernée"
    )
    return (
        "Le reliquat du plafond est formé des pages des parts que les inventaires communaux "
        "validés n'utilisent pas ; dans les 10 jours ouvrés qui suivent la validation du dernier "
        f"inventaire communal, le coordonnateur le réattribue par écrit {given}.",
        "La reprise des pages que le coordonnateur confirme, sur les parts des communes ou sur "
        f"ce reliquat, est achevée au plus tard {general} ou, si elle est plus tardive, 10 jours "
        "ouvrés après leur confirmation, date qui prévaut alors pour ces seules pages. Les délais "
        "de confirmation du coordonnateur sont des délais de l'acheteur : ils ne suspendent le "
        "délai du titulaire que pour la reprise des pages qu'ils concernent, achevée à cette "
        "date, et ne suspendent pas la livraison du site.",
        f"{_late_pages_check()} {_old_pages_access(owners)}",
    )


def _late_pages_check() -> str:
    """How the pages confirmed late are checked and reported on.

    A page due after the regular service check ends could not be checked during it, and L01's
    report covers its own date only: the page is checked at its date, before it is paid
    (rev11a, § 4 minor 1).
    """
    return (
        "Les pages dont la reprise s'achève ainsi après le début de la vérification d'aptitude "
        "sont vérifiées pendant la vérification de service régulier ou, si leur date "
        "d'achèvement est postérieure à la fin de celle-ci, à leur achèvement et avant leur "
        "paiement ; leur absence n'est pas une anomalie de la vérification d'aptitude et ne "
        "retarde pas la mise en ligne, et le titulaire remet à leur achèvement un rapport de "
        "reprise complémentaire. Pour ces dernières, le membre qui les paie notifie, par le "
        "coordonnateur, sa décision de les recevoir ou de les ajourner dans les 10 jours ouvrés "
        "qui suivent la remise de ce rapport ; à défaut, elles sont réputées reçues."
    )


def _old_pages_access(owners: str) -> str:
    """What the holder reads the late pages from, and where their old addresses lead meanwhile.

    Once the domain name has moved to the new site, « garder l'accès » left the holder nothing to
    read, nothing said what follows if the old site is shut, and the old addresses broke until
    the pages were taken over (rev11a, § 4 minor 2).
    """
    return (
        f"Jusqu'à leur reprise, {owners} maintient son ancien site consultable par le titulaire "
        "à une adresse provisoire, ou lui en remet l'export ; à défaut, la date d'achèvement de "
        "ces pages est reportée de la durée pendant laquelle le titulaire n'a ni l'un ni "
        "l'autre. Entre-temps, le titulaire redirige leurs anciennes adresses vers la "
        "rubrique du nouveau site qui les accueillera, puis vers leurs nouvelles pages dès leur "
        "reprise."
    )


def late_pages_penalty(selection: Selection, duration: str) -> tuple[str, str]:
    """What the CCAP's late penalties (article 9) add for the pages K09 dates: after the
    buyer's delays, that the confirmations suspend only their pages' takeover (``duration``
    names the article that says it); after the formula, from when such a page is late and what
    V is for it. Empty strings without communal shares.

    The CCAP prevails on penalties: it gave such a page neither a start nor a value, so twelve
    late pages could be charged on a commune's whole site, and a holder could read the
    confirmations, « délais de l'acheteur », as suspending the whole site's delay (rev11a, § 4
    important 2).
    """
    page = _page_price(selection)
    if page is None or not member_page_shares(selection):
        return "", ""
    item_id = page[0]
    return (
        f" ; les délais dans lesquels le coordonnateur confirme les pages de l'exigence {item_id} "
        f"du CCTP ne suspendent le délai du titulaire que pour la reprise des pages qu'ils "
        f"concernent, comme le prévoit {duration}",
        f" Pour une page dont l'exigence {item_id} du CCTP fixe une date d'achèvement propre, "
        "le retard court à compter de cette date et V est le prix unitaire d'une page de "
        f"l'exigence {item_id} appliqué au nombre de pages en retard.",
    )


def confirmation_delays(selection: Selection) -> str:
    """What the coordinator's confirmations of pages do to the delivery delay, as the sentence
    the CCAP's delays and A08 add; empty without communal shares.

    Without it, a bidder could not tell whether two periods of 10 working days lengthen the
    delivery delay, which the late penalties run from (rev8, § 2 n° 3).
    """
    page = _page_price(selection)
    if page is None or not member_page_shares(selection):
        return ""
    return (
        "Les délais dans lesquels le coordonnateur confirme les pages à reprendre (exigence "
        f"{page[0]} du CCTP) ne suspendent ce délai que pour la reprise des pages qu'ils "
        "concernent, dont la date d'achèvement est fixée par cette exigence ; ils ne suspendent "
        "pas la livraison du site."
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
    estimates = _member_estimates(selection, item_id)
    # The prorata's base is the sum of the estimates it divides by: written, a reader can redo
    # 540 × 240 / 450 (rev10, § 2).
    base = sum(pages for _, pages in estimates)
    annex = "l'annexe « Communes membres » du CCTP" if named else "l'annexe « Communes membres »"
    intercommunal = (
        " ; le coordonnateur paie celles du site intercommunal"
        if selection.selected(_TAKEOVER) is not None
        else ""
    )
    given, due, late = _remainder_parts(selection)
    # One paragraph a step (shares, order, dates, late pages, payment): in one, the rule ran over
    # twenty lines of the CCAP's annex that a commune's secretary has to follow.
    return PARAGRAPH_BREAK.join(
        (
            f"{ceiling}. Chaque commune a une part de ce plafond, proportionnelle aux pages que "
            f"{annex} estime pour son site ({_each(estimates, 'environ ')}, soit une base de "
            f"{base} pages) : {_each(shares)}.",
            f"{_ORDER} Avant la reprise, le coordonnateur confirme d'abord par écrit au "
            "titulaire, dans les 10 jours ouvrés qui suivent la validation de chaque inventaire, "
            # All of them: a validated inventory binds within the share (rev11a, § 4 minor 4).
            f"toutes les pages de cet inventaire, dans la limite de la part de la commune. {given}",
            due,
            late,
            "Chaque commune paie toutes les pages de son site ainsi confirmées, celles du "
            f"reliquat qui lui sont réattribuées comprises{intercommunal}. Le titulaire ne "
            f"reprend au prix de l'exigence {item_id} que les pages ainsi confirmées, et aucune "
            "au-delà du plafond sans une modification préalable du marché "
            f"{modification_cases()}.",
        )
    )


def members_page_ceiling(selection: Selection) -> str:
    """The pages' rule as the members' payment pieces state it (annex A2, convention): the
    CCTP's, its price named; empty when the market has no price per page.

    Each member pays the pages of the inventory it validates: without the ceiling and its
    shares there, the pieces its officers read would promise to pay any count (21:25 reading,
    I1; 22:25 reading, I2).
    """
    return page_price_ceiling(selection, joint_purchasing=True, named=True)


def late_pages_payment(selection: Selection) -> str:
    """How the CCAP's payment schedule (article 6.2) pays the pages K09 dates after the regular
    service check: « » without communal shares.

    The balance is paid at acceptance, so a page completed after it fell in no instalment and
    in no balance, and its accountant had no proof of service (rev12, N2).
    """
    page = _page_price(selection)
    if page is None or not member_page_shares(selection):
        return ""
    return (
        f" Les pages de l'exigence {page[0]} du CCTP dont la date d'achèvement est postérieure "
        "à la fin de la vérification de service régulier sont payées hors du solde, par un "
        "acompte que le titulaire demande à leur achèvement, une fois reçues comme le prévoit "
        "cette exigence."
    )


def takeover_validation_power(selection: Selection) -> str | None:
    """The convention's line (article 3) giving each commune the validation of its inventory
    and the coordinator its notification; None without communal shares.

    The convention reserves to the coordinator every decision addressed to the holder: a
    commune's validation, « décision de l'acheteur », had no one to notify it (rev12, N1).
    """
    page = _page_price(selection)
    if page is None or not member_page_shares(selection):
        return None
    return (
        "chaque commune dotée d'un site propre valide l'inventaire de reprise de son site actuel "
        f"(exigence {page[0]} du CCTP), et le coordonnateur notifie cette validation au "
        "titulaire ;"
    )
