"""Event registry logic: who sees and edits what, the filtered list with totals, saving and
merging proposals. What the registry contributes to the indicators is in `indicators`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import Select, and_, case, exists, false, func, or_, select, true
from sqlalchemy.orm import aliased

from proforient.core import audit
from proforient.core.params import YEAR_MAX, YEAR_MIN, parse_date, parse_int
from proforient.core.timeutil import local_today
from proforient.events.models import (
    COUNT_FIELDS,
    Event,
    EventFormat,
    Level,
    Participation,
    Project,
    Status,
    normalize_title,
)
from proforient.extensions import db
from proforient.schools.models import School

COUNT_NAMES = tuple(name for name, _label in COUNT_FIELDS)
# The most people one school brings to one event, for the form and the import alike.
MAX_COUNT = 100_000


# --- Who sees and edits what ----------------------------------------------------------------


def visible_clause(viewer_school_id: int | None):
    """Events a coordinator of `viewer_school_id` may see: the district registry above the
    school level, and their own school's events and proposals. The department sees all."""
    if viewer_school_id is None:
        return true()
    return or_(
        and_(Event.status == Status.CONFIRMED, Event.level != Level.SCHOOL),
        Event.school_id == viewer_school_id,
    )


def can_view(event: Event, viewer_school_id: int | None) -> bool:
    if viewer_school_id is None:
        return True
    if event.school_id == viewer_school_id:
        return True
    return event.status == Status.CONFIRMED and event.level != Level.SCHOOL


def can_edit(event: Event, viewer_school_id: int | None) -> bool:
    """The department edits any event; a coordinator edits their school's own school-level
    events and proposals that the department has not confirmed yet."""
    if viewer_school_id is None:
        return True
    return event.school_id == viewer_school_id and (
        event.level == Level.SCHOOL or event.status == Status.PROPOSED
    )


def get_event_or_404(event_id: int, viewer_school_id: int | None) -> Event:
    """Like `get_for_school_or_404`, for events: an event a coordinator may not see is a 404."""
    event = db.session.get(Event, event_id)
    if event is None or not can_view(event, viewer_school_id):
        abort(404)
    return event


# --- Filtered list ------------------------------------------------------------------------


def _recent_first():
    """Held events newest first, then the planned ones soonest first."""
    planned = Event.start_date > local_today()
    return [
        case((planned, 1), else_=0),
        case((planned, Event.start_date), else_=None),
        Event.start_date.desc(),
        Event.id.desc(),
    ]


SORTS = {
    "date": lambda agg: [Event.start_date, Event.id],
    "-date": lambda agg: _recent_first(),
    "title": lambda agg: [Event.title_key, Event.id],
    "-title": lambda agg: [Event.title_key.desc(), Event.id.desc()],
    "level": lambda agg: [Level.order_expr(Event.level), Event.start_date.desc(), Event.id],
    "-level": lambda agg: [Level.order_expr(Event.level).desc(), Event.start_date.desc()],
    "participants": lambda agg: [func.coalesce(agg.c.participants, 0), Event.id],
    "-participants": lambda agg: [func.coalesce(agg.c.participants, 0).desc(), Event.id],
}
DEFAULT_SORT = "-date"


@dataclass
class EventFilters:
    """The list's query arguments, parsed leniently: a bad value is ignored, never a 500."""

    year: int | None = None
    level: str | None = None
    format_id: int | None = None
    project_id: int | None = None
    school_id: int | None = None  # events this school took part in or holds
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    status: str | None = None
    duplicates_only: bool = False
    sort: str = DEFAULT_SORT

    @classmethod
    def from_args(cls, args, default_year: int | None) -> EventFilters:
        raw_year = args.get("year")
        year = parse_int(raw_year, YEAR_MIN, YEAR_MAX) or default_year
        if raw_year == "all":
            year = None
        level = args.get("level")
        status = args.get("status")
        sort = args.get("sort", DEFAULT_SORT)
        return cls(
            year=year,
            level=level if level in Level.CODES else None,
            format_id=parse_int(args.get("form"), 1),
            project_id=parse_int(args.get("project"), 1),
            school_id=parse_int(args.get("school"), 1),
            date_from=parse_date(args.get("from")),
            date_to=parse_date(args.get("to")),
            q=(args.get("q") or "").strip()[:200],
            status=status if status in Status.LABELS else None,
            duplicates_only=args.get("dups") == "1",
            sort=sort if sort in SORTS else DEFAULT_SORT,
        )

    def as_args(self) -> dict:
        """Query arguments that reproduce these filters (for export links)."""
        args = {
            "year": self.year if self.year is not None else "all",
            "level": self.level,
            "form": self.format_id,
            "project": self.project_id,
            "school": self.school_id,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "q": self.q or None,
            "status": self.status,
            "dups": "1" if self.duplicates_only else None,
            "sort": self.sort if self.sort != DEFAULT_SORT else None,
        }
        return {k: v for k, v in args.items() if v is not None}


