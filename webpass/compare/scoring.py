"""Comparing the offers of a consultation: the regularity gate, the marks, the price, the ranking.

1. Every offer has been checked against the dossier's grid (:func:`read_offers`). An offer is
   regular or not (:func:`webpass.grid.regularity.offer_regularity`): a mandatory requirement not
   met or not answered, a price missing, another wording answered, a PSE not proposed (every
   bidder must propose each PSE) make it irregular, and it is
   eliminated with its reasons, each marked as curable by a regularisation or not (R2152-1,
   R2152-2). Conformity earns no points: it is a gate. The PSE the buyer retains are then
   settled by the one rule of :mod:`webpass.compare.pse`, on the regular offers.
2. Each regular offer gets, on each sub-criterion judged on the mémoire technique, the level the
   analyst gave with its reason; its points are ``weight × level ÷ top level``, exact (the scale
   is built so they fall on hundredths), so one level more always adds the same points.
3. The price compared is the base solution plus the retained PSE only, scored by the announced
   formula among the regular offers and rounded half-up to the hundredth.
4. Offers are ranked by total; a tie goes to the lower price, then to the better technical
   value; a tie on all three is an « ex aequo ». The ranking is also computed under each of the
   three price formulas, so the analyst sees whether the formula, rather than the offers,
   decides the winner.
5. The subsidy of each offer (base + retained PSE) is a simulation under the aid schemes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from webpass.aid.compute import ExpenseLine, SubsidyResult
from webpass.aid.financing import FinancingReport
from webpass.aid.member_shares import MemberInvestment
from webpass.aid.rules import SubsidyRules
from webpass.catalog.model import Item
from webpass.compare.award import AwardCriteria, Leaf, criteria_of, offers_deadline
from webpass.compare.notes import (
    AnalystNotes,
    Finding,
    IrregularityNature,
    Mark,
    NotedCheck,
    NotedIrregularity,
)
from webpass.compare.price_scoring import FORMULA_LABELS, PriceFormula, price_scores
from webpass.compare.pse import PseMode, PseRule, pse_rule, retained_options
from webpass.compare.scale import ScaleLevel, level_points
from webpass.compare.support_readings import (
    OfferReading,
    reading_blocker,
    reading_irregularities,
    resolve_readings,
)
from webpass.core.errors import Problem, ValidationFailed
from webpass.core.french_list import french_list
from webpass.core.frozen_record import frozen_record
from webpass.core.matching import fold
from webpass.core.money import format_eur, format_number, round_cent
from webpass.documents.instalments import phase_imbalance
from webpass.documents.offer_rules import information_words, written_answer_rule
from webpass.documents.question import (
    CONTRACT_INFORMATION,
    DESCRIPTION_ONLY,
    NOT_SCORED,
    asked_answer,
    contract_information_ids,
)
from webpass.documents.typography import of_name
from webpass.grid.check import ConformanceReport, Severity, check_offer
from webpass.grid.labels import LabelRegistry
from webpass.grid.model import Grid
from webpass.grid.read import FilledGrid
from webpass.grid.read_many import read_filled_grids
from webpass.grid.regularity import Irregularity, Regularity, offer_regularity
from webpass.selection.engine import Selection

if TYPE_CHECKING:
    from webpass.compare.completion import Completion

__all__ = [
    "Comparison",
    "EliminatedOffer",
    "LeafScore",
    "OfferFile",
    "RankedOffer",
    "rank_offers",
    "read_offers",
    "resolve_marks",
    "score_offers",
]


@frozen_record
class OfferFile:
    """An offer as read and checked."""

    path: Path
    grid: FilledGrid
    report: ConformanceReport
    name: str

    def amount(self, ids: Sequence[str]) -> Decimal:
        """The offer's price for the rows ``ids`` (DPGF prices and BPU × quantities)."""
        amounts = self.report.amounts
        return sum((amounts.get(item_id, Decimal(0)) for item_id in ids), Decimal(0))


@frozen_record
class LeafScore:
    """The points of one offer on one leaf, and why.

    Attributes:
        level: the analyst's level for a judged leaf (None for the price or a missing mark).
        level_label: that level's name in the scale (« Bon »).
    """

    leaf: Leaf
    points: Decimal
    justification: str
    level: int | None = None
    level_label: str = ""
    missing: bool = False

    def as_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "critere": self.leaf.label,
            "nature": self.leaf.nature.value,
            "niveau": self.level,
            "libelle_niveau": self.level_label or None,
            "points": f"{self.points:.2f}",
            "sur": self.leaf.weight,
            "motif": self.justification,
            "note_manquante": self.missing,
        }


