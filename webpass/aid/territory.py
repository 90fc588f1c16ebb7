"""Where an aid scheme applies: regions, départements, or anywhere.

A scheme names its territory by region or département (name or code, loosely matched); a
collectivity is placed by its département. The regions are the thirteen metropolitan regions of
2016 and the five overseas ones; Île-de-France and Brittany, the two regions of the Webpass
story, kept the same départements through the 2016 reform.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from webpass.core.empty import empty_list
from webpass.core.matching import fold
from webpass.core.strict_model import StrictModel
from webpass.dossier.geo import DEPARTEMENTS, department_code

__all__ = ["REGIONS", "Territory", "region_of"]

REGIONS: dict[str, tuple[str, ...]] = {
    "Auvergne-Rhône-Alpes": (
        "01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74",
    ),
    "Bourgogne-Franche-Comté": ("21", "25", "39", "58", "70", "71", "89", "90"),
    "Bretagne": ("22", "29", "35", "56"),
    "Centre-Val de Loire": ("18", "28", "36", "37", "41", "45"),
    "Corse": ("2A", "2B"),
    "Grand Est": ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88"),
    "Hauts-de-France": ("02", "59", "60", "62", "80"),
    "Île-de-France": ("75", "77", "78", "91", "92", "93", "94", "95"),
    "Normandie": ("14", "27", "50", "61", "76"),
    "Nouvelle-Aquitaine": (
        "16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87",
    ),
    "Occitanie": (
        "09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82",
    ),
    "Pays de la Loire": ("44", "49", "53", "72", "85"),
    "Provence-Alpes-Côte d'Azur": ("04", "05", "06", "13", "83", "84"),
    "Guadeloupe": ("971",),
    "Martinique": ("972",),
    "Guyane": ("973",),
    "La Réunion": ("974",),
    "Mayotte": ("976",),
}  # fmt: skip

_REGION_BY_NAME = {fold(name): name for name in REGIONS}


def region_of(department: str) -> str | None:
    """The region of a département code, or None if unknown."""
    return next((name for name, codes in REGIONS.items() if department in codes), None)


def _region_name(text: str) -> str | None:
    return _REGION_BY_NAME.get(fold(text))


class Territory(StrictModel):
    """Regions, départements, or the whole country (``tout: true``)."""

    regions: list[str] = Field(
        default_factory=empty_list,
        description="Régions couvertes, par leur nom (« Île-de-France »).",
    )
    departments: list[str] = Field(
        default_factory=empty_list,
        alias="departements",
        description="Départements couverts, par leur nom ou leur numéro.",
    )
    everywhere: bool = Field(False, alias="tout", description="Vrai pour tout le territoire.")

    @model_validator(mode="after")
    def _one_form(self) -> Territory:
        if self.everywhere and (self.regions or self.departments):
            raise ValueError("« tout: true » exclut « regions » et « departements »")
        if not (self.everywhere or self.regions or self.departments):
            raise ValueError(
                "territoire vide : indiquez « regions », « departements » ou « tout: true »"
            )
        unknown = [r for r in self.regions if _region_name(r) is None]
        unknown += [d for d in self.departments if department_code(d) is None]
        if unknown:
            raise ValueError(
                "région ou département inconnu : "
                + ", ".join(f"« {u} »" for u in unknown)
                + " (écrivez par ex. « Bretagne », « Côtes-d'Armor » ou « 22 »)"
            )
        return self

    def covers(self, department: str) -> bool:
        """Whether a collectivity of département ``department`` (a code) is inside."""
        if self.everywhere:
            return True
        if any(department_code(d) == department for d in self.departments):
            return True
        return any(department in REGIONS[_region_name(r) or ""] for r in self.regions)

    @property
    def label(self) -> str:
        """« Île-de-France », « Côtes-d'Armor (22) », « tout le territoire »."""
        if self.everywhere:
            return "tout le territoire"
        names = [_region_name(r) or r for r in self.regions]
        for text in self.departments:
            code = department_code(text) or text
            names.append(f"{DEPARTEMENTS.get(code, text)} ({code})")
        return ", ".join(names)

    def as_json(self) -> dict[str, object]:
        """The territory as written, names normalised."""
        return {
            "regions": [_region_name(r) or r for r in self.regions],
            "departements": [department_code(d) or d for d in self.departments],
            "tout": self.everywhere,
            "libelle": self.label,
        }
