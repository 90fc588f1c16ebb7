"""The pieces of a consultation by quotes, under the dispense threshold (R2122-8).

Below 60,000 € HT a commune needs neither publicity nor a formal RC: it writes to a few
providers (three is the good practice) with a short CCTP, the simplified CCAP, the response
grid and a quote form, then keeps a note of the quotes received and of its choice. The letter
announces the award criteria, whose content belongs to :mod:`webpass.documents.rc`.
"""

from __future__ import annotations

import datetime as dt

from webpass.compare.award import criteria_of
from webpass.core.money import format_eur
from webpass.documents.ae import OFFER_VALIDITY_DAYS
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.cctp import Article, CctpDocument
from webpass.documents.facts import Fact, fact
from webpass.documents.pse import pse_rule
from webpass.documents.rc import clock_fr, criteria_table, scoring_blocks
from webpass.documents.terms import DceTerms, PriceKind
from webpass.documents.typography import date_fr
from webpass.documents.writing import entries, info, para, table

__all__ = ["letter_document", "quote_form_document", "quotes_note_document"]

BOX = "☐"


def letter_document(terms: DceTerms, piece_names: list[str]) -> CctpDocument:
    """The consultation letter; ``piece_names`` are the pieces it encloses, in order."""
    selection = terms.selection
    criteria = criteria_of(selection)
    body = selection.answers.collectivity
    project = selection.answers.project
    contact = criteria.contact or (
        f"{body.designation[0].upper()}{body.designation[1:]}"
        + (f", {body.address}" if body.address else "")
    )
    request = Article("1", "Objet de la demande de devis")
    request.blocks += [
        para(
            f"{body.designation[0].upper()}{body.designation[1:]} vous invite à lui remettre un devis "
            "pour le marché suivant : ",
            fact(Fact.OBJECT, terms.object),
            ".",
        ),
        para("Référence de la consultation : ", fact(Fact.REFERENCE, terms.reference), "."),
        para(
            "Le marché est passé sans publicité ni mise en concurrence préalables (article R2122-8 du "
            "Code de la commande publique) : plusieurs prestataires sont consultés et le marché est "
            "attribué à l'offre économiquement la plus avantageuse selon les critères de l'article 4. "
            "Il prend effet à sa notification pour une durée de ",
            fact(Fact.DURATION, terms.duration_text),
            ", reconductions comprises"
            + (", la mise en ligne étant attendue au plus tard le " if project.go_live else "."),
            *((fact(Fact.GO_LIVE, date_fr(project.go_live)), ".") if project.go_live else ()),
        ),
    ]
    pieces = Article("2", "Documents joints")
    pieces.blocks += [
        para("Les documents suivants sont joints à la présente lettre :"),
        entries(*piece_names, ordered=True),
        para(
            "Les conditions d'exécution (prix, paiement, vérifications, garantie, pénalités, "
            f"propriété intellectuelle) sont celles du CCAP simplifié joint ; l'article "
            f"{CcapArticle.PIECES.number} du CCAP fixe l'ordre de priorité des pièces."
        ),
    ]
    answer = Article("3", "Contenu et remise du devis")
    answer.blocks += [
        para("Votre réponse comprend :"),
        entries(
            "le formulaire de devis complété, daté et signé, avec tous les prix ;",
            "le cadre de réponse complété au format tableur, sans modifier les textes ni les "
            "empreintes des exigences ;",
            "une note de présentation de quelques pages : méthode, planning, équipe, références "
            "comparables et outil proposé ;",
            "une attestation d'assurance de responsabilité civile professionnelle.",
        ),
        para(
            "Le devis est remis au plus tard le ",
            fact(Fact.DEADLINE, date_fr(terms.deadline)),
            f" à {clock_fr(criteria.deadline_time)}, par courrier électronique ou par courrier à : "
            f"{contact}. Il est valable {OFFER_VALIDITY_DAYS} jours.",
        ),
    ]
    judged = Article("4", "Jugement des devis")
    judged.blocks += [
        para("Les devis sont jugés selon les critères pondérés suivants :"),
        criteria_table(criteria, bool(terms.options)),
        *scoring_blocks(criteria, selection, with_pse=False),
        para(fact(Fact.PSE_RULE, pse_rule(selection))),
    ]
    if terms.options:
        judged.blocks.append(
            entries(
                *((fact(Fact.PSE, f"{item_id} — {title}"),) for item_id, title in terms.options)
            )
        )
    judged.blocks.append(
        para(
            "La collectivité peut négocier avec les prestataires consultés. Le devis retenu, signé par "
            "les deux parties, vaut marché avec le CCAP et le CCTP."
        )
    )
    questions = Article("5", "Renseignements")
    questions.blocks.append(
        para(
            f"Vos questions sont à adresser à : {contact}, au plus tard le "
            f"{date_fr(terms.deadline - dt.timedelta(days=7))} ; la réponse est envoyée à tous les "
            "prestataires consultés."
        )
    )
    return terms.piece(
        "Lettre de consultation", "Lettre", [request, pieces, answer, judged, questions]
    )