@dataclass
class RankedOffer:
    """A regular offer with its scores under every formula.

    Attributes:
        price: the price compared: base solution plus the retained PSE.
    """

    offer: OfferFile
    price: Decimal
    technical: list[LeafScore]
    price_scores: dict[PriceFormula, LeafScore]
    formula: PriceFormula
    leaves: tuple[Leaf, ...] = ()
    ranks: dict[PriceFormula, int] = field(default_factory=dict)
    remarks: list[str] = field(default_factory=list)
    subsidy: SubsidyResult | None = None
    possibly_abnormally_low: bool = False
    # What the analyst recorded under « verifications » (notes.yaml): the contract information
    # checked against each requirement's text, what was seen, the signed price piece's total.
    information_checked: bool = False
    information_findings: tuple[Finding, ...] = ()
    signed_total: Decimal | None = None
    price_gap: str = ""  # the gap between that total and the grid's, in French, if any
    # G12's ends of support read before the dossier's limit, and the analyst's decision.
    reading: OfferReading | None = None

    @property
    def name(self) -> str:
        """The bidder's name."""
        return self.offer.name

    @property
    def technical_total(self) -> Decimal:
        """The points of every leaf but the price."""
        return sum((score.points for score in self.technical), Decimal(0))

    def without_finding(self, ids: Sequence[str]) -> list[str]:
        """The contract information among ``ids`` the analyst wrote no constat for."""
        recorded = {finding.item for finding in self.information_findings}
        return [item_id for item_id in ids if item_id not in recorded]

    def total_under(self, formula: PriceFormula) -> Decimal:
        """Total points with the price scored by ``formula``."""
        return self.technical_total + self.price_scores[formula].points

    @property
    def total(self) -> Decimal:
        """Total points under the announced formula."""
        return self.total_under(self.formula)

    @property
    def rank(self) -> int:
        """Rank under the announced formula."""
        return self.ranks[self.formula]

    @property
    def scores(self) -> list[LeafScore]:
        """Every leaf's score in the order of the criteria (price under the announced formula)."""
        by_key = {score.leaf.key: score for score in self.technical}
        price = self.price_scores[self.formula]
        by_key[price.leaf.key] = price
        return [by_key[leaf.key] for leaf in self.leaves if leaf.key in by_key]

    def as_json(self) -> dict[str, Any]:
        """JSON form."""
        report = self.offer.report
        subsidy = self.subsidy
        return {
            "rang": self.rank,
            "candidat": self.name,
            "fichier": str(self.offer.path),
            "reguliere": True,
            "siret": report.candidate.get("SIRET", ""),
            "solution": report.candidate.get("Solution", ""),
            "label": report.label,
            "prix_compare": f"{self.price:.2f}",
            "totaux_offre": {
                k: (f"{v:.2f}" if v is not None else None) for k, v in report.totals.items()
            },
            "notes": [score.as_json() for score in self.scores],
            "note_technique": f"{self.technical_total:.2f}",
            "note_prix": f"{self.price_scores[self.formula].points:.2f}",
            "note_totale": f"{self.total:.2f}",
            "remarques": self.remarks,
            "renseignements_verifies": self.information_checked,
            "constat_renseignements": {f.item: f.text for f in self.information_findings} or None,
            "total_signe": None if self.signed_total is None else f"{self.signed_total:.2f}",
            "lectures_fin_de_support": _reading_json(self.reading),
            "subvention_simulation": None
            if subsidy is None
            else {
                "total_depenses": f"{subsidy.total:.2f}",
                "base_eligible": f"{subsidy.base:.2f}",
                "subvention": f"{subsidy.subsidy:.2f}",
                "reste_a_charge": f"{subsidy.remaining:.2f}",
                "eligible": subsidy.eligible,
                "motifs": subsidy.reasons,
                **subsidy.applicability.as_json(),
            },
        }


def _reading_json(reading: OfferReading | None) -> dict[str, Any] | None:
    """G12's dates read before the limit and the analyst's decision, or None when none is."""
    if reading is None or not reading.alerts:
        return None
    decision = reading.decision
    return {
        "dates_lues": [
            {
                "passage": alert.early.passage,
                "brique": alert.early.component,
                "fin_de_support": alert.early.ends.isoformat(),
                "limite": alert.deadline.isoformat(),
            }
            for alert in reading.alerts
        ],
        "statut": None if decision is None else decision.status.value,
        "motif": None if decision is None else decision.reason,
    }


@frozen_record
class EliminatedOffer:
    """An irregular offer and the reasons it is eliminated."""

    offer: OfferFile
    regularity: Regularity

    @property
    def name(self) -> str:
        """The bidder's name."""
        return self.offer.name

    @property
    def reasons(self) -> tuple[str, ...]:
        """The reasons, as sentences."""
        return tuple(reason.text for reason in self.regularity.reasons)

    def as_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "candidat": self.name,
            "fichier": str(self.offer.path),
            "reguliere": False,
            "prix_total_offre": f"{self.offer.report.totals.get('total') or 0:.2f}",
            "motifs": [reason.as_json() for reason in self.regularity.reasons],
            "regularisable": self.regularity.regularisable,
        }


