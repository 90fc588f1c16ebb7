"""The site analysis grid (``catalog/grille.yaml``) and the filled checklist, as typed data.

The grid lists the criteria an analyst checks on a collectivity's website. Each criterion is a
French question, the level (1–5) it evidences, whether that level requires it, the catalogue
items that would bring it, and — when a machine can see it in the pages — declarative cues
(« indices »): link texts or addresses, resources, visible text, elements, the CMS generator
tag, a page count, HTTPS. Cues are data matched by fixed code (word prefixes and plain
substrings, no regular expressions), never code.

The classification rule (see :mod:`webpass.observatory.classify`): a site's level is the
highest level whose required criteria are all met, together with those of every lower level.

A filled checklist (« relevé ») answers the grid by hand: criterion id → oui/non.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    Strict,
    WithJsonSchema,
    model_validator,
)

from webpass.catalog.model import ItemId
from webpass.core.distinct import first_repeated
from webpass.core.empty import empty_dict, empty_list
from webpass.core.errors import ValidationFailed
from webpass.core.matching import fold
from webpass.core.schema import register
from webpass.core.strict_model import StrictModel
from webpass.core.validation import load_model, read_located, validate_located

__all__ = [
    "GRID_FILE",
    "AnalysisGrid",
    "Checklist",
    "Criterion",
    "Cue",
    "Detection",
    "DetectionMode",
    "ElementCue",
    "LinkCue",
    "PageCount",
    "Scope",
    "Verdict",
    "blank_checklist",
    "load_checklist",
    "load_grid",
    "parse_verdict",
]

GRID_FILE = "grille.yaml"

CriterionId = Annotated[
    str,
    Field(
        pattern=r"^N[1-5]-\d{2}$",
        description="Identifiant du critère : N, le niveau, un tiret et deux chiffres, ex. « N3-02 ».",
    ),
]
Pattern = Annotated[
    str,
    Field(
        min_length=2,
        max_length=120,
        description="Motif cherché, sans tenir compte des majuscules ni des accents.",
    ),
]
Patterns = Annotated[list[Pattern], Field(max_length=80)]


def _has_words(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        if not any(ch.isalnum() for ch in pattern):
            raise ValueError(
                f"motif « {pattern} » sans lettre ni chiffre : il trouverait n'importe quel texte"
            )
    return patterns


# Text patterns are compared word by word: punctuation alone would match everything.
WordPatterns = Annotated[Patterns, AfterValidator(_has_words)]
AttributeName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_:-]{0,40}$")]
AttributeGlob = Annotated[
    str,
    Field(
        min_length=1,
        max_length=120,
        description="Valeur attendue de l'attribut ; « * » remplace n'importe quelle suite de caractères.",
    ),
]


class Verdict(StrEnum):
    """Whether a criterion is met: yes, no, or not known (not checked, not detectable)."""

    YES = "oui"
    NO = "non"
    UNKNOWN = "inconnu"


class Scope(StrEnum):
    """Where a cue is looked for."""

    HOME = "accueil"
    SITE = "site"


class DetectionMode(StrEnum):
    """How the cues of a criterion combine."""

    ANY = "un_parmi"
    ALL = "tous"


class LinkCue(StrictModel):
    """A link (``<a href>``) whose text or address contains one of the patterns."""

    text: WordPatterns = Field(
        default_factory=empty_list,
        alias="texte",
        description="Motifs du texte du lien (intitulé, attribut title, texte de remplacement d'une image), cherchés en début de mot.",
    )
    href: Patterns = Field(
        default_factory=empty_list,
        alias="adresse",
        description="Motifs contenus dans l'adresse du lien (ex. « mentions-legales », « service-public.fr »).",
    )

    @model_validator(mode="after")
    def _not_empty(self) -> LinkCue:
        if not self.text and not self.href:
            raise ValueError(
                "indice « lien » vide : donnez au moins un motif de texte ou d'adresse"
            )
        return self


class ElementCue(StrictModel):
    """An HTML element with the given tag and attribute values."""

    tag: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,30}$")] = Field(
        alias="balise", description="Nom de la balise en minuscules (form, textarea, input, link…)."
    )
    attributes: dict[AttributeName, AttributeGlob] = Field(
        default_factory=empty_dict,
        alias="attributs",
        max_length=10,
        description="Attributs exigés et leur valeur (« * » : n'importe quelle valeur).",
    )


class PageCount(StrictModel):
    """A threshold on the number of pages of the site."""

    at_least: int = Field(
        alias="au_moins", ge=1, le=100_000, description="Nombre minimal de pages."
    )


class Cue(StrictModel):
    """One observable sign in a site's pages. Exactly one kind is given."""

    link: LinkCue | None = Field(
        None, alias="lien", description="Un lien dont le texte ou l'adresse correspond."
    )
    resource: Patterns | None = Field(
        None,
        alias="ressource",
        description="Motifs contenus dans l'adresse d'une ressource (script, feuille de style, image, cadre, action de formulaire).",
    )
    text: WordPatterns | None = Field(
        None,
        alias="texte",
        description="Motifs du texte visible des pages, cherchés en début de mot.",
    )
    element: ElementCue | None = Field(None, description="Un élément HTML présent.")
    generator: Patterns | None = Field(
        None,
        alias="generateur",
        description='Motifs de la balise <meta name="generator"> ; liste vide : n\'importe quel outil déclaré.',
    )
    pages: PageCount | None = Field(None, description="Le site compte au moins ce nombre de pages.")
    https: Literal[True] | None = Field(
        None, description="Le site est servi en HTTPS (vérifiable seulement sur un site en ligne)."
    )
    scope: Annotated[Scope, Strict(False)] = Field(
        Scope.SITE,
        alias="portee",
        description="accueil : la page d'accueil seulement ; site : toutes les pages.",
    )
    min_patterns: int = Field(
        1,
        alias="motifs_au_moins",
        ge=1,
        le=50,
        description="Nombre de motifs différents qui doivent être trouvés.",
    )
    min_pages: int = Field(
        1,
        alias="pages_concernees",
        ge=1,
        le=1000,
        description="Nombre de pages sur lesquelles l'indice doit être trouvé.",
    )

    @model_validator(mode="after")
    def _one_kind(self) -> Cue:
        kinds = [name for name in _CUE_KINDS if getattr(self, name) is not None]
        if len(kinds) != 1:
            raise ValueError(
                "un indice doit avoir exactement une sorte parmi : lien, ressource, texte, element, "
                "generateur, pages, https"
            )
        available = self.pattern_count()
        if self.min_patterns > max(available, 1):
            raise ValueError(
                f"motifs_au_moins vaut {self.min_patterns} mais l'indice n'a que {available} motif(s)"
            )
        return self

    @property
    def kind(self) -> str:
        """The attribute holding this cue's kind (``link``, ``resource`` …)."""
        return next(name for name in _CUE_KINDS if getattr(self, name) is not None)

    def pattern_count(self) -> int:
        """How many patterns the cue has (0 for element, pages and https cues)."""
        if self.link is not None:
            return len(self.link.text) + len(self.link.href)
        for patterns in (self.resource, self.text, self.generator):
            if patterns is not None:
                return len(patterns)
        return 0


