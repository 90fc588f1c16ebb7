"""The one rule for options (prestations supplémentaires éventuelles, PSE), stated once.

Every bidder prices and proposes every PSE (a « PSE obligatoire » in French practice): an offer
that leaves one out is irregular whatever the buyer retains, so the choice of the PSE, made on the
regular offers, can never eliminate an offer the base solution would have kept.

The CCTP, the règlement de la consultation, the acte d'engagement and the RAO must say the
same thing about which options are compared and bought, with the same words: they all print
:attr:`PseRule.sentence`. The buyer states its choice in the ``criteres.pse`` block of
``webpass.yaml``:

- ``decision: avant_analyse`` with ``retenues: [F03, F06]``: the PSE retained are fixed before
  the offers are opened;
- ``decision: apres_analyse`` (the default) with an optional ``priorite`` order: after the
  analysis, the PSE are retained one by one in that order (the CCTP's order by default) as long
  as the cheapest regular offer, retained PSE included, stays within the budget fixed in the
  dossier (``projet.budget``); without a budget every PSE is retained. The same combination
  applies to every offer, so the choice cannot favour one bidder.

Price and technical value are then compared on the base solution plus the retained PSE only,
and the contract is concluded for that combination.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, Strict

from webpass.core.empty import empty_list
from webpass.core.frozen_record import frozen_record
from webpass.core.money import format_eur
from webpass.core.strict_model import StrictModel

if TYPE_CHECKING:
    from webpass.selection.engine import Selection

__all__ = [
    "PSE_LIMIT_NOT_CREDITS",
    "PseDecision",
    "PseMode",
    "PseRule",
    "pse_rule",
    "pse_rule_sentence",
    "retained_for_one_offer",
    "retained_options",
]

_ITEM = r"^[A-Z]\d{2}$"


class PseMode(StrEnum):
    """When the buyer decides which options it retains."""

    BEFORE_ANALYSIS = "avant_analyse"
    AFTER_ANALYSIS = "apres_analyse"


class PseDecision(StrictModel):
    """The ``criteres.pse`` block: which options the buyer retains, or how it will decide."""

    mode: Annotated[PseMode, Strict(False)] = Field(
        PseMode.AFTER_ANALYSIS,
        alias="decision",
        description="avant_analyse (PSE retenues fixées dans le dossier) ou apres_analyse "
        "(retenues dans l'ordre de priorité, dans la limite du budget).",
    )
    retained: list[Annotated[str, Field(pattern=_ITEM)]] = Field(
        default_factory=empty_list,
        alias="retenues",
        max_length=100,
        description="Avec decision: avant_analyse, les PSE retenues (identifiants d'exigence).",
    )
    priority: list[Annotated[str, Field(pattern=_ITEM)]] = Field(
        default_factory=empty_list,
        alias="priorite",
        max_length=100,
        description="Avec decision: apres_analyse, l'ordre dans lequel les PSE sont retenues "
        "(par défaut, l'ordre du CCTP).",
    )


@frozen_record
class PseRule:
    """The options of a dossier and the rule that says which of them are compared and bought.

    Attributes:
        options: the PSE of the CCTP, as (item id, title), in document order.
        mode: when the buyer decides.
        retained: with ``avant_analyse``, the PSE retained.
        priority: with ``apres_analyse``, the order in which PSE are retained.
        budget: the dossier's budget (€ HT), the limit of an ``apres_analyse`` decision.
    """

    options: tuple[tuple[str, str], ...]
    mode: PseMode
    retained: tuple[str, ...]
    priority: tuple[str, ...]
    budget: Decimal | None

    @property
    def ids(self) -> tuple[str, ...]:
        """The identifiers of the PSE, in document order."""
        return tuple(item_id for item_id, _ in self.options)

    @property
    def sentence(self) -> str:
        """The rule, word for word the same in the CCTP, the RC, the acte d'engagement and the RAO."""
        if not self.options:
            return (
                "Le marché ne comporte aucune prestation supplémentaire éventuelle (PSE) : les offres "
                "sont comparées sur leur montant total."
            )
        head = (
            "Le candidat chiffre et décrit chacune des prestations supplémentaires éventuelles (PSE) "
            f"du CCTP ({_ids(self.ids)}) : la réponse à chaque PSE est exigée, et une offre qui ne "
            "propose pas entièrement l'une d'elles, ou qui n'en donne pas le prix, est irrégulière, "
            "que l'acheteur retienne cette PSE ou non. "
        )
        if self.mode is PseMode.BEFORE_ANALYSIS:
            choice = (
                f"L'acheteur retient {'la PSE ' if len(self.retained) == 1 else 'les PSE '}"
                f"{_ids(self.retained)}. "
                if self.retained
                else "L'acheteur ne retient aucune PSE. "
            )
        elif self.budget is None:
            # Without a budget the rule retains them all: say so rather than hint at a figure.
            choice = (
                f"L'acheteur retient {'la PSE ' if len(self.ids) == 1 else 'toutes les PSE '}"
                f"{_ids(self.priority)} pour toutes les offres. "
            )
        else:
            # The budget is published: a bidder can check the decision, as the RC announces it.
            choice = (
                "L'acheteur décide après l'analyse des offres quelles PSE il retient : dans l'ordre "
                f"{_ids(self.priority)}, il retient chaque PSE tant que l'offre régulière la moins chère "
                "ne dépasse pas, les PSE ainsi retenues comprises, le "
                f"montant de {format_eur(self.budget)} fixé avant la remise des offres ; la même "
                "combinaison de PSE vaut pour toutes les offres. " + PSE_LIMIT_NOT_CREDITS
            )
        return (
            head
            + choice
            + "Le prix et la valeur technique des offres sont comparés sur la solution de base augmentée "
            "des seules PSE retenues, et le marché est conclu pour cette combinaison."
        )


