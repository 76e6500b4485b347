"""Ruled tables: the header repeats on every page, numbers align right, text is escaped."""

from collections.abc import Collection, Sequence

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from proforient.pdf.styles import GRID, HEADER_BG, TOTAL_BG, styles
from proforient.pdf.text import para


def cell(value, *, right: bool = False, bold: bool = False, compact: bool = False) -> Flowable:
    """A table cell: flowables pass through, anything else is printed as plain text."""
    if isinstance(value, Flowable):
        return value
    name = (
        ("tcell" if compact else "cell") + ("_right" if right else "") + ("_bold" if bold else "")
    )
    return para(value, styles()[name])


def data_table(
    header: Sequence,
    rows: Sequence[Sequence],
    col_widths: Sequence[float] | None = None,
    *,
    total: Sequence | None = None,
    numeric_from: int = 1,
    header_rows: Sequence[Sequence] = (),
    extra_style: Sequence[tuple] = (),
    compact: bool = False,
    text_columns: Collection[int] = (),
) -> Table:
    """A ruled table. `header` is the column heads (repeated on every page); optional
    `header_rows` go above it (column groups, spanned with `extra_style`); columns from
    `numeric_from` on align right, except `text_columns` (negative indexes count from the
    end); an optional totals row in bold; `compact` prints smaller."""
    heads = [list(r) for r in header_rows] + [list(header)]
    text = {i % len(header) for i in text_columns}

    def right(i: int) -> bool:
        return i >= numeric_from and i not in text

    data = [
        [h if isinstance(h, Paragraph) else cell(h, bold=True, compact=compact) for h in row]
        for row in heads
    ]
    data += [[cell(v, right=right(i), compact=compact) for i, v in enumerate(row)] for row in rows]
    if total is not None:
        data.append(
            [cell(v, right=right(i), bold=True, compact=compact) for i, v in enumerate(total)]
        )
    n_heads = len(heads)
    table = Table(data, colWidths=col_widths, repeatRows=n_heads)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, n_heads - 1), HEADER_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5 if compact else 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2 if compact else 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if total is not None:
        style.append(("BACKGROUND", (0, -1), (-1, -1), TOTAL_BG))
    style.extend(extra_style)
    table.setStyle(TableStyle(style))
    return table


def layout_table(rows: Sequence[Sequence], col_widths: Sequence[float]) -> Table:
    """An unruled grid that only places things side by side (charts, tables)."""
    table = Table([list(r) for r in rows], colWidths=list(col_widths))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table
