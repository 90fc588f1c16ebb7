"""Proportionality: how big a project is, and at which intensity each requirement is asked.

The size classes (petit, moyen, grand) and each item's variants are catalogue data
(``tailles`` in ``catalogue.yaml``, ``proportion`` in an item); this module only reads them.
The first size class whose conditions all hold is the project's; the first variant of an item
that names this size (or names none) and whose conditions hold applies. No variant means the
item is asked as written, at standard intensity.
"""

from __future__ import annotations

from collections.abc import Mapping

from webpass.catalog.conditions import DossierFacts, evaluate_all
from webpass.catalog.loaded import Catalog
from webpass.catalog.model import Intensity, Item, SizeClass, Variant
from webpass.core.frozen_record import frozen_record

__all__ = ["INTENSITY_LABELS", "ProjectSize", "project_size", "variant_for"]

INTENSITY_LABELS = {
    Intensity.LIGHT: "allégée",
    Intensity.STANDARD: "standard",
    Intensity.STRONG: "renforcée",
}


@frozen_record
class ProjectSize:
    """The size class of a dossier and why (the tested values, in French)."""

    id: str
    name: str
    reason: str
    explanation: str


def project_size(
    catalog: Catalog, facts: DossierFacts, fact_labels: Mapping[str, str] | None = None
) -> ProjectSize:
    """The first size class of the catalogue whose conditions hold (the last one by default)."""
    classes: list[SizeClass] = catalog.meta.sizes
    if not classes:
        return ProjectSize("standard", "projet", "catalogue sans classes de taille", "")
    for size in classes:
        verdict = evaluate_all(size.conditions, facts, fact_labels)
        if verdict.holds:
            return ProjectSize(size.id, size.name, verdict.reason, size.explanation)
    last = classes[-1]
    return ProjectSize(last.id, last.name, "aucune autre classe ne convient", last.explanation)


def variant_for(
    item: Item,
    size: ProjectSize,
    facts: DossierFacts,
    fact_labels: Mapping[str, str] | None = None,
) -> Variant | None:
    """The variant of ``item`` that applies to a project of this size, if any."""
    for variant in item.proportion:
        if variant.sizes and size.id not in variant.sizes:
            continue
        if evaluate_all(variant.conditions, facts, fact_labels).holds:
            return variant
    return None
