"""Reading a table from an uploaded XLSX safely: a file that is not a workbook, a damaged
one, one that unpacks to far more than it weighs, or one with a huge number of (even empty)
rows is refused with a message for the person who sent it, before it can pin a worker."""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl import load_workbook

from proforient.core.formatting import fmt_number
from proforient.core.text import drop_controls

UNREADABLE = "Файл не читается как книга Excel (.xlsx). Скачайте шаблон и заполните его."
MAX_UNPACKED_BYTES = 24 * 1024 * 1024  # what the whole archive may unpack to


@dataclass(frozen=True)
class Budget:
    rows: int  # data rows accepted
    sheet_rows: int  # rows read, blank ones included
    cells: int  # cells read

    def too_large(self) -> str:
        return (
            f"Файл слишком велик: в нём больше {fmt_number(self.sheet_rows)} строк или слишком "
            "много заполненных ячеек, считая пустые строки и столбцы. Скопируйте в чистый "
            f"шаблон только таблицу с данными — не больше {fmt_number(self.rows)} строк."
        )


@dataclass
class SheetTable:
    header: list
    rows: list[tuple[int, list]]  # (line number in the sheet, cells)


def unpacked_size(data: bytes) -> int | None:
    """What the archive says its files unpack to (reading never yields more), or None for
    something that is not a zip archive at all."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return None


def read_table(
    data: bytes,
    *,
    is_header: Callable[[list], bool],
    missing_header: str,
    budget: Budget,
    sheet: str | None = None,
) -> tuple[SheetTable | None, str | None]:
    """The rows under the first row `is_header` accepts, of the sheet named `sheet` (or the
    first one), blank rows left out; or None and a message."""
    size = unpacked_size(data)
    if size is None:
        return None, UNREADABLE
    if size > MAX_UNPACKED_BYTES:
        return None, budget.too_large()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a broken or foreign file raises many kinds of error: all mean "not xlsx"
        return None, UNREADABLE
    try:
        ws = wb[sheet] if sheet and sheet in wb.sheetnames else wb.worksheets[0]
        return _rows(ws, is_header, missing_header, budget)
    except Exception:  # a damaged sheet shows only while its rows are read
        return None, UNREADABLE
    finally:
        wb.close()


def _rows(ws, is_header, missing_header: str, budget: Budget):
    # The size a sheet claims for itself is not to be trusted either way: read what it holds.
    ws.reset_dimensions()
    header = None
    rows: list[tuple[int, list]] = []
    cells_read = 0
    # Read-only sheets parse rows lazily: the budget stops the parsing itself.
    for line, row in enumerate(ws.iter_rows(values_only=True), start=1):
        cells_read += len(row)
        if line > budget.sheet_rows or cells_read > budget.cells:
            return None, budget.too_large()
        cells = [drop_controls(c) if isinstance(c, str) else c for c in row]
        if header is None:
            if is_header(cells):
                header = cells
            continue
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        rows.append((line, cells))
        if len(rows) > budget.rows:
            return None, f"Слишком много строк: не больше {fmt_number(budget.rows)} за один раз."
    if header is None:
        return None, missing_header
    return SheetTable(header, rows), None
