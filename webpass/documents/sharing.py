"""Who pays what in a groupement de commandes: one rule, stated alike in the convention, the CCAP
and the « Répartition par membre » sheet of the DPGF-BPU.

Each member pays the lines of its own sites and services; the common platform is shared by a key
the convention states. In detail:

- a commune's own site (a unit price per member site) and the taking over of the pages of its
  current site (a unit price per page, for the pages the annex gives for that commune) are paid
  by that commune;
- the yearly hosting and maintenance cover every site of the platform: each site (the
  intercommunal one and each commune's own site) pays an equal share;
- the pages of the communes without a site of their own (K07) are paid by those communes, in
  equal parts;
- the booking and enrolment service (E06) serves the facilities its description names and the
  activities of « la collectivité » (the coordinator's): it is paid in equal parts by the
  coordinator and the communes the dossier names in that description;
- the family portal (F03) serves the communes' competences (school enrolment always, school
  catering and after-school care unless transferred) and, when the dossier says so, the
  communauté's (the leisure centre, say): the coordinator pays the share the dossier fixes for
  its services, the communes the rest by the population key (:mod:`family_portal`);
- a service on order is paid by the member that issues the purchase order: every member may
  order (the convention leaves each member its own orders), so no member is charged it in
  advance and the sharing shows it on a row of its own, « the member that orders »;
- the rest of the DPGF, the common platform, is shared by the key: half for the coordinator,
  whose site and services are the platform's core, half for the communes pro rata of their
  population (equal parts when a population is unknown);
- a PSE, if the buyer retains it, is shared as the common platform (the rule's last sentence):
  each member's fraction of it is stated with the base, so no retained PSE is left to no one.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from webpass.catalog.model import QuantityBasis
from webpass.core.frozen_record import frozen_record
from webpass.core.matching import fold
from webpass.documents.family_portal import (
    communal_services_words,
    coordinator_services_words,
    family_share,
)
from webpass.documents.takeover import (
    member_page_limit,
    member_page_shares,
    page_price_beyond_takeover,
    takeover_pages_beyond,
)
from webpass.documents.terms import DceTerms, PriceKind, PriceLine
from webpass.dossier.answers import MemberCommune
from webpass.dossier.quantity import member_quantity

__all__ = [
    "COMMON",
    "COORDINATOR_SHARE",
    "ORDERING_MEMBER",
    "MemberShare",
    "ShareHolder",
    "assigned_dpgf_lines",
    "communes_named",
    "cost_shares",
    "sharing_rule",
]

# The common part of the DPGF (its base total less the lines charged to named members).
COMMON = "*"
# The coordinator's share of the common platform; the communes share the rest by population.
COORDINATOR_SHARE = Decimal("0.5")
_SITE_PAGES = "K07"
_NAMED_SERVICES = ("E06",)
_FAMILY_PORTAL = "F03"
_PLACES = Decimal("0.0001")
# The payer of the purchase orders: whichever member issues one, known only when it does.
ORDERING_MEMBER = "Membre qui émet le bon de commande"


class ShareHolder(StrEnum):
    """Who a share is charged to, as the sharing table names its role."""

    COORDINATOR = "coordonnateur"
    MEMBER = "membre"
    ORDERING = "à la commande"


@frozen_record
class MemberShare:
    """What one member pays: whole BPU quantities and fractions of lines.

    ``units`` are (BPU item, quantity) it pays at the unit price; ``fractions`` are (item or
    :data:`COMMON`, fraction) of a DPGF line's price, of a BPU line's amount, or of the common
    part of the DPGF; ``options`` are (PSE item, fraction) of its price, due if it is retained.
    The share of :data:`ShareHolder.ORDERING` is no member's: the lines bought on order, paid by
    the member that orders them.
    """

    name: str
    holder: ShareHolder
    units: tuple[tuple[str, int], ...]
    fractions: tuple[tuple[str, Decimal], ...]
    options: tuple[tuple[str, Decimal], ...] = ()
    # The unit lines whose quantity is the pages of the inventory the member validates, the
    # figure in ``units`` an estimate (groupement review N1: « K09 × 240 » read as firm).
    estimated: frozenset[str] = frozenset()
    # Of those, the member's share of the line's ceiling, which the part of the remainder the
    # coordinator gives it raises (:func:`webpass.documents.takeover.member_page_shares`;
    # 22:25 reading, I2; rev7, n° 2).
    ceilings: tuple[tuple[str, int], ...] = ()
    # The coordinator's: the unit price per page it pays for the intercommunal site's pages
    # beyond the lump sum's volume, on the remainder it confirms (no estimate: 22:25 reading).
    pages_beyond: str | None = None

    @property
    def coordinator(self) -> bool:
        """Whether it is the coordinator's share."""
        return self.holder is ShareHolder.COORDINATOR

    @property
    def role(self) -> str:
        """« coordonnateur », « membre » or « à la commande »."""
        return self.holder.value

    @property
    def pays_nothing(self) -> bool:
        """True when the member pays no line at all (the rule never leaves one so)."""
        return not self.units and not any(f > 0 for _, f in self.fractions)

    def describe(self) -> str:
        """What it pays, in French (« K02 × 1 ; hébergement H08 : 1/4… »)."""
        ceilings = dict(self.ceilings)
        parts = [] if self.pages_beyond is None else [takeover_pages_beyond(self.pages_beyond)]
        parts += [
            f"{item_id} × pages confirmées de l'inventaire validé (environ {quantity}"
            + (f", {member_page_limit(ceilings[item_id])})" if item_id in ceilings else ")")
            if item_id in self.estimated
            else f"{item_id} × {quantity}"
            for item_id, quantity in self.units
        ]
        if self.holder is ShareHolder.ORDERING:
            return " ; ".join(
                f"{item_id} : chaque bon de commande, en entier, au prix du BPU"
                for item_id, _ in self.fractions
            )
        for item_id, fraction in self.fractions:
            what = (
                "plateforme commune (DPGF hors lignes affectées)" if item_id == COMMON else item_id
            )
            parts.append(f"{what} : {_percent(fraction)}")
        for item_id, fraction in self.options:
            parts.append(f"PSE {item_id}, si elle est retenue : {_percent(fraction)}")
        return " ; ".join(parts)