@dataclass
class Comparison:
    """The outcome of :func:`score_offers`."""

    selection: Selection
    criteria: AwardCriteria
    deadline: dt.date
    offers: list[OfferFile]
    ranked: list[RankedOffer]
    eliminated: list[EliminatedOffer]
    ties: list[str]
    formula_effect: str
    missing_marks: list[str]
    warnings: list[str]
    pse: PseRule
    retained: tuple[str, ...]
    financing: FinancingReport | None = None
    member_investment: list[MemberInvestment] = field(default_factory=list)
    # The requirements whose answer is a « renseignement du marché » (an offer without it is
    # irregular): the analyst checks them on every ranked offer before any award.
    information_ids: tuple[str, ...] = ()
    # Why no award may be proposed yet, besides an abnormally low price: sentences.
    award_blockers: list[str] = field(default_factory=list)
    # The irregular offers scored and ranked after the regular ones when fewer than the number
    # the RC admits to the negotiation are ranked (webpass.compare.completion); None otherwise.
    completion: Completion | None = None

    @property
    def formula(self) -> PriceFormula:
        """The announced price formula."""
        return self.criteria.price_formula

    @property
    def by_quotes(self) -> bool:
        """A consultation by quotes: a letter states its rules, the bidders are « prestataires »."""
        from webpass.documents.procedure_kind import ProcedureKind, procedure_kind

        return procedure_kind(self.selection) is ProcedureKind.QUOTES

    @property
    def bidder_label(self) -> str:
        """Who bids, as the consultation names them, for a table's column."""
        return "Prestataire" if self.by_quotes else "Candidat"

    @property
    def scale(self) -> list[ScaleLevel]:
        """The scoring scale announced in the RC."""
        return self.criteria.levels

    @property
    def provisional(self) -> bool:
        """Some analyst's marks are missing: the ranking is not final."""
        return bool(self.missing_marks)

    @property
    def winner(self) -> RankedOffer | None:
        """The first offer, unless several share the first rank."""
        first = [offer for offer in self.ranked if offer.rank == 1]
        return first[0] if len(first) == 1 else None

    @property
    def proposed(self) -> RankedOffer | None:
        """The offer proposed for the award: the winner, once nothing stands in the way."""
        winner = self.winner
        if winner is None or winner.possibly_abnormally_low or self.award_blockers:
            return None
        return winner

    def ranking_under(self, formula: PriceFormula) -> list[RankedOffer]:
        """The offers in their order under ``formula``."""
        return sorted(self.ranked, key=lambda o: (o.ranks[formula], o.price, o.name))

    def as_json(self) -> dict[str, Any]:
        """The same data as the RAO, for machines."""
        from webpass.compare.report_data import comparison_json

        return comparison_json(self)


def read_offers(
    paths: Sequence[Path], grid: Grid, labels: LabelRegistry, today: dt.date
) -> list[OfferFile]:
    """Read and check each offer against the dossier's grid; names are made unique.

    The first offer that cannot be read stops the comparison, after those before it.
    """
    offers: list[tuple[Path, FilledGrid, ConformanceReport]] = []
    # The next offer is read on the second core while this one is checked.
    with closing(read_filled_grids(paths)) as reads:
        for read in reads:
            filled = read.result()
            offers.append((read.path, filled, check_offer(filled, labels, grid, today=today)))
    names = [
        report.candidate.get("Raison sociale", "").strip() or path.stem
        for path, _, report in offers
    ]
    folded = [fold(name) for name in names]
    out = []
    for (path, filled, report), name, key in zip(offers, names, folded, strict=True):
        shown = f"{name} ({path.name})" if folded.count(key) > 1 else name
        out.append(OfferFile(path, filled, report, shown))
    return out


RankKey = tuple[Decimal, Decimal, Decimal, tuple[Decimal, ...]]


def rank_offers(entries: Sequence[RankKey]) -> list[int]:
    """Ranks (1 = best) of offers given as (total, price, technical, points per technical leaf).

    Ties on the total go to the lower price, then to the better points on each technical leaf in
    the order of the criteria; ties on all of them share a rank (the RC draws lots). The technical
    total is no step of its own: with the same total and the same price it is the same.
    """
    order = sorted(
        range(len(entries)),
        key=lambda i: (
            -entries[i][0],
            entries[i][1],
            tuple(-points for points in entries[i][3]),
        ),
    )
    ranks = [0] * len(entries)
    for position, index in enumerate(order):
        if position and entries[order[position - 1]] == entries[index]:
            ranks[index] = ranks[order[position - 1]]
        else:
            ranks[index] = position + 1
    return ranks


def _rank_key(entry: RankedOffer, formula: PriceFormula) -> RankKey:
    return (
        entry.total_under(formula),
        entry.price,
        entry.technical_total,
        tuple(score.points for score in entry.technical),
    )


def _aliases(offers: Sequence[OfferFile]) -> dict[str, OfferFile]:
    by_name: dict[str, OfferFile] = {}
    for offer in offers:
        for alias in (
            offer.name,
            offer.report.candidate.get("Raison sociale", ""),
            offer.path.stem,
            offer.path.name,
        ):
            if alias.strip():
                by_name.setdefault(fold(alias), offer)
    return by_name


def _scale_text(criteria: AwardCriteria) -> str:
    return ", ".join(f"{level.level} {level.label.lower()}" for level in criteria.levels)


def _mark_problem(mark: Mark, criteria: AwardCriteria) -> str | None:
    """Why a mark is outside the RC's scale, or None."""
    top = criteria.top
    if mark.scale is not None and mark.scale != top:
        return (
            f"le barème indiqué ({format_number(mark.scale, 0)}) n'est pas celui du règlement de la "
            f"consultation : les notes vont de 0 à {top}."
        )
    value = mark.value
    if value != value.to_integral_value() or not 0 <= value <= top:
        return (
            f"la note {format_number(value) if value == value.to_integral_value() else str(value).replace('.', ',')} "
            f"est hors du barème du règlement de la consultation : donnez un niveau entier de 0 à {top} "
            f"({_scale_text(criteria)})."
        )
    return None


