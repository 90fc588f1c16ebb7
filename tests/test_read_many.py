"""Several grids read with the next one parsed on a worker thread (issue 24).

The same grids as read one by one, in the same order; each unreadable grid gives the error a
reading in place gives, for its own file, in its place, and the others are still read; the
interpreter's switch interval is short while grids are read and put back however the reading
ends.
"""

from __future__ import annotations

import sys
import threading
import zipfile
from contextlib import closing
from pathlib import Path

import openpyxl
import pytest

from webpass.core.errors import UnreadableFileError
from webpass.grid import read_many
from webpass.grid.read import FilledGrid, read_filled_grid
from webpass.grid.read_many import SWITCH_INTERVAL, read_filled_grids
from webpass.untrusted import staged, xlsx_calamine
from webpass.untrusted.xlsx_calamine import CalamineSheet

REPO = Path(__file__).resolve().parent.parent
OFFERS = sorted((REPO / "examples").glob("*/offres/*.xlsx"))


def _in_place(path: Path) -> FilledGrid | Exception:
    try:
        return read_filled_grid(path)
    except Exception as exc:
        return exc


def test_there_are_offers_of_both_examples() -> None:
    assert len({offer.parent.parent for offer in OFFERS}) == 2
    assert len(OFFERS) >= 10


def test_grids_read_ahead_are_the_grids_read_one_by_one_in_order() -> None:
    reads = list(read_filled_grids(OFFERS))
    assert [read.path for read in reads] == OFFERS
    assert [read.result() for read in reads] == [read_filled_grid(path) for path in OFFERS]


def _unreadable(tmp_path: Path) -> list[Path]:
    truncated = tmp_path / "tronquee.xlsx"
    truncated.write_bytes(OFFERS[0].read_bytes()[:4_000])
    text = tmp_path / "texte.xlsx"
    text.write_text("une lettre, pas une grille", encoding="utf-8")
    workbook = openpyxl.Workbook()
    workbook.active.title = "Autre chose"
    no_requirements = tmp_path / "sans-exigences.xlsx"
    workbook.save(no_requirements)
    return [truncated, tmp_path / "absente.xlsx", text, no_requirements]


def test_each_unreadable_grid_gives_its_own_error_in_its_place(tmp_path: Path) -> None:
    bad = _unreadable(tmp_path)
    paths = [OFFERS[0], bad[0], OFFERS[1], bad[1], bad[2], OFFERS[2], bad[3], OFFERS[3]]
    reads = list(read_filled_grids(paths))
    assert [read.path for read in reads] == paths
    for path, read in zip(paths, reads, strict=True):
        expected = _in_place(path)
        if isinstance(expected, Exception):
            assert type(read.error) is type(expected), path
            assert str(read.error) == str(expected)
            assert str(path) in str(read.error)
            with pytest.raises(type(expected)):
                read.result()
        else:
            assert read.error is None
            assert read.result() == expected


def test_a_parse_failing_on_the_worker_refuses_its_own_grid_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = CalamineSheet.parse
    threads: list[threading.Thread] = []
    books: list[object] = []  # each grid's workbook, in the order of their parses
    failing = {"grid": -1}

    def parse(self: CalamineSheet) -> int:
        threads.append(threading.current_thread())
        if not any(book is self._book for book in books):
            books.append(self._book)
        if next(i for i, book in enumerate(books) if book is self._book) == failing["grid"]:
            raise ValueError("feuille endommagée")
        return original(self)

    monkeypatch.setattr(CalamineSheet, "parse", parse)
    failing["grid"] = 0
    expected = _in_place(OFFERS[1])
    assert isinstance(expected, UnreadableFileError)
    threads.clear()
    books.clear()
    failing["grid"] = 1
    reads = list(read_filled_grids(OFFERS[:3]))
    assert all(thread is not threading.main_thread() for thread in threads)
    assert isinstance(reads[1].error, UnreadableFileError)
    assert reads[1].error.path == str(OFFERS[1])
    assert str(reads[1].error) == str(expected)
    failing["grid"] = -1
    assert [reads[0].result(), reads[2].result()] == [
        read_filled_grid(OFFERS[0]),
        read_filled_grid(OFFERS[2]),
    ]


def test_a_job_error_is_thrown_back_where_the_stages_yielded_it() -> None:
    def stages() -> staged.Staged[str]:
        try:
            yield lambda: 1 / 0
        except ZeroDivisionError:
            return "repris"
        return "jamais"

    assert staged.run_staged(stages()) == "repris"


def test_the_switch_interval_is_short_while_reading_and_put_back_after() -> None:
    before = sys.getswitchinterval()
    during = [sys.getswitchinterval() for _ in read_filled_grids(OFFERS[:3])]
    assert max(during) == pytest.approx(min(before, SWITCH_INTERVAL))
    assert sys.getswitchinterval() == before


def test_the_switch_interval_is_put_back_when_the_caller_fails() -> None:
    before = sys.getswitchinterval()
    with pytest.raises(RuntimeError), closing(read_filled_grids(OFFERS[:4])) as reads:
        for _ in reads:
            raise RuntimeError("le contrôle de l'offre a échoué")
    assert sys.getswitchinterval() == before


def test_the_switch_interval_is_put_back_when_a_grid_stops_the_caller(tmp_path: Path) -> None:
    before = sys.getswitchinterval()
    checked = []
    with (
        pytest.raises(UnreadableFileError),
        closing(read_filled_grids([OFFERS[0], tmp_path / "absente.xlsx", OFFERS[1]])) as reads,
    ):
        for read in reads:
            checked.append(read.result())
    assert checked == [read_filled_grid(OFFERS[0])]
    assert sys.getswitchinterval() == before


