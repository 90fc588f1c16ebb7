"""Comparing the offers of a consultation: eliminate, score, rank, break ties, test the formula.

1. Every offer is checked against the dossier's grid (:func:`webpass.grid.check.check_offer`);
   an irregular one (a blocking anomaly: a mandatory requirement not met, a price missing…) is
   eliminated with the reasons the check gives, and is not scored (CCP R2152-1).
2. Each remaining offer gets, for each leaf of the award criteria (:mod:`webpass.compare.award`):
   - ``technique_conformite``: Σ weight × value ÷ Σ weight × points, where value is 1 for
     « Conforme », 0.5 for « Partiellement conforme », 0 otherwise and weight is the catalogue
     item's ``poids``;
   - ``note_analyste`` / ``environnement``: the analyst's mark ÷ its scale × points;
   - ``prix``: the formula of the criteria on the offer's total (DPGF + DQE, as the check
     recomputed it), among the remaining offers.
   Each leaf's points are rounded half-up to the hundredth and the total is their sum, so the
   table of the report adds up.
3. Offers are ranked by total; a tie goes to the lower price, then to the better technical
   score (the points of every leaf but the price); a tie on all three is an « ex aequo ».
4. The ranking is also computed under each of the three price formulas, so the analyst sees
   whether the formula, rather than the offers, decides the winner.
5. The Webpass subsidy and the collectivity's remaining cost come from the subsidy module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from webpass.aid.compute import SubsidyResult
from webpass.aid.financing import FinancingReport
from webpass.aid.rules import SubsidyRules
from webpass.compare.award import AwardCriteria, CriterionNature, Leaf, criteria_of, offers_deadline
from webpass.compare.notes import AnalystNotes, Mark
from webpass.compare.price_scoring import FORMULA_LABELS, PriceFormula, price_scores
from webpass.core.errors import Problem, ValidationFailed
from webpass.core.matching import fold
from webpass.core.money import format_eur, format_number, round_cent
from webpass.grid.check import ConformanceReport, Severity, check_offer
from webpass.grid.labels import LabelRegistry
from webpass.grid.model import Grid
from webpass.grid.read import FilledGrid, read_filled_grid
from webpass.selection.engine import Selection

__all__ = [
    "CONFORMITY_VALUES",
    "Comparison",
    "EliminatedOffer",
    "LeafScore",
    "OfferFile",
    "RankedOffer",
    "compare_offers",
    "conformity_points",
    "elimination_reasons",
    "rank_offers",
    "read_offers",
]

CONFORMITY_VALUES = {"Conforme": Decimal(1), "Partiellement conforme": Decimal("0.5")}
_LISTED = 6  # items named in a justification before « … »


@dataclass(frozen=True)
class OfferFile:
    """An offer as read and checked."""

    path: Path
    grid: FilledGrid
    report: ConformanceReport
    name: str


@dataclass(frozen=True)
class LeafScore:
    """The points of one offer on one leaf, and why."""

    leaf: Leaf
    points: Decimal
    justification: str
    missing: bool = False

    def as_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "critere": self.leaf.label,
            "nature": self.leaf.nature.value,
            "points": f"{self.points:.2f}",
            "sur": self.leaf.weight,
            "justification": self.justification,
            "note_manquante": self.missing,
        }


@dataclass
class RankedOffer:
    """A regular offer with its scores under every formula."""

    offer: OfferFile
    price: Decimal
    technical: list[LeafScore]
    price_scores: dict[PriceFormula, LeafScore]
    formula: PriceFormula
    leaves: tuple[Leaf, ...] = ()
    ranks: dict[PriceFormula, int] = field(default_factory=dict)
    remarks: list[str] = field(default_factory=list)
    subsidy: SubsidyResult | None = None

    @property
    def name(self) -> str:
        """The bidder's name."""
        return self.offer.name

    @property
    def technical_total(self) -> Decimal:
        """The points of every leaf but the price."""
        return sum((score.points for score in self.technical), Decimal(0))

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
            "siret": report.candidate.get("SIRET", ""),
            "solution": report.candidate.get("Solution", ""),
            "label": report.label,
            "prix_total": f"{self.price:.2f}",
            "totaux": {
                k: (f"{v:.2f}" if v is not None else None) for k, v in report.totals.items()
            },
            "notes": [score.as_json() for score in self.scores],
            "note_technique": f"{self.technical_total:.2f}",
            "note_prix": f"{self.price_scores[self.formula].points:.2f}",
            "note_totale": f"{self.total:.2f}",
            "remarques": self.remarks,
            "subvention": None
            if subsidy is None
            else {
                "total_depenses": f"{subsidy.total:.2f}",
                "base_eligible": f"{subsidy.base:.2f}",
                "subvention": f"{subsidy.subsidy:.2f}",
                "reste_a_charge": f"{subsidy.remaining:.2f}",
                "eligible": subsidy.eligible,
                "motifs": subsidy.reasons,
            },
        }


