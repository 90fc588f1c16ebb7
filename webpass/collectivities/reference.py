"""The reference of French communes and EPCI, read from the State's open data shipped with webpass.

The data file (``data/collectivites.tsv``, written by ``make geo`` from a pinned version of the
npm package ``@etalab/decoupage-administratif``) is UTF-8 text: a first line of JSON
(source, licences, départements, régions, row counts), then one tab-separated line per current
commune, sorted by INSEE code::

    code  siren  département  population  codes postaux (space-separated)  nom  nom replié

then a blank line and one line per EPCI à fiscalité propre, sorted by SIREN::

    siren  type (CC, CA, CU, METRO…)  population  membres (row numbers of communes)  nom  nom replié

Loading keeps the file's bytes as they are: a code, a name, a SIREN or a postal code is found
by a search over the bytes (a millisecond or two) and only the lines found are decoded; the text
is decoded and split into lines only for a bulk use (the communes of a département, the members
of an EPCI), after which codes are found by bisection. The file is stored uncompressed (2.2 MB,
public data that diffs well in git) and read undecoded, so loading costs a read (about a
millisecond): a gzipped copy cost a decompression (about 15 ms) and the decoding of the whole
text (a few more, the names holding characters beyond Latin-1) on every ``webpass generer``.
"""

from __future__ import annotations

import bisect
import functools
import json
from collections import Counter
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

from webpass.core.frozen_record import frozen_record
from webpass.core.matching import fold

__all__ = [
    "DATA_FILE",
    "Commune",
    "Department",
    "Epci",
    "EpciKind",
    "Reference",
    "Source",
    "load_reference",
    "search_key",
    "without_kind",
]

DATA_FILE = Path(__file__).parent / "data" / "collectivites.tsv"
_FORMAT = 1


class EpciKind(StrEnum):
    """The kinds of EPCI à fiscalité propre, as the DGCL names them."""

    CC = "CC"
    CA = "CA"
    CU = "CU"
    METRO = "METRO"
    MET69 = "MET69"

    @property
    def label(self) -> str:
        """French name of the kind."""
        return {
            "CC": "communauté de communes",
            "CA": "communauté d'agglomération",
            "CU": "communauté urbaine",
            "METRO": "métropole",
            "MET69": "métropole de Lyon",
        }[self.value]


@frozen_record(slots=True)
class Source:
    """Where the reference comes from, to be cited wherever its figures are shown."""

    package: str
    version: str
    vintage: int | None
    code_licence: str
    data_licence: str
    origin: str

    @property
    def short(self) -> str:
        """« découpage administratif au 1er janvier 2026 »."""
        return "découpage administratif" + (
            f" au 1er janvier {self.vintage}" if self.vintage else ""
        )

    @property
    def citation(self) -> str:
        """« découpage administratif 2026 (@etalab/decoupage-administratif 6.0.0, Licence Ouverte) »."""
        year = f" au 1er janvier {self.vintage}" if self.vintage else ""
        return (
            f"découpage administratif{year} ({self.package} {self.version}, données sous "
            f"{self.data_licence})"
        )


@frozen_record(slots=True)
class Department:
    """A département."""

    code: str
    name: str
    region: str


@frozen_record(slots=True)
class Commune:
    """A current commune (INSEE type COM)."""

    code: str
    name: str
    department: str
    siren: str | None
    population: int | None
    postal_codes: tuple[str, ...]
    row: int

    @property
    def label(self) -> str:
        """« Ploërmel (56, code INSEE 56165) », to tell homonyms apart."""
        return f"{self.name} ({self.department}, code INSEE {self.code})"


