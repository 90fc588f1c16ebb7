"""Writing the response grid as XLSX (for bidders), CSV, YAML and JSON (same columns).

The XLSX has a sheet « Candidat » (who bids), « Exigences » (one row per requirement; the
conformity is a dropdown; requirement columns are locked, answer columns open; one-off prices
form the DPGF part), the yearly and unit prices with their quantities (« BPU » in a MAPA,
« Prix annuels et unitaires » in a consultation by quotes, which has no BPU: the grid names the
procedure's own pieces, :class:`~webpass.grid.model.PricePieces`) and a hidden « Dossier » sheet
that lets ``webpass verifier`` work from the grid alone. Any text that a spreadsheet would take
for a formula (= + - @ …) is written as plain text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import yaml

from webpass.core.reproducible import normalize_zip
from webpass.documents.offer_rules import information_words, written_answer_rule
from webpass.documents.price_phases import Phase
from webpass.documents.question import CONTRACT_INFORMATION, is_contract_information
from webpass.documents.typography import french_spacing
from webpass.grid.carried import CARRIED_KEY, carried_rows, structured_block
from webpass.grid.model import (
    BIDDER_SHEETS,
    BPU_COLUMNS,
    CANDIDATE_FIELDS,
    DOSSIER_FIELDS,
    FLAT_COLUMNS,
    NO_ANSWER,
    OFFER_DATE,
    OPTION,
    REQUIREMENT_COLUMNS,
    YEARLY_PRICES_SHEET,
    Grid,
    GridRow,
    PayerShare,
    PricePieces,
)
from webpass.grid.sheet_text import literal_sheet_text

__all__ = ["GRID_FORMATS", "export_grid", "export_prices", "grid_records", "neutralize"]

GRID_FORMATS = ("xlsx", "csv", "yaml", "json")
# The DPGF-BPU file exists only in a MAPA: its unit sheet is the BPU.
_BPU = f"{PricePieces.SCHEDULE.unit_sheet}!"
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
MONEY_FORMAT = '#,##0.00\\ "€"'


def neutralize(text: str) -> str:
    """A text that no spreadsheet will run as a formula (OWASP CSV injection rule)."""
    return "'" + text if text.startswith(_FORMULA_TRIGGERS) else text


def _minimum(row: GridRow) -> str:
    if row.minimum is None:
        return ""
    # Written the French way (« 99,5 % »), as the CCTP prints the same figure.
    figure = f"{row.minimum.normalize():f}".replace(".", ",")
    return f"{figure} {row.unit}".strip() if row.unit else figure


def _plain_quantity(quantity: int | Decimal | None) -> int | float | str:
    """A quantity JSON, YAML and CSV write as a number (3.4167 years of service)."""
    if quantity is None:
        return ""
    if isinstance(quantity, Decimal) and quantity != quantity.to_integral_value():
        return float(quantity)
    return int(quantity)


def grid_records(grid: Grid) -> list[dict[str, Any]]:
    """The flat rows (CSV/YAML/JSON): requirement columns plus the BPU columns."""
    records = []
    for row in grid.rows:
        records.append(
            {
                "Identifiant": row.id,
                "Exigence": row.title,
                "Texte de l’exigence": row.text,
                "Niveau d’exigence": row.strength_label,
                "Réponse attendue": row.question,
                "Minimum exigé": _minimum(row),
                "Empreinte": row.fingerprint,
                "Conformité": "",
                "Valeur": "",
                "Justification": "",
                "Prix HT": "" if row.price == "dpgf" else "—",
                "Sous-critère noté": row.scored,
                "Unité": row.price_unit or "",
                "Quantité": _plain_quantity(row.quantity),
                "Nature de la quantité": row.quantity_nature,
                "Prix unitaire HT": "" if row.price == "bpu" else "—",
            }
        )
    return records


def export_grid(grid: Grid, fmt: str) -> bytes:
    """The grid in ``fmt`` (xlsx, csv, yaml, json) as bytes."""
    if fmt == "xlsx":
        return _xlsx(grid)
    if fmt == "csv":
        return _csv(grid)
    document = {
        "dossier": grid.dossier_values(),
        "candidat": dict.fromkeys(CANDIDATE_FIELDS, ""),
        "exigences": grid_records(grid),
        CARRIED_KEY: structured_block(grid),
    }
    if fmt == "json":
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    header = french_spacing(
        "# Cadre de réponse webpass : complétez « candidat » et, pour chaque exigence, Conformité,\n"
        "# Valeur, Justification et les prix ; ne modifiez ni les textes ni les empreintes,\n"
        "# ni le bloc « controle » (il permet de vérifier l'offre sans le dossier).\n"
    )
    return (
        header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    ).encode("utf-8")


def _row_height(record: dict[str, Any], widths: dict[str, int]) -> float:
    # Spreadsheets do not grow a row to fit wrapped text written by a program; estimate the
    # number of lines of the tallest cell (about 1.1 characters per unit of column width).
    lines = 1
    for name, width in widths.items():
        text = str(record.get(name, ""))
        per_line = max(int(width * 1.1), 1)
        count = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
        lines = max(lines, count)
    return min(15.0 * lines, 409.0)


def _bpu_sheet(workbook: Any, grid: Grid, put: Callable[..., Any]) -> Any:
    """The yearly and unit prices with their quantities and totals (the BPU of a MAPA)."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DCE6F1")
    open_fill = PatternFill("solid", fgColor="FFF9E5")
    wrap = Alignment(wrap_text=True, vertical="top")
    unlocked = Protection(locked=False)
    bpu = workbook.create_sheet(grid.unit_sheet)
    for col, name in enumerate(BPU_COLUMNS, start=1):
        cell = put(bpu, 1, col, name)
        cell.font = bold
        cell.fill = header_fill
    bpu_rows = _bpu_rows(grid)
    for index, row in enumerate(bpu_rows, start=2):
        put(bpu, index, 1, row.id)
        put(bpu, index, 2, row.title).alignment = wrap
        put(bpu, index, 3, row.price_unit)
        put(bpu, index, 4, row.quantity)
        price = put(bpu, index, 5, None)
        price.protection = unlocked
        price.fill = open_fill
        price.number_format = MONEY_FORMAT
        amount = put(bpu, index, 6, f"=ROUND(D{index}*E{index},2)", formula=True)
        amount.number_format = MONEY_FORMAT
        put(bpu, index, 7, row.quantity_nature).alignment = wrap
        bpu.row_dimensions[index].height = max(
            _lines_height(row.title, 45), _lines_height(row.quantity_nature, 30)
        )
    bpu_last = len(bpu_rows) + 1
    # A total's label is right-aligned so that it runs over the empty cells on its left
    # instead of being cut by the amount on its right.
    label = Alignment(horizontal="right")
    base_last = 1 + sum(1 for row in bpu_rows if not row.pse)
    # Named after what it sums, not after a piece: in a consultation by quotes there is no BPU nor
    # DQE, only the quote form whose lines these are.
    total = put(bpu, bpu_last + 2, 5, _unit_total_label(grid))
    total.font = bold
    total.alignment = label
    dqe = put(bpu, bpu_last + 2, 6, f"=SUM(F2:F{max(base_last, 2)})", formula=True)
    dqe.number_format = MONEY_FORMAT
    dqe.font = bold
    if base_last < bpu_last:
        pse_label = put(bpu, bpu_last + 3, 5, "Total des PSE HT (hors solution de base)")
        pse_label.font = bold
        pse_label.alignment = label
        pse = put(bpu, bpu_last + 3, 6, f"=SUM(F{base_last + 1}:F{bpu_last})", formula=True)
        pse.number_format = MONEY_FORMAT
    for letter, width in zip("ABCDEFG", (11, 45, 10, 10, 18, 16, 30), strict=True):
        bpu.column_dimensions[letter].width = width
    bpu.protection.sheet = True

    return bpu


