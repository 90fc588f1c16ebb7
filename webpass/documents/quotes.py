"""The pieces of a consultation by quotes, under the dispense threshold (R2122-8).

Below 60,000 € HT a commune needs neither publicity nor a formal RC: it writes to a few
providers (three is the good practice) with a short CCTP, the simplified CCAP, the response
grid and a quote form, then keeps a note of the quotes received and of its choice. The letter
announces the award criteria, whose content belongs to :mod:`webpass.documents.rc`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from decimal import Decimal

from webpass.catalog.model import BudgetAccount, CostNature
from webpass.compare.award import criteria_of
from webpass.core.errors import InputError
from webpass.core.money import format_eur, round_cent
from webpass.documents.award_pieces import (
    AWARD_PIECES_TITLE,
    award_pieces_blocks,
    honour_statement,
)
from webpass.documents.ccap import REVIEW_CEILING, review_clause
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.cctp import Article, Block, CctpDocument, Letterhead, Paragraph, Run
from webpass.documents.clarifications import clarification_dates
from webpass.documents.facts import Fact, fact
from webpass.documents.instalments import instalment_reminder
from webpass.documents.negotiation import open_negotiation_text
from webpass.documents.offer_contents import (
    ELEMENTS_LEAD,
    element_entries,
    offer_entries,
    open_answers_rule,
)
from webpass.documents.offer_rules import grid_integrity_rule, quote_regularity_rule
from webpass.documents.price_phases import split_parts
from webpass.documents.pse import pse_rule
from webpass.documents.question import contract_information_ids
from webpass.documents.rc import clock_fr, criteria_table, scoring_blocks
from webpass.documents.terms import DceTerms, PriceKind, PriceLine
from webpass.documents.typography import date_fr, french_spacing
from webpass.documents.writing import SIGNATURE_ROW_MM, entries, info, para, table
from webpass.dossier.answers import ANSWERS_FILE, BodyType
from webpass.dossier.estimate import SOCLE_TRAINING, CostComponent, Estimate
from webpass.dossier.service_period import planned_service

__all__ = ["letter_contact", "letter_document", "quote_form_document", "quotes_note_document"]

BOX = "☐"
# What most municipal mail servers accept in one message; a heavier quote is split.
MESSAGE_LIMIT_MB = 20


def _document(
    terms: DceTerms,
    title: str,
    acronym: str,
    articles: list[Article],
    letter: Letterhead | None = None,
) -> CctpDocument:
    return dataclasses.replace(terms.piece(title, acronym, articles), letter=letter)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def letter_contact(terms: DceTerms) -> tuple[str | None, str | None]:
    """Where providers ask and send: the buyer's e-mail and buyer profile, at least one of them.

    Raises :class:`InputError` naming the answers' fields when the dossier gives neither, no
    channel that keeps the quotes secret until the deadline, or no signatory: a consultation
    letter cannot go out without them.
    """
    body = terms.selection.answers.collectivity
    profile = criteria_of(terms.selection).buyer_profile
    problems = []
    if body.email is None and profile is None:
        problems.append(
            "collectivite.courriel : la lettre de consultation doit dire où poser les questions ; "
            "ajoutez l'adresse électronique de la mairie ou du siège (par exemple « courriel: "
            "mairie@ma-commune.fr » dans le bloc collectivite) ou, si la collectivité en a un, son "
            "profil d'acheteur (criteres.profil_acheteur)"
        )
    problems += _channel_problems(body.email, body.offers_email, profile)
    if body.signatory is None:
        problems.append(
            "collectivite.signataire : la lettre de consultation est signée ; indiquez le nom et la "
            "qualité du signataire (par exemple « signataire: {nom: Marie Exemple, qualite: Le "
            "maire} » dans le bloc collectivite)"
        )
    if problems:
        raise InputError(
            f"{ANSWERS_FILE} : "
            + " ; ".join(problems)
            + ". Vous pouvez aussi répondre de nouveau à l'assistant (webpass nouveau)."
        )
    return body.email, profile


def _channel_problems(email: str | None, offers: str | None, profile: str | None) -> list[str]:
    """Quotes must stay secret until the deadline: a general mailbox read every day cannot
    receive them."""
    if profile is not None:
        return []
    if offers is None:
        return [
            "collectivite.courriel_offres : les devis doivent rester secrets jusqu'à la date "
            "limite ; indiquez une adresse réservée à leur réception, que personne n'ouvre avant "
            "cette date (par exemple « courriel_offres: devis@ma-commune.fr » dans le bloc "
            "collectivite), ou le profil d'acheteur où ils sont déposés (criteres.profil_acheteur)"
        ]
    if email is not None and offers.casefold() == email.casefold():
        return [
            f"collectivite.courriel_offres : {offers} est aussi l'adresse générale de la "
            "collectivité, lue avant la date limite ; donnez une adresse réservée aux devis"
        ]
    return []


def _letterhead(terms: DceTerms, email: str | None, profile: str | None) -> Letterhead:
    body = terms.selection.answers.collectivity
    signatory = body.signatory
    assert signatory is not None  # letter_contact refused a dossier without one
    sender_name = _capital(body.designation.removeprefix("la ").removeprefix("le "))
    town = re.search(r"\d{5}\s+(.+)$", body.address or "")
    place = body.name if body.body_type is BodyType.COMMUNE or not town else town.group(1)
    contact = criteria_of(terms.selection).contact
    return Letterhead(
        sender=tuple(
            french_spacing(line)
            for line in (
                sender_name,
                *((body.address,) if body.address else ()),
                *((f"Courriel : {email}",) if email else ()),
                *((f"Profil d'acheteur : {profile}",) if profile else ()),
            )
        ),
        addressee=(french_spacing("Aux prestataires consultés"),),
        place_date=french_spacing(
            f"{place}, le {date_fr(terms.selection.answers.project.launch_date)}"
        ),
        references=tuple(
            (french_spacing(label), french_spacing(value))
            for label, value in (
                ("Référence", terms.reference),
                *((("Affaire suivie par", contact),) if contact else ()),
            )
        ),
        subject=french_spacing(f"demande de devis — {terms.object[:1].lower()}{terms.object[1:]}"),
        salutation="Madame, Monsieur,",
        closing=french_spacing(
            "Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées."
        ),
        signatory_quality=french_spacing(terms.signatory_quality),
        signatory_name=french_spacing(signatory.name),
    )


def _where(email: str | None, profile: str | None) -> tuple[str | Run, ...]:
    """« par courriel à mairie@… » and/or « sur le profil d'acheteur https://… »."""
    parts: list[str | Run] = []
    if email:
        parts += ["par courriel à ", Run(email, href=f"mailto:{email}")]
    if profile:
        parts += [" ou " if email else "", "sur le profil d'acheteur ", Run(profile, href=profile)]
    return tuple(parts)