@frozen_record(slots=True)
class Epci:
    """An EPCI à fiscalité propre and its member communes."""

    siren: str
    short_name: str
    kind: EpciKind
    population: int
    members: tuple[Commune, ...]

    @property
    def name(self) -> str:
        """The name with its kind spelt out: « CC Ploërmel Communauté » → « Communauté de communes Ploërmel Communauté »."""
        prefix = f"{self.kind.value} "
        if self.short_name.startswith(prefix):
            return self.kind.label.capitalize() + " " + self.short_name[len(prefix) :]
        return self.short_name

    @property
    def department(self) -> str:
        """The département of most of its members (an EPCI may straddle two)."""
        counts = Counter(m.department for m in self.members)
        return counts.most_common(1)[0][0] if counts else ""

    @property
    def label(self) -> str:
        """« CC Ploërmel Communauté (SIREN 200070670, 30 communes) »."""
        return f"{self.short_name} (SIREN {self.siren}, {len(self.members)} communes)"


class Reference:
    """Communes and EPCI by code, SIREN, name and postal code."""

    def __init__(self, text: bytes) -> None:
        first = text.index(b"\n")
        header = json.loads(text[:first])
        if header.get("format") != _FORMAT:
            raise ValueError(f"format de référence {header.get('format')} inconnu")
        source = header["source"]
        self.source = Source(
            package=source["paquet"],
            version=source["version"],
            vintage=source.get("millesime"),
            code_licence=source["licence_code"],
            data_licence=source["licence_donnees"],
            origin=source["origine"],
        )
        self.regions: dict[str, str] = dict(header["regions"])
        self.departments: dict[str, Department] = {
            code: Department(code, name, region)
            for code, (name, region) in header["departements"].items()
        }
        self._counts = (int(header["communes"]), int(header["epci"]))
        # Kept as undecoded bytes: a lookup by code searches them, and the lines are decoded
        # and split only when a bulk use (a département, an EPCI's members) needs them.
        # Two slices of the bytes (each copied once): both start with a newline, so every line,
        # the first included, is found by searching "\n" + code.
        # The blank line is the only one, before the EPCI (an eighth of the file): searched from
        # the end, it is found in a tenth of a millisecond instead of two.
        blank = text.rindex(b"\n\n", first)
        self._commune_text = text[first : blank + 1]
        self._found_lines: dict[int, str] = {}
        self._epci_text = text[blank + 1 :]

    @functools.cached_property
    def _communes(self) -> list[str]:
        lines = self._commune_text[1:-1].decode("utf-8").split("\n")
        if len(lines) != self._counts[0]:
            raise ValueError("référentiel tronqué : nombre de communes inattendu")
        return lines

    @functools.cached_property
    def _epcis(self) -> list[str]:
        lines = self._epci_text[1:].decode("utf-8").rstrip("\n").split("\n")
        if len(lines) != self._counts[1]:
            raise ValueError("référentiel tronqué : nombre d'EPCI inattendu")
        return lines

    # -- communes -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._counts[0]

    def _commune_line(self, row: int) -> str:
        # A line a search of the text already found needs no split of the whole text (a
        # dossier's own commune, looked up by its code, is found that way).
        if "_communes" not in self.__dict__ and row in self._found_lines:
            return self._found_lines[row]
        return self._communes[row]

    def _commune_at(self, row: int) -> Commune:
        code, siren, department, population, postal, name, _ = self._commune_line(row).split("\t")
        return Commune(
            code=code,
            name=name,
            department=department,
            siren=siren or None,
            population=int(population) or None,
            postal_codes=tuple(postal.split()),
            row=row,
        )

    def commune(self, code: str) -> Commune | None:
        """The commune of an INSEE code (``"56165"``, ``"2A004"``), or None."""
        code = code.strip().upper()
        if not code or "\t" in code or "\n" in code:
            return None
        if "_communes" in self.__dict__:
            row = bisect.bisect_left(self._communes, code + "\t")
            found = row < len(self._communes) and self._communes[row].startswith(code + "\t")
            return self._commune_at(row) if found else None
        rows = self._commune_rows(code, 0)
        return self._commune_at(rows[0]) if rows else None

    def communes(self) -> Iterator[Commune]:
        """Every commune, by INSEE code."""
        return (self._commune_at(row) for row in range(len(self._communes)))

    def communes_of_department(self, department: str) -> list[Commune]:
        """The communes of a département (``"22"``), by INSEE code."""
        prefix = department.strip().upper()
        start = bisect.bisect_left(self._communes, prefix)
        out = []
        for row in range(start, len(self._communes)):
            commune = self._commune_at(row)
            if commune.department != prefix:
                if not self._communes[row].startswith(prefix):
                    break
                continue
            out.append(commune)
        return out

    def department_counts(self) -> dict[str, int]:
        """How many communes each département has."""
        return dict(Counter(line.split("\t", 3)[2] for line in self._communes))

    def commune_by_siren(self, siren: str) -> Commune | None:
        """The commune of a SIREN, or None."""
        siren = siren.replace(" ", "")
        rows = self._commune_rows(siren, 1) if siren.isdigit() else []
        return self._commune_at(rows[0]) if rows else None

    def communes_named(self, name: str, department: str | None = None) -> list[Commune]:
        """Communes whose name is ``name`` (case, accents, hyphens ignored), in a département if given."""
        key = search_key(name)
        found = [self._commune_at(row) for row in self._commune_rows(key, 6)] if key else []
        if department:
            found = [c for c in found if c.department == department]
        return found

    def communes_of_postal_code(self, postal_code: str) -> list[Commune]:
        """The communes a postal code serves (« 29900 » → Concarneau)."""
        postal = postal_code.strip()
        if not postal.isdigit():
            return []
        return [self._commune_at(row) for row in self._commune_rows(postal, 4, word=True)]

    def folded_commune_names(self) -> Iterator[tuple[str, int]]:
        """(folded name, row) of every commune, for fuzzy suggestions."""
        return ((line.rsplit("\t", 1)[1], row) for row, line in enumerate(self._communes))

    def commune_at(self, row: int) -> Commune:
        """The commune of a row number (as a suggestion list holds them)."""
        return self._commune_at(row)

    # -- EPCI ---------------------------------------------------------------------------------

    def _epci_at(self, row: int) -> Epci:
        siren, kind, population, members, name, _ = self._epcis[row].split("\t")
        rows = [int(r) for r in members.split()]
        self._find_lines(rows)
        return Epci(
            siren=siren,
            short_name=name,
            kind=EpciKind(kind),
            population=int(population),
            members=tuple(self._commune_at(r) for r in rows),
        )

    def _find_lines(self, rows: list[int]) -> None:
        """Keep the lines of these rows, read from the text up to the last of them only.

        An EPCI's members are rows of one or two départements: cutting the text up to them costs
        a tenth of splitting and decoding the whole of it, which a groupement's dossier never
        needs otherwise.
        """
        wanted = [r for r in rows if r not in self._found_lines]
        if "_communes" in self.__dict__ or not wanted or min(wanted) < 0:
            return
        last = max(wanted)
        # The text starts with a newline: piece r + 1 is row r, whole while more follow it.
        pieces = self._commune_text.split(b"\n", last + 2)
        if len(pieces) < last + 3:
            return  # a truncated text: the whole split says so
        for r in wanted:
            self._found_lines[r] = pieces[r + 1].decode("utf-8")

    def epci(self, siren: str) -> Epci | None:
        """The EPCI of a SIREN, or None."""
        siren = siren.replace(" ", "")
        if not siren.isdigit():
            return None
        row = bisect.bisect_left(self._epcis, siren + "\t")
        if row < len(self._epcis) and self._epcis[row].startswith(siren + "\t"):
            return self._epci_at(row)
        return None

    def epcis(self) -> Iterator[Epci]:
        """Every EPCI, by SIREN."""
        return (self._epci_at(row) for row in range(len(self._epcis)))

    def epcis_named(self, name: str) -> list[Epci]:
        """EPCI whose name, with or without its kind (« CC », « Communauté de communes »), is ``name``."""
        key = search_key(name)
        return [self._epci_at(row) for row in self._epci_rows_named(key)] if key else []

    def epci_of_commune(self, code: str) -> Epci | None:
        """The EPCI a commune belongs to, or None (a few island communes belong to none)."""
        commune = self.commune(code)
        rows = self._epci_rows_with_member(commune.row) if commune else []
        return self._epci_at(rows[0]) if rows else None

    def folded_epci_names(self) -> Iterator[tuple[str, int]]:
        """(search key without the kind, row) of every EPCI, for fuzzy suggestions."""
        return ((line.rsplit("\t", 1)[1], row) for row, line in enumerate(self._epcis))

    def epci_at(self, row: int) -> Epci:
        """The EPCI of a row number."""
        return self._epci_at(row)

    # -- searches in the text ------------------------------------------------------------------

    def _commune_rows(self, value: str, column: int, word: bool = False) -> list[int]:
        """Rows whose ``column`` is ``value`` (or, with ``word``, holds it as a word)."""
        text = self._commune_text
        rows: list[int] = []
        # The last column ends its line, the others a tab: the search skips most false hits.
        # (UTF-8 bytes: a needle's bytes are found only where its characters are.)
        before = "\n" if column == 0 else "\t"
        needle = (value if word else before + value + ("\n" if column == 6 else "\t")).encode()
        position = text.find(needle)
        while position >= 0:
            # A needle for the first column starts with the line's own newline.
            start = text.rfind(b"\n", 0, position + (column == 0)) + 1
            end = text.find(b"\n", start)
            line = text[start:end].decode("utf-8")
            cells = line.split("\t")
            cell = cells[column]
            if (value in cell.split(" ")) if word else (cell == value):
                if "_communes" in self.__dict__:
                    row = bisect.bisect_left(self._communes, cells[0] + "\t")
                else:  # counting the lines before is cheaper than splitting the whole text
                    row = text.count(b"\n", 0, start) - 1
                    self._found_lines[row] = line
                if row not in rows:
                    rows.append(row)
                if column == 0:
                    break  # a code is on one line only: the rest of the text need not be read
            position = text.find(needle, max(end, position + 1))
        return rows

    def _epci_rows_with_member(self, member: int) -> list[int]:
        wanted = str(member)
        return [
            row
            for row, line in enumerate(self._epcis)
            if wanted in line.split("\t", 4)[3].split(" ")
        ]

    def _epci_rows_named(self, key: str) -> list[int]:
        # The file holds the key of each name without its kind (« ploermel communaute »).
        bare = without_kind(key)
        return [row for row, line in enumerate(self._epcis) if line.rsplit("\t", 1)[1] == bare]


def _saint(folded: str) -> str:
    """« st malo » and « saint malo » are the same name: the abbreviations people type."""
    words = folded.split(" ")
    return " ".join({"st": "saint", "ste": "sainte"}.get(w, w) for w in words)


def search_key(name: str) -> str:
    """How a name is compared: folded (``webpass.matching.fold``), « St » read as « Saint »."""
    return _saint(fold(name))


_KIND_WORDS = sorted(
    {search_key(k.value) for k in EpciKind} | {search_key(k.label) for k in EpciKind},
    key=len,
    reverse=True,
)


def without_kind(key: str) -> str:
    """A name's search key without the kind it starts with (« cc », « communaute de communes du »)."""
    for kind in _KIND_WORDS:
        if key.startswith(kind + " "):
            rest = key[len(kind) + 1 :]
            for article in ("de la ", "de l ", "des ", "du ", "de ", "d "):
                if rest.startswith(article):
                    return rest[len(article) :]
            return rest
    return key


@functools.cache
def load_reference(path: Path = DATA_FILE) -> Reference:
    """The reference shipped with webpass (read once per process)."""
    return Reference(path.read_bytes())
