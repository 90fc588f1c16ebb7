"""Loading and validating a catalogue folder, reporting every problem at once.

A catalogue folder holds ``catalogue.yaml`` (identity, history, glossary, facts),
``levels.yaml`` (the five levels), ``normes.yaml`` (the norms items cite) and
``items/NN-section.yaml`` (one section and its items each). Each file is read with the hardened
YAML loader, validated against the models, then cross-checked as a whole: duplicate or unknown
ids, dependency cycles and contradictions, unknown norms or facts, clause templates that do not
parse or name unknown fields, obsolete references, money written as floats.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from webpass.catalog.cache import StoredCatalog, StoredFile, read_stored, write_stored
from webpass.catalog.loaded import Catalog, SourceRef
from webpass.catalog.model import (
    CatalogMeta,
    Condition,
    Item,
    Level,
    LevelsFile,
    Norm,
    NormsFile,
    ObsoleteReference,
    Section,
)
from webpass.core.errors import Problem, UnreadableFileError, ValidationFailed
from webpass.core.files import read_bytes
from webpass.core.frozen_record import frozen_record
from webpass.core.matching import fold
from webpass.core.validation import validate_located
from webpass.untrusted.clause_template import remember_trees, trees_to_keep
from webpass.untrusted.safe_yaml import Located, YamlRefused, load_yaml_file

__all__ = ["catalog_digest", "load_catalog"]

META_FILE = "catalogue.yaml"
LEVELS_FILE = "levels.yaml"
NORMS_FILE = "normes.yaml"
ITEMS_DIR = "items"
MAX_CACHED_CATALOGS = 8
_validated: dict[tuple[Path, str], Catalog] = {}


@frozen_record
class _ItemSite:
    item: Item
    located: Located
    index: int

    def problem(self, field: str | tuple[str | int, ...], message: str) -> Problem:
        suffix = (field,) if isinstance(field, str) else field
        path: tuple[str | int, ...] = (
            ("items", self.index, *suffix) if suffix else ("items", self.index)
        )
        return self.located.problem(path, f"{self.item.id} : {message}")


@frozen_record
class _RawItem:
    """What can be read of an item that failed validation, for the cross-checks."""

    id: str | None
    requires: list[str]
    norms: list[str]
    title: str | None
    clause: str | None
    parameters: list[str]
    located: Located
    index: int

    @classmethod
    def from_raw(cls, raw: Any, located: Located, index: int) -> _RawItem:
        data = raw if isinstance(raw, dict) else {}
        item_id = data.get("id") if isinstance(data.get("id"), str) else None
        requires = (
            [r for r in data.get("requiert", []) or [] if isinstance(r, str)]
            if isinstance(data.get("requiert"), list)
            else []
        )
        clause = data.get("clause") if isinstance(data.get("clause"), str) else None
        raw_params = data.get("parametres")
        params: list[Any] = raw_params if isinstance(raw_params, list) else []
        keys = [p["cle"] for p in params if isinstance(p, dict) and isinstance(p.get("cle"), str)]
        raw_norms = data.get("normes")
        norms = [
            n["ref"]
            for n in (raw_norms if isinstance(raw_norms, list) else [])
            if isinstance(n, dict) and isinstance(n.get("ref"), str)
        ]
        title = data.get("titre") if isinstance(data.get("titre"), str) else None
        return cls(item_id, requires, norms, title, clause, keys, located, index)

    def check(
        self,
        known_ids: set[str],
        norms: dict[str, Norm] | None,
        obsolete: list[tuple[re.Pattern[str], ObsoleteReference]],
        problems: list[Problem],
    ) -> None:
        label = self.id or f"exigence n° {self.index + 1}"
        for message in _obsolete_found([self.clause or "", self.title or ""], obsolete):
            problems.append(
                self.located.problem(("items", self.index, "clause"), f"{label} : {message}")
            )
        for position, ref in enumerate(self.norms):
            if norms is not None and ref not in norms:
                problems.append(
                    self.located.problem(
                        ("items", self.index, "normes", position, "ref"),
                        f"{label} : norme « {ref} » absente de normes.yaml.",
                    )
                )
        for position, other in enumerate(self.requires):
            if other not in known_ids:
                problems.append(
                    self.located.problem(
                        ("items", self.index, "requiert", position),
                        f"{label} : « {other} » n'existe pas dans le catalogue.",
                    )
                )
        if self.clause is not None:
            _report_clause(label, self.clause, self.parameters, self.located, self.index, problems)


def _read_section(located: Located, problems: list[Problem]) -> Section | None:
    if not isinstance(located.data, dict) or "section" not in located.data:
        problems.append(located.problem((), "le bloc « section » manque en tête du fichier."))
        return None
    section, found = validate_located(Section, located, ("section",))
    problems.extend(found)
    return section


def catalog_digest(root: Path) -> str | None:
    """SHA-256 of the names and bytes of every file the loader reads in ``root``.

    None when one of them does not pass the file gate (a pipe, a link out): the loader then
    reports it in its file, and nothing is cached.
    """
    digest = hashlib.sha256()
    items_dir = root / ITEMS_DIR
    files = sorted(root.glob("*.yaml")) + (
        sorted(items_dir.glob("*.yaml")) if items_dir.is_dir() else []
    )
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        try:
            data = read_bytes(path, root=root)
        except UnreadableFileError:
            return None
        digest.update(data + b"\0")
    return digest.hexdigest()


def load_catalog(root: Path, *, recheck: bool = False) -> Catalog:
    """Read and validate the catalogue in ``root``, once per content.

    Validating the catalogue costs a third of a second; hashing its files, a millisecond. A
    catalogue already validated in this process with the same bytes is returned as it is (a
    batch, the web wizard, a DCE opening the dossier several times); one validated by an earlier
    process is rebuilt from the user's cache (:mod:`webpass.catalog.cache`); an edited one is
    read and checked again. ``recheck`` reads and checks it whatever was kept
    (``webpass catalogue valider``), and keeps the result.

    Raises:
        ValidationFailed: with every problem found, each located in its file.
    """
    root = Path(root)
    if not root.is_dir():
        return _load_catalog(root)
    fingerprint = catalog_digest(root)
    if fingerprint is None:
        return _load_catalog(root)
    key = (root.resolve(), fingerprint)
    kept = None if recheck else _validated.pop(key, None)
    catalog = kept or _stored_or_loaded(root, fingerprint, recheck)
    _validated[key] = catalog  # most recent last
    while len(_validated) > MAX_CACHED_CATALOGS:
        del _validated[next(iter(_validated))]
    return catalog


def _stored_or_loaded(root: Path, fingerprint: str, recheck: bool) -> Catalog:
    stored = None if recheck else read_stored(fingerprint)
    if stored is not None:
        catalog = _from_stored(root, stored)
        if catalog is not None:
            return catalog
    read: list[Located] = []
    catalog = _load_catalog(root, read)
    # Stored only if the files did not change while they were read: the key is their digest.
    if catalog_digest(root) == fingerprint:
        write_stored(fingerprint, _to_stored(root, read))
    return catalog


def _to_stored(root: Path, read: list[Located]) -> StoredCatalog:
    files = []
    for located in read:
        name = Path(located.source).relative_to(root).as_posix()
        items = located.data.get("items") if isinstance(located.data, dict) else None
        lines = (
            tuple(located.marks.get(("items", i), (0, 0))[0] for i in range(len(items)))
            if name.startswith(ITEMS_DIR + "/") and isinstance(items, list)
            else ()
        )
        files.append(StoredFile(name, located.data, lines))
    # Jinja has parsed every clause while the catalogue was checked: its trees are kept too.
    trees = trees_to_keep(
        text
        for stored in files
        if stored.name.startswith(ITEMS_DIR + "/")
        for text in _texts(stored.data)
    )
    return StoredCatalog(tuple(files), tuple(trees.items()))


def _texts(value: Any) -> Iterator[str]:
    """Every text of a file's data, wherever it stands."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _texts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _texts(inner)