def _request(terms: DceTerms) -> Article:
    body = terms.selection.answers.collectivity
    request = Article("1", "Objet de la demande")
    request.blocks += [
        para(
            f"{_capital(body.designation)} vous invite à lui remettre un devis pour le marché "
            "suivant : ",
            fact(Fact.OBJECT, terms.object),
            " (référence ",
            fact(Fact.REFERENCE, terms.reference),
            ").",
        ),
        para(
            "Le marché est passé sans publicité ni mise en concurrence préalables (article R2122-8 du "
            "Code de la commande publique) : plusieurs prestataires sont consultés et le marché est "
            "attribué à l'offre économiquement la plus avantageuse selon les critères indiqués "
            "ci-dessous."
        ),
        para(*terms.duration_sentence()),
        para(*terms.delivery_sentence()),
    ]
    return request


def _enclosed(piece_names: list[str]) -> Article:
    pieces = Article("2", "Documents joints")
    pieces.blocks += [
        para("Vous trouverez joints à la présente lettre :"),
        entries(*piece_names, ordered=True),
        para(
            "Un fichier LISEZ-MOI, pour information, récapitule les fichiers du dossier et le "
            "manifeste donne l'empreinte de chacun ; ils ne fixent aucune règle."
        ),
        para(
            "Les conditions d'exécution (prix, paiement, vérifications, garantie, pénalités, "
            "propriété intellectuelle) sont celles du CCAP simplifié joint. Les pièces du marché "
            f"et leur ordre de priorité sont fixés par le seul article {CcapArticle.PIECES.number} "
            "du CCAP."
        ),
    ]
    return pieces


