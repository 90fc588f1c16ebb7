"""The règlement de la consultation (RC): the rules of the consultation, published in the DCE.

It announces what the collectivity buys and how: the procedure, the pieces of the DCE, what
bidders return, the deadline, and the award criteria with their sub-criteria and weights (which
must be announced: CE, 18 juin 2010, Commune de Saint-Pal-de-Mons), the price formula and how
ties are broken. Built as a :class:`~webpass.documents.cctp.CctpDocument` (acronym « RC »), it goes
through the same renderers as the CCTP. Deadline: ``criteres.date_limite_offres``, else 30 days
after the launch date (:func:`webpass.compare.award.offers_deadline`).

The DCE bundle (:mod:`webpass.documents.dce`) always includes it: without a ``criteres`` block the
default criteria of :data:`webpass.compare.award.DEFAULT_CRITERIA` are announced.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from webpass.compare.award import (
    AwardCriteria,
    CriterionNature,
    Leaf,
    criteria_of,
    offers_deadline,
)
from webpass.compare.price_scoring import FORMULA_EXPRESSIONS, FORMULA_LABELS
from webpass.core.slug import slugify
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
from webpass.documents.facts import Fact, fact
from webpass.documents.pse import pse_rule
from webpass.documents.typography import date_fr, french_spacing
from webpass.documents.writing import entries, para
from webpass.dossier.answers import answers_to_yaml
from webpass.selection.engine import Selection

if TYPE_CHECKING:
    from webpass.render.dispatch import PdfEngine
    from webpass.render.styles import Styles

__all__ = [
    "build_rc",
    "clock_fr",
    "consultation_object",
    "criteria_table",
    "rc_files",
    "scoring_blocks",
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


def criteria_table(criteria: AwardCriteria) -> TableBlock:
    """Criteria, sub-criteria, weights and how each is judged."""
    rows: list[tuple[str, ...]] = []
    for criterion in criteria.criteria:
        rows.append(
            (
                criterion.name,
                "",
                _points(criterion.weight),
                _judged(criterion.description, criterion.nature, criteria),
            )
        )
        for sub in criterion.sub_criteria:
            rows.append(
                ("", sub.name, _points(sub.weight), _judged(sub.description, sub.nature, criteria))
            )
    return TableBlock(
        ("Critère", "Sous-critère", "Points", "Ce qui est apprécié"),
        tuple(tuple(french_spacing(cell) for cell in row) for row in rows),
        (21, 23, 11, 45),
        caption="Critères de jugement des offres et leur pondération (sur 100 points)",
    )


def _judged(
    description: str | None, nature: CriterionNature | None, criteria: AwardCriteria
) -> str:
    if nature is CriterionNature.PRICE:
        return (
            f"Montant total HT de l'offre, noté selon la {FORMULA_LABELS[criteria.price_formula]}."
        )
    if nature is None:
        return description or "Voir les sous-critères"
    method = {
        CriterionNature.CONFORMITY: "Calculé à partir du cadre de réponse",
        CriterionNature.ANALYST: "Apprécié au vu du mémoire technique",
        CriterionNature.ENVIRONMENT: "Apprécié au vu du mémoire technique",
    }[nature]
    return f"{description} {method}." if description else f"{method}."


def scoring_blocks(criteria: AwardCriteria, annex: str | None = "A1") -> list[Block]:
    """How each kind of criterion is scored, for the RC (and reminded in the RAO)."""
    leaves = criteria.leaves()
    blocks: list[Block] = []
    conformity = [leaf for leaf in leaves if leaf.nature is CriterionNature.CONFORMITY]
    judged = [
        leaf
        for leaf in leaves
        if leaf.nature in (CriterionNature.ANALYST, CriterionNature.ENVIRONMENT)
    ]
    price = criteria.price_leaf
    for leaf in conformity:
        scope = (
            "toutes les exigences du CCTP"
            if not leaf.items
            else "les exigences " + ", ".join(leaf.items) + " du CCTP"
        )
        weights = f" (annexe {annex})" if annex else ""
        blocks.append(
            _p(
                f"« {leaf.name} » ({_points(leaf.weight)}) : la note est calculée à partir du cadre de réponse, sur "
                f"{scope}. Chaque exigence vaut 1 si le candidat la déclare « Conforme », 0,5 si elle est "
                "« Partiellement conforme » et 0 si elle est « Non conforme », « Sans objet » ou sans réponse ; "
                f"chaque exigence compte pour son poids{weights}. La note est la moyenne pondérée ainsi obtenue, "
                f"multipliée par {leaf.weight}."
            )
        )
    if judged:
        names = ", ".join(f"« {leaf.name} » ({_points(leaf.weight)})" for leaf in judged)
        blocks.append(
            _p(
                f"{'Les sous-critères' if len(judged) > 1 else 'Le sous-critère'} {names} "
                f"{'sont appréciés' if len(judged) > 1 else 'est apprécié'} au vu du mémoire technique. "
                "Chacun est noté de 0 au nombre de points qui lui est attribué ; l'appréciation est motivée "
                "dans le rapport d'analyse des offres."
            )
        )
    expression = FORMULA_EXPRESSIONS[criteria.price_formula].format(n=price.weight)
    blocks.append(
        _p(
            f"« {price.name} » ({_points(price.weight)}) : le prix jugé est le montant total HT de l'offre, "
            "c'est-à-dire le total des prix forfaitaires (DPGF) augmenté du total du détail quantitatif estimatif "
            "(prix unitaires du BPU multipliés par les quantités estimées), prestations supplémentaires "
            f"éventuelles comprises. Il est noté selon la {FORMULA_LABELS[criteria.price_formula]} : {expression}."
        )
    )
    blocks.append(
        _p(
            "Les notes sont arrondies au centième. Les offres sont classées par ordre décroissant de note "
            "totale. En cas d'égalité de note totale, l'offre au prix le plus bas est classée la première ; "
            "à prix égal, celle qui a la meilleure note technique (total des critères autres que le prix)."
        )
    )
    return blocks


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
    criteria = criteria_of(answers)
    project = answers.project
    body = answers.collectivity
    deadline = offers_deadline(answers)
    deadline_time = clock_fr(criteria.deadline_time)
    reference = project.reference or f"CCTP-{project.launch_date:%Y%m%d}"
    options = [s for s in selection.items if s.is_pse]
    analyst = [
        leaf
        for leaf in criteria.leaves()
        if leaf.nature in (CriterionNature.ANALYST, CriterionNature.ENVIRONMENT)
    ]
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
            f"{body.designation}, au niveau « {selection.catalog.levels[project.target_level].name} » du "
            "dispositif Webpass. Les prestations sont décrites dans le cahier des clauses techniques "
            "particulières (CCTP)."
        ),
        para("Référence de la consultation : ", fact(Fact.REFERENCE, reference), "."),
        para(
            "Le marché est conclu pour une durée de ",
            fact(Fact.DURATION, terms.duration_text),
            ", reconductions comprises, à compter de sa notification.",
            *(
                (
                    " La mise en ligne du site est attendue au plus tard le ",
                    fact(Fact.GO_LIVE, date_fr(project.go_live)),
                    ".",
                )
                if project.go_live
                else ()
            ),
        ),
        _p(
            "Le marché n'est pas alloti : le site forme un ensemble dont les parties sont indissociables."
        ),
        _p("Les variantes ne sont pas autorisées."),
    ]
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
    if code in ("mapa", "mapa_boamp"):
        procedure.blocks.append(
            _p(
                "L'acheteur peut attribuer le marché sur la base des offres initiales, sans négociation. Il se "
                "réserve la possibilité de négocier avec les candidats ayant remis les trois meilleures offres "
                "au regard des critères de l'article 7 (article R2123-5 du Code de la commande publique)."
            )
        )
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
    memo = "le mémoire technique, qui répond à chacun des points appréciés"
    if analyst:
        memo += " : " + " ; ".join(
            leaf.name.lower() if leaf.name[1:].islower() else leaf.name for leaf in analyst
        )
    offer.blocks += [
        _entries(
            "l'acte d'engagement (ATTRI1) complété ;",
            "le cadre de réponse complété au format tableur : pour chaque exigence, la conformité, sa "
            "justification lorsqu'elle n'est pas « Conforme », la valeur demandée, et tous les prix (DPGF et "
            "BPU), sans modifier les textes ni les empreintes des exigences ;",
            memo + " ;",
            "le bordereau des prix (DPGF-BPU) complété, si la plateforme de dépôt demande une pièce financière "
            "distincte : ses montants sont ceux du cadre de réponse.",
        ),
        Note(
            "info",
            (
                Run(
                    french_spacing(
                        "Une offre qui ne satisfait pas une exigence obligatoire du CCTP, ou dont un prix manque, "
                        "est irrégulière. Le candidat peut vérifier son cadre de réponse avant de le déposer avec "
                        "l'outil libre webpass (commande « webpass verifier »)."
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
        _p("Les offres sont valables 120 jours à compter de la date limite de remise des offres."),
    ]
    articles.append(limit)

    # 7. Award
    award = Article("7", "Jugement des offres")
    irregular = Article("7.1", "Offres irrégulières, inacceptables ou inappropriées")
    irregular.blocks.append(
        _p(
            "Les offres irrégulières, inacceptables ou inappropriées sont éliminées (article R2152-1 du Code de "
            "la commande publique). L'acheteur peut toutefois autoriser tous les soumissionnaires concernés à "
            "régulariser leurs offres irrégulières dans un délai approprié, à condition qu'elles ne soient pas "
            "anormalement basses (article R2152-2). Une offre qui paraît anormalement basse fait l'objet d'une "
            "demande de précisions et est rejetée si elles ne sont pas satisfaisantes (articles L2152-5 et L2152-6)."
        )
    )
    weights = Article("7.2", "Critères, sous-critères et pondération")
    weights.blocks += [
        _p(
            "L'offre économiquement la plus avantageuse est choisie selon les critères et sous-critères "
            "pondérés suivants (article R2152-7 du Code de la commande publique) :"
        ),
        criteria_table(criteria),
    ]
    method = Article("7.3", "Méthode de notation")
    method.blocks += scoring_blocks(criteria)
    award.children += [irregular, weights, method]
    articles.append(award)

    # 8. Award formalities and contact
    info = Article("8", "Attribution et renseignements complémentaires")
    questions = deadline - dt.timedelta(days=10)
    replies = deadline - dt.timedelta(days=6)
    contact = criteria.contact or (
        f"{body.designation[0].upper()}{body.designation[1:]}"
        + (f", {body.address}" if body.address else "")
    )
    info.blocks += [
        _p(
            "Avant l'attribution, le candidat pressenti produit dans le délai fixé par l'acheteur les attestations "
            "de régularité fiscale et sociale et, le cas échéant, l'extrait d'immatriculation au registre du "
            "commerce ou des métiers. Les candidats non retenus sont informés du rejet de leur offre et de ses motifs."
        ),
        _p(
            f"Les questions sont posées par écrit sur {where} au plus tard le {date_fr(questions)} ; les réponses "
            f"sont communiquées à tous les candidats au plus tard le {date_fr(replies)}."
        ),
        _p(f"Renseignements administratifs et techniques : {contact}."),
        _p(
            "Recours : le tribunal administratif dans le ressort duquel se trouve l'acheteur peut être saisi d'un "
            "référé précontractuel jusqu'à la signature du marché, puis d'un recours en contestation de validité "
            "dans les deux mois suivant la publication de l'avis d'attribution."
        ),
    ]
    articles.append(info)

    annexes = [_weights_annex(selection, criteria)]
    return CctpDocument(
        title="Règlement de la consultation",
        object=consultation_object(selection),
        buyer=body.name,
        buyer_kind=body.body_type.label,
        reference=reference,
        date=project.launch_date,
        catalog_version=selection.catalog.version,
        articles=articles,
        annexes=annexes,
        glossary=[],
        answers_yaml=answers_to_yaml(answers),
        fingerprints={},
        acronym="RC",
    )


def _weights_annex(selection: Selection, criteria: AwardCriteria) -> Article:
    conformity: list[Leaf] = [
        leaf for leaf in criteria.leaves() if leaf.nature is CriterionNature.CONFORMITY
    ]
    annex = Article("A1", "Poids des exigences dans la note de conformité")
    if not conformity:
        annex.blocks.append(
            _p("Aucun critère n'est calculé à partir des réponses du cadre de réponse.")
        )
        return annex
    annex.blocks.append(
        _p(
            "Chaque exigence du CCTP compte dans la note de conformité pour le poids indiqué ci-dessous "
            "(de 0 à 10). Les exigences obligatoires doivent toutes être satisfaites : elles comptent "
            "de la même façon pour toutes les offres régulières ; les options (PSE) départagent les offres."
        )
    )
    rows = []
    for selected in selection.items:
        item = selected.item
        covered = [leaf.name for leaf in conformity if leaf.covers(item.id)]
        if not covered:
            continue
        strength = (
            "À bons de commande"
            if selected.on_order
            else "Option (PSE)"
            if selected.is_pse
            else "Obligatoire"
        )
        row = (item.id, french_spacing(item.title), strength, str(item.weight))
        rows.append(row if len(conformity) == 1 else (*row, ", ".join(covered)))
    header: tuple[str, ...] = ("Id.", "Exigence", "Niveau", "Poids")
    widths: tuple[int, ...] = (9, 57, 20, 14)
    if len(conformity) > 1:
        header = (*header, "Sous-critère")
        widths = (8, 42, 16, 10, 24)
    annex.blocks.append(TableBlock(header, tuple(rows), widths, caption="Poids des exigences"))
    return annex


def rc_files(
    selection: Selection,
    document: CctpDocument,
    styles: Styles | None = None,
    engine: PdfEngine | None = None,
) -> list[tuple[str, bytes]]:
    """The RC as PDF and DOCX for the DCE bundle."""
    from webpass.render.dispatch import render_document

    rc = build_rc(selection)
    stem = slugify(document.buyer)
    return [
        (f"RC-{stem}.pdf", render_document(rc, "pdf", styles, engine)),
        (f"RC-{stem}.docx", render_document(rc, "docx", styles)),
    ]
