"""Reading the yearly forms: reporting periods and how far the schools got with each,
who may change a form now, and the year's tables for the export. Fixed query counts."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select

from proforient.extensions import db
from proforient.monitoring.models import (
    GraduateCohort,
    GraduateDestination,
    GraduateReport,
    MonitoringReport,
    PeriodKind,
    PeriodState,
    ReportingPeriod,
    Status,
)
from proforient.monitoring.rules import COHORT, GraduateValues, empty_graduate_values
from proforient.schools.models import School

REPORT_MODELS = {PeriodKind.MONITORING: MonitoringReport, PeriodKind.GRADUATES: GraduateReport}

# --- Periods ---------------------------------------------------------------------------


def find_period(kind: str, year: int) -> ReportingPeriod | None:
    return db.session.scalar(
        select(ReportingPeriod).where(ReportingPeriod.kind == kind, ReportingPeriod.year == year)
    )


@dataclass
class PeriodSummary:
    period: ReportingPeriod
    state: PeriodState
    counts: dict[str, int]  # Status.* (not_started included) -> schools
    schools: int  # active schools

    @property
    def submitted_share(self) -> float | None:
        return self.counts[Status.SUBMITTED] / self.schools if self.schools else None


def period_summaries(today: date) -> list[PeriodSummary]:
    """Every period, newest year first, with how many active schools are in each state.

    Four queries whatever the number of periods: periods, active schools, and one GROUP BY
    per form table.
    """
    periods = db.session.scalars(
        select(ReportingPeriod).order_by(ReportingPeriod.year.desc(), ReportingPeriod.kind.desc())
    ).all()
    schools = db.session.scalar(select(func.count(School.id)).where(School.active)) or 0
    counts: dict[tuple[str, int], dict[str, int]] = {}
    for kind, model in REPORT_MODELS.items():
        rows = db.session.execute(
            select(model.year, model.status, func.count(model.id))
            .join(School, School.id == model.school_id)
            .where(School.active)
            .group_by(model.year, model.status)
        )
        for year, status, n in rows:
            counts.setdefault((kind, year), {})[status] = n
    out = []
    for p in periods:
        c = {s: counts.get((p.kind, p.year), {}).get(s, 0) for s in Status.stored()}
        c[Status.NOT_STARTED] = max(schools - sum(c.values()), 0)
        out.append(PeriodSummary(p, p.state(today), c, schools))
    return out


@dataclass
class SchoolState:
    school_id: int
    short_name: str
    status: str  # Status.*, NOT_STARTED when the school has no form yet
    report_id: int | None
    updated_at: datetime | None
    submitted_at: datetime | None
    return_comment: str

    @property
    def label(self) -> str:
        return Status(self.status).label

    @property
    def badge(self) -> str:
        return Status(self.status).badge


def school_states(kind: str, year: int, status: str | None = None) -> list[SchoolState]:
    """Every active school with the state of its form for the year (one query)."""
    model = REPORT_MODELS[kind]
    stmt = (
        select(
            School.id,
            School.short_name,
            model.status,
            model.id,
            model.updated_at,
            model.submitted_at,
            model.return_comment,
        )
        .outerjoin(model, and_(model.school_id == School.id, model.year == year))
        .where(School.active)
        .order_by(School.short_name)
    )
    if status == Status.NOT_STARTED:
        stmt = stmt.where(model.id.is_(None))
    elif status in Status.stored():
        stmt = stmt.where(model.status == status)
    return [
        SchoolState(
            school_id=sid,
            short_name=name,
            status=st or Status.NOT_STARTED,
            report_id=rid,
            updated_at=updated,
            submitted_at=submitted,
            return_comment=comment or "",
        )
        for sid, name, st, rid, updated, submitted, comment in db.session.execute(stmt)
    ]


@dataclass
class SchoolPeriodRow:
    period: ReportingPeriod
    state: PeriodState
    status: str
    report_id: int | None
    submitted_at: datetime | None
    return_comment: str


def school_period_rows(school_id: int, today: date) -> list[SchoolPeriodRow]:
    """All periods with one school's form state in each (three queries)."""
    periods = db.session.scalars(
        select(ReportingPeriod).order_by(ReportingPeriod.year.desc(), ReportingPeriod.kind.desc())
    ).all()
    found: dict[tuple[str, int], tuple] = {}
    for kind, model in REPORT_MODELS.items():
        rows = db.session.execute(
            select(
                model.year, model.status, model.id, model.submitted_at, model.return_comment
            ).where(model.school_id == school_id)
        )
        for year, status, rid, submitted, comment in rows:
            found[(kind, year)] = (status, rid, submitted, comment)
    out = []
    for p in periods:
        status, rid, submitted, comment = found.get(
            (p.kind, p.year), (Status.NOT_STARTED, None, None, "")
        )
        out.append(SchoolPeriodRow(p, p.state(today), status, rid, submitted, comment or ""))
    return out