def _sending(terms: DceTerms) -> Article:
    criteria = criteria_of(terms.selection)
    answer = Article("3", "Contenu et envoi du devis")
    answer.blocks += [
        para("Votre réponse comprend :"),
        entries(
            *offer_entries(
                terms.selection,
                [
                    "le formulaire de devis complété, daté et signé, avec tous les prix ;",
                    "le cadre de réponse complété au format tableur (conformité, valeurs "
                    "demandées, justifications, réponses rédigées et prix) ;",
                ],
                # The insurance certificate is the awardee's, asked by the CCAP alone.
                [],
            )
        ),
        para(ELEMENTS_LEAD),
        entries(*element_entries(terms.selection)),
        para(open_answers_rule()),
        para(grid_integrity_rule(criteria.regularisation, quotes=True)),
        para(
            "Votre devis est à ",
            *_submission(terms),
            ", au plus tard le ",
            fact(Fact.DEADLINE, date_fr(terms.deadline)),
            f" à {clock_fr(criteria.deadline_time)}. Il est valable ",
            fact(Fact.OFFER_VALIDITY, terms.offer_validity_text),
            " à compter de cette date.",
        ),
        *_mailbox(terms),
        para(
            "Les devis restent secrets jusqu'à la date et l'heure limites : ils ne sont ouverts "
            "qu'après elles, tous ensemble, et la collectivité consigne dans un procès-verbal "
            "d'ouverture la date et l'heure de réception de chacun. Un devis reçu après la date et "
            "l'heure limites n'est pas ouvert. N'envoyez pas votre devis à une autre adresse."
        ),
    ]
    return answer


def _by_mail(terms: DceTerms) -> bool:
    """Quotes go to the mailbox kept for them (no buyer profile, whose platform dates them)."""
    return criteria_of(terms.selection).buyer_profile is None


def _mailbox(terms: DceTerms) -> list[Paragraph]:
    """Size and proof of receipt of a quote sent by e-mail: a bidder must be able to send it
    whole and to prove it arrived in time, without anyone opening it before the deadline."""
    if not _by_mail(terms):
        return []
    return [
        para(
            f"Chaque message ne dépasse pas {MESSAGE_LIMIT_MB} Mo ; un devis plus lourd est envoyé "
            "en plusieurs messages numérotés, et il est reçu à l'heure de réception du dernier. "
            "L'adresse réservée aux devis renvoie pour chaque message un accusé de réception "
            "automatique qui indique sa date et son heure de réception, sans que le message ni "
            "ses pièces soient ouverts."
        )
    ]


def _submission(terms: DceTerms) -> tuple[str | Run, ...]:
    """The one channel that keeps quotes secret: the buyer profile, or else the mailbox kept
    for them (letter_contact refused a dossier with neither)."""
    profile = criteria_of(terms.selection).buyer_profile
    if profile is not None:
        return ("déposer sur le profil d'acheteur ", Run(profile, href=profile))
    offers = terms.selection.answers.collectivity.offers_email
    assert offers is not None
    return (
        "envoyer par courriel à l'adresse réservée aux devis ",
        Run(offers, href=f"mailto:{offers}"),
    )


def _judgement(terms: DceTerms) -> Article:
    selection = terms.selection
    criteria = criteria_of(selection)
    judged = Article("4", "Jugement des devis")
    judged.blocks += [
        para("Les devis sont jugés selon les critères pondérés suivants :"),
        criteria_table(criteria, bool(terms.options)),
        *scoring_blocks(criteria, selection, with_pse=False, quotes=True),
    ]
    # A quote request without PSE says so once, in the CCAP (review of 1 December 2026, small
    # commune n° 25); with PSE, the letter states the rule the bidder prices them by.
    if terms.options:
        judged.blocks.append(para(fact(Fact.PSE_RULE, pse_rule(selection))))
    if terms.options:
        judged.blocks.append(
            entries(
                *((fact(Fact.PSE, f"{item_id} — {title}"),) for item_id, title in terms.options)
            )
        )
    judged.blocks += _change_prices_rule(terms)
    judged.blocks.append(
        para(
            quote_regularity_rule(
                criteria.regularisation,
                bool(terms.options),
                contract_information_ids(selection),
            )
        )
    )
    judged.blocks.append(
        para(
            open_negotiation_text(collectivity=True)
            + " Le formulaire de devis retenu, signé par les deux "
            "parties, forme le marché avec les autres pièces énumérées à l'article "
            f"{CcapArticle.PIECES.number} du CCAP, dans l'ordre de priorité que fixe cet article."
        )
    )
    return judged


