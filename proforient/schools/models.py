import re
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from proforient.core.audit import Audited
from proforient.core.choices import Choices
from proforient.extensions import db

if TYPE_CHECKING:
    from proforient.auth.models import User

GRADES = range(1, 12)


class SchoolKind(Choices):
    """The type of a school; the code is the short Russian name kept in `school.kind`."""

    SOSH = "СОШ", "Средняя общеобразовательная школа"
    OOSH = "ООШ", "Основная общеобразовательная школа"
    NOSH = "НОШ", "Начальная общеобразовательная школа"
    GYMNASIUM = "Гимназия", "Гимназия"
    LYCEUM = "Лицей", "Лицей"
    SOSH_UIOP = "СОШ с УИОП", "СОШ с углублённым изучением отдельных предметов"
    CORRECTIONAL = "Коррекционная школа", "Коррекционная (специальная) школа"
    OTHER = "Иное", "Иное"


def natural_key(name: str) -> tuple:
    """Sort key that puts «СОШ № 3» before «СОШ № 10»: numbers compare as numbers."""
    parts = re.split(r"(\d+)", name.casefold().replace("ё", "е"))
    return tuple(int(p) if p.isdigit() else p for p in parts)


def school_name_key(name: str) -> str:
    return "".join(name.split()).casefold().replace("ё", "е")


class Enrolment(Audited, db.Model):
    """Number of students of one school in one grade (current figures)."""

    __tablename__ = "enrolment"
    __table_args__ = (
        UniqueConstraint("school_id", "grade"),
        CheckConstraint("grade BETWEEN 1 AND 11", name="grade_range"),
        CheckConstraint("students >= 0", name="students_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    grade: Mapped[int]
    students: Mapped[int] = mapped_column(default=0)

    school: Mapped["School"] = relationship("School", back_populates="enrolments")

    def __repr__(self) -> str:
        return f"<Enrolment school={self.school_id} grade={self.grade}: {self.students}>"

    def __str__(self) -> str:
        return f"{self.grade} класс: {self.students}"


class School(Audited, db.Model):
    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(500))
    short_name: Mapped[str] = mapped_column(String(200))
    # Case- and space-insensitive key: SQLite's lower() ignores Cyrillic, so uniqueness of
    # «МКОУ СОШ № 3» vs «мкоу сош №3» is enforced on this column instead.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    settlement: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(64), default=SchoolKind.SOSH)
    active: Mapped[bool] = mapped_column(default=True)

    users: Mapped[list["User"]] = relationship("User", back_populates="school")
    enrolments: Mapped[list["Enrolment"]] = relationship(
        "Enrolment",
        back_populates="school",
        order_by="Enrolment.grade",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<School {self.short_name}>"

    @validates("short_name")
    def _set_name_key(self, _key, value: str) -> str:
        self.name_key = school_name_key(value)
        return value

    def __str__(self) -> str:
        return self.short_name

    def enrolment_by_grade(self) -> dict[int, int]:
        counts = {e.grade: e.students for e in self.enrolments}
        return {grade: counts.get(grade, 0) for grade in GRADES}

    def set_enrolment(self, grade: int, students: int) -> None:
        for e in self.enrolments:
            if e.grade == grade:
                e.students = students
                return
        self.enrolments.append(Enrolment(grade=grade, students=students))
