"""The rapport d'analyse des offres (RAO), built from a :class:`~webpass.compare.scoring.Comparison`.

A :class:`~webpass.documents.cctp.CctpDocument` with the acronym « RAO », rendered by the CCTP's
renderers: DOCX for the analyst to edit (every justification is generated from the data and
meant to be reread and completed), PDF for the file. Its sections follow the usual outline of a
RAO: the consultation, the criteria and the scale as announced, the offers received, the offers
eliminated and why (and whether a regularisation could cure them), the PSE retained, the score
table, the analysis of each offer sub-criterion by sub-criterion (level, reason, points), the
effect of the price formula, the ranking with its ties and the proposed winner, and a simulation
of the Webpass subsidy of each offer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from webpass.aid.attach import aid_statement
from webpass.compare.completion import Completion
from webpass.compare.notes import ReadingStatus
from webpass.compare.price_scoring import FORMULA_LABELS, PriceFormula
from webpass.compare.scoring import (
    Comparison,
    EliminatedOffer,
    OfferFile,
    RankedOffer,
    price_piece,
)
from webpass.core.french_list import french_list
from webpass.core.money import format_eur, format_number
from webpass.documents.award_pieces import award_reservation
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
from webpass.documents.negotiation import negotiation_rule
from webpass.documents.pieces import cited_pieces
from webpass.documents.price_phases import priced_by_phase
from webpass.documents.procedure_kind import procedure_kind
from webpass.documents.rc import (
    clock_fr,
    consultation_object,
    criteria_table,
    quantities_words,
    scoring_blocks,
    tie_draw,
)
from webpass.documents.typography import date_fr, french_spacing, in_words, of_name
from webpass.dossier.answers import answers_to_yaml
from webpass.grid.support_dates import SUPPORT_ITEM

__all__ = ["build_rao"]

_FORMULA_SHORT = {
    PriceFormula.CLASSIC: "Classique",
    PriceFormula.LINEAR: "Linéaire",
    PriceFormula.RELATIVE_GAP: "Écart relatif",
}


def _p(text: str, bold: bool = False) -> Paragraph:
    return Paragraph((Run(french_spacing(text), bold=bold),))


def _list(texts: list[str], ordered: bool = False) -> ListBlock:
    return ListBlock(tuple((Run(french_spacing(t)),) for t in texts), ordered)


def _note(text: str) -> Note:
    return Note("info", (Run(french_spacing(text)),))


def _rank(rank: int) -> str:
    """The rank of an offer (feminine): « 1re », « 2e »."""
    return "1re" if rank == 1 else f"{rank}e"


def _eur(value: Decimal | int) -> str:
    """An amount in a table whose header already says HT."""
    return format_eur(value, "€")


def _siret(text: str) -> str:
    digits = text.replace(" ", "").replace("\u00a0", "")
    if len(digits) == 14 and digits.isdigit():
        return f"{digits[:3]} {digits[3:6]} {digits[6:9]} {digits[9:]}"
    return text or "—"


def _pts(value: Decimal) -> str:
    return format_number(value)


def _rules_piece(comparison: Comparison) -> str:
    """Where the rules of the judgement were announced: the letter's section, the RC's article."""
    piece = cited_pieces(procedure_kind(comparison.selection))["consultation"]
    if comparison.by_quotes:
        return f"{piece} (rubrique « Jugement des devis »)"
    return f"{piece} (article 7)"


# Where a report is dated at its signature: the analyst writes the day by hand.
BLANK_DATE = "………………………"


def build_rao(comparison: Comparison, date: dt.date | None = None) -> CctpDocument:
    """The RAO of a comparison, dated ``date``: the day it is drawn up. Without it the date is
    left blank, to be written at the signature — never the deadline for the offers, which is
    not the report's (review of 1 December 2026, M6); the files are then stamped with the
    deadline, so they stay reproducible."""
    selection = comparison.selection
    answers = selection.answers
    project = answers.project
    body = answers.collectivity
    reference = project.reference or f"CCTP-{project.launch_date:%Y%m%d}"
    day = date or comparison.deadline
    articles = [
        _context(comparison, reference),
        _criteria(comparison),
        _received(comparison),
        _eliminated(comparison),
        *([_options(comparison)] if comparison.pse.options else []),
        _analysis(comparison),
        _formulas(comparison),
        _proposal(comparison),
    ]
    if (subsidy := _subsidy(comparison)) is not None:
        articles.append(subsidy)
    articles.append(_signature(date, len(articles) + 1))
    _number(articles)
    return CctpDocument(
        title="Rapport d'analyse des offres",
        object=consultation_object(selection),
        buyer=body.name,
        buyer_kind=body.body_type.label,
        reference=reference,
        date=day,
        catalog_version=selection.catalog.version,
        articles=articles,
        annexes=[],
        glossary=[],
        answers_yaml=answers_to_yaml(answers),
        fingerprints={},
        acronym="RAO",
        date_shown=None if date else BLANK_DATE,
    )


def _number(articles: list[Article]) -> None:
    """Articles numbered in order: the PSE article is there only when the dossier has PSE."""
    for position, article in enumerate(articles, 1):
        article.number = str(position)
        for rank, child in enumerate(article.children, 1):
            child.number = f"{position}.{rank}"


def _analysis_number(comparison: Comparison) -> str:
    """The number of the article that analyses the regular offers."""
    return "6" if comparison.pse.options else "5"


def _budget_words(comparison: Comparison) -> str:
    """The dossier's budget, named for what it is: the amount that orders the PSE, if it does."""
    budget = comparison.selection.answers.project.budget
    if budget is None:
        return "."
    if comparison.pse.options and comparison.pse.mode.value == "apres_analyse":
        return (
            f" ; montant fixé pour le choix des PSE : {format_eur(budget)}, qui n'est pas le "
            "crédit alloué au marché."
        )
    return f" ; budget envisagé : {format_eur(budget)}."