@dataclass(frozen=True)
class EliminatedOffer:
    """An irregular offer and the reasons it is eliminated."""

    offer: OfferFile
    reasons: tuple[str, ...]

    @property
    def name(self) -> str:
        """The bidder's name."""
        return self.offer.name

    def as_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "candidat": self.name,
            "fichier": str(self.offer.path),
            "prix_total": f"{self.offer.report.totals.get('total') or 0:.2f}",
            "motifs": list(self.reasons),
        }


@dataclass
class Comparison:
    """The outcome of :func:`compare_offers`."""

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
    financing: FinancingReport | None = None

    @property
    def formula(self) -> PriceFormula:
        """The announced price formula."""
        return self.criteria.price_formula

    @property
    def provisional(self) -> bool:
        """Some analyst's marks are missing: the ranking is not final."""
        return bool(self.missing_marks)

    @property
    def winner(self) -> RankedOffer | None:
        """The first offer, unless several share the first rank."""
        first = [offer for offer in self.ranked if offer.rank == 1]
        return first[0] if len(first) == 1 else None

    def ranking_under(self, formula: PriceFormula) -> list[RankedOffer]:
        """The offers in their order under ``formula``."""
        return sorted(self.ranked, key=lambda o: (o.ranks[formula], o.price, o.name))

    def as_json(self) -> dict[str, Any]:
        """The same data as the RAO, for machines."""
        answers = self.selection.answers
        winner = self.winner
        return {
            "dossier": {
                "reference": answers.project.reference,
                "collectivite": answers.collectivity.name,
                "procedure": self.selection.procedure.name,
                "date_limite_offres": self.deadline.isoformat(),
            },
            "criteres": [
                {
                    "critere": leaf.label,
                    "nature": leaf.nature.value,
                    "poids": leaf.weight,
                }
                for leaf in self.criteria.leaves()
            ],
            "formule_prix": self.formula.value,
            "offres_recues": len(self.offers),
            "offres_ecartees": [offer.as_json() for offer in self.eliminated],
            "classement": [offer.as_json() for offer in self.ranked],
            "formules": {
                formula.value: [
                    {
                        "candidat": offer.name,
                        "rang": offer.ranks[formula],
                        "note_prix": f"{offer.price_scores[formula].points:.2f}",
                        "note_totale": f"{offer.total_under(formula):.2f}",
                    }
                    for offer in self.ranking_under(formula)
                ]
                for formula in PriceFormula
            },
            "effet_formule": self.formula_effect,
            "egalites": self.ties,
            "provisoire": self.provisional,
            "notes_manquantes": self.missing_marks,
            "attributaire_propose": None
            if winner is None
            else {
                "candidat": winner.name,
                "note_totale": f"{winner.total:.2f}",
                "prix_total": f"{winner.price:.2f}",
            },
            "plan_de_financement": None if self.financing is None else self.financing.as_json(),
            "avertissements": self.warnings,
        }


def read_offers(
    paths: Sequence[Path], grid: Grid, labels: LabelRegistry, today: dt.date
) -> list[OfferFile]:
    """Read and check each offer against the dossier's grid; names are made unique."""
    offers: list[tuple[Path, FilledGrid, ConformanceReport]] = []
    for path in paths:
        filled = read_filled_grid(path)
        offers.append((path, filled, check_offer(filled, labels, grid, today=today)))
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


