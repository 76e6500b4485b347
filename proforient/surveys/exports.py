"""Survey exports: responses row by row (XLSX, CSV) and the per-school summary (XLSX).

Responses are read in chunks of plain SQL rows (never ORM objects), so memory stays flat
however many there are. The anonymity rule holds here too: a school with fewer than
`SURVEY_MIN_GROUP` responses is not exported row by row, and the file says so.
"""

from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select, tuple_

from proforient.core.exports import (
    HEADER_FILL,
    append_row,
    new_workbook,
    sheet_cell,
    write_table,
)
from proforient.core.formatting import fmt_date, fmt_number
from proforient.core.timeutil import academic_year_label, local_today
from proforient.extensions import db
from proforient.schools.models import School
from proforient.surveys.aggregates import min_group, response_counts
from proforient.surveys.models import Campaign
from proforient.surveys.overview import SchoolFigures, district_overview
from proforient.surveys.qtypes import Column, ResponseAnswers
from proforient.surveys.response_models import Answer, AnswerText, Response
from proforient.surveys.results import SUPPRESSED
from proforient.surveys.spec import SurveySpec

CHUNK = 1000
PERCENT = "0.0%"


def columns(spec: SurveySpec) -> list[Column]:
    """Each question's columns, as its type names them."""
    return [col for q in spec.questions for col in q.qtype.export_columns(q)]


def _exported_schools(campaign: Campaign, schools: list[School]):
    """(schools exported row by row, schools left out with their response counts)."""
    counts = response_counts(campaign.id)
    minimum = min_group()
    kept, left_out = [], []
    for school in schools:
        n = counts.n(school.id)
        if n >= minimum:
            kept.append(school)
        elif n:
            left_out.append((school, n))
    return kept, left_out


def note_lines(left_out: list[tuple[School, int]]) -> list[str]:
    minimum = min_group()
    lines = [
        f"Ответы школ, где меньше {minimum} ответов, построчно не выгружаются: "
        "так анонимность сохраняется и в малых группах."
    ]
    if left_out:
        lines.append(
            "Не выгружены: "
            + "; ".join(f"{school.short_name} ({fmt_number(n)})" for school, n in left_out)
            + "."
        )
    else:
        lines.append("Выгружены ответы всех школ.")
    return lines


def iter_responses(
    campaign: Campaign, spec: SurveySpec, schools: list[School], chunk: int = CHUNK
) -> Iterator[list]:
    """Rows (school, then one cell per column) read in chunks of `chunk` responses:
    three queries per chunk (responses, their answers, their texts)."""
    names = {s.id: s.short_name for s in schools}
    if not names:
        return
    writers = [(q, q.qtype.export_cells) for q in spec.questions]
    last = (0, 0)
    number = 0
    while True:
        page = db.session.execute(
            select(Response.school_id, Response.id)
            .where(
                Response.campaign_id == campaign.id,
                Response.school_id.in_(list(names)),
                tuple_(Response.school_id, Response.id) > tuple_(*last),
            )
            .order_by(Response.school_id, Response.id)
            .limit(chunk)
        ).all()
        if not page:
            return
        ids = [rid for _sid, rid in page]
        answers: dict[int, list] = {rid: [] for rid in ids}
        for rid, qid, option_id, row_id, value in db.session.execute(
            select(
                Answer.response_id,
                Answer.question_id,
                Answer.option_id,
                Answer.row_id,
                Answer.value,
            ).where(Answer.response_id.in_(ids))
        ):
            answers[rid].append((qid, option_id, row_id, value))
        texts: dict[int, dict[int, list[str]]] = {rid: {} for rid in ids}
        for rid, qid, text in db.session.execute(
            select(AnswerText.response_id, AnswerText.question_id, AnswerText.text)
            .where(AnswerText.response_id.in_(ids))
            .order_by(AnswerText.id)
        ):
            texts[rid].setdefault(qid, []).append(text)
        for school_id, rid in page:
            number += 1
            given = ResponseAnswers(answers[rid], texts[rid])
            row = [number, names[school_id]]
            for q, cells in writers:
                row.extend(cells(q, given))
            yield row
        last = page[-1]


