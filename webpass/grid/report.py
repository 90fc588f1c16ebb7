"""The conformance report of one offer, for people: French text, HTML and PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from markupsafe import Markup

from webpass.core.files import read_text
from webpass.core.money import format_eur
from webpass.core.resources import shipped_templates_dir
from webpass.grid.check import Anomaly, ConformanceReport, Severity
from webpass.untrusted.sandbox import template_environment

__all__ = ["findings_heading", "report_html", "report_text", "write_report"]

SEVERITY_LABELS = {
    Severity.BLOCKING: "bloquant",
    Severity.TO_FIX: "à corriger",
    Severity.INFO: "remarque",
}


def _verdict(report: ConformanceReport) -> str:
    if report.conforming:
        return "CONFORME — aucune anomalie à corriger."
    if report.irregular:
        what = "IRRÉGULIER" if report.quote else "IRRÉGULIÈRE"
        return f"{what} — au moins une exigence obligatoire n'est pas satisfaite."
    return "À COMPLÉTER — des anomalies doivent être corrigées."


def _yearly(report: ConformanceReport) -> str:
    """What the second total sums: a quote form's total has no unit price (the evolutions' unit
    prices are outside it, review of 1 December 2026, M10); a MAPA's DQE has both."""
    return "prix annuels" if report.quote else "prix annuels et unitaires"


def _totals_text(report: ConformanceReport) -> str:
    """The recomputed totals; the base and the PSE only when the dossier has PSE."""
    totals = report.totals
    text = (
        "Totaux recalculés : prix forfaitaires "
        + format_eur(totals["dpgf"] or 0)
        + f", {_yearly(report)} "
        + format_eur(totals["dqe"] or 0)
    )
    if report.options:
        text += " (solution de base) ; PSE " + format_eur(totals.get("pse") or 0)
    return text + " ; total " + format_eur(totals["total"] or 0) + "."


def _totals_rows(report: ConformanceReport) -> list[tuple[str, str]]:
    totals = report.totals
    base = " (solution de base)" if report.options else ""
    rows = [
        (f"Total des prix forfaitaires HT{base}", format_eur(totals.get("dpgf") or 0)),
        (f"Total des {_yearly(report)} HT{base}", format_eur(totals.get("dqe") or 0)),
    ]
    if report.options:
        rows.append(("Total des PSE HT", format_eur(totals.get("pse") or 0)))
    what = "du devis" if report.quote else "de l’offre"
    rows.append(
        (
            f"Total {what} HT" + (", PSE comprises" if report.options else ""),
            format_eur(totals.get("total") or 0),
        )
    )
    return rows


def findings_heading(anomalies: Sequence[Anomaly]) -> str:
    """« 2 anomalies et 1 remarque » — information is a remark, not an anomaly to correct."""
    remarks = sum(1 for a in anomalies if a.severity is Severity.INFO)
    faults = len(anomalies) - remarks
    parts = []
    if faults:
        parts.append(f"{faults} anomalie{'s' if faults > 1 else ''}")
    if remarks:
        parts.append(f"{remarks} remarque{'s' if remarks > 1 else ''}")
    return " et ".join(parts) or "aucune anomalie"


def report_text(report: ConformanceReport) -> str:
    """The report as French text for the terminal."""
    what = "Devis" if report.quote else "Offre"
    lines = [f"{what} : {report.name} ({report.source})", f"Verdict : {_verdict(report)}"]
    if report.totals.get("total") is not None:
        lines.append(_totals_text(report))
    if report.label:
        state = "valide" if report.label["valide"] else "à vérifier"
        lines.append(
            f"Label : {report.label['numero']} ({report.label['solution']}, niveau {report.label['niveau_max']}) — {state}."
        )
    if report.anomalies:
        lines.append(f"{findings_heading(report.anomalies)} :")
        for anomaly in report.anomalies:
            where = f" [{anomaly.where}]" if anomaly.where else ""
            lines.append(f"  - ({SEVERITY_LABELS[anomaly.severity]}) {anomaly.message}{where}")
    return "\n".join(lines)


def report_html(report: ConformanceReport, created: dt.date) -> str:
    """The report as a standalone HTML page."""
    env = template_environment([shipped_templates_dir()])
    css = env.loader.get_source(env, "cctp.css")[0] if env.loader else ""
    data = {
        "name": report.name,
        "solution": report.candidate.get("Solution", ""),
        "dossier": report.reference,
        "devis": report.quote,
        "de_l_offre": "du devis" if report.quote else "de l’offre",
        "conforme": report.conforming,
        "irreguliere": report.irregular,
        "candidat": sorted(report.candidate.items()),
        "label": (
            f"{report.label['numero']} — {report.label['solution']} ({report.label['titulaire']}), "
            f"niveau {report.label['niveau_max']}, valide du {report.label['valide_du']} au {report.label['valide_au']}"
            if report.label
            else ""
        ),
        "totaux": _totals_rows(report),
        "anomalies": [
            {"item": a.item, "gravite": SEVERITY_LABELS[a.severity], "message": a.message}
            for a in report.anomalies
        ],
        "titre_anomalies": findings_heading(report.anomalies),
    }
    template = env.get_template("verification.html.j2")
    return template.render(r=data, css=Markup(css), created=f"{created.isoformat()}T00:00:00Z")  # noqa: S704 - shipped CSS


def write_report(report: ConformanceReport, target: Path, created: dt.date) -> None:
    """Write the report as .html or .pdf (by the target's suffix), atomically."""
    from webpass.core.atomic import write_bytes_atomic
    from webpass.core.errors import UsageError

    html = report_html(report, created)
    suffix = target.suffix.lower()
    if suffix in (".html", ".htm"):
        write_bytes_atomic(target, html.encode("utf-8"))
    elif suffix == ".pdf":
        from webpass.render.pdf import html_to_pdf

        templates = shipped_templates_dir()
        pdf_css = read_text(templates / "pdf.css", root=templates)
        write_bytes_atomic(
            target, html_to_pdf(html, assets=[templates], stylesheets=[(pdf_css, templates)])
        )
    else:
        raise UsageError(f"--rapport : « {target.name} » doit se terminer par .html ou .pdf.")