def _percent(fraction: Decimal) -> str:
    # Three decimals: the fractions are kept to four decimals (17,525 %), and the printed key must
    # be the one the sheet's formulas apply, summing to 100 % (review of 1 December 2026, n° 12).
    value = (fraction * 100).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP).normalize()
    return f"{value:f}".replace(".", ",") + "\u00a0%"


def _population_key(communes: list[MemberCommune]) -> dict[str, Decimal]:
    """Each commune's share by population, to four decimals, summing exactly to 1."""
    if not communes:
        return {}
    known = all(c.population for c in communes)
    weights = {c.name: Decimal(c.population or 0) if known else Decimal(1) for c in communes}
    total = sum(weights.values(), Decimal(0))
    shares = {
        name: (w / total).quantize(_PLACES, rounding=ROUND_HALF_UP) for name, w in weights.items()
    }
    # The rounding remainder goes to the largest commune, so the key sums to exactly 1.
    largest = max(weights, key=lambda name: (weights[name], name))
    shares[largest] += Decimal(1) - sum(shares.values(), Decimal(0))
    return shares


def _equal_parts(names: list[str]) -> dict[str, Decimal]:
    """Equal parts to four decimals, summing exactly to 1: the remainder goes to the first."""
    part = (Decimal(1) / len(names)).quantize(_PLACES, rounding=ROUND_HALF_UP)
    parts = dict.fromkeys(names, part)
    parts[names[0]] += Decimal(1) - part * len(names)
    return parts


def _named(terms: DceTerms, item_id: str, communes: list[MemberCommune]) -> list[str]:
    """The communes the dossier names in the description of ``item_id`` (its values)."""
    text = fold(" ".join(str(v) for v in terms.values(item_id).values()))
    return [c.name for c in communes if fold(c.name) in text]


def communes_named(terms: DceTerms, item_id: str) -> list[str]:
    """The joining communes the dossier names in the description of ``item_id``."""
    return _named(terms, item_id, _joining(terms))


def _joining(terms: DceTerms) -> list[MemberCommune]:
    joining = set(terms.joining_members)
    return [m for m in terms.selection.answers.collectivity.members if m.name in joining]


