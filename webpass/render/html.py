"""The CCTP as HTML, from the Jinja2 templates in ``cctp_templates/`` (PDF uses the same HTML).

Templates receive plain data only (dicts, lists, strings), built here from the document model,
and run in the sandboxed environment of :mod:`webpass.untrusted.sandbox`: a user template passed with
``--modeles`` can restyle or restructure the document but cannot reach Python objects or files.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import TemplateError
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from webpass import __version__
from webpass.core.errors import InputError
from webpass.core.resources import shipped_templates_dir
from webpass.documents.cctp import (
    Article,
    Block,
    CctpDocument,
    ListBlock,
    Note,
    Paragraph,
    Run,
    TableBlock,
)
from webpass.untrusted.sandbox import RenderLimitExceeded, render_bounded, template_environment

__all__ = ["MAX_HTML_CHARS", "document_view", "render_html", "template_search_path"]

TEMPLATE = "cctp.html.j2"
MAX_HTML_CHARS = 20_000_000
MAX_HTML_SECONDS = 20.0


def template_search_path(user_dir: Path | None) -> list[Path]:
    """The user's template folder first (when given), then the shipped one."""
    shipped = shipped_templates_dir()
    if user_dir is None:
        return [shipped]
    if not user_dir.is_dir():
        raise InputError(f"dossier de modèles « {user_dir} » introuvable.")
    return [user_dir, shipped]


def _runs(runs: Sequence[Run]) -> list[dict[str, Any]]:
    return [{"text": r.text, "bold": r.bold, "italic": r.italic, "href": r.href} for r in runs]


def _block(block: Block) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "runs": _runs(block.runs)}
    if isinstance(block, ListBlock):
        return {
            "type": "list",
            "ordered": block.ordered,
            "entries": [_runs(e) for e in block.entries],
        }
    if isinstance(block, TableBlock):
        return {
            "type": "table",
            "header": list(block.header),
            "rows": [list(row) for row in block.rows],
            "widths": list(block.widths),
            "caption": block.caption,
            "row_height_mm": block.row_height_mm,
        }
    assert isinstance(block, Note)
    return {"type": "note", "kind": block.kind, "runs": _runs(block.runs)}


def _article(article: Article) -> dict[str, Any]:
    return {
        "number": article.number,
        "title": article.title,
        "anchor": article.anchor,
        "depth": article.depth,
        "heading": min(article.depth + 1, 6),
        "item_id": article.item_id,
        "blocks": [_block(b) for b in article.blocks],
        "children": [_article(c) for c in article.children],
    }


def _letter(document: CctpDocument) -> dict[str, Any] | None:
    letter = document.letter
    if letter is None:
        return None
    return {
        "sender": list(letter.sender),
        "addressee": list(letter.addressee),
        "place_date": letter.place_date,
        "references": [list(pair) for pair in letter.references],
        "subject_label": letter.subject_label,
        "subject": letter.subject,
        "salutation": letter.salutation,
        "closing": letter.closing,
        "signatory_quality": letter.signatory_quality,
        "signatory_name": letter.signatory_name,
    }


def document_view(document: CctpDocument) -> dict[str, Any]:
    """The plain data a template sees."""
    toc = []
    # A short piece (toc_depth 0) has no contents.
    for article in [*document.articles, *document.annexes] if document.toc_depth else []:
        toc.append(
            {"number": article.number, "title": article.title, "anchor": article.anchor, "depth": 1}
        )
        if not article.number.startswith("A") and document.toc_depth > 1:
            toc += [
                {"number": c.number, "title": c.title, "anchor": c.anchor, "depth": 2}
                for c in article.children
            ]
    if document.glossary:
        toc.append({"number": "", "title": "Glossaire", "anchor": "glossaire", "depth": 1})
    return {
        "doc": {
            "title": document.title,
            "object": document.object,
            "buyer": document.buyer,
            "buyer_kind": document.buyer_kind,
            "reference": document.reference,
            "date_text": document.date_text,
            "catalog_version": document.catalog_version,
            "running_title": document.running_title,
            "acronym": document.acronym,
            "glossary": [list(pair) for pair in document.glossary],
        },
        "letter": _letter(document),
        "articles": [_article(a) for a in document.articles],
        "annexes": [_article(a) for a in document.annexes],
        "toc": toc,
        "created": f"{document.date.isoformat()}T00:00:00Z",
        "answers_b64": base64.b64encode(document.answers_yaml.encode("utf-8")).decode("ascii"),
        "generator_version": __version__,
    }


def render_html(document: CctpDocument, search_path: Sequence[Path] | None = None) -> str:
    """The complete HTML document (CSS inlined); raises :class:`InputError` for a bad template."""
    paths = list(search_path or [shipped_templates_dir()])
    env = template_environment(paths)
    try:
        css = env.loader.get_source(env, "cctp.css")[0] if env.loader else ""
        context = {**document_view(document), "css": Markup(css)}  # noqa: S704 - CSS from the template folder, trusted like the templates
        html = render_bounded(
            env.get_template(TEMPLATE),
            context,
            MAX_HTML_CHARS,
            MAX_HTML_SECONDS,
            "le modèle de document",
        )
    except RenderLimitExceeded as exc:
        raise InputError(str(exc)) from exc
    except SecurityError as exc:
        raise InputError(
            f"modèle de document refusé : il tente d'accéder à un élément interdit ({exc})."
        ) from exc
    except (TemplateError, OverflowError, TypeError, ValueError) as exc:
        raise InputError(f"modèle de document invalide : {exc}") from exc
    except MemoryError as exc:  # pragma: no cover - guarded by the size check in practice
        raise InputError("modèle de document refusé : il produit un document démesuré.") from exc
    return html
