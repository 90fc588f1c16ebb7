"""Articles 12 to 17 of the CCAP: subcontracting to the list of derogations, always last."""

from __future__ import annotations

from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.ccap_support import CcapContext
from webpass.documents.cctp import Article
from webpass.documents.facts import Fact, fact
from webpass.documents.phases import reversibility_rule
from webpass.documents.writing import para, table

__all__ = ["closing_articles"]


def closing_articles(context: CcapContext) -> list[Article]:
    """Articles 12 to 17; the derogations are listed once every other article is written."""
    articles = [
        _subcontracting(context),
        _insurance(context),
        _termination(context),
        _reversibility(context),
        _disputes(context),
    ]
    articles.append(_derogations(context))
    return articles


def _head(key: CcapArticle) -> Article:
    return Article(key.number, key.heading)


def _subcontracting(context: CcapContext) -> Article:
    article = _head(CcapArticle.SUBCONTRACTING)
    article.blocks += [
        para(
            "Le titulaire peut sous-traiter une partie des prestations à condition d'avoir obtenu de "
            "l'acheteur l'acceptation de chaque sous-traitant et l'agrément de ses conditions de "
            "paiement (articles L2193-1 et suivants du Code de la commande publique), par la "
            "déclaration de sous-traitance (formulaire DC4) jointe à l'offre ou par un acte spécial en "
            "cours d'exécution. Le sous-traitant accepté dont la part est égale ou supérieure à 600 € "
            "TTC est payé directement par l'acheteur (article R2193-10)."
        ),
        para(
            "Un sous-traitant qui accède aux données personnelles est en outre un sous-traitant "
            "ultérieur au sens du RGPD et relève de " + context.ccap(CcapArticle.DATA) + "."
        ),
    ]
    return article


def _insurance(context: CcapContext) -> Article:
    article = _head(CcapArticle.INSURANCE)
    article.blocks.append(
        para(
            "Le titulaire est assuré pour la responsabilité civile qu'il encourt du fait de "
            "l'exécution du marché, y compris pour les dommages immatériels causés par une perte de "
            "données ou une interruption du site, conformément "
            + context.ref("à", "assurances")
            + ". Il en justifie par une attestation de son assureur, qui précise l'étendue de la "
            "garantie, dans les quinze jours qui suivent la notification du marché et avant tout "
            "début d'exécution, puis à toute demande de l'acheteur. Cette attestation n'est "
            "demandée qu'au titulaire, jamais avec l'offre."
        )
    )
    return article


def _termination(context: CcapContext) -> Article:
    article = _head(CcapArticle.TERMINATION)
    article.blocks += [
        para(
            "Le marché peut être résilié dans les cas et selon les modalités prévus par "
            + context.cite("resiliation")
            + ", notamment pour motif d'intérêt général, avec indemnisation du titulaire, ou pour "
            "faute du titulaire après une mise en demeure restée sans effet."
        ),
        para(
            "Constituent notamment une faute : une disponibilité inférieure au taux garanti pendant "
            "trois mois consécutifs"
            + (
                ", le refus d'exécuter un bon de commande conforme au marché"
                if context.terms.on_order
                else ""
            )
            + " et le manquement aux obligations de "
            + context.ccap(CcapArticle.DATA)
            + ". En cas de résiliation, "
            "quelle qu'en soit la cause, la réversibilité prévue à "
            + context.ccap(CcapArticle.REVERSIBILITY)
            + " s'applique."
        ),
    ]
    return article


def _reversibility(context: CcapContext) -> Article:
    terms = context.terms
    export = context.requirement("N03")
    accounts = context.requirement("N04")
    article = _head(CcapArticle.REVERSIBILITY)
    article.blocks += [
        para(
            "À la fin du marché, quelle qu'en soit la cause, le titulaire assure la réversibilité "
            "définie par "
            + context.cite("42")
            + " : il remet à l'acheteur, ou au prestataire que celui-ci désigne, l'export complet des "
            "contenus, des données et des comptes dans des formats ouverts"
            + (f" décrits par {export}" if export else "")
            + ", le code source des développements spécifiques et la documentation à jour, et transfère "
            "les noms de domaine et les comptes d'hébergement"
            + (f" conformément à {accounts}" if accounts else "")
            + "."
        ),
        para(fact(Fact.REVERSIBILITY, reversibility_rule(terms.selection))),
    ]
    if terms.simplified:
        return article
    article.blocks.append(
        para(
            "Six mois avant le terme, le titulaire remet un plan de réversibilité qui détaille le "
            "calendrier, le contenu des exports et les opérations de transfert."
        )
    )
    return article


def _disputes(context: CcapContext) -> Article:
    terms = context.terms
    article = _head(CcapArticle.DISPUTES)
    article.blocks += [
        para(
            "Le marché est régi par le droit français. Toutes les pièces, la correspondance et la "
            "documentation sont rédigées en français."
        ),
        para(
            "Un différend entre les parties donne lieu à un mémoire en réclamation du titulaire, dans "
            "les conditions "
            + context.ref("de", "differends")
            + ". Les parties peuvent saisir le comité consultatif de règlement amiable des différends "
            "compétent (articles R2197-1 et suivants du Code de la commande publique) ou le médiateur "
            "des entreprises."
        ),
        para(
            "À défaut d'accord, le litige est porté devant le ",
            terms.court,
            ", dans le ressort duquel le marché est exécuté (article R312-11 du code de justice "
            "administrative).",
        ),
    ]
    return article


def _derogations(context: CcapContext) -> Article:
    article = _head(CcapArticle.DEROGATIONS)
    if not context.derogations:
        article.blocks.append(para("Le présent CCAP ne déroge à aucun article du CCAG-TIC."))
        return article
    rows = []
    for derogation in context.derogations:
        cited = context.terms.data.cite(derogation.ccag)
        rows.append(
            (
                cited[0].upper() + cited[1:],
                f"Article {derogation.where.number} du CCAP",
                derogation.summary[0].upper() + derogation.summary[1:],
            )
        )
    article.blocks += [
        para(
            "Conformément à "
            + context.cite("1.2")
            + ", le présent article récapitule les stipulations du CCAG-TIC auxquelles le CCAP "
            "déroge :"
        ),
        table(
            ("Article du CCAG-TIC", "Article du CCAP", "Dérogation"),
            rows,
            (30, 20, 50),
            caption="Dérogations au CCAG-TIC",
        ),
    ]
    return article
