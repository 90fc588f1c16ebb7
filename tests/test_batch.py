"""Batch mode (``webpass lot``): validation of every row, parallel generation, resumption.

Generation runs on a two-item catalogue so that thirty dossiers (PDF included) take seconds;
the shipped example list is checked against the shipped catalogue without generating it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import MINI_ITEMS, REPO
from tests.test_pdf_engines import pdf_producer
from webpass.batch import BatchInterrupted, BatchResult, RowOutcome, RowStatus, run_batch
from webpass.batch.manifest import MANIFEST_FILE
from webpass.batch.rows import load_base, read_batch, write_department_list
from webpass.catalog import load_catalog, load_shipped_catalog
from webpass.cli import cli
from webpass.collectivities import load_reference
from webpass.core.errors import InputError, UnreadableFileError
from webpass.core.resources import shipped_catalog_dir
from webpass.core.slug import slugify
from webpass.render.dispatch import PdfEngine
from webpass.untrusted.safe_yaml import load_yaml_file

BASE = """\
version_catalogue: "2026.1"
collectivite:
  effectif: 3
  adresse: 1 place de l'Église (ne doit jamais être reprise)
  domaine: base.example (ne doit jamais être repris)
projet:
  nature: creation
  niveau_vise: 3
  duree_marche_mois: 48
  date_lancement: 2027-01-11
faits:
  publication_electronique_actes: false
"""

HEADER = ["nom", "code_insee", "type", "departement", "population"]
BROKEN_LINE = 17  # line 1 is the header: the 16th collectivity


def communes(count: int) -> list[list[str]]:
    """The first ``count`` communes of the Côtes-d'Armor, as the reference has them."""
    picked = load_reference().communes_of_department("22")[:count]
    return [[c.name, c.code, "commune", "22", str(c.population)] for c in picked]


