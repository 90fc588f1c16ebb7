"""The rows of a batch list: read, merged over the base answers, validated like the wizard's.

Each row of ``LISTE.csv`` / ``LISTE.xlsx`` describes one collectivity. Its cells are read with
the wizard's own parsers (:mod:`webpass.dossier.answer_parsers`: « 1 200 » habitants, « 22 » for the
Côtes-d'Armor, « 11/01/2027 »), set over a copy of the base answers, and the merged data goes
through :func:`webpass.dossier.answers.parse_answers` and :func:`webpass.dossier.answers.check_answers`, exactly
as a ``webpass.yaml`` would. A cell the parsers cannot read is passed on as typed, so the answers
model reports it with the same French message as for a hand-written file.

The base answers give the project (level, options, values, financing) and the defaults of the
collectivity block; the identity of a collectivity (name, INSEE code, SIREN, address, domain)
never comes from the base, so a base copied from a real dossier cannot leak its domain name into
fifty others. Every problem names the list's line and column, or the base file's line when the
value at fault comes from the base.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from webpass.batch.plan import MAX_LIST_ROWS
from webpass.catalog import Catalog
from webpass.core.errors import InputError, Problem, UsageError, ValidationFailed
from webpass.core.frozen_record import frozen_record
from webpass.core.matching import fold
from webpass.core.slug import folder_slug, slugify
from webpass.dossier import answer_parsers
from webpass.dossier.answers import Answers, answers_to_yaml, check_answers, parse_answers
from webpass.dossier.geo import department_code, department_of_insee
from webpass.untrusted.safe_yaml import Located, YamlRefused, load_yaml_file
from webpass.untrusted.spreadsheet import Row, Table, TableLimits, read_table

__all__ = [
    "COLUMNS",
    "IDENTITY_FIELDS",
    "BatchRow",
    "load_base",
    "read_batch",
    "write_department_list",
]

YamlPath = tuple[str | int, ...]
Parser = Callable[[str, Catalog], Any]


def _text(raw: str, catalog: Catalog) -> Any:
    return raw


def _insee(raw: str, catalog: Catalog) -> Any:
    return raw.strip().upper()


def _restore_leading_zero(values: dict[YamlPath, Any]) -> None:
    """``1001`` in the Ain → ``01001``: a spreadsheet that stored the code as a number lost it.

    Only when the padded code belongs to the row's département, so a mistyped code is reported
    as typed rather than turned into another département's.
    """
    code = values.get(("collectivite", "code_insee"))
    department = values.get(("collectivite", "departement"))
    if isinstance(code, str) and code.isdigit() and len(code) == 4 and isinstance(department, str):
        padded = code.zfill(5)
        if department_code(department) == department_of_insee(padded):
            values[("collectivite", "code_insee")] = padded


def _body_type(raw: str, catalog: Catalog) -> Any:
    folded = fold(raw)
    known = {
        "commune": "commune",
        "communaute de communes": "communaute_de_communes",
        "cc": "communaute_de_communes",
        "syndicat": "syndicat",
        "syndicat intercommunal": "syndicat",
    }
    return known.get(folded, raw)


def _boolean(raw: str, catalog: Catalog) -> Any:
    try:
        return answer_parsers.boolean(raw)
    except ValueError:
        return raw  # the answers model says a boolean is expected


def _department(raw: str, catalog: Catalog) -> Any:
    try:
        return answer_parsers.department(raw)
    except ValueError:
        return raw  # the answers model names the unknown département


def _integer(raw: str, catalog: Catalog) -> Any:
    try:
        return answer_parsers.integer()(raw)
    except ValueError:
        return raw  # « un nombre entier est attendu (trouvé : « … ») »


def _amount(raw: str, catalog: Catalog) -> Any:
    try:
        return f"{answer_parsers.amount(raw):.2f}"
    except ValueError:
        return raw  # the answers model gives parse_amount's message


def _date(raw: str, catalog: Catalog) -> Any:
    try:
        return answer_parsers.date(raw)
    except ValueError:
        return raw  # « une date AAAA-MM-JJ est attendue (trouvé : « … ») »


def _level(raw: str, catalog: Catalog) -> Any:
    value = _integer(raw, catalog)
    if isinstance(value, int):
        return value
    level = catalog.level_named(raw)
    return level.number if level else raw


def _nature(raw: str, catalog: Catalog) -> Any:
    folded = fold(raw)
    if folded in ("creation", "nouveau site"):
        return "creation"
    if folded in ("refonte", "redesign"):
        return "refonte"
    return raw


@frozen_record
class Column:
    """A column of the list: the header texts accepted and where its value goes."""

    key: str
    headers: tuple[str, ...]
    path: YamlPath
    parse: Parser
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("nom", ("nom", "nom de la collectivité", "collectivité"), ("collectivite", "nom"), _text),
    Column("code_insee", ("code_insee", "code INSEE", "INSEE", "code commune", "code"), ("collectivite", "code_insee"), _insee),
    Column("type", ("type", "type de collectivité"), ("collectivite", "type"), _body_type),
    Column("departement", ("departement", "département", "dép"), ("collectivite", "departement"), _department),
    Column("population", ("population", "habitants", "population municipale"), ("collectivite", "population"), _integer),
    Column("effectif", ("effectif", "agents"), ("collectivite", "effectif"), _integer),
    Column("recettes_annuelles", ("recettes_annuelles", "recettes"), ("collectivite", "recettes_annuelles"), _amount),
    Column("siren", ("siren",), ("collectivite", "siren"), _text),
    Column("adresse", ("adresse", "adresse de la mairie"), ("collectivite", "adresse"), _text),
    Column("domaine", ("domaine", "nom de domaine"), ("collectivite", "domaine"), _text),
    Column("nature", ("nature", "nature du projet"), ("projet", "nature"), _nature),
    Column("niveau_vise", ("niveau_vise", "niveau visé", "niveau"), ("projet", "niveau_vise"), _level),
    Column("site_actuel", ("site_actuel", "site actuel"), ("projet", "site_actuel", "adresse"), _text),
    Column("niveau_actuel", ("niveau_actuel", "niveau actuel"), ("projet", "site_actuel", "niveau"), _level),
    Column("budget", ("budget",), ("projet", "budget"), _amount),
    Column("date_lancement", ("date_lancement", "date de lancement"), ("projet", "date_lancement"), _date),
    Column("mise_en_ligne", ("mise_en_ligne", "mise en ligne"), ("projet", "mise_en_ligne"), _date),
    Column("reference", ("reference", "référence"), ("projet", "reference"), _text),
    Column("saisie_manuelle", ("saisie_manuelle", "saisie manuelle", "hors référentiel"), ("collectivite", "saisie_manuelle"), _boolean),
)  # fmt: skip

# Fields of the base's collectivity block that name one collectivity and are never inherited.

IDENTITY_FIELDS = (
    "nom",
    "code_insee",
    "siren",
    "adresse",
    "domaine",
    "type",
    "departement",
    "population",
    "code_postal",
    "communes",
    "saisie_manuelle",
)
# A row names its collectivity by one of these at least; the reference gives the rest.
_NAMING = ("nom", "code_insee", "siren")
_IDENTITY_PATHS = {("collectivite", key) for key in IDENTITY_FIELDS}


@frozen_record
class BatchRow:
    """One row of the list, merged and validated.

    Attributes:
        source: the list file, as messages name it.
        line: the line (CSV) or row number (XLSX) a person sees in their editor.
        name: the collectivity's name as written.
        insee: its INSEE code as written (may be empty for a groupement).
        folder_name: the safe name of its output folder (slug of name and code).
        answers: the validated answers, None when the row is invalid.
        answers_yaml: the answers as the text of its ``webpass.yaml`` (None when invalid).
        problems: what is wrong with the row, located in the list or in the base file.
        warnings: what looks wrong but does not stop the row (French, one line each).
    """

    source: str
    line: int
    name: str
    insee: str
    folder_name: str
    answers: Answers | None
    answers_yaml: str | None
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        """Whether the row can be generated."""
        return self.answers is not None and not self.problems

    @property
    def reason(self) -> str:
        """What is wrong, as one French text (empty for a valid row)."""
        parts = []
        for problem in self.problems:
            if problem.file == self.source and problem.line == self.line:
                where = f"[{problem.where}] " if problem.where else ""
                parts.append(f"{where}{problem.message}")
            else:  # a value from the base answers: name that file and its line
                parts.append(problem.format())
        return " ; ".join(parts)


@dataclass
class _RowLocated(Located):
    """Located data of one merged row: problems point at the row's cell or at the base file."""

    line: int = 0
    base: Located | None = None
    cells: dict[YamlPath, tuple[str, int]] = field(default_factory=dict)
    given: set[YamlPath] = field(default_factory=set)
    given_values: dict[YamlPath, Any] = field(default_factory=dict)

    def problem(self, path: YamlPath, message: str) -> Problem:
        for length in range(len(path), 0, -1):
            head = tuple(path[:length])
            cell = self.cells.get(head)
            if cell is None:
                continue
            inherited = head not in self.given and head not in _IDENTITY_PATHS
            if inherited and self.base is not None and head in self.base.marks:
                return self.base.problem(
                    path, message
                )  # an empty cell: the base's value is at fault
            header, column = cell
            return Problem(self.source, self.line, column, message, where=header)
        in_row_block = any(cell[: len(path)] == tuple(path) for cell in self.cells)
        if self.base is not None and path and not in_row_block:
            return self.base.problem(path, message)
        return Problem(self.source, self.line, None, message, where=_dotted(path))


