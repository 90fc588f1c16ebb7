"""Checking a bidder's filled grid: completeness, conformity, prices and the supplier's label.

Works with the dossier (the reference grid is rebuilt from it, so a grid answered against an
older wording is caught) or from the filled grid alone, against the reference grid it carries
under a seal (:mod:`webpass.grid.carried`): an SSLL can check its own offer before submitting
it and finds what the buyer will find. Each row's fingerprint is also recomputed from the texts
it carries, so an edited requirement is caught either way.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from webpass.core.frozen_record import frozen_record
from webpass.core.matching import fold
from webpass.core.money import AmountError, format_eur, parse_amount, parse_number, round_cent
from webpass.documents.cctp import wording_fingerprint
from webpass.documents.question import NOT_SCORED, is_contract_information
from webpass.grid.labels import LabelRegistry, is_valid_siret
from webpass.grid.model import (
    CONFORMITY_VALUES,
    LABEL_FIELD,
    OFFER_DATE,
    Grid,
    GridRow,
    PricePieces,
    is_information_label,
    is_mandatory_label,
    is_option_label,
)
from webpass.grid.read import FilledGrid, FilledRow

__all__ = ["Anomaly", "ConformanceReport", "Severity", "check_offer", "parse_conformity"]


class Severity(StrEnum):
    """How much an anomaly weighs."""

    BLOCKING = "bloquant"  # the offer is irregular
    TO_FIX = "a_corriger"  # the offer is not conforming but could be regularised
    INFO = "information"  # worth knowing, changes nothing to conformity


@frozen_record
class Anomaly:
    """One problem of an offer; ``item`` is None for the candidate or the totals."""

    item: str | None
    code: str
    message: str
    severity: Severity
    where: str = ""

    def as_json(self) -> dict[str, Any]:
        """The JSON form printed by ``webpass verifier --json``."""
        return {
            "item": self.item,
            "type": self.code,
            "message": self.message,
            "gravite": self.severity.value,
            "ou": self.where,
        }


@dataclass
class ConformanceReport:
    """The outcome of :func:`check_offer`."""

    source: str
    candidate: dict[str, str]
    anomalies: list[Anomaly]
    totals: dict[str, Decimal | None]
    answers: dict[str, str] = field(default_factory=dict)
    label: dict[str, Any] | None = None
    # Each priced row's amount (DPGF price, or BPU unit price × estimated quantity): the
    # comparison prices the base solution and the retained PSE from it.
    amounts: dict[str, Decimal] = field(default_factory=dict)
    reference: str = ""
    # A quote asked of a provider (the dossier prices by a quote form), and whether the dossier
    # has PSE at all: the report names the offer and its totals as the consultation does.
    quote: bool = False
    options: bool = True

    @property
    def irregular(self) -> bool:
        """A blocking anomaly makes the offer irregular (CCP: it must be eliminated)."""
        return any(a.severity is Severity.BLOCKING for a in self.anomalies)

    @property
    def conforming(self) -> bool:
        """Nothing to fix and nothing blocking."""
        return not any(a.severity in (Severity.BLOCKING, Severity.TO_FIX) for a in self.anomalies)

    @property
    def name(self) -> str:
        """The bidder's name, or the file name."""
        return self.candidate.get("Raison sociale") or self.source

    def as_json(self) -> dict[str, Any]:
        """The JSON document of ``webpass verifier --json``."""
        return {
            "fichier": self.source,
            "dossier": self.reference,
            "conforme": self.conforming,
            "offre_irreguliere": self.irregular,
            "anomalies": [a.as_json() for a in self.anomalies],
            "candidat": self.candidate,
            "label": self.label,
            "totaux": {k: (f"{v:.2f}" if v is not None else None) for k, v in self.totals.items()},
            "reponses": self.answers,
        }


_CONFORMITY_ALIASES = {
    "conforme": "Conforme",
    "oui": "Conforme",
    "c": "Conforme",
    "partiellement conforme": "Partiellement conforme",
    "partiellement": "Partiellement conforme",
    "partiel": "Partiellement conforme",
    "partielle": "Partiellement conforme",
    "pc": "Partiellement conforme",
    "non conforme": "Non conforme",
    "non": "Non conforme",
    "nc": "Non conforme",
    "sans objet": "Sans objet",
    "so": "Sans objet",
    "n a": "Sans objet",
    "na": "Sans objet",
}


