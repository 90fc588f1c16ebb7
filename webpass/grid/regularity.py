"""Regularity of an offer: the gate before any scoring, with the reasons and what may be regularised.

Conformity is not scored: an offer that does not meet a mandatory requirement of the CCTP, that
leaves a price out, that answers another wording of a requirement or that does not propose
every PSE (each bidder must price and propose them, webpass.compare.pse) is irregular and is eliminated (article R2152-1 of the Code de la commande
publique). Every other offer is regular and is judged on the award criteria only.

In an appel d'offres or a procédure adaptée without negotiation the buyer may let every bidder
concerned regularise its irregular offer, provided it is not abnormally low and the
regularisation does not change a substantial characteristic of the offer (article R2152-2). So
each reason says whether it could be regularised: only formal omissions are (a conformity box
left empty while the justification answers the point, an unreadable box, the dossier's wording
of a requirement to confirm); supplying a missing answer, turning a « Non conforme » into a
« Conforme », adding a price or proposing a PSE would change the offer.
"""

from __future__ import annotations

from typing import Any

from webpass.core.frozen_record import frozen_record
from webpass.grid.check import ConformanceReport, Severity

__all__ = ["Irregularity", "Regularity", "offer_regularity"]

# Codes of blocking anomalies a regularisation can cure without changing the offer: formal
# omissions only. A requirement left without any answer (« sans_reponse ») or a row left out of
# the grid (« manquante ») is a missing answer of substance, scored or eliminating: completing it
# would change the offer (R2152-2), so it is not regularisable.
_REGULARISABLE = frozenset({"case_vide", "conformite_illisible", "texte_modifie"})
_GROUPED = {
    "sans_reponse": "aucune réponse à {n} exigences obligatoires : {ids}",
    "case_vide": "case de conformité vide, le point traité en justification, pour {n} exigences : {ids}",
    "prix_manquant": "prix manquant sur {n} lignes : {ids}",
    "manquante": "{n} exigences obligatoires absentes de la grille : {ids}",
    "texte_modifie": "texte modifié ou d'une autre version pour {n} exigences : {ids}",
}
_GROUP_FROM = 4  # more anomalies of one kind than this are listed in one reason
_LISTED = 12


@frozen_record
class Irregularity:
    """One reason an offer is irregular."""

    code: str
    text: str
    regularisable: bool

    def as_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"type": self.code, "motif": self.text, "regularisable": self.regularisable}


@frozen_record
class Regularity:
    """Whether an offer is regular and, if not, why."""

    reasons: tuple[Irregularity, ...]

    @property
    def regular(self) -> bool:
        """No reason to eliminate the offer."""
        return not self.reasons

    @property
    def regularisable(self) -> bool:
        """Irregular, but every reason could be cured under article R2152-2."""
        return bool(self.reasons) and all(reason.regularisable for reason in self.reasons)


def offer_regularity(report: ConformanceReport) -> Regularity:
    """The regularity of a checked offer (a PSE not proposed is a blocking anomaly of the check)."""
    found: list[tuple[str, str | None, str]] = [
        (a.code, a.item, a.message) for a in report.anomalies if a.severity is Severity.BLOCKING
    ]
    return Regularity(tuple(_grouped(found)))


def _grouped(found: list[tuple[str, str | None, str]]) -> list[Irregularity]:
    by_code: dict[str, list[str]] = {}
    for code, item, _ in found:
        by_code.setdefault(code, []).append(item or "")
    reasons: list[Irregularity] = []
    done: set[str] = set()
    for code, _, message in found:
        regularisable = code in _REGULARISABLE
        items = by_code[code]
        if code in _GROUPED and len(items) >= _GROUP_FROM:
            if code not in done:
                ids = ", ".join(items[:_LISTED]) + (
                    f" et {len(items) - _LISTED} autres" if len(items) > _LISTED else ""
                )
                text = _GROUPED[code].format(n=len(items), ids=ids) + "."
                reasons.append(Irregularity(code, _sentence(text), regularisable))
                done.add(code)
            continue
        reasons.append(Irregularity(code, _sentence(message), regularisable))
    return reasons


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
