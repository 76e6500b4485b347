"""Event registry: reference data (forms, projects), events and each school's participation."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from proforient.core.audit import Audited
from proforient.core.choices import Choices
from proforient.core.formatting import fmt_date
from proforient.core.text import search_key
from proforient.core.timeutil import academic_year_of, utcnow
from proforient.extensions import db

if TYPE_CHECKING:
    from proforient.auth.models import User
    from proforient.partners.models import Partner
    from proforient.schools.models import School


class Level(Choices):
    """Event level, from the widest."""

    INTERNATIONAL = "international", "международный"
    FEDERAL = "federal", "всероссийский"
    REGIONAL = "regional", "региональный"
    MUNICIPAL = "municipal", "муниципальный"
    SCHOOL = "school", "школьный"


class Category(Choices):
    """What an event form counts towards in the indicators (docs/indicators.md, measures
    6, 11 and 12).

    The department picks a category when it adds a form, so a new form («Курсы повышения
    квалификации») is counted correctly without code changes.
    """

    GENERAL = "general", "обычное мероприятие"
    PROF_TRIAL = "prof_trial", "профессиональная проба"  # students who took a trial
    TEACHER = "teacher", "мероприятие для педагогов"  # teachers trained
    SHOWCASE = "showcase", "ярмарка / день открытых дверей / форум / фестиваль"


class EventStatus(Choices):
    CONFIRMED = "confirmed", "в реестре"
    PROPOSED = "proposed", "предложено школой"  # waiting for the department


class EventFormat(Audited, db.Model):
    """Форма мероприятия (конкурс, ярмарка профессий, профессиональная проба …)."""

    __tablename__ = "event_format"
    __table_args__ = (Category.check_constraint("category"),)

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
        Level.check_constraint("level"),
        EventStatus.check_constraint("status"),
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
    status: Mapped[str] = mapped_column(String(16), default=EventStatus.CONFIRMED, index=True)
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("school.id", ondelete="RESTRICT"), index=True
    )
    # The partner organisation the event was held with.
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    format: Mapped["EventFormat"] = relationship(lazy="joined")
    project: Mapped["Project | None"] = relationship(lazy="joined")
    school: Mapped["School | None"] = relationship()
    partner: Mapped["Partner | None"] = relationship()
    created_by: Mapped["User | None"] = relationship()
    participations: Mapped[list["Participation"]] = relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r} {self.start_date}>"

    def __str__(self) -> str:
        return f"{self.title} ({fmt_date(self.start_date)}, {Level.label_of(self.level)})"

    @validates("title")
    def _set_title_key(self, _key, value: str) -> str:
        self.title_key = search_key(value)[:300]
        return value

    @validates("start_date")
    def _set_year(self, _key, value: date) -> date:
        if value is not None:
            self.academic_year = academic_year_of(value)
        return value

    @property
    def level_label(self) -> str:
        return Level.label_of(self.level)

    @property
    def is_proposed(self) -> bool:
        return self.status == EventStatus.PROPOSED

    @property
    def status_label(self) -> str:
        return EventStatus.label_of(self.status)

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
COUNT_NAMES = tuple(name for name, _label in COUNT_FIELDS)
# The most people one school brings to one event, for the form and the import alike.
MAX_COUNT = 100_000


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

    event: Mapped["Event"] = relationship(back_populates="participations")
    school: Mapped["School"] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Participation event={self.event_id} school={self.school_id}>"

    def __str__(self) -> str:
        school = self.school.short_name if self.school else f"школа {self.school_id}"
        event = self.event.title if self.event else f"мероприятие {self.event_id}"
        return f"{school} — {event}: {self.participants} уч."
