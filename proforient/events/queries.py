"""Reading the registry: the filtered list with its totals, likely duplicates, choices for
the forms' selects, and one event's participation table.

Lists filter in SQL by what the viewer may see (`access.visible_clause`) and aggregate
participation in one GROUP BY, so a page costs the same few queries at any size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, case, exists, false, func, or_, select
from sqlalchemy.orm import aliased

from proforient.core.params import YEAR_MAX, YEAR_MIN, parse_date, parse_int
from proforient.core.text import search_key
from proforient.core.timeutil import local_today
from proforient.events.access import visible_clause
from proforient.events.models import (
    COUNT_NAMES,
    Event,
    EventFormat,
    EventStatus,
    Level,
    Participation,
    Project,
)
from proforient.events.totals import Totals
from proforient.extensions import db
from proforient.schools.models import School
from proforient.schools.services import school_choices


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
            level=level if level in Level.codes() else None,
            format_id=parse_int(args.get("form"), 1),
            project_id=parse_int(args.get("project"), 1),
            school_id=parse_int(args.get("school"), 1),
            date_from=parse_date(args.get("from")),
            date_to=parse_date(args.get("to")),
            q=(args.get("q") or "").strip()[:200],
            status=status if status in EventStatus.codes() else None,
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
    return exists(stmt.where(visible_clause(viewer_school_id, other)))


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
        key = search_key(f.q)
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
        Event.title_key == search_key(title),
        Event.start_date == start_date,
        Event.level == level,
        visible_clause(viewer_school_id),
    )
    if exclude_id is not None:
        stmt = stmt.where(Event.id != exclude_id)
    return list(db.session.scalars(stmt.order_by(Event.id)))


def pending_proposals_count() -> int:
    return db.session.scalar(
        select(func.count(Event.id)).where(Event.status == EventStatus.PROPOSED)
    )


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
            Event.status == EventStatus.CONFIRMED,
            Event.academic_year == source.academic_year,
        )
        .order_by(same.desc(), Event.start_date, Event.title_key)
    )
    return list(db.session.scalars(stmt))


def partner_events(partner_id: int, viewer_school_id: int | None, limit: int = 200) -> list:
    """Events held with the partner that the viewer may see, newest first (one query)."""
    stmt = (
        select(Event)
        .where(Event.partner_id == partner_id, visible_clause(viewer_school_id))
        .order_by(Event.start_date.desc(), Event.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


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
    """The active schools whose participation in the event is not recorded yet, for a
    select (in `school_choices` order)."""
    taken = set(
        db.session.scalars(
            select(Participation.school_id).where(Participation.event_id == event.id)
        )
    )
    return [(i, name) for i, name in school_choices() if i not in taken]
