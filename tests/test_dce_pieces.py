"""The pieces of the DCE (CCAP, acte d'engagement, letter, convention) and their coherence."""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import piece_document, sessions_groupement
from webpass.cli import cli
from webpass.core.errors import InputError
from webpass.documents.ccap import ccap_document
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.cctp import CctpDocument, Paragraph
from webpass.documents.coherence import Rule, document_text
from webpass.documents.dce import DceBundle, assemble_dce
from webpass.documents.facts import Fact, FactRun, collect_facts
from webpass.documents.pieces import PieceKind
from webpass.documents.terms import dce_terms
from webpass.dossier.contract import ContractTerms, IntellectualProperty, PurchaseSetup
from webpass.dossier.opening import open_dossier
from webpass.selection.engine import Selection

ROOT = Path(__file__).resolve().parent.parent
GROUPEMENT = sessions_groupement()
COMMUNE = ROOT / "examples" / "petite-commune"


def _plain(text: str) -> str:
    # Typography (typographic apostrophes, no-break spaces) is the renderers' concern, not the terms'.
    return re.sub(r"\s+", " ", text.replace("\u2019", "'"))


@pytest.fixture(scope="module")
def groupement() -> Selection:
    return open_dossier(GROUPEMENT).selection


def _with_terms(selection: Selection, **terms: object) -> Selection:
    contract = ContractTerms.model_validate(terms)
    answers = selection.answers.model_copy(update={"contract": contract})
    return dataclasses.replace(selection, answers=answers)


def _as_procedure(selection: Selection, code: str) -> Selection:
    return dataclasses.replace(
        selection, procedure=dataclasses.replace(selection.procedure, code=code)
    )


def test_ccap_refers_to_the_ccag_tic_and_lists_its_derogations_last(groupement: Selection) -> None:
    ccap = ccap_document(dce_terms(groupement))
    assert [a.title for a in ccap.articles] == [a.heading for a in CcapArticle]
    text = _plain(document_text(ccap))
    assert "arrêté du 30 mars 2021" in text
    assert "se réfère expressément au CCAG-TIC (article 1.1 du CCAG-TIC)" in text
    last = ccap.articles[-1]
    assert last.title == "Dérogations au CCAG-TIC"
    derogations = _plain(
        " ".join(
            " ".join(row) for block in last.blocks if hasattr(block, "rows") for row in block.rows
        )  # type: ignore[attr-defined]
    )
    for cited in (
        "Article 32.4 du CCAG-TIC",
        "Article 14 du CCAG-TIC",
        "Les stipulations du CCAG-TIC relatives à la propriété intellectuelle des résultats",
    ):
        assert cited in derogations
    # The cap's base and scope depart from the CCAG-TIC's (groupement N8).
    assert (
        "Plafond de 10 % calculé sur la première période ferme et les reconductions exécutées"
        in derogations
    )
    assert "commun à toutes les pénalités du présent CCAP, de retard et de niveau de service" in (
        derogations
    )
    for needed in (
        "quantités fermes",
        "considérations relatives à l'environnement (article L2112-2",
        "indice Syntec",
        "R2191-3",
        "30 jours",
        "huit points",
        "40 €",
        "vérification d'aptitude",
        "vérification de service régulier",
        "pour le monde entier et pour toute la durée légale des droits",
        "article 28 du règlement (UE) 2016/679",
        "R2193-10",
        "responsabilité civile",
        "motif d'intérêt général",
        "article 42 du CCAG-TIC",
        "tribunal administratif de Rennes",
    ):
        assert needed in text, needed
    annex = ccap.annexes[0]
    assert "Espace famille" in document_text(
        CctpDocument(**{**ccap.__dict__, "articles": [annex], "annexes": []})
    )


def test_ccap_cites_unverified_ccag_articles_by_subject_never_by_number(
    groupement: Selection,
) -> None:
    terms = dce_terms(groupement)
    text = _plain(document_text(ccap_document(terms)))
    for article in terms.data.ccag.articles:
        if not article.verified:
            assert f"article {article.number} du CCAG-TIC" not in text
    for key in ("assurances", "resiliation", "differends"):
        assert f"relatives à {terms.data.article(key).subject}" in text
    # The warranty's article was read on the 2021 text: cited by its number (follow-up M3).
    assert "l'article 36 du CCAG-TIC s'applique" in text


def test_intellectual_property_follows_the_choice(groupement: Selection) -> None:
    ccag = ccap_document(dce_terms(_with_terms(groupement, propriete_intellectuelle="regime_ccag")))
    exclusive = ccap_document(
        dce_terms(_with_terms(groupement, propriete_intellectuelle="cession_exclusive"))
    )
    ccag_text, exclusive_text = _plain(document_text(ccag)), _plain(document_text(exclusive))
    regime = "Les stipulations du CCAG-TIC relatives à la propriété intellectuelle des résultats"
    assert "sans dérogation" in ccag_text and regime not in ccag_text
    # The derogation table names the rights regime, never article 35, which only defines.
    assert "à titre exclusif" in exclusive_text and regime in exclusive_text
    assert "Article 35 du CCAG-TIC" not in exclusive_text
    assert IntellectualProperty.EXTENDED.label.startswith("droits étendus")


