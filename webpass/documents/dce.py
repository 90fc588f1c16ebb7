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
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from webpass.core.slug import slugify
from webpass.documents.cctp import CctpDocument, build_document
from webpass.grid.build import build_grid
from webpass.grid.export import export_grid, export_prices
from webpass.grid.model import Grid
from webpass.render.html import template_search_path
from webpass.selection.engine import Selection

__all__ = ["DceMember", "build_dce", "ocds_release"]

OCDS_REQUIREMENTS_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_requirements_extension/master/extension.json"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class DceMember:
    """A file of the bundle and its SHA-256."""

    name: str
    size: int
    sha256: str


def _data_type(kind: str) -> str:
    return {"conformite": "boolean", "nombre": "integer", "texte": "string"}[kind]


def ocds_release(selection: Selection, grid: Grid, document: CctpDocument) -> dict[str, Any]:
    """The tailored requirements as an OCDS 1.1 release package with the requirements extension."""
    catalog = selection.catalog
    estimate = selection.estimate
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
                "dataType": _data_type(row.answer_kind),
            }
            if row.answer_kind == "conformite":
                requirement["expectedValue"] = True
            if row.minimum is not None:
                requirement["minValue"] = row.minimum
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
                "buyer": {"name": document.buyer},
                "tender": {
                    "id": reference,
                    "title": document.object,
                    "status": "planned",
                    "mainProcurementCategory": "services",
                    "procurementMethodDetails": selection.procedure.name,
                    "value": {"amount": float(estimate.total.high), "currency": "EUR"},
                    "criteria": criteria,
                },
            }
        ],
    }


def _notice(document: CctpDocument, names: list[str]) -> str:
    lines = [
        f"Dossier de consultation — {document.object}",
        f"Acheteur : {document.buyer} — référence {document.reference} — {document.date_text}",
        "",
        "Pièces du dossier :",
        *[f"  - {name}" for name in names],
        "",
        "Répondez dans le cadre de réponse (fichier XLSX) : une ligne par exigence, avec la conformité,",
        "la justification de toute réponse autre que « Conforme » et les prix. Le fichier DPGF-BPU reprend",
        "les mêmes lignes de prix pour les plateformes qui demandent une pièce financière séparée : les",
        "montants doivent y être identiques. Ne modifiez ni les textes ni les empreintes des exigences.",
        "",
        "Avant de déposer votre offre, vous pouvez la vérifier vous-même : webpass verifier VOTRE-GRILLE.xlsx",
        "Le fichier manifeste.sha256 donne l'empreinte SHA-256 de chaque pièce.",
    ]
    return "\n".join(lines) + "\n"


def build_dce(selection: Selection, templates: Path | None = None) -> tuple[bytes, list[DceMember]]:
    """The DCE zip of a selection and the list of its members."""
    from webpass.documents.rc import rc_files
    from webpass.render.cctp_pdf import render_pdf
    from webpass.render.docx import render_docx

    document = build_document(selection)
    grid = build_grid(selection)
    search_path = template_search_path(templates)
    reference = next(p / "reference.docx" for p in search_path if (p / "reference.docx").is_file())
    stem = slugify(document.buyer)
    files: list[tuple[str, bytes]] = [
        (f"CCTP-{stem}.pdf", render_pdf(document, search_path)),
        (f"CCTP-{stem}.docx", render_docx(document, reference)),
        (f"cadre-de-reponse-{stem}.xlsx", export_grid(grid, "xlsx")),
        (f"DPGF-BPU-{stem}.xlsx", export_prices(grid)),
    ]
    files += rc_files(selection, document)
    ocds = json.dumps(ocds_release(selection, grid, document), ensure_ascii=False, indent=2) + "\n"
    files.append((f"exigences-ocds-{stem}.json", ocds.encode("utf-8")))
    files.append(("LISEZ-MOI.txt", _notice(document, [name for name, _ in files]).encode("utf-8")))
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
    return buffer.getvalue(), members
