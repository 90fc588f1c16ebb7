"""The acte d'engagement, following the structure of the official ATTRI1 form.

The buyer's parts (A, E and the durations of B) are filled from the dossier; the bidder's parts
(identity, prices, bank account, advance, signature) are left to fill, and part D serves a
groupement of bidders. Same document model as the CCTP, so the same renderers produce it.
"""

from __future__ import annotations

from webpass.core.money import format_eur, format_exact
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.cctp import Article, CctpDocument, Paragraph, TableBlock
from webpass.documents.facts import Fact, fact
from webpass.documents.members import MEMBERS_ANNEX, default_accountant, imputation_lines
from webpass.documents.order_rule import contract_amount_rule, order_rule
from webpass.documents.pse import pse_rule
from webpass.documents.terms import DceTerms, PriceKind, dce_terms
from webpass.documents.typography import date_fr
from webpass.documents.writing import SIGNATURE_ROW_MM, entries, info, para, table
from webpass.dossier.service_period import (
    first_period_service_months,
    planned_service,
    year_fraction,
)
from webpass.selection.engine import Selection

__all__ = ["ae_document", "build_ae"]

BOX = "☐"


def build_ae(selection: Selection) -> CctpDocument:
    """The acte d'engagement of a selection."""
    return ae_document(dce_terms(selection))


def ae_document(terms: DceTerms) -> CctpDocument:
    """The acte d'engagement from the terms of the DCE."""
    articles = [
        _object(terms),
        _commitment(terms),
        _holder_signature(),
        _group_signature(),
        _buyer(terms),
        _pledge(bool(terms.on_order)),
    ]
    return terms.piece("Acte d'engagement", "AE", articles)


def _blank(*labels: str) -> list[tuple[str, ...]]:
    return [(label, "") for label in labels]


def _object(terms: DceTerms) -> Article:
    article = Article("A", "Objet de l'acte d'engagement")
    article.blocks += [
        para("Objet du marché public : ", fact(Fact.OBJECT, terms.object), "."),
        para("Référence de la consultation : ", fact(Fact.REFERENCE, terms.reference), "."),
        para(
            "Le présent acte d'engagement correspond à l'ensemble du marché public (le marché n'est "
            "pas alloti), à l'offre de base et aux prestations supplémentaires éventuelles ci-dessous."
        ),
        para(fact(Fact.PSE_RULE, pse_rule(terms.selection))),
    ]
    if terms.options:
        article.blocks += [
            para(
                "Prestations supplémentaires éventuelles retenues (cochées par l'acheteur à l'attribution) :"
            ),
            entries(
                *(
                    (f"{BOX} ", fact(Fact.PSE, f"{item_id} — {title}"))
                    for item_id, title in terms.options
                )
            ),
        ]
    return article