def conformity_points(leaf: Leaf, grid: Grid, answers: dict[str, str]) -> tuple[Decimal, str]:
    """The points of a conformity leaf (rounded) and its justification."""
    rows = [row for row in grid.rows if leaf.covers(row.id)]
    total_weight = sum(row.weight for row in rows)
    earned = Decimal(0)
    partial: list[str] = []
    failed: list[str] = []
    for row in rows:
        value = CONFORMITY_VALUES.get(answers.get(row.id, ""), Decimal(0))
        earned += value * row.weight
        if value == Decimal("0.5"):
            partial.append(row.id)
        elif value == 0:
            failed.append(row.id)
    if total_weight == 0:
        return Decimal(leaf.weight), (
            f"Aucune exigence pondérée dans le périmètre du critère : {leaf.weight} points à chaque offre."
        )
    points = round_cent(Decimal(leaf.weight) * earned / total_weight)
    conforming = len(rows) - len(partial) - len(failed)
    parts = [
        f"{conforming} exigence{'s' if conforming > 1 else ''} conforme{'s' if conforming > 1 else ''} sur {len(rows)}"
    ]
    titles = {row.id: row.title for row in rows}
    if partial:
        parts.append(
            f"partiellement conforme{'s' if len(partial) > 1 else ''} : {_named(partial, titles)}"
        )
    if failed:
        parts.append(
            f"non conforme{'s' if len(failed) > 1 else ''}, sans objet ou sans réponse : {_named(failed, titles)}"
        )
    return points, (
        "; ".join(parts)
        + f". Poids obtenu : {_num(earned)} sur {total_weight}, soit {leaf.weight} × "
        f"{_num(earned)} ÷ {total_weight} = {format_number(points)} points."
    )


def _num(value: Decimal) -> str:
    """« 301 », « 297,5 », « 7,25 »: no useless decimals, at most two."""
    exponent = value.normalize().as_tuple().exponent
    decimals = min(-exponent, 2) if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(value, decimals)


def _named(ids: list[str], titles: dict[str, str]) -> str:
    shown = [f"{item} ({titles[item]})" for item in ids[:_LISTED]]
    more = len(ids) - _LISTED
    return ", ".join(shown) + (f" et {more} autre{'s' if more > 1 else ''}" if more > 0 else "")


_GROUPED = {
    "sans_reponse": "aucune réponse à {n} exigences obligatoires : {ids}",
    "prix_manquant": "prix manquant sur {n} lignes : {ids}",
    "manquante": "{n} exigences obligatoires absentes de la grille : {ids}",
    "texte_modifie": "texte modifié ou d'une autre version pour {n} exigences : {ids}",
}


def elimination_reasons(report: ConformanceReport) -> tuple[str, ...]:
    """The blocking anomalies of an offer, those of one kind grouped when there are many."""
    blocking = [a for a in report.anomalies if a.severity is Severity.BLOCKING]
    by_code: dict[str, list[str]] = {}
    for anomaly in blocking:
        by_code.setdefault(anomaly.code, []).append(anomaly.item or "")
    reasons: list[str] = []
    done: set[str] = set()
    for anomaly in blocking:
        items = by_code[anomaly.code]
        if anomaly.code in _GROUPED and len(items) > 3:
            if anomaly.code not in done:
                ids = ", ".join(items[:12]) + (
                    f" et {len(items) - 12} autres" if len(items) > 12 else ""
                )
                reasons.append(_GROUPED[anomaly.code].format(n=len(items), ids=ids) + ".")
                done.add(anomaly.code)
            continue
        reasons.append(anomaly.message)
    return tuple(_sentence(reason) for reason in reasons)


def rank_offers(entries: Sequence[tuple[Decimal, Decimal, Decimal]]) -> list[int]:
    """Ranks (1 = best) of offers given as (total, price, technical): ties on all three share a rank."""
    order = sorted(
        range(len(entries)), key=lambda i: (-entries[i][0], entries[i][1], -entries[i][2])
    )
    ranks = [0] * len(entries)
    for position, index in enumerate(order):
        if position and entries[order[position - 1]] == entries[index]:
            ranks[index] = ranks[order[position - 1]]
        else:
            ranks[index] = position + 1
    return ranks


