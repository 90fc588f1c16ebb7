"""How long the delivered components must keep receiving security fixes (CCTP, G12).

The window runs from the going online the buyer aims for, a date the dossier gives, never from
the real one: the buyer's validations can push the real date back, and a bidder cannot price a
window whose start the buyer controls (22:25 reading, M2). A component whose support then ends
inside the window is still admitted, its upgrade due ahead of the end of its support. One rule,
stated here for the CCTP and for whoever checks an offer's end-of-support dates against it.
"""

from __future__ import annotations

import datetime as dt

from webpass.documents.typography import date_fr
from webpass.dossier.answers import Answers
from webpass.dossier.service_period import add_months
from webpass.selection.engine import Selection

__all__ = ["SUPPORT_MONTHS", "UPGRADE_NOTICE_MONTHS", "support_deadline", "support_rule"]

# The months after the going online during which no component may reach its end of support.
SUPPORT_MONTHS = 24
# How long before its end of support a component's upgrade is due when the going online was
# postponed by the buyer: time for the test in preproduction that the clause requires.
UPGRADE_NOTICE_MONTHS = 3


def support_deadline(answers: Answers) -> dt.date | None:
    """The earliest end of security support a delivered component may have; None without a
    targeted going-online date."""
    go_live = answers.project.go_live
    return add_months(go_live, SUPPORT_MONTHS) if go_live is not None else None


def support_rule(selection: Selection) -> str:
    """G12's window, as sentences: from the targeted going online, and what a postponement by
    the buyer changes."""
    answers = selection.answers
    go_live = answers.project.go_live
    deadline = support_deadline(answers)
    if go_live is None or deadline is None:
        window = (
            f"dans les {SUPPORT_MONTHS} mois qui suivent la mise en ligne que vise l'acheteur "
            "([à compléter : date de mise en ligne])"
        )
    else:
        window = (
            f"avant le {date_fr(deadline)}, {SUPPORT_MONTHS} mois après la mise en ligne que "
            f"vise l'acheteur ({date_fr(go_live)})"
        )
    return (
        f"Aucune de ces briques n'atteint la fin de son support de sécurité {window}. Si la mise "
        "en ligne est reportée du fait de l'acheteur, une brique dont le support de sécurité "
        f"finit moins de {SUPPORT_MONTHS} mois après la mise en ligne réelle n'en devient pas "
        "non conforme : sa montée de version est due au plus tard "
        f"{UPGRADE_NOTICE_MONTHS} mois avant la fin de son support."
    )
