"""Text on PDF pages. ReportLab's Paragraph parses its text as XML-like markup, so text that
people typed (school names, event titles, partner names) is escaped here, in one place."""

from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

# C0 controls other than tab and newline have no glyph and confuse the markup parser.
_CONTROLS = {c: None for c in range(32) if c not in (9, 10)}


def escape(value) -> str:
    """Plain text as Paragraph markup that prints exactly as typed."""
    if value is None:
        return ""
    return _xml_escape(str(value).translate(_CONTROLS))


def para(value, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: never interpreted as markup."""
    return Paragraph(escape(value), style)


def rich(template: str, style: ParagraphStyle, **values) -> Paragraph:
    """A paragraph from trusted markup written in our code (`<b>{name}</b>`), with every
    value escaped before it is put in."""
    return Paragraph(template.format(**{k: escape(v) for k, v in values.items()}), style)


def wrap(value, font: str, size: float, width: float) -> list[str]:
    """Lines of plain text no wider than `width` in `font`, for drawings (which do not
    wrap); a word longer than a line is broken where it must be."""
    text = " ".join(str(value or "").translate(_CONTROLS).split())
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        while stringWidth(word, font, size) > width:
            cut = _longest_prefix(word, font, size, width)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line or not lines:
        lines.append(line)
    return lines


def _longest_prefix(word: str, font: str, size: float, width: float) -> int:
    lo, hi = 1, len(word)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if stringWidth(word[:mid], font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return lo