def _operating_share(estimate: Estimate) -> str:
    """The one-off operating part of the realisation (the initial training), which no
    investment aid counts: the note says so, so the realisation is not read as the aid's base.
    One line is named as what it is, several are listed (review rev11b, § 3)."""
    if not estimate.operating_one_off.central:
        return ""
    lines = [
        c for c in estimate.components if not c.yearly and c.nature is not CostNature.INVESTMENT
    ]
    amount = format_eur(estimate.operating_one_off.central)
    if len(lines) == 1 and lines[0].label == SOCLE_TRAINING:
        return f" (dont {amount} de formation initiale des utilisateurs, dépense de fonctionnement)"
    named = [_operating_name(c) for c in lines]
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} et {named[-1]}"
    return f" (dont {amount} de dépenses de fonctionnement : {listed})"


def _operating_name(component: CostComponent) -> str:
    """« formation des administrateurs (L03) » from « L03 Formation des administrateurs »."""
    if component.item_id is None:
        return component.label[0].lower() + component.label[1:]
    title = component.label.removeprefix(f"{component.item_id} ")
    return f"{title[0].lower()}{title[1:]} ({component.item_id})"


def _has_change_prices(terms: DceTerms) -> bool:
    """The quote form asks unit prices of changes (a consultation priced by phase)."""
    return bool(terms.data.complementary) and any(line.covers for line in terms.price_lines)


def _change_prices_rule(terms: DceTerms) -> list[Paragraph]:
    """The unit prices of changes are not scored but bind the buyer for the whole term: the
    letter says how an excessive one is dealt with before the award, never after."""
    if not _has_change_prices(terms):
        return []
    return [
        para(
            "Les prix unitaires des évolutions du formulaire de devis ne sont pas notés, mais ils "
            "font partie du devis et engagent le prestataire : la collectivité peut lui demander "
            "de justifier un prix unitaire qui paraît excessif au regard des prix forfaitaires de "
            "son devis et, si elle négocie, le négocier avec les autres prix. Une fois le marché "
            "signé, ces prix ne sont plus négociés ; ils ne sont révisés que selon l'article "
            f"{CcapArticle.PRICES.number} du CCAP."
        )
    ]


def letter_document(terms: DceTerms, piece_names: list[str]) -> CctpDocument:
    """The consultation letter; ``piece_names`` are the pieces it encloses, in order."""
    email, profile = letter_contact(terms)
    where = _where(email, profile)
    awarded = Article("5", AWARD_PIECES_TITLE)
    awarded.blocks += award_pieces_blocks(terms.selection, "le prestataire retenu")
    questions = Article("6", "Questions")
    # The RC's rule, so a consultation by quotes gives bidders the same time to use an answer.
    dates = clarification_dates(terms.deadline)
    questions.blocks.append(
        para(
            "Vos questions sont à adresser ",
            *where,
            f", au plus tard le {date_fr(dates.last_question)} ; la réponse est envoyée à tous "
            f"les prestataires consultés au plus tard le {date_fr(dates.last_answer)}.",
        )
    )
    return _document(
        terms,
        "Lettre de consultation",
        "Lettre",
        [
            _request(terms),
            _enclosed(piece_names),
            _sending(terms),
            _judgement(terms),
            awarded,
            questions,
        ],
        _letterhead(terms, email, profile),
    )


def _acceptor(terms: DceTerms) -> str:
    """Who accepts the quote for the buyer: « Le maire, Marie Exemple », as the letter signs."""
    signatory = terms.selection.answers.collectivity.signatory
    if signatory is None:
        return "Lieu"
    return f"{terms.signatory_quality}, {signatory.name} — lieu"


def id_ranges(
    ids: tuple[str, ...], order: list[str], parts: Mapping[str, str] | None = None
) -> str:
    """« A01 à A09, B03 »: runs of three or more requirements that follow each other in the
    CCTP, within one section, written as a range so a phase line stays readable. A requirement
    of which the line pays a part only is named with that part, « M01 (jusqu'à la mise en
    ligne) », outside any range."""
    parts = parts or {}
    position = {item_id: index for index, item_id in enumerate(order)}
    runs: list[list[str]] = []
    for item_id in sorted(ids, key=lambda i: position.get(i, len(order))):
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and last[0] == item_id[0]
            and item_id not in parts
            and last not in parts
            and position.get(item_id) == position.get(last, -2) + 1
        ):
            runs[-1].append(item_id)
        else:
            runs.append([item_id])

    def named(item_id: str) -> str:
        return f"{item_id} ({parts[item_id]})" if item_id in parts else item_id

    return ", ".join(
        f"{run[0]} à {run[-1]}" if len(run) > 2 else ", ".join(map(named, run)) for run in runs
    )


