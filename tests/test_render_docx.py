"""The DOCX renderer: styles only, real TOC/PAGE fields, provenance, reproducible bytes."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from tests.conftest import other_hash_seed_env
from tests.system_deps import SOFFICE, needs_writer
from webpass.core.errors import InputError, UnreadableFileError
from webpass.core.reproducible import normalize_zip
from webpass.core.resources import shipped_templates_dir
from webpass.documents.cctp import (
    Article,
    CctpDocument,
    ListBlock,
    Note,
    Paragraph,
    Run,
    TableBlock,
    build_document,
)
from webpass.dossier.opening import open_dossier
from webpass.render.docx import (
    REQUIRED_STYLES,
    TOC_PLACEHOLDER,
    package_bytes,
    read_docx_answers,
    read_docx_properties,
    render_docx,
)

REPO = Path(__file__).resolve().parent.parent
REFERENCE = shipped_templates_dir() / "reference.docx"
EXAMPLES = ("petite-commune", "communaute-de-communes")
TEXT_WIDTH = 9072  # twips: 21 cm minus two 2.5 cm margins of 1417 twips
ANSWERS = 'version_catalogue: "2026.1"\ncollectivite:\n  nom: Essai-sur-Lié\n' + "".join(
    f"  # ligne de remplissage {n} : « été », 20 000 €\n" for n in range(40)
)


def small_document(answers: str = ANSWERS) -> CctpDocument:
    """A document exercising every block kind, independent of the shipped catalogue."""
    intro = Paragraph(
        (
            Run("Le titulaire livre un site "),
            Run("accessible", bold=True),
            Run(" et "),
            Run("sobre", italic=True),
            Run(", selon le "),
            Run("RGAA", href="https://accessibilite.numerique.gouv.fr/a b"),
            Run(".\tFin\nNouvelle ligne\x07."),
        )
    )
    hosting = Article(
        "2.1",
        "Hébergement",
        blocks=[
            Note("exigence", (Run("B01 · Exigence obligatoire"),)),
            ListBlock(((Run("première étape"),), (Run("deuxième étape"),)), ordered=True),
            ListBlock(((Run("une puce"),), (Run("une autre", bold=True),))),
            ListBlock(((Run("reprise"),), (Run("suite"),)), ordered=True),
            Note("normes", (Run("Textes de référence : RGAA 4.1."),)),
            Note("reponse", (Run("Réponse attendue : oui."),)),
        ],
        children=[Article("2.1.1", "Sauvegardes", blocks=[Paragraph((Run("Chaque nuit."),))])],
    )
    annex = Article(
        "A1",
        "Cadre de réponse",
        blocks=[
            TableBlock(
                ("Id.", "Exigence", "Réponse attendue"),
                tuple((f"B{n:02d}", f"Exigence {n}", "Le candidat confirme.") for n in range(30)),
                (10, 40, 50),
                caption="Exigences auxquelles le candidat répond",
            )
        ],
    )
    return CctpDocument(
        title="Cahier des clauses techniques particulières",
        object="Refonte du site internet de la commune d'Essai-sur-Lié — site vitrine",
        buyer="Essai-sur-Lié",
        buyer_kind="commune",
        reference="ESSAI-2027-01",
        date=dt.date(2027, 1, 11),
        catalog_version="2026.1",
        articles=[
            Article("1", "Présentation", blocks=[intro, Note("info", (Run("Pour info."),))]),
            Article("2", "Technique", children=[hosting]),
        ],
        annexes=[annex],
        glossary=[("RGAA", "référentiel général d'amélioration de l'accessibilité")],
        answers_yaml=answers,
        fingerprints={"B01": "0123456789ab", "B02": "ba9876543210"},
    )


@pytest.fixture(scope="module")
def small_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "cctp.docx"
    path.write_bytes(render_docx(small_document(), REFERENCE))
    return path


def part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def styled(path: Path) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]


def example_document(name: str) -> CctpDocument:
    return build_document(open_dossier(REPO / "examples" / name).selection)


# --- structure and styles --------------------------------------------------------------------


def test_headings_use_the_real_heading_styles(small_docx: Path) -> None:
    headings = [(s, t) for s, t in styled(small_docx) if s.startswith("Heading")]
    assert headings == [
        ("Heading 1", "1 Présentation"),
        ("Heading 1", "2 Technique"),
        ("Heading 2", "2.1 Hébergement"),
        ("Heading 3", "2.1.1 Sauvegardes"),
        ("Heading 1", "Annexe A1 — Cadre de réponse"),
        ("Heading 1", "Glossaire"),
    ]


def test_cover_toc_notes_lists_and_glossary_use_named_styles(small_docx: Path) -> None:
    paragraphs = styled(small_docx)
    styles = {s for s, _ in paragraphs}
    assert {"Cover title", "Subtitle", "Cover line", "TOC Heading", "toc 1", "toc 2"} <= (styles)
    assert ("Cover title", "Cahier des clauses techniques particulières") in paragraphs
    lines = [t for s, t in paragraphs if s == "Cover line"]
    assert lines == [
        "Acheteur\u00a0: Essai-sur-Lié (commune)",
        "Référence\u00a0: ESSAI-2027-01",
        "Date\u00a0: 11\u00a0janvier\u00a02027",
        "Catalogue Webpass version 2026.1",
    ]
    notes = [(s, t) for s, t in paragraphs if s.startswith("Note")]
    assert notes == [
        ("Note info", TOC_PLACEHOLDER),
        ("Note info", "Pour info."),
        ("Note exigence", "B01 · Exigence obligatoire"),
        ("Note normes", "Textes de référence : RGAA 4.1."),
        ("Note réponse", "Réponse attendue : oui."),
    ]
    assert [t for s, t in paragraphs if s == "List Number"] == [
        "première étape",
        "deuxième étape",
        "reprise",
        "suite",
    ]
    assert [t for s, t in paragraphs if s == "List Bullet"] == ["une puce", "une autre"]
    assert ("Normal", "RGAA — référentiel général d'amélioration de l'accessibilité") in paragraphs
    assert ("Caption", "Exigences auxquelles le candidat répond") in paragraphs


def test_every_used_style_exists_in_the_output(small_docx: Path) -> None:
    ids = set(re.findall(r'w:styleId="([^"]+)"', part(small_docx, "word/styles.xml")))
    used = set(
        re.findall(
            r'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', part(small_docx, "word/document.xml")
        )
    )
    assert used and used <= ids


def test_no_direct_formatting_beyond_bold_italic_hyperlink(small_docx: Path) -> None:
    body = docx.Document(str(small_docx)).element.body
    run_props = {child.tag for rpr in body.iter(qn("w:rPr")) for child in rpr}
    assert run_props <= {qn("w:rStyle"), qn("w:b"), qn("w:i")}
    paragraph_props = {child.tag for ppr in body.iter(qn("w:pPr")) for child in ppr}
    # keepNext is pagination (a short table kept whole, a caption with its table), not looks.
    assert paragraph_props <= {qn("w:pStyle"), qn("w:numPr"), qn("w:sectPr"), qn("w:keepNext")}


def test_each_numbered_list_restarts_at_one(small_docx: Path) -> None:
    body = docx.Document(str(small_docx)).element.body
    numbered = [p for p in body.iter(qn("w:p")) if p.style == "ListNumber"]
    first_ids = {p.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is None for p in numbered[:2]}
    assert first_ids == {True}  # the first list uses the style's own numbering
    restarted = {
        p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}").get(qn("w:val"))
        for p in numbered[2:]
    }
    assert len(restarted) == 1
    numbering = part(small_docx, "word/numbering.xml")
    (num_id,) = restarted
    assert re.search(rf'<w:num w:numId="{num_id}">.*?<w:startOverride w:val="1"/>', numbering)


def test_text_keeps_tabs_and_line_breaks_and_drops_control_characters(small_docx: Path) -> None:
    xml = part(small_docx, "word/document.xml")
    assert "\x07" not in xml
    assert re.search(r"\.</w:t><w:tab/><w:t[^>]*>Fin</w:t><w:br/><w:t[^>]*>Nouvelle ligne", xml)


def test_hyperlinks_are_external_relationships(small_docx: Path) -> None:
    word = docx.Document(str(small_docx))
    links = list(word.element.body.iter(qn("w:hyperlink")))
    external = [h for h in links if h.get(qn("r:id"))]
    assert len(external) == 1
    rel = word.part.rels[external[0].get(qn("r:id"))]
    assert rel.is_external and rel.reltype == RT.HYPERLINK
    assert rel.target_ref == "https://accessibilite.numerique.gouv.fr/a%20b"
    assert "".join(t.text for t in external[0].iter(qn("w:t"))) == "RGAA"
    assert external[0].find(f"{qn('w:r')}/{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val"))


def test_tables_have_style_widths_and_a_repeated_header(small_docx: Path) -> None:
    word = docx.Document(str(small_docx))
    (table,) = word.tables
    assert table.style.name == "Table Grid"
    assert len(table.rows) == 31
    header = table.rows[0]
    assert [c.text for c in header.cells] == ["Id.", "Exigence", "Réponse attendue"]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert [c.text for c in table.rows[30].cells] == ["B29", "Exigence 29", "Le candidat confirme."]
    grid = [col.w.twips for col in table._tbl.tblGrid.gridCol_lst]
    assert grid == [907, 3628, 4537] and sum(grid) == TEXT_WIDTH
    assert {p.style.name for c in header.cells for p in c.paragraphs} == {"Table header"}
    assert {p.style.name for c in table.rows[5].cells for p in c.paragraphs} == {"Table text"}


# --- fields, header, footer, settings --------------------------------------------------------


def test_table_of_contents_is_a_toc_field_updated_on_opening(small_docx: Path) -> None:
    xml = part(small_docx, "word/document.xml")
    instructions = re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml)
    # Two levels at most in a published piece (the document model's toc_depth).
    assert instructions[0] == ' TOC \\o "1-2" \\h \\z \\u '
    assert sum("PAGEREF _Toc" in i for i in instructions) == 5  # one per heading of levels 1-2
    assert TOC_PLACEHOLDER in xml
    assert 'w:fldCharType="begin" w:dirty="true"' in xml
    begins, ends = xml.count('w:fldCharType="begin"'), xml.count('w:fldCharType="end"')
    assert begins == ends == 6
    # every TOC entry points to a bookmark on its heading (the level-3 heading has one too)
    anchors = set(re.findall(r'w:anchor="(_Toc\d+)"', xml))
    bookmarks = set(re.findall(r'<w:bookmarkStart w:id="\d+" w:name="(_Toc\d+)"/>', xml))
    assert len(anchors) == 5 and anchors < bookmarks and len(bookmarks) == 6
    assert re.search(r'<w:updateFields w:val="true"/>', part(small_docx, "word/settings.xml"))


def test_toc_entries_link_to_their_own_headings(small_docx: Path) -> None:
    body = docx.Document(str(small_docx)).element.body
    entries = {
        link.get(qn("w:anchor")): "".join(t.text for t in link.iter(qn("w:t")))
        for link in body.iter(qn("w:hyperlink"))
        if link.get(qn("w:anchor"))
    }
    targets = {
        mark.get(qn("w:name")): "".join(t.text for t in mark.getparent().iter(qn("w:t")))
        for mark in body.iter(qn("w:bookmarkStart"))
    }
    # Every heading has its bookmark; the contents list those down to the TOC depth.
    assert entries.items() <= targets.items()
    assert "2.1.1 Sauvegardes" in targets.values() and "2.1.1 Sauvegardes" not in entries.values()
    assert list(entries.values())[2] == "2.1 Hébergement"


def test_header_and_footer_skip_the_cover(small_docx: Path) -> None:
    section = docx.Document(str(small_docx)).sections[0]
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == "CCTP — Essai-sur-Lié"
    assert section.header.paragraphs[0].style.name == "Header"
    footer = section.footer.paragraphs[0]
    assert footer.style.name == "Footer"
    instructions = [t.text for t in footer._p.iter(qn("w:instrText"))]
    assert instructions == [" PAGE ", " NUMPAGES "]
    assert footer.text.startswith("page ") and " / " in footer.text
    assert all(not p.text for p in section.first_page_header.paragraphs)
    assert all(not p.text for p in section.first_page_footer.paragraphs)


def test_page_is_a4_with_text_width_of_16_cm(small_docx: Path) -> None:
    section = docx.Document(str(small_docx)).sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    margins = [section.left_margin, section.right_margin, section.top_margin, section.bottom_margin]
    assert [round(m.cm, 2) for m in margins] == [2.5] * 4


# --- properties and provenance ---------------------------------------------------------------


def test_core_properties_and_language(small_docx: Path) -> None:
    core = docx.Document(str(small_docx)).core_properties
    midnight = dt.datetime(2027, 1, 11, tzinfo=dt.UTC)
    assert core.title == "Cahier des clauses techniques particulières"
    assert core.subject.startswith("Refonte du site internet de la commune d'Essai")
    assert core.author == "Essai-sur-Lié"
    assert core.language == "fr-FR"
    assert (core.created, core.modified) == (midnight, midnight)
    assert (core.revision, core.last_modified_by) == (1, "webpass")
    styles = part(small_docx, "word/styles.xml")
    defaults = styles[: styles.index("</w:docDefaults>")]
    assert '<w:lang w:val="fr-FR"' in defaults


def test_custom_properties_carry_provenance(small_docx: Path) -> None:
    props = read_docx_properties(small_docx)
    assert props["webpass_version_catalogue"] == "2026.1"
    assert props["webpass_reference"] == "ESSAI-2027-01"
    chunks = sorted(k for k in props if k.startswith("webpass_reponses_0"))
    assert chunks[:2] == ["webpass_reponses_001", "webpass_reponses_002"]
    assert all(len(props[k]) <= 250 for k in props)
    assert props["webpass_empreintes_001"] == "B01=0123456789ab;B02=ba9876543210"
    assert props["webpass_reponses_sha256"] == hashlib.sha256(ANSWERS.encode()).hexdigest()
    # a standard part: related from the package, declared in the content types
    assert "docProps/custom.xml" in part(small_docx, "_rels/.rels")
    assert "custom-properties" in part(small_docx, "_rels/.rels")
    types = part(small_docx, "[Content_Types].xml")
    assert 'PartName="/docProps/custom.xml"' in types
    assert "officedocument.custom-properties+xml" in types


def test_answers_round_trip(small_docx: Path) -> None:
    assert read_docx_answers(small_docx) == ANSWERS


@settings(max_examples=25, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=2000))
def test_any_answers_text_round_trips(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("rt") / "cctp.docx"
    path.write_bytes(render_docx(small_document(text), REFERENCE))
    assert read_docx_answers(path) == text


def rewrite_custom(source: Path, target: Path, edit: Callable[[str], str]) -> None:
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == "docProps/custom.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            out.writestr(info, data)


def test_damaged_answers_are_refused(small_docx: Path, tmp_path: Path) -> None:
    gap = tmp_path / "gap.docx"
    rewrite_custom(
        small_docx, gap, lambda xml: xml.replace('name="webpass_reponses_002"', 'name="autre"')
    )
    with pytest.raises(InputError, match="webpass_reponses_002 absent"):
        read_docx_answers(gap)
    tampered = tmp_path / "tampered.docx"
    rewrite_custom(
        small_docx,
        tampered,
        lambda xml: re.sub(r'(name="webpass_reponses_sha256"><vt:lpwstr>)[0-9a-f]', r"\g<1>x", xml),
    )
    with pytest.raises(InputError, match="modifiées"):
        read_docx_answers(tampered)
    garbage = tmp_path / "garbage.docx"
    rewrite_custom(
        small_docx,
        garbage,
        lambda xml: re.sub(r'(name="webpass_reponses_001"><vt:lpwstr>)', r"\g<1>!!", xml),
    )
    with pytest.raises(InputError, match="abîmées"):
        read_docx_answers(garbage)


def test_reading_answers_from_foreign_or_hostile_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="ne contient pas les réponses"):
        read_docx_answers(REFERENCE)
    text = tmp_path / "cctp.docx"
    text.write_text("pas un zip", encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="archive ZIP illisible"):
        read_docx_answers(text)
    with pytest.raises(UnreadableFileError, match="introuvable"):
        read_docx_answers(tmp_path / "absent.docx")
    crowded = tmp_path / "crowded.docx"
    with zipfile.ZipFile(crowded, "w") as archive:
        for n in range(2001):
            archive.writestr(f"f{n}", "")
    with pytest.raises(UnreadableFileError, match="éléments"):
        read_docx_answers(crowded)
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("docProps/custom.xml", b"\0" * 20_000_000)
    with pytest.raises(UnreadableFileError, match="compressé plus de"):
        read_docx_answers(bomb)
    entity = tmp_path / "entity.docx"
    with zipfile.ZipFile(entity, "w") as archive:
        archive.writestr(
            "docProps/custom.xml",
            '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa">]><Properties>&a;</Properties>',
        )
    with pytest.raises(UnreadableFileError, match="XML refusé"):
        read_docx_answers(entity)


# --- reference document ----------------------------------------------------------------------


def test_shipped_reference_defines_every_style() -> None:
    word = docx.Document(str(REFERENCE))
    kinds = {
        "paragraph": WD_STYLE_TYPE.PARAGRAPH,
        "character": WD_STYLE_TYPE.CHARACTER,
        "table": WD_STYLE_TYPE.TABLE,
    }
    present = {(s.element.name_val.casefold(), s.type) for s in word.styles}
    for name, kind in REQUIRED_STYLES.values():
        assert (name.casefold(), kinds[kind]) in present, name
    normal = word.styles["Normal"].font
    assert (normal.name, normal.size.pt) == ("DejaVu Sans", 10.5)
    assert word.styles["Normal"].paragraph_format.line_spacing == 1.15
    assert word.styles["Normal"].paragraph_format.space_after.pt == 6


def test_reference_without_a_style_is_refused(tmp_path: Path) -> None:
    word = docx.Document(str(REFERENCE))
    element = word.styles["Note réponse"].element
    element.getparent().remove(element)
    broken = tmp_path / "modele.docx"
    word.save(str(broken))
    with pytest.raises(InputError, match="« Note réponse »"):
        render_docx(small_document(), broken)


def test_reference_resaved_by_another_tool_still_works(tmp_path: Path) -> None:
    word = docx.Document(str(REFERENCE))
    word.styles["Heading 1"].font.size = docx.shared.Pt(18)
    restyled = tmp_path / "modele.docx"
    word.save(str(restyled))
    out = tmp_path / "cctp.docx"
    out.write_bytes(render_docx(small_document(), restyled))
    assert docx.Document(str(out)).styles["Heading 1"].font.size.pt == 18
    assert read_docx_answers(out) == ANSWERS


def test_unreadable_reference_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "modele.docx"
    bad.write_bytes(b"PK\x03\x04 pas vraiment")
    with pytest.raises(UnreadableFileError):
        render_docx(small_document(), bad)


# --- reproducibility -------------------------------------------------------------------------


def test_two_renders_are_byte_identical_with_fixed_zip_metadata() -> None:
    first = render_docx(small_document(), REFERENCE)
    assert render_docx(small_document(), REFERENCE) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr for i in infos} == {0o644 << 16}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}


def test_package_written_once_equals_python_docx_save_normalized() -> None:
    # package_bytes writes the zip itself through python-docx's private PackageWriter steps:
    # a python-docx release that changes them must show here, not as silently different files.
    word = docx.Document(io.BytesIO(render_docx(small_document(), REFERENCE)))
    saved = io.BytesIO()
    word.save(saved)
    assert package_bytes(word) == normalize_zip(saved.getvalue())


SUBPROCESS_RENDER = """
import hashlib
from tests.test_render_docx import REFERENCE, small_document
from webpass.render.docx import render_docx
print(hashlib.sha256(render_docx(small_document(), REFERENCE)).hexdigest())
"""


def test_two_processes_give_the_same_bytes() -> None:
    other = subprocess.run(
        [sys.executable, "-c", SUBPROCESS_RENDER],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env=other_hash_seed_env(),
    ).stdout.strip()
    assert other == hashlib.sha256(render_docx(small_document(), REFERENCE)).hexdigest()


# --- the shipped examples --------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_render_and_reopen(name: str, tmp_path: Path) -> None:
    document = example_document(name)
    path = tmp_path / f"{name}.docx"
    path.write_bytes(render_docx(document, REFERENCE))
    word = docx.Document(str(path))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) == len(document.walk()) + (1 if document.glossary else 0)
    assert headings[0] == f"1 {document.articles[0].title}"
    # The CCTP states needs: no requirement annex; the cited texts close the body, and every
    # table of needs of the model is a Word table.
    assert f"{len(document.articles)} Textes de référence" in headings
    needs = [b for a in document.walk() for b in a.blocks if isinstance(b, TableBlock)]
    assert needs and len(word.tables) == len(needs)
    assert len(word.tables[0].rows) == len(needs[0].rows) + 1
    assert word.sections[0].header.paragraphs[0].text == document.running_title
    assert read_docx_answers(path) == document.answers_yaml
    props = read_docx_properties(path)
    assert props["webpass_version_catalogue"] == document.catalog_version
    assert props["webpass_reference"] == document.reference


# --- LibreOffice opens it --------------------------------------------------------------------


@pytest.mark.slow
@needs_writer
def test_libreoffice_converts_to_pdf_with_pages(tmp_path: Path) -> None:
    source = tmp_path / "cctp.docx"
    source.write_bytes(render_docx(small_document(), REFERENCE))
    profile = tmp_path / "profil-lo"
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "cctp.pdf"
    assert pdf.is_file(), "LibreOffice n'a rien écrit"
    pages = len(PdfReader(pdf).pages)
    assert pages >= 3  # cover, contents, articles (and more as fonts and layout vary)
