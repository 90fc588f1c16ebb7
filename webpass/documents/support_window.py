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

__all__ = ["SUPPORT_MONTHS", "support_deadline", "support_rule"]

# The months after the going online during which no component may reach its end of support.
SUPPORT_MONTHS = 24


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
        # Due before its support ends, as every upgrade of the term (M05) and as the offers
        # plan them: three months earlier would have made the buyer's postponement harden the
        # holder's duty (00:05 reading, N3).
        "non conforme : sa montée de version est due avant la fin de son support."
    )