def test_one_legal_setup_for_a_groupement(groupement: Selection) -> None:
    joint = assemble_dce(_with_terms(groupement, montage="groupement_de_commandes"))
    alone = assemble_dce(_with_terms(groupement, montage="achat_par_le_groupement"))
    assert PieceKind.CONVENTION in [p.kind for p in joint.pieces]
    assert PieceKind.CONVENTION not in [p.kind for p in alone.pieces]
    for bundle, expected in (
        (joint, "groupement de commandes"),
        (alone, "la communauté de communes du Pays Fouesnantais seule"),
    ):
        for piece in bundle.pieces:
            if piece.document is not None and Fact.SETUP in collect_facts(piece.document):
                assert set(collect_facts(piece.document)[Fact.SETUP]) == {expected}
    ccap_alone = _plain(
        document_text(
            next(p.document for p in alone.pieces if p.kind is PieceKind.CCAP and p.document)
        )
    )
    assert "L2113-6" not in ccap_alone and "ne sont pas parties au marché" in ccap_alone
    assert PurchaseSetup.EPCI_ALONE.label.startswith("marché passé par le groupement seul")


def test_joining_members_must_be_members(groupement: Selection) -> None:
    with pytest.raises(InputError, match="Paris"):
        dce_terms(_with_terms(groupement, membres_du_groupement_de_commandes=["Paris"]))


def test_consultation_by_quotes_has_its_own_pieces(commune: Selection) -> None:
    bundle = assemble_dce(_as_procedure(commune, "dispense"))
    assert [p.kind for p in bundle.pieces] == [
        PieceKind.QUOTE_FORM,
        PieceKind.CCAP,
        PieceKind.CCTP,
        PieceKind.GRID,
        PieceKind.LETTER,
    ]
    ccap = next(p.document for p in bundle.pieces if p.kind is PieceKind.CCAP)
    assert ccap is not None and ccap.title.endswith("(simplifié)")
    assert bundle.note is not None and "R2122-8" in document_text(bundle.note)
    letter = next(p.document for p in bundle.pieces if p.kind is PieceKind.LETTER)
    assert letter is not None and "Jugement des devis" in document_text(letter)
    assert bundle.check() == []


def test_formal_procedure_is_out_of_scope(groupement: Selection) -> None:
    with pytest.raises(InputError, match="hors du champ de webpass"):
        assemble_dce(_as_procedure(groupement, "formalisee"))


def test_rc_never_publishes_the_estimate(groupement: Selection) -> None:
    rc = next(p.document for p in assemble_dce(groupement).pieces if p.kind is PieceKind.RC)
    assert rc is not None
    text = _plain(document_text(rc)).replace("\u00a0", " ")
    assert "est estimé" not in text and "estimation" not in text
    for amount in (groupement.estimate.total.low, groupement.estimate.total.high):
        assert f"{amount:,.2f}".replace(",", " ").replace(".", ",") not in text


def test_acte_d_engagement_follows_attri1(groupement: Selection) -> None:
    ae = next(p.document for p in assemble_dce(groupement).pieces if p.kind is PieceKind.ACT)
    assert ae is not None
    assert [a.number for a in ae.articles] == ["A", "B", "C", "D", "E", "F"]
    assert [c.number for c in ae.articles[1].children] == ["B.1", "B.2", "B.3", "B.4", "B.5", "B.6"]
    text = _plain(document_text(ae))
    assert "Acheteur : la communauté de communes du Pays Fouesnantais" in text
    assert "☐ F13 — " in text
    assert "renonce au bénéfice de l'avance" in text
    assert "coordonnateur du groupement de commandes" in text


def test_the_examples_are_coherent(groupement: Selection, commune: Selection) -> None:
    assert assemble_dce(groupement).check() == []
    assert assemble_dce(commune).check() == []


# Crafted breaches: each rule must find them.


@pytest.fixture
def bundle(groupement: Selection) -> DceBundle:
    return copy.deepcopy(assemble_dce(groupement))


def _rules(bundle: DceBundle) -> set[Rule]:
    return {finding.rule for finding in bundle.check()}


def _replace_fact(document: CctpDocument, kind: Fact, value: str) -> None:
    for article in document.walk():
        for index, block in enumerate(article.blocks):
            if isinstance(block, Paragraph) and any(
                isinstance(run, FactRun) and run.fact == kind.value for run in block.runs
            ):
                runs = tuple(
                    dataclasses.replace(run, text=value)
                    if isinstance(run, FactRun) and run.fact == kind.value
                    else run
                    for run in block.runs
                )
                article.blocks[index] = Paragraph(runs)
                return
    raise AssertionError(f"{kind} absent")