_CUE_KINDS = ("link", "resource", "text", "element", "generator", "pages", "https")


class Detection(StrictModel):
    """How a machine can see a criterion in a site's pages."""

    mode: Annotated[DetectionMode, Strict(False)] = Field(
        DetectionMode.ANY,
        description="un_parmi : un seul indice suffit ; tous : chaque indice doit être trouvé.",
    )
    cues: list[Cue] = Field(
        alias="indices", min_length=1, max_length=20, description="Les indices cherchés."
    )
    same_page: bool = Field(
        False,
        alias="meme_page",
        description="Avec le mode tous : les indices doivent être trouvés sur une même page.",
    )

    @model_validator(mode="after")
    def _same_page_needs_all(self) -> Detection:
        if self.same_page and self.mode is not DetectionMode.ALL:
            raise ValueError("meme_page n'a de sens qu'avec le mode « tous »")
        return self


class Criterion(StrictModel):
    """One question of the analysis grid."""

    id: CriterionId
    question: str = Field(
        min_length=10, max_length=300, description="La question posée, en français."
    )
    level: int = Field(
        alias="niveau", ge=1, le=5, description="Niveau de site (1 à 5) dont le critère témoigne."
    )
    required: bool = Field(
        alias="requis", description="true si le niveau ne peut être atteint sans ce critère."
    )
    items: list[ItemId] = Field(
        alias="exigences",
        min_length=1,
        max_length=12,
        description="Exigences du catalogue qui apportent ce critère (ex. C04, D03).",
    )
    help: str | None = Field(
        None, alias="aide", max_length=600, description="Comment le vérifier à la main."
    )
    detection: Detection | None = Field(
        None, description="Indices détectables dans les pages ; absent : à vérifier à la main."
    )

    @model_validator(mode="after")
    def _level_in_id(self) -> Criterion:
        if int(self.id[1]) != self.level:
            raise ValueError(
                f"l'identifiant {self.id} annonce le niveau {self.id[1]} mais niveau vaut {self.level}"
            )
        return self


