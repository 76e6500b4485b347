"""Surveys as the department sets them up: questionnaires (versioned) with their
questions, options and matrix rows, campaigns, and each school's link. Audited.

What respondents leave behind (responses, answers, codes) is `response_models`.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proforient.core.audit import Audited
from proforient.core.choices import Choices
from proforient.core.timeutil import utcnow
from proforient.extensions import db
from proforient.surveys.qtypes import REGISTRY, QuestionKind

if TYPE_CHECKING:
    from proforient.schools.models import School


class Audience(Choices):
    """Who a questionnaire and a campaign ask; `genitive` fills «Анкетирование …»."""

    genitive: str

    def __init__(self, code: str, label: str, genitive: str):
        self.genitive = genitive

    STUDENTS = "students", "обучающиеся", "обучающихся"
    PARENTS = "parents", "родители", "родителей"

    @classmethod
    def genitive_of(cls, code: str | None) -> str:
        try:
            return cls(code).genitive
        except ValueError:
            return ""


class CampaignState(Choices):
    """Computed from a campaign's window, never stored; `badge` is the list's badge class."""

    badge: str

    def __init__(self, code: str, label: str, badge: str):
        self.badge = badge

    DRAFT = "draft", "ещё не начато", "badge-warn"
    OPEN = "open", "идёт", "badge-ok"
    CLOSED = "closed", "завершено", "badge-muted"

    @classmethod
    def of(cls, opens_at: datetime, closes_at: datetime, now: datetime | None = None):
        """The state of a window [opens_at, closes_at) at `now` (UTC, default: now)."""
        now = now or utcnow()
        if now < opens_at:
            return cls.DRAFT
        if now >= closes_at:
            return cls.CLOSED
        return cls.OPEN


class Questionnaire(Audited, db.Model):
    """A versioned template. Once any campaign that uses it has a response it is frozen:
    edits go to a new version (`parent_id` points at the version it came from)."""

    __tablename__ = "questionnaire"
    __table_args__ = (
        Audience.check_constraint("audience", name="audience_known"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("minutes BETWEEN 1 AND 120", name="minutes_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    audience: Mapped[str] = mapped_column(String(16))
    intro: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[int] = mapped_column(default=5)  # "how long it takes", for the intro
    version: Mapped[int] = mapped_column(default=1)
    # The questionnaire this one was copied from or is a new version of.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="SET NULL"), index=True
    )
    # Superseded by a newer version: hidden from the choice of new campaigns.
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    questions: Mapped[list["Question"]] = relationship(
        back_populates="questionnaire",
        order_by="Question.position",
        cascade="all, delete-orphan",
    )
    parent: Mapped["Questionnaire | None"] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Questionnaire #{self.id} v{self.version} {self.title!r}>"

    def __str__(self) -> str:
        return f"{self.title} (версия {self.version})" if self.version > 1 else self.title

    @property
    def audience_label(self) -> str:
        return Audience.label_of(self.audience)

    @property
    def grade_question(self) -> "Question | None":
        return next((q for q in self.questions if q.is_grade), None)


class Question(Audited, db.Model):
    __tablename__ = "question"
    __table_args__ = (
        QuestionKind.check_constraint("kind", name="kind_known"),
        CheckConstraint("max_choices IS NULL OR max_choices >= 1", name="max_choices_positive"),
        CheckConstraint("position >= 0", name="position_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(String(500))
    hint: Mapped[str] = mapped_column(String(300), default="")
    required: Mapped[bool] = mapped_column(default=True)
    # The respondent attribute: the chosen option's value is stored as response.grade.
    is_grade: Mapped[bool] = mapped_column(default=False)
    # Counted in the satisfaction level (share of answers scoring >= SATISFIED_MIN).
    in_index: Mapped[bool] = mapped_column(default=False)
    max_choices: Mapped[int | None] = mapped_column(Integer)  # multiple choice only
    # «Другое: ___» (single/multiple): an option with is_other=True plus a text box.
    allow_other: Mapped[bool] = mapped_column(default=False)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="questions")
    options: Mapped[list["QuestionOption"]] = relationship(
        back_populates="question",
        order_by="QuestionOption.position",
        cascade="all, delete-orphan",
    )
    rows: Mapped[list["QuestionRow"]] = relationship(
        back_populates="question",
        order_by="QuestionRow.position",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<Question #{self.id} {self.kind} {self.text[:30]!r}>"

    def __str__(self) -> str:
        return self.text

    @property
    def kind_label(self) -> str:
        return QuestionKind.label_of(self.kind)

    @property
    def qtype(self):
        """The question's type (`qtypes.QuestionType`): what it does with answers."""
        return REGISTRY[self.kind]