def _from_stored(root: Path, stored: StoredCatalog) -> Catalog | None:
    """The catalogue built from data that passed every check; None if the data is not that.

    Only the models are built: the YAML gates, the clause checks and the cross-checks already
    passed on these very bytes with this very code (the cache key says so).
    """
    by_name = {f.name: f for f in stored.files}
    sections: list[Section] = []
    items: list[Item] = []
    sources: dict[str, SourceRef] = {}
    try:
        meta = CatalogMeta.model_validate(by_name[META_FILE].data)
        levels_file = LevelsFile.model_validate(by_name[LEVELS_FILE].data)
        norms_file = NormsFile.model_validate(by_name[NORMS_FILE].data)
        for stored_file in stored.files:
            if not stored_file.name.startswith(ITEMS_DIR + "/"):
                continue
            sections.append(Section.model_validate(stored_file.data["section"]))
            source = str(root / stored_file.name)
            for raw, line in zip(stored_file.data["items"], stored_file.item_lines, strict=True):
                item = Item.model_validate(raw)
                items.append(item)
                sources[item.id] = SourceRef(source, line)
    except (ValueError, KeyError, TypeError):  # pydantic's ValidationError is a ValueError
        return None
    remember_trees(dict(stored.trees))
    return Catalog(
        root=root,
        meta=meta,
        levels={level.number: level for level in levels_file.levels},
        sections=sections,
        items=items,
        norms={norm.id: norm for norm in norms_file.norms},
        sources=sources,
    )


