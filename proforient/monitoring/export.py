"""One XLSX per academic year: the monitoring forms and graduate destinations of every
active school, one row per school and a totals row (the layout of a regional report).

Only submitted forms are counted; a school whose form is not submitted gets a row with its
state and empty numbers. The totals row sums the rows, as the indicator set sums the same
submitted forms of the same active schools.
"""

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from proforient.core.exports import (
    HEADER_FILL,
    TOTAL_FILL,
    append_row,
    new_workbook,
    set_cell,
    write_table,
)
from proforient.core.formatting import fmt_date
from proforient.core.timeutil import academic_year_label
from proforient.monitoring import queries, rules
from proforient.monitoring.models import (
    GRADUATE_CATEGORIES,
    GRADUATE_COLUMNS,
    GRADUATE_GRADES,
    ProfminimumLevel,
    Status,
)

MONITORING_HEADER = [
    "№",
    "Образовательная организация",
    "Состояние формы",
    "Дата отправки",
    "Программ профессионального самоопределения (ед.)",
    "Наименования программ",
    "Инновационных площадок, всего (ед.)",
    "в т. ч. муниципальных",
    "в т. ч. региональных",
    "в т. ч. федеральных",
    "Трудоустроено несовершеннолетних 14–18 лет (чел.)",
    "из них детей-сирот",
    "из них состоящих на профилактических учётах",
    "Мер поощрения победителей (ед.)",
    "Поощрено детей (чел.)",
    "Уровень профминимума",
    "Итоги года",
]
MONITORING_WIDTHS = [5, 40, 13, 12, 14, 45, 13, 12, 12, 12, 15, 11, 15, 13, 11, 14, 60]


def monitoring_workbook(year: int) -> Workbook:
    wb = new_workbook()
    _monitoring_sheet(wb, year)
    _graduates_sheet(wb, year)
    return wb


def _status(report) -> str:
    return (Status(report.status) if report is not None else Status.NOT_STARTED).label


def _sum_column(rows: list[list], col: int) -> int:
    return sum(row[col] or 0 for row in rows)


def _monitoring_sheet(wb: Workbook, year: int) -> None:
    ws = wb.create_sheet("Мониторинг ОО")
    rows = []
    table = queries.monitoring_table(year)
    levels = dict.fromkeys(ProfminimumLevel, 0)
    for n, (school, r) in enumerate(table, start=1):
        head = [n, school.short_name, _status(r)]
        if r is None or r.status != Status.SUBMITTED:
            rows.append([*head, None, *([None] * 13)])
            continue
        if r.profminimum_level in levels:
            levels[r.profminimum_level] += 1
        rows.append(
            [
                *head,
                fmt_date(r.submitted_at),
                r.programs_count,
                "\n".join(r.program_list),
                r.sites_total,
                r.sites_municipal,
                r.sites_regional,
                r.sites_federal,
                r.minors_employed,
                r.minors_employed_orphans,
                r.minors_employed_registered,
                r.incentive_measures,
                r.children_rewarded,
                r.profminimum_label,
                r.summary,
            ]
        )
    submitted = sum(1 for _school, r in table if r is not None and r.status == Status.SUBMITTED)
    numbers = {4, *range(6, 15)}  # the columns that hold counts
    total = [_sum_column(rows, c) if c in numbers else None for c in range(len(MONITORING_HEADER))]
    total[1] = f"Итого (отправили {submitted} из {len(table)})"
    total[15] = ", ".join(f"{label}: {levels[code]}" for code, label in ProfminimumLevel.choices())
    write_table(
        ws,
        MONITORING_HEADER,
        rows,
        total=total,
        title=f"Мониторинг профориентационной работы ОО, {academic_year_label(year)} "
        "(учтены отправленные формы)",
        widths=MONITORING_WIDTHS,
    )
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _graduate_groups() -> list[tuple[int, str, str]]:
    """Column groups in order: (grade, row key, label)."""
    out = []
    for grade in GRADUATE_GRADES:
        out.append((grade, rules.COHORT, "Выпускников всего"))
        out.extend((grade, code, label) for code, label in GRADUATE_CATEGORIES[grade])
    return out


def _graduates_sheet(wb: Workbook, year: int) -> None:
    ws = wb.create_sheet("Выпускники")
    groups = _graduate_groups()
    first = 4  # columns 1–3: №, school, state
    append_row(
        ws,
        [
            f"Трудоустройство выпускников 9 и 11 классов, {academic_year_label(year)} "
            "(учтены отправленные формы)"
        ],
    )
    ws.cell(row=1, column=1).font = Font(bold=True, size=12)

    # Three header rows: grade, category, column (всего / дети-сироты / ОВЗ).
    for col, label in enumerate(("№", "Образовательная организация", "Состояние формы"), 1):
        set_cell(ws, 2, col, label)
        ws.merge_cells(start_row=2, start_column=col, end_row=4, end_column=col)
    col = first
    for grade in GRADUATE_GRADES:
        width = 3 * (1 + len(GRADUATE_CATEGORIES[grade]))
        set_cell(ws, 2, col, f"{grade} класс")
        ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + width - 1)
        col += width
    for i, (_grade, _key, label) in enumerate(groups):
        c = first + 3 * i
        set_cell(ws, 3, c, label)
        ws.merge_cells(start_row=3, start_column=c, end_row=3, end_column=c + 2)
        for j, (_column, column_label) in enumerate(GRADUATE_COLUMNS):
            set_cell(ws, 4, c + j, column_label)
    last = first + 3 * len(groups) - 1
    for row in ws.iter_rows(min_row=2, max_row=4, max_col=last):
        for cell in row:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center")

    table = queries.graduates_table(year)
    sums = [0] * (3 * len(groups))
    submitted = 0
    for n, (school, report, values) in enumerate(table, start=1):
        line = [n, school.short_name, _status(report)]
        if report is not None and report.status == Status.SUBMITTED:
            submitted += 1
            for grade, key, _label in groups:
                line.extend(values[grade][key])
            sums = [a + b for a, b in zip(sums, line[3:], strict=True)]
        append_row(ws, line)
    append_row(ws, [None, f"Итого (отправили {submitted} из {len(table)})", None, *sums])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = TOTAL_FILL

    ws.freeze_panes = ws.cell(row=5, column=first)
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 13
    for c in range(first, last + 1):
        ws.column_dimensions[get_column_letter(c)].width = 9
    ws.row_dimensions[3].height = 60
