"""Running the web wizard on this computer: a small threaded WSGI server, quiet and local."""

from __future__ import annotations

import errno
import logging
import socket
import threading
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server, select_address_family

from webpass.core.errors import UsageError
from webpass.web.app import LOOPBACK_HOSTS, create_app

__all__ = ["browser_address", "is_loopback", "make_app_server", "serve_in_thread"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this computer."""
    return host == "localhost" or host.startswith("127.") or host in ("::1", "[::1]")


def browser_address(host: str, port: int) -> str:
    """The address to open in a browser for a server listening on ``host``."""
    host = host.strip().strip("[]")
    if host == "::" and not socket.has_dualstack_ipv6():
        return f"http://[::1]:{port}/"  # IPv6 only: its loopback
    if host in ("0.0.0.0", "::"):  # noqa: S104 - compared, not bound
        return f"http://127.0.0.1:{port}/"  # every interface, hence the loopback too
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def make_app_server(
    host: str,
    port: int,
    workspace: Path,
    catalog_dir: Path | None = None,
    templates_dir: Path | None = None,
) -> tuple[BaseWSGIServer, Flask]:
    """The application and a server bound to ``host:port`` (port 0: a free one), not started yet.

    Raises:
        UsageError: no address, an address that cannot be listened on, or a port in use.
    """
    host = host.strip().strip("[]") if host.strip().startswith("[") else host.strip()
    if not host:
        raise UsageError(
            "--hote : indiquez une adresse, par exemple 127.0.0.1 (cet ordinateur seulement) "
            "ou 0.0.0.0 (tout le réseau)."
        )
    app = create_app(
        workspace,
        catalog_dir,
        templates_dir,
        trusted_hosts=[*LOOPBACK_HOSTS, host] if is_loopback(host) else None,
    )
    # The request log is for developers; errors still reach the terminal through Flask's logger.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # The socket is bound here rather than by werkzeug, which prints its own English message
    # and exits when the port is taken.
    try:
        family = select_address_family(host, port)
        # "::" listens on IPv6 and, where the system allows it, on IPv4 too: the 127.0.0.1
        # address shown then works.
        dual = host == "::" and socket.has_dualstack_ipv6()
        listening = socket.create_server((host, port), family=family, dualstack_ipv6=dual)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise UsageError(
                f"le port {port} est déjà utilisé sur {host} : webpass est peut-être déjà "
                "ouvert ; sinon choisissez un autre port avec --port."
            ) from error
        raise UsageError(
            f"impossible d'écouter sur {host}:{port} ({error.strerror or error}) : vérifiez "
            "l'adresse donnée à --hote."
        ) from error
    with listening:
        server = make_server(host, port, app, threaded=True, fd=listening.fileno())
    return server, app


def serve_in_thread(server: BaseWSGIServer) -> Callable[[], None]:
    """Serve in a background thread; returns the function that stops it (used by tests)."""
    thread = threading.Thread(target=server.serve_forever, name="webpass-web", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

    return stop
