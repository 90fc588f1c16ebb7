"""Articles 7 to 11 of the CCAP (acceptance, warranty, penalties, property, data) and its annex."""

from __future__ import annotations

from decimal import Decimal

from webpass.core.money import format_eur
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.ccap_support import CcapContext
from webpass.documents.cctp import Article, Block
from webpass.documents.controllers import controller_words, controllers_intro, controllers_table
from webpass.documents.facts import Fact, fact
from webpass.documents.instalments import late_value
from webpass.documents.joint_control import joint_processing
from webpass.documents.members import MEMBERS_ANNEX
from webpass.documents.penalty_cap import penalty_cap_base, penalty_cap_derogation
from webpass.documents.takeover import late_pages_penalty
from webpass.documents.terms import DceTerms, PriceKind
from webpass.documents.writing import entries, para, table
from webpass.dossier.contract import IntellectualProperty
from webpass.dossier.site_holders import in_holders_name

__all__ = ["data_annex", "execution_articles"]

CCAG_VSR_DAYS = 30


def execution_articles(context: CcapContext) -> list[Article]:
    """Articles 7 to 11."""
    return [
        _acceptance(context),
        _warranty(context),
        _penalties(context),
        _property(context),
        _data(context),
    ]


def _head(key: CcapArticle) -> Article:
    return Article(key.number, key.heading)


def _aptitude_deadline(context: CcapContext) -> str:
    """The CCAG's thirty days, lengthened by the accessibility audit and counter-audit of I02 when
    the CCTP has them: an audit, 15 working days of fixes and a counter-audit do not fit in thirty
    days, and no aptitude is decided while a major anomaly remains (groupement review R6)."""
    audit = context.requirement("I02")
    if audit is None:
        return "dans le délai de trente jours prévu " + context.ref("à", "33.2.1")
    how = context.derogate(
        "33.2.1",
        CcapArticle.ACCEPTANCE,
        "délai de décision après la vérification d'aptitude prolongé de la durée de l'audit et "
        "du contre-audit d'accessibilité",
    )
    return (
        f"dans les trente jours qui suivent la livraison, prolongés, {how}, de la durée de "
        f"l'audit et du contre-audit d'accessibilité de {audit}"
    )


def _acceptance(context: CcapContext) -> Article:
    terms = context.terms
    values = terms.values("M02")
    vsr = int(values.get("duree_vsr_jours", CCAG_VSR_DAYS))
    plan = context.requirement("M02")
    availability = context.requirement("H02")
    article = _head(CcapArticle.ACCEPTANCE)
    article.blocks.append(
        para(
            "Le titulaire livre le site en préproduction avec son plan de recette et le procès-verbal "
            "de mise en ordre de marche"
            + (f", dans les conditions de {plan}" if plan else "")
            + ". L'acheteur procède alors à la vérification d'aptitude ("
            + context.source("32.3")
            + ") et notifie sa décision d'aptitude, d'ajournement ou de rejet "
            + _aptitude_deadline(context)
            + ". Aucune décision d'aptitude n'est prononcée tant qu'une anomalie bloquante ou majeure "
            "subsiste."
        )
    )
    criterion = (
        f"le taux de disponibilité fixé par {availability}, mesuré sur la durée de la vérification, "
        "est atteint et aucune anomalie bloquante "
        "n'est restée sans solution au-delà du délai de correction fixé par le CCTP"
        if availability
        else "aucune anomalie bloquante n'est restée sans solution au-delà du délai de correction "
        "fixé par le CCTP"
    )
    how = context.derogate(
        "32.4",
        CcapArticle.ACCEPTANCE,
        f"vérification de service régulier de {vsr} jours calendaires, jugée sur les niveaux de service du CCTP",
    )
    article.blocks.append(
        para(
            f"Après une décision d'aptitude favorable, le site est mis en ligne. {how[0].upper()}{how[1:]}, "
            f"la vérification de service régulier dure {vsr} jours calendaires à compter de la mise en "
            f"ligne ; elle est concluante si {criterion}."
        )
    )
    article.blocks.append(
        para(
            "L'acheteur notifie sa décision d'admission, d'ajournement ou de rejet dans les sept jours "
            "qui suivent la fin de la vérification de service régulier ; à défaut, les prestations sont "
            "réputées admises ("
            + context.source("33.2.2")
            + ")."
            + (
                " Les prestations commandées par bon de commande font l'objet d'une vérification "
                "d'aptitude seule, dont la décision favorable vaut admission."
                if terms.on_order
                else ""
            )
        )
    )
    return article


