"""Articles 12 to 17 of the CCAP: subcontracting to the list of derogations, always last."""

from __future__ import annotations

from decimal import Decimal

from webpass.core.money import format_eur
from webpass.documents.award_pieces import INSURANCE_PROOF, vigilance_due
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.ccap_support import CcapContext
from webpass.documents.cctp import Article
from webpass.documents.facts import Fact, fact
from webpass.documents.members import MEMBERS_ANNEX
from webpass.documents.phases import REVERSIBILITY_MONTHS, reversibility_rule
from webpass.documents.writing import para, table

__all__ = ["IMMATERIAL_COVER", "closing_articles"]

# Many small agencies' policies exclude or cap low the immaterial damage that follows no physical
# damage; a floor tells both sides whether the certificate is enough.
IMMATERIAL_COVER = Decimal("150000")


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
            "TTC est payé directement "
            + (
                # Eight members pay, each its own share: each pays the subcontractor its part.
                f"par chaque membre, pour la part des prestations sous-traitées mise à sa charge "
                f"par l'annexe {MEMBERS_ANNEX} ; la déclaration de sous-traitance (DC4) ou l'acte "
                "spécial indique cette répartition (article R2193-10)."
                if context.terms.joint_purchasing
                else "par l'acheteur (article R2193-10)."
            )
        ),
        para(
            "Un sous-traitant qui accède aux données personnelles est en outre un sous-traitant "
            "ultérieur au sens du RGPD et relève de " + context.ccap(CcapArticle.DATA) + "."
        ),
    ]
    return article


def _insurance(context: CcapContext) -> Article:
    article = _head(CcapArticle.INSURANCE)
    # Earlier than the CCAG's fifteen days after the notification: listed as a derogation.
    earlier = context.derogate(
        "assurances",
        CcapArticle.INSURANCE,
        "attestation d'assurance remise avant la notification, avec les pièces de l'attribution",
    )
    article.blocks.append(
        para(
            "Le titulaire est assuré pour la responsabilité civile qu'il encourt du fait de "
            "l'exécution du marché, y compris pour les dommages immatériels non consécutifs causés "
            "par une perte de données ou une interruption du site, pour un montant d'au moins "
            f"{format_eur(IMMATERIAL_COVER, '€').replace(',00', '')} par sinistre et par an, "
            "conformément "
            + context.ref("à", "assurances")
            + f". {earlier[0].upper()}{earlier[1:]}, il en justifie par une attestation de son "
            f"assureur, qui précise l'étendue de la garantie, {INSURANCE_PROOF}, puis à toute "
            "demande de l'acheteur. Cette attestation n'est demandée qu'au prestataire retenu, "
            "jamais avec l'offre."
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
            "Constituent notamment une faute : une disponibilité mensuelle inférieure "
            + context.availability_floor()
            + " pendant trois mois consécutifs"
            + (
                ", le refus d'exécuter un bon de commande conforme au marché"
                if context.terms.on_order
                else ""
            )
            + (
                ", le défaut de remise de l'attestation de vigilance semestrielle (article "
                f"{CcapArticle.PAYMENT.number}.3)"
                if vigilance_due(context.terms.selection)
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
    accounts_ref = context.requirement("N04", article=False)
    domains = context.requirement("G07", article=False)
    article = _head(CcapArticle.REVERSIBILITY)
    # The CCAP times the reversibility inside the term and bounds the assistance: listed as a
    # derogation, since only the object of article 42 was read, not its terms (review of
    # 1 December 2026, groupement N10).
    derogation = context.derogate(
        "42",
        CcapArticle.REVERSIBILITY,
        f"réversibilité exécutée pendant les {REVERSIBILITY_MONTHS} derniers mois du marché, avant "
        "son terme ; assistance au nouveau prestataire limitée aux jours fixés, comprise dans les "
        "prix",
    )
    article.blocks += [
        para(
            f"{derogation[0].upper()}{derogation[1:]} pour son calendrier et la durée de "
            "l'assistance, le titulaire assure à la fin du marché, quelle qu'en soit la cause, la "
            "réversibilité que cet article définit : il remet à l'acheteur, ou au prestataire que celui-ci désigne, l'export complet des "
            "contenus, des données et des comptes dans des formats ouverts"
            + (f" décrits par {export}" if export else "")
            + ", le code source des développements spécifiques et la documentation à jour. Il remet "
            "les codes et accès qu'il détient encore, dont le code d'autorisation de transfert des "
            "noms de domaine"
            + (f" ({domains})" if domains else "")
            + ", et renonce à ses accès délégués aux comptes ouverts au nom "
            + ("des membres" if terms.joint_purchasing else "de l'acheteur")
            + (f" ({accounts_ref})" if accounts_ref else "")
            # Hosting the contractor provides itself has no account to hand over: the export is
            # what moves the site.
            + " ; l'hébergement qu'il fournit lui-même n'est pas transféré : le site et ses "
            "données passent au nouveau prestataire par l'export."
        ),
        para(fact(Fact.REVERSIBILITY, reversibility_rule(terms.selection))),
    ]
    if terms.simplified:
        return article
    article.blocks.append(
        para(
            # Dated from events the contractor knows of: « six months before the term » had no
            # starting point while the buyer may decide not to renew later than that.
            "Le titulaire remet à la vérification d'aptitude un plan de réversibilité qui détaille "
            "le calendrier, le contenu des exports et les opérations de transfert ; il le met à "
            "jour chaque année avec le bilan annuel du marché et le confirme dans les quinze jours "
            "qui suivent la notification de la décision de ne pas reconduire le marché ou de le "
            "résilier."
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
            "déroge. Une stipulation désignée par son objet plutôt que par son numéro l'est pour "
            "que la dérogation s'étende à tous les articles du CCAG-TIC qui portent sur cet objet :"
        ),
        table(
            ("Article du CCAG-TIC", "Article du CCAP", "Dérogation"),
            rows,
            (30, 20, 50),
            caption="Dérogations au CCAG-TIC",
        ),
    ]
    return article
