"""What survey results are computed from, read in SQL: responses per school × grade,
answer counts summed from the tallies kept at submission (never from the answers
themselves), the latest free texts, the campaign's schools and the questionnaire's grades.
Each reader is one query whatever the number of responses.

Anonymity: any group (a school, a grade, a school × grade, the district) with fewer than
`SURVEY_MIN_GROUP` responses is suppressed by the callers — see docs/anonymity.md.
"""

from collections import defaultdict
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from proforient.extensions import db
from proforient.schools.models import School
from proforient.surveys.indicators import grade_spans
from proforient.surveys.models import Campaign, CampaignSchool
from proforient.surveys.qtypes.base import Tally, add_pair
from proforient.surveys.response_models import (
    NO_OPTION,
    NO_ROW,
    NO_VALUE,
    AnswerTally,
    AnswerText,
    Response,
)
from proforient.surveys.spec import SurveySpec

TEXTS_SHOWN = 20  # free texts listed per question on the results page


def min_group() -> int:
    return int(current_app.config.get("SURVEY_MIN_GROUP", 5))


# --- Filters and the questionnaire's grades ----------------------------------------------


@dataclass(frozen=True)
class GradeOption:
    """An option of the [grade] question and the school grades it stands for:
    «7» → (7,), «1–4» → (1, 2, 3, 4)."""

    value: int
    label: str
    grades: tuple[int, ...]


def grade_options(spec: SurveySpec) -> list[GradeOption]:
    question = next((q for q in spec.questions if q.is_grade), None)
    if question is None:
        return []
    options = sorted((o for o in question.options if o.value), key=lambda o: o.value)
    spans = {span[0]: span for span in grade_spans(o.value for o in options)}
    return [GradeOption(o.value, o.label, spans[o.value]) for o in options]


def surveyed_grades(spec: SurveySpec, grade: int | None = None) -> list[int]:
    """School grades whose enrolment is the base of the response rate."""
    options = grade_options(spec)
    if not options:
        return list(range(1, 12))
    if grade is not None:
        return [g for o in options if o.value == grade for g in o.grades]
    return [g for o in options for g in o.grades]


@dataclass(frozen=True)
class Filters:
    school_id: int | None = None
    grade: int | None = None  # the value of a [grade] option (1 for «1–4»)


# --- Aggregates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Responses of a campaign per (school, grade)."""

    rows: dict[tuple[int, int | None], int]

    def n(self, school_id: int | None = None, grade: int | None = None) -> int:
        return sum(
            n
            for (sid, g), n in self.rows.items()
            if (school_id is None or sid == school_id) and (grade is None or g == grade)
        )


def response_counts(campaign_id: int) -> Counts:
    """One query over the response index: counts per school × grade."""
    rows = db.session.execute(
        select(Response.school_id, Response.grade, func.count())
        .where(Response.campaign_id == campaign_id)
        .group_by(Response.school_id, Response.grade)
    )
    return Counts({(sid, grade): int(n) for sid, grade, n in rows})


def _response_filter(campaign_id: int, grade: int | None) -> list:
    conditions = [Response.campaign_id == campaign_id]
    if grade is not None:
        conditions.append(Response.grade == grade)
    return conditions


# Aggregated answers per school: {school_id: {(question_id, option_id, row_id, value): n}}.
AnswerKey = tuple[int, int | None, int | None, int | None]
SchoolRows = dict[int, dict[AnswerKey, int]]


def school_rows(campaign: Campaign, grade: int | None = None) -> SchoolRows:
    """Answer counts per school, question, option, row and value for the campaign (and
    grade): one GROUP BY over the tallies kept at submission (`AnswerTally`: a few thousand
    rows per campaign, however many responses), the sentinels turned back into None."""
    t = AnswerTally
    conditions = [t.campaign_id == campaign.id]
    if grade is not None:
        conditions.append(t.grade == grade)
    stmt = (
        select(t.school_id, t.question_id, t.option_id, t.row_id, t.value, func.sum(t.n))
        .where(*conditions)
        .group_by(t.school_id, t.question_id, t.option_id, t.row_id, t.value)
    )
    by_school: SchoolRows = {}
    for school_id, question_id, option_id, row_id, value, n in db.session.execute(stmt):
        if not n:
            continue
        key = (
            question_id,
            None if option_id == NO_OPTION else option_id,
            None if row_id == NO_ROW else row_id,
            None if value == NO_VALUE else value,
        )
        by_school.setdefault(school_id, {})[key] = int(n)
    return by_school


def answer_tallies(by_school: SchoolRows, school_id: int | None) -> dict[int, Tally]:
    """Per-question tallies of the chosen school (or the district) beside the district's,
    summed from the aggregated rows."""
    tallies: dict[int, Tally] = defaultdict(Tally)
    for sid, rows in by_school.items():
        in_group = school_id is None or sid == school_id
        for (question_id, option_id, row_id, value), n in rows.items():
            tally = tallies[question_id]
            pair = [n if in_group else 0, n]
            if row_id is not None:
                add_pair(tally.by_row.setdefault(row_id, {}), value, pair)
            elif option_id is not None:
                add_pair(tally.by_option, option_id, pair)
                if value is not None:
                    add_pair(tally.by_value, value, pair)
            elif value is not None:
                add_pair(tally.by_value, value, pair)
    return tallies


def latest_texts(
    campaign_id: int, filters: Filters, limit: int = TEXTS_SHOWN
) -> dict[int, tuple[list[str], int]]:
    """{question_id: (the latest `limit` texts, total)} in one query (window functions)."""
    conditions = _response_filter(campaign_id, filters.grade)
    if filters.school_id is not None:
        conditions.append(Response.school_id == filters.school_id)
    ranked = (
        select(
            AnswerText.question_id,
            AnswerText.text,
            func.row_number()
            .over(partition_by=AnswerText.question_id, order_by=AnswerText.id.desc())
            .label("rn"),
            func.count().over(partition_by=AnswerText.question_id).label("total"),
        )
        .join(Response, Response.id == AnswerText.response_id)
        .where(*conditions)
        .subquery()
    )
    stmt = (
        select(ranked.c.question_id, ranked.c.text, ranked.c.total)
        .where(ranked.c.rn <= limit)
        .order_by(ranked.c.question_id, ranked.c.rn)
    )
    out: dict[int, tuple[list[str], int]] = {}
    for question_id, text, total in db.session.execute(stmt):
        texts, _ = out.get(question_id, ([], 0))
        texts.append(text)
        out[question_id] = (texts, int(total))
    return out


def texts_page(campaign_id: int, filters: Filters, question_id: int, page: int, per_page: int):
    """All free texts of one question for the group, newest first (a Pagination)."""
    conditions = _response_filter(campaign_id, filters.grade)
    if filters.school_id is not None:
        conditions.append(Response.school_id == filters.school_id)
    stmt = (
        select(AnswerText.text)
        .join(Response, Response.id == AnswerText.response_id)
        .where(*conditions, AnswerText.question_id == question_id)
        .order_by(AnswerText.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


# --- The campaign's schools -------------------------------------------------------------


def campaign_school_ids(campaign_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(CampaignSchool.school_id).where(CampaignSchool.campaign_id == campaign_id)
        )
    )


def campaign_schools(campaign_id: int) -> list[School]:
    """Schools of a campaign by name (one query)."""
    return list(
        db.session.scalars(
            select(School)
            .join(CampaignSchool, CampaignSchool.school_id == School.id)
            .where(CampaignSchool.campaign_id == campaign_id)
            .order_by(School.short_name)
        )
    )
