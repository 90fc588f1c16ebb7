"""``webpass lot`` interrupted with real signals, as a terminal or a process manager sends them.

Each test starts the real command in a session of its own (a terminal's Ctrl-C goes to the
foreground process group: ``killpg(SIGINT)`` here), waits for its progress lines (never for a
fixed time), signals it, then checks what a user relies on: it ends, it says what is done, no
process of its session is left running, no temporary file is left, and the next run makes
exactly the dossiers that are missing.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import MINI_ITEMS
from tests.test_batch import BASE, communes, write_list
from webpass.batch.manifest import MANIFEST_FILE
from webpass.cli import cli
from webpass.core.resources import shipped_catalog_dir

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux signals")

# The signals come at the third progress line: the rows left then only have to outlast the
# moment it takes the test to send its signal (milliseconds), not the run's start-up.
ROWS = 12
WEBPASS = [sys.executable, "-m", "webpass"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("entrees")
    catalogue = root / "catalogue"
    (catalogue / "items").mkdir(parents=True)
    for path in shipped_catalog_dir().glob("*.yaml"):
        shutil.copy(path, catalogue / path.name)
    (catalogue / "items" / "01-essai.yaml").write_text(MINI_ITEMS, encoding="utf-8")
    base = root / "base.yaml"
    base.write_text(BASE, encoding="utf-8")
    listing = write_list(root / "liste.csv", communes(ROWS))
    return catalogue, base, listing


def _arguments(inputs: tuple[Path, Path, Path], out: Path) -> list[str]:
    catalogue, base, listing = inputs
    return [
        "lot",
        str(listing),
        "--reponses",
        str(base),
        "--sortie",
        str(out),
        "--format",
        "html",
        "-j",
        "2",
        "--catalogue",
        str(catalogue),
    ]


def _start(inputs: tuple[Path, Path, Path], out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*WEBPASS, *_arguments(inputs, out)],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_as_a_foreground_command,
    )


def _as_a_foreground_command() -> None:
    # A command a terminal runs in the foreground receives Ctrl-C. When the test suite itself
    # was started in the background (`make test &` in a script), SIGINT is ignored and that
    # disposition is inherited, so webpass would rightly ignore the test's Ctrl-C as well.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _lines_until(process: subprocess.Popen[str], prefix: str) -> Iterator[str]:
    assert process.stderr is not None
    for line in process.stderr:
        yield line
        if line.startswith(prefix):
            return
    raise AssertionError(f"« {prefix} » jamais affiché")


def _session_alive(session: int) -> list[int]:
    """Processes of ``session`` still running (zombies are dead: their parent may not reap)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


def _assert_nothing_left(session: int, out: Path, temporaries: bool = False) -> None:
    for pid in _session_alive(session):
        try:
            descriptor = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:  # a worker notices its parent's end at once; ten seconds is a generous bound
            readable, _, _ = select.select([descriptor], [], [], 10)
        finally:
            os.close(descriptor)
        assert readable, f"processus {pid} toujours en vie après la fin de webpass lot"
    assert not _session_alive(session)
    if not temporaries:
        assert not list(out.rglob("*.tmp")), "fichier temporaire laissé"


def _rerun_makes_the_rest(inputs: tuple[Path, Path, Path], out: Path) -> None:
    path = out / MANIFEST_FILE
    manifest = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    done = len(manifest.get("dossiers", {}))
    for entry in manifest.get("dossiers", {}).values():
        for file in entry["fichiers"]:
            assert (out / file["chemin"]).is_file()
    # The command itself, in this process: what is checked is what the interrupted run left,
    # which a new process or this one reads the same way (the lock, the manifest, the files).
    again = CliRunner().invoke(cli, _arguments(inputs, out))
    assert again.exit_code == 0, again.output
    assert f"{ROWS - done} dossier(s) à produire, {done} déjà à jour" in again.stderr
    assert f"{ROWS - done} dossier(s) produit(s)" in again.stdout
    assert not list(out.rglob("*.tmp")), "fichier temporaire laissé après la reprise"


def test_one_ctrl_c_lets_running_dossiers_finish(
    inputs: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "sortie"
    process = _start(inputs, out)
    list(_lines_until(process, "[3/"))
    os.killpg(process.pid, signal.SIGINT)
    _, rest = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Arrêt en cours" in rest
    assert "dossier(s) produit(s) pendant cette exécution" in rest
    assert "Traceback" not in rest
    _assert_nothing_left(process.pid, out)
    _rerun_makes_the_rest(inputs, out)


def test_a_second_ctrl_c_ends_the_workers_at_once(
    inputs: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "sortie"
    process = _start(inputs, out)
    list(_lines_until(process, "[3/"))
    os.killpg(process.pid, signal.SIGINT)
    list(_lines_until(process, "Arrêt en cours"))
    os.killpg(process.pid, signal.SIGINT)
    _, rest = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Interrompu :" in rest and "rien n'a été écrit" not in rest
    assert "Traceback" not in rest
    _assert_nothing_left(process.pid, out)
    _rerun_makes_the_rest(inputs, out)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_killing_the_parent_leaves_nothing_behind(
    inputs: tuple[Path, Path, Path], tmp_path: Path, sig: signal.Signals
) -> None:
    out = tmp_path / "sortie"
    process = _start(inputs, out)
    list(_lines_until(process, "[3/"))
    os.kill(process.pid, sig)
    process.communicate(timeout=60)
    assert process.returncode in (130, -sig)
    # A worker ended in the middle of a write may leave its temporary file; the next run,
    # holding the folder's lock, removes it.
    _assert_nothing_left(process.pid, out, temporaries=True)
    _rerun_makes_the_rest(inputs, out)


def test_two_runs_cannot_share_an_output_folder(
    inputs: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "sortie"
    first = _start(inputs, out)
    list(_lines_until(first, "[1/"))
    # Stopped, the first run still holds the folder's lock however long the second takes to
    # start, and whatever the number of rows: the second is refused by the lock, never by luck.
    os.killpg(first.pid, signal.SIGSTOP)
    try:
        second = _start(inputs, out)
        _, refused = second.communicate(timeout=120)
    finally:
        os.killpg(first.pid, signal.SIGCONT)
    assert second.returncode == 2
    assert "un autre « webpass lot » écrit déjà dans ce dossier" in refused
    first.communicate(timeout=600)
    assert first.returncode == 0
    _assert_nothing_left(first.pid, out)
