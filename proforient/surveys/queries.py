"""What the department's survey pages read: questionnaires (and which are frozen),
campaigns with their response counts, turnout per school, open links, code counts. Each
is a fixed number of queries whatever the number of schools and responses."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, exists, func, select

from proforient.extensions import db
from proforient.schools.models import School
from proforient.schools.services import enrolment_in_grades
from proforient.surveys.models import (
    Campaign,
    CampaignSchool,
    Question,
    Questionnaire,
    QuestionOption,
)
from proforient.surveys.response_models import OneTimeCode, Response


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


def response_count(campaign: Campaign) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Response).where(Response.campaign_id == campaign.id)
    )


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
    rows = db.session.execute(
        select(School.short_name, Campaign.audience, CampaignSchool.token, Campaign.id)
        .join(Campaign, Campaign.id == CampaignSchool.campaign_id)
        .join(School, School.id == CampaignSchool.school_id)
        .where(Campaign.open_now())
        .order_by(Campaign.id, School.short_name)
    )
    return list(rows)


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


def open_campaigns_panel(school_id: int | None) -> list[dict]:
    """Open campaigns for the home page: each with its responses (and, for a coordinator,
    the school's own link). Two queries."""
    stmt = (
        select(Campaign, CampaignSchool.token)
        .outerjoin(
            CampaignSchool,
            (CampaignSchool.campaign_id == Campaign.id) & (CampaignSchool.school_id == school_id),
        )
        .where(Campaign.open_now())
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
