"""The response grid ("cadre de réponse") as data, shared by export, reading and checking.

Column names are the ones bidders see; the readers find them by header text, so they are the
contract between the grid we send and the one that comes back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from decimal import Decimal
from enum import StrEnum

from webpass.core.frozen_record import frozen_record
from webpass.core.matching import fold

__all__ = [
    "BIDDER_SHEETS",
    "BPU_COLUMNS",
    "CANDIDATE_FIELDS",
    "CONFORMITY_VALUES",
    "DOSSIER_FIELDS",
    "FLAT_COLUMNS",
    "LABEL_FIELD",
    "READ_CANDIDATE_FIELDS",
    "REQUIREMENT_COLUMNS",
    "UNIT_PRICES_SHEET",
    "UNIT_SHEETS",
    "YEARLY_PRICES_SHEET",
    "Grid",
    "GridRow",
    "PayerShare",
    "PricePieces",
    "is_mandatory_label",
]

# Exigences sheet, in order. The first seven are the ones every consumer relies on.
REQUIREMENT_COLUMNS = (
    "Identifiant",
    "Exigence",
    "Texte de l’exigence",
    "Niveau d’exigence",
    "Réponse attendue",
    "Minimum exigé",
    "Empreinte",
    "Conformité",
    "Valeur",
    "Justification",
    "Prix HT",
    # What the award scores of the row's answer: where the bidder puts its effort.
    "Sous-critère noté",
)
BPU_COLUMNS = (
    "Identifiant",
    "Désignation",
    "Unité",
    "Quantité",
    "Prix unitaire HT",
    "Montant HT",
    "Nature de la quantité",
)
# CSV, YAML and JSON carry the BPU columns on the requirement's own row.
FLAT_COLUMNS = (
    *REQUIREMENT_COLUMNS,
    "Unité",
    "Quantité",
    "Nature de la quantité",
    "Prix unitaire HT",
)
# Headers are read by people: typographic apostrophes. Files are read back by folded headers
# (webpass.core.matching.fold), so a straight apostrophe typed by a bidder matches as well.
OFFER_DATE = "Date de l’offre"
CANDIDATE_FIELDS = (
    "Raison sociale",
    "SIRET",
    "Solution",
    "Version",
    OFFER_DATE,
)
# A supplier's label is no contractual requirement: the grid does not ask for it. A bidder who
# adds the line anyway has it read and checked against the registry, for information only.
LABEL_FIELD = "Numéro de label"
READ_CANDIDATE_FIELDS = (*CANDIDATE_FIELDS, LABEL_FIELD)
DOSSIER_FIELDS = (
    "Dossier",
    "Collectivité",
    "Version du catalogue",
    "Niveau visé",
    "Profil",
    "Date de lancement",
)
CONFORMITY_VALUES = ("Conforme", "Partiellement conforme", "Non conforme", "Sans objet")
# The CCTP's own words (its badges « exigé », « souhaité », « PSE »).
MANDATORY = "Exigé"
# A PSE must be priced and proposed by every bidder (the rule of webpass.compare.pse): the label
# says the answer is required, though the buyer decides whether it buys the PSE.
OPTION = "PSE (réponse exigée)"
DESIRED = "Souhaité"
INFORMATION = "Information"
NO_ANSWER = "Sans réponse"
# What grids written before the CCTP's words were used print for an exigé requirement.
_LEGACY_MANDATORY = "Obligatoire"
# What grids of earlier versions print for a PSE.
_LEGACY_OPTION = "Option (PSE)"


def is_mandatory_label(label: str) -> bool:
    """Whether a grid's « Niveau d'exigence » says the requirement is exigé (« Exigé », or
    « Obligatoire » in a grid of an earlier version), for a grid checked without its reference."""
    return fold(label) in (fold(MANDATORY), fold(_LEGACY_MANDATORY))


def is_information_label(label: str) -> bool:
    """Whether a grid's « Niveau d'exigence » says the row asks no answer."""
    return fold(label) == fold(INFORMATION)


def is_option_label(label: str) -> bool:
    """Whether a grid's « Niveau d'exigence » says the requirement is a PSE (for a grid checked
    without its reference)."""
    return fold(label) in (fold(OPTION), fold(_LEGACY_OPTION))


class PricePieces(StrEnum):
    """The pieces where the offer's prices are written, which the grid names as the DCE does.

    A MAPA has the DPGF (lump sums) and the BPU (yearly and unit prices), annexes of the acte
    d'engagement; a consultation by quotes has neither, only the quote form, one table of every
    line. The grid's tabs, totals and instructions use the procedure's own names.
    """

    SCHEDULE = "dpgf-bpu"
    QUOTE_FORM = "formulaire-de-devis"

    @property
    def unit_sheet(self) -> str:
        """The tab of the yearly and unit prices."""
        return "BPU" if self is PricePieces.SCHEDULE else UNIT_PRICES_SHEET

    @property
    def lump_sum_total(self) -> str:
        """The label of the total of the one-off prices of the base solution."""
        if self is PricePieces.SCHEDULE:
            return "Total DPGF HT (solution de base)"
        return "Total des prix forfaitaires HT (solution de base)"

    @property
    def bidder_sheet(self) -> str:
        """The tab of who bids, named as the consultation names the bidder."""
        return CANDIDATE_SHEET if self is PricePieces.SCHEDULE else PROVIDER_SHEET

    @property
    def offer_total(self) -> str:
        """The label of the offer's whole price, and where it is carried."""
        if self is PricePieces.SCHEDULE:
            return "Total HT de l’offre de base (DPGF et BPU, à reporter à l’acte d’engagement)"
        # A quote request has no PSE, hence no « offre de base » (review M10).
        return "Total HT du devis (à reporter au formulaire de devis)"

    @property
    def consultation_rules(self) -> str:
        """The piece that states the award criteria: the letter of a consultation by quotes, the
        RC of a MAPA."""
        if self is PricePieces.SCHEDULE:
            return "le règlement de la consultation"
        return "la lettre de consultation"

    @property
    def prevailing(self) -> str:
        """The sentence that ties the grid's prices to the price piece of the DCE."""
        if self is PricePieces.SCHEDULE:
            return (
                "Portez les mêmes prix que dans la DPGF-BPU ; en cas de différence, les prix de la "
                "DPGF-BPU prévalent (article 2 du CCAP)."
            )
        return (
            "Portez les mêmes prix que dans le formulaire de devis ; en cas de différence, les prix "
            "du formulaire de devis prévalent (article 2 du CCAP)."
        )


