"""HTML → PDF with WeasyPrint, fetching nothing but the assets it was given.

WeasyPrint follows every URL a document names (images, stylesheets, ``@import``, fonts, SVG
references, ``<link rel=attachment>``): with untrusted clause text or user templates, that is a
way to read local files or reach internal addresses. :class:`AssetsOnlyFetcher` refuses anything
but ``data:`` URLs and files inside the allowed folders, and the same instance serves the HTML,
every stylesheet and every attachment. A refused URL stops the rendering with a French error
naming it: a document with a silently missing part is worse than no document.

This module imports WeasyPrint at import time; import it only where a PDF is produced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from webpass.core.errors import InputError
from webpass.render.attachment import Attachment as FileAttachment
from webpass.untrusted.named_resources import named_in_css, named_in_html

__all__ = ["AssetsOnlyFetcher", "PdfRefused", "html_to_pdf", "html_to_pdf_pages"]

MAX_ASSET_BYTES = 5_000_000


class PdfRefused(InputError):
    """The document tried to load something it may not, or could not be rendered."""


class AssetsOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Serves ``data:`` URLs and regular files under ``roots``; refuses everything else."""

    def __init__(self, roots: Sequence[Path], max_bytes: int = MAX_ASSET_BYTES) -> None:
        super().__init__(
            allowed_protocols=("file", "data"),
            allow_redirects=False,
            timeout=5,
            fail_on_errors=True,
        )
        self.roots = [Path(root).resolve() for root in roots]
        self.max_bytes = max_bytes
        self.refused: list[str] = []

    def permits(self, url: str) -> bool:
        """Whether ``url`` names what this fetcher may serve: ``data:`` or a path under a root."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return True
        if scheme != "file":
            return False
        path = Path(unquote(parts.path)).resolve()
        return any(path.is_relative_to(root) for root in self.roots)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if self.permits(url):
            if urlsplit(url).scheme.lower() == "data":
                return super().fetch(url, headers)
            path = Path(unquote(urlsplit(url).path)).resolve()
            if path.is_file() and path.stat().st_size <= self.max_bytes:
                return URLFetcherResponse(url, body=path.read_bytes(), headers=_content_type(path))
        self.refused.append(url)
        raise FatalURLFetchingError(f"ressource refusée : {url}")


def _content_type(path: Path) -> dict[str, str]:
    types = {
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".ttf": "font/ttf",
        ".otf": "font/otf",
        ".woff": "font/woff",
        ".woff2": "font/woff2",
    }
    return {"Content-Type": types.get(path.suffix.lower(), "application/octet-stream")}


@dataclass
class _Shared:
    # One FontConfiguration per process: building it costs a large part of the first document.
    fonts: FontConfiguration = field(default_factory=FontConfiguration)
    cache: dict[str, Any] = field(default_factory=dict)


_shared: _Shared | None = None


def _state() -> _Shared:
    global _shared
    if _shared is None:
        _shared = _Shared()
    return _shared


def html_to_pdf(
    html: str,
    *,
    assets: Sequence[Path],
    stylesheets: Sequence[tuple[str, Path]] = (),
    attachments: Sequence[FileAttachment] = (),
    created: dt.datetime | None = None,
) -> bytes:
    """Render ``html`` to PDF/UA-1 bytes; see :func:`html_to_pdf_pages`."""
    return html_to_pdf_pages(
        html, assets=assets, stylesheets=stylesheets, attachments=attachments, created=created
    )[0]


def html_to_pdf_pages(
    html: str,
    *,
    assets: Sequence[Path],
    stylesheets: Sequence[tuple[str, Path]] = (),
    attachments: Sequence[FileAttachment] = (),
    created: dt.datetime | None = None,
) -> tuple[bytes, int]:
    """Render ``html`` to PDF/UA-1 bytes and its page count, loading only files under ``assets``.

    Args:
        html: the complete HTML document (with ``<html lang>`` and ``<title>``).
        assets: the folders whose files the document may use (CSS, fonts, images).
        stylesheets: extra CSS texts, each with the folder its relative URLs resolve against,
            fetched through the same guard.
        attachments: files embedded in the PDF.
        created: the date stamped in the PDF; defaults to a fixed date so output is reproducible.

    Raises:
        PdfRefused: the document referenced a URL outside the allowed assets.
    """
    state = _state()
    fetcher = AssetsOnlyFetcher(assets)
    base = assets[0].resolve().as_uri() + "/" if assets else None
    # What the document plainly names and the fetcher would refuse is refused before the
    # render, not seconds later when WeasyPrint reaches it; the fetcher remains the check.
    fetcher.refused += _named_and_refused(html, base, stylesheets, fetcher)
    if fetcher.refused:
        raise _refusal(fetcher)
    document = HTML(string=html, base_url=base, url_fetcher=fetcher, encoding="utf-8")
    files = [
        Attachment(
            string=item.data,
            name=item.name,
            description=item.description or item.name,
            url_fetcher=fetcher,
            created=created,
            modified=created,
        )
        for item in attachments
    ]

    try:
        css = [
            CSS(
                string=text,
                base_url=folder.resolve().as_uri() + "/",
                url_fetcher=fetcher,
                font_config=state.fonts,
            )
            for text, folder in stylesheets
        ]
        options = {
            "attachments": files,
            "pdf_variant": "pdf/ua-1",
            "pdf_tags": True,
            "pdf_identifier": False,
            "custom_metadata": True,
            "cache": state.cache,
        }
        # Laid out once: the page count comes from the layout, not from re-reading the PDF.
        laid_out = document.render(font_config=state.fonts, stylesheets=css, **options)
        pdf = bytes(laid_out.write_pdf(**options))
    except FatalURLFetchingError as exc:
        if not fetcher.refused:
            fetcher.refused.append(str(exc))
        raise _refusal(fetcher) from exc
    # Some of WeasyPrint's loaders (SVG images among them) log a refused fetch and go on:
    # a document with a silently missing part is not published either.
    if fetcher.refused:
        raise _refusal(fetcher)
    return pdf, len(laid_out.pages)


def _named_and_refused(
    html: str, base: str | None, stylesheets: Sequence[tuple[str, Path]], fetcher: AssetsOnlyFetcher
) -> list[str]:
    """The URLs the document and its stylesheets plainly name that ``fetcher`` would refuse."""
    named = named_in_html(html, base)
    for text, folder in stylesheets:
        named += named_in_css(text, folder.resolve().as_uri() + "/")
    return [url for url in named if not fetcher.permits(url)]


def _refusal(fetcher: AssetsOnlyFetcher) -> PdfRefused:
    listed = ", ".join(dict.fromkeys(fetcher.refused))
    return PdfRefused(
        f"le document fait appel à une ressource interdite ({listed}) : seuls les fichiers "
        "du dossier des modèles et les images intégrées (data:) sont autorisés."
    )
