"""The aid of a scheme for a project: a pure calculation on Decimal, shown step by step in French.

The result is never an aid granted: it is the « montant maximal sollicitable » where the scheme
applies to the collectivity on the date given, and a clearly labelled simulation anywhere else.

Base = the eligible expenditure HT (only the natures the regime retains: investment, not
operating costs); gross amount = base × rate of the profile; the cap of the profile applies to
the gross amount; the result is rounded half-up to the cent (the cap is a whole number of cents,
so capping before or after rounding gives the same figure). A project that fails an eligibility
rule gets 0 € and the reasons. Rules come from :class:`~webpass.aid.rules.SubsidyRules`, as
in force at the date given; nothing here reads a file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_CEILING, Decimal, localcontext

from webpass.aid.eligibility import EligibilityInput, EligibilityResult, check_eligibility
from webpass.aid.explain import Step, eur, eur_ht, money_json, percent, rate_json
from webpass.aid.rules import AidScheme, GroupementRules, SubsidyProfile, SubsidyRules
from webpass.aid.standing import Applicability, applicability
from webpass.catalog.model import CostNature
from webpass.core.errors import InputError
from webpass.core.french_list import french_list
from webpass.core.frozen_record import frozen_record
from webpass.core.money import CENT, AmountError, parse_amount, round_cent
from webpass.documents.typography import date_fr, plural

__all__ = [
    "ExpenseLine",
    "LineDecision",
    "SubsidyResult",
    "compute_subsidy",
    "subsidy_amount",
]

# Enough digits for a billion euros with many decimals times a four-decimal rate, exactly.
_PRECISION = 60

_NATURE_WORDS = {
    CostNature.INVESTMENT: ("dépense d'investissement", "dépenses d'investissement"),
    CostNature.OPERATING: ("dépense de fonctionnement", "dépenses de fonctionnement"),
}


@frozen_record
class ExpenseLine:
    """One line of expenditure, in euros HT.

    Attributes:
        label: what is bought (« Conception graphique »).
        amount: amount HT; a str in a French format or an int is read with ``parse_amount``.
        nature: investissement or fonctionnement.
        item_id: the catalogue item the line comes from, if any.
        estimated_share: for a part of a phase's price charged to one account, the share of
            the phase webpass estimated from the catalogue's costs, until the holder gives its
            breakdown; None for an amount the offer gives.
    """

    label: str
    amount: Decimal
    nature: CostNature
    item_id: str | None = None
    estimated_share: Decimal | None = None

    def __post_init__(self) -> None:
        label = self.label.strip() if isinstance(self.label, str) else ""
        if not label:
            raise InputError("ligne de dépense sans libellé : indiquez ce qui est acheté.")
        object.__setattr__(self, "label", label)
        amount = parse_amount(self.amount, what=f"montant de « {label} »")
        object.__setattr__(self, "amount", amount)
        try:
            nature = CostNature(self.nature)
        except ValueError as exc:
            raise InputError(
                f"« {label} » : nature « {self.nature} » inconnue ; indiquez investissement "
                "ou fonctionnement."
            ) from exc
        object.__setattr__(self, "nature", nature)

    @property
    def name(self) -> str:
        """« Label » followed by the item id when there is one."""
        return f"« {self.label} »" + (f" ({self.item_id})" if self.item_id else "")


@frozen_record
class LineDecision:
    """Whether a line entered the base, and why."""

    line: ExpenseLine
    counted: bool
    reason: str

    def as_json(self) -> dict[str, object]:
        """The decision with French keys and the amount as a string."""
        return {
            "libelle": self.line.label,
            "exigence": self.line.item_id,
            "montant": money_json(self.line.amount),
            "nature": self.line.nature.value,
            "retenue": self.counted,
            "raison": self.reason,
        }


@frozen_record
class SubsidyResult:
    """The subsidy of a project and its working.

    Attributes:
        profile: commune or groupement.
        on: the date whose rules were applied.
        scheme: the aid scheme whose rules were applied.
        applicability: whether the scheme applies (amount to request) or not (simulation).
        lines: each expense line and whether it counted.
        total: all the expenditure given, HT.
        base: the eligible expenditure HT.
        excluded: the expenditure left out of the base.
        rate: the profile's rate.
        gross: base × rate, exact (not rounded).
        cap: the profile's cap.
        capped: whether the cap cut the gross amount.
        computed: the amount the rules give before eligibility, rounded to the cent.
        subsidy: the subsidy: ``computed`` if eligible and the scheme covers the dossier, else 0.
        remaining: what the collectivity still pays, ``total`` − ``subsidy``, before other aids.
        eligibility: the eligibility check, or None when it was not possible (amount only).
        steps: the working, in French.
    """

    profile: SubsidyProfile
    on: dt.date
    scheme: AidScheme
    applicability: Applicability
    lines: tuple[LineDecision, ...]
    total: Decimal
    base: Decimal
    excluded: Decimal
    rate: Decimal
    gross: Decimal
    cap: Decimal
    capped: bool
    computed: Decimal
    subsidy: Decimal
    remaining: Decimal
    eligibility: EligibilityResult | None
    steps: tuple[Step, ...]

    @property
    def regime(self) -> AidScheme:
        """The scheme (the name of the first versions)."""
        return self.scheme

    @property
    def simulation(self) -> bool:
        """True when the amount is only a simulation (scheme that may apply, not verified)."""
        return self.applicability.simulation

    @property
    def not_applicable(self) -> bool:
        """True when the scheme's territory or period does not cover the dossier (0 €)."""
        return self.applicability.not_applicable

    @property
    def eligible(self) -> bool:
        """False only when an eligibility rule was checked and failed."""
        return self.eligibility is None or self.eligibility.eligible

    @property
    def reasons(self) -> list[str]:
        """Why the project is not eligible (empty when it is, or was not checked)."""
        return [] if self.eligibility is None else self.eligibility.reasons

    def as_json(self) -> dict[str, object]:
        """Everything as JSON-ready values; amounts are strings with two decimals."""
        return {
            "profil": self.profile.value,
            "date": self.on.isoformat(),
            "dispositif": self.scheme.as_json(),
            "statut_dispositif": self.scheme.status.value,
            "territoire": self.scheme.territory.label,
            **self.applicability.as_json(),
            "total_depenses": money_json(self.total),
            "base_eligible": money_json(self.base),
            "depenses_ecartees": money_json(self.excluded),
            "taux": rate_json(self.rate),
            "montant_brut": money_json(self.gross),
            "plafond": money_json(self.cap),
            "plafond_atteint": self.capped,
            "montant_calcule": money_json(self.computed),
            "subvention": money_json(self.subsidy),
            "reste_a_charge": money_json(self.remaining),
            "eligible": self.eligible,
            "eligibilite_verifiee": self.eligibility is not None,
            "motifs": self.reasons,
            "eligibilite": self.eligibility.as_json() if self.eligibility else None,
            "lignes": [decision.as_json() for decision in self.lines],
            "etapes": [step.as_json() for step in self.steps],
            "remarques": list(self.scheme.notes),
        }