def _unit_total_label(grid: Grid) -> str:
    """« Total des prix annuels HT » when the sheet holds yearly prices only; « (solution de
    base) » only when PSE are priced apart."""
    what = "annuels" if grid.unit_sheet == YEARLY_PRICES_SHEET else "annuels et unitaires"
    return f"Total des prix {what} HT" + (" (solution de base)" if _has_pse(grid) else "")


def _has_pse(grid: Grid) -> bool:
    return any(row.pse for row in grid.rows)


def export_prices(grid: Grid, shares: Sequence[PayerShare] = ()) -> bytes:
    """The price schedule alone (DPGF and BPU sheets), for platforms that want it separate.

    With ``shares`` (a groupement de commandes), a third sheet gives what each member pays,
    computed from the prices the bidder enters in the first two.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    created = dt.datetime.combine(grid.launch_date, dt.time(0, 0))
    workbook.properties.creator = "webpass"
    workbook.properties.lastModifiedBy = "webpass"
    workbook.properties.title = f"DPGF et BPU — {grid.buyer}"
    workbook.properties.created = created
    workbook.properties.modified = created
    put = _putter()
    dpgf = workbook.active
    dpgf.title = "DPGF"
    for col, name in enumerate(("Identifiant", "Désignation", "Prix HT"), start=1):
        cell = put(dpgf, 1, col, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DCE6F1")
    # The base solution first, with its total; the PSE after it, with a total of their own:
    # a PSE is never part of the price of the base.
    lines = [row for row in grid.rows if row.price == "dpgf" and not row.pse]
    options = [row for row in grid.rows if row.price == "dpgf" and row.pse]
    for index, row in enumerate(lines, start=2):
        _dpgf_line(dpgf, index, row, put)
    last = len(lines) + 1
    put(dpgf, last + 2, 2, "Total DPGF HT (solution de base)").font = Font(bold=True)
    total = put(dpgf, last + 2, 3, f"=SUM(C2:C{max(last, 2)})", formula=True)
    total.number_format = MONEY_FORMAT
    rows = {row.id: index for index, row in enumerate(lines, start=2)}
    if options:
        first = last + 5
        put(dpgf, first - 1, 2, "Prestations supplémentaires éventuelles (PSE)").font = Font(
            bold=True
        )
        for index, row in enumerate(options, start=first):
            _dpgf_line(dpgf, index, row, put)
            rows[row.id] = index
        end = first + len(options) - 1
        put(dpgf, end + 2, 2, "Total des PSE HT (hors solution de base)").font = Font(bold=True)
        options_total = put(dpgf, end + 2, 3, f"=SUM(C{first}:C{end})", formula=True)
        options_total.number_format = MONEY_FORMAT
    dpgf.column_dimensions["A"].width = 11
    dpgf.column_dimensions["B"].width = 60
    dpgf.column_dimensions["C"].width = 16
    dpgf.protection.sheet = True
    _printable(dpgf, landscape=False)
    _printable(_bpu_sheet(workbook, grid, put))
    if shares:
        _shares_sheet(workbook, grid, shares, put, f"DPGF!C{last + 2}", rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return normalize_zip(buffer.getvalue(), modified=created, rewrite=literal_sheet_text)


def _dpgf_line(sheet: Any, index: int, row: GridRow, put: Callable[..., Any]) -> None:
    from openpyxl.styles import PatternFill, Protection

    put(sheet, index, 1, row.id)
    put(sheet, index, 2, row.title)
    price = put(sheet, index, 3, None)
    price.protection = Protection(locked=False)
    price.fill = PatternFill("solid", fgColor="FFF9E5")
    price.number_format = MONEY_FORMAT


def _share_cell(
    item_id: str,
    assigned: Sequence[str],
    dpgf: str,
    dpgf_rows: dict[str, int],
    bpu_rows: dict[str, int],
) -> str:
    """The cell (or expression) a fraction applies to: a DPGF price, a BPU amount, or the
    common part of the DPGF (its base total less the lines charged to named members)."""
    if item_id == "*":
        taken = "".join(f"-DPGF!C{dpgf_rows[i]}" for i in assigned if i in dpgf_rows)
        return f"({dpgf}{taken})"
    if item_id in dpgf_rows:
        return f"DPGF!C{dpgf_rows[item_id]}"
    return f"{_BPU}F{bpu_rows[item_id]}"


def _shares_sheet(
    workbook: Any,
    grid: Grid,
    shares: Sequence[PayerShare],
    put: Callable[..., Any],
    dpgf: str,
    dpgf_rows: dict[str, int],
) -> None:
    """One row per member: the lines it pays and their amount, by formulas on the schedule's
    prices; then one column per PSE with its part of it, due if the buyer retains the PSE."""
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = workbook.create_sheet("Répartition par membre")
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    options = [row.id for row in grid.rows if row.pse and row.price]
    headers = (
        "Membre",
        "Rôle",
        "Prestations à sa charge",
        "Montant HT (solution de base), sur les quantités du BPU",
        *(f"Part de la PSE {item_id} HT, si elle est retenue" for item_id in options),
    )
    for col, name in enumerate(headers, 1):
        cell = put(sheet, 1, col, name)
        cell.font = bold
        cell.alignment = wrap
        cell.fill = PatternFill("solid", fgColor="DCE6F1")
    bpu_rows = {row.id: index for index, row in enumerate(_bpu_rows(grid), start=2)}
    for index, share in enumerate(shares, start=2):
        put(sheet, index, 1, share.payer).alignment = wrap
        put(sheet, index, 2, share.role).alignment = wrap
        what = share.summary or _share_terms(share)
        put(sheet, index, 3, what).alignment = wrap
        sheet.row_dimensions[index].height = _lines_height(what, 50)
        amount = put(sheet, index, 4, _share_formula(share, dpgf, dpgf_rows, bpu_rows), True)
        fractions = dict(share.options)
        parts = [
            put(sheet, index, col, f"={cell}*{fractions.get(item_id, '0')}", True)
            for col, item_id in enumerate(options, start=5)
            for cell in (_share_cell(item_id, (), dpgf, dpgf_rows, bpu_rows),)
        ]
        for cell in (amount, *parts):
            cell.number_format = MONEY_FORMAT
            cell.alignment = top
    _shares_totals(sheet, len(shares) + 1, len(headers), put)
    sheet.row_dimensions[1].height = _lines_height(max(headers, key=len), 18)
    for col, width in enumerate((42, 16, 50, *(18 for _ in headers[3:])), start=1):
        sheet.column_dimensions[sheet.cell(1, col).column_letter].width = width
    sheet.protection.sheet = True
    _printable(sheet)


def _shares_totals(sheet: Any, last: int, columns: int, put: Callable[..., Any]) -> None:
    """The sum of every amount column, with what each sum must equal."""
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    label = (
        "Total des parts HT : égal, pour la solution de base, au total DPGF plus le total des "
        "prix annuels et unitaires, et, pour chaque PSE, à son prix"
    )
    cell = put(sheet, last + 2, 3, label)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    cell.font = bold
    sheet.row_dimensions[last + 2].height = _lines_height(label, 50)
    for col in range(4, columns + 1):
        letter = sheet.cell(1, col).column_letter
        total = put(sheet, last + 2, col, f"=SUM({letter}2:{letter}{last})", formula=True)
        total.number_format = MONEY_FORMAT
        total.font = bold


def _share_terms(share: PayerShare) -> str:
    """What a member pays, in French, when no summary was given."""
    terms = ["DPGF (solution de base)"] if share.lump_sum else []
    for item_id, quantity in share.lines:
        terms.append(
            f"{item_id} (ligne entière)" if quantity is None else f"{item_id} × {quantity}"
        )
    return " ; ".join(terms)


def _share_formula(
    share: PayerShare, dpgf: str, dpgf_rows: dict[str, int], bpu_rows: dict[str, int]
) -> str:
    """The formula of a member's part of the base solution."""
    formula = [dpgf] if share.lump_sum else []
    for item_id, quantity in share.lines:
        line = bpu_rows[item_id]
        formula.append(f"{_BPU}F{line}" if quantity is None else f"{_BPU}E{line}*{quantity}")
    formula += [
        f"{_share_cell(item_id, share.assigned, dpgf, dpgf_rows, bpu_rows)}*{fraction}"
        for item_id, fraction in share.fractions
    ]
    return "=" + ("+".join(formula) or "0")


