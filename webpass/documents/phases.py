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
from webpass.compare.award import offers_deadline
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.typography import date_fr
from webpass.dossier.answers import parameter_values
from webpass.selection.engine import Selection

__all__ = [
    "GO_LIVE_WORKING_DAYS",
    "build_phase",
    "delivery_rule",
    "delivery_weeks",
    "duration_parts",
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
# From the offers' deadline to the notification: analysis, choice, signature, letters to the
# providers not retained.
_TO_NOTIFICATION = dt.timedelta(weeks=4)
# From the delivery for verification to going online: the buyer's thirty days to decide on
# aptitude (CCAG-TIC) and the week to put the site online.
_VERIFICATION = dt.timedelta(days=30 + 7)
# The deliverables the buyer validates before the delivery (A08: tree, then charter and
# mock-ups); their validation times are not counted in the contractor's deadline.
_VALIDATIONS = 2
_DEFAULT_VALIDATION_DAYS = 10
# Below this, no small site can be built: the dossier's going-online target is then too close,
# and the contractor's deadline does not follow it.
_MIN_WEEKS = 6
_DEFAULT_WEEKS = 16


def duration_parts(months: int) -> tuple[str, str, str]:
    """The one sentence of the duration, renewals included, around its « 48 mois »: every piece
    prints it (the CCAP, the letter, the quote form, the RC, the AE, the CCTP's A09)."""
    if months > 12:
        return (
            "Le marché prend effet à sa notification pour une première période de douze mois ; "
            "il est ensuite reconduit tacitement par périodes de douze mois, sans que sa durée "
            "totale puisse dépasser ",
            f"{months} mois",
            ".",
        )
    return (
        "Le marché prend effet à sa notification pour une durée de ",
        f"{months} mois",
        " ; il n'est pas reconductible.",
    )


def _validation_days(selection: Selection) -> int:
    catalog = selection.catalog
    if not catalog.has_item("A08"):
        return _DEFAULT_VALIDATION_DAYS
    values = parameter_values(catalog.item("A08"), selection.answers)
    return int(values.get("delai_validation_jours", _DEFAULT_VALIDATION_DAYS))


def delivery_weeks(selection: Selection) -> int:
    """Weeks from the notification to the delivery for verification, validations excluded.

    Derived from the dossier's going-online target: the notification is expected four weeks
    after the offers' deadline, the delivery thirty-seven days before going online; the buyer's
    validation times (two deliverables, in working days, five a week) come off.
    """
    answers = selection.answers
    go_live = answers.project.go_live
    if go_live is None:
        return _DEFAULT_WEEKS
    notification = offers_deadline(answers) + _TO_NOTIFICATION
    span = (go_live - _VERIFICATION - notification).days // 7
    validations = -(-_VALIDATIONS * _validation_days(selection) // 5)
    return max(_MIN_WEEKS, span - validations)


def delivery_rule(selection: Selection) -> str:
    """The contractor's deadline: the delivery for verification, and what is not counted in it."""
    days = _validation_days(selection)
    return (
        "Le titulaire livre le site en ordre de marche sur l'environnement de préproduction, avec "
        "le procès-verbal de mise en ordre de marche, dans un délai de "
        f"{delivery_weeks(selection)} semaines à compter de la notification du marché. Ce délai "
        "ne comprend pas les délais de validation de l'acheteur : le temps qui s'écoule entre la "
        "remise d'un livrable à valider et la décision de l'acheteur, dans la limite de "
        f"{days} jours ouvrés par livrable, ne compte pas dans le délai du titulaire ; au-delà, "
        "le délai est prolongé d'autant. Après une décision d'aptitude favorable, le titulaire "
        f"met le site en ligne dans les {GO_LIVE_WORKING_DAYS} jours ouvrés, à la date convenue "
        "avec l'acheteur."
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
        from webpass.documents.terms import procedure_kind

        schedule = cited_pieces(procedure_kind(selection))["du_prix"]
        within, prorata = (
            f"dans le prix annuel d'hébergement (H08) {schedule}",
            f"du prix annuel d'hébergement (H08) {schedule}",
        )
    else:
        within, prorata = "dans les prix du marché", "des prix du marché"
    return (
        "La réversibilité s'exécute avant le terme du marché, pendant ses "
        f"{REVERSIBILITY_MONTHS} derniers mois : le titulaire maintient le site en ligne jusqu'au "
        f"terme et apporte au nouveau prestataire {days} jours d'assistance, compris {within}, "
        "sans supplément. Aucune prestation n'est exécutée ni payée après le terme. En cas de "
        "résiliation, la décision de résiliation peut fixer sa date d'effet jusqu'à "
        f"{_SWITCH_MONTHS} mois après sa notification, sans dépasser le terme, pour permettre la "
        "bascule ; jusqu'à cette "
        f"date, le site reste en ligne et l'hébergement est payé au prorata temporis {prorata}."
    )