def _warranty(context: CcapContext) -> Article:
    terms = context.terms
    months = int(terms.values("M03").get("duree_garantie_mois", 12))
    requirement = context.requirement("M03")
    article = _head(CcapArticle.WARRANTY)
    article.blocks.append(
        para(
            "Les prestations sont garanties pendant ",
            fact(Fact.WARRANTY, f"{months} mois"),
            " à compter de la notification de la décision d'admission"
            + (f" ; l'étendue de la garantie est décrite par {requirement}" if requirement else "")
            + ". Pendant ce délai, le titulaire corrige à ses frais toute anomalie constatée, dans les "
            "délais fixés par le CCTP. Pour le reste, " + context.cite("36") + " s'applique.",
        )
    )
    return article


def _penalties(context: CcapContext) -> Article:
    terms = context.terms
    values = terms.values("M07")
    availability = Decimal(str(values.get("penalite_disponibilite", "50")))
    blocking = Decimal(str(values.get("penalite_bloquante", "100")))
    major = Decimal(str(values.get("penalite_majeure", "30")))
    article = _head(CcapArticle.PENALTIES)
    # The pages K09 dates are late from their own date, on their own value (rev11a, § 4 I2).
    late_pages = late_pages_penalty(terms.selection, context.ccap(CcapArticle.DURATION))
    no_exemption = context.derogate(
        "14",
        CcapArticle.PENALTIES,
        "le titulaire n'est pas exonéré des pénalités dont le total ne dépasse pas 1 000 € HT",
    )
    cap = context.derogate("14", CcapArticle.PENALTIES, penalty_cap_derogation(terms))
    article.blocks += [
        para(
            "Avant d'appliquer une pénalité, l'acheteur invite le titulaire à présenter ses "
            "observations dans un délai de quinze jours ("
            + context.source("14.1.1")
            + "). Le retard court à compter de l'expiration du délai de livraison pour vérification "
            "fixé par "
            + context.ccap(CcapArticle.DURATION)
            + ", ou du délai de mise en ligne qui suit la décision d'aptitude"
            + (", ou du délai d'un bon de commande" if terms.on_order else "")
            + " ; il n'est pas compté pendant les délais de validation et de décision de l'acheteur"
            + late_pages[0]
            + ". Les pénalités de retard sont calculées selon "
            + context.cite("14")
            + " : P = V × R / 1 000, où "
            + late_value(
                bool(terms.on_order),
                _own_site_units(terms),
                any(
                    line.measure is not None and line.measure.maximum for line in terms.price_lines
                ),
            )
            + ", et R le nombre de jours de retard."
            + late_pages[1]
        ),
        para(
            "Les manquements aux niveaux de service du CCTP donnent lieu aux pénalités suivantes :"
        ),
        entries(
            f"disponibilité mensuelle inférieure {context.availability_floor()} : "
            f"{format_eur(availability, '€')} par tranche entamée de 0,5 point manquant ;",
            f"rétablissement d'une anomalie bloquante au-delà du délai fixé : {format_eur(blocking, '€')} "
            "par jour ouvré entamé de retard ;",
            f"correction d'une anomalie majeure au-delà du délai fixé : {format_eur(major, '€')} par jour "
            "ouvré entamé de retard.",
        ),
        para(
            "Ces pénalités ne se cumulent pas pour un même incident : une interruption qui fait "
            "manquer le taux de disponibilité du mois et dont le rétablissement a dépassé le délai "
            "fixé ne donne lieu qu'à la plus élevée des deux pénalités."
        ),
        para(
            f"{cap[0].upper()}{cap[1:]}, le total des pénalités, de retard et de niveau de "
            f"service, est plafonné à 10 % {penalty_cap_base(terms)}. "
            + f"{no_exemption[0].upper()}{no_exemption[1:]}, le titulaire n'est pas exonéré des pénalités "
            "dont le montant total ne dépasse pas 1 000 € HT : sur un marché de cette taille, "
            "l'exonération les priverait d'effet."
        ),
    ]
    return article


def _own_site_units(terms: DceTerms) -> list[str]:
    """The unit prices of the communes' own sites (K02, K09): the value of one site's delay."""
    if not terms.joint_purchasing:
        return []
    return [line.item_id for line in terms.price_lines if line.kind is PriceKind.UNIT]


