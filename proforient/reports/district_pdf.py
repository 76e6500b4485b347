"""The district's summary of a year (A4 landscape): every indicator over the years, one row
per school with the key indicators, rankings by satisfaction and by coverage, the schools
that need attention, and the action plan's execution."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer

from proforient.core.formatting import fmt_number, fmt_percent
from proforient.core.timeutil import academic_year_label
from proforient.indicators import BY_KEY, DEFINITIONS, FLAG_LABELS, History, IndicatorTable, Row
from proforient.pdf.charts import column_chart
from proforient.pdf.document import build_pdf, frame_width
from proforient.pdf.styles import HEADER_BG, styles
from proforient.pdf.tables import data_table, layout_table
from proforient.pdf.text import para
from proforient.plan.models import SECTIONS, ExecutionStatus
from proforient.plan.services import PlanRow
from proforient.reports.parts import heading, note, title_block

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
    story += _rankings(table)
    story += _attention(table)
    story += _plan(plan, year)
    return build_pdf(
        story,
        f"Сводка по округу, {academic_year_label(year)}",
        wide=True,
        running_title=f"Сводка по округу · {academic_year_label(year)}",
    )


def _cell(ind) -> str:
    if ind.value is None:
        return "—"
    if ind.share is not None:
        return f"{ind.value_text} ({ind.share_text})"
    return ind.value_text


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
                *[_cell(series[y]) for y in years],
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


# Key indicators per school: (heading, value of a row).
def _key_columns() -> list[tuple[str, callable]]:
    def level(key):
        return lambda r: (
            f"{r[key].value_text} ({r[key].base_text})"
            if r[key].value is not None
            else (r[key].note or "—")
        )

    def share(key):
        return lambda r: r[key].share_text or "—"

    return [
        ("Мероприятия", lambda r: r["events"].value_text),
        ("Участия", lambda r: r["participations"].value_text),
        ("Дети без повторов", lambda r: _cell(r["children"])),
        ("Победители и призёры", lambda r: _sum_text(r["winners"], r["prizewinners"])),
        ("Договоры", lambda r: r["agreements"].value_text),
        ("Прошли пробы", lambda r: r["prof_trial_students"].value_text),
        ("Удовл. обучающихся", level("students_satisfaction")),
        ("Охват обучающихся", share("students_responses")),
        ("Удовл. родителей", level("parents_satisfaction")),
        ("Охват родителей", share("parents_responses")),
    ]


def _sum_text(a, b) -> str:
    if a.value is None or b.value is None:
        return "—"
    return fmt_number(a.value + b.value)


def _schools(table: IndicatorTable) -> list[Flowable]:
    out: list[Flowable] = [heading("2. Образовательные организации", keep=False)]
    columns = _key_columns()
    header = ["№", "Образовательная организация", *[c for c, _f in columns], "Отметки"]
    rows = [
        [i, r.name, *[f(r) for _c, f in columns], "; ".join(f.label for f in r.flags)]
        for i, r in enumerate(table.rows, start=1)
    ]
    total = ["", "Итого по округу", *[f(table.district) for _c, f in columns], ""]
    widths = [8 * mm, 50 * mm, *[17 * mm] * len(columns), 0]
    widths[-1] = WIDTH - sum(widths)
    out.append(data_table(header, rows, widths, numeric_from=2, total=total, compact=True))
    out.append(
        note(
            "Удовлетворённость — доля ответов «полностью» и «скорее удовлетворён(а)» (4–5 из 5) "
            "на вопросы индекса; в скобках — число анкет. Охват — анкеты ÷ обучающиеся опрошенных "
            "классов."
        )
    )
    return out


def _ranked(rows: list[Row], key) -> list[tuple[int | None, Row, float | None]]:
    scored = sorted(rows, key=lambda r: (key(r) is None, -(key(r) or 0), r.name))
    out = []
    rank = 0
    for r in scored:
        value = key(r)
        if value is not None:
            rank += 1
        out.append((rank if value is not None else None, r, value))
    return out


def _rankings(table: IndicatorTable) -> list[Flowable]:
    out: list[Flowable] = [CondPageBreak(60 * mm), heading("3. Рейтинги")]
    by_satisfaction = _ranked(table.rows, Row.combined_satisfaction)
    by_coverage = _ranked(table.rows, Row.combined_coverage)

    def level(ind) -> str:
        return ind.value_text if ind.value is not None else (ind.note or "—")

    left = data_table(
        ["Место", "ОО", "Вместе", "Обучающиеся", "Родители"],
        [
            [
                rank or "—",
                r.name,
                fmt_percent(v) if v is not None else "—",
                level(r["students_satisfaction"]),
                level(r["parents_satisfaction"]),
            ]
            for rank, r, v in by_satisfaction
        ],
        [12 * mm, 48 * mm, 16 * mm, 24 * mm, 24 * mm],
        numeric_from=2,
        compact=True,
    )
    right = data_table(
        ["Место", "ОО", "Вместе", "Обучающиеся", "Родители"],
        [
            [
                rank or "—",
                r.name,
                fmt_percent(v) if v is not None else "—",
                r["students_responses"].share_text or "—",
                r["parents_responses"].share_text or "—",
            ]
            for rank, r, v in by_coverage
        ],
        [12 * mm, 48 * mm, 16 * mm, 24 * mm, 24 * mm],
        numeric_from=2,
        compact=True,
    )
    heads = [heading("По удовлетворённости", 3), heading("По охвату анкетированием", 3)]
    out.append(layout_table([heads, [left, right]], [WIDTH / 2, WIDTH / 2]))
    out.append(
        note(
            "«Вместе» — ответы обучающихся и родителей вместе; школы с недостаточным числом "
            "ответов места не получают."
        )
    )
    return out


def _attention(table: IndicatorTable) -> list[Flowable]:
    out: list[Flowable] = [CondPageBreak(40 * mm), heading("4. Обратите внимание")]
    any_flag = False
    for code, label in FLAG_LABELS.items():
        rows = table.flagged(code)
        if not rows:
            continue
        any_flag = True
        out.append(
            para(
                f"{label[0].upper()}{label[1:]} ({len(rows)}): "
                + "; ".join(r.name for r in rows)
                + ".",
                styles()["cell"],
            )
        )
        out.append(Spacer(1, 1.5 * mm))
    if not any_flag:
        out.append(para("Замечаний нет.", styles()["cell"]))
    return out


def _plan(plan: PlanSummary, year: int) -> list[Flowable]:
    out: list[Flowable] = [
        PageBreak(),
        heading(f"5. Исполнение плана мероприятий, {academic_year_label(year)}", keep=False),
    ]
    counts = plan.counts
    summary = (
        ", ".join(
            f"{label} — {counts.get(code, 0)}" for code, label in ExecutionStatus.LABELS.items()
        )
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
