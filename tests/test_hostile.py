"""The hostile corpus of tests/hostile/: every attack gets its exact, French, traceback-free answer."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import made_once
from webpass.cli import cli
from webpass.core.resources import shipped_catalog_dir
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.export import export_grid

CORPUS = Path(__file__).parent / "hostile"
REPO = Path(__file__).resolve().parent.parent
SECRETS = [b"root:x:0:0"]
# A short host name (« vm ») occurs by chance in the compressed bytes of a PDF: too short to
# tell a leak from noise, it is left out.
if Path("/etc/hostname").is_file() and len(Path("/etc/hostname").read_bytes().strip()) >= 8:
    SECRETS.append(Path("/etc/hostname").read_bytes().strip())


def _zip(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def _formula_grid(path: Path, tmp: Path) -> None:
    selection = open_dossier(REPO / "examples" / "petite-commune").selection
    data = export_grid(build_grid(selection), "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Exigences"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2, max_row=6):
        row[headers.index("Conformité")].value = '=IF(1=1,"Conforme","Non conforme")'
        row[headers.index("Justification")].value = '=HYPERLINK("http://pirate.invalid","cliquez")'
        row[headers.index("Prix HT")].value = "=1/0"
    book.save(path)


def _example_grid() -> openpyxl.Workbook:
    selection = open_dossier(REPO / "examples" / "petite-commune").selection
    return openpyxl.load_workbook(io.BytesIO(export_grid(build_grid(selection), "xlsx")))


def _hidden_sheet_grid(path: Path) -> None:
    """Issue 23 item 2: a veryHidden « Exigences_ » saying Conforme, placed first."""
    book = _example_grid()
    visible = book["Exigences"]
    headers = [c.value for c in visible[1]]
    for row in visible.iter_rows(min_row=2):
        if row[0].value and len(str(row[0].value)) == 3:
            row[headers.index("Conformité")].value = "Non conforme"
    liar = book.copy_worksheet(visible)
    liar.title = "Exigences_"
    for row in liar.iter_rows(min_row=2):
        if row[0].value and len(str(row[0].value)) == 3:
            row[headers.index("Conformité")].value = "Conforme"
    liar.sheet_state = "veryHidden"
    book.move_sheet(liar, offset=-len(book.sheetnames) + 1)
    book.save(path)


def _blank_cells_grid(path: Path, rows: int) -> None:
    """Issue 23 item 13: a grid whose sheet is padded with whitespace cells and XML comments."""
    _example_grid().save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = max(
        (n for n in parts if n.startswith("xl/worksheets/sheet")), key=lambda n: len(parts[n])
    )
    padding = b"".join(
        b'<row r="%d"><c r="B%d" t="inlineStr"><is><t xml:space="preserve">   </t></is></c>'
        b"<!-- %s --></row>" % (r, r, os.urandom(4).hex().encode())
        for r in range(1000, 1000 + rows)
    )
    parts[sheet] = parts[sheet].replace(b"</sheetData>", padding + b"</sheetData>", 1)
    _zip(path, parts)


def _long_list(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("nom;code_insee;type;departement;population\n")
        for n in range(94_000):
            handle.write(f"Commune {n};22{n % 1000:03d};commune;22;{1000 + n}\n")


def _pdf_with_attachment(path: Path, data: bytes, compress_bomb: bool = False) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_attachment("webpass.yaml", data)
    if compress_bomb:  # 120 MB of zeros in 120 kB of deflate
        for obj in writer._objects:
            if obj is not None and hasattr(obj, "get_data") and obj.get("/Type") == "/EmbeddedFile":
                obj._data = zlib.compress(b"\0" * 120_000_000, 9)
                obj[NameObject("/Filter")] = NameObject("/FlateDecode")
    with path.open("wb") as handle:
        writer.write(handle)


def _surrogate_json(path: Path) -> None:
    path.write_text(
        '{"candidat": {"Raison sociale": "Libre \\ud800 SCOP \\u001b[31m"}, '
        '"exigences": [{"Identifiant": "A01", "Conformit\\u00e9": "Conforme"}]}',
        encoding="utf-8",
    )


def _huge_free_text(path: Path) -> None:
    text = (REPO / "examples" / "petite-commune" / "webpass.yaml").read_text(encoding="utf-8")
    old = "outil_actuel: un site statique réalisé en 2012"
    assert old in text
    path.write_text(text.replace(old, "outil_actuel: " + "x" * 1_500_000), encoding="utf-8")


def _escaped_csv_grid(path: Path) -> None:
    selection = open_dossier(REPO / "examples" / "petite-commune").selection
    text = export_grid(build_grid(selection), "csv").decode("utf-8-sig")
    path.write_text("Raison sociale;\x1b[2J\x1b]0;pirate\x07Libre SCOP\n" + text, encoding="utf-8")


_MAKERS: dict[str, Callable[[Path], None]] = {
    "csv_echappement": _escaped_csv_grid,
    "feuille_masquee": _hidden_sheet_grid,
    # under the size limits: stopped while it is read; over them: refused before any XML
    "cellules_vides": lambda path: _blank_cells_grid(path, 45_000),
    "cellules_vides_geantes": lambda path: _blank_cells_grid(path, 400_000),
    "liste_94000": _long_list,
    "json_surrogate": _surrogate_json,
    "reponses_texte_geant": _huge_free_text,
    "pdf_latin1": lambda path: _pdf_with_attachment(
        path, "nom: Kerbriac-sur-Lié\n".encode("latin-1")
    ),
    "pdf_bombe": lambda path: _pdf_with_attachment(path, b"x", compress_bomb=True),
}


# Regular files whose making costs more than a copy (grids built from the example, big files
# written line by line, compressed bombs): made once per test run by the first process that
# needs one, then copied, since three test modules feed the same inputs to webpass.
_SHARED_KINDS = frozenset(_MAKERS) | {
    "formules",
    "bombe_zip",
    "xxe",
    "rires",
    "imbrication_10000",
    "yaml_20_mo",
    "csv_50_mo",
    "latin1",
}


def fabricate(kind: str, path: Path, tmp: Path) -> None:
    """Build an input that is too big, too binary or too special to ship in the repository.

    A regular file is a fresh copy each time: a test may change or remove it freely.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind in _SHARED_KINDS:
        name = f"fichier{path.suffix}"  # some makers and readers go by the suffix
        made = made_once(
            f"hostile-{kind}{path.suffix}", lambda into: _fabricate_here(kind, into / name, tmp)
        )
        path.unlink(missing_ok=True)
        shutil.copyfile(made / name, path)
    else:
        _fabricate_here(kind, path, tmp)


