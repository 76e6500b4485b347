"""Paragraph styles and colours shared by every document."""

from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from proforient.pdf.fonts import BOLD, FAMILY, register_fonts

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
GRID = colors.HexColor("#9aa5b1")
HEADER_BG = colors.HexColor("#e4ebf2")
TOTAL_BG = colors.HexColor("#f2f4f7")
ACCENT = colors.HexColor("#1d4f91")
ACCENT_LIGHT = colors.HexColor("#a9bcd6")
WARN_BG = colors.HexColor("#fdf1dc")
BAD = colors.HexColor("#a61b1b")
GOOD = colors.HexColor("#1e6b3a")


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=FAMILY, fontSize=10, leading=13, textColor=INK)
    return {
        "base": base,
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=BOLD,
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
        "subtitle_tight": ParagraphStyle(
            "subtitle_tight",
            parent=base,
            fontSize=11,
            leading=14,
            alignment=TA_CENTER,
            spaceAfter=2 * mm,
        ),
        # A question over its chart.
        "q": ParagraphStyle(
            "q",
            parent=base,
            fontName=BOLD,
            fontSize=7.5,
            leading=9,
            spaceBefore=1.6 * mm,
            spaceAfter=0.6 * mm,
            keepWithNext=1,
        ),
        "kicker": ParagraphStyle(
            "kicker", parent=base, fontSize=10, leading=13, alignment=TA_CENTER, textColor=MUTED
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=4 * mm,
            spaceAfter=2 * mm,
            keepWithNext=1,
        ),
        # A heading over a long table that splits across pages anyway.
        "h2_free": ParagraphStyle(
            "h2_free",
            parent=base,
            fontName=BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=4 * mm,
            spaceAfter=2 * mm,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontName=BOLD,
            fontSize=10,
            leading=12.5,
            spaceBefore=3 * mm,
            spaceAfter=1 * mm,
            keepWithNext=1,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11),
        "cell_bold": ParagraphStyle(
            "cell_bold", parent=base, fontName=BOLD, fontSize=9, leading=11
        ),
        "cell_right": ParagraphStyle(
            "cell_right", parent=base, fontSize=9, leading=11, alignment=TA_RIGHT
        ),
        "cell_right_bold": ParagraphStyle(
            "cell_right_bold",
            parent=base,
            fontName=BOLD,
            fontSize=9,
            leading=11,
            alignment=TA_RIGHT,
        ),
        "cell_small": ParagraphStyle("cell_small", parent=base, fontSize=8, leading=9.5),
        "tcell_small": ParagraphStyle("tcell_small", parent=base, fontSize=7, leading=8.5),
        # Compact tables: 8 pt.
        "tcell": ParagraphStyle("tcell", parent=base, fontSize=7.6, leading=9),
        "tcell_bold": ParagraphStyle(
            "tcell_bold", parent=base, fontName=BOLD, fontSize=7.6, leading=9
        ),
        "tcell_right": ParagraphStyle(
            "tcell_right", parent=base, fontSize=7.6, leading=9, alignment=TA_RIGHT
        ),
        "tcell_right_bold": ParagraphStyle(
            "tcell_right_bold",
            parent=base,
            fontName=BOLD,
            fontSize=7.6,
            leading=9,
            alignment=TA_RIGHT,
        ),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=MUTED),
        "note": ParagraphStyle(
            "note", parent=base, fontSize=8.5, leading=11, textColor=MUTED, spaceBefore=1 * mm
        ),
    }
