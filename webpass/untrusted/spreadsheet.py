"""Reading the tables people export from spreadsheets (CSV, XLSX), refusing hostile files.

Every table webpass reads from a user (a bidder's grid, an observatory export, a batch list)
comes through here, so the defences live in one place:

* a size cap on the file, then on rows, columns and cell length;
* CSV: UTF-8 with or without a byte order mark, UTF-16 with a byte order mark (Excel's
  « texte Unicode »), and — because Excel on a French Windows still saves « CSV (séparateur :
  point-virgule) » in Windows-1252 — a Windows-1252 fallback when the bytes are not UTF-8
  (:attr:`Table.encoding` says which was used, so a caller can mention it). The delimiter is
  chosen among ``;``, ``,`` and tabulation from the first lines; CRLF, LF and CR all end a line;
* XLSX: before openpyxl sees the file, the ZIP container is checked (entry count read from the
  end record, total declared size, size and compression ratio of each entry) and every XML part
  is scanned for a document type declaration, which Office Open XML never needs and which
  carries entity expansion (« billion laughs ») and external entity (XXE) attacks; openpyxl then
  opens it read-only, with cached values only (no formula is evaluated) and without external
  links, parsing through defusedxml;
* anything else (an old binary ``.xls``, an encrypted workbook, an ``.ods``, random bytes) is
  refused with a French message saying how to save the file instead.

A refused file raises :class:`~webpass.core.errors.UnreadableFileError` (exit code 2); a readable
table whose expected columns are missing raises :class:`~webpass.core.errors.InputError` (exit 1).
Rows keep the 1-based line (CSV) or row number (XLSX) a person sees in their editor.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from webpass.core.errors import InputError, UnreadableFileError
from webpass.core.files import check_regular, read_bytes
from webpass.core.matching import fold
from webpass.untrusted.staged import Staged, run_staged
from webpass.untrusted.zip_member import member_bytes

if TYPE_CHECKING:
    from webpass.untrusted.xlsx_calamine import BoundsScan

__all__ = [
    "MAX_TABLE_BYTES",
    "Row",
    "Sheet",
    "Table",
    "TableLimits",
    "ZipLimits",
    "cell_text",
    "check_zip",
    "check_zip_stages",
    "column_letters",
    "decode_text",
    "find_columns",
    "may_declare",
    "read_rows",
    "read_table",
    "read_workbook",
    "sniff_delimiter",
    "workbook_stages",
]

MAX_TABLE_BYTES = 20_000_000

_DELIMITERS = (";", ",", "\t")  # in order of preference when the first lines do not decide
_SNIFF_LINES = 20
_SNIFF_CHARS = 10_000  # per line: a one-line 20 MB file must not stall the sniffer
_HEADER_SEARCH_ROWS = 30
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_EOCD = b"PK\x05\x06"
# « <!doctype » or « <!entity » in any case, in ASCII, UTF-8 or UTF-16 (either byte order): an
# optional NUL after every character covers UTF-16, whose parts always hold NULs; the plain
# expression, searched first, is three times faster.
_DTD_PLAIN = re.compile(rb"<!(?i:doctype|entity)")
_DTD = re.compile(
    rb"<\x00?!\x00?(?i:"
    + b"|".join(b"\x00?".join(bytes([c]) for c in word) for word in (b"doctype", b"entity"))
    + rb")"
)
_XML_PARTS = (".xml", ".rels", ".vml")
_SAVE_AS = (
    "enregistrez-le depuis votre tableur au format « CSV UTF-8 » ou « Classeur Excel (.xlsx) »"
)


@dataclass(frozen=True)
class TableLimits:
    """Bounds on what a table may hold once the file is open."""

    max_rows: int = 100_000
    max_columns: int = 300
    max_cell_chars: int = 32_767  # Excel's own limit for a cell
    # Blank rows and cells count too: a sheet of a million whitespace cells is refused while it
    # is read, not after it was all parsed.
    max_scanned_cells: int = 3_000_000


@dataclass(frozen=True)
class ZipLimits:
    """Bounds on the ZIP container of an XLSX, checked before any XML is parsed.

    The ratio is only checked for entries larger than ``ratio_floor_bytes``: small parts of
    sparse sheets legitimately compress very well and cannot hurt.
    """

    max_entries: int = 1_000
    max_total_bytes: int = 200_000_000
    max_entry_bytes: int = 100_000_000
    max_ratio: int = 100
    ratio_floor_bytes: int = 1_000_000


class Row(NamedTuple):  # one per row of every table read: immutable, and built 3× faster
    """One non-blank row.

    Attributes:
        line: 1-based line of the CSV file where the row starts, or XLSX row number.
        cells: each cell as the text a person reads in it.
        values: the raw values (numbers and dates stay typed in an XLSX; texts in a CSV).
    """

    line: int
    cells: tuple[str, ...]
    values: tuple[object, ...]

    def cell(self, index: int | None) -> str:
        """The text of column ``index`` (0-based), ``""`` when the row is shorter or None."""
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index]


@dataclass(frozen=True)
class Sheet:
    """The non-blank rows of a CSV file or of one XLSX sheet.

    Attributes:
        source: the file name shown in messages.
        name: the XLSX sheet read, None for a CSV.
        encoding: ``utf-8``, ``utf-16`` or ``cp1252`` for a CSV, None for an XLSX.
        delimiter: the CSV delimiter found, None for an XLSX.
        rows: non-blank rows in file order.
    """

    source: str
    name: str | None
    encoding: str | None
    delimiter: str | None
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Table:
    """A sheet split into its header row and the data rows below it.

    Attributes:
        sheet: the rows as read.
        header_line: line of the header row.
        headers: the header texts, as written.
        rows: the non-blank rows below the header.
        columns: for each wanted column key, its 0-based index (only found optional ones).
    """

    sheet: Sheet
    header_line: int
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    columns: dict[str, int] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """The file name shown in messages."""
        return self.sheet.source

    def value(self, row: Row, key: str) -> str:
        """The stripped text of the column found for ``key`` (``""`` when it is absent)."""
        return row.cell(self.columns.get(key)).strip()


def read_table(
    path: Path,
    *,
    columns: Mapping[str, Sequence[str]] | None = None,
    optional: Collection[str] = (),
    sheet: str | None = None,
    max_bytes: int = MAX_TABLE_BYTES,
    limits: TableLimits | None = None,
    zip_limits: ZipLimits | None = None,
) -> Table:
    """Read a CSV or XLSX file as a header row plus data rows.

    Args:
        path: the file; its content decides the format (an XLSX renamed .csv is still read).
        columns: wanted columns, each key with the header texts accepted for it (compared with
            :func:`~webpass.core.matching.fold`). The header row is then the first of the first
            rows that holds all required ones; without ``columns`` it is the first non-blank row.
        optional: keys of ``columns`` that may be missing.
        sheet: the XLSX sheet to read, by name (loosely matched); the first sheet by default.
        max_bytes: largest file accepted.
        limits: bounds on rows, columns and cells.
        zip_limits: bounds on the XLSX container.

    Raises:
        UnreadableFileError: the file is missing, too large, not a table or hostile (exit 2).
        InputError: required columns are missing (exit 1); the message lists the headers found.
    """
    data = read_rows(path, sheet=sheet, max_bytes=max_bytes, limits=limits, zip_limits=zip_limits)
    if not data.rows:
        raise InputError(f"{data.source} : le tableau est vide (aucune ligne remplie).")
    if not columns:
        header = data.rows[0]
        return Table(data, header.line, header.cells, data.rows[1:])
    for position, row in enumerate(data.rows[:_HEADER_SEARCH_ROWS]):
        found = _match_columns(row.cells, columns)
        if all(key in found for key in columns if key not in optional):
            return Table(data, row.line, row.cells, data.rows[position + 1 :], found)
    first = data.rows[0]
    missing = [
        columns[key][0]
        for key in columns
        if key not in optional and key not in _match_columns(first.cells, columns)
    ]
    shown = ", ".join(f"« {cell} »" for cell in first.cells if cell.strip()) or "aucun"
    raise InputError(
        f"{data.source} : colonne(s) introuvable(s) : "
        + ", ".join(f"« {name} »" for name in missing)
        + f". La première ligne remplie (ligne {first.line}) contient : {shown}. "
        "Ajoutez une ligne d'en-têtes portant ces noms (majuscules et accents indifférents)."
    )


def find_columns(
    headers: Sequence[str], wanted: Mapping[str, Sequence[str]], *, optional: Collection[str] = ()
) -> dict[str, int]:
    """Index of each wanted column in ``headers`` (case, accents and spaces ignored).

    Raises:
        InputError: a required key has none of its accepted header texts.
    """
    found = _match_columns(headers, wanted)
    missing = [
        names[0] for key, names in wanted.items() if key not in found and key not in optional
    ]
    if missing:
        raise InputError(
            "colonne(s) introuvable(s) : "
            + ", ".join(f"« {name} »" for name in missing)
            + " ; en-têtes présents : "
            + (", ".join(f"« {h} »" for h in headers if h.strip()) or "aucun")
            + "."
        )
    return found


def _match_columns(headers: Sequence[str], wanted: Mapping[str, Sequence[str]]) -> dict[str, int]:
    folded = [fold(header) for header in headers]
    found: dict[str, int] = {}
    for key, names in wanted.items():
        for name in names:
            target = fold(name)
            if target in folded:
                found[key] = folded.index(target)
                break
    return found


def read_rows(
    path: Path,
    *,
    sheet: str | None = None,
    max_bytes: int = MAX_TABLE_BYTES,
    limits: TableLimits | None = None,
    zip_limits: ZipLimits | None = None,
) -> Sheet:
    """The non-blank rows of a CSV file or of one sheet of an XLSX workbook.

    See :func:`read_table` for the arguments; this is the form for files whose header is not
    a single row (a grid with a block of dossier fields above its table, for instance).
    """
    limits = limits or TableLimits()
    path = Path(path)
    name = str(path)
    size = check_regular(path).stat().st_size
    if size > max_bytes:
        raise UnreadableFileError(
            path,
            f"fichier trop volumineux ({_megabytes(size)}, au plus {_megabytes(max_bytes)}) : "
            "vérifiez qu'il s'agit du bon fichier ou découpez-le.",
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(_ZIP_MAGIC):
        content = read_bytes(path, max_bytes=max_bytes)
        return _read_xlsx(path, content, sheet, limits, zip_limits or ZipLimits())
    if head.startswith(_OLE_MAGIC):
        raise UnreadableFileError(
            path,
            "classeur Excel ancien (.xls) ou protégé par un mot de passe : retirez la protection "
            f"et {_SAVE_AS}.",
        )
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods", ".xls"):
        raise UnreadableFileError(path, f"ce n'est pas un classeur lisible : {_SAVE_AS}.")
    text, encoding = decode_text(read_bytes(path, max_bytes=max_bytes), name)
    delimiter = sniff_delimiter(text)
    rows = tuple(_csv_rows(text, delimiter, name, limits))
    return Sheet(name, None, encoding, delimiter, rows)


def decode_text(raw: bytes, source: str) -> tuple[str, str]:
    """The text of a CSV file and the encoding used (see the module docstring for the order).

    Raises:
        UnreadableFileError: binary content, or bytes that no accepted encoding reads.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise UnreadableFileError(source, f"texte UTF-16 invalide : {_SAVE_AS}.") from exc
    if b"\x00" in raw:
        raise UnreadableFileError(
            source, f"contenu binaire (octets nuls) : ce n'est pas un fichier CSV ; {_SAVE_AS}."
        )
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UnreadableFileError(
            source,
            f"ligne {line} : caractères illisibles, ni UTF-8 ni Windows-1252 : {_SAVE_AS}.",
        ) from exc
    return text, "cp1252"


