"""Demo surveys: the default questionnaires; closed spring campaigns of students and of
parents for the reporting year and the year before (1 April – 31 May); the open campaigns
of the current academic year around today; synthetic responses shaped by each school's
profile (`schools.demo.PROFILES`): its satisfaction level, its turnout, the grades it has.

Everything is relative to today, and the answers are deterministic: the random generator
of a school's answers is seeded by the wave, the audience and the school's name, not by
the calendar.
Responses are written in bulk, then the tallies are rebuilt. Idempotent: campaigns are
matched by title and a campaign that has responses gets no more.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from sqlalchemy import select

from proforient.core.timeutil import (
    academic_year_of,
    from_local,
    local_today,
    reporting_year,
)
from proforient.extensions import db
from proforient.schools.demo import Profile, profile
from proforient.schools.models import School
from proforient.schools.services import enrolment_table
from proforient.surveys import defaults
from proforient.surveys.aggregates import grade_options
from proforient.surveys.campaigns import default_title, default_window
from proforient.surveys.models import Audience, Campaign, CampaignSchool, Questionnaire
from proforient.surveys.qtypes import QuestionSpec
from proforient.surveys.response_models import Answer, AnswerText, Response
from proforient.surveys.spec import SurveySpec, build_spec
from proforient.surveys.tallies import rebuild_tallies
from proforient.surveys.tokens import new_token

SEED = "proforient-surveys"
OPEN_SHARE = 0.3  # of a school's usual turnout, answered so far in an open campaign
PARENTS_WARMER = 0.03  # parents' satisfaction level above their children's
SPREAD = 8  # how alike the respondents of one school are (Beta concentration)

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
# What the unhappy write (a school whose level fell, or a low one).
COMPLAINTS = {
    Audience.STUDENTS: [
        "В этом году почти не было экскурсий и проб",
        "Раньше было интереснее, сейчас только классные часы",
        "Не с кем посоветоваться о выборе профессии",
    ],
    Audience.PARENTS: [
        "Школа перестала сообщать о мероприятиях",
        "Нет консультаций для родителей девятиклассников",
        "Хотелось бы больше внимания к выбору профессии",
    ],
}

# Where a school's graduates lean: weight multipliers of the «after school» options.
LEANINGS = {
    "Лицей": {"В вузе": 3.0, "В 10 классе": 1.5, "Пойду работать": 0.3},
    "Гимназия": {"В вузе": 2.2, "В 10 классе": 1.3},
    "ООШ": {"В колледже или техникуме": 2.0, "В 10 классе": 1.5, "В вузе": 0.3},
}
# Multiple choice: how often an option is ticked by an ordinary respondent of an ordinary
# school (a busier school's children tick more); options not listed here: DEFAULT_TICK.
TICKS = {
    "Курс «Россия — мои горизонты»": 0.8,
    "«Билет в будущее»": 0.45,
    "Профессиональные пробы": 0.25,
    "Экскурсии на предприятия": 0.3,
    "Дни открытых дверей колледжей и вузов": 0.25,
    "Уроки «ПроеКТОриЯ»": 0.5,
    "Конкурсы и чемпионаты профмастерства": 0.12,
    "«Точка роста» или «Кванториум»": 0.3,
    "Временная работа": 0.08,
    "Родители": 0.6,
    "Учителя": 0.2,
    "Друзья": 0.2,
    "Интернет и соцсети": 0.35,
    "Специалисты-консультанты": 0.1,
    "Решаю сам(а)": 0.4,
    "Встречи с людьми разных профессий": 0.35,
    "Консультации для родителей": 0.3,
}
DEFAULT_TICK = 0.3
# Matrix rows: some aspects are rated a little better or worse than the school's level.
ROW_OFFSETS = (0.04, 0.0, -0.07, 0.02, -0.02)
NONE_PREFIX = "Ни "  # «Ни в каких»: an option chosen alone


@dataclass(frozen=True)
class Wave:
    """A campaign of the demo: its year, window (local time) and how its turnout reads
    the profiles."""

    year: int
    opens: datetime
    closes: datetime
    reported: int | None  # 0: the year before the reporting year, 1: the reporting year
    share: float  # of the profile's turnout collected by today
    key: str  # seeds the answers, whatever the calendar


def waves(today: date) -> list[Wave]:
    """The spring campaigns of the reporting year and the year before; and, once the
    reporting year is over (September – March), the current year's campaigns opened three
    weeks ago, a third answered."""
    reporting = reporting_year(today)
    out = []
    for offset, year in enumerate((reporting - 1, reporting)):
        opens, closes = default_window(year)
        days = (closes.date() - opens.date()).days
        share = min(1.0, max(0, (today - opens.date()).days + 1) / (days + 1))
        out.append(Wave(year, opens, closes, offset, share, f"spring-{offset}"))
    current = academic_year_of(today)
    if current != reporting:
        out.append(
            Wave(
                current,
                datetime.combine(today - timedelta(days=21), time(8, 0)),
                datetime.combine(today + timedelta(days=60), time(23, 59)),
                None,
                OPEN_SHARE,
                "open",
            )
        )
    return out


def _level(p: Profile, wave: Wave, audience: str) -> float:
    level = p.satisfaction[1 if wave.reported is None else wave.reported]
    if audience == Audience.PARENTS:
        level += PARENTS_WARMER
    return min(level, 0.97)


def _turnout(p: Profile, wave: Wave, audience: str) -> float:
    pair = p.students if audience == Audience.STUDENTS else p.parents
    if wave.reported is None:  # the open campaign: as in the reporting year, or as before
        return (pair[1] or pair[0]) * wave.share
    return pair[wave.reported] * wave.share


def _score(rng: random.Random, p: float) -> int:
    """A 1–5 score: in the top two points with probability `p`."""
    if rng.random() < p:
        return 5 if rng.random() < 0.3 + 0.5 * p else 4
    return rng.choices((3, 2, 1), (0.55, 0.3, 0.15))[0]


class Respondent:
    """Makes one school's answers to one questionnaire."""

    def __init__(self, spec: SurveySpec, audience: str, kind: str, level: float, engagement: float):
        self.spec = spec
        self.audience = audience
        self.level = level
        self.kind = kind  # the school's kind: where its graduates lean
        self.busy = engagement**0.5  # how much the school's children took part in
        self.unhappy = level < 0.62
        self._weights: dict[tuple[int, int], tuple[list, list[float]]] = {}

    def answers(self, rng: random.Random, grade_option) -> tuple[list, list]:
        # Respondents of one school differ: each has a mood around the school's level.
        mood = rng.betavariate(self.level * SPREAD, (1 - self.level) * SPREAD)
        answers, texts = [], []
        for q in self.spec.questions:
            if q.is_grade:
                answers.append((q.id, grade_option.id, None, grade_option.value))
            else:
                q.qtype.demo_answers(q, self, rng, mood, answers, texts)
        return answers, texts

    # What a question type asks for its demo answers.

    score = staticmethod(_score)

    def row_score(self, rng: random.Random, index: int, mood: float) -> int:
        """A matrix row's score: some aspects fare a little better or worse."""
        p = min(0.99, max(0.01, mood + ROW_OFFSETS[index % len(ROW_OFFSETS)]))
        return _score(rng, p)

    def free_text(self, rng: random.Random, mood: float) -> str | None:
        """A quarter of respondents write something; the unhappy complain."""
        if rng.random() >= 0.25:
            return None
        pool = TEXTS[self.audience]
        if self.unhappy or (mood < 0.4 and rng.random() < 0.5):
            pool = COMPLAINTS[self.audience]
        return rng.choice(pool)

    def pick_option(self, rng: random.Random, q: QuestionSpec, mood: float):
        """Options are listed best first: a happier respondent leans to the start."""
        step = round(mood * 10)  # ten moods are enough, and their weights are reused
        key = (q.id, step)
        if key not in self._weights:
            options = [o for o in q.options if not o.is_other]
            skew, n = 0.1 + 0.06 * step, len(options)
            leaning = LEANINGS.get(self.kind, {})
            weights = [
                max(0.05, 1 + skew * (n - 1 - i) - 0.15 * i) * leaning.get(o.label, 1.0)
                for i, o in enumerate(options)
            ]
            self._weights[key] = (options, list(accumulate(weights)))
        options, cumulative = self._weights[key]
        return rng.choices(options, cum_weights=cumulative)[0]

    def pick_options(self, rng: random.Random, q: QuestionSpec, mood: float):
        """(ticked options, the «Другое» text or "") of a multiple choice."""
        options = [o for o in q.options if not o.is_other]
        alone = [o for o in options if o.label.startswith(NONE_PREFIX)]
        rest = [o for o in options if o not in alone]
        activity = self.busy * (0.6 + 0.6 * mood)
        chosen = [
            o for o in rest if rng.random() < min(0.95, TICKS.get(o.label, DEFAULT_TICK) * activity)
        ]
        if q.max_choices and len(chosen) > q.max_choices:
            chosen = rng.sample(chosen, q.max_choices)
        if not chosen:
            chosen = alone[:1] or [rng.choice(rest)]
        other = next((o for o in q.options if o.is_other), None)
        if other is not None and rng.random() < 0.08:
            return chosen, "Встречи с выпускниками"
        return chosen, ""


