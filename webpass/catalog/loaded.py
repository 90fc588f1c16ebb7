"""The loaded catalogue: every level, section, item and norm, ready for selection and rendering."""

from __future__ import annotations

import hashlib
from dataclasses import field
from pathlib import Path

from webpass.catalog.model import CatalogMeta, Item, Level, Norm, Section
from webpass.core.errors import InputError
from webpass.core.frozen_record import frozen_record
from webpass.core.matching import fold

__all__ = ["Catalog", "SourceRef", "item_fingerprint"]


@frozen_record
class SourceRef:
    """Where an item was defined, for messages and ``catalogue montrer``."""

    file: str
    line: int


@frozen_record
class Catalog:
    """A validated catalogue. Build it with :func:`webpass.catalog.load_catalog`.

    Attributes:
        root: the folder it was read from.
        meta: version, date, changelog, glossary, facts.
        levels: the five levels, by number.
        sections: the sections in document order.
        items: every item in document order (section files in name order, items as written).
        norms: the cited norms by id.
        sources: where each item was defined.
    """

    root: Path
    meta: CatalogMeta
    levels: dict[int, Level]
    sections: list[Section]
    items: list[Item]
    norms: dict[str, Norm]
    sources: dict[str, SourceRef] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_id = {item.id: item for item in self.items}
        self._sections_by_letter = {s.letter: s for s in self.sections}
        self._level_names: dict[str, Level] = {}
        for level in self.levels.values():
            for name in (level.id, level.name, *level.aliases, str(level.number)):
                self._level_names[fold(name)] = level

    @property
    def version(self) -> str:
        """The catalogue version recorded in every document."""
        return self.meta.version

    def item(self, item_id: str) -> Item:
        """The item with this id; a French error naming close ids otherwise."""
        try:
            return self._by_id[item_id.strip().upper()]
        except KeyError:
            raise InputError(
                f"exigence « {item_id} » inconnue dans le catalogue {self.version} ; "
                "« webpass catalogue lister » affiche les identifiants."
            ) from None

    def has_item(self, item_id: str) -> bool:
        """Whether an item with this id exists."""
        return item_id in self._by_id

    def section_of(self, item: Item) -> Section:
        """The section an item belongs to (by the letter of its id)."""
        return self._sections_by_letter[item.section_letter]

    def section(self, key: str) -> Section:
        """A section by id, letter or title (loosely matched)."""
        wanted = fold(key)
        for section in self.sections:
            if wanted in (fold(section.id), fold(section.letter), fold(section.title)):
                return section
        raise InputError(
            f"section « {key} » inconnue ; sections : "
            + ", ".join(f"{s.letter} ({s.id})" for s in self.sections)
            + "."
        )

    def level_named(self, name: str) -> Level | None:
        """The level whose number, id, French name or alias matches ``name`` loosely."""
        folded = fold(name)
        if folded in self._level_names:
            return self._level_names[folded]
        if folded.startswith("site "):
            return self._level_names.get(folded.removeprefix("site "))
        return None

    def fingerprint(self, item: Item) -> str:
        """Short hash of the item's catalogue wording; see :func:`item_fingerprint`."""
        return item_fingerprint(item.title, item.clause, item.answer.question or "")


def item_fingerprint(*parts: str) -> str:
    """A 12-hex-digit SHA-256 of the exact wording, so any edit of the text changes it."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:12]
