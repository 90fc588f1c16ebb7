"""What keeps the local web wizard safe: the workspace's secret key and the forms' CSRF token.

The secret key signs the session cookie; it is generated once per workspace and kept in a file
only its owner can read (0600), so restarting the server keeps the open pages valid. Every form
carries a random token stored in the session: a page of another site cannot post to the wizard.
"""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
from pathlib import Path

from flask import abort, request, session

from webpass.core.errors import UsageError

__all__ = ["CSRF_FIELD", "KEY_FILE", "check_csrf", "csrf_token", "workspace_secret"]

KEY_FILE = ".cle-secrete"
CSRF_FIELD = "jeton"
_SESSION_KEY = "jeton_formulaire"
_KEY_LENGTH = 64  # hex characters: 256 bits
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def workspace_secret(workspace: Path) -> str:
    """The workspace's secret key, created on first use with owner-only permissions.

    The key file is never followed through a symbolic link nor opened if it is not a regular
    file: a ``.cle-secrete`` link planted in the workspace would otherwise have its target's
    mode changed and its content replaced by the key. Such a file is refused (exit code 2);
    a damaged key is replaced by renaming a new file over it, which never writes through a link.

    Raises:
        UsageError: the key file is a link, a pipe, a folder or cannot be written.
    """
    path = workspace / KEY_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW, 0o600)
    except FileExistsError:
        key = _read_key(path)
        if key is not None:
            return key
        return _replace_key(path)  # damaged: the only cost is that open forms must be reloaded
    except OSError as exc:
        raise UsageError(_unwritable(path, exc)) from exc
    key = secrets.token_hex(_KEY_LENGTH // 2)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return key


def _read_key(path: Path) -> str | None:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | _NO_FOLLOW)
    except OSError as exc:
        raise UsageError(_refused(path)) from exc
    with os.fdopen(descriptor, "rb") as file:
        status = os.fstat(file.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise UsageError(_refused(path))
        if stat.S_IMODE(status.st_mode) != 0o600:
            os.fchmod(file.fileno(), 0o600)
        key = file.read(4096).decode("ascii", errors="replace").strip()
    if len(key) >= _KEY_LENGTH and all(c in "0123456789abcdef" for c in key):
        return key
    return None


def _replace_key(path: Path) -> str:
    key = secrets.token_hex(_KEY_LENGTH // 2)
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=".cle.", dir=path.parent)  # mode 0600
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(key + "\n")
        Path(temporary).replace(path)
    except OSError as exc:
        raise UsageError(_unwritable(path, exc)) from exc
    return key


def _refused(path: Path) -> str:
    return (
        f"{path} : la clé de l'espace de travail doit être un fichier ordinaire, pas un lien "
        "symbolique, un dossier ni un tube ; supprimez-le, webpass en créera un nouveau."
    )


def _unwritable(path: Path, error: OSError) -> str:
    return (
        f"{path} : impossible d'écrire la clé de l'espace de travail ({error.strerror}) ; "
        "choisissez un dossier où vous pouvez écrire avec --espace."
    )


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
