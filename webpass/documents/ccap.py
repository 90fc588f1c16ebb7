"""The cahier des clauses administratives particulières (CCAP), built from the dossier.

Same document model as the CCTP (numbered articles holding blocks), rendered by the same
renderers. It refers expressly to the CCAG-TIC 2021 and lists its derogations in its last
article (CCAG-TIC, article 1.2). Under the dispense threshold it is the simplified CCAP of a
consultation by quotes: the same articles, in fewer words, so the CCTP cites the same numbers.
"""

from __future__ import annotations

from decimal import Decimal

from webpass.core.money import format_eur
from webpass.documents.award_pieces import vigilance_due, vigilance_renewal
from webpass.documents.buyer_powers import buyer_powers, buyer_powers_intro
from webpass.documents.ccap_closing import closing_articles
from webpass.documents.ccap_execution import data_annex, execution_articles
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.ccap_support import CcapContext
from webpass.documents.cctp import Article, CctpDocument, Run
from webpass.documents.facts import Fact, fact
from webpass.documents.instalments import PHASE_VALUE_RULE, instalment_entries, instalment_lead
from webpass.documents.members import MEMBERS_ANNEX, members_annex
from webpass.documents.order_rule import contract_amount_rule, order_rule
from webpass.documents.phases import build_phase, delivery_rule, modification_route
from webpass.documents.price_phases import priced_by_phase
from webpass.documents.pse import pse_rule
from webpass.documents.sharing import sharing_rule
from webpass.documents.takeover import late_pages_payment
from webpass.documents.terms import (
    ADVANCE_THRESHOLD,
    DceTerms,
    PriceKind,
    PriceLine,
    ProcedureKind,
    dce_terms,
)
from webpass.documents.typography import date_fr
from webpass.documents.writing import entries, info, para
from webpass.dossier.service_period import planned_service
from webpass.selection.engine import Selection

__all__ = ["build_ccap", "ccap_document", "setup_parts"]

CPV_WEBSITE = "72413000-8 (services de conception de sites web)"


def build_ccap(selection: Selection) -> CctpDocument:
    """The CCAP of a selection."""
    return ccap_document(dce_terms(selection))


def ccap_document(terms: DceTerms) -> CctpDocument:
    """The CCAP from the terms of the DCE."""
    context = CcapContext(terms)
    articles = [
        _object(context),
        _pieces(context),
        _form(context),
        _duration(context),
        _prices(context),
        _payment(context),
        *execution_articles(context),
    ]
    articles += closing_articles(context)
    numbers = [a.number for a in articles]
    expected = [a.number for a in CcapArticle]
    if numbers != expected:  # the CCTP cites these numbers: the plan must hold
        raise AssertionError(f"plan du CCAP rompu : {numbers} au lieu de {expected}")
    title = "Cahier des clauses administratives particulières"
    return terms.piece(
        title + (" (simplifié)" if terms.simplified else ""),
        "CCAP",
        articles,
        [data_annex(context)] + ([members_annex(terms)] if terms.joint_purchasing else []),
    )


def _head(key: CcapArticle) -> Article:
    return Article(key.number, key.heading)


def _sub(parent: Article, title: str) -> Article:
    child = Article(f"{parent.number}.{len(parent.children) + 1}", title)
    parent.children.append(child)
    return child


