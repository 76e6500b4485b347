"""Surveys: questionnaires, campaigns, links, one-time codes and anonymous responses.

Anonymity is a property of the schema, not of discipline:
- `response` holds only the campaign, the school, the grade the respondent chose, the DATE
  of submission and the one-time submission key (a random value from the rendered form);
  no IP address, user agent, cookie or exact time;
- `one_time_code` has no column that points at a response, and a response has none that
  points at a code: using a code only flips `used` in the same transaction;
- answers are integer rows (one per chosen option or rated item) so results are SQL
  GROUP BY; free text lives in `answer_text`.
Response, Answer, AnswerText, OneTimeCode, AnswerTally (counts per school × grade, kept
at submission for results) and LinkRate (a link's answers in the current minute) are
deliberately not `Audited`. The whole picture: docs/anonymity.md.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proforient.core.audit import Audited
from proforient.core.choices import Choices
from proforient.core.timeutil import utcnow
from proforient.extensions import db

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


class QuestionKind(Choices):
    """The stored code of a question's type; what a type does lives in `qtypes`."""

    SINGLE = "single", "Один вариант"
    MULTIPLE = "multiple", "Несколько вариантов"
    RATING = "rating", "Оценка от 1 до 5"
    SATISFACTION = "satisfaction", "Шкала удовлетворённости"  # «Шкала У», scored 5..1
    MATRIX = "matrix", "Матрица оценок 1–5"  # rows, each rated 1–5
    TEXT = "text", "Короткий текст"  # at most TEXT_MAX characters


class CampaignState(Choices):
    """Computed from a campaign's window, never stored; `badge` is the list's badge class."""

    badge: str

    def __init__(self, code: str, label: str, badge: str):
        self.badge = badge

    DRAFT = "draft", "ещё не начато", "badge-warn"
    OPEN = "open", "идёт", "badge-ok"
    CLOSED = "closed", "завершено", "badge-muted"


TEXT_MAX = 500
# Scores at or above this count as satisfied: top two of five points.
SATISFIED_MIN = 4


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
        from proforient.surveys.qtypes import REGISTRY  # qtypes imports this module

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
        now = now or utcnow()
        if now < self.opens_at:
            return self.DRAFT
        if now >= self.closes_at:
            return self.CLOSED
        return self.OPEN

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


class OneTimeCode(db.Model):
    """A printed slip's code. Stored apart from answers: no column links a code to a
    response, and using it only flips `used` (UPDATE … WHERE code = ? AND NOT used)."""

    __tablename__ = "one_time_code"
    __table_args__ = (CheckConstraint("grade BETWEEN 1 AND 11", name="grade_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_school_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_school.id", ondelete="CASCADE"), index=True
    )
    grade: Mapped[int]
    code: Mapped[str] = mapped_column(String(16), unique=True)
    used: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"<OneTimeCode grade={self.grade} used={self.used}>"


class LinkRate(db.Model):
    """Answers a link accepted in the current minute: the per-link ceiling
    (`SURVEY_LINK_MAX_PER_MINUTE`) shared by every worker process.

    One row per link, overwritten when a new minute starts; rows of past minutes are
    deleted by the next accepted answer (see `throttle`). No column points at a response
    and no response points here: it only says how many answers a link took this minute.
    """

    __tablename__ = "link_rate"
    __table_args__ = (
        CheckConstraint("n >= 0", name="n_nonnegative"),
        CheckConstraint("minute >= 0", name="minute_nonnegative"),
    )

    campaign_school_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_school.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    # Minutes since 1970-01-01 00:00 UTC.
    minute: Mapped[int] = mapped_column(Integer, index=True)
    n: Mapped[int] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<LinkRate link={self.campaign_school_id} minute={self.minute} n={self.n}>"