def _line_label(line: PriceLine, order: list[str], split: Mapping[str, tuple[str, str]]) -> str:
    if line.covers:
        # A phase is named by its work; the requirements it pays, and where the grid carries it.
        # The accounts a phase is imputed to are the buyer's business: its note gives them.
        plural = "s" if len(line.covers) > 1 else ""
        parts = {item_id: split[item_id][0] for item_id in line.covers if item_id in split}
        return (
            f"{line.title} : exigence{plural} {id_ranges(line.covers, order, parts)} ; prix "
            f"porté sur la ligne {line.item_id} du cadre de réponse"
        )
    label = (
        f"{line.item_id} — {line.title}"
        + (f" ({line.detail})" if line.detail else "")
        + (" (PSE)" if line.optional else "")
    )
    if line.includes:
        parts = {item_id: split[item_id][1] for item_id in line.includes if item_id in split}
        label += f", y compris les exigences {id_ranges(line.includes, order, parts)}"
    return label


def _price_rows(terms: DceTerms) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    order = [selected.item.id for selected in terms.selection.items]
    split = split_parts(terms.selection)
    for line in terms.price_lines:
        label = _line_label(line, order, split)
        if line.kind is PriceKind.LUMP_SUM:
            rows.append((label, "forfait", "1", "", ""))
        elif line.kind is PriceKind.YEARLY and line.measure is not None:
            # The number of yearly prices the comparison multiplies: the planned years of
            # service. The CCAP's prices article says that only the months of service are paid.
            rows.append((label, "an", f"{line.measure.shown} {line.measure.nature.short}", "", ""))
        else:
            amount = f"{line.measure.shown} {line.measure.nature.short}" if line.measure else "1"
            rows.append((label, line.unit or "unité", amount, "", ""))
    return rows


def _lines_rule(terms: DceTerms) -> str:
    """How the form's lines match the CCTP's requirements and the response grid's prices."""
    if any(line.covers for line in terms.price_lines):
        yearly = [line.item_id for line in terms.price_lines if line.kind is PriceKind.YEARLY]
        others = f" autres que celles des lignes annuelles ({', '.join(yearly)})" if yearly else ""
        split = split_parts(terms.selection)
        shared = (
            f" ({', '.join(split)} : la partie que paie chaque ligne y est nommée)" if split else ""
        )
        return (
            "Les prix de la réalisation sont demandés par phase. Les prix forfaitaires des phases "
            f"rémunèrent toutes les exigences du CCTP{others} : chaque prestation appartient à "
            f"une seule ligne, que le formulaire énumère{shared}, et aucun supplément n'est dû "
            "pour une exigence du CCTP. "
            "Le prix d'une phase est porté dans le cadre de réponse sur la ligne de l'exigence "
            "qu'indique le formulaire ; les autres exigences de la phase n'y ont pas de prix. Les "
            "autres lignes correspondent chacune à une exigence du CCTP et à sa ligne de prix du "
            "cadre de réponse."
        )
    return (
        "Chaque ligne correspond à une exigence du CCTP et à une ligne de prix du cadre de réponse."
    )


def _complementary(terms: DceTerms) -> list[Block]:
    """Unit prices outside the total, binding for the changes the buyer may order later."""
    prices = terms.data.complementary
    if not _has_change_prices(terms):
        return []
    return [
        table(
            ("Prestation complémentaire", "Unité", "Prix unitaire HT"),
            [(price.designation, price.unit, "") for price in prices],
            (60, 20, 20),
            caption="Prix unitaires des évolutions (hors total)",
        ),
        para(
            "Ces prix unitaires ne sont pas compris dans le total de l'offre et ne sont pas jugés ; "
            "ils ne figurent que dans ce formulaire, pas dans le cadre de réponse. Ils engagent le "
            "prestataire pendant toute la durée du marché : ils sont révisables et paient les "
            "seules prestations que la clause de réexamen de l'article "
            f"{CcapArticle.PRICES.number} du CCAP permet de commander, par ordre de service écrit, "
            "dans la limite de 10 % du total HT du devis (article R2194-1 du Code de la "
            "commande publique)."
        ),
    ]