def _object(context: CcapContext) -> Article:
    terms = context.terms
    body = terms.selection.answers.collectivity
    article = _head(CcapArticle.OBJECT)
    scope = _sub(article, "Objet")
    scope.blocks += [
        para(
            "Objet du marché : ",
            fact(Fact.OBJECT, terms.object),
            ". Le marché comprend la conception graphique, la réalisation, la mise en ligne, l'hébergement, "
            "la maintenance du site et la formation de ses utilisateurs, décrites par le cahier des "
            "clauses techniques particulières (CCTP).",
        ),
        para("Référence de la consultation : ", fact(Fact.REFERENCE, terms.reference), "."),
        para(
            f"Classification principale (vocabulaire commun des marchés publics) : {CPV_WEBSITE}."
        ),
    ]
    buyer = _sub(article, "Acheteur")
    identity: list[str] = []
    if body.address:
        identity.append(body.address)
    if body.siren:
        identity.append(f"SIREN {body.siren}")
    elif body.insee:
        identity.append(f"code INSEE {body.insee}")
    buyer.blocks.append(
        para(
            "L'acheteur est ",
            fact(Fact.BUYER, body.designation),
            (f" ({', '.join(identity)})" if identity else "")
            + f", représentée par {terms.representative}, dûment habilité.",
        )
    )
    if terms.groupement:
        buyer.blocks.append(para(*setup_parts(terms)))
    if terms.joint_purchasing:
        # Word for word the convention's list (article 3): « l'acheteur » of the CCAG-TIC is
        # otherwise the coordinator alone, against what each member does for its own part.
        buyer.blocks += [
            para(buyer_powers_intro(body.designation)),
            entries(*buyer_powers(terms)),
        ]
    holder = _sub(article, "Titulaire")
    holder.blocks.append(
        para(
            "Le titulaire est l'opérateur économique, ou le groupement d'opérateurs économiques, "
            "désigné dans "
            + ("le devis signé." if terms.simplified else "l'acte d'engagement.")
            + " Un groupement peut être conjoint ou solidaire ; s'il est conjoint, son mandataire est "
            "solidaire de chacun des membres pour l'exécution du marché."
        )
    )
    _environment(context, _sub(article, "Conditions d'exécution environnementales"))
    return article


def _environment(context: CcapContext, article: Article) -> None:
    # Since the loi Climat et résilience (art. 35), every contract's conditions of execution take
    # environmental considerations into account (L2112-2); the wording is shared with the RC and
    # the CCTP (webpass.compare.environment), so the three pieces say the same thing.
    from webpass.compare.environment import environmental_terms

    article.blocks.append(para(environmental_terms(context.terms.selection).condition))


def setup_parts(terms: DceTerms) -> tuple[str | Run, ...]:
    """The one sentence that states who buys for a groupement (CCAP, RC)."""
    body = terms.selection.answers.collectivity
    if terms.joint_purchasing:
        members = ", ".join(terms.joining_members)
        return (
            "Le marché est passé par un ",
            fact(Fact.SETUP, "groupement de commandes"),
            f" constitué entre {body.designation} et les communes de {members} (articles L2113-6 et "
            "L2113-7 du Code de la commande publique). La convention constitutive, jointe au dossier "
            f"de consultation, désigne {body.designation} comme coordonnateur : il signe et notifie le "
            "marché au nom de tous les membres et en suit l'exécution ; chaque membre paie les "
            "prestations qui le concernent. L'annexe "
            + MEMBERS_ANNEX
            + " du CCAP désigne chaque membre, ses identifiants, ses sites et besoins, son "
            "ordonnateur, son comptable assignataire et la part du marché qu'il paie.",
        )
    return (
        "Le marché est passé par ",
        fact(Fact.SETUP, f"{body.designation} seule"),
        ", pour l'exercice de ses compétences, et exécuté sous sa seule responsabilité. Les "
        "communes membres ne sont pas parties au marché ; elles s'adressent au titulaire par "
        "l'intermédiaire du chef de projet désigné par le groupement.",
    )


