"""The règlement de la consultation (RC): the rules of the consultation, published in the DCE.

It announces what the collectivity buys and how: the procedure, the pieces of the DCE, what
bidders return, the deadline, and the award criteria with their sub-criteria and weights (which
must be announced: CE, 18 juin 2010, Commune de Saint-Pal-de-Mons), the price formula and how
ties are broken. Built as a :class:`~webpass.documents.cctp.CctpDocument` (acronym « RC »), it goes
through the same renderers as the CCTP. Deadline: ``criteres.date_limite_offres``, else 30 days
after the launch date (:func:`webpass.compare.award.offers_deadline`).

The DCE bundle (:mod:`webpass.documents.dce`) includes it unless the consultation is by
quotes (a letter of consultation then takes its place); ``webpass rc`` writes it alone. Without
a ``criteres`` block the default criteria of :func:`webpass.compare.award.default_criteria` are
announced.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from webpass.compare.award import AwardCriteria, CriterionNature, criteria_of, offers_deadline
from webpass.compare.environment import environmental_terms
from webpass.compare.price_scoring import FORMULA_EXPRESSIONS, FORMULA_LABELS
from webpass.compare.scale import SCORED_ON
from webpass.core.money import format_eur, format_number
from webpass.documents.award_pieces import RC_AWARD_ARTICLE, award_pieces_blocks
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.cctp import (
    Article,
    Block,
    CctpDocument,
    ListBlock,
    Note,
    Paragraph,
    Run,
    TableBlock,
)
from webpass.documents.clarifications import clarification_dates
from webpass.documents.facts import Fact, fact
from webpass.documents.negotiation import (
    NegotiationRule,
    negotiated_irregular_rule,
    negotiation_rule,
    negotiation_texts,
)
from webpass.documents.offer_contents import (
    ELEMENTS_LEAD,
    element_entries,
    offer_entries,
    open_answers_rule,
)
from webpass.documents.offer_rules import (
    grid_integrity_rule,
    information_words,
    regularisation_rule,
)
from webpass.documents.order_rule import order_rule
from webpass.documents.procedure_kind import procedure_kind
from webpass.documents.pse import pse_rule
from webpass.documents.question import contract_information_ids
from webpass.documents.typography import date_fr, french_spacing
from webpass.documents.writing import entries, para
from webpass.dossier.answers import answers_to_yaml
from webpass.selection.engine import Selection

__all__ = [
    "TIE_DRAW",
    "award_article",
    "build_rc",
    "clock_fr",
    "consultation_object",
    "criteria_table",
    "irregularity_blocks",
    "quantities_words",
    "scale_table",
    "scoring_blocks",
    "tie_draw",
]

_PROCEDURE_BASIS = {
    "dispense": "La consultation est menée sans publicité ni mise en concurrence préalables obligatoires "
    "(article R2122-8 du Code de la commande publique). L'acheteur consulte néanmoins plusieurs prestataires "
    "et juge leurs offres selon les règles ci-dessous.",
    "mapa": "La consultation est passée selon une procédure adaptée, en application des articles L2123-1 "
    "et R2123-1 du Code de la commande publique.",
    "mapa_boamp": "La consultation est passée selon une procédure adaptée, en application des articles "
    "L2123-1 et R2123-1 du Code de la commande publique ; un avis d'appel public à la concurrence est publié "
    "au BOAMP ou dans un journal d'annonces légales et sur le profil d'acheteur.",
    "formalisee": "La consultation est passée par appel d'offres ouvert, en application des articles L2124-2 "
    "et R2124-2 du Code de la commande publique ; un avis est publié au BOAMP et au Journal officiel de "
    "l'Union européenne.",
}


def _p(text: str, bold: bool = False) -> Paragraph:
    return Paragraph((Run(french_spacing(text), bold=bold),))


def _entries(*texts: str) -> ListBlock:
    return ListBlock(tuple((Run(french_spacing(text)),) for text in texts))


def clock_fr(text: str) -> str:
    """``"12:00"`` → ``"12 h 00"``, ``"09:30"`` → ``"9 h 30"``."""
    hours, _, minutes = text.partition(":")
    return f"{int(hours)}\u00a0h\u00a0{minutes}"


def consultation_object(selection: Selection) -> str:
    """The object of the consultation, worded as the CCTP words it."""
    answers = selection.answers
    nature = "Création" if answers.project.nature.value == "creation" else "Refonte"
    level = selection.catalog.levels[answers.project.target_level].name.lower()
    return f"{nature} du site internet de {answers.collectivity.designation} — {level}"


def _points(value: int) -> str:
    return f"{value}\u00a0point{'s' if value >= 2 else ''}"


def criteria_table(criteria: AwardCriteria, options: bool = True) -> TableBlock:
    """Criteria, sub-criteria, weights and how each is judged."""
    rows: list[tuple[str, ...]] = []
    for criterion in criteria.criteria:
        rows.append(
            (
                criterion.name,
                "",
                _points(criterion.weight),
                _judged(criterion.description, criterion.nature, criteria, options),
            )
        )
        for sub in criterion.sub_criteria:
            rows.append(
                (
                    "",
                    sub.name,
                    _points(sub.weight),
                    _judged(sub.description, sub.nature, criteria, options),
                )
            )
    return TableBlock(
        ("Critère", "Sous-critère", "Points", "Ce qui est apprécié"),
        tuple(tuple(french_spacing(cell) for cell in row) for row in rows),
        (21, 23, 11, 45),
        caption="Critères de jugement des offres et leur pondération (sur 100 points)",
    )


def _judged(
    description: str | None,
    nature: CriterionNature | None,
    criteria: AwardCriteria,
    options: bool,
) -> str:
    if nature is CriterionNature.PRICE:
        what = (
            "Montant HT de la solution de base et des PSE retenues"
            if options
            else "Montant HT de l'offre"
        )
        return f"{what}, noté selon la {FORMULA_LABELS[criteria.price_formula]}."
    if nature is None:
        return description or "Voir les sous-critères"
    method = f"Noté {SCORED_ON}, sur le barème de 0 à {criteria.top}"
    return f"{description} {method}." if description else f"{method}."


def scale_table(criteria: AwardCriteria) -> TableBlock:
    """The scoring scale: each level, its name and what earns it."""
    return TableBlock(
        ("Niveau", "Appréciation", "Ce qui vaut ce niveau"),
        tuple(
            (str(level.level), french_spacing(level.label), french_spacing(level.description))
            for level in criteria.levels
        ),
        (10, 20, 70),
        caption=f"Barème de notation des sous-critères techniques (niveaux de 0 à {criteria.top})",
    )


def _has_options(selection: Selection) -> bool:
    return any(s.is_pse for s in selection.items)


def _plain(value: Decimal) -> str:
    """« 12 », « 7,5 »: a number of points without useless decimals."""
    text = format_number(value)
    return text[:-3] if text.endswith(",00") else text.rstrip("0")


def scoring_blocks(
    criteria: AwardCriteria, selection: Selection, with_pse: bool = True, quotes: bool = False
) -> list[Block]:
    """How the criteria are scored, for the RC (and reminded in the RAO, whose PSE have an article).

    ``quotes``: worded for the consultation letter, which has no article 7 to cite and whose
    prices are those of the quote form.
    """
    judged = [leaf for leaf in criteria.leaves() if leaf.judged]
    top = criteria.top
    has_options = _has_options(selection)
    blocks: list[Block] = []
    if judged:
        example = judged[0]
        level = min(4, top)
        blocks += [
            _p(
                f"{'Chaque sous-critère' if len(judged) > 1 else 'Le sous-critère'} de la valeur technique "
                f"est noté {SCORED_ON} par un niveau entier de 0 à {top} du barème ci-dessous ; "
                "le niveau retenu et son motif figurent dans le rapport d'analyse des offres. Un sous-critère "
                f"rapporte son nombre de points multiplié par le niveau obtenu et divisé par {top} : par "
                f"exemple, le niveau {level} sur « {example.name} » ({_points(example.weight)}) rapporte "
                f"{_plain(Decimal(example.weight) * level / top)} points."
            ),
            scale_table(criteria),
        ]
    terms = environmental_terms(selection)
    if terms.criterion:
        blocks.append(_p(terms.criterion))
    blocks.append(
        _p(
            "La conformité au CCTP n'est pas notée : une offre qui ne satisfait pas une exigence obligatoire "
            f"est irrégulière{'' if quotes else ' (article 7.1)'} ; toutes les offres notées satisfont "
            "donc les mêmes exigences."
        )
    )
    if judged:
        blocks.append(_beyond(len(judged)))
    price = criteria.price_leaf
    expression = FORMULA_EXPRESSIONS[criteria.price_formula].format(n=price.weight)
    if with_pse:
        blocks.append(_p(pse_rule(selection)))
    blocks += [
        _p(
            f"« {price.name} » ({_points(price.weight)}) : le prix jugé est le montant HT "
            + ("de la solution de base augmentée des PSE retenues" if has_options else "de l'offre")
            + (
                " : somme des montants du formulaire de devis, chaque prix multiplié par la "
                "quantité que le formulaire indique. Il est noté selon la "
                if quotes
                else " : prix forfaitaires (DPGF) et prix unitaires du BPU multipliés par leurs "
                f"quantités {quantities_words(selection)}. Il est noté selon la "
            )
            + f"{FORMULA_LABELS[criteria.price_formula]} : {expression}."
        ),
        _p(
            "Les points de prix sont arrondis au centième ; les points de valeur technique sont exacts, "
            "sans arrondi. Les "
            "offres sont classées par ordre décroissant de note totale. En cas d'égalité de note totale, "
            "l'offre au prix le plus bas est classée la première ; à prix égal, celle qui a la meilleure "
            "note au premier "
            + (
                "sous-critère du tableau ci-dessus"
                if quotes
                else "sous-critère du tableau de l'article 7.2"
            )
            + ", puis au suivant. "
            + tie_draw(quotes)
        ),
    ]
    return blocks


def _beyond(count: int) -> Paragraph:
    """Meeting a requirement is conformity: only the method and what goes beyond are scored."""
    return _p(
        (
            "Les sous-critères techniques apprécient"
            if count > 1
            else "Le sous-critère technique apprécie"
        )
        + " la qualité de la méthode et ce que l'offre apporte au-delà des exigences du CCTP : le "
        "respect d'une exigence (une durée de formation, un délai d'intervention) est dû par toute "
        "offre régulière et ne rapporte pas de points."
    )


# The last step of the one tie-break rule (RC, letter; the RAO applies it): offers equal on the
# total, the price and every sub-criterion cannot be separated by any announced criterion.
TIE_DRAW = (
    "Des offres égales sur tous ces points sont départagées par tirage au sort, en présence des "
    "candidats concernés, convoqués par écrit."
)


def tie_draw(quotes: bool) -> str:
    """:data:`TIE_DRAW`, worded for a consultation by quotes, which has providers, not
    candidates."""
    return TIE_DRAW.replace("candidats", "prestataires") if quotes else TIE_DRAW


def irregularity_blocks(
    criteria: AwardCriteria,
    negotiation: NegotiationRule,
    options: bool = True,
    information: Sequence[str] = (),
) -> list[Block]:
    """What makes an offer irregular and whether it may be regularised (RC 7.1); ``information``:
    the requirements whose written answer the contract needs."""
    cases = [
        "qui ne satisfait pas une exigence obligatoire du CCTP (réponse autre que « Conforme », ou valeur "
        "inférieure au minimum exigé) ;",
        "dont un prix manque, est illisible ou négatif, dans la DPGF ou le BPU"
        + (", PSE comprises ;" if options else " ;"),
        "qui répond à un texte d'exigence modifié ou d'une autre version que celle du dossier (l'empreinte "
        "de chaque exigence le révèle) ;",
        *(
            [
                f"qui ne donne pas les renseignements que demandent {information_words(information)} ;"
            ]
            if information
            else []
        ),
        "qui laisse une exigence obligatoire sans réponse" + (" ;" if options else "."),
    ]
    if options:
        cases.append(
            "qui ne propose pas entièrement chacune des PSE (réponse autre que « Conforme »), que "
            "l'acheteur la retienne ou non."
        )
    blocks: list[Block] = [
        _p(
            "Les offres irrégulières, inacceptables ou inappropriées sont éliminées (article R2152-1 du Code "
            "de la commande publique). Est notamment irrégulière l'offre :"
        ),
        _entries(*cases),
        # A lump-sum price broken down line by line: a line whose cost sits in another line is
        # not a missing price, and no small firm loses its offer for a page of legal notices.
        _p(
            "Dans la DPGF, un prix de 0 € est admis pour une prestation comprise dans le prix d'une "
            # The DPGF has no such column: the grid's line of the requirement has it (review of
            # 1 December 2026, groupement N9).
            "autre ligne : le candidat indique laquelle dans la colonne « Justification » du cadre "
            "de réponse, sur la ligne de l'exigence dont le prix est nul ; ce n'est pas un prix "
            "manquant."
        ),
    ]
    if criteria.regularisation:
        blocks.append(_p(regularisation_rule(quotes=False, options=options)))
    else:
        blocks.append(
            _p(
                "L'acheteur n'use pas de la faculté de régularisation prévue à l'article R2152-2 : les offres "
                "irrégulières sont éliminées sans demande de régularisation."
            )
        )
    after = negotiated_irregular_rule(negotiation)
    if after:
        blocks.append(_p(after))
    blocks.append(
        _p(
            "Une offre qui paraît anormalement basse fait l'objet d'une demande de précisions et est rejetée si "
            "elles ne sont pas satisfaisantes (articles L2152-5 et L2152-6)."
        )
    )
    return blocks


def award_article(criteria: AwardCriteria, selection: Selection) -> Article:
    """Article 7 of the RC: regularity, criteria and weights, scoring method."""
    award = Article("7", "Jugement des offres")
    irregular = Article("7.1", "Offres irrégulières, inacceptables ou inappropriées")
    options = _has_options(selection)
    irregular.blocks += irregularity_blocks(
        criteria,
        negotiation_rule(procedure_kind(selection)),
        options,
        contract_information_ids(selection),
    )
    weights = Article("7.2", "Critères, sous-critères et pondération")
    weights.blocks += [
        _p(
            "L'offre économiquement la plus avantageuse est choisie selon les critères et sous-critères "
            "pondérés suivants (articles L2152-7 et R2152-7 du Code de la commande publique) :"
        ),
        criteria_table(criteria, options),
    ]
    method = Article("7.3", "Méthode de notation")
    method.blocks += scoring_blocks(criteria, selection)
    award.children += [irregular, weights, method]
    return award


def build_rc(selection: Selection, pieces_list: list[str] | None = None) -> CctpDocument:
    """The règlement de la consultation of a selection; ``pieces_list`` names the DCE's pieces.

    Contract facts (reference, duration, PSE, setup of a groupement) come from
    :func:`webpass.documents.terms.dce_terms`, worded as the CCAP and the AE word them. The RC
    never prints the estimate: publishing it would pull the prices up.
    """
    from webpass.documents.ccap import setup_parts
    from webpass.documents.pieces import piece_labels
    from webpass.documents.terms import dce_terms

    terms = dce_terms(selection)
    answers = selection.answers
    criteria = criteria_of(selection)
    project = answers.project
    body = answers.collectivity
    deadline = offers_deadline(answers)
    deadline_time = clock_fr(criteria.deadline_time)
    reference = project.reference or f"CCTP-{project.launch_date:%Y%m%d}"
    options = [s for s in selection.items if s.is_pse]
    profile = criteria.buyer_profile
    where = (
        f"le profil d'acheteur {profile}" if profile else "le profil d'acheteur de la collectivité"
    )

    articles: list[Article] = []

    # 1. Object
    obj = Article("1", "Objet de la consultation")
    obj.blocks += [
        _p(
            f"La présente consultation porte sur la {project.nature.label} du site internet de "
            f"{body.designation} (« {selection.catalog.levels[project.target_level].name} »). Les "
            "prestations sont décrites dans le cahier des clauses techniques particulières (CCTP)."
        ),
        para("Référence de la consultation : ", fact(Fact.REFERENCE, reference), "."),
        para(*terms.duration_sentence()),
        para(*terms.delivery_sentence()),
        _p(
            "Le marché n'est pas alloti : le site forme un ensemble dont les parties sont indissociables."
        ),
        _p("Les variantes ne sont pas autorisées."),
    ]
    if terms.on_order and terms.order_maximum is not None:
        obj.blocks.append(
            para(
                "Une partie du marché est exécutée par bons de commande ("
                + ", ".join(line.item_id for line in terms.on_order)
                + "), sans minimum et dans la limite d'un montant maximum de ",
                fact(Fact.ORDER_MAXIMUM, format_eur(terms.order_maximum)),
                " sur la durée du marché. ",
                fact(Fact.ORDER_RULE, order_rule(terms)),
            )
        )
    obj.blocks.append(para(fact(Fact.PSE_RULE, pse_rule(selection))))
    if options:
        obj.blocks.append(
            entries(*((fact(Fact.PSE, f"{s.item.id} — {s.item.title}"),) for s in options))
        )
    articles.append(obj)

    # 2. Buyer
    buyer = Article("2", "Acheteur")
    identity = [f"{body.name} ({body.body_type.label})"]
    if body.address:
        identity.append(body.address)
    if body.siren:
        identity.append(f"SIREN {body.siren}")
    elif body.insee:
        identity.append(f"Code INSEE {body.insee}")
    buyer.blocks.append(_entries(*identity))
    if body.members:
        buyer.blocks.append(
            _p(
                f"Le site est mutualisé entre les {len(body.members)} communes membres : "
                + ", ".join(m.name for m in body.members)
                + "."
            )
        )
        buyer.blocks.append(para(*setup_parts(terms)))
    articles.append(buyer)

    # 3. Procedure
    procedure = Article("3", "Procédure")
    code = selection.procedure.code
    procedure.blocks.append(_p(_PROCEDURE_BASIS.get(code, selection.procedure.name + ".")))
    procedure.blocks += [
        _p(text)
        for text in negotiation_texts(
            negotiation_rule(procedure_kind(selection)), criteria.regularisation
        )
    ]
    articles.append(procedure)

    # 4. Pieces of the DCE
    pieces = Article("4", "Dossier de consultation")
    pieces.blocks += [
        _p("Le dossier de consultation des entreprises (DCE) comprend :"),
        entries(*(pieces_list or piece_labels(terms, rc=True)), ordered=True),
        _p(f"Le DCE est téléchargeable gratuitement sur {where}."),
    ]
    articles.append(pieces)

    # 5. What bidders return
    returned = Article("5", "Contenu des candidatures et des offres")
    candidacy = Article("5.1", "Candidature")
    candidacy.blocks += [
        _entries(
            "la lettre de candidature (formulaire DC1) et la déclaration du candidat (formulaire DC2), ou le "
            "document unique de marché européen (DUME) ;",
            "les références de prestations comparables réalisées au cours des trois dernières années, avec le "
            "nom des collectivités clientes ;",
            "la présentation des moyens humains et techniques du candidat.",
        ),
        _p("Aucun chiffre d'affaires minimal n'est exigé."),
    ]
    offer = Article("5.2", "Offre")
    offer.blocks += [
        _p("L'offre comprend :"),
        _entries(
            *offer_entries(
                selection,
                [
                    "l'acte d'engagement (ATTRI1) complété ;",
                    # The DPGF-BPU is the AE's price annex, first in the order of precedence
                    # (CCAP article 2): an offer without it would leave the contract without
                    # its first-ranked prices.
                    "la décomposition du prix global et forfaitaire et le bordereau des prix "
                    "unitaires (DPGF-BPU) complétés, annexe financière de l'acte d'engagement ;",
                    "le cadre de réponse complété au format tableur : pour chaque exigence, la "
                    "conformité, sa justification lorsqu'elle n'est pas « Conforme », la valeur "
                    "demandée, les réponses rédigées, et les mêmes prix que la DPGF-BPU ; en cas "
                    "de différence, les prix de la DPGF-BPU prévalent (article "
                    f"{CcapArticle.PIECES.number} du CCAP) ;",
                ],
                [],
            )
        ),
        _p(ELEMENTS_LEAD),
        entries(*element_entries(selection)),
        _p(open_answers_rule()),
        _p(grid_integrity_rule(criteria.regularisation, quotes=False)),
        Note(
            "info",
            (
                Run(
                    french_spacing(
                        "Une offre qui ne satisfait pas une exigence obligatoire du CCTP, ou dont un prix manque, "
                        "est irrégulière."
                    )
                ),
            ),
        ),
    ]
    returned.children += [candidacy, offer]
    articles.append(returned)

    # 6. Deadline
    limit = Article("6", "Remise des offres")
    limit.blocks += [
        para(
            f"Les offres sont remises par voie électronique sur {where} au plus tard le ",
            fact(Fact.DEADLINE, date_fr(deadline)),
            f" à {deadline_time} (heure de Paris). Une offre reçue après cette date et cette heure "
            "n'est pas ouverte.",
        ),
        para(
            "Les offres sont valables ",
            fact(Fact.OFFER_VALIDITY, terms.offer_validity_text),
            " à compter de la date limite de remise des offres.",
        ),
    ]
    articles.append(limit)

    # 7. Award
    articles.append(award_article(criteria, selection))

    # 8. Award formalities and contact
    info = Article(RC_AWARD_ARTICLE, "Attribution et renseignements complémentaires")
    # Computed dates move back to a working day: a Saturday or a public holiday closes offices.
    dates = clarification_dates(deadline)
    contact = criteria.contact or (
        f"{body.designation[0].upper()}{body.designation[1:]}"
        + (f", {body.address}" if body.address else "")
    )
    info.blocks += [
        *award_pieces_blocks(selection, "le candidat pressenti"),
        _p("Les candidats non retenus sont informés du rejet de leur offre et de ses motifs."),
        _p(
            f"Les questions sont posées par écrit sur {where} au plus tard le {date_fr(dates.last_question)} ; les "
            "réponses sont communiquées à tous les candidats au plus tard le "
            f"{date_fr(dates.last_answer)}."
        ),
        _p(f"Renseignements administratifs et techniques : {contact}."),
        # The court the CCAP names, and the contractual référé open in a MAPA too (review of
        # 1 December 2026, n° 20): a bidder reads the RC alone.
        _p(
            f"Instance chargée des procédures de recours : le {_court(selection)}. Voies de "
            "recours : référé précontractuel (article L551-1 du code de justice administrative) "
            "jusqu'à la signature du marché ; référé contractuel (article L551-13) dans les 31 "
            "jours qui suivent la publication de l'avis d'attribution ou, à défaut, dans les six "
            "mois qui suivent la conclusion du marché (article R551-7) ; recours en contestation "
            "de validité du contrat dans les deux mois qui suivent cette publication."
        ),
    ]
    articles.append(info)

    return CctpDocument(
        title="Règlement de la consultation",
        object=consultation_object(selection),
        buyer=body.name,
        buyer_kind=body.body_type.label,
        reference=reference,
        date=project.launch_date,
        catalog_version=selection.catalog.version,
        articles=articles,
        annexes=[],
        glossary=[],
        answers_yaml=answers_to_yaml(answers),
        fingerprints={},
        acronym="RC",
    )


def _court(selection: Selection) -> str:
    from webpass.documents.terms import dce_terms

    return dce_terms(selection).court


def quantities_words(selection: Selection) -> str:
    """The BPU quantities in words, as the terms of the DCE state them."""
    from webpass.documents.terms import dce_terms

    return dce_terms(selection).quantities_words
