"""Whose competences the family portal (F03) serves in a groupement de commandes.

The portal enrols children in school, school catering, after-school care and the leisure centre.
School enrolment is always the communes' (the mayor's); the others may have been transferred to
the communauté, which then runs them, pays its part of the portal and is controller of those
enrolments, while the communes keep theirs. The dossier says which (``marche.
espace_famille_services_du_groupement``); the sharing rule, the controllers' annex and the
joint arrangement all read this module, so the three say the same thing.
"""

from __future__ import annotations

from decimal import Decimal

from webpass.documents.terms import DceTerms
from webpass.dossier.contract import FamilyService

__all__ = [
    "FAMILY_PORTAL",
    "communal_services_words",
    "coordinator_services",
    "coordinator_services_words",
    "family_share",
]

FAMILY_PORTAL = "F03"
_SCHOOL_ENROLMENT = "l'inscription scolaire"


def coordinator_services(terms: DceTerms) -> list[FamilyService]:
    """The portal's services the coordinator runs; empty when the communes run them all."""
    contract = terms.selection.answers.contract
    selected = {s.item.id for s in terms.selection.items}
    if not terms.joint_purchasing or contract is None or FAMILY_PORTAL not in selected:
        return []
    return [s for s in FamilyService if s in contract.coordinator_family_services]


def family_share(terms: DceTerms) -> Decimal:
    """The coordinator's fraction of the portal's price (0 when it runs none of its services)."""
    contract = terms.selection.answers.contract
    return contract.family_share if contract and coordinator_services(terms) else Decimal(0)


def _listing(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " et " + labels[-1]


def communal_services_words(terms: DceTerms) -> str:
    """The communes' services of the portal: « l'inscription scolaire, … et l'accueil périscolaire »."""
    kept = [s.label for s in FamilyService if s not in coordinator_services(terms)]
    return _listing([_SCHOOL_ENROLMENT, *kept])


def coordinator_services_words(terms: DceTerms) -> str:
    """The coordinator's services of the portal (« l'accueil de loisirs »); empty if none."""
    services = coordinator_services(terms)
    return _listing([s.label for s in services]) if services else ""
