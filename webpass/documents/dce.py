"""The DCE bundle (dossier de consultation des entreprises): one zip for the salle des marchés.

It holds the CCTP (PDF and DOCX), the response grid (XLSX, with its DPGF and BPU parts), the
price schedule as a separate workbook for platforms that ask for a financial document of its
own, the règlement de la consultation (RC), the tailored
requirements as an OCDS release (``tender.criteria`` → ``requirementGroups`` →
``requirements``), a short French notice and a manifest of SHA-256 sums. The zip is
byte-reproducible: fixed timestamps, members in a fixed order.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from webpass.core.errors import InputError
from webpass.core.frozen_record import frozen_record
from webpass.core.slug import slugify
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.cctp import CctpDocument, TableBlock, build_document
from webpass.documents.coherence import Finding, Rule, check_pieces
from webpass.documents.pieces import Piece, PieceKind, make_piece, piece_labels, plan_pieces
from webpass.documents.terms import DceTerms, dce_terms, member_siren
from webpass.documents.typography import french_spacing
from webpass.dossier.answers import ANSWERS_FILE, missing_fields
from webpass.grid.build import build_grid
from webpass.grid.carried import self_check_notice
from webpass.grid.export import export_grid, export_prices
from webpass.grid.model import Grid
from webpass.render.styles import Styles, styles_for
from webpass.selection.distinct_trade import distinct_trade_findings
from webpass.selection.engine import Selection

if TYPE_CHECKING:
    from webpass.render.dispatch import PdfEngine

__all__ = [
    "DceBundle",
    "DceMember",
    "DceOutput",
    "IncoherentDce",
    "assemble_dce",
    "build_dce",
    "make_dce",
    "ocds_release",
    "verify_dce",
]

OCDS_REQUIREMENTS_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_requirements_extension/master/extension.json"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


@frozen_record
class DceMember:
    """A file of the bundle and its SHA-256."""

    name: str
    size: int
    sha256: str


def _data_type(kind: str) -> str:
    return {
        "conformite": "boolean",
        "nombre": "integer",
        "texte": "string",
        "information": "string",
    }[kind]


# The org-id.guide list of the SIREN (groupement review R11: an identifier without its scheme
# is a bare number). org-id.guide lists the SIREN under « FR-RCS » (lists/fr/fr-rcs.json of
# github.com/org-id/register, read in December 2026), its « FR-INSEE » list being deprecated in
# its favour; the communes and their groupements, outside the trade register, have a SIREN of
# the same SIRENE directory.
SIREN_SCHEME = "FR-RCS"


def _identifier(siren: str, name: str) -> dict[str, str]:
    return {"scheme": SIREN_SCHEME, "id": siren, "legalName": name}


def _parties(
    selection: Selection, document: CctpDocument, members: Sequence[str]
) -> list[dict[str, Any]]:
    """The buyer, who runs the procedure, then each member of a groupement de commandes, a buyer
    of its own share (review of 1 December 2026, groupement N15)."""
    body = selection.answers.collectivity
    buyer: dict[str, Any] = {
        "id": slugify(document.buyer),
        "name": document.buyer,
        "roles": ["buyer", "procuringEntity"],
    }
    if body.siren:
        buyer["identifier"] = _identifier(body.siren, document.buyer)
    parties = [buyer]
    communes = {m.name: m for m in body.members}
    for member in members:
        name = f"Commune de {member}"
        party: dict[str, Any] = {"id": slugify(name), "name": name, "roles": ["buyer"]}
        # The SIREN the members annex prints (groupement R11): one source, the State's reference.
        siren = member_siren(communes[member]) if member in communes else None
        if siren:
            party["identifier"] = _identifier(siren, name)
        parties.append(party)
    return parties


def ocds_release(
    selection: Selection, grid: Grid, document: CctpDocument, members: Sequence[str] = ()
) -> dict[str, Any]:
    """The tailored requirements as an OCDS 1.1 release package with the requirements extension.

    ``members``: the communes of a groupement de commandes that join the contract.
    """
    catalog = selection.catalog
    criteria = []
    for section in catalog.sections:
        rows = [row for row in grid.rows if row.id.startswith(section.letter)]
        if not rows:
            continue
        requirements = []
        for row in rows:
            requirement: dict[str, Any] = {
                "id": row.id,
                "title": row.title,
                "description": row.text,
                # A rate takes decimals (99,5 %); counts and durations are whole.
                "dataType": "number" if row.unit == "%" else _data_type(row.answer_kind),
            }
            if row.answer_kind == "conformite":
                requirement["expectedValue"] = True
            if row.minimum is not None:
                # A JSON number: an integer when whole (5), else a decimal (99.5).
                whole = row.minimum == row.minimum.to_integral_value()
                requirement["minValue"] = int(row.minimum) if whole else float(row.minimum)
            requirement["webpass"] = {
                "empreinte": row.fingerprint,
                "niveauExigence": row.strength_label,
                "reponseAttendue": row.question,
            }
            requirements.append(requirement)
        criteria.append(
            {
                "id": section.letter,
                "title": section.title,
                "source": "tenderer",
                "relatesTo": "tenderer",
                "requirementGroups": [{"id": f"{section.letter}-1", "requirements": requirements}],
            }
        )
    reference = grid.reference
    date = f"{grid.launch_date.isoformat()}T00:00:00Z"
    return {
        "uri": f"urn:webpass:{slugify(reference)}",
        "version": "1.1",
        "publishedDate": date,
        "publisher": {"name": document.buyer},
        "extensions": [OCDS_REQUIREMENTS_EXTENSION],
        "releases": [
            {
                "ocid": f"ocds-webpass-{slugify(reference)}",
                "id": f"{slugify(reference)}-dce",
                "date": date,
                "tag": ["tender"],
                "initiationType": "tender",
                "language": "fr",
                "parties": _parties(selection, document, members),
                "buyer": {"id": slugify(document.buyer), "name": document.buyer},
                "tender": {
                    "id": reference,
                    "title": document.object,
                    # Published on the launch date, the tender is open to bids (review n° 26).
                    "status": "active",
                    "mainProcurementCategory": "services",
                    "procurementMethodDetails": selection.procedure.name,
                    "procuringEntity": {"id": slugify(document.buyer), "name": document.buyer},
                    # No "value": the estimate is the buyer's, never published (it pulls prices up).
                    "criteria": criteria,
                },
            }
        ],
    }


def _notice(document: CctpDocument, pieces: list[Piece], files: dict[PieceKind, list[str]]) -> str:
    grid_file = (files.get(PieceKind.GRID) or ["CADRE-DE-REPONSE.xlsx"])[0]
    lines = [
        f"Dossier de consultation — {document.object}",
        f"Acheteur : {document.buyer} — référence {document.reference} — {document.date_text}",
        "",
        "Ce fichier est donné pour information : il ne fixe aucune règle. Les règles de la",
        f"consultation sont celles {_rules_piece(pieces)} ; les pièces du marché et leur",
        f"ordre de priorité sont fixés par le seul article {CcapArticle.PIECES.number} du CCAP.",
        "",
        "Fichiers du dossier :",
    ]
    # Numbered as listed, 1, 2, 3…: the precedence is the order itself, so the pieces a procedure
    # leaves out leave no hole in the numbers.
    for number, piece in enumerate(pieces, start=1):
        status = "pièce contractuelle" if piece.kind.contractual else "pièce de la consultation"
        lines.append(f"  {number:2}. {_notice_label(piece)} ({status})")
        lines += [f"        {name}" for name in files[piece.kind]]
    lines += [
        "",
        f"Le contenu de l'offre et son jugement sont fixés par les règles {_rules_piece(pieces)}.",
        "",
        *self_check_notice(grid_file),
        "Le fichier manifeste.sha256 donne l'empreinte SHA-256 de chaque pièce, dans le même ordre.",
    ]
    # The notice is read by people: French typography, as in every other piece. File names and
    # the command line hold no apostrophe nor space before a colon, so they come out unchanged.
    return "\n".join(french_spacing(line) for line in lines) + "\n"


def _rules_piece(pieces: list[Piece]) -> str:
    """« de la lettre de consultation » or « du règlement de la consultation (RC) »."""
    if any(piece.kind is PieceKind.LETTER for piece in pieces):
        return "de la lettre de consultation"
    return "du règlement de la consultation (RC)"


def _notice_label(piece: Piece) -> str:
    """The piece as the notice names it: the letter and the RC are not « présents » here."""
    return piece.label.replace("la présente ", "la ").replace("le présent ", "le ")


class IncoherentDce(InputError):
    """The pieces of the DCE contradict each other; the message lists every finding."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__(
            "le dossier de consultation n'est pas cohérent, corrigez le dossier ou le catalogue :\n"
            + "\n".join(f"  - {finding}" for finding in findings)
        )


