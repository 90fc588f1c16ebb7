"""A short command ends without the interpreter's teardown: same codes, same output, nothing left.

These run the real entry point in a fresh process (click's runner never calls ``main``), and
check what a shell sees: the exit code, every byte of the output, the files and folders left.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from webpass import __version__
from webpass.cli import cli, process
from webpass.core.errors import EXIT_USAGE

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "petite-commune"
CONSOLE_SCRIPT = Path(sys.executable).parent / "webpass"


def environment(**extra: str) -> dict[str, str]:
    """This environment with buffered standard streams, as a user's shell has them."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return {**env, **extra}


def run(*args: str, scratch: Path) -> subprocess.CompletedProcess[str]:
    """``python -m webpass ARGS`` with its temporary files under ``scratch``."""
    return subprocess.run(
        [sys.executable, "-m", "webpass", *args],
        capture_output=True,
        text=True,
        env=environment(TMPDIR=str(scratch)),
        check=False,
    )


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


@pytest.fixture
def restored() -> Iterator[None]:
    """The in-process checks below change the collector's state: give it back."""
    yield
    process._State.short_lived = False
    gc.enable()


@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="script webpass non installé")
def test_generer_through_the_console_script_writes_reports_and_leaves_nothing(
    tmp_path: Path, scratch: Path
) -> None:
    out = tmp_path / "sortie"
    result = subprocess.run(
        [str(CONSOLE_SCRIPT), "generer", str(EXAMPLE), "--format", "pdf", "--sortie", str(out)],
        capture_output=True,
        text=True,
        env=environment(TMPDIR=str(scratch)),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    pdf = next(out.glob("*.pdf"))
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.read_bytes().rstrip().endswith(b"%%EOF")
    assert f"PDF   {pdf}" in result.stdout
    assert list(scratch.iterdir()) == []  # Typst's temporary root was removed


def test_exit_codes_are_those_of_the_ordinary_exit(tmp_path: Path, scratch: Path) -> None:
    version = run("--version", scratch=scratch)
    assert (version.returncode, version.stdout) == (0, f"webpass {__version__}\n")
    usage = run("generer", str(EXAMPLE), "--format", "xx", scratch=scratch)
    assert usage.returncode == EXIT_USAGE
    assert "xx" in usage.stderr
    unknown = run("inexistante", scratch=scratch)
    assert unknown.returncode == 2
    wrong_input = run("generer", str(tmp_path / "absent"), scratch=scratch)
    assert wrong_input.returncode == 1
    assert str(tmp_path / "absent") in wrong_input.stderr


def test_a_long_output_reaches_a_pipe_whole(scratch: Path) -> None:
    folder = REPO / "examples" / "communaute-de-communes"
    expected = CliRunner().invoke(cli, ["selection", str(folder)])
    assert expected.exit_code == 0, expected.output
    result = run("selection", str(folder), scratch=scratch)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.encode()) > 64 * 1024  # more than a pipe and a stream buffer hold
    assert result.stdout == expected.output


def test_atexit_handlers_run_and_garbage_is_finalised(tmp_path: Path) -> None:
    """``atexit`` handlers (one prints), a temporary folder never cleaned up and a temporary
    file left in a reference cycle: the teardown would have dealt with all, so does the fast
    exit."""
    code = (
        "import atexit, sys, tempfile\n"
        "from pathlib import Path\n"
        "from webpass.cli import main, process\n"
        "process.start()  # as main does: the garbage below is left to the end\n"
        "folder = Path(sys.argv[1])\n"
        "atexit.register((folder / 'atexit').write_text, 'fait')\n"
        "atexit.register(print, 'au revoir')  # after click's last flush\n"
        "kept = tempfile.TemporaryDirectory(dir=folder)\n"
        "class Holder:\n"
        "    pass\n"
        "holder = Holder()\n"
        "holder.me = holder\n"
        "holder.file = tempfile.NamedTemporaryFile(dir=folder)\n"
        "del holder\n"
        "sys.argv = ['webpass', '--version']\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        env=environment(),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"webpass {__version__}\nau revoir\n"
    assert [p.name for p in tmp_path.iterdir()] == ["atexit"]
    assert (tmp_path / "atexit").read_text(encoding="utf-8") == "fait"


def test_sys_exit_with_a_message_keeps_the_ordinary_exit(restored: None) -> None:
    process.start()
    with pytest.raises(SystemExit) as raised:
        process.finish(SystemExit("message"))
    assert raised.value.code == "message"


def test_a_running_thread_keeps_the_ordinary_exit(restored: None) -> None:
    process.start()
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        with pytest.raises(SystemExit) as raised:
            process.finish(SystemExit(0))
        assert raised.value.code == 0
    finally:
        release.set()
        worker.join()


@pytest.mark.parametrize("command", sorted(process.LONG_LIVED_COMMANDS))
def test_long_lived_commands_keep_the_collector_and_the_ordinary_exit(
    command: str, restored: None
) -> None:
    process.start()
    assert not gc.isenabled()
    with cli.make_context("webpass", [command, "--help"], resilient_parsing=True) as ctx:
        assert cli.get_command(ctx, command) is not None
    assert gc.isenabled()
    with pytest.raises(SystemExit):
        process.finish(SystemExit(0))


def test_without_start_nothing_changes(restored: None) -> None:
    """The library and click's runner never call ``start``: the ordinary exit, always."""
    assert gc.isenabled()
    with pytest.raises(SystemExit):
        process.finish(SystemExit(0))


def test_the_command_line_skips_pydantic_plugins_unless_asked(
    restored: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(process.PYDANTIC_PLUGINS_ENV, "placeholder")  # restored after the test
    monkeypatch.delenv(process.PYDANTIC_PLUGINS_ENV)
    process.start()
    assert os.environ[process.PYDANTIC_PLUGINS_ENV] == "__all__"
    monkeypatch.setenv(process.PYDANTIC_PLUGINS_ENV, "logfire")
    process.start()
    assert os.environ[process.PYDANTIC_PLUGINS_ENV] == "logfire"  # the user's choice stands


def test_the_library_leaves_pydantic_plugins_alone() -> None:
    probe = (
        "import os, webpass.dossier.answers, webpass.cli; "
        f"print(os.environ.get({process.PYDANTIC_PLUGINS_ENV!r}, 'absent'))"
    )
    env = {k: v for k, v in environment().items() if k != process.PYDANTIC_PLUGINS_ENV}
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "absent"


# A fresh process: start, a model built and validated, then what the plugin loader answers.
_PLUGIN_PROBE = """
import os, sys
from webpass.cli import process
process.start()
from pydantic import BaseModel
class Probe(BaseModel):
    size: int
assert Probe.model_validate({"size": 3}).size == 3
print("importlib.metadata" in sys.modules)
from pydantic.plugin._loader import get_plugins
print(list(get_plugins()))
os.environ[process.PYDANTIC_PLUGINS_ENV] = "webpass-sans-greffon"
print(type(get_plugins()).__name__, "importlib.metadata" in sys.modules)
"""


def test_without_plugins_pydantic_never_reads_the_installed_distributions() -> None:
    """The command line's models are built without ``importlib.metadata``; once plugins are
    allowed again, pydantic's own loader answers (and reads the entry points)."""
    env = {k: v for k, v in environment().items() if k != process.PYDANTIC_PLUGINS_ENV}
    out = subprocess.run(
        [sys.executable, "-c", _PLUGIN_PROBE], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.split("\n")[:3] == ["False", "[]", "dict_values True"]
