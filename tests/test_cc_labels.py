"""Labels and prices that said more than the requirement (review of 1 December 2026, n° 14-16):
subtitles paid twice, a C12 « option » that is no PSE, the scheme's « five » and « 20 % »."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from tests.conftest import plain_text as _plain
from webpass.documents.coherence import document_text
from webpass.documents.dce import assemble_dce
from webpass.documents.pieces import PieceKind
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid

EXAMPLE = REPO / "examples" / "communaute-de-communes"


@pytest.fixture(scope="module")
def pieces() -> dict[PieceKind, str]:
    bundle = assemble_dce(open_dossier(EXAMPLE).selection)
    return {
        p.kind: _plain(document_text(p.document)) for p in bundle.pieces if p.document is not None
    }


def test_the_tutorials_are_subtitled_in_their_own_price(pieces: dict[PieceKind, str]) -> None:
    cctp = pieces[PieceKind.CCTP]
    assert (
        "réalise au titre d'une autre exigence sont sous-titrées et transcrites dans le prix"
        in cctp
    )
    assert "vidéos réalisées par le titulaire sont livrées sous-titrées" not in cctp


def test_no_label_promises_an_option_or_a_scheme_threshold(pieces: dict[PieceKind, str]) -> None:
    for kind, text in pieces.items():
        for stale in (
            "en option, tourisme",
            "au moins 20 % des communes",
            "Au moins cinq téléservices",
        ):
            assert stale not in text, (kind, stale)
    grid = {row.id: row for row in build_grid(open_dossier(EXAMPLE).selection).rows}
    assert _plain(grid["C12"].title) == "Rubrique « Vie pratique »"
    # The téléservices are listed by the CCTP: conformity, no count to fill in.
    assert grid["F01"].answer_kind == "conformite" and grid["F01"].minimum is None
    assert "sites propres des communes dotées d'une identité propre (K02" in pieces[PieceKind.CCAP]
