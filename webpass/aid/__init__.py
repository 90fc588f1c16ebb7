"""Aid schemes (today the Webpass subsidy): dated rules, the calculation, eligibility and the financing plan.

Typical use by the dossier code::

    rules = load_shipped_subsidy_rules()
    result = compute_subsidy(lines, profile, on, rules, eligibility=EligibilityInput(...))
    report = check_financing(FinancingPlan.for_subsidy(result, others, exemption=...), on, rules)

Every function is pure (no file, no clock) except the loaders; amounts are Decimal.
"""

from __future__ import annotations

from webpass.aid.compute import (
    ExpenseLine,
    LineDecision,
    SubsidyResult,
    compute_subsidy,
    subsidy_amount,
)
from webpass.aid.eligibility import (
    EligibilityCheck,
    EligibilityInput,
    EligibilityResult,
    Rule,
    check_eligibility,
)
from webpass.aid.explain import Step
from webpass.aid.financing import (
    Exemption,
    FinancingPlan,
    FinancingReport,
    FunderKind,
    Funding,
    check_financing,
)
from webpass.aid.rules import (
    SubsidyProfile,
    SubsidyRules,
    WebpassRegime,
    load_shipped_subsidy_rules,
    load_subsidy_rules,
)

__all__ = [
    "EligibilityCheck",
    "EligibilityInput",
    "EligibilityResult",
    "Exemption",
    "ExpenseLine",
    "FinancingPlan",
    "FinancingReport",
    "FunderKind",
    "Funding",
    "LineDecision",
    "Rule",
    "Step",
    "SubsidyProfile",
    "SubsidyResult",
    "SubsidyRules",
    "WebpassRegime",
    "check_eligibility",
    "check_financing",
    "compute_subsidy",
    "load_shipped_subsidy_rules",
    "load_subsidy_rules",
    "subsidy_amount",
]