@dataclass
class DceBundle:
    """The pieces of a DCE as models, before rendering, with what the check needs."""

    terms: DceTerms
    pieces: list[Piece]
    grid: Grid
    prices: bytes | None
    note: CctpDocument | None

    @property
    def cctp(self) -> CctpDocument:
        """The CCTP model."""
        return next(p.document for p in self.pieces if p.kind is PieceKind.CCTP and p.document)

    def price_ids(self) -> dict[str, set[str]]:
        """The ids of the price lines each pricing piece shows, read from the piece itself."""
        found = {PieceKind.GRID.display: {row.id for row in self.grid.rows if row.price}}
        if self.prices is not None:
            found[PieceKind.PRICES.display] = _workbook_ids(self.prices)
        for piece in self.pieces:
            if piece.kind is PieceKind.QUOTE_FORM and piece.document is not None:
                found[piece.kind.display] = _table_ids(piece.document)
        return found

    def check(self) -> list[Finding]:
        """Every incoherence between the pieces."""
        priced = {line.item_id for line in self.terms.price_lines}
        return _distinct_trades(self.terms.selection) + check_pieces(
            self.pieces, self.terms.data, priced, self.price_ids()
        )


def _distinct_trades(selection: Selection) -> list[Finding]:
    # The selection only warns; the consultation file is where the contract is fixed, so it
    # refuses a distinct trade the dossier neither leaves out nor justifies.
    return [
        Finding(Rule.DISTINCT_TRADE, "CCTP", f"{found.message} Correction : {found.fix}")
        for found in distinct_trade_findings(selection)
    ]