def test_a_cited_article_that_does_not_exist_is_found(bundle: DceBundle) -> None:
    ccap = piece_document(bundle, PieceKind.CCAP)
    ccap.articles = [a for a in ccap.articles if a.number != CcapArticle.PENALTIES.number]
    findings = [f for f in bundle.check() if f.rule is Rule.CITATION]
    assert any(f"article {CcapArticle.PENALTIES.number} du CCAP" in f.message for f in findings)


def test_a_requirement_cited_but_absent_from_the_cctp_is_found(bundle: DceBundle) -> None:
    cctp = piece_document(bundle, PieceKind.CCTP)
    for article in cctp.walk():
        article.children = [c for c in article.children if c.item_id != "M02"]
    assert any("M02" in f.message for f in bundle.check() if f.rule is Rule.CITATION)


def test_an_unverified_ccag_article_is_found(bundle: DceBundle) -> None:
    ccap = piece_document(bundle, PieceKind.CCAP)
    ccap.articles[0].blocks.append(Paragraph((FactRun("Voir l'article 46 du CCAG-TIC."),)))
    assert Rule.CCAG in _rules(bundle)


def test_a_priced_service_without_its_line_is_found(bundle: DceBundle) -> None:
    priced = {line.item_id for line in bundle.terms.price_lines}
    bundle.grid = dataclasses.replace(
        bundle.grid, rows=tuple(r for r in bundle.grid.rows if r.id != sorted(priced)[0])
    )
    findings = [f for f in bundle.check() if f.rule is Rule.PRICES]
    assert findings and findings[0].piece == "le cadre de réponse"


def test_a_pse_missing_or_renamed_is_found(bundle: DceBundle) -> None:
    ae = piece_document(bundle, PieceKind.ACT)
    _replace_fact(ae, Fact.PSE_RULE, "Les PSE sont jugées à part.")
    rc = piece_document(bundle, PieceKind.RC)
    for article in rc.walk():
        for index, block in enumerate(article.blocks):
            if hasattr(block, "entries") and any(
                isinstance(run, FactRun) and run.fact == Fact.PSE.value
                for entry in block.entries
                for run in entry  # type: ignore[attr-defined]
            ):
                article.blocks[index] = dataclasses.replace(block, entries=block.entries[1:])  # type: ignore[attr-defined]
    messages = [f.message for f in bundle.check() if f.rule is Rule.PSE]
    assert any("règle des PSE" in m for m in messages)
    assert any("F13" in m for m in messages)


def test_a_fact_printed_differently_is_found(bundle: DceBundle) -> None:
    _replace_fact(piece_document(bundle, PieceKind.ACT), Fact.DURATION, "36 mois")
    piece_document(bundle, PieceKind.CONVENTION).reference = "AUTRE-REF"
    messages = [f"{f.piece} {f.message}" for f in bundle.check() if f.rule is Rule.FACTS]
    assert any("l'acte d'engagement" in m and "36 mois" in m and "48 mois" in m for m in messages)
    assert any("AUTRE-REF" in m for m in messages)


def test_pieces_out_of_order_are_found(bundle: DceBundle) -> None:
    bundle.pieces[0], bundle.pieces[2] = bundle.pieces[2], bundle.pieces[0]
    assert Rule.ORDER in _rules(bundle)


def test_every_cited_article_exists_in_a_dossier_whose_cctp_cites_the_ccap(
    bundle: DceBundle,
) -> None:
    cctp = _plain(document_text(piece_document(bundle, PieceKind.CCTP)))
    cited = set(re.findall(r"article (\d+) du CCAP", cctp))
    assert {
        CcapArticle.PENALTIES.number,
        CcapArticle.PROPERTY.number,
        CcapArticle.DATA.number,
    } <= cited


# Command line.


