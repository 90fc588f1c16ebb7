"""Which pieces a DCE holds, decided by the procedure, in their order of precedence.

Under the dispense threshold: the quote form, the simplified CCAP, the CCTP, the response grid
and the consultation letter. From that threshold up to the European ones: the acte
d'engagement and its price schedule, the CCAP, the CCTP, the grid, the RC, the convention of a
groupement de commandes and the OCDS requirements. Above the European thresholds the formal
procedure is out of webpass's scope and it says so.

Contractual pieces come first, in the order of article 4 of the CCAG-TIC (acte d'engagement
and its financial annexes, CCAP, CCTP, then the offer); the consultation pieces follow.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from webpass.core.errors import InputError
from webpass.core.frozen_record import frozen_record
from webpass.documents.cctp import CctpDocument
from webpass.documents.procedure_kind import ProcedureKind

if TYPE_CHECKING:  # the CCTP names its pieces without computing the terms of the other pieces
    from webpass.documents.terms import DceTerms

__all__ = ["Piece", "PieceKind", "cited_pieces", "piece_labels", "plan_pieces"]


class PieceKind(StrEnum):
    """A piece of the DCE; the value names its files."""

    QUOTE_FORM = "formulaire-de-devis"
    ACT = "AE"
    PRICES = "DPGF-BPU"
    CCAP = "CCAP"
    CCTP = "CCTP"
    GRID = "cadre-de-reponse"
    LETTER = "lettre-de-consultation"
    RC = "RC"
    CONVENTION = "convention-groupement-de-commandes"
    OCDS = "exigences-ocds"

    @property
    def display(self) -> str:
        """How a message names the piece: « l'acte d'engagement », « le CCAP »."""
        return _TITLES[self]

    @property
    def contractual(self) -> bool:
        """A piece of the contract (CCAG-TIC, article 4), not only of the consultation."""
        return self in _CONTRACTUAL


_TITLES = {
    PieceKind.QUOTE_FORM: "le formulaire de devis",
    PieceKind.ACT: "l'acte d'engagement",
    PieceKind.PRICES: "la DPGF-BPU",
    PieceKind.CCAP: "le CCAP",
    PieceKind.CCTP: "le CCTP",
    PieceKind.GRID: "le cadre de réponse",
    PieceKind.LETTER: "la lettre de consultation",
    PieceKind.RC: "le RC",
    PieceKind.CONVENTION: "la convention de groupement de commandes",
    PieceKind.OCDS: "les exigences OCDS",
}

# The order of precedence: CCAG-TIC article 4 for the contractual pieces (the grid becomes the
# holder's technical offer), then the pieces of the consultation.
_CONTRACTUAL_ORDER = (
    PieceKind.QUOTE_FORM,
    PieceKind.ACT,
    PieceKind.PRICES,
    PieceKind.CCAP,
    PieceKind.CCTP,
    PieceKind.GRID,
)
_CONTRACTUAL = frozenset(_CONTRACTUAL_ORDER)
PRECEDENCE = (
    *_CONTRACTUAL_ORDER,
    PieceKind.LETTER,
    PieceKind.RC,
    PieceKind.CONVENTION,
    PieceKind.OCDS,
)


@frozen_record
class Piece:
    """A piece of the DCE; ``document`` is its model when it is a written document."""

    kind: PieceKind
    label: str
    document: CctpDocument | None = None


def plan_pieces(terms: DceTerms) -> list[PieceKind]:
    """The pieces the procedure calls for, in order of precedence."""
    if terms.procedure is ProcedureKind.FORMAL:
        procedure = terms.selection.procedure
        raise InputError(
            f"{procedure.name} : le marché est estimé au-delà du seuil européen "
            f"({procedure.period.formal} € HT). La procédure formalisée (appel d'offres, avis au JOUE, "
            "DUME, délais minimaux) est hors du champ de webpass : faites rédiger le dossier par un "
            "service de la commande publique ou un assistant à maîtrise d'ouvrage, ou réduisez le "
            "périmètre du marché."
        )
    kinds = _kinds(terms.procedure)
    if terms.joint_purchasing and terms.procedure is not ProcedureKind.QUOTES:
        kinds.append(PieceKind.CONVENTION)
    return sorted(kinds, key=PRECEDENCE.index)


def _kinds(procedure: ProcedureKind) -> list[PieceKind]:
    if procedure is ProcedureKind.QUOTES:
        return [
            PieceKind.QUOTE_FORM,
            PieceKind.CCAP,
            PieceKind.CCTP,
            PieceKind.GRID,
            PieceKind.LETTER,
        ]
    return [
        PieceKind.ACT,
        PieceKind.PRICES,
        PieceKind.CCAP,
        PieceKind.CCTP,
        PieceKind.GRID,
        PieceKind.RC,
        PieceKind.OCDS,
    ]


# How the CCTP names the piece where a price is written and the piece that rules the
# consultation: (article, name), so a clause can write « au … », « du … » or « le … ».
_CITED = {
    PieceKind.QUOTE_FORM: ("le", "formulaire de devis"),
    PieceKind.PRICES: ("le", "bordereau des prix unitaires (BPU)"),
    PieceKind.LETTER: ("la", "lettre de consultation"),
    PieceKind.RC: ("le", "règlement de la consultation"),
}
_CONTRACTED = {"le": ("au", "du"), "la": ("à la", "de la")}


def cited_pieces(procedure: ProcedureKind) -> dict[str, str]:
    """The pieces a CCTP clause refers to, named as this procedure's DCE has them.

    A consultation by quotes has a quote form and a consultation letter, no price schedule nor
    RC: « {{ pieces.au_prix }} » reads « au formulaire de devis » there and « au bordereau des
    prix unitaires (BPU) » in a MAPA. (A formal procedure is refused by :func:`plan_pieces`; its
    CCTP names the pieces of a MAPA.)
    """
    kinds = _kinds(procedure)
    price = PieceKind.QUOTE_FORM if PieceKind.QUOTE_FORM in kinds else PieceKind.PRICES
    rules = PieceKind.LETTER if PieceKind.LETTER in kinds else PieceKind.RC
    article, name = _CITED[price]
    to, of = _CONTRACTED[article]
    rules_article, rules_name = _CITED[rules]
    return {
        "prix": f"{article} {name}",
        "au_prix": f"{to} {name}",
        "du_prix": f"{of} {name}",
        "consultation": f"{rules_article} {rules_name}",
        "offre_prix": "le formulaire de devis, complété et signé"
        if price is PieceKind.QUOTE_FORM
        else f"les pièces de prix que demande {rules_article} {rules_name}",
        # Who offers: a quote request asks providers, it has no candidates.
        "candidat": "le prestataire" if price is PieceKind.QUOTE_FORM else "le candidat",
    }


def _label(kind: PieceKind, terms: DceTerms) -> str:
    ccap = (
        "le cahier des clauses administratives particulières simplifié (CCAP)"
        if terms.simplified
        else "le cahier des clauses administratives particulières (CCAP)"
    )
    return {
        PieceKind.QUOTE_FORM: "le formulaire de devis, à compléter et à signer",
        PieceKind.ACT: "l'acte d'engagement (ATTRI1), à compléter et à signer",
        PieceKind.PRICES: "la décomposition du prix global et forfaitaire et le bordereau des prix "
        "unitaires (DPGF-BPU, tableur), annexes financières de l'acte d'engagement"
        + (
            ", avec la répartition des prix entre les membres du groupement de commandes"
            if terms.joint_purchasing
            else ""
        ),
        PieceKind.CCAP: ccap
        + ", qui se réfère au CCAG-TIC 2021, et "
        + (
            "ses annexes : A1, données personnelles ; A2, membres du groupement de commandes "
            "(identifiants, sites et besoins, ordonnateur et comptable de chacun)"
            if terms.joint_purchasing
            else "son annexe sur les données personnelles"
        ),
        PieceKind.CCTP: "le cahier des clauses techniques particulières (CCTP)",
        PieceKind.GRID: "le cadre de réponse (tableur XLSX) : une ligne par exigence du CCTP, avec les prix",
        PieceKind.LETTER: "la présente lettre de consultation",
        PieceKind.RC: "le présent règlement de la consultation (RC)",
        PieceKind.CONVENTION: "la convention constitutive du groupement de commandes, pour "
        "information",
        PieceKind.OCDS: "la liste des exigences au format OCDS (JSON), pour information",
    }[kind]


def piece_labels(terms: DceTerms, rc: bool = False, omit: PieceKind | None = None) -> list[str]:
    """The pieces in order of precedence, as the RC or the letter lists them.

    ``rc`` asks for an RC even where the procedure calls for a letter (``webpass rc`` on a
    consultation by quotes): the RC then takes the letter's place in the list. ``omit`` leaves a
    piece out: the letter lists what it encloses, not itself.
    """
    kinds = [
        PieceKind.RC if rc and kind is PieceKind.LETTER else kind
        for kind in plan_pieces(terms)
        if kind is not omit
    ]
    return [
        _label(kind, terms) + (" ;" if i < len(kinds) - 1 else ".") for i, kind in enumerate(kinds)
    ]


def make_piece(kind: PieceKind, terms: DceTerms, document: CctpDocument | None = None) -> Piece:
    """A piece with its label."""
    return Piece(kind, _label(kind, terms), document)
