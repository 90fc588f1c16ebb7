"""Opening a file webpass was given: a regular file, inside its root, read within a bound.

Every file webpass reads from a folder a user controls (templates and stylesheets of
``--modeles``, catalogue files, the files of a workspace, its key file) and every file named on
the command line comes through here, so one rule holds everywhere:

* a named pipe, a device (``/dev/zero``) or a folder is refused before it is read, with the same
  French message and exit code 2 wherever it is met (opening a pipe would block for ever,
  reading a device would never end);
* a file reached through a folder (``root``) must stay inside it once symbolic links are
  resolved: ``modeles/p.j2 -> /etc/passwd`` is refused, a link between two files of the folder
  is not;
* the file is opened without following a last symbolic link (``O_NOFOLLOW`` on the resolved
  path, so a link swapped in after the check is not followed either) and without blocking
  (``O_NONBLOCK``), then checked again on the open descriptor (``fstat``): what is read is what
  was checked;
* at most ``max_bytes`` are read: a file that grows while it is read is cut, not followed.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from webpass.core.errors import UnreadableFileError

__all__ = ["NOT_REGULAR", "check_regular", "read_bytes", "read_text", "within_root"]

NOT_REGULAR = (
    "ce n'est pas un fichier ordinaire (dossier, tube nommé ou périphérique) : "
    "indiquez le chemin d'un fichier."
)
_MISSING = "fichier introuvable : vérifiez le chemin."
_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)


def within_root(path: Path, root: Path | None) -> Path:
    """``path`` with its symbolic links resolved, refused when that leaves ``root``.

    Raises:
        UnreadableFileError: the resolved path is outside ``root`` (exit code 2).
    """
    resolved = Path(os.path.realpath(path))
    if root is None:
        return resolved
    base = Path(os.path.realpath(root))
    if resolved != base and not resolved.is_relative_to(base):
        raise UnreadableFileError(
            path,
            f"lien symbolique vers « {resolved} », hors du dossier {root} : webpass ne lit pas "
            "de fichier hors du dossier qu'on lui donne ; copiez le fichier dans le dossier "
            "au lieu d'y faire un lien.",
        )
    return resolved


def check_regular(path: Path, root: Path | None = None) -> Path:
    """The resolved path of ``path`` if it is a regular file (inside ``root`` when given).

    Raises:
        UnreadableFileError: missing, not a regular file, or outside ``root`` (exit code 2).
    """
    resolved = within_root(path, root)
    try:
        mode = resolved.stat().st_mode
    except FileNotFoundError as exc:
        raise UnreadableFileError(path, _MISSING) from exc
    except OSError as exc:
        raise UnreadableFileError(path, f"fichier illisible ({exc.strerror}).") from exc
    if not stat.S_ISREG(mode):
        raise UnreadableFileError(path, NOT_REGULAR)
    return resolved


def read_bytes(
    path: Path, *, root: Path | None = None, max_bytes: int | None = None, too_big: str = ""
) -> bytes:
    """The content of the regular file ``path``; see the module docstring for the rules.

    Args:
        path: the file.
        root: the folder the file must stay in once links are resolved (None: any place).
        max_bytes: the largest size accepted; larger files are refused before being read.
        too_big: the advice added to the message of a file over ``max_bytes``.

    Raises:
        UnreadableFileError: missing, not a regular file, outside ``root`` or too large.
    """
    resolved = check_regular(path, root)
    try:
        descriptor = os.open(resolved, _FLAGS)
    except FileNotFoundError as exc:
        raise UnreadableFileError(path, _MISSING) from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # replaced by a link since the check
            raise UnreadableFileError(path, NOT_REGULAR) from exc
        raise UnreadableFileError(path, f"fichier illisible ({exc.strerror}).") from exc
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise UnreadableFileError(path, NOT_REGULAR)
        if max_bytes is not None and status.st_size > max_bytes:
            raise UnreadableFileError(path, _too_large(status.st_size, max_bytes, too_big))
        if max_bytes is None:
            data = handle.read()
        else:
            # The size just checked, and one byte more to see a file grow: asking for the cap
            # at once would allocate it (20 MB for a grid of 50 kB) for every file read.
            data = handle.read(status.st_size + 1)
            if len(data) > status.st_size:  # it grew since: read on, up to the cap, as before
                data += handle.read(max_bytes - status.st_size)
    if max_bytes is not None and len(data) > max_bytes:
        raise UnreadableFileError(path, _too_large(len(data), max_bytes, too_big))
    return data


def read_text(
    path: Path, *, root: Path | None = None, max_bytes: int | None = None, too_big: str = ""
) -> str:
    """Like :func:`read_bytes`, decoded as UTF-8 (a byte order mark is dropped).

    Raises:
        UnreadableFileError: as :func:`read_bytes`, or the bytes are not UTF-8.
    """
    data = read_bytes(path, root=root, max_bytes=max_bytes, too_big=too_big)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableFileError(
            path, f"ligne {line} : le fichier n'est pas encodé en UTF-8 ; enregistrez-le en UTF-8."
        ) from exc


def _too_large(size: int, limit: int, advice: str) -> str:
    def megabytes(value: int) -> str:
        return f"{value / 1_000_000:.1f} Mo".replace(".", ",")

    text = f"fichier trop volumineux ({megabytes(size)}, au plus {megabytes(limit)})"
    return f"{text} : {advice}" if advice else f"{text}."