def _context(comparison: Comparison, reference: str) -> Article:
    selection = comparison.selection
    project = selection.answers.project
    estimate = selection.estimate.total
    received = len(comparison.offers)
    article = Article("1", "Objet et déroulement de la consultation")
    article.blocks += [
        _p(
            f"Le présent rapport analyse les offres reçues pour la consultation {reference} : "
            f"{consultation_object(selection)[0].lower()}{consultation_object(selection)[1:]}."
        ),
        _list(
            [
                f"Procédure : {selection.procedure.name[0].lower()}{selection.procedure.name[1:]}.",
                f"Lancement de la consultation : {date_fr(project.launch_date)}.",
                f"Date limite de remise des offres : {date_fr(comparison.deadline)} à "
                f"{clock_fr(comparison.criteria.deadline_time)}.",
                f"Montant estimé du marché : {format_eur(estimate.central)} (fourchette de "
                f"{format_eur(estimate.low)} à {format_eur(estimate.high)}) sur toute sa durée, "
                f"prix annuels comptés sur {selection.estimate.yearly_words}, comme dans le prix "
                "des offres" + _budget_words(comparison),
                f"Offres reçues : {received} ; offres régulières analysées : {len(comparison.ranked)} ; "
                f"offres écartées : {len(comparison.eliminated)}.",
            ]
        ),
    ]
    if comparison.provisional:
        article.blocks.append(
            _note(
                "Classement provisoire : des notes de l'analyste manquent ("
                + " ; ".join(comparison.missing_marks)
                + "). Elles comptent 0 point en attendant d'être saisies dans le fichier des notes."
            )
        )
    return article


def _criteria(comparison: Comparison) -> Article:
    article = Article("2", "Critères de jugement des offres")
    article.blocks += [
        _p(
            "Les offres sont jugées selon les critères, sous-critères et pondérations annoncés dans "
            f"{_rules_piece(comparison)} :"
        ),
        criteria_table(comparison.criteria, bool(comparison.pse.options)),
        *scoring_blocks(
            comparison.criteria, comparison.selection, with_pse=False, quotes=comparison.by_quotes
        ),
    ]
    return article


def _label_text(ranked_or_report: dict[str, object] | None, solution: str) -> str:
    if ranked_or_report is None:
        return f"{solution} — sans label" if solution else "Sans label"
    number = ranked_or_report.get("numero")
    level = ranked_or_report.get("niveau_max")
    state = "" if ranked_or_report.get("valide") else ", à vérifier"
    return (
        f"{solution or ranked_or_report.get('solution')} — label {number} (niveau {level}{state})"
    )


def _received(comparison: Comparison) -> Article:
    article = Article("3", "Offres reçues")
    rows = _received_rows(comparison)
    article.blocks += [
        _p(
            f"{len(comparison.offers)} offre{'s ont' if len(comparison.offers) > 1 else ' a'} été "
            "reçue"
            + ("s" if len(comparison.offers) > 1 else "")
            + " dans le délai. Chaque cadre de "
            "réponse a été vérifié par webpass contre les exigences exactes du dossier (texte et empreinte "
            "de chaque exigence, réponses, prix, label)."
        ),
        TableBlock(
            (
                "N°",
                comparison.bidder_label,
                "SIRET",
                "Solution",
                "Montant du cadre HT",
                _signed_header(comparison),
                "Suite donnée",
            ),
            tuple(tuple(french_spacing(c) for c in row) for row in rows),
            (4, 19, 12, 19, 14, 14, 18),
            caption="Offres reçues, dans l'ordre des fichiers",
        ),
        _p(_signed_rule(comparison)),
        _note(_frame_amount_note(comparison)),
    ]
    return article


def _received_rows(comparison: Comparison) -> list[tuple[str, ...]]:
    """One row per offer received, in the order of the files, with what became of it."""
    ranks = {id(r.offer): r for r in comparison.ranked}
    regularisable = {id(e.offer) for e in comparison.eliminated if e.regularity.regularisable}
    rows: list[tuple[str, ...]] = []
    for position, offer in enumerate(comparison.offers, 1):
        report = offer.report
        ranked = ranks.get(id(offer))
        fate = (
            f"Régulière, classée {_rank(ranked.rank)}"
            if ranked
            else _irregular_fate(comparison, offer)
        )
        if id(offer) in regularisable:
            fate += " (régularisable)"
        if ranked and not report.conforming:
            fate += " (points à préciser)"
        rows.append(
            (
                str(position),
                offer.name,
                _siret(report.candidate.get("SIRET", "")),
                _label_text(report.label, report.candidate.get("Solution", "")),
                _eur(report.totals.get("total") or 0),
                _signed_cell(ranked),
                fate,
            )
        )
    return rows


def _frame_amount_note(comparison: Comparison) -> str:
    """How the frame's amount in the table is computed, and what the compared price keeps."""
    return (
        "Le montant du cadre est celui que webpass recalcule à partir des lignes du cadre de réponse"
        + (", toutes PSE comprises" if comparison.pse.options else "")
        + (
            " : chaque prix du cadre multiplié par la quantité que le formulaire de devis "
            "indique, et ces montants additionnés."
            if comparison.by_quotes
            else " : prix forfaitaires (DPGF) et prix unitaires du BPU multipliés par leurs "
            f"quantités {quantities_words(comparison.selection)}."
        )
        + (
            " Le prix comparé (article 5) ne retient que la solution de base et les PSE retenues."
            if comparison.pse.options
            else ""
        )
    )


def _irregular_fate(comparison: Comparison, offer: OfferFile) -> str:
    """« Irrégulière, écartée », or its place after the regular offers when the RC ranks it."""
    completion = comparison.completion
    entry = completion.of_offer(offer) if completion is not None else None
    if completion is None or entry is None:
        return "Irrégulière, écartée"
    return f"Irrégulière, classée {_rank(entry.rank)} à la suite, " + completion.fate(entry).lower()


def _signed_header(comparison: Comparison) -> str:
    return "Total du formulaire signé HT" if comparison.by_quotes else "Total de la DPGF-BPU HT"


def _signed_cell(ranked: RankedOffer | None) -> str:
    """The signed piece's total the analyst read, for a ranked offer."""
    if ranked is None:
        return "—"
    if ranked.signed_total is None:
        return "à relever"
    gap = ranked.signed_total != (ranked.offer.report.totals.get("total") or 0)
    return _eur(ranked.signed_total) + (" (écart)" if gap else "")


