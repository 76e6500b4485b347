"""Schools' cooperation agreements with partner organisations.

An agreement's status is never stored: it follows from its dates and `local_today()`, in
Python (`Agreement.status_on`) and in SQL (`status_expr`), which must agree.
"""

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

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
from proforient.core.choices import Choices
from proforient.core.timeutil import utcnow
from proforient.extensions import db

if TYPE_CHECKING:
    from proforient.partners.models import Partner
    from proforient.schools.models import School

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


class AgreementStatus(Choices):
    """Where an agreement stands on a given day; `short` is the badge's text, `badge` its
    CSS class."""

    short: str
    badge: str

    def __init__(self, code: str, label: str, short: str, badge: str):
        self.short = short
        self.badge = badge

    ACTIVE = "active", "действует", "действует", "badge-ok"
    EXPIRING = (
        "expiring",
        f"истекает в ближайшие {EXPIRING_DAYS} дней",
        "истекает",
        "badge-warn",
    )
    EXPIRED = "expired", "истёк", "истёк", "badge-bad"
    TERMINATED = "terminated", "расторгнут", "расторгнут", "badge-muted"
    PENDING = "pending", "ещё не вступил в силу", "не вступил в силу", ""

    @property
    def in_force(self) -> bool:
        return self in (AgreementStatus.ACTIVE, AgreementStatus.EXPIRING)


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

    school: Mapped["School"] = relationship()
    partner: Mapped["Partner"] = relationship()

    def __repr__(self) -> str:
        return f"<Agreement {self.id} № {self.number} school={self.school_id}>"

    def __str__(self) -> str:
        partner = self.partner.display_name if self.partner else f"партнёр {self.partner_id}"
        return f"Договор № {self.number} от {self.signed_on:%d.%m.%Y} с {partner}"

    @property
    def indefinite(self) -> bool:
        return self.valid_until is None

    def status_on(self, today: date) -> AgreementStatus:
        """Mirror of `status_expr` for one loaded row."""
        if self.terminated_on is not None and self.terminated_on <= today:
            return AgreementStatus.TERMINATED
        if self.valid_from > today:
            return AgreementStatus.PENDING
        if self.valid_until is not None and self.valid_until < today:
            return AgreementStatus.EXPIRED
        if self.valid_until is not None and self.valid_until <= today + timedelta(
            days=EXPIRING_DAYS
        ):
            return AgreementStatus.EXPIRING
        return AgreementStatus.ACTIVE

    def in_force_on(self, day: date) -> bool:
        return self.status_on(day).in_force


def status_expr(today: date) -> ColumnElement[str]:
    """The status as a SQL CASE, so lists and counts filter in the database."""
    horizon = today + timedelta(days=EXPIRING_DAYS)
    return case(
        (
            and_(Agreement.terminated_on.is_not(None), Agreement.terminated_on <= today),
            literal(AgreementStatus.TERMINATED.value),
        ),
        (Agreement.valid_from > today, literal(AgreementStatus.PENDING.value)),
        (
            and_(Agreement.valid_until.is_not(None), Agreement.valid_until < today),
            literal(AgreementStatus.EXPIRED.value),
        ),
        (
            and_(Agreement.valid_until.is_not(None), Agreement.valid_until <= horizon),
            literal(AgreementStatus.EXPIRING.value),
        ),
        else_=literal(AgreementStatus.ACTIVE.value),
    )


def status_condition(status: str, today: date) -> ColumnElement[bool]:
    """A WHERE condition for one status (plain comparisons, index-friendly)."""
    horizon = today + timedelta(days=EXPIRING_DAYS)
    not_terminated = or_(Agreement.terminated_on.is_(None), Agreement.terminated_on > today)
    started = Agreement.valid_from <= today
    if status == AgreementStatus.TERMINATED:
        return and_(Agreement.terminated_on.is_not(None), Agreement.terminated_on <= today)
    if status == AgreementStatus.PENDING:
        return and_(not_terminated, Agreement.valid_from > today)
    if status == AgreementStatus.EXPIRED:
        return and_(not_terminated, started, Agreement.valid_until < today)
    if status == AgreementStatus.EXPIRING:
        return and_(
            not_terminated,
            started,
            Agreement.valid_until >= today,
            Agreement.valid_until <= horizon,
        )
    if status == AgreementStatus.ACTIVE:
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