def _load_catalog(root: Path, read: list[Located] | None = None) -> Catalog:
    """Read and check every file; ``read`` receives each file parsed, in reading order."""
    root = Path(root)
    read = [] if read is None else read
    problems: list[Problem] = []
    if not root.is_dir():
        raise ValidationFailed(
            [
                Problem(
                    str(root),
                    None,
                    None,
                    "dossier de catalogue introuvable : indiquez le dossier qui contient catalogue.yaml.",
                )
            ]
        )

    meta = _load_one(root, META_FILE, CatalogMeta, problems, read)
    levels_file = _load_one(root, LEVELS_FILE, LevelsFile, problems, read)
    norms_file = _load_one(root, NORMS_FILE, NormsFile, problems, read)

    sites: list[_ItemSite] = []
    sections: list[Section] = []
    section_files: dict[str, str] = {}
    items_dir = root / ITEMS_DIR
    files = sorted(items_dir.glob("*.yaml")) if items_dir.is_dir() else []
    if not files:
        problems.append(
            Problem(
                _display(root, items_dir),
                None,
                None,
                "aucun fichier d'exigences (items/NN-section.yaml).",
            )
        )
    raw_sites: list[_RawItem] = []
    for path in files:
        located = _read(root, path, problems, read)
        if located is None:
            continue
        section = _read_section(located, problems)
        raw_items = located.data.get("items") if isinstance(located.data, dict) else None
        if not isinstance(raw_items, list) or not raw_items:
            problems.append(located.problem(("items",), "la liste « items » manque ou est vide."))
            raw_items = []
        if section is not None:
            if section.letter in section_files or any(s.id == section.id for s in sections):
                problems.append(
                    located.problem(
                        ("section",),
                        f"la section « {section.id} » (lettre {section.letter}) est déjà définie dans "
                        f"{section_files.get(section.letter, 'un autre fichier')} : chaque section a sa lettre.",
                    )
                )
            section_files.setdefault(section.letter, located.source)
            sections.append(section)
        for index in range(len(raw_items)):
            item, found = validate_located(Item, located, ("items", index))
            problems.extend(found)
            if item is None:
                # Still take part in the cross-checks with whatever could be read, so one
                # broken field does not hide a duplicate id or a bad template elsewhere.
                raw_sites.append(_RawItem.from_raw(raw_items[index], located, index))
                continue
            site = _ItemSite(item, located, index)
            if section is not None and item.section_letter != section.letter:
                problems.append(
                    site.problem(
                        "id",
                        f"l'identifiant doit commencer par la lettre de la section « {section.title} » "
                        f"({section.letter}).",
                    )
                )
            sites.append(site)

    levels = _check_levels(levels_file, root, problems) if levels_file else {}
    norms = {n.id: n for n in norms_file.norms} if norms_file else {}
    if norms_file:
        _check_norms(norms_file.norms, root, problems)
    _cross_check(sites, raw_sites, meta, norms if norms_file else None, problems)
    if meta is not None:
        _check_sizes(sites, sections, meta, problems)

    if problems or meta is None or levels_file is None or norms_file is None:
        raise ValidationFailed(problems, summary=_summary(root, problems))
    return Catalog(
        root=root,
        meta=meta,
        levels=levels,
        sections=sections,
        items=[s.item for s in sites],
        norms=norms,
        sources={
            s.item.id: SourceRef(
                s.located.source, s.located.marks.get(("items", s.index), (0, 0))[0]
            )
            for s in sites
        },
    )


