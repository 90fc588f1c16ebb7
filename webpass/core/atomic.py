"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Everything webpass writes goes through here: bytes go to a temporary file in the same folder,
are flushed to disk, then renamed over the target. A failure removes the temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from webpass.core.errors import UsageError

__all__ = ["write_bytes_atomic", "write_many_atomic", "write_text_atomic"]

_NAME_BYTES = 200  # of the target's name kept in the temporary name (255 bytes at most)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (same-folder temporary file, fsync, rename).

    Raises:
        UsageError: the folder cannot be created or written (read-only, full disk, a name
            too long for the file system): exit code 2 with the reason, never a traceback.
    """
    path = Path(path)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=_temporary_prefix(path), suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).chmod(0o644)  # mkstemp creates 0600; outputs are ordinary documents
        Path(tmp).replace(path)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                Path(tmp).unlink()
        if isinstance(exc, OSError):
            raise UsageError(_cannot_write(path, exc)) from exc
        raise


def _temporary_prefix(path: Path) -> str:
    # ".NAME." + 8 random characters + ".tmp" must stay within the 255 bytes of a file name.
    name = path.name.encode("utf-8")[:_NAME_BYTES].decode("utf-8", errors="ignore")
    return f".{name}."


def _cannot_write(path: Path, error: OSError) -> str:
    reasons = {
        errno.ENOSPC: "le disque est plein",
        errno.EDQUOT: "votre quota disque est atteint",
        errno.EROFS: "le dossier est en lecture seule",
        errno.EACCES: "vous n'avez pas le droit d'écrire dans ce dossier",
        errno.EPERM: "vous n'avez pas le droit d'écrire dans ce dossier",
        errno.ENAMETOOLONG: "le nom est trop long pour le système de fichiers (255 octets au plus)",
        errno.ENOTDIR: "un élément du chemin est un fichier, pas un dossier",
        errno.EISDIR: "c'est un dossier",
    }
    reason = reasons.get(error.errno or 0, error.strerror or type(error).__name__)
    return f"impossible d'écrire {path} : {reason}. Choisissez un autre dossier de sortie ou libérez de la place."


def write_text_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with UTF-8 ``text`` atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_many_atomic(files: list[tuple[Path, bytes]]) -> None:
    """Replace several files together: all of them are staged before the first is replaced.

    A failure while staging (a full disk on the third file) leaves every old file as it was;
    the renames that follow cannot fail for want of space.

    Raises:
        UsageError: as :func:`write_bytes_atomic`.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(
                prefix=_temporary_prefix(path), suffix=".tmp", dir=path.parent
            )
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            Path(tmp).chmod(0o644)
        for tmp, path in staged:
            Path(tmp).replace(path)
    except BaseException as exc:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                Path(tmp).unlink()
        if isinstance(exc, OSError):
            failed = staged[-1][1] if staged else files[0][0]
            raise UsageError(_cannot_write(failed, exc)) from exc
        raise
