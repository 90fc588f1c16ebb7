"""The rules the CCAP and the CCTP state in the same words: the contractor's deadline, the end of
the build, reversibility.

The CCAP prints them in its articles on duration, penalties and reversibility; the CCTP's
clauses A08, A09 and N03 print them through ``{{ marche.delai_livraison }}``,
``{{ marche.fin_realisation }}`` and ``{{ marche.reversibilite }}``. One function per rule, so
the pieces can never drift apart again (a lawyer found the CCAP ending the build at « aptitude »
while the CCTP said « admission », post-term hosting priced in one and included in the other,
and a going-online date that depended on the buyer's own decision used as the contractor's
deadline).

The contractor's deadline is the delivery for verification (the site in order of working on
the preproduction environment), counted in weeks from the notification, the buyer's validation
times excluded: it is the only date the contractor controls. The going-online date the dossier
gives is the buyer's target: it follows the aptitude decision, which the buyer has thirty days
to take (CCAG-TIC), so it cannot be the start of a late-delivery penalty.
"""

from __future__ import annotations

import datetime as dt

from webpass.catalog.model import CostPeriod
from webpass.core.frozen_record import frozen_record
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.typography import date_fr
from webpass.dossier.answers import parameter_values
from webpass.dossier.service_period import expected_notification
from webpass.selection.engine import Selection

__all__ = [
    "GO_LIVE_WORKING_DAYS",
    "BuildFloor",
    "build_floor",
    "build_phase",
    "delivery_rule",
    "delivery_weeks",
    "duration_parts",
    "earliest_go_live",
    "first_period_months",
    "go_live_warning",
    "reversibility_rule",
]

_DEFAULT_ASSISTANCE_DAYS = 2
_SWITCH_MONTHS = 3
# The last months of the term, during which reversibility is carried out: inside the term, so
# nothing is executed (nor paid) after it.
REVERSIBILITY_MONTHS = 3
# After a favourable aptitude decision, the contractor puts the site online within this many
# working days, on the date agreed with the buyer.
GO_LIVE_WORKING_DAYS = 5
# From the delivery for verification to going online: the buyer's thirty days to decide on
# aptitude (CCAG-TIC) and the week to put the site online.
_VERIFICATION = dt.timedelta(days=30 + 7)
_DEFAULT_VALIDATION_DAYS = 10
_DEFAULT_WEEKS = 16
# The contractor's own weeks of work, phase by phase, before the delivery for verification (see
# build_floor). A correction round is a week of work on the deliverable and, for the buyer, a
# review of the corrected version in half the time the CCTP gives for a first version.
_KICK_OFF_DEFAULT_DAYS = 15
_TREE_WEEKS = 1
_PROPOSAL_WEEKS = 2
_ROUND_WEEKS = 1
_DEFAULT_ROUNDS = 2
# Integration and development, with the content migration and the test plan run alongside it
# (L01 ends and M02 is handed over ten working days before the delivery), by target level.
_INTEGRATION_WEEKS = {1: 2, 2: 3, 3: 4, 4: 6, 5: 8}


# Months of service the first period covers after going online, so that the build, the
# verifications and the twelve months' warranty run within a firm period: a non-renewal then
# never cuts the contract a few months after going online.
FIRST_SERVICE_MONTHS = 12
_RENEWAL_MONTHS = 12
# From going online to the admission: the thirty days' verification of regular service.
_REGULAR_SERVICE = dt.timedelta(days=30)


