"""Past years' indicator values from the department's spreadsheets: the XLSX template, the
check that names every bad cell, and the import that stores everything or nothing.

The template has one row per school and year and one column per value that can be typed
(the measures of the catalogue, with a base column where the base is not another measure).
A row of the file is the whole statement for its school and year: importing it replaces
whatever was typed for them before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import delete, insert, select, tuple_

from proforient.core.audit import AuditEvent, actor_id
from proforient.core.exports import HEADER_FILL, append_row, new_workbook
from proforient.core.formatting import fmt_number
from proforient.core.sheets import Budget, read_table
from proforient.core.timeutil import academic_year_label, current_academic_year, utcnow
from proforient.extensions import db
from proforient.indicators.catalogue import BY_KEY, DEFINITIONS
from proforient.indicators.definitions import Definition, Kind
from proforient.indicators.models import ManualValue
from proforient.indicators.typed import base_key
from proforient.schools.models import School, natural_key, school_name_key

FIRST_YEAR = 2000
MAX_VALUE = 10_000_000
BUDGET = Budget(rows=10_000, sheet_rows=12_000, cells=12_000 * 80)
SCHOOL_HEAD = "Образовательная организация"
YEAR_HEAD = "Учебный год"
MISSING_HEADER = (
    "Не найдена строка заголовка «№ | Образовательная организация | Учебный год …»: "
    "загрузите файл по шаблону."
)


@dataclass(frozen=True)
class Column:
    """A column of the template: a measure's value, or the base typed beside it."""

    code: str  # «4.2», «4.2б»
    key: str  # the stored key: the measure's, or «<key>.base»
    definition: Definition
    is_base: bool = False

    @property
    def header(self) -> str:
        d = self.definition
        if self.is_base:
            return f"{self.code}. {d.base_input}, чел."
        return f"{self.code}. {d.label}, {d.unit}"

    @property
    def percent(self) -> bool:
        return not self.is_base and self.definition.kind == Kind.LEVEL


def columns() -> list[Column]:
    out = []
    for d in DEFINITIONS:
        if not d.typed:
            continue
        out.append(Column(d.number, d.key, d))
        if d.base_input:
            out.append(Column(f"{d.number}б", base_key(d.key), d, is_base=True))
    return out


BY_CODE = {c.code: c for c in columns()}


# --- The template -----------------------------------------------------------------------


def template_workbook(year: int, schools: Iterable[School]) -> Workbook:
    wb = new_workbook()
    ws = wb.create_sheet("Показатели")
    cols = columns()
    append_row(ws, ["№", SCHOOL_HEAD, YEAR_HEAD, *[c.header for c in cols]])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    label = f"{year}/{year + 1}"
    for n, school in enumerate(sorted(schools, key=lambda s: natural_key(s.short_name)), 1):
        append_row(ws, [n, school.short_name, label])
    ws.freeze_panes = "D2"
    ws.row_dimensions[1].height = 105
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 12
    for i in range(4, 4 + len(cols)):
        ws.column_dimensions[get_column_letter(i)].width = 14
    _notes_sheet(wb)
    return wb


def _notes_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet("Как заполнять")
    lines = [
        "Одна строка — одна образовательная организация за один учебный год. Строки можно "
        "копировать для других лет: укажите год в столбце «Учебный год» (например, 2021/2022).",
        "Наименование ОО — краткое, как в приложении (столбец уже заполнен).",
        "Пустая ячейка — нет данных. Все числа — целые и неотрицательные; удовлетворённость — "
        "в процентах (0–100), рядом укажите число анкет (8.1 или 8.3).",
        "Часть не может быть больше целого: например, участия детей с ОВЗ (4.3) — больше "
        "всех участий (4.1), выпускники, поступившие в вузы (13.5), — больше выпускников "
        "11 классов (13.4).",
        "Загрузка заменяет всё, что было введено раньше для тех же ОО и лет. Данные, которые "
        "приложение ведёт само (реестр, формы, анкеты), важнее введённых вручную.",
        "Смысл каждого показателя — на странице «Таблица показателей» и в пояснениях к ней.",
    ]
    for line in lines:
        append_row(ws, [line])
    ws.column_dimensions["A"].width = 120
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


# --- Checking a file -----------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    line: int
    school: str
    column: str
    value: str
    why: str


