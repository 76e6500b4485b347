"""Department-side operations: questionnaires (with versioning), campaigns, links, codes,
turnout. Services add and flush; views commit."""

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import case, exists, func, select

from proforient.core.timeutil import academic_year_label, from_local, utcnow
from proforient.extensions import db
from proforient.schools.models import School
from proforient.schools.services import enrolment_in_grades
from proforient.surveys.caches import invalidate_spec
from proforient.surveys.models import (
    Audience,
    Campaign,
    CampaignSchool,
    OneTimeCode,
    Question,
    Questionnaire,
    QuestionOption,
    QuestionRow,
    Response,
)
from proforient.surveys.qtypes import REGISTRY
from proforient.surveys.tokens import new_code, new_token

MAX_CODES = 500  # per request: a class, or a whole grade of a large school
# Codes a coordinator may make per grade beyond its enrolment: slips get lost or spoilt
# and are replaced, and the enrolment recorded at the start of the year drifts as
# children arrive. A tenth of the grade, at least five (a small rural class still needs
# a few spares).
CODE_MARGIN_SHARE = 10  # per cent
CODE_MARGIN_MIN = 5

# --- Questionnaires -----------------------------------------------------------------------


def frozen_ids(questionnaire_ids: list[int]) -> set[int]:
    """Questionnaires used by a campaign that already has responses (one query)."""
    if not questionnaire_ids:
        return set()
    stmt = (
        select(Campaign.questionnaire_id)
        .where(
            Campaign.questionnaire_id.in_(questionnaire_ids),
            exists(select(Response.id).where(Response.campaign_id == Campaign.id)),
        )
        .distinct()
    )
    return set(db.session.scalars(stmt))


def is_frozen(questionnaire: Questionnaire) -> bool:
    return questionnaire.id in frozen_ids([questionnaire.id])


def questionnaire_list(include_archived: bool = False) -> list[Questionnaire]:
    stmt = select(Questionnaire).order_by(Questionnaire.audience, Questionnaire.title)
    if not include_archived:
        stmt = stmt.where(Questionnaire.archived.is_(False))
    return list(db.session.scalars(stmt))


def question_counts(questionnaire_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Question.questionnaire_id, func.count())
        .where(Question.questionnaire_id.in_(questionnaire_ids))
        .group_by(Question.questionnaire_id)
    )
    return dict(rows.all())


def _copy_questions(source: Questionnaire, target: Questionnaire) -> None:
    for q in source.questions:
        copy = Question(
            position=q.position,
            kind=q.kind,
            text=q.text,
            hint=q.hint,
            required=q.required,
            is_grade=q.is_grade,
            in_index=q.in_index,
            max_choices=q.max_choices,
            allow_other=q.allow_other,
        )
        copy.options = [
            QuestionOption(position=o.position, label=o.label, value=o.value, is_other=o.is_other)
            for o in q.options
        ]
        copy.rows = [QuestionRow(position=r.position, label=r.label) for r in q.rows]
        target.questions.append(copy)


def copy_questionnaire(source: Questionnaire) -> Questionnaire:
    """An independent copy the department can change freely (version 1)."""
    copy = Questionnaire(
        title=f"Копия — {source.title}"[:300],
        audience=source.audience,
        intro=source.intro,
        minutes=source.minutes,
        version=1,
        parent_id=source.id,
    )
    _copy_questions(source, copy)
    db.session.add(copy)
    db.session.flush()
    return copy


def new_version(source: Questionnaire) -> Questionnaire:
    """The next version of a frozen questionnaire; the old one stays with its campaigns."""
    version = Questionnaire(
        title=source.title,
        audience=source.audience,
        intro=source.intro,
        minutes=source.minutes,
        version=source.version + 1,
        parent_id=source.id,
    )
    _copy_questions(source, version)
    source.archived = True
    db.session.add(version)
    db.session.flush()
    return version


def editable(questionnaire: Questionnaire) -> tuple[Questionnaire, bool]:
    """The questionnaire to apply an edit to: itself, or a new version if it is frozen."""
    if is_frozen(questionnaire):
        return new_version(questionnaire), True
    return questionnaire, False


def counterpart(question: Question, target: Questionnaire) -> Question | None:
    """The same question in a new version (found by position)."""
    if question.questionnaire_id == target.id:
        return question
    source = [q.id for q in question.questionnaire.questions]
    index = source.index(question.id)
    return target.questions[index] if index < len(target.questions) else None