def _participation_agg(school_id: int | None, year: int | None = None):
    """Per event: schools, and the sums of every count (one school's, when given).

    Limited to the year's events when a year is given, so a region-sized table is not
    grouped whole for one year's list."""
    cols = [func.sum(getattr(Participation, n)).label(n) for n in COUNT_NAMES]
    stmt = select(
        Participation.event_id.label("event_id"),
        func.count(Participation.id).label("schools"),
        *cols,
    ).group_by(Participation.event_id)
    if school_id is not None:
        stmt = stmt.where(Participation.school_id == school_id)
    if year is not None:
        stmt = stmt.where(
            Participation.event_id.in_(select(Event.id).where(Event.academic_year == year))
        )
    return stmt.subquery("agg")


def _duplicate_exists(viewer_school_id: int | None):
    other = aliased(Event)
    stmt = select(other.id).where(
        other.title_key == Event.title_key,
        other.start_date == Event.start_date,
        other.level == Event.level,
        other.id != Event.id,
    )
    if viewer_school_id is not None:
        stmt = stmt.where(
            or_(
                and_(other.status == Status.CONFIRMED, other.level != Level.SCHOOL),
                other.school_id == viewer_school_id,
            )
        )
    return exists(stmt)


def _filtered(columns, f: EventFilters, viewer_school_id: int | None):
    """A select of `columns(agg)` over the filtered events; returns (statement, agg)."""
    agg = _participation_agg(f.school_id if f.school_id is not None else viewer_school_id, f.year)
    stmt = (
        select(*columns(agg))
        .select_from(Event)
        .outerjoin(agg, agg.c.event_id == Event.id)
        .where(visible_clause(viewer_school_id))
    )
    if f.year is not None:
        stmt = stmt.where(Event.academic_year == f.year)
    if f.level:
        stmt = stmt.where(Event.level == f.level)
    if f.format_id:
        stmt = stmt.where(Event.format_id == f.format_id)
    if f.project_id:
        stmt = stmt.where(Event.project_id == f.project_id)
    if f.school_id is not None:
        # The agg subquery is limited to this school, so a joined row means it took part.
        stmt = stmt.where(or_(agg.c.event_id.is_not(None), Event.school_id == f.school_id))
    if f.date_from:
        stmt = stmt.where(Event.end_date >= f.date_from)
    if f.date_to:
        stmt = stmt.where(Event.start_date <= f.date_to)
    if f.q:
        key = normalize_title(f.q)
        stmt = stmt.where(Event.title_key.contains(key, autoescape=True) if key else false())
    if f.status:
        stmt = stmt.where(Event.status == f.status)
    if f.duplicates_only:
        stmt = stmt.where(_duplicate_exists(viewer_school_id))
    return stmt, agg


def event_list_query(f: EventFilters, viewer_school_id: int | None) -> Select:
    """Events (ORM objects) of the filtered list, sorted; paginate it."""
    stmt, agg = _filtered(lambda agg: [Event], f, viewer_school_id)
    return stmt.order_by(*SORTS[f.sort](agg))


@dataclass
class Totals:
    events: int = 0
    schools: int = 0
    participants: int = 0
    ovz: int = 0
    disabled: int = 0
    winners: int = 0
    prizewinners: int = 0
    teachers: int = 0


def list_totals(f: EventFilters, viewer_school_id: int | None) -> Totals:
    """Totals over the whole filtered list (not just the page), in one query."""
    stmt, agg = _filtered(
        lambda agg: [Event.id, agg.c.schools, *[agg.c[n] for n in COUNT_NAMES]],
        f,
        viewer_school_id,
    )
    sub = stmt.subquery()
    row = db.session.execute(
        select(
            func.count(sub.c.id),
            func.coalesce(func.sum(sub.c.schools), 0),
            *[func.coalesce(func.sum(sub.c[n]), 0) for n in COUNT_NAMES],
        )
    ).one()
    return Totals(*[int(v) for v in row])


