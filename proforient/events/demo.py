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
from datetime import date, timedelta

from sqlalchemy import select, update

from proforient.core.text import search_key
from proforient.core.timeutil import current_academic_year, local_today, reporting_year
from proforient.events.demo_catalogue import CATALOGUE, HIGH_LEVELS, SCHOOL_EVENTS, Template
from proforient.events.models import Event, EventFormat, EventStatus, Participation, Project
from proforient.events.models import Level as L
from proforient.events.reference import ensure_reference_data
from proforient.extensions import db
from proforient.partners.demo import PARTNERS
from proforient.partners.models import Partner
from proforient.schools.demo import SCHOOLS, profile
from proforient.schools.models import School
from proforient.schools.services import enrolment_table


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
            key = (search_key(t.title), start, t.level)
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
                status=EventStatus.CONFIRMED,
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
            key = (search_key(title), start, L.SCHOOL)
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
                status=EventStatus.CONFIRMED,
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
    linked = _link_partners()
    return (
        f"Мероприятия: добавлено {added_events}, записей об участии — {added_rows} "
        f"({years[0]}/{years[0] + 1} — {years[-1]}/{years[-1] + 1} учебные годы), "
        f"связано с организациями-партнёрами — {linked}."
    )


# Organisers of demo events that are demo partners under another name.
ORGANISER_PARTNERS = {
    "Центр занятости населения Кочубеевского округа": PARTNERS["czn"][0],
}


def _link_partners() -> int:
    """Name the partner on events it organised, where the organiser is a partner's name
    (one UPDATE per organiser)."""
    partner_ids = {name: pid for pid, name in db.session.execute(select(Partner.id, Partner.name))}
    organisers = db.session.scalars(
        select(Event.organizer).where(Event.partner_id.is_(None)).distinct()
    )
    linked = 0
    for organiser in list(organisers):
        partner_id = partner_ids.get(ORGANISER_PARTNERS.get(organiser, organiser))
        if partner_id is not None:
            linked += db.session.execute(
                update(Event)
                .where(Event.organizer == organiser, Event.partner_id.is_(None))
                .values(partner_id=partner_id)
                .execution_options(synchronize_session=False)
            ).rowcount
    return linked


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
                Event.title_key == search_key(fair.title),
                Event.start_date == fair_day,
                Event.status == EventStatus.CONFIRMED,
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
                Event.title_key == search_key(title),
                Event.start_date == start,
                Event.level == level,
                Event.status == EventStatus.PROPOSED,
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
            status=EventStatus.PROPOSED,
            school_id=school.id,
        )
        db.session.add(event)
        existing.add((search_key(title), start, level))
        added += 1
        if start <= today:
            db.session.flush()
            db.session.add(
                Participation(
                    event_id=event.id, school_id=school.id, participants=14, ovz=1, teachers=1
                )
            )
    return added
