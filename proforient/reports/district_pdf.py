"""The district's summary of a year (A4 landscape): every indicator over the years, one row
per school with the key indicators, rankings by satisfaction and by coverage, the schools
that need attention, and the action plan's execution."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import zip_longest

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer

from proforient.core.formatting import fmt_number, fmt_percent
from proforient.core.timeutil import academic_year_label
from proforient.indicators import (
    BY_KEY,
    DEFINITIONS,
    Flag,
    History,
    Indicator,
    IndicatorTable,
    Row,
)
from proforient.indicators.values import SUPPRESSED, min_group
from proforient.pdf.charts import column_chart
from proforient.pdf.document import build_pdf, frame_width
from proforient.pdf.styles import GRID, HEADER_BG, styles
from proforient.pdf.tables import data_table, layout_table
from proforient.pdf.text import para, rich
from proforient.plan.models import SECTIONS, ExecutionStatus
from proforient.plan.services import PlanRow
from proforient.reports.parts import heading, note, title_block, year_cell

WIDTH = frame_width(wide=True)
CHARTS = ("children", "students_satisfaction", "parents_satisfaction", "schools_with_agreement")


@dataclass
class PlanSummary:
    rows: list[PlanRow]
    counts: dict[str, int]
    linked: dict[int, int]  # execution id -> linked events


def short_year(year: int) -> str:
    """2025 → «2025/26», for narrow column heads."""
    return f"{year}/{str(year + 1)[-2:]}"


def district_pdf(history: History, table: IndicatorTable, plan: PlanSummary) -> bytes:
    year = table.year
    n = len(table.rows)
    story: list[Flowable] = title_block(
        "Профориентационная работа в образовательных организациях округа",
        f"Сводка по {n} образовательным организациям",
        year,
        note="Значения округа — сумма по действующим ОО; мероприятие, в котором участвовали "
        "несколько ОО, считается один раз.",
    )
    story += _dynamics(history, year)
    story.append(PageBreak())
    story += _schools(table)
    story += _attention(table)
    story += _rankings(table)
    story += _plan(plan, year)
    return build_pdf(
        story,
        f"Сводка по округу, {academic_year_label(year)}",
        wide=True,
        running_title=f"Сводка по округу · {academic_year_label(year)}",
    )


def _dynamics(history: History, year: int) -> list[Flowable]:
    out: list[Flowable] = [heading("1. Показатели округа по годам", keep=False)]
    years = history.years[-6:]
    charts = []
    for key in CHARTS:
        d = BY_KEY[key]
        series = [history.values[key][y] for y in years]
        level = d.unit == "%"
        points = [
            (short_year(y), i.value if level else i.share)
            for y, i in zip(years, series, strict=True)
        ]
        charts.append(
            [
                para(
                    f"{d.number}. {d.short}" + ("" if level else ", доля"), styles()["tcell_bold"]
                ),
                column_chart(points, WIDTH / 4 - 8 * mm, 28 * mm, percent=True),
            ]
        )
    out += [layout_table([charts], [WIDTH / 4] * 4), Spacer(1, 3 * mm)]

    header = ["№", "Показатель", "Ед.", *[short_year(y) for y in years], "Изменение за год"]
    rows = []
    for d in DEFINITIONS:
        series = history.values[d.key]
        rows.append(
            [
                d.number,
                d.label,
                d.unit,
                *[year_cell(series[y]) for y in years],
                series[year].change_text,
            ]
        )
    label_w = WIDTH - (12 + 16 + 26 * len(years) + 22) * mm
    widths = [12 * mm, label_w, 16 * mm, *[26 * mm] * len(years), 22 * mm]
    out.append(data_table(header, rows, widths, numeric_from=3, compact=True))
    out.append(
        note("В скобках — доля от базы показателя (см. сводку ОО). Прочерк — данных за год нет.")
    )
    return out


def _brief(ind: Indicator) -> str:
    """A figure for a narrow cell: the value, «< 5 анк.» when suppressed, else a dash."""
    if ind.value is not None:
        return ind.value_text
    return f"< {min_group()} анк." if ind.note == SUPPRESSED else "—"


def _level(key: str) -> Callable[[Row], str]:
    def text(r: Row) -> str:
        ind = r[key]
        return f"{ind.value_text} ({ind.base_text})" if ind.value is not None else _brief(ind)

    return text


def _share(key: str) -> Callable[[Row], str]:
    return lambda r: r[key].share_text or "—"


def _awards(r: Row) -> str:
    a, b = r["winners"], r["prizewinners"]
    return "—" if a.value is None or b.value is None else fmt_number(a.value + b.value)


# The key indicators of a school's row: (column head, its text).
KEY_COLUMNS: list[tuple[str, Callable[[Row], str]]] = [
    ("Мероприятия", lambda r: _brief(r["events"])),
    ("Участия", lambda r: _brief(r["participations"])),
    ("Дети без повторов", lambda r: year_cell(r["children"])),
    ("Победители и призёры", _awards),
    ("Договоры", lambda r: _brief(r["agreements"])),
    ("Прошли пробы", lambda r: _brief(r["prof_trial_students"])),
    ("Удовл. обучающихся", _level("students_satisfaction")),
    ("Охват обучающихся", _share("students_responses")),
    ("Удовл. родителей", _level("parents_satisfaction")),
    ("Охват родителей", _share("parents_responses")),
]


def _schools(table: IndicatorTable) -> list[Flowable]:
    out: list[Flowable] = [heading("2. Образовательные организации", keep=False)]
    header = ["№", "Образовательная организация", *[c for c, _f in KEY_COLUMNS], "Отметки"]
    rows = [
        [i, r.name, *[f(r) for _c, f in KEY_COLUMNS], "; ".join(f.label for f in r.flags)]
        for i, r in enumerate(table.rows, start=1)
    ]
    total = ["", "Итого по округу", *[f(table.district) for _c, f in KEY_COLUMNS], ""]
    widths = [8 * mm, 46 * mm, *[15.5 * mm] * len(KEY_COLUMNS), 0]
    widths[-1] = WIDTH - sum(widths)
    out.append(
        data_table(
            header, rows, widths, total=total, compact=True, numeric_from=2, text_columns=[-1]
        )
    )
    out.append(
        note(
            "Удовлетворённость — доля ответов «полностью» и «скорее удовлетворён(а)» (4–5 из 5) "
            "на вопросы индекса; в скобках — число анкет. Охват — анкеты ÷ обучающиеся опрошенных "
            f"классов. «< {min_group()} анк.» — ответов меньше порога анонимности."
        )
    )
    return out


def _attention(table: IndicatorTable) -> list[Flowable]:
    out: list[Flowable] = [heading("3. Обратите внимание")]
    flagged = [(label, table.flagged(code)) for code, label in Flag.choices()]
    flagged = [(label, rows) for label, rows in flagged if rows]
    if not flagged:
        return [*out, para("Замечаний нет.", styles()["cell"])]
    for label, rows in flagged:
        names = "; ".join(r.name for r in rows)
        out.append(
            rich(
                "<b>{label}</b> ({n}): {names}.",
                styles()["cell"],
                label=label[0].upper() + label[1:],
                n=len(rows),
                names=names,
            )
        )
        out.append(Spacer(1, 1.5 * mm))
    return out


def _ranked(rows: list[Row], key) -> tuple[list[tuple[int, Row, float]], list[Row]]:
    """Schools with a figure, best first and numbered; and those without one."""
    scored = [(key(r), r) for r in rows]
    ranked = sorted(((v, r) for v, r in scored if v is not None), key=lambda p: (-p[0], p[1].name))
    return [(i, r, v) for i, (v, r) in enumerate(ranked, start=1)], [
        r for v, r in scored if v is None
    ]


def _ranking_cells(ranked, cells) -> list[list]:
    return [[rank, r.name, fmt_percent(v), *cells(r)] for rank, r, v in ranked]


def _rankings(table: IndicatorTable) -> list[Flowable]:
    """Both rankings side by side in one table, so it breaks across pages row by row
    however many schools there are."""
    out: list[Flowable] = [CondPageBreak(60 * mm), heading("4. Рейтинги", keep=False)]
    by_satisfaction, no_satisfaction = _ranked(table.rows, Row.combined_satisfaction)
    by_coverage, no_coverage = _ranked(table.rows, Row.combined_coverage)
    if not by_satisfaction and not by_coverage:
        return [*out, para("Данных для рейтинга нет: анкетирование не проводилось.", _st())]
    left = _ranking_cells(
        by_satisfaction,
        lambda r: [_brief(r["students_satisfaction"]), _brief(r["parents_satisfaction"])],
    )
    right = _ranking_cells(
        by_coverage, lambda r: [_share("students_responses")(r), _share("parents_responses")(r)]
    )
    blank = [""] * 5
    rows = [a + b for a, b in zip_longest(left, right, fillvalue=blank)]
    half = ["Место", "ОО", "Вместе", "Обучающиеся", "Родители"]
    groups = ["По удовлетворённости", "", "", "", "", "По охвату анкетированием", "", "", "", ""]
    side = [11 * mm, 52 * mm, 16 * mm, 22 * mm, 22 * mm]
    out.append(
        data_table(
            half + half,
            rows,
            side + side,
            numeric_from=2,
            text_columns=[6],
            header_rows=[groups],
            extra_style=[
                ("SPAN", (0, 0), (4, 0)),
                ("SPAN", (5, 0), (9, 0)),
                ("LINEBEFORE", (5, 0), (5, -1), 1.2, GRID),
            ],
            compact=True,
        )
    )
    for label, rows_without in (("удовлетворённости", no_satisfaction), ("охвату", no_coverage)):
        if rows_without:
            names = "; ".join(r.name for r in rows_without)
            out.append(note(f"Без места по {label}: {names}."))
    out.append(
        note(
            "«Вместе» — ответы обучающихся и родителей вместе. Место получают школы, у которых "
            "есть ответы сверх порога анонимности."
        )
    )
    return out


def _st():
    return styles()["cell"]


def _plan(plan: PlanSummary, year: int) -> list[Flowable]:
    out: list[Flowable] = [
        PageBreak(),
        heading(f"5. Исполнение плана мероприятий, {academic_year_label(year)}", keep=False),
    ]
    counts = plan.counts
    summary = (
        ", ".join(f"{label} — {counts.get(code, 0)}" for code, label in ExecutionStatus.choices())
        + f", не отмечено — {counts.get('none', 0)}"
    )
    out.append(para(f"Пунктов плана: {len(plan.rows)}; {summary}.", styles()["cell"]))
    out.append(Spacer(1, 2 * mm))
    rows = []
    section_rows = []
    section = None
    for r in plan.rows:
        if r.item.section != section:
            section = r.item.section
            if section in SECTIONS:
                section_rows.append(len(rows) + 1)
                rows.append([f"{section}.", SECTIONS[section], "", "", "", ""])
        ex = r.execution
        rows.append(
            [
                r.item.number,
                r.item.title,
                r.item.deadline,
                ex.status_label if ex else "не отмечено",
                ex.note if ex else "",
                fmt_number(plan.linked.get(ex.id, 0)) if ex else "",
            ]
        )
    widths = [12 * mm, 90 * mm, 38 * mm, 26 * mm, 0, 22 * mm]
    widths[4] = WIDTH - sum(widths)
    extra = []
    for r in section_rows:
        extra += [("SPAN", (1, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), HEADER_BG)]
    out.append(
        data_table(
            ["№", "Мероприятие плана", "Срок", "Исполнение", "Примечание", "Мероприятий в реестре"],
            rows,
            widths,
            numeric_from=5,
            extra_style=extra,
            compact=True,
        )
    )
    return out
