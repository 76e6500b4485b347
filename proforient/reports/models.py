"""The concept's stages: which academic years each covers, and the department's
conclusions printed on the concept report."""

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from proforient.core.audit import Audited
from proforient.core.timeutil import utcnow
from proforient.extensions import db


class ConceptStage(Audited, db.Model):
    __tablename__ = "concept_stage"
    __table_args__ = (
        CheckConstraint("first_year <= last_year", name="years_ordered"),
        CheckConstraint("first_year BETWEEN 2000 AND 2100", name="first_year_range"),
        CheckConstraint("last_year BETWEEN 2000 AND 2100", name="last_year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)  # I = 1, II = 2
    title: Mapped[str] = mapped_column(String(200))
    first_year: Mapped[int]  # academic years by their start year, both included
    last_year: Mapped[int]
    conclusions: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<ConceptStage {self.number} {self.first_year}–{self.last_year}>"

    def __str__(self) -> str:
        first, last = self.first_year, self.last_year
        return f"{self.title}: {first}/{first + 1} — {last}/{last + 1}"

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))