def subsidy_amount(base: Decimal, rate: Decimal, cap: Decimal) -> Decimal:
    """``min(base × rate, cap)`` rounded half-up to the cent.

    Raises:
        InputError: an argument is not a finite, non-negative Decimal.
    """
    for name, value in (("base", base), ("taux", rate), ("plafond", cap)):
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
            raise AmountError(f"{name} : {value!r} n'est pas un montant positif exact.")
    with localcontext() as context:
        context.prec = _PRECISION
        return round_cent(min(base * rate, cap))


def compute_subsidy(
    lines: Iterable[ExpenseLine],
    profile: SubsidyProfile | str,
    on: dt.date,
    rules: SubsidyRules,
    eligibility: EligibilityInput | None = None,
    *,
    scheme_id: str | None = None,
    department: str | None = None,
) -> SubsidyResult:
    """The aid of a scheme for ``lines``, judged on ``on`` for a collectivity of ``department``.

    Args:
        lines: the expense lines of the project (at least one).
        profile: commune or groupement.
        on: the date whose rules apply (typically the date of the application).
        rules: the schemes, from :func:`~webpass.aid.rules.load_subsidy_rules`.
        eligibility: what eligibility is judged on; None when only an amount is known, in
            which case the result says eligibility was not checked.
        scheme_id: the scheme to apply (None: the catalogue's first, Webpass).
        department: the collectivity's département code; None leaves the territory unchecked,
            so the result is a simulation.

    Raises:
        InputError: no line, an unknown profile, a profile that differs from the eligibility
            input's, an unknown scheme or one without rules for the profile.
    """
    expenses, chosen = _checked_input(lines, profile, eligibility)
    regime = rules.scheme(scheme_id)
    params = regime.for_profile(chosen)
    decisions = tuple(_decide(line, regime) for line in expenses)
    with localcontext() as context:
        context.prec = _PRECISION
        total = sum((line.amount for line in expenses), Decimal(0))
        base = sum((d.line.amount for d in decisions if d.counted), Decimal(0))
        computed = subsidy_amount(base, params.rate, params.cap)
        checked = check_eligibility(eligibility, regime) if eligibility is not None else None
        standing = applicability(regime, on, department)
        # A scheme of another territory or period gives nothing: 0 €, never a figure to count.
        eligible = checked is None or checked.eligible
        subsidy = computed if eligible and not standing.not_applicable else Decimal("0.00")
        result = SubsidyResult(
            profile=chosen,
            on=on,
            scheme=regime,
            applicability=standing,
            lines=decisions,
            total=total,
            base=base,
            excluded=total - base,
            rate=params.rate,
            gross=base * params.rate,
            cap=params.cap,
            capped=base * params.rate > params.cap,
            computed=computed,
            subsidy=subsidy,
            remaining=round_cent(total - subsidy),
            eligibility=checked,
            steps=(),
        )
    return dataclasses.replace(result, steps=_working(result))