def _pieces(context: CcapContext) -> Article:
    terms = context.terms
    article = _head(CcapArticle.PIECES)
    first = (
        "le formulaire de devis du dossier de consultation, complété et signé par le titulaire, "
        "avec les prix qu'il y porte ;"
        if terms.simplified
        else "l'acte d'engagement (formulaire ATTRI1) et ses annexes financières : la décomposition du "
        "prix global et forfaitaire (DPGF) et le bordereau des prix unitaires (BPU) ;"
    )
    article.blocks += [
        para(
            "Les pièces constitutives du marché sont les suivantes. En cas de contradiction entre "
            "leurs stipulations, elles prévalent dans l'ordre où elles sont énumérées ("
            + context.source("4")
            + ") :"
        ),
        entries(
            first,
            "le présent cahier des clauses administratives particulières (CCAP) et "
            + (
                "ses annexes : A1 (description des traitements de données personnelles) et "
                f"{MEMBERS_ANNEX} (membres du groupement de commandes) ;"
                if terms.joint_purchasing
                else "son annexe A1 (description des traitements de données personnelles) ;"
            ),
            "le cahier des clauses techniques particulières (CCTP) et ses annexes ;",
            f"le {terms.data.ccag.title}, approuvé par l'{terms.data.ccag.order} ;",
            "l'offre technique du titulaire : le cadre de réponse complété et le mémoire technique ;",
            "les actes spéciaux de sous-traitance postérieurs à la notification.",
            ordered=True,
        ),
        para(
            "Le présent marché se réfère expressément au CCAG-TIC ("
            + context.source("1.1")
            + ") ; les articles auxquels il y déroge sont récapitulés à "
            + context.ccap(CcapArticle.DEROGATIONS)
            + ". La présente liste est la seule qui fixe l'ordre de priorité des pièces ; les autres "
            "pièces y renvoient. Aucun document propre au titulaire (devis établi sur son propre "
            "modèle, conditions générales de vente, conditions de licence ou d'hébergement) n'est une "
            "pièce du marché : joint à l'offre, il vaut seulement information et ne déroge à aucune "
            "pièce ci-dessus."
        ),
    ]
    return article


def _form(context: CcapContext) -> Article:
    terms = context.terms
    article = _head(CcapArticle.FORM)
    if not terms.options:
        # Without a PSE, the title would announce what the article only denies (review of
        # 1 December 2026, small commune n° 25): the one sentence that says so is enough.
        article.title = "Forme du marché"
    basis = {
        ProcedureKind.QUOTES: "Le marché est passé sans publicité ni mise en concurrence préalables "
        "(article R2122-8 du Code de la commande publique), après consultation de plusieurs "
        "prestataires.",
        ProcedureKind.ADAPTED: "Le marché est passé selon une procédure adaptée (articles L2123-1 et "
        "R2123-1 du Code de la commande publique).",
        ProcedureKind.FORMAL: "Le marché est passé selon une procédure formalisée.",
    }[terms.procedure]
    article.blocks += [
        para(basis),
        para(
            "Le marché n'est pas alloti : la conception, la réalisation, l'hébergement et la "
            "maintenance du site forment un ensemble dont la dévolution à plusieurs titulaires "
            "rendrait l'exécution techniquement plus difficile et plus coûteuse (article L2113-11 du "
            "Code de la commande publique). Il ne comporte pas de tranches. Les variantes ne sont pas "
            "admises."
        ),
    ]
    parts = _parts(context)
    article.blocks += [para("Le marché comprend :"), entries(*parts)]
    if terms.on_order:
        article.blocks.append(
            para(
                "Chaque bon de commande précise les prestations, leur quantité, leur prix calculé sur "
                f"le {terms.unit_piece} et le délai d'exécution ; il est émis "
                + (
                    "par le membre du groupement de commandes qui a besoin des prestations, qui le "
                    f"paie en entier (annexe {MEMBERS_ANNEX}), "
                    if terms.joint_purchasing
                    else "par l'acheteur "
                )
                + f"sans devis préalable, les prix étant ceux du {terms.unit_piece}. Les quantités "
                "estimées des prestations à bons de commande servent à comparer les offres et "
                "n'engagent pas l'acheteur ; les quantités fermes du "
                f"{terms.unit_piece} l'engagent."
            )
        )
        article.blocks.append(para(fact(Fact.ORDER_RULE, order_rule(terms))))
        article.blocks.append(para(fact(Fact.CONTRACT_AMOUNT, contract_amount_rule())))
    # A quote request without PSE says nothing of PSE nor of a « solution de base » (review of
    # 1 December 2026, M10); a MAPA's pieces state the rule either way.
    if terms.options or not terms.simplified:
        article.blocks.append(para(fact(Fact.PSE_RULE, pse_rule(terms.selection))))
    if terms.options:
        article.blocks.append(
            entries(
                *((fact(Fact.PSE, f"{item_id} — {title}"),) for item_id, title in terms.options)
            )
        )
    return article


def _in_sentence(title: str) -> str:
    """A title inside a sentence: its first letter only lowered, so that the acronyms and
    requirement ids it names keep their case (« exigence L01 », « FranceConnect »)."""
    return title[:1].lower() + title[1:]


