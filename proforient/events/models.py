"""Event registry: reference data (forms, projects), events and each school's participation."""

import re
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    case,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from proforient.core.audit import Audited
from proforient.core.formatting import fmt_date
from proforient.core.timeutil import academic_year_of, utcnow
from proforient.extensions import db


class Level:
    """Event level; stored as a code, shown in Russian, ordered from the widest."""

    INTERNATIONAL = "international"
    FEDERAL = "federal"
    REGIONAL = "regional"
    MUNICIPAL = "municipal"
    SCHOOL = "school"

    LABELS = {
        INTERNATIONAL: "международный",
        FEDERAL: "всероссийский",
        REGIONAL: "региональный",
        MUNICIPAL: "муниципальный",
        SCHOOL: "школьный",
    }
    CODES = tuple(LABELS)
    CHOICES = list(LABELS.items())

    @classmethod
    def label(cls, code: str) -> str:
        return cls.LABELS.get(code, code)

    @classmethod
    def order_expr(cls, column):
        """SQL expression that sorts levels from international to school."""
        return case({code: i for i, code in enumerate(cls.CODES)}, value=column, else_=99)


class Category:
    """What an event form counts towards in the indicators (DESIGN.md §4, items 6, 11, 12).

    The department picks a category when it adds a form, so a new form («Курсы повышения
    квалификации») is counted correctly without code changes.
    """

    GENERAL = "general"
    PROF_TRIAL = "prof_trial"  # professional trials: students who took a trial
    TEACHER = "teacher"  # events for teachers: teachers trained
    SHOWCASE = "showcase"  # fairs, open days, forums, festivals

    LABELS = {
        GENERAL: "обычное мероприятие",
        PROF_TRIAL: "профессиональная проба",
        TEACHER: "мероприятие для педагогов",
        SHOWCASE: "ярмарка / день открытых дверей / форум / фестиваль",
    }
    CODES = tuple(LABELS)
    CHOICES = list(LABELS.items())


class Status:
    CONFIRMED = "confirmed"
    PROPOSED = "proposed"  # a coordinator's proposal waiting for the department

    LABELS = {CONFIRMED: "в реестре", PROPOSED: "предложено школой"}


def normalize_title(text: str) -> str:
    """Key for search and duplicate detection: case, «ё», quotes and punctuation ignored.

    Done in Python because SQLite's lower()/LIKE fold only ASCII letters.
    """
    text = (text or "").casefold().replace("ё", "е")
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def _in_list(column: str, codes) -> str:
    return f"{column} IN ({', '.join(repr(c) for c in codes)})"


