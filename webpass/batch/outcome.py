"""What a batch run reports: the outcome of each row and of the whole run."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

from webpass.batch.manifest import OutputFile
from webpass.core.frozen_record import frozen_record

__all__ = ["BatchResult", "RowOutcome", "RowStatus"]


class RowStatus(StrEnum):
    """What happened to a row."""

    GENERATED = "genere"
    UP_TO_DATE = "a_jour"
    FAILED = "echec"
    INVALID = "invalide"

    @property
    def label(self) -> str:
        """French label, as the summary shows it."""
        return {
            "genere": "généré",
            "a_jour": "à jour",
            "echec": "échec",
            "invalide": "invalide",
        }[self.value]

    @property
    def failed(self) -> bool:
        """Whether the row has no up-to-date documents."""
        return self in (RowStatus.FAILED, RowStatus.INVALID)


@frozen_record
class RowOutcome:
    """One row of the list after the run.

    Attributes:
        line: line (CSV) or row number (XLSX) in the list.
        name: the collectivity's name as written.
        insee: its INSEE code as written.
        folder: its output sub-folder (relative to the output folder).
        status: generated, up to date, failed or invalid.
        files: the files it holds, relative to the output folder.
        pages: pages of its PDF, when one was made.
        estimate: the market's estimated total, ``{"min", "max"}`` in € HT.
        subsidy: the first aid scheme's amount, ``{"min", "central", "max", "statut"}`` in €;
            ``statut`` says whether it is a simulation or the montant maximal sollicitable.
        reason: why the row failed (French), None otherwise.
        seconds: time its generation took (None when nothing was generated).
        memory_mib: peak resident memory of the worker that made it, in MiB.
    """

    line: int
    name: str
    insee: str
    folder: str
    status: RowStatus
    files: tuple[OutputFile, ...] = ()
    pages: int | None = None
    estimate: dict[str, str] | None = None
    subsidy: dict[str, str] | None = None
    reason: str | None = None
    seconds: float | None = None
    memory_mib: float | None = None

    def as_json(self) -> dict[str, Any]:
        """The row as the JSON summary lists it (no timing: same inputs, same bytes)."""
        return {
            "ligne": self.line,
            "nom": self.name,
            "code_insee": self.insee,
            "dossier": self.folder,
            "statut": self.status.value,
            "fichiers": [file.path for file in self.files],
            "pages": self.pages,
            "estimation": self.estimate,
            "subvention": self.subsidy,
            "motif": self.reason,
        }


@frozen_record
class BatchResult:
    """The whole run.

    Attributes:
        out_dir: the output folder.
        outcomes: one per row, in list order.
        formats: the formats asked for.
        jobs: worker processes used (0 when nothing had to be generated).
        seconds: wall time of the run.
        peak_worker_mib: the largest peak resident memory of a worker, in MiB.
        summary_csv: ``synthese.csv``.
        summary_json: ``synthese.json``.
        manifest: the manifest file.
    """

    out_dir: Path
    outcomes: tuple[RowOutcome, ...]
    formats: tuple[str, ...]
    jobs: int
    seconds: float
    peak_worker_mib: float
    summary_csv: Path
    summary_json: Path
    manifest: Path

    def count(self, status: RowStatus) -> int:
        """How many rows ended with ``status``."""
        return sum(1 for outcome in self.outcomes if outcome.status is status)

    @property
    def failures(self) -> list[RowOutcome]:
        """Rows that failed validation or generation, in list order."""
        return [outcome for outcome in self.outcomes if outcome.status.failed]

    @property
    def exit_code(self) -> int:
        """0 when every row has its documents, 1 otherwise."""
        return 1 if self.failures else 0

    def as_json(self) -> dict[str, Any]:
        """Totals and rows, for ``--json`` and ``synthese.json``."""
        return {
            "sortie": str(self.out_dir),
            "formats": list(self.formats),
            "lignes": len(self.outcomes),
            "generes": self.count(RowStatus.GENERATED),
            "a_jour": self.count(RowStatus.UP_TO_DATE),
            "echecs": self.count(RowStatus.FAILED),
            "invalides": self.count(RowStatus.INVALID),
            "dossiers": [outcome.as_json() for outcome in self.outcomes],
        }
