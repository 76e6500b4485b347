"""Ballot stuffing: seeing it and undoing it.

- `coverage_alerts`: schools, and grades of a school, with more responses than students
  in the surveyed grades (coverage above 100 %), which honest answering cannot produce;
- `daily_counts`: responses per school per day of a campaign, so a burst stands out;
- `void_day`: the department deletes a school's responses of one day (answers and
  free texts with them), rebuilds the campaign's answer tallies and writes the audit log,
  all in the caller's transaction.

Everything is aggregated in SQL: two queries for the alerts, one for the daily counts.
Per-day counts say nothing about what anyone answered; they are shown to the department
only, beside figures it already has (responses per school, the date of the last one).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import delete, func, select

from proforient.core import audit
from proforient.core.formatting import fmt_date
from proforient.extensions import db
from proforient.schools.models import School
from proforient.schools.services import enrolment_table
from proforient.surveys.aggregates import Counts, grade_options, response_counts, surveyed_grades
from proforient.surveys.models import Campaign
from proforient.surveys.response_models import Answer, AnswerText, Response
from proforient.surveys.spec import SurveySpec
from proforient.surveys.tallies import rebuild_tallies

# --- Coverage above 100 % ----------------------------------------------------------------


@dataclass(frozen=True)
class CoverageAlert:
    """A school (grade_label None) or one grade of a school answering more than it has
    students in the surveyed grades."""

    school_id: int
    school_name: str
    grade: int | None  # the value of a [grade] option (1 for «1–4»)
    grade_label: str | None
    responses: int
    enrolment: int

    @property
    def rate(self) -> float | None:
        """Responses ÷ enrolment; None when no enrolment is recorded at all."""
        return self.responses / self.enrolment if self.enrolment else None


def coverage_alerts(
    campaign: Campaign,
    spec: SurveySpec,
    schools: list[School],
    *,
    school_id: int | None = None,
    grade: int | None = None,
    counts: Counts | None = None,
) -> list[CoverageAlert]:
    """Schools and school × grade groups of the campaign whose coverage exceeds 100 %
    (responses above enrolment, or responses where no enrolment is recorded), limited to
    one school and/or one grade when given. Two queries (one if `counts` is passed)."""
    counts = counts or response_counts(campaign.id)
    chosen = [s for s in schools if school_id is None or s.id == school_id]
    enrolment = enrolment_table([s.id for s in chosen])
    options = grade_options(spec)
    all_grades = surveyed_grades(spec)
    per_school: dict[int, int] = {}
    for (sid, _grade), n in counts.rows.items():
        per_school[sid] = per_school.get(sid, 0) + n
    alerts = []
    for school in chosen:
        by_grade = enrolment.get(school.id, {})
        if grade is None:
            n = per_school.get(school.id, 0)
            base = sum(by_grade.get(g, 0) for g in all_grades)
            if n > base:
                alerts.append(CoverageAlert(school.id, school.short_name, None, None, n, base))
        for option in options:
            if grade is not None and option.value != grade:
                continue
            n = counts.rows.get((school.id, option.value), 0)
            base = sum(by_grade.get(g, 0) for g in option.grades)
            if n > base:
                alerts.append(
                    CoverageAlert(school.id, school.short_name, option.value, option.label, n, base)
                )
    return alerts


# --- Responses per school per day --------------------------------------------------------


@dataclass
class DailyRow:
    school: School
    enrolment: int  # students in the surveyed grades
    by_day: dict[date, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_day.values())

    @property
    def peak(self) -> tuple[date, int] | None:
        """The day with most responses (the earliest of equals)."""
        if not self.by_day:
            return None
        return max(sorted(self.by_day.items()), key=lambda item: item[1])

    def over(self, day: date) -> bool:
        """More responses that day than the school has students in the surveyed grades."""
        return self.by_day.get(day, 0) > self.enrolment


@dataclass
class Daily:
    days: list[date]  # every day from the first response to the last
    rows: list[DailyRow]  # schools with responses

    @property
    def top(self) -> int:
        """The largest count of a school on a day: the scale of the bars."""
        return max((n for r in self.rows for n in r.by_day.values()), default=0)


MAX_DAYS_SHOWN = 120  # a campaign runs about two months; longer spans keep the last days


def daily_counts(campaign: Campaign, schools: list[tuple[School, int]]) -> Daily:
    """Responses per school per day (one GROUP BY over the response index). `schools`:
    the campaign's schools with their enrolment in the surveyed grades."""
    rows = db.session.execute(
        select(Response.school_id, Response.submitted_on, func.count())
        .where(Response.campaign_id == campaign.id)
        .group_by(Response.school_id, Response.submitted_on)
    ).all()
    by_school: dict[int, dict[date, int]] = {}
    for school_id, day, n in rows:
        by_school.setdefault(school_id, {})[day] = int(n)
    if not rows:
        return Daily([], [])
    first = min(day for _sid, day, _n in rows)
    last = max(day for _sid, day, _n in rows)
    first = max(first, last - timedelta(days=MAX_DAYS_SHOWN - 1))
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    out = [
        DailyRow(school, enrolment, by_school[school.id])
        for school, enrolment in schools
        if school.id in by_school
    ]
    return Daily(days, out)


# --- Voiding a day -----------------------------------------------------------------------


def day_responses(campaign_id: int, school_id: int, day: date):
    return select(Response.id).where(
        Response.campaign_id == campaign_id,
        Response.school_id == school_id,
        Response.submitted_on == day,
    )


def day_count(campaign_id: int, school_id: int, day: date) -> int:
    return db.session.scalar(
        select(func.count()).select_from(day_responses(campaign_id, school_id, day).subquery())
    )


def void_day(campaign: Campaign, school: School, day: date, reason: str) -> int:
    """Delete the school's responses of `day` in the campaign with their answers and free
    texts, recount the campaign's answer tallies and log it; returns how many responses
    went. The caller commits (everything is one transaction)."""
    ids = day_responses(campaign.id, school.id, day).scalar_subquery()
    conn = db.session.connection()
    conn.execute(delete(Answer).where(Answer.response_id.in_(ids)))
    conn.execute(delete(AnswerText).where(AnswerText.response_id.in_(ids)))
    result = conn.execute(
        delete(Response)
        .where(
            Response.campaign_id == campaign.id,
            Response.school_id == school.id,
            Response.submitted_on == day,
        )
        .execution_options(preserve_rowcount=True)
    )
    n = max(result.rowcount, 0)
    rebuild_tallies(campaign.id)
    audit.record(
        "void_responses",
        campaign,
        f"Аннулированы ответы: {school.short_name}, {fmt_date(day)} — {n}. {campaign}",
        changes={
            "school_id": school.id,
            "school": school.short_name,
            "day": day.isoformat(),
            "responses": n,
            "reason": reason,
        },
    )
    return n
