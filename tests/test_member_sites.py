"""What a bidder needs to price the communes' own sites: their current sites, from the dossier.

Review of 1 December 2026, n° 2: nothing described fouesnant.fr, benodet.fr and saint-evarzec.fr
(volume, tool, host, domain) nor said who takes them over.
"""

from __future__ import annotations

import yaml

from tests.conftest import REPO, answers_from_text
from tests.conftest import plain_text as _plain
from webpass.documents.cctp import build_document
from webpass.documents.coherence import document_text
from webpass.dossier.opening import open_dossier
from webpass.selection.engine import Selection, select

EXAMPLE = REPO / "examples" / "communaute-de-communes"


def test_the_annex_describes_each_current_site_from_the_dossier(groupement: Selection) -> None:
    cctp = build_document(groupement)
    annex = next(a for a in cctp.annexes if a.title == "Communes membres")
    table = next(b for b in annex.blocks if hasattr(b, "rows"))
    assert "Site actuel" in table.header  # type: ignore[attr-defined]
    rows = {row[0]: row for row in table.rows}  # type: ignore[attr-defined]
    for member in groupement.answers.collectivity.members:
        current = member.current_site
        cell = _plain(rows[member.name][3])
        if current is None:
            assert cell == "aucun site actuel déclaré"
        else:
            assert current.url in cell and f"environ {current.pages} pages" in cell


def test_k02_takes_over_the_described_sites(groupement: Selection) -> None:
    text = _plain(document_text(build_document(groupement)))
    assert (
        "L'annexe « Communes membres » décrit le site actuel de Fouesnant, Bénodet et "
        "Saint-Évarzec" in text
    )
    assert "pose les redirections permanentes vers les nouvelles pages" in text
    assert "Le prix unitaire du site communal comprend ces opérations." in text


def test_without_a_described_site_k02_promises_no_takeover() -> None:
    data = yaml.safe_load((EXAMPLE / "webpass.yaml").read_text(encoding="utf-8"))
    for member in data["collectivite"]["communes"]:
        member.pop("site_actuel", None)
    answers = answers_from_text(yaml.safe_dump(data, allow_unicode=True))
    assert not any(m.current_site for m in answers.collectivity.members)
    catalog = open_dossier(EXAMPLE).selection.catalog
    text = _plain(document_text(build_document(select(catalog, answers))))
    assert "décrit le site actuel" not in text


def test_the_bookings_leave_the_campsite_to_its_own_tool_and_name_the_activities(
    groupement: Selection,
) -> None:
    """Review n° 4: a campsite is booked per pitch and night, with a deposit and the tourist tax;
    it keeps its own tool, and the line's enrolment in activities is described."""
    text = _plain(document_text(build_document(groupement)))
    e06 = text.split("La demande en ligne de réservation de", 1)[1].split("|", 1)[0]
    assert "camping" not in e06
    assert "l'inscription aux activités de la collectivité (ateliers, sorties, stages)" in e06
    assert "le camping municipal garde son outil de réservation" in text
