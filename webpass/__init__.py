"""webpass: tender documents for the websites of small French collectivities.

The command line (:mod:`webpass.cli`) is a thin layer over this library; the batch mode and the
tests call the library directly. The data flows through the sub-packages in this order (see
``ARCHITECTURE.md``): catalogue + answers → dossier → selection → documents → render, and the
bidders' side grid → compare.

The public API below is imported lazily, on first attribute access, so ``import webpass`` (and
``webpass --help``) stays fast and never imports WeasyPrint, python-docx or openpyxl.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name → module that defines it
_API: dict[str, str] = {
    # errors every caller may catch
    "WebpassError": "webpass.core.errors",
    "InputError": "webpass.core.errors",
    "ValidationFailed": "webpass.core.errors",
    # catalogue and dossier
    "Catalog": "webpass.catalog.loaded",
    "load_catalog": "webpass.catalog.load",
    "load_shipped_catalog": "webpass.catalog",
    "Answers": "webpass.dossier.answers",
    "load_reference": "webpass.collectivities.reference",
    "find_commune": "webpass.collectivities.lookup",
    "find_epci": "webpass.collectivities.lookup",
    "load_answers": "webpass.dossier.answers",
    "Dossier": "webpass.dossier.opening",
    "open_dossier": "webpass.dossier.opening",
    "build_dossier": "webpass.dossier.opening",
    # selection
    "Selection": "webpass.selection.engine",
    "select": "webpass.selection.engine",
    # documents and their rendering
    "CctpDocument": "webpass.documents.cctp",
    "build_document": "webpass.documents.cctp",
    "build_rc": "webpass.documents.rc",
    "build_rao": "webpass.documents.rao",
    "build_dce": "webpass.documents.dce",
    "build_ccap": "webpass.documents.ccap",
    "build_ae": "webpass.documents.ae",
    "verify_dce": "webpass.documents.dce",
    "generate": "webpass.render.dispatch",
    "render_document": "webpass.render.dispatch",
    # the bidders' grid and the comparison of offers
    "Grid": "webpass.grid.model",
    "build_grid": "webpass.grid.build",
    "export_grid": "webpass.grid.export",
    "read_filled_grid": "webpass.grid.read",
    "check_offer": "webpass.grid.check",
    "verify_offer": "webpass.grid.verify",
    "Comparison": "webpass.compare.scoring",
    "read_offers": "webpass.compare.scoring",
    "compare_offers": "webpass.compare.run",
    "load_notes": "webpass.compare.notes",
    # aid schemes
    "compute_subsidy": "webpass.aid.compute",
    "check_financing": "webpass.aid.financing",
    "load_shipped_subsidy_rules": "webpass.aid.rules",
    "aid_statement": "webpass.aid.attach",
    # batch mode and observatory
    "run_batch": "webpass.batch.run",
    "classify": "webpass.observatory.classify",
}

# written out (not derived from _API) so linters and editors read it; a test keeps both equal
__all__ = [
    "Answers",
    "Catalog",
    "CctpDocument",
    "Comparison",
    "Dossier",
    "Grid",
    "InputError",
    "Selection",
    "ValidationFailed",
    "WebpassError",
    "__version__",
    "aid_statement",
    "build_ae",
    "build_ccap",
    "build_dce",
    "build_document",
    "build_dossier",
    "build_grid",
    "build_rao",
    "build_rc",
    "check_financing",
    "check_offer",
    "classify",
    "compare_offers",
    "compute_subsidy",
    "export_grid",
    "find_commune",
    "find_epci",
    "generate",
    "load_answers",
    "load_catalog",
    "load_notes",
    "load_reference",
    "load_shipped_catalog",
    "load_shipped_subsidy_rules",
    "open_dossier",
    "read_filled_grid",
    "read_offers",
    "render_document",
    "run_batch",
    "select",
    "verify_dce",
    "verify_offer",
]

if TYPE_CHECKING:  # the same names, eagerly, for type checkers and editors
    from webpass.aid.attach import aid_statement
    from webpass.aid.compute import compute_subsidy
    from webpass.aid.financing import check_financing
    from webpass.aid.rules import load_shipped_subsidy_rules
    from webpass.batch.run import run_batch
    from webpass.catalog import load_shipped_catalog
    from webpass.catalog.load import load_catalog
    from webpass.catalog.loaded import Catalog
    from webpass.collectivities.lookup import find_commune, find_epci
    from webpass.collectivities.reference import load_reference
    from webpass.compare.notes import load_notes
    from webpass.compare.run import compare_offers
    from webpass.compare.scoring import Comparison, read_offers
    from webpass.core.errors import InputError, ValidationFailed, WebpassError
    from webpass.documents.ae import build_ae
    from webpass.documents.ccap import build_ccap
    from webpass.documents.cctp import CctpDocument, build_document
    from webpass.documents.dce import build_dce, verify_dce
    from webpass.documents.rao import build_rao
    from webpass.documents.rc import build_rc
    from webpass.dossier.answers import Answers, load_answers
    from webpass.dossier.opening import Dossier, build_dossier, open_dossier
    from webpass.grid.build import build_grid
    from webpass.grid.check import check_offer
    from webpass.grid.export import export_grid
    from webpass.grid.model import Grid
    from webpass.grid.read import read_filled_grid
    from webpass.grid.verify import verify_offer
    from webpass.observatory.classify import classify
    from webpass.render.dispatch import generate, render_document
    from webpass.selection.engine import Selection, select


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'webpass' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later accesses skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})