class EventFormat(Audited, db.Model):
    """Форма мероприятия (конкурс, ярмарка профессий, профессиональная проба …)."""

    __tablename__ = "event_format"
    __table_args__ = (CheckConstraint(_in_list("category", Category.CODES), name="category_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable code for the seeded forms; forms added by the department have none.
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    category: Mapped[str] = mapped_column(String(16), default=Category.GENERAL)
    sort_order: Mapped[int] = mapped_column(default=100)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<EventFormat {self.code or self.id} {self.name}>"

    def __str__(self) -> str:
        return self.name


class Project(Audited, db.Model):
    """Federal or regional project an event belongs to («Билет в будущее» …)."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    sort_order: Mapped[int] = mapped_column(default=100)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Project {self.code or self.id} {self.name}>"

    def __str__(self) -> str:
        return self.name


class Event(Audited, db.Model):
    """Мероприятие. `school_id` is the school that holds a school-level event or that
    proposed the event; it is empty for events the department entered."""

    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint(_in_list("level", Level.CODES), name="level_known"),
        CheckConstraint(
            _in_list("status", (Status.CONFIRMED, Status.PROPOSED)), name="status_known"
        ),
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
        CheckConstraint(
            "(grade_from IS NULL OR grade_from BETWEEN 1 AND 11) AND "
            "(grade_to IS NULL OR grade_to BETWEEN 1 AND 11) AND "
            "(grade_from IS NULL OR grade_to IS NULL OR grade_from <= grade_to)",
            name="grades_valid",
        ),
        # Duplicate warnings look events up by these three.
        Index("ix_event_dup_key", "title_key", "start_date", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    title_key: Mapped[str] = mapped_column(String(300), default="")
    level: Mapped[str] = mapped_column(String(16), index=True)
    format_id: Mapped[int] = mapped_column(
        ForeignKey("event_format.id", ondelete="RESTRICT"), index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="RESTRICT"), index=True
    )
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date] = mapped_column(Date)
    academic_year: Mapped[int] = mapped_column(index=True)
    organizer: Mapped[str] = mapped_column(String(300), default="")
    for_students: Mapped[bool] = mapped_column(default=True)
    grade_from: Mapped[int | None]
    grade_to: Mapped[int | None]
    for_teachers: Mapped[bool] = mapped_column(default=False)
    for_parents: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=Status.CONFIRMED, index=True)
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("school.id", ondelete="RESTRICT"), index=True
    )
    # The partner organisation the event was held with (agreements feature, migration 0006).
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    format = relationship("EventFormat", lazy="joined")
    project = relationship("Project", lazy="joined")
    school = relationship("School")
    partner = relationship("Partner")
    created_by = relationship("User")
    participations = relationship(
        "Participation",
        back_populates="event",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r} {self.start_date}>"

    def __str__(self) -> str:
        return f"{self.title} ({fmt_date(self.start_date)}, {Level.label(self.level)})"

    @validates("title")
    def _set_title_key(self, _key, value: str) -> str:
        self.title_key = normalize_title(value)[:300]
        return value

    @validates("start_date")
    def _set_year(self, _key, value: date) -> date:
        if value is not None:
            self.academic_year = academic_year_of(value)
        return value

    @property
    def level_label(self) -> str:
        return Level.label(self.level)

    @property
    def is_proposed(self) -> bool:
        return self.status == Status.PROPOSED

    @property
    def status_label(self) -> str:
        return Status.LABELS.get(self.status, self.status)

    @property
    def audience_label(self) -> str:
        parts = []
        if self.for_students:
            if self.grade_from and self.grade_to and self.grade_from != self.grade_to:
                parts.append(f"обучающиеся {self.grade_from}–{self.grade_to} классов")
            elif self.grade_from or self.grade_to:
                parts.append(f"обучающиеся {self.grade_from or self.grade_to} классов")
            else:
                parts.append("обучающиеся")
        if self.for_teachers:
            parts.append("педагоги")
        if self.for_parents:
            parts.append("родители")
        return ", ".join(parts) or "—"

    @property
    def dates_label(self) -> str:
        start = fmt_date(self.start_date)
        if self.end_date and self.end_date != self.start_date:
            return f"{start} — {fmt_date(self.end_date)}"
        return start


# Participation count columns, in the order the forms, tables and the XLSX template use.
COUNT_FIELDS = (
    ("participants", "Участников"),
    ("ovz", "из них с ОВЗ"),
    ("disabled", "из них инвалидов"),
    ("winners", "Победителей"),
    ("prizewinners", "Призёров"),
    ("teachers", "Педагогов"),
)


class Participation(Audited, db.Model):
    """Участие ОО в мероприятии: one row per school × event.

    `distinct_children` (optional): how many of the participants took part in no earlier
    event of the school this academic year, so that the sum over a year gives the number of
    distinct children (a child at three events counts once). Empty when unknown.
    """

    __tablename__ = "participation"
    __table_args__ = (
        UniqueConstraint("event_id", "school_id"),
        CheckConstraint(
            "participants >= 0 AND ovz >= 0 AND disabled >= 0 AND winners >= 0 "
            "AND prizewinners >= 0 AND teachers >= 0",
            name="counts_nonnegative",
        ),
        CheckConstraint("ovz <= participants", name="ovz_within_participants"),
        CheckConstraint("disabled <= participants", name="disabled_within_participants"),
        CheckConstraint(
            "winners + prizewinners <= participants", name="awards_within_participants"
        ),
        CheckConstraint(
            "distinct_children IS NULL OR (distinct_children >= 0 "
            "AND distinct_children <= participants)",
            name="distinct_within_participants",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="RESTRICT"), index=True)
    participants: Mapped[int] = mapped_column(default=0)
    ovz: Mapped[int] = mapped_column(default=0)
    disabled: Mapped[int] = mapped_column(default=0)
    winners: Mapped[int] = mapped_column(default=0)
    prizewinners: Mapped[int] = mapped_column(default=0)
    teachers: Mapped[int] = mapped_column(default=0)
    distinct_children: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    event = relationship("Event", back_populates="participations")
    school = relationship("School", lazy="joined")

    def __repr__(self) -> str:
        return f"<Participation event={self.event_id} school={self.school_id}>"

    def __str__(self) -> str:
        school = self.school.short_name if self.school else f"школа {self.school_id}"
        event = self.event.title if self.event else f"мероприятие {self.event_id}"
        return f"{school} — {event}: {self.participants} уч."
