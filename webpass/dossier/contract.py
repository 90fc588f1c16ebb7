"""The contract terms the buyer chooses: the ``marche`` block of ``webpass.yaml``.

Everything here is a choice of the buyer that the CCAP, the acte d'engagement, the RC and the
convention of a groupement de commandes reuse, so each value is entered once. Every field has
a default that suits a small collectivity, so the block may be left out.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, Strict, field_validator, model_validator

from webpass.catalog.model import Money
from webpass.core.distinct import first_repeated
from webpass.core.empty import empty_dict, empty_list
from webpass.core.strict_model import StrictModel

__all__ = [
    "ContractTerms",
    "FamilyService",
    "IntellectualProperty",
    "MemberBilling",
    "PurchaseSetup",
]


class PurchaseSetup(StrEnum):
    """Who buys for the member communes of a groupement (one legal setup, never a mix)."""

    JOINT_PURCHASING = "groupement_de_commandes"
    EPCI_ALONE = "achat_par_le_groupement"

    @property
    def label(self) -> str:
        """French name, as the pieces write it."""
        return {
            "groupement_de_commandes": "groupement de commandes (articles L2113-6 et L2113-7 du "
            "Code de la commande publique)",
            "achat_par_le_groupement": "marché passé par le groupement seul, pour l'exercice de "
            "ses compétences",
        }[self.value]


class IntellectualProperty(StrEnum):
    """The rights the buyer obtains on the results, against the CCAG-TIC's own clause."""

    CCAG = "regime_ccag"
    EXTENDED = "droits_etendus"
    EXCLUSIVE = "cession_exclusive"

    @property
    def label(self) -> str:
        """French name."""
        return {
            "regime_ccag": "régime du CCAG-TIC, sans dérogation",
            "droits_etendus": "droits étendus à tous usages, non exclusifs, exclusivité de "
            "l'identité visuelle",
            "cession_exclusive": "cession exclusive de tous les résultats",
        }[self.value]


class FamilyService(StrEnum):
    """A service of the family portal (F03) a communauté may run as a transferred competence.

    School enrolment itself is never among them: it stays the mayor's (article L131-5 of the
    code de l'éducation), so the communes always keep a part of the portal.
    """

    SCHOOL_CATERING = "restauration_scolaire"
    AFTER_SCHOOL = "accueil_periscolaire"
    LEISURE_CENTRE = "accueil_de_loisirs"

    @property
    def label(self) -> str:
        """French name, as the pieces write it."""
        return {
            "restauration_scolaire": "la restauration scolaire",
            "accueil_periscolaire": "l'accueil périscolaire",
            "accueil_de_loisirs": "l'accueil de loisirs",
        }[self.value]


class MemberBilling(StrictModel):
    """How a member of a groupement de commandes is invoiced on Chorus Pro.

    The State's reference gives the SIREN only; the SIRET of the paying establishment and the
    service code are the member's own, so the dossier gives them and webpass never guesses.
    """

    siret: str = Field(
        pattern=r"^\d{14}$",
        description="SIRET de l'établissement qui paie (14 chiffres, SIREN suivi du NIC).",
    )
    service_code: str | None = Field(
        None,
        alias="code_service",
        min_length=1,
        max_length=100,
        description="Code service Chorus Pro que la facture doit porter, si le membre en exige un.",
    )


