"""The rapport d'analyse des offres (RAO), built from a :class:`~webpass.compare.scoring.Comparison`.

A :class:`~webpass.documents.cctp.CctpDocument` with the acronym « RAO », rendered by the CCTP's
renderers: DOCX for the analyst to edit (every justification is generated from the data and
meant to be reread and completed), PDF for the file. Its sections follow the usual outline of a
RAO: the consultation, the criteria as announced, the offers received, the offers eliminated
and why, the score table, the analysis of each offer criterion by criterion, the effect of the
price formula, the ranking and the proposed winner, and the Webpass subsidy of each offer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from webpass.aid.attach import aid_statement
from webpass.compare.price_scoring import FORMULA_LABELS, PriceFormula
from webpass.compare.scoring import Comparison, RankedOffer
from webpass.core.money import format_eur, format_number
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
from webpass.documents.rc import clock_fr, consultation_object, criteria_table, scoring_blocks
from webpass.documents.typography import date_fr, french_spacing
from webpass.dossier.answers import answers_to_yaml

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


def build_rao(comparison: Comparison, date: dt.date | None = None) -> CctpDocument:
    """The RAO of a comparison, dated ``date`` (default: the deadline for the offers)."""
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
        _analysis(comparison),
        _formulas(comparison),
        _proposal(comparison),
        _subsidy(comparison),
    ]
    articles.append(_signature(day, len(articles) + 1))
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
    )


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
                f"{format_eur(estimate.low)} à {format_eur(estimate.high)}) "
                f"sur {project.duration_years} an{'s' if project.duration_years > 1 else ''}"
                + (
                    f" ; budget envisagé : {format_eur(project.budget)}." if project.budget else "."
                ),
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
            "Les offres sont jugées selon les critères, sous-critères et pondérations annoncés dans le "
            "règlement de la consultation :"
        ),
        criteria_table(comparison.criteria),
        *scoring_blocks(comparison.criteria, annex=None),
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
    ranks = {id(r.offer): r for r in comparison.ranked}
    rows = []
    for position, offer in enumerate(comparison.offers, 1):
        report = offer.report
        ranked = ranks.get(id(offer))
        fate = f"Régulière, classée {_rank(ranked.rank)}" if ranked else "Irrégulière, écartée"
        if ranked and not report.conforming:
            fate += " (points à régulariser)"
        rows.append(
            (
                str(position),
                offer.name,
                _siret(report.candidate.get("SIRET", "")),
                _label_text(report.label, report.candidate.get("Solution", "")),
                _eur(report.totals.get("total") or 0),
                fate,
            )
        )
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
            ("N°", "Candidat", "SIRET", "Solution", "Montant total HT", "Suite donnée"),
            tuple(tuple(french_spacing(c) for c in row) for row in rows),
            (5, 21, 13, 23, 16, 22),
            caption="Offres reçues, dans l'ordre des fichiers",
        ),
        _note(
            "Le montant total est celui que webpass recalcule à partir des lignes du cadre de réponse : "
            "prix forfaitaires (DPGF) et prix unitaires du BPU multipliés par les quantités estimées (DQE)."
        ),
    ]
    return article


def _eliminated(comparison: Comparison) -> Article:
    article = Article("4", "Offres irrégulières écartées")
    if not comparison.eliminated:
        article.blocks.append(
            _p("Aucune offre n'est irrégulière : toutes les offres reçues sont analysées.")
        )
        return article
    article.blocks.append(
        _p(
            "Les offres suivantes ne satisfont pas des exigences du dossier de consultation ; elles sont "
            "irrégulières et écartées sans être notées (article R2152-1 du Code de la commande publique)."
        )
    )
    for position, eliminated in enumerate(comparison.eliminated, 1):
        child = Article(f"4.{position}", eliminated.name)
        total = eliminated.offer.report.totals.get("total") or Decimal(0)
        child.blocks += [
            _p(
                f"Offre reçue dans le fichier « {eliminated.offer.path.name} », montant total recalculé "
                f"{format_eur(total)}. Motifs :"
            ),
            _list(list(eliminated.reasons)),
        ]
        article.children.append(child)
    article.blocks.append(
        _note(
            "L'acheteur peut autoriser tous les soumissionnaires concernés à régulariser leurs offres "
            "irrégulières dans un délai approprié, à condition qu'elles ne soient pas anormalement basses "
            "(article R2152-2). Si cette faculté est utilisée, relancez la comparaison avec les offres régularisées."
        )
    )
    return article


SCORE_TABLE_OFFERS = 5  # offers per score table: more would squeeze the bidders' names


def score_tables(comparison: Comparison) -> list[TableBlock]:
    """The points of each offer per criterion: one column per offer, in rank order.

    Criteria are rows (their names are long, the points short), so the table stays readable on
    a portrait page; beyond five offers it is split into several tables.
    """
    tables = []
    ranked = comparison.ranked
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
        rows.append(("Rang", *(_rank(offer.rank) for offer in chunk)))
        part = f" ({start // SCORE_TABLE_OFFERS + 1}/{count})" if count > 1 else ""
        tables.append(
            TableBlock(
                ("Critère", *(offer.name for offer in chunk)),
                tuple(tuple(french_spacing(c) for c in row) for row in rows),
                (100 - 15 * len(chunk), *([15] * len(chunk))),
                caption=f"Notes des offres régulières, prix noté selon la {FORMULA_LABELS[comparison.formula]}{part}",
            )
        )
    return tables


def _analysis(comparison: Comparison) -> Article:
    article = Article("5", "Analyse des offres régulières")
    if not comparison.ranked:
        article.blocks.append(
            _p("Aucune offre régulière n'a été reçue : il n'y a pas d'offre à noter.")
        )
        return article
    table = Article("5.1", "Tableau des notes")
    table.blocks += score_tables(comparison)
    if comparison.provisional:
        table.blocks.append(_note("* note de l'analyste non saisie, comptée 0 point."))
    article.children.append(table)
    for position, offer in enumerate(comparison.ranked, 2):
        article.children.append(_offer_article(offer, f"5.{position}", comparison))
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
            + f"Montant total : {format_eur(offer.price)} (DPGF {format_eur(totals.get('dpgf') or 0)}, "
            f"DQE {format_eur(totals.get('dqe') or 0)})."
        )
    )
    rows = tuple(
        (
            french_spacing(score.leaf.name),
            f"{_pts(score.points)} / {score.leaf.weight}",
            french_spacing(score.justification),
        )
        for score in offer.scores
    )
    child.blocks.append(
        TableBlock(
            ("Critère", "Points", "Appréciation"),
            rows,
            (22, 12, 66),
            caption=f"Appréciation de l'offre de {offer.name}, critère par critère",
        )
    )
    if offer.remarks:
        child.blocks.append(_p("Points d'attention :"))
        child.blocks.append(_list(offer.remarks))
    return child


def _formulas(comparison: Comparison) -> Article:
    article = Article("6", "Effet de la formule de notation du prix")
    if not comparison.ranked:
        article.blocks.append(_p(comparison.formula_effect))
        return article
    rows = []
    for offer in comparison.ranked:
        cells = [offer.name, _eur(offer.price)]
        for formula in PriceFormula:
            cells.append(
                f"{_pts(offer.price_scores[formula].points)} → {_pts(offer.total_under(formula))} "
                f"({_rank(offer.ranks[formula])})"
            )
        rows.append(tuple(french_spacing(c) for c in cells))
    header = (
        "Candidat",
        "Montant total HT",
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
    article = Article("7", "Classement et proposition d'attribution")
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
    article.blocks.append(
        _p(
            "Règle d'égalité annoncée : à note totale égale, l'offre au prix le plus bas est classée la "
            "première, puis celle qui a la meilleure note technique."
        )
    )
    if comparison.ties:
        article.blocks += [_p(text) for text in comparison.ties]
    else:
        article.blocks.append(
            _p(
                "Aucune offre n'a la même note totale qu'une autre : la règle d'égalité n'a pas servi."
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
    report = winner.offer.report
    proposal = (
        f"Il est proposé d'attribuer le marché à {winner.name}"
        + (f" (SIRET {report.candidate['SIRET']})" if report.candidate.get("SIRET") else "")
        + f", offre économiquement la plus avantageuse avec {_pts(winner.total)} points sur 100, pour un "
        f"montant total de {format_eur(winner.price)} sur la durée du marché"
        + (
            ", prestations supplémentaires éventuelles comprises"
            if _has_options(comparison)
            else ""
        )
        + ", sous réserve de la production des attestations de régularité fiscale et sociale."
    )
    if comparison.provisional:
        proposal = (
            "Proposition provisoire, en attendant les notes manquantes : "
            + proposal[0].lower()
            + proposal[1:]
        )
    article.blocks.append(_p(proposal, bold=True))
    if len(comparison.ranked) > 1:
        runner_up = comparison.ranked[1]
        gap = winner.total - runner_up.total
        text = f"L'écart avec l'offre classée {_rank(runner_up.rank)} ({runner_up.name}) est de {_pts(gap)} point{'s' if gap >= 2 else ''}."
        if gap < 2:
            text += (
                " Cet écart est faible : relisez les appréciations de l'analyste, qui peuvent à elles seules "
                "inverser le classement, et assurez-vous qu'elles sont motivées."
            )
        article.blocks.append(_p(text))
    if winner.remarks:
        article.blocks.append(
            _p(
                "Avant l'attribution, lever les points d'attention relevés sur cette offre (article 5)."
            )
        )
    return article


def _has_options(comparison: Comparison) -> bool:

    return any(s.is_pse for s in comparison.selection.items)


def _subsidy(comparison: Comparison) -> Article:
    article = Article("8", "Subvention Webpass et reste à charge")
    ranked = [o for o in comparison.ranked if o.subsidy is not None]
    if not ranked:
        article.blocks.append(_p("Sans offre régulière, la subvention n'est pas calculée."))
        return article
    first = ranked[0].subsidy
    assert first is not None
    rows = []
    for offer in ranked:
        result = offer.subsidy
        assert result is not None
        rows.append(
            tuple(
                french_spacing(c)
                for c in (
                    offer.name,
                    _eur(result.total),
                    _eur(result.base),
                    _eur(result.subsidy),
                    _eur(result.remaining),
                )
            )
        )
    article.blocks += [
        _p(
            f"Offre classée première : {aid_statement(first)} Les dépenses de fonctionnement "
            "(hébergement, maintenance) n'y entrent pas. Le reste à charge est le montant total de "
            f"l'offre diminué de ce montant ({first.applicability.label}), avant les autres "
            "financements."
        ),
        TableBlock(
            (
                "Candidat",
                "Montant total HT",
                "Dont investissement",
                "Webpass : " + first.applicability.label,
                "Reste à charge HT",
            ),
            tuple(rows),
            (28, 18, 18, 18, 18),
            caption="Subvention Webpass selon l'offre retenue",
        ),
    ]
    if not first.eligible:
        article.blocks.append(
            _note("Le projet n'est pas éligible en l'état : " + " ; ".join(first.reasons))
        )
    winner = comparison.winner
    report = comparison.financing
    if winner is not None and report is not None:
        aids = " ; ".join(
            f"{label} : {format_eur(amount, '€')}" for label, amount in report.plan.aids
        )
        text = (
            f"Avec l'offre proposée, le plan de financement de l'investissement compte : {aids}. "
            f"La part de la collectivité est de {format_eur(report.own_contribution, '€')}"
        )
        if report.own_share is not None:
            text += f", soit {format_number(report.own_share * 100, 1)} % des financements publics"
        text += "."
        article.blocks.append(_p(text))
        if report.ok:
            article.blocks.append(
                _p(
                    "Le plan respecte la participation minimale du maître d'ouvrage (article L1111-10 du Code "
                    "général des collectivités territoriales)."
                )
            )
        else:
            article.blocks.append(
                _note("Plan de financement à revoir : " + " ; ".join(report.problems))
            )
    return article


def _signature(day: dt.date, number: int) -> Article:
    article = Article(str(number), "Visa")
    blocks: list[Block] = [
        _p(f"Rapport établi le {date_fr(day)}."),
        _p("L'analyste (nom, qualité, signature) :"),
        _p("Le représentant du pouvoir adjudicateur (nom, qualité, signature) :"),
        _note(
            "Rapport produit par webpass à partir des cadres de réponse, des notes de l'analyste et du dossier. "
            "Les appréciations sont générées à partir des données : relisez-les et complétez-les avant signature."
        ),
    ]
    article.blocks += blocks
    return article