# The tab of the yearly and unit prices of a consultation by quotes (no BPU there), « Prix
# annuels » when it holds yearly prices only; a grid read back may carry any of these names.
UNIT_PRICES_SHEET = "Prix annuels et unitaires"
YEARLY_PRICES_SHEET = "Prix annuels"
UNIT_SHEETS = ("BPU", UNIT_PRICES_SHEET, YEARLY_PRICES_SHEET)
# The tab of who bids: the « candidat » of a procedure with an RC, the « prestataire » asked
# for a quote; a grid read back may carry either name.
CANDIDATE_SHEET = "Candidat"
PROVIDER_SHEET = "Prestataire"
BIDDER_SHEETS = (CANDIDATE_SHEET, PROVIDER_SHEET)


@frozen_record
class GridRow:
    """One requirement as the bidder sees it.

    Attributes:
        id: the item id.
        title: short title.
        text: the exact clause text of the CCTP, as plain text.
        mandatory: a bid must conform (else it is desired, or a chosen option, PSE).
        answer_kind: ``conformite``, ``nombre`` or ``texte``.
        question: what the bidder must state.
        minimum: for a number, the least acceptable value.
        unit: for a number, its unit.
        fingerprint: hash of the exact wording (id, title, text, question).
        price: ``dpgf`` for a one-off priced line, ``bpu`` for a unit/yearly line, None if unpriced.
        price_unit: the BPU unit (an, jour, séance…).
        quantity: the quantity of a BPU line (firm, planned years of service to four decimals, or
            estimated for orders).
        quantity_nature: how that quantity binds the buyer, in French (« ferme »…).
        pse: a PSE, priced outside the totals of the base solution, with a total of its own.
        priced_in: for a requirement without a price line of its own in a consultation by
            quotes, the lines whose price pays it (« phase Création graphique, prix sur la ligne
            B01 »), each with the part it pays when two lines share it (M01: until the going
            online, then the yearly hosting); shown to the bidder, not carried in the seal.
        scored: the award sub-criterion the row's written answer feeds, or why it is not
            scored (:func:`webpass.documents.question.asked_answer`); shown, and carried
            for the check of an empty written answer.
    """

    id: str
    title: str
    text: str
    mandatory: bool
    answer_kind: str
    question: str
    minimum: Decimal | None
    unit: str | None
    fingerprint: str
    price: str | None
    price_unit: str | None = None
    quantity: int | Decimal | None = None
    desired: bool = False
    quantity_nature: str = ""
    pse: bool = False
    priced_in: tuple[tuple[str, str], ...] = ()
    scored: str = ""

    @property
    def has_choice(self) -> bool:
        """Whether another answer than « Conforme » may be given (a desired requirement, a
        PSE): on an exigé line, anything else makes the offer irregular."""
        return not self.mandatory

    @property
    def informative(self) -> bool:
        """A presentation the bidder does not answer (:data:`INFORMATION`)."""
        return self.answer_kind == "information"

    @property
    def strength_label(self) -> str:
        """« Exigé », « Souhaité » (assessed, never eliminating), « PSE (réponse exigée) », or
        « Information » for a presentation without an answer."""
        if self.informative:
            return INFORMATION
        if self.mandatory:
            return MANDATORY
        return DESIRED if self.desired else OPTION