def parse_conformity(raw: str) -> str | None:
    """The conformity value a bidder meant: « conforme », « PARTIEL », « non-conforme », « N/A »…"""
    folded = fold(raw)
    if not folded:
        return None
    return _CONFORMITY_ALIASES.get(folded)


def _check_written(
    row: FilledRow, ref: GridRow | None, conformity: str | None, anomalies: list[Anomaly]
) -> None:
    """A written answer left empty under a declared conformity. The information the contract
    needs (the pre-existing knowledge, the sub-processors, the tool) binds the contractor: the
    offer without it does not give what the dossier asks, and supplying it after the deadline
    would change the offer, so it is irregular. A scored answer left empty only costs its
    sub-criterion. Without the dossier, the grid does not say which one it is."""
    if conformity is None or ref is None or ref.answer_kind != "texte":
        return  # no answer at all is reported as such
    if row.justification.strip():
        return
    where = row.where
    if is_contract_information(ref.scored):
        anomalies.append(
            Anomaly(
                row.id,
                "renseignement_manquant",
                f"{row.id} ({row.title}) : le renseignement que le marché demande manque "
                "(colonne Justification) ; l'offre ne donne pas ce que le dossier exige.",
                Severity.BLOCKING,
                where,
            )
        )
    elif ref.scored and not ref.scored.startswith(("Non noté", NOT_SCORED)):
        anomalies.append(
            Anomaly(
                row.id,
                "reponse_notee_absente",
                f"{row.id} ({row.title}) : avertissement : le sous-critère « {ref.scored} » est "
                "noté sans cette réponse rédigée.",
                Severity.INFO,
                where,
            )
        )
    elif not ref.scored:
        anomalies.append(
            Anomaly(
                row.id,
                "reponse_redigee_absente",
                f"{row.id} ({row.title}) : la réponse rédigée demandée manque (colonne "
                "Justification) ; si c'est un renseignement du marché, l'offre est irrégulière.",
                Severity.TO_FIX,
                where,
            )
        )


