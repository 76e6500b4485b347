"""Event registry logic: who sees and edits what, the filtered list with totals, saving,
merging proposals, and the indicators that reports build on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlalchemy import Select, and_, case, exists, false, func, or_, select, true
from sqlalchemy.orm import aliased

from proforient.core import audit
from proforient.core.params import YEAR_MAX, YEAR_MIN, parse_date, parse_int
from proforient.core.timeutil import local_today
from proforient.events.models import (
    COUNT_FIELDS,
    Category,
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
from proforient.schools.services import enrolment_in_grades

COUNT_NAMES = tuple(name for name, _label in COUNT_FIELDS)
# The most people one school brings to one event, for the form and the import alike.
MAX_COUNT = 100_000

# Grades whose enrolment is the base of the coverage share (DESIGN.md §4, item 4).
COVERAGE_GRADES = range(6, 12)


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


# --- Indicators -----------------------------------------------------------------------------


@dataclass
class LevelTotals:
    """Participation sums for one level (or all levels)."""

    events: int = 0
    participations: int = 0
    participants: int = 0
    ovz: int = 0
    disabled: int = 0
    winners: int = 0
    prizewinners: int = 0
    teachers: int = 0

    def add(self, other: LevelTotals) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class WinnerRow:
    event_id: int
    title: str
    level: str
    start_date: date
    winners: int
    prizewinners: int


@dataclass
class EventIndicators:
    """Registry indicators for one academic year, for a school or the whole district.

    Counted events are those with at least one participation row (of that school, for a
    school): an event no school attended is not part of the district's work. Proposals
    waiting for confirmation count too (their participation is real); `proposed_events`
    says how many there are, so a report can warn.

    - `year`, `school_id` (None = district), `level_labels` {level code: Russian label}.
    - Indicator 3, events by level × form: `events_by_level_form` {(level, format_id): n},
      `format_names` {format_id: name}, `format_codes` {format_id: code or None},
      `events_by_level` {level: n}, `events_by_form` {format_id: n}, `events_total`.
    - Indicator 4, children involved: `total.participations` (school × event rows),
      `total.participants` (participations, a child at three events counted three times),
      `total.ovz`, `total.disabled`; `distinct_children` (sum of the «впервые в этом году»
      counts, None if no row knows it), `distinct_known_participants` (participants in the
      rows where it is known, so a report can say how complete it is), `enrolment_6_11`
      (students in grades 6–11 of the school or district) and the shares
      `participation_share` (participants ÷ enrolment) and `distinct_share`.
    - Indicator 5, winners and prize-winners: `total.winners`, `total.prizewinners`,
      `by_level[level].winners/.prizewinners`, and `winner_events` (WinnerRow per event
      with any award, by date).
    - `by_level` {level: LevelTotals} for every level, in order, zeros included.
    - Indicator 6: `teacher_events` (events of a form in category «teacher»),
      `teachers_trained` (teachers in those events' participation).
    - Indicator 11: `prof_trials` (events of category «prof_trial»), `prof_trial_students`.
    - Indicator 12: `showcase_events` (fairs, open days, forums, festivals: category
      «showcase»), `showcase_by_form` {format_id: n}.
    - `teachers_total`: teachers involved in any event.

    Always 4 SQL queries, whatever the data (tested).
    """

    year: int
    school_id: int | None
    level_labels: dict[str, str] = field(default_factory=lambda: dict(Level.LABELS))
    events_by_level_form: dict[tuple[str, int], int] = field(default_factory=dict)
    format_names: dict[int, str] = field(default_factory=dict)
    format_codes: dict[int, str | None] = field(default_factory=dict)
    events_by_level: dict[str, int] = field(default_factory=dict)
    events_by_form: dict[int, int] = field(default_factory=dict)
    events_total: int = 0
    proposed_events: int = 0
    by_level: dict[str, LevelTotals] = field(default_factory=dict)
    total: LevelTotals = field(default_factory=LevelTotals)
    distinct_children: int | None = None
    distinct_known_participants: int = 0
    enrolment_6_11: int = 0
    winner_events: list[WinnerRow] = field(default_factory=list)
    teacher_events: int = 0
    teachers_trained: int = 0
    prof_trials: int = 0
    prof_trial_students: int = 0
    showcase_events: int = 0
    showcase_by_form: dict[int, int] = field(default_factory=dict)
    teachers_total: int = 0

    @property
    def participation_share(self) -> float | None:
        if not self.enrolment_6_11:
            return None
        return self.total.participants / self.enrolment_6_11

    @property
    def distinct_share(self) -> float | None:
        if not self.enrolment_6_11 or self.distinct_children is None:
            return None
        return self.distinct_children / self.enrolment_6_11


def _participation_scope(year: int, school_id: int | None):
    conds = [Event.academic_year == year]
    if school_id is not None:
        conds.append(Participation.school_id == school_id)
    return conds


def event_indicators(year: int, school_id: int | None = None) -> EventIndicators:
    """Indicators 3–6, 11 and 12 of DESIGN.md §4 for a school (or the district, when
    `school_id` is None) and an academic year. See EventIndicators for the shape."""
    result = EventIndicators(year=year, school_id=school_id)
    result.by_level = {code: LevelTotals() for code in Level.CODES}
    scope = _participation_scope(year, school_id)

    # 1. Events by level × form: each event once, however many schools attended.
    event_ids = (
        select(Participation.event_id)
        .join(Event, Event.id == Participation.event_id)
        .where(*scope)
        .distinct()
        .subquery()
    )
    rows = db.session.execute(
        select(
            Event.level,
            EventFormat.id,
            EventFormat.name,
            EventFormat.code,
            EventFormat.category,
            func.count(Event.id),
            func.sum(case((Event.status == Status.PROPOSED, 1), else_=0)),
        )
        .join(EventFormat, EventFormat.id == Event.format_id)
        .where(Event.id.in_(select(event_ids.c.event_id)))
        .group_by(Event.level, EventFormat.id, EventFormat.name, EventFormat.code)
        .group_by(EventFormat.category)
    ).all()
    for level, fid, name, code, category, n, proposed in rows:
        n = int(n)
        result.events_by_level_form[(level, fid)] = n
        result.format_names[fid] = name
        result.format_codes[fid] = code
        result.events_by_level[level] = result.events_by_level.get(level, 0) + n
        result.events_by_form[fid] = result.events_by_form.get(fid, 0) + n
        result.events_total += n
        result.proposed_events += int(proposed or 0)
        result.by_level[level].events += n
        if category == Category.TEACHER:
            result.teacher_events += n
        elif category == Category.PROF_TRIAL:
            result.prof_trials += n
        elif category == Category.SHOWCASE:
            result.showcase_events += n
            result.showcase_by_form[fid] = result.showcase_by_form.get(fid, 0) + n

    # 2. Participation sums by level × category.
    known = Participation.distinct_children.is_not(None)
    rows = db.session.execute(
        select(
            Event.level,
            EventFormat.category,
            func.count(Participation.id),
            *[func.coalesce(func.sum(getattr(Participation, n)), 0) for n in COUNT_NAMES],
            func.count(Participation.distinct_children),
            func.coalesce(func.sum(Participation.distinct_children), 0),
            func.coalesce(func.sum(case((known, Participation.participants), else_=0)), 0),
        )
        .join(Event, Event.id == Participation.event_id)
        .join(EventFormat, EventFormat.id == Event.format_id)
        .where(*scope)
        .group_by(Event.level, EventFormat.category)
    ).all()
    distinct_rows = 0
    distinct_sum = 0
    for level, category, rows_n, *sums, known_rows, distinct, known_participants in rows:
        counts = dict(zip(COUNT_NAMES, (int(s) for s in sums), strict=True))
        part = LevelTotals(events=0, participations=int(rows_n), **counts)
        result.by_level[level].add(part)
        result.total.add(part)
        distinct_rows += int(known_rows)
        distinct_sum += int(distinct)
        result.distinct_known_participants += int(known_participants)
        if category == Category.TEACHER:
            result.teachers_trained += counts["teachers"]
        elif category == Category.PROF_TRIAL:
            result.prof_trial_students += counts["participants"]
    result.total.events = result.events_total
    result.teachers_total = result.total.teachers
    result.distinct_children = distinct_sum if distinct_rows else None

    # 3. Winners and prize-winners per event.
    rows = db.session.execute(
        select(
            Event.id,
            Event.title,
            Event.level,
            Event.start_date,
            func.sum(Participation.winners),
            func.sum(Participation.prizewinners),
        )
        .join(Event, Event.id == Participation.event_id)
        .where(*scope, (Participation.winners + Participation.prizewinners) > 0)
        .group_by(Event.id, Event.title, Event.level, Event.start_date)
        .order_by(Event.start_date, Event.id)
    ).all()
    result.winner_events = [
        WinnerRow(i, t, lv, d, int(w or 0), int(p or 0)) for i, t, lv, d, w, p in rows
    ]

    # 4. The base of the shares.
    enrolment = enrolment_in_grades(COVERAGE_GRADES, [school_id] if school_id is not None else None)
    result.enrolment_6_11 = sum(enrolment.values())
    return result


@dataclass
class SchoolEventRow:
    school_id: int
    events: int = 0
    participants: int = 0
    ovz: int = 0
    disabled: int = 0
    winners: int = 0
    prizewinners: int = 0
    teachers: int = 0
    distinct_children: int | None = None
    prof_trials: int = 0
    prof_trial_students: int = 0
    teacher_events: int = 0
    teachers_trained: int = 0
    showcase_events: int = 0


def school_table(year: int) -> dict[int, SchoolEventRow]:
    """One row per school that took part in anything in `year`, for district reports
    (one row per school): {school_id: SchoolEventRow}. One SQL query."""
    rows = db.session.execute(
        select(
            Participation.school_id,
            EventFormat.category,
            func.count(Participation.id),
            *[func.coalesce(func.sum(getattr(Participation, n)), 0) for n in COUNT_NAMES],
            func.count(Participation.distinct_children),
            func.coalesce(func.sum(Participation.distinct_children), 0),
        )
        .join(Event, Event.id == Participation.event_id)
        .join(EventFormat, EventFormat.id == Event.format_id)
        .where(Event.academic_year == year)
        .group_by(Participation.school_id, EventFormat.category)
    ).all()
    table: dict[int, SchoolEventRow] = {}
    for school_id, category, n, *rest in rows:
        sums = dict(zip(COUNT_NAMES, (int(s) for s in rest[: len(COUNT_NAMES)]), strict=True))
        known_rows, distinct = int(rest[-2]), int(rest[-1])
        row = table.setdefault(school_id, SchoolEventRow(school_id))
        # A school's participation row is one event for that school.
        row.events += int(n)
        for name, value in sums.items():
            setattr(row, name, getattr(row, name) + value)
        if known_rows:
            row.distinct_children = (row.distinct_children or 0) + distinct
        if category == Category.PROF_TRIAL:
            row.prof_trials += int(n)
            row.prof_trial_students += sums["participants"]
        elif category == Category.TEACHER:
            row.teacher_events += int(n)
            row.teachers_trained += sums["teachers"]
        elif category == Category.SHOWCASE:
            row.showcase_events += int(n)
    return table