def save_questionnaire(questionnaire: Questionnaire, form) -> Questionnaire:
    questionnaire.title = form.title.data.strip()
    questionnaire.audience = form.audience.data
    questionnaire.intro = (form.intro.data or "").strip()
    questionnaire.minutes = form.minutes.data
    db.session.add(questionnaire)
    db.session.flush()
    invalidate_spec(questionnaire.id)
    return questionnaire


def _renumber(questionnaire: Questionnaire) -> None:
    for position, q in enumerate(questionnaire.questions):
        q.position = position


def split_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def save_question(questionnaire: Questionnaire, question: Question | None, form) -> Question:
    """Create or update a question from QuestionForm (already validated)."""
    kind = form.kind.data
    qtype = REGISTRY[kind]
    if question is None:
        question = Question(position=len(questionnaire.questions))
        questionnaire.questions.append(question)
    question.kind = kind
    question.text = form.text.data.strip()
    question.hint = (form.hint.data or "").strip()
    question.required = bool(form.required.data)
    question.is_grade = bool(form.is_grade.data) and qtype.can_be_grade
    question.in_index = bool(form.in_index.data) and qtype.scored
    question.max_choices = form.max_choices.data if qtype.has_max_choices else None
    question.allow_other = (
        bool(form.allow_other.data) and qtype.can_have_other and not question.is_grade
    )
    # Nobody has answered this questionnaire (else we would be editing a new version), so
    # options and rows can simply be replaced.
    lines = split_lines(form.options.data) if qtype.has_options else []
    options = [
        QuestionOption(position=i, label=label, value=value, is_other=is_other)
        for i, (label, value, is_other) in enumerate(
            qtype.editor_options(lines, question.is_grade, question.allow_other)
        )
    ]
    if _option_signature(question.options) != _option_signature(options):
        question.options = options
    rows = (
        [
            QuestionRow(position=i, label=label[:300])
            for i, label in enumerate(split_lines(form.rows.data))
        ]
        if qtype.has_rows
        else []
    )
    if [r.label for r in question.rows] != [r.label for r in rows]:
        question.rows = rows
    db.session.flush()
    invalidate_spec(questionnaire.id)
    return question


def _option_signature(options) -> list[tuple]:
    return [(o.label, o.value, bool(o.is_other)) for o in options]


def move_question(question: Question, delta: int) -> bool:
    questions = question.questionnaire.questions
    index = questions.index(question)
    other = index + delta
    if not 0 <= other < len(questions):
        return False
    _renumber(question.questionnaire)
    questions[index].position, questions[other].position = other, index
    db.session.flush()
    invalidate_spec(question.questionnaire_id)
    return True


def delete_question(question: Question) -> None:
    questionnaire = question.questionnaire
    questionnaire.questions.remove(question)  # delete-orphan removes the row
    _renumber(questionnaire)
    db.session.flush()
    invalidate_spec(questionnaire.id)


def option_lines(question: Question) -> str:
    return "\n".join(o.label for o in question.options if not o.is_other)


def row_lines(question: Question) -> str:
    return "\n".join(r.label for r in question.rows)


# --- Campaigns ----------------------------------------------------------------------------


def default_title(audience: str, academic_year: int) -> str:
    return f"Анкетирование {Audience(audience).genitive}, {academic_year_label(academic_year)}"


def default_window(academic_year: int) -> tuple[datetime, datetime]:
    """1 April 08:00 – 31 May 23:59 of the academic year, in the department's zone."""
    spring = academic_year + 1
    return datetime(spring, 4, 1, 8, 0), datetime(spring, 5, 31, 23, 59)


def local_end_of_day(day: date) -> datetime:
    return from_local(datetime.combine(day, time(23, 59)))


def save_campaign(campaign: Campaign, form) -> list[str]:
    """Apply CampaignForm; returns warnings (schools kept because they have answers)."""
    campaign.questionnaire_id = form.questionnaire_id.data
    campaign.audience = form.audience.data
    campaign.academic_year = form.academic_year.data
    campaign.title = (form.title.data or "").strip() or default_title(
        campaign.audience, campaign.academic_year
    )
    campaign.opens_at = from_local(form.opens_at.data)
    campaign.closes_at = from_local(form.closes_at.data)
    campaign.uses_codes = bool(form.uses_codes.data)
    db.session.add(campaign)
    db.session.flush()
    return sync_schools(campaign, form.schools.data or [])


