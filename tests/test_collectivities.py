"""The reference of communes and EPCI shipped with webpass, and finding one from what a person types."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import answers_from_text
from webpass.collectivities import (
    NotInReference,
    find_collectivity,
    find_commune,
    find_epci,
    load_reference,
)
from webpass.collectivities.reference import DATA_FILE, Reference, search_key

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference()


def test_source_and_licences_are_recorded(ref: Reference) -> None:
    source = ref.source
    assert source.package == "@etalab/decoupage-administratif"
    assert source.version == "6.0.0"
    assert source.vintage == 2026
    assert source.code_licence == "MIT"
    assert "Licence Ouverte" in source.data_licence
    script = (REPO / "scripts" / "make_geo.py").read_text(encoding="utf-8")
    assert f'VERSION = "{source.version}"' in script


def test_only_current_communes_and_every_epci(ref: Reference) -> None:
    assert len(ref) == 34969
    assert len(list(ref.epcis())) == 1255
    # Brittany today (the 2009 seed counted 1,269).
    counts = ref.department_counts()
    assert sum(counts[d] for d in ("22", "29", "35", "56")) == 1202
    # A delegated commune (Ploërmel's former Monterrein, 56138) is not a commune of its own.
    assert ref.commune("56138") is None


def test_commune_by_code_name_and_siren(ref: Reference) -> None:
    ploermel = ref.commune("56165")
    assert ploermel is not None
    assert (ploermel.name, ploermel.department, ploermel.siren) == ("Ploërmel", "56", "200086791")
    assert ploermel.population == 10163
    assert ploermel.postal_codes == ("56800",)
    assert ref.communes_named("PLOERMEL") == [ploermel]
    assert ref.communes_named("ploërmel") == [ploermel]
    assert ref.commune_by_siren("200 086 791") == ploermel
    assert ref.commune("2a004") is not None and ref.commune("2a004").name == "Ajaccio"  # type: ignore[union-attr]


def test_postal_code_serves_communes(ref: Reference) -> None:
    assert [c.name for c in ref.communes_of_postal_code("29900")] == ["Concarneau"]
    assert "Ploërmel" in [c.name for c in ref.communes_of_postal_code("56800")]
    assert ref.communes_of_postal_code("abcde") == []


def test_epci_with_members_and_populations(ref: Reference) -> None:
    epci = ref.epci("200066777")
    assert epci is not None
    assert epci.short_name == "CC Ploërmel Communauté"
    assert epci.name == "Communauté de communes Ploërmel Communauté"
    assert len(epci.members) == 30
    assert epci.department == "56"
    assert sum(m.population or 0 for m in epci.members) == epci.population
    assert ref.epci_of_commune("56165") == epci
    for spelling in ("Ploërmel Communauté", "CC Ploermel communaute", epci.name):
        assert ref.epcis_named(spelling) == [epci]


def test_stored_search_keys_match_the_code() -> None:
    """The file stores each name's search key: it must still be what search_key computes."""
    ref = load_reference()
    for commune in ref.communes():
        line = ref._communes[commune.row]
        assert line.rsplit("\t", 1)[1] == search_key(commune.name), commune


# -- finding what a person typed ------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Ploërmel", "ploermel", " PLOËRMEL ", "56165", "Ploërmel (56)"])
def test_ploermel_by_name_or_code(typed: str) -> None:
    assert find_commune(typed).code == "56165"


def test_postal_code_typed_for_an_insee_code_proposes_its_communes() -> None:
    with pytest.raises(NotInReference) as refused:
        find_commune("29900")
    assert [c.name for c in refused.value.candidates] == ["Concarneau"]  # type: ignore[union-attr]
    assert "code postal" in str(refused.value)
    assert "29039" in str(refused.value)


def test_unknown_code_proposes_existing_codes_nearby() -> None:
    with pytest.raises(NotInReference) as refused:
        find_commune("22987")
    assert refused.value.candidates
    assert all(c.label.startswith(c.name) for c in refused.value.candidates)
    assert all(getattr(c, "department", "") == "22" for c in refused.value.candidates)


def test_homonyms_are_told_apart_by_departement() -> None:
    with pytest.raises(NotInReference) as refused:
        find_commune("Sainte-Colombe")
    assert len(refused.value.candidates) == 12
    assert find_commune("Sainte-Colombe (35)").code == "35262"
    assert find_commune("Sainte Colombe, Ille-et-Vilaine").code == "35262"
    assert find_commune("st malo").code == "35288"


