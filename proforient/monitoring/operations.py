"""Changing the yearly forms: periods, saving a form, submitting it and returning it to
the school. Operations add and flush; the calling view commits once."""

from collections.abc import Mapping
from datetime import date

from proforient.core import audit
from proforient.core.timeutil import utcnow
from proforient.extensions import db
from proforient.monitoring.models import (
    GRADUATE_COLUMNS,
    GRADUATE_GRADES,
    GraduateCohort,
    GraduateDestination,
    GraduateReport,
    MonitoringReport,
    PeriodKind,
    ReportingPeriod,
    Status,
    split_lines,
)
from proforient.monitoring.rules import (
    COHORT,
    MONITORING_NUMBERS,
    GraduateValues,
    graduate_keys,
    graduate_values,
    row_label,
)
from proforient.schools.models import School


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