def write_list(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped reference files and two items: small documents, quick PDFs."""
    root = tmp_path_factory.mktemp("catalogue")
    (root / "items").mkdir()
    for path in shipped_catalog_dir().glob("*.yaml"):
        shutil.copy(path, root / path.name)
    (root / "items" / "01-essai.yaml").write_text(MINI_ITEMS, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("base") / "base.yaml"
    path.write_text(BASE, encoding="utf-8")
    return path


class Recorder:
    """A progress listener that remembers what it was told."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.begun: tuple[int, int, int, int] | None = None
        self.advanced: list[RowOutcome] = []
        self.stop_after = stop_after

    def begin(self, rows: int, to_generate: int, up_to_date: int, invalid: int) -> None:
        self.begun = (rows, to_generate, up_to_date, invalid)

    def advance(self, outcome: RowOutcome) -> None:
        self.advanced.append(outcome)
        if self.stop_after is not None and len(self.advanced) >= self.stop_after:
            raise KeyboardInterrupt


Thirty = tuple[Path, Path, BatchResult, Recorder]


@pytest.fixture(scope="module")
def thirty(tmp_path_factory: pytest.TempPathFactory, catalogue: Path, base: Path) -> Thirty:
    """Thirty rows, the 16th broken (INSEE code of another département), generated in PDF."""
    folder = tmp_path_factory.mktemp("trente")
    rows = communes(30)
    rows[BROKEN_LINE - 2][1] = "35238"  # Rennes' code, in a row that says Côtes-d'Armor
    listing = write_list(folder / "liste.csv", rows)
    out = folder / "sortie"
    recorder = Recorder()
    result = run_batch(listing, base, out, ["pdf"], 2, recorder, catalog_dir=catalogue)
    return listing, out, result, recorder


def test_one_broken_row_among_thirty(thirty: Thirty) -> None:
    _listing, out, result, recorder = thirty
    assert recorder.begun == (30, 29, 0, 1)
    assert result.count(RowStatus.GENERATED) == 29
    assert result.exit_code == 1
    [failure] = result.failures
    assert failure.line == BROKEN_LINE
    assert failure.status is RowStatus.INVALID
    assert "35238" in (failure.reason or "") and "Côtes-d'Armor" in (failure.reason or "")
    folders = sorted(p for p in out.iterdir() if p.is_dir())
    assert len(folders) == 29
    for folder in folders:
        assert (folder / "webpass.yaml").is_file()
        assert len(list(folder.glob("cctp-*.pdf"))) == 1
    generated = [o for o in result.outcomes if o.status is RowStatus.GENERATED]
    assert all(o.pages and o.pages >= 1 for o in generated)
    assert 0 < result.peak_worker_mib < 1000


def test_each_dossier_holds_its_own_answers(thirty: Thirty) -> None:
    _, out, _, _ = thirty
    located = load_yaml_file(out / "aucaleuc-22003" / "webpass.yaml")
    body = located.data["collectivite"]
    assert body["nom"] == "Aucaleuc"
    assert body["code_insee"] == "22003"
    assert body["population"] == 973
    assert body["effectif"] == 3  # a default of the base
    assert "adresse" not in body and "domaine" not in body  # identity never comes from the base


def test_summary_files_list_every_row(thirty: Thirty) -> None:
    _, out, result, _ = thirty
    text = (out / "synthese.csv").read_text(encoding="utf-8-sig")
    records = list(csv.DictReader(text.splitlines(), delimiter=";"))
    assert len(records) == 30
    broken = next(r for r in records if r["ligne"] == str(BROKEN_LINE))
    assert broken["statut"] == "invalide" and "35238" in broken["motif"]
    done = next(r for r in records if r["ligne"] == "2")
    assert done["statut"] == "généré"
    assert done["fichiers"].endswith(".pdf") and int(done["pages"]) >= 1
    assert "," in done["estimation_max"] and done["subvention_max"]
    # Breton communes and an Île-de-France scheme of 2009: never an aid to count on.
    assert done["subvention_statut"] == "non applicable"
    data = json.loads((out / "synthese.json").read_text(encoding="utf-8"))
    assert (data["lignes"], data["generes"], data["invalides"]) == (30, 29, 1)
    assert data["dossiers"][0]["estimation"]["max"]
    assert result.summary_csv == out / "synthese.csv"


def test_rerun_skips_what_is_up_to_date_then_redoes_changes(
    thirty: Thirty, catalogue: Path, base: Path, tmp_path: Path
) -> None:
    listing, original, _, _ = thirty
    out = tmp_path / "sortie"
    shutil.copytree(original, out)  # the module's run stays intact for the other tests
    pdf = next((out / "allineuc-22001").glob("*.pdf"))
    before = pdf.stat().st_mtime_ns

    recorder = Recorder()
    again = run_batch(listing, base, out, ["pdf"], 2, recorder, catalog_dir=catalogue)
    assert recorder.begun == (30, 0, 29, 1)
    assert recorder.advanced == []
    assert again.count(RowStatus.UP_TO_DATE) == 29
    assert again.exit_code == 1  # the broken row is still broken
    assert pdf.stat().st_mtime_ns == before
    assert again.outcomes[0].pages  # figures come back from the manifest

    rows = communes(30)
    broken = rows[BROKEN_LINE - 2]  # fixed: its own code again
    rows[4][4] = "4321"  # a changed population
    write_list(listing.parent / "modifiee.csv", rows)
    for old in (out / "andel-22002").glob("*.pdf"):
        old.unlink()  # a deleted output
    third = next((out / "aucaleuc-22003").glob("*.pdf"))
    third.write_bytes(third.read_bytes()[:-1] + b"X")  # same size, other bytes

    recorder = Recorder()
    redone = run_batch(
        listing.parent / "modifiee.csv", base, out, ["pdf"], 2, recorder, catalog_dir=catalogue
    )
    assert recorder.begun == (30, 4, 26, 0)
    assert sorted(o.line for o in recorder.advanced) == [3, 4, 6, BROKEN_LINE]
    assert redone.exit_code == 0
    assert list((out / "andel-22002").glob("*.pdf"))
    assert (out / slugify(f"{broken[0]} {broken[1]}")).is_dir()


def test_other_formats_are_a_change(catalogue: Path, base: Path, tmp_path: Path) -> None:
    rows = communes(2)
    write_list(tmp_path / "deux.csv", rows)
    out = tmp_path / "sortie"
    first = run_batch(tmp_path / "deux.csv", base, out, ["html"], 1, catalog_dir=catalogue)
    assert first.count(RowStatus.GENERATED) == 2
    second = run_batch(tmp_path / "deux.csv", base, out, ["html", "docx"], 1, catalog_dir=catalogue)
    assert second.count(RowStatus.GENERATED) == 2
    assert list(out.glob("*/*.docx"))


def test_an_interrupted_run_resumes(catalogue: Path, base: Path, tmp_path: Path) -> None:
    listing = write_list(tmp_path / "liste.csv", communes(8))
    out = tmp_path / "sortie"
    with pytest.raises(BatchInterrupted) as caught:
        run_batch(listing, base, out, ["html"], 1, Recorder(stop_after=2), catalog_dir=catalogue)
    stopped = caught.value.result
    finished = stopped.count(RowStatus.GENERATED) + stopped.count(RowStatus.UP_TO_DATE)
    assert 2 <= finished < 8
    manifest = json.loads((out / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert len(manifest["dossiers"]) == finished
    recorder = Recorder()
    resumed = run_batch(listing, base, out, ["html"], 1, recorder, catalog_dir=catalogue)
    assert recorder.begun == (8, 8 - finished, finished, 0)
    assert resumed.exit_code == 0


def test_a_hostile_name_stays_inside_the_output_folder(
    catalogue: Path, base: Path, tmp_path: Path
) -> None:
    rows = [  # entered by hand: names and codes the reference does not know
        ["../../etc", "22901", "commune", "22", "500", "oui"],
        ["/tmp/../../root/.ssh", "22902", "commune", "22", "600", "oui"],
        ["CON", "", "commune", "22", "700", "oui"],
    ]
    listing = write_list(tmp_path / "liste.csv", rows, [*HEADER, "saisie_manuelle"])
    out = tmp_path / "a" / "b" / "sortie"
    result = run_batch(listing, base, out, ["html"], 1, catalog_dir=catalogue)
    assert result.count(RowStatus.GENERATED) == 2
    assert result.failures[0].line == 4  # CON has no INSEE code: a commune must give it
    names = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert names == ["etc-22901", "tmp-root-ssh-22902"]
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and out not in p.parents]
    assert outside == [listing]
    for outcome in result.outcomes:
        for file in outcome.files:
            assert (out / file.path).resolve().is_relative_to(out.resolve())


def test_headers_in_capitals_with_accents_and_overrides(
    catalogue: Path, base: Path, tmp_path: Path
) -> None:
    header = [
        "NOM",
        "Code INSEE",
        "TYPE",
        "DÉPARTEMENT",
        "Population",
        "Niveau visé",
        "DATE DE LANCEMENT",
    ]
    rows = [["Pouldergat", "29224", "Commune", "Finistère", "1 250", "2", "15/03/2027"]]
    listing = write_list(tmp_path / "liste.csv", rows, header)
    catalog = load_catalog(catalogue)
    [row] = read_batch(listing, load_base(base, catalog), catalog)
    assert row.valid, row.reason
    assert row.answers is not None
    assert row.answers.collectivity.population == 1250
    assert row.answers.collectivity.department == "Finistère"
    assert row.answers.project.target_level == 2
    assert row.answers.project.launch_date == dt.date(2027, 3, 15)


def test_xlsx_list(catalogue: Path, base: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Nom", "Code INSEE", "Type", "Département", "Population", "date_lancement"])
    sheet.append(["Ambérieu-en-Bugey", 1004, "commune", "Ain", 15934, dt.datetime(2027, 2, 1)])
    sheet.append(["Andel", "22002", "commune", 22, 1180.0, None])
    path = tmp_path / "liste.xlsx"
    book.save(path)
    out = tmp_path / "sortie"
    result = run_batch(path, base, out, ["html"], 1, catalog_dir=catalogue)
    assert result.exit_code == 0, result.failures
    assert [o.folder for o in result.outcomes] == ["amberieu-en-bugey-01004", "andel-22002"]
    located = load_yaml_file(out / "amberieu-en-bugey-01004" / "webpass.yaml")
    assert located.data["collectivite"]["code_insee"] == "01004"  # the lost zero is back
    assert located.data["projet"]["date_lancement"] == dt.date(2027, 2, 1)


def test_problems_name_the_cell_or_the_base_line(catalogue: Path, tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(BASE + "  question_inconnue: true\n", encoding="utf-8")
    rows = communes(3)
    rows[0][4] = "beaucoup"
    rows[2] = rows[1]  # a duplicate
    listing = write_list(tmp_path / "liste.csv", rows)
    catalog = load_catalog(catalogue)
    first, second, third = read_batch(listing, load_base(base, catalog), catalog)
    assert first.line == 2 and not first.valid
    assert "[population] un nombre entier est attendu (trouvé : « beaucoup »)" in first.reason
    assert f"{base}:13" in second.reason and "question_inconnue" in second.reason
    assert "même collectivité" in third.reason and "ligne 3" in third.reason


def test_missing_column_and_unreadable_list(catalogue: Path, base: Path, tmp_path: Path) -> None:
    listing = write_list(tmp_path / "liste.csv", [["1200"]], ["population"])
    with pytest.raises(InputError, match="code_insee"):
        run_batch(listing, base, tmp_path / "sortie", ["html"], 1, catalog_dir=catalogue)
    binary = tmp_path / "liste.xls"
    binary.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(UnreadableFileError):
        run_batch(binary, base, tmp_path / "sortie", ["html"], 1, catalog_dir=catalogue)


def test_the_shipped_example_list_is_valid() -> None:
    folder = REPO / "examples" / "lot-bretagne"
    catalog = load_shipped_catalog()
    rows = read_batch(
        folder / "communes.csv", load_base(folder / "reponses-base.yaml", catalog), catalog
    )
    assert len(rows) >= 50
    assert all(row.valid for row in rows), [row.reason for row in rows if not row.valid]
    assert {row.insee[:2] for row in rows} == {"22", "29", "35", "56"}
    populations = [row.answers.collectivity.population for row in rows if row.answers]
    assert min(populations) >= 150 and max(populations) <= 9000
    assert len({row.folder_name for row in rows}) == len(rows)


def test_cli_exit_codes(runner: CliRunner, catalogue: Path, base: Path, tmp_path: Path) -> None:
    rows = communes(3)
    rows[1][3] = "Atlantide"
    listing = write_list(tmp_path / "liste.csv", rows)
    out = tmp_path / "sortie"
    common = ["--reponses", str(base), "--sortie", str(out), "--catalogue", str(catalogue)]
    result = runner.invoke(cli, ["lot", str(listing), *common, "--format", "html", "-j", "1"])
    assert result.exit_code == 1, result.output
    assert "ligne 3, Andel" in result.output
    assert "Atlantide" in result.output
    assert "2 dossier(s) produit(s)" in result.output

    write_list(listing, communes(3))
    result = runner.invoke(cli, ["lot", str(listing), *common, "--format", "html", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["statut"] for d in data["dossiers"]] == ["a_jour", "genere", "a_jour"]

    result = runner.invoke(cli, ["lot", str(listing), *common, "--format", "odt"])
    assert result.exit_code == 2
    result = runner.invoke(cli, ["lot", str(listing), "--sortie", str(out)])
    assert result.exit_code == 2
    result = runner.invoke(cli, ["lot", str(tmp_path / "absente.csv"), *common])
    assert result.exit_code == 2
    assert "absente.csv" in result.output


def test_an_empty_cell_blames_the_base_value(catalogue: Path, tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(BASE.replace("effectif: 3", "effectif: beaucoup"), encoding="utf-8")
    rows = [[*row, ""] for row in communes(2)]
    rows[1][5] = "4"
    listing = write_list(tmp_path / "liste.csv", rows, [*HEADER, "Effectif"])
    catalog = load_catalog(catalogue)
    first, second = read_batch(listing, load_base(base, catalog), catalog)
    assert f"{base}:3" in first.reason and "beaucoup" in first.reason
    assert second.valid, second.reason  # its own cell replaces the base's value


def test_workers_are_replaced_as_they_go(catalogue: Path, base: Path, tmp_path: Path) -> None:
    # Two dossiers per worker, nine dossiers: five successive pools. One pool with a backlog and
    # max_tasks_per_child would hang here on CPython 3.11-3.14 (python/cpython#115634).
    listing = write_list(tmp_path / "liste.csv", communes(9))
    result = run_batch(
        listing,
        base,
        tmp_path / "sortie",
        ["html"],
        2,
        catalog_dir=catalogue,
        tasks_per_worker=2,
    )
    assert result.count(RowStatus.GENERATED) == 9


def test_a_list_of_insee_codes_alone(catalogue: Path, base: Path, tmp_path: Path) -> None:
    """Twenty INSEE codes and nothing else: names, populations and départements come from the
    reference; a column of the list overrides it."""
    ref = load_reference()
    picked = [c for c in ref.communes_of_department("56") if c.population][:20]
    rows = [[c.code] for c in picked]
    rows[0] = [picked[0].code, "4321"]
    listing = write_list(tmp_path / "codes.csv", rows, ["code_insee", "population"])
    out = tmp_path / "sortie"
    result = run_batch(listing, base, out, ["html"], 2, catalog_dir=catalogue)
    assert result.exit_code == 0, [o.reason for o in result.failures]
    assert result.count(RowStatus.GENERATED) == 20
    for index, commune in enumerate(picked):
        folder = out / slugify(f"{commune.name} {commune.code}")
        body = load_yaml_file(folder / "webpass.yaml").data["collectivite"]
        assert (body["nom"], body["departement"]) == (commune.name, "Morbihan")
        assert body["population"] == (4321 if index == 0 else commune.population)
        assert body["siren"] == commune.siren


def test_a_groupement_by_its_siren_in_the_code_column(
    catalogue: Path, base: Path, tmp_path: Path
) -> None:
    listing = write_list(tmp_path / "codes.csv", [["242900660"]], ["code"])
    catalog = load_catalog(catalogue)
    [row] = read_batch(listing, load_base(base, catalog), catalog)
    assert row.valid, row.reason
    assert row.answers is not None
    body = row.answers.collectivity
    assert body.name == "Communauté de communes du Pays Fouesnantais"
    assert len(body.members) == 7 and body.members[0].population
    assert row.folder_name == "communaute-de-communes-du-pays-fouesnantais-242900660"


def test_a_code_no_commune_has_is_refused_with_its_cell(catalogue: Path, tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(BASE, encoding="utf-8")
    listing = write_list(tmp_path / "codes.csv", [["22002"], ["29900"]], ["code_insee"])
    catalog = load_catalog(catalogue)
    good, bad = read_batch(listing, load_base(base, catalog), catalog)
    assert good.valid
    assert bad.line == 3 and "code postal" in bad.reason and "Concarneau" in bad.reason


def test_every_commune_of_departements(
    runner: CliRunner, catalogue: Path, base: Path, tmp_path: Path
) -> None:
    listing = write_department_list("22, 2a", tmp_path / "sortie")
    assert listing.parent == tmp_path / "sortie"
    catalog = load_catalog(catalogue)
    rows = read_batch(listing, load_base(base, catalog), catalog)
    assert len(rows) == 344 + 124
    assert all(row.valid for row in rows), [r.reason for r in rows if not r.valid][:3]
    common = [
        "--reponses",
        str(base),
        "--sortie",
        str(tmp_path / "s"),
        "--catalogue",
        str(catalogue),
    ]
    result = runner.invoke(cli, ["lot", "--departement", "99", *common])
    assert result.exit_code == 2 and "99" in result.output
    result = runner.invoke(cli, ["lot", str(listing), "--departement", "22", *common])
    assert result.exit_code == 2 and "pas les deux" in result.output


def test_the_pdf_engine_asked_for_makes_every_pdf_and_a_change_of_engine_redoes_them(
    runner: CliRunner, catalogue: Path, base: Path, tmp_path: Path
) -> None:
    listing = write_list(tmp_path / "deux.csv", communes(2))
    out = tmp_path / "sortie"
    common = ["--reponses", str(base), "--sortie", str(out), "--catalogue", str(catalogue)]
    typst = runner.invoke(cli, ["lot", str(listing), *common, "--format", "pdf", "-j", "1"])
    assert typst.exit_code == 0, typst.output
    pdfs = sorted(out.glob("*/*.pdf"))
    assert len(pdfs) == 2
    assert all("typst" in pdf_producer(p).lower() for p in pdfs)

    # The same run again, each document choosing its engine: nothing to redo.
    again = run_batch(listing, base, out, ["pdf"], 1, catalog_dir=catalogue)
    assert again.count(RowStatus.UP_TO_DATE) == 2

    other = ["--format", "pdf", "-j", "1", "--moteur", "weasyprint"]
    weasy = runner.invoke(cli, ["lot", str(listing), *common, *other])
    assert weasy.exit_code == 0, weasy.output
    assert all("weasyprint" in pdf_producer(p).lower() for p in sorted(out.glob("*/*.pdf")))
    same = run_batch(
        listing, base, out, ["pdf"], 1, catalog_dir=catalogue, engine=PdfEngine.WEASYPRINT
    )
    assert same.count(RowStatus.UP_TO_DATE) == 2

    refused = runner.invoke(cli, ["lot", str(listing), *common, "--moteur", "latex"])
    assert refused.exit_code == 2