def test_overlapping_readings_put_the_interval_back_once_both_end() -> None:
    before = sys.getswitchinterval()
    first, second = read_filled_grids(OFFERS[:3]), read_filled_grids(OFFERS[3:6])
    next(first), next(second)
    first.close()
    assert sys.getswitchinterval() == pytest.approx(min(before, SWITCH_INTERVAL))
    assert len(list(second)) == 2
    assert sys.getswitchinterval() == before


def test_a_single_grid_is_read_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[threading.Thread] = []
    before = sys.getswitchinterval()
    original = CalamineSheet.parse

    def parse(self: CalamineSheet) -> int:
        threads.append(threading.current_thread())
        return original(self)

    monkeypatch.setattr(CalamineSheet, "parse", parse)
    assert [read.result() for read in read_filled_grids([OFFERS[0]])] == [
        read_filled_grid(OFFERS[0])
    ]
    assert set(threads) == {threading.main_thread()}
    # One core only (taskset, a container): nothing to overlap on, every grid read in place.
    monkeypatch.setattr(read_many, "_usable_cores", lambda: 1)
    during = [sys.getswitchinterval() for _ in read_filled_grids(OFFERS[:3])]
    assert set(threads) == {threading.main_thread()}
    assert during == [before] * 3


def test_grids_openpyxl_reads_are_read_in_order_too(monkeypatch: pytest.MonkeyPatch) -> None:
    # A workbook calamine must not be handed yields no job: read at once, in its place.
    expected = [read_filled_grid(path) for path in OFFERS[:3]]
    monkeypatch.setattr(xlsx_calamine, "open_with_calamine", lambda *_: None)
    assert [read.result() for read in read_filled_grids(OFFERS[:3])] == expected


def _damaged_sheet(tmp_path: Path) -> Path:
    """An offer whose largest part (inflated by the worker) has a damaged deflate stream."""
    content = bytearray(OFFERS[0].read_bytes())
    with zipfile.ZipFile(OFFERS[0]) as archive:
        info = max(archive.infolist(), key=lambda i: i.file_size)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for at in range(start + info.compress_size // 2, start + info.compress_size // 2 + 64):
        content[at] ^= 0x5A
    damaged = tmp_path / "abimee.xlsx"
    damaged.write_bytes(bytes(content))
    return damaged


def test_a_part_damaged_in_the_worker_refuses_its_own_grid(tmp_path: Path) -> None:
    damaged = _damaged_sheet(tmp_path)
    expected = _in_place(damaged)
    assert isinstance(expected, UnreadableFileError)
    reads = list(read_filled_grids([OFFERS[0], damaged, OFFERS[1], OFFERS[2]]))
    assert isinstance(reads[1].error, UnreadableFileError)
    assert str(reads[1].error) == str(expected)
    assert [reads[0].result(), reads[2].result(), reads[3].result()] == [
        read_filled_grid(path) for path in OFFERS[:3]
    ]


def test_a_job_parses_no_more_than_the_dense_cells_allowed_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A hostile workbook of several large rectangles is never held parsed at once: past the
    # budget, the sheets are parsed when their rows are read, one at a time.
    expected = [read_filled_grid(path) for path in OFFERS[:3]]
    parsed_on: list[tuple[str, bool]] = []
    original = CalamineSheet.parse

    def parse(self: CalamineSheet) -> int:
        parsed_on.append((self.title, threading.current_thread() is threading.main_thread()))
        return original(self)

    monkeypatch.setattr(CalamineSheet, "parse", parse)
    monkeypatch.setattr(xlsx_calamine, "MAX_DENSE_CELLS", 1)
    assert [read.result() for read in read_filled_grids(OFFERS[:3])] == expected
    assert len(parsed_on) == 12
    # Each grid's job parsed its first sheet, which was over the budget, and left the rest.
    assert [title for title, in_main in parsed_on if not in_main] == ["Exigences"] * 3


def _rewritten(
    tmp_path: Path, name: str, change: tuple[bytes, bytes], part: str | None = None
) -> Path:
    """The first offer with one replacement made in ``part`` (its largest by default), re-zipped."""
    with zipfile.ZipFile(OFFERS[0]) as archive:
        largest = max(archive.infolist(), key=lambda i: i.file_size).filename
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for each, data in parts:
            out.writestr(each, data.replace(*change, 1) if each == (part or largest) else data)
    return path


def test_hostile_parts_read_ahead_refuse_or_pass_as_in_place(tmp_path: Path) -> None:
    # A declaration in the largest sheet (refused by the archive check), a cell placed far away
    # (calamine must not be handed it: openpyxl reads it), a second « r » on a cell (same).
    hostile = [
        _rewritten(
            tmp_path, "dtd.xlsx", (b"<sheetData>", b'<!DOCTYPE x [<!ENTITY a "b">]><sheetData>')
        ),
        _rewritten(tmp_path, "loin.xlsx", (b'<c r="A1"', b'<c r="XFD999999"')),
        _rewritten(tmp_path, "double.xlsx", (b'<c r="A1"', b'<c r="A1" r="B2"')),
        # Bounded, with a damaged workbook part (which calamine opens).
        _rewritten(tmp_path, "classeur.xlsx", (b"<sheets>", b"<sheets><"), "xl/workbook.xml"),
    ]
    paths = [OFFERS[0], hostile[0], OFFERS[1], hostile[1], hostile[2], hostile[3], OFFERS[2]]
    reads = list(read_filled_grids(paths))
    for path, read in zip(paths, reads, strict=True):
        expected = _in_place(path)
        if isinstance(expected, Exception):
            assert type(read.error) is type(expected), path
            assert str(read.error) == str(expected)
        else:
            assert read.error is None, path
            assert read.result() == expected
    assert isinstance(reads[1].error, UnreadableFileError)
