"""The award rules stated once: PSE rule, scoring scale, regularity gate, environmental terms."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webpass.compare.environment import environmental_terms
from webpass.compare.pse import PseMode, PseRule, pse_rule_sentence, retained_options
from webpass.compare.run import compare_offers
from webpass.compare.scale import DEFAULT_LEVELS, ScaleLevel, level_points, scale_problems
from webpass.documents.cctp import CctpDocument, Note, Paragraph
from webpass.documents.rao import build_rao
from webpass.documents.rc import build_rc
from webpass.documents.typography import french_spacing
from webpass.dossier.opening import open_dossier
from webpass.grid.check import Anomaly, ConformanceReport, Severity
from webpass.grid.regularity import offer_regularity

OPTIONS = (("F03", "Inscriptions"), ("F04", "Rendez-vous"), ("F06", "Suivi"))


def _rule(mode: PseMode, retained: tuple[str, ...] = (), budget: str | None = "100") -> PseRule:
    return PseRule(
        options=OPTIONS,
        mode=mode,
        retained=retained,
        priority=("F03", "F04", "F06"),
        budget=Decimal(budget) if budget is not None else None,
    )


def test_rule_before_analysis_keeps_the_named_options() -> None:
    rule = _rule(PseMode.BEFORE_ANALYSIS, ("F06",))
    assert retained_options(rule, [(Decimal(999), {})]) == ("F06",)
    assert "L'acheteur retient la PSE F06." in rule.sentence


def test_rule_after_analysis_stops_at_the_budget() -> None:
    rule = _rule(PseMode.AFTER_ANALYSIS)
    offers = [
        (Decimal(60), {"F03": Decimal(20), "F04": Decimal(30), "F06": Decimal(5)}),
        (Decimal(50), {"F03": Decimal(40), "F04": Decimal(5), "F06": Decimal(5)}),
    ]
    # F03: min(80, 90) fits; F03+F04: min(110, 95) fits; + F06: min(115, 100) fits exactly.
    assert retained_options(rule, offers) == ("F03", "F04", "F06")
    tight = _rule(PseMode.AFTER_ANALYSIS, budget="94")
    assert retained_options(tight, offers) == ("F03",)


def test_rule_after_analysis_counts_only_offers_proposing_the_options() -> None:
    rule = _rule(PseMode.AFTER_ANALYSIS, budget="70")
    offers = [(Decimal(40), {"F04": Decimal(5)}), (Decimal(60), {"F03": Decimal(5)})]
    assert retained_options(rule, offers) == ("F03",)  # 65: only the second proposes F03


def test_rule_without_budget_or_options() -> None:
    assert retained_options(_rule(PseMode.AFTER_ANALYSIS, budget=None), [(Decimal(1), {})]) == (
        "F03",
        "F04",
        "F06",
    )
    assert retained_options(_rule(PseMode.AFTER_ANALYSIS), []) == ()
    bare = PseRule((), PseMode.AFTER_ANALYSIS, (), (), None)
    assert "aucune prestation supplémentaire éventuelle" in bare.sentence


def test_default_scale_runs_from_zero_to_five() -> None:
    assert [level.level for level in DEFAULT_LEVELS] == [0, 1, 2, 3, 4, 5]
    assert scale_problems(DEFAULT_LEVELS, [("Méthodologie", 15), ("Équipe", 10)]) == []


def test_scale_refuses_gaps_and_inexact_weights() -> None:
    gap = [
        ScaleLevel.model_validate({"niveau": n, "libelle": "x", "description": "y"}) for n in (0, 2)
    ]
    assert scale_problems(gap, [])
    three = DEFAULT_LEVELS[:4]  # 0 to 3
    problems = scale_problems(three, [("Méthodologie", 10)])
    assert problems and "Méthodologie" in problems[0]


@given(
    weight=st.integers(min_value=1, max_value=100),
    level=st.integers(min_value=0, max_value=4),
)
def test_one_level_more_is_worth_weight_over_top(weight: int, level: int) -> None:
    step = level_points(weight, level + 1, 5) - level_points(weight, level, 5)
    assert step == Decimal(weight) / 5
    assert step == step.quantize(Decimal("0.01"))


def _report(anomalies: list[Anomaly], answers: dict[str, str]) -> ConformanceReport:
    return ConformanceReport("offre.xlsx", {}, anomalies, {}, answers)


def test_regular_offer_has_no_reason() -> None:
    info = Anomaly(None, "siret_manquant", "SIRET manquant.", Severity.TO_FIX)
    assert offer_regularity(_report([info], {"A01": "Conforme"})).regular


def test_mandatory_requirement_not_met_cannot_be_regularised() -> None:
    blocking = Anomaly("N02", "obligatoire_non_conforme", "N02 est obligatoire.", Severity.BLOCKING)
    regularity = offer_regularity(_report([blocking], {"N02": "Non conforme"}))
    assert not regularity.regular
    assert not regularity.regularisable


def test_missing_answers_are_grouped_and_not_regularisable() -> None:
    # A scored requirement left without any answer is a gap of substance: completing it would
    # change the offer (R2152-2), so the offer is eliminated, not invited to regularise.
    blanks = [
        Anomaly(i, "sans_reponse", f"{i} : aucune réponse.", Severity.BLOCKING)
        for i in ("G04", "G05", "G08", "G12", "H01")
    ]
    regularity = offer_regularity(_report(blanks, {}))
    assert len(regularity.reasons) == 1
    assert "G04, G05, G08, G12, H01" in regularity.reasons[0].text
    assert not regularity.regularisable


def _example_row_check(item_id: str, **changes: str) -> ConformanceReport:
    """The check of the first example offer with one row of it changed."""
    import dataclasses

    from webpass.grid.build import build_grid
    from webpass.grid.check import check_offer
    from webpass.grid.labels import load_labels
    from webpass.grid.read import read_filled_grid

    opened = open_dossier(EXAMPLE)
    offer = read_filled_grid(sorted((EXAMPLE / "offres").glob("*.xlsx"))[0])
    offer.rows = [
        dataclasses.replace(row, **changes) if row.id == item_id else row for row in offer.rows
    ]
    return check_offer(offer, load_labels(opened.catalog.root), build_grid(opened.selection))


def test_an_empty_box_with_the_point_answered_is_a_formal_omission() -> None:
    formal = offer_regularity(
        _example_row_check("H01", conformity="", justification="Hébergé en France.")
    )
    assert not formal.regular
    assert formal.regularisable
    substance = offer_regularity(_example_row_check("H01", conformity="", justification=""))
    assert not substance.regular
    assert not substance.regularisable


@pytest.mark.parametrize(
    ("answer", "regular"),
    [("Conforme", True), ("Partiellement conforme", False), ("Non conforme", False)],
)
def test_every_option_must_be_offered_retained_or_not(answer: str, regular: bool) -> None:
    # A PSE is exigé from every bidder: leaving it out makes the offer irregular before any
    # choice of the buyer, so that choice never eliminates an offer.
    regularity = offer_regularity(
        _example_row_check("F13", conformity=answer, justification="Voir le mémoire.")
    )
    assert regularity.regular is regular
    if not regular:
        assert not regularity.regularisable
    price_left_out = offer_regularity(_example_row_check("F13", price=""))
    assert not price_left_out.regular


# --- the same words in every piece ---------------------------------------------------------

EXAMPLE = Path(__file__).parent.parent / "examples" / "communaute-de-communes"


def _paragraphs(document: CctpDocument) -> list[str]:
    texts: list[str] = []
    for article in document.walk():
        for block in article.blocks:
            if isinstance(block, Paragraph | Note):
                texts.append("".join(run.text for run in block.runs))
    return texts


def test_cctp_rc_ae_and_rao_state_the_pse_rule_in_the_same_words() -> None:
    from webpass.documents.ae import build_ae
    from webpass.documents.cctp import build_document

    opened = open_dossier(EXAMPLE)
    sentence = french_spacing(pse_rule_sentence(opened.selection))
    assert "(F13)" in sentence  # the dossier's PSE; E07, priced per séance, is bought on order
    comparison = compare_offers(opened, sorted((EXAMPLE / "offres").glob("*.xlsx")))
    pieces = {
        "CCTP": build_document(opened.selection),
        "RC": build_rc(opened.selection),
        "AE": build_ae(opened.selection),
        "RAO": build_rao(comparison),
    }
    for name, document in pieces.items():
        texts = [french_spacing(text) for text in _paragraphs(document)]
        assert sentence in texts, name
    assert comparison.as_json()["pse"]["regle"] == pse_rule_sentence(opened.selection)


def test_environmental_terms_follow_the_criteria_and_the_ecodesign_ceilings() -> None:
    from webpass.documents.ccap import build_ccap

    opened = open_dossier(EXAMPLE)
    terms = environmental_terms(opened.selection)
    assert terms.required  # launched in 2027
    assert terms.criterion is not None
    assert "« Performance environnementale » (10 points sur 100)" in terms.criterion
    assert "L2152-7" in terms.criterion and "L2112-2" in terms.condition
    assert "G13" in terms.condition and "ko" in terms.condition
    assert "Performance environnementale" in terms.specification
    assert french_spacing(terms.criterion) in _paragraphs(build_rc(opened.selection))
    ccap = [french_spacing(text) for text in _paragraphs(build_ccap(opened.selection))]
    assert french_spacing(terms.condition) in ccap


def test_one_date_type_for_every_command() -> None:
    from click.testing import CliRunner

    from webpass.cli import cli

    runner = CliRunner()
    french = runner.invoke(cli, ["subvention", "30000", "--date", "01/06/2026", "--json"])
    assert french.exit_code == 0, french.output
    for command in (["subvention", "30000"], ["comparer", str(EXAMPLE), "x.xlsx"]):
        wrong = runner.invoke(cli, [*command, "--date", "demain"])
        assert wrong.exit_code == 2, wrong.output
        assert "n'est pas une date valide" in wrong.stderr


def test_an_irregular_offer_is_set_aside_for_good_only_without_negotiation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # rev7 reading, 5: the RC (article 3) and the letter reserve a negotiation, after which an
    # irregular offer may become regular (R2152-1); an open tender excludes it.
    from types import SimpleNamespace
    from typing import Any

    from webpass.compare.completion import Completion
    from webpass.documents import rao
    from webpass.documents.procedure_kind import ProcedureKind

    # No offer ranked: the RC's limit of three does not close the way, the offer is ranked
    # after the regular ones to complete it (tests/test_negotiation.py).
    received = object()
    entry = SimpleNamespace(
        offer=received, rank=1, total=Decimal(50), technical=[], possibly_abnormally_low=False
    )
    completion = Completion(3, 0, (entry,))  # type: ignore[arg-type]
    comparison: Any = SimpleNamespace(
        selection=None, ranked=[], proposed=None, completion=completion
    )
    eliminated: Any = SimpleNamespace(offer=received, name="X")
    said = {}
    for kind in ProcedureKind:
        monkeypatch.setattr(rao, "procedure_kind", lambda _selection, kind=kind: kind)
        said[kind] = rao._after_negotiation(comparison, eliminated)
    assert said[ProcedureKind.FORMAL].startswith("elle est définitivement écartée")
    assert "article 3 du règlement de la consultation" in said[ProcedureKind.ADAPTED]
    assert "lettre de consultation" in said[ProcedureKind.QUOTES]
    for kind in (ProcedureKind.ADAPTED, ProcedureKind.QUOTES):
        assert "définitivement" not in said[kind] and "R2152-1" in said[kind]