class Response(db.Model):
    """One filled questionnaire. Deliberately minimal: see the module docstring."""

    __tablename__ = "response"
    __table_args__ = (
        CheckConstraint("grade IS NULL OR grade BETWEEN 1 AND 11", name="grade_range"),
        # Covers turnout (count, last date per school) and the results' school/grade filters.
        Index(
            "ix_response_campaign_id_school_id_grade",
            "campaign_id",
            "school_id",
            "grade",
            "submitted_on",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="RESTRICT"), index=True)
    grade: Mapped[int | None] = mapped_column(Integer)
    submitted_on: Mapped[date] = mapped_column(Date)
    # The random key of the rendered form: a repeated POST hits this constraint.
    submission_key: Mapped[str] = mapped_column(String(32), unique=True)

    def __repr__(self) -> str:
        return f"<Response #{self.id} campaign={self.campaign_id} school={self.school_id}>"


class Answer(db.Model):
    """One chosen option, one rating, or one rated matrix row."""

    __tablename__ = "answer"
    __table_args__ = (
        Index("ix_answer_question_id_option_id", "question_id", "option_id"),
        CheckConstraint("value IS NULL OR value BETWEEN -1000 AND 1000", name="value_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    option_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_option.id", ondelete="CASCADE")
    )
    row_id: Mapped[int | None] = mapped_column(ForeignKey("question_row.id", ondelete="CASCADE"))
    # The score: option value (satisfaction 5..1, grade), rating 1..5, matrix row rating.
    value: Mapped[int | None] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<Answer r={self.response_id} q={self.question_id} o={self.option_id}>"


class AnswerText(db.Model):
    """Free text: a text question's answer or the «Другое» box of a choice question."""

    __tablename__ = "answer_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(TEXT_MAX))

    def __repr__(self) -> str:
        return f"<AnswerText r={self.response_id} q={self.question_id}>"


# "None" in the tally's key columns: a UNIQUE constraint treats NULLs as distinct (SQLite and
# PostgreSQL alike), so an upsert could never find a row with a NULL in its key. Each
# sentinel lies outside what its column may hold:
NO_GRADE = 0  # response.grade is NULL or 1..11 (ck_response_grade_range)
NO_OPTION = 0  # ids start at 1 (hence no foreign key on option_id)
NO_ROW = 0  # likewise for row_id
# answer.value is NULL or BETWEEN -1000 AND 1000 (ck_answer_value_range); the editor only
# makes 1..5 scores and grades 1..11.
NO_VALUE = -32768


class AnswerTally(db.Model):
    """Answers counted per campaign × school × grade × question × option × row × value,
    kept up to date by `submission.submit` in the transaction that stores the response (an
    upsert adding to `n`), so results never aggregate the whole `answer` table.

    Counts only: nothing points at a response, and results still suppress small groups.
    Code that writes answers past `submit` (bulk loaders) calls `tallies.rebuild_tallies()`;
    `flask survey-tallies --check` compares the tallies with the answers.
    """

    __tablename__ = "answer_tally"
    __table_args__ = (
        UniqueConstraint(
            "campaign_id",
            "school_id",
            "grade",
            "question_id",
            "option_id",
            "row_id",
            "value",
            # Named: the convention's name of seven columns passes PostgreSQL's 63 bytes.
            name="uq_answer_tally_key",
        ),
        CheckConstraint("n >= 0", name="n_nonnegative"),
        CheckConstraint(f"grade = {NO_GRADE} OR grade BETWEEN 1 AND 11", name="grade_range"),
        CheckConstraint(f"value = {NO_VALUE} OR value BETWEEN -1000 AND 1000", name="value_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="RESTRICT"))
    grade: Mapped[int]
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    option_id: Mapped[int]
    row_id: Mapped[int]
    value: Mapped[int]
    n: Mapped[int]

    def __repr__(self) -> str:
        return (
            f"<AnswerTally c={self.campaign_id} s={self.school_id} g={self.grade} "
            f"q={self.question_id} o={self.option_id} r={self.row_id} v={self.value} n={self.n}>"
        )
