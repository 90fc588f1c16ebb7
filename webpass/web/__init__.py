"""The local web wizard (``webpass serve``): the same library as the command line, in a browser.

Importing this package imports Flask; the command line imports it only when ``serve`` runs.
"""

from __future__ import annotations

from webpass.web.app import create_app

__all__ = ["create_app"]
