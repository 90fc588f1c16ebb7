"""The registry of labelled solutions (``catalog/labels.yaml``) and the checks against it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from pydantic import Field

from webpass.core.schema import register
from webpass.core.strict_model import StrictModel
from webpass.core.validation import load_model

__all__ = ["Label", "LabelRegistry", "is_valid_siret", "load_labels"]


class Label(StrictModel):
    """A solution labelled for the Webpass scheme."""

    number: Annotated[str, Field(pattern=r"^WP-\d{4}-\d{3}$")] = Field(
        alias="numero", description="Numéro de label."
    )
    holder: str = Field(
        alias="titulaire",
        min_length=1,
        max_length=200,
        description="Entreprise titulaire du label.",
    )
    siret: Annotated[str, Field(pattern=r"^\d{14}$")] = Field(description="SIRET du titulaire.")
    solution: str = Field(
        min_length=1, max_length=120, description="Nom de la solution labellisée."
    )
    max_level: int = Field(
        alias="niveau_max", ge=1, le=5, description="Niveau de site le plus élevé couvert."
    )
    valid_from: dt.date = Field(alias="valide_du")
    valid_until: dt.date = Field(alias="valide_au")


class LabelRegistry(StrictModel):
    """The content of ``labels.yaml``."""

    solutions: list[Label]

    def find(self, number: str) -> Label | None:
        """The label with this number (case and spaces ignored)."""
        wanted = number.strip().upper().replace(" ", "")
        return next((label for label in self.solutions if label.number == wanted), None)


register("labels.schema.json", LabelRegistry)


def load_labels(catalog_root: Path) -> LabelRegistry:
    """Read ``labels.yaml`` of a catalogue folder."""
    return load_model(catalog_root / "labels.yaml", LabelRegistry, root=catalog_root)


def is_valid_siret(siret: str) -> bool:
    """14 digits with a valid Luhn key (La Poste's SIRETs, 356 000 552…, follow another rule)."""
    digits = siret.replace(" ", "").replace("\u00a0", "")
    if len(digits) != 14 or not digits.isdigit():
        return False
    if digits.startswith("356000000"):
        return sum(int(c) for c in digits) % 5 == 0
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0
