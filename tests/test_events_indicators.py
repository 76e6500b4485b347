"""The indicators service on crafted data, its query count, and the demo data."""

from datetime import date

import pytest
from sqlalchemy import func, select

from proforient.core.timeutil import current_academic_year
from proforient.events import breakdown, demo, indicators, queries
from proforient.events.models import Event, Level, Participation
from proforient.events.models import EventStatus as Status
from proforient.events.reference import format_by_code
from proforient.extensions import db
from proforient.schools.models import School
from tests.factories import make_school
from tests.support.events import make_event, make_participation, seed_reference
from tests.support.queries import count_queries


@pytest.fixture(autouse=True)
def _reference(app):
    seed_reference()


def enrolment(per_grade: int) -> dict[int, int]:
    return {g: per_grade for g in range(1, 12)}


@pytest.fixture
def district():
    """Two schools, a year of varied events, and noise in the neighbouring years."""
    a = make_school("МКОУ СОШ № 1", enrolment=enrolment(10))  # 60 students in grades 6–11
    b = make_school("МКОУ СОШ № 2", enrolment=enrolment(20))  # 120
    fair = make_event(start=date(2026, 10, 22))  # regional fair (showcase)
    open_day = make_event(
        title="День открытых дверей",
        level=Level.MUNICIPAL,
        form="open_day",
        start=date(2027, 3, 20),
    )
    trial = make_event(title="Проба «Повар»", form="prof_trial", start=date(2026, 11, 5))
    seminar = make_event(
        title="Семинар", level=Level.MUNICIPAL, form="teacher_seminar", start=date(2027, 1, 20)
    )
    contest = make_event(
        title="Всероссийский конкурс",
        level=Level.FEDERAL,
        form="contest",
        start=date(2027, 4, 1),
    )
    proposal = make_event(
        title="Квест",
        level=Level.MUNICIPAL,
        form="contest",
        start=date(2026, 12, 1),
        status=Status.PROPOSED,
        school_id=a.id,
    )
    make_event(title="Никто не пошёл", form="forum", start=date(2026, 11, 20))
    before = make_event(title="Прошлый год", form="fair", start=date(2026, 8, 31))
    after = make_event(title="Следующий год", form="fair", start=date(2027, 9, 1))

    make_participation(
        fair, a, participants=12, ovz=2, disabled=1, winners=1, teachers=1, distinct_children=12
    )
    make_participation(fair, b, participants=30, ovz=1, teachers=2)
    make_participation(open_day, a, participants=5, distinct_children=2)
    make_participation(trial, a, participants=4, ovz=1, distinct_children=0)
    make_participation(trial, b, participants=6)
    make_participation(seminar, a, participants=0, teachers=3)
    make_participation(seminar, b, participants=0, teachers=2)
    make_participation(contest, b, participants=10, winners=2, prizewinners=3, disabled=1)
    make_participation(proposal, a, participants=7)
    make_participation(before, a, participants=100)
    make_participation(after, b, participants=100)
    return {"a": a, "b": b, "fair": fair, "contest": contest, "trial": trial}


def test_school_indicators(district):
    a = district["a"]
    ind = breakdown.participation_breakdown(2026, a.id)
    fair_id = format_by_code("fair").id
    assert ind.year == 2026 and ind.school_id == a.id
    # Indicator 3: events by level × form (each attended event once).
    assert ind.events_total == 5
    assert ind.events_by_level == {Level.REGIONAL: 2, Level.MUNICIPAL: 3}
    assert ind.events_by_level_form[(Level.REGIONAL, fair_id)] == 1
    assert ind.format_codes[fair_id] == "fair"
    assert ind.proposed_events == 1
    # Indicator 4: participations, children, ОВЗ, инвалиды, the base and shares.
    assert ind.total.participations == 5
    assert ind.total.participants == 12 + 5 + 4 + 0 + 7
    assert (ind.total.ovz, ind.total.disabled) == (3, 1)
    assert ind.distinct_children == 14
    assert ind.distinct_known_participants == 12 + 5 + 4
    assert ind.enrolment_6_11 == 60
    assert ind.participation_share == pytest.approx(28 / 60)
    assert ind.distinct_share == pytest.approx(14 / 60)
    # Indicator 5: winners by level and by event.
    assert (ind.total.winners, ind.total.prizewinners) == (1, 0)
    assert ind.by_level[Level.REGIONAL].winners == 1
    assert [(w.title, w.winners) for w in ind.winner_events] == [(district["fair"].title, 1)]
    # Indicators 6, 11, 12.
    assert (ind.teacher_events, ind.teachers_trained) == (1, 3)
    assert (ind.prof_trials, ind.prof_trial_students) == (1, 4)
    assert [(t.title, t.participants, t.ovz) for t in ind.trial_events] == [("Проба «Повар»", 4, 1)]
    assert ind.showcase_events == 2
    assert ind.teachers_total == 4
    assert list(ind.by_level) == list(Level.codes())  # every level, in order
    assert ind.by_level[Level.INTERNATIONAL].participants == 0


