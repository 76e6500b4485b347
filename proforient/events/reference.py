"""Seeded reference data: event forms and projects.

Migration 0002 inserts the same rows (it keeps its own frozen copy); `ensure_reference_data`
restores any that are missing, for demo data and tests that start from empty tables.
"""

from sqlalchemy import select

from proforient.events.models import Category, EventFormat, Project
from proforient.extensions import db

# (code, name, category): the forms of career-guidance events the department counts.
FORMATS = [
    ("contest", "Конкурс", Category.GENERAL),
    ("olympiad", "Олимпиада", Category.GENERAL),
    ("skills_championship", "Чемпионат профессионального мастерства", Category.GENERAL),
    ("exhibition", "Выставка", Category.GENERAL),
    ("fair", "Ярмарка профессий", Category.SHOWCASE),
    ("festival", "Фестиваль", Category.SHOWCASE),
    ("open_day", "День открытых дверей", Category.SHOWCASE),
    ("forum", "Форум", Category.SHOWCASE),
    ("master_class", "Мастер-класс", Category.GENERAL),
    ("prof_trial", "Профессиональная проба", Category.PROF_TRIAL),
    ("excursion", "Экскурсия на предприятие", Category.GENERAL),
    ("open_lesson", "Открытый урок («ПроеКТОриЯ», «Шоу профессий»)", Category.GENERAL),
    ("teacher_seminar", "Семинар для педагогов", Category.TEACHER),
    ("parent_meeting", "Родительское собрание", Category.GENERAL),
]

PROJECTS = [
    ("bilet", "«Билет в будущее»"),
    ("proektoria", "«ПроеКТОриЯ»"),
    ("professionals", "«Профессионалы» («Молодые профессионалы»)"),
    ("abilympics", "«Абилимпикс»"),
    ("horizons", "«Россия — мои горизонты»"),
    ("tochka_rosta", "«Точка роста»"),
    ("kvantorium", "«Кванториум»"),
]


def ensure_reference_data() -> int:
    """Insert the seeded forms and projects that are missing (by code); returns how many."""
    added = 0
    have = set(db.session.scalars(select(EventFormat.code).where(EventFormat.code.is_not(None))))
    names = set(db.session.scalars(select(EventFormat.name)))
    for i, (code, name, category) in enumerate(FORMATS):
        if code not in have and name not in names:
            db.session.add(
                EventFormat(code=code, name=name, category=category, sort_order=(i + 1) * 10)
            )
            added += 1
    have = set(db.session.scalars(select(Project.code).where(Project.code.is_not(None))))
    names = set(db.session.scalars(select(Project.name)))
    for i, (code, name) in enumerate(PROJECTS):
        if code not in have and name not in names:
            db.session.add(Project(code=code, name=name, sort_order=(i + 1) * 10))
            added += 1
    db.session.flush()
    return added


def format_by_code(code: str) -> EventFormat | None:
    return db.session.scalar(select(EventFormat).where(EventFormat.code == code))


def project_by_code(code: str) -> Project | None:
    return db.session.scalar(select(Project).where(Project.code == code))
