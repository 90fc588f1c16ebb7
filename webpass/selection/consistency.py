"""Contradictions inside the catalogue and inside a dossier, each named with its items and fix.

Two families of rules:

- catalogue rules (``webpass catalogue valider``) hold for every dossier: a mandatory item may not
  require an optional one, a shared field has one definition, a unit price has its BPU line, a
  legal obligation cites its text and is never dropped for a small project, a reference is
  written once;
- dossier rules (``webpass selection``, ``webpass generer``) hold for the requirements one
  collectivity publishes: a value entered once, a mandatory requirement that does not rest on a
  PSE the buyer may never order, enough firm téléservices, an environmental condition.

Each rule is a small function returning :class:`Finding` objects; a finding says what
contradicts what and how to fix it, in French.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from webpass.catalog.loaded import Catalog
from webpass.catalog.model import CostPeriod, Item, Parameter, Strength
from webpass.core.errors import InputError
from webpass.core.frozen_record import frozen_record
from webpass.selection.engine import Demand, Selection

__all__ = [
    "CATALOG_RULES",
    "DOSSIER_RULES",
    "ENVIRONMENT_NORM",
    "Finding",
    "catalog_findings",
    "dossier_findings",
    "ensure_consistent",
]

# The norm whose citation marks an environmental condition of execution (loi Climat, art. 35).
ENVIRONMENT_NORM = "LOI-2021-1104"
_UNIT_PRICE = re.compile(r"\bprix unitaire\b", re.IGNORECASE)
_ARTICLE = re.compile(r"\b(?:L|R|D)?\d+(?:-\d+)*\b")


@frozen_record
class Finding:
    """A contradiction: the rule, the items involved, what is wrong and how to fix it."""

    rule: str
    items: tuple[str, ...]
    message: str
    fix: str

    def text(self) -> str:
        """One line for a terminal or an error message."""
        return f"[{self.rule}] {', '.join(self.items)} : {self.message} Correction : {self.fix}"

    def as_json(self) -> dict[str, object]:
        """The finding for ``--json`` outputs."""
        return {
            "regle": self.rule,
            "exigences": list(self.items),
            "constat": self.message,
            "correction": self.fix,
        }


# --- catalogue rules -------------------------------------------------------------------------

_MANDATORY = (Strength.LEGAL, Strength.WEBPASS_MINIMUM, Strength.RECOMMENDED)


def _mandatory_requires_optional(catalog: Catalog) -> Iterator[Finding]:
    for item in catalog.items:
        if item.strength not in _MANDATORY or item.conditions:
            continue
        for needed in item.requires:
            if not catalog.has_item(needed):
                continue
            other = catalog.item(needed)
            if other.strength is Strength.OPTIONAL:
                yield Finding(
                    "obligatoire-requiert-option",
                    (item.id, needed),
                    f"{item.id} (« {item.title} ») est demandée dans tout dossier mais requiert "
                    f"{needed} (« {other.title} »), qui n'est qu'une option.",
                    f"retirez {needed} de « requiert » de {item.id}, ou faites de {needed} une "
                    f"exigence du même niveau que {item.id}.",
                )


def _parameter_signature(parameter: Parameter) -> tuple[object, ...]:
    choices = tuple(parameter.choices or ())
    return (
        parameter.kind,
        parameter.default,
        parameter.minimum,
        parameter.maximum,
        parameter.unit,
        choices,
    )


def _shared_parameter_divergent(catalog: Catalog) -> Iterator[Finding]:
    by_key: dict[str, list[tuple[Item, Parameter]]] = defaultdict(list)
    for item in catalog.items:
        for parameter in item.parameters:
            by_key[parameter.key].append((item, parameter))
    for key, uses in sorted(by_key.items()):
        signatures = {_parameter_signature(p) for _, p in uses}
        if len(signatures) > 1:
            ids = tuple(item.id for item, _ in uses)
            yield Finding(
                "champ-partage-divergent",
                ids,
                f"le champ « {key} » est déclaré par {', '.join(ids)} avec des définitions "
                "différentes (type, valeur par défaut, bornes ou unité) : la même valeur "
                "serait saisie plusieurs fois ou signifierait deux choses.",
                f"donnez à « {key} » la même définition partout, ou renommez-le dans les "
                "exigences où il désigne autre chose.",
            )


def _unit_price_without_bpu(catalog: Catalog) -> Iterator[Finding]:
    for item in catalog.items:
        texts = [
            item.clause,
            item.answer.question or "",
            *(v.clause or "" for v in item.proportion),
        ]
        if not any(_UNIT_PRICE.search(text) for text in texts):
            continue
        if item.cost is not None and item.cost.period is not CostPeriod.ONE_OFF:
            continue
        yield Finding(
            "prix-unitaire-sans-bpu",
            (item.id,),
            f"{item.id} (« {item.title} ») mentionne un prix unitaire, mais aucune ligne du "
            "bordereau des prix ne lui correspond : le candidat ne peut pas le chiffrer.",
            f"ajoutez à {item.id} un « cout » de périodicité unitaire ou annuelle (ligne du "
            "BPU), ou retirez la mention du prix unitaire.",
        )


def _legal_without_norm(catalog: Catalog) -> Iterator[Finding]:
    for item in catalog.items:
        if item.strength is Strength.LEGAL and not item.norms:
            yield Finding(
                "obligation-sans-texte",
                (item.id,),
                f"{item.id} (« {item.title} ») est une obligation légale mais ne cite aucun texte.",
                f"citez dans « normes » le texte qui oblige, ou changez l'exigence de {item.id} "
                "(minimum_webpass, recommande).",
            )


def _legal_reduced_by_size(catalog: Catalog) -> Iterator[Finding]:
    for item in catalog.items:
        if item.strength is not Strength.LEGAL:
            continue
        for variant in item.proportion:
            weaker = variant.left_out or (
                variant.strength is not None and variant.strength is not Strength.LEGAL
            )
            if weaker:
                yield Finding(
                    "obligation-allegee",
                    (item.id,),
                    f"{item.id} (« {item.title} ») est une obligation légale : une variante "
                    f"({variant.explanation[:60]}…) l'écarte ou l'affaiblit, ce que la taille du "
                    "projet ne permet pas.",
                    "gardez l'exigence dans la variante (allégez-en seulement les modalités), ou "
                    "corrigez sa qualification si aucun texte ne l'impose.",
                )


def _reference_repeated(catalog: Catalog) -> Iterator[Finding]:
    for item in catalog.items:
        for ref in item.norms:
            norm = catalog.norms.get(ref.ref)
            if norm is None or not norm.version or not ref.detail:
                continue
            in_version = set(_ARTICLE.findall(norm.version))
            repeated = sorted(a for a in set(_ARTICLE.findall(ref.detail)) if a in in_version)
            if repeated and re.search(r"\barticles?\b", norm.version, re.IGNORECASE):
                yield Finding(
                    "reference-repetee",
                    (item.id,),
                    f"{item.id} cite {norm.id} « {ref.detail} » alors que la version de la norme "
                    f"nomme déjà l'article {', '.join(repeated)} : la référence serait écrite deux "
                    "fois.",
                    f"retirez l'article de la « precision » de {item.id} ou de la « version » de "
                    f"{norm.id} dans normes.yaml.",
                )


def _variant_unreachable(catalog: Catalog) -> Iterator[Finding]:
    for item in catalog.items:
        seen: set[str] = set()
        for variant in item.proportion:
            if variant.conditions:
                continue
            hidden = [size for size in variant.sizes if size in seen]
            if hidden and len(hidden) == len(variant.sizes):
                yield Finding(
                    "variante-inatteignable",
                    (item.id,),
                    f"{item.id} a deux variantes sans condition pour la taille "
                    f"{', '.join(hidden)} : la seconde ne s'applique jamais.",
                    f"fusionnez les deux variantes de {item.id} ou distinguez-les par des conditions.",
                )
            seen.update(variant.sizes)


CATALOG_RULES: tuple[Callable[[Catalog], Iterable[Finding]], ...] = (
    _mandatory_requires_optional,
    _shared_parameter_divergent,
    _unit_price_without_bpu,
    _legal_without_norm,
    _legal_reduced_by_size,
    _reference_repeated,
    _variant_unreachable,
)


def catalog_findings(catalog: Catalog) -> list[Finding]:
    """Every contradiction of the catalogue itself, rule by rule."""
    return [finding for rule in CATALOG_RULES for finding in rule(catalog)]


# --- dossier rules ---------------------------------------------------------------------------


def _value_entered_twice(selection: Selection) -> Iterator[Finding]:
    given: dict[str, dict[str, object]] = defaultdict(dict)
    for item_id, values in selection.answers.values.items():
        for key, value in values.items():
            given[key][item_id] = value
    for key, by_item in sorted(given.items()):
        distinct = {repr(v) for v in by_item.values()}
        if len(distinct) > 1:
            shown = ", ".join(f"{i} : {v}" for i, v in sorted(by_item.items()))
            yield Finding(
                "valeur-saisie-deux-fois",
                tuple(sorted(by_item)),
                f"« {key} » a reçu des valeurs différentes ({shown}) ; le CCTP se contredirait.",
                f"ne saisissez « {key} » qu'une fois (sous {min(by_item)}), les autres exigences "
                "reprennent cette valeur.",
            )


def _mandatory_rests_on_option(selection: Selection) -> Iterator[Finding]:
    demands = {s.item.id: s.demand for s in selection.items}
    for selected in selection.items:
        if selected.demand is Demand.OPTION:
            continue
        for needed in selected.item.requires:
            if demands.get(needed) is Demand.OPTION:
                yield Finding(
                    "exigence-sur-option",
                    (selected.item.id, needed),
                    f"{selected.item.id} est exigée mais repose sur {needed}, qui n'est qu'une "
                    "prestation supplémentaire éventuelle : si l'acheteur ne la retient pas, "
                    f"{selected.item.id} ne peut pas être tenue.",
                    f"retenez {needed} en solution de base (options.fermes) ou retirez "
                    f"{selected.item.id}.",
                )


def _teleservices_short(selection: Selection) -> Iterator[Finding]:
    firm = [
        s.item.id for s in selection.items if s.item.teleservice and s.demand is Demand.REQUIRED
    ]
    optional = [
        s.item.id for s in selection.items if s.item.teleservice and s.demand is Demand.OPTION
    ]
    for selected in selection.items:
        needed = selected.item.teleservices_required
        if not needed or selected.demand is Demand.OPTION or len(firm) >= needed:
            continue
        missing = needed - len(firm)
        yield Finding(
            "teleservices-insuffisants",
            (selected.item.id, *optional),
            f"{selected.item.id} exige au moins {needed} téléservices, mais la solution de base "
            f"n'en compte que {len(firm)} ({', '.join(firm) or 'aucun'})"
            + (f" ; {', '.join(optional)} ne sont que des options (PSE)." if optional else "."),
            f"retenez en solution de base (options.fermes) au moins {missing} téléservice(s)"
            + (f" parmi {', '.join(optional)}" if optional else "")
            + f", ou retirez {selected.item.id} si le dossier ne vise pas l'aide Webpass.",
        )


def _no_environmental_condition(selection: Selection) -> Iterator[Finding]:
    catalog = selection.catalog
    candidates = [i.id for i in catalog.items if any(r.ref == ENVIRONMENT_NORM for r in i.norms)]
    if not candidates:
        # A catalogue without any environmental clause cannot propose a fix; nothing to say.
        return
    if any(ref.ref == ENVIRONMENT_NORM for s in selection.items for ref in s.item.norms):
        return
    yield Finding(
        "sans-condition-environnementale",
        tuple(candidates),
        "aucune exigence retenue ne fixe de condition d'exécution environnementale, que "
        "l'article L2112-2 du Code de la commande publique (loi Climat et résilience) impose.",
        f"gardez {' ou '.join(candidates)} dans le dossier, ou ajoutez une autre condition "
        "d'exécution environnementale.",
    )


DOSSIER_RULES: tuple[Callable[[Selection], Iterable[Finding]], ...] = (
    _value_entered_twice,
    _mandatory_rests_on_option,
    _teleservices_short,
    _no_environmental_condition,
)


def dossier_findings(selection: Selection) -> list[Finding]:
    """Every contradiction of the requirements this dossier would publish."""
    found = [
        Finding(
            "selection-contradictoire",
            tuple(re.findall(r"\b[A-Z]\d{2}\b", conflict)[:4]),
            conflict,
            "suivez l'indication du constat.",
        )
        for conflict in selection.conflicts
    ]
    return found + [finding for rule in DOSSIER_RULES for finding in rule(selection)]


def ensure_consistent(selection: Selection, force: bool = False) -> list[Finding]:
    """The dossier's findings; refuses (``InputError``) to go on with any unless ``force``."""
    findings = dossier_findings(selection)
    if findings and not force:
        raise InputError(
            f"le CCTP se contredirait ({len(findings)} contradiction(s)) ; corrigez le dossier "
            "ou relancez avec --forcer pour l'écrire tel quel :\n"
            + "\n".join(f"- {finding.text()}" for finding in findings)
        )
    return findings