def _commitment(terms: DceTerms) -> Article:
    article = Article("B", "Engagement du titulaire ou du groupement titulaire")
    identity = Article("B.1", "Identification et engagement du titulaire")
    identity.blocks += [
        para(
            "Après avoir pris connaissance des pièces constitutives du marché public, énumérées "
            f"dans leur ordre de priorité par l'article {CcapArticle.PIECES.number} du CCAP, le "
            "signataire :"
        ),
        entries(
            f"{BOX} s'engage, sur la base de son offre et pour son propre compte ;",
            f"{BOX} engage la société désignée ci-dessous, sur la base de son offre ;",
            f"{BOX} engage l'ensemble des membres du groupement, sur la base de l'offre du groupement ;",
        ),
        para(
            "à exécuter les prestations demandées dans les conditions définies ci-dessous, aux prix "
            "indiqués dans la décomposition du prix global et forfaitaire (DPGF) et le bordereau des "
            "prix unitaires (BPU) annexés."
        ),
        table(
            ("Titulaire ou mandataire du groupement", "À compléter par le candidat"),
            _blank(
                "Nom commercial et dénomination sociale",
                "Adresse de l'établissement",
                "Adresse électronique",
                "Téléphone",
                "Numéro SIRET",
                "Petite ou moyenne entreprise (oui ou non)",
            ),
            (45, 55),
            caption="Identification du titulaire",
        ),
        _price_table(terms),
        _price_rule(terms),
    ]
    if terms.on_order and terms.order_maximum is not None:
        identity.blocks.append(
            para(
                "Les prestations à la demande sont commandées par bons de commande, sans minimum, dans "
                "la limite d'un montant maximum de ",
                fact(Fact.ORDER_MAXIMUM, format_eur(terms.order_maximum)),
                " sur la durée du marché. ",
                fact(Fact.ORDER_RULE, order_rule(terms)),
            )
        )
        identity.blocks.append(para(fact(Fact.CONTRACT_AMOUNT, contract_amount_rule())))
    group = Article("B.2", "Nature du groupement et répartition des prestations")
    group.blocks += [
        para(f"En cas de groupement, celui-ci est : {BOX} conjoint {BOX} solidaire."),
        table(
            ("Membre du groupement conjoint", "Prestations exécutées", "Montant HT"),
            [("", "", ""), ("", "", ""), ("", "", "")],
            (35, 45, 20),
            caption="Répartition des prestations entre les membres d'un groupement conjoint",
        ),
    ]
    account = Article("B.3", "Compte à créditer")
    account.blocks += [
        table(
            ("Compte", "À compléter par le candidat"),
            _blank("Nom de l'établissement bancaire", "Titulaire du compte", "IBAN", "BIC"),
            (45, 55),
            caption="Compte à créditer (joindre un relevé d'identité bancaire)",
        )
    ]
    advance = Article("B.4", "Avance")
    advance.blocks.append(
        para(
            "Avance de ",
            fact(
                Fact.ADVANCE_RATE, f"{terms.terms.advance_rate.normalize():f} %".replace(".", ",")
            ),
            f", dans les conditions de l'article {CcapArticle.PAYMENT.number} du CCAP. Le titulaire "
            f"renonce au bénéfice de l'avance : {BOX} non {BOX} oui.",
        )
    )
    duration = Article("B.5", "Durée d'exécution du marché public")
    duration.blocks.append(_duration(terms))
    validity = Article("B.6", "Délai de validité de l'offre")
    validity.blocks.append(
        para(
            "L'offre est valable ",
            fact(Fact.OFFER_VALIDITY, terms.offer_validity_text),
            " à compter de la date limite de remise des offres.",
        )
    )
    article.children += [identity, group, account, advance, duration, validity]
    return article


