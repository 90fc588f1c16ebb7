"""What a batch worker process does: stay warm, then generate one dossier per task.

A worker renders a one-page PDF once, in :func:`init_worker`, with the engine its documents
will use (Typst, or WeasyPrint for a user's templates), so the engine is imported and the
embedded fonts are loaded before its first real document; the
catalogue is loaded once per process too. Tasks and results are plain data: the merged answers
as YAML text in, the paths, pages and figures out. A task never raises: a failure comes back as
a result with a French reason, so one bad row never stops the others.
"""

from __future__ import annotations

import contextlib
import resource
import signal
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from webpass.batch.manifest import OutputFile, file_sha256
from webpass.catalog import Catalog, load_catalog, load_shipped_catalog
from webpass.core.atomic import write_text_atomic
from webpass.core.errors import InputError, ValidationFailed, WebpassError
from webpass.core.frozen_record import frozen_record
from webpass.core.validated_once import loaded_once
from webpass.dossier.answers import ANSWERS_FILE, check_answers, parse_answers
from webpass.untrusted.safe_yaml import YamlRefused, load_yaml_text

if TYPE_CHECKING:
    from webpass.aid.attach import AidOutlook
    from webpass.aid.rules import SubsidyRules

__all__ = [
    "RowResult",
    "RowTask",
    "generate_row",
    "init_worker",
    "peak_memory_mib",
    "prepare_shared",
]

_catalogs: dict[str, Catalog] = {}


@frozen_record
class RowTask:
    """One dossier to generate.

    Attributes:
        key: the row's fingerprint (manifest key).
        out_dir: the batch output folder (absolute).
        folder_name: the dossier's sub-folder, already checked to stay inside ``out_dir``.
        answers_yaml: the merged answers, as written to its ``webpass.yaml``.
        formats: the formats to write.
        catalog_dir: the catalogue folder, None for the shipped one.
        templates: the user's template folder, if any.
        engine: the PDF engine asked for (``--moteur``), None to let each document choose.
    """

    key: str
    out_dir: str
    folder_name: str
    answers_yaml: str
    formats: tuple[str, ...]
    catalog_dir: str | None = None
    templates: str | None = None
    engine: str | None = None


@frozen_record
class RowResult:
    """What a task produced, or why it failed."""

    key: str
    ok: bool
    files: tuple[OutputFile, ...] = ()
    pages: int | None = None
    estimate: dict[str, str] | None = None
    subsidy: dict[str, str] | None = None
    reason: str | None = None
    seconds: float = 0.0
    memory_mib: float = 0.0


def peak_memory_mib() -> float:
    """Peak resident memory of this process, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def init_worker(
    catalog_dir: str | None, templates: str | None, warm_pdf: bool, engine: str | None = None
) -> None:
    """Process initializer: ignore Ctrl-C (the parent handles it), load and warm up once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _catalog(catalog_dir)
    if warm_pdf:
        # A template at fault is reported by each real document, with its row: not here.
        with contextlib.suppress(Exception):
            _warm_up_pdf(templates, engine)


def prepare_shared() -> None:
    """What the fork server prepares once for every worker it forks (see :mod:`.preload`).

    The shipped catalogue, its clause templates compiled, and the modules a dossier needs beyond
    those the server imports: a worker forked afterwards inherits them instead of spending
    nearly half a second on its first dossier, and the pools of a batch are replaced every
    ``TASKS_PER_WORKER`` dossiers. No PDF engine here: the Typst runtime starts threads, which a
    fork must not inherit; :func:`init_worker` warms it in each worker. Never raises: a worker
    prepares what is missing itself.
    """
    with contextlib.suppress(Exception):
        import webpass.aid.attach
        import webpass.aid.rules
        import webpass.dossier.opening
        import webpass.render.docx
        import webpass.selection.consistency  # noqa: F401
        from webpass.untrusted.clause_template import clause_template

        for item in _catalog(None).items:
            sources = [item.clause, item.need]
            sources += [
                text for variant in item.proportion for text in (variant.clause, variant.need)
            ]
            for source in sources:
                if source:
                    with contextlib.suppress(Exception):  # the dossier reports a bad clause
                        clause_template(source)