def _workbook_ids(data: bytes) -> set[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True)
    ids = set()
    for sheet in workbook.worksheets:
        for (value,) in sheet.iter_rows(min_col=1, max_col=1, values_only=True):
            if isinstance(value, str) and _ITEM.match(value):
                ids.add(value)
    workbook.close()
    return ids


def _table_ids(document: CctpDocument) -> set[str]:
    ids = set()
    for article in document.walk():
        for block in article.blocks:
            if isinstance(block, TableBlock):
                for row in block.rows:
                    # A line names its requirement first; a phase names the grid line carrying it.
                    match = (_ITEM_PREFIX.match(row[0]) or _CARRIER.search(row[0])) if row else None
                    if match:
                        ids.add(match.group(1))
    return ids


_ITEM = re.compile(r"^[A-Z]\d{2}$")
_ITEM_PREFIX = re.compile(r"^([A-Z]\d{2}) —")
_CARRIER = re.compile(r"prix porté sur la\s+ligne\s+([A-Z]\d{2})\b")


def refuse_holes(selection: Selection) -> None:
    """Refuse a DCE whose clauses still say « [à compléter : …] ».

    ``webpass generer`` only warns (a CCTP may be a draft), but the DCE goes to the bidders: a
    clause that does not name what it asks for (F08's business software) cannot be priced.
    """
    holes = [
        (selected.item.id, parameter)
        for selected in selection.items
        for parameter in missing_fields(selected.item, selection.answers)
    ]
    if not holes:
        return
    listed = " ; ".join(
        f"valeurs.{item_id}.{parameter.key} ({parameter.label})" for item_id, parameter in holes
    )
    item_id, first = holes[0]
    raise InputError(
        f"{ANSWERS_FILE} : le dossier de consultation ne peut pas partir avec des clauses à compléter, "
        f"qu'aucun prestataire ne saurait chiffrer : {listed}. Donnez chaque valeur dans le bloc "
        f"« valeurs » du fichier (par exemple « valeurs: {{{item_id}: {{{first.key}: …}}}} »)"
        + (f" — {first.hint.strip()}" if first.hint else "")
        + " — ou répondez de nouveau à l'assistant (webpass nouveau)."
    )