def sync_schools(campaign: Campaign, school_ids: list[int]) -> list[str]:
    wanted = set(school_ids)
    current = {link.school_id: link for link in campaign.links}
    for school_id in wanted - current.keys():
        campaign.links.append(CampaignSchool(school_id=school_id, token=new_token()))
    warnings = []
    dropped = [current[s] for s in current.keys() - wanted]
    if dropped:
        answered = set(
            db.session.scalars(
                select(Response.school_id)
                .where(
                    Response.campaign_id == campaign.id,
                    Response.school_id.in_([link.school_id for link in dropped]),
                )
                .distinct()
            )
        )
        for link in dropped:
            if link.school_id in answered:
                warnings.append(
                    f"Школа «{link.school.short_name}» оставлена в опросе: от неё уже есть ответы."
                )
            else:
                campaign.links.remove(link)
    db.session.flush()
    return warnings


def response_count(campaign: Campaign) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Response).where(Response.campaign_id == campaign.id)
    )


def close_early(campaign: Campaign) -> bool:
    now = utcnow()
    if campaign.state(now) != Campaign.OPEN:
        return False
    campaign.closes_at = now
    db.session.flush()
    return True


def extend(campaign: Campaign, closes_at_local: datetime) -> None:
    campaign.closes_at = from_local(closes_at_local)
    db.session.flush()


def campaign_list(school_id: int | None = None) -> list[tuple[Campaign, int]]:
    """Campaigns, newest first, with their number of responses (of one school for a
    coordinator). Two queries."""
    stmt = select(Campaign).order_by(Campaign.academic_year.desc(), Campaign.opens_at.desc())
    counts = select(Response.campaign_id, func.count()).group_by(Response.campaign_id)
    if school_id is not None:
        stmt = stmt.where(
            exists(
                select(CampaignSchool.id).where(
                    CampaignSchool.campaign_id == Campaign.id,
                    CampaignSchool.school_id == school_id,
                )
            )
        )
        counts = counts.where(Response.school_id == school_id)
    campaigns = list(db.session.scalars(stmt))
    by_campaign = dict(db.session.execute(counts).all())
    return [(c, by_campaign.get(c.id, 0)) for c in campaigns]


def surveyed_grades(questionnaire_id: int) -> list[int]:
    """Grades the questionnaire's [grade] question covers: «1–4 … 11» → 1..11."""
    values = [
        v
        for v in db.session.scalars(
            select(QuestionOption.value)
            .join(Question, Question.id == QuestionOption.question_id)
            .where(Question.questionnaire_id == questionnaire_id, Question.is_grade.is_(True))
        )
        if v
    ]
    if not values:
        return list(range(1, 12))
    return list(range(min(values), max(values) + 1))


@dataclass
class TurnoutRow:
    link: CampaignSchool
    school: School
    responses: int
    enrolment: int
    last_on: date | None

    @property
    def rate(self) -> float | None:
        return self.responses / self.enrolment if self.enrolment else None

    @property
    def rate_key(self) -> float:
        """For sorting by rate: rows without enrolment last."""
        return self.rate if self.rate is not None else -1.0


@dataclass
class Turnout:
    rows: list[TurnoutRow]
    grades: list[int]

    @property
    def responses(self) -> int:
        return sum(r.responses for r in self.rows)

    @property
    def enrolment(self) -> int:
        return sum(r.enrolment for r in self.rows)

    @property
    def rate(self) -> float | None:
        return self.responses / self.enrolment if self.enrolment else None

    @property
    def last_on(self) -> date | None:
        return max((r.last_on for r in self.rows if r.last_on), default=None)


