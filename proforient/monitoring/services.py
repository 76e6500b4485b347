"""Reporting periods, the monitoring form and graduate destinations.

Services add and flush; the calling view commits once.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select

from proforient.core import audit
from proforient.core.timeutil import utcnow
from proforient.extensions import db
from proforient.monitoring.models import (
    GRADUATE_CATEGORIES,
    GRADUATE_COLUMNS,
    GRADUATE_GRADES,
    GraduateCohort,
    GraduateDestination,
    GraduateReport,
    MonitoringReport,
    PeriodKind,
    ReportingPeriod,
    Status,
    category_label,
    split_lines,
)
from proforient.schools.models import School

REPORT_MODELS = {PeriodKind.MONITORING: MonitoringReport, PeriodKind.GRADUATES: GraduateReport}

# --- Periods ---------------------------------------------------------------------------


def find_period(kind: str, year: int) -> ReportingPeriod | None:
    return db.session.scalar(
        select(ReportingPeriod).where(ReportingPeriod.kind == kind, ReportingPeriod.year == year)
    )


def create_period(
    kind: str, year: int, opens_on: date | None = None, closes_on: date | None = None
) -> ReportingPeriod:
    """A period with the given dates, or the defaults for the kind where a date is missing."""
    default_open, default_close = PeriodKind.default_dates(kind, year)
    period = ReportingPeriod(
        kind=kind,
        year=year,
        opens_on=opens_on or default_open,
        closes_on=closes_on or default_close,
    )
    db.session.add(period)
    db.session.flush()
    return period


@dataclass
class PeriodSummary:
    period: ReportingPeriod
    state: str  # upcoming / open / closed
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
    state: str
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


# --- Who may edit --------------------------------------------------------------------


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
    if state == "upcoming":
        return f"Приём форм откроется {period.opens_on:%d.%m.%Y}."
    if state == "closed":
        return (
            f"Приём форм закрыт {period.closes_on:%d.%m.%Y}. "
            "Если нужно внести изменения, обратитесь в отдел образования."
        )
    return None


def submit(report, user) -> None:
    report.status = Status.SUBMITTED
    report.submitted_at = utcnow()
    report.submitted_by_id = user.id
    db.session.flush()
    audit.record("submit", report, f"Отправлена форма. {report}")


def return_report(report, user, comment: str) -> None:
    """Back to the school for corrections; the comment is shown on the school's form."""
    report.status = Status.RETURNED
    report.returned_at = utcnow()
    report.returned_by_id = user.id
    report.return_comment = comment.strip()
    db.session.flush()
    audit.record(
        "return", report, f"Возвращена на доработку. {report}", {"comment": comment.strip()}
    )


def get_report(kind: str, school_id: int, year: int):
    model = REPORT_MODELS[kind]
    return db.session.scalar(select(model).where(model.school_id == school_id, model.year == year))


# --- Monitoring form -----------------------------------------------------------------

MONITORING_NUMBERS = (
    "sites_municipal",
    "sites_regional",
    "sites_federal",
    "minors_employed",
    "minors_employed_orphans",
    "minors_employed_registered",
    "incentive_measures",
    "children_rewarded",
)


def save_monitoring(
    report: MonitoringReport | None, school: School, year: int, data: Mapping
) -> MonitoringReport:
    """Create or update the form from cleaned values (a draft: numbers may be None)."""
    if report is None:
        report = MonitoringReport(school=school, year=year, status=Status.DRAFT)
        db.session.add(report)
    names = split_lines(data.get("program_names"))
    report.program_names = "\n".join(names)
    report.programs_count = len(names)
    report.site_names = "\n".join(split_lines(data.get("site_names")))
    for name in MONITORING_NUMBERS:
        setattr(report, name, data.get(name))
    report.profminimum_level = data.get("profminimum_level") or None
    report.summary = (data.get("summary") or "").strip()
    db.session.flush()
    return report


def monitoring_missing(data: Mapping) -> dict[str, str]:
    """What must still be filled before the form can be submitted: {field: message}.

    `data` is the form's cleaned values (or a report's attributes via `report_data`).
    """
    missing = {}
    for name in MONITORING_NUMBERS:
        if data.get(name) is None:
            missing[name] = "Заполните перед отправкой (0, если нет)."
    if not data.get("profminimum_level"):
        missing["profminimum_level"] = "Выберите уровень перед отправкой."
    if not (data.get("summary") or "").strip():
        missing["summary"] = "Кратко опишите итоги года перед отправкой."
    sites = sum(data.get(n) or 0 for n in ("sites_municipal", "sites_regional", "sites_federal"))
    if sites and not split_lines(data.get("site_names")):
        missing["site_names"] = "Укажите наименования площадок."
    return missing


def report_data(report: MonitoringReport) -> dict:
    names = (*MONITORING_NUMBERS, "program_names", "site_names", "profminimum_level", "summary")
    return {name: getattr(report, name) for name in names}


# --- Graduate destinations -----------------------------------------------------------

COHORT = "graduates"  # the key of the graduates row in GraduateValues
Triple = tuple[int, int, int]  # total, orphans, ovz
GraduateValues = dict[int, dict[str, Triple]]  # grade -> COHORT or category -> counts


