"""The constitutive convention of a groupement de commandes (articles L2113-6 and L2113-7 CCP).

Generated only when the dossier chooses that setup (``marche.montage``); the other setup, the
groupement buying alone for its competences, needs no convention. The CCAP, the RC and the AE
describe the same setup with the same words.
"""

from __future__ import annotations

from webpass.documents.buyer_powers import buyer_powers, buyer_powers_intro
from webpass.documents.cctp import Article, CctpDocument
from webpass.documents.controllers import controllers_intro
from webpass.documents.facts import Fact, fact
from webpass.documents.joint_control import joint_arrangement, joint_processing
from webpass.documents.members import (
    MEMBERS_ANNEX,
    GroupMember,
    group_members,
    imputation_lines,
    page_ceiling_paragraphs,
)
from webpass.documents.order_rule import order_rule
from webpass.documents.sharing import cost_shares, sharing_rule
from webpass.documents.takeover import member_page_shares, member_validation_duty
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
    parties = _members(terms, coordinator, group)
    role = _coordinator(terms, coordinator)
    liability = _liability(terms)
    duties = _duties(terms)
    money = _money(terms)
    data = _data(terms, coordinator)
    duration = Article("8", "Durée, adhésion et retrait")
    duration.blocks.append(
        para(
            "La convention prend effet à sa signature par tous les membres et prend fin à l'expiration "
            "du marché, garantie comprise. Aucun membre ne peut adhérer après la notification du "
            "marché ; un membre ne peut se retirer avant son terme que par avenant à la présente "
            "convention, sans effet sur les engagements pris envers le titulaire."
        )
    )
    disputes = Article("9", "Litiges entre les membres")
    disputes.blocks.append(
        para(
            "Les membres recherchent un accord amiable. À défaut, le litige est porté devant le "
            f"{terms.court}."
        )
    )
    signatures = Article("10", "Signatures")
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
        [purpose, parties, role, liability, duties, money, data, duration, disputes, signatures],
    )


def _members(terms: DceTerms, coordinator: str, group: list[GroupMember]) -> Article:
    parties = Article("2", "Membres et besoins")
    parties.blocks += [
        para(
            f"Le groupement est constitué entre {coordinator}, coordonnateur et membre pour ses "
            "propres besoins, et les communes suivantes. Les besoins de chaque membre sont ceux que "
            f"décrit le dossier de consultation ; l'annexe {MEMBERS_ANNEX} du CCAP du marché les "
            "reprend dans les mêmes termes."
        ),
        table(
            ("Membre", "Rôle", "Identifiants", "Sites et besoins"),
            [(m.name, m.role, m.identifiers, m.sites) for m in group],
            (24, 14, 20, 42),
            caption="Membres du groupement de commandes",
        ),
        para(
            "Avant le lancement de la consultation, l'organe délibérant de chaque membre (conseil "
            "communautaire pour la communauté, conseil municipal pour chaque commune) approuve la "
            "présente convention et autorise son représentant à la signer ; la consultation n'est "
            "lancée qu'une fois la convention signée par tous les membres."
        ),
    ]
    return parties


def _coordinator(terms: DceTerms, coordinator: str) -> Article:
    role = Article("3", "Coordonnateur")
    role.blocks += [
        para(
            f"{coordinator[0].upper()}{coordinator[1:]} est le coordonnateur du groupement. Au nom "
            "et pour le compte de l'ensemble des membres (article L2113-7 du Code de la commande "
            "publique), il :"
        ),
        entries(
            "recense les besoins de chaque membre et établit le dossier de consultation ;",
            "conduit la procédure de passation jusqu'au choix du titulaire, y compris "
            "l'information des candidats évincés ;",
            "signe et notifie le marché ;",
            "conclut les modifications du marché (avenants) après accord de chaque membre dont la "
            "part est modifiée ;",
            *(["émet les bons de commande des prestations communes ;"] if terms.on_order else []),
            "représente les membres en justice pour les litiges nés de la passation et des "
            "opérations d'exécution qu'il conduit ; il informe les membres de toute procédure.",
        ),
        # The same list as the CCAP's article 1.2, so the two pieces cannot be read apart.
        para(buyer_powers_intro(coordinator)),
        entries(*buyer_powers(terms)),
    ]
    return role