def cost_shares(terms: DceTerms) -> list[MemberShare]:
    """The share of every member, the coordinator first, by the rule of the module."""
    communes = _joining(terms)
    population = _population_key(communes)
    priced = {line.item_id: line for line in terms.price_lines if not line.optional}
    own_sites = [c.name for c in communes if c.own_identity]
    sites = 1 + len(own_sites)
    units: dict[str, list[tuple[str, int]]] = {c.name: [] for c in communes}
    fractions: dict[str, list[tuple[str, Decimal]]] = {c.name: [] for c in communes}
    coordinator: list[tuple[str, Decimal]] = []
    ordered: list[tuple[str, Decimal]] = []
    for item_id, line in priced.items():
        if line.kind is PriceKind.UNIT:
            for commune in communes:
                quantity = _own_quantity(terms, item_id, commune)
                if quantity:
                    units[commune.name].append((item_id, quantity))
        elif line.kind is PriceKind.YEARLY:
            coordinator.append((item_id, Decimal(1) / sites))
            for name in own_sites:
                fractions[name].append((item_id, Decimal(1) / sites))
        elif line.kind is PriceKind.ON_ORDER:
            ordered.append((item_id, Decimal(1)))
    body = terms.selection.answers.collectivity
    for item_id, payers in _assigned_lines(terms, communes, priced).items():
        for name, fraction in payers.items():
            (coordinator if name == body.name else fractions[name]).append((item_id, fraction))
    coordinator.append((COMMON, COORDINATOR_SHARE))
    for name, share in population.items():
        fractions[name].append((COMMON, (1 - COORDINATOR_SHARE) * share))
    options = _options(terms, population)
    estimated = frozenset(
        item_id
        for item_id, line in priced.items()
        if line.measure is not None and line.measure.maximum is not None
    )
    page_shares = dict(member_page_shares(terms.selection))
    shares = [
        MemberShare(
            body.name,
            ShareHolder.COORDINATOR,
            (),
            tuple(coordinator),
            options[None],
            pages_beyond=page_price_beyond_takeover(terms.selection),
        )
    ]
    shares += [
        MemberShare(
            f"Commune de {c.name}",
            ShareHolder.MEMBER,
            tuple(units[c.name]),
            tuple(fractions[c.name]),
            options[c.name],
            estimated,
            tuple(
                (item_id, page_shares[c.name])
                for item_id, _ in units[c.name]
                if item_id in estimated and c.name in page_shares
            ),
        )
        for c in communes
    ]
    if ordered:
        shares.append(MemberShare(ORDERING_MEMBER, ShareHolder.ORDERING, (), tuple(ordered)))
    return shares


def _own_quantity(terms: DceTerms, item_id: str, commune: MemberCommune) -> int:
    """The quantity of a firm unit price ``commune`` pays: its own site, the pages of its current
    site (each commune pays its own volume, not an average of the others')."""
    catalog = terms.selection.catalog
    return member_quantity(catalog.item(item_id), commune) if catalog.has_item(item_id) else 0


def _options(
    terms: DceTerms, population: dict[str, Decimal]
) -> dict[str | None, tuple[tuple[str, Decimal], ...]]:
    """Each member's fraction of every PSE, by the key of the common platform (the coordinator
    under None); the coordinator takes the whole when no commune joins."""
    pse = [line.item_id for line in terms.price_lines if line.optional]
    coordinator = COORDINATOR_SHARE if population else Decimal(1)
    shares: dict[str | None, tuple[tuple[str, Decimal], ...]] = {
        None: tuple((item_id, coordinator) for item_id in pse)
    }
    for name, share in population.items():
        shares[name] = tuple((item_id, (1 - COORDINATOR_SHARE) * share) for item_id in pse)
    return shares


def _assigned_lines(
    terms: DceTerms, communes: list[MemberCommune], priced: dict[str, PriceLine]
) -> dict[str, dict[str, Decimal]]:
    """The DPGF lines charged to named communes rather than to the common platform."""
    assigned: dict[str, dict[str, Decimal]] = {}
    without_site = [c.name for c in communes if not c.own_identity]
    if _SITE_PAGES in priced and without_site:
        assigned[_SITE_PAGES] = {n: Decimal(1) / len(without_site) for n in without_site}
    coordinator = terms.selection.answers.collectivity.name
    for item_id in _NAMED_SERVICES:
        named = _named(terms, item_id, communes)
        if item_id in priced and named:
            # The coordinator runs the enrolments in its activities: it pays its part with them.
            assigned[item_id] = _equal_parts([coordinator, *named])
    population = _population_key(communes)
    if _FAMILY_PORTAL in priced and population:
        # The coordinator pays its own services of the portal; the communes the rest.
        share = family_share(terms)
        family = {coordinator: share} if share else {}
        family.update({name: (1 - share) * part for name, part in population.items()})
        assigned[_FAMILY_PORTAL] = family
    return assigned