def _summary(root: Path, problems: list[Problem]) -> str:
    count = len(set(problems))
    plural = "s" if count > 1 else ""
    return f"Catalogue {root} : {count} erreur{plural} à corriger"


def _display(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root.parent)) if root.parent != Path() else str(path)
    except ValueError:
        return str(path)


def _read(root: Path, path: Path, problems: list[Problem], read: list[Located]) -> Located | None:
    try:
        located = load_yaml_file(path, display=str(path), root=root)
    except YamlRefused as exc:
        problems.append(exc.problem)
        return None
    read.append(located)
    return located


_M = TypeVar("_M", CatalogMeta, LevelsFile, NormsFile)


def _load_one(
    root: Path, name: str, model: type[_M], problems: list[Problem], read: list[Located]
) -> _M | None:
    path = root / name
    if not path.exists() and not path.is_symlink():
        problems.append(
            Problem(str(path), None, None, f"fichier {name} manquant dans le catalogue.")
        )
        return None
    located = _read(root, path, problems, read)
    if located is None:
        return None
    parsed, found = validate_located(model, located)
    problems.extend(found)
    return parsed


def _check_levels(levels_file: LevelsFile, root: Path, problems: list[Problem]) -> dict[int, Level]:
    source = str(root / LEVELS_FILE)
    by_number: dict[int, Level] = {}
    names: dict[str, str] = {}
    for level in levels_file.levels:
        if level.number in by_number:
            problems.append(
                Problem(source, None, None, f"le niveau {level.number} est défini deux fois.")
            )
        by_number[level.number] = level
        for name in (level.id, level.name, *level.aliases):
            key = fold(name)
            if key in names and names[key] != level.id:
                problems.append(
                    Problem(
                        source,
                        None,
                        None,
                        f"le nom « {name} » désigne deux niveaux ({names[key]} et {level.id}).",
                    )
                )
            names[key] = level.id
    return by_number


def _check_norms(norms: list[Norm], root: Path, problems: list[Problem]) -> None:
    seen: set[str] = set()
    for norm in norms:
        if norm.id in seen:
            problems.append(
                Problem(
                    str(root / NORMS_FILE),
                    None,
                    None,
                    f"la norme « {norm.id} » est définie deux fois.",
                )
            )
        seen.add(norm.id)


def _walk_conditions(conditions: list[Condition]) -> Iterator[Condition]:
    for condition in conditions:
        yield condition
        yield from _walk_conditions(condition.all_of or [])
        yield from _walk_conditions(condition.any_of or [])
        if condition.not_ is not None:
            yield from _walk_conditions([condition.not_])