def _campaign(audience: str, wave: Wave, questionnaire: Questionnaire, schools) -> Campaign:
    title = default_title(audience, wave.year)
    existing = db.session.scalar(select(Campaign).where(Campaign.title == title))
    if existing is not None:
        return existing
    campaign = Campaign(
        title=title,
        questionnaire_id=questionnaire.id,
        audience=audience,
        academic_year=wave.year,
        opens_at=from_local(wave.opens),
        closes_at=from_local(wave.closes),
        uses_codes=False,
    )
    campaign.links = [CampaignSchool(school_id=s.id, token=new_token()) for s in schools]
    db.session.add(campaign)
    db.session.flush()
    return campaign


def _days(wave: Wave, today: date, rng: random.Random) -> tuple[date, int]:
    """A school surveys its classes over two weeks of the window, never after today: the
    first day and the number of days after it."""
    first, last = wave.opens.date(), min(wave.closes.date(), today)
    span = (last - first).days
    start = first + timedelta(days=rng.randint(0, max(0, span - 14)))
    return start, (min(last, start + timedelta(days=14)) - start).days


def _insert(table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Many rows at once, in the session's transaction, straight through the driver:
    COPY on PostgreSQL, executemany on SQLite. A district's two springs of answers (about
    200,000 rows) load in a fraction of the time SQLAlchemy's per-row handling takes."""
    if not rows:
        return
    names = ", ".join(columns)
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        with conn.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns))
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)


