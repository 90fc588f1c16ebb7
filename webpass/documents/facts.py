"""Key facts of the DCE (reference, duration, PSE…) tagged where a piece prints them.

A piece prints a fact through :func:`fact`, a text run that remembers which fact it shows.
The cross-piece check (:mod:`webpass.documents.coherence`) then reads the facts back from the
documents themselves, as a reader would see them, and compares them piece by piece.
"""

from __future__ import annotations

from collections import defaultdict
from enum import StrEnum

from webpass.core.frozen_record import frozen_record
from webpass.documents.cctp import CctpDocument, ListBlock, Note, Paragraph, Run
from webpass.documents.typography import french_spacing

__all__ = ["Fact", "FactRun", "collect_facts", "fact"]


class Fact(StrEnum):
    """A value every piece must print the same way."""

    REFERENCE = "référence de la consultation"
    OBJECT = "objet du marché"
    BUYER = "acheteur"
    DURATION = "durée du marché"
    GO_LIVE = "date de mise en ligne visée"
    DELIVERY = "délai de livraison pour vérification"
    DELIVERY_RULE = "règle du délai du titulaire"
    DEADLINE = "date limite de remise des offres"
    OFFER_VALIDITY = "délai de validité des offres"
    ORDER_MAXIMUM = "montant maximum des bons de commande"
    ORDER_RULE = "règle d'émission des bons de commande"
    CONTRACT_AMOUNT = "montant du marché à bons de commande"
    ADVANCE_RATE = "taux de l'avance"
    WARRANTY = "durée de la garantie"
    PSE = "prestation supplémentaire éventuelle"
    PSE_RULE = "règle de jugement des prestations supplémentaires éventuelles"
    SETUP = "montage juridique de l'achat"
    BUILD_PHASE = "fin de la réalisation"
    REVERSIBILITY = "règle de la réversibilité"


@frozen_record
class FactRun(Run):
    """A run that shows a :class:`Fact`."""

    fact: str = ""


def fact(kind: Fact, text: str, bold: bool = False) -> FactRun:
    """A run printing ``text`` as the value of ``kind``."""
    return FactRun(french_spacing(text), bold=bold, fact=kind.value)


def collect_facts(document: CctpDocument) -> dict[Fact, list[str]]:
    """Every tagged value of the document, in reading order, with its repetitions."""
    found: dict[Fact, list[str]] = defaultdict(list)
    for article in document.walk():
        for block in article.blocks:
            runs: list[Run] = []
            if isinstance(block, Paragraph | Note):
                runs = list(block.runs)
            elif isinstance(block, ListBlock):
                runs = [run for entry in block.entries for run in entry]
            for run in runs:
                if isinstance(run, FactRun) and run.fact:
                    found[Fact(run.fact)].append(run.text)
    return dict(found)