def _cross_check(
    sites: list[_ItemSite],
    raw_sites: list[_RawItem],
    meta: CatalogMeta | None,
    norms: dict[str, Norm] | None,
    problems: list[Problem],
) -> None:
    by_id: dict[str, _ItemSite] = {}
    first_seen: dict[str, tuple[Located, int]] = {}
    every: list[tuple[str, Located, int]] = [(s.item.id, s.located, s.index) for s in sites]
    every += [(r.id, r.located, r.index) for r in raw_sites if r.id]
    for item_id, located, index in sorted(every, key=lambda e: (e[1].source, e[2])):
        if item_id in first_seen:
            first_file, first_index = first_seen[item_id]
            line = first_file.locate(("items", first_index))[0]
            problems.append(
                located.problem(
                    ("items", index, "id"),
                    f"{item_id} : identifiant en double (déjà utilisé dans {first_file.source}, "
                    f"ligne {line}) : choisissez-en un autre.",
                )
            )
        else:
            first_seen[item_id] = (located, index)
    for site in sites:
        if first_seen.get(site.item.id) == (site.located, site.index):
            by_id[site.item.id] = site
    known_ids = set(first_seen)
    obsolete = _obsolete_patterns(meta)
    for raw in raw_sites:
        raw.check(known_ids, norms, obsolete, problems)
    if meta is None:
        return

    facts = {fact.id for fact in meta.facts}
    for site in sites:
        item = site.item
        for field, ids in (("requiert", item.requires), ("exclut", item.excludes)):
            for position, other in enumerate(ids):
                if other not in known_ids:
                    problems.append(
                        site.problem(
                            (field, position), f"« {other} » n'existe pas dans le catalogue."
                        )
                    )
        cited = [*item.norms, *(r for v in item.proportion for r in (v.norms or []))]
        for position, ref in enumerate(cited if norms is not None else []):
            norm = norms.get(ref.ref) if norms is not None else None
            if norm is None:
                problems.append(
                    site.problem(
                        ("normes", position, "ref"),
                        f"norme « {ref.ref} » absente de normes.yaml : ajoutez-la ou corrigez la référence.",
                    )
                )
            elif norm.valid_until is not None and norm.valid_until < meta.date:
                problems.append(
                    site.problem(
                        ("normes", position, "ref"),
                        f"la norme « {norm.id} » n'est plus en vigueur depuis le {norm.valid_until:%d/%m/%Y} : citez le texte qui la remplace.",
                    )
                )
        for condition in _walk_conditions(item.conditions):
            if condition.fact is not None and condition.fact not in facts:
                problems.append(
                    site.problem(
                        "conditions",
                        f"fait « {condition.fact} » non déclaré dans catalogue.yaml (faits).",
                    )
                )
        _check_clause(site, problems)
        texts = [item.title, item.clause, item.answer.question or "", item.hint or ""]
        for message in _obsolete_found(texts, obsolete):
            problems.append(site.problem("clause", message))

    _check_dependencies(by_id, problems)


def _obsolete_patterns(meta: CatalogMeta | None) -> list[tuple[re.Pattern[str], ObsoleteReference]]:
    # "RGAA 3" is obsolete but "critère 3.2 du RGAA" or "RGAA 3.2" (a criterion) are not:
    # a pattern must not run on into more digits.
    if meta is None:
        return []
    return [(re.compile(re.escape(fold(o.pattern)) + r"(?!\.?\d)(?!\w)"), o) for o in meta.obsolete]


def _obsolete_found(
    texts: list[str], patterns: list[tuple[re.Pattern[str], ObsoleteReference]]
) -> list[str]:
    folded = [fold(text) for text in texts]
    return [
        f"référence obsolète « {ref.pattern} » : citez « {ref.replacement} »."
        for regex, ref in patterns
        if any(regex.search(_without(text, ref.allowed_in)) for text in folded)
    ]