def test_district_indicators(district):
    ind = breakdown.participation_breakdown(2026)
    assert ind.school_id is None
    assert ind.events_total == 6  # the forum nobody attended is not counted
    assert ind.events_by_level == {Level.REGIONAL: 2, Level.MUNICIPAL: 3, Level.FEDERAL: 1}
    assert ind.total.participations == 9
    assert ind.total.participants == 12 + 30 + 5 + 4 + 6 + 10 + 7
    assert (ind.total.ovz, ind.total.disabled) == (4, 2)
    assert (ind.total.winners, ind.total.prizewinners) == (3, 3)
    assert ind.by_level[Level.FEDERAL].prizewinners == 3
    assert [w.event_id for w in ind.winner_events] == [district["fair"].id, district["contest"].id]
    assert (ind.prof_trials, ind.prof_trial_students) == (1, 10)
    assert (ind.teacher_events, ind.teachers_trained) == (1, 5)
    assert ind.showcase_events == 2
    assert ind.enrolment_6_11 == 180
    assert ind.distinct_children == 14  # only school A knows it


def test_empty_year_and_unknown_distinct(district):
    ind = breakdown.participation_breakdown(2019)
    assert ind.events_total == 0 and ind.total.participants == 0
    assert ind.distinct_children is None and ind.distinct_share is None
    b = breakdown.participation_breakdown(2026, district["b"].id)
    assert b.distinct_children is None  # school B never says


def test_indicators_use_a_fixed_number_of_queries(district):
    a_id = district["a"].id
    db.session.expire_all()
    with count_queries() as small:
        breakdown.participation_breakdown(2026, a_id)
    # Ten times more events and schools: still the same number of queries.
    schools = [make_school(enrolment=enrolment(5)) for _ in range(10)]
    for i in range(40):
        e = make_event(title=f"Мероприятие {i}", form="contest", start=date(2026, 10, 1))
        for s in schools:
            make_participation(e, s, participants=3, winners=1)
        make_participation(e, district["a"], participants=2, prizewinners=1)
    db.session.expire_all()
    with count_queries() as large:
        result = breakdown.participation_breakdown(2026, a_id)
    assert len(small) == len(large) == 6
    assert len(result.winner_events) == 41
    with count_queries() as district_queries:
        breakdown.participation_breakdown(2026)
    assert len(district_queries) == 6


def test_school_year_figures(district):
    table = indicators.school_year_figures([2025, 2026])
    a, b = table[(2026, district["a"].id)], table[(2026, district["b"].id)]
    assert (a.events, a.participants, a.ovz, a.winners) == (5, 28, 3, 1)
    assert (a.prof_trials, a.prof_trial_students, a.teachers_trained) == (1, 4, 3)
    assert a.distinct_children == 14 and b.distinct_children is None
    assert (b.events, b.winners, b.prizewinners, b.showcase_events) == (4, 2, 3, 1)
    assert table[(2025, district["a"].id)].participants == 100
    assert (2025, district["b"].id) not in table
    with count_queries() as queries:
        indicators.school_year_figures([2025, 2026])
    assert len(queries) == 1


def test_district_event_counts_count_each_event_once(district):
    counts = indicators.district_event_counts([2019, 2025, 2026])
    assert 2019 not in counts  # nothing recorded: unknown, not zero
    c = counts[2026]
    assert (c.events, c.prof_trials, c.teacher_events, c.showcase_events) == (6, 1, 1, 2)
    assert counts[2025].events == 1


def test_inactive_schools_are_left_out_of_the_district(district):
    district["b"].active = False
    db.session.commit()
    ind = breakdown.participation_breakdown(2026)
    assert ind.total.participants == 12 + 5 + 4 + 7
    assert ind.enrolment_6_11 == 60
    assert (2026, district["b"].id) not in indicators.school_year_figures([2026])
    assert indicators.district_event_counts([2026])[2026].events == 5


def test_demo_data_is_believable_and_idempotent(demo_district):
    first = demo_district.line("Мероприятия:")  # what the session's one load printed
    assert "добавлено 0" not in first
    assert "добавлено 0, записей об участии — 0" in demo.load()
    db.session.commit()

    year = current_academic_year()
    schools = db.session.scalar(select(func.count(School.id)))
    for y in (year - 2, year - 1, year):
        participating = db.session.scalar(
            select(func.count(func.distinct(Participation.school_id)))
            .join(Event, Event.id == Participation.event_id)
            .where(Event.academic_year == y)
        )
        assert participating >= schools * 0.75, y
        levels = set(
            db.session.scalars(select(Event.level).where(Event.academic_year == y).distinct())
        )
        assert {Level.FEDERAL, Level.REGIONAL, Level.MUNICIPAL, Level.SCHOOL} <= levels
    full = breakdown.participation_breakdown(year - 1)
    assert full.events_total >= 25
    assert full.prof_trials and full.teacher_events and full.showcase_events >= 4
    assert full.total.winners > 0 and full.total.ovz > 0 and full.distinct_children
    projects = db.session.scalar(
        select(func.count(func.distinct(Event.project_id))).where(Event.academic_year == year - 1)
    )
    assert projects >= 6
    assert queries.pending_proposals_count() == 2
    # The previous year is complete; the current one has events still to come.
    assert breakdown.participation_breakdown(year - 2).total.participants < full.total.participants
