"""Who is controller of the personal data the contractor processes (GDPR, articles 4 and 28).

A collectivity buying alone is the one controller. In a groupement de commandes, each member
is controller for what it runs for its own services (its own site, or the pages dedicated to
it in the intercommunal site), and the coordinator for the intercommunal site, the common
platform and the common téléservices; the contractor is the processor of each of them. The
CCAP's article on personal data and its annex A1 both read this module, as does the
convention, so the three say the same thing.
"""

from __future__ import annotations

from webpass.core.frozen_record import frozen_record
from webpass.documents.cctp import TableBlock
from webpass.documents.family_portal import communal_services_words, coordinator_services_words
from webpass.documents.joint_control import joint_processing
from webpass.documents.members import MEMBERS_ANNEX, group_members
from webpass.documents.terms import DceTerms
from webpass.documents.writing import table

__all__ = [
    "ControllerWords",
    "communal_services",
    "controller_words",
    "controllers_intro",
    "controllers_table",
]

# The online services run for a commune's own competence or its own facilities.
_SERVICE_WORDS = {
    "E06": "les réservations de ses salles et équipements (E06)",
}
# The booking tool also enrols in the activities of « la collectivité » (the E06 clause): the
# coordinator is controller of those enrolments and of the bookings of its own equipment.
_COORDINATOR_WORDS = {
    "E06": "les réservations de ses équipements et les inscriptions à ses activités (E06)",
}
# A service bought on order is run for the member that orders it (sharing.py): each member is
# controller of what it orders, the filming of its own council's sessions.
_ORDERED_WORDS = {
    "E07": "la captation et la diffusion des séances de son conseil qu'il commande (E07)",
}
_EXCEPTION_WORDS = {
    "F03": "des inscriptions de l'espace famille aux services des communes (F03)",
    "E06": "des réservations des équipements des communes (E06)",
}


def communal_services(terms: DceTerms) -> dict[str, list[str]]:
    """Member name → the téléservices it is controller of: F03 for every commune, E06 for the
    communes whose facilities the dossier names; the coordinator keeps the others."""
    from webpass.documents.sharing import communes_named

    selected = {s.item.id for s in terms.selection.items}
    found: dict[str, list[str]] = {}
    members = [m for m in group_members(terms) if not m.coordinator]
    owners = set(communes_named(terms, "E06")) if "E06" in selected else set()
    for member in members:
        commune = member.name.removeprefix("Commune de ")
        ids = [i for i in ("F03",) if i in selected]
        ids += ["E06"] if commune in owners else []
        if ids:
            found[member.name] = ids
    return found


@frozen_record
class ControllerWords:
    """How the processor clauses name the controller: « l'acheteur » or « le responsable … »."""

    subject: str
    of: str
    to: str


def controller_words(terms: DceTerms) -> ControllerWords:
    """The words of the processor clauses for this contract."""
    if terms.joint_purchasing:
        return ControllerWords(
            "le responsable du traitement concerné",
            "du responsable du traitement concerné",
            "au responsable du traitement concerné",
        )
    return ControllerWords("l'acheteur", "de l'acheteur", "à l'acheteur")


def controllers_intro(terms: DceTerms, in_convention: bool = False) -> str:
    """The sentence that says who is controller and that the contractor processes for each."""
    body = terms.selection.answers.collectivity
    if not terms.joint_purchasing:
        return (
            f"Pour les traitements décrits en annexe A1, {body.designation} est responsable du "
            "traitement et le titulaire est son sous-traitant au sens de l'article 28 du règlement "
            "(UE) 2016/679 (RGPD)."
        )
    return (
        "Chaque membre du groupement de commandes est responsable des traitements qu'il met en "
        "œuvre pour ses propres services, sur son site propre ou sur les pages qui lui sont "
        f"dédiées dans le site intercommunal (annexe {MEMBERS_ANNEX} du CCAP) ; {body.designation}, "
        "coordonnateur, est responsable des traitements du site intercommunal, de la plateforme "
        "commune et des téléservices communs, ceux qu'aucun membre n'ouvre pour ses seuls services"
        + (
            " ; les membres sont responsables conjoints des traitements partagés par tous les "
            "sites (article 26 du RGPD), selon l'accord "
            # The convention states the arrangement itself, just below (review n° 25).
            + ("ci-dessous" if in_convention else "de la convention constitutive")
            if joint_processing(terms)
            else ""
        )
        + ". Pour les traitements décrits en annexe A1 du CCAP, le "
        "titulaire est le sous-traitant de chacun d'eux au sens de l'article 28 du règlement (UE) "
        "2016/679 (RGPD) ; chaque responsable lui donne ses instructions pour ses propres "
        "traitements, par l'intermédiaire du coordonnateur qui les transmet."
    )


def _service_words(terms: DceTerms, item_id: str) -> str:
    if item_id == "F03":
        return (
            "les inscriptions de l'espace famille à ses services : "
            f"{communal_services_words(terms)} de ses écoles (F03)"
        )
    return _SERVICE_WORDS[item_id]


def controllers_table(terms: DceTerms) -> TableBlock | None:
    """For a groupement de commandes, the controller of each member's processing; else None."""
    if not terms.joint_purchasing:
        return None
    rows = []
    services = communal_services(terms)
    selected = {s.item.id for s in terms.selection.items}
    ordered = [words for item_id, words in _ORDERED_WORDS.items() if item_id in selected]
    for member in group_members(terms):
        if member.coordinator:
            scope = (
                "les traitements du site intercommunal, de la plateforme commune (exploitation, "
                "sécurité, comptes des contributeurs) et des téléservices communs"
            )
            communal = sorted({i for ids in services.values() for i in ids})
            if communal:
                scope += ", à l'exception " + " et ".join(
                    _EXCEPTION_WORDS[item_id] for item_id in communal
                )
            shared = [_COORDINATOR_WORDS[i] for i in communal if i in _COORDINATOR_WORDS]
            if "F03" in communal and coordinator_services_words(terms):
                shared.append(
                    "les inscriptions de l'espace famille à ses services : "
                    f"{coordinator_services_words(terms)} (F03)"
                )
            if shared:
                scope += " ; " + " ; ".join(shared)
        elif member.own_site:
            scope = (
                "les traitements de son site propre (fréquentation et sécurité, comptes de ses "
                "contributeurs, messages reçus) et des téléservices qu'elle ouvre pour ses services"
            )
        else:
            scope = (
                "les traitements des téléservices et formulaires qu'elle ouvre pour ses services sur "
                "les pages qui lui sont dédiées dans le site intercommunal"
            )
        own = services.get(member.name, [])
        if own:
            scope += " ; " + " ; ".join(_service_words(terms, item_id) for item_id in own)
        if ordered:
            scope += " ; " + " ; ".join(ordered)
        rows.append((member.name, member.identifiers, scope))
    return table(
        ("Responsable du traitement", "Identifiants", "Traitements dont il est responsable"),
        rows,
        (28, 20, 52),
        caption="Responsables du traitement",
    )
