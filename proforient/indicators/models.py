"""Indicator values typed in by the department for past years, before the app kept its own
records (imported from its spreadsheets, corrected by hand)."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proforient.core.audit import Audited
from proforient.core.timeutil import academic_year_label, utcnow
from proforient.extensions import db

if TYPE_CHECKING:
    from proforient.schools.models import School


class ManualValue(Audited, db.Model):
    """One typed figure: a measure's value (`key` is the measure's key, as in the
    catalogue) or the base typed beside it (`<key>.base`), for a school and year. A
    satisfaction level is kept in percent, as typed."""

    __tablename__ = "manual_value"
    __table_args__ = (
        UniqueConstraint("school_id", "year", "key"),
        CheckConstraint("value >= 0", name="value_nonnegative"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    school: Mapped["School"] = relationship("School")

    def __repr__(self) -> str:
        return f"<ManualValue school={self.school_id} {self.year} {self.key}={self.value}>"

    def __str__(self) -> str:
        school = self.school.short_name if self.school else f"ОО {self.school_id}"
        return f"{school}, {academic_year_label(self.year)}: {self.key} = {self.value:g}"