def _unit_part(line: PriceLine, piece: str) -> str:
    """A unit price with its quantity: firm, or estimated and paid as executed up to its
    ceiling, beyond which the buyer needs a modification (reviews R2 and N1: « quantités
    fermes » then « quantité estimée » in the same sentence, and no ceiling)."""
    head = f"{_in_sentence(line.title)} ({line.item_id} : "
    maximum = line.measure.maximum if line.measure is not None else None
    if maximum is None:
        return (
            head + f"quantité ferme de {line.quantity} × {line.unit}, au prix unitaire du {piece})"
        )
    return head + (
        f"quantité estimée de {line.quantity} × {line.unit}, au prix unitaire du {piece}, payée "
        f"aux unités exécutées dans la limite de {maximum} ; l'achat d'unités au-delà "
        f"{modification_route()})"
    )


def _parts(context: CcapContext) -> list[str | tuple[str | Run, ...]]:
    """The parts of the contract by way of pricing, each with the piece its prices are in."""
    terms = context.terms
    parts: list[str | tuple[str | Run, ...]] = [
        f"une partie à prix global et forfaitaire : la réalisation du site ({terms.lump_sum_piece}) ;"
    ]
    units = [line for line in terms.price_lines if line.kind is PriceKind.UNIT]
    if units:
        parts.append(
            "une partie à prix unitaires : "
            + ", ".join(_unit_part(line, terms.unit_piece) for line in units)
            + " ;"
        )
    yearly = [line for line in terms.price_lines if line.kind is PriceKind.YEARLY]
    if yearly:
        parts.append(
            "une partie à prix forfaitaires annuels : l'hébergement, l'exploitation et la "
            "maintenance du site, de sa mise en ligne au terme du marché ("
            + terms.unit_piece
            + " : "
            + ", ".join(line.item_id for line in yearly)
            + f", {_yearly_span(terms, yearly[0])}, payés pour les mois de service selon "
            + context.ccap(CcapArticle.PRICES)
            + ") ;"
        )
    if terms.on_order and terms.order_maximum is not None:
        parts.append(
            (
                "une partie exécutée par bons de commande, sans minimum et avec un montant maximum de ",
                fact(Fact.ORDER_MAXIMUM, format_eur(terms.order_maximum)),
                " sur toute la durée du marché (accord-cadre à bons de commande, articles R2162-2 et "
                "R2162-13 à R2162-14 du Code de la commande publique), pour les prestations à la "
                f"demande du {terms.unit_piece} : "
                + ", ".join(
                    f"{_in_sentence(line.title)} ({line.item_id} : quantité estimée de {line.quantity} × "
                    f"{line.unit}, qui n'engage pas l'acheteur)"
                    for line in terms.on_order
                )
                + ".",
            )
        )
    last = parts[-1]
    if isinstance(last, str):
        parts[-1] = last.removesuffix(" ;") + "."
    return parts


def _duration(context: CcapContext) -> Article:
    terms = context.terms
    # Longer than the reversibility window (phases.REVERSIBILITY_MONTHS), so the contractor
    # confirms its plan before the reversibility starts (catalogue: 4 to 9 months).
    notice = terms.values("A09").get("preavis_mois", 6)
    article = _head(CcapArticle.DURATION)
    article.blocks.append(para(*terms.duration_sentence()))
    if terms.renewable:
        article.blocks.append(
            para(
                "Le titulaire ne peut pas refuser la reconduction (article R2112-4 du Code de la "
                "commande publique). L'acheteur qui ne reconduit pas le marché en informe le titulaire "
                f"par lettre recommandée avec accusé de réception au moins {notice} mois avant la fin "
                "de la période en cours."
            )
        )
    article.blocks += [
        para(
            fact(Fact.DELIVERY_RULE, delivery_rule(terms.selection)),
            " Ce sont les délais d'exécution du titulaire : les pénalités de retard de "
            + context.ccap(CcapArticle.PENALTIES)
            + " courent à compter de leur expiration.",
        ),
        para(fact(Fact.BUILD_PHASE, build_phase(terms.selection))),
        para(
            (
                "Le délai d'exécution de chaque bon de commande est celui du bon de commande. "
                if terms.on_order
                else ""
            )
            + "Les délais peuvent être prolongés dans les conditions prévues par le CCAG-TIC."
        ),
    ]
    if terms.on_order and terms.months > 48:
        article.blocks.append(
            info(
                "Attention : la partie à bons de commande ne peut pas dépasser quatre ans (article "
                "L2125-1 du Code de la commande publique) ; ramenez la durée du marché à 48 mois."
            )
        )
    return article