def _lines_height(text: str, width: int) -> float:
    """The height of a row whose ``width``-wide cell wraps ``text`` (see :func:`_row_height`)."""
    return 15.0 * max(1, -(-len(text) // max(int(width * 1.1), 1)))


def _printable(sheet: Any, landscape: bool = True) -> None:
    """A4, as wide as the page, the header row repeated: a printed sheet keeps its columns
    together instead of spreading them over pages."""
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if sheet.title not in BIDDER_SHEETS:
        sheet.print_title_rows = "1:1"


def _bpu_rows(grid: Grid) -> list[GridRow]:
    # The base solution first, then the PSE, so each has a total of its own.
    rows = [row for row in grid.rows if row.price == "bpu"]
    return [row for row in rows if not row.pse] + [row for row in rows if row.pse]


def _putter() -> Callable[..., Any]:
    def put(sheet: Any, row: int, column: int, value: Any, formula: bool = False) -> Any:
        cell = sheet.cell(row=row, column=column, value=value)
        if not formula and isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
            cell.data_type = "s"  # any text is literal text; only our own totals are formulas
        return cell

    return put


# How to answer, on the bidder's tab: which column takes what (the « Justification » column
# also takes the answer a « Décrivez… » or « Indiquez… » question asks). The conformity lines
# come in two forms: a grid with desired requirements or PSE offers four answers, a grid whose
# every line is exigé offers « Conforme » alone (another answer could only make it irregular).
_CHOICES = (
    "« Conformité » : choisissez dans la liste « Conforme », « Partiellement conforme », "
    "« Non conforme » ou « Sans objet ».",
    "Ce que chaque réponse entraîne : « Conforme » engage à satisfaire l'exigence. Sur une ligne "
    "« Exigé » (colonne « Niveau d'exigence »), « Partiellement conforme », « Non conforme » ou "
    "« Sans objet » rend l'offre irrégulière, et elle est éliminée : la corriger changerait "
    "l'offre, ce qu'une régularisation ne permet pas. Ces trois réponses ne servent que sur les "
    "autres lignes (exigence souhaitée, PSE), avec leur justification. {missing}",
)
_CONFORM_ONLY = (
    "« Conformité » : choisissez « Conforme » dans la liste ; chaque ligne est exigée.",
    "Ce que chaque réponse entraîne : « Conforme » engage à satisfaire l'exigence ; toute "
    "réponse autre que « Conforme » rend l'offre irrégulière, et elle est éliminée : la corriger "
    "changerait l'offre, ce qu'une régularisation ne permet pas. {missing}",
)
# What makes an offer irregular and what a regularisation may still cure (the letter and the RC
# state the same rule, from :mod:`webpass.documents.offer_rules`): an empty conformity box, a
# missing contract information or an altered text is irregular; a scored written answer left
# empty only costs its sub-criterion.
_MISSING = (
    "Une case « Conformité » vide ou illisible, un renseignement que le marché demande qui manque "
    "({information}) ou un texte d'exigence modifié rend aussi l'offre irrégulière ; l'acheteur "
    "peut seulement, s'il régularise les offres, vous demander de remplir une case dont la "
    "colonne « Justification » traite déjà le point ou de confirmer votre réponse sur le texte du "
    "dossier, selon {rules} : un renseignement manquant n'est jamais complété après la date "
    "limite. {written}."
)
_HOW_TO_ANSWER = (
    "Comment répondre, onglet « Exigences » :",
    "{choices}",
    "{effects}",
    "« Valeur » : le nombre que la réponse attendue demande (au moins le « Minimum exigé ») ; "
    "la cellule n'est ouverte que sur ces lignes.",
    "« Justification » : votre réponse quand la réponse attendue demande de décrire, "
    "d'indiquer ou de joindre quelque chose{justified}.",
    "« Prix HT » : le prix des lignes forfaitaires (cellules jaunes) ; « — » marque une ligne "
    "sans prix dans cet onglet : le prix d'une ligne annuelle ou unitaire se porte dans l'onglet "
    "« {unit_sheet} », et une exigence sans ligne de prix propre est payée par {payer}.",
    "« Sous-critère noté » : le sous-critère de la valeur technique que la réponse rédigée "
    "nourrit, lu avec le mémoire technique ; une réponse que le cadre demande n'a pas à être "
    "reprise dans le mémoire. « Non noté » : une information que le marché exige ou la "
    "description de la conformité ; « …, et renseignement du marché » : une réponse notée qui "
    "donne aussi une information que le marché exige ; « — » : une déclaration de conformité, "
    "jamais notée.",
    "Ne modifiez ni les textes, ni les empreintes, ni les autres colonnes.",
)


def _candidate_sheet(workbook: Any, grid: Grid, put: Callable[..., Any]) -> Any:
    """Who bids, what to fill and how the grid's prices stand to the price piece of the DCE."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    candidate = workbook.active
    candidate.title = grid.pieces.bidder_sheet
    put(
        candidate, 1, 1, f"Cadre de réponse — {grid.buyer} — consultation {grid.reference}"
    ).font = Font(bold=True, size=13)
    notes = (
        "Complétez les cellules jaunes de cet onglet, puis l'onglet « Exigences » (prix "
        f"forfaitaires dans la colonne « Prix HT ») et l'onglet « {grid.unit_sheet} ».",
        grid.pieces.prevailing,
    )
    for row, text in ((2, notes[0]), (3, notes[1])):
        _wide_note(candidate, row, french_spacing(text), put).alignment = wrap
    for index, key in enumerate(CANDIDATE_FIELDS, start=4):
        put(candidate, index, 1, key).font = bold
        cell = put(candidate, index, 2, None)
        cell.protection = Protection(locked=False)
        cell.fill = PatternFill("solid", fgColor="FFF9E5")
        if key == OFFER_DATE:
            cell.number_format = "DD/MM/YYYY"
        elif key == "SIRET":
            cell.number_format = "@"
    first = 4 + len(CANDIDATE_FIELDS) + 1
    paid = _paid_elsewhere(grid)
    payer = "la ligne que nomme la liste ci-dessous" if paid else "les prix forfaitaires de l'offre"
    choices, effects = _CONFORM_ONLY if grid.simple else _CHOICES
    information = [row.id for row in grid.rows if is_contract_information(row.scored)]
    missing = _MISSING.format(
        rules=grid.pieces.consultation_rules,
        information=(
            information_words(information) if information else f"lignes « {CONTRACT_INFORMATION} »"
        ),
        written=written_answer_rule(),
    )
    # The « Valeur » column is explained only where a number is asked.
    numbers = any(row.answer_kind == "nombre" for row in grid.rows)
    how = [text for text in _HOW_TO_ANSWER if numbers or not text.startswith("« Valeur »")]
    for row, text in enumerate((*how, *paid), start=first):
        text = text.format(
            unit_sheet=grid.unit_sheet,
            payer=payer,
            choices=choices,
            effects=effects.format(missing=missing),
            justified=(
                ""
                if grid.simple
                else ", et la justification d'une réponse « Partiellement conforme » ou "
                "« Non conforme »"
            )
            # The RC admits a DPGF price of 0 € explained here, the DPGF having no such column
            # (review of 1 December 2026, groupement N9).
            + (
                " ; pour une exigence dont le prix est de 0 € dans la DPGF, la ligne dont le prix "
                "la comprend"
                if grid.pieces is PricePieces.SCHEDULE
                else ""
            ),
        )
        cell = _wide_note(candidate, row, french_spacing(text), put)
        cell.alignment = wrap
        if row == first:
            cell.font = bold
    candidate.column_dimensions["A"].width = 24
    candidate.column_dimensions["B"].width = 60
    candidate.protection.sheet = True
    return candidate


def _paid_elsewhere(grid: Grid) -> tuple[str, ...]:
    """« Phase « Création graphique », prix sur la ligne B01 : B02, B04… », one per paying line,
    so each « — » of a consultation by quotes names the price that pays it."""
    by_line: dict[str, list[str]] = {}
    for row in grid.rows:
        for line, part in row.priced_in:
            by_line.setdefault(line, []).append(f"{row.id} ({part})" if part else row.id)
    if not by_line:
        return ()
    # In the order of the quote form: the phases, then the yearly lines.
    phases = [f"« {phase.label} »" for phase in Phase]

    def rank(line: str) -> int:
        return next((i for i, name in enumerate(phases) if name in line), len(phases))

    return (
        "Exigences sans ligne de prix propre, et la ligne du formulaire de devis qui les paie :",
        *(f"{_capital(line)} : {', '.join(by_line[line])}." for line in sorted(by_line, key=rank)),
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _wide_note(sheet: Any, row: int, text: str, put: Callable[..., Any]) -> Any:
    """A sentence over both columns, its row tall enough for its lines (about 90 a line)."""
    cell = put(sheet, row, 1, text)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    sheet.row_dimensions[row].height = 15.0 * max(1, -(-len(text) // 90))
    return cell


def _csv(grid: Grid) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for key, value in grid.dossier_values().items():
        writer.writerow([key, neutralize(value)])
    for key in CANDIDATE_FIELDS:
        writer.writerow([key, ""])
    writer.writerow([])
    writer.writerow(FLAT_COLUMNS)
    for record in grid_records(grid):
        writer.writerow([neutralize(str(record[column])) for column in FLAT_COLUMNS])
    # Below the table and after a blank line: what the self-check needs without the dossier.
    writer.writerow([])
    for label, value in carried_rows(grid):
        writer.writerow([label, value])
    # Excel opens a UTF-8 CSV correctly only with a byte order mark.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(grid: Grid) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    created = dt.datetime.combine(grid.launch_date, dt.time(0, 0))
    props = workbook.properties
    props.creator = "webpass"
    props.lastModifiedBy = "webpass"
    props.title = f"Cadre de réponse — {grid.buyer}"
    props.subject = grid.reference
    props.created = created
    props.modified = created
    props.language = "fr-FR"
    put = _putter()
    _printable(_candidate_sheet(workbook, grid, put), landscape=False)
    _printable(_requirements_sheet(workbook, grid, put))
    _printable(_bpu_sheet(workbook, grid, put))
    _dossier_sheet(workbook, grid, put)
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return normalize_zip(buffer.getvalue(), modified=created, rewrite=literal_sheet_text)


_WIDTHS = {
    "Identifiant": 11, "Exigence": 30, "Texte de l’exigence": 70, "Niveau d’exigence": 14,
    "Réponse attendue": 40, "Minimum exigé": 12, "Empreinte": 15, "Conformité": 22,
    "Valeur": 12, "Justification": 45, "Prix HT": 14, "Sous-critère noté": 24,
}  # fmt: skip
_ANSWER_COLUMNS = frozenset({"Conformité", "Valeur", "Justification"})


def _is_open(row: GridRow, name: str) -> bool:
    """Whether the bidder fills this cell: « Valeur » only where a number is asked (nothing
    reads it elsewhere), « Prix HT » only on a lump-sum line, nothing on a presentation."""
    if row.informative:
        return name == "Prix HT" and row.price == "dpgf"
    if name == "Valeur":
        return row.answer_kind == "nombre"
    return name in _ANSWER_COLUMNS or (name == "Prix HT" and row.price == "dpgf")


def _requirements_sheet(workbook: Any, grid: Grid, put: Callable[..., Any]) -> Any:
    """One row per requirement: its texts locked, its answer cells open, the price totals."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet = workbook.create_sheet("Exigences")
    for col, name in enumerate(REQUIREMENT_COLUMNS, start=1):
        cell = put(sheet, 1, col, name)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DCE6F1")
        cell.alignment = wrap
        sheet.column_dimensions[cell.column_letter].width = _WIDTHS[name]
    sheet.row_dimensions[1].height = 30.0  # « Niveau d'exigence », « Minimum exigé »: two lines
    records = grid_records(grid)
    for row_index, (row, record) in enumerate(zip(grid.rows, records, strict=True), start=2):
        for col, name in enumerate(REQUIREMENT_COLUMNS, start=1):
            value = None if name in _ANSWER_COLUMNS or _is_open(row, name) else record[name]
            if row.informative and name in ("Conformité", "Justification"):
                value = NO_ANSWER
            cell = put(sheet, row_index, col, value if value != "" else None)
            cell.alignment = wrap
            if row.informative and name in _ANSWER_COLUMNS:
                cell.fill = PatternFill("solid", fgColor="E7E6E6")
            if _is_open(row, name):
                cell.protection = Protection(locked=False)
                cell.fill = PatternFill("solid", fgColor="FFF9E5")
            if name == "Prix HT":
                cell.number_format = MONEY_FORMAT
        sheet.row_dimensions[row_index].height = _row_height(record, _WIDTHS)
    last = len(grid.rows) + 1
    _conformity_list(sheet, last, grid.conformity_values)
    _requirement_totals(sheet, grid, put, last)
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = (
        f"A1:{sheet.cell(row=1, column=len(REQUIREMENT_COLUMNS)).column_letter}{last}"
    )
    sheet.protection.sheet = True
    sheet.protection.autoFilter = False
    sheet.protection.sort = False
    return sheet


def _conformity_list(sheet: Any, last: int, values: Sequence[str]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    conformity = DataValidation(
        type="list",
        formula1='"' + ",".join(values) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Valeur non prévue",
        error="Choisissez : " + ", ".join(values) + ".",
    )
    sheet.add_data_validation(conformity)
    conformity.add(f"H2:H{max(last, 2)}")


def _requirement_totals(sheet: Any, grid: Grid, put: Callable[..., Any], last: int) -> None:
    """The lump sums of the base solution, named after the procedure's piece; the PSE apart."""
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    total_row = last + 2
    right = Alignment(horizontal="right")  # runs over the empty cells on its left if long
    options = any(row.pse and row.price == "dpgf" for row in grid.rows)
    # Without a PSE there is no base solution to set apart: the sum of every lump sum.
    label = grid.pieces.lump_sum_total if _has_pse(grid) else "Total des prix forfaitaires HT"
    base_label = put(sheet, total_row, 10, label)
    base_label.font = bold
    base_label.alignment = right
    base = f'=SUMIF(D2:D{last},"<>{OPTION}",K2:K{last})' if options else f"=SUM(K2:K{last})"
    total = put(sheet, total_row, 11, base, formula=True)
    total.number_format = MONEY_FORMAT
    total.font = bold
    below = total_row + 1
    if options:
        pse_label = put(sheet, below, 10, "Total des PSE HT (hors solution de base)")
        pse_label.font = bold
        pse_label.alignment = right
        options_sum = f'=SUMIF(D2:D{last},"{OPTION}",K2:K{last})'
        put(sheet, below, 11, options_sum, formula=True).number_format = MONEY_FORMAT
        below += 1
    # The offer's whole price, so the bidder sees the grid agree with the price piece.
    unit_total = f"'{grid.unit_sheet}'!F{len(_bpu_rows(grid)) + 3}"
    whole_label = put(sheet, below, 10, grid.pieces.offer_total)
    whole_label.font = bold
    whole_label.alignment = right
    whole = put(sheet, below, 11, f"=K{total_row}+{unit_total}", formula=True)
    whole.number_format = MONEY_FORMAT
    whole.font = bold


def _dossier_sheet(workbook: Any, grid: Grid, put: Callable[..., Any]) -> None:
    """The hidden sheet: the dossier's identity, then what the self-check needs (grid.carried)."""
    dossier = workbook.create_sheet("Dossier")
    for index, (key, value) in enumerate(grid.dossier_values().items(), start=1):
        put(dossier, index, 1, key)
        put(dossier, index, 2, value)
    assert [dossier.cell(row=i, column=1).value for i in range(1, len(DOSSIER_FIELDS) + 1)] == list(
        DOSSIER_FIELDS
    )
    # After a blank row (see grid.carried).
    for index, (key, value) in enumerate(carried_rows(grid), start=len(DOSSIER_FIELDS) + 2):
        put(dossier, index, 1, key)
        put(dossier, index, 2, value)
    dossier.sheet_state = "hidden"
    dossier.protection.sheet = True