def resolve_marks(
    notes: AnalystNotes | None, offers: Sequence[OfferFile], criteria: AwardCriteria
) -> dict[tuple[str, str], Mark]:
    """Each mark by (offer path, leaf key); a mark off the scale, an unknown name are errors.

    Offers are every offer received: a mark given to an offer later found irregular is ignored.

    Raises:
        ValidationFailed: every problem, each at its line of the notes file.
    """
    if notes is None:
        return {}
    judged = {leaf.key: leaf for leaf in criteria.leaves() if leaf.judged}
    by_name = _aliases(offers)
    problems: list[Problem] = []
    found: dict[tuple[str, str], Mark] = {}
    for mark in notes.marks:
        named = by_name.get(fold(mark.offer))
        key = fold(mark.criterion)
        if named is None:
            message = (
                f"offre « {mark.offer} » inconnue ; offres comparées : "
                + ", ".join(f"« {o.name} »" for o in offers)
                + "."
            )
        elif key not in judged:
            message = (
                f"sous-critère « {mark.criterion} » inconnu ; sous-critères notés par l'analyste : "
                + (", ".join(f"« {leaf.name} »" for leaf in judged.values()) or "aucun")
                + "."
            )
        elif (str(named.path), key) in found:
            message = f"deuxième note de « {named.name} » pour « {mark.criterion} »."
        else:
            message = _mark_problem(mark, criteria) or ""
            if not message:
                found[(str(named.path), key)] = mark
                continue
        problems.append(mark.problem(message))
    if problems:
        raise ValidationFailed(problems, summary=f"{notes.source} : notes à corriger")
    return found


def _analyst_score(leaf: Leaf, mark: Mark | None, criteria: AwardCriteria) -> LeafScore:
    if mark is None:
        return LeafScore(
            leaf,
            Decimal(0),
            "Note de l'analyste non saisie : 0 point en attendant (classement provisoire).",
            missing=True,
        )
    level = int(mark.value)
    top = criteria.top
    points = level_points(leaf.weight, level, top)
    label = criteria.levels[level].label
    text = (
        f"{mark.comment.rstrip('.')}. Points : {leaf.weight} × {level} ÷ {top} = {_plain(points)}."
    )
    return LeafScore(leaf, points, text, level=level, level_label=label)


def _plain(value: Decimal) -> str:
    """« 12 », « 7,5 »: points without useless decimals."""
    text = format_number(value)
    return text[:-3] if text.endswith(",00") else text.rstrip("0")


