"""The one wording of the rule for prestations supplémentaires éventuelles (PSE).

The CCTP (through ``{{ marche.regle_pse }}``), the RC or the consultation letter, the CCAP and
the acte d'engagement print this sentence word for word; the cross-piece check compares them.
"""

from __future__ import annotations

from webpass.compare.pse import pse_rule_sentence
from webpass.selection.engine import Selection

__all__ = ["pse_rule"]


def pse_rule(selection: Selection) -> str:
    """The rule for the PSE of this selection, as :func:`webpass.compare.pse.pse_rule_sentence` words it.

    The buyer's decision (PSE retained before the analysis, or after it by priority within the
    budget) is data of the dossier (``criteres.pse``), so the wording lives with the award rules.
    """
    return pse_rule_sentence(selection)