def _price_rows(terms: DceTerms) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for line in terms.price_lines:
        label = f"{line.item_id} — {line.title}" + (" (PSE)" if line.optional else "")
        if line.kind is PriceKind.LUMP_SUM:
            rows.append((label, "forfait", "1", "", ""))
        else:
            unit = "an" if line.kind is PriceKind.YEARLY else (line.unit or "unité")
            rows.append((label, unit, str(line.quantity or 1), "", ""))
    return rows


def quote_form_document(terms: DceTerms) -> CctpDocument:
    """The quote form: the bidder's identity, every price line, the advance and the signature."""
    provider = Article("1", "Prestataire")
    provider.blocks.append(
        table(
            ("Prestataire", "À compléter"),
            [
                (label, "")
                for label in (
                    "Dénomination sociale",
                    "Adresse",
                    "Numéro SIRET",
                    "Nom et qualité du signataire",
                    "Adresse électronique et téléphone",
                )
            ],
            (45, 55),
            caption="Identification du prestataire",
        )
    )
    prices = Article("2", "Prix")
    prices.blocks += [
        para(
            "Les prix sont hors taxes, aux conditions économiques du mois de la date limite de remise "
            f"des devis (article {CcapArticle.PRICES.number} du CCAP). Chaque ligne correspond à une "
            "exigence du CCTP et à une ligne de prix du cadre de réponse ; les montants doivent être "
            "identiques dans les deux documents."
        ),
        table(
            ("Prestation", "Unité", "Qté", "Prix unitaire HT", "Montant HT"),
            [
                *_price_rows(terms),
                ("Total HT de l'offre de base", "", "", "", ""),
                ("TVA", "", "", "", ""),
                ("Total TTC", "", "", "", ""),
            ],
            (46, 10, 10, 17, 17),
            caption="Détail des prix",
        ),
        para(fact(Fact.PSE_RULE, pse_rule(terms.selection))),
    ]
    if terms.options:
        prices.blocks.append(
            entries(
                *((fact(Fact.PSE, f"{item_id} — {title}"),) for item_id, title in terms.options)
            )
        )
    commitment = Article("3", "Engagement")
    commitment.blocks += [
        para(
            "Le prestataire soussigné s'engage, sans réserve, à exécuter les prestations de la "
            "consultation ",
            fact(Fact.REFERENCE, terms.reference),
            " conformément au CCTP et au CCAP simplifié, aux prix ci-dessus, pour une durée de ",
            fact(Fact.DURATION, terms.duration_text),
            f". Le présent devis est valable {OFFER_VALIDITY_DAYS} jours.",
        ),
        para(
            f"Le prestataire renonce au bénéfice de l'avance (article {CcapArticle.PAYMENT.number} du "
            f"CCAP) : {BOX} non {BOX} oui."
        ),
        table(
            ("Signature du prestataire", "Acceptation de l'acheteur"),
            [("Lieu, date et signature :", "Lieu, date et signature :")],
            (50, 50),
            caption="Signatures",
        ),
    ]
    return terms.piece("Formulaire de devis", "Devis", [provider, prices, commitment])


def quotes_note_document(terms: DceTerms) -> CctpDocument:
    """The buyer's own note of the quotes received and of its choice (not sent to providers)."""
    selection = terms.selection
    amount = selection.procedure.amount
    period = selection.procedure.period
    why = Article("1", "Procédure suivie")
    why.blocks += [
        info("Document interne à la collectivité : il ne doit pas être envoyé aux prestataires."),
        para(
            f"Le marché, estimé à {format_eur(amount)} sur toute sa durée, est inférieur au seuil de "
            f"{format_eur(period.exemption)} en vigueur à la date de lancement : il est passé sans "
            "publicité ni mise en concurrence préalables (article R2122-8 du Code de la commande "
            "publique). La collectivité a néanmoins consulté plusieurs prestataires, choisi une offre "
            "pertinente, veillé à faire une bonne utilisation des deniers publics et à ne pas "
            "contracter systématiquement avec le même prestataire."
        ),
    ]
    consulted = Article("2", "Prestataires consultés et devis reçus")
    consulted.blocks.append(
        table(
            ("Prestataire", "Date de la demande", "Date du devis", "Montant HT", "Note obtenue"),
            [("", "", "", "", "") for _ in range(3)],
            (32, 17, 17, 17, 17),
            caption="Les trois devis demandés",
        )
    )
    choice = Article("3", "Choix et justification")
    choice.blocks += [
        para(
            "Devis retenu, et pourquoi au regard des critères annoncés dans la lettre de consultation :"
        ),
        table(("Motivation du choix",), [("",), ("",), ("",)], (100,), caption="Motivation"),
        para(
            f"{BOX} Le prestataire retenu n'est pas celui du précédent marché de même objet, ou la "
            "collectivité explique ci-dessus pourquoi elle le retient de nouveau."
        ),
        table(
            ("Nom et qualité", "Date", "Signature"), [("", "", "")], (40, 30, 30), caption="Visa"
        ),
    ]
    return terms.piece("Note de consultation (devis)", "Note", [why, consulted, choice])
