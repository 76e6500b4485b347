"""Demo surveys: the default questionnaires, an open campaign for students and one for
parents in the current academic year over every demo school, and a few hundred synthetic
responses (deterministic) so that turnout and results look real. Idempotent."""

import random
import secrets
from datetime import datetime, time, timedelta

from sqlalchemy import select

from proforient.core.timeutil import current_academic_year, from_local, local_today
from proforient.extensions import db
from proforient.schools.models import School
from proforient.schools.services import enrolment_in_grades
from proforient.surveys import defaults
from proforient.surveys.models import (
    Answer,
    AnswerText,
    Audience,
    Campaign,
    CampaignSchool,
    Questionnaire,
    Response,
)
from proforient.surveys.services import default_title
from proforient.surveys.submission import SurveySpec, build_spec, new_token
from proforient.surveys.tallies import rebuild_tallies

SEED = 20262027
RESPONSES = {Audience.STUDENTS: 420, Audience.PARENTS: 260}

TEXTS = {
    Audience.STUDENTS: [
        "Больше экскурсий на предприятия",
        "Хочется пробовать разные профессии на практике",
        "Встреч с выпускниками школы",
        "Информации о колледжах края",
        "Всего хватает",
    ],
    Audience.PARENTS: [
        "Чаще проводить родительские собрания о выборе профессии",
        "Больше профессиональных проб",
        "Рассказывать о результатах диагностики",
        "Экскурсии в колледжи Невинномысска и Ставрополя",
    ],
}


def _weighted(rng: random.Random, n: int, skew: float) -> int:
    """An index 0..n-1 leaning towards the start (skew > 0) — «good» answers come first."""
    weights = [max(0.05, 1 + skew * (n - 1 - i) - 0.15 * i) for i in range(n)]
    return rng.choices(range(n), weights)[0]


def _fake_answers(rng, spec: SurveySpec, audience: str, quality: float):
    answers, texts, grade = [], [], None
    for q in spec.questions:
        if q.kind == "single":
            opts = [o for o in q.options if not o.is_other]
            option = rng.choice(opts) if q.is_grade else opts[_weighted(rng, len(opts), 0.3)]
            answers.append((q.id, option.id, None, option.value))
            if q.is_grade:
                grade = option.value
        elif q.kind == "satisfaction":
            option = q.options[_weighted(rng, len(q.options), quality)]
            answers.append((q.id, option.id, None, option.value))
        elif q.kind == "multiple":
            opts = [o for o in q.options if not o.is_other]
            k = min(q.max_choices or 3, rng.randint(1, 3))
            for option in rng.sample(opts, k):
                answers.append((q.id, option.id, None, option.value))
            other = next((o for o in q.options if o.is_other), None)
            if other is not None and rng.random() < 0.08:
                answers.append((q.id, other.id, None, None))
                texts.append((q.id, "Встречи с выпускниками"))
        elif q.kind == "rating":
            answers.append((q.id, None, None, 5 - _weighted(rng, 5, quality)))
        elif q.kind == "matrix":
            for row in q.rows:
                answers.append((q.id, None, row.id, 5 - _weighted(rng, 5, quality)))
        elif q.kind == "text" and rng.random() < 0.25:
            texts.append((q.id, rng.choice(TEXTS[audience])))
    return answers, texts, grade


def _campaign(audience: str, year: int, questionnaire: Questionnaire, schools) -> Campaign:
    title = default_title(audience, year)
    existing = db.session.scalar(select(Campaign).where(Campaign.title == title))
    if existing is not None:
        return existing
    today = local_today()
    campaign = Campaign(
        title=title,
        questionnaire_id=questionnaire.id,
        audience=audience,
        academic_year=year,
        opens_at=from_local(datetime.combine(today - timedelta(days=21), time(8, 0))),
        closes_at=from_local(datetime.combine(today + timedelta(days=60), time(23, 59))),
        uses_codes=False,
    )
    campaign.links = [CampaignSchool(school_id=s.id, token=new_token()) for s in schools]
    db.session.add(campaign)
    db.session.flush()
    return campaign


def _fill(campaign: Campaign, schools, rng: random.Random) -> int:
    has_any = db.session.scalar(select(Response.id).where(Response.campaign_id == campaign.id))
    if has_any is not None:
        return 0
    spec = build_spec(campaign.questionnaire_id)
    enrolment = enrolment_in_grades(spec.grades, [s.id for s in schools])
    weights = [max(1, enrolment.get(s.id, 0)) for s in schools]
    quality = {s.id: rng.uniform(-0.1, 0.6) for s in schools}
    today = local_today()
    start = today - timedelta(days=21)
    rows, pending = [], []
    for _ in range(RESPONSES[campaign.audience]):
        school = rng.choices(schools, weights)[0]
        answers, texts, grade = _fake_answers(rng, spec, campaign.audience, quality[school.id])
        key = secrets.token_urlsafe(16)
        rows.append(
            {
                "campaign_id": campaign.id,
                "school_id": school.id,
                "grade": grade,
                "submitted_on": start + timedelta(days=rng.randint(0, 21)),
                "submission_key": key,
            }
        )
        pending.append((key, answers, texts))
    db.session.execute(Response.__table__.insert(), rows)
    ids = dict(
        db.session.execute(
            select(Response.submission_key, Response.id).where(Response.campaign_id == campaign.id)
        ).all()
    )
    answer_rows, text_rows = [], []
    for key, answers, texts in pending:
        rid = ids[key]
        answer_rows += [
            {"response_id": rid, "question_id": q, "option_id": o, "row_id": r, "value": v}
            for q, o, r, v in answers
        ]
        text_rows += [{"response_id": rid, "question_id": q, "text": t} for q, t in texts]
    db.session.execute(Answer.__table__.insert(), answer_rows)
    if text_rows:
        db.session.execute(AnswerText.__table__.insert(), text_rows)
    # Answers were written in bulk, not through `submit`: count them for the results.
    rebuild_tallies(campaign.id)
    db.session.flush()
    return len(rows)


def load() -> str | None:
    defaults.install(db.session.connection())
    schools = db.session.scalars(
        select(School).where(School.active).order_by(School.short_name)
    ).all()
    if not schools:
        return None
    year = current_academic_year()
    rng = random.Random(SEED)
    added = 0
    for audience, title in (
        (Audience.STUDENTS, defaults.STUDENTS_TITLE),
        (Audience.PARENTS, defaults.PARENTS_TITLE),
    ):
        questionnaire = db.session.scalar(
            select(Questionnaire)
            .where(Questionnaire.title == title, Questionnaire.archived.is_(False))
            .order_by(Questionnaire.version.desc())
        )
        if questionnaire is None:
            continue
        campaign = _campaign(audience, year, questionnaire, schools)
        added += _fill(campaign, schools, rng)
    return f"Анкетирование: 2 опроса, добавлено ответов: {added}."
