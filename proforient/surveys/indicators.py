"""What the surveys contribute to the indicator set: for each active school, academic year
and audience, the responses, the pupils of the surveyed grades (the base of coverage), and
the answers to the questions marked «в индекс» (all of them and the satisfied ones).

A school belongs to a year's survey of an audience when one of that year's campaigns for
the audience includes it; several campaigns of a year add up. Suppressing small groups is
the reader's job: these are counts, never answers.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import case, func, select

from proforient.extensions import db
from proforient.schools.models import School
from proforient.surveys.limits import SATISFIED_MIN
from proforient.surveys.models import (
    Campaign,
    CampaignSchool,
    Question,
    QuestionOption,
)
from proforient.surveys.response_models import NO_VALUE, AnswerTally, Response


@dataclass
class AudienceFigures:
    responses: int = 0
    enrolment: int = 0
    index_answers: int = 0
    satisfied: int = 0


def grade_spans(values: Iterable[int]) -> list[tuple[int, ...]]:
    """School grades each option of a [grade] question stands for, from the options'
    values: 1, 5, 6 → (1, 2, 3, 4), (5,), (6,) — «1–4» reaches up to the next option."""
    ordered = sorted({v for v in values if v})
    spans = []
    for i, value in enumerate(ordered):
        upper = ordered[i + 1] if i + 1 < len(ordered) else value + 1
        spans.append(tuple(range(value, upper)))
    return spans


FigureKey = tuple[int, str, int]  # (academic year, audience, school_id)


def survey_figures(
    years: Iterable[int], enrolment: Mapping[int, Mapping[int, int]]
) -> dict[FigureKey, AudienceFigures]:
    """{(year, audience, school_id): figures} for every active school of the years'
    campaigns. `enrolment` is {school_id: {grade: pupils}}. Five queries at most, whatever
    the number of schools, campaigns and responses."""
    campaigns = db.session.execute(
        select(
            Campaign.id, Campaign.academic_year, Campaign.audience, Campaign.questionnaire_id
        ).where(Campaign.academic_year.in_(list(years)))
    ).all()
    if not campaigns:
        return {}
    ids = [c.id for c in campaigns]
    of_campaign = {c.id: (c.academic_year, c.audience) for c in campaigns}

    grade_values: dict[int, list[int]] = {}
    for questionnaire_id, value in db.session.execute(
        select(Question.questionnaire_id, QuestionOption.value)
        .join(QuestionOption, QuestionOption.question_id == Question.id)
        .where(
            Question.questionnaire_id.in_({c.questionnaire_id for c in campaigns}),
            Question.is_grade,
            QuestionOption.value.is_not(None),
        )
    ):
        grade_values.setdefault(questionnaire_id, []).append(value)
    # Without a [grade] question the whole school is the base.
    grades_of = {
        c.id: {g for span in grade_spans(grade_values.get(c.questionnaire_id, [])) for g in span}
        or set(range(1, 12))
        for c in campaigns
    }

    out: dict[FigureKey, AudienceFigures] = {}
    surveyed: dict[FigureKey, set[int]] = {}
    for campaign_id, school_id in db.session.execute(
        select(CampaignSchool.campaign_id, CampaignSchool.school_id)
        .join(School, School.id == CampaignSchool.school_id)
        .where(CampaignSchool.campaign_id.in_(ids), School.active)
    ):
        key = (*of_campaign[campaign_id], school_id)
        out.setdefault(key, AudienceFigures())
        surveyed.setdefault(key, set()).update(grades_of[campaign_id])
    for key, grades in surveyed.items():
        pupils = enrolment.get(key[2], {})
        out[key].enrolment = sum(pupils.get(g, 0) for g in grades)

    for campaign_id, school_id, n in db.session.execute(
        select(Response.campaign_id, Response.school_id, func.count())
        .where(Response.campaign_id.in_(ids))
        .group_by(Response.campaign_id, Response.school_id)
    ):
        figures = out.get((*of_campaign[campaign_id], school_id))
        if figures is not None:
            figures.responses += int(n)

    t = AnswerTally
    for campaign_id, school_id, answers, satisfied in db.session.execute(
        select(
            t.campaign_id,
            t.school_id,
            func.sum(t.n),
            func.sum(case((t.value >= SATISFIED_MIN, t.n), else_=0)),
        )
        .join(Question, Question.id == t.question_id)
        .where(t.campaign_id.in_(ids), Question.in_index, t.value != NO_VALUE)
        .group_by(t.campaign_id, t.school_id)
    ):
        figures = out.get((*of_campaign[campaign_id], school_id))
        if figures is not None:
            figures.index_answers += int(answers or 0)
            figures.satisfied += int(satisfied or 0)
    return out


def first_year() -> int | None:
    """The earliest academic year with a survey campaign."""
    return db.session.scalar(select(func.min(Campaign.academic_year)))