def _checked_input(
    lines: Iterable[ExpenseLine],
    profile: SubsidyProfile | str,
    eligibility: EligibilityInput | None,
) -> tuple[tuple[ExpenseLine, ...], SubsidyProfile]:
    expenses = tuple(lines)
    if not expenses:
        raise InputError("aucune ligne de dépense : indiquez au moins un montant.")
    for line in expenses:
        if not isinstance(line, ExpenseLine):
            raise InputError(f"ligne de dépense illisible : {line!r}.")
    chosen = _profile(profile)
    if eligibility is not None and eligibility.profile is not chosen:
        raise InputError(
            f"le profil du calcul ({chosen.value}) diffère de celui de l'éligibilité "
            f"({eligibility.profile.value}) : le dossier doit n'en déclarer qu'un."
        )
    return expenses, chosen


def _working(result: SubsidyResult) -> tuple[Step, ...]:
    """The steps of a calculation, in French, from its result."""
    scheme, standing = result.scheme, result.applicability
    base, rate, gross = result.base, result.rate, result.gross
    return (
        _scheme_step(scheme, standing, result.on),
        *_line_steps(result.lines, scheme),
        Step("Base éligible", f"Somme des dépenses retenues, hors taxes : {eur_ht(base)}.", base),
        Step(
            "Taux maximal",
            f"{percent(rate)} au plus pour le profil {result.profile.label} (dispositif "
            f"« {scheme.title} »).",
        ),
        Step("Montant brut", f"{eur_ht(base)} × {percent(rate)} = {eur(gross)}.", gross),
        _cap_step(result.profile, result.cap, result.cap / rate, gross, result.capped),
        _rounding_step(min(gross, result.cap), result.computed),
        _eligibility_step(result.eligibility, result.profile, scheme, result.computed),
        _amount_step(standing, result.subsidy, result.eligibility),
        _remaining_step(result),
    )


