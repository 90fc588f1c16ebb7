"""Whether a project may receive the Webpass subsidy, each rule explained in French.

Three rules, with thresholds from the regime in force: the selection holds at least the minimum
number of téléservices; every Webpass-minimum item of the profile is selected; for a groupement,
enough member communes get their own identity (domain name and graphic charter). The input is a
plain dataclass so the dossier code can build it from a selection and its answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum

from webpass.aid.explain import percent
from webpass.aid.rules import AidScheme, GroupementRules, SubsidyProfile
from webpass.core.errors import InputError
from webpass.core.frozen_record import frozen_record
from webpass.documents.typography import plural

__all__ = ["EligibilityCheck", "EligibilityInput", "EligibilityResult", "Rule", "check_eligibility"]


class Rule(StrEnum):
    """The eligibility rules, as named in JSON output."""

    TELESERVICES = "teleservices"
    WEBPASS_MINIMUM = "minimum_webpass"
    OWN_IDENTITY = "identite_propre"


@frozen_record
class EligibilityInput:
    """What eligibility is judged on; the dossier code fills it from the selection.

    Attributes:
        profile: commune or groupement.
        teleservice_ids: ids of the selected items that put a téléservice online.
        missing_minimum_ids: ids of the Webpass-minimum items of the profile that are not selected.
        member_communes: for a groupement, how many member communes it has.
        communes_with_identity: for a groupement, how many of them get their own identity.
    """

    profile: SubsidyProfile
    teleservice_ids: tuple[str, ...] = ()
    missing_minimum_ids: tuple[str, ...] = ()
    member_communes: int = 0
    communes_with_identity: int = 0

    def __post_init__(self) -> None:
        try:
            profile = SubsidyProfile(self.profile)
        except ValueError as exc:
            raise InputError(
                f"profil « {self.profile} » inconnu : indiquez commune ou groupement."
            ) from exc
        object.__setattr__(self, "profile", profile)
        # Lists are accepted for convenience; a tuple keeps the dataclass hashable and frozen.
        object.__setattr__(self, "teleservice_ids", _unique(self.teleservice_ids))
        object.__setattr__(self, "missing_minimum_ids", _unique(self.missing_minimum_ids))
        if profile is SubsidyProfile.GROUPEMENT:
            if self.member_communes < 2:
                raise InputError(
                    f"groupement : {self.member_communes} commune(s) membre(s) indiquée(s) ; un "
                    "groupement en compte au moins deux : indiquez leur nombre."
                )
            if not 0 <= self.communes_with_identity <= self.member_communes:
                raise InputError(
                    f"groupement : {self.communes_with_identity} communes avec identité propre "
                    f"pour {self.member_communes} communes membres ; le nombre doit être compris "
                    f"entre 0 et {self.member_communes}."
                )


@frozen_record
class EligibilityCheck:
    """One rule and how the project fares against it."""

    rule: Rule
    title: str
    passed: bool
    explanation: str

    def as_json(self) -> dict[str, object]:
        """The check with French keys."""
        return {
            "regle": self.rule.value,
            "intitule": self.title,
            "respectee": self.passed,
            "explication": self.explanation,
        }


@frozen_record
class EligibilityResult:
    """The outcome of :func:`check_eligibility`."""

    profile: SubsidyProfile
    checks: tuple[EligibilityCheck, ...] = field(default_factory=tuple)

    @property
    def eligible(self) -> bool:
        """True when every rule holds."""
        return all(check.passed for check in self.checks)

    @property
    def reasons(self) -> list[str]:
        """Why the project is not eligible: the explanation of each failed rule."""
        return [check.explanation for check in self.checks if not check.passed]

    def as_json(self) -> dict[str, object]:
        """The result with French keys."""
        return {
            "eligible": self.eligible,
            "motifs": self.reasons,
            "regles": [check.as_json() for check in self.checks],
        }


def check_eligibility(data: EligibilityInput, scheme: AidScheme) -> EligibilityResult:
    """Judge ``data`` against the rules ``scheme`` sets; every rule is reported."""
    rules = scheme.for_profile(data.profile)
    checks = []
    if rules.min_teleservices:
        checks.append(_teleservices(data.teleservice_ids, rules.min_teleservices))
    if scheme.webpass_minimum:
        checks.append(_minimum(data.missing_minimum_ids, data.profile))
    if isinstance(rules, GroupementRules) and rules.identity_share is not None:
        checks.append(_identity(data, rules.identity_share))
    return EligibilityResult(data.profile, tuple(checks))


def _teleservices(ids: tuple[str, ...], minimum: int) -> EligibilityCheck:
    title = f"Au moins {plural(minimum, 'téléservice')}"
    count = len(ids)
    listed = f" ({', '.join(ids)})" if ids else ""
    if count >= minimum:
        return EligibilityCheck(
            Rule.TELESERVICES,
            title,
            True,
            f"La sélection compte {plural(count, 'téléservice')}{listed} : "
            f"le dispositif en demande au moins {minimum}.",
        )
    found = "aucun téléservice" if count == 0 else f"que {plural(count, 'téléservice')}{listed}"
    return EligibilityCheck(
        Rule.TELESERVICES,
        title,
        False,
        f"La sélection ne compte {found} ; le dispositif en demande au moins {minimum} : "
        f"ajoutez-en {minimum - count} (démarches en ligne, paiement, réservation, inscription…).",
    )


def _minimum(missing: tuple[str, ...], profile: SubsidyProfile) -> EligibilityCheck:
    title = f"Minimum Webpass du profil {profile.value}"
    if not missing:
        return EligibilityCheck(
            Rule.WEBPASS_MINIMUM,
            title,
            True,
            f"Toutes les exigences du minimum Webpass du profil {profile.value} sont retenues.",
        )
    count = len(missing)
    return EligibilityCheck(
        Rule.WEBPASS_MINIMUM,
        title,
        False,
        f"Il manque {plural(count, 'exigence')} du minimum Webpass du profil {profile.value} : "
        f"{', '.join(missing)} ; ajoutez-{'les' if count > 1 else 'la'} à la sélection, "
        "c'est la condition d'accès au dispositif.",
    )


def _identity(data: EligibilityInput, share: Decimal) -> EligibilityCheck:
    members = data.member_communes
    owning = data.communes_with_identity
    required = int((share * members).to_integral_value(rounding=ROUND_CEILING))
    title = f"Identité propre pour au moins {percent(share)} des communes membres"
    actual = percent((Decimal(owning) / members).quantize(Decimal("0.0001"), ROUND_HALF_UP))
    what = "(nom de domaine et charte graphique)"
    if owning >= required:
        subject = (
            f"{owning} commune membre sur {members} aura son identité propre"
            if owning == 1
            else f"{owning} communes membres sur {members} auront leur identité propre"
        )
        return EligibilityCheck(
            Rule.OWN_IDENTITY,
            title,
            True,
            f"{subject} {what}, soit {actual} : il en faut au moins {percent(share)}, "
            f"soit {required}.",
        )
    if owning == 0:
        subject = f"Aucune des {members} communes membres n'aura son identité propre"
    elif owning == 1:
        subject = f"Une seule commune membre sur {members} aura son identité propre"
    else:
        subject = f"Seules {owning} communes membres sur {members} auront leur identité propre"
    return EligibilityCheck(
        Rule.OWN_IDENTITY,
        title,
        False,
        f"{subject} {what}, soit {actual} ; il en faut au moins {percent(share)}, "
        f"soit {plural(required, 'commune')} : prévoyez-en {required - owning} de plus, avec "
        "leur nom de domaine, leur charte graphique et les moyens de gérer leur site.",
    )


def _unique(ids: Iterable[str]) -> tuple[str, ...]:
    if isinstance(ids, str):
        raise InputError("une liste d'identifiants est attendue, pas un texte seul.")
    return tuple(dict.fromkeys(ids))
