"""What a bidder's offer holds, collected from what the pieces require « dans son offre ».

The consultation letter and the RC print the same list, built here: the priced form, the
response grid, a mémoire technique with one heading per award sub-criterion (so the analyst
finds each answer where it is scored), and every element the CCAP or a selected CCTP clause asks
the bidder to give in its offer. A lawyer found the letter asking for « une note de quelques
pages » while the pieces required a dated calendar, the host's energy efficiency, the existing
components and their licences, the security measures and the sub-processors: an offer built on
the letter alone would have been incomplete.

A CCTP clause that asks for something in the offer and has no entry below still gets one, named
after its requirement, so a new clause of the catalogue is never left out of the list.
"""

from __future__ import annotations

import re

from webpass.catalog.model import AnswerKind
from webpass.compare.award import criteria_of
from webpass.core.frozen_record import frozen_record
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.cctp import published_in_table
from webpass.documents.question import asked_answer
from webpass.dossier.procedure import ProcedureCode
from webpass.selection.engine import Selection

__all__ = [
    "ELEMENTS_LEAD",
    "OfferElement",
    "asks_in_offer",
    "element_entries",
    "element_text",
    "memo_headings",
    "offer_elements",
    "offer_entries",
    "open_answers_rule",
]

_ASKS = re.compile(r"\b(?:dans|à|avec) son offre\b|\bjoint(?:e|es|s)? à son offre\b")
_SPACES = re.compile(r"\s+")


@frozen_record
class OfferElement:
    """Something the offer must hold, and the articles that require it."""

    what: str
    ccap: tuple[str, ...] = ()
    items: tuple[str, ...] = ()


# What the CCAP always requires, with the CCTP clauses that ask the same thing in more detail,
# then what CCTP clauses of the shipped catalogue ask of the offer, in the CCTP's order.
_KNOWN = (
    OfferElement(
        "le chef de projet désigné, interlocuteur unique de la notification à la fin de la "
        "garantie",
        (),
        ("A07",),
    ),
    OfferElement(
        "un calendrier qui date chaque jalon à partir de la notification, jusqu'à la livraison "
        "pour vérification, la mise en ligne et l'admission, dans le délai de livraison fixé par "
        f"l'article {CcapArticle.DURATION.number} du CCAP",
        (),
        ("A08",),
    ),
    OfferElement(
        "l'outil de gestion de contenus proposé, avec sa licence et la version livrée, ses "
        "extensions avec leur licence et trois autres prestataires ou collectivités qui "
        "l'utilisent",
        (),
        ("G01",),
    ),
    OfferElement(
        "la version livrée de chaque brique logicielle et la date de fin de son support de "
        "sécurité",
        (),
        ("G12",),
    ),
    OfferElement(
        "les contenus, comptes et données repris du site actuel et l'organisation de la bascule",
        (),
        # The migration's method (L01) answers it when the grid asks it in writing.
        ("A03", "L01"),
    ),
    OfferElement(
        "les connecteurs aux logiciels métier : mode d'échange et coût demandé par leur éditeur, "
        "compris dans le prix de la ligne de l'exigence",
        (),
        ("F03",),
    ),
    OfferElement(
        "tout composant tiers non conforme au RGAA, avec l'alternative prévue",
        (),
        ("I01",),
    ),
    OfferElement(
        "l'hébergement proposé : l'hébergeur, la ville de ses centres de données et l'efficacité "
        "énergétique de l'infrastructure (indicateur d'efficacité énergétique du centre de "
        "données, PUE, ou mesure équivalente, avec sa source)",
        (f"{CcapArticle.OBJECT.number}.4",),
        ("H01",),
    ),
    OfferElement(
        # The CCAG's term, as N01 and the CCAP's article 10 name them (rev10, § 1 b).
        "les connaissances antérieures utilisées (outil de gestion de contenus, extensions, thème "
        "de départ, bibliothèques, polices), avec leur licence et leur éventuelle redevance",
        (CcapArticle.PROPERTY.number,),
        ("N01",),
    ),
    OfferElement(
        "tout composant non libre, avec sa licence, son coût annuel et la solution prévue pour le "
        "remplacer à la fin du marché",
        (),
        ("N02",),
    ),
    OfferElement(
        "les mesures de sécurité appliquées aux données et la liste des sous-traitants ultérieurs "
        "au sens du RGPD, avec leur rôle et le pays où ils traitent les données",
        (f"{CcapArticle.DATA.number}.2",),
        ("J01",),
    ),
)


def asks_in_offer(clause: str) -> bool:
    """Whether a clause text asks the bidder to state or join something in its offer."""
    return bool(_ASKS.search(_SPACES.sub(" ", clause)))