def _warm_up_pdf(templates: str | None, engine: str | None = None) -> None:
    import datetime as dt

    from webpass.documents.cctp import Article, CctpDocument, Paragraph, Run
    from webpass.render.dispatch import parse_engine, render
    from webpass.render.styles import styles_for

    # A one-page document through the real dispatcher and the engine it picks for these
    # templates: fonts (bold, italic and both) and the engine's caches are ready afterwards.
    runs = (Run("Préchauffage "), Run("gras ", bold=True), Run("italique ", italic=True))
    article = Article("1", "Préchauffage", [Paragraph((*runs, Run("les deux", True, True)))])
    document = CctpDocument(
        title="Préchauffage",
        object="Préchauffage",
        buyer="webpass",
        buyer_kind="commune",
        reference="-",
        date=dt.date(2026, 1, 1),
        catalog_version="-",
        articles=[article],
        annexes=[],
        glossary=[],
        answers_yaml="",
        fingerprints={},
    )
    render(
        document,
        "pdf",
        styles_for(Path(templates) if templates else None),
        engine=parse_engine(engine),
    )


def _catalog(catalog_dir: str | None) -> Catalog:
    key = catalog_dir or ""
    if key not in _catalogs:
        _catalogs[key] = load_catalog(Path(catalog_dir)) if catalog_dir else load_shipped_catalog()
    return _catalogs[key]


def generate_row(task: RowTask) -> RowResult:
    """Validate the answers again (cheap, and the catalogue may differ), select, write files."""
    start = time.perf_counter()
    try:
        result = _generate(task)
    except WebpassError as error:
        result = RowResult(task.key, ok=False, reason=error.message)
    except Exception as error:  # a bug must not stop the other rows; it is reported as such
        result = RowResult(
            task.key,
            ok=False,
            reason=f"erreur interne ({type(error).__name__}) : {error} ; ce n'est pas votre faute, "
            "signalez-le à l'équipe webpass.",
        )
    return replace(result, seconds=time.perf_counter() - start, memory_mib=peak_memory_mib())


def _generate(task: RowTask) -> RowResult:
    from webpass.core.slug import inside
    from webpass.dossier.opening import build_dossier
    from webpass.render.dispatch import generate, parse_engine
    from webpass.selection.consistency import ensure_consistent

    catalog = _catalog(task.catalog_dir)
    out_dir = Path(task.out_dir)
    folder = inside(out_dir, task.folder_name)
    source = f"{task.folder_name}/{ANSWERS_FILE}"
    try:
        located = load_yaml_text(task.answers_yaml, source)
    except YamlRefused as exc:
        raise ValidationFailed([exc.problem]) from exc
    answers = parse_answers(located)
    problems = check_answers(answers, catalog, located)
    if problems:
        raise ValidationFailed(problems, summary=f"{source} : réponses à corriger")
    dossier = build_dossier(
        catalog, answers, folder, rules=_catalog_rules(catalog, folder), located=located
    )
    selection = dossier.selection
    if selection.conflicts:
        raise InputError("la sélection est contradictoire : " + " ; ".join(selection.conflicts))
    ensure_consistent(selection)
    answers_path = inside(folder, ANSWERS_FILE)
    write_text_atomic(answers_path, task.answers_yaml)
    written = generate(
        selection,
        task.formats,
        folder,
        Path(task.templates) if task.templates else None,
        parse_engine(task.engine),
    )
    base = out_dir.resolve()
    files = [
        OutputFile(
            "yaml",
            answers_path.relative_to(base).as_posix(),
            answers_path.stat().st_size,
            file_sha256(answers_path),
        )
    ]
    pages = None
    for item in written:
        files.append(
            OutputFile(
                item.format,
                item.path.relative_to(base).as_posix(),
                item.size,
                file_sha256(item.path),
            )
        )
        if item.pages is not None:
            pages = item.pages
    return RowResult(
        task.key,
        ok=True,
        files=tuple(files),
        pages=pages,
        estimate=selection.estimate.total.as_json(),
        subsidy=_aid_summary(dossier.aid),
    )


def _catalog_rules(catalog: Catalog, folder: Path) -> SubsidyRules | None:
    """The catalogue's aid rules, validated once per worker while their file is unchanged.

    None when the dossier's folder has schemes of its own: ``build_dossier`` then reads both,
    as for any dossier.
    """
    from webpass.aid.rules import SUBSIDY_FILE, load_subsidy_rules
    from webpass.dossier.opening import SCHEMES_FILE

    if (folder / SCHEMES_FILE).is_file():
        return None
    return loaded_once(
        "subsidy", catalog.root / SUBSIDY_FILE, lambda: load_subsidy_rules(catalog.root)
    )


def _aid_summary(aid: AidOutlook) -> dict[str, str] | None:
    # The first scheme's amount on the low, central and high estimate, with its standing, so the
    # summary never shows a simulation as an aid to count on.
    if aid.main_range is None or aid.main is None:
        return None
    return {**aid.main_range.as_json(), "statut": aid.main.applicability.standing.value}
