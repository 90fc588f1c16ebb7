"""The members of a groupement de commandes: who they are, what they need, what they pay.

One list, built from the dossier and the collectivities reference, feeds the annex A2 of the
CCAP, the payment clauses of the CCAP and of the acte d'engagement, the « Répartition par
membre » sheet of the DPGF-BPU and the convention, so a member is named, identified and
charged the same way in every piece. Each member pays its own share (article L2113-7 of the
Code de la commande publique leaves the execution of the contract to each member for its
part); the coordinator pays the common services.
"""

from __future__ import annotations

from webpass.catalog.model import BudgetAccount, QuantityBasis
from webpass.core.frozen_record import frozen_record
from webpass.documents.cctp import Article, Paragraph
from webpass.documents.sharing import ShareHolder, assigned_dpgf_lines, cost_shares
from webpass.documents.takeover import PARAGRAPH_BREAK, members_page_ceiling
from webpass.documents.terms import DceTerms, PriceKind, PriceLine, member_siren
from webpass.documents.typography import french_spacing
from webpass.documents.writing import entries, para, table
from webpass.dossier.answers import MemberCommune
from webpass.dossier.contract import MemberBilling
from webpass.dossier.quantity import member_quantity, per_member
from webpass.grid.model import PayerShare

__all__ = [
    "MEMBERS_ANNEX",
    "GroupMember",
    "account_text",
    "group_members",
    "members_annex",
    "page_ceiling_paragraphs",
    "payer_shares",
]

MEMBERS_ANNEX = "A2"


@frozen_record
class GroupMember:
    """A member of the groupement de commandes, as every piece names it."""

    name: str
    coordinator: bool
    identifiers: str
    sites: str
    payer: str
    accountant: str
    own_lines: tuple[tuple[str, int], ...]
    own_site: bool = False
    billing: str = ""

    @property
    def role(self) -> str:
        """« coordonnateur » or « membre »."""
        return "coordonnateur" if self.coordinator else "membre"


def _identifiers(insee: str | None, siren: str | None) -> str:
    parts = []
    if insee:
        parts.append(f"INSEE {insee}")
    if siren:
        parts.append(f"SIREN {siren}")
    return ", ".join(parts) or "non référencée"


def _sites(member: MemberCommune, own: list[str], pages: int = 0) -> str:
    """What the member has on the platform; ``pages``: those of its current site taken over."""
    if member.own_identity:
        # The inventory the commune validates counts the pages paid (groupement review N1).
        taken_over = f", reprise des pages de son site actuel, estimées à {pages}" if pages else ""
        text = (
            f"site propre {member.domain} : charte graphique déclinée, administration autonome"
            + taken_over
            + (f" ({', '.join(own)})" if own else "")
        )
    else:
        text = "pages dédiées dans le site intercommunal"
    return text + (f". {member.specifics}" if member.specifics else "")


def _firm_member_lines(terms: DceTerms) -> list[PriceLine]:
    """The lines bought per member site: a firm quantity counted on the communes' own sites."""
    catalog = terms.selection.catalog
    found = []
    for line in terms.price_lines:
        if (
            line.kind is PriceKind.UNIT
            and catalog.has_item(line.item_id)
            and per_member(catalog.item(line.item_id))
        ):
            found.append(line)
    return found


def _owned(
    terms: DceTerms, per_site: list[PriceLine], member: MemberCommune
) -> tuple[list[tuple[str, int]], int]:
    """The member's own unit-price lines with its quantities, and the pages of its current site
    among them."""
    catalog = terms.selection.catalog
    owned = [
        (line.item_id, member_quantity(catalog.item(line.item_id), member)) for line in per_site
    ]
    owned = [(item_id, quantity) for item_id, quantity in owned if quantity]
    pages = sum(
        quantity
        for item_id, quantity in owned
        if (cost := catalog.item(item_id).cost) is not None
        and cost.basis is QuantityBasis.MEMBER_SITE_PAGES
    )
    return owned, pages


