"""The data behind the contractual pieces: ``catalog/marche.yaml``.

It holds the CCAG-TIC articles the CCAP cites, each with the source where its text was read
(an article nobody could read is cited by its subject, never by a guessed number), the
tribunal administratif of each département, and the personal-data processing each requirement
puts in place, for the GDPR annex of the CCAP.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field

from webpass.core.empty import empty_list
from webpass.core.errors import InputError
from webpass.core.resources import shipped_catalog_dir
from webpass.core.schema import register
from webpass.core.strict_model import BUILT_ON_FIRST_USE, StrictModel
from webpass.core.validation import load_model

__all__ = [
    "CcagArticle",
    "ContractData",
    "Processing",
    "load_contract_data",
]

DATA_FILE = "marche.yaml"


class CcagArticle(StrictModel):
    """An article of the CCAG-TIC the CCAP relies on."""

    model_config = BUILT_ON_FIRST_USE

    number: str = Field(
        alias="numero",
        min_length=1,
        max_length=40,
        description="Numéro de l'article (« 32.4 ») ou, s'il n'a pas pu être relu, une clé (« garantie »).",
    )
    subject: str = Field(alias="objet", min_length=1, max_length=300)
    verification: str | None = Field(
        None,
        max_length=500,
        description="Où le texte de l'article a été relu ; absent : article non vérifié, cité par son objet.",
    )

    @property
    def verified(self) -> bool:
        """True when its text was read and its number can be printed."""
        return self.verification is not None


class CcagText(StrictModel):
    """The CCAG-TIC itself."""

    model_config = BUILT_ON_FIRST_USE

    title: str = Field(alias="titre", min_length=1)
    order: str = Field(alias="arrete", min_length=1, description="L'arrêté qui l'approuve.")
    articles: list[CcagArticle] = Field(min_length=1)


class Court(StrictModel):
    """A tribunal administratif and the départements it covers."""

    model_config = BUILT_ON_FIRST_USE

    name: str = Field(alias="tribunal", min_length=1)
    departments: list[str] = Field(alias="departements", min_length=1)


class Processing(StrictModel):
    """A processing of personal data, and the requirements that put it in place."""

    model_config = BUILT_ON_FIRST_USE

    name: str = Field(alias="nom", min_length=1)
    items: list[str] = Field(
        alias="exigences",
        description="Exigences qui mettent ce traitement en œuvre ; vide : tout site.",
    )
    purpose: str = Field(alias="finalite", min_length=1)
    data: list[str] = Field(alias="donnees", min_length=1)
    persons: list[str] = Field(alias="personnes", min_length=1)


class ComplementaryPrice(StrictModel):
    """A unit price the quote form asks outside its total, for the changes ordered later."""

    model_config = BUILT_ON_FIRST_USE

    designation: str = Field(min_length=1, max_length=200)
    unit: str = Field(alias="unite", min_length=1, max_length=40)


class ContractData(StrictModel):
    """The content of ``catalog/marche.yaml``."""

    model_config = BUILT_ON_FIRST_USE

    ccag: CcagText = Field(alias="ccag_tic")
    courts: list[Court] = Field(alias="tribunaux", min_length=1)
    processing: list[Processing] = Field(alias="traitements", min_length=1)
    complementary: list[ComplementaryPrice] = Field(
        default_factory=empty_list,
        alias="prix_complementaires",
        max_length=10,
        description="Prix unitaires que le formulaire de devis demande hors total, pour les "
        "évolutions commandées plus tard (journée de développement, page supplémentaire…).",
    )

    def article(self, number: str) -> CcagArticle:
        """The CCAG-TIC article of that number or key; an error names the file if unknown."""
        for article in self.ccag.articles:
            if article.number == number:
                return article
        raise InputError(
            f"{DATA_FILE} : l'article « {number} » du CCAG-TIC n'est pas déclaré dans ccag_tic.articles."
        )

    def cite(self, number: str) -> str:
        """« article 32.4 du CCAG-TIC », or « les stipulations du CCAG-TIC relatives à … »."""
        article = self.article(number)
        if article.verified:
            return f"article {article.number} du CCAG-TIC"
        return f"les stipulations du CCAG-TIC relatives à {article.subject}"

    def court(self, department_code: str) -> str:
        """« tribunal administratif de Rennes »."""
        for court in self.courts:
            if department_code in court.departments:
                joiner = "d'" if court.name[:1] in "AEIOUÉ" else "de "
                return f"tribunal administratif {joiner}{court.name}"
        raise InputError(
            f"{DATA_FILE} : aucun tribunal administratif n'est indiqué pour le département "
            f"{department_code} ; complétez la liste « tribunaux »."
        )


register("marche.schema.json", ContractData)


@lru_cache(maxsize=8)
def _load(path: Path, stamp: float) -> ContractData:
    return load_model(path, ContractData)


def load_contract_data(catalog_root: Path) -> ContractData:
    """Read ``marche.yaml`` from a catalogue folder, else the shipped one (cached by mtime).

    A user's catalogue usually changes requirements, not the CCAG-TIC or the courts, so it may
    leave this file out.
    """
    path = catalog_root / DATA_FILE
    if not path.is_file():
        path = shipped_catalog_dir() / DATA_FILE
    return _load(path, path.stat().st_mtime)