def _price_table(terms: DceTerms) -> TableBlock:
    rows: list[tuple[str, ...]] = [
        ("Offre de base : prix global et forfaitaire (total de la DPGF)", "", "", "")
    ]
    if any(line.kind is PriceKind.UNIT for line in terms.price_lines):
        rows.append(
            ("Offre de base : prix unitaires × quantités du BPU (fermes ou estimées)", "", "", "")
        )
    yearly = next((line for line in terms.price_lines if line.kind is PriceKind.YEARLY), None)
    if yearly is not None:
        # The same quantity as the BPU and the CCAP: the planned years of service, not the term.
        years = yearly.measure.shown if yearly.measure else str(terms.months // 12)
        service = planned_service(terms.selection.answers)
        months = f" ({service.months} mois ÷ 12)" if service.from_go_live else ""
        rows.append(
            (
                f"Offre de base : prix annuels × {years} années de service prévues{months} (BPU, "
                f"article {CcapArticle.PRICES.number} du CCAP)",
                "",
                "",
                "",
            )
        )
    if terms.on_order:
        # The estimated orders are judged with the offer but bind no one: they stay out of the
        # contract amount, the base of the advance and of the cap on penalties.
        rows.append(("Total de l'offre de base, partie ferme (hors bons de commande)", "", "", ""))
        rows.append(
            (
                "Bons de commande : détail quantitatif estimatif (jugement des offres seulement, "
                "hors montant du marché)",
                "",
                "",
                "",
            )
        )
        rows.append(
            ("Total de l'offre de base jugé (partie ferme et bons de commande)", "", "", "")
        )
    else:
        rows.append(("Total de l'offre de base", "", "", ""))
    # Each PSE is priced on its own, outside the base: which ones the contract includes is
    # decided at award (part A), so no bidder can total them.
    for item_id, title in terms.options:
        rows.append((f"PSE {item_id} — {title} (prix de la PSE seule)", "", "", ""))
    if terms.options:
        rows.append(
            (
                "Montant du marché : offre de base"
                + (", partie ferme," if terms.on_order else "")
                + " et PSE retenues (complété par l'acheteur à l'attribution)",
                "",
                "",
                "",
            )
        )
    rows += _period_rows(terms)
    return table(
        ("Montant", "HT", "TVA", "TTC"),
        rows,
        (52, 16, 16, 16),
        caption="Prix de l'offre (reportés de la DPGF et du BPU)",
    )


def _period_rows(terms: DceTerms) -> list[tuple[str, ...]]:
    """The amount of each period of a renewable contract, on which the advance is computed
    (R2191-15) and the cap on penalties measured (CCAP 9): the buyer fills them at award, once
    it knows the PSE it retains, from the going-online date it plans."""
    if not terms.renewable:
        return []
    kinds = {line.kind for line in terms.price_lines}
    yearly = PriceKind.YEARLY in kinds
    parts = ["réalisation (DPGF)"]
    parts += ["prix unitaires × quantités du BPU"] if PriceKind.UNIT in kinds else []
    parts += ["PSE retenues"] if terms.options else []
    months = first_period_service_months(terms.selection.answers, terms.first_months)
    if yearly and months is not None and terms.selection.answers.project.go_live is not None:
        go_live = date_fr(terms.selection.answers.project.go_live)
        parts.append(
            f"prix annuels × {format_exact(year_fraction(months))} ({months} mois de service "
            f"prévus ÷ 12, de la mise en ligne visée du {go_live} au terme de la période ; ce "
            "montant n'est pas révisé si la mise en ligne est décalée)"
        )
    elif yearly:
        parts.append("prix annuels des mois de service de la période")
    return [
        (
            f"dont première période ferme de {terms.first_months} mois : "
            + ", ".join(parts[:-1])
            + (" et " if len(parts) > 1 else "")
            + parts[-1]
            + " (complété par l'acheteur à l'attribution)",
            "",
            "",
            "",
        ),
        (
            "chaque reconduction de 12 mois : "
            + ("prix annuels du BPU" if yearly else "prestations de la période")
            + " (complété par l'acheteur à l'attribution)",
            "",
            "",
            "",
        ),
    ]


def _price_rule(terms: DceTerms) -> Paragraph:
    """Who fills which price row: the bidder its offer, the buyer the amount it contracts."""
    base = "le total de la partie ferme" if terms.on_order else "le total de l'offre de base"
    if not terms.options:
        return para(
            "Le candidat complète chaque ligne et les totaux de l'offre de base ; "
            f"{base} est le montant du marché"
            + (
                ". À l'attribution, l'acheteur complète le montant de chaque période, sur lequel "
                "l'avance est calculée et le plafond des pénalités mesuré."
                if terms.renewable
                else "."
            )
        )
    return para(
        "Le candidat complète les lignes de l'offre de base, leurs totaux et le prix de chaque "
        "prestation supplémentaire éventuelle, sans les additionner. À l'attribution, l'acheteur "
        f"coche en partie A les PSE qu'il retient et complète la ligne du montant du marché : {base} "
        "augmenté du prix des seules PSE retenues"
        + (
            ", puis le montant de chaque période, sur lequel l'avance est calculée et le plafond "
            "des pénalités mesuré."
            if terms.renewable
            else "."
        )
    )


def _duration(terms: DceTerms) -> Paragraph:
    return para(*terms.duration_sentence(), " ", *terms.delivery_sentence())


def _holder_signature() -> Article:
    article = Article("C", "Signature du marché public par le titulaire individuel")
    article.blocks.append(
        table(
            ("Nom, prénom et qualité du signataire", "Lieu et date de signature", "Signature"),
            [("", "", "")],
            (40, 30, 30),
            caption="Signature du titulaire",
            row_height_mm=SIGNATURE_ROW_MM,
        )
    )
    return article


def _group_signature() -> Article:
    article = Article("D", "Signature du marché public en cas de groupement")
    article.blocks += [
        para(
            "Les membres du groupement désignent comme mandataire l'opérateur identifié en B.1, qui les "
            f"représente auprès de l'acheteur. Le mandataire est habilité à : {BOX} signer le présent "
            f"acte d'engagement en leur nom ; {BOX} signer les modifications ultérieures du marché."
        ),
        table(
            (
                "Membre du groupement",
                "Nom, prénom et qualité du signataire",
                "Lieu, date et signature",
            ),
            [("", "", ""), ("", "", ""), ("", "", "")],
            (34, 33, 33),
            caption="Signature des membres du groupement",
            row_height_mm=SIGNATURE_ROW_MM,
        ),
    ]
    return article


def _buyer(terms: DceTerms) -> Article:
    body = terms.selection.answers.collectivity
    contract = terms.terms
    accountant = contract.accountant or default_accountant(body.designation)
    article = Article("E", "Identification et signature de l'acheteur")
    article.blocks += [
        para(
            "Acheteur : ",
            fact(Fact.BUYER, body.designation),
            (f", {body.address}" if body.address else "") + ".",
        ),
        para(f"Signataire du marché : {terms.signatory} de {body.designation}, dûment habilité."),
    ]
    if terms.joint_purchasing:
        article.blocks += [
            para(
                "Chaque membre du groupement de commandes paie la part du marché que lui attribue "
                f"l'annexe {MEMBERS_ANNEX} du CCAP (onglet « Répartition par membre » de la "
                "DPGF-BPU). L'ordonnateur de chaque membre donne les renseignements relatifs aux "
                "nantissements et cessions de créances pour sa part ; le comptable assignataire de "
                f"chaque membre est désigné à l'annexe {MEMBERS_ANNEX} du CCAP ou, s'il n'y "
                "figure pas, communiqué au titulaire avec la notification. Pour la part du "
                f"coordonnateur : ordonnateur, {terms.signatory} de {body.designation} ; comptable "
                f"assignataire, {accountant}."
            ),
        ]
    else:
        article.blocks += [
            para(
                "Personne habilitée à donner les renseignements relatifs aux nantissements et "
                f"cessions de créances : {terms.signatory} de {body.designation}."
            ),
            para(f"Comptable assignataire des paiements : {accountant}."),
        ]
    article.blocks += [
        para(
            "Imputation budgétaire"
            + (", pour chaque membre sur la part qu'il paie" if terms.joint_purchasing else "")
            + " :"
        ),
        entries(*imputation_lines(terms)),
    ]
    if terms.joint_purchasing:
        article.blocks.append(
            para(
                f"{body.designation[0].upper()}{body.designation[1:]} signe en qualité de coordonnateur "
                "du groupement de commandes, au nom de ses membres, en application de la convention "
                "constitutive."
            )
        )
    article.blocks += [
        table(
            ("Décision de l'acheteur", "Lieu et date", "Signature"),
            [("La présente offre est acceptée.", "", "")],
            (40, 30, 30),
            caption="Signature de l'acheteur",
            row_height_mm=SIGNATURE_ROW_MM,
        ),
    ]
    if terms.options:
        article.blocks.append(
            info(
                "Avant de signer, l'acheteur coche en partie A les prestations supplémentaires "
                "éventuelles qu'il retient et reporte en partie B.1 le montant du marché."
            )
        )
    return article


def _pledge(on_order: bool) -> Article:
    """The unique copy for a credit institution; a purchase order is named only where the
    contract issues some (review of 1 December 2026, n° 11)."""
    order = f"{BOX} la totalité du bon de commande n° … ; " if on_order else ""
    article = Article("F", "Nantissement ou cession de créances")
    article.blocks += [
        para(
            "Copie délivrée en unique exemplaire pour être remise à l'établissement de crédit en cas "
            f"de cession ou de nantissement de créance de : {BOX} la totalité du marché ; "
            f"{order}{BOX} la partie des prestations évaluée à … € TTC, "
            f"exécutée par … en qualité de {BOX} membre d'un groupement {BOX} sous-traitant."
        ),
        table(
            ("Lieu et date", "Signature de l'acheteur"),
            [("", "")],
            (50, 50),
            caption="Exemplaire unique",
        ),
    ]
    return article