def _prices(context: CcapContext) -> Article:
    terms = context.terms
    month = date_fr(terms.deadline).split("\u00a0", 1)[1]
    share = terms.terms.fixed_share
    variable = 1 - share
    article = _head(CcapArticle.PRICES)
    article.blocks += [
        para(
            "Les prix sont hors taxes ; la TVA est appliquée au taux en vigueur lors du fait "
            "générateur. Ils comprennent toutes les charges du titulaire : déplacements, licences des "
            "composants listés dans son offre, droits cédés en application de "
            + context.ccap(CcapArticle.PROPERTY)
            + ", assistance et documentation. Aucune licence, aucun abonnement ni aucune "
            "redevance n'est dû au titulaire en dehors des prix du marché ; ceux qui reviennent "
            "chaque année sont compris dans les prix annuels."
        ),
        para(
            "Les prix sont établis aux conditions économiques du mois de la date limite de remise des "
            f"offres, soit {month} (« mois zéro »). Les offres sont valables ",
            fact(Fact.OFFER_VALIDITY, terms.offer_validity_text),
            " à compter de cette date limite.",
        ),
        para(
            (
                "Le prix global et forfaitaire de la réalisation et les prix unitaires de ses "
                f"quantités ({_ids(_firm_units(terms))}) sont fermes. Ils sont actualisés"
                if _firm_units(terms)
                else "Le prix global et forfaitaire de la réalisation est ferme. Il est actualisé"
            )
            + " si plus de "
            "trois mois s'écoulent entre le mois zéro et le début d'exécution (articles R2112-9 et "
            "R2112-10 du Code de la commande publique), par la formule P = P0 × S(d−3) / S0, où S0 est "
            "l'indice Syntec du mois zéro et S(d−3) celui du troisième mois qui précède le début "
            "d'exécution."
        ),
        para(
            "Les prix forfaitaires annuels"
            + (
                " et les prix unitaires des prestations à la demande sont révisables"
                if terms.on_order
                else " sont révisables"
            )
            + " à chaque date anniversaire de la notification, par la formule "
            f"P = P0 × ({share:.2f} + {variable:.2f} × S / S0)".replace(".", ",")
            + ", où P0 est le prix du mois zéro, S0 l'indice Syntec du mois zéro et S le dernier indice "
            "Syntec publié à la date anniversaire. L'indice Syntec est publié par la Fédération "
            "Syntec ; s'il disparaît, l'indice qui lui succède s'applique."
        ),
    ]
    yearly = [line for line in terms.price_lines if line.kind is PriceKind.YEARLY]
    if yearly:
        article.blocks.append(para(yearly_prorata(terms)))
    article.blocks += [para(text) for text in review_clause(terms)]
    return article


# The review clause's ceiling, as a share of the total of the base offer.
REVIEW_CEILING = Decimal("0.10")


def review_clause(terms: DceTerms) -> list[str]:
    """The review clause (R2194-1) that gives the quote form's unit prices for later changes a
    contractual basis: what may be ordered, how, at which prices and up to which amount."""
    prices = terms.data.complementary
    if not prices or not any(line.covers for line in terms.price_lines):
        return []
    what = " ; ".join(
        f"{_in_sentence(price.designation)} (prix par {price.unit})" for price in prices
    )
    return [
        "Les prix unitaires des évolutions portés au formulaire de devis sont établis au mois zéro "
        "et révisables dans les mêmes conditions que les prix forfaitaires annuels.",
        "Clause de réexamen (article R2194-1 du Code de la commande publique). Pendant toute la "
        "durée du marché, l'acheteur peut commander au titulaire les prestations supplémentaires "
        f"suivantes, et elles seules : {what}. Chaque commande fait l'objet d'un ordre de service "
        "écrit qui en fixe la nature, la quantité, le montant et le délai d'exécution ; aucune "
        "prestation supplémentaire n'est payée sans cet ordre. Ces prestations sont payées aux "
        "prix unitaires des évolutions, révisés selon le présent article. Leur montant cumulé ne peut "
        "dépasser 10 % du montant total hors taxes du marché, c'est-à-dire du total HT du devis "
        "retenu ; elles ne modifient pas la nature globale du marché. Au-delà, "
        "le marché ne peut être modifié que dans les autres cas prévus aux articles R2194-2 à "
        "R2194-9 du même code.",
    ]


