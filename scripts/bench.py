"""webpass benchmark: whole cold processes, as a user runs them (``make bench``).

Measures, for each shipped example and each format, the wall time, the peak memory and the
page count of ``webpass generer``; the start-up time of ``webpass --help``; and, when LibreOffice
is installed, the ratio of our PDF time to ``soffice --headless --convert-to pdf`` of our own
DOCX of the same CCTP (goal: below 1.0). Results are printed and saved to ``out/bench.json``.
Timings are medians of several runs; nothing here is a test.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WEBPASS = str(BIN / "webpass")
EXAMPLES = ["petite-commune", "communaute-de-communes"]
RUNS = int(os.environ.get("WEBPASS_BENCH_RUNS", "3"))


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"échec de {' '.join(cmd)} :\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def median_run(cmd: list[str], runs: int = RUNS) -> tuple[float, float]:
    results = [timed(cmd) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(BytesIO(path.read_bytes())).pages)


def main() -> None:
    report: dict[str, object] = {}
    help_time, help_mem = median_run([WEBPASS, "--help"], runs=5)
    report["help"] = {"secondes": round(help_time, 3), "memoire_mio": round(help_mem, 1)}
    print(f"webpass --help : {help_time:.3f} s (objectif ≤ 0,25 s), {help_mem:.0f} Mio")

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    documents = {}
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        for example in EXAMPLES:
            folder = REPO / "examples" / example
            row: dict[str, object] = {}
            for fmt in ("html", "docx", "pdf"):
                seconds, memory = median_run(
                    [
                        WEBPASS,
                        "generer",
                        str(folder),
                        "--format",
                        fmt,
                        "--sortie",
                        str(out / example),
                    ]
                )
                row[fmt] = {"secondes": round(seconds, 3), "memoire_mio": round(memory, 1)}
            pdf = next((out / example).glob("*.pdf"))
            pages = pdf_pages(pdf)
            row["pages"] = pages
            print(
                f"{example:24} {pages:3} pages — HTML {row['html']['secondes']:.2f} s, "  # type: ignore[index]
                f"DOCX {row['docx']['secondes']:.2f} s, PDF {row['pdf']['secondes']:.2f} s "  # type: ignore[index]
                f"(pic {row['pdf']['memoire_mio']:.0f} Mio)"  # type: ignore[index]
            )
            if soffice:
                docx = next((out / example).glob("*.docx"))
                times = []
                for run in range(RUNS):
                    profile = out / f"lo-profile-{example}-{run}"
                    seconds, _ = timed(
                        [
                            soffice,
                            "--headless",
                            "--norestore",
                            f"-env:UserInstallation={profile.as_uri()}",
                            "--convert-to",
                            "pdf",
                            "--outdir",
                            str(out / f"lo-{example}"),
                            str(docx),
                        ]
                    )
                    times.append(seconds)
                lo = statistics.median(times)
                ratio = row["pdf"]["secondes"] / lo  # type: ignore[index]
                row["libreoffice_secondes"] = round(lo, 3)
                row["ratio_pdf_libreoffice"] = round(ratio, 2)
                print(
                    f"{'':24} LibreOffice DOCX → PDF {lo:.2f} s ; ratio webpass / LibreOffice = {ratio:.2f} (objectif < 1,0)"
                )
            documents[example] = row
    report["documents"] = documents
    if not soffice:
        print("LibreOffice absent : ratio non mesuré (installez libreoffice-writer-nogui).")
    target = REPO / "out" / "bench.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"Résultats : {target}")


if __name__ == "__main__":
    main()
