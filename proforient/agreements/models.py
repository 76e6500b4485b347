"""Partner organisations (a shared directory) and schools' cooperation agreements with them.

An agreement's status is never stored: it follows from its dates and `local_today()`, in
Python (`Agreement.status_on`) and in SQL (`status_expr`), which must agree.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    literal,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proforient.core.audit import Audited
from proforient.core.timeutil import utcnow
from proforient.extensions import db

# (code, label, short label for table headers)
PARTNER_KINDS = [
    ("poo", "Профессиональная образовательная организация (ПОО)", "ПОО"),
    ("vuz", "Вуз, филиал вуза", "Вузы"),
    ("employer", "Предприятие, организация", "Предприятия"),
    ("czn", "Центр занятости населения", "ЦЗН"),
    ("udo", "Учреждение дополнительного образования", "УДО"),
    ("other", "Иное", "Иные"),
]
PARTNER_KIND_CODES = [code for code, _label, _short in PARTNER_KINDS]
PARTNER_KIND_LABELS = {code: label for code, label, _short in PARTNER_KINDS}
PARTNER_KIND_SHORT = {code: short for code, _label, short in PARTNER_KINDS}

# Common subjects offered as suggestions; the field stays free text.
AGREEMENT_SUBJECTS = [
    "Профессиональные пробы",
    "Экскурсии на предприятие",
    "Целевое обучение",
    "Стажировки педагогов",
    "Мастер-классы",
    "Дни открытых дверей",
    "Профильные классы",
    "Временное трудоустройство несовершеннолетних",
]

# How far ahead an agreement counts as «истекает».
EXPIRING_DAYS = 60


class Status:
    PENDING = "pending"
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    TERMINATED = "terminated"

    LABELS = {
        ACTIVE: "действует",
        EXPIRING: f"истекает в ближайшие {EXPIRING_DAYS} дней",
        EXPIRED: "истёк",
        TERMINATED: "расторгнут",
        PENDING: "ещё не вступил в силу",
    }
    SHORT = {
        ACTIVE: "действует",
        EXPIRING: "истекает",
        EXPIRED: "истёк",
        TERMINATED: "расторгнут",
        PENDING: "не вступил в силу",
    }
    BADGES = {
        ACTIVE: "badge-ok",
        EXPIRING: "badge-warn",
        EXPIRED: "badge-bad",
        TERMINATED: "badge-muted",
        PENDING: "",
    }
    # Statuses in which an agreement is in force today.
    IN_FORCE = (ACTIVE, EXPIRING)
    CHOICES: list[tuple[str, str]] = []


Status.CHOICES = [
    (k, Status.LABELS[k])
    for k in (Status.ACTIVE, Status.EXPIRING, Status.EXPIRED, Status.TERMINATED, Status.PENDING)
]


class Partner(Audited, db.Model):
    __tablename__ = "partner"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('poo', 'vuz', 'employer', 'czn', 'udo', 'other')", name="kind_known"
        ),
        CheckConstraint("inn IS NULL OR length(inn) IN (10, 12)", name="inn_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    short_name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(16))
    settlement: Mapped[str] = mapped_column(String(200), default="")
    inn: Mapped[str | None] = mapped_column(String(12), index=True)
    contact_person: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    # Normalised names (lower case, ё→е, no legal-form words): Cyrillic search and
    # near-duplicate look-ups work the same on SQLite (whose LOWER is ASCII-only) and PG.
    search_key: Mapped[str] = mapped_column(String(800), default="", index=True)
    # The school whose coordinator added the record may keep editing it.
    added_by_school_id: Mapped[int | None] = mapped_column(
        ForeignKey("school.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agreements = relationship("Agreement", back_populates="partner")

    def __repr__(self) -> str:
        return f"<Partner {self.id} {self.display_name!r}>"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def kind_label(self) -> str:
        return PARTNER_KIND_LABELS.get(self.kind, self.kind)

    @property
    def kind_short(self) -> str:
        return PARTNER_KIND_SHORT.get(self.kind, self.kind)


class Agreement(Audited, db.Model):
    __tablename__ = "agreement"
    __table_args__ = (
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="period_order"),
        CheckConstraint(
            "terminated_on IS NULL OR terminated_on >= valid_from", name="termination_after_start"
        ),
        CheckConstraint("scan_size IS NULL OR scan_size >= 0", name="scan_size_nonnegative"),
        UniqueConstraint("school_id", "partner_id", "number", "signed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="RESTRICT"), index=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="RESTRICT"), index=True
    )
    number: Mapped[str] = mapped_column(String(64))
    signed_on: Mapped[date]
    valid_from: Mapped[date]
    # None means «бессрочно».
    valid_until: Mapped[date | None] = mapped_column(index=True)
    # The day from which the agreement no longer acts.
    terminated_on: Mapped[date | None]
    subject: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # The scan lives in UPLOAD_FOLDER/agreements/<scan_key>.pdf; the original name is kept
    # only to offer a sensible download name.
    scan_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    scan_filename: Mapped[str | None] = mapped_column(String(255))
    scan_size: Mapped[int | None]
    scan_uploaded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school = relationship("School")
    partner = relationship("Partner", back_populates="agreements")

    def __repr__(self) -> str:
        return f"<Agreement {self.id} № {self.number} school={self.school_id}>"

    def __str__(self) -> str:
        partner = self.partner.display_name if self.partner else f"партнёр {self.partner_id}"
        return f"Договор № {self.number} от {self.signed_on:%d.%m.%Y} с {partner}"

    @property
    def indefinite(self) -> bool:
        return self.valid_until is None

    def status_on(self, today: date) -> str:
        """Mirror of `status_expr` for one loaded row."""
        if self.terminated_on is not None and self.terminated_on <= today:
            return Status.TERMINATED
        if self.valid_from > today:
            return Status.PENDING
        if self.valid_until is not None and self.valid_until < today:
            return Status.EXPIRED
        if self.valid_until is not None and self.valid_until <= today + timedelta(
            days=EXPIRING_DAYS
        ):
            return Status.EXPIRING
        return Status.ACTIVE

    def in_force_on(self, day: date) -> bool:
        return self.status_on(day) in Status.IN_FORCE


def status_expr(today: date) -> ColumnElement[str]:
    """The status as a SQL CASE, so lists and counts filter in the database."""
    horizon = today + timedelta(days=EXPIRING_DAYS)
    return case(
        (
            and_(Agreement.terminated_on.is_not(None), Agreement.terminated_on <= today),
            literal(Status.TERMINATED),
        ),
        (Agreement.valid_from > today, literal(Status.PENDING)),
        (
            and_(Agreement.valid_until.is_not(None), Agreement.valid_until < today),
            literal(Status.EXPIRED),
        ),
        (
            and_(Agreement.valid_until.is_not(None), Agreement.valid_until <= horizon),
            literal(Status.EXPIRING),
        ),
        else_=literal(Status.ACTIVE),
    )


def status_condition(status: str, today: date) -> ColumnElement[bool]:
    """A WHERE condition for one status (plain comparisons, index-friendly)."""
    horizon = today + timedelta(days=EXPIRING_DAYS)
    not_terminated = or_(Agreement.terminated_on.is_(None), Agreement.terminated_on > today)
    started = Agreement.valid_from <= today
    if status == Status.TERMINATED:
        return and_(Agreement.terminated_on.is_not(None), Agreement.terminated_on <= today)
    if status == Status.PENDING:
        return and_(not_terminated, Agreement.valid_from > today)
    if status == Status.EXPIRED:
        return and_(not_terminated, started, Agreement.valid_until < today)
    if status == Status.EXPIRING:
        return and_(
            not_terminated,
            started,
            Agreement.valid_until >= today,
            Agreement.valid_until <= horizon,
        )
    if status == Status.ACTIVE:
        return and_(
            not_terminated,
            started,
            or_(Agreement.valid_until.is_(None), Agreement.valid_until > horizon),
        )
    raise ValueError(f"unknown status {status!r}")


def in_force_condition(day: date) -> ColumnElement[bool]:
    """In force on `day`: started, not yet ended, not terminated."""
    return and_(
        Agreement.valid_from <= day,
        or_(Agreement.valid_until.is_(None), Agreement.valid_until >= day),
        or_(Agreement.terminated_on.is_(None), Agreement.terminated_on > day),
    )


def overlaps_condition(start: date, end: date) -> ColumnElement[bool]:
    """In force on at least one day of [start, end] (an academic year filter)."""
    return and_(
        Agreement.valid_from <= end,
        or_(Agreement.valid_until.is_(None), Agreement.valid_until >= start),
        or_(Agreement.terminated_on.is_(None), Agreement.terminated_on > start),
    )