def _yearly_note(terms: DceTerms) -> list[Paragraph]:
    yearly = [line for line in terms.price_lines if line.kind is PriceKind.YEARLY]
    if not yearly:
        return []
    ids = ", ".join(line.item_id for line in yearly)
    return [
        para(
            f"Les lignes annuelles ({ids}) portent le nombre d'années de service prévues jusqu'au "
            "terme du marché, qui sert à comparer les devis ; elles sont payées pour les seuls "
            "mois de service effectif, de la mise en ligne au terme, selon l'article "
            f"{CcapArticle.PRICES.number} du CCAP."
        )
    ]


def _advance(terms: DceTerms) -> list[Paragraph]:
    """The advance: the waiver box only where the Code may require one (R2191-3)."""
    if terms.advance_offered:
        return [
            para(
                f"Le prestataire renonce au bénéfice de l'avance (article {CcapArticle.PAYMENT.number} "
                f"du CCAP) : {BOX} non {BOX} oui."
            )
        ]
    article = CcapArticle.PAYMENT.number
    return [
        para(
            f"Le marché ne prévoit pas d'avance, sauf dans le cas où l'article {article}.1 du CCAP "
            "la rend due ; la réalisation est payée par acomptes, "
            f"{instalment_reminder(terms.selection)} (article {article}.2 du CCAP)."
        )
    ]


def _standing_rows() -> list[tuple[str, str]]:
    """What the CCAP lets a bidder be and that the buyer must know from the quote: a groupement
    (article 1.3), the SME whose acomptes may be monthly (6.2), the subcontractor paid directly
    (12)."""
    payment, subcontracting = CcapArticle.PAYMENT.number, CcapArticle.SUBCONTRACTING.number
    return [
        (
            f"Forme (article {CcapArticle.OBJECT.number}.3 du CCAP)",
            f"{BOX} prestataire seul {BOX} groupement conjoint {BOX} groupement solidaire — "
            "membres et mandataire :",
        ),
        (
            "Petite ou moyenne entreprise, artisan, société coopérative ou entreprise adaptée "
            f"(acompte mensuel sur demande, article {payment}.2 du CCAP)",
            f"{BOX} non {BOX} oui",
        ),
        (
            f"Sous-traitance (article {subcontracting} du CCAP)",
            f"{BOX} non {BOX} oui : un formulaire DC4 joint par sous-traitant — montant "
            "sous-traité HT :",
        ),
    ]


def quote_form_document(terms: DceTerms) -> CctpDocument:
    """The quote form: the bidder's identity, every price line, the advance and the signature."""
    provider = Article("1", "Prestataire")
    provider.blocks.append(
        table(
            ("Prestataire", "À compléter"),
            [
                *(
                    (label, "")
                    for label in (
                        "Dénomination sociale",
                        "Adresse",
                        "Numéro SIRET",
                        "Nom et qualité du signataire",
                        "Adresse électronique et téléphone",
                    )
                ),
                *_standing_rows(),
            ],
            (45, 55),
            caption="Identification du prestataire",
        )
    )
    prices = Article("2", "Prix")
    prices.blocks += [
        para(
            "Les prix sont hors taxes, aux conditions économiques du mois de la date limite de remise "
            f"des devis (article {CcapArticle.PRICES.number} du CCAP). {_lines_rule(terms)} Les "
            "montants de ces lignes doivent être identiques dans les deux documents. Le montant d'une ligne est "
            "son prix multiplié par sa quantité."
        ),
        table(
            ("Prestation", "Unité", "Qté", "Prix unitaire HT", "Montant HT"),
            [
                *_price_rows(terms),
                ("Total HT du devis", "", "", "", ""),
                ("TVA", "", "", "", ""),
                ("Total TTC", "", "", "", ""),
            ],
            (46, 10, 10, 17, 17),
            caption="Détail des prix",
        ),
        para(
            f"{BOX} TVA non applicable, article 293 B du code général des impôts : le total TTC "
            "est alors égal au total HT."
        ),
        *_yearly_note(terms),
        # Without a PSE the form says nothing of them: the CCAP (forme du marché) says it once.
        *((para(fact(Fact.PSE_RULE, pse_rule(terms.selection))),) if terms.options else ()),
        *_complementary(terms),
    ]
    if terms.options:
        prices.blocks.append(
            entries(
                *((fact(Fact.PSE, f"{item_id} — {title}"),) for item_id, title in terms.options)
            )
        )
    # Two pages of content: no cover page nor contents (toc_depth 0).
    form = _document(terms, "Formulaire de devis", "Devis", [provider, prices, _commitment(terms)])
    return dataclasses.replace(form, toc_depth=0)