def _remaining_step(result: SubsidyResult) -> Step:
    """What the collectivity still pays; none for a scheme that does not cover the dossier,
    whose 0 € reduces nothing (00:20 reading, N7: a remaining cost printed as if computed)."""
    standing = result.applicability
    if standing.not_applicable:
        return Step(
            "Reste à charge",
            "sans objet : ce dispositif ne couvre pas ce dossier, il n'entre dans aucun reste à "
            "charge ; celui-ci se calcule dans le plan de financement, avec les aides qui s'y "
            "appliquent.",
        )
    return Step(
        "Reste à charge",
        f"Total des dépenses {eur_ht(result.total)} − {standing.label} "
        f"{eur(result.subsidy)} = {eur_ht(result.remaining)}, avant les autres financements "
        "éventuels"
        + (" (si l'aide simulée existait pour ce dossier)." if standing.simulation else "."),
        result.remaining,
    )


def _scheme_step(scheme: AidScheme, standing: Applicability, on: dt.date) -> Step:
    head = (
        f"« {scheme.title} » ({scheme.funder}) : statut {scheme.status.label}, territoire "
        f"{scheme.territory.label}, ouvert {scheme.period_label}."
    )
    if standing.not_applicable:
        return Step(
            "Dispositif",
            f"{head} Le {date_fr(on)}, il ne s'applique PAS à cette collectivité : "
            f"{' ; '.join(standing.reasons)}. Son montant est de {eur(Decimal(0))} ; le calcul "
            "ci-dessous ne montre que ce que ses règles donneraient, il ne doit figurer ni dans "
            "un reste à charge ni dans un plan de financement.",
        )
    if standing.simulation:
        return Step(
            "Dispositif",
            f"{head} Le {date_fr(on)}, pour cette collectivité, le calcul ci-dessous n'est qu'une "
            f"SIMULATION : {' ; '.join(standing.reasons)}. Ce montant ne doit pas figurer dans un "
            "plan de financement.",
        )
    return Step(
        "Dispositif",
        f"{head} Il s'applique à cette collectivité le {date_fr(on)} : le calcul donne le "
        "montant maximal sollicitable ; le financeur décide du montant attribué.",
    )


def _amount_step(
    standing: Applicability, amount: Decimal, checked: EligibilityResult | None
) -> Step:
    if standing.not_applicable:
        return Step(
            "Non applicable",
            f"{eur(amount)} : le dispositif ne couvre pas ce dossier (voir l'étape « Dispositif »).",
            amount,
        )
    if checked is not None and not checked.eligible:
        return Step("Montant", "Aucun montant : le projet n'est pas éligible en l'état.", amount)
    if standing.simulation:
        return Step(
            "Simulation",
            f"{eur(amount)}, à titre indicatif seulement : le dispositif ne s'applique pas à ce "
            "dossier (voir l'étape « Dispositif »).",
            amount,
        )
    return Step(
        "Montant maximal sollicitable",
        f"{eur(amount)} au plus ; l'aide attribuée peut être inférieure.",
        amount,
    )


def _profile(profile: SubsidyProfile | str) -> SubsidyProfile:
    try:
        return SubsidyProfile(profile)
    except ValueError as exc:
        raise InputError(f"profil « {profile} » inconnu : indiquez commune ou groupement.") from exc


def _decide(line: ExpenseLine, regime: AidScheme) -> LineDecision:
    singular, _ = _NATURE_WORDS[line.nature]
    if regime.counts(line.nature):
        return LineDecision(line, True, f"{singular}, retenue dans la base.")
    return LineDecision(line, False, f"{singular}, écartée : {_eligible_scope(regime)}.")


def _eligible_scope(regime: AidScheme) -> str:
    kinds = " et ".join(_NATURE_WORDS[n][1] for n in regime.expenses.eligible_natures)
    text = (
        f"seules les {kinds} sont subventionnables ({', '.join(regime.expenses.eligible_examples)})"
    )
    excluded = regime.expenses.excluded_examples
    if excluded:
        text += f" ; ne le sont pas, notamment, {french_list(excluded)}"
    return text


