"""A site's domain name as a mairie types it, checked the way a registrar would (IDNA 2008 included).

A domain is printed in the CCTP (« publié sous le nom de domaine … »): « http://ma commune » must
never get there. Accents are allowed (``mairie-ploërmel.bzh`` is a valid internationalised name);
what is refused comes with the corrected spelling when one can be guessed.
"""

from __future__ import annotations

import re

import idna

__all__ = ["DomainError", "check_domain"]

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


class DomainError(ValueError):
    """Why a domain name is refused, and how to write it, in French."""


def check_domain(typed: str) -> str:
    """The domain name in lower case (Unicode form kept), or :class:`DomainError` with the fix."""
    text = typed.strip()
    if not text:
        raise DomainError("indiquez un nom de domaine, par exemple ma-commune.fr")
    guess = _guess(text)
    if _SCHEME.match(text) or "/" in text:
        raise DomainError(
            f"« {text} » est une adresse de page, pas un nom de domaine : écrivez le nom seul, "
            f"sans « http:// » ni « / »{_proposal(guess)}"
        )
    if any(c.isspace() for c in text):
        raise DomainError(
            "un nom de domaine ne contient pas d'espace : les mots se séparent par des tirets"
            f"{_proposal(guess)}"
        )
    if "@" in text:
        raise DomainError(
            f"« {text} » ressemble à une adresse électronique : donnez le nom de domaine seul, "
            f"sans ce qui précède « @ »{_proposal(guess)}"
        )
    domain = text.lower().rstrip(".")
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels):
        raise DomainError(
            f"« {text} » n'est pas un nom de domaine complet : il faut un nom et une extension, "
            "par exemple ma-commune.fr ou ma-commune.bzh"
        )
    try:
        ascii_name = idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError as error:
        raise DomainError(
            f"« {text} » n'est pas un nom de domaine valide : lettres (accents permis), chiffres "
            "et tirets seulement, sans tiret au début ni à la fin d'une partie"
        ) from error
    parts = ascii_name.split(".")
    if len(ascii_name) > 253 or not all(_LABEL.match(p) for p in parts):
        raise DomainError(
            f"« {text} » n'est pas un nom de domaine valide : chaque partie a de 1 à 63 "
            "caractères, lettres, chiffres et tirets"
        )
    if not _TLD.match(parts[-1]):
        raise DomainError(
            f"« .{labels[-1]} » n'est pas une extension de nom de domaine (des lettres seulement) : "
            "par exemple .fr, .bzh ou .com"
        )
    return domain


def _guess(text: str) -> str | None:
    """What the person most likely meant: the host of a URL, spaces as hyphens."""
    bare = _SCHEME.sub("", text.strip()).split("/", 1)[0].split("@")[-1]
    bare = re.sub(r"\s+", "-", bare.strip()).lower().strip("-.")
    if not bare:
        return None
    if "." not in bare:
        bare += ".fr"
    try:
        idna.encode(bare, uts46=True)
    except idna.IDNAError:
        return None
    return bare


def _proposal(guess: str | None) -> str:
    return f", par exemple « {guess} »" if guess else ""
