"""The concept's final report (A4 landscape): charts of the key indicators over the years,
every indicator year by year for each stage with the stage's change, a page of the
department's conclusions per stage, and the action plan's execution."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from proforient.core.formatting import fmt_percent
from proforient.indicators import BY_KEY, GROUPS
from proforient.pdf.charts import column_chart
from proforient.pdf.document import build_pdf, frame_width
from proforient.pdf.styles import HEADER_BG, styles
from proforient.pdf.tables import data_table, layout_table
from proforient.pdf.text import para, rich
from proforient.plan.models import ExecutionStatus
from proforient.reports.concept import CHARTS, Concept, StageBlock
from proforient.reports.district_pdf import short_year
from proforient.reports.parts import heading, note, title_block, year_cell

WIDTH = frame_width(wide=True)
TITLE = "Итоги реализации концепции профориентации обучающихся"
MANUAL_NOTE = "* — значение введено вручную (по данным прошлых лет)."


def stage_years(stage) -> str:
    return f"{stage.first_year}/{stage.first_year + 1} — {stage.last_year}/{stage.last_year + 1}"


def concept_pdf(concept: Concept) -> bytes:
    first, last = concept.years[0], concept.years[-1]
    story: list[Flowable] = title_block(
        TITLE,
        f"{first}–{last + 1} годы",
        None,
        note="Значения округа — сумма по действующим образовательным организациям.",
    )
    st = styles()
    for block in concept.stages:
        story.append(
            para(f"{block.stage.title}: {stage_years(block.stage)} учебные годы.", st["cell"])
        )
    story.append(Spacer(1, 3 * mm))
    story += _charts(concept)
    for block in concept.stages:
        story.append(PageBreak())
        story += _stage_table(block)
        story.append(PageBreak())
        story += _conclusions(block)
    story.append(PageBreak())
    story += _plan(concept)
    return build_pdf(story, TITLE, wide=True, running_title=f"{TITLE}, {first}–{last + 1}")


def _charts(concept: Concept) -> list[Flowable]:
    out: list[Flowable] = [heading("Ключевые показатели по годам")]
    cells = []
    width = WIDTH / 4
    for key, use_share in CHARTS:
        d = BY_KEY[key]
        series = concept.series(key)
        level = d.unit == "%"
        points = [
            (short_year(y), i.value if level else (i.share if use_share else i.value))
            for y, i in zip(concept.years, series, strict=True)
        ]
        title = f"{d.number}. {d.short}" + (", доля" if use_share else "")
        cells.append(
            [
                para(title, styles()["tcell_bold"]),
                column_chart(points, width - 8 * mm, 30 * mm, percent=level or use_share),
            ]
        )
    rows = [cells[i : i + 4] for i in range(0, len(cells), 4)]
    out.append(layout_table(rows, [width] * 4))
    out.append(note("Тёмный столбец — последний год. Прочерк — за год нет данных."))
    return out


def _stage_table(block: StageBlock) -> list[Flowable]:
    stage = block.stage
    out: list[Flowable] = [heading(f"{stage.title}: {stage_years(stage)}", keep=False)]
    header = ["№", "Показатель", "Ед.", *[short_year(y) for y in block.years], "За этап"]
    rows: list[list] = []
    groups: list[int] = []
    group = None
    manual = False
    for key, values in block.values.items():
        d = BY_KEY[key]
        if d.group != group:
            group = d.group
            if "." in d.number:
                groups.append(len(rows) + 1)
                rows.append([f"{group}.", GROUPS[group], *[""] * (len(block.years) + 2)])
        label = GROUPS[group] if "." not in d.number else d.label
        manual = manual or any(v.mark for v in values)
        rows.append(
            [d.number, label, d.unit, *[year_cell(v) for v in values], block.changes[key].text]
        )
    year_w = 28 * mm
    label_w = WIDTH - (12 + 16 + 44) * mm - year_w * len(block.years)
    widths = [12 * mm, label_w, 16 * mm, *[year_w] * len(block.years), 44 * mm]
    extra = []
    for r in groups:
        extra += [("SPAN", (1, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), HEADER_BG)]
    out.append(data_table(header, rows, widths, numeric_from=3, extra_style=extra, compact=True))
    out.append(
        note(
            "В скобках — доля от базы показателя. «За этап» — изменение от первого до "
            "последнего года этапа, за которые есть данные." + (" " + MANUAL_NOTE if manual else "")
        )
    )
    return out


def _conclusions(block: StageBlock) -> list[Flowable]:
    stage = block.stage
    out: list[Flowable] = [heading(f"Выводы отдела образования: {stage.title.lower()}")]
    out.append(para(f"{stage_years(stage)} учебные годы", styles()["small"]))
    out.append(Spacer(1, 3 * mm))
    text = (stage.conclusions or "").strip()
    if not text:
        out.append(para("Выводы по этапу ещё не внесены.", styles()["base"]))
        return out
    # Printed as typed: every line its own paragraph, blank lines kept as space.
    for line in text.splitlines():
        out.append(para(line, styles()["base"]) if line.strip() else Spacer(1, 3 * mm))
    return out


def _plan(concept: Concept) -> list[Flowable]:
    out: list[Flowable] = [heading("Исполнение плана мероприятий", keep=False)]
    st = styles()
    header = ["№", "Мероприятие плана", *[short_year(y) for y in concept.years]]
    rows = []
    for line in concept.plan:
        cells = []
        for year in concept.years:
            execution = line.executions.get(year)
            events = line.events.get(year, [])
            if execution is None:
                cells.append("—")
                continue
            if not events:
                cells.append(rich("<b>{status}</b>", st["tcell"], status=execution.status_label))
                continue
            more = f" и ещё {len(events) - 3}" if len(events) > 3 else ""
            cells.append(
                rich(
                    '<b>{status}</b><br/><font size="7">{titles}{more}</font>',
                    st["tcell"],
                    status=execution.status_label,
                    titles="; ".join(e.title for e in events[:3]),
                    more=more,
                )
            )
        rows.append([line.item.number, line.item.title, *cells])
    year_w = min(36 * mm, (WIDTH - 100 * mm) / max(len(concept.years), 1))
    widths = [
        12 * mm,
        WIDTH - 12 * mm - year_w * len(concept.years),
        *[year_w] * len(concept.years),
    ]
    out.append(data_table(header, rows, widths, numeric_from=99, compact=True))
    done = sum(
        1
        for line in concept.plan
        for e in line.executions.values()
        if e.status == ExecutionStatus.DONE
    )
    total = sum(len(line.executions) for line in concept.plan)
    if total:
        out.append(
            note(
                f"Отмечено исполнений: {total}, из них «выполнено» — {done} "
                f"({fmt_percent(done / total)}). Под статусом — мероприятия реестра, которыми "
                "пункт выполнен."
            )
        )
    return out
