"""Two rules the CCAP and the CCTP state in the same words: the end of the build, reversibility.

The CCAP prints them in its articles on duration and reversibility; the CCTP's clauses A09 and
N03 print them through ``{{ marche.fin_realisation }}`` and ``{{ marche.reversibilite }}``. One
function per rule, so the two pieces can never drift apart again (a lawyer found the CCAP ending
the build at « aptitude » while the CCTP said « admission », and post-term hosting priced in one
and included in the other).
"""

from __future__ import annotations

from webpass.catalog.model import CostPeriod
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.typography import date_fr
from webpass.dossier.answers import parameter_values
from webpass.selection.engine import Selection

__all__ = ["build_phase", "reversibility_rule"]

_DEFAULT_ASSISTANCE_DAYS = 2
_SWITCH_MONTHS = 3


def build_phase(selection: Selection) -> str:
    """The end of the build under the CCAG-TIC: aptitude, then going online, then admission."""
    go_live = selection.answers.project.go_live
    when = (
        f"au plus tard le {date_fr(go_live)}"
        if go_live
        else "dans le délai indiqué par le titulaire dans son offre"
    )
    return (
        "La réalisation du site court de la notification jusqu'à la décision d'admission. Elle "
        "s'achève par trois étapes successives : la vérification d'aptitude du site livré en "
        "préproduction, close par la décision d'aptitude ; la mise en ligne, qui suit la décision "
        f"d'aptitude favorable et intervient {when} ; la vérification de service régulier du site "
        "en ligne, close par la décision d'admission (article "
        f"{CcapArticle.ACCEPTANCE.number} du CCAP). L'hébergement et la maintenance courent de la "
        "mise en ligne jusqu'au terme du marché."
    )


def reversibility_rule(selection: Selection) -> str:
    """When reversibility happens and how it is paid: within the term, in the prices."""
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
        "La réversibilité s'exécute avant le terme du marché : le titulaire maintient le site en "
        f"ligne jusqu'au terme et apporte au nouveau prestataire {days} jours d'assistance, compris "
        f"{within}, sans supplément. Aucune prestation n'est exécutée ni payée après le terme. En "
        "cas de résiliation, la décision de résiliation peut fixer sa date d'effet jusqu'à "
        f"{_SWITCH_MONTHS} mois après sa notification, pour permettre la bascule ; jusqu'à cette "
        f"date, le site reste en ligne et l'hébergement est payé au prorata temporis {prorata}."
    )
