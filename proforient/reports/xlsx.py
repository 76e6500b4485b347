"""The indicator table as an XLSX: one row per school and the district total, one column
group per indicator; numbers as numbers, shares as percentages, a frozen header, an
autofilter and fit-to-width printing."""

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from proforient.core.exports import HEADER_FILL, TOTAL_FILL, append_row, new_workbook, set_cell
from proforient.core.timeutil import academic_year_label
from proforient.indicators import DEFINITIONS, GROUPS, Definition, IndicatorTable, Row

PERCENT = "0.0%"
LEVEL = "0.0%"


def columns() -> list[tuple[Definition, str]]:
    """(measure, "value" | "share") in the order of the table."""
    out = []
    for d in DEFINITIONS:
        out.append((d, "value"))
        if d.has_share:
            out.append((d, "share"))
    return out


def _values(row: Row) -> list:
    out = []
    for d, part in columns():
        ind = row[d.key]
        out.append(ind.share if part == "share" else ind.value)
    return out


def indicator_workbook(table: IndicatorTable) -> Workbook:
    wb = new_workbook()
    ws = wb.create_sheet("Показатели")
    cols = columns()
    first = 3  # A: №, B: school
    append_row(ws, [f"Показатели профориентационной работы, {academic_year_label(table.year)}"])
    ws.cell(row=1, column=1).font = Font(bold=True, size=12)

    # Row 2: one merged head per indicator; row 3: its measures.
    set_cell(ws, 2, 1, "№")
    set_cell(ws, 2, 2, "Образовательная организация")
    ws.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
    ws.merge_cells(start_row=2, start_column=2, end_row=3, end_column=2)
    col = first
    for group, title in GROUPS.items():
        span = sum(1 for d, _p in cols if d.group == group)
        set_cell(ws, 2, col, f"{group}. {title}")
        if span > 1:
            ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + span - 1)
        col += span
    for i, (d, part) in enumerate(cols, start=first):
        label = f"{d.number}. {d.short}, {d.unit}" if part == "value" else f"{d.number}. доля"
        set_cell(ws, 3, i, label)
    last = first + len(cols) - 1
    for row in ws.iter_rows(min_row=2, max_row=3, max_col=last):
        for cell in row:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    for n, row in enumerate(table.rows, start=1):
        append_row(ws, [n, row.name, *_values(row)])
    append_row(ws, [None, table.district.name, *_values(table.district)])
    total_row = ws.max_row
    for cell in ws[total_row]:
        cell.font = Font(bold=True)
        cell.fill = TOTAL_FILL

    for i, (d, part) in enumerate(cols, start=first):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = 11
        if part == "share" or d.unit == "%":
            for r in range(4, total_row + 1):
                ws[f"{letter}{r}"].number_format = PERCENT if part == "share" else LEVEL
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 42
    ws.row_dimensions[2].height = 45
    ws.row_dimensions[3].height = 60
    ws.freeze_panes = ws.cell(row=4, column=first)
    ws.auto_filter.ref = f"A3:{get_column_letter(last)}{total_row - 1}"
    ws.print_title_rows = "2:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    _definitions_sheet(wb)
    return wb


def _definitions_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet("Пояснения")
    append_row(ws, ["№", "Показатель", "Ед.", "Источник", "База доли"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for d in DEFINITIONS:
        append_row(ws, [d.number, d.label, d.unit, d.source.label, d.base_label or None])
    for letter, width in zip("ABCDE", (7, 80, 9, 16, 36), strict=True):
        ws.column_dimensions[letter].width = width
    append_row(ws, [])
    append_row(
        ws,
        [
            None,
            "Пустая ячейка — нет данных (форма не отправлена, ОО не участвовала в "
            "анкетировании, недостаточно ответов). Итог по округу — сумма по ОО; мероприятие, "
            "в котором участвовали несколько ОО, в итоге считается один раз.",
        ],
    )
