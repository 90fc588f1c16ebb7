"""What every piece of the DCE says about the contract, computed once from the selection.

The CCAP, the acte d'engagement, the RC or the consultation letter, the quote form and the
convention all read their values here: the reference, the duration, the procedure, the PSE and
their rule, the price lines, the maximum of the orders, the CCAG-TIC choices. A value is thus
entered once in the dossier and printed identically everywhere.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from typing import Any

from webpass.catalog.model import BudgetAccount, Item
from webpass.collectivities.reference import load_reference
from webpass.compare.award import offers_deadline
from webpass.core.errors import InputError
from webpass.core.frozen_record import frozen_record
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.cctp import Article, CctpDocument, Run
from webpass.documents.contract_data import ContractData, load_contract_data
from webpass.documents.price_phases import phase_groups, yearly_includes
from webpass.documents.procedure_kind import ProcedureKind, procedure_kind
from webpass.documents.typography import date_fr
from webpass.dossier.advance import ADVANCE_THRESHOLD, advance_required
from webpass.dossier.answers import (
    BodyType,
    Collectivity,
    MemberCommune,
    answers_to_yaml,
    parameter_values,
)
from webpass.dossier.contract import ContractTerms, PurchaseSetup
from webpass.dossier.geo import department_code
from webpass.selection.engine import Selection
from webpass.selection.quantities import Quantity, QuantityNature, item_quantity

__all__ = [
    "ADVANCE_THRESHOLD",
    "DEFAULT_OFFER_VALIDITY_DAYS",
    "DceTerms",
    "PriceKind",
    "PriceLine",
    "ProcedureKind",
    "dce_terms",
    "member_siren",
    "procedure_kind",
]


# How long a bidder stays bound by its offer when the dossier does not say. A quote asked of a
# few providers without publicity is compared within days and accepted by the maire's signature
# (or at the next monthly council): 60 days cover that with a margin, where 120 days would keep
# a small agency's prices and team reserved for four months. With publicity (MAPA), the analysis,
# a possible negotiation or regularisation, the council's deliberation and the letters to the
# rejected bidders take longer: 90 days is the usual practice. Both stay within the 30 to 180
# days the dossier may set (``marche.validite_offres_jours``).
DEFAULT_OFFER_VALIDITY_DAYS = {"devis": 60, "mapa": 90, "formalisee": 120}


class PriceKind(StrEnum):
    """How a priced service is paid."""

    LUMP_SUM = "dpgf"
    YEARLY = "annuel"
    UNIT = "unitaire"
    ON_ORDER = "bon_de_commande"


@frozen_record
class PriceLine:
    """A priced service: one line of the DPGF or of the BPU."""

    item_id: str
    title: str
    kind: PriceKind
    measure: Quantity | None
    optional: bool
    high: Decimal
    account: BudgetAccount
    detail: str | None = None
    covers: tuple[str, ...] = ()
    # A yearly line of a consultation by quotes: the requirements without a price of their own
    # it pays (H08: H01-H07).
    includes: tuple[str, ...] = ()

    @property
    def unit(self) -> str | None:
        """The unit of a BPU line (« site communal », « an »); None for a lump sum."""
        return self.measure.unit if self.measure else None

    @property
    def quantity(self) -> int | Decimal | None:
        """The quantity of a BPU line, from the one source (:mod:`webpass.selection.quantities`)."""
        return self.measure.value if self.measure else None

    @property
    def bpu(self) -> bool:
        """True for a unit or yearly price (BPU), False for a lump sum (DPGF)."""
        return self.kind is not PriceKind.LUMP_SUM


@frozen_record
class DceTerms:
    """The contract as every piece states it."""

    selection: Selection
    data: ContractData
    terms: ContractTerms
    procedure: ProcedureKind
    reference: str
    object: str
    deadline: dt.date
    price_lines: tuple[PriceLine, ...]
    order_maximum: Decimal | None
    court: str

    @property
    def simplified(self) -> bool:
        """The light pieces of a consultation by quotes."""
        return self.procedure is ProcedureKind.QUOTES

    @property
    def lump_sum_piece(self) -> str:
        """Where the lump-sum prices are written: « DPGF », or the quote form's « forfait » lines."""
        return "lignes « forfait » du formulaire de devis" if self.simplified else "DPGF"

    @property
    def unit_piece(self) -> str:
        """Where the yearly and unit prices are written: « BPU », or the quote form."""
        return "formulaire de devis" if self.simplified else "BPU"

    @property
    def mandatory_advance(self) -> bool:
        """Whether the Code may require an advance (R2191-3, :mod:`webpass.dossier.advance`)."""
        return advance_required(self.selection.procedure)

    @property
    def advance_offered(self) -> bool:
        """Whether the contract pays an advance the holder may waive: required, or chosen by the
        dossier (``marche.avance_facultative``)."""
        return self.mandatory_advance or self.terms.optional_advance

    @property
    def options(self) -> list[tuple[str, str]]:
        """The PSE: (id, title), in document order."""
        return [(s.item.id, s.item.title) for s in self.selection.items if s.is_pse]

    @property
    def on_order(self) -> list[PriceLine]:
        """The services ordered on demand (accord-cadre à bons de commande)."""
        return [line for line in self.price_lines if line.kind is PriceKind.ON_ORDER]

    @property
    def groupement(self) -> bool:
        """The buyer is a groupement of communes."""
        return self.selection.answers.collectivity.body_type is not BodyType.COMMUNE

    @property
    def joint_purchasing(self) -> bool:
        """A groupement de commandes with its convention."""
        return self.groupement and self.terms.setup is PurchaseSetup.JOINT_PURCHASING

    @property
    def joining_members(self) -> list[str]:
        """The communes that join the groupement de commandes."""
        members = [m.name for m in self.selection.answers.collectivity.members]
        return list(self.terms.joining_members) or members

    @property
    def representative(self) -> str:
        """Who signs for the buyer: « son maire », « son président »."""
        if self.selection.answers.collectivity.body_type is BodyType.COMMUNE:
            return "son maire"
        return "son président"

    @property
    def signatory(self) -> str:
        """The office of who signs: « le maire », « le président »."""
        return "le " + self.representative.removeprefix("son ")

    @property
    def offer_validity_days(self) -> int:
        """How many days an offer binds its bidder: the dossier's choice or the procedure's default."""
        chosen = self.terms.offer_validity_days
        return chosen if chosen is not None else DEFAULT_OFFER_VALIDITY_DAYS[self.procedure.value]

    @property
    def offer_validity_text(self) -> str:
        """« 60 jours » — the one wording of the offers' validity."""
        return f"{self.offer_validity_days} jours"

    @property
    def signatory_quality(self) -> str:
        """« Le maire », or the quality the dossier gives its signatory."""
        signatory = self.selection.answers.collectivity.signatory
        if signatory is not None and signatory.quality:
            return signatory.quality
        return self.signatory[:1].upper() + self.signatory[1:]

    @property
    def months(self) -> int:
        """Duration of the market, renewals included."""
        return self.selection.answers.project.duration_months

    @property
    def first_months(self) -> int:
        """The firm first period (:func:`webpass.documents.phases.first_period_months`)."""
        from webpass.documents.phases import first_period_months

        return first_period_months(self.selection)

    @property
    def quantities_words(self) -> str:
        """What the BPU's quantities are, in brackets: the orders only when there are some."""
        if self.on_order:
            return (
                "(fermes, en années de service prévues pour les prix annuels, ou estimées pour "
                "les bons de commande)"
            )
        # Pages paid as executed are compared on their estimate (groupement review N1).
        if any(line.measure is not None and line.measure.maximum for line in self.price_lines):
            return (
                "(quantités fermes, quantités estimées pour les unités payées à l'exécution, ou "
                "années de service prévues pour les prix annuels)"
            )
        return "(quantités fermes, ou années de service prévues pour les prix annuels)"

    @property
    def renewable(self) -> bool:
        """Whether tacit renewals follow the first period."""
        return self.months > self.first_months

    @property
    def duration_text(self) -> str:
        """« 48 mois » — the one wording of the duration."""
        return f"{self.months} mois"

    def duration_sentence(self) -> tuple[str | Run, ...]:
        """The one sentence of the duration, renewals included, that every piece prints."""
        from webpass.documents.facts import Fact, fact
        from webpass.documents.phases import duration_parts

        before, months, after = duration_parts(self.months, self.first_months)
        return (before, fact(Fact.DURATION, months), after)

    def delivery_sentence(self) -> tuple[str | Run, ...]:
        """The contractor's deadline and the buyer's going-online target, for the letter, the RC
        and the acte d'engagement (the CCAP states the whole rule)."""
        from webpass.documents.facts import Fact, fact
        from webpass.documents.phases import delivery_weeks

        go_live = self.selection.answers.project.go_live
        return (
            "Le titulaire livre le site en ordre de marche, pour vérification, dans un délai de ",
            fact(Fact.DELIVERY, f"{delivery_weeks(self.selection)} semaines"),
            " à compter de la notification, délais de validation de l'acheteur non compris ; "
            f"c'est son délai d'exécution (article {CcapArticle.DURATION.number} du CCAP).",
            *(
                (
                    " La mise en ligne suit la décision d'aptitude ; l'acheteur la vise pour le ",
                    fact(Fact.GO_LIVE, date_fr(go_live)),
                    ".",
                )
                if go_live
                else ()
            ),
        )

    def piece(
        self,
        title: str,
        acronym: str,
        articles: list[Article],
        annexes: list[Article] | None = None,
    ) -> CctpDocument:
        """A contractual piece with the buyer, object, reference and date every piece shares."""
        answers = self.selection.answers
        return CctpDocument(
            title=title,
            object=self.object,
            buyer=answers.collectivity.name,
            buyer_kind=answers.collectivity.body_type.label,
            reference=self.reference,
            date=answers.project.launch_date,
            catalog_version=self.selection.catalog.version,
            articles=articles,
            annexes=annexes or [],
            glossary=[],
            answers_yaml=answers_to_yaml(answers),
            fingerprints={},
            acronym=acronym,
        )

    def values(self, item_id: str) -> dict[str, Any]:
        """The parameter values of a catalogue item as the CCTP prints them (size variant
        included), whether or not it is in the CCTP.

        A catalogue without that item (a user's own) gives no value: the CCAP then uses the
        defaults of the shipped catalogue, written in its builders.
        """
        catalog = self.selection.catalog
        if not catalog.has_item(item_id):
            return {}
        # The size variant's defaults are the CCTP's values: the CCAP must cite the same.
        selected = self.selection.selected(item_id)
        defaults = selected.default_values if selected else None
        return parameter_values(catalog.item(item_id), self.selection.answers, defaults)