def responses_table(campaign: Campaign, spec: SurveySpec, schools: list[School]):
    """(header, rows) for CSV: rows is a generator; a note row ends it when schools were
    left out."""
    kept, left_out = _exported_schools(campaign, schools)
    header = ["№", "Школа", *(c.header for c in columns(spec))]

    def rows():
        yield from iter_responses(campaign, spec, kept)
        if left_out:
            yield []
            for line in note_lines(left_out):
                yield ["Примечание", line]

    return header, rows()


def _header_cells(ws, values: list[str]) -> list:
    cells = []
    for value in values:
        cell = sheet_cell(ws, value)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    return cells


def responses_workbook(campaign: Campaign, spec: SurveySpec, schools: list[School]) -> Workbook:
    """A write-only workbook (rows go straight to a temporary file): sheet «Ответы», one
    row per response; sheet «Примечание» with the anonymity rule and what was left out."""
    kept, left_out = _exported_schools(campaign, schools)
    cols = columns(spec)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Ответы")
    ws.freeze_panes = "C2"
    ws.column_dimensions["A"].width = 7
    ws.column_dimensions["B"].width = 30
    for i, col in enumerate(cols, start=3):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    append_row(ws, _header_cells(ws, ["№", "Школа", *(c.header for c in cols)]))
    for row in iter_responses(campaign, spec, kept):
        append_row(ws, row)
    note = wb.create_sheet("Примечание")
    note.column_dimensions["A"].width = 120
    append_row(note, [campaign.title])
    append_row(
        note,
        [f"{campaign.audience_label.capitalize()}, {academic_year_label(campaign.academic_year)}"],
    )
    append_row(note, [f"Выгружено {fmt_date(local_today())}."])
    for line in note_lines(left_out):
        append_row(note, [line])
    return wb


def summary_workbook(campaign: Campaign) -> Workbook:
    """One row per school: responses, enrolment of the surveyed grades, response rate,
    satisfaction level and the share of 4–5 per index question (matrix row)."""
    ov = district_overview(campaign, sort="name")
    suppressed = SUPPRESSED
    header = [
        "№",
        "Школа",
        "Ответов",
        "Обучающихся в опрошенных классах",
        "Охват",
        "Уровень удовлетворённости",
        *(f"{item.label} — доля 4–5" for item in ov.items),
    ]

    def figures(row: SchoolFigures) -> list:
        if row.n == 0:
            return ["нет ответов"] * (1 + len(ov.items))
        if row.suppressed:
            return [suppressed] * (1 + len(ov.items))
        return [row.satisfaction, *(row.item_share(item) for item in ov.items)]

    rows = [
        [i, row.school.short_name, row.n, row.enrolment, row.rate, *figures(row)]
        for i, row in enumerate(ov.rows, start=1)
    ]
    total = ov.total
    total_row = ["", "Итого по округу", total.n, total.enrolment, total.rate, *figures(total)]
    wb = new_workbook()
    ws = wb.create_sheet("Сводка по школам")
    title = f"{campaign.title}: сводка по школам на {fmt_date(local_today())}"
    write_table(
        ws,
        header,
        rows,
        total=total_row,
        title=title,
        widths=[5, 40, 10, 14, 10, 16] + [18] * len(ov.items),
    )
    # Shares as real percentages Excel can sort and chart.
    for row in ws.iter_rows(min_row=3, min_col=5, max_col=len(header)):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = PERCENT
    note = wb.create_sheet("Примечание")
    note.column_dimensions["A"].width = 120
    for line in [
        campaign.title,
        "Уровень удовлетворённости — доля ответов в двух верхних баллах («Полностью» и "
        "«Скорее удовлетворён(а)», оценки 4–5) среди ответов на вопросы индекса.",
        "Охват — число ответов ÷ число обучающихся опрошенных классов.",
        f"Если в школе меньше {min_group()} ответов, её показатели не приводятся "
        f"(«{suppressed}»), но ответы входят в итог по округу.",
    ]:
        append_row(note, [line])
    return wb
