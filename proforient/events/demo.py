"""Demo registry: the events of a rural district with each school's participation, from
two years before the reporting year up to the current academic year.

The current year (by today's date) is filled up to today, with the rest of the year's
plan in the registry; the reporting year is complete (the summaries report on it); the
years before give the comparison. How often a school takes part and how it wins follows
its profile (`schools.demo.PROFILES`): the lyceum is everywhere and brings prizes home,
the school that fell this year goes to fewer events with fewer children. Numbers come from a seeded
random generator, so every run makes the same district. Idempotent: events already
present (same title, date and level) are skipped.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from proforient.core.timeutil import current_academic_year, local_today, reporting_year
from proforient.events.models import (
    Event,
    EventFormat,
    Level,
    Participation,
    Project,
    Status,
    normalize_title,
)
from proforient.events.reference import ensure_reference_data
from proforient.extensions import db
from proforient.schools.demo import SCHOOLS, profile
from proforient.schools.models import School
from proforient.schools.services import enrolment_table

L = Level


@dataclass(frozen=True)
class Template:
    title: str
    level: str
    form: str  # EventFormat.code
    project: str | None
    month: int
    day: int
    days: int
    organizer: str
    grades: tuple[int, int] | None  # students' grades; None: no students
    teachers: bool = False
    parents: bool = False
    reach: float = 0.7  # share of schools taking part
    rate: float = 0.1  # share of the grades' students taking part per school
    awards: bool = False  # winners and prize-winners
    since: int = 0  # first academic year (offset from the earliest) it runs


CATALOGUE = [
    Template(
        "Вводное занятие курса «Россия — мои горизонты»",
        L.FEDERAL,
        "open_lesson",
        "horizons",
        9,
        4,
        1,
        "Фонд Гуманитарных Проектов",
        (6, 11),
        reach=1.0,
        rate=0.85,
    ),
    Template(
        "Всероссийский открытый урок «Шоу профессий»",
        L.FEDERAL,
        "open_lesson",
        "proektoria",
        9,
        18,
        1,
        "Портал «ПроеКТОриЯ»",
        (8, 11),
        reach=0.8,
        rate=0.5,
    ),
    Template(
        "Семинар «Профориентационный минимум в школе: организация и документы»",
        L.MUNICIPAL,
        "teacher_seminar",
        None,
        9,
        25,
        1,
        "Отдел образования, методический кабинет",
        None,
        teachers=True,
        reach=0.95,
    ),
    Template(
        "Профессиональные пробы в ГБПОУ «Невинномысский химико-технологический колледж»",
        L.REGIONAL,
        "prof_trial",
        "bilet",
        10,
        14,
        3,
        "ГБПОУ «Невинномысский химико-технологический колледж»",
        (6, 11),
        reach=0.6,
        rate=0.06,
    ),
    Template(
        "Ярмарка профессий «Образование и карьера»",
        L.REGIONAL,
        "fair",
        None,
        10,
        22,
        1,
        "Министерство образования Ставропольского края",
        (9, 11),
        parents=True,
        reach=0.75,
        rate=0.2,
    ),
    Template(
        "День открытых дверей ГБПОУ «Кочубеевский аграрный техникум»",
        L.MUNICIPAL,
        "open_day",
        None,
        10,
        29,
        1,
        "ГБПОУ «Кочубеевский аграрный техникум»",
        (8, 9),
        parents=True,
        reach=0.7,
        rate=0.15,
    ),
    Template(
        "Экскурсия на АО «Невинномысский Азот»",
        L.MUNICIPAL,
        "excursion",
        None,
        11,
        6,
        1,
        "АО «Невинномысский Азот»",
        (9, 11),
        reach=0.4,
        rate=0.08,
    ),
    Template(
        "Муниципальный конкурс сочинений «Профессии моей семьи»",
        L.MUNICIPAL,
        "contest",
        None,
        11,
        10,
        10,
        "Отдел образования",
        (5, 8),
        reach=0.8,
        rate=0.04,
        awards=True,
    ),
    Template(
        "Региональный чемпионат «Профессионалы» — юниоры",
        L.REGIONAL,
        "skills_championship",
        "professionals",
        11,
        17,
        3,
        "Региональный координационный центр «Профессионалы»",
        (9, 11),
        reach=0.3,
        rate=0.02,
        awards=True,
    ),
    Template(
        "Мастер-классы детского технопарка «Кванториум»",
        L.REGIONAL,
        "master_class",
        "kvantorium",
        11,
        20,
        2,
        "Детский технопарк «Кванториум»",
        (5, 9),
        reach=0.5,
        rate=0.05,
        since=1,
    ),
    Template(
        "Форум «Молодёжь выбирает профессию»",
        L.REGIONAL,
        "forum",
        None,
        11,
        25,
        1,
        "Министерство образования Ставропольского края",
        (10, 11),
        reach=0.45,
        rate=0.15,
    ),
    Template(
        "Региональный чемпионат «Абилимпикс»",
        L.REGIONAL,
        "skills_championship",
        "abilympics",
        12,
        8,
        3,
        "Региональный центр развития движения «Абилимпикс»",
        (7, 11),
        reach=0.3,
        rate=0.01,
        awards=True,
    ),
    Template(
        "Муниципальная олимпиада «Шаг в профессию»",
        L.MUNICIPAL,
        "olympiad",
        None,
        12,
        15,
        1,
        "Отдел образования",
        (8, 11),
        reach=0.7,
        rate=0.05,
        awards=True,
    ),
    Template(
        "Семинар «Профминимум: итоги полугодия и диагностика»",
        L.REGIONAL,
        "teacher_seminar",
        "bilet",
        1,
        24,
        1,
        "Ставропольский краевой институт развития образования",
        None,
        teachers=True,
        reach=0.6,
    ),
    Template(
        "Всероссийский открытый урок «Инженеры будущего»",
        L.FEDERAL,
        "open_lesson",
        "proektoria",
        1,
        28,
        1,
        "Портал «ПроеКТОриЯ»",
        (7, 11),
        reach=0.75,
        rate=0.45,
    ),
    Template(
        "Фестиваль «Точка роста: наука и техника»",
        L.MUNICIPAL,
        "festival",
        "tochka_rosta",
        2,
        12,
        1,
        "Отдел образования, центры «Точка роста»",
        (5, 9),
        reach=0.65,
        rate=0.1,
        since=1,
    ),
    Template(
        "Мастер-классы центров «Точка роста»",
        L.MUNICIPAL,
        "master_class",
        "tochka_rosta",
        2,
        19,
        5,
        "Центры «Точка роста»",
        (5, 8),
        reach=0.55,
        rate=0.08,
    ),
    Template(
        "Муниципальная выставка технического творчества",
        L.MUNICIPAL,
        "exhibition",
        None,
        3,
        4,
        5,
        "Центр детского творчества",
        (5, 11),
        reach=0.5,
        rate=0.03,
        awards=True,
    ),
    Template(
        "Профессиональные пробы в ГБПОУ «Невинномысский энергетический техникум»",
        L.REGIONAL,
        "prof_trial",
        "bilet",
        3,
        11,
        3,
        "ГБПОУ «Невинномысский энергетический техникум»",
        (8, 11),
        reach=0.55,
        rate=0.05,
    ),
    Template(
        "День открытых дверей Северо-Кавказского федерального университета",
        L.REGIONAL,
        "open_day",
        None,
        3,
        21,
        1,
        "ФГАОУ ВО «Северо-Кавказский федеральный университет»",
        (10, 11),
        parents=True,
        reach=0.5,
        rate=0.2,
    ),
    Template(
        "Всероссийский конкурс «Большая перемена»",
        L.FEDERAL,
        "contest",
        None,
        4,
        1,
        30,
        "АНО «Россия — страна возможностей»",
        (8, 11),
        reach=0.4,
        rate=0.03,
        awards=True,
    ),
    Template(
        "Ярмарка вакансий и учебных мест",
        L.REGIONAL,
        "fair",
        None,
        4,
        9,
        1,
        "Центр занятости населения Кочубеевского округа",
        (9, 11),
        reach=0.6,
        rate=0.15,
    ),
    Template(
        "Международный конкурс исследовательских проектов «Я — инженер»",
        L.INTERNATIONAL,
        "contest",
        None,
        4,
        15,
        2,
        "Международная ассоциация «Инженеры будущего»",
        (9, 11),
        reach=0.15,
        rate=0.01,
        awards=True,
        since=1,
    ),
    Template(
        "Муниципальное родительское собрание «Выбор профиля: от 8 к 10 классу»",
        L.MUNICIPAL,
        "parent_meeting",
        None,
        4,
        23,
        1,
        "Отдел образования",
        None,
        parents=True,
        teachers=True,
        reach=0.8,
    ),
    Template(
        "Экскурсия на агропредприятие ООО «Кочубеевское»",
        L.MUNICIPAL,
        "excursion",
        None,
        5,
        13,
        1,
        "ООО «Кочубеевское»",
        (7, 10),
        reach=0.35,
        rate=0.06,
    ),
    Template(
        "Фестиваль профессий «Город мастеров»",
        L.MUNICIPAL,
        "festival",
        None,
        5,
        16,
        1,
        "Отдел образования",
        (1, 11),
        parents=True,
        reach=0.85,
        rate=0.1,
    ),
    Template(
        "Семинар «Итоги профориентационной работы за год»",
        L.MUNICIPAL,
        "teacher_seminar",
        None,
        5,
        20,
        1,
        "Отдел образования, методический кабинет",
        None,
        teachers=True,
        reach=0.9,
    ),
]

# School-level events of a few demo schools (by index in schools.demo.SCHOOLS).
SCHOOL_EVENTS = [
    (0, "Неделя профориентации «Мир профессий»", "master_class", 11, 17, 5, (5, 11)),
    (1, "Школьная выставка «Профессии наших родителей»", "exhibition", 3, 14, 5, (1, 7)),
    (2, "Профориентационный квест «Мой выбор»", "contest", 2, 5, 1, (8, 10)),
    (4, "Встреча с выпускниками «Моя профессия»", "forum", 12, 20, 1, (9, 11)),
    (14, "Конференция лицеистов «Инженерный старт»", "forum", 2, 26, 1, (8, 11)),
    (14, "Профессиональные пробы в лабораториях филиала СКФУ", "prof_trial", 4, 16, 2, (10, 11)),
]
# Contests, olympiads and championships above the municipal level: where a strong
# school's wins show.
HIGH_LEVELS = {L.REGIONAL, L.FEDERAL, L.INTERNATIONAL}


def _day(year: int, month: int, day: int) -> date:
    return date(year if month >= 9 else year + 1, month, day)


def _counts(
    rng: random.Random,
    t: Template,
    base: int,
    awards: bool,
    engagement: float = 1.0,
    strength: float = 1.0,
) -> dict:
    """Participation of one school: `engagement` scales how many children go, `strength`
    (the profile's awards) how often and how much they win."""
    if t.grades is None:  # teachers' seminar or parents' meeting
        return {"participants": 0, "teachers": rng.randint(1, 4)}
    participants = max(1, round(base * t.rate * engagement * rng.uniform(0.6, 1.3)))
    participants = min(participants, max(base, 1))
    ovz = round(participants * rng.uniform(0, 0.07))
    disabled = min(ovz, round(ovz * rng.uniform(0, 0.5)))
    winners = prizewinners = 0
    if awards and rng.random() < min(0.95, 0.45 * strength):
        extra = round(strength - 1) if t.level in HIGH_LEVELS else 0
        winners = min(participants, rng.choice((0, 1, 1, 2)) + extra)
        prizewinners = min(participants - winners, rng.randint(0, 3) + extra)
    return {
        "participants": participants,
        "ovz": ovz,
        "disabled": disabled,
        "winners": winners,
        "prizewinners": prizewinners,
        "teachers": rng.randint(0, 2) if participants < 20 else rng.randint(1, 3),
    }


def load() -> str:
    ensure_reference_data()
    formats = {f.code: f for f in db.session.scalars(select(EventFormat))}
    projects = {p.code: p for p in db.session.scalars(select(Project))}
    schools = list(db.session.scalars(select(School).where(School.active).order_by(School.id)))
    if not schools:
        return "Мероприятия: нет школ, демо-данные не добавлены."
    enrolment = enrolment_table([s.id for s in schools])
    existing = {
        (k, d, lv)
        for k, d, lv in db.session.execute(select(Event.title_key, Event.start_date, Event.level))
    }
    today = local_today()
    current = current_academic_year()
    reporting = reporting_year(today)
    years = list(range(reporting - 2, current + 1))
    profiles = {s.id: profile(s.short_name) for s in schools}
    by_name = {s.short_name: s for s in schools}
    added_events = added_rows = 0
    # «Впервые в году» is known in most schools, not all: as in real monitoring.
    knows_distinct = {s.id: (s.id * 7) % 10 < 7 for s in schools}

    for offset, year in enumerate(years):
        rng = random.Random(f"proforient-events-{year}")
        growth = 0.9 + 0.07 * offset  # schools join more events, with more children, each year
        covered = {s.id: 0 for s in schools}
        plan = []
        for t in CATALOGUE:
            if offset < t.since:
                continue
            plan.append((t, _day(year, t.month, t.day)))
        plan.sort(key=lambda item: item[1])
        for t, start in plan:
            key = (normalize_title(t.title), start, t.level)
            if key in existing:
                continue
            event = Event(
                title=t.title,
                level=t.level,
                format_id=formats[t.form].id,
                project_id=projects[t.project].id if t.project else None,
                start_date=start,
                end_date=start + timedelta(days=t.days - 1),
                organizer=t.organizer,
                for_students=t.grades is not None,
                grade_from=t.grades[0] if t.grades else None,
                grade_to=t.grades[1] if t.grades else None,
                for_teachers=t.teachers,
                for_parents=t.parents,
                status=Status.CONFIRMED,
            )
            db.session.add(event)
            added_events += 1
            existing.add(key)
            if start > today:
                continue  # planned, not held yet
            db.session.flush()
            for school in schools:
                p = profiles[school.id]
                engagement = p.engagement[0 if year < reporting else 1]
                # A strong school sends a team to every competition above the district.
                ambition = p.awards if t.awards and t.level in HIGH_LEVELS else 1.0
                if rng.random() > min(1.0, t.reach * growth * engagement * ambition):
                    continue
                grades = range(t.grades[0], t.grades[1] + 1) if t.grades else ()
                base = sum(enrolment[school.id][g] for g in grades)
                values = _counts(rng, t, base, t.awards, engagement * growth, p.awards)
                if knows_distinct[school.id] and values["participants"]:
                    seniors = sum(enrolment[school.id][g] for g in range(6, 12)) or 1
                    fresh_share = max(0.0, 1 - covered[school.id] / seniors)
                    fresh = round(values["participants"] * fresh_share * rng.uniform(0.7, 1))
                    values["distinct_children"] = min(values["participants"], fresh)
                    covered[school.id] += values["distinct_children"]
                db.session.add(Participation(event_id=event.id, school_id=school.id, **values))
                added_rows += 1

        for index, title, form, month, day, days, grades in SCHOOL_EVENTS:
            school = by_name.get(SCHOOLS[index][1])
            if school is None:
                continue
            start = _day(year, month, day)
            key = (normalize_title(title), start, L.SCHOOL)
            if key in existing:
                continue
            event = Event(
                title=title,
                level=L.SCHOOL,
                format_id=formats[form].id,
                start_date=start,
                end_date=start + timedelta(days=days - 1),
                organizer=school.short_name,
                grade_from=grades[0],
                grade_to=grades[1],
                status=Status.CONFIRMED,
                school_id=school.id,
            )
            db.session.add(event)
            added_events += 1
            existing.add(key)
            if start > today:
                continue
            db.session.flush()
            base = sum(enrolment[school.id][g] for g in range(grades[0], grades[1] + 1))
            values = _counts(rng, CATALOGUE[7], base * 6, awards=form == "contest")
            db.session.add(Participation(event_id=event.id, school_id=school.id, **values))
            added_rows += 1

    added_events += _proposals(current, schools, formats, existing, today)
    db.session.flush()
    return (
        f"Мероприятия: добавлено {added_events}, записей об участии — {added_rows} "
        f"({years[0]}/{years[0] + 1} — {years[-1]}/{years[-1] + 1} учебные годы)."
    )


def _proposals(year, schools, formats, existing, today) -> int:
    """Two coordinator proposals waiting for the department: a likely duplicate of the
    regional fair, from a school that did not record the fair itself (so the department
    can merge it), and a new municipal event (to confirm)."""
    if len(schools) < 6:
        return 0
    fair = next(t for t in CATALOGUE if t.form == "fair")
    fair_day = _day(year, fair.month, fair.day)
    fair_schools = set(
        db.session.scalars(
            select(Participation.school_id)
            .join(Event, Event.id == Participation.event_id)
            .where(
                Event.title_key == normalize_title(fair.title),
                Event.start_date == fair_day,
                Event.status == Status.CONFIRMED,
            )
        )
    )
    proposer = next((s for s in schools[3:] if s.id not in fair_schools), schools[3])
    items = [
        (proposer, fair.title, L.REGIONAL, "fair", fair_day, (9, 11)),
        (
            schools[5],
            "Профориентационная игра «Кем быть?» для 7-х классов",
            L.MUNICIPAL,
            "contest",
            _day(year, 11, 24),
            (7, 7),
        ),
    ]
    added = 0
    for school, title, level, form, start, grades in items:
        proposed = db.session.scalar(
            select(Event.id).where(
                Event.title_key == normalize_title(title),
                Event.start_date == start,
                Event.level == level,
                Event.status == Status.PROPOSED,
            )
        )
        if proposed:
            continue
        event = Event(
            title=title,
            level=level,
            format_id=formats[form].id,
            start_date=start,
            end_date=start,
            organizer=school.short_name if level == L.MUNICIPAL else "",
            grade_from=grades[0],
            grade_to=grades[1],
            status=Status.PROPOSED,
            school_id=school.id,
        )
        db.session.add(event)
        existing.add((normalize_title(title), start, level))
        added += 1
        if start <= today:
            db.session.flush()
            db.session.add(
                Participation(
                    event_id=event.id, school_id=school.id, participants=14, ovz=1, teachers=1
                )
            )
    return added
