"""XLSX import of participation, all or nothing: every row is checked first, and if any is
wrong the preview lists each bad row with the reason and nothing is written."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select

from proforient.core import sheets
from proforient.core.params import INT_MAX
from proforient.core.sheets import Budget
from proforient.core.text import drop_controls
from proforient.events.access import visible_clause
from proforient.events.export import TEMPLATE_FIELDS, TEMPLATE_HEADER
from proforient.events.models import Event, Participation
from proforient.events.operations import participation_errors
from proforient.extensions import db
from proforient.schools.models import School

MAX_IMPORT_ROWS = 5000
# Reading a file stops at these, whatever it claims about itself: 300,000 blank rows zip
# into a few dozen kilobytes and would otherwise keep a worker busy for half a minute.
MAX_SHEET_ROWS = 2 * MAX_IMPORT_ROWS  # rows read, blank ones included
BUDGET = Budget(rows=MAX_IMPORT_ROWS, sheet_rows=MAX_SHEET_ROWS, cells=20 * MAX_SHEET_ROWS)
MAX_UNPACKED_BYTES = sheets.MAX_UNPACKED_BYTES
# Row numbers of a sheet, as carried by the confirmation form.
MAX_LINE = 1_048_576


@dataclass
class ImportRow:
    line: int
    event_id: int
    event_title: str
    school_id: int
    school_name: str
    values: dict
    existing_id: int | None = None  # participation to replace


@dataclass
class ImportResult:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    file_error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error and bool(self.rows)

    def payload(self) -> str:
        """The checked rows as JSON for the confirmation form (checked again on import)."""
        return json.dumps(
            [
                {"line": r.line, "event_id": r.event_id, "school": r.school_name, **r.values}
                for r in self.rows
            ],
            ensure_ascii=False,
        )

    @property
    def new_count(self) -> int:
        return sum(1 for r in self.rows if r.existing_id is None)

    @property
    def replace_count(self) -> int:
        return sum(1 for r in self.rows if r.existing_id is not None)


def _cell_int(value, required: bool) -> tuple[int | None, str | None]:
    """A count from a cell: blank is 0 (or None when not required); returns (value, error)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return (0 if required else None), None
    if isinstance(value, bool):
        return None, "не число"
    if isinstance(value, int):
        return value, None
    if isinstance(value, float):
        if value.is_integer():
            return int(value), None
        return None, f"«{value:g}» — не целое число"
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    try:
        return int(text), None
    except ValueError:
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None, f"«{value}» — не число"
        if number.is_integer():
            return int(number), None
        return None, f"«{value}» — не целое число"


FIELD_NAMES = {
    "participants": "участники",
    "ovz": "ОВЗ",
    "disabled": "инвалиды",
    "winners": "победители",
    "prizewinners": "призёры",
    "teachers": "педагоги",
    "distinct_children": "впервые в году",
}


UNREADABLE = sheets.UNREADABLE
TOO_LARGE = BUDGET.too_large()
NO_HEADER = "Не найдена строка заголовка «№ мероприятия»: загрузите файл по шаблону."


def _is_header(cells: list) -> bool:
    return str(cells[0] if cells else "").strip().casefold().startswith("№ мероприятия")


def read_rows(data: bytes) -> tuple[list[tuple[int, list]], str | None]:
    """Rows of the «Участие» sheet (or the first sheet) as (line number, cells), each
    padded or cut to the template's width; or a message for the person who sent it."""
    table, error = sheets.read_table(
        data, is_header=_is_header, missing_header=NO_HEADER, budget=BUDGET, sheet="Участие"
    )
    if error:
        return [], error
    width = len(TEMPLATE_HEADER)
    return [(line, (cells + [None] * width)[:width]) for line, cells in table.rows], None


