"""The constitutive convention of a groupement de commandes (articles L2113-6 and L2113-7 CCP).

Generated only when the dossier chooses that setup (``marche.montage``); the other setup, the
groupement buying alone for its competences, needs no convention. The CCAP, the RC and the AE
describe the same setup with the same words.
"""

from __future__ import annotations

from webpass.documents.cctp import Article, CctpDocument
from webpass.documents.controllers import controllers_intro
from webpass.documents.facts import Fact, fact
from webpass.documents.members import MEMBERS_ANNEX, group_members, imputation_lines
from webpass.documents.terms import DceTerms
from webpass.documents.writing import entries, para, table

__all__ = ["convention_document"]


def convention_document(terms: DceTerms) -> CctpDocument:
    """The convention between the groupement (coordinator) and the member communes that join."""
    body = terms.selection.answers.collectivity
    coordinator = body.designation
    group = group_members(terms)
    purpose = Article("1", "Objet")
    purpose.blocks += [
        para(
            "La présente convention constitue un ",
            fact(Fact.SETUP, "groupement de commandes"),
            " (articles L2113-6 et L2113-7 du Code de la commande publique) pour la passation et "
            "l'exécution du marché suivant : ",
            fact(Fact.OBJECT, terms.object),
            ".",
        ),
        para("Référence de la consultation : ", fact(Fact.REFERENCE, terms.reference), "."),
    ]
    parties = Article("2", "Membres et besoins")
    parties.blocks += [
        para(
            f"Le groupement est constitué entre {coordinator} et les communes suivantes. Les besoins "
            "de chaque membre sont ceux que décrit le dossier de consultation ; l'annexe "
            f"{MEMBERS_ANNEX} du CCAP du marché les reprend dans les mêmes termes."
        ),
        table(
            ("Membre", "Identifiants", "Sites et besoins"),
            [(m.name, m.identifiers, m.sites) for m in group if not m.coordinator],
            (26, 22, 52),
            caption="Membres du groupement de commandes",
        ),
        para(
            "Chaque membre adhère par une délibération de son conseil, qui approuve la présente "
            "convention et autorise sa signature."
        ),
    ]
    role = Article("3", "Coordonnateur")
    role.blocks += [
        para(f"{coordinator[0].upper()}{coordinator[1:]} est le coordonnateur du groupement. Il :"),
        entries(
            "recense les besoins de chaque membre et établit le dossier de consultation ;",
            "conduit la procédure de passation jusqu'au choix du titulaire ;",
            "signe et notifie le marché au nom de l'ensemble des membres ;",
            "suit l'exécution du marché, émet les bons de commande des prestations communes et "
            "prononce les décisions de vérification et d'admission, après avis de chaque membre pour "
            "le site qui le concerne.",
        ),
    ]
    duties = Article("4", "Engagements des membres")
    duties.blocks += [
        entries(
            "communiquer au coordonnateur ses besoins et les contenus de son site ;",
            "désigner un référent, interlocuteur du coordonnateur et du titulaire ;",
            "participer à la vérification de son site ;",
            "payer les prestations propres à son site.",
        )
    ]
    money = Article("5", "Dispositions financières")
    money.blocks += [
        para(
            "Chaque membre paie au titulaire les prestations propres à son site, sur son budget, "
            "son maire ou son président étant l'ordonnateur de la dépense et son comptable "
            f"assignataire la réglant (annexe {MEMBERS_ANNEX} du CCAP). Les prestations communes "
            "(plateforme, charte commune, hébergement mutualisé, maintenance et bons de commande) "
            "et les frais de procédure sont payés par le coordonnateur, sans refacturation aux "
            "membres."
        ),
        para("Chacun impute sa part selon la nature de la dépense :"),
        entries(*imputation_lines(terms)),
    ]
    data = Article("6", "Données personnelles")
    data.blocks.append(para(controllers_intro(terms)))
    duration = Article("7", "Durée, adhésion et retrait")
    duration.blocks.append(
        para(
            "La convention prend effet à sa signature par tous les membres et prend fin à l'expiration "
            "du marché, garantie comprise. Aucun membre ne peut adhérer après la notification du "
            "marché ; un membre ne peut se retirer avant son terme que par avenant à la présente "
            "convention, sans effet sur les engagements pris envers le titulaire."
        )
    )
    disputes = Article("8", "Litiges")
    disputes.blocks.append(
        para(
            "Les membres recherchent un accord amiable. À défaut, le litige est porté devant le "
            f"{terms.court}."
        )
    )
    signatures = Article("9", "Signatures")
    signatures.blocks.append(
        table(
            ("Membre", "Délibération (date)", "Signature du représentant"),
            [(m.name, "", "") for m in group],
            (40, 25, 35),
            caption="Signature de la convention",
        )
    )
    return terms.piece(
        "Convention constitutive du groupement de commandes",
        "Convention",
        [purpose, parties, role, duties, money, data, duration, disputes, signatures],
    )
