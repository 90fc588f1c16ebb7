"""Shared fixtures: a small valid catalogue to break on purpose, and a CLI runner."""

from __future__ import annotations

import atexit
import functools
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from jinja2 import Template

from webpass.catalog import load_shipped_catalog
from webpass.catalog.cache import CACHE_ENV
from webpass.core.errors import ValidationFailed
from webpass.core.resources import shipped_catalog_dir
from webpass.documents.cctp import CctpDocument
from webpass.documents.dce import DceBundle, DceMember, DceOutput, assemble_dce, make_dce
from webpass.documents.pieces import PieceKind
from webpass.dossier.answers import Answers, parse_answers
from webpass.dossier.opening import open_dossier
from webpass.selection.engine import Selection
from webpass.untrusted.safe_yaml import YamlRefused, load_yaml_text
from webpass.untrusted.sandbox import clause_environment

REPO = Path(__file__).resolve().parent.parent


def answers_from_text(text: str, source: str = "réponses") -> Answers:
    """Answers given as YAML text, validated as ``webpass.yaml`` is."""
    try:
        located = load_yaml_text(text, source)
    except YamlRefused as exc:
        raise ValidationFailed([exc.problem]) from exc
    return parse_answers(located)


# No verdict may depend on the machine's speed: on a loaded 2-core machine, Hypothesis' default
# 200 ms deadline per example and its "too slow" health check fail correct code.
settings.register_profile("webpass", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("webpass")

MINI_ITEMS = """\
# yaml-language-server: $schema=../schema/items.schema.json
section:
  id: essai
  lettre: Z
  titre: Section d'essai
items:
  - id: Z01
    titre: Mentions légales
    niveau: 1
    profil: tous
    exigence: obligation_legale
    clause: |
      Le site de {{ collectivite.designation }} comporte une page de mentions légales
      accessible depuis toutes les pages.
    reponse: {type: conformite}
    normes: [{ref: LCEN, precision: article 1-1}]
  - id: Z02
    titre: Publication des actes
    niveau: 3
    profil: tous
    exigence: obligation_legale
    conditions:
      - un_parmi:
          - {critere: population, au_moins: 3500}
          - {fait: publication_electronique_actes}
    sinon: recommande
    requiert: [Z01]
    clause: |
      Les actes sont publiés sous {{ delai }} jours.
    parametres:
      - {cle: delai, libelle: Délai de publication, type: entier, defaut: 2}
    reponse: {type: nombre, question: Délai de mise en ligne, minimum: 1, unite: jours}
    normes: [{ref: LCEN}]
    cout: {min: "500.00", max: "1500.00", nature: investissement, periodicite: ponctuel}
"""


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The persistent catalogue cache of this test session, never the user's own.

    Shared by the session (set in the environment, so the subprocesses of CLI tests use it too),
    so tests after the first build the shipped catalogue from it, as a user's commands do.
    """
    folder = tmp_path_factory.mktemp("cache")
    folder.chmod(0o700)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(folder))
        yield folder


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def mini_catalog(tmp_path: Path) -> Path:
    """A valid catalogue with the shipped reference files and two items of our own."""
    root = tmp_path / "catalogue"
    (root / "items").mkdir(parents=True)
    for path in shipped_catalog_dir().glob("*.yaml"):
        shutil.copy(path, root / path.name)
    (root / "items" / "01-essai.yaml").write_text(MINI_ITEMS, encoding="utf-8")
    _without_item_ids(root / "couts.yaml")
    return root


def _without_item_ids(path: Path) -> None:
    # The shipped cost model names items of the shipped catalogue; the mini one has none of them.
    kept = []
    skipping = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(
            ("hors_socle:", "formation_exigences:", "comptees_ailleurs:", "abonnements:")
        ):
            skipping = line.startswith("abonnements:")
            continue
        if skipping and (line.startswith(" ") or not line.strip()):
            continue
        skipping = False
        kept.append(line)
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")


def append_items(root: Path, text: str) -> None:
    """Add raw YAML items at the end of the mini catalogue's item file."""
    path = root / "items" / "01-essai.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


SELECTION_ITEMS = """\
# yaml-language-server: $schema=../schema/items.schema.json
section:
  id: options
  lettre: Y
  titre: Section d'options
items:
  - id: Y01
    titre: Charte graphique
    niveau: 2
    profil: tous
    exigence: minimum_webpass
    clause: Le titulaire conçoit une charte graphique.
    reponse: {type: conformite}
    cout: {min: "2000.00", max: "4000.00", nature: investissement, periodicite: ponctuel}
  - id: Y02
    titre: Agenda
    niveau: 3
    profil: tous
    exigence: recommande
    requiert: [Y05]
    clause: Le site publie un agenda.
    reponse: {type: conformite}
    cout: {min: "500.00", max: "1000.00", nature: investissement, periodicite: ponctuel}
  - id: Y03
    titre: Forum
    niveau: 4
    profil: tous
    exigence: optionnel
    exclut: [Y04]
    teleservice: true
    clause: Le site offre un forum.
    reponse: {type: conformite}
  - id: Y04
    titre: Commentaires
    niveau: 4
    profil: tous
    exigence: optionnel
    clause: Le site accepte des commentaires.
    reponse: {type: conformite}
  - id: Y05
    titre: Hébergement
    niveau: null
    profil: tous
    exigence: optionnel
    clause: Le titulaire héberge le site. {{ marche.regle_pse }}
    reponse: {type: conformite}
    cout: {min: "300.00", max: "600.00", nature: fonctionnement, periodicite: annuel}
  - id: Y06
    titre: Plateforme mutualisée
    niveau: null
    profil: groupement
    exigence: minimum_webpass
    clause: Une plateforme héberge les sites des communes.
    reponse: {type: conformite}
  - id: Y07
    titre: Journées de formation
    niveau: null
    profil: tous
    exigence: recommande
    clause: Le titulaire forme les agents.
    reponse: {type: conformite}
    cout: {min: "600.00", max: "800.00", nature: investissement, periodicite: unitaire, unite: jour, quantite: 3}
"""

ANSWERS = """\
version_catalogue: "2026.1"
collectivite:
  nom: Kerbriac-sur-Lié
  type: commune
  saisie_manuelle: true
  code_insee: "22987"
  departement: Côtes-d'Armor
  population: 1200
  effectif: 9
  recettes_annuelles: "38000.00"
  courriel: mairie@kerbriac.example
  courriel_offres: devis@kerbriac.example
  signataire: {nom: Marie Exemple}
projet:
  nature: creation
  niveau_vise: 3
  duree_marche_mois: 48
  date_lancement: 2027-01-11
"""


@pytest.fixture
def options_catalog(mini_catalog: Path) -> Path:
    """The mini catalogue plus a section exercising every selection rule."""
    (mini_catalog / "items" / "02-options.yaml").write_text(SELECTION_ITEMS, encoding="utf-8")
    return mini_catalog


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    """A dossier folder with a small commune's answers."""
    folder = tmp_path / "dossier"
    folder.mkdir()
    (folder / "webpass.yaml").write_text(ANSWERS, encoding="utf-8")
    return folder


COMMUNE_EXAMPLE = REPO / "examples" / "petite-commune"
GROUPEMENT_EXAMPLE = REPO / "examples" / "communaute-de-communes"


@pytest.fixture(scope="module")
def commune() -> Selection:
    """The small commune's shipped example, opened once per test module."""
    return open_dossier(COMMUNE_EXAMPLE).selection


@pytest.fixture(scope="module")
def groupement() -> Selection:
    """The groupement's shipped example, opened once per test module."""
    return open_dossier(GROUPEMENT_EXAMPLE).selection


def dce_documents(selection: Selection) -> dict[PieceKind, CctpDocument]:
    """The pieces of the dossier's DCE that are documents, by kind."""
    bundle = assemble_dce(selection)
    return {p.kind: p.document for p in bundle.pieces if p.document is not None}


def piece_document(bundle: DceBundle, kind: PieceKind) -> CctpDocument:
    """The document of the DCE's piece of this kind (the piece must be a document)."""
    document = next(p.document for p in bundle.pieces if p.kind is kind)
    assert document is not None
    return document


@functools.cache
def sessions_groupement() -> Path:
    """The groupement example with the council sessions (E07) bought on order in this contract.

    The example leaves E07 to a separate contract (a distinct trade); the rules of purchase
    orders in a groupement are checked on this variant, whose dossier states why it keeps them.
    """
    source = REPO / "examples" / "communaute-de-communes" / "webpass.yaml"
    text = source.read_text(encoding="utf-8").replace("retenues: [F13]", "retenues: [E07, F13]")
    text = text.replace(
        '  taux_avance: "5"\n',
        '  taux_avance: "5"\n  justification_metier_distinct: >-\n'
        "    Les séances sont filmées dans les salles équipées par le site, sans matériel à fournir.\n",
    )
    root = Path(tempfile.mkdtemp(prefix="webpass-seances-"))
    atexit.register(shutil.rmtree, root, True)
    folder = root / "communaute-de-communes"
    folder.mkdir()
    (folder / "webpass.yaml").write_text(text, encoding="utf-8")
    return folder


def document_plain_text(document: CctpDocument) -> str:
    """The whole text of ``document`` as :func:`plain_text` compares it."""
    from webpass.documents.coherence import document_text

    return plain_text(document_text(document))


def article_text(document: CctpDocument, number: str) -> str:
    """The plain text of the article numbered ``number`` (or of requirement ``number``)."""
    import dataclasses

    found = [a for a in document.walk() if a.number == number or a.item_id == number]
    assert found, number
    return document_plain_text(dataclasses.replace(document, object="", articles=found, annexes=[]))


def plain_text(text: str) -> str:
    """A document's text as its facts are compared: one space for any run of spaces.

    Typography (no-break and narrow spaces, typographic apostrophes) is the renderers' concern,
    not the facts'.
    """
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("\u2019", "'"))


