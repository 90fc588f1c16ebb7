"""Aid schemes as data (Webpass and the collectivity's own): the calculation, eligibility, standing
(montant maximal sollicitable or simulation) and the financing plan.

Typical use by the dossier code::

    rules = load_shipped_subsidy_rules()
    result = compute_subsidy(lines, profile, on, rules, eligibility=EligibilityInput(...),
                             scheme_id="webpass", department="22")
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
    FundingStatus,
    check_financing,
)
from webpass.aid.rules import (
    AidScheme,
    SchemesFile,
    SchemeStatus,
    SubsidyProfile,
    SubsidyRules,
    load_shipped_subsidy_rules,
    load_subsidy_rules,
    load_user_schemes,
)
from webpass.aid.standing import AidStanding, Applicability, applicability
from webpass.aid.territory import Territory

__all__ = [
    "AidScheme",
    "AidStanding",
    "Applicability",
    "EligibilityCheck",
    "EligibilityInput",
    "EligibilityResult",
    "Exemption",
    "ExpenseLine",
    "FinancingPlan",
    "FinancingReport",
    "FunderKind",
    "Funding",
    "FundingStatus",
    "LineDecision",
    "Rule",
    "SchemeStatus",
    "SchemesFile",
    "Step",
    "SubsidyProfile",
    "SubsidyResult",
    "SubsidyRules",
    "Territory",
    "applicability",
    "check_eligibility",
    "check_financing",
    "compute_subsidy",
    "load_shipped_subsidy_rules",
    "load_subsidy_rules",
    "load_user_schemes",
    "subsidy_amount",
]