def _priced_detail(item: Item, selection: Selection) -> str | None:
    """What the price line names besides the item's title: the values marked « dans_le_prix »
    (F08: the business software to connect), so the bidder knows what it prices."""
    priced = [parameter.key for parameter in item.parameters if parameter.priced]
    if not priced:
        return None
    values = parameter_values(item, selection.answers)
    return " ; ".join(str(values[key]) for key in priced)


def _phase_lines(selection: Selection) -> dict[str, list[PriceLine]]:
    """Every phase's line, in phase order, at the first priced requirement any phase covers;
    nothing at the other requirements they cover."""
    lines: list[PriceLine] = []
    covered: list[str] = []
    for group in phase_groups(selection):
        priced = [i for _, ids in group.accounts for i in ids]
        high = sum(
            (selection.catalog.item(i).cost.maximum for i in priced),  # type: ignore[union-attr]
            Decimal(0),
        )
        lines.append(
            PriceLine(
                group.carrier,
                group.phase.label,
                PriceKind.LUMP_SUM,
                None,
                False,
                high,
                group.account,
                detail=group.account_split,
                covers=group.item_ids,
            )
        )
        covered += priced
    first = next((s.item.id for s in selection.items if s.item.id in covered), None)
    return {item_id: lines if item_id == first else [] for item_id in covered}