def check_rows(raw: list[tuple[int, list]], viewer_school_id: int | None) -> ImportResult:
    """Check every row; a coordinator may name only their own school and events they see.

    Fixed number of queries: events, schools and existing participations are looked up
    in bulk.
    """
    result = ImportResult()
    if not raw:
        result.file_error = "В файле нет строк с данными."
        return result

    event_ids = set()
    for _line, cells in raw:
        value, _err = _cell_int(cells[0], required=False)
        if value and 0 < value <= INT_MAX:  # beyond, no event has the number
            event_ids.add(value)
    events = {}
    if event_ids:
        events = {
            e.id: e
            for e in db.session.scalars(
                select(Event).where(Event.id.in_(event_ids), visible_clause(viewer_school_id))
            )
        }
    schools = {
        " ".join(name.split()).casefold(): (sid, name, active)
        for sid, name, active in db.session.execute(
            select(School.id, School.short_name, School.active)
        )
    }
    existing = {}
    if events:
        existing = {
            (ev, sc): pid
            for pid, ev, sc in db.session.execute(
                select(Participation.id, Participation.event_id, Participation.school_id).where(
                    Participation.event_id.in_(list(events))
                )
            )
        }

    seen: dict[tuple[int, int], int] = {}
    for line, cells in raw:
        reasons = []
        event_id, err = _cell_int(cells[0], required=False)
        event = None
        if err or not event_id:
            reasons.append("не указан № мероприятия" if not err else f"№ мероприятия: {err}")
        else:
            event = events.get(event_id)
            if event is None:
                reasons.append(f"мероприятие № {event_id} не найдено")
        school_name = " ".join(str(cells[2] or "").split())
        school = schools.get(school_name.casefold()) if school_name else None
        if not school_name:
            reasons.append("не указана школа")
        elif school is None:
            reasons.append(f"школа «{school_name}» не найдена (см. лист «Школы» шаблона)")
        elif viewer_school_id is not None and school[0] != viewer_school_id:
            reasons.append(f"можно загружать только участие своей школы, а не «{school[1]}»")
        elif not school[2]:
            reasons.append(f"школа «{school[1]}» отключена")

        values = {}
        unreadable = set()
        for col, name in enumerate(TEMPLATE_FIELDS):
            if name is None:
                continue
            value, err = _cell_int(cells[col], required=name != "distinct_children")
            if err:
                reasons.append(f"{FIELD_NAMES[name]}: {err}")
                unreadable.add(name)
            values[name] = value
        # The count rules need the number of participants; unreadable cells say nothing.
        if "participants" not in unreadable:
            messages = []
            for name, message in participation_errors(values).items():
                # Winners and prize-winners share one message.
                if name not in unreadable and message not in messages:
                    messages.append(message)
                    reasons.append(f"{FIELD_NAMES[name]}: {message}")

        if event is not None and school is not None:
            key = (event.id, school[0])
            if key in seen:
                reasons.append(
                    f"повтор: эта школа в этом мероприятии уже указана в строке {seen[key]}"
                )
            else:
                seen[key] = line
        if reasons:
            result.errors.append((line, "; ".join(reasons)))
            continue
        result.rows.append(
            ImportRow(
                line=line,
                event_id=event.id,
                event_title=str(event),
                school_id=school[0],
                school_name=school[1],
                values=values,
                existing_id=existing.get((event.id, school[0])),
            )
        )
    return result


def rows_from_payload(payload: str) -> list[tuple[int, list]]:
    """Rebuild template rows from the confirmation form, to check them again."""
    try:
        items = json.loads(payload)
    except (TypeError, ValueError, RecursionError):
        return []
    if not isinstance(items, list):
        return []
    raw = []
    for item in items[: MAX_IMPORT_ROWS + 1]:
        if not isinstance(item, dict):
            return []
        line = item.get("line")
        if type(line) is not int or not 0 < line <= MAX_LINE:
            return []
        cells = [item.get("event_id"), None, item.get("school")] + [
            item.get(name) for name in TEMPLATE_FIELDS[3:]
        ]
        raw.append((line, [drop_controls(c) if isinstance(c, str) else c for c in cells]))
    return raw


def apply_import(result: ImportResult) -> int:
    """Write checked rows: new participations are added, existing ones replaced."""
    if not result.ok:
        raise ValueError("Only a fully valid import may be applied")
    existing_ids = [r.existing_id for r in result.rows if r.existing_id]
    existing = {}
    if existing_ids:
        existing = {
            p.id: p
            for p in db.session.scalars(
                select(Participation).where(Participation.id.in_(existing_ids))
            )
        }
    for r in result.rows:
        p = existing.get(r.existing_id) or Participation(event_id=r.event_id, school_id=r.school_id)
        for name, value in r.values.items():
            setattr(p, name, value)
        db.session.add(p)
    db.session.flush()
    return len(result.rows)
