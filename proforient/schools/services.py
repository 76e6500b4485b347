from sqlalchemy import Select, func, or_, select

from proforient.extensions import db
from proforient.schools.models import GRADES, Enrolment, School, natural_key


def school_list_query(q: str = "", include_inactive: bool = False) -> Select:
    stmt = select(School).order_by(School.short_name)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(
            or_(
                School.short_name.ilike(like),
                School.full_name.ilike(like),
                School.settlement.ilike(like),
            )
        )
    if not include_inactive:
        stmt = stmt.where(School.active)
    return stmt


def enrolment_table(school_ids: list[int]) -> dict[int, dict[int, int]]:
    """{school_id: {grade: students}} for many schools in one query."""
    table = {sid: dict.fromkeys(GRADES, 0) for sid in school_ids}
    rows = db.session.execute(
        select(Enrolment.school_id, Enrolment.grade, Enrolment.students).where(
            Enrolment.school_id.in_(school_ids)
        )
    )
    for school_id, grade, students in rows:
        table[school_id][grade] = students
    return table


def enrolment_in_grades(grades: range | list[int], school_ids: list[int] | None = None):
    """Students in the given grades per school: {school_id: n}, one query."""
    stmt = (
        select(Enrolment.school_id, func.sum(Enrolment.students))
        .where(Enrolment.grade.in_(list(grades)))
        .group_by(Enrolment.school_id)
    )
    if school_ids is not None:
        stmt = stmt.where(Enrolment.school_id.in_(school_ids))
    return {sid: int(n or 0) for sid, n in db.session.execute(stmt)}


def save_school(school: School, form) -> School:
    school.full_name = form.full_name.data.strip()
    school.short_name = form.short_name.data.strip()
    school.settlement = (form.settlement.data or "").strip()
    school.kind = form.kind.data
    for grade in GRADES:
        school.set_enrolment(grade, getattr(form, f"grade_{grade}").data)
    db.session.add(school)
    db.session.flush()
    return school


def school_choices(include_id: int | None = None) -> list[tuple[int, str]]:
    """(id, short name) of the active schools for a select, «№ 3» before «№ 10»; an inactive
    school an object already points at (`include_id`) stays in the list."""
    stmt = select(School.id, School.short_name).where(
        or_(School.active, School.id == (include_id or 0))
    )
    rows = db.session.execute(stmt).all()
    return sorted(((i, n) for i, n in rows), key=lambda row: natural_key(row[1]))