def _grantee(terms: DceTerms) -> str:
    """Who receives the rights: in a groupement de commandes, the member who pays for each result.

    « L'acheteur » is the coordinator alone (article 1.2): the communes that pay their own site and
    its charter would otherwise get nothing on them.
    """
    if not terms.joint_purchasing:
        return "à l'acheteur"
    return (
        "à chaque membre du groupement de commandes pour les résultats propres à ses sites (annexe "
        f"{MEMBERS_ANNEX}), et à l'ensemble des membres, conjointement, pour la plateforme commune "
        "et les autres résultats communs"
    )


def _data_and_domains(context: CcapContext, registrant: str) -> str:
    """The site's databases and its domain names are not results ceded by the contractor.

    The buyer bears the investment in the databases' content and is their producer (article
    L341-1 of the CPI); a non-exclusive cession would leave the contractor free to reuse the
    contributors' accounts and the users' messages, which a GDPR processor may not (article 28).
    A domain name is no work: there is no copyright to cede, it stays registered as G07 says.
    """
    joint = context.terms.joint_purchasing
    owner = (
        "à chaque membre pour les bases de ses sites (annexe "
        f"{MEMBERS_ANNEX}), et à l'ensemble des membres, conjointement, pour celles de la "
        "plateforme commune, qui en sont les producteurs"
        if joint
        else "à l'acheteur, qui en est le producteur"
    )
    domain = context.requirement("G07")
    # The CCAG's results include databases and domain names: excluding them departs from its
    # definition, which article 1.2 wants said and listed (review of 1 December 2026, N6).
    derogation = context.derogate(
        "definition_resultats",
        CcapArticle.PROPERTY,
        "bases de données du site et noms de domaine exclus des résultats",
    )
    return (
        f"{derogation[0].upper()}{derogation[1:]}, les bases de données du site et les noms de "
        "domaine ne sont pas des résultats. "
        f"Les bases de données du site et leur contenu appartiennent {owner} au sens de "
        "l'article L341-1 du code de la propriété intellectuelle : le titulaire n'acquiert aucun "
        "droit sur elles et ne les utilise que pour exécuter le marché (article "
        f"{CcapArticle.DATA.number}.2 du présent CCAP). Les noms de domaine sont et restent enregistrés "
        + registrant
        + (f", comme le prévoit {domain}." if domain else ".")
    )


def _public_marks(context: CcapContext) -> str:
    """The public services' marks that N01 lets the site show are outside this article; empty
    without N01.

    The CCAG's prior knowledge includes third parties' elements the contractor uses: without
    this, a bidder listed FranceConnect's button and its font and guaranteed rights it does not
    hold, and the CCAP, which prevails, said otherwise than the CCTP (rev10, § 1 b).
    """
    requirement = context.requirement("N01")
    if requirement is None:
        return ""
    holder = (
        "que chaque membre concerné a acceptées"
        if context.terms.joint_purchasing
        else "que l'acheteur a acceptées"
    )
    derogation = context.derogate(
        "definition_resultats",
        CcapArticle.PROPERTY,
        "marques, boutons et logos des services publics exclus des résultats et des "
        "connaissances antérieures",
    )
    return (
        f"{derogation[0].upper()}{derogation[1:]}, les marques, boutons et logos de services "
        f"publics que {requirement} exclut de son interdiction (par exemple ceux de "
        "FranceConnect, de PayFiP ou de France services), avec le code et la police fournis pour "
        "leur seul affichage, ne sont ni des résultats ni des connaissances antérieures au sens "
        "du présent article : le titulaire ne les liste pas, ne cède aucun droit sur eux et n'en "
        "garantit pas les droits, dès lors qu'il les intègre sans les modifier, comme le prévoit "
        f"cette exigence. Ils restent régis par les conditions d'utilisation {holder} auprès du "
        "service qui les fournit."
    )