def _price_text(
    formula: PriceFormula, price: Decimal, prices: Sequence[Decimal], nmax: int, points: Decimal
) -> str:
    lowest, highest = min(prices), max(prices)
    position = sorted(prices).index(price) + 1
    n = str(nmax)
    p, lo, hi = (format_number(v) for v in (price, lowest, highest))
    if formula is PriceFormula.CLASSIC:
        working = f"{n} × {lo} ÷ {p}" if price else f"offre gratuite : {n}"
    elif formula is PriceFormula.LINEAR:
        working = (
            f"{n} × ({hi} − {p}) ÷ ({hi} − {lo})" if highest != lowest else f"prix tous égaux : {n}"
        )
    else:
        working = f"{n} × (1 − ({p} − {lo}) ÷ {lo})" if lowest else "moins-disant gratuit"
    rank_text = "offre la moins chère" if position == 1 else f"{position}e prix le plus bas"
    return (
        f"Prix comparé : {format_eur(price)} ({rank_text}). {FORMULA_LABELS[formula].capitalize()} : "
        f"{working} = {format_number(points)} points sur {nmax}."
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _remarks(
    offer: OfferFile, selection: Selection, price: Decimal, left_out: Sequence[str] = ()
) -> list[str]:
    remarks = [
        a.message
        + (" (PSE non retenue : sans effet sur le jugement.)" if a.item in left_out else "")
        for a in offer.report.anomalies
        if a.severity is Severity.TO_FIX
    ]
    label = offer.report.label
    if label is not None and not label.get("valide"):
        remarks += [
            a.message
            for a in offer.report.anomalies
            if a.severity is Severity.INFO and a.code.startswith("label_")
        ]
    estimate = selection.estimate.total
    if price < estimate.low:
        remarks.append(
            f"Prix comparé inférieur à l'estimation basse du marché ({format_eur(estimate.low)}) : vérifier "
            "que l'offre n'est pas anormalement basse et, au besoin, demander des précisions (articles "
            "L2152-5 et L2152-6 du Code de la commande publique)."
        )
    remarks += _order_remarks(offer, selection)
    remarks += _budget_remarks(price, selection)
    imbalance = phase_imbalance(selection, offer.report.amounts)
    if imbalance is not None:
        remarks.append(imbalance)
    return [_sentence(remark) for remark in remarks]


def _budget_remarks(price: Decimal, selection: Selection) -> list[str]:
    """An offer above the dossier's budget. When the budget only orders the PSE, the RC and the
    CCAP say it is not the allocated credits: the offer cannot be « inacceptable » for it."""
    budget = selection.answers.project.budget
    if budget is None or price <= budget:
        return []
    rule = pse_rule(selection)
    if rule.options and rule.mode is PseMode.AFTER_ANALYSIS:
        return [
            f"Prix comparé supérieur au montant de {format_eur(budget)} fixé pour le choix des "
            "PSE ; ce montant n'est pas le crédit alloué au marché (règlement de la consultation) "
            "et ne rend pas l'offre inacceptable."
        ]
    return [
        f"Prix comparé supérieur au budget envisagé dans le dossier ({format_eur(budget)}) : si ce "
        "budget correspond aux crédits alloués au marché, l'offre est inacceptable (article "
        "L2152-3)."
    ]


def _order_remarks(offer: OfferFile, selection: Selection) -> list[str]:
    """Whether the estimated quantities of the orders, at the offer's unit prices, fit the
    maximum the CCAP and the acte d'engagement announce: beyond it the buyer could not order
    what it planned."""
    from webpass.documents.terms import order_maximum

    maximum = order_maximum(selection)
    ordered = [s.item.id for s in selection.items if s.on_order]
    if maximum is None or not ordered:
        return []
    amount = offer.amount(ordered)
    if amount <= maximum:
        return []
    return [
        f"Montant estimé des commandes ({', '.join(ordered)} : prix unitaires de l'offre × "
        f"quantités estimées) de {format_eur(amount)}, au-delà du maximum de {format_eur(maximum)} "
        "fixé au CCAP et à l'acte d'engagement : l'acheteur ne pourrait pas commander les "
        "quantités prévues ; à vérifier avec le candidat avant l'attribution."
    ]


def resolve_irregularities(
    notes: AnalystNotes | None, offers: Sequence[OfferFile], selection: Selection
) -> dict[str, tuple[Irregularity, ...]]:
    """The reasons the analyst found, by offer path: a requirement the offer contradicts is not
    met, whatever the grid declares (R2152-1); a contract information missing or incomplete
    makes the offer irregular as the letter and the RC state. Never regularisable: meeting the
    requirement or completing the information would change the offer. An unknown offer or
    requirement is an error, and so is an absence noted on a line that is no contract
    information: a missing scored answer is scored, not eliminated.

    Raises:
        ValidationFailed: every problem, each at its line of the notes file.
    """
    if notes is None:
        return {}
    by_name = _aliases(offers)
    information = set(contract_information_ids(selection)) if notes.irregular else set()
    problems: list[Problem] = []
    found: dict[str, list[Irregularity]] = {}
    for noted in notes.irregular:
        offer = by_name.get(fold(noted.offer))
        selected = selection.selected(noted.item)
        if offer is None:
            problems.append(noted.problem(f"offre « {noted.offer} » inconnue."))
        elif selected is None:
            problems.append(
                noted.problem(f"l'exigence {noted.item} n'est pas dans le CCTP de ce dossier.")
            )
        elif noted.nature is IrregularityNature.CONTRADICTION:
            text = f"{noted.item} ({selected.item.title}) : l'offre la contredit. "
            found.setdefault(str(offer.path), []).append(
                Irregularity(_CONTRADICTED, text + noted.reason.rstrip(".") + ".", False)
            )
        elif noted.item in information:
            text = (
                f"{noted.item} ({selected.item.title}) : renseignement du marché manquant ou "
                "incomplet au regard du texte de l'exigence. "
            )
            found.setdefault(str(offer.path), []).append(
                Irregularity(_INCOMPLETE, text + noted.reason.rstrip(".") + ".", False)
            )
        else:
            problems.append(noted.problem(_absence_refused(noted, selected.item, selection)))
    if problems:
        raise ValidationFailed(problems, summary=f"{notes.source} : notes à corriger")
    return {path: tuple(reasons) for path, reasons in found.items()}


def _absence_refused(noted: NotedIrregularity, item: Item, selection: Selection) -> str:
    """Why an absence is no irregularity on this line (review of 1 December 2026, I1)."""
    scored = asked_answer(item, selection).scored
    fix = (
        "Retirez cette irrégularité ou, si l'offre dit le contraire de l'exigence (une valeur, "
        "un engagement contraire), écrivez « nature: contradiction » et citez ce qu'elle dit."
    )
    if scored not in (NOT_SCORED, DESCRIPTION_ONLY, CONTRACT_INFORMATION):
        return (
            f"{noted.item} est une réponse notée (« {scored} ») : son absence n'est pas une "
            "irrégularité, elle se traite dans la note de ce sous-critère (« "
            f"{written_answer_rule()} »). {fix}"
        )
    return (
        f"{noted.item} n'est pas un renseignement du marché : seule une contradiction avec "
        f"l'exigence rend l'offre irrégulière, son silence ne la rend pas. {fix}"
    )


# The codes of the analyst's reasons, among the grid check's anomaly codes: a requirement the
# offer contradicts, a contract information missing or incomplete.
_CONTRADICTED = "memoire_contraire"
_INCOMPLETE = "renseignement_incomplet"


def _regularity(offer: OfferFile, noted: dict[str, tuple[Irregularity, ...]]) -> Regularity:
    """The grid's reasons and the analyst's, in one gate."""
    checked = offer_regularity(offer.report)
    return Regularity((*checked.reasons, *noted.get(str(offer.path), ())))


def _retained(
    rule: PseRule,
    offers: Sequence[OfferFile],
    base_ids: Sequence[str],
    noted: dict[str, tuple[Irregularity, ...]],
) -> tuple[str, ...]:
    """The retained PSE, from the regular offers (each proposes every PSE, or it is irregular)."""
    candidates = []
    for offer in offers:
        if not _regularity(offer, noted).regular:
            continue
        proposed = {
            item_id: offer.amount([item_id])
            for item_id in rule.ids
            if offer.report.answers.get(item_id) == "Conforme"
        }
        candidates.append((offer.amount(base_ids), proposed))
    return retained_options(rule, candidates)


def _score_regular(
    offer: OfferFile,
    price: Decimal,
    criteria: AwardCriteria,
    marks: dict[tuple[str, str], Mark],
    missing: list[str],
) -> RankedOffer:
    leaves = criteria.leaves()
    technical: list[LeafScore] = []
    for leaf in leaves:
        if not leaf.judged:
            continue
        score = _analyst_score(leaf, marks.get((str(offer.path), leaf.key)), criteria)
        if score.missing:
            missing.append(f"{offer.name} — {leaf.name}")
        technical.append(score)
    return RankedOffer(offer, price, technical, {}, criteria.price_formula, tuple(leaves))


def _score_prices(ranked: list[RankedOffer], criteria: AwardCriteria) -> None:
    price_leaf = criteria.price_leaf
    prices = [entry.price for entry in ranked]
    for formula in PriceFormula:
        exact = price_scores(formula, prices, Decimal(price_leaf.weight))
        for entry, value in zip(ranked, exact, strict=True):
            points = round_cent(value)
            entry.price_scores[formula] = LeafScore(
                price_leaf,
                points,
                _price_text(formula, entry.price, prices, price_leaf.weight, points),
            )
        ranks = rank_offers([_rank_key(entry, formula) for entry in ranked])
        for entry, rank in zip(ranked, ranks, strict=True):
            entry.ranks[formula] = rank


def score_offers(
    selection: Selection,
    offers: Sequence[OfferFile],
    notes: AnalystNotes | None,
    rules: SubsidyRules | None = None,
) -> Comparison:
    """Gate, mark, price, rank; see the module docstring.

    Raises:
        ValidationFailed: a mark of the notes is off the scale, unreasoned or names an unknown
            offer or sub-criterion.
    """
    from webpass.compare.award import award_warnings

    criteria = criteria_of(selection)
    rule = pse_rule(selection)
    base_ids = [s.item.id for s in selection.items if s.item.id not in rule.ids]
    noted = resolve_irregularities(notes, offers, selection)
    information_ids = tuple(contract_information_ids(selection))
    checks = resolve_checks(notes, offers, information_ids)
    readings = resolve_readings(selection, offers, checks)
    noted = _with_readings(noted, readings, selection)
    retained = _retained(rule, offers, base_ids, noted)
    marks = resolve_marks(notes, offers, criteria)
    eliminated = [
        EliminatedOffer(offer, regularity)
        for offer in offers
        if not (regularity := _regularity(offer, noted)).regular
    ]
    out = {id(e.offer) for e in eliminated}
    scored = _Scorer(selection, criteria, marks, checks, readings, rule, retained, base_ids)
    ranked = scored([offer for offer in offers if id(offer) not in out])
    ranked.sort(key=lambda o: (o.rank, o.price, o.name))
    # The irregular offers' missing marks leave only their own ranking provisional (the RAO
    # says so under their table), never the regular ranking nor the award proposed on it.
    following = replace(scored, missing=[])
    completion = _completion(selection, len(ranked), eliminated, following)
    comparison = Comparison(
        selection=selection,
        criteria=criteria,
        deadline=offers_deadline(selection.answers),
        offers=list(offers),
        ranked=ranked,
        eliminated=eliminated,
        ties=_ties(ranked, criteria.price_formula),
        formula_effect=_formula_effect(ranked, criteria.price_formula, _rules_piece(selection)),
        missing_marks=scored.missing,
        warnings=award_warnings(selection),
        pse=rule,
        retained=retained,
        information_ids=information_ids,
        completion=completion,
    )
    comparison.award_blockers = _award_blockers(comparison)
    _attach_subsidies(comparison, [*base_ids, *retained], rules)
    return comparison


@dataclass
class _Scorer:
    """Scores and ranks a group of offers among themselves: the regular offers, or the
    irregular ones the RC ranks after them (webpass.compare.completion). ``missing`` gathers
    the analyst's marks not given, across every group scored."""

    selection: Selection
    criteria: AwardCriteria
    marks: dict[tuple[str, str], Mark]
    checks: dict[str, NotedCheck]
    readings: dict[str, OfferReading]
    rule: PseRule
    retained: tuple[str, ...]
    base_ids: list[str]
    missing: list[str] = field(default_factory=list)

    def __call__(self, group: Sequence[OfferFile]) -> list[RankedOffer]:
        entries = [self._entry(offer) for offer in group]
        _score_prices(entries, self.criteria)
        _annotate(entries, self.selection, self.rule, self.retained)
        return entries

    def _entry(self, offer: OfferFile) -> RankedOffer:
        """An offer's analyst marks, judged price and recorded checks, before its price is
        scored."""
        check = self.checks.get(str(offer.path))
        priced = [*self.base_ids, *self.retained]
        price = _judged_price(offer, check, priced, self.rule)
        entry = _score_regular(offer, price, self.criteria, self.marks, self.missing)
        if check is not None:
            entry.information_checked = check.information_checked
            entry.information_findings = check.findings
            entry.signed_total = check.signed_total
        entry.reading = self.readings[str(offer.path)]
        return entry


def _completion(
    selection: Selection,
    regular: int,
    eliminated: Sequence[EliminatedOffer],
    scored: Callable[[Sequence[OfferFile]], list[RankedOffer]],
) -> Completion | None:
    """The irregular offers the RC ranks after the regular ones, if it calls for it."""
    from webpass.compare.completion import rank_following
    from webpass.documents.negotiation import negotiation_rule
    from webpass.documents.procedure_kind import procedure_kind

    rule = negotiation_rule(procedure_kind(selection))
    limit = rule.limit if rule.allowed else None
    return rank_following(
        limit, regular, eliminated, lambda group: scored([e.offer for e in group])
    )


def _judged_price(
    offer: OfferFile, check: NotedCheck | None, priced_ids: Sequence[str], rule: PseRule
) -> Decimal:
    """The price an offer is judged on: its grid's lines, or without PSE the signed total."""
    if check is not None and check.signed_total is not None and not rule.options:
        # The signed piece's prices prevail over the grid's (CCAP article 2): without PSE,
        # its total is the price judged.
        return check.signed_total
    return offer.amount(priced_ids)


def _annotate(
    ranked: list[RankedOffer], selection: Selection, rule: PseRule, retained: Sequence[str]
) -> None:
    """Each ranked offer's remarks, gap to its signed total and abnormally-low flag."""
    left_out = [item_id for item_id in rule.ids if item_id not in retained]
    for entry in ranked:
        entry.remarks = _remarks(entry.offer, selection, entry.price, left_out)
        entry.price_gap = _signed_total_gap(entry, selection, bool(rule.options))
        if entry.price_gap:
            entry.remarks.append(entry.price_gap)
        entry.possibly_abnormally_low = entry.price < selection.estimate.total.low


def _with_readings(
    noted: dict[str, tuple[Irregularity, ...]],
    readings: dict[str, OfferReading],
    selection: Selection,
) -> dict[str, tuple[Irregularity, ...]]:
    """The analyst's irregularities by offer path, with the offers he found irregular on the
    G12 dates webpass read."""
    merged = dict(noted)
    for path, reasons in reading_irregularities(readings, selection).items():
        merged[path] = (*merged.get(path, ()), *reasons)
    return merged


def resolve_checks(
    notes: AnalystNotes | None, offers: Sequence[OfferFile], information_ids: Sequence[str] = ()
) -> dict[str, NotedCheck]:
    """The analyst's « verifications » by offer path; an unknown offer is an error, and so is a
    constat on a requirement that is no contract information of the dossier (a typo would
    leave the real one without its constat).

    Raises:
        ValidationFailed: every problem, each at its line of the notes file.
    """
    if notes is None:
        return {}
    by_name = _aliases(offers)
    problems: list[Problem] = []
    found: dict[str, NotedCheck] = {}
    for check in notes.checks:
        offer = by_name.get(fold(check.offer))
        if offer is None:
            problems.append(check.problem(f"offre « {check.offer} » inconnue."))
        else:
            found[str(offer.path)] = check
        for finding in check.findings:
            if finding.item not in information_ids:
                problems.append(_stray_finding(check, finding, information_ids))
    if problems:
        raise ValidationFailed(problems, summary=f"{notes.source} : notes à corriger")
    return found


def _stray_finding(check: NotedCheck, finding: Finding, information_ids: Sequence[str]) -> Problem:
    asked = (
        f"les renseignements du marché de ce dossier sont ceux que demandent "
        f"{information_words(information_ids)}"
        if information_ids
        else "ce dossier ne demande aucun renseignement du marché"
    )
    return Problem(
        check.file,
        finding.line,
        None,
        f"constat sur {finding.item}, qui n'est pas un renseignement du marché : {asked}. "
        "Corrigez l'identifiant de l'exigence.",
        where=f"verifications.{check.offer}.constat",
    )


def price_piece(selection: Selection) -> str:
    """The signed price piece whose prices prevail over the grid's (CCAP article 2), with its
    « de »: « du formulaire de devis signé », « de la DPGF-BPU de l'acte d'engagement »."""
    from webpass.documents.procedure_kind import ProcedureKind, procedure_kind

    if procedure_kind(selection) is ProcedureKind.QUOTES:
        return "du formulaire de devis signé"
    return "de la DPGF-BPU de l'acte d'engagement"


def _signed_total_gap(entry: RankedOffer, selection: Selection, options: bool) -> str:
    """A gap between the signed price piece and the grid, which the analyst reads (M4)."""
    signed = entry.signed_total
    grid = entry.offer.report.totals.get("total") or Decimal(0)
    if signed is None or signed == grid:
        return ""
    piece = price_piece(selection)
    if options:
        return (
            f"Le total {piece} ({format_eur(signed)}) diffère du total recalculé du cadre de "
            f"réponse ({format_eur(grid)}) : les prix {piece} prévalent ; faire rectifier les "
            "lignes du cadre et refaire la comparaison avant l'attribution, le prix comparé "
            "retenant les PSE ligne par ligne."
        )
    return (
        f"Le total {piece} ({format_eur(signed)}) diffère du total recalculé du cadre de "
        f"réponse ({format_eur(grid)}) : les prix {piece} prévalent, et c'est son total qui "
        "est noté ; la ventilation des aides et des acomptes, tirée des lignes du cadre, est à "
        "rapprocher de cette pièce."
    )


def _award_blockers(comparison: Comparison) -> list[str]:
    """Why no award may be proposed yet: contract information not recorded as checked on a
    ranked offer (an irregular one would change the ranking and the lowest price), an end of
    support its G12 answer writes before the limit with no decision of the analyst (same
    reason: 00:20 reading, N1), or a signed total that the compared price, drawn from the
    grid's lines, cannot follow."""
    blockers = []
    ids = comparison.information_ids
    if ids:
        unchecked = [o.name for o in comparison.ranked if not o.information_checked]
        if unchecked:
            blockers.append(
                "l'analyste n'a pas consigné, pour "
                + french_list(unchecked)
                + ", qu'il a vérifié les renseignements que demandent "
                + information_words(list(ids))
                + " au regard du texte de chaque exigence (fichier des notes, rubrique "
                "« verifications », « renseignements_verifies: true ») : un renseignement "
                "manquant ou incomplet rend l'offre irrégulière"
            )
        unwritten = [
            f"{information_words(missing)} {of_name(o.name)}"
            for o in comparison.ranked
            if o.information_checked and (missing := o.without_finding(ids))
        ]
        if unwritten:
            blockers.append(
                "l'analyste n'a écrit aucun constat pour "
                + french_list(unwritten)
                + " (fichier des notes, rubrique « verifications », « constat », une entrée "
                "par exigence) : le rapport ne dit complets que les renseignements dont il a "
                "écrit ce qu'il a vu"
            )
    early = reading_blocker([o.reading for o in comparison.ranked if o.reading is not None])
    if early:
        blockers.append(early)
    if comparison.pse.options:
        gaps = [
            o.name
            for o in comparison.ranked
            if o.signed_total is not None
            and o.signed_total != (o.offer.report.totals.get("total") or Decimal(0))
        ]
        if gaps:
            blockers.append(
                f"le total {price_piece(comparison.selection)} diffère du cadre de réponse "
                f"pour {french_list(gaps)} : la comparaison est à refaire sur des lignes rectifiées"
            )
    return blockers


def _attach_subsidies(
    comparison: Comparison, ids: Sequence[str], rules: SubsidyRules | None
) -> None:
    """The subsidy simulation of each regular offer on the rows compared (base + retained PSE)."""
    from webpass.aid.attach import offer_financing, offer_lines, subsidy_for_lines
    from webpass.aid.rules import load_subsidy_rules

    selection = comparison.selection
    rules = rules or load_subsidy_rules(selection.catalog.root)
    kept = set(ids)
    lines_of: dict[int, list[ExpenseLine]] = {}
    for entry in comparison.ranked:
        lines = [line for line in offer_lines(selection, entry.offer.grid) if line.item_id in kept]
        lines_of[id(entry)] = lines
        entry.subsidy = subsidy_for_lines(selection, lines, rules)
    winner = comparison.winner
    if winner is not None and winner.subsidy is not None:
        financing = offer_financing(selection, lines_of[id(winner)], winner.subsidy, rules)
        comparison.member_investment = list(financing.shares)
        comparison.financing = financing.report


def _ties(ranked: Sequence[RankedOffer], formula: PriceFormula) -> list[str]:
    texts: list[str] = []
    groups: dict[Decimal, list[RankedOffer]] = {}
    for offer in ranked:
        groups.setdefault(offer.total_under(formula), []).append(offer)
    for total, group in groups.items():
        if len(group) < 2:
            continue
        group = sorted(group, key=lambda o: o.ranks[formula])
        names = ", ".join(o.name for o in group)
        head = f"{names} ont la même note totale ({format_number(total)} points)"
        first, second = group[0], group[1]
        texts.append(f"{head}{_tie_break(first, second, formula)}")
    return texts


def _tie_break(first: RankedOffer, second: RankedOffer, formula: PriceFormula) -> str:
    """How the announced rule separates two offers with the same total, in French."""
    if first.ranks[formula] == second.ranks[formula]:
        return (
            ", le même prix et les mêmes notes sur chaque sous-critère : elles sont ex aequo ; "
            "l'acheteur les départage par tirage au sort, comme la consultation le prévoit."
        )
    if first.price < second.price:
        return (
            f" : {first.name} est classée devant car son prix comparé est plus bas "
            f"({format_eur(first.price)} contre {format_eur(second.price)})."
        )
    for mine, theirs in zip(first.technical, second.technical, strict=True):
        if mine.points != theirs.points:
            return (
                f" et le même prix : {first.name} est classée devant car sa "
                f"note sur « {mine.leaf.name} », premier sous-critère qui les sépare, est plus élevée "
                f"({format_number(mine.points)} contre {format_number(theirs.points)})."
            )
    return "."


def _rules_piece(selection: Selection) -> str:
    """The piece that announced the criteria: the letter of a consultation by quotes, the RC."""
    from webpass.documents.pieces import cited_pieces
    from webpass.documents.procedure_kind import procedure_kind

    return cited_pieces(procedure_kind(selection))["consultation"]


def _formula_effect(ranked: Sequence[RankedOffer], announced: PriceFormula, piece: str) -> str:
    if not ranked:
        return "Aucune offre régulière : la formule de prix est sans objet."
    if len(ranked) == 1:
        return "Une seule offre régulière : elle obtient la note de prix maximale quelle que soit la formule."
    winners = {
        formula: sorted(o.name for o in ranked if o.ranks[formula] == 1) for formula in PriceFormula
    }
    orders = {
        formula: [o.name for o in sorted(ranked, key=lambda o: (o.ranks[formula], o.name))]
        for formula in PriceFormula
    }
    if len({tuple(names) for names in winners.values()}) == 1:
        same_order = len({tuple(order) for order in orders.values()}) == 1
        return (
            f"Quelle que soit la formule de prix, {' et '.join(winners[announced])} arrive en tête : la formule "
            "ne décide pas du lauréat"
            + (
                " et le classement complet est identique."
                if same_order
                else ", seul l'ordre des suivants change."
            )
        )
    by_winner: dict[tuple[str, ...], list[PriceFormula]] = {}
    for formula, names in winners.items():
        by_winner.setdefault(tuple(names), []).append(formula)
    parts = [
        f"{' et '.join(names)} avec la " + " et la ".join(FORMULA_LABELS[f] for f in formulas)
        for names, formulas in by_winner.items()
    ]
    return (
        "La formule de prix décide du lauréat. Arrive en tête : "
        + " ; ".join(parts)
        + ". Seule la formule annoncée dans "
        f"{piece} ({FORMULA_LABELS[announced]}) s'applique ; les autres ne sont "
        "montrées que pour mesurer son effet."
    )
