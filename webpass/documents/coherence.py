"""Cross-piece coherence of a DCE, read from the pieces themselves as a bidder would read them.

Rules, each with its own finding:

- every article a piece cites (« article 9 du CCAP », « l'exigence M02 du CCTP », « article 32.4
  du CCAG-TIC ») exists in the piece cited, and a CCAG-TIC article cited by number was verified;
- every priced service of the selection has its line in the grid, in the price schedule and in
  the quote form, and no piece prices anything else;
- the PSE are the same, with the same wording, in the CCTP, the RC or letter, the CCAP and the
  AE, and each of them states the PSE rule word for word;
- the key facts (reference, object, duration, dates, maximum, advance, warranty, setup) are
  printed identically wherever they appear;
- the manifest lists the pieces in their order of precedence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from enum import StrEnum

from webpass.core.frozen_record import frozen_record
from webpass.documents.cctp import CctpDocument, ListBlock, Note, Paragraph, TableBlock
from webpass.documents.contract_data import ContractData
from webpass.documents.facts import Fact, collect_facts
from webpass.documents.pieces import PRECEDENCE, Piece, PieceKind

__all__ = ["Finding", "Rule", "check_pieces", "document_text"]


class Rule(StrEnum):
    """A coherence rule; the value is how the report names it."""

    CITATION = "article cité"
    CCAG = "article du CCAG-TIC"
    PRICES = "ligne de prix"
    PSE = "prestations supplémentaires éventuelles"
    FACTS = "valeur commune"
    ORDER = "ordre des pièces"
    DISTINCT_TRADE = "métier distinct dans un marché non alloti"


@frozen_record
class Finding:
    """One incoherence, named with its piece and what to fix."""

    rule: Rule
    piece: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.piece[:1].upper()}{self.piece[1:]} : {self.message}"


_CITE = re.compile(
    r"article (?P<number>\d+(?:\.\d+)*) du (?P<target>présent CCAP|CCAP|CCTP|présent RC|RC|CCAG-TIC)"
)
_REQUIREMENT = re.compile(r"exigence (?P<item>[A-Z]\d{2}) du CCTP")
_ITEM_ID = re.compile(r"^([A-Z]\d{2})\b")
_SPACES = re.compile(r"\s+")


def _plain(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def document_text(document: CctpDocument) -> str:
    """Everything a reader sees in the document, as one string."""
    parts: list[str] = [document.object]
    for article in document.walk():
        parts.append(article.title)
        for block in article.blocks:
            if isinstance(block, Paragraph | Note):
                parts.append("".join(run.text for run in block.runs))
            elif isinstance(block, ListBlock):
                parts.extend("".join(run.text for run in entry) for entry in block.entries)
            elif isinstance(block, TableBlock):
                parts.extend(" | ".join(row) for row in (block.header, *block.rows))
    return _plain("\n".join(parts))


def check_pieces(
    pieces: list[Piece],
    data: ContractData,
    priced: set[str],
    price_ids: dict[str, set[str]],
) -> list[Finding]:
    """Every incoherence between ``pieces``.

    Args:
        pieces: the pieces of the DCE, in the order of the manifest.
        data: the CCAG-TIC articles known to webpass.
        priced: ids of the services the selection prices.
        price_ids: for each piece that lists prices (grid, price schedule, quote form), the ids
            of its price lines as read from the piece.
    """
    documents = {p.kind: p.document for p in pieces if p.document is not None}
    findings = _citations(documents, data)
    findings += _prices(priced, price_ids)
    findings += _options(documents)
    findings += _facts(documents)
    findings += _order(pieces)
    return findings


def _numbers(document: CctpDocument) -> set[str]:
    return {article.number for article in document.walk()}


def _cctp_items(cctp: CctpDocument) -> set[str]:
    """The CCTP's requirements: its articles, and the rows of its tables of needs, which are
    requirements too (« G07 » in « Autres besoins ») and may be cited as such."""
    items = {a.item_id for a in cctp.walk() if a.item_id}
    for article in cctp.walk():
        for block in article.blocks:
            if isinstance(block, TableBlock):
                for row in block.rows:
                    found = _ITEM_ID.match(row[0]) if row else None
                    if found and found.group(0) == row[0].strip():
                        items.add(found.group(1))
    return items


def _citations(documents: dict[PieceKind, CctpDocument], data: ContractData) -> list[Finding]:
    findings: list[Finding] = []
    known = {a.number for a in data.ccag.articles if a.verified}
    cctp_items = _cctp_items(documents[PieceKind.CCTP]) if PieceKind.CCTP in documents else set()
    for kind, document in documents.items():
        text = document_text(document)
        for match in _CITE.finditer(text):
            number, target = match["number"], match["target"]
            if target == "CCAG-TIC":
                if number not in known:
                    findings.append(
                        Finding(
                            Rule.CCAG,
                            kind.display,
                            f"l'article {number} du CCAG-TIC est cité sans avoir été vérifié "
                            "(catalog/marche.yaml, ccag_tic.articles).",
                        )
                    )
                continue
            target_kind = {
                "présent CCAP": PieceKind.CCAP,
                "CCAP": PieceKind.CCAP,
                "CCTP": PieceKind.CCTP,
                "présent RC": PieceKind.RC,
                "RC": PieceKind.RC,
            }[target]
            cited = documents.get(target_kind)
            if cited is None or number not in _numbers(cited):
                findings.append(
                    Finding(
                        Rule.CITATION,
                        kind.display,
                        f"« article {number} du {target} » : cet article n'existe pas dans "
                        f"{target_kind.display}.",
                    )
                )
        for match in _REQUIREMENT.finditer(text):
            if match["item"] not in cctp_items:
                findings.append(
                    Finding(
                        Rule.CITATION,
                        kind.display,
                        f"l'exigence {match['item']} est citée mais ne figure pas dans le CCTP.",
                    )
                )
    return findings


def _prices(priced: set[str], price_ids: dict[str, set[str]]) -> list[Finding]:
    findings: list[Finding] = []
    for piece, ids in price_ids.items():
        for missing in sorted(priced - ids):
            findings.append(
                Finding(Rule.PRICES, piece, f"la prestation {missing} n'a pas de ligne de prix.")
            )
        for extra in sorted(ids - priced):
            findings.append(
                Finding(
                    Rule.PRICES,
                    piece,
                    f"la ligne de prix {extra} ne correspond à aucune prestation chiffrée du CCTP.",
                )
            )
    return findings


# A PSE published as a row of a table of needs is named by its reference and number, not by its
# title: its presence is checked, its wording is not.
IN_TABLE = ""


def cctp_options(document: CctpDocument) -> dict[str, str]:
    """The PSE of a CCTP: the articles whose requirement note announces an option, and the rows
    of a table of needs whose level is a PSE."""
    found: dict[str, str] = {}
    for article in document.walk():
        for block in article.blocks:
            if isinstance(block, TableBlock):
                for row in block.rows:
                    if len(row) > 2 and row[-1].startswith("PSE"):
                        found[row[0]] = IN_TABLE
        if not article.item_id:
            continue
        for block in article.blocks:
            if isinstance(block, Note) and block.kind == "exigence":
                label = "".join(run.text for run in block.runs).lower()
                if "pse" in label or "supplémentaire éventuelle" in label:
                    found[article.item_id] = _plain(article.title)
    return found


def _options(documents: dict[PieceKind, CctpDocument]) -> list[Finding]:
    findings: list[Finding] = []
    listed: dict[str, dict[str, str]] = {}
    rules: dict[str, str] = {}
    for kind, document in documents.items():
        facts = collect_facts(document)
        if kind is PieceKind.CCTP:
            listed[kind.display] = cctp_options(document)
            continue
        if Fact.PSE in facts or Fact.PSE_RULE in facts:
            entries = {}
            for text in facts.get(Fact.PSE, []):
                found = _ITEM_ID.match(text)
                entries[found.group(1) if found else text] = _plain(text.split("—", 1)[-1])
            listed[kind.display] = entries
        for rule in facts.get(Fact.PSE_RULE, []):
            rules[kind.display] = _plain(rule)
    reference_rule = next(iter(rules.values()), None)
    for piece, rule in rules.items():
        if rule != reference_rule:
            findings.append(
                Finding(
                    Rule.PSE,
                    piece,
                    "la règle des PSE n'est pas rédigée comme dans les autres pièces.",
                )
            )
    if (
        PieceKind.CCTP in documents
        and reference_rule is not None
        and any(listed.values())
        and reference_rule not in document_text(documents[PieceKind.CCTP])
    ):
        findings.append(
            Finding(
                Rule.PSE,
                PieceKind.CCTP.display,
                "le CCTP n'énonce pas la règle des PSE des autres pièces.",
            )
        )
    if not listed:
        return findings
    # The base is a piece that names every PSE by its title (the CCTP may not: see IN_TABLE).
    base_piece, base = next(
        (entry for entry in listed.items() if entry[0] != PieceKind.CCTP.display),
        next(iter(listed.items())),
    )
    for piece, shown in listed.items():
        for item_id in sorted(set(base) ^ set(shown)):
            has, lacks = (base_piece, piece) if item_id in base else (piece, base_piece)
            findings.append(
                Finding(
                    Rule.PSE,
                    piece,
                    f"la PSE {item_id} figure dans {has} mais pas dans {lacks}.",
                )
            )
        for item_id in sorted(set(base) & set(shown)):
            if IN_TABLE not in (base[item_id], shown[item_id]) and base[item_id] != shown[item_id]:
                findings.append(
                    Finding(
                        Rule.PSE,
                        piece,
                        f"la PSE {item_id} est intitulée « {shown[item_id]} » au lieu de « {base[item_id]} ».",
                    )
                )
    return findings


def _facts(documents: dict[PieceKind, CctpDocument]) -> list[Finding]:
    seen: dict[Fact, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    references: dict[str, str] = {}
    for kind, document in documents.items():
        references[kind.display] = document.reference
        for key, printed in collect_facts(document).items():
            if key in (Fact.PSE, Fact.PSE_RULE):
                continue
            for value in printed:
                seen[key][_plain(value)].add(kind.display)
    findings: list[Finding] = []
    for key, variants in seen.items():
        if len(variants) < 2:
            continue
        common = max(variants, key=lambda value: len(variants[value]))
        for value, holders in variants.items():
            if value == common:
                continue
            for piece in sorted(holders):
                findings.append(
                    Finding(Rule.FACTS, piece, f"{key} « {value} » au lieu de « {common} ».")
                )
    distinct = set(references.values())
    if len(distinct) > 1:
        common = max(distinct, key=lambda value: list(references.values()).count(value))
        for piece, value in references.items():
            if value != common:
                findings.append(
                    Finding(
                        Rule.FACTS,
                        piece,
                        f"référence en tête de document « {value} » au lieu de « {common} ».",
                    )
                )
    return findings


def _order(pieces: list[Piece]) -> list[Finding]:
    findings: list[Finding] = []
    ranks = [PRECEDENCE.index(p.kind) for p in pieces]
    for before, after, piece in zip(ranks, ranks[1:], pieces[1:], strict=False):
        if after <= before:
            findings.append(
                Finding(
                    Rule.ORDER,
                    piece.kind.display,
                    "le manifeste ne liste pas les pièces dans leur ordre de priorité (acte "
                    "d'engagement ou devis, annexes financières, CCAP, CCTP, puis pièces de la "
                    "consultation).",
                )
            )
    return findings