def _without(folded: str, sentences: list[str]) -> str:
    for sentence in sentences:
        folded = folded.replace(fold(sentence), " ")
    return folded


def _check_clause(site: _ItemSite, problems: list[Problem]) -> None:
    item = site.item
    keys = [p.key for p in item.parameters]
    _report_clause(item.id, item.clause, keys, site.located, site.index, problems)
    # The needs statement and every variant text are published too: same checks, own lines.
    if item.need:
        _report_clause(item.id, item.need, keys, site.located, site.index, problems, ("besoin",))
    for position, variant in enumerate(item.proportion):
        if variant.clause:
            where = ("proportion", position, "clause")
            _report_clause(item.id, variant.clause, keys, site.located, site.index, problems, where)
        if variant.need:
            where = ("proportion", position, "besoin")
            _report_clause(item.id, variant.need, keys, site.located, site.index, problems, where)


def _check_sizes(
    sites: list[_ItemSite], sections: list[Section], meta: CatalogMeta, problems: list[Problem]
) -> None:
    known = [size.id for size in meta.sizes]
    listing = ", ".join(known) or "aucune (déclarez « tailles » dans catalogue.yaml)"
    for site in sites:
        for position, variant in enumerate(site.item.proportion):
            for size in variant.sizes:
                if size not in known:
                    problems.append(
                        site.problem(
                            ("proportion", position, "tailles"),
                            f"taille « {size} » inconnue ; tailles déclarées : {listing}.",
                        )
                    )
    for section in sections:
        for size in section.table_for:
            if size not in known:
                problems.append(
                    Problem(
                        META_FILE,
                        None,
                        None,
                        f"section « {section.id} » : taille « {size} » de « en_tableau » inconnue ; "
                        f"tailles déclarées : {listing}.",
                    )
                )


def _report_clause(
    item_id: str,
    clause: str,
    parameters: list[str],
    located: Located,
    index: int,
    problems: list[Problem],
    field: tuple[str | int, ...] = ("clause",),
) -> None:
    # Only a catalogue checked for real needs the template checks: not one taken from the cache.
    from webpass.catalog.placeholders import check_clause

    base_line, column = located.locate(("items", index, *field))
    block = "\n" in clause
    for issue in check_clause(clause, parameters):
        line = None
        if base_line is not None and issue.line is not None:
            line = base_line + issue.line if block else base_line
        problems.append(
            Problem(
                located.source,
                line,
                None if block else column,
                f"{item_id} : {issue.message}",
                where=f"items[{index}]." + ".".join(str(part) for part in field),
            )
        )


def _check_dependencies(by_id: dict[str, _ItemSite], problems: list[Problem]) -> None:
    # Depth-first search over "requiert"; a grey node met again closes a cycle.
    state: dict[str, int] = {}
    reported: set[frozenset[str]] = set()

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in by_id[node].item.requires:
            if nxt not in by_id:
                continue
            if state.get(nxt) == 1:
                cycle = [*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    problems.append(
                        by_id[node].problem(
                            "requiert",
                            "dépendances circulaires : "
                            + " → ".join(cycle)
                            + " ; retirez un des liens.",
                        )
                    )
            elif state.get(nxt) is None:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in by_id:
        if start not in state:
            visit(start, [start])

    for site in by_id.values():
        pulled = _closure(site.item.id, by_id)
        for other in pulled:
            if other in site.item.excludes or site.item.id in by_id[other].item.excludes:
                problems.append(
                    site.problem(
                        "exclut",
                        f"contradiction : {site.item.id} entraîne {other} mais l'un exclut l'autre.",
                    )
                )


def _closure(start: str, by_id: dict[str, _ItemSite]) -> set[str]:
    seen: set[str] = set()
    stack = list(by_id[start].item.requires)
    while stack:
        node = stack.pop()
        if node in seen or node not in by_id or node == start:
            continue
        seen.add(node)
        stack.extend(by_id[node].item.requires)
    return seen
