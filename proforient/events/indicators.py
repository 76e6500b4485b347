"""What the event registry contributes to the indicator set: figures per school and
academic year, and the district's distinct events (`breakdown` has the registry sections
of a printed summary).

Only active schools count, for a school and for the district alike; the district is their
sum, except that an event several schools attended is one event for the district.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from proforient.events.models import Category, Event, EventFormat, Participation
from proforient.events.totals import RowSums, Totals, sum_columns
from proforient.extensions import db
from proforient.schools.models import School

# Grades whose enrolment is the base of the share of children involved.
COVERAGE_GRADES = range(6, 12)


@dataclass
class SchoolEventFigures(Totals):
    """One school's registry figures for one academic year. `events` counts the events the
    school took part in (one participation row each); participants are participations (a
    child at three events counts three times); `distinct_children` is None when no
    participation row of the year knows it, and `distinct_known_participants` says how
    many participants those rows cover."""

    distinct_children: int | None = None
    distinct_known_participants: int = 0
    teacher_events: int = 0
    teachers_trained: int = 0
    prof_trials: int = 0
    prof_trial_students: int = 0
    showcase_events: int = 0


@dataclass
class DistrictEventCounts:
    """Events of one academic year that active schools took part in, each counted once."""

    events: int = 0
    teacher_events: int = 0
    prof_trials: int = 0
    showcase_events: int = 0


def school_year_figures(years: Iterable[int]) -> dict[tuple[int, int], SchoolEventFigures]:
    """{(year, school_id): figures} for every active school that took part in anything in
    those years. One query, whatever the number of schools and years."""
    rows = db.session.execute(
        select(Event.academic_year, Participation.school_id, EventFormat.category, *sum_columns())
        .join(Event, Event.id == Participation.event_id)
        .join(EventFormat, EventFormat.id == Event.format_id)
        .join(School, School.id == Participation.school_id)
        .where(Event.academic_year.in_(list(years)), School.active)
        .group_by(Event.academic_year, Participation.school_id, EventFormat.category)
    ).all()
    table: dict[tuple[int, int], SchoolEventFigures] = {}
    for year, school_id, category, *values in rows:
        sums = RowSums.read(values)
        row = table.setdefault((year, school_id), SchoolEventFigures())
        row.add(sums.totals(events=sums.rows))
        sums.add_distinct(row)
        if category == Category.PROF_TRIAL:
            row.prof_trials += sums.rows
            row.prof_trial_students += sums.counts["participants"]
        elif category == Category.TEACHER:
            row.teacher_events += sums.rows
            row.teachers_trained += sums.counts["teachers"]
        elif category == Category.SHOWCASE:
            row.showcase_events += sums.rows
    return table


def district_event_counts(years: Iterable[int]) -> dict[int, DistrictEventCounts]:
    """{year: counts} of distinct events active schools took part in. A year absent from
    the result has no participation recorded at all: the registry knows nothing of it.
    One query."""
    rows = db.session.execute(
        select(
            Event.academic_year,
            EventFormat.category,
            func.count(func.distinct(Event.id)),
        )
        .join(Participation, Participation.event_id == Event.id)
        .join(EventFormat, EventFormat.id == Event.format_id)
        .join(School, School.id == Participation.school_id)
        .where(Event.academic_year.in_(list(years)), School.active)
        .group_by(Event.academic_year, EventFormat.category)
    ).all()
    out: dict[int, DistrictEventCounts] = {}
    for year, category, n in rows:
        counts = out.setdefault(year, DistrictEventCounts())
        counts.events += int(n)
        if category == Category.TEACHER:
            counts.teacher_events += int(n)
        elif category == Category.PROF_TRIAL:
            counts.prof_trials += int(n)
        elif category == Category.SHOWCASE:
            counts.showcase_events += int(n)
    return out


def first_year() -> int | None:
    """The earliest academic year with any participation recorded."""
    return db.session.scalar(
        select(func.min(Event.academic_year)).join(
            Participation, Participation.event_id == Event.id
        )
    )
