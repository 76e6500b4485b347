"""The registry sections of a printed summary, for a school or the district of active
schools: participation by level and form, winners and prize-winners, professional trials.

Counted events are those with at least one participation row (of that school, for a
school); an event several schools attended is one event for the district.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, null, select

from proforient.events.indicators import COVERAGE_GRADES
from proforient.events.models import (
    Category,
    Event,
    EventFormat,
    EventStatus,
    Level,
    Participation,
)
from proforient.events.totals import RowSums, Totals, sum_columns
from proforient.extensions import db
from proforient.schools.models import School
from proforient.schools.services import enrolment_in_grades


@dataclass
class WinnerRow:
    event_id: int
    title: str
    level: str
    start_date: date
    winners: int
    prizewinners: int


@dataclass
class TrialRow:
    """A professional trial and how many of the group's pupils took it."""

    event_id: int
    title: str
    start_date: date
    participants: int
    ovz: int


@dataclass(kw_only=True)
class FormTotals(Totals):
    """Participation sums for one event form (конкурс, профессиональная проба …)."""

    format_id: int
    name: str
    category: str


@dataclass
class ParticipationBreakdown:
    """The registry's year for a school or the whole district of active schools, broken
    down for a summary.

    Counted events are those with at least one participation row (of that school, for a
    school): an event no school attended is not part of the district's work. Proposals
    waiting for confirmation count too (their participation is real); `proposed_events`
    says how many there are, so a report can warn.

    - `events_by_level_form` {(level, format_id): n}, `format_names`, `format_codes`,
      `events_by_level` {level: n}, `events_by_form` {format_id: n}, `events_total`.
    - `by_level` {level: Totals} for every level in order, zeros included; `total`.
    - `by_form` [FormTotals] for every form that occurred, in the reference order.
    - `distinct_children` (None if no row knows it), `distinct_known_participants`,
      `enrolment_6_11` and the shares `participation_share`, `distinct_share`.
    - `winner_events`: WinnerRow per event with any award, by date; `trial_events`:
      TrialRow per professional trial, by date.
    - `teacher_events`, `teachers_trained`, `prof_trials`, `prof_trial_students`,
      `showcase_events`, `showcase_by_form`, `teachers_total`.

    Always 6 SQL queries, whatever the data.
    """

    year: int
    school_id: int | None
    level_labels: dict[str, str] = field(default_factory=Level.labels)
    events_by_level_form: dict[tuple[str, int], int] = field(default_factory=dict)
    format_names: dict[int, str] = field(default_factory=dict)
    format_codes: dict[int, str | None] = field(default_factory=dict)
    events_by_level: dict[str, int] = field(default_factory=dict)
    events_by_form: dict[int, int] = field(default_factory=dict)
    events_total: int = 0
    proposed_events: int = 0
    by_level: dict[str, Totals] = field(default_factory=dict)
    by_form: list[FormTotals] = field(default_factory=list)
    total: Totals = field(default_factory=Totals)
    distinct_children: int | None = None
    distinct_known_participants: int = 0
    enrolment_6_11: int = 0
    winner_events: list[WinnerRow] = field(default_factory=list)
    trial_events: list[TrialRow] = field(default_factory=list)
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


def participation_breakdown(year: int, school_id: int | None = None) -> ParticipationBreakdown:
    """The registry's `year` for a school (or the district of active schools, when
    `school_id` is None). See ParticipationBreakdown for the shape."""
    key = None if school_id is None else [school_id]
    return participation_breakdowns(year, key)[school_id]


