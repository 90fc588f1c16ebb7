"""The small commune's consultation by quotes, as a procurement lawyer and a bidder read it.

The consultation letter is a letter (sender, addressee, place and date, object, signature) that
says where to ask and where to send the quote; the offer's validity is one dossier setting
printed identically by every piece; F08 names the software a bidder prices; the LISEZ-MOI
numbers the pieces present without holes.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from tests.conftest import example_dce
from webpass.cli import cli
from webpass.core.errors import InputError
from webpass.documents.dce import assemble_dce
from webpass.documents.facts import Fact, collect_facts
from webpass.documents.pieces import PieceKind
from webpass.documents.quotes import letter_document, quote_form_document
from webpass.documents.terms import dce_terms
from webpass.dossier.contract import ContractTerms
from webpass.render.dispatch import PdfEngine, render
from webpass.selection.engine import Selection

ROOT = Path(__file__).resolve().parent.parent
COMMUNE = ROOT / "examples" / "petite-commune"
GROUPEMENT = ROOT / "examples" / "communaute-de-communes"


def _with_body(selection: Selection, **changes: object) -> Selection:
    body = selection.answers.collectivity.model_copy(update=changes)
    answers = selection.answers.model_copy(update={"collectivity": body})
    return dataclasses.replace(selection, answers=answers)


def _with_contract(selection: Selection, **terms: object) -> Selection:
    answers = selection.answers.model_copy(update={"contract": ContractTerms.model_validate(terms)})
    return dataclasses.replace(selection, answers=answers)


def _quotes(selection: Selection) -> Selection:
    procedure = dataclasses.replace(selection.procedure, code="dispense")
    return dataclasses.replace(selection, procedure=procedure)


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _docx_text(data: bytes) -> str:
    import docx

    word = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in word.paragraphs)


# -- 1 and 2: the letter ---------------------------------------------------------------------------


def test_the_letter_says_where_to_ask_and_to_send_the_quote(commune: Selection) -> None:
    letter = letter_document(dce_terms(commune), [])
    head = letter.letter
    assert head is not None
    assert "Courriel\u00a0: mairie@tonquedec.fr" in head.sender
    links = [
        run.href
        for article in letter.walk()
        for block in article.blocks
        for run in getattr(block, "runs", ())
        if run.href
    ]
    # The quotes go to the mailbox kept for them, the questions to the town hall's.
    assert links == ["mailto:devis@tonquedec.fr", "mailto:mairie@tonquedec.fr"]


def test_a_buyer_profile_alone_is_enough(commune: Selection) -> None:
    from webpass.compare.award import default_criteria

    criteria = default_criteria(False).model_copy(
        update={"buyer_profile": "https://marches.example.fr/tonquedec"}
    )
    selection = _with_body(commune, email=None)
    selection = dataclasses.replace(
        selection, answers=selection.answers.model_copy(update={"award": criteria})
    )
    letter = letter_document(dce_terms(selection), [])
    assert letter.letter is not None
    assert "Profil d'acheteur : https://marches.example.fr/tonquedec" in [
        line.replace("\u00a0", " ").replace("\u2019", "'") for line in letter.letter.sender
    ]


def test_dce_refuses_a_letter_without_address_or_signatory(
    commune: Selection, tmp_path: Path
) -> None:
    bare = _with_body(commune, email=None, signatory=None)
    with pytest.raises(InputError) as refused:
        assemble_dce(bare)
    message = str(refused.value)
    assert "collectivite.courriel" in message and "criteres.profil_acheteur" in message
    assert "collectivite.signataire" in message
    # Through the command line: a French message, exit code 1, no archive written.
    folder = tmp_path / "dossier"
    folder.mkdir()
    text = (COMMUNE / "webpass.yaml").read_text(encoding="utf-8")
    text = text.replace("  courriel: mairie@tonquedec.fr\n", "")
    (folder / "webpass.yaml").write_text(text, encoding="utf-8")
    target = tmp_path / "dce.zip"
    result = CliRunner().invoke(cli, ["dce", str(folder), "--sortie", str(target)])
    assert result.exit_code == 1
    assert "collectivite.courriel" in result.stderr
    assert not target.exists()


@pytest.mark.parametrize("engine", [PdfEngine.TYPST, PdfEngine.WEASYPRINT])
def test_the_letter_reads_as_a_letter_in_pdf(commune: Selection, engine: PdfEngine) -> None:
    letter = letter_document(dce_terms(commune), ["le CCTP."])
    text = _pdf_text(render(letter, "pdf", engine=engine).data)
    order = [
        "Commune de Tonquédec",
        "Mairie, 22140 Tonquédec",
        "mairie@tonquedec.fr",
        "Aux prestataires consultés",
        "Tonquédec, le 11 janvier 2027",
        "Objet",
        "demande de devis",
        "Madame, Monsieur,",
        "Objet de la demande",
        "Je vous prie d’agréer",
        "Le maire",
        "Marie Exemple",
    ]
    positions = [text.find(piece) for piece in order]
    assert -1 not in positions, list(zip(order, positions, strict=True))
    assert positions == sorted(positions)
    # No cover page, no table of contents, no acronym: a letter starts on its sender.
    assert "Table des matières" not in text
    assert text.startswith("Commune de Tonquédec")
    assert not re.search(r"\b1 Objet de la demande", text)


def test_the_letter_reads_as_a_letter_in_docx(commune: Selection) -> None:
    letter = letter_document(dce_terms(commune), ["le CCTP."])
    text = _docx_text(render(letter, "docx").data)
    lines = text.splitlines()
    assert lines[0] == "Commune de Tonquédec"
    assert "Table des matières" not in text
    for expected in ("Objet\u00a0: demande de devis", "Madame, Monsieur,", "Marie Exemple"):
        assert expected in text
    assert lines.index("Le maire") < lines.index("Marie Exemple")


def test_the_letter_does_not_enclose_itself(commune: Selection) -> None:
    bundle = assemble_dce(commune)
    letter = next(p.document for p in bundle.pieces if p.kind is PieceKind.LETTER)
    assert letter is not None
    listed = [
        "".join(run.text for run in entry)
        for article in letter.walk()
        for block in article.blocks
        for entry in getattr(block, "entries", ())
    ]
    assert any("CCTP" in entry for entry in listed)
    assert not any("lettre de consultation" in entry for entry in listed)


# -- 6: the offers' validity ---------------------------------------------------------------------


def _validity(selection: Selection) -> dict[PieceKind, list[str]]:
    bundle = assemble_dce(selection)
    return {
        piece.kind: collect_facts(piece.document).get(Fact.OFFER_VALIDITY, [])
        for piece in bundle.pieces
        if piece.document is not None
    }


def test_validity_is_60_days_for_quotes_and_printed_identically(commune: Selection) -> None:
    printed = _validity(commune)
    for kind in (PieceKind.LETTER, PieceKind.QUOTE_FORM, PieceKind.CCAP):
        assert printed[kind] == ["60\u00a0jours"], kind
    assert not any("120" in value for values in printed.values() for value in values)


def test_validity_is_90_days_with_publicity(groupement: Selection) -> None:
    printed = _validity(groupement)
    for kind in (PieceKind.RC, PieceKind.ACT, PieceKind.CCAP):
        assert printed[kind] == ["90\u00a0jours"], kind


def test_validity_is_a_dossier_setting(commune: Selection) -> None:
    printed = _validity(_with_contract(commune, validite_offres_jours=45))
    assert {value for values in printed.values() for value in values} == {"45\u00a0jours"}
    assert assemble_dce(_with_contract(commune, validite_offres_jours=45)).check() == []
    with pytest.raises(ValueError):
        ContractTerms.model_validate({"validite_offres_jours": 400})


# -- 3: F08 names the software -------------------------------------------------------------------


def test_f08_without_its_software_is_refused(groupement: Selection) -> None:
    values = {k: v for k, v in groupement.answers.values.items() if k != "F08"}
    answers = groupement.answers.model_copy(update={"values": values})
    with pytest.raises(InputError, match=r"valeurs\.F08\.logiciels_metiers"):
        assemble_dce(dataclasses.replace(groupement, answers=answers))


def test_the_quote_form_and_the_cctp_name_the_software(groupement: Selection) -> None:
    from webpass.documents.cctp import build_document
    from webpass.documents.coherence import document_text

    form = quote_form_document(dce_terms(_quotes(groupement)))
    rows = [row[0] for article in form.walk() for block in article.blocks
            for row in getattr(block, "rows", ()) if row and row[0].startswith("F08")]  # fmt: skip
    assert len(rows) == 1 and "Exemple Finances 8" in rows[0] and "Exemple Famille 5" in rows[0]
    assert "Exemple Finances 8" in document_text(build_document(groupement))


def test_a_priced_parameter_has_no_default() -> None:
    from webpass.catalog.model import Parameter

    with pytest.raises(ValueError, match="dans_le_prix"):
        Parameter.model_validate(
            {
                "cle": "logiciels",
                "libelle": "Logiciels",
                "dans_le_prix": True,
                "defaut": "les logiciels",
            }
        )


# -- 4: the LISEZ-MOI ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def commune_dce() -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(example_dce(COMMUNE).data))


def test_the_notice_numbers_the_pieces_present_without_holes(
    commune_dce: zipfile.ZipFile,
) -> None:
    notice = commune_dce.read("LISEZ-MOI.txt").decode("utf-8")
    numbers = [int(n) for n in re.findall(r"^\s+(\d+)\. ", notice, flags=re.MULTILINE)]
    assert numbers == [1, 2, 3, 4, 5]
    assert "ordre de priorité" in notice
    files = notice.split("Fichiers du dossier", 1)[1]
    assert files.index("formulaire de devis") < files.index("CCAP") < files.index("CCTP")
    assert "présente lettre" not in notice
