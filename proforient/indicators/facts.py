"""The raw figures behind the indicators: for every active school and academic year, what
the registries, the two school forms and the surveys hold. Read from the feature packages
(the source of truth) in a fixed number of queries, whatever the number of schools.

A source with nothing for a school and year is None, never zero: no submitted form, no
campaign that included the school, or a year the registry knows nothing about.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from proforient.agreements import indicators as agreements
from proforient.events import indicators as events
from proforient.extensions import db
from proforient.indicators.models import ManualValue
from proforient.monitoring import indicators as monitoring
from proforient.monitoring.models import PeriodKind, ReportingPeriod
from proforient.monitoring.rules import GraduateValues
from proforient.partners.models import PartnerKind
from proforient.schools.models import School, natural_key
from proforient.schools.services import enrolment_table
from proforient.surveys import indicators as surveys
from proforient.surveys.models import Audience

AUDIENCES = (Audience.STUDENTS, Audience.PARENTS)


@dataclass(frozen=True)
class SchoolInfo:
    id: int
    short_name: str
    full_name: str
    settlement: str


@dataclass
class Facts:
    """One school's (or, summed, the district's) raw figures for one academic year."""

    year: int
    enrolment_6_11: int = 0
    events: events.SchoolEventFigures | None = None
    agreements: dict[str, int] | None = None
    form: monitoring.FormFigures | None = None
    graduates: GraduateValues | None = None
    surveys: dict[str, surveys.AudienceFigures | None] = field(
        default_factory=lambda: dict.fromkeys(AUDIENCES)
    )
    # Which kinds of records the school itself has for the year (events, agreements, form,
    # graduates, students, parents): where it has them, they win over typed values.
    own: set[str] = field(default_factory=set)
    # Values the department typed for the year: {measure key or "<key>.base": value}.
    manual: dict[str, float] = field(default_factory=dict)


@dataclass
class YearFacts:
    """Everything known about one academic year: each active school's facts, the district's
    distinct event counts, and which sources hold anything for the year at all."""

    year: int
    schools: dict[int, Facts]
    district_events: events.DistrictEventCounts | None
    has_agreements: bool
    monitoring_period: bool
    surveyed: dict[str, bool]


@dataclass
class FactSet:
    schools: list[SchoolInfo]
    years: dict[int, YearFacts]


def active_schools() -> list[SchoolInfo]:
    """Active schools in the order people look for them: «№ 3» before «№ 10»."""
    rows = db.session.execute(
        select(School.id, School.short_name, School.full_name, School.settlement).where(
            School.active
        )
    )
    return sorted((SchoolInfo(*row) for row in rows), key=lambda s: natural_key(s.short_name))


def load(years: Iterable[int]) -> FactSet:
    """Facts of every active school for each of `years`: 14 queries, however many schools
    and years."""
    years = sorted(set(years))
    schools = active_schools()
    ids = [s.id for s in schools]
    pupils = enrolment_table(ids)
    event_rows = events.school_year_figures(years)
    district_events = events.district_event_counts(years)
    in_force = agreements.in_force_counts(years)
    forms = monitoring.submitted_forms(years)
    graduates = monitoring.submitted_graduates(years)
    survey_rows = surveys.survey_figures(years, pupils)
    typed = manual_values(years)
    periods = set(
        db.session.scalars(
            select(ReportingPeriod.year).where(
                ReportingPeriod.kind == PeriodKind.MONITORING, ReportingPeriod.year.in_(years)
            )
        )
    )

    out = {}
    for year in years:
        registry = year in district_events
        has_agreements = any(y == year for y, _sid in in_force)
        surveyed = {a: any(y == year and aud == a for y, aud, _s in survey_rows) for a in AUDIENCES}
        facts = {}
        for sid in ids:
            f = Facts(year, enrolment_6_11=sum(pupils[sid][g] for g in events.COVERAGE_GRADES))
            if registry:
                f.events = event_rows.get((year, sid), events.SchoolEventFigures())
            if has_agreements:
                f.agreements = in_force.get((year, sid), dict.fromkeys(PartnerKind.codes(), 0))
            f.form = forms.get((year, sid))
            f.graduates = graduates.get((year, sid))
            f.surveys = {a: survey_rows.get((year, a, sid)) for a in AUDIENCES}
            f.manual = typed.get((year, sid), {})
            f.own = {
                feed
                for feed, present in (
                    ("events", (year, sid) in event_rows),
                    ("agreements", (year, sid) in in_force),
                    ("form", f.form is not None),
                    ("graduates", f.graduates is not None),
                    *((a, f.surveys[a] is not None) for a in AUDIENCES),
                )
                if present
            }
            facts[sid] = f
        out[year] = YearFacts(
            year,
            facts,
            district_events.get(year),
            has_agreements,
            year in periods,
            surveyed,
        )
    return FactSet(schools, out)


def manual_values(years: list[int]) -> dict[tuple[int, int], dict[str, float]]:
    """{(year, school_id): {key: value}} typed in for active schools. One query."""
    out: dict[tuple[int, int], dict[str, float]] = {}
    rows = db.session.execute(
        select(ManualValue.year, ManualValue.school_id, ManualValue.key, ManualValue.value)
        .join(School, School.id == ManualValue.school_id)
        .where(ManualValue.year.in_(years), School.active)
    )
    for year, school_id, key, value in rows:
        out.setdefault((year, school_id), {})[key] = value
    return out


def first_year() -> int | None:
    """The earliest academic year any source holds figures for (five small queries)."""
    found = [
        y
        for y in (
            db.session.scalar(select(func.min(ManualValue.year))),
            events.first_year(),
            agreements.first_year(),
            monitoring.first_year(),
            surveys.first_year(),
        )
        if y is not None
    ]
    return min(found) if found else None