def _resolve_marks(
    notes: AnalystNotes | None, offers: Sequence[OfferFile], leaves: Sequence[Leaf]
) -> dict[tuple[str, str], Mark]:
    """Each mark by (offer path, leaf key); unknown offers or criteria are errors.

    Offers are every offer received: a mark given to an offer later found irregular is ignored.
    """
    if notes is None:
        return {}
    judged = {
        leaf.key: leaf
        for leaf in leaves
        if leaf.nature in (CriterionNature.ANALYST, CriterionNature.ENVIRONMENT)
    }
    computed = {leaf.key: leaf for leaf in leaves if leaf.key not in judged}
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
    problems: list[Problem] = []
    found: dict[tuple[str, str], Mark] = {}
    for mark in notes.marks:
        named = by_name.get(fold(mark.offer))
        if named is None:
            problems.append(
                mark.problem(
                    f"offre « {mark.offer} » inconnue ; offres comparées : "
                    + ", ".join(f"« {o.name} »" for o in offers)
                    + "."
                )
            )
            continue
        key = fold(mark.criterion)
        if key in computed:
            problems.append(
                mark.problem(
                    f"« {mark.criterion} » est calculé par webpass (nature {computed[key].nature.value}) : "
                    "retirez cette note."
                )
            )
            continue
        if key not in judged:
            problems.append(
                mark.problem(
                    f"critère « {mark.criterion} » inconnu ; critères notés par l'analyste : "
                    + (", ".join(f"« {leaf.name} »" for leaf in judged.values()) or "aucun")
                    + "."
                )
            )
            continue
        slot = (str(named.path), key)
        if slot in found:
            problems.append(
                mark.problem(f"deuxième note de « {named.name} » pour « {mark.criterion} ».")
            )
            continue
        found[slot] = mark
    if problems:
        raise ValidationFailed(problems, summary=f"{notes.source} : notes à corriger")
    return found


def _analyst_score(leaf: Leaf, mark: Mark | None) -> LeafScore:
    if mark is None:
        return LeafScore(
            leaf,
            Decimal(0),
            "Note de l'analyste non saisie : 0 point en attendant (classement provisoire).",
            missing=True,
        )
    points = round_cent(Decimal(leaf.weight) * mark.value / mark.scale)
    text = (
        f"Note de l'analyste : {_num(mark.value)} sur {_num(mark.scale)}, soit "
        f"{format_number(points)} points sur {leaf.weight}."
    )
    if mark.comment:
        text = f"{mark.comment.rstrip('.')}. {text}"
    return LeafScore(leaf, points, text)


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
        f"Montant total : {format_eur(price)} ({rank_text}). {FORMULA_LABELS[formula].capitalize()} : "
        f"{working} = {format_number(points)} points sur {nmax}."
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _remarks(offer: OfferFile, selection: Selection, price: Decimal) -> list[str]:
    remarks = [a.message for a in offer.report.anomalies if a.severity is Severity.TO_FIX]
    label = offer.report.label
    if label is None:
        remarks.append("Solution sans label Webpass déclaré (ou label inconnu du registre).")
    elif not label.get("valide"):
        remarks += [
            a.message
            for a in offer.report.anomalies
            if a.severity is Severity.INFO and a.code.startswith("label_")
        ]
    estimate = selection.estimate.total
    if price < estimate.low:
        remarks.append(
            f"Montant inférieur à l'estimation basse du marché ({format_eur(estimate.low)}) : vérifier que "
            "l'offre n'est pas anormalement basse et, au besoin, demander des précisions (articles L2152-5 "
            "et L2152-6 du Code de la commande publique)."
        )
    budget = selection.answers.project.budget
    if budget is not None and price > budget:
        remarks.append(
            f"Montant supérieur au budget envisagé dans le dossier ({format_eur(budget)}) : si ce budget "
            "correspond aux crédits alloués au marché, l'offre est inacceptable (article L2152-3)."
        )
    return [_sentence(remark) for remark in remarks]


