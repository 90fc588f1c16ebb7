"""The Flask application of the local web wizard (``webpass serve``).

Server-rendered French pages that work without JavaScript, over the same library as the command
line. Safe by default: the session is signed with the workspace's own key, every form carries a
CSRF token, uploads are size-limited, and when the server listens on the loopback only requests
addressed to the loopback are served (a web page cannot reach it by rebinding a domain name).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from flask import Flask, current_app, render_template, request
from jinja2 import StrictUndefined
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.wrappers import Response as BaseResponse

from webpass.aid.explain import eur, eur_ht, percent
from webpass.catalog import Catalog, load_catalog, load_shipped_catalog
from webpass.core.errors import ValidationFailed, WebpassError
from webpass.core.frozen_record import frozen_record
from webpass.core.money import format_number
from webpass.documents.typography import date_fr
from webpass.web.security import CSRF_FIELD, check_csrf, csrf_token, workspace_secret
from webpass.web.workspace import Workspace

__all__ = ["LOOPBACK_HOSTS", "MAX_UPLOAD_BYTES", "WebContext", "create_app", "web_context"]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1"]

_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


@frozen_record
class WebContext:
    """What every view needs: the workspace, the catalogue, optional personal templates."""

    workspace: Workspace
    catalog: Catalog
    catalog_dir: Path | None
    templates_dir: Path | None


def web_context() -> WebContext:
    """The context of the running application."""
    context = current_app.extensions["webpass"]
    assert isinstance(context, WebContext)
    return context


def create_app(
    workspace: Path,
    catalog_dir: Path | None = None,
    templates_dir: Path | None = None,
    *,
    trusted_hosts: list[str] | None = LOOPBACK_HOSTS,
    max_upload: int = MAX_UPLOAD_BYTES,
) -> Flask:
    """The web wizard over the dossiers of ``workspace`` (created if missing).

    Args:
        workspace: the folder of dossiers; it also holds the secret key (mode 0600).
        catalog_dir: another catalogue than the shipped one.
        templates_dir: personal document templates, looked up before the shipped ones.
        trusted_hosts: the host names requests may be addressed to; None accepts any (for a
            server listening on the network).
        max_upload: the largest request body accepted, in bytes.
    """
    space = Workspace(workspace)
    catalog = load_catalog(catalog_dir) if catalog_dir else load_shipped_catalog()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=workspace_secret(space.root),
        MAX_CONTENT_LENGTH=max_upload,
        # Checked by _check_host: werkzeug's own list cannot match a bracketed IPv6 address.
        WEBPASS_HOSTS=frozenset(h.lower().strip("[]") for h in trusted_hosts)
        if trusted_hosts is not None
        else None,
        # Two servers on two workspaces must not overwrite each other's session cookie.
        SESSION_COOKIE_NAME="webpass-"
        + hashlib.sha256(str(space.root).encode("utf-8")).hexdigest()[:10],
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.jinja_env.undefined = StrictUndefined
    app.jinja_env.autoescape = True
    app.jinja_env.globals.update(csrf_token=csrf_token, csrf_field=CSRF_FIELD)
    app.jinja_env.filters.update(
        eur=_tolerant(eur),
        eur_ht=_tolerant(eur_ht),
        pourcent=_tolerant(percent),
        date_fr=_tolerant_date,
        nombre=_tolerant(_whole_number),
    )
    app.extensions["webpass"] = WebContext(space, catalog, catalog_dir, templates_dir)
    app.context_processor(_page_defaults)
    app.before_request(_check_host)
    app.before_request(check_csrf)
    app.after_request(_security_headers)

    from webpass.web.views import blueprint

    app.register_blueprint(blueprint)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(WebpassError, _webpass_error)
    return app


def _check_host() -> None:
    """Refuse a request addressed to a host name that is not this server's (DNS rebinding)."""
    allowed = current_app.config.get("WEBPASS_HOSTS")
    if allowed is None:
        return
    if host_name(request.host) not in allowed:
        raise SecurityError()