def _fabricate_here(kind: str, path: Path, tmp: Path) -> None:
    if kind.startswith("lien:"):
        path.unlink(missing_ok=True)
        path.symlink_to(kind.removeprefix("lien:"))
    elif kind == "tube":
        path.unlink(missing_ok=True)
        os.mkfifo(path)
    elif kind in _MAKERS:
        _MAKERS[kind](path)
    elif kind == "imbrication_10000":
        path.write_text("a: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    elif kind == "yaml_20_mo":
        with path.open("w", encoding="utf-8") as handle:
            handle.write("commentaire: |\n")
            line = "  " + "x" * 98 + "\n"
            for _ in range(210_000):
                handle.write(line)
    elif kind == "latin1":
        text = (REPO / "examples" / "petite-commune" / "webpass.yaml").read_text(encoding="utf-8")
        path.write_bytes(text.encode("latin-1", errors="replace"))
    elif kind == "bombe_zip":
        _zip(
            path,
            {"[Content_Types].xml": CONTENT_TYPES, "xl/worksheets/sheet1.xml": b"0" * 150_000_000},
        )
    elif kind == "xxe":
        _zip(
            path,
            {
                "[Content_Types].xml": b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]><Types>&x;</Types>',
                "xl/workbook.xml": b"<workbook/>",
            },
        )
    elif kind == "rires":
        entities = "".join(
            f'<!ENTITY l{i} "&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};">' for i in range(1, 10)
        )
        _zip(
            path,
            {
                "[Content_Types].xml": CONTENT_TYPES,
                "xl/workbook.xml": f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY l0 "lol">{entities}]><workbook>&l9;</workbook>'.encode(),
            },
        )
    elif kind == "csv_50_mo":
        with path.open("wb") as handle:
            row = b"A01;Conforme;" + b"x" * 100 + b"\n"
            for _ in range(50_000_000 // len(row) + 1):
                handle.write(row)
    elif kind == "formules":
        _formula_grid(path, tmp)
    else:  # pragma: no cover - a typo in a cas.yaml
        raise AssertionError(f"fabrication inconnue : {kind}")


def _expand(text: str, places: dict[str, Path]) -> str:
    for key, value in places.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def _snapshot(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


CASES = sorted(p for p in CORPUS.iterdir() if (p / "cas.yaml").is_file())


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_hostile_case(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec: dict[str, Any] = yaml.safe_load((case / "cas.yaml").read_text(encoding="utf-8"))
    places = {
        "cas": tmp_path / "cas",
        "sortie": tmp_path / "sortie",
        "exemple": tmp_path / "exemple",
        "catalogue": tmp_path / "catalogue",
    }
    shutil.copytree(case, places["cas"])
    places["sortie"].mkdir()
    shutil.copytree(REPO / "examples" / "petite-commune", places["exemple"])
    shutil.copytree(shipped_catalog_dir(), places["catalogue"])
    for name, kind in (spec.get("fabriquer") or {}).items():
        target = Path(_expand(name, places)) if name.startswith("{") else places["cas"] / name
        fabricate(kind, target, tmp_path)
    for target, (old, new) in (spec.get("preparer") or {}).items():
        path = Path(_expand(target, places))
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{case.name} : « {old} » absent de {path.name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    workdir = tmp_path / "repertoire-courant"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    before = _snapshot(tmp_path)
    pirate = Path("/tmp/webpass-pirate")
    pirate.unlink(missing_ok=True)

    result = CliRunner().invoke(cli, [_expand(str(arg), places) for arg in spec["commande"]])

    output = result.output
    assert result.exit_code != 70, f"{case.name} : « Erreur interne » (code 70)\n{output}"
    assert result.exit_code == spec["code"], f"{case.name} : code {result.exit_code}\n{output}"
    if "message" in spec:
        assert spec["message"] in output, (
            f"{case.name} : message attendu « {spec['message']} »\n{output}"
        )
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert not pirate.exists(), "du code a été exécuté"
    assert not any(workdir.iterdir()), "écrit dans le répertoire courant"
    created = _snapshot(tmp_path) - before
    assert not [p for p in created if p.name.endswith(".tmp")], "fichier temporaire laissé"
    for path in created:
        data = path.read_bytes()
        for secret in SECRETS:
            assert secret not in data, f"{case.name} : contenu d'un fichier système dans {path}"
    for expected in spec.get("fichiers", []):
        assert Path(_expand(expected, places)).is_file(), expected
    for target, fragment in (spec.get("contenu") or {}).items():
        assert fragment in Path(_expand(target, places)).read_text(encoding="utf-8-sig"), target
    for target, fragment in (spec.get("absent") or {}).items():
        for path in Path(places["sortie"]).glob(_expand(target, places).split("/")[-1]):
            assert fragment not in path.read_text(encoding="utf-8-sig"), (target, fragment)
    for fragment in spec.get("absent_sortie", []):
        assert fragment not in output, fragment
    if spec["code"] != 0:
        assert not [p for p in created if p.parent == places["sortie"]], "sortie partielle écrite"


def test_every_case_is_described() -> None:
    for case in CASES:
        spec = yaml.safe_load((case / "cas.yaml").read_text(encoding="utf-8"))
        assert spec["description"] and spec["commande"] and "code" in spec, case.name
    assert len(CASES) >= 25
    assert os.sep not in "".join(p.name for p in CASES)