def _signed_rule(comparison: Comparison) -> str:
    """Which price is judged, and the analyst's reading of it (review of 1 December 2026, M4)."""
    piece = price_piece(comparison.selection)
    text = (
        f"Le prix jugé est celui {piece}, dont les prix prévalent sur ceux du cadre de "
        f"réponse (article {CcapArticle.PIECES.number} du CCAP). L'analyste relève le total de cette pièce pour chaque "
        "offre classée (fichier des notes, rubrique « verifications », « total_signe ») ; en cas "
        f"d'écart avec le cadre, le prix {'du formulaire' if comparison.by_quotes else 'de la DPGF-BPU'} "
        "est seul noté"
    )
    if comparison.pse.options:
        text += (
            ", et la comparaison, qui retient les PSE ligne par ligne, est refaite sur des "
            "lignes rectifiées avant toute attribution"
        )
    missing = [o.name for o in comparison.ranked if o.signed_total is None]
    if missing:
        text += (
            ". Total non encore relevé pour "
            + ", ".join(missing)
            + " : le prix noté est celui du cadre de réponse, à rapprocher de la pièce signée"
        )
    return text + "."


def _eliminated(comparison: Comparison) -> Article:
    article = Article("4", "Offres irrégulières écartées")
    if not comparison.eliminated:
        article.blocks.append(
            _p("Aucune offre n'est irrégulière : toutes les offres reçues sont analysées.")
        )
        return article
    completion = comparison.completion
    how = "du classement des offres régulières" if completion else "sans être notées"
    article.blocks.append(
        _p(
            "La conformité au CCTP n'est pas notée : elle décide de la régularité des offres. Les offres "
            "suivantes ne satisfont pas des exigences du dossier de consultation ; elles sont irrégulières et "
            f"écartées {how} (article R2152-1 du Code de la commande publique). Chaque motif indique "
            "s'il pourrait être régularisé sans modifier l'offre (article R2152-2)."
        )
    )
    if completion is not None:
        article.blocks += _completion_blocks(comparison, completion)
    for position, eliminated in enumerate(comparison.eliminated, 1):
        child = Article(f"4.{position}", eliminated.name)
        total = eliminated.offer.report.totals.get("total") or Decimal(0)
        child.blocks += [
            _p(
                f"Offre reçue dans le fichier « {eliminated.offer.path.name} », montant de l'offre recalculé "
                f"{format_eur(total)}. Motifs :"
            ),
            _list(
                [
                    f"{reason.text.rstrip('.')} ({'régularisable' if reason.regularisable else 'non régularisable'})."
                    for reason in eliminated.regularity.reasons
                ]
            ),
        ]
        child.blocks.append(_p(_regularisation_text(comparison, eliminated)))
        article.children.append(child)
    return article


def _regularisation_text(comparison: Comparison, eliminated: EliminatedOffer) -> str:
    if not eliminated.regularity.regularisable:
        return "Au moins un motif ne peut pas être régularisé sans modifier l'offre : " + (
            _after_negotiation(comparison, eliminated)
        )
    # A regularisable offer is ranked after the regular ones all the same, as it stands.
    ranked_after = _completion_text(comparison, eliminated, "En l'état, elle")
    after = f" {ranked_after}" if ranked_after else ""
    if not comparison.criteria.regularisation:
        return (
            f"Les motifs pourraient être régularisés, mais {_rules_piece(comparison)} exclut la "
            "régularisation : l'offre est écartée." + after
        )
    return (
        f"Tous les motifs peuvent être régularisés : {_rules_piece(comparison)} le permet. "
        "L'acheteur décide d'user ou non de cette faculté avant le classement : s'il en use, il invite "
        "tous les soumissionnaires concernés à régulariser dans le même délai, puis relance la "
        "comparaison avec les offres régularisées, et le classement ci-dessous n'est que "
        "provisoire." + after
    )


def _completion_blocks(comparison: Comparison, completion: Completion) -> list[Block]:
    """The RC's article 3 applied when fewer regular offers are ranked than it admits to the
    negotiation: the irregular offers scored and ranked after them (review rev11b, § 2)."""
    regular = completion.regular
    if regular == 0:
        ranked = "Aucune offre régulière n'étant classée"
    elif regular == 1:
        ranked = "Une seule offre régulière étant classée"
    else:
        ranked = f"{in_words(regular, feminine=True).capitalize()} offres régulières seulement étant classées"
    places = completion.places
    left = f"{in_words(places, feminine=True)} place{'s restent' if places > 1 else ' reste'}"
    count = in_words(completion.limit, feminine=True)
    return [
        _p(
            f"{ranked}, l'article 3 du règlement de la consultation prévoit que les offres "
            f"irrégulières sont notées selon les mêmes critères et classées à leur suite pour "
            f"compléter le nombre des {count} meilleures offres admises à la négociation si "
            f"l'acheteur négocie : {left} à compléter. Elles sont notées entre elles, chaque "
            "sous-critère au niveau que l'analyste lui donne, le prix selon la "
            f"{FORMULA_LABELS[comparison.formula]} appliquée à leurs seuls prix, pour ne pas "
            "modifier les notes des offres régulières, qui sont classées les premières. Si "
            "l'acheteur attribue le marché sans négociation, toutes sont éliminées (article "
            "R2152-1 du Code de la commande publique)."
        ),
        *score_tables(comparison, completion),
        *(
            [
                _note(
                    "* note de l'analyste non saisie, comptée 0 point : ce classement est provisoire."
                )
            ]
            if completion.provisional
            else []
        ),
    ]


