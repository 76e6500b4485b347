"""File downloads shared by every feature: XLSX sheets, CSV in UTF-8 with BOM, and the
Content-Disposition header with Cyrillic file names."""

import csv
import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="E4EBF2")
TOTAL_FILL = PatternFill("solid", fgColor="F2F4F7")


def content_disposition(filename: str, download: bool = True) -> str:
    """RFC 6266/5987: an ASCII fallback plus the UTF-8 name every current browser uses."""
    kind = "attachment" if download else "inline"
    stem, dot, ext = filename.rpartition(".")
    fallback = stem.encode("ascii", "ignore").decode().strip() or "export"
    fallback = fallback.replace('"', "")
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
        ws.append([title])
        ws.cell(row=1, column=1).font = Font(bold=True, size=12)
    ws.append(list(header))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(list(row))
    if total is not None:
        ws.append(list(total))
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
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = Response(generate(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response
