"""A4 documents in Russian office conventions: margins 20 mm, left 30 mm, page numbers from
page 2, PT Sans throughout."""

from collections.abc import Sequence
from io import BytesIO

from flask import Response
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus.flowables import FrameSplitter

from proforient.core.exports import content_disposition
from proforient.pdf.fonts import FAMILY, register_fonts
from proforient.pdf.styles import MUTED

MARGIN = 20 * mm
MARGIN_LEFT = 30 * mm
COLUMN_GAP = 6 * mm


def frame_width(wide: bool = False) -> float:
    """Width of the text frame of a page (portrait or landscape)."""
    width = landscape(A4)[0] if wide else A4[0]
    return width - MARGIN_LEFT - MARGIN


def _page_furniture(running_title: str):
    def draw(canvas, doc) -> None:
        # Russian practice: the first page carries no number (and no running title).
        if doc.page < 2:
            return
        canvas.saveState()
        width, height = doc.pagesize
        canvas.setFont(FAMILY, 9)
        center = doc.leftMargin + (width - doc.leftMargin - doc.rightMargin) / 2
        canvas.drawCentredString(center, MARGIN / 2, str(doc.page))
        if running_title:
            canvas.setFont(FAMILY, 8)
            canvas.setFillColor(MUTED)
            canvas.drawString(doc.leftMargin, height - MARGIN / 2, running_title[:150])
        canvas.restoreState()

    return draw


def start_columns(required: float = 30 * mm) -> FrameSplitter:
    """From here on the text flows in two columns: in the rest of this page (if at least
    `required` is left, else from the next) and on every following page."""
    return FrameSplitter("columns", ["left", "right"], gap=0, required=required)


def column_width(wide: bool = False) -> float:
    return (frame_width(wide) - COLUMN_GAP) / 2


def build_pdf(story: Sequence, title: str, **options) -> bytes:
    """Lay out `story` on A4 (see `render_pdf`) and return the document."""
    return render_pdf(story, title, **options)[0]


def render_pdf(
    story: Sequence,
    title: str,
    *,
    wide: bool = False,
    author: str = "Профориентация",
    running_title: str = "",
) -> tuple[bytes, int]:
    """Lay out `story` on A4 (landscape if `wide`); the document and its number of pages.
    `title` goes to the document's properties; `running_title`, if given, heads every page
    from the second. The story may switch to two columns with `start_columns()`."""
    register_fonts()
    buffer = BytesIO()
    pagesize = landscape(A4) if wide else A4
    doc = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=author,
        lang="ru-RU",
    )
    width, height = frame_width(wide), pagesize[1] - 2 * MARGIN
    column = column_width(wide)
    furniture = _page_furniture(running_title)
    doc.addPageTemplates(
        [
            PageTemplate(
                "page",
                [Frame(MARGIN_LEFT, MARGIN, width, height, id="main", **_NO_PADDING)],
                onPage=furniture,
            ),
            PageTemplate(
                "columns",
                [
                    Frame(MARGIN_LEFT, MARGIN, column, height, id="left", **_NO_PADDING),
                    Frame(
                        MARGIN_LEFT + column + COLUMN_GAP,
                        MARGIN,
                        column,
                        height,
                        id="right",
                        **_NO_PADDING,
                    ),
                ],
                onPage=furniture,
            ),
        ]
    )
    doc.build(list(story))
    return buffer.getvalue(), doc.page


_NO_PADDING = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}


def pdf_response(content: bytes, filename: str, *, download: bool = False) -> Response:
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(filename, download)
    return response