def sniff_delimiter(text: str) -> str:
    """``;``, ``,`` or tabulation: the one that splits the first lines most regularly.

    For each candidate, the most frequent non-zero count per line (outside quotes) and the
    number of lines having it are compared; a title line above the header or a decimal comma in
    a semicolon file does not mislead it. Ties go to ``;``, the French spreadsheets' default.
    """
    counts: dict[str, list[int]] = {d: [] for d in _DELIMITERS}
    quoted = False
    for number, line in enumerate(text.splitlines()):
        if number >= _SNIFF_LINES * 3:
            break
        seen = dict.fromkeys(_DELIMITERS, 0)
        for char in line[:_SNIFF_CHARS]:
            if char == '"':
                quoted = not quoted
            elif not quoted and char in seen:
                seen[char] += 1
        if any(seen.values()):
            for delimiter, count in seen.items():
                counts[delimiter].append(count)
        if len(counts[";"]) >= _SNIFF_LINES:
            break
    best = ";"
    best_score = (0, 0)
    for delimiter in _DELIMITERS:
        nonzero = [c for c in counts[delimiter] if c]
        if not nonzero:
            continue
        mode, lines = Counter(nonzero).most_common(1)[0]
        score = (lines, mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(text: str, delimiter: str, source: str, limits: TableLimits) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    count = 0
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UnreadableFileError(
                source, f"ligne {start} : CSV illisible ({exc}) ; vérifiez les guillemets."
            ) from exc
        cells = tuple(_trim(record))
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        _check_row(cells, start, count, source, limits)
        yield Row(start, cells, cells)


def _check_row(
    cells: Sequence[str], line: int, count: int, source: str, limits: TableLimits
) -> None:
    if count > limits.max_rows:
        raise UnreadableFileError(
            source, f"trop de lignes (plus de {limits.max_rows}) : découpez le fichier."
        )
    if len(cells) > limits.max_columns:
        raise UnreadableFileError(
            source, f"ligne {line} : trop de colonnes ({len(cells)}, au plus {limits.max_columns})."
        )
    if not cells or max(map(len, cells)) <= limits.max_cell_chars:
        return
    for cell in cells:
        if len(cell) > limits.max_cell_chars:
            raise UnreadableFileError(
                source,
                f"ligne {line} : cellule trop longue ({len(cell)} caractères, au plus "
                f"{limits.max_cell_chars}).",
            )


def _trim(cells: Sequence[str]) -> list[str]:
    out = list(cells)
    while out and not out[-1].strip():
        out.pop()
    return out


# --- XLSX ---------------------------------------------------------------------------------


def check_zip(
    path: Path,
    limits: ZipLimits | None = None,
    inspect: Callable[[str, bytes, int], None] | None = None,
    *,
    content: bytes | None = None,
) -> None:
    """Refuse a ZIP container (XLSX, DOCX) that could exhaust memory or carry XML attacks.

    Checks, in this order and without decompressing anything before the last step: the entry
    count announced by the end record (read before :class:`zipfile.ZipFile` loads the central
    directory), each entry's declared size and compression ratio, the total declared size;
    then every XML part is read once, never beyond its declared size (so within the limits
    just checked), and refused if it holds a document type declaration.

    ``inspect``, when given, is handed every entry's name, bytes (XML or not) and CRC-32 from
    that same single read, so a reader's own checks of the parts cost no second decompression
    (the bytes match the CRC: :mod:`zipfile` refuses them otherwise).

    ``content``, when given, is the file's content, read once by the caller: it is what is
    checked (``path`` only names the file in messages), so what the caller parses next is the
    very snapshot checked, and no part costs a system call.

    Raises:
        UnreadableFileError: with a French reason.
    """
    run_staged(check_zip_stages(path, limits, inspect, content=content))


def check_zip_stages(
    path: Path,
    limits: ZipLimits | None = None,
    inspect: Callable[[str, bytes, int], None] | None = None,
    *,
    content: bytes | None = None,
) -> Staged[None]:
    """:func:`check_zip` as stages (:mod:`~webpass.untrusted.staged`): with ``content``, the
    inflation of its large parts is the job yielded (zlib lets go of the interpreter lock)."""
    limits = limits or ZipLimits()
    entries = _announced_entries(path if content is None else content)
    if entries is None or entries > limits.max_entries:
        raise UnreadableFileError(
            path,
            "archive refusée : nombre d'éléments démesuré ou illisible pour un classeur "
            f"(au plus {limits.max_entries}).",
        )
    try:
        with zipfile.ZipFile(path if content is None else io.BytesIO(content)) as archive:
            infos = archive.infolist()
            _check_entries(path, infos, limits)
            wanted = [
                info
                for info in infos
                if inspect is not None or info.filename.lower().endswith(_XML_PARTS)
            ]
            inflated: dict[int, bytes | Exception | None] = {}
            if content is not None and any(i.file_size >= _INFLATED_APART for i in wanted):
                yield _inflation(content, wanted, inflated)
            for position, info in enumerate(wanted):
                data = _inflated(content, info, inflated.get(position, _NOT_YET))
                if data is None:
                    data = _read_entry(archive, info)
                if info.filename.lower().endswith(_XML_PARTS):
                    _refuse_dtd(path, info, data)
                if inspect is not None:
                    inspect(info.filename, data, info.CRC if data else 0)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        OSError,
        EOFError,
        zlib.error,  # a damaged deflate stream, read by zipfile (another compression)
    ) as exc:
        raise UnreadableFileError(
            path, f"archive ZIP endommagée ou non prise en charge ({exc})."
        ) from exc