def _price_lines(selection: Selection) -> tuple[PriceLine, ...]:
    lines = []
    phases = _phase_lines(selection)
    includes = yearly_includes(selection)
    for selected in selection.items:
        cost = selected.item.cost
        if cost is None:
            continue
        if selected.item.id in phases:
            lines += phases[selected.item.id]
            continue
        quantity = item_quantity(selected, selection.answers)
        if quantity is None:
            kind = PriceKind.LUMP_SUM
        elif quantity.nature is QuantityNature.YEARS:
            kind = PriceKind.YEARLY
        elif quantity.nature is QuantityNature.ON_ORDER:
            kind = PriceKind.ON_ORDER
        else:
            # A required unit price (the sites of the member communes) has a firm quantity.
            kind = PriceKind.UNIT
        lines.append(
            PriceLine(
                selected.item.id,
                selected.item.title,
                kind,
                quantity,
                selected.is_pse,
                cost.maximum,
                cost.budget_account,
                _priced_detail(selected.item, selection),
                includes=includes.get(selected.item.id, ()),
            )
        )
    return tuple(lines)


def _order_maximum(terms: ContractTerms, lines: tuple[PriceLine, ...]) -> Decimal | None:
    on_order = [line for line in lines if line.kind is PriceKind.ON_ORDER]
    if not on_order:
        return None
    if terms.order_maximum is not None:
        return terms.order_maximum
    # The estimated quantities at the high end of the price range, rounded up to the next
    # thousand: a maximum the buyer can defend and that leaves room for the unforeseen.
    total = sum((line.high * (line.quantity or 1) for line in on_order), Decimal(0))
    return (total / 1000).to_integral_value(rounding=ROUND_CEILING) * 1000


