"""The contractor can plan reversibility: the notice of non-renewal is longer than the
reversibility window, and the plan is due at dates it knows of.

Finding 3 of the review of 1 December 2026: the plan was due six months before the term while the
buyer could decide not to renew three months before it.
"""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from tests.conftest import plain_text as _plain
from webpass.documents.ccap import build_ccap
from webpass.documents.coherence import document_text
from webpass.documents.phases import REVERSIBILITY_MONTHS
from webpass.dossier.opening import open_dossier


@pytest.mark.parametrize("example", ["communaute-de-communes", "petite-commune"])
def test_the_notice_leaves_time_to_confirm_the_plan(example: str) -> None:
    selection = open_dossier(REPO / "examples" / example).selection
    ccap = _plain(document_text(build_ccap(selection)))
    notice = selection.catalog.item("A09").parameters[0]
    assert notice.minimum is not None and notice.minimum > REVERSIBILITY_MONTHS
    assert "au moins 6 mois avant la fin de la période en cours" in ccap
    assert "Six mois avant le terme" not in ccap
    if example == "communaute-de-communes":
        assert "Le titulaire remet à la vérification d'aptitude un plan de réversibilité" in ccap
        assert (
            "le confirme dans les quinze jours qui suivent la notification de la décision" in ccap
        )


@pytest.mark.parametrize("example", ["communaute-de-communes", "petite-commune"])
def test_the_warranty_survives_the_term(example: str) -> None:
    """Review n° 18: a warranty extended until a fix may outlive a non-renewal."""
    selection = open_dossier(REPO / "examples" / example).selection
    document = build_ccap(selection)
    ccap = _plain(document_text(document))
    assert (
        "et les obligations de garantie de l'article 8 du CCAP, qui survivent au terme, sont "
        "exécutées après lui." in ccap
    )
    assert any(a.number == "8" and a.title == "Garantie" for a in document.walk())