def _dotted(path: YamlPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def load_base(path: Path, catalog: Catalog) -> Located:
    """Read the base answers; a missing ``version_catalogue`` is the catalogue's own.

    Raises:
        InputError: the file is missing.
        ValidationFailed: the file is not readable YAML or not a block of keys.
    """
    if not path.is_file():
        raise InputError(f"fichier de réponses de base « {path} » introuvable.")
    try:
        located = load_yaml_file(path, display=str(path))
    except YamlRefused as exc:
        raise ValidationFailed(
            [exc.problem], summary=f"{path} : réponses de base illisibles"
        ) from exc
    if located.data is None:
        located.data = {}
    if not isinstance(located.data, dict):
        raise ValidationFailed(
            [
                located.problem(
                    (), "les réponses de base doivent être un bloc de clés (projet, options…)."
                )
            ],
            summary=f"{path} : réponses de base à corriger",
        )
    located.data.setdefault("version_catalogue", catalog.version)
    return located


def read_batch(
    list_path: Path,
    base: Located,
    catalog: Catalog,
    *,
    sheet: str | None = None,
) -> list[BatchRow]:
    """Every row of the list merged over ``base`` and validated; invalid rows keep their problems.

    Raises:
        UnreadableFileError: the list is not a readable CSV/XLSX file (exit 2).
        InputError: a required column is missing or the list has no row (exit 1).
    """
    wanted = {column.key: column.headers for column in COLUMNS}
    optional = [column.key for column in COLUMNS if not column.required]
    # Bounded while reading, before any row is validated: a 94 000-row list took minutes and
    # a gigabyte to be refused row by row.
    table = read_table(
        list_path,
        columns=wanted,
        optional=optional,
        sheet=sheet,
        limits=TableLimits(max_rows=MAX_LIST_ROWS),
    )
    if not any(key in table.columns for key in _NAMING):
        raise InputError(
            f"{table.source} : aucune colonne ne nomme les collectivités ; il en faut au moins une "
            "parmi « code_insee » (ou « code »), « siren » et « nom » : le reste (nom, population, "
            "département, communes membres) est repris de la liste officielle."
        )
    if not table.rows:
        raise InputError(
            f"{table.source} : aucune collectivité sous la ligne d'en-têtes (ligne {table.header_line})."
        )
    present = [column for column in COLUMNS if column.key in table.columns]
    rows: list[BatchRow] = []
    seen: dict[str, int] = {}
    codes: dict[str, tuple[int, str]] = {}
    for row in table.rows:
        located = _row_located(table, row, present, base, catalog)
        answers, problems = _validate(located, catalog)
        name, insee = _identity(answers, located.given_values, table.value(row, "nom"))
        folder_name = folder_slug(name, insee) if (name or insee) else slugify(f"ligne {row.line}")
        if folder_name in seen:
            problems.append(
                Problem(
                    table.source,
                    row.line,
                    None,
                    f"même collectivité (même nom et même code INSEE) que la ligne {seen[folder_name]} : "
                    "retirez le doublon ou corrigez le nom.",
                )
            )
        else:
            seen[folder_name] = row.line
        warnings = _same_code_warning(codes, insee, name, row.line)
        valid = answers is not None and not problems
        rows.append(
            BatchRow(
                source=table.source,
                line=row.line,
                name=name,
                insee=insee,
                folder_name=folder_name,
                answers=answers if valid else None,
                answers_yaml=answers_to_yaml(answers) if valid and answers else None,
                problems=tuple(problems),
                warnings=warnings,
            )
        )
    return rows


def _row_located(
    table: Table, row: Row, present: list[Column], base: Located, catalog: Catalog
) -> _RowLocated:
    """One row's cells read with the wizard's parsers and merged over the base answers."""
    cells: dict[YamlPath, tuple[str, int]] = {}
    values: dict[YamlPath, Any] = {}
    for column in present:
        index = table.columns[column.key]
        cells[column.path] = (table.headers[index].strip() or column.key, index + 1)
        raw = table.value(row, column.key)
        if raw:
            values[column.path] = column.parse(raw, catalog)
    _restore_leading_zero(values)
    _siren_in_code_column(values, cells)
    return _RowLocated(
        data=_merge(base.data, values),
        source=table.source,
        floats=set(base.floats),
        line=row.line,
        base=base,
        cells=cells,
        given=set(values),
        given_values=values,
    )


def _siren_in_code_column(
    values: dict[YamlPath, Any], cells: dict[YamlPath, tuple[str, int]]
) -> None:
    """A 9-digit code in the code column is a SIREN (a groupement, or a commune by its SIREN)."""
    path = ("collectivite", "code_insee")
    code = values.get(path)
    if (
        isinstance(code, str)
        and len(code.replace(" ", "")) == 9
        and code.replace(" ", "").isdigit()
    ):
        siren_path = ("collectivite", "siren")
        values.setdefault(siren_path, code.replace(" ", ""))
        del values[path]
        if path in cells:
            cells.setdefault(siren_path, cells[path])


def _identity(
    answers: Answers | None, values: Mapping[YamlPath, Any], typed_name: str
) -> tuple[str, str]:
    """The name and code a row's folder is named after: the reference's when the row is valid."""
    if answers is not None:
        body = answers.collectivity
        return body.name, body.insee or body.siren or ""
    code = values.get(("collectivite", "code_insee")) or values.get(("collectivite", "siren"))
    return typed_name, code if isinstance(code, str) else ""


def write_department_list(departements: str, folder: Path) -> Path:
    """Write, in ``folder``, the list of every commune of the départements given (« 22,29 »).

    The list is an ordinary file the person can read, edit and pass again as LISTE.

    Raises:
        UsageError: a département that does not exist.
    """
    from webpass.collectivities import load_reference
    from webpass.core.atomic import write_text_atomic

    ref = load_reference()
    codes = [part.strip().upper() for part in departements.replace(";", ",").split(",")]
    codes = [("0" + c if c.isdigit() and len(c) == 1 else c) for c in codes if c]
    unknown = [c for c in codes if c not in ref.departments]
    if unknown or not codes:
        raise UsageError(
            f"--departement : département(s) inconnu(s) « {', '.join(unknown) or departements} » ; "
            "donnez des numéros séparés par des virgules, par exemple 22,29."
        )
    lines = ["code_insee;nom"]
    for code in codes:
        lines += [f"{c.code};{c.name}" for c in ref.communes_of_department(code)]
    target = folder / f"communes-{'-'.join(codes)}.csv"
    folder.mkdir(parents=True, exist_ok=True)
    write_text_atomic(target, "\n".join(lines) + "\n")
    return target


def _same_code_warning(
    codes: dict[str, tuple[int, str]], insee: str, name: str, line: int
) -> tuple[str, ...]:
    """Two rows with one INSEE code and two names: probably one commune typed twice."""
    if not insee:
        return ()
    first = codes.setdefault(insee, (line, name))
    if first[0] == line or fold(first[1]) == fold(name):
        return ()
    return (
        f"même code INSEE {insee} que la ligne {first[0]} (« {first[1]} ») sous un autre nom : "
        "vérifiez qu'il ne s'agit pas de la même collectivité.",
    )


def _merge(base: Mapping[str, Any], values: Mapping[YamlPath, Any]) -> dict[str, Any]:
    data = copy.deepcopy(dict(base))
    body = data.get("collectivite")
    if isinstance(body, dict):
        for key in IDENTITY_FIELDS:
            body.pop(key, None)
    for path, value in values.items():
        target: Any = data
        for part in path[:-1]:
            if not isinstance(target.get(part), dict):
                target[part] = {}
            target = target[part]
        target[path[-1]] = value
    return data


def _validate(located: Located, catalog: Catalog) -> tuple[Answers | None, list[Problem]]:
    try:
        answers = parse_answers(located)
    except ValidationFailed as error:
        return None, list(error.problems)
    return answers, check_answers(answers, catalog, located)
