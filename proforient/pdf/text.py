"""Text on PDF pages. ReportLab's Paragraph parses its text as XML-like markup, so text that
people typed (school names, event titles, partner names) is escaped here, in one place."""

from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib.styles import ParagraphStyle
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
