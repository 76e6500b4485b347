"""The department's action plan (план мероприятий) and its execution per academic year."""

import re
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from proforient.core.audit import Audited
from proforient.core.choices import Choices
from proforient.core.timeutil import academic_year_label, utcnow
from proforient.extensions import db

if TYPE_CHECKING:
    from proforient.events.models import Event


class ExecutionStatus(Choices):
    """How a plan item was carried out in a year; `badge` is its CSS class."""

    badge: str

    def __init__(self, code: str, label: str, badge: str):
        self.badge = badge

    DONE = "done", "выполнено", "badge-ok"
    IN_PROGRESS = "in_progress", "выполняется", "badge-warn"
    NOT_DONE = "not_done", "не выполнено", "badge-bad"


# Headings of the plan's sections, by the number before the dot.
SECTIONS = {
    1: "Нормативное и организационно-методическое обеспечение",
    2: "Мониторинг и диагностика",
    3: "Профориентационные мероприятия",
    4: "Анализ и подведение итогов",
}

NUMBER_RE = re.compile(r"^\d{1,3}(\.\d{1,3}){0,3}$")


def sort_key_for(number: str) -> str:
    """«3.10» sorts after «3.9»: each part zero-padded."""
    return ".".join(part.zfill(4) for part in number.split("."))


# Events of the registry by which a plan item was carried out in a year.
plan_execution_event = Table(
    "plan_execution_event",
    db.metadata,
    Column(
        "execution_id",
        ForeignKey("plan_execution.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class PlanItem(Audited, db.Model):
    __tablename__ = "plan_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    sort_key: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(500))
    deadline: Mapped[str] = mapped_column(String(200), default="")
    responsible: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    executions: Mapped[list["PlanExecution"]] = relationship(
        back_populates="item", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<PlanItem {self.number}>"

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @validates("number")
    def _set_sort_key(self, _key, value: str) -> str:
        value = value.strip()
        self.sort_key = sort_key_for(value)
        return value

    @property
    def section(self) -> int | None:
        head = self.number.split(".")[0]
        return int(head) if head.isdigit() else None


class PlanExecution(Audited, db.Model):
    """How one plan item was carried out in one academic year."""

    __tablename__ = "plan_execution"
    __table_args__ = (
        UniqueConstraint("item_id", "year"),
        ExecutionStatus.check_constraint("status"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"))
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    item: Mapped["PlanItem"] = relationship(back_populates="executions")
    # Links are dropped by the database when either side is deleted.
    events: Mapped[list["Event"]] = relationship(
        secondary=plan_execution_event,
        order_by="Event.start_date",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<PlanExecution item={self.item_id} year={self.year} {self.status}>"

    def __str__(self) -> str:
        number = self.item.number if self.item is not None else f"№ {self.item_id}"
        return f"Пункт {number}, {academic_year_label(self.year)}: {self.status_label}"

    @property
    def status_label(self) -> str:
        return ExecutionStatus.label_of(self.status)