def first_period_months(selection: Selection) -> int:
    """The firm first period, in months: the delivery deadline and the buyer's validations, the
    verifications, then twelve months of service; lengthened so that the renewals of twelve
    months fill the whole duration exactly. The whole duration when it leaves no room for a
    renewal."""
    total = selection.answers.project.duration_months
    floor = build_floor(selection)
    weeks = delivery_weeks(selection) + floor.validation_weeks
    span = dt.timedelta(weeks=weeks) + _VERIFICATION + _REGULAR_SERVICE
    needed = -(-span.days * 12 // 365) + FIRST_SERVICE_MONTHS
    if total < needed + _RENEWAL_MONTHS:
        return total
    return total - (total - needed) // _RENEWAL_MONTHS * _RENEWAL_MONTHS


_TIMES = {1: "une fois", 2: "deux fois au plus", 3: "trois fois au plus"}


def duration_parts(months: int, first_months: int) -> tuple[str, str, str]:
    """The one sentence of the duration, renewals included, around its « 48 mois »: every piece
    prints it (the CCAP, the letter, the quote form, the RC, the AE, the CCTP's A09)."""
    if months > first_months:
        renewals = (months - first_months) // _RENEWAL_MONTHS
        times = _TIMES.get(renewals, f"{renewals} fois au plus")
        return (
            "Le marché prend effet à sa notification pour une première période ferme de "
            f"{first_months} mois, qui couvre la réalisation, les vérifications et au moins "
            f"{FIRST_SERVICE_MONTHS} mois de service du site en ligne ; il est ensuite reconduit "
            f"tacitement par périodes de douze mois, {times}, sans que sa durée totale puisse "
            "dépasser ",
            f"{months} mois",
            ".",
        )
    return (
        "Le marché prend effet à sa notification pour une durée ferme de ",
        f"{months} mois",
        " ; il n'est pas reconductible.",
    )


def _validation_days(selection: Selection) -> int:
    catalog = selection.catalog
    if not catalog.has_item("A08"):
        return _DEFAULT_VALIDATION_DAYS
    values = parameter_values(catalog.item("A08"), selection.answers)
    return int(values.get("delai_validation_jours", _DEFAULT_VALIDATION_DAYS))


@frozen_record
class BuildFloor:
    """What the CCTP asks before the delivery, in weeks: the contractor's work and the buyer's
    validations of it (versions the buyer reviews: a first one, then each correction round)."""

    work_weeks: int
    first_versions: int
    correction_rounds: int
    validation_days: int

    @property
    def validation_weeks(self) -> int:
        """The buyer's review time: the CCTP's working days for a first version, half of them
        for a corrected one, five working days a week, rounded up."""
        days = self.first_versions * self.validation_days
        days += self.correction_rounds * -(-self.validation_days // 2)
        return -(-days // 5)


def _value(selection: Selection, item_id: str, key: str, default: int) -> int:
    if selection.selected(item_id) is None:
        return default
    value = parameter_values(selection.catalog.item(item_id), selection.answers).get(key)
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else default


def build_floor(selection: Selection) -> BuildFloor:
    """The least the contractor needs for what this CCTP asks: the kick-off meeting (A07), the
    tree (B03), the graphic proposals and their correction rounds (B01), the mock-ups and
    theirs (B02), then the integration by target level, with the content migration (L01) and
    the test plan (M02) alongside it."""
    kick_off = _value(selection, "A07", "delai_lancement_jours", _KICK_OFF_DEFAULT_DAYS)
    weeks = -(-kick_off // 7)
    first_versions = rounds = 0
    if selection.selected("B03") is not None:
        weeks += _TREE_WEEKS
        first_versions += 1
    for item_id in ("B01", "B02"):
        if selection.selected(item_id) is None:
            continue
        item_rounds = _value(selection, item_id, "nb_series_corrections", _DEFAULT_ROUNDS)
        weeks += _PROPOSAL_WEEKS + item_rounds * _ROUND_WEEKS
        first_versions += 1
        rounds += item_rounds
    weeks += _INTEGRATION_WEEKS[selection.answers.project.target_level]
    return BuildFloor(weeks, first_versions, rounds, _validation_days(selection))


def _notification(selection: Selection) -> dt.date:
    return expected_notification(selection.answers)


def earliest_go_live(selection: Selection) -> dt.date:
    """The earliest going-online the CCTP allows: the expected notification, the contractor's
    floor, the buyer's validations, then the verification of aptitude and the going online."""
    floor = build_floor(selection)
    weeks = floor.work_weeks + floor.validation_weeks
    return _notification(selection) + dt.timedelta(weeks=weeks) + _VERIFICATION


def go_live_warning(selection: Selection) -> str | None:
    """What to tell the buyer whose going-online target comes before the earliest the CCTP
    allows: the pieces would print a deadline and a target a bidder sees cannot both hold."""
    target = selection.answers.project.go_live
    earliest = earliest_go_live(selection)
    if target is None or target >= earliest:
        return None
    floor = build_floor(selection)
    return (
        f"la mise en ligne visée ({date_fr(target)}) précède la date la plus proche que permet le "
        f"CCTP ({date_fr(earliest)}) : {floor.work_weeks} semaines de réalisation (lancement, "
        "arborescence, pistes graphiques et maquettes avec leurs corrections, intégration), "
        f"{floor.validation_weeks} semaines de validations de la collectivité, puis la "
        "vérification d'aptitude. Reportez projet.mise_en_ligne, ou allégez le CCTP (moins de "
        "séries de corrections, un niveau moins élevé)."
    )


def delivery_weeks(selection: Selection) -> int:
    """Weeks from the notification to the delivery for verification, validations excluded.

    Derived from the dossier's going-online target: the notification is expected four weeks
    after the offers' deadline, the delivery thirty-seven days before going online; the buyer's
    validation times come off. Never under the floor of what the CCTP asks (:func:`build_floor`):
    a target too close does not shorten the contractor's work, it moves the going online.
    """
    floor = build_floor(selection)
    go_live = selection.answers.project.go_live
    if go_live is None:
        return max(_DEFAULT_WEEKS, floor.work_weeks)
    span = (go_live - _VERIFICATION - _notification(selection)).days // 7
    return max(floor.work_weeks, span - floor.validation_weeks)


def delivery_rule(selection: Selection) -> str:
    """The contractor's deadline: the delivery for verification, and what is not counted in it."""
    days = _validation_days(selection)
    return (
        "Le titulaire livre le site en ordre de marche sur l'environnement de préproduction, avec "
        "le procès-verbal de mise en ordre de marche, dans un délai de "
        f"{delivery_weeks(selection)} semaines à compter de la notification du marché. Ce délai "
        "ne court pas entre la remise d'un livrable soumis à validation et la notification de la "
        "décision de l'acheteur, quelle que soit la durée de cet examen. "
        + _confirmations(selection)
        + "L'acheteur notifie sa "
        "décision sur un livrable intermédiaire (arborescence, charte graphique et maquettes, "
        "inventaire de reprise, plan de redirections, plan de recette) dans les "
        f"{days} jours ouvrés qui suivent sa remise ; la décision qui suit la vérification "
        # One deadline per decision: the site delivered for verification is decided in the
        # CCAG's thirty days of the acceptance article, never in the days of an intermediate
        # deliverable (review of 1 December 2026, small commune N4).
        f"d'aptitude obéit à l'article {CcapArticle.ACCEPTANCE.number} du CCAP. Après une décision "
        "d'aptitude favorable, le titulaire "
        f"met le site en ligne dans les {GO_LIVE_WORKING_DAYS} jours ouvrés"
        + _go_live_start(selection)
        # One deadline: a date agreed within it, so the late penalty runs from its end only
        # (groupement review R6: « 5 jours » and « la date convenue » were two rules).
        + ", à une date convenue avec l'acheteur dans ce délai ; le retard de mise en ligne "
        "court à compter de son expiration."
    )


def _confirmations(selection: Selection) -> str:
    """The pages' confirmations of a groupement's K09, followed by a space; empty elsewhere."""
    from webpass.documents.takeover import confirmation_delays

    sentence = confirmation_delays(selection)
    return f"{sentence} " if sentence else ""


def _go_live_start(selection: Selection) -> str:
    """From when the going-online days run: the aptitude decision or, where the buyer has the
    site audited before going online (I02), the counter-audit's report if it comes later; the
    audit is the buyer's, so its date can never make the contractor late (review of
    1 December 2026, N5)."""
    if selection.selected("I02") is None:
        return ""
    return (
        " qui suivent cette décision ou, si elle est postérieure, la remise du rapport de "
        "contre-audit d'accessibilité prévu par l'exigence I02 du CCTP"
    )


def build_phase(selection: Selection) -> str:
    """The end of the build under the CCAG-TIC: aptitude, then going online, then admission."""
    go_live = selection.answers.project.go_live
    target = (
        f" (l'acheteur la vise pour le {date_fr(go_live)} ; cette date n'est pas un délai du "
        "titulaire)"
        if go_live
        else ""
    )
    return (
        "La réalisation du site court de la notification jusqu'à la décision d'admission. Elle "
        "s'achève par trois étapes successives : la vérification d'aptitude du site livré en "
        "préproduction, close par la décision d'aptitude ; la mise en ligne, qui suit la décision "
        f"d'aptitude favorable{target} ; la vérification de service régulier du site en ligne, "
        f"close par la décision d'admission (article {CcapArticle.ACCEPTANCE.number} du CCAP). "
        "L'hébergement et la maintenance courent de la mise en ligne jusqu'au terme du marché."
    )


def reversibility_rule(selection: Selection) -> str:
    """When reversibility happens and how it is paid: in the last months of the term, in the
    prices."""
    days = _DEFAULT_ASSISTANCE_DAYS
    catalog = selection.catalog
    if catalog.has_item("N03"):
        days = int(
            parameter_values(catalog.item("N03"), selection.answers).get(
                "jours_assistance", _DEFAULT_ASSISTANCE_DAYS
            )
        )
    hosting = selection.selected("H08")
    yearly = (
        hosting is not None
        and hosting.item.cost is not None
        and hosting.item.cost.period is CostPeriod.YEARLY
    )
    if yearly:
        # The piece the yearly price is written in: a quote form under quotes, the BPU else.
        from webpass.documents.pieces import cited_pieces
        from webpass.documents.procedure_kind import procedure_kind

        schedule = cited_pieces(procedure_kind(selection))["du_prix"]
        within = f"dans le prix annuel d'hébergement (H08) {schedule}"
        # The yearly prices have one rule of payment, the prices article's months begun, also
        # while a termination takes effect (review of 1 December 2026, small commune N11).
        paid = (
            "l'hébergement, la maintenance et les autres prix forfaitaires annuels sont payés "
            f"pour les mois de service entamés, selon l'article {CcapArticle.PRICES.number} du CCAP"
        )
    else:
        within = "dans les prix du marché"
        paid = "l'hébergement est payé au prorata temporis des prix du marché"
    return (
        "La réversibilité s'exécute avant le terme du marché, pendant ses "
        f"{REVERSIBILITY_MONTHS} derniers mois : le titulaire maintient le site en ligne jusqu'au "
        f"terme et apporte au nouveau prestataire {days} jours d'assistance, compris {within}, "
        "sans supplément. Aucune prestation n'est payée après le terme ; seules la destruction "
        f"des données et son attestation (article {CcapArticle.DATA.number}.2 du CCAP) et les "
        # A warranty extended until an anomaly is fixed may outlive a non-renewal (review of
        # 1 December 2026, n° 18): it survives the term, unpaid as it always is.
        f"obligations de garantie de l'article {CcapArticle.WARRANTY.number} du CCAP, qui "
        "survivent au terme, sont exécutées après lui. En cas de "
        "résiliation, la décision de résiliation peut fixer sa date d'effet jusqu'à "
        f"{_SWITCH_MONTHS} mois après sa notification, sans dépasser le terme, pour permettre la "
        "bascule ; jusqu'à cette "
        f"date, le site reste en ligne et {paid}."
    )


def changes_route(selection: Selection) -> str:
    """How a change the price does not cover (a new RGAA version) is bought: by the review
    clause of the CCAP's prices article where the quote form gives unit prices for changes,
    else by a modification of the contract, never without a known price."""
    from webpass.documents.contract_data import load_contract_data
    from webpass.documents.price_phases import phase_groups

    if phase_groups(selection) and load_contract_data(selection.catalog.root).complementary:
        return (
            "est commandée aux prix unitaires des évolutions, selon la clause de réexamen de "
            f"l'article {CcapArticle.PRICES.number} du CCAP"
        )
    return modification_route()


def modification_cases() -> str:
    """The cases in which the contract may be modified, after « modification du marché »."""
    return "dans l'un des cas de l'article L2194-1 du Code de la commande publique"


def modification_route() -> str:
    """What buying beyond the contract's prices or quantities takes, after a verb-less « , »:
    a modification of the contract, in one of the cases the code allows."""
    return f"fait l'objet d'une modification du marché {modification_cases()}"
