"""A4 documents in Russian office conventions: margins 20 mm, left 30 mm, page numbers
from page 2, PT Sans throughout."""

from collections.abc import Sequence
from io import BytesIO

from flask import Response
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from proforient.core.exports import content_disposition
from proforient.reports.fonts import FAMILY, register_fonts

MARGIN = 20 * mm
MARGIN_LEFT = 30 * mm

GRID = colors.HexColor("#9aa5b1")
HEADER_BG = colors.HexColor("#e4ebf2")
TOTAL_BG = colors.HexColor("#f2f4f7")


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=FAMILY, fontSize=10, leading=13)
    return {
        "base": base,
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName="PTSans-Bold",
            fontSize=15,
            leading=19,
            alignment=TA_CENTER,
            spaceAfter=4 * mm,
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=base,
            fontSize=11,
            leading=14,
            alignment=TA_CENTER,
            spaceAfter=6 * mm,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName="PTSans-Bold",
            fontSize=12,
            leading=15,
            spaceBefore=5 * mm,
            spaceAfter=2 * mm,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11),
        "cell_bold": ParagraphStyle(
            "cell_bold", parent=base, fontName="PTSans-Bold", fontSize=9, leading=11
        ),
        "cell_right": ParagraphStyle(
            "cell_right", parent=base, fontSize=9, leading=11, alignment=TA_RIGHT
        ),
        "small": ParagraphStyle(
            "small", parent=base, fontSize=8, leading=10, textColor=colors.HexColor("#52606d")
        ),
    }


def _page_number(canvas, doc) -> None:
    # Russian practice: the first page carries no number.
    if doc.page < 2:
        return
    canvas.saveState()
    canvas.setFont(FAMILY, 9)
    width, _height = doc.pagesize
    center = doc.leftMargin + (width - doc.leftMargin - doc.rightMargin) / 2
    canvas.drawCentredString(center, MARGIN / 2, str(doc.page))
    canvas.restoreState()


def build_pdf(
    story: Sequence, title: str, *, wide: bool = False, author: str = "Профориент"
) -> bytes:
    register_fonts()
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4) if wide else A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=author,
        lang="ru-RU",
    )
    doc.build(list(story), onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence],
    col_widths: Sequence[float] | None = None,
    *,
    total: Sequence | None = None,
    numeric_from: int = 1,
) -> Table:
    """A ruled table: the header repeats on every page, numbers align right,
    an optional totals row in bold."""
    st = styles()

    def cell(value, col: int, bold: bool = False):
        if isinstance(value, Paragraph):
            return value
        text = "" if value is None else str(value)
        if bold:
            return Paragraph(text, st["cell_bold"])
        return Paragraph(text, st["cell_right"] if col >= numeric_from else st["cell"])

    data = [[Paragraph(h, st["cell_bold"]) for h in header]]
    data += [[cell(v, i) for i, v in enumerate(row)] for row in rows]
    if total is not None:
        data.append([cell(v, i, bold=True) for i, v in enumerate(total)])
    table = Table(data, colWidths=col_widths, repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if total is not None:
        style.append(("BACKGROUND", (0, -1), (-1, -1), TOTAL_BG))
    table.setStyle(TableStyle(style))
    return table


def pdf_response(content: bytes, filename: str, *, download: bool = False) -> Response:
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(filename, download)
    return response