def open_periods(today: date) -> list[ReportingPeriod]:
    return db.session.scalars(
        select(ReportingPeriod)
        .where(ReportingPeriod.opens_on <= today, ReportingPeriod.closes_on >= today)
        .order_by(ReportingPeriod.closes_on)
    ).all()


# --- Forms --------------------------------------------------------------------------


def get_report(kind: str, school_id: int, year: int):
    model = REPORT_MODELS[kind]
    return db.session.scalar(select(model).where(model.school_id == school_id, model.year == year))


def edit_block_reason(period: ReportingPeriod, report, user, today: date) -> str | None:
    """Why this user may not change the form now, or None if they may.

    The department edits any school's form at any time; a coordinator edits their own
    school's form only while the period is open and the form is not submitted.
    """
    if user.is_department:
        return None
    if report is not None and report.status == Status.SUBMITTED:
        return (
            "Форма отправлена в отдел образования и доступна только для просмотра. "
            "Если нужно что-то исправить, попросите отдел образования вернуть её на доработку."
        )
    state = period.state(today)
    if state == PeriodState.UPCOMING:
        return f"Приём форм откроется {period.opens_on:%d.%m.%Y}."
    if state == PeriodState.CLOSED:
        return (
            f"Приём форм закрыт {period.closes_on:%d.%m.%Y}. "
            "Если нужно внести изменения, обратитесь в отдел образования."
        )
    return None


# --- Tables for the export -----------------------------------------------------------


def _active_schools_with(report, year: int) -> list[tuple[School, object]]:
    """Every active school beside its form of `report`'s kind for the year, or None."""
    rows = db.session.execute(
        select(School, report)
        .outerjoin(report, and_(report.school_id == School.id, report.year == year))
        .where(School.active)
        .order_by(School.short_name)
    ).all()
    return [(s, r) for s, r in rows]


def monitoring_table(year: int) -> list[tuple[School, MonitoringReport | None]]:
    """Every active school with its monitoring form of the year, if any (one query)."""
    return _active_schools_with(MonitoringReport, year)


def graduates_table(year: int) -> list[tuple[School, GraduateReport | None, GraduateValues]]:
    """Every active school with its graduate form and values (three queries)."""
    rows = _active_schools_with(GraduateReport, year)
    values = {r.id: empty_graduate_values() for _s, r in rows if r is not None}
    if values:
        ids = list(values)
        for rid, grade, total, orphans, ovz in db.session.execute(
            select(
                GraduateCohort.report_id,
                GraduateCohort.grade,
                GraduateCohort.total,
                GraduateCohort.orphans,
                GraduateCohort.ovz,
            ).where(GraduateCohort.report_id.in_(ids))
        ):
            values[rid][grade][COHORT] = (total, orphans, ovz)
        for rid, grade, code, total, orphans, ovz in db.session.execute(
            select(
                GraduateDestination.report_id,
                GraduateDestination.grade,
                GraduateDestination.category,
                GraduateDestination.total,
                GraduateDestination.orphans,
                GraduateDestination.ovz,
            ).where(GraduateDestination.report_id.in_(ids))
        ):
            if code in values[rid].get(grade, {}):
                values[rid][grade][code] = (total, orphans, ovz)
    return [(s, r, values.get(r.id) if r else None) for s, r in rows]