def _firm_units(terms: DceTerms) -> list[PriceLine]:
    """The unit prices of firm quantities (the communes' own sites, their pages taken over):
    part of the build, so firm and paid with its instalments, as the lump sum is."""
    return [line for line in terms.price_lines if line.kind is PriceKind.UNIT]


def _ids(lines: list[PriceLine]) -> str:
    return ", ".join(line.item_id for line in lines)


def _yearly_span(terms: DceTerms, line: PriceLine) -> str:
    """« 3,3333 ans de service prévus (40 mois ÷ 12), de la mise en ligne visée au terme », or the whole term when
    the dossier gives no going online."""
    shown = line.measure.shown if line.measure else str(line.quantity)
    service = planned_service(terms.selection.answers)
    if service.from_go_live:
        return (
            f"{shown} ans de service prévus ({service.months} mois ÷ 12), de la mise en ligne "
            "visée au terme"
        )
    return f"{shown} ans, durée du marché reconductions comprises"


def yearly_prorata(terms: DceTerms) -> str:
    """The one rule that pays a yearly price for the months it actually runs."""
    yearly = [line for line in terms.price_lines if line.kind is PriceKind.YEARLY]
    ids = ", ".join(line.item_id for line in yearly)
    service = planned_service(terms.selection.answers)
    years = yearly[0].measure.shown if yearly and yearly[0].measure else str(service.years)
    counted = (
        "la durée de service prévue, de la mise en ligne visée au terme du marché"
        if service.from_go_live
        else "la durée du marché"
    )
    return (
        f"Un prix forfaitaire annuel ({ids}) rémunère douze mois de service. Le service court de la "
        "mise en ligne au terme du marché : chaque mois entamé est payé un douzième du prix annuel, "
        "la première et la dernière période incomplètes comprises. La quantité de "
        f"{years} ans{f' ({service.months} mois ÷ 12)' if service.from_go_live else ''} portée "
        f"au {terms.unit_piece} est {counted} ; elle sert à comparer les "
        "offres et n'est pas une durée de service garantie : seuls les mois de service exécutés "
        "sont payés."
    )


def advance_refund(terms: DceTerms) -> str:
    """How the advance is refunded, under articles R2191-11 and R2191-12 as in force in 2026.

    The contract sets the rhythm (R2191-11, first paragraph): it starts when the services
    executed reach 65 % of the amount the advance was computed on, the point the Code sets for an
    advance of 30 % or less, and ends at 80 %, where R2191-12 requires it to be complete for an
    advance under 80 % (the rate is between 5 and 30 %, see ``ContractTerms.advance_rate``), and
    R2191-19 for an order of an accord-cadre without minimum. Texts read in December 2026:
    R2191-11 (current version) on juriblio.fr, R2191-12 on lexbase.fr, R2191-15 and R2191-16 on
    code-commande-publique.com, R2191-18 on marche-public.fr, R2191-19 on a copy of Légifrance. Décret n° 2025-1383 is
    reported to have clarified the refund from 1 January 2026; its own text was not read.
    """
    # The 65 % start is this contract's choice (R2191-11 leaves the rhythm to the contract); the
    # 80 % end is R2191-12's. The base is the period's amount the AE states (review of
    # 1 December 2026, n° 19), not « the amount it was computed on » (12 × amount ÷ months).
    if terms.renewable:
        base = "du montant toutes taxes comprises de la période" + (
            "" if terms.simplified else " indiqué à l'acte d'engagement"
        )
    else:
        base = "du montant toutes taxes comprises du marché"
    if terms.on_order:
        base += " ou, pour un bon de commande, de son montant"
    text = (
        "L'avance est remboursée par précompte sur les sommes dues au titulaire à titre "
        "d'acomptes, de règlements partiels définitifs ou de solde, au rythme que fixe le présent "
        "CCAP (article R2191-11) : le remboursement commence lorsque le montant toutes taxes "
        f"comprises des prestations exécutées atteint 65 % {base} ; chaque précompte est alors "
        "proportionnel aux prestations exécutées au-delà de ce seuil, de sorte que le "
        "remboursement est achevé lorsqu'elles atteignent 80 % de ce montant (article R2191-12"
        + (" ; article R2191-19 pour un bon de commande)." if terms.on_order else ").")
    )
    if terms.joint_purchasing:
        text += (
            " Dans le groupement de commandes, chaque membre verse l'avance sur la part du marché "
            "qu'il paie et la précompte sur ses propres paiements."
        )
    return text