def test_cli_ccap_writes_the_document(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["ccap", str(COMMUNE), "--format", "html", "--sortie", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    html = (tmp_path / "CCAP-tonquedec.html").read_text(encoding="utf-8")
    assert "Dérogations au CCAG-TIC" in html


def test_cli_dce_verifier_reports_coherence_and_an_incoherence(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["dce", str(GROUPEMENT), "--verifier"])
    assert result.exit_code == 0, result.output
    assert "aucune incohérence" in result.output
    # Review R1 (point 3): `dce` says, as `selection` does, when the estimate exceeds the budget
    # (the filming of the sessions, which the example buys apart, takes this variant over it).
    said = " ".join(result.output.replace("\u00a0", " ").replace("\u202f", " ").split())
    assert "Attention : Budget envisagé : 110 000,00 € HT" in said
    assert "l'estimation dépasse le budget de" in said
    # Removing A06 from a CCTP with PSE removes the PSE rule from the CCTP only.
    folder = tmp_path / "cc"
    folder.mkdir()
    text = (GROUPEMENT / "webpass.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  exclues:\n",
        "  exclues:\n    - id: A06\n      justification: Essai d'une incohérence entre les pièces.\n",
    ).replace('budget: "110000.00"', 'budget: "150000.00"')
    (folder / "webpass.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["dce", str(folder), "--verifier"])
    assert result.exit_code == 1, result.output
    assert "le CCTP n'énonce pas la règle des PSE" in result.output
    # Within the budget, nothing is said of it.
    assert "dépasse le budget" not in result.output
    result = CliRunner().invoke(cli, ["dce", str(folder)])
    assert result.exit_code == 1 and "n'est pas cohérent" in result.output


def test_services_on_demand_make_an_accord_cadre_with_a_maximum(tmp_path: Path) -> None:
    folder = tmp_path / "cc"
    folder.mkdir()
    text = (GROUPEMENT / "webpass.yaml").read_text(encoding="utf-8")
    (folder / "webpass.yaml").write_text(
        text.replace("retenues: [E07,", "retenues: [M06, E07,"), encoding="utf-8"
    )
    bundle = assemble_dce(open_dossier(folder).selection)
    assert bundle.check() == []
    ccap = _plain(document_text(piece_document(bundle, PieceKind.CCAP)))
    assert "accord-cadre à bons de commande" in ccap and "(M06 : quantité estimée de 5" in ccap
    assert "quantités fermes" in ccap and "(K02 : quantité ferme de 3 × site communal" in ccap
    maxima = {
        value
        for piece in bundle.pieces
        if piece.document is not None
        for value in collect_facts(piece.document).get(Fact.ORDER_MAXIMUM, [])
    }
    # M06 (5 days) and E07 (6 sessions a year over 4 years) at their high prices, rounded up.
    assert len(maxima) == 1 and maxima.pop().replace("\u00a0", " ") == "40 000,00 € HT"


def test_every_departement_has_its_tribunal_administratif() -> None:
    from webpass.core.resources import shipped_catalog_dir
    from webpass.documents.contract_data import load_contract_data
    from webpass.dossier.geo import DEPARTEMENTS

    data = load_contract_data(shipped_catalog_dir())
    courts = {code: data.court(code) for code in DEPARTEMENTS}
    assert courts["22"] == "tribunal administratif de Rennes"
    assert courts["93"] == "tribunal administratif de Montreuil"
    assert courts["84"] == "tribunal administratif de Nîmes"
    listed = [code for court in data.courts for code in court.departments]
    assert len(listed) == len(set(listed)) == len(DEPARTEMENTS)
    with pytest.raises(InputError, match="tribunaux"):
        data.court("99")


def test_cli_dce_by_quotes_keeps_the_note_apart(
    dossier: Path, options_catalog: Path, tmp_path: Path
) -> None:
    import zipfile

    target = tmp_path / "dce" / "dce.zip"
    target.parent.mkdir()
    result = CliRunner().invoke(
        cli, ["dce", str(dossier), "--sortie", str(target), "--catalogue", str(options_catalog)]
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        notice = archive.read("LISEZ-MOI.txt").decode("utf-8")
    stems = [name.rsplit("-kerbriac", 1)[0] for name in names if "-kerbriac" in name]
    assert list(dict.fromkeys(stems)) == [
        "formulaire-de-devis",
        "CCAP",
        "CCTP",
        "cadre-de-reponse",
        "lettre-de-consultation",
    ]
    assert not any("note" in name for name in names)
    assert (target.parent / "note-des-devis-kerbriac-sur-lie.pdf").is_file()
    assert "à ne pas envoyer aux prestataires" in result.output
    files = notice.split("Fichiers du dossier", 1)[1]
    assert (
        files.index("formulaire de devis")
        < files.index("CCAP")
        < files.index("lettre de consultation")
    )


def test_a_per_unit_option_is_bought_on_order_not_a_pse(groupement: Selection) -> None:
    # E07 (council sessions, priced per séance) cannot be both a PSE and a bon-de-commande line.
    e07 = groupement.selected("E07")
    assert e07 is not None and e07.on_order and not e07.is_pse
    bundle = assemble_dce(groupement)
    ae = _plain(document_text(piece_document(bundle, PieceKind.ACT)))
    assert "☐ E07" not in ae


def test_the_ocds_file_publishes_no_estimate(groupement: Selection) -> None:
    from webpass.documents.cctp import build_document
    from webpass.documents.dce import ocds_release
    from webpass.grid.build import build_grid

    release = ocds_release(groupement, build_grid(groupement), build_document(groupement))
    assert "value" not in release["releases"][0]["tender"]
