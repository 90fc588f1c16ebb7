"""The observatory report as HTML (and PDF from the same HTML), with SVG bar charts.

The template ``cctp_templates/observatoire.html.j2`` receives plain data only and runs in the
sandboxed environment; the bar charts are computed here as numbers (positions and widths) and
drawn by the template as inline SVG, so the document needs no JavaScript and prints as is.
WeasyPrint is imported only when a PDF is asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import TemplateError
from markupsafe import Markup

from webpass import __version__
from webpass.core.errors import InputError
from webpass.core.resources import shipped_templates_dir
from webpass.observatory.report import ObservatoryReport, TypeReport
from webpass.untrusted.sandbox import template_environment

__all__ = ["DEFAULT_TITLE", "render_html", "render_pdf", "report_view"]

TEMPLATE = "observatoire.html.j2"
STYLESHEET = "observatoire.css"
PRINT_STYLESHEET = "observatoire-pdf.css"
DEFAULT_TITLE = "Observatoire des sites internet des collectivités"

# Chart geometry, in SVG user units (the viewBox scales it to the page).
_LABEL_WIDTH = 190
_BAR_AREA = 380
_BAR_HEIGHT = 22
_BAR_GAP = 10
_TOP = 26
_COLOURS = ("#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#bdbdbd")


def report_view(report: ObservatoryReport, title: str) -> dict[str, Any]:
    """The template's context: plain dicts, lists, strings and numbers."""
    return {
        "title": title,
        "source": Path(report.source).name,
        "columns": [{"key": c.key, "label": c.label} for c in report.columns],
        "types": [_type_view(t, report) for t in report.types.values()],
        "notes": report.notes,
        "generator_version": __version__,
    }


def _type_view(table: TypeReport, report: ObservatoryReport) -> dict[str, Any]:
    keys = [c.key for c in report.columns]
    return {
        "key": table.key,
        "label": table.label,
        "collectivities": table.collectivities,
        "with_site": table.with_site,
        "rate": table.rate.replace(".", ","),
        "departments": [
            {"name": name, "cells": [row[k] for k in keys], "total": row["total"]}
            for name, row in table.departments.items()
        ],
        "totals": [table.totals[k] for k in keys],
        "total": table.totals["total"],
        "percentages": [table.percentages[k] for k in keys],
        "chart": _chart(table, report),
    }


def _chart(table: TypeReport, report: ObservatoryReport) -> dict[str, Any]:
    total = table.totals["total"]
    shares = [(table.totals[c.key] / total if total else 0.0) for c in report.columns]
    top = max(shares, default=0.0)
    scale = max(10, -(-int(top * 100) // 10) * 10)  # the largest share, up to a multiple of 10
    bars = []
    for index, (column, share) in enumerate(zip(report.columns, shares, strict=True)):
        y = _TOP + index * (_BAR_HEIGHT + _BAR_GAP)
        width = round(share * 100 / scale * _BAR_AREA, 1)
        bars.append(
            {
                "label": column.label,
                "count": table.totals[column.key],
                "percent": table.percentages[column.key],
                "y": y,
                "text_y": y + _BAR_HEIGHT * 0.7,
                "width": width,
                "value_x": _LABEL_WIDTH + width + 6,
                "colour": _COLOURS[index % len(_COLOURS)],
            }
        )
    ticks = [
        {"x": _LABEL_WIDTH + round(value / scale * _BAR_AREA, 1), "label": f"{value} %"}
        for value in range(0, scale + 1, 10)
    ]
    height = _TOP + len(bars) * (_BAR_HEIGHT + _BAR_GAP) + 8
    return {
        "width": _LABEL_WIDTH + _BAR_AREA + 60,
        "height": height,
        "label_x": _LABEL_WIDTH - 8,
        "bar_x": _LABEL_WIDTH,
        "bar_height": _BAR_HEIGHT,
        "axis_top": _TOP - 8,
        "axis_bottom": height - 8,
        "tick_y": _TOP - 12,
        "bars": bars,
        "ticks": ticks,
    }


def render_html(report: ObservatoryReport, title: str = DEFAULT_TITLE) -> str:
    """The complete HTML report (stylesheet inlined)."""
    folder = shipped_templates_dir()
    env = template_environment([folder])
    try:
        css = (folder / STYLESHEET).read_text(encoding="utf-8")
        return env.get_template(TEMPLATE).render(
            **report_view(report, title),
            css=Markup(css),  # noqa: S704 - shipped stylesheet, trusted like the template
        )
    except (TemplateError, OSError) as exc:
        raise InputError(f"modèle de l'observatoire inutilisable : {exc}") from exc


def render_pdf(report: ObservatoryReport, title: str = DEFAULT_TITLE) -> bytes:
    """The report as PDF: the same HTML through the guarded WeasyPrint renderer."""
    from webpass.render.pdf import html_to_pdf

    folder = shipped_templates_dir()
    print_css = (folder / PRINT_STYLESHEET).read_text(encoding="utf-8")
    return html_to_pdf(
        render_html(report, title), assets=[folder], stylesheets=[(print_css, folder)]
    )