def check_offer(
    offer: FilledGrid,
    labels: LabelRegistry,
    reference: Grid | None = None,
    today: dt.date | None = None,
) -> ConformanceReport:
    """Check a filled grid against the reference grid and the label registry.

    Without ``reference``, the grid is checked against the reference it carries (see
    :mod:`webpass.grid.carried`), so the bidder's self-check finds what the buyer's check finds;
    a grid that carries none is checked against itself and says the check is incomplete.
    """
    anomalies: list[Anomaly] = []
    if reference is None:
        reference = offer.carried
        if reference is None:
            anomalies.append(_no_carried_reference())
    expected = {row.id: row for row in reference.rows} if reference else None
    seen: set[str] = set()
    answers: dict[str, str] = {}
    amounts: dict[str, Decimal] = {}
    dpgf_total = Decimal(0)
    dqe_total = Decimal(0)
    pse_total = Decimal(0)

    for row in offer.rows:
        where = row.where
        if not row.id:
            continue
        if row.id in seen:
            anomalies.append(
                Anomaly(
                    row.id,
                    "doublon",
                    f"{row.id} figure deux fois ({where}).",
                    Severity.TO_FIX,
                    where,
                )
            )
            continue
        seen.add(row.id)
        ref = expected.get(row.id) if expected is not None else None
        if expected is not None and ref is None:
            anomalies.append(
                Anomaly(
                    row.id,
                    "inconnue",
                    f"{row.id} ne fait pas partie des exigences du dossier ({where}).",
                    Severity.TO_FIX,
                    where,
                )
            )
            continue
        # A PSE is priced and proposed by every bidder (webpass.compare.pse): its answer is exigé.
        option = ref.pse if ref else is_option_label(row.strength)
        mandatory = (ref.mandatory if ref else is_mandatory_label(row.strength)) or option
        _check_wording(row, ref, anomalies)
        if ref.informative if ref else is_information_label(row.strength):
            continue  # a presentation: nothing to answer, nothing to check but its text
        conformity = parse_conformity(row.conformity)
        answers[row.id] = conformity or ""
        if conformity is None:
            if row.conformity.strip():
                anomalies.append(
                    Anomaly(
                        row.id,
                        "conformite_illisible",
                        f"{row.id} : « {row.conformity.strip()} » n'est pas une réponse prévue ({', '.join(CONFORMITY_VALUES)}).",
                        Severity.BLOCKING if mandatory else Severity.TO_FIX,
                        where,
                    )
                )
            elif row.justification.strip():
                # The box alone is empty while the offer answers in substance: a formal omission.
                anomalies.append(
                    Anomaly(
                        row.id,
                        "case_vide",
                        f"{row.id} ({row.title}) : case de conformité vide, alors que la colonne "
                        "Justification traite le point.",
                        Severity.BLOCKING if mandatory else Severity.TO_FIX,
                        where,
                    )
                )
            else:
                anomalies.append(
                    Anomaly(
                        row.id,
                        "sans_reponse",
                        f"{row.id} ({row.title}) : aucune réponse.",
                        Severity.BLOCKING if mandatory else Severity.TO_FIX,
                        where,
                    )
                )
        elif mandatory and conformity != "Conforme":
            anomalies.append(
                Anomaly(
                    row.id,
                    "obligatoire_non_conforme",
                    f"{row.id} ({row.title}) "
                    + ("est une PSE que chaque offre doit proposer" if option else "est exigée")
                    + f" et la réponse est « {conformity} » : l'offre est irrégulière.",
                    Severity.BLOCKING,
                    where,
                )
            )
        if (
            conformity in ("Partiellement conforme", "Non conforme")
            and not row.justification.strip()
        ):
            anomalies.append(
                Anomaly(
                    row.id,
                    "justification_manquante",
                    f"{row.id} : « {conformity} » doit être justifiée dans la colonne Justification.",
                    Severity.TO_FIX,
                    where,
                )
            )
        _check_value(row, ref, mandatory, anomalies)
        _check_written(row, ref, conformity, anomalies)
        # A PSE is priced apart: never inside the DPGF or DQE total of the base solution.
        price = _check_price(row, ref, "dpgf", anomalies)
        if price is not None:
            if option:
                pse_total += price
            else:
                dpgf_total += price
            amounts[row.id] = price
        unit_price = _check_price(row, ref, "bpu", anomalies)
        if unit_price is not None:
            quantity = ref.quantity if ref and ref.quantity else _quantity(row)
            # Each line's amount is rounded to the cent, as a DQE is written: a yearly price ×
            # 3,3333 years would otherwise carry four decimals into the aid and the totals.
            line = round_cent(unit_price * (quantity or 1))
            if option:
                pse_total += line
            else:
                dqe_total += line
            amounts[row.id] = amounts.get(row.id, Decimal(0)) + line

    if expected is not None:
        for item_id, ref in expected.items():
            if item_id not in seen:
                anomalies.append(
                    Anomaly(
                        item_id,
                        "manquante",
                        f"{item_id} ({ref.title}) est absente de la grille.",
                        Severity.BLOCKING if ref.mandatory or ref.pse else Severity.TO_FIX,
                    )
                )
    totals = {
        "dpgf": round_cent(dpgf_total),
        "dqe": round_cent(dqe_total),
        "pse": round_cent(pse_total),
        "total": round_cent(dpgf_total + dqe_total + pse_total),
    }
    _check_totals(offer, totals, anomalies)
    label = _check_candidate(offer, labels, reference, today, anomalies)
    return ConformanceReport(
        source=offer.source,
        candidate=offer.candidate,
        anomalies=anomalies,
        totals=dict(totals),
        answers=answers,
        label=label,
        amounts=amounts,
        reference=offer.dossier.get("Dossier", reference.reference if reference else ""),
        quote=reference is not None and reference.pieces is PricePieces.QUOTE_FORM,
        options=reference is None or any(row.pse for row in reference.rows),
    )


def _no_carried_reference() -> Anomaly:
    return Anomaly(
        None,
        "controle_incomplet",
        "la grille ne porte pas la liste des exigences attendues (onglet « Dossier » absent ou "
        "cadre d'une version antérieure) : une ligne supprimée ou un prix attendu ne peuvent pas "
        "être détectés. Téléchargez à nouveau le cadre de réponse du DCE et reportez-y vos "
        "réponses, ou vérifiez l'offre avec le dossier (webpass verifier DOSSIER OFFRE).",
        Severity.TO_FIX,
    )


