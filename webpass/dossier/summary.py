"""The money of a dossier in plain French: estimate, procedure and aid, as a mayor reads them.

The terminal wizard, ``webpass nouveau`` and ``webpass selection`` print these lines; the web
review shows the same objects. Every figure says where it comes from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from webpass.catalog.model import CostNature
from webpass.core.money import format_eur
from webpass.dossier.answer_parsers import reason_counts
from webpass.dossier.estimate import SOCLE_TRAINING, ComponentKind, CostComponent, Estimate
from webpass.dossier.procedure import Procedure

if TYPE_CHECKING:
    from webpass.dossier.opening import Dossier

__all__ = ["estimate_lines_fr", "money_lines", "procedure_lines_fr", "review_text"]


def _component(component: CostComponent, refs: list[str]) -> list[str]:
    sign = "" if component.kind is ComponentKind.SOCLE else "+ "
    period = " par an" if component.yearly else ""
    numbers: list[str] = []
    for source in component.sources:
        if source not in refs:
            refs.append(source)
        number = str(refs.index(source) + 1)
        if number not in numbers:
            numbers.append(number)
    cited = f" [{', '.join(numbers)}]" if numbers else ""
    lines = [f"  {sign}{component.label} : {component.amount.show()}{period}{cited}"]
    if component.detail:
        lines.append(f"      {component.detail}")
    return lines


def estimate_lines_fr(estimate: Estimate) -> list[str]:
    """The estimate: socle, each increment with its sources, totals and the observed band."""
    refs: list[str] = []
    lines = [
        "Estimation sincère (valeur centrale ; entre parenthèses, la fourchette basse à haute) :",
        "Création :",
    ]
    once = [c for c in estimate.components if not c.yearly]
    for component in once:
        if component.nature is CostNature.INVESTMENT:
            lines += _component(component, refs)
    lines.append(f"  = investissement : {estimate.investment.show()}")
    band = estimate.benchmark
    verdict = "dans" if estimate.in_benchmark else "HORS de"
    # The observed prices hold the initial training: the band is compared with the realisation
    # training included, not with the investment alone (review rev11b, § 3).
    # When the CCTP's trainings replace the socle's, the amount compared holds a training the
    # estimate no longer shows: say what it is (review rev12, N5).
    replaced = estimate.socle_training.central
    apart = (
        ""
        if any(c.label == SOCLE_TRAINING for c in estimate.components) or not replaced
        else (
            f" : l'investissement, plus {format_eur(replaced)} de formation initiale du socle, "
            "que les prix observés comprennent ; les formations chiffrées à part à la place de "
            "celle-ci n'y sont pas"
        )
    )
    lines.append(
        f"  Repère constaté pour ce niveau : de {format_eur(band.minimum)} à "
        f"{format_eur(band.maximum)} pour la création (prix observés, formation initiale "
        "comprise) ; l'estimation centrale de l'investissement et de la formation initiale du "
        f"socle ({format_eur(estimate.benchmarked.central)}{apart}) est {verdict} ce repère."
    )
    # Training and the like are paid once but are no investment: listed apart, so that the
    # lines above add up to the investment an aid counts.
    operating = [c for c in once if c.nature is not CostNature.INVESTMENT]
    if operating:
        lines.append("Dépenses ponctuelles de fonctionnement :")
    for component in operating:
        lines += _component(component, refs)
    if estimate.operating_one_off.high:
        lines.append(f"  = fonctionnement ponctuel : {estimate.operating_one_off.show()}")
    lines.append("Chaque année (hébergement, maintenance, abonnements) :")
    for component in (c for c in estimate.components if c.yearly):
        lines += _component(component, refs)
    lines.append(f"  = par an : {estimate.yearly.show()}")
    if estimate.benchmark_yearly is not None:
        lines.append(
            f"  Repère constaté : de {format_eur(estimate.benchmark_yearly.minimum)} à "
            f"{format_eur(estimate.benchmark_yearly.maximum)} par an."
        )
    lines.append(
        "Total du marché, reconductions comprises (coûts annuels sur "
        f"{estimate.yearly_words}) : {estimate.total.show()}"
    )
    lines.append("Sources de l'estimation :")
    lines += [f"  [{number}] {source}" for number, source in enumerate(refs, start=1)]
    return lines


def procedure_lines_fr(procedure: Procedure) -> list[str]:
    """The procedure, its reasoning, the warnings and the budget comparison."""
    lines = [f"Procédure : {procedure.name}."]
    lines += [f"  - {step}" for step in procedure.reasoning]
    lines.append(f"  {procedure.explanation}")
    lines += [f"  ! {warning}" for warning in procedure.warnings]
    if procedure.budget is not None:
        lines.append(f"  {procedure.budget.sentence}")
    else:
        lines.append(
            "  Aucun budget déclaré : répondez à la question « Budget envisagé » pour le comparer "
            "à l'estimation."
        )
    return lines


def money_lines(dossier: Dossier) -> list[str]:
    """Estimate, procedure and aid of a dossier, in French."""
    return [
        *estimate_lines_fr(dossier.estimate),
        *procedure_lines_fr(dossier.procedure),
        *dossier.aid.lines(),
    ]


def review_text(dossier: Dossier) -> str:
    """A French summary of a dossier: clauses, estimate, procedure, aid, what is left to do."""
    selection = dossier.selection
    lines = [
        f"{len(selection.items)} clauses : " + ", ".join(reason_counts(selection)),
        *money_lines(dossier),
    ]
    if selection.missing_values:
        lines.append(
            f"{len(selection.missing_values)} champ(s) restent à compléter : "
            + ", ".join(f"{i} ({label})" for i, label in selection.missing_values[:6])
        )
    if selection.conflicts:
        lines.append("Conflits à résoudre :")
        lines += [f"  - {c}" for c in selection.conflicts]
    return "\n".join(lines)
