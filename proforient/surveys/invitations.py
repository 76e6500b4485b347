"""Printable invitations: an A4 sheet with two identical A5 halves (cut along the dashed
line) for a school's open link, and sheets of cut-out slips with one-time codes.

Drawn on a canvas (the layout is fixed to the paper), with PT Sans from
`proforient.pdf` for Cyrillic and built-in Courier for the link and codes, which are
ASCII and must be easy to retype."""

from io import BytesIO

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, Spacer

from proforient.core.formatting import fmt_date_long
from proforient.pdf.styles import styles
from proforient.pdf.text import para
from proforient.schools.models import School
from proforient.surveys.models import Audience, Campaign
from proforient.surveys.tokens import format_code

MONO = "Courier-Bold"
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
CUT = colors.HexColor("#9aa5b1")
ANONYMITY = (
    "Анкета анонимная: в ней нет имён, и мы не сохраняем, кто, когда и с какого устройства отвечал."
)


def _styles() -> dict[str, ParagraphStyle]:
    st = styles()
    base = st["base"]
    return {
        **st,
        "kicker": ParagraphStyle("kicker", parent=base, fontSize=11, leading=14, textColor=MUTED),
        "school": ParagraphStyle(
            "school", parent=base, fontName="PTSans-Bold", fontSize=17, leading=21
        ),
        "step": ParagraphStyle(
            "step",
            parent=base,
            fontSize=11.5,
            leading=15,
            leftIndent=5 * mm,
            firstLineIndent=-5 * mm,
            spaceAfter=1.5 * mm,
        ),
        "deadline": ParagraphStyle(
            "deadline",
            parent=base,
            fontName="PTSans-Bold",
            fontSize=13,
            leading=17,
            spaceBefore=2 * mm,
        ),
        "promise": ParagraphStyle(
            "promise",
            parent=base,
            fontName="PTSans-Italic",
            fontSize=9.5,
            leading=12,
            textColor=MUTED,
            alignment=TA_CENTER,
        ),
        "slip": ParagraphStyle("slip", parent=base, fontSize=8, leading=9.6),
        "slip_bold": ParagraphStyle(
            "slip_bold", parent=base, fontName="PTSans-Bold", fontSize=8.5, leading=10
        ),
    }


def draw_qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    """A QR code (with its quiet zone) filling a `size` square whose lower left is x, y."""
    widget = QrCodeWidget(value, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def _fit_font(text: str, font: str, width: float, largest: float, smallest: float = 6) -> float:
    size = largest
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _instructions(audience: str, minutes: int) -> list[str]:
    if audience == Audience.PARENTS:
        return [
            "1. Наведите камеру телефона на QR-код или наберите адрес ниже в браузере.",
            f"2. Ответьте на вопросы о профориентации вашего ребёнка — это займёт "
            f"около {_minutes(minutes)}.",
            "3. Нажмите «Отправить». Если в школе учатся несколько ваших детей, "
            "заполните анкету за каждого.",
        ]
    return [
        "1. Наведите камеру телефона на QR-код или наберите адрес ниже в браузере.",
        f"2. Ответьте на вопросы — это займёт около {_minutes(minutes)}. Фамилию и имя не пишите.",
        "3. Нажмите «Отправить» внизу страницы. Можно отвечать с телефона или компьютера.",
    ]


def _minutes(n: int) -> str:
    # «около 5 минут», «около 1 минуты», «около 2 минут»: after «около» the genitive.
    return f"{n} {'минуты' if n % 10 == 1 and n % 100 != 11 else 'минут'}"


def _title(audience: str) -> str:
    if audience == Audience.PARENTS:
        return "Анкета для родителей о профориентации в школе"
    return "Анкета для обучающихся о профориентации в школе"


def _cut_line(canvas: Canvas, x0: float, y0: float, x1: float, y1: float) -> None:
    canvas.saveState()
    canvas.setStrokeColor(CUT)
    canvas.setLineWidth(0.6)
    canvas.setDash(4, 3)
    canvas.line(x0, y0, x1, y1)
    canvas.restoreState()


def _invitation_half(canvas, st, campaign, school, url, minutes, y0: float) -> None:
    width = A4[0]
    height = A4[1] / 2
    margin = 14 * mm
    qr_size = 68 * mm
    top = y0 + height - margin

    head = Frame(margin, top - 24 * mm, width - 2 * margin, 24 * mm, 0, 0, 0, 0, showBoundary=0)
    head.addFromList(
        [
            para(_title(campaign.audience), st["kicker"]),
            para(school.short_name, st["school"]),
        ],
        canvas,
    )
    qr_y = top - 26 * mm - qr_size
    draw_qr(canvas, url, margin - 2 * mm, qr_y, qr_size)

    text_x = margin + qr_size + 4 * mm
    body = Frame(text_x, qr_y, width - margin - text_x, qr_size, 0, 0, 0, 0, showBoundary=0)
    closes = fmt_date_long(campaign.closes_at)
    body.addFromList(
        [para(line, st["step"]) for line in _instructions(campaign.audience, minutes)]
        + [Spacer(1, 1 * mm), para(f"Анкета открыта до {closes}", st["deadline"])],
        canvas,
    )

    # The link spelled out, as large as fits one line.
    size = _fit_font(url, MONO, width - 2 * margin, 17)
    canvas.setFont(MONO, size)
    canvas.setFillColor(INK)
    canvas.drawCentredString(width / 2, qr_y - 9 * mm, url)

    promise = Frame(margin, y0 + 6 * mm, width - 2 * margin, 12 * mm, 0, 0, 0, 0)
    promise.addFromList([para(ANONYMITY, st["promise"])], canvas)


def invitation_pdf(campaign: Campaign, school: School, url: str, minutes: int) -> bytes:
    """One A4 page: the same invitation twice (A5 halves), a dashed cut line between."""
    st = _styles()
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"Приглашение к анкетированию — {school.short_name}")
    canvas.setAuthor("Профориент")
    half = A4[1] / 2
    _invitation_half(canvas, st, campaign, school, url, minutes, half)
    _invitation_half(canvas, st, campaign, school, url, minutes, 0)
    _cut_line(canvas, 5 * mm, half, A4[0] - 5 * mm, half)
    canvas.setFont("PTSans", 7)
    canvas.setFillColor(CUT)
    canvas.drawRightString(A4[0] - 6 * mm, half + 1.5 * mm, "линия отреза")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- One-time code slips -----------------------------------------------------------------