def _property(context: CcapContext) -> Article:
    terms = context.terms
    choice = terms.terms.intellectual_property
    article = _head(CcapArticle.PROPERTY)
    body = terms.selection.answers.collectivity
    registrant = in_holders_name(
        "l'acheteur",
        sum(1 for m in body.members if m.own_identity and m.name in terms.joining_members)
        if terms.joint_purchasing
        else sum(1 for m in body.members if m.own_identity),
        terms.terms.setup,
        f"annexe {MEMBERS_ANNEX}",
    )
    joint = terms.joint_purchasing
    article.blocks += [
        para(
            "Les résultats s'entendent au sens "
            + context.ref("de", "definition_resultats")
            + ". Ils comprennent notamment la charte graphique et ses déclinaisons, les logos, "
            "pictogrammes et illustrations créés pour l'acheteur, les maquettes, gabarits et thèmes "
            "avec leur code, les développements et paramétrages spécifiques et les textes rédigés "
            "par le titulaire."
        ),
        para(_data_and_domains(context, registrant)),
    ]
    if choice is IntellectualProperty.CCAG:
        article.blocks.append(
            para(
                "Le régime des droits sur les résultats et les connaissances antérieures est celui "
                + context.ref("de", "regime_resultats")
                + ", sans dérogation."
            )
        )
    else:
        exclusive = choice is IntellectualProperty.EXCLUSIVE
        # The definition of the results stands; the derogation is to the rights regime.
        derogation = context.derogate(
            "regime_resultats",
            CcapArticle.PROPERTY,
            "cession exclusive de tous les résultats"
            if exclusive
            else "droits étendus à tous usages ; exclusivité de l'identité visuelle",
        )
        article.blocks.append(
            para(
                f"{derogation[0].upper()}{derogation[1:]}, le titulaire cède {_grantee(terms)}, "
                + ("à titre exclusif" if exclusive else "à titre non exclusif")
                + ", les droits de reproduction, de représentation, d'adaptation, de modification, de "
                "traduction et de distribution des résultats, sur tous supports (site internet, "
                "documents imprimés, signalétique, réseaux sociaux, applications), pour le monde entier "
                "et pour toute la durée légale des droits. "
                + ("Chaque cessionnaire" if joint else "L'acheteur")
                + " peut faire modifier et maintenir "
                "les résultats par le prestataire de son choix et les remettre à un nouveau titulaire, "
                "y compris après la fin du marché, et publier le code source des développements "
                "spécifiques sous la licence libre de son choix, compatible avec celles des "
                "composants dont ils dérivent."
            )
        )
        if not exclusive:
            article.blocks.append(
                para(
                    "La cession est exclusive pour les éléments de l'identité visuelle (charte "
                    "graphique, logos, pictogrammes et illustrations créés pour "
                    + ("chaque membre" if joint else "l'acheteur")
                    + ") : le "
                    "titulaire ne les réutilise pour aucun autre client."
                )
            )
    article.blocks += [
        para(
            "Le titulaire liste dans son offre les connaissances antérieures qu'il utilise (outil de "
            "gestion de contenus, extensions, thème de départ, bibliothèques, polices) avec leur "
            "licence. "
            + ("Chaque membre" if joint else "L'acheteur")
            + " peut les utiliser et les faire maintenir par tout prestataire, aussi "
            "longtemps qu'il utilise les résultats. Les licences, abonnements et redevances de ces "
            "éléments sont compris dans les prix du marché, ceux qui sont annuels dans ses prix "
            "annuels : aucune licence ni redevance n'est due en dehors de ces prix. Les composants "
            "sous licence libre restent régis par leur licence."
        ),
        *([para(marks)] if (marks := _public_marks(context)) else []),
        para(
            "Le prix des droits cédés est compris dans le prix global et forfaitaire. Le titulaire "
            "garantit "
            + ("chaque membre" if joint else "l'acheteur")
            + " contre toute revendication d'un tiers sur les résultats, les "
            "photographies et les textes qu'il fournit, dont il indique les crédits."
        ),
    ]
    return article


def _destruction_days(terms: DceTerms) -> int:
    return int(terms.values("J01").get("delai_destruction_jours", 30))


