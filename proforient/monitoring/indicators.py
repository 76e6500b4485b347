"""What the two yearly school forms contribute to the indicator set, per active school and
academic year. Only submitted forms count: a draft or a returned form is being corrected,
so its school has no figures (None, not zero) for that year."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import String, cast, func, null, select, union_all

from proforient.extensions import db
from proforient.monitoring.models import (
    Grade9Destination,
    Grade11Destination,
    GraduateCohort,
    GraduateDestination,
    GraduateReport,
    MonitoringReport,
    Status,
)
from proforient.monitoring.rules import COHORT, GraduateValues, empty_graduate_values
from proforient.schools.models import School

# Graduate destinations grouped as the indicators read them.
D9, D11 = Grade9Destination, Grade11Destination
CONTINUING = {
    9: (D9.SCHOOL10_OWN, D9.SCHOOL10_OTHER, D9.SPO_SPECIALISTS, D9.SPO_WORKERS, D9.VOCATIONAL),
    11: (D11.VUZ_BUDGET, D11.VUZ_PAID, D11.VUZ_TARGET, D11.SPO, D11.COURSES),
}
SPO = {9: (D9.SPO_SPECIALISTS, D9.SPO_WORKERS), 11: (D11.SPO,)}
VUZ = (D11.VUZ_BUDGET, D11.VUZ_PAID, D11.VUZ_TARGET)
IDLE = D9.IDLE  # the same code in both grades


@dataclass(frozen=True)
class FormFigures:
    """The numbers of one submitted monitoring form."""

    programs: int
    sites_municipal: int
    sites_regional: int
    sites_federal: int
    minors_employed: int
    minors_employed_orphans: int
    minors_employed_registered: int
    incentive_measures: int
    children_rewarded: int
    profminimum_level: str | None

    @property
    def innovation_sites(self) -> int:
        return self.sites_municipal + self.sites_regional + self.sites_federal


def submitted_forms(years: Iterable[int]) -> dict[tuple[int, int], FormFigures]:
    """{(year, school_id): figures} of the submitted monitoring forms. One query."""
    m = MonitoringReport
    rows = db.session.execute(
        select(
            m.year,
            m.school_id,
            m.programs_count,
            m.sites_municipal,
            m.sites_regional,
            m.sites_federal,
            m.minors_employed,
            m.minors_employed_orphans,
            m.minors_employed_registered,
            m.incentive_measures,
            m.children_rewarded,
            m.profminimum_level,
        )
        .join(School, School.id == m.school_id)
        .where(m.year.in_(list(years)), m.status == Status.SUBMITTED, School.active)
    ).all()
    return {
        (year, school_id): FormFigures(*(int(v or 0) for v in numbers), level)
        for year, school_id, *numbers, level in rows
    }


def submitted_graduates(years: Iterable[int]) -> dict[tuple[int, int], GraduateValues]:
    """{(year, school_id): {grade: {COHORT or category: (total, orphans, ovz)}}} of the
    submitted graduate forms, every category present. Two queries."""
    g = GraduateReport
    scope = (g.year.in_(list(years)), g.status == Status.SUBMITTED, School.active)
    cohorts = (
        select(
            g.year,
            g.school_id,
            GraduateCohort.grade,
            cast(null(), String(32)).label("category"),
            GraduateCohort.total,
            GraduateCohort.orphans,
            GraduateCohort.ovz,
        )
        .join(g, g.id == GraduateCohort.report_id)
        .join(School, School.id == g.school_id)
        .where(*scope)
    )
    destinations = (
        select(
            g.year,
            g.school_id,
            GraduateDestination.grade,
            GraduateDestination.category,
            GraduateDestination.total,
            GraduateDestination.orphans,
            GraduateDestination.ovz,
        )
        .join(g, g.id == GraduateDestination.report_id)
        .join(School, School.id == g.school_id)
        .where(*scope)
    )
    # A submitted form with no rows yet still counts, with zeros.
    reports = select(g.year, g.school_id).join(School, School.id == g.school_id).where(*scope)
    out: dict[tuple[int, int], GraduateValues] = {
        (year, school_id): empty_graduate_values()
        for year, school_id in db.session.execute(reports)
    }
    for year, school_id, grade, category, *triple in db.session.execute(
        union_all(cohorts, destinations)
    ):
        values = out.get((year, school_id))
        if values is None or grade not in values:
            continue
        key = category or COHORT
        if key in values[grade]:
            values[grade][key] = tuple(int(v or 0) for v in triple)
    return out


def first_year() -> int | None:
    """The earliest academic year with a submitted form of either kind."""
    years = union_all(
        select(MonitoringReport.year).where(MonitoringReport.status == Status.SUBMITTED),
        select(GraduateReport.year).where(GraduateReport.status == Status.SUBMITTED),
    ).subquery()
    return db.session.scalar(select(func.min(years.c.year)))