def _completion_text(comparison: Comparison, eliminated: EliminatedOffer, subject: str) -> str:
    """Where the RC's article 3 ranks this irregular offer after the regular ones and what
    becomes of it; empty when it ranks none."""
    completion = comparison.completion
    entry = completion.of(eliminated) if completion is not None else None
    if completion is None or entry is None:
        return ""
    count = in_words(completion.limit, feminine=True)
    head = (
        f"{subject} est notée selon les mêmes critères et classée {_rank(entry.rank)} à la suite "
        f"des offres régulières (article 3 du règlement de la consultation), avec "
        f"{_pts(entry.total)} points sur 100"
        + (
            " (classement provisoire : des notes de l'analyste manquent)"
            if completion.provisional
            else ""
        )
    )
    tied = completion.tied(entry)
    if tied:
        places = completion.places - entry.rank + 1
        left = f"{in_words(places, feminine=True)} place{'s' if places > 1 else ''}"
        others = french_list([o.name for o in tied if o is not entry])
        return (
            f"{head}, à égalité avec {others} pour {left} : le tirage au sort que prévoit "
            f"{_rules_piece(comparison)} désigne les offres admises à la négociation si "
            "l'acheteur négocie ; les autres sont éliminées, et toutes le sont si l'acheteur "
            "attribue le marché sans négociation (articles R2123-5 et R2152-1 du Code de la "
            "commande publique)."
        )
    if completion.completes(entry):
        return (
            f"{head} : elle est au nombre des {count} meilleures offres admises à la négociation "
            "si l'acheteur négocie, à moins qu'il ne la tienne pour inappropriée, c'est-à-dire "
            "sans rapport avec le besoin, auquel cas elle est éliminée (article L2152-4 du Code "
            "de la commande publique) ; elle peut devenir régulière à son issue si elle n'est pas "
            "anormalement basse. Elle est éliminée si elle ne le devient pas, ou si l'acheteur "
            "attribue le marché sans négociation (articles R2123-5 et R2152-1 du Code de la "
            "commande publique)." + _low_price_text(comparison, entry)
        )
    places = completion.places
    left = f"{in_words(places, feminine=True)} place{'s restaient' if places > 1 else ' restait'}"
    return (
        f"{head}, {_whereas(left)}{left} à compléter : elle n'est pas au nombre des {count} meilleures "
        "offres admises à la négociation, elle est éliminée (articles R2123-5 et R2152-1 du Code "
        "de la commande publique)."
    )


def _low_price_text(comparison: Comparison, entry: RankedOffer) -> str:
    """For an offer admitted to the negotiation, a price below the estimate's low end: the
    condition R2152-1 sets on its becoming regular is to be checked."""
    if not entry.possibly_abnormally_low:
        return ""
    low = comparison.selection.estimate.total.low
    return (
        f" Son prix comparé ({format_eur(entry.price)}) est inférieur à l'estimation basse du "
        f"marché ({format_eur(low)}) : l'acheteur vérifie qu'elle n'est pas anormalement basse "
        "(articles L2152-5 et L2152-6 du Code de la commande publique)."
    )


def _whereas(following: str) -> str:
    """« alors que », elided before a vowel (« alors qu'une place »)."""
    return "alors qu'" if following[:1] in ("a", "e", "i", "o", "u") else "alors que "


def _after_negotiation(comparison: Comparison, eliminated: EliminatedOffer) -> str:
    # The consultation's own negotiation rule, applied to this offer: the report may be shown to
    # the evicted bidders, so it never leaves open a way the RC closed (review rev10, § 3).
    kind = procedure_kind(comparison.selection)
    rule = negotiation_rule(kind)
    if not rule.allowed:
        return "elle est définitivement écartée, la procédure excluant toute négociation."
    # Only a MAPA's RC limits the number (webpass.documents.negotiation), hence its name below.
    if rule.closes(len(comparison.ranked)):
        count = rule.limit_words
        return (
            f"elle est écartée. L'article 3 du règlement de la consultation ne réserve la négociation qu'aux "
            f"candidats ayant remis les {count} meilleures offres au regard des critères de "
            f"l'article 7, désignées parmi les seules offres régulières et acceptables ; "
            f"{in_words(len(comparison.ranked), feminine=True)} offres régulières étant classées, "
            "cette offre, écartée sans être notée, n'en fait pas partie et ne peut pas devenir "
            "régulière par la négociation : elle est éliminée (articles R2123-5 et R2152-1 du "
            "Code de la commande publique)."
        )
    if rule.limit is None:
        return _open_negotiation_fate(comparison, cited_pieces(kind)["consultation"])
    ranked_after = _completion_text(comparison, eliminated, "Elle")
    if not ranked_after:
        raise ValueError(f"{eliminated.name} : offre irrégulière non classée à la suite")
    return f"elle est écartée du classement des offres régulières. {ranked_after}"


def _open_negotiation_fate(comparison: Comparison, piece: str) -> str:
    """A consultation by quotes negotiates with every provider or none: the irregular quote is
    eliminated if the collectivity awards on the initial quotes, as the report proposes when it
    proposes an award (review rev11b, § 2); the letter's own word for the buyer."""
    if comparison.proposed is not None:
        initial = (
            "le présent rapport propose d'attribuer le marché sur la base des devis initiaux, "
            "sans négociation : si la collectivité suit cette proposition"
        )
    else:
        initial = (
            "si la collectivité attribue le marché sur la base des devis initiaux, sans négociation"
        )
    return (
        f"elle est écartée. {piece[0].upper()}{piece[1:]} permet à la collectivité de négocier "
        f"avec tous les prestataires consultés ; {initial}, le devis est éliminé (article "
        "R2152-1 du Code de la commande publique). Si elle décide de négocier, elle négocie aussi "
        "avec ce prestataire, et son devis peut devenir régulier à l'issue de la négociation "
        "s'il n'est pas anormalement bas."
    )


def _options(comparison: Comparison) -> Article:
    article = Article("5", "Prestations supplémentaires éventuelles")
    rule = comparison.pse
    if not rule.options and comparison.by_quotes:
        # A quote request has no « solution de base » (review of 1 December 2026, M10).
        article.blocks.append(
            _p(
                "La lettre de consultation ne prévoit aucune prestation supplémentaire éventuelle : "
                "les devis sont comparés sur leur prix total."
            )
        )
        return article
    article.blocks.append(_p(rule.sentence))
    if not rule.options:
        return article
    titles = dict(rule.options)
    retained = comparison.retained
    article.blocks.append(
        _p(
            "PSE retenues : "
            + (
                "; ".join(f"{item_id} ({titles[item_id]})" for item_id in retained)
                if retained
                else "aucune"
            )
            + "."
        )
    )
    if rule.mode.value == "apres_analyse":
        article.blocks.append(_p(_budget_text(comparison)))
    return article


def _budget_text(comparison: Comparison) -> str:
    rule = comparison.pse
    if rule.budget is None:
        return "Le dossier ne fixe pas de budget : toutes les PSE sont retenues, dans l'ordre de priorité."
    text = (
        "Le montant fixé dans le dossier avant la remise des offres pour le choix des PSE est de "
        f"{format_eur(rule.budget)} ; il ne constitue pas les crédits budgétaires alloués au sens "
        "de l'article L2152-3 du Code de la commande publique. "
        f"Ordre de priorité : {', '.join(rule.priority)}."
    )
    left = [item_id for item_id in rule.priority if item_id not in comparison.retained]
    if left:
        text += (
            f" Avec {left[0]} en plus, l'offre régulière la moins chère qui propose ces PSE dépasserait ce "
            f"montant : {left[0]} et les suivantes ne sont pas retenues."
        )
    return text