def _check_wording(row: FilledRow, ref: Any, anomalies: list[Anomaly]) -> None:
    if len(row.text) <= _REMEMBERED_CHARS:
        recomputed = _remembered_fingerprint(row.id, row.title, row.text, row.question)
    else:
        recomputed = wording_fingerprint(row.id, row.title, row.text, row.question)
    if ref is not None and row.fingerprint.strip() != ref.fingerprint:
        anomalies.append(
            Anomaly(
                row.id,
                "texte_modifie",
                f"{row.id} : la grille répond à une autre version du texte de l'exigence que celle "
                f"du dossier ; reprenez le texte du DCE pour l'exigence {row.id} (ou le cadre de "
                "réponse fourni avec le DCE) et répondez de nouveau.",
                Severity.BLOCKING,
                row.where,
            )
        )
    elif row.text and recomputed != row.fingerprint.strip():
        anomalies.append(
            Anomaly(
                row.id,
                "texte_modifie",
                f"{row.id} : le texte de l'exigence a été modifié dans la grille ; reprenez le "
                f"texte du DCE pour l'exigence {row.id} (colonne « Texte de l'exigence ») sans le "
                "changer : une offre ne modifie pas le cahier des charges.",
                Severity.BLOCKING,
                row.where,
            )
        )


# Every offer of a consultation carries the same requirement texts: their fingerprints are
# remembered (a bounded number of bounded texts).
_REMEMBERED_CHARS = 4_000


@functools.lru_cache(maxsize=1024)
def _remembered_fingerprint(item_id: str, title: str, text: str, question: str) -> str:
    return wording_fingerprint(item_id, title, text, question)


def _check_value(row: FilledRow, ref: Any, mandatory: bool, anomalies: list[Anomaly]) -> None:
    minimum = ref.minimum if ref is not None else _minimum(row)
    kind = ref.answer_kind if ref is not None else ("nombre" if minimum is not None else "")
    if kind != "nombre":
        return
    raw = row.value.strip()
    if not raw:
        anomalies.append(
            Anomaly(
                row.id,
                "valeur_manquante",
                f"{row.id} : indiquez la valeur demandée (colonne Valeur).",
                Severity.TO_FIX,
                row.where,
            )
        )
        return
    try:
        value = parse_number(raw.split()[0] if raw.split() else raw, what=f"{row.id} (valeur)")
    except AmountError as error:
        anomalies.append(
            Anomaly(row.id, "valeur_illisible", error.message, Severity.TO_FIX, row.where)
        )
        return
    if minimum is not None and value < minimum:
        anomalies.append(
            Anomaly(
                row.id,
                "valeur_insuffisante",
                f"{row.id} : {raw} est inférieur au minimum exigé "
                f"({f'{minimum.normalize():f}'.replace('.', ',')}).",
                Severity.BLOCKING if mandatory else Severity.TO_FIX,
                row.where,
            )
        )


def _minimum(row: FilledRow) -> Decimal | None:
    head = row.minimum.strip().split(" ")[0] if row.minimum.strip() else ""
    try:
        return parse_number(head) if head else None
    except AmountError:
        return None


def _quantity(row: FilledRow) -> Decimal | None:
    """The quantity a grid read without its reference shows (« 4 », « 3,4 », « 3.4 »)."""
    text = row.quantity.strip().replace(",", ".")
    try:
        value = Decimal(text)
    except ArithmeticError:
        return None
    return value if value.is_finite() and value > 0 else None


def _check_price(row: FilledRow, ref: Any, part: str, anomalies: list[Anomaly]) -> Decimal | None:
    kind = ref.price if ref is not None else row.price_kind
    if kind != part:
        return None
    raw = row.price if part == "dpgf" else row.unit_price
    # Named after what they are, not after a piece: a consultation by quotes has no DPGF nor BPU.
    label = "prix HT" if part == "dpgf" else "prix unitaire HT"
    where = row.unit_price_where if part == "bpu" and row.unit_price_where else row.where
    if not raw.strip():
        anomalies.append(
            Anomaly(
                row.id,
                "prix_manquant",
                f"{row.id} : {label} manquant.",
                Severity.BLOCKING,
                where,
            )
        )
        return None
    try:
        amount = parse_amount(raw, allow_negative=True, what=f"{row.id} ({label})")
    except AmountError as error:
        anomalies.append(Anomaly(row.id, "prix_illisible", error.message, Severity.BLOCKING, where))
        return None
    if amount < 0:
        anomalies.append(
            Anomaly(
                row.id,
                "prix_negatif",
                f"{row.id} : {label} négatif ({format_eur(amount)}).",
                Severity.BLOCKING,
                where,
            )
        )
        return None
    return amount