@frozen_record
class PayerShare:
    """What one member of a groupement de commandes pays, for the price schedule.

    ``lines`` are BPU lines with the quantity the member pays (None: the whole line);
    ``lump_sum`` says it pays the DPGF; ``fractions`` are (item, fraction) of a DPGF line's
    price or a BPU line's amount, the item ``*`` standing for the common part of the DPGF (its
    base total less the lines ``assigned`` to named members); ``options`` are (PSE item,
    fraction) of a PSE's price, due if the buyer retains it.
    """

    payer: str
    role: str
    lump_sum: bool
    lines: tuple[tuple[str, int | None], ...]
    fractions: tuple[tuple[str, str], ...] = ()
    assigned: tuple[str, ...] = ()
    summary: str = ""
    options: tuple[tuple[str, str], ...] = ()


@frozen_record
class Grid:
    """The grid of one dossier."""

    reference: str
    buyer: str
    catalog_version: str
    target_level: int
    profile: str
    launch_date: dt.date
    rows: tuple[GridRow, ...]
    meta: dict[str, str] = field(default_factory=dict)
    pieces: PricePieces = PricePieces.SCHEDULE

    @property
    def simple(self) -> bool:
        """Neither a desired requirement nor a PSE: every line is exigé, there is no base
        solution to set apart, and « Conforme » is the only answer the grid offers."""
        return not any(row.has_choice for row in self.rows)

    @property
    def unit_sheet(self) -> str:
        """The tab of the yearly and unit prices: « Prix annuels » in a consultation by quotes
        whose only such prices are yearly ones."""
        if self.pieces is PricePieces.QUOTE_FORM and all(
            row.price_unit == "an" for row in self.rows if row.price == "bpu"
        ):
            return YEARLY_PRICES_SHEET
        return self.pieces.unit_sheet

    @property
    def conformity_values(self) -> tuple[str, ...]:
        """The answers the conformity list offers."""
        return CONFORMITY_VALUES[:1] if self.simple else CONFORMITY_VALUES

    def dossier_values(self) -> dict[str, str]:
        """The values of :data:`DOSSIER_FIELDS`."""
        return {
            "Dossier": self.reference,
            "Collectivité": self.buyer,
            "Version du catalogue": self.catalog_version,
            "Niveau visé": str(self.target_level),
            "Profil": self.profile,
            "Date de lancement": self.launch_date.isoformat(),
        }
