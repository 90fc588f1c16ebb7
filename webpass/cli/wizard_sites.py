"""The wizard's questions on a member commune's current site: what a bidder needs to price its
takeover (K02), asked of the communes that keep a site of their own."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from webpass.dossier import answer_parsers as parse

__all__ = ["ask_current_site"]

T = TypeVar("T")


class _Asker(Protocol):
    def ask(self, question: str, default: str | None, parse: Callable[[str], T]) -> T: ...


def _optional_url(raw: str) -> str | None:
    return None if raw in ("", "-") else parse.url(raw)


def ask_current_site(p: _Asker, name: str, previous: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``site_actuel`` block of ``name``, or None when the commune has no site yet."""
    url = p.ask(
        f"    Adresse du site actuel de {name}, que le titulaire reprend (- s'il n'en a pas)",
        previous.get("adresse") or "-",
        _optional_url,
    )
    if url is None:
        return None
    site: dict[str, Any] = {"adresse": url}
    site["nombre_pages"] = p.ask(
        "    Nombre approximatif de pages de ce site (comptez-les : webpass n'en propose aucun)",
        str(previous["nombre_pages"]) if previous.get("nombre_pages") else None,
        parse.integer(1, 100_000),
    )
    site["nombre_documents"] = p.ask(
        "    Nombre approximatif de documents téléchargeables à reprendre",
        str(previous.get("nombre_documents", 0)),
        parse.integer(0, 1_000_000),
    )
    for key, question in (
        ("outil", "Outil qui fait fonctionner ce site (facultatif)"),
        ("hebergeur", "Qui l'héberge aujourd'hui (facultatif)"),
        (
            "bureau_enregistrement",
            "Où son nom de domaine est enregistré, et au nom de qui (facultatif)",
        ),
    ):
        value = p.ask(f"    {question}", previous.get(key) or "-", parse.optional_text)
        if value:
            site[key] = value
    return site