def rendered(chunks: Callable[[], Iterable[str]]) -> tuple[str, str | None]:
    """A clause's text, or the name of the exception rendering it raised: what two renderers of
    the same clause are compared on, whatever the failure."""
    try:
        return "".join(chunks()), None
    except Exception as exc:  # the same failure, whatever it is, is what is compared
        return "", type(exc).__name__


def jinja_rendered(text: str, context: dict[str, Any]) -> tuple[str, str | None]:
    """The clause as Jinja's sandboxed clause environment renders it (see :func:`rendered`)."""
    return rendered(lambda: _jinja_template(text).generate(context))


@functools.lru_cache(maxsize=512)
def _jinja_template(text: str) -> Template:
    # The tests render one clause under many contexts: Jinja compiles it once, as a user's
    # process does (the environment holds no state between renders). A syntax error is not
    # cached and is raised again at each call, inside rendered().
    return clause_environment().from_string(text)


def shipped_clause_texts() -> list[str]:
    """Every clause, need statement and size variant of the shipped catalogue."""
    texts = []
    for item in load_shipped_catalog().items:
        texts += [item.clause, item.need or ""]
        texts += [variant.clause for variant in item.proportion if variant.clause]
    return texts


# The folder the test processes of this run share (pytest-xdist's workers each have their own
# temporary folder inside it). In the environment, because this module is imported twice: as
# pytest's conftest and as ``tests.conftest`` by the modules that import its helpers.
SHARED_ENV = "WEBPASS_TESTS_SHARED"