def page_rows(events: list[Event], f: EventFilters, viewer_school_id: int | None) -> dict:
    """{event_id: row with schools and count sums} for the events on one page: one query."""
    ids = [e.id for e in events]
    if not ids:
        return {}
    agg = _participation_agg(f.school_id if f.school_id is not None else viewer_school_id, f.year)
    rows = db.session.execute(select(agg).where(agg.c.event_id.in_(ids))).mappings()
    return {r["event_id"]: r for r in rows}


def duplicate_ids(events: list[Event], viewer_school_id: int | None) -> set[int]:
    """Ids among `events` that have a likely duplicate (same normalised title, start date
    and level) that the viewer can see: one query."""
    ids = [e.id for e in events]
    if not ids:
        return set()
    stmt = select(Event.id).where(Event.id.in_(ids), _duplicate_exists(viewer_school_id))
    return set(db.session.scalars(stmt))


def likely_duplicates(
    title: str,
    start_date: date,
    level: str,
    viewer_school_id: int | None,
    exclude_id: int | None = None,
) -> list[Event]:
    stmt = select(Event).where(
        Event.title_key == normalize_title(title),
        Event.start_date == start_date,
        Event.level == level,
        visible_clause(viewer_school_id),
    )
    if exclude_id is not None:
        stmt = stmt.where(Event.id != exclude_id)
    return list(db.session.scalars(stmt.order_by(Event.id)))


def pending_proposals_count() -> int:
    return db.session.scalar(select(func.count(Event.id)).where(Event.status == Status.PROPOSED))


# --- Reference data -------------------------------------------------------------------------


def format_choices(include_id: int | None = None) -> list[tuple[int, str]]:
    """Active forms, plus the one an event already has even if it was deactivated."""
    stmt = select(EventFormat.id, EventFormat.name).order_by(
        EventFormat.sort_order, EventFormat.name
    )
    stmt = stmt.where(or_(EventFormat.active, EventFormat.id == (include_id or 0)))
    return [(i, n) for i, n in db.session.execute(stmt)]


def project_choices(include_id: int | None = None) -> list[tuple[int, str]]:
    stmt = select(Project.id, Project.name).order_by(Project.sort_order, Project.name)
    stmt = stmt.where(or_(Project.active, Project.id == (include_id or 0)))
    return [(i, n) for i, n in db.session.execute(stmt)]


def school_choices(include_id: int | None = None) -> list[tuple[int, str]]:
    stmt = select(School.id, School.short_name).order_by(School.short_name)
    stmt = stmt.where(or_(School.active, School.id == (include_id or 0)))
    return [(i, n) for i, n in db.session.execute(stmt)]


# --- Saving ---------------------------------------------------------------------------------


# Event columns the form edits and save_event copies. A new field (say, a partner) is a
# model column, a form field, and its name here.
EDITABLE_FIELDS = (
    "title",
    "level",
    "format_id",
    "project_id",
    "start_date",
    "end_date",
    "organizer",
    "partner_id",
    "for_students",
    "grade_from",
    "grade_to",
    "for_teachers",
    "for_parents",
    "description",
)


def save_event(event: Event, data: dict, user) -> Event:
    """Copy the form's data into `event` and settle its status and school by role.

    A coordinator's school-level event goes straight into the registry; any other level
    becomes a proposal the department confirms or merges.
    """
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(event, name, data[name])
    if not event.for_students:
        event.grade_from = event.grade_to = None
    if user.is_department:
        if event.level == Level.SCHOOL:
            event.school_id = data.get("school_id") or event.school_id
        elif event.status != Status.PROPOSED:
            event.school_id = None
        if event.status is None:
            event.status = Status.CONFIRMED
    else:
        event.school_id = user.school_id
        event.status = Status.CONFIRMED if event.level == Level.SCHOOL else Status.PROPOSED
    if event.id is None:
        event.created_by_id = user.id
    db.session.add(event)
    db.session.flush()
    return event


def confirm_event(event: Event) -> None:
    event.status = Status.CONFIRMED
    db.session.flush()
    audit.record("confirm", event, f"Подтверждено предложение: {event}")


class MergeConflict(Exception):
    def __init__(self, schools: list[str]):
        super().__init__(", ".join(schools))
        self.schools = schools