def order_maximum(selection: Selection) -> Decimal | None:
    """The maximum of the orders the CCAP and the acte d'engagement print (None: no order)."""
    terms = selection.answers.contract or ContractTerms()
    return _order_maximum(terms, _price_lines(selection))


def member_siren(member: MemberCommune) -> str | None:
    """The SIREN of a member commune, from the State's reference shipped with webpass."""
    if member.manual or not member.insee:
        return None
    commune = load_reference().commune(member.insee)
    return commune.siren if commune else None


def _check_member_names(terms: ContractTerms, body: Collectivity) -> None:
    """Every name the ``marche`` block gives a member is one of the groupement's."""
    unknown = [m for m in terms.joining_members if m not in {c.name for c in body.members}]
    if unknown:
        raise InputError(
            f"marche.membres_du_groupement_de_commandes : « {unknown[0]} » n'est pas une commune "
            "membre du groupement (voir collectivite.communes)."
        )
    strangers = [m for m in terms.member_accountants if m not in {c.name for c in body.members}]
    if strangers:
        raise InputError(
            f"marche.comptables_des_membres : « {strangers[0]} » n'est pas une commune membre du "
            "groupement (voir collectivite.communes)."
        )
    payers = {c.name for c in body.members} | {body.name}
    unbilled = [m for m in terms.member_billing if m not in payers]
    if unbilled:
        raise InputError(
            f"marche.facturation_des_membres : « {unbilled[0]} » n'est ni une commune membre du "
            "groupement (voir collectivite.communes) ni le groupement lui-même (collectivite.nom)."
        )
    sirens = {m.name: member_siren(m) for m in body.members} | {body.name: body.siren}
    for name, billing in terms.member_billing.items():
        siren = sirens.get(name)
        if siren and not billing.siret.startswith(siren):
            raise InputError(
                f"marche.facturation_des_membres.{name}.siret : « {billing.siret} » ne commence pas "
                f"par le SIREN {siren} ; un SIRET est le SIREN suivi des 5 chiffres de l'établissement."
            )


def dce_terms(selection: Selection) -> DceTerms:
    """The contract terms of a selection; raises :class:`InputError` when a datum is missing."""
    answers = selection.answers
    project = answers.project
    body = answers.collectivity
    terms = answers.contract or ContractTerms()
    _check_member_names(terms, body)
    data = load_contract_data(selection.catalog.root)
    code = department_code(body.department)
    lines = _price_lines(selection)
    nature = "Création" if project.nature.value == "creation" else "Refonte"
    level = selection.catalog.levels[project.target_level].name.lower()
    return DceTerms(
        selection=selection,
        data=data,
        terms=terms,
        procedure=procedure_kind(selection),
        reference=project.reference or f"CCTP-{project.launch_date:%Y%m%d}",
        object=f"{nature} du site internet de {body.designation} — {level}",
        deadline=offers_deadline(answers),
        price_lines=lines,
        order_maximum=_order_maximum(terms, lines),
        court=data.court(code or body.department),
    )
