"""Reporting periods and the two yearly school forms: the monitoring form (April–May) and
graduate destinations (September).

Academic years are stored by their start year. The monitoring form of 2025/2026 is filled
in April–May 2026; graduate destinations of 2025/2026 (the June 2026 graduates) are
reported in September 2026, i.e. already in the next academic year, but belong to the year
the children graduated in.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from proforient.core.audit import Audited
from proforient.core.choices import Choices
from proforient.core.timeutil import academic_year_label, utcnow
from proforient.extensions import db

if TYPE_CHECKING:
    from proforient.auth.models import User
    from proforient.schools.models import School


class PeriodKind(Choices):
    MONITORING = "monitoring", "Мониторинг ОО"
    GRADUATES = "graduates", "Трудоустройство выпускников"

    @staticmethod
    def default_dates(kind: str, year: int) -> tuple[date, date]:
        """Monitoring: 1 April – 31 May of the year's spring; graduates: 1–30 September
        right after the year ends (graduates of June 2026 → September 2026, year 2025)."""
        if kind == PeriodKind.GRADUATES:
            return date(year + 1, 9, 1), date(year + 1, 9, 30)
        return date(year + 1, 4, 1), date(year + 1, 5, 31)


class Status(Choices):
    """Where a school's form stands, in the order the department's tabs show them; `badge`
    is its CSS class. NOT_STARTED is never stored: no row means the school has not started."""

    badge: str

    def __init__(self, code: str, label: str, badge: str):
        self.badge = badge

    NOT_STARTED = "not_started", "не начата", "badge-muted"
    DRAFT = "draft", "черновик", "badge-warn"
    RETURNED = "returned", "возвращена", "badge-bad"
    SUBMITTED = "submitted", "отправлена", "badge-ok"

    @classmethod
    def stored(cls) -> tuple["Status", ...]:
        """The states a form row can hold."""
        return (cls.DRAFT, cls.SUBMITTED, cls.RETURNED)


class PeriodState(Choices):
    """Where a period stands on a given day (from its dates, never stored); `badge` is its
    CSS class."""

    badge: str

    def __init__(self, code: str, label: str, badge: str):
        self.badge = badge

    UPCOMING = "upcoming", "приём не начался", "badge-muted"
    OPEN = "open", "идёт приём", "badge-ok"
    CLOSED = "closed", "приём закрыт", "badge-muted"


class ProfminimumLevel(Choices):
    BASIC = "basic", "базовый"
    MAIN = "main", "основной"
    ADVANCED = "advanced", "продвинутый"


class Grade9Destination(Choices):
    """Where 9th-grade graduates went. The codes are stored; the labels may be reworded."""

    SCHOOL10_OWN = "school10_own", "10 класс своей школы"
    SCHOOL10_OTHER = "school10_other", "10 класс другой школы"
    SPO_SPECIALISTS = "spo_specialists", "СПО (программы подготовки специалистов среднего звена)"
    SPO_WORKERS = "spo_workers", "СПО (программы подготовки квалифицированных рабочих)"
    VOCATIONAL = "vocational", "Профессиональное обучение, курсы"
    EMPLOYED = "employed", "Работают"
    IDLE = "idle", "Не учатся и не работают"
    REPEAT = "repeat", "Оставлены на повторное обучение / без аттестата"
    MOVED = "moved", "Выбыли за пределы округа"
    OTHER = "other", "Иное"


class Grade11Destination(Choices):
    """Where 11th-grade graduates went. The codes are stored; the labels may be reworded."""

    VUZ_BUDGET = "vuz_budget", "Вуз (бюджет)"
    VUZ_PAID = "vuz_paid", "Вуз (платно)"
    VUZ_TARGET = "vuz_target", "Вуз (целевое обучение)"
    SPO = "spo", "СПО"
    COURSES = "courses", "Курсы"
    EMPLOYED = "employed", "Работают (в т. ч. ИП, самозанятые)"
    ARMY = "army", "Служба в армии"
    PARENTAL_LEAVE = "parental_leave", "Отпуск по уходу за ребёнком"
    IDLE = "idle", "Не учатся и не работают"
    MOVED = "moved", "Выбыли за пределы округа"
    OTHER = "other", "Иное"


# The destination categories of each grade as (code, label) rows, in the form's order.
GRADUATE_CATEGORIES: dict[int, list[tuple[str, str]]] = {
    9: Grade9Destination.choices(),
    11: Grade11Destination.choices(),
}
GRADUATE_GRADES = (9, 11)


class GraduateColumn(Choices):
    """The three numbers kept for every row: all graduates, of them orphans, of them ОВЗ.
    The codes are the count columns of `graduate_cohort` and `graduate_destination`."""

    TOTAL = "total", "всего"
    ORPHANS = "orphans", "дети-сироты"
    OVZ = "ovz", "ОВЗ"


GRADUATE_COLUMNS = tuple(GraduateColumn.choices())


def category_label(grade: int, code: str) -> str:
    return dict(GRADUATE_CATEGORIES.get(grade, [])).get(code, code)


class ReportingPeriod(Audited, db.Model):
    """The window in which schools fill one kind of form for one academic year."""

    __tablename__ = "reporting_period"
    __table_args__ = (
        UniqueConstraint("kind", "year"),
        PeriodKind.check_constraint("kind", name="kind_known"),
        CheckConstraint("opens_on <= closes_on", name="dates_ordered"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    year: Mapped[int]
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ReportingPeriod {self.kind} {self.year}>"

    def __str__(self) -> str:
        return f"{self.kind_label}, {academic_year_label(self.year)}"

    @property
    def kind_label(self) -> str:
        return PeriodKind.label_of(self.kind)

    def state(self, today: date) -> PeriodState:
        if today < self.opens_on:
            return PeriodState.UPCOMING
        if today > self.closes_on:
            return PeriodState.CLOSED
        return PeriodState.OPEN

    def is_open(self, today: date) -> bool:
        return self.state(today) == PeriodState.OPEN


class SubmissionMixin:
    """What both yearly forms share: the school, the year and the submission state."""

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), default=Status.DRAFT)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    returned_at: Mapped[datetime | None]
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Shown to the school until the form is submitted again (and kept afterwards).
    return_comment: Mapped[str] = mapped_column(Text, default="")

    @declared_attr
    def school(cls) -> Mapped["School"]:
        return relationship("School")

    @declared_attr
    def submitted_by(cls) -> Mapped["User | None"]:
        return relationship("User", foreign_keys=f"{cls.__name__}.submitted_by_id")

    @declared_attr
    def returned_by(cls) -> Mapped["User | None"]:
        return relationship("User", foreign_keys=f"{cls.__name__}.returned_by_id")

    @property
    def status_label(self) -> str:
        return Status.label_of(self.status)

    def _describe(self, what: str) -> str:
        school = self.school.short_name if self.school is not None else f"ОО № {self.school_id}"
        return f"{what}: {school}, {academic_year_label(self.year)}"


def _status_check() -> CheckConstraint:
    return Status.check_constraint("status", name="status_known", only=Status.stored())


class MonitoringReport(SubmissionMixin, Audited, db.Model):
    """Monitoring form (indicators 1, 2, 7 and 9 of docs/indicators.md, and the profminimum
    level).

    Numbers are nullable: a draft may be partly filled; submission requires all of them.
    """

    __tablename__ = "monitoring_report"
    __table_args__ = (
        UniqueConstraint("school_id", "year"),
        _status_check(),
        CheckConstraint(
            "programs_count >= 0 AND sites_municipal >= 0 AND sites_regional >= 0 "
            "AND sites_federal >= 0 AND minors_employed >= 0 "
            "AND minors_employed_orphans >= 0 AND minors_employed_registered >= 0 "
            "AND incentive_measures >= 0 AND children_rewarded >= 0",
            name="counts_nonnegative",
        ),
        CheckConstraint("minors_employed_orphans <= minors_employed", name="orphans_le_employed"),
        CheckConstraint(
            "minors_employed_registered <= minors_employed", name="registered_le_employed"
        ),
        ProfminimumLevel.check_constraint("profminimum_level", name="profminimum_known"),
    )

    # Indicator 1: one program per line; the count is derived from the lines on save.
    program_names: Mapped[str] = mapped_column(Text, default="")
    programs_count: Mapped[int] = mapped_column(default=0)
    # Indicator 2: innovation sites in career guidance, by level.
    sites_municipal: Mapped[int | None]
    sites_regional: Mapped[int | None]
    sites_federal: Mapped[int | None]
    site_names: Mapped[str] = mapped_column(Text, default="")
    # Indicator 7: minors 14–18 temporarily employed.
    minors_employed: Mapped[int | None]
    minors_employed_orphans: Mapped[int | None]
    minors_employed_registered: Mapped[int | None]  # on preventive registers
    # Indicator 9: incentive measures for winners, children rewarded.
    incentive_measures: Mapped[int | None]
    children_rewarded: Mapped[int | None]
    profminimum_level: Mapped[str | None] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<MonitoringReport school={self.school_id} year={self.year} {self.status}>"

    def __str__(self) -> str:
        return self._describe("Мониторинг ОО")

    @property
    def sites_total(self) -> int:
        return (self.sites_municipal or 0) + (self.sites_regional or 0) + (self.sites_federal or 0)

    @property
    def profminimum_label(self) -> str:
        return ProfminimumLevel.label_of(self.profminimum_level)

    @property
    def program_list(self) -> list[str]:
        return split_lines(self.program_names)


def split_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class GraduateReport(SubmissionMixin, Audited, db.Model):
    """Graduate destinations of one school for one academic year (9th and 11th grade).

    Cell values live in `graduate_cohort` (graduates per grade) and `graduate_destination`
    (one row per grade × category); changes to them are logged on this report by
    `operations.save_graduates` as one audit entry with the changed cells.
    """

    __tablename__ = "graduate_report"
    __table_args__ = (UniqueConstraint("school_id", "year"), _status_check())

    cohorts: Mapped[list["GraduateCohort"]] = relationship(
        "GraduateCohort",
        back_populates="report",
        cascade="all, delete-orphan",
        order_by="GraduateCohort.grade",
    )
    destinations: Mapped[list["GraduateDestination"]] = relationship(
        "GraduateDestination", back_populates="report", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<GraduateReport school={self.school_id} year={self.year} {self.status}>"

    def __str__(self) -> str:
        return self._describe("Трудоустройство выпускников")


class _Counts:
    total: Mapped[int] = mapped_column(default=0)
    orphans: Mapped[int] = mapped_column(default=0)
    ovz: Mapped[int] = mapped_column(default=0)


def _count_checks() -> tuple:
    return (
        CheckConstraint("grade IN (9, 11)", name="grade_known"),
        CheckConstraint("total >= 0 AND orphans >= 0 AND ovz >= 0", name="counts_nonnegative"),
        CheckConstraint("orphans <= total", name="orphans_le_total"),
        CheckConstraint("ovz <= total", name="ovz_le_total"),
    )


class GraduateCohort(_Counts, db.Model):
    """Graduates of one grade of one school: total, of them orphans, of them ОВЗ."""

    __tablename__ = "graduate_cohort"
    __table_args__ = (UniqueConstraint("report_id", "grade"), *_count_checks())

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("graduate_report.id", ondelete="CASCADE"))
    grade: Mapped[int]

    report: Mapped["GraduateReport"] = relationship("GraduateReport", back_populates="cohorts")

    def __repr__(self) -> str:
        return f"<GraduateCohort report={self.report_id} grade={self.grade}: {self.total}>"


class GraduateDestination(_Counts, db.Model):
    """Graduates of one grade in one destination category (one row per category)."""

    __tablename__ = "graduate_destination"
    __table_args__ = (UniqueConstraint("report_id", "grade", "category"), *_count_checks())

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("graduate_report.id", ondelete="CASCADE"))
    grade: Mapped[int]
    category: Mapped[str] = mapped_column(String(32))

    report: Mapped["GraduateReport"] = relationship("GraduateReport", back_populates="destinations")

    def __repr__(self) -> str:
        return (
            f"<GraduateDestination report={self.report_id} {self.grade}/{self.category}: "
            f"{self.total}>"
        )