def graduate_keys(grade: int) -> list[str]:
    return [COHORT] + [code for code, _ in GRADUATE_CATEGORIES[grade]]


def empty_graduate_values() -> GraduateValues:
    return {g: dict.fromkeys(graduate_keys(g), (0, 0, 0)) for g in GRADUATE_GRADES}


def graduate_values(report: GraduateReport | None) -> GraduateValues:
    values = empty_graduate_values()
    if report is None:
        return values
    for c in report.cohorts:
        values[c.grade][COHORT] = (c.total, c.orphans, c.ovz)
    for d in report.destinations:
        if d.category in values.get(d.grade, {}):
            values[d.grade][d.category] = (d.total, d.orphans, d.ovz)
    return values


def category_sums(values: GraduateValues) -> dict[int, Triple]:
    """Per grade, the sum of the categories in each column (the running sum)."""
    out = {}
    for grade in GRADUATE_GRADES:
        rows = [v for k, v in values[grade].items() if k != COHORT]
        out[grade] = tuple(sum(r[i] for r in rows) for i in range(3))
    return out


def row_label(grade: int, key: str) -> str:
    what = "выпускники" if key == COHORT else f"«{category_label(grade, key)}»"
    return f"{grade} класс, {what}"


@dataclass(frozen=True)
class Problem:
    """One rule a graduate form breaks: where (grade, row key or None, column) and why."""

    grade: int
    key: str | None  # a row key for a row rule, None for a sum rule
    column: str  # total / orphans / ovz
    message: str


def row_problems(values: GraduateValues) -> list[Problem]:
    """Rules of every row, kept even in drafts (the database enforces them too)."""
    out = []
    for grade in GRADUATE_GRADES:
        for key, (total, orphans, ovz) in values[grade].items():
            for column, n, who in (("orphans", orphans, "дети-сироты"), ("ovz", ovz, "ОВЗ")):
                if n > total:
                    out.append(
                        Problem(
                            grade,
                            key,
                            column,
                            f"{row_label(grade, key)}: {who} ({n}) больше, чем всего ({total}).",
                        )
                    )
    return out


def balance_problems(values: GraduateValues) -> list[Problem]:
    """Sum rules checked on submission: per grade and column the categories must add up
    to the number of graduates. Each message says the grade, the column and by how much."""
    out = []
    sums = category_sums(values)
    for grade in GRADUATE_GRADES:
        cohort = values[grade][COHORT]
        for i, (column, label) in enumerate(GRADUATE_COLUMNS):
            expected, got = cohort[i], sums[grade][i]
            if got == expected:
                continue
            diff = got - expected
            how = f"на {abs(diff)} больше" if diff > 0 else f"на {abs(diff)} меньше"
            out.append(
                Problem(
                    grade,
                    None,
                    column,
                    f"{grade} класс, столбец «{label}»: сумма по категориям {got}, "
                    f"а выпускников {expected} — {how}.",
                )
            )
    return out


def save_graduates(
    report: GraduateReport | None, school: School, year: int, values: GraduateValues
) -> GraduateReport:
    """Create or update the form; changed cells go to the audit log as one entry."""
    created = report is None
    if report is None:
        report = GraduateReport(school=school, year=year, status=Status.DRAFT)
        db.session.add(report)
    old = graduate_values(None if created else report)
    cohorts = {c.grade: c for c in report.cohorts}
    dests = {(d.grade, d.category): d for d in report.destinations}
    changes: dict[str, list] = {}
    for grade in GRADUATE_GRADES:
        for key in graduate_keys(grade):
            new = values[grade][key]
            if key == COHORT:
                row = cohorts.get(grade)
                if row is None:
                    row = GraduateCohort(grade=grade)
                    report.cohorts.append(row)
            else:
                row = dests.get((grade, key))
                if row is None:
                    row = GraduateDestination(grade=grade, category=key)
                    report.destinations.append(row)
            row.total, row.orphans, row.ovz = new
            for i, (_column, label) in enumerate(GRADUATE_COLUMNS):
                if old[grade][key][i] != new[i]:
                    changes[f"{row_label(grade, key)}, {label}"] = [old[grade][key][i], new[i]]
    if changes and not created:
        report.updated_at = utcnow()  # only cells changed: the report row itself did not
    db.session.flush()
    if changes:
        audit.record("update", report, f"Изменены числа. {report}", changes)
    return report


# --- Tables for the export -----------------------------------------------------------


def monitoring_table(year: int) -> list[tuple[School, MonitoringReport | None]]:
    """Every active school with its monitoring form of the year, if any (one query)."""
    rows = db.session.execute(
        select(School, MonitoringReport)
        .outerjoin(
            MonitoringReport,
            and_(MonitoringReport.school_id == School.id, MonitoringReport.year == year),
        )
        .where(School.active)
        .order_by(School.short_name)
    ).all()
    return [(s, r) for s, r in rows]


def graduates_table(year: int) -> list[tuple[School, GraduateReport | None, GraduateValues]]:
    """Every active school with its graduate form and values (three queries)."""
    rows = db.session.execute(
        select(School, GraduateReport)
        .outerjoin(
            GraduateReport,
            and_(GraduateReport.school_id == School.id, GraduateReport.year == year),
        )
        .where(School.active)
        .order_by(School.short_name)
    ).all()
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
