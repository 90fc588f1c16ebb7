"""What keeps the local web wizard safe: the workspace's secret key and the forms' CSRF token.

The secret key signs the session cookie; it is generated once per workspace and kept in a file
only its owner can read (0600), so restarting the server keeps the open pages valid. Every form
carries a random token stored in the session: a page of another site cannot post to the wizard.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from flask import abort, request, session

__all__ = ["CSRF_FIELD", "KEY_FILE", "check_csrf", "csrf_token", "workspace_secret"]

KEY_FILE = ".cle-secrete"
CSRF_FIELD = "jeton"
_SESSION_KEY = "jeton_formulaire"
_KEY_LENGTH = 64  # hex characters: 256 bits


def workspace_secret(workspace: Path) -> str:
    """The workspace's secret key, created on first use with owner-only permissions."""
    path = workspace / KEY_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if stat.S_IMODE(path.stat().st_mode) != 0o600:
            path.chmod(0o600)
        key = path.read_text(encoding="ascii", errors="replace").strip()
        if len(key) >= _KEY_LENGTH and all(c in "0123456789abcdef" for c in key):
            return key
        # A damaged key file is replaced: the only cost is that open forms must be reloaded.
        descriptor = os.open(path, os.O_WRONLY | os.O_TRUNC, 0o600)
    key = secrets.token_hex(_KEY_LENGTH // 2)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    path.chmod(0o600)
    return key


def csrf_token() -> str:
    """The session's form token, created when a page first needs it."""
    token = session.get(_SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[_SESSION_KEY] = token
    return token


def check_csrf() -> None:
    """Refuse a POST whose form token is missing or is not the session's (400)."""
    if request.method != "POST":
        return
    expected = session.get(_SESSION_KEY)
    given = request.form.get(CSRF_FIELD, "")
    if not isinstance(expected, str) or not expected or not secrets.compare_digest(expected, given):
        abort(400, description="csrf")