def _line_steps(decisions: tuple[LineDecision, ...], regime: AidScheme) -> list[Step]:
    counted = [d for d in decisions if d.counted]
    dropped = [d for d in decisions if not d.counted]
    kept_total = sum((d.line.amount for d in counted), Decimal(0))
    if counted:
        listed = " ; ".join(f"{d.line.name} : {eur_ht(d.line.amount)}" for d in counted)
        kinds = " et ".join(_NATURE_WORDS[n][1] for n in regime.expenses.eligible_natures)
        detail = f"{plural(len(counted), 'ligne retenue', 'lignes retenues')}, {kinds} : {listed}."
    else:
        detail = f"Aucune dépense retenue : {_eligible_scope(regime)}. La base éligible est nulle."
    steps = [Step("Dépenses retenues", detail, kept_total)]
    if dropped:
        listed = " ; ".join(
            f"{d.line.name} : {eur_ht(d.line.amount)} ({_NATURE_WORDS[d.line.nature][0]})"
            for d in dropped
        )
        steps.append(
            Step(
                "Dépenses écartées",
                f"{plural(len(dropped), 'ligne écartée', 'lignes écartées')} : {listed}. "
                f"Motif : {_eligible_scope(regime)}.",
                sum((d.line.amount for d in dropped), Decimal(0)),
            )
        )
    return steps


def _cap_step(
    profile: SubsidyProfile, cap: Decimal, reached_from: Decimal, gross: Decimal, capped: bool
) -> Step:
    threshold = reached_from.quantize(CENT, rounding=ROUND_CEILING)
    head = (
        f"Plafond du profil {profile.label} : {eur(cap)}, atteint dès {eur_ht(threshold)} "
        "de base éligible."
    )
    if capped:
        return Step(
            "Plafond",
            f"{head} Le montant brut ({eur(gross)}) le dépasse : il est ramené au plafond.",
            cap,
        )
    if gross == cap:
        return Step("Plafond", f"{head} Le montant brut atteint exactement le plafond.", cap)
    return Step("Plafond", f"{head} Le montant brut reste sous le plafond.", gross)


def _rounding_step(before: Decimal, after: Decimal) -> Step:
    if before == after:
        return Step(
            "Arrondi",
            f"Le montant tombe juste au centime : {eur(after)}, aucun arrondi.",
            after,
        )
    return Step(
        "Arrondi",
        f"Arrondi au centime le plus proche, la demie vers le haut : {eur(before)} → {eur(after)}.",
        after,
    )


def _eligibility_step(
    checked: EligibilityResult | None,
    profile: SubsidyProfile,
    regime: AidScheme,
    computed: Decimal,
) -> Step:
    if checked is None:
        params = regime.for_profile(profile)
        rules = []
        if params.min_teleservices:
            rules.append(f"au moins {plural(params.min_teleservices, 'téléservice')}")
        if regime.webpass_minimum:
            rules.append(f"toutes les exigences du minimum Webpass du profil {profile.value}")
        if isinstance(params, GroupementRules) and params.identity_share is not None:
            rules.append(
                f"une identité propre pour au moins {percent(params.identity_share)} "
                "des communes membres"
            )
        if not rules:
            return Step("Éligibilité", "Le dispositif ne fixe pas de condition sur le contenu.")
        listed = rules[0] if len(rules) == 1 else ", ".join(rules[:-1]) + f" et {rules[-1]}"
        return Step(
            "Éligibilité",
            f"Non vérifiée : seul un montant a été indiqué. Le dossier complet vérifiera {listed}.",
        )
    if checked.eligible:
        return Step(
            "Éligibilité",
            "Toutes les conditions sont remplies. "
            + " ".join(check.explanation for check in checked.checks),
        )
    return Step(
        "Éligibilité",
        f"Conditions non remplies : la subvention est de {eur(Decimal(0))} au lieu de "
        f"{eur(computed)}. " + " ".join(checked.reasons),
        Decimal(0),
    )
