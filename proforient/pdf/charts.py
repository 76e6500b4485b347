"""Charts drawn with ReportLab graphics in the shipped font: horizontal bars comparing a
group with a reference (a school with the district), and columns of a value over years.

Labels are wrapped here to the width they are given (long words broken), because a
Drawing, unlike a Paragraph, does not wrap text by itself.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from proforient.core.formatting import fmt_percent
from proforient.pdf.fonts import BOLD, FAMILY, register_fonts
from proforient.pdf.styles import ACCENT, ACCENT_LIGHT, GRID, INK, MUTED
from proforient.pdf.text import wrap

LABEL_SIZE = 6.8
LEADING = 7.6
BAR = 2.5 * mm
THIN_BAR = 1.3 * mm
GAP = 0.8 * mm


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: a label and two shares 0…1 (None: nothing to show)."""

    label: str
    value: float | None
    reference: float | None = None


def _share_text(value: float | None) -> str:
    return fmt_percent(value, 0) if value is not None else "—"


def legend(width: float, labels: tuple[str, str] = ("ОО", "округ")) -> Drawing:
    """The key to the two bars, printed once over a set of charts."""
    register_fonts()
    d = Drawing(width, 4 * mm)
    x = 0.0
    for text, colour in zip(labels, (ACCENT, ACCENT_LIGHT), strict=True):
        d.add(Rect(x, 1 * mm, 4 * mm, 2.2 * mm, fillColor=colour, strokeColor=None))
        d.add(String(x + 5 * mm, 1 * mm, text, fontName=FAMILY, fontSize=7.5, fillColor=MUTED))
        x += 5 * mm + stringWidth(text, FAMILY, 7.5) + 6 * mm
    return d


def bar_chart(
    bars: Sequence[Bar],
    width: float,
    *,
    label_width: float | None = None,
    scale: float = 1.0,
) -> Drawing:
    """Horizontal bars, one row per `Bar`: the group's share as a dark bar and the
    reference's as a thin light bar under it, each followed by its percentage. `scale`
    below 1 draws the rows denser."""
    register_fonts()
    size, leading, bar_h, thin_h, gap = (
        v * scale for v in (LABEL_SIZE, LEADING, BAR, THIN_BAR, GAP)
    )
    label_width = label_width or width * 0.56
    value_width = 9 * mm
    bar_left = label_width + 1.5 * mm
    bar_width = max(width - bar_left - value_width, 10 * mm)
    has_reference = any(b.reference is not None for b in bars)
    bars_height = bar_h + (thin_h + 0.3 * mm if has_reference else 0)

    rows = []
    for bar in bars:
        lines = wrap(bar.label, FAMILY, size, label_width)
        rows.append((bar, lines, max(len(lines) * leading, bars_height)))
    height = sum(h for _b, _l, h in rows) + gap * len(rows)

    d = Drawing(width, height)
    y = height
    d.add(Line(bar_left, 0, bar_left, y, strokeColor=GRID, strokeWidth=0.4))
    for bar, lines, row_height in rows:
        for i, line in enumerate(lines):
            d.add(
                String(
                    0,
                    y - (i + 1) * leading + 1.6,
                    line,
                    fontName=FAMILY,
                    fontSize=size,
                    fillColor=INK,
                )
            )
        _bar(d, bar_left, y - bar_h, bar_width, bar_h, bar.value, ACCENT, bold=True)
        if has_reference:
            _bar(
                d,
                bar_left,
                y - bar_h - 0.3 * mm - thin_h,
                bar_width,
                thin_h,
                bar.reference,
                ACCENT_LIGHT,
                bold=False,
            )
        y -= row_height + gap
    return d


def _bar(d: Drawing, x, y, full, height, value, colour, *, bold: bool) -> None:
    length = max(0.0, min(value or 0.0, 1.0)) * full
    if length:
        d.add(Rect(x, y, length, height, fillColor=colour, strokeColor=None))
    text = _share_text(value)
    size = 7 if bold else 6
    d.add(
        String(
            x + length + 1 * mm,
            y + height / 2 - size * 0.35,
            text,
            fontName=BOLD if bold else FAMILY,
            fontSize=size,
            fillColor=INK if bold else MUTED,
        )
    )


def column_chart(
    points: Sequence[tuple[str, float | None]],
    width: float,
    height: float = 32 * mm,
    *,
    percent: bool = False,
    formatter=None,
) -> Drawing:
    """Columns of one value over years (labels under, values over), for dynamics.
    Years without a value get no column and a dash."""
    register_fonts()
    d = Drawing(width, height)
    values = [v for _l, v in points if v is not None]
    top = max(values) if values else 0
    if percent:
        top = max(top, 1.0) if top > 1 else 1.0
    axis = 6 * mm
    room = height - axis - 5 * mm
    n = max(len(points), 1)
    slot = width / n
    col = min(slot * 0.55, 14 * mm)
    d.add(Line(0, axis, width, axis, strokeColor=GRID, strokeWidth=0.5))
    for i, (label, value) in enumerate(points):
        cx = slot * i + slot / 2
        d.add(
            String(
                cx,
                1.5 * mm,
                label,
                fontName=FAMILY,
                fontSize=7,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
        if value is None:
            d.add(
                String(
                    cx,
                    axis + 1.5 * mm,
                    "—",
                    fontName=FAMILY,
                    fontSize=8,
                    fillColor=MUTED,
                    textAnchor="middle",
                )
            )
            continue
        h = room * (value / top) if top else 0
        last = i == len(points) - 1
        d.add(
            Rect(
                cx - col / 2,
                axis,
                col,
                h,
                fillColor=ACCENT if last else ACCENT_LIGHT,
                strokeColor=None,
            )
        )
        text = (
            formatter(value)
            if formatter
            else (fmt_percent(value, 0) if percent else f"{value:,.0f}".replace(",", "\u00a0"))
        )
        d.add(
            String(
                cx,
                axis + h + 1.2 * mm,
                text,
                fontName=BOLD if last else FAMILY,
                fontSize=7.5,
                fillColor=INK,
                textAnchor="middle",
            )
        )
    return d
