"""The one hierarchy of errors webpass raises for its users.

Every error a user can cause derives from :class:`WebpassError` and carries a French message
meant to be printed as is. The command line maps them to exit codes in a single place
(:func:`webpass.cli.main`): 1 when the input is wrong, 2 for a usage error or an unreadable file.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from webpass.core.frozen_record import frozen_record

__all__ = [
    "EXIT_INPUT",
    "EXIT_USAGE",
    "InputError",
    "Problem",
    "UnreadableFileError",
    "UsageError",
    "ValidationFailed",
    "WebpassError",
]

EXIT_INPUT = 1
EXIT_USAGE = 2


@frozen_record(order=True)
class Problem:
    """One thing wrong in an input file, located as precisely as we can.

    Attributes:
        file: the file at fault, or None when the problem is not tied to one.
        line: 1-based line, or None when unknown.
        column: 1-based column, or None when unknown.
        message: French text saying what is wrong and how to fix it.
        where: a human-readable location inside the file (a field path, a cell), optional.
    """

    file: str | None
    line: int | None
    column: int | None
    message: str
    where: str = ""

    def format(self) -> str:
        """Render as ``file:line:column: [where] message``, the form editors can jump to."""
        place = ""
        if self.file:
            place = self.file
            if self.line is not None:
                place += f":{self.line}"
                if self.column is not None:
                    place += f":{self.column}"
            place += " : "
        where = f"[{self.where}] " if self.where else ""
        return f"{place}{where}{self.message}"


class WebpassError(Exception):
    """Base of every error meant for a user; ``str(error)`` is the French message."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(WebpassError):
    """The input (a catalogue, an answers file, a grid, an amount) is wrong; exit code 1."""


class ValidationFailed(InputError):
    """Several problems found at once; all are reported, not just the first."""

    def __init__(self, problems: Iterable[Problem], summary: str | None = None) -> None:
        self.problems = sorted(set(problems), key=_problem_key)
        count = len(self.problems)
        head = summary or (
            f"{count} erreur{'s' if count > 1 else ''} trouvée{'s' if count > 1 else ''}"
        )
        super().__init__(head + "\n" + "\n".join(p.format() for p in self.problems))
        self.summary = head


class UsageError(WebpassError):
    """The command was called wrongly (missing terminal, bad option combination); exit code 2."""

    exit_code = EXIT_USAGE


class UnreadableFileError(WebpassError):
    """A file cannot be read safely (too large, not UTF-8, hostile structure); exit code 2."""

    exit_code = EXIT_USAGE

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path} : {reason}")
        self.path = str(path)
        self.reason = reason


def _problem_key(p: Problem) -> tuple[str, int, int, str]:
    return (p.file or "", p.line or 0, p.column or 0, p.message)