def turnout(campaign: Campaign, school_id: int | None = None) -> Turnout:
    """Every school's link with responses, enrolment of the surveyed grades, response rate
    and last answer date: four queries whatever the number of schools and responses."""
    links_stmt = (
        select(CampaignSchool, School)
        .join(School, School.id == CampaignSchool.school_id)
        .where(CampaignSchool.campaign_id == campaign.id)
        .order_by(School.short_name)
    )
    counts_stmt = (
        select(Response.school_id, func.count(), func.max(Response.submitted_on))
        .where(Response.campaign_id == campaign.id)
        .group_by(Response.school_id)
    )
    if school_id is not None:
        links_stmt = links_stmt.where(CampaignSchool.school_id == school_id)
        counts_stmt = counts_stmt.where(Response.school_id == school_id)
    links = db.session.execute(links_stmt).all()
    counts = {sid: (n, last) for sid, n, last in db.session.execute(counts_stmt)}
    grades = surveyed_grades(campaign.questionnaire_id)
    enrolment = enrolment_in_grades(grades, [school.id for _link, school in links])
    rows = [
        TurnoutRow(
            link=link,
            school=school,
            responses=counts.get(school.id, (0, None))[0],
            enrolment=enrolment.get(school.id, 0),
            last_on=counts.get(school.id, (0, None))[1],
        )
        for link, school in links
    ]
    return Turnout(rows, grades)


def open_links() -> list[tuple[str, str, str]]:
    """(school short name, audience label, token) of every link of an open campaign."""
    now = utcnow()
    rows = db.session.execute(
        select(School.short_name, Campaign.audience, CampaignSchool.token, Campaign.id)
        .join(Campaign, Campaign.id == CampaignSchool.campaign_id)
        .join(School, School.id == CampaignSchool.school_id)
        .where(Campaign.opens_at <= now, Campaign.closes_at > now)
        .order_by(Campaign.id, School.short_name)
    )
    return list(rows)


# --- One-time codes -----------------------------------------------------------------------


def code_margin(enrolment: int) -> int:
    """Spare codes a grade of `enrolment` students may have beyond one each."""
    return max(CODE_MARGIN_MIN, -(-enrolment * CODE_MARGIN_SHARE // 100))


def code_limit(enrolment: int) -> int:
    """Codes a coordinator may make for a grade in all: enrolment plus the margin."""
    return enrolment + code_margin(enrolment)


def code_summary(link: CampaignSchool) -> dict[int, tuple[int, int]]:
    """{grade: (codes, used)} for a link, one query."""
    rows = db.session.execute(
        select(
            OneTimeCode.grade,
            func.count(),
            func.sum(case((OneTimeCode.used.is_(True), 1), else_=0)),
        )
        .where(OneTimeCode.campaign_school_id == link.id)
        .group_by(OneTimeCode.grade)
        .order_by(OneTimeCode.grade)
    )
    return {grade: (int(n), int(used or 0)) for grade, n, used in rows}


def generate_codes(link: CampaignSchool, grade: int, quantity: int) -> list[str]:
    """`quantity` new random codes for one grade of the link's school. Codes are unique
    over all campaigns (a unique constraint); the rare clash is simply drawn again."""
    fresh: set[str] = set()
    while len(fresh) < quantity:
        batch = {new_code() for _ in range(quantity - len(fresh))} - fresh
        taken = set(db.session.scalars(select(OneTimeCode.code).where(OneTimeCode.code.in_(batch))))
        fresh |= batch - taken
    codes = sorted(fresh)
    db.session.execute(
        OneTimeCode.__table__.insert(),
        [{"campaign_school_id": link.id, "grade": grade, "code": c, "used": False} for c in codes],
    )
    db.session.flush()
    return codes


def open_campaigns_panel(school_id: int | None) -> list[dict]:
    """Open campaigns for the home page: each with its responses (and, for a coordinator,
    the school's own link). Two queries."""
    now = utcnow()
    stmt = (
        select(Campaign, CampaignSchool.token)
        .outerjoin(
            CampaignSchool,
            (CampaignSchool.campaign_id == Campaign.id) & (CampaignSchool.school_id == school_id),
        )
        .where(Campaign.opens_at <= now, Campaign.closes_at > now)
        .order_by(Campaign.closes_at)
    )
    if school_id is not None:
        stmt = stmt.where(CampaignSchool.id.is_not(None))
    rows = db.session.execute(stmt).all()
    if not rows:
        return []
    counts = select(Response.campaign_id, func.count()).where(
        Response.campaign_id.in_([c.id for c, _t in rows])
    )
    if school_id is not None:
        counts = counts.where(Response.school_id == school_id)
    by_campaign = dict(db.session.execute(counts.group_by(Response.campaign_id)).all())
    return [
        {"campaign": c, "token": token, "responses": by_campaign.get(c.id, 0)} for c, token in rows
    ]