def _commitment(terms: DceTerms) -> Article:
    commitment = Article("3", "Engagement")
    commitment.blocks += [
        para(
            "Le prestataire soussigné s'engage, sans réserve, à exécuter les prestations de la "
            "consultation ",
            fact(Fact.REFERENCE, terms.reference),
            " aux prix ci-dessus, dans les conditions des pièces du marché énumérées à l'article "
            f"{CcapArticle.PIECES.number} du CCAP, dans l'ordre de priorité qu'il fixe ; aucune "
            "condition propre au prestataire ne s'y ajoute. Le présent devis est valable ",
            fact(Fact.OFFER_VALIDITY, terms.offer_validity_text),
            " à compter de la date limite de remise des devis.",
        ),
        para(*terms.duration_sentence()),
        para(*terms.delivery_sentence()),
        *_advance(terms),
        para(honour_statement()),
        table(
            ("Signature du prestataire", "Acceptation de l'acheteur"),
            # The signatures may fall alone on the last page: the provider's cell repeats the
            # consultation, the provider and the total it signs, so that the page cannot be
            # detached from its prices (review of 1 December 2026, M11).
            [
                (
                    f"Devis {terms.reference} — prestataire : …………………… — total HT (article 2) : "
                    "………… € — lieu, date et signature :",
                    f"{_acceptor(terms)}, date et signature :",
                )
            ],
            (50, 50),
            caption="Signatures",
            row_height_mm=SIGNATURE_ROW_MM,
        ),
    ]
    return commitment


def estimate_blocks(terms: DceTerms) -> list[Paragraph]:
    """The one sincere estimate over the whole duration that justifies the procedure (R2121-1),
    and why the budget differs from it."""
    selection = terms.selection
    estimate = selection.estimate
    amount = selection.procedure.amount
    threshold = selection.procedure.period.exemption
    yearly = estimate.yearly.central
    service = planned_service(selection.answers)
    compared = (
        ", de la mise en ligne visée au terme, comme les devis sont comparés"
        if service.from_go_live
        else ""
    )
    blocks = [
        para(
            f"Valeur estimée du besoin : {format_eur(amount)} sur toute la durée du marché ("
            f"{terms.duration_text}, reconductions comprises), soit "
            f"{format_eur(estimate.investment.central + estimate.operating_one_off.central)} "
            f"pour la réalisation{_operating_share(estimate)} et {format_eur(yearly)} par an "
            "d'hébergement et de maintenance "
            f"sur {estimate.yearly_words}{compared}. C'est l'estimation sincère et raisonnable de "
            "l'article R2121-1 du Code de "
            "la commande publique, calculée sur tout le besoin, reconductions comprises "
            f"(fourchette de {format_eur(estimate.total.low)} à {format_eur(estimate.total.high)})."
        ),
        *_review_clause_value(terms, amount),
        *_imputation(terms),
        para(
            f"Cette valeur est inférieure au seuil de {format_eur(threshold)} en vigueur à la date de "
            "lancement : le marché est passé sans publicité ni mise en concurrence préalables (article "
            "R2122-8 du Code de la commande publique). La collectivité a néanmoins consulté plusieurs "
            "prestataires, choisi une offre pertinente, veillé à faire une bonne utilisation des "
            "deniers publics et à ne pas contracter systématiquement avec le même prestataire."
        ),
    ]
    budget = selection.procedure.budget
    if budget is not None and budget.difference != 0:
        blocks.append(para(_budget_gap(budget.budget, amount, estimate.total.high, threshold)))
    return blocks


