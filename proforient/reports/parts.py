"""Pieces both printed summaries share: the title block, section headings, the indicators
table and survey charts."""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from proforient.core.formatting import fmt_date
from proforient.core.timeutil import academic_year_label, local_today
from proforient.indicators import GROUPS, Indicator, Row
from proforient.pdf.charts import Bar, bar_chart
from proforient.pdf.styles import BAD, GOOD, HEADER_BG, MUTED, styles
from proforient.pdf.tables import data_table
from proforient.pdf.text import para, rich
from proforient.surveys.results import SUPPRESSED, QuestionResult

# The survey minimum in words, for the suppression notice.
SUPPRESSION_NOTE = (
    "При числе ответов меньше {n} результаты не показываются, чтобы сохранить анонимность опроса."
)


def title_block(title: str, subject: str, year: int | None, note: str = "") -> list[Flowable]:
    """Department, document title, who it is about, the academic year (if one), the date
    made."""
    st = styles()
    year_line = (
        [rich("<b>{year}</b>", st["kicker"], year=academic_year_label(year))] if year else []
    )
    return [
        para(current_app.config.get("DEPARTMENT_NAME", "Отдел образования"), st["kicker"]),
        Spacer(1, 2 * mm),
        para(title, st["title"]),
        para(subject, st["subtitle_tight"]),
        *year_line,
        Spacer(1, 2 * mm),
        para(f"Сформировано {fmt_date(local_today())}. {note}".strip(), st["small"]),
    ]


def heading(text: str, level: int = 2, *, keep: bool = True) -> Flowable:
    """A section heading; `keep=False` before a table long enough to split anyway."""
    name = "h3" if level == 3 else "h2" if keep else "h2_free"
    return para(text, styles()[name])


def note(text: str) -> Flowable:
    return para(text, styles()["note"])


def year_cell(ind: Indicator) -> str:
    """A value in a table of years: the value with its typed-in mark, and its share."""
    if ind.value is None:
        return "—"
    text = ind.value_text + ind.mark
    if ind.share is not None:
        text += f" ({ind.share_text})"
    return text


def _hex(colour) -> str:
    return colour.hexval().replace("0x", "#")


def _change_cell(ind: Indicator) -> Flowable:
    st = styles()
    text = ind.change_text
    colour = {"good": GOOD, "bad": BAD}.get(ind.assessment)
    if not text or colour is None:
        return para(text, st["tcell_right"])
    return rich(
        '<font color="{colour}">{text}</font>', st["tcell_right"], colour=_hex(colour), text=text
    )


def _label_cell(ind: Indicator, label: str | None = None) -> Flowable:
    """The measure's label (or its indicator's, in bold, for a one-measure indicator), with
    «по 12 из 16 ОО» under a district figure that not every school gave."""
    template = "<b>{label}</b>" if label else "{label}"
    extra = ind.coverage_text
    if extra:
        template += '<br/><font size="7" color="{muted}">{extra}</font>'
    return rich(
        template, styles()["tcell"], label=label or ind.label, extra=extra, muted=_hex(MUTED)
    )


def indicators_table(row: Row, previous_label: str) -> Table:
    """Every measure of the set for one school or the district: value, base, share, last
    year and the change, grouped under the thirteen indicators."""
    header = ["№", "Показатель", "Ед.", "Значение", "База", "Доля", previous_label, "Измен."]
    body: list[list] = []
    group_rows: list[int] = []
    missing_rows: list[int] = []
    group = None
    for ind in row.indicators.values():
        label = None
        if ind.definition.group != group:
            group = ind.definition.group
            if "." in ind.number:
                group_rows.append(len(body) + 1)
                body.append([f"{group}.", GROUPS[group], "", "", "", "", "", ""])
            else:
                # A one-measure indicator: its values go on the indicator's own line.
                label = GROUPS[group]
        if ind.value is None:
            missing_rows.append(len(body) + 1)
        body.append(_measure_row(ind, label))
    widths = [8 * mm, 68 * mm, 13 * mm, 16 * mm, 14 * mm, 13 * mm, 13 * mm, 15 * mm]
    extra = []
    for r in group_rows:
        extra += [("SPAN", (1, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), HEADER_BG)]
    extra += [("SPAN", (3, r), (5, r)) for r in missing_rows]
    return data_table(header, body, widths, numeric_from=3, extra_style=extra, compact=True)


def _measure_row(ind: Indicator, label: str | None = None) -> list:
    """A measure's line. Without a value, its reason fills the value, base and share
    columns (the caller spans them)."""
    if ind.value is None:
        reason = rich(
            '<font color="{muted}">{note}</font>',
            styles()["tcell_small"],
            muted=_hex(MUTED),
            note=ind.note or "нет данных",
        )
        head = [ind.number, _label_cell(ind, label), ind.unit]
        return [*head, reason, "", "", ind.previous_text, ""]
    return [
        ind.number,
        _label_cell(ind, label),
        ind.unit,
        ind.value_text,
        ind.base_text,
        ind.share_text,
        ind.previous_text,
        _change_cell(ind),
    ]


# --- Survey questions as charts ------------------------------------------------------------


def question_bars(result: QuestionResult) -> list[Bar]:
    return [Bar(*line) for line in result.q.qtype.chart_lines(result)]


def question_block(
    result: QuestionResult, width: float, compare: bool = True, scale: float = 1.0
) -> list[Flowable]:
    st = styles()
    q = result.q
    caption = f"{q.number}. {q.text}"
    hint = q.qtype.chart_hint
    parts: list[Flowable] = [para(caption, st["q"])]
    if hint:
        parts.append(para(hint, st["small"]))
    bars = question_bars(result)
    if not compare:
        bars = [Bar(b.label, b.value, None) for b in bars]
    parts.append(bar_chart(bars, width, scale=scale))
    return parts


def suppressed_block(n: int, minimum: int) -> Flowable:
    st = styles()
    return rich(
        "<b>{suppressed}</b> (анкет: {n}). {why}",
        st["base"],
        suppressed=SUPPRESSED[0].upper() + SUPPRESSED[1:],
        n=n,
        why=SUPPRESSION_NOTE.format(n=minimum),
    )


def key_value_table(pairs: Sequence[tuple[str, str]], widths: Sequence[float]) -> Table:
    """Two columns of label and value, unruled, for a block of headline figures."""
    st = styles()
    data = [[para(k, st["cell"]), para(v, st["cell_bold"])] for k, v in pairs]
    table = Table(data, colWidths=list(widths))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table