SCORE_TABLE_OFFERS = 5  # offers per score table: more would squeeze the bidders' names


def score_tables(comparison: Comparison, following: Completion | None = None) -> list[TableBlock]:
    """The points of each offer per criterion: one column per offer, in rank order; the
    regular offers, or with ``following`` the irregular ones ranked after them.

    Criteria are rows (their names are long, the points short), so the table stays readable on
    a portrait page; beyond five offers it is split into several tables.
    """
    tables = []
    ranked = list(following.offers) if following is not None else comparison.ranked
    what = (
        "Notes des offres irrégulières classées à la suite des offres régulières, prix noté "
        "entre elles"
        if following is not None
        else "Notes des offres régulières, prix noté"
    )
    count = -(-len(ranked) // SCORE_TABLE_OFFERS)
    for start in range(0, len(ranked), SCORE_TABLE_OFFERS):
        chunk = ranked[start : start + SCORE_TABLE_OFFERS]
        rows: list[tuple[str, ...]] = []
        for criterion in comparison.criteria.criteria:
            names = [sub.name for sub in criterion.sub_criteria] or [criterion.name]
            for name in names:
                cells = []
                for offer in chunk:
                    score = next(s for s in offer.scores if s.leaf.name == name)
                    cells.append(_pts(score.points) + ("*" if score.missing else ""))
                weight = next(
                    leaf.weight for leaf in comparison.criteria.leaves() if leaf.name == name
                )
                rows.append((f"{name} ({weight})", *cells))
            if criterion.sub_criteria:
                rows.append(
                    (
                        f"Total {criterion.name[0].lower()}{criterion.name[1:]} ({criterion.weight})",
                        *(
                            _pts(
                                sum(
                                    (s.points for s in o.scores if s.leaf.parent == criterion.name),
                                    Decimal(0),
                                )
                            )
                            for o in chunk
                        ),
                    )
                )
        rows.append(("Note totale (100)", *(_pts(offer.total) for offer in chunk)))
        rows += _rank_rows(chunk, following)
        part = f" ({start // SCORE_TABLE_OFFERS + 1}/{count})" if count > 1 else ""
        tables.append(
            TableBlock(
                ("Critère", *(offer.name for offer in chunk)),
                tuple(tuple(french_spacing(c) for c in row) for row in rows),
                (100 - 15 * len(chunk), *([15] * len(chunk))),
                caption=f"{what} selon la {FORMULA_LABELS[comparison.formula]}{part}",
            )
        )
    return tables


def _rank_rows(chunk: list[RankedOffer], following: Completion | None) -> list[tuple[str, ...]]:
    """The rank row of a score table; after the regular offers, the rank and the fate."""
    ranks = tuple(_rank(offer.rank) for offer in chunk)
    if following is None:
        return [("Rang", *ranks)]
    fates = tuple(following.fate(offer) for offer in chunk)
    return [("Rang à la suite", *ranks), ("Suite", *fates)]


def _analysis(comparison: Comparison) -> Article:
    article = Article("6", "Analyse des offres régulières")
    if not comparison.ranked:
        article.blocks.append(
            _p("Aucune offre régulière n'a été reçue : il n'y a pas d'offre à noter.")
        )
        return article
    table = Article("6.1", "Tableau des notes")
    table.blocks += score_tables(comparison)
    if comparison.provisional:
        table.blocks.append(_note("* note de l'analyste non saisie, comptée 0 point."))
    article.children.append(table)
    for position, offer in enumerate(comparison.ranked, 2):
        article.children.append(_offer_article(offer, f"6.{position}", comparison))
    return article


def _offer_article(offer: RankedOffer, number: str, comparison: Comparison) -> Article:
    report = offer.offer.report
    totals = report.totals
    child = Article(number, f"{offer.name}")
    solution = report.candidate.get("Solution", "")
    child.blocks.append(
        _p(
            f"Classée {_rank(offer.rank)} avec {_pts(offer.total)} points sur 100 (valeur technique "
            f"{_pts(offer.technical_total)}, prix {_pts(offer.price_scores[offer.formula].points)}). "
            + (
                f"Solution proposée : {_label_text(report.label, solution)}. "
                if solution or report.label
                else ""
            )
            + (
                f"Prix comparé (solution de base et PSE retenues) : {format_eur(offer.price)} ; montant "
                f"de l'offre, toutes PSE comprises : {format_eur(totals.get('total') or 0)}."
                if comparison.pse.options
                else f"Prix de l'offre : {format_eur(offer.price)}."
            )
        )
    )
    rows = tuple(
        (
            french_spacing(score.leaf.name),
            "—" if score.level is None else f"{score.level} — {score.level_label}",
            f"{_pts(score.points)} / {score.leaf.weight}",
            french_spacing(score.justification),
        )
        for score in offer.scores
    )
    child.blocks.append(
        TableBlock(
            ("Critère", "Niveau", "Points", "Motif"),
            rows,
            (19, 15, 12, 54),
            caption=f"Appréciation de l'offre {of_name(offer.name)}, critère par critère",
        )
    )
    if comparison.information_ids:
        child.blocks += _information_blocks(offer, comparison)
    child.blocks += _reading_blocks(offer)
    if offer.remarks:
        child.blocks.append(_p("Points d'attention :"))
        child.blocks.append(_list(offer.remarks))
    return child


def _information_blocks(offer: RankedOffer, comparison: Comparison) -> list[Paragraph | ListBlock]:
    """The analyst's record of the contract information: « complets » only when the analyst
    checked them and wrote, requirement by requirement, what he saw (22:25 reading, B1)."""
    from webpass.documents.offer_rules import information_words

    ids = list(comparison.information_ids)
    if not offer.information_checked:
        return [
            _p(
                f"Renseignements du marché ({information_words(ids)}) : non encore vérifiés par "
                "l'analyste au regard du texte de chaque exigence. Un renseignement manquant ou "
                "incomplet rend l'offre irrégulière : aucun attributaire n'est proposé avant "
                "cette vérification."
            )
        ]
    order = {item_id: index for index, item_id in enumerate(ids)}
    findings = sorted(offer.information_findings, key=lambda f: order[f.item])
    seen = [f"{f.item} : {f.text.rstrip('.')}." for f in findings]
    missing = offer.without_finding(ids)
    if offer.reading is not None and offer.reading.undecided and not missing:
        return [
            _p(
                f"Renseignements du marché ({information_words([f.item for f in findings])}) : "
                "vérifiés par l'analyste au regard du texte de chaque exigence, mais ils ne sont "
                f"pas établis complets : la réponse à l'exigence {SUPPORT_ITEM} écrit une fin de "
                "support avant la limite, sans décision de l'analyste (ci-dessous). Constats "
                "écrits :"
            ),
            _list(seen),
        ]
    if not missing:
        return [
            _p(
                f"Renseignements du marché ({information_words([f.item for f in findings])}) : "
                "vérifiés par l'analyste au regard du texte de chaque exigence, et complets :"
            ),
            _list(seen),
        ]
    blocks: list[Paragraph | ListBlock] = [
        _p(
            f"Renseignements du marché : l'analyste n'a écrit aucun constat pour "
            f"{information_words(missing)} ; ils ne sont pas établis complets, et aucun "
            "attributaire n'est proposé avant ce constat." + (" Constats écrits :" if seen else "")
        )
    ]
    if seen:
        blocks.append(_list(seen))
    return blocks


def _reading_blocks(offer: RankedOffer) -> list[Block]:
    """G12's ends of support read before the limit, and what the analyst decided: the RAO
    never says an offer meets G12 against its own dates without saying who judged the reading
    (00:20 reading, N1). An offer found irregular on them is in article 4, not here."""
    reading = offer.reading
    if reading is None or not reading.alerts:
        return []
    read = (
        f"Fin de support lue par webpass dans la réponse à l'exigence {SUPPORT_ITEM}, avant la "
        f"limite qu'elle fixe : {reading.read}."
    )
    if reading.misread and reading.decision is not None:
        return [
            _p(
                f"{read} L'analyste a relu l'offre et tient cette lecture pour erronée. "
                f"{reading.decision.reason.rstrip('.')}."
            )
        ]
    return [
        _p(
            f"{read} Si cette date est bien celle de l'offre, celle-ci ne respecte pas "
            f"l'exigence {SUPPORT_ITEM} et elle est irrégulière. L'analyste n'a pas consigné sa "
            "décision (fichier des notes, rubrique « verifications », « lectures », "
            f"« {SUPPORT_ITEM} », « statut » : « {ReadingStatus.IRREGULAR.value} », ou "
            f"« {ReadingStatus.MISREAD.value} » avec ce que l'offre dit vraiment) : aucun "
            "attributaire n'est proposé avant cette décision.",
            bold=True,
        )
    ]


def _formulas(comparison: Comparison) -> Article:
    article = Article("7", "Effet de la formule de notation du prix")
    if not comparison.ranked:
        article.blocks.append(_p(comparison.formula_effect))
        return article
    rows: list[tuple[str, ...]] = []
    for offer in comparison.ranked:
        cells = [offer.name, _eur(offer.price)]
        for formula in PriceFormula:
            cells.append(
                f"{_pts(offer.price_scores[formula].points)} → {_pts(offer.total_under(formula))} "
                f"({_rank(offer.ranks[formula])})"
            )
        rows.append(tuple(french_spacing(c) for c in cells))
    header = (
        comparison.bidder_label,
        "Prix comparé HT",
        *(
            _FORMULA_SHORT[f] + (" (annoncée)" if f is comparison.formula else "")
            for f in PriceFormula
        ),
    )
    article.blocks += [
        _p(
            "Pour mesurer le poids de la formule de notation du prix, le classement est recalculé avec les "
            "trois formules que la Direction des affaires juridiques juge régulières ; chaque case donne la "
            "note de prix, la note totale et le rang."
        ),
        TableBlock(
            header,
            tuple(rows),
            (24, 16, 20, 20, 20),
            caption="Classement selon chaque formule de prix : note de prix → note totale (rang)",
        ),
        _p(comparison.formula_effect),
    ]
    zeros = [
        offer.name
        for offer in comparison.ranked
        if offer.price_scores[comparison.formula].points == 0 and len(comparison.ranked) > 1
    ]
    if zeros:
        article.blocks.append(
            _note(
                "La formule annoncée donne 0 point de prix à "
                + ", ".join(zeros)
                + " : la note doit refléter la valeur relative des offres ; vérifiez que cet écart est justifié."
            )
        )
    return article


def _proposal(comparison: Comparison) -> Article:
    article = Article("8", "Classement et proposition d'attribution")
    if not comparison.ranked:
        article.blocks.append(
            _p(
                "Aucune offre régulière n'a été reçue. La consultation peut être déclarée sans suite pour "
                "infructuosité, ou les offres irrégulières régularisées dans les conditions de l'article R2152-2."
            )
        )
        return article
    article.blocks.append(
        _list(
            [
                f"{_rank(o.rank)} : {o.name} — {_pts(o.total)} points, {format_eur(o.price)}"
                for o in comparison.ranked
            ]
        )
    )
    article.blocks += _tie_blocks(comparison)
    if _no_aid(comparison):
        article.blocks.append(
            _p(
                "Aucune aide publique ne s'applique à ce dossier : le reste à charge est le prix de l'offre."
            )
        )
    winner = comparison.winner
    if winner is None:
        article.blocks.append(
            _p(
                "Plusieurs offres sont ex aequo à la première place : l'acheteur les départage avant de "
                "proposer un attributaire.",
                bold=True,
            )
        )
        return article
    article.blocks += _winner_blocks(comparison, winner)
    return article


def _tie_blocks(comparison: Comparison) -> list[Block]:
    blocks: list[Block] = [
        _p(
            "Règle d'égalité annoncée : à note totale égale, l'offre au prix comparé le plus bas est classée "
            "la première, puis celle qui a la meilleure note au premier sous-critère, puis au suivant. "
            + tie_draw(comparison.by_quotes)
        )
    ]
    if comparison.ties:
        blocks += [_p(text) for text in comparison.ties]
    else:
        blocks.append(
            _p(
                "Aucune offre n'a la même note totale qu'une autre : la règle d'égalité n'a pas servi."
            )
        )
    return blocks


def _winner_blocks(comparison: Comparison, winner: RankedOffer) -> list[Block]:
    report = winner.offer.report
    proposal = (
        f"Il est proposé d'attribuer le marché à {winner.name}"
        + (f" (SIRET {report.candidate['SIRET']})" if report.candidate.get("SIRET") else "")
        + f", offre économiquement la plus avantageuse avec {_pts(winner.total)} points sur 100, pour un "
        f"montant de {format_eur(winner.price)} sur la durée du marché"
        + _retained_phrase(comparison)
        + f", {award_reservation(comparison.by_quotes)}."
    )
    if winner.possibly_abnormally_low:
        # No award on a price that may be abnormally low before the bidder was heard on it.
        proposal = (
            f"L'offre classée première, de {winner.name}, est d'un prix inférieur à l'estimation "
            "basse du marché : elle peut être anormalement basse. Avant toute proposition "
            "d'attribution, l'acheteur lui demande par écrit de justifier son prix (articles "
            "L2152-5 et R2152-3 du Code de la commande publique) ; il ne la rejette que si les "
            "justifications ne rendent pas compte du bas niveau du prix, et ne propose "
            "l'attribution qu'au terme de cet échange."
        )
    elif comparison.award_blockers:
        # No award on a ranking whose offers' regularity is not checked (review of 1 December
        # 2026, B1): the analyst records it in the notes file first.
        proposal = (
            f"L'offre classée première est celle de {winner.name}. Aucun attributaire n'est "
            "proposé tant que " + " ; ".join(comparison.award_blockers) + "."
        )
    elif comparison.provisional:
        proposal = (
            "Proposition provisoire, en attendant les notes manquantes : "
            + proposal[0].lower()
            + proposal[1:]
        )
    blocks: list[Block] = [_p(proposal, bold=True)]
    pending = [
        e.name
        for e in comparison.eliminated
        if e.regularity.regularisable and comparison.criteria.regularisation
    ]
    if pending:
        # R2152-2: whether to regularise is decided before the ranking, never after it.
        blocks.append(
            _note(
                "Cette proposition suppose que l'acheteur a décidé, avant le classement, de ne pas "
                "demander la régularisation des offres régularisables ("
                + ", ".join(pending)
                + ", article 4) ; s'il la demande, le classement est refait avec les offres "
                "régularisées avant toute attribution."
            )
        )
    blocks.append(_p(_estimate_gap_text(comparison, winner)))
    if len(comparison.ranked) > 1:
        blocks.append(_p(_gap_text(comparison, winner, comparison.ranked[1])))
    if winner.remarks:
        blocks.append(
            _p(
                "Avant l'attribution, lever les points d'attention relevés sur cette offre "
                f"(article {_analysis_number(comparison)})."
            )
        )
    return blocks


def _estimate_gap_text(comparison: Comparison, winner: RankedOffer) -> str:
    """How far the proposed price is from the estimate, computed on the same quantities (the
    yearly prices over the planned years of service): the analyst states why."""
    estimate = comparison.selection.estimate.total
    gap = winner.price - estimate.central
    percent = format_number(abs(gap) * 100 / estimate.central, 1) if estimate.central else "—"
    where = (
        f"au-dessus du haut de sa fourchette ({format_eur(estimate.high)})"
        if winner.price > estimate.high
        else f"sous le bas de sa fourchette ({format_eur(estimate.low)})"
        if winner.price < estimate.low
        else "dans sa fourchette"
    )
    if gap == 0:
        return (
            f"Écart avec l'estimation : le prix proposé est égal à l'estimation centrale "
            f"({format_eur(estimate.central)}), calculée sur les mêmes quantités."
        )
    direction = "supérieur" if gap > 0 else "inférieur"
    return (
        f"Écart avec l'estimation : le prix proposé ({format_eur(winner.price)}) est {direction} "
        f"de {percent} % à l'estimation centrale ({format_eur(estimate.central)}, calculée sur "
        f"les mêmes quantités), {where}. Motif de l'écart, à compléter par l'analyste : …"
    )


def _gap_text(comparison: Comparison, winner: RankedOffer, runner_up: RankedOffer) -> str:
    """The gap to the second offer, measured against one level of the heaviest sub-criterion."""
    gap = winner.total - runner_up.total
    text = (
        f"L'écart avec l'offre classée {_rank(runner_up.rank)} ({runner_up.name}) est de {_pts(gap)} "
        f"point{'s' if gap >= 2 else ''}."
    )
    judged = [leaf for leaf in comparison.criteria.leaves() if leaf.judged]
    if not judged:
        return text
    heaviest = max(judged, key=lambda leaf: leaf.weight)
    step = Decimal(heaviest.weight) / comparison.criteria.top
    if gap <= step:
        return text + (
            f" Un seul niveau de plus ou de moins sur « {heaviest.name} » ({_pts(step)} points) "
            "suffirait à inverser le classement : relisez les appréciations et assurez-vous que chacune "
            "est motivée par le mémoire technique."
        )
    return text + (
        f" Il dépasse un niveau du sous-critère le plus lourd (« {heaviest.name} », {_pts(step)} points) : "
        "le classement tient à des différences d'appréciation sur plusieurs points, pas à un arrondi."
    )


def _retained_phrase(comparison: Comparison) -> str:
    if not comparison.pse.options:
        return ""
    if not comparison.retained:
        return ", solution de base sans PSE"
    return ", solution de base et PSE " + ", ".join(comparison.retained)


def _other_aids(comparison: Comparison) -> bool:
    report = comparison.financing
    return report is not None and bool(report.plan.aids_with_status)


def _no_aid(comparison: Comparison) -> bool:
    """No aid applies: the scheme is not this dossier's, and the dossier declares no other one."""
    first = next((o.subsidy for o in comparison.ranked if o.subsidy is not None), None)
    return first is not None and first.not_applicable and not _other_aids(comparison)


def _subsidy(comparison: Comparison) -> Article | None:
    article = Article("9", "Aides publiques et reste à charge")
    ranked = [o for o in comparison.ranked if o.subsidy is not None]
    if not ranked:
        article.blocks.append(_p("Sans offre régulière, les aides ne sont pas calculées."))
        return article
    first = ranked[0].subsidy
    assert first is not None
    scheme = first.scheme.title.split(" — ")[0]
    if first.not_applicable:
        # An aid of another territory or period is no aid and no section of the report: only
        # the other financing the dossier declares, if any (else one line in article 8).
        if not _other_aids(comparison):
            return None
        article.blocks += _financing_blocks(comparison)
        return article
    rows = _subsidy_rows(ranked)
    bidder = comparison.bidder_label
    article.blocks += [
        _note(
            f"Aucune aide n'est acquise avant la décision du financeur ({first.scheme.funder}) sur "
            "le dossier de demande ; les montants ci-dessous ne l'engagent pas et ne jouent aucun "
            "rôle dans le jugement des offres."
        ),
        _p(
            f"Offre classée première : {aid_statement(first)} Les dépenses de fonctionnement "
            + (
                "(hébergement, maintenance) n'y entrent pas ; les phases de la réalisation y "
                "entrent toutes. "
                if priced_by_phase(comparison.selection)
                else "(hébergement, maintenance, formation, rédaction) n'y entrent pas. "
            )
            + "Le reste à charge "
            "est le montant total de l'offre diminué de ce montant "
            f"({first.applicability.label}), avant les autres financements."
        ),
        TableBlock(
            (
                bidder,
                "Prix comparé HT",
                "Dont investissement",
                f"{scheme} : {first.applicability.label}",
                "Reste à charge HT",
            ),
            rows,
            (28, 18, 18, 18, 18),
            caption=f"Aide {scheme} selon l'offre",
        ),
    ]
    if not first.eligible:
        article.blocks.append(
            _note("Le projet n'est pas éligible en l'état : " + " ; ".join(first.reasons))
        )
    article.blocks += _financing_blocks(comparison)
    return article


def _subsidy_rows(ranked: list[RankedOffer]) -> tuple[tuple[str, ...], ...]:
    rows: list[tuple[str, ...]] = []
    for offer in ranked:
        result = offer.subsidy
        assert result is not None
        cells = (
            offer.name,
            _eur(result.total),
            _eur(result.base),
            _eur(result.subsidy),
            _eur(result.remaining),
        )
        rows.append(tuple(french_spacing(c) for c in cells))
    return tuple(rows)


def _financing_blocks(comparison: Comparison) -> list[Block]:
    report = comparison.financing
    if comparison.winner is None or report is None:
        return []
    aids = " ; ".join(
        f"{label} : {format_eur(amount, '€')} ({status})"
        for label, amount, status in report.plan.aids_with_status
    )
    if not aids:
        aids = "aucune aide"
    blocks: list[Block] = _member_blocks(comparison)
    if blocks:
        coordinator = comparison.selection.answers.collectivity.name
        text = (
            f"Les aides déclarées au dossier sont sollicitées par le coordonnateur ({coordinator}), "
            f"qui le rédige : sur sa part de l'investissement ({format_eur(report.plan.cost)}), "
            f"son plan de financement prévisionnel compte : {aids}. "
            + (
                f"Son autofinancement serait de {format_eur(report.own_contribution, '€')}"
                if report.own_contribution >= 0
                else f"Ces aides dépassent sa part de {format_eur(-report.own_contribution, '€')}"
            )
        )
    else:
        text = (
            f"Avec l'offre proposée, le plan de financement prévisionnel de l'investissement "
            f"({format_eur(report.plan.cost)}{_estimated_parts(comparison)}) compte : {aids}. "
            f"La part de la collectivité serait de {format_eur(report.own_contribution, '€')}"
        )
    if report.own_share is not None and report.own_contribution >= 0:
        # To the hundredth, as `subvention` prints the same share (00:05 reading, N7).
        text += f", soit {format_number(report.own_share * 100, 2)} % des financements publics"
    blocks.append(_p(text + "."))
    if report.ok:
        blocks.append(
            _p(
                "Le plan respecte la participation minimale du maître d'ouvrage (article L1111-10 du Code "
                "général des collectivités territoriales)."
            )
        )
    else:
        blocks.append(_note("Plan de financement à revoir : " + " ; ".join(report.problems)))
    return blocks


def _estimated_parts(comparison: Comparison) -> str:
    """« , dont 533,45 € HT de la phase Formation, part … estimée à 22,4 % … »: an investment
    part of a phase webpass split by its own key, never presented as the offer's figure."""
    winner = comparison.winner
    if winner is None or winner.subsidy is None:
        return ""
    parts = [
        f"{format_eur(decision.line.amount)} : {decision.line.label[0].lower()}"
        f"{decision.line.label[1:]}"
        for decision in winner.subsidy.lines
        if decision.counted and decision.line.estimated_share is not None
    ]
    return f", dont {' ; '.join(parts)}" if parts else ""


def _member_blocks(comparison: Comparison) -> list[Block]:
    """A groupement's members each pay their share of the proposed offer's investment: the
    table of the shares, and why each plan is drawn on the share of the member that asks."""
    shares = comparison.member_investment
    if not shares:
        return []
    total = sum((share.amount for share in shares), Decimal(0))
    rows = tuple(
        (
            french_spacing(share.name + (" (coordonnateur)" if share.coordinator else "")),
            _eur(share.amount),
        )
        for share in shares
    )
    return [
        _p(
            "Le marché est payé par les membres du groupement de commandes, chacun sa part, selon "
            "la répartition de la convention constitutive. Avec l'offre proposée, l'investissement "
            f"({format_eur(total)}) se répartit ainsi :"
        ),
        TableBlock(
            ("Membre", "Part de l'investissement HT"),
            rows,
            (70, 30),
            caption="Part de chaque membre dans l'investissement de l'offre proposée",
        ),
        _p(
            "Une aide ne finance que la dépense du membre qui la demande, et la participation "
            "minimale du maître d'ouvrage (article L1111-10 du Code général des collectivités "
            "territoriales) s'apprécie pour chacun : chaque membre qui sollicite une aide établit "
            "son plan de financement sur sa propre part."
        ),
    ]


def _signature(day: dt.date | None, number: int) -> Article:
    article = Article(str(number), "Visa")
    blocks: list[Block] = [
        _p(f"Rapport établi le {date_fr(day)}." if day else f"Rapport établi le {BLANK_DATE}"),
        _p("L'analyste (nom, qualité, signature) :"),
        _p("Le représentant du pouvoir adjudicateur (nom, qualité, signature) :"),
        _note(
            "Rapport produit par webpass à partir des cadres de réponse, des notes de l'analyste et du dossier. "
            "Les appréciations sont générées à partir des données : relisez-les et complétez-les avant signature."
        ),
    ]
    article.blocks += blocks
    return article