class ContractTerms(StrictModel):
    """The ``marche`` block: contract choices shared by every piece of the DCE."""

    setup: Annotated[PurchaseSetup, Strict(False)] = Field(
        PurchaseSetup.JOINT_PURCHASING,
        alias="montage",
        description="Groupement seulement : groupement_de_commandes (convention avec les communes "
        "membres, le groupement coordonne) ou achat_par_le_groupement (le groupement achète seul, "
        "pour ses compétences).",
    )
    joining_members: list[str] = Field(
        default_factory=empty_list,
        alias="membres_du_groupement_de_commandes",
        max_length=500,
        description="Communes membres qui adhèrent au groupement de commandes (noms) ; vide : "
        "toutes les communes membres.",
    )
    intellectual_property: Annotated[IntellectualProperty, Strict(False)] = Field(
        IntellectualProperty.EXTENDED,
        alias="propriete_intellectuelle",
        description="regime_ccag, droits_etendus (recommandé pour un site public) ou "
        "cession_exclusive.",
    )
    advance_rate: Annotated[Decimal, Strict(False)] = Field(
        Decimal("5"),
        alias="taux_avance",
        ge=5,
        le=30,
        description="Taux de l'avance en pourcentage (5 à 30 ; article R2191-7 du Code de la "
        "commande publique).",
    )
    optional_advance: bool = Field(
        False,
        alias="avance_facultative",
        description="Verser l'avance même lorsque le Code ne l'impose pas (marché de 50 000 € HT "
        "ou moins, article R2191-3) : une petite entreprise n'attend pas la première étape "
        "pour être payée. Le titulaire peut y renoncer dans son devis.",
    )
    order_maximum: Money | None = Field(
        None,
        alias="maximum_bons_de_commande",
        description="Montant maximum des prestations commandées par bons de commande, en euros HT "
        "sur toute la durée du marché ; absent : calculé sur les quantités estimées.",
    )
    fixed_share: Annotated[Decimal, Strict(False)] = Field(
        Decimal("0.15"),
        alias="part_fixe_revision",
        ge=0,
        le=Decimal("0.5"),
        description="Part fixe, non révisable, de la formule de révision des prix (0,15 par défaut).",
    )
    accountant: str | None = Field(
        None,
        alias="comptable_assignataire",
        max_length=200,
        description="Comptable public assignataire des paiements (service de gestion comptable).",
    )
    offer_validity_days: int | None = Field(
        None,
        alias="validite_offres_jours",
        ge=30,
        le=180,
        description="Délai de validité des offres, en jours à compter de la date limite de remise "
        "(30 à 180) ; par défaut : 60 jours pour une consultation par devis, 90 jours avec "
        "publicité.",
    )
    distinct_trade_reason: str | None = Field(
        None,
        alias="justification_metier_distinct",
        min_length=1,
        max_length=1500,
        description="Pourquoi une prestation d'un métier distinct (captation et diffusion des "
        "séances, par exemple) reste dans ce marché non alloti plutôt que dans un lot ou un marché "
        "séparé (articles L2113-10 et L2113-11 du Code de la commande publique) ; absent : "
        "webpass dce refuse un tel dossier.",
    )
    member_accountants: dict[str, str] = Field(
        default_factory=empty_dict,
        alias="comptables_des_membres",
        max_length=500,
        description="Groupement de commandes : comptable public assignataire de chaque commune "
        "membre (nom de la commune → service de gestion comptable) ; absent : le comptable de la "
        "DGFiP assignataire de la commune, sans le nommer.",
    )

    member_billing: dict[str, MemberBilling] = Field(
        default_factory=empty_dict,
        alias="facturation_des_membres",
        max_length=501,
        description="Groupement de commandes : identifiants de facturation Chorus Pro de chaque "
        "membre (nom de la commune, ou nom du groupement pour le coordonnateur → SIRET et code "
        "service) ; absent : l'annexe A2 dit que le membre les communique à la notification.",
    )

    coordinator_family_services: list[Annotated[FamilyService, Strict(False)]] = Field(
        default_factory=empty_list,
        alias="espace_famille_services_du_groupement",
        max_length=3,
        description="Groupement de commandes : services de l'espace famille (F03) que le "
        "groupement exerce au titre d'une compétence transférée (restauration_scolaire, "
        "accueil_periscolaire, accueil_de_loisirs) ; il en est responsable du traitement et paie "
        "sa part de l'espace famille ; absent : l'espace famille sert les seules compétences des "
        "communes. L'inscription scolaire reste toujours communale.",
    )
    coordinator_family_share: Annotated[Decimal, Strict(False)] | None = Field(
        None,
        alias="part_espace_famille_du_groupement",
        ge=Decimal("0.05"),
        le=Decimal("0.95"),
        description="Part du prix de l'espace famille (F03) payée par le groupement pour les "
        "services qu'il y exerce (0,5 par défaut) ; les communes paient le reste selon la clé de "
        "population.",
    )

    @model_validator(mode="before")
    @classmethod
    def _retired(cls, data: Any) -> Any:
        # The imputation was one free text for the whole market, which put running costs on an
        # asset account; it is now derived from each price line.
        if isinstance(data, dict) and "imputation_budgetaire" in data:
            raise ValueError(
                "imputation_budgetaire n'est plus lue : l'imputation se déduit de chaque ligne de prix "
                "(compte 2051 pour la création du site, 611 ou 6156 pour l'hébergement, la maintenance "
                "et l'assistance) ; supprimez cette ligne du bloc « marche »"
            )
        return data

    @model_validator(mode="after")
    def _family_share_needs_services(self) -> ContractTerms:
        if self.coordinator_family_share is not None and not self.coordinator_family_services:
            raise ValueError(
                "part_espace_famille_du_groupement est donnée sans "
                "espace_famille_services_du_groupement : indiquez les services de l'espace famille "
                "que le groupement exerce, ou supprimez cette part"
            )
        if first_repeated(self.coordinator_family_services) is not None:
            raise ValueError(
                "un service est cité deux fois dans espace_famille_services_du_groupement"
            )
        return self

    @property
    def family_share(self) -> Decimal:
        """The coordinator's fraction of the family portal's price: 0 when it runs none of it."""
        if not self.coordinator_family_services:
            return Decimal(0)
        return self.coordinator_family_share or Decimal("0.5")

    @field_validator("joining_members")
    @classmethod
    def _distinct_members(cls, value: list[str]) -> list[str]:
        # On the field, so that a form shows the error beside the members' field.
        if first_repeated(value) is not None:
            raise ValueError("une commune est citée deux fois dans les membres du groupement")
        return value