def assigned_dpgf_lines(terms: DceTerms) -> list[str]:
    """The DPGF lines taken out of the common part (each charged to named members)."""
    priced = {line.item_id: line for line in terms.price_lines if not line.optional}
    return [
        item_id
        for item_id in _assigned_lines(terms, _joining(terms), priced)
        if priced[item_id].kind is PriceKind.LUMP_SUM
    ]


def _family_rule(terms: DceTerms) -> str:
    """Who pays the family portal: by competence, as the controllers' annex says who runs it."""
    share = family_share(terms)
    communal = communal_services_words(terms)
    if not share:
        return (
            f"l'espace famille, qui sert {communal}, compétences communales, est payé par les "
            "communes selon la clé de population"
        )
    return (
        f"l'espace famille est payé pour {_percent(share)} par le coordonnateur, au titre de "
        f"{coordinator_services_words(terms)}, qu'il exerce par transfert de compétence, et pour "
        f"{_percent(1 - share)} par les communes, au titre de {communal}, selon la clé de "
        "population"
    )


def _own_site_rule(terms: DceTerms) -> str:
    """Who pays a commune's own site, and the taking over of its current site when it is priced
    per page: that commune, for its own quantity."""
    catalog = terms.selection.catalog
    bases = {
        line.item_id: catalog.item(line.item_id).cost.basis  # type: ignore[union-attr]
        for line in terms.price_lines
        if line.kind is PriceKind.UNIT
        and catalog.has_item(line.item_id)
        and catalog.item(line.item_id).cost is not None
    }
    sites = [i for i, basis in bases.items() if basis is QuantityBasis.OWN_IDENTITY_MEMBERS]
    pages = [i for i, basis in bases.items() if basis is QuantityBasis.MEMBER_SITE_PAGES]
    if not pages:
        return "le site propre d'une commune (prix unitaire du BPU) est payé par cette commune"
    return (
        "le site propre d'une commune et la reprise des pages de son site actuel (prix unitaires "
        f"du BPU : {', '.join(f'{i} × 1' for i in sites)}, "
        f"{', '.join(pages)} × le nombre de pages de son site, reprises ou abandonnées, que le "
        "coordonnateur confirme sur l'inventaire qu'elle valide, nombre que l'annexe « Communes "
        "membres » du CCTP estime) sont payés par cette commune"
        + (
            # The intercommunal site's pages beyond L01's lump sum (groupement review N7), the
            # ones the coordinator confirms, as the communes' (rev11a, § 4 important 1).
            f", et les pages du site intercommunal au-delà du volume que couvre l'exigence L01, "
            f"que le coordonnateur confirme et paie au même prix unitaire ({', '.join(pages)})"
            if terms.selection.selected("L01") is not None
            else ""
        )
    )


def sharing_rule(terms: DceTerms) -> str:
    """The rule in one French paragraph, word for word the same in the convention and the CCAP."""
    return (
        "Chaque membre paie les prestations de ses propres sites et services : "
        + _own_site_rule(terms)
        + " ; l'hébergement et la "
        "maintenance annuels, qui couvrent aussi les téléservices, sont partagés à parts "
        "égales entre les sites de la plateforme (le "
        "site intercommunal et chaque site communal), par exception au principe qui précède, "
        "que les membres acceptent : cette clé suit les sites et non l'usage des téléservices, "
        "dont une commune sans site propre ne paie pas le fonctionnement ; les espaces des communes sans site propre "
        "sont payés par ces communes à parts égales ; le service de réservation et d'inscription "
        "est payé à parts égales par le coordonnateur, pour ses activités et ses équipements, et "
        "par les communes dont il réserve les équipements nommés au dossier ; "
        + _family_rule(terms)
        # Without a line on order no member issues purchase orders: the sentence would invent some.
        + (
            " ; chaque membre peut émettre des bons de commande et paie en entier ceux qu'il émet"
            if terms.on_order
            else ""
        )
        + ". Les autres prestations de la DPGF forment la plateforme "
        f"commune, répartie selon la clé suivante : {_percent(COORDINATOR_SHARE)} pour le "
        "coordonnateur, dont le site et les services intercommunaux en sont le cœur, et "
        f"{_percent(1 - COORDINATOR_SHARE)} pour les communes membres au prorata de leur "
        "population municipale. Les frais de procédure sont à la charge du coordonnateur. Les "
        "prestations supplémentaires éventuelles retenues sont réparties comme la plateforme "
        "commune."
    )