@pytest.fixture(scope="session", autouse=True)
def shared_between_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where a costly, read-only product is made by the first test process that needs it."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "partage"
    folder.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SHARED_ENV, str(folder))
        yield folder


def made_once(name: str, make: Callable[[Path], None]) -> Path:
    """The folder ``name`` of the shared folder, filled by ``make`` in exactly one process.

    The others wait on the lock, then read what it wrote: a DCE and its PDFs' text cost the
    same on either worker, and two workers making them at once took both cores.
    """
    import fcntl

    if SHARED_ENV not in os.environ:  # outside a pytest session: this process's own folder
        own = tempfile.mkdtemp(prefix="webpass-partage-")
        atexit.register(shutil.rmtree, own, True)
        os.environ[SHARED_ENV] = own
    shared = Path(os.environ[SHARED_ENV])
    folder = shared / name
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "fait").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            (folder / "fait").touch()
    return folder


@functools.cache
def _example_dce(folder: Path) -> DceOutput:
    def make(into: Path) -> None:
        output = make_dce(open_dossier(folder).selection)
        (into / "dce.zip").write_bytes(output.data)
        (into / "internes").mkdir()
        for number, (_, data) in enumerate(output.internal):
            (into / "internes" / str(number)).write_bytes(data)
        listing = {
            "membres": [[m.name, m.size, m.sha256] for m in output.members],
            "internes": [name for name, _ in output.internal],
        }
        (into / "liste.json").write_text(json.dumps(listing), encoding="utf-8")

    made = made_once(f"dce-{folder.name}", make)
    listing = json.loads((made / "liste.json").read_text(encoding="utf-8"))
    return DceOutput(
        (made / "dce.zip").read_bytes(),
        [DceMember(name, size, sha256) for name, size, sha256 in listing["membres"]],
        [
            (name, (made / "internes" / str(number)).read_bytes())
            for number, name in enumerate(listing["internes"])
        ],
    )


def example_dce(folder: Path) -> DceOutput:
    """The DCE of a shipped example as ``webpass dce`` makes it, made once per test run.

    Several modules only read the example's DCE (its pieces' text, its notice); making it and
    reading its PDFs back is among the suite's dearest steps. Its fields are bytes and lists:
    the lists are copied, so no test can change what the next one reads.
    """
    made = _example_dce(folder.resolve())
    return DceOutput(made.data, list(made.members), list(made.internal))


@functools.cache
def pdf_page_texts(data: bytes) -> tuple[str, ...]:
    """The text pypdf extracts from each page of the PDF ``data``, extracted once per test run."""

    def make(into: Path) -> None:
        from pypdf import PdfReader

        pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
        (into / "pages.json").write_text(json.dumps(pages), encoding="utf-8")

    made = made_once(f"pdf-{hashlib.sha256(data).hexdigest()}", make)
    return tuple(json.loads((made / "pages.json").read_text(encoding="utf-8")))


def other_hash_seed_env() -> dict[str, str]:
    """This process's environment, with a string hash seed other than this process's own.

    A test that a file comes out the same in two processes runs one child with this
    environment and compares it with what the test process makes: set and dict orders that
    depend on string hashes then differ between the two, whatever seed the suite runs under.
    """
    own = os.environ.get("PYTHONHASHSEED", "random")
    seed = str((int(own) + 1) % 4_294_967_296) if own.isdigit() else "1"
    return {**os.environ, "PYTHONHASHSEED": seed}


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of the user's own (0700) that webpass is told to use."""
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder
