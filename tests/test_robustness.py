"""Fuzzing of the parsers, reproducibility across processes, atomic writes under failure."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import other_hash_seed_env
from webpass.core.atomic import write_bytes_atomic
from webpass.core.errors import UsageError, WebpassError
from webpass.core.money import AmountError, parse_amount
from webpass.core.resources import shipped_templates_dir
from webpass.documents.cctp import build_document
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.export import export_grid
from webpass.grid.read import read_filled_grid
from webpass.render.docx import render_docx

REPO = Path(__file__).resolve().parent.parent


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40))
def test_amount_parser_never_crashes(text: str) -> None:
    try:
        value = parse_amount(text)
    except AmountError as error:
        assert error.message
    else:
        assert value.is_finite() and value >= 0
        assert parse_amount(f"{value:f}") == value  # the canonical form reads back the same


CELLS = st.one_of(
    st.sampled_from(
        [
            "Identifiant",
            "Conformité",
            "Prix HT",
            "Justification",
            "Conforme",
            "NC",
            "=1+1",
            "1 000,00 €",
            "-5",
            "NaN",
        ]
    ),
    st.text(max_size=12),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(st.lists(CELLS, max_size=8), max_size=12),
    delimiter=st.sampled_from([";", ",", "\t"]),
    bom=st.booleans(),
)
def test_grid_reader_fuzz(tmp_path: Path, rows: list[list[str]], delimiter: str, bom: bool) -> None:
    text = "\r\n".join(delimiter.join(cell.replace("\n", " ") for cell in row) for row in rows)
    path = tmp_path / "offre.csv"
    path.write_bytes((("\ufeff" if bom else "") + text).encode("utf-8", errors="surrogatepass"))
    try:
        grid = read_filled_grid(path)
    except WebpassError as error:
        assert error.message
    else:
        assert all(row.id == row.id.strip() for row in grid.rows)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.binary(max_size=400))
def test_grid_reader_survives_random_bytes(tmp_path: Path, data: bytes) -> None:
    for suffix in (".xlsx", ".csv", ".yaml", ".json"):
        path = tmp_path / f"offre{suffix}"
        path.write_bytes(data)
        with contextlib.suppress(WebpassError):
            read_filled_grid(path)


SCRIPT = """
import sys
from pathlib import Path
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.export import export_grid
from webpass.documents.cctp import build_document
from webpass.render.docx import render_docx
from webpass.core.resources import shipped_templates_dir
selection = open_dossier(Path(sys.argv[1])).selection
out = Path(sys.argv[2])
(out / "grille.xlsx").write_bytes(export_grid(build_grid(selection), "xlsx"))
(out / "cctp.docx").write_bytes(render_docx(build_document(selection), shipped_templates_dir() / "reference.docx"))
"""


def test_xlsx_and_docx_are_identical_across_processes(tmp_path: Path) -> None:
    example = REPO / "examples" / "petite-commune"
    subprocess.run(
        [sys.executable, "-c", SCRIPT, str(example), str(tmp_path)],
        check=True,
        env=other_hash_seed_env(),
    )
    selection = open_dossier(example).selection
    here = {
        "grille.xlsx": export_grid(build_grid(selection), "xlsx"),
        "cctp.docx": render_docx(
            build_document(selection), shipped_templates_dir() / "reference.docx"
        ),
    }
    for name, data in here.items():
        assert (tmp_path / name).read_bytes() == data, name


def test_failed_write_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "cctp.pdf"
    target.write_bytes(b"version precedente")

    def broken_fsync(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("webpass.core.atomic.os.fsync", broken_fsync)
    with pytest.raises(UsageError) as info:  # exit 2 with the reason, not « Erreur interne »
        write_bytes_atomic(target, b"nouvelle version, jamais complete")
    assert "le disque est plein" in info.value.message
    assert target.read_bytes() == b"version precedente"
    assert [p.name for p in tmp_path.iterdir()] == ["cctp.pdf"]


def test_a_legal_long_name_gets_a_legal_temporary_name(tmp_path: Path) -> None:
    target = tmp_path / ("é" * 120 + ".csv")  # 244 bytes: legal, its temporary name was not
    write_bytes_atomic(target, b"ok")
    assert target.read_bytes() == b"ok"
    with pytest.raises(UsageError) as info:
        write_bytes_atomic(tmp_path / ("x" * 300), b"trop long")
    assert "255 octets" in info.value.message


def test_interrupted_generation_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webpass.dossier.opening import open_dossier
    from webpass.render.dispatch import generate

    selection = open_dossier(REPO / "examples" / "petite-commune").selection
    generate(selection, ["html"], tmp_path)
    before = (tmp_path / "cctp-tonquedec.html").read_bytes()

    def interrupted(*_args: object, **_kwargs: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("webpass.render.dispatch.render_html", interrupted)
    with pytest.raises(KeyboardInterrupt):
        generate(selection, ["html"], tmp_path)
    assert (tmp_path / "cctp-tonquedec.html").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cctp-tonquedec.html"]


def test_a_run_that_fails_at_the_pdf_step_keeps_every_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webpass.core.errors import InputError
    from webpass.dossier.opening import open_dossier
    from webpass.render import dispatch
    from webpass.render.dispatch import generate

    selection = open_dossier(REPO / "examples" / "petite-commune").selection
    (tmp_path / "cctp-tonquedec.html").write_text("ancienne version", encoding="utf-8")

    def broken(*_args: object, **_kwargs: object) -> bytes:
        raise InputError("modèle de document invalide")

    monkeypatch.setattr(dispatch, "_pdf", broken)  # whichever engine the dispatcher picks
    with pytest.raises(InputError):
        generate(selection, ["html", "pdf"], tmp_path)
    html = (tmp_path / "cctp-tonquedec.html").read_text(encoding="utf-8")
    assert html == "ancienne version"  # not this run's HTML beside last run's PDF
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cctp-tonquedec.html"]