def _check_entries(path: Path, infos: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    if len(infos) > limits.max_entries:
        raise UnreadableFileError(path, "archive refusée : trop d'éléments.")
    total = 0
    for info in infos:
        _check_entry(path, info, limits)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise UnreadableFileError(
                path,
                "archive refusée : une fois décompressée, elle dépasserait "
                f"{_megabytes(limits.max_total_bytes)} (bombe de décompression ?).",
            )


# Parts at least this large are inflated by the job (a grid's two large sheets, 80 % of its
# inflation); each part costs the job one wait for the interpreter lock, the small ones are
# inflated in place.
_INFLATED_APART = 32_000
_NOT_YET = object()


def _inflation(
    content: bytes, infos: list[zipfile.ZipInfo], into: dict[int, bytes | Exception | None]
) -> Callable[[], None]:
    def inflate() -> None:
        for position, info in enumerate(infos):
            if info.file_size >= _INFLATED_APART:
                try:
                    into[position] = member_bytes(content, info)
                except Exception as exc:  # raised in its turn, after the parts before it
                    into[position] = exc
                    return

    return inflate


def _inflated(content: bytes | None, info: zipfile.ZipInfo, done: object) -> bytes | None:
    """The part's bytes, inflated by the job or here; None for zipfile to read."""
    if isinstance(done, Exception):
        raise done
    if done is _NOT_YET:
        return member_bytes(content, info) if content is not None else None
    assert done is None or isinstance(done, bytes)
    return done


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    # read(n) decompresses at most n bytes per step; read() would let one deflate call inflate
    # the whole compressed stream (up to 2 GB) before cutting it to the declared size.
    with archive.open(info) as stream:
        return stream.read(info.file_size) if info.file_size else b""


def _announced_entries(source: Path | bytes) -> int | None:
    if isinstance(source, bytes):
        content = source  # searched in place: the window below was a copy of a whole grid
    else:
        size = source.stat().st_size
        with source.open("rb") as handle:
            handle.seek(max(0, size - _EOCD_WINDOW))
            content = handle.read()
    at = content.rfind(_EOCD, max(0, len(content) - _EOCD_WINDOW))
    if at < 0 or len(content) - at < 22:
        return None
    entries = struct.unpack_from("<H", content, at + 10)[0]
    return None if entries == 0xFFFF else int(entries)  # ZIP64: no workbook needs it


_EOCD_WINDOW = 65_557  # end record (22 bytes) + the longest comment


def _check_entry(path: Path, info: zipfile.ZipInfo, limits: ZipLimits) -> None:
    if info.file_size > limits.max_entry_bytes:
        raise UnreadableFileError(
            path,
            f"archive refusée : l'élément « {info.filename[:80]} » ferait "
            f"{_megabytes(info.file_size)} une fois décompressé (au plus "
            f"{_megabytes(limits.max_entry_bytes)}).",
        )
    if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(
        info.compress_size, 1
    ):
        raise UnreadableFileError(
            path,
            f"archive refusée : l'élément « {info.filename[:80]} » est compressé plus de "
            f"{limits.max_ratio} fois (bombe de décompression ?).",
        )


def may_declare(data: bytes) -> bool:
    """False when no « ! » of ``data`` follows a « < »: then no declaration (« <!doctype »,
    « <!entity ») is written in it in ASCII or UTF-8, and the expression need not scan it.

    A bidder's text often holds a « ! », which sent the whole sheet through the expression
    (a fifth of the archive checks); the « ! » are found by memchr, a few at most are looked at.
    """
    at = data.find(b"!")
    for _ in range(_BANGS_LOOKED_AT):
        if at < 0:
            return False
        if at and data[at - 1] == 0x3C:  # « < »
            return True
        at = data.find(b"!", at + 1)
    return at >= 0  # many « ! »: the expression decides


_BANGS_LOOKED_AT = 64


def _refuse_dtd(path: Path, info: zipfile.ZipInfo, data: bytes) -> None:
    # Both expressions need a « ! » byte, which a part seldom holds: one memchr clears most.
    # The UTF-16 one is only tried on parts holding a NUL, as UTF-16 always does.
    if b"!" in data and (
        (may_declare(data) and _DTD_PLAIN.search(data)) or (b"\x00" in data and _DTD.search(data))
    ):
        raise UnreadableFileError(
            path,
            f"contenu refusé : la partie « {info.filename[:80]} » déclare un type de "
            "document (DTD, entités XML), ce qu'aucun tableur n'écrit ; le fichier a "
            f"été fabriqué ou altéré. {_SAVE_AS[0].upper()}{_SAVE_AS[1:]}.",
        )


def _read_xlsx(
    path: Path, content: bytes, sheet: str | None, limits: TableLimits, zip_limits: ZipLimits
) -> Sheet:
    sheets = run_staged(
        _xlsx_sheet_stages(path, content, [sheet], limits, zip_limits, required=True, loose=True)
    )
    return sheets[sheet]


def read_workbook(
    path: Path,
    sheets: Sequence[str],
    *,
    max_bytes: int = MAX_TABLE_BYTES,
    limits: TableLimits | None = None,
    zip_limits: ZipLimits | None = None,
    hidden: Collection[str] = (),
) -> dict[str, Sheet]:
    """Several sheets of one XLSX workbook, opened and checked once.

    Sheets are found by their exact name; a missing sheet is simply absent from the result (a
    bidder may delete or rename one), unlike :func:`read_rows` which refuses the file. A hidden
    sheet (« masquée » or « très masquée ») refuses the whole file unless its name is in
    ``hidden``: what a spreadsheet does not show must not decide what webpass reads.
    """
    return run_staged(
        workbook_stages(
            path, sheets, max_bytes=max_bytes, limits=limits, zip_limits=zip_limits, hidden=hidden
        )
    )


def workbook_stages(
    path: Path,
    sheets: Sequence[str],
    *,
    max_bytes: int = MAX_TABLE_BYTES,
    limits: TableLimits | None = None,
    zip_limits: ZipLimits | None = None,
    hidden: Collection[str] = (),
) -> Staged[dict[str, Sheet]]:
    """:func:`read_workbook` as stages: the parse of the sheets is the job yielded, if any
    (:mod:`~webpass.untrusted.staged`)."""
    path = Path(path)
    # Read once: the archive checks and the reader see the same bytes (the file could change
    # between them), and no part of it costs a system call of its own. read_bytes refuses a
    # missing, irregular or too large file with the same messages as a check here would (a
    # second resolution of the path cost a tenth of a millisecond per grid).
    content = read_bytes(path, max_bytes=max_bytes)
    if not content.startswith(_ZIP_MAGIC):
        raise UnreadableFileError(path, f"ce n'est pas un classeur lisible : {_SAVE_AS}.")
    found = yield from _xlsx_sheet_stages(
        path,
        content,
        list(sheets),
        limits or TableLimits(),
        zip_limits or ZipLimits(),
        required=False,
        hidden=hidden,
    )
    return {name: sheet for name, sheet in found.items() if name is not None}


def _xlsx_sheet_stages(
    path: Path,
    content: bytes,
    names: list[str | None],
    limits: TableLimits,
    zip_limits: ZipLimits,
    required: bool,
    hidden: Collection[str] | None = None,
    loose: bool = False,
) -> Staged[dict[str | None, Sheet]]:
    """The sheets ``names`` (None: the first visible one).

    ``hidden`` None: hidden sheets are skipped unless asked for by name, and then refused (a
    list of collectivities may keep a hidden helper sheet); otherwise any hidden sheet whose
    name is not in ``hidden`` refuses the file (a bidder's grid). ``loose``: a name typed by a
    person (``--feuille``) may differ in case and accents when exactly one sheet matches it.

    Calamine's parse of the sheets picked is yielded as one job; openpyxl's streaming reader
    parses as the rows are read, and yields none.
    """
    from webpass.untrusted.xlsx_calamine import BoundsScan

    scan = BoundsScan()
    yield from check_zip_stages(path, zip_limits, inspect=scan, content=content)
    if not _defusedxml_enabled():  # fail closed: never parse untrusted XML unguarded
        raise UnreadableFileError(path, _UNGUARDED)
    found: dict[str | None, Sheet] = {}
    # A file object, not the path: openpyxl would refuse a workbook named .csv by its extension.
    with io.BytesIO(content) as handle:
        workbook = _open_workbook(path, handle, scan)
        try:
            picked = _picked_sheets(path, workbook, names, required, hidden, loose)
            if hasattr(workbook, "parse_job"):  # calamine's (openpyxl's parses row by row)
                # Thrown back here if it fails, wherever it ran: wrapped below as in place.
                yield workbook.parse_job([worksheet for _, worksheet in picked])
            for name, worksheet in picked:
                rows = tuple(_xlsx_rows(worksheet, str(path), limits))
                found[name] = Sheet(str(path), str(worksheet.title), None, None, rows)
        except UnreadableFileError:
            raise
        except Exception as exc:
            raise UnreadableFileError(path, _xlsx_reason(exc)) from exc
        finally:
            workbook.close()
    return found


def _picked_sheets(
    path: Path,
    workbook: Any,
    names: list[str | None],
    required: bool,
    hidden: Collection[str] | None,
    loose: bool,
) -> list[tuple[str | None, Any]]:
    if hidden is not None:
        _refuse_hidden(path, workbook, hidden)
    picked = []
    for name in names:
        try:
            wanted = _loose_name(workbook, name) if loose else name
            picked.append((name, _pick_sheet(path, workbook, wanted, hidden or ())))
        except UnreadableFileError:
            if required:
                raise
    return picked


def _open_workbook(path: Path, handle: Any, scan: BoundsScan) -> Any:
    """The workbook through calamine when its sheets are bounded, else openpyxl's streaming one."""
    from webpass.untrusted.xlsx_calamine import open_with_calamine

    try:
        book = open_with_calamine(handle, scan)
    except Exception as exc:  # both readers raise many kinds on malformed or hostile parts
        raise UnreadableFileError(path, _xlsx_reason(exc)) from exc
    if book is not None:
        return book
    # openpyxl is imported only when it reads (a fifth of a second of every command that
    # checks a grid otherwise), and its own flag is checked again before it parses anything.
    import openpyxl

    if openpyxl.DEFUSEDXML is not True:
        raise UnreadableFileError(path, _UNGUARDED)
    try:
        return openpyxl.load_workbook(handle, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:
        raise UnreadableFileError(path, _xlsx_reason(exc)) from exc


_UNGUARDED = (
    "lecture des classeurs désactivée : le module defusedxml est absent ou "
    "OPENPYXL_DEFUSEDXML vaut False ; réinstallez webpass ou utilisez un CSV."
)


def _defusedxml_enabled() -> bool:
    """``openpyxl.DEFUSEDXML``, decided as openpyxl decides it, without importing openpyxl.

    The same refusal as before, in the same place, whichever reader then parses the workbook
    (openpyxl/xml/__init__.py: defusedxml importable and OPENPYXL_DEFUSEDXML left at « True »).
    """
    if os.environ.get("OPENPYXL_DEFUSEDXML", "True") != "True":
        return False
    try:
        import defusedxml  # noqa: F401
    except ImportError:
        return False
    return True


def _xlsx_reason(exc: BaseException) -> str:
    cause: BaseException | None = exc
    while cause is not None:  # openpyxl wraps the parser's error in its own
        # defusedxml raises DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
        if "Forbidden" in type(cause).__name__:
            return (
                "contenu refusé : le classeur contient des déclarations XML interdites (entités)."
            )
        cause = cause.__cause__ or cause.__context__
    detail = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
    return f"classeur illisible ({detail}) : ouvrez-le dans votre tableur et {_SAVE_AS}."


def _refuse_hidden(path: Path, workbook: Any, allowed: Collection[str]) -> None:
    for worksheet in workbook.worksheets:
        if worksheet.sheet_state != "visible" and str(worksheet.title) not in allowed:
            raise UnreadableFileError(
                path,
                f"le classeur contient une feuille masquée, « {worksheet.title} » : une feuille "
                "masquée peut faire dire au fichier autre chose que ce qu'on y voit, webpass "
                "ne le lit donc pas. Affichez-la (clic droit sur un onglet, « Afficher ») et "
                "supprimez-la, ou repartez du cadre de réponse fourni.",
            )


def _loose_name(workbook: Any, wanted: str | None) -> str | None:
    if wanted is None:
        return None
    matches = [str(n) for n in workbook.sheetnames if fold(str(n)) == fold(wanted)]
    return matches[0] if len(matches) == 1 else wanted


def _pick_sheet(path: Path, workbook: Any, wanted: str | None, hidden: Collection[str]) -> Any:
    names = [str(name) for name in workbook.sheetnames]
    if wanted is not None:
        if wanted not in names:
            raise UnreadableFileError(
                path,
                f"feuille « {wanted} » introuvable (le nom doit être exactement celui-ci) ; "
                "feuilles présentes : " + ", ".join(f"« {n} »" for n in names) + ".",
            )
        worksheet = workbook[wanted]
        if worksheet.sheet_state != "visible" and wanted not in hidden:
            raise UnreadableFileError(
                path,
                f"la feuille « {wanted} » est masquée : affichez-la dans votre tableur (clic "
                "droit sur un onglet, « Afficher ») et enregistrez de nouveau le fichier.",
            )
        return worksheet
    visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    if not visible:
        raise UnreadableFileError(path, "le classeur ne contient aucune feuille visible.")
    return visible[0]


def _xlsx_rows(worksheet: Any, source: str, limits: TableLimits) -> Iterator[Row]:
    worksheet.reset_dimensions()  # trust the cells, not the (often wrong) declared dimension
    count = 0
    scanned = 0
    # Hundreds of rows per grid, thousands per batch: the common case stays inline.
    max_scanned, max_rows = limits.max_scanned_cells, limits.max_rows
    max_columns, max_chars = limits.max_columns, limits.max_cell_chars
    # An empty cell is None from openpyxl, « » from calamine: both are blank, and None in
    # the values handed on.
    for line, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        end = len(values)
        scanned += end + 1
        if scanned > max_scanned:
            raise UnreadableFileError(
                source,
                f"feuille « {worksheet.title} » : plus de {limits.max_scanned_cells} cellules, "
                f"vides comprises, avant la ligne {line} ; ce n'est pas un tableau à lire, "
                "vérifiez le fichier ou enregistrez-le de nouveau depuis votre tableur.",
            )
        while end:
            last = values[end - 1]
            if last is not None and not (isinstance(last, str) and not last.strip()):
                break
            end -= 1
        if not end:
            continue
        kept = values[:end]
        # Nearly every cell is text or empty: no call for those.
        cells = tuple(
            [
                value if type(value) is str else "" if value is None else cell_text(value)
                for value in kept
            ]
        )
        if not cells[-1].strip() and not any(cell.strip() for cell in cells):
            continue
        count += 1
        if count > max_rows or end > max_columns or max(map(len, cells)) > max_chars:
            _check_row(cells, line, count, source, limits)
        raw = tuple([None if value == "" else value for value in kept]) if "" in kept else kept
        yield Row(line, cells, raw)


def column_letters(number: int) -> str:
    """The letters of the 1-based column ``number`` (1 → ``A``, 28 → ``AB``), as a spreadsheet shows them."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_text(value: object) -> str:
    """A cell value as the text a person reads in it.

    ``None`` → ``""``; booleans → ``oui``/``non``; dates → ISO; a whole float → its integer
    (a level typed 3 stays ``"3"``); other floats through their shortest exact decimal form.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return str(value)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} Mo".replace(".", ",")