class QuestionOption(Audited, db.Model):
    """A choice of a single/multiple question or a point of the satisfaction scale.

    `value` is the score stored with the answer: 5..1 on the satisfaction scale, the grade
    number for the [grade] question (lowest grade of a band such as «1–4»), else NULL.
    """

    __tablename__ = "question_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(300))
    value: Mapped[int | None] = mapped_column(Integer)
    is_other: Mapped[bool] = mapped_column(default=False)

    question: Mapped[Question] = relationship(back_populates="options")

    __table_args__ = (Index("ix_question_option_question_id_position", "question_id", "position"),)

    def __repr__(self) -> str:
        return f"<QuestionOption #{self.id} {self.label!r}={self.value}>"

    def __str__(self) -> str:
        return self.label


class QuestionRow(Audited, db.Model):
    """One rated item of a matrix question."""

    __tablename__ = "question_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(300))

    question: Mapped[Question] = relationship(back_populates="rows")

    __table_args__ = (Index("ix_question_row_question_id_position", "question_id", "position"),)

    def __repr__(self) -> str:
        return f"<QuestionRow #{self.id} {self.label!r}>"

    def __str__(self) -> str:
        return self.label


class Campaign(Audited, db.Model):
    """A questionnaire run for one audience and academic year in a window of time.

    The state (draft / open / closed) is computed from `opens_at`/`closes_at` (naive UTC).
    """

    __tablename__ = "campaign"
    __table_args__ = (
        Audience.check_constraint("audience", name="audience_known"),
        CheckConstraint("closes_at > opens_at", name="window_order"),
        CheckConstraint("academic_year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="RESTRICT"), index=True
    )
    audience: Mapped[str] = mapped_column(String(16))
    academic_year: Mapped[int] = mapped_column(index=True)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    uses_codes: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    questionnaire: Mapped[Questionnaire] = relationship()
    links: Mapped[list["CampaignSchool"]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan"
    )

    DRAFT, OPEN, CLOSED = CampaignState.DRAFT, CampaignState.OPEN, CampaignState.CLOSED

    def __repr__(self) -> str:
        return f"<Campaign #{self.id} {self.audience} {self.academic_year}>"

    def __str__(self) -> str:
        return self.title

    def state(self, now: datetime | None = None) -> CampaignState:
        return CampaignState.of(self.opens_at, self.closes_at, now)

    @classmethod
    def open_now(cls):
        """SQL: the campaign is open now, as `state()` says in Python."""
        now = utcnow()
        return and_(cls.opens_at <= now, cls.closes_at > now)

    @property
    def is_open(self) -> bool:
        return self.state() == self.OPEN

    @property
    def state_label(self) -> str:
        return self.state().label

    @property
    def audience_label(self) -> str:
        return Audience.label_of(self.audience)


class CampaignSchool(Audited, db.Model):
    """A school taking part in a campaign, and its public link `/s/<token>`."""

    __tablename__ = "campaign_school"
    __table_args__ = (UniqueConstraint("campaign_id", "school_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="RESTRICT"), index=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)

    campaign: Mapped[Campaign] = relationship(back_populates="links")
    school: Mapped["School"] = relationship()

    def __repr__(self) -> str:
        return f"<CampaignSchool campaign={self.campaign_id} school={self.school_id}>"

    def __str__(self) -> str:
        return f"Ссылка для школы #{self.school_id} в опросе #{self.campaign_id}"