def group_members(terms: DceTerms) -> list[GroupMember]:
    """The coordinator, then the communes that join, in the dossier's order."""
    body = terms.selection.answers.collectivity
    contract = terms.terms
    joining = set(terms.joining_members)
    per_site = _firm_member_lines(terms)
    members = [
        GroupMember(
            name=body.name,
            coordinator=True,
            identifiers=_identifiers(body.insee, body.siren),
            sites=(
                f"site intercommunal{f' {body.domain}' if body.domain else ''}, plateforme commune, "
                "téléservices communs et prestations communes du marché"
            ),
            payer=f"{terms.signatory} de {body.designation}",
            accountant=contract.accountant or NOT_GIVEN,
            own_lines=(),
            billing=billing_text(contract.member_billing.get(body.name)),
        )
    ]
    for member in body.members:
        if member.name not in joining:
            continue
        owned, pages = _owned(terms, per_site, member)
        own = [item_id for item_id, _ in owned]
        designation = f"la commune de {member.name}"
        members.append(
            GroupMember(
                name=f"Commune de {member.name}",
                coordinator=False,
                identifiers=_identifiers(member.insee, member_siren(member)),
                sites=_sites(member, own, pages),
                payer=f"le maire de {designation}",
                accountant=contract.member_accountants.get(member.name) or NOT_GIVEN,
                own_lines=tuple(owned),
                own_site=member.own_identity,
                billing=billing_text(contract.member_billing.get(member.name)),
            )
        )
    return members


# A cell the dossier leaves empty: one sentence above the table says who gives it and when,
# rather than the same phrase on every row (review of 1 December 2026, n° 13).
NOT_GIVEN = "—"


def default_accountant(designation: str) -> str:
    """The accountant when the dossier names none: webpass does not guess which one it is.

    The piece says who names it and when, rather than a phrase that looks like a designation.
    """
    return (
        f"comptable public de {designation}, non désigné dans le dossier : le membre le fait "
        "connaître au titulaire à la notification"
    )


def billing_text(billing: MemberBilling | None) -> str:
    """« SIRET …, code service … » as the dossier gives them, or when the titulaire gets them."""
    if billing is None:
        return NOT_GIVEN
    text = f"SIRET {billing.siret}"
    return text + (f", code service {billing.service_code}" if billing.service_code else "")


def payer_shares(terms: DceTerms) -> list[PayerShare]:
    """What each member pays, for the « Répartition par membre » sheet of the DPGF-BPU.

    The rule is :mod:`webpass.documents.sharing`'s, the one the convention and the CCAP state.
    """
    assigned = tuple(assigned_dpgf_lines(terms))
    return [
        PayerShare(
            share.name,
            share.role,
            False,
            tuple((item_id, quantity) for item_id, quantity in share.units),
            tuple((item_id, f"{fraction:f}") for item_id, fraction in share.fractions),
            assigned,
            # The sheet prints it as is: French typography here, as the pieces' renderer does.
            french_spacing(share.describe()),
            tuple((item_id, f"{fraction:f}") for item_id, fraction in share.options),
        )
        for share in cost_shares(terms)
    ]


def account_text(account: BudgetAccount) -> str:
    """« section d'investissement, chapitre 20, compte 2051 « … » »."""
    section = "d'investissement" if account.investment else "de fonctionnement"
    return f"section {section}, chapitre {account.chapter}, {account.reference(labelled=True)}"