def participation_breakdowns(
    year: int, school_ids: list[int] | None
) -> dict[int | None, ParticipationBreakdown]:
    """{school_id: breakdown} for each of `school_ids`, or {None: the district's} when
    `school_ids` is None. Six queries however many schools: each groups by school too."""
    per_school = school_ids is not None
    keys: list[int | None] = list(school_ids) if per_school else [None]
    out = {}
    for k in keys:
        out[k] = ParticipationBreakdown(year=year, school_id=k)
        out[k].by_level = {code: Totals() for code in Level.codes()}
    conds = [Event.academic_year == year]
    if per_school:
        conds.append(Participation.school_id.in_(keys))
    else:
        conds.append(Participation.school_id.in_(select(School.id).where(School.active)))
    # The group a row belongs to: its school, or the one district group (no GROUP BY term).
    group = Participation.school_id if per_school else null()
    by_group = [Participation.school_id] if per_school else []

    # 1. Events by level × form: each event once per group, however many schools attended.
    pairs = (
        select(group.label("group_key"), Participation.event_id)
        .join(Event, Event.id == Participation.event_id)
        .where(*conds)
        .distinct()
        .subquery()
    )
    rows = db.session.execute(
        select(
            pairs.c.group_key,
            Event.level,
            EventFormat.id,
            EventFormat.name,
            EventFormat.code,
            EventFormat.category,
            func.count(Event.id),
            func.sum(case((Event.status == EventStatus.PROPOSED, 1), else_=0)),
        )
        .join(Event, Event.id == pairs.c.event_id)
        .join(EventFormat, EventFormat.id == Event.format_id)
        .group_by(pairs.c.group_key, Event.level, EventFormat.id, EventFormat.name)
        .group_by(EventFormat.code, EventFormat.category)
    ).all()
    for k, level, fid, name, code, category, n, proposed in rows:
        result = out[k]
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
    rows = db.session.execute(
        select(group, Event.level, EventFormat.category, *sum_columns())
        .join(Event, Event.id == Participation.event_id)
        .join(EventFormat, EventFormat.id == Event.format_id)
        .where(*conds)
        .group_by(*by_group, Event.level, EventFormat.category)
    ).all()
    for k, level, category, *values in rows:
        result = out[k]
        sums = RowSums.read(values)
        result.by_level[level].add(sums.totals())
        result.total.add(sums.totals())
        sums.add_distinct(result)
        if category == Category.TEACHER:
            result.teachers_trained += sums.counts["teachers"]
        elif category == Category.PROF_TRIAL:
            result.prof_trial_students += sums.counts["participants"]
    for result in out.values():
        result.total.events = result.events_total
        result.teachers_total = result.total.teachers

    # 3. Participation sums by form, in the reference order (events once per group).
    rows = db.session.execute(
        select(
            group,
            EventFormat.id,
            EventFormat.name,
            EventFormat.category,
            func.count(func.distinct(Event.id)),
            *sum_columns(),
        )
        .join(Event, Event.id == Participation.event_id)
        .join(EventFormat, EventFormat.id == Event.format_id)
        .where(*conds)
        .group_by(*by_group, EventFormat.id, EventFormat.name, EventFormat.category)
        .group_by(EventFormat.sort_order)
        .order_by(EventFormat.sort_order, EventFormat.name)
    ).all()
    for k, fid, name, category, events, *values in rows:
        form = FormTotals(format_id=fid, name=name, category=category)
        form.add(RowSums.read(values).totals(events=int(events)))
        out[k].by_form.append(form)

    # 4. Winners and prize-winners per event.
    rows = db.session.execute(
        select(
            group,
            Event.id,
            Event.title,
            Event.level,
            Event.start_date,
            func.sum(Participation.winners),
            func.sum(Participation.prizewinners),
        )
        .join(Event, Event.id == Participation.event_id)
        .where(*conds, (Participation.winners + Participation.prizewinners) > 0)
        .group_by(*by_group, Event.id, Event.title, Event.level, Event.start_date)
        .order_by(Event.start_date, Event.id)
    ).all()
    for k, i, t, lv, d, w, p in rows:
        out[k].winner_events.append(WinnerRow(i, t, lv, d, int(w or 0), int(p or 0)))

    # 5. Professional trials.
    rows = db.session.execute(
        select(
            group,
            Event.id,
            Event.title,
            Event.start_date,
            func.sum(Participation.participants),
            func.sum(Participation.ovz),
        )
        .join(Event, Event.id == Participation.event_id)
        .join(EventFormat, EventFormat.id == Event.format_id)
        .where(*conds, EventFormat.category == Category.PROF_TRIAL)
        .group_by(*by_group, Event.id, Event.title, Event.start_date)
        .order_by(Event.start_date, Event.id)
    ).all()
    for k, i, t, d, p, o in rows:
        out[k].trial_events.append(TrialRow(i, t, d, int(p or 0), int(o or 0)))

    # 6. The base of the shares.
    if per_school:
        enrolment = enrolment_in_grades(COVERAGE_GRADES, keys)
        for k, result in out.items():
            result.enrolment_6_11 = enrolment.get(k, 0)
    else:
        active = select(School.id).where(School.active)
        out[None].enrolment_6_11 = sum(enrolment_in_grades(COVERAGE_GRADES, active).values())
    return out