# Words borrowed from L2152-3 would make the figure the allocated credits, and every offer above
# it « inacceptable » (to be eliminated without negotiation, R2152-1): it only orders the PSE.
PSE_LIMIT_NOT_CREDITS = (
    "Ce montant sert au seul choix des PSE et ne constitue pas les crédits budgétaires alloués au "
    "sens de l'article L2152-3 du Code de la commande publique. "
)


def _ids(ids: Sequence[str]) -> str:
    if len(ids) <= 1:
        return "".join(ids)
    return ", ".join(ids[:-1]) + " et " + ids[-1]


def pse_rule(selection: Selection) -> PseRule:
    """The PSE rule of a dossier (its ``criteres.pse`` block, or the default decision)."""
    options = tuple((s.item.id, s.item.title) for s in selection.items if s.is_pse)
    award = selection.answers.award
    decision = award.pse if award is not None else PseDecision()
    ids = [item_id for item_id, _ in options]
    priority = tuple(i for i in decision.priority if i in ids)
    priority += tuple(i for i in ids if i not in priority)
    retained = tuple(i for i in ids if i in decision.retained)
    return PseRule(
        options=options,
        mode=decision.mode,
        retained=retained,
        priority=priority,
        budget=selection.answers.project.budget,
    )


def pse_rule_sentence(selection: Selection) -> str:
    """:attr:`PseRule.sentence` of a dossier: call this wherever a piece states the PSE rule."""
    return pse_rule(selection).sentence


def retained_options(
    rule: PseRule, offers: Sequence[tuple[Decimal, Mapping[str, Decimal]]]
) -> tuple[str, ...]:
    """The PSE retained, given each regular offer as (base amount, amount of each PSE).

    With ``avant_analyse``, those the dossier names. With ``apres_analyse``, the longest run of
    the priority order for which the cheapest offer stays within the budget, those PSE included
    (the whole order without a budget, none without an offer). A regular offer prices every PSE;
    an offer given without one is left out of that PSE's test.
    """
    if rule.mode is PseMode.BEFORE_ANALYSIS:
        return rule.retained
    if not offers:
        return ()
    if rule.budget is None:
        return rule.priority
    kept: list[str] = []
    for item_id in rule.priority:
        trial = [*kept, item_id]
        totals = [
            base + sum((amounts[i] for i in trial), Decimal(0))
            for base, amounts in offers
            if all(i in amounts for i in trial)
        ]
        if not totals or min(totals) > rule.budget:
            break
        kept = trial
    return tuple(kept)


def retained_for_one_offer(
    selection: Selection, amounts: Mapping[str, Decimal], proposed: Sequence[str]
) -> tuple[str, ...]:
    """The PSE the dossier's rule retains with one offer as the only regular one: its
    ``amounts`` by row, the PSE it ``proposed`` (answered « Conforme »). The same rule as the
    comparison's; decided after the analysis, the RAO's choice, made on every regular offer,
    may differ."""
    rule = pse_rule(selection)
    base = sum(
        (amount for item_id, amount in amounts.items() if item_id not in rule.ids), Decimal(0)
    )
    offered = {
        item_id: amounts.get(item_id, Decimal(0)) for item_id in rule.ids if item_id in proposed
    }
    return retained_options(rule, [(base, offered)])