def host_name(header: str) -> str:
    """The host of a ``Host`` header, without its port: ``[::1]:8000`` → ``::1``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


def _whole_number(value: Decimal) -> str:
    return format_number(value, 0)


_MISSING = "—"


def _tolerant(show: Callable[[Decimal], str]) -> Callable[[object], str]:
    """A display filter that takes what a page can hand it: Decimal, int, numeric text or None.

    A page must never answer 500 because a total is the int 0 (``Decimal('0.00') or 0``), a
    value is missing or a bidder typed text where a number was expected: it shows « — » or the
    text as given instead.
    """

    @functools.wraps(show)
    def tolerant(value: object) -> str:
        number = _as_decimal(value)
        if number is None:
            return _MISSING if value is None or value == "" else str(value)
        return show(number)

    return tolerant


def _as_decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int | float | str):
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            return None
        return number if number.is_finite() and abs(number) < Decimal(10) ** 15 else None
    return None


def _tolerant_date(value: object) -> str:
    if isinstance(value, dt.date):
        return date_fr(value)
    return _MISSING if value in (None, "") else str(value)


def _page_defaults() -> dict[str, object]:
    # Every page extends base.html; these are the values of a page outside a dossier's steps.
    from webpass.web.steps import STEPS

    return {"form": None, "etape": None, "slug": None, "complet": False, "etapes": STEPS}


def _security_headers(response: BaseResponse) -> BaseResponse:
    response.headers.setdefault("Content-Security-Policy", _CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


_HTTP_PAGES = {
    400: (
        "Demande refusée",
        "La demande n'a pas pu être traitée. Revenez à la page précédente et recommencez.",
    ),
    404: (
        "Page introuvable",
        "Cette page ou ce dossier n'existe pas. Les dossiers de votre espace de travail sont "
        "listés sur la page d'accueil.",
    ),
    405: ("Action impossible", "Cette page ne s'utilise pas ainsi : revenez à l'accueil."),
    413: (
        "Fichier trop volumineux",
        "Le fichier envoyé dépasse {limit} : une grille de réponse remplie pèse bien moins. "
        "Vérifiez que vous avez choisi le bon fichier.",
    ),
    500: (
        "Erreur interne",
        "Ce n'est pas votre faute : une erreur inattendue s'est produite. Vos dossiers "
        "enregistrés ne sont pas touchés. Signalez-la à l'équipe webpass.",
    ),
}


def _http_error(error: HTTPException) -> tuple[str, int, dict[str, str]] | tuple[str, int]:
    code = error.code or 500
    if isinstance(error, SecurityError):
        # A request addressed to another host name: no page of ours, not even an error page.
        text = "Demande refusée : l'assistant webpass ne répond qu'à l'adresse 127.0.0.1.\n"
        return text, 400, {"Content-Type": "text/plain; charset=utf-8"}
    title, message = _HTTP_PAGES.get(code, (error.name, error.description or ""))
    if code == 400 and error.description == "csrf":
        title = "Formulaire expiré"
        message = (
            "Ce formulaire n'est plus valable (le serveur a peut-être été redémarré, ou la page "
            "vient d'un autre site). Rechargez la page et envoyez-le de nouveau : vos réponses "
            "déjà enregistrées sont conservées."
        )
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or MAX_UPLOAD_BYTES
    message = message.replace("{limit}", f"{limit // (1024 * 1024)} Mo")
    # After a refused form, the way back is the same page, shown afresh.
    back = request.path if request.method == "POST" and code in (400, 413) else None
    page = render_template("erreur.html", titre=title, messages=[message], code=code, retour=back)
    return page, code


def _webpass_error(error: WebpassError) -> tuple[str, int]:
    if isinstance(error, ValidationFailed):
        messages = [error.summary, *(p.format() for p in error.problems)]
    else:
        messages = error.message.splitlines()
    page = render_template(
        "erreur.html", titre="Dossier à corriger", messages=messages, code=422, retour=None
    )
    return page, 422