def _written_in_grid(selection: Selection) -> set[str]:
    """The requirements whose element the response grid asks as a written answer: the grid
    holds it, the mémoire does not repeat it (two pieces of one rank would only contradict)."""
    return {
        s.item.id
        for s in selection.items
        if asked_answer(s.item, selection).kind is AnswerKind.TEXT
    }


def offer_elements(selection: Selection) -> list[OfferElement]:
    """The elements the CCAP and the selected CCTP clauses require in the offer, in order; those
    the grid asks as a written answer are left to the grid."""
    # An item published as a line of a table of needs prints its need, not its clause: it asks
    # nothing of the offer in the CCTP the bidder reads.
    in_grid = _written_in_grid(selection)
    selected = {
        s.item.id: s
        for s in selection.items
        if not published_in_table(selection, s.item) and s.item.id not in in_grid
    }
    found: list[OfferElement] = []
    covered: set[str] = set()
    for element in _KNOWN:
        items = tuple(i for i in element.items if i in selected)
        covered.update(element.items)
        if set(element.items) & in_grid:
            continue
        if items or element.ccap:
            found.append(OfferElement(element.what, element.ccap, items))
    for item_id, chosen in selected.items():
        if item_id not in covered and asks_in_offer(chosen.clause):
            found.append(
                OfferElement(
                    f"ce que l'exigence {item_id} du CCTP (« {chosen.item.title} ») demande de "
                    "préciser dans l'offre",
                )
            )
    return found


def element_text(element: OfferElement) -> str:
    """« … (article 10 du CCAP, exigence N01 du CCTP) »."""
    sources = [f"article {number} du CCAP" for number in element.ccap]
    sources += [f"exigence {item_id} du CCTP" for item_id in element.items]
    return element.what + (f" ({', '.join(sources)})" if sources else "")


def memo_headings(selection: Selection) -> list[str]:
    """The mémoire technique's headings: the judged sub-criteria, in the order of the table."""
    return [leaf.name for leaf in criteria_of(selection).leaves() if leaf.judged]


def open_answers_rule() -> str:
    """What the response grid's open answers weigh in the scoring."""
    return (
        "Les réponses ouvertes du cadre de réponse (valeurs demandées, justifications, réponses "
        "rédigées) sont lues avec le mémoire technique pour noter les sous-critères de la valeur "
        "technique auxquels elles se rapportent ; elles engagent le titulaire comme le mémoire. "
        "La colonne « Sous-critère noté » du cadre indique le sous-critère que chaque réponse "
        "rédigée nourrit ; les éléments que le cadre de réponse demande n'ont pas à être repris "
        "dans le mémoire technique."
    )


def offer_entries(selection: Selection, head: list[str], tail: list[str]) -> list[str]:
    """The list of the offer's contents: ``head`` (the forms), the mémoire, ``tail``."""
    headings = memo_headings(selection)
    memo = (
        f"un mémoire technique de {memo_pages(selection)} pages A4 au plus, annexes non "
        + ("comprises (les pages au-delà ne sont pas lues)")
        + (
            ", organisé en une partie par sous-critère de jugement, sous ces titres : "
            + " ; ".join(f"« {name} »" for name in headings)
            if headings
            else ""
        )
    )
    listed = [
        *head,
        memo + ", avec les éléments énumérés ci-dessous ;",
        "en cas de sous-traitance, une déclaration de sous-traitance (formulaire DC4) par "
        f"sous-traitant (article {CcapArticle.SUBCONTRACTING.number} du CCAP) ;",
        *tail,
    ]
    # The list closes on a full stop, whichever entry comes last.
    listed[-1] = listed[-1].removesuffix(" ;").removesuffix(".") + "."
    return listed


# The mémoire's length: a bidder must know the effort expected, and the analyst reads every
# offer on the same footing (review of 1 December 2026, small commune n° 5). A quote request
# for a few thousand euros asks less than a formal procedure.
_MEMO_PAGES_QUOTES = 10
_MEMO_PAGES = 20


def memo_pages(selection: Selection) -> int:
    """The most pages the mémoire technique may have, its annexes excluded."""
    if selection.procedure.code is ProcedureCode.EXEMPT:
        return _MEMO_PAGES_QUOTES
    return _MEMO_PAGES


ELEMENTS_LEAD = (
    "Le mémoire technique, ou ses annexes, donne les éléments que le CCAP et le CCTP demandent "
    "au titulaire d'indiquer dans son offre :"
)


def element_entries(selection: Selection) -> list[str]:
    """The elements the pieces require in the offer, as the entries of a list."""
    texts = [element_text(e) for e in offer_elements(selection)]
    return [text + (" ;" if i < len(texts) - 1 else ".") for i, text in enumerate(texts)]