def test_misspelt_name_gets_suggestions() -> None:
    with pytest.raises(NotInReference) as refused:
        find_commune("Ploermelle")
    assert "Ploërmel" in [c.name for c in refused.value.candidates]  # type: ignore[union-attr]


def test_epci_by_siren_or_name_and_confusions_explained() -> None:
    assert find_epci("200066777").siren == "200066777"
    assert find_epci("Ploërmel Communauté").siren == "200066777"
    with pytest.raises(NotInReference, match="commune"):
        find_epci("200086791")  # Ploërmel's own SIREN
    with pytest.raises(NotInReference, match="groupement"):
        find_commune("200066777")
    assert find_collectivity("200066777").label.startswith("CC Ploërmel")
    assert find_collectivity("Ploërmel Communauté").label.startswith("CC Ploërmel")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_found_or_refused_with_a_reason(typed: str) -> None:
    try:
        found = find_collectivity(typed)
    except NotInReference as refused:
        assert str(refused)
    else:
        assert found.label


# -- make geo ---------------------------------------------------------------------------------------


def _fake_package(path: Path) -> None:
    """A tarball shaped like ``npm pack`` of the package, with two communes and one EPCI."""
    files = {
        "communes.json": [
            {"code": "56165", "nom": "Ploërmel", "departement": "56", "region": "53",
             "type": "commune-actuelle", "siren": "200086791", "codesPostaux": ["56800"],
             "population": 10163},
            {"code": "56138", "nom": "Monterrein", "departement": "56", "region": "53",
             "type": "commune-deleguee"},
            {"code": "56249", "nom": "Taupont", "departement": "56", "region": "53",
             "type": "commune-actuelle", "siren": "215602491", "codesPostaux": ["56800"],
             "population": 2428},
        ],
        "epci.json": [
            {"code": "200066777", "nom": "CC Ploërmel Communauté", "type": "CC",
             "populationMunicipale": 12000,
             "membres": [{"code": "56165"}, {"code": "56249"}]},
        ],
        "departements.json": [{"code": "56", "nom": "Morbihan", "region": "53"}],
        "regions.json": [{"code": "53", "nom": "Bretagne"}],
    }  # fmt: skip
    with tarfile.open(path, "w:gz") as archive:
        for name, content in [*files.items(), ("LICENSE", "MIT")]:
            data = content.encode() if isinstance(content, str) else json.dumps(content).encode()
            info = tarfile.TarInfo(
                f"package/data/{name}" if name != "LICENSE" else "package/LICENSE"
            )
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_make_geo_builds_a_reproducible_reference(tmp_path: Path) -> None:
    tarball = tmp_path / "pkg.tgz"
    _fake_package(tarball)
    outputs = []
    for name in ("a.tsv", "b.tsv"):
        target = tmp_path / name
        subprocess.run(
            [sys.executable, str(REPO / "scripts" / "make_geo.py"), "--source", str(tarball),
             "--sortie", str(target)],
            check=True, capture_output=True,
        )  # fmt: skip
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    built = load_reference.__wrapped__(tmp_path / "a.tsv")
    assert len(built) == 2
    assert built.commune("56138") is None
    epci = built.epci("200066777")
    assert epci is not None
    assert [m.name for m in epci.members] == ["Ploërmel", "Taupont"]
    assert epci.population == 10163 + 2428  # the members' legal populations, not the DGCL column
    assert built.communes_named("ploermel")[0].population == 10163


def test_shipped_file_is_compact() -> None:
    # Stored uncompressed (read at every run without a decompression): about 2.2 MB for the
    # current communes and EPCI; a bound that catches rows or columns kept by mistake.
    assert DATA_FILE.stat().st_size < 2_600_000


def test_population_rules_say_which_population(tmp_path: Path) -> None:
    from webpass.catalog import load_shipped_catalog
    from webpass.dossier.answers import load_answers
    from webpass.selection.engine import select

    catalog = load_shipped_catalog()
    example = (REPO / "examples" / "petite-commune" / "webpass.yaml").read_text(encoding="utf-8")

    def reasons(text: str) -> str:
        (tmp_path / "webpass.yaml").write_text(text, encoding="utf-8")
        selection = select(catalog, load_answers(tmp_path)[0])
        texts = [s.explanation for s in selection.items] + [
            s.explanation for s in selection.offered
        ]
        return " ".join(t for t in texts if "population" in t).replace("\u00a0", " ")

    assert "population 1 201 < 3 500 (population légale INSEE 2026)" in reasons(example)
    overridden = reasons(example.replace("population: 1201", "population: 3600"))
    assert (
        "population 3 600 ≥ 3 500 (population déclarée ; INSEE 2026 : 1 201 habitants)"
        in overridden
    )


