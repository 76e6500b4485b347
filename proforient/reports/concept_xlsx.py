"""The concept's report as an XLSX: one sheet per stage (every indicator, a column per
year and the stage's change), and the plan's execution."""

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from proforient.core.exports import HEADER_FILL, new_workbook, write_table
from proforient.indicators import BY_KEY
from proforient.reports.concept import Concept
from proforient.reports.concept_pdf import TITLE, stage_years
from proforient.reports.district_pdf import short_year


def concept_workbook(concept: Concept) -> Workbook:
    wb = new_workbook()
    for block in concept.stages:
        ws = wb.create_sheet(block.stage.title[:31])
        header = ["№", "Показатель", "Ед."]
        for y in block.years:
            header += [short_year(y), f"{short_year(y)}, доля"]
        header.append("Изменение за этап")
        rows = []
        for key, values in block.values.items():
            d = BY_KEY[key]
            line = [d.number, d.label, d.unit]
            for ind in values:
                line += [ind.value, ind.share]
            line.append(block.changes[key].text or None)
            rows.append(line)
        write_table(
            ws,
            header,
            rows,
            title=f"{TITLE}. {block.stage.title}: {stage_years(block.stage)}",
            widths=[7, 60, 9, *[11, 9] * len(block.years), 28],
        )
        for j in range(len(block.years)):
            letter = get_column_letter(5 + 2 * j)
            for r in range(3, ws.max_row + 1):
                ws[f"{letter}{r}"].number_format = "0.0%"
        # A level (unit %) is a share: show it as one.
        for r, (key, _v) in enumerate(block.values.items(), start=3):
            if BY_KEY[key].unit == "%":
                for j in range(len(block.years)):
                    ws.cell(row=r, column=4 + 2 * j).number_format = "0.0%"
    _plan_sheet(wb, concept)
    return wb


def _plan_sheet(wb: Workbook, concept: Concept) -> None:
    ws = wb.create_sheet("План мероприятий")
    header = ["№", "Мероприятие плана"]
    for y in concept.years:
        header += [f"{short_year(y)}: исполнение", f"{short_year(y)}: мероприятия"]
    rows = []
    for line in concept.plan:
        row = [line.item.number, line.item.title]
        for y in concept.years:
            execution = line.executions.get(y)
            row.append(execution.status_label if execution else None)
            row.append("; ".join(e.title for e in line.events.get(y, [])) or None)
        rows.append(row)
    write_table(ws, header, rows, title="Исполнение плана мероприятий", widths=[7, 60])
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