def _payment(context: CcapContext) -> Article:
    terms = context.terms
    rate = _rate(terms)
    article = _head(CcapArticle.PAYMENT)
    advance = _sub(article, "Avance")
    if not terms.advance_offered:
        advance.blocks.append(para(_no_advance(terms)))
    elif not terms.mandatory_advance:
        advance.blocks += [
            para(
                "Bien que le Code de la commande publique ne l'impose pas pour un marché de ce "
                "montant (article R2191-3), une avance est versée au titulaire, sauf s'il y renonce "
                "dans son devis. Son montant est de ",
                fact(Fact.ADVANCE_RATE, rate),
                " du montant initial toutes taxes comprises ou, si la durée du marché dépasse "
                "douze mois, d'une somme égale à douze fois ce montant divisé par la durée en mois "
                "(article R2191-7). Aucune garantie n'est exigée.",
            ),
            para(advance_refund(terms)),
        ]
    else:
        _advance_blocks(terms, advance, rate)
    _schedule(terms, _sub(article, "Règlement des prestations"))
    _invoicing(terms, _sub(article, "Facturation et délai de paiement"))
    return article


def _no_advance(terms: DceTerms) -> str:
    # The estimate is the buyer's and is never printed in a piece sent to bidders.
    threshold = format_eur(ADVANCE_THRESHOLD).replace(",00", "")
    return (
        f"Le marché est estimé en deçà de {threshold}, seuil au-delà duquel le Code de la commande "
        "publique impose une avance (article R2191-3) : il ne prévoit pas d'avance, et le "
        "formulaire de devis ne demande pas d'y renoncer. "
        + (
            # A renewable contract's threshold and base are those of each period (R2191-15),
            # not of the whole term the quote prices.
            "Si le montant de la période initiale, ou d'une reconduction, dépasse ce seuil et que "
            f"son délai d'exécution dépasse deux mois, l'avance de {_rate(terms)} prévue par les "
            "articles R2191-3 et suivants, calculée selon l'article R2191-7, est versée pour "
            "cette période (article R2191-15)."
            if terms.renewable
            else "Si le montant initial du marché dépasse ce seuil et que son délai d'exécution "
            f"dépasse deux mois, l'avance de {_rate(terms)} prévue par les articles R2191-3 et "
            "suivants est versée."
        )
        + " La réalisation est payée par les acomptes de l'article "
        f"{CcapArticle.PAYMENT.number}.2, au fil de ses étapes."
    )


def _rate(terms: DceTerms) -> str:
    return f"{terms.terms.advance_rate.normalize():f} %".replace(".", ",")