SLIP_COLUMNS, SLIP_ROWS = 2, 5
SLIPS_PER_PAGE = SLIP_COLUMNS * SLIP_ROWS
# Office printers leave 4–5 mm unprinted at the edges: slips stay inside this margin.
SLIP_MARGIN = 8 * mm


def code_url(url: str, code: str) -> str:
    return f"{url}?code={code}"


def _slip(canvas, st, campaign, school, url, grade, code, x, y, w, h) -> None:
    pad = 4 * mm
    qr_size = 33 * mm
    top = y + h - pad
    draw_qr(canvas, code_url(url, code), x + pad - 1.5 * mm, top - qr_size + 1.5 * mm, qr_size)
    text_x = x + pad + qr_size + 1 * mm
    text_w = x + w - pad - text_x
    frame = Frame(text_x, top - 24 * mm, text_w, 24 * mm, 0, 0, 0, 0)
    who = "родителей" if campaign.audience == Audience.PARENTS else "обучающихся"
    frame.addFromList(
        [
            para(school.short_name, st["slip_bold"]),
            para(f"Анкета для {who}, {grade} класс", st["slip"]),
            para(f"До {fmt_date_long(campaign.closes_at)}", st["slip"]),
        ],
        canvas,
    )
    canvas.setFillColor(INK)
    canvas.setFont("PTSans", 8)
    canvas.drawString(text_x, top - 28 * mm, "Ваш код:")
    canvas.setFont(MONO, 17)
    canvas.drawString(text_x, top - 35 * mm, format_code(code))
    note = Frame(x + pad, y + 3 * mm, w - 2 * pad, 12 * mm, 0, 0, 0, 0)
    note.addFromList(
        [
            para(
                "Отсканируйте QR-код — код подставится сам — или откройте ссылку "
                "и введите код. Код действует один раз; анкета анонимная.",
                st["slip"],
            )
        ],
        canvas,
    )
    size = _fit_font(url, "Courier", w - 2 * pad, 8)
    canvas.setFont("Courier", size)
    canvas.drawString(x + pad, y + 2.5 * mm, url)


def slips_pdf(campaign: Campaign, school: School, url: str, codes: dict[int, list[str]]) -> bytes:
    """Cut-out slips, 2 × 5 per A4 page, each with its own QR code and short code; every
    grade starts on a new page."""
    st = _styles()
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"Одноразовые коды — {school.short_name}")
    canvas.setAuthor("Профориент")
    page_w, page_h = A4
    m = SLIP_MARGIN
    w, h = (page_w - 2 * m) / SLIP_COLUMNS, (page_h - 2 * m) / SLIP_ROWS
    for grade, grade_codes in sorted(codes.items()):
        for start in range(0, len(grade_codes), SLIPS_PER_PAGE):
            for i, code in enumerate(grade_codes[start : start + SLIPS_PER_PAGE]):
                col, row = i % SLIP_COLUMNS, i // SLIP_COLUMNS
                x, y = m + col * w, page_h - m - (row + 1) * h
                _slip(canvas, st, campaign, school, url, grade, code, x, y, w, h)
            # Cut lines: the grid and the outer frame.
            for c in range(SLIP_COLUMNS + 1):
                _cut_line(canvas, m + c * w, m, m + c * w, page_h - m)
            for r in range(SLIP_ROWS + 1):
                _cut_line(canvas, m, m + r * h, page_w - m, m + r * h)
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()