def _liability(terms: DceTerms) -> Article:
    liability = Article("4", "Responsabilités")
    liability.blocks.append(
        para(
            "Conformément à l'article L2113-7 du Code de la commande publique, les membres sont "
            "solidairement responsables des seules opérations de passation ou d'exécution du "
            "marché menées conjointement en leur nom et pour leur compte, c'est-à-dire de celles "
            "que le coordonnateur conduit pour eux selon l'article 3. Chaque membre est seul "
            "responsable des opérations qu'il mène pour sa propre part : "
            + (
                "l'émission de ses bons de commande, la vérification et l'admission de son site "
                "propre et de ses bons de commande"
                if terms.on_order
                else "la vérification et l'admission de son site propre"
            )
            + (
                ", la validation de l'inventaire de son site actuel"
                if member_page_shares(terms.selection)
                else ""
            )
            + ", et le paiement des prestations mises à sa charge par l'article 6."
        )
    )
    return liability


def _duties(terms: DceTerms) -> Article:
    duties = Article("5", "Engagements des membres")
    orders = []
    if terms.on_order:
        # The maximum binds the whole framework agreement: the coordinator keeps the count.
        orders.append(
            "émettre lui-même les bons de commande dont il a besoin, qu'il paie en entier, selon "
            "la règle écrite ci-dessous, que le CCAP et le règlement de la consultation reprennent ;"
        )
    takeover = []
    if terms.selection.selected("K02") is not None and any(
        m.own_identity and m.current_site for m in terms.selection.answers.collectivity.members
    ):
        # The outgoing provider is no party to the contract: the commune obtains what only it
        # can ask for, and the CCTP's delay waits for it (review of 1 December 2026, N7).
        takeover.append(
            "si son site actuel est repris, obtenir de son prestataire actuel et remettre au "
            "titulaire le code de transfert de son nom de domaine et l'export de ses contenus, "
            "dans les conditions de l'exigence K02 du CCTP ;"
        )
    if member_page_shares(terms.selection):
        # The ceiling binds what the holder takes over: each commune keeps within its share
        # plus what the coordinator reassigns it, and pays them all (22:25 reading, I2; rev7, n° 2).
        takeover.append(member_validation_duty())
    duties.blocks += [
        entries(
            "communiquer au coordonnateur ses besoins et les contenus de son site ;",
            "désigner un référent, interlocuteur du coordonnateur et du titulaire ;",
            "participer à la vérification de son site ;",
            *takeover,
            *orders,
            "payer la part du marché mise à sa charge par l'article 6.",
        )
    ]
    if terms.on_order:
        duties.blocks.append(para(fact(Fact.ORDER_RULE, order_rule(terms))))
    return duties


def _money(terms: DceTerms) -> Article:
    money = Article("6", "Dispositions financières")
    money.blocks += [
        para(sharing_rule(terms)),
        table(
            ("Membre", "Prestations et parts à sa charge"),
            [(share.name, share.describe()) for share in cost_shares(terms)],
            (35, 65),
            caption="Répartition du coût du marché entre les membres",
        ),
        *page_ceiling_paragraphs(terms),
        para(
            "Chaque membre paie sa part au titulaire sur son budget, son maire ou son président "
            "étant l'ordonnateur de la dépense et son comptable assignataire la réglant (annexe "
            f"{MEMBERS_ANNEX} du CCAP) ; l'onglet « Répartition par membre » de la DPGF-BPU en "
            "donne le montant à partir des prix de l'offre retenue."
        ),
        para("Chacun impute sa part selon la nature de la dépense :"),
        entries(*imputation_lines(terms)),
    ]
    return money


def _data(terms: DceTerms, coordinator: str) -> Article:
    data = Article("7", "Données personnelles")
    data.blocks.append(para(controllers_intro(terms, in_convention=True)))
    joint = joint_processing(terms)
    if joint:
        data.blocks += [
            para(
                "Les membres sont responsables conjoints (article 26 du règlement (UE) 2016/679) "
                "des traitements suivants, que la plateforme commune met en œuvre pour tous les "
                "sites ; l'annexe A1 du CCAP les décrit :"
            ),
            entries(*joint),
            para("Pour ces traitements, les membres conviennent de ce qui suit :"),
            entries(*joint_arrangement(coordinator)),
        ]
    return data