def imputation_lines(terms: DceTerms) -> list[str]:
    """The budget imputation of each kind of expense, from the accounts of the price lines.

    Creating the site (the lump sum and the member sites) is an asset; hosting, maintenance,
    support and services bought on order are running costs, never charged to an asset account.
    """
    by_account: dict[BudgetAccount, list[PriceLine]] = {}
    for line in terms.price_lines:
        by_account.setdefault(line.account, []).append(line)
    texts = []
    for account in sorted(by_account, key=lambda a: (not a.investment, a.value)):
        lines = by_account[account]
        # Only the asset is « la réalisation du site »; a lump-sum line charged to a running
        # account (training, content writing, studies) is named, with its place in the DPGF.
        names = [
            f"{line.title[0].lower()}{line.title[1:]} ({line.item_id}"
            + (", DPGF)" if line.kind is PriceKind.LUMP_SUM else ")")
            for line in lines
            if line.kind is not PriceKind.LUMP_SUM or not account.investment
        ]
        if account.investment and any(line.kind is PriceKind.LUMP_SUM for line in lines):
            names.insert(0, "la réalisation du site (DPGF)")
        texts.append(f"{', '.join(names)} : {account_text(account)} ;")
    if texts:
        texts[-1] = texts[-1].removesuffix(" ;") + "."
    return texts


def members_annex(terms: DceTerms) -> Article:
    """Annex A2 of the CCAP: the members, their identifiers, sites, payer and accountant."""
    members = group_members(terms)
    annex = Article(MEMBERS_ANNEX, "Membres du groupement de commandes")
    annex.blocks += [
        para(
            "Le groupement de commandes est constitué par la convention jointe au dossier de "
            "consultation (articles L2113-6 et L2113-7 du Code de la commande publique). La présente "
            "annexe désigne ses membres, les sites et besoins de chacun tels que le dossier les "
            "décrit, et qui paie quoi. Les identifiants sont ceux du référentiel des communes et "
            "des EPCI publié par l'État."
        ),
        table(
            ("Membre", "Rôle", "Identifiants", "Sites et besoins"),
            [(m.name, m.role, m.identifiers, m.sites) for m in members],
            (23, 17, 19, 41),
            caption="Membres du groupement de commandes",
        ),
        para(
            "Chaque membre est ordonnateur des dépenses qu'il paie ; le comptable public assignataire "
            "de chacun règle ses factures"
            + (
                ". Le membre dont le comptable assignataire, le SIRET ou le code service Chorus Pro "
                "ne figure pas au tableau (« — ») les communique au titulaire avec la notification "
                "du marché :"
                if any(NOT_GIVEN in (m.accountant, m.billing) for m in members)
                else " :"
            )
        ),
        table(
            (
                "Membre",
                "Ordonnateur",
                "Comptable assignataire",
                "Facturation (Chorus Pro)",
                "Prestations payées",
            ),
            [(m.name, m.payer, m.accountant, m.billing, _paid(m, terms)) for m in members]
            + _ordering_rows(terms),
            (17, 17, 22, 18, 26),
            caption="Paiement par membre",
        ),
        *page_ceiling_paragraphs(terms),
        para("Imputation budgétaire, pour chaque membre sur la part qu'il paie :"),
        entries(*imputation_lines(terms)),
    ]
    return annex


def page_ceiling_paragraphs(terms: DceTerms) -> list[Paragraph]:
    """The common ceiling of the pages paid per page, under the table that charges them."""
    text = members_page_ceiling(terms.selection)
    return [para(paragraph) for paragraph in text.split(PARAGRAPH_BREAK)] if text else []


def _ordering_rows(terms: DceTerms) -> list[tuple[str, str, str, str, str]]:
    """The lines bought on order: no member is charged them in advance, the orderer pays."""
    return [
        (
            share.name,
            "celui de ce membre",
            "celui de ce membre",
            "ceux de ce membre",
            share.describe(),
        )
        for share in cost_shares(terms)
        if share.holder is ShareHolder.ORDERING
    ]


def _paid(member: GroupMember, terms: DceTerms) -> str:
    share = next((s for s in cost_shares(terms) if s.name == member.name), None)
    return share.describe() if share is not None else ""


def _unit(terms: DceTerms, item_id: str) -> str:
    line = next(line for line in terms.price_lines if line.item_id == item_id)
    return line.unit or "unité"