def merge_event(source: Event, target: Event) -> int:
    """Merge a proposal into an existing event: its participations move to the target and
    the proposal is deleted. Returns how many participations moved.

    If the target already has a participation of one of the same schools, nothing changes
    and MergeConflict names those schools: summing the two rows would most likely count the
    same children twice, so a person must decide which record is right.
    """
    if source.id == target.id:
        raise ValueError("An event cannot be merged into itself")
    conflicts = db.session.scalars(
        select(School.short_name)
        .join(Participation, Participation.school_id == School.id)
        .where(Participation.event_id == source.id)
        .where(
            Participation.school_id.in_(
                select(Participation.school_id).where(Participation.event_id == target.id)
            )
        )
        .order_by(School.short_name)
    ).all()
    if conflicts:
        raise MergeConflict(list(conflicts))
    moved = list(source.participations)
    for p in moved:
        p.event = target
    db.session.flush()
    audit.record(
        "merge",
        target,
        f"Объединено с предложением «{source.title}» (№ {source.id}): "
        f"перенесено записей об участии — {len(moved)}",
        changes={"source_id": source.id, "moved": [p.id for p in moved]},
    )
    db.session.delete(source)
    db.session.flush()
    return len(moved)


def merge_targets(source: Event) -> list[Event]:
    """Confirmed events a proposal can be merged into: likely duplicates first, then the
    rest of the same academic year by date."""
    same = and_(
        Event.title_key == source.title_key,
        Event.start_date == source.start_date,
        Event.level == source.level,
    )
    stmt = (
        select(Event)
        .where(
            Event.id != source.id,
            Event.status == Status.CONFIRMED,
            Event.academic_year == source.academic_year,
        )
        .order_by(same.desc(), Event.start_date, Event.title_key)
    )
    return list(db.session.scalars(stmt))


def participation_errors(values: dict) -> dict[str, str]:
    """The count rules, as Russian messages per field; shared by the form and the import.

    `values` holds ints for every count (None for an unknown `distinct_children`).
    """
    errors: dict[str, str] = {}
    for name in (*COUNT_NAMES, "distinct_children"):
        v = values.get(name)
        if v is not None and v < 0:
            errors[name] = "Число не может быть отрицательным."
        elif v is not None and v > MAX_COUNT:
            errors[name] = "Не больше 100 000."
    if errors:
        return errors
    d = values.get("distinct_children")
    n = values.get("participants") or 0
    if (values.get("ovz") or 0) > n:
        errors["ovz"] = f"Детей с ОВЗ не может быть больше, чем участников ({n})."
    if (values.get("disabled") or 0) > n:
        errors["disabled"] = f"Детей-инвалидов не может быть больше, чем участников ({n})."
    awards = (values.get("winners") or 0) + (values.get("prizewinners") or 0)
    if awards > n:
        message = f"Победителей и призёров вместе ({awards}) больше, чем участников ({n})."
        errors["winners"] = message
        errors["prizewinners"] = message
    if d is not None and d > n:
        errors["distinct_children"] = f"Не может быть больше, чем участников ({n})."
    if n == 0 and not (values.get("teachers") or 0):
        errors["participants"] = "Укажите число участников или педагогов."
    return errors


def save_participation(p: Participation, values: dict) -> Participation:
    for name in (*COUNT_NAMES, "distinct_children"):
        if name in values:
            setattr(p, name, values[name])
    db.session.add(p)
    db.session.flush()
    return p


def participation_for(event: Event, viewer_school_id: int | None) -> list[Participation]:
    stmt = (
        select(Participation)
        .join(School, School.id == Participation.school_id)
        .where(Participation.event_id == event.id)
        .order_by(School.short_name)
    )
    if viewer_school_id is not None:
        stmt = stmt.where(Participation.school_id == viewer_school_id)
    return list(db.session.scalars(stmt))


def participation_totals(rows: list[Participation]) -> dict[str, int]:
    """Sums of a participation table already loaded for display (one event's schools)."""
    totals = {n: sum(getattr(p, n) for p in rows) for n in COUNT_NAMES}
    known = [p.distinct_children for p in rows if p.distinct_children is not None]
    totals["distinct_children"] = sum(known) if known else None
    return totals


def schools_without_participation(event: Event) -> list[tuple[int, str]]:
    taken = select(Participation.school_id).where(Participation.event_id == event.id)
    stmt = (
        select(School.id, School.short_name)
        .where(School.active, School.id.not_in(taken))
        .order_by(School.short_name)
    )
    return [(i, n) for i, n in db.session.execute(stmt)]