class AnalysisGrid(StrictModel):
    """The content of ``catalog/grille.yaml``."""

    version: str = Field(min_length=1, max_length=40, description="Version de la grille.")
    title: str = Field(
        alias="titre", min_length=1, max_length=200, description="Titre de la grille."
    )
    rule: str = Field(
        alias="regle",
        min_length=1,
        max_length=2000,
        description="La règle de classement, en clair.",
    )
    criteria: list[Criterion] = Field(
        alias="criteres",
        min_length=1,
        max_length=200,
        description="Les critères, niveau par niveau.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> AnalysisGrid:
        repeated = first_repeated(c.id for c in self.criteria)
        if repeated is not None:
            raise ValueError(f"critère {repeated} en double")
        for level in range(1, 6):
            if not any(c.level == level and c.required for c in self.criteria):
                raise ValueError(
                    f"le niveau {level} n'a aucun critère requis : la règle de classement ne peut pas s'appliquer"
                )
        return self

    def criterion(self, criterion_id: str) -> Criterion | None:
        """The criterion with this id (case and spaces ignored), or None."""
        wanted = criterion_id.strip().upper()
        return next((c for c in self.criteria if c.id == wanted), None)

    def of_level(self, level: int) -> list[Criterion]:
        """The criteria of one level, in grid order."""
        return [c for c in self.criteria if c.level == level]


_YES = {"oui", "o", "yes", "y", "vrai", "x", "1"}
_NO = {"non", "n", "no", "faux", "0"}
_UNKNOWN = {"", "?", "inconnu", "non verifie", "a verifier", "ne sait pas", "nsp"}


def parse_verdict(value: Any) -> Verdict:
    """``oui``/``non`` (and ``true``/``false``, ``?`` for unknown) as a :class:`Verdict`.

    Raises:
        ValueError: with a French message, for anything else.
    """
    if isinstance(value, Verdict):
        return value
    if isinstance(value, bool):
        return Verdict.YES if value else Verdict.NO
    if value is None:
        return Verdict.UNKNOWN
    if isinstance(value, str | int) and not isinstance(value, bool):
        folded = fold(str(value))
        if folded in _YES:
            return Verdict.YES
        if folded in _NO:
            return Verdict.NO
        if folded in _UNKNOWN:
            return Verdict.UNKNOWN
    raise ValueError(
        f"réponse « {value} » non comprise : écrivez oui, non ou « ? » si vous ne savez pas"
    )


VerdictField = Annotated[
    Verdict,
    BeforeValidator(parse_verdict),
    WithJsonSchema(
        {
            "anyOf": [
                {"enum": ["oui", "non", "?", "inconnu"]},
                {"type": "boolean"},
                {"type": "null"},
            ],
            "description": "oui, non, ou « ? » quand on ne sait pas.",
        }
    ),
]


class Checklist(StrictModel):
    """A grid filled by hand for one site (« relevé »)."""

    collectivity: str | None = Field(
        None,
        alias="collectivite",
        max_length=200,
        description="Collectivité dont le site est analysé.",
    )
    site: str | None = Field(None, max_length=500, description="Adresse du site analysé.")
    date: dt.date | None = Field(None, description="Date du relevé (AAAA-MM-JJ).")
    answers: dict[CriterionId, VerdictField] = Field(
        alias="criteres", description="Pour chaque critère de la grille, oui ou non."
    )


register("grille.schema.json", AnalysisGrid)
register("releve.schema.json", Checklist)


def load_grid(path: Path | None = None) -> AnalysisGrid:
    """Read and validate an analysis grid (the shipped ``catalog/grille.yaml`` by default).

    Raises:
        ValidationFailed: every problem, located by line.
    """
    if path is None:
        from webpass.core.resources import shipped_catalog_dir

        path = shipped_catalog_dir() / GRID_FILE
    return load_model(path, AnalysisGrid, summary=f"Grille d'analyse {path} : erreurs à corriger")


def load_checklist(path: Path, grid: AnalysisGrid) -> Checklist:
    """Read a filled checklist and check that it answers criteria of ``grid`` only.

    Raises:
        ValidationFailed: every problem, located by line (unknown ids included).
    """
    located = read_located(path)
    data = located.data
    if isinstance(data, dict) and isinstance(data.get("criteres"), dict):
        # Ids are matched loosely ("n1-01 "), as people type them.
        data["criteres"] = {
            (key.strip().upper() if isinstance(key, str) else key): value
            for key, value in data["criteres"].items()
        }
        for marks in (located.marks, located.key_marks):
            for where, mark in list(marks.items()):
                if len(where) == 2 and where[0] == "criteres" and isinstance(where[1], str):
                    marks[("criteres", where[1].strip().upper())] = mark
    checklist, problems = validate_located(Checklist, located)
    if checklist is not None:
        known = {c.id for c in grid.criteria}
        problems = [
            located.problem(
                ("criteres", key),
                f"critère « {key} » inconnu dans la grille {grid.version} ; les identifiants vont de "
                f"{grid.criteria[0].id} à {grid.criteria[-1].id}.",
            )
            for key in checklist.answers
            if key not in known
        ]
    if problems or checklist is None:
        raise ValidationFailed(problems, summary=f"Relevé {path} : {len(problems)} erreur(s)")
    return checklist


def blank_checklist(grid: AnalysisGrid) -> str:
    """A checklist to fill by hand: every criterion at « ? », its question as a comment."""
    lines = [
        f"# Relevé pour la grille d'analyse {grid.version} : remplacez chaque « ? » par oui ou non.",
        "# Puis : webpass observatoire classer CE_FICHIER.yaml",
        "collectivite: ",
        "site: ",
        "date: ",
        "criteres:",
    ]
    level = 0
    for criterion in grid.criteria:
        if criterion.level != level:
            level = criterion.level
            lines.append(f"  # ---- niveau {level}")
        mark = " (requis)" if criterion.required else ""
        lines.append(f"  # {criterion.question}{mark}")
        lines.append(f'  {criterion.id}: "?"')
    return "\n".join(lines) + "\n"
