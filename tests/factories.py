"""Small factory functions: tests build exactly the data they need."""

import itertools

from proforient.auth.models import Role, User
from proforient.extensions import db
from proforient.schools.models import School

_seq = itertools.count(1)

PASSWORD = "correct-horse-42"


def make_school(short_name: str | None = None, enrolment: dict[int, int] | None = None, **kw):
    n = next(_seq)
    short_name = short_name or f"МКОУ СОШ № {n} с. Тестовое"
    school = School(
        full_name=kw.pop("full_name", f"Муниципальное казённое учреждение «{short_name}»"),
        short_name=short_name,
        settlement=kw.pop("settlement", "с. Тестовое"),
        **kw,
    )
    for grade, students in (enrolment or {g: 20 for g in range(1, 12)}).items():
        school.set_enrolment(grade, students)
    db.session.add(school)
    db.session.commit()
    return school


def make_user(
    login: str | None = None,
    role: str = Role.SCHOOL,
    school: School | None = None,
    password: str = PASSWORD,
    **kw,
) -> User:
    login = login or f"user{next(_seq)}"
    if role == Role.SCHOOL and school is None:
        school = make_school()
    user = User(
        login=login,
        full_name=kw.pop("full_name", f"Пользователь {login}"),
        role=role,
        school_id=school.id if school else None,
        **kw,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user
