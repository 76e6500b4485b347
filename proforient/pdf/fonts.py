"""PT Sans (ParaType Free Font License, see fonts/LICENSE-PTSans.txt), shipped with the app:
ReportLab's built-in Type 1 fonts have no Cyrillic."""

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).parent / "fonts"
FAMILY = "PTSans"
BOLD = "PTSans-Bold"
FACES = {
    FAMILY: "PTSans-Regular.ttf",
    BOLD: "PTSans-Bold.ttf",
    "PTSans-Italic": "PTSans-Italic.ttf",
    "PTSans-BoldItalic": "PTSans-BoldItalic.ttf",
}


def register_fonts() -> None:
    if FAMILY in pdfmetrics.getRegisteredFontNames():
        return
    for name, filename in FACES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    # <b> and <i> in Paragraph markup pick the right face.
    addMapping(FAMILY, 0, 0, FAMILY)
    addMapping(FAMILY, 1, 0, BOLD)
    addMapping(FAMILY, 0, 1, "PTSans-Italic")
    addMapping(FAMILY, 1, 1, "PTSans-BoldItalic")
    pdfmetrics.registerFontFamily(
        FAMILY, normal=FAMILY, bold=BOLD, italic="PTSans-Italic", boldItalic="PTSans-BoldItalic"
    )