def _review_clause_value(terms: DceTerms, amount: Decimal) -> list[Paragraph]:
    """The changes the review clause allows are options of R2121-1: counted at their ceiling."""
    if not review_clause(terms):
        return []
    ceiling = round_cent(amount * REVIEW_CEILING)
    return [
        para(
            f"S'y ajoutent au plus {format_eur(ceiling)} de prestations commandées selon la clause "
            "de réexamen (10 % du total HT du devis, article R2194-1), options au sens de "
            f"l'article R2121-1 : valeur estimée options comprises, {format_eur(amount + ceiling)}."
        )
    ]


def _imputation(terms: DceTerms) -> list[Paragraph]:
    """The accounts a phase's price is charged to when it is not the asset's: the buyer's
    business, kept out of the quote form. A phase of training is a running cost; a phase
    spanning two accounts is split by the buyer by the requirements it pays."""
    phases = [line for line in terms.price_lines if line.covers]
    training = [
        para(
            f"Imputation de la phase « {line.title} » ({', '.join(line.covers)}) : "
            f"{line.account.reference()} ; la formation n'est pas immobilisable. Les autres "
            "phases de la réalisation créent le site et sont imputées au compte 2051."
        )
        for line in phases
        if not line.detail and line.account is BudgetAccount.TRAINING
    ]
    split = [
        para(
            f"Imputation de la phase « {line.title} » : {line.detail}. Le prix de la phase est "
            "ventilé entre ces comptes au mandatement, d'après le détail que la collectivité "
            "demande au titulaire retenu."
        )
        for line in phases
        if line.detail
    ]
    return training + split


def _budget_gap(budget: Decimal, amount: Decimal, high: Decimal, threshold: Decimal) -> str:
    gap = budget - amount
    if gap < 0:
        return (
            f"Le budget prévu ({format_eur(budget)}) est inférieur de {format_eur(-gap)} à "
            "l'estimation : c'est l'estimation, non le budget, qui fixe la procédure ; la "
            "collectivité ajuste son budget ou le périmètre du marché avant de signer."
        )
    reason = (
        "il couvre le haut de la fourchette de l'estimation et une marge pour les aléas et les "
        "prestations que la collectivité pourrait ajouter en cours d'exécution"
        if budget >= high
        else "il couvre une partie de la fourchette de l'estimation au-dessus de sa valeur centrale"
    )
    if budget < threshold:
        consequence = (
            "même évalué au montant du budget, le marché resterait sous le seuil : l'écart ne change "
            "pas la procédure."
        )
    else:
        consequence = (
            "le budget dépasse le seuil : la collectivité conserve les éléments qui fondent son "
            "estimation (devis, sourcing) et change de procédure si les devis reçus la dépassent."
        )
    return (
        f"Le budget prévu ({format_eur(budget)}) dépasse l'estimation de {format_eur(gap)} : "
        f"{reason}. Le budget est une enveloppe, l'estimation la valeur du besoin ; {consequence}"
    )


def _mailbox_check(terms: DceTerms) -> list[Paragraph]:
    """The automatic acknowledgement the letter promises is the buyer's to switch on."""
    if not _by_mail(terms):
        return []
    offers = terms.selection.answers.collectivity.offers_email
    return [
        para(
            f"{BOX} Avant l'envoi de la lettre, la réponse automatique de l'adresse {offers} est "
            "activée : elle accuse réception de chaque message avec sa date et son heure, comme "
            f"la lettre l'annonce, et la boîte accepte des messages de {MESSAGE_LIMIT_MB} Mo."
        )
    ]


def quotes_note_document(terms: DceTerms) -> CctpDocument:
    """The buyer's own note of the quotes received and of its choice (not sent to providers)."""
    why = Article("1", "Procédure suivie")
    why.blocks += [
        info("Document interne à la collectivité : il ne doit pas être envoyé aux prestataires."),
        *estimate_blocks(terms),
        *_mailbox_check(terms),
    ]
    consulted = Article("2", "Prestataires consultés et devis reçus")
    consulted.blocks.append(
        table(
            ("Prestataire", "Date de la demande", "Date du devis", "Montant HT", "Note obtenue"),
            [("", "", "", "", "") for _ in range(3)],
            (32, 17, 17, 17, 17),
            caption="Devis demandés et reçus",
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
    note = _document(terms, "Note de consultation (devis)", "Note", [why, consulted, choice])
    return dataclasses.replace(note, toc_depth=0)  # one page or two: no cover nor contents