# -- answers files -------------------------------------------------------------------------------

_PROJECT = """projet:
  nature: creation
  niveau_vise: 3
  date_lancement: 2027-01-11
"""


def test_an_answers_file_may_name_its_commune_by_code_only() -> None:

    text = 'version_catalogue: "2026.1"\ncollectivite:\n  code_insee: "56165"\n' + _PROJECT
    body = answers_from_text(text).collectivity
    assert (body.name, body.body_type.value, body.department) == ("Ploërmel", "commune", "Morbihan")
    assert (body.population, body.siren, body.postal_code) == (10163, "200086791", "56800")


def test_an_answers_file_gets_the_members_of_its_epci() -> None:

    text = 'version_catalogue: "2026.1"\ncollectivite:\n  siren: "242900660"\n' + _PROJECT
    body = answers_from_text(text).collectivity
    assert body.body_type.value == "communaute_de_communes"
    assert [m.name for m in body.members][:2] == ["Fouesnant", "Bénodet"]
    assert sum(m.population or 0 for m in body.members) == body.population


def test_an_answers_file_whose_name_and_code_disagree_names_the_line() -> None:
    from webpass.core.errors import ValidationFailed

    text = (
        'version_catalogue: "2026.1"\ncollectivite:\n  nom: Josselin\n  type: commune\n'
        '  code_insee: "56165"\n  domaine: http://ma commune\n' + _PROJECT
    )
    with pytest.raises(ValidationFailed) as refused:
        answers_from_text(text)
    problems = {p.where: p for p in refused.value.problems}
    assert problems["collectivite.nom"].line == 3
    assert "Ploërmel" in problems["collectivite.nom"].message
    assert "ma-commune.fr" in problems["collectivite.domaine"].message


def test_a_collectivity_absent_from_the_reference_is_entered_by_hand() -> None:
    from webpass.collectivities.identity import identity_notes

    body = (
        'version_catalogue: "2026.1"\ncollectivite:\n  nom: Commune nouvelle\n  type: commune\n'
        '  saisie_manuelle: true\n  code_insee: "22987"\n  departement: "22"\n'
        "  population: 900\n" + _PROJECT
    )
    answers = answers_from_text(body)
    assert answers.collectivity.manual
    notes = identity_notes(answers.collectivity.model_dump(by_alias=True))
    assert notes and "saisie à la main" in notes[0]
    with pytest.raises(Exception, match="saisie_manuelle"):
        answers_from_text(body.replace("  saisie_manuelle: true\n", ""))


def test_a_commune_found_by_its_code_needs_no_split_of_the_whole_reference() -> None:
    # A fresh reference: the one of the process may have been split by another test.
    fresh = load_reference.__wrapped__(DATA_FILE)
    codes = ("22340", "2A004", "97411", "29058")
    found = [fresh.commune(code) for code in codes]
    assert "_communes" not in fresh.__dict__
    assert None not in found
    # Once the text is split (a département listed), every row reads the same commune.
    assert fresh.communes_of_department("22")
    assert "_communes" in fresh.__dict__
    assert [fresh.commune(code) for code in codes] == found
    assert [fresh.commune_at(c.row) for c in found if c is not None] == found
    # A search by code stops at its first line: a code is on one line only.
    codes_read = [commune.code for commune in fresh.communes()]
    assert len(set(codes_read)) == len(codes_read) == len(fresh)


def test_an_epci_found_by_its_siren_needs_no_split_of_the_whole_reference() -> None:
    split = load_reference.__wrapped__(DATA_FILE)
    assert split.communes_of_department("29")  # splits the whole text
    every = list(split.epcis())
    # EPCI spread over the file, and the one whose member is the last line of the communes.
    last = max(every, key=lambda epci: max(m.row for m in epci.members))
    sample = [*every[:: max(1, len(every) // 25)], last]
    for epci in sample:
        fresh = load_reference.__wrapped__(DATA_FILE)
        assert fresh.epci(epci.siren) == epci
        assert "_communes" not in fresh.__dict__
        # Its members are then found by code as the split reference finds them.
        assert [fresh.commune(m.code) for m in epci.members] == list(epci.members)
