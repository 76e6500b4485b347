"""What the public survey stores: responses, their answers and free texts, the answer
tallies results read, one-time codes and each link's answers this minute.

Anonymity is a property of the schema, not of discipline (docs/anonymity.md):
- `response` holds only the campaign, the school, the grade the respondent chose, the DATE
  of submission and the one-time submission key (a random value from the rendered form);
  no IP address, user agent, cookie or exact time;
- `one_time_code` has no column that points at a response, and a response has none that
  points at a code: using a code only flips `used` in the same transaction;
- answers are integer rows (one per chosen option or rated item) so results are SQL
  GROUP BY; free text lives in `answer_text`.
None of these is `Audited`.
"""

from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from proforient.extensions import db
from proforient.surveys.limits import TEXT_MAX


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