def _data(context: CcapContext) -> Article:
    terms = context.terms
    days = _destruction_days(terms)
    who = controller_words(terms)
    article = _head(CcapArticle.DATA)
    secrecy = Article(f"{article.number}.1", "Confidentialité et sécurité")
    secrecy.blocks.append(
        para(
            "Le titulaire respecte les obligations de confidentialité et de sécurité "
            + context.ref("de", "5")
            + " ; il signale à l'acheteur toute vulnérabilité dont il a connaissance dans les "
            "conditions " + context.ref("de", "5.4") + "."
        )
    )
    processor = Article(f"{article.number}.2", "Sous-traitance de données personnelles")
    processor.blocks += [
        para(controllers_intro(terms) + " Le titulaire :"),
        entries(
            f"ne traite les données que sur instruction écrite {who.of} et pour les seuls besoins "
            "du marché, et l'avertit si une instruction lui paraît contraire à la réglementation ;",
            "veille à ce que les personnes autorisées à traiter les données soient tenues à la "
            "confidentialité ;",
            "applique les mesures de sécurité de l'article 32 du RGPD décrites dans son offre ;",
            "ne recourt à un sous-traitant ultérieur qu'avec l'autorisation écrite préalable "
            f"{who.of}, en lui imposant les mêmes obligations ; il reste responsable de lui ;",
            "héberge et traite les données dans l'Union européenne et n'en permet aucun accès depuis "
            "l'extérieur de l'Union ;",
            f"aide {who.subject} à répondre aux demandes d'exercice des droits, à réaliser une "
            "analyse d'impact et à notifier une violation de données, qu'il lui signale au plus tard "
            "24 heures après en avoir pris connaissance"
            + (", avec copie au coordonnateur ;" if terms.joint_purchasing else " ;"),
            "tient le registre des traitements qu'il effectue pour le compte de chaque responsable "
            "du traitement et accepte ses audits, ou ceux d'un auditeur qu'il mandate, sur préavis "
            "de quinze jours ouvrés.",
        ),
        para(
            # One trigger the contractor controls, the end of the contract, so the destruction
            # never waits on an event of the buyer's (article 28.3 g of the GDPR).
            "À la fin du marché, quelle qu'en soit la cause, le titulaire restitue toutes les "
            f"données {who.to} dans un format ouvert ; il en détruit toutes les copies, "
            f"sauvegardes comprises, au plus tard {days} jours après la fin du marché et remet une "
            "attestation de destruction. Cette obligation et l'obligation de confidentialité "
            "survivent à la fin du marché ; leur exécution est comprise dans les prix."
        ),
    ]
    article.children += [secrecy, processor]
    return article


def data_annex(context: CcapContext) -> Article:
    """The annex article 28.3 of the GDPR requires: what is processed, for whom, how long."""
    terms = context.terms
    selected = set(terms.selection.ids)
    rows = []
    for processing in terms.data.processing:
        if processing.items and not selected.intersection(processing.items):
            continue
        rows.append(
            (
                processing.name,
                processing.purpose,
                " ; ".join(processing.data),
                " ; ".join(processing.persons),
            )
        )
    annex = Article("A1", "Description des traitements de données personnelles")
    annex.blocks += [
        para(
            "La présente annexe décrit les traitements que le titulaire réalise pour le compte "
            + (
                "de chaque responsable du traitement désigné ci-dessous"
                if terms.joint_purchasing
                else "de l'acheteur"
            )
            + " (article 28, paragraphe 3, du RGPD)."
        ),
        entries(
            "Objet : la réalisation, l'hébergement, l'exploitation et la maintenance du site objet du "
            "marché.",
            "Durée : celle du marché, prolongée du délai de destruction des données qui suit sa "
            f"fin (article {CcapArticle.DATA.number}.2 du présent CCAP).",
            "Nature des opérations : hébergement, sauvegarde, consultation pour la maintenance, "
            "transmission aux services destinataires, restitution et effacement.",
            "Sous-traitants ultérieurs : ceux que le titulaire liste dans son offre, avec leur rôle et "
            "le pays où ils traitent les données ; la liste est reprise à la notification et tenue à "
            "jour.",
            "Fin du marché : restitution des données dans un format ouvert, puis destruction de toutes "
            f"les copies, sauvegardes comprises, au plus tard {_destruction_days(terms)} jours après "
            "la fin du marché, attestée par écrit.",
        ),
        *_controllers(terms),
        table(
            ("Traitement", "Finalité", "Données traitées", "Personnes concernées"),
            rows,
            (20, 27, 33, 20),
            caption="Traitements réalisés pour le compte "
            + ("des responsables du traitement" if terms.joint_purchasing else "de l'acheteur"),
        ),
    ]
    return annex


def _controllers(terms: DceTerms) -> list[Block]:
    """In a groupement de commandes: who is controller of each site, before what is processed."""
    controllers = controllers_table(terms)
    if controllers is None:
        return []
    return [
        para(
            "Chacun des traitements ci-dessous est réalisé, pour chaque site, pour le compte du "
            "responsable du traitement de ce site :"
        ),
        controllers,
        *_joint(terms),
    ]


def _joint(terms: DceTerms) -> list[Block]:
    joint = joint_processing(terms)
    if not joint:
        return []
    body = terms.selection.answers.collectivity
    return [
        para(
            "Tous les membres sont responsables conjoints (article 26 du RGPD) des traitements "
            "suivants, selon l'accord de l'article 7 de la convention constitutive du groupement ; "
            f"{body.designation}, coordonnateur, est le point de contact des personnes concernées, "
            "notifie les violations de données et transmet au titulaire les instructions des "
            "membres :"
        ),
        entries(*joint),
    ]