def _advance_blocks(terms: DceTerms, advance: Article, rate: str) -> None:
    advance.blocks += (
        para(
            "Une avance est versée au titulaire, sauf s'il y renonce "
            + ("dans son devis" if terms.simplified else "dans l'acte d'engagement")
            + ", lorsque le montant initial du marché est supérieur à 50 000 € HT et que son délai "
            "d'exécution dépasse deux mois (article R2191-3 du Code de la commande publique). Son "
            "montant est de ",
            fact(Fact.ADVANCE_RATE, rate),
            " du montant initial toutes taxes comprises ou, si la durée du marché dépasse douze mois, "
            "d'une somme égale à douze fois ce montant divisé par la durée en mois (article R2191-7)."
            + (
                " Le marché étant reconductible, l'avance est due pour chaque période dont le montant "
                "dépasse 50 000 € HT et calculée sur le montant toutes taxes comprises de cette "
                "période"
                + ("" if terms.simplified else ", indiqué à l'acte d'engagement")
                + " (article R2191-15)."
                if terms.renewable
                else ""
            )
            + " Aucune garantie n'est exigée.",
        ),
        para(advance_refund(terms)),
    )
    if terms.on_order:
        advance.blocks.append(
            para(
                "Pour la partie à bons de commande, l'avance est due pour chaque bon de commande d'un "
                "montant supérieur à 50 000 € HT et d'une durée supérieure à deux mois (articles "
                "R2191-16 à R2191-19)."
            )
        )


def _schedule(terms: DceTerms, schedule: Article) -> None:
    schedule.blocks += [
        para(instalment_lead(terms.selection)),
        entries(*instalment_entries(terms.selection)),
        *((para(PHASE_VALUE_RULE),) if priced_by_phase(terms.selection) else ()),
    ]
    units = _firm_units(terms)
    if units:
        schedule.blocks.append(
            para(
                f"Les prix unitaires de la réalisation ({_ids(units)}) suivent le même "
                "échéancier : chaque acompte comprend, à leur prix unitaire, les unités ("
                + ", ".join(f"{line.item_id} : {line.unit}" for line in units)
                + ") exécutées depuis l'acompte précédent, et le solde est payé à l'admission."
                + late_pages_payment(terms.selection)
            )
        )
    schedule.blocks += [
        para(
            "Deux acomptes ne sont jamais séparés de plus de trois mois (article R2191-22 du Code "
            "de la commande publique) : lorsque trois mois s'écoulent sans qu'une de ces étapes "
            "soit atteinte, le titulaire reçoit à la fin de ces trois mois un acompte égal à la "
            "valeur des prestations exécutées, déduite de l'acompte de l'étape suivante. Le "
            "titulaire qui est une petite ou moyenne entreprise, un artisan, une société "
            "coopérative ou une entreprise adaptée reçoit, à sa demande, un acompte chaque mois. "
            "Les prix forfaitaires annuels sont payés à terme échu, par trimestre, à partir de la "
            "mise en ligne, selon "
            + CcapContext.ccap(CcapArticle.PRICES)
            + " ; ce titulaire peut demander à les recevoir par mois."
            + (
                " Chaque bon de commande est payé après l'admission des prestations commandées."
                if terms.on_order
                else ""
            )
        ),
    ]
    if terms.joint_purchasing:
        schedule.blocks.append(
            para(
                sharing_rule(terms)
                + " L'annexe "
                + MEMBERS_ANNEX
                + " du présent CCAP, la convention constitutive du groupement et l'onglet "
                "« Répartition par membre » de la DPGF-BPU appliquent cette règle. Chaque membre est "
                "l'ordonnateur de ses dépenses, réglées par son comptable assignataire ; le titulaire "
                "adresse à chaque membre, pour la part qu'il paie, une facture distincte."
            )
        )


def _invoicing(terms: DceTerms, delay: Article) -> None:
    delay.blocks += [
        para(
            "Les factures sont transmises sous forme électronique sur le portail Chorus Pro "
            "(articles L2192-1 et suivants du Code de la commande publique). Elles rappellent la "
            "référence du marché"
            + (" et, le cas échéant, le numéro du bon de commande." if terms.on_order else ".")
        ),
        para(
            "Le délai global de paiement est de 30 jours (article R2192-10). Son dépassement fait "
            "courir de plein droit des intérêts moratoires, au taux de la Banque centrale européenne "
            "pour ses opérations principales de refinancement en vigueur au premier jour du semestre "
            "où ils commencent à courir, majoré de huit points, et ouvre droit à l'indemnité "
            "forfaitaire pour frais de recouvrement de 40 € (articles R2192-31 et D2192-35)."
        ),
    ]
    if vigilance_due(terms.selection):
        delay.blocks.append(para(vigilance_renewal()))