def compare_offers(
    selection: Selection,
    grid: Grid,
    offers: Sequence[OfferFile],
    notes: AnalystNotes | None,
    rules: SubsidyRules | None = None,
) -> Comparison:
    """Eliminate, score, rank; see the module docstring.

    Raises:
        ValidationFailed: the notes name an unknown offer or criterion.
    """
    from webpass.aid.attach import dossier_financing, offer_lines, subsidy_for_lines
    from webpass.aid.rules import load_subsidy_rules
    from webpass.compare.award import award_warnings

    answers = selection.answers
    criteria = criteria_of(answers)
    leaves = criteria.leaves()
    price_leaf = criteria.price_leaf
    regular = [offer for offer in offers if not offer.report.irregular]
    eliminated = [
        EliminatedOffer(offer, elimination_reasons(offer.report))
        for offer in offers
        if offer.report.irregular
    ]
    marks = _resolve_marks(notes, offers, leaves)
    prices = [offer.report.totals.get("total") or Decimal(0) for offer in regular]
    ranked: list[RankedOffer] = []
    missing: list[str] = []
    for index, offer in enumerate(regular):
        technical: list[LeafScore] = []
        for leaf in leaves:
            if leaf.nature is CriterionNature.PRICE:
                continue
            if leaf.nature is CriterionNature.CONFORMITY:
                points, text = conformity_points(leaf, grid, offer.report.answers)
                technical.append(LeafScore(leaf, points, text))
            else:
                score = _analyst_score(leaf, marks.get((str(offer.path), leaf.key)))
                if score.missing:
                    missing.append(f"{offer.name} — {leaf.name}")
                technical.append(score)
        ranked.append(
            RankedOffer(offer, prices[index], technical, {}, criteria.price_formula, tuple(leaves))
        )
    for formula in PriceFormula:
        exact = price_scores(formula, prices, Decimal(price_leaf.weight))
        for entry, value in zip(ranked, exact, strict=True):
            points = round_cent(value)
            entry.price_scores[formula] = LeafScore(
                price_leaf,
                points,
                _price_text(formula, entry.price, prices, price_leaf.weight, points),
            )
        ranks = rank_offers(
            [(entry.total_under(formula), entry.price, entry.technical_total) for entry in ranked]
        )
        for entry, rank in zip(ranked, ranks, strict=True):
            entry.ranks[formula] = rank
    rules = rules or load_subsidy_rules(selection.catalog.root)
    for entry in ranked:
        entry.remarks = _remarks(entry.offer, selection, entry.price)
        entry.subsidy = subsidy_for_lines(
            selection, offer_lines(selection, entry.offer.grid), rules
        )
    ranked.sort(key=lambda o: (o.rank, o.price, o.name))
    comparison = Comparison(
        selection=selection,
        criteria=criteria,
        deadline=offers_deadline(answers),
        offers=list(offers),
        ranked=ranked,
        eliminated=eliminated,
        ties=_ties(ranked, criteria.price_formula),
        formula_effect=_formula_effect(ranked, criteria.price_formula),
        missing_marks=missing,
        warnings=award_warnings(answers),
    )
    winner = comparison.winner
    if winner is not None and winner.subsidy is not None:
        comparison.financing = dossier_financing(selection, winner.subsidy, rules)
    return comparison


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
        if first.ranks[formula] == second.ranks[formula]:
            texts.append(
                f"{head}, le même prix et la même note technique : elles sont ex aequo ; "
                "l'acheteur les départage (par exemple après négociation, si elle est prévue)."
            )
        elif first.price < second.price:
            texts.append(
                f"{head} : {first.name} est classée devant car son prix est plus bas "
                f"({format_eur(first.price)} contre {format_eur(second.price)})."
            )
        else:
            texts.append(
                f"{head} et le même prix : {first.name} est classée devant car sa note technique est plus "
                f"élevée ({format_number(first.technical_total)} contre {format_number(second.technical_total)})."
            )
    return texts


def _formula_effect(ranked: Sequence[RankedOffer], announced: PriceFormula) -> str:
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
        f"le règlement de la consultation ({FORMULA_LABELS[announced]}) s'applique ; les autres ne sont "
        "montrées que pour mesurer son effet."
    )