def _fill(campaign: Campaign, wave: Wave, schools, today: date) -> int:
    has_any = db.session.scalar(select(Response.id).where(Response.campaign_id == campaign.id))
    if has_any is not None:
        return 0
    spec = build_spec(campaign.questionnaire_id)
    options = {o.value: o for q in spec.questions if q.is_grade for o in q.options}
    groups = [(options[g.value], g.grades) for g in grade_options(spec) if g.value in options]
    enrolment = enrolment_table([s.id for s in schools])
    rows, pending = [], []
    for school in schools:
        p = profile(school.short_name)
        by_group = [sum(enrolment[school.id].get(g, 0) for g in grades) for _o, grades in groups]
        n = round(_turnout(p, wave, campaign.audience) * sum(by_group))
        if n <= 0:
            continue
        rng = random.Random(f"{SEED}:{wave.key}:{campaign.audience}:{school.short_name}")
        level = _level(p, wave, campaign.audience)
        engagement = p.engagement[0 if wave.reported == 0 else 1]
        respondent = Respondent(spec, campaign.audience, school.kind, level, engagement)
        start, span = _days(wave, today, rng)
        for _ in range(n):
            grade_option = rng.choices([o for o, _g in groups], by_group)[0]
            answers, texts = respondent.answers(rng, grade_option)
            key = secrets.token_urlsafe(16)
            day = start + timedelta(days=rng.randint(0, span))
            # A date as ISO text: what both drivers store, without sqlite3's date adapter.
            rows.append((campaign.id, school.id, grade_option.value, day.isoformat(), key))
            pending.append((key, answers, texts))
    if not rows:
        return 0
    _insert(
        Response.__table__,
        ("campaign_id", "school_id", "grade", "submitted_on", "submission_key"),
        rows,
    )
    ids = dict(
        db.session.execute(
            select(Response.submission_key, Response.id).where(Response.campaign_id == campaign.id)
        ).all()
    )
    answer_rows, text_rows = [], []
    for key, answers, texts in pending:
        rid = ids[key]
        answer_rows += [(rid, q, o, r, v) for q, o, r, v in answers]
        text_rows += [(rid, q, t) for q, t in texts]
    _insert(
        Answer.__table__,
        ("response_id", "question_id", "option_id", "row_id", "value"),
        answer_rows,
    )
    _insert(AnswerText.__table__, ("response_id", "question_id", "text"), text_rows)
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
    today = local_today()
    plan = waves(today)
    added = campaigns = 0
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
        for wave in plan:
            campaign = _campaign(audience, wave, questionnaire, schools)
            added += _fill(campaign, wave, schools, today)
            campaigns += 1
    return f"Анкетирование: опросов {campaigns}, добавлено ответов: {added}."