@dataclass
class Checked:
    rows: dict[tuple[int, int], dict[str, float]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # school id -> short name
    errors: list[CellError] = field(default_factory=list)
    file_error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error and bool(self.rows)

    @property
    def values(self) -> int:
        return sum(len(v) for v in self.rows.values())

    @property
    def years(self) -> list[int]:
        return sorted({y for y, _s in self.rows})


_CODE = re.compile(r"^\s*(\d{1,2}(?:\.\d)?б?)\.\s")


def _code(header) -> str | None:
    match = _CODE.match(str(header or ""))
    return match.group(1) if match else None


def _is_header(cells: list) -> bool:
    return len(cells) > 2 and str(cells[1] or "").strip() == SCHOOL_HEAD


def _shown(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def parse_number(value, *, percent: bool) -> tuple[float | None, str | None]:
    """A typed figure: (value, None), (None, None) for a blank, or (None, why)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, "не число"
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
        if not text.isascii():
            return None, "не число"
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None, "не число"
    if number != number or number in (float("inf"), float("-inf")):
        return None, "не число"
    if number < 0:
        return None, "отрицательное число"
    if percent:
        return (number, None) if number <= 100 else (None, "больше 100 %")
    if number > MAX_VALUE:
        return None, f"больше {fmt_number(MAX_VALUE)}"
    if not number.is_integer():
        return None, "не целое число"
    return number, None


def parse_year(value) -> int | None:
    """«2021/2022», «2021/22», 2021 → 2021."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        year = int(value) if float(value).is_integer() else None
    else:
        match = re.fullmatch(r"\s*(\d{4})(?:\s*[/–-]\s*(\d{2}|\d{4}))?\s*", str(value or ""))
        if not match:
            return None
        year = int(match.group(1))
        end = match.group(2)
        if end and int(end[-2:]) != (year + 1) % 100:
            return None
    if year is None or not FIRST_YEAR <= year <= current_academic_year():
        return None
    return year


def check_file(data: bytes) -> Checked:
    table, error = read_table(
        data,
        is_header=_is_header,
        missing_header=MISSING_HEADER,
        budget=BUDGET,
        sheet="Показатели",
    )
    result = Checked()
    if error:
        result.file_error = error
        return result
    header = table.header
    year_col = next((i for i, h in enumerate(header) if str(h or "").strip() == YEAR_HEAD), None)
    if year_col is None:
        result.file_error = f"Нет столбца «{YEAR_HEAD}»: загрузите файл по шаблону."
        return result
    value_cols = [(i, BY_CODE[c]) for i, h in enumerate(header) if (c := _code(h)) in BY_CODE]
    if not value_cols:
        result.file_error = "В файле нет ни одного столбца показателя: загрузите файл по шаблону."
        return result
    schools = {
        school_name_key(name): (sid, name, active)
        for sid, name, active in db.session.execute(
            select(School.id, School.short_name, School.active)
        )
    }
    for line, cells in table.rows:
        cells = cells + [None] * (len(header) - len(cells))
        _check_row(result, line, cells, year_col, value_cols, schools)
    return result


def _check_row(result: Checked, line, cells, year_col, value_cols, schools) -> None:
    name = str(cells[1] or "").strip()
    errors = result.errors

    def bad(column: str, value, why: str) -> None:
        errors.append(CellError(line, name or "—", column, _shown(value), why))

    found = schools.get(school_name_key(name)) if name else None
    if found is None:
        bad(SCHOOL_HEAD, name, "неизвестная ОО" if name else "не указана ОО")
    elif not found[2]:
        bad(SCHOOL_HEAD, name, "ОО отключена")
    year = parse_year(cells[year_col])
    if year is None:
        bad(YEAR_HEAD, cells[year_col], "не учебный год (пример: 2021/2022) или год в будущем")
    values: dict[str, float] = {}
    for i, column in value_cols:
        value, why = parse_number(cells[i], percent=column.percent)
        if why:
            bad(column.header, cells[i], why)
        elif value is not None:
            values[column.key] = value
    for column, why in relation_errors(values):
        bad(column.header, _plain(values.get(column.key)), why)
    if found is None or not found[2] or year is None:
        return
    key = (year, found[0])
    if key in result.rows:
        bad(YEAR_HEAD, cells[year_col], "эта ОО и этот год уже есть в файле выше")
        return
    result.rows[key] = values
    result.names[found[0]] = found[1]


def _plain(value: float | None) -> str:
    if value is None:
        return ""
    return fmt_number(value, 0 if float(value).is_integer() else 1)


def relation_errors(values: dict[str, float]) -> list[tuple[Column, str]]:
    """A part larger than its whole, a level without the responses it rests on."""
    out = []
    for column in columns():
        if column.is_base or column.key not in values:
            continue
        d = column.definition
        value = values[column.key]
        if d.kind == Kind.LEVEL:
            if values.get(d.part_of[0]) is None:
                out.append((column, f"не указано число анкет ({BY_KEY[d.part_of[0]].number})"))
            continue
        wholes = [values.get(k) for k in d.part_of]
        if d.part_of and all(w is not None for w in wholes) and value > sum(wholes):
            names = " + ".join(BY_KEY[k].number for k in d.part_of)
            out.append((column, f"часть больше целого ({names}: {_plain(sum(wholes))})"))
        base = values.get(base_key(d.key))
        if d.base_input and d.feed not in ("students", "parents") and base is not None:
            if value > base:
                out.append((column, f"больше базы ({_plain(base)})"))
    return out


# --- Storing -------------------------------------------------------------------------------


def apply(result: Checked) -> int:
    """Replace the typed values of every school and year in the file; one audit entry."""
    if not result.ok:
        raise ValueError("Only a fully valid file may be imported")
    pairs = list(result.rows)
    for chunk in range(0, len(pairs), 500):
        part = pairs[chunk : chunk + 500]
        db.session.execute(
            delete(ManualValue).where(tuple_(ManualValue.year, ManualValue.school_id).in_(part))
        )
    now = utcnow()
    rows = [
        {"school_id": sid, "year": year, "key": key, "value": value, "updated_at": now}
        for (year, sid), values in result.rows.items()
        for key, value in values.items()
    ]
    if rows:
        db.session.execute(insert(ManualValue), rows)
    years = ", ".join(academic_year_label(y) for y in result.years)
    db.session.add(
        AuditEvent(
            user_id=actor_id(),
            action="import",
            object_type="ManualValue",
            summary=f"Загружены показатели прошлых лет: {len(pairs)} строк ОО и лет, "
            f"{len(rows)} значений ({years})"[:500],
            changes={"rows": len(pairs), "values": len(rows), "years": result.years},
        )
    )
    db.session.flush()
    return len(rows)
