"""Whether the socle's initial training covers the training a dossier's CCTP asks for.

The socle's training (``formation`` of each level in ``catalog/couts.yaml``) is the one the
observed prices of small communes hold: the administrators' and the contributors' trainings
(``formation_exigences``) at the durations of their light variant, one day in all. A CCTP that
asks them at the standard or strong intensity (a complementary remote session, groups of six at
most, a check of the pages published) or for more half-days than ``formation_durees_max`` asks
for more: those items are then priced on their own lines, at the price of their catalogue
sheet, which describes the standard clause, instead of the socle's line (review rev11b, § 3).
Pricing them apart rather than scaling the socle's line keeps to figures the catalogue gives:
no daily rate of training is sourced.
"""

from __future__ import annotations

from collections.abc import Mapping

from webpass.catalog.model import Intensity, Item
from webpass.selection.proportion import INTENSITY_LABELS

__all__ = ["beyond_socle_training", "training_basis"]


def beyond_socle_training(
    item: Item, intensity: Intensity, values: Mapping[str, object], limits: Mapping[str, int]
) -> bool:
    """Whether the CCTP asks ``item`` beyond the light variant the socle's training is
    calibrated on: another intensity, or a duration over its ``limits``."""
    if intensity is not Intensity.LIGHT:
        return True
    return any(_over(values.get(key), limit) for key, limit in limits.items())


def training_basis(item: Item, intensity: Intensity, values: Mapping[str, object]) -> str:
    """What a training line priced apart rests on, in French: the intensity the CCTP asks it at
    and its whole-number fields, « demandée à l'intensité standard (nombre d'administrateurs à
    former : 2 ; durée … : 2) »."""
    shown = [
        f"{parameter.label[0].lower()}{parameter.label[1:]} : {value}"
        for parameter in item.parameters
        if isinstance(value := values.get(parameter.key), int) and not isinstance(value, bool)
    ]
    fields = f" ({' ; '.join(shown)})" if shown else ""
    return f"demandée par le CCTP à l'intensité {INTENSITY_LABELS[intensity]}{fields}"


def _over(value: object, limit: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > limit