def assemble_dce(selection: Selection) -> DceBundle:
    """The pieces the procedure calls for, as document models, in order of precedence."""
    from webpass.documents.ae import ae_document
    from webpass.documents.ccap import ccap_document
    from webpass.documents.convention import convention_document
    from webpass.documents.members import payer_shares
    from webpass.documents.quotes import letter_document, quote_form_document, quotes_note_document
    from webpass.documents.rc import build_rc

    refuse_holes(selection)
    terms = dce_terms(selection)
    kinds = plan_pieces(terms)
    labels = piece_labels(terms)
    grid = build_grid(selection)
    builders = {
        PieceKind.QUOTE_FORM: lambda: quote_form_document(terms),
        PieceKind.ACT: lambda: ae_document(terms),
        PieceKind.CCAP: lambda: ccap_document(terms),
        PieceKind.CCTP: lambda: build_document(selection),
        PieceKind.LETTER: lambda: letter_document(
            terms, piece_labels(terms, omit=PieceKind.LETTER)
        ),
        PieceKind.RC: lambda: build_rc(selection, labels),
        PieceKind.CONVENTION: lambda: convention_document(terms),
    }
    pieces = [
        make_piece(kind, terms, builders[kind]() if kind in builders else None) for kind in kinds
    ]
    shares = payer_shares(terms) if terms.joint_purchasing else []
    prices = export_prices(grid, shares) if PieceKind.PRICES in kinds else None
    note = quotes_note_document(terms) if terms.simplified else None
    return DceBundle(terms, pieces, grid, prices, note)


def _files(
    bundle: DceBundle, styles: Styles, engine: PdfEngine | None
) -> dict[PieceKind, list[tuple[str, bytes]]]:
    from webpass.render.dispatch import render_document

    stem = slugify(bundle.cctp.buyer)
    files: dict[PieceKind, list[tuple[str, bytes]]] = {}
    for piece in bundle.pieces:
        name = f"{piece.kind.value}-{stem}"
        if piece.document is not None:
            # Every piece is a document model: the one dispatcher renders them all alike.
            files[piece.kind] = [
                (f"{name}.{fmt}", render_document(piece.document, fmt, styles, engine))
                for fmt in ("pdf", "docx")
            ]
        elif piece.kind is PieceKind.GRID:
            files[piece.kind] = [(f"{name}.xlsx", export_grid(bundle.grid, "xlsx"))]
        elif piece.kind is PieceKind.PRICES and bundle.prices is not None:
            files[piece.kind] = [(f"{name}.xlsx", bundle.prices)]
        elif piece.kind is PieceKind.OCDS:
            terms = bundle.terms
            members = terms.joining_members if terms.joint_purchasing else []
            release = ocds_release(terms.selection, bundle.grid, bundle.cctp, members)
            text = json.dumps(release, ensure_ascii=False, indent=2) + "\n"
            files[piece.kind] = [(f"{name}.json", text.encode("utf-8"))]
    return files


@frozen_record
class DceOutput:
    """The zip, its members, and the buyer's own files that do not go to the bidders."""

    data: bytes
    members: list[DceMember]
    internal: list[tuple[str, bytes]]


def make_dce(
    selection: Selection, templates: Path | None = None, engine: PdfEngine | None = None
) -> DceOutput:
    """Assemble, check and render the DCE; raises :class:`IncoherentDce` on any incoherence."""
    bundle = assemble_dce(selection)
    findings = bundle.check()
    if findings:
        raise IncoherentDce(findings)
    styles = styles_for(templates)
    rendered = _files(bundle, styles, engine)
    files = [entry for piece in bundle.pieces for entry in rendered[piece.kind]]
    names = {kind: [name for name, _ in entries] for kind, entries in rendered.items()}
    notice = _notice(bundle.cctp, bundle.pieces, names)
    files.append(("LISEZ-MOI.txt", notice.encode("utf-8")))
    members = [DceMember(name, len(data), hashlib.sha256(data).hexdigest()) for name, data in files]
    manifest = "".join(f"{m.sha256}  {m.name}\n" for m in members)
    files.append(("manifeste.sha256", manifest.encode("utf-8")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    internal: list[tuple[str, bytes]] = []
    if bundle.note is not None:
        from webpass.render.dispatch import render_document

        stem = f"note-des-devis-{slugify(bundle.cctp.buyer)}"
        internal = [
            (f"{stem}.{fmt}", render_document(bundle.note, fmt, styles, engine))
            for fmt in ("pdf", "docx")
        ]
    return DceOutput(buffer.getvalue(), members, internal)


def build_dce(
    selection: Selection, templates: Path | None = None, engine: PdfEngine | None = None
) -> tuple[bytes, list[DceMember]]:
    """The DCE zip of a selection and the list of its members."""
    output = make_dce(selection, templates, engine)
    return output.data, output.members


def verify_dce(selection: Selection) -> list[Finding]:
    """The incoherences between the pieces of the DCE, without rendering them."""
    return assemble_dce(selection).check()