def _check_totals(offer: FilledGrid, totals: dict[str, Decimal], anomalies: list[Anomaly]) -> None:
    labels = {"dpgf": "total des prix forfaitaires", "dqe": "total des prix annuels et unitaires"}
    for key, declared_raw in offer.declared_totals.items():
        if (
            declared_raw is None
            or not str(declared_raw).strip()
            or str(declared_raw).startswith("=")
        ):
            continue  # no total typed, or a formula no spreadsheet has computed yet
        try:
            declared = parse_amount(
                str(declared_raw), allow_negative=True, what=labels.get(key, key)
            )
        except AmountError as error:
            anomalies.append(Anomaly(None, "total_illisible", error.message, Severity.TO_FIX))
            continue
        if round_cent(declared) != totals[key]:
            anomalies.append(
                Anomaly(
                    None,
                    "total_incoherent",
                    f"le {labels.get(key, key)} déclaré ({format_eur(declared)}) ne correspond pas à la somme des "
                    f"lignes ({format_eur(totals[key])}).",
                    Severity.TO_FIX,
                )
            )


def _check_candidate(
    offer: FilledGrid,
    labels: LabelRegistry,
    reference: Grid | None,
    today: dt.date | None,
    anomalies: list[Anomaly],
) -> dict[str, Any] | None:
    candidate = offer.candidate
    name = candidate.get("Raison sociale", "").strip()
    if not name:
        anomalies.append(
            Anomaly(
                None,
                "raison_sociale_manquante",
                "onglet Candidat : raison sociale manquante.",
                Severity.TO_FIX,
            )
        )
    siret = candidate.get("SIRET", "").replace(" ", "").replace("\u00a0", "")
    if not siret:
        anomalies.append(
            Anomaly(None, "siret_manquant", "onglet Candidat : SIRET manquant.", Severity.TO_FIX)
        )
    elif not is_valid_siret(siret):
        anomalies.append(
            Anomaly(
                None,
                "siret_invalide",
                f"SIRET « {siret} » invalide (14 chiffres, clé de contrôle).",
                Severity.TO_FIX,
            )
        )
    offer_date = _offer_date(candidate.get(OFFER_DATE, ""), anomalies) or today or dt.date.today()
    target = reference.target_level if reference else _int(offer.dossier.get("Niveau visé", ""))
    number = candidate.get(LABEL_FIELD, "").strip()
    solution = candidate.get("Solution", "").strip()
    if not number:
        # The grid asks for no label: its absence is nothing to report.
        return None
    label = labels.find(number)
    if label is None:
        anomalies.append(
            Anomaly(
                None,
                "label_inconnu",
                f"le label « {number} » ne figure pas au registre des solutions labellisées.",
                Severity.INFO,
            )
        )
        return None
    found = {
        "numero": label.number,
        "solution": label.solution,
        "titulaire": label.holder,
        "niveau_max": label.max_level,
        "valide_du": label.valid_from.isoformat(),
        "valide_au": label.valid_until.isoformat(),
        "valide": True,
    }
    if solution and fold(solution) != fold(label.solution):
        anomalies.append(
            Anomaly(
                None,
                "label_autre_solution",
                f"le label {label.number} couvre « {label.solution} », pas « {solution} ».",
                Severity.INFO,
            )
        )
        found["valide"] = False
    if siret and siret != label.siret:
        anomalies.append(
            Anomaly(
                None,
                "label_autre_titulaire",
                f"le label {label.number} est détenu par {label.holder} (SIRET {label.siret}).",
                Severity.INFO,
            )
        )
        found["valide"] = False
    if not label.valid_from <= offer_date <= label.valid_until:
        anomalies.append(
            Anomaly(
                None,
                "label_expire",
                f"le label {label.number} n'est pas valide à la date de l'offre ({offer_date:%d/%m/%Y} ; "
                f"validité du {label.valid_from:%d/%m/%Y} au {label.valid_until:%d/%m/%Y}).",
                Severity.INFO,
            )
        )
        found["valide"] = False
    if target is not None and label.max_level < target:
        anomalies.append(
            Anomaly(
                None,
                "label_niveau_insuffisant",
                f"le label {label.number} couvre jusqu'au niveau {label.max_level}, le dossier vise le niveau {target}.",
                Severity.INFO,
            )
        )
        found["valide"] = False
    return found


def _offer_date(raw: str, anomalies: list[Anomaly]) -> dt.date | None:
    text = raw.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    anomalies.append(
        Anomaly(
            None,
            "date_illisible",
            f"date de l'offre « {text} » illisible (JJ/MM/AAAA).",
            Severity.TO_FIX,
        )
    )
    return None


def _int(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None
