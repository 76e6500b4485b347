"""File downloads shared by every feature: XLSX sheets, CSV in UTF-8 with BOM, and the
Content-Disposition header with Cyrillic file names.

Every value written to a sheet or a CSV row goes through `sheet_value` / `csv_value`:
text someone typed («=HYPERLINK(…)», «+7 …», «@…») must reach the spreadsheet as the text
it is, never as a formula, and characters a file cannot hold are dropped instead of
failing the whole export. Numbers and dates are written unchanged.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from proforient.core.text import xml_safe

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="E4EBF2")
TOTAL_FILL = PatternFill("solid", fgColor="F2F4F7")

# Spreadsheet programs read a cell starting with one of these as a formula (tab and CR
# hide the sign that follows them).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def sheet_cell(ws, value) -> Cell:
    """A cell for a row of `ws` (an ordinary or a write-only sheet). Text is typed as
    text explicitly, so no string becomes a formula or an error code in any program."""
    if isinstance(value, Cell):
        return value
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, xml_safe(value))
        cell.data_type = "s"
        return cell
    return WriteOnlyCell(ws, value)


def sheet_value(ws, value):
    """What to append for `value`: text a program could take for a formula or an error
    code as a cell typed as text, other text cleaned, anything else as it is."""
    if not isinstance(value, str):
        return value
    text = xml_safe(value)
    if text.startswith(FORMULA_START) or text in ERROR_CODES:
        return sheet_cell(ws, text)
    return text  # openpyxl types any other string as text itself


def sheet_row(ws, values: Iterable) -> list:
    return [sheet_value(ws, v) for v in values]


def append_row(ws, values: Iterable) -> None:
    """`ws.append` for rows that may hold typed text: the only way rows enter a sheet."""
    ws.append(sheet_row(ws, values))


def set_cell(ws, row: int, column: int, value) -> Cell:
    """`ws.cell(row, column, value)` with text kept as text (ordinary sheets only)."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = xml_safe(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def csv_value(value):
    """A CSV field: text that a spreadsheet would run as a formula gets a leading «'»."""
    if not isinstance(value, str):
        return value
    text = xml_safe(value)
    return "'" + text if text.startswith(FORMULA_START) else text


# Characters a header value cannot carry (CR, LF and the other controls), and the ones a
# quoted file name cannot hold in the ASCII fallback.
# What no file system takes in a name: path separators, reserved characters, controls.
_FILE_UNSAFE_RE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_file_name(name: str, default: str = "export") -> str:
    """`name` as a file name on any system (a download, a member of a ZIP): «МКОУ СОШ
    № 3/1» becomes «МКОУ СОШ № 3 1»; at most 150 characters."""
    name = " ".join(_FILE_UNSAFE_RE.sub(" ", name).split())
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 5:
        stem, dot, ext = name, "", ""
    return (stem[: 150 - len(dot + ext)].strip() or default) + dot + ext


def content_disposition(filename: str, download: bool = True) -> str:
    """RFC 6266/5987: an ASCII fallback plus the UTF-8 name every current browser uses.

    The one place download names are made: whatever a name was built from (an agreement
    number with a line break in it), the header stays a single valid line."""
    kind = "attachment" if download else "inline"
    filename = safe_file_name(filename)
    stem, dot, ext = filename.rpartition(".")
    fallback = stem.encode("ascii", "ignore").decode().strip() or "export"
    fallback = " ".join(fallback.replace('"', "").replace("\\", "").split())
    return f"{kind}; filename=\"{fallback}{dot}{ext}\"; filename*=UTF-8''{quote(filename)}"


def write_table(
    ws: Worksheet,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    total: Sequence | None = None,
    title: str | None = None,
    widths: Sequence[int] | None = None,
) -> None:
    """A sheet people can filter and print: optional title line, bold frozen header,
    an optional bold totals row, sensible column widths."""
    if title:
        append_row(ws, [title])
        ws.cell(row=1, column=1).font = Font(bold=True, size=12)
    append_row(ws, header)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        append_row(ws, row)
    if total is not None:
        append_row(ws, total)
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
            cell.fill = TOTAL_FILL
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    for i, name in enumerate(header, start=1):
        width = widths[i - 1] if widths and i <= len(widths) else max(10, min(50, len(name) + 2))
        ws.column_dimensions[get_column_letter(i)].width = width


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    return wb


def xlsx_response(wb: Workbook, filename: str) -> Response:
    buffer = io.BytesIO()
    wb.save(buffer)
    response = Response(buffer.getvalue(), mimetype=XLSX_MIME)
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response


def csv_response(header: Sequence[str], rows: Iterable[Sequence], filename: str) -> Response:
    """UTF-8 with BOM and semicolons: what Excel in a Russian locale opens correctly."""

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        buffer.write("\ufeff")
        writer.writerow([csv_value(v) for v in header])
        for row in rows:
            writer.writerow([csv_value(v) for v in row])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = Response(generate(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response
