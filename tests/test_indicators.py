"""The indicator set on crafted data: every school's row and the district's, None where
there is no data, last year beside the year, flags, and a fixed number of queries."""

from datetime import date
from pathlib import Path

import pytest

from proforient.core.timeutil import reporting_year
from proforient.extensions import db
from proforient.indicators import DEFINITIONS, GROUPS, Kind, district_history, indicator_table
from tests.factories import make_school
from tests.support.events import make_event, make_participation
from tests.support.queries import count_queries
from tests.support.reports import YEAR, build_district, per_grade


@pytest.fixture
def district():
    return build_district()


def test_thirteen_indicators_one_shape():
    assert sorted(GROUPS) == list(range(1, 14))
    assert {d.group for d in DEFINITIONS} == set(GROUPS)
    assert len({d.key for d in DEFINITIONS}) == len(DEFINITIONS)
    for d in DEFINITIONS:
        assert d.unit and d.label and d.source.label


def test_school_rows(district):
    table = indicator_table(YEAR)
    assert [r.school.id for r in table.rows] == [
        district.a.id,
        district.b.id,
        district.c.id,
        district.e.id,
    ]
    a = table.row(district.a.id)
    assert a["events"].value == 3
    assert a["participations"].value == 16
    assert (a["children"].value, a["children"].base) == (12, 60)
    assert a["children"].share == pytest.approx(0.2)
    assert (a["children_ovz"].value, a["children_ovz"].base) == (3, 16)
    assert (a["winners"].value, a["prizewinners"].value) == (1, 0)
    assert (a["teacher_events"].value, a["teachers_trained"].value) == (1, 3)
    assert (a["prof_trials"].value, a["prof_trial_students"].value) == (1, 4)
    assert a["showcase_events"].value == 1
    assert (a["programs"].value, a["innovation_sites"].value) == (2, 2)
    assert (a["minors_employed"].value, a["minors_employed_orphans"].value) == (10, 1)
    assert (a["agreements"].value, a["agreements_poo"].value) == (1, 1)
    assert (a["schools_with_agreement"].value, a["schools_with_agreement"].base) == (1, 1)
    assert (a["graduates_9"].value, a["graduates_9_continuing"].value) == (10, 10)
    assert a["graduates_9_spo"].share == pytest.approx(0.4)
    assert (a["graduates_11_vuz"].value, a["graduates_11_vuz"].share) == (5, 1.0)
    assert (a["graduates_orphans_continuing"].value, a["graduates_orphans_continuing"].base) == (
        1,
        1,
    )
    # Students: 6 responses of pupils in grades 7–9 (30 of them); 12 of 18 index answers
    # satisfied (the satisfaction question and the two matrix rows).
    assert (a["students_responses"].value, a["students_responses"].base) == (6, 30)
    assert a["students_satisfaction"].value == pytest.approx(12 / 18)
    assert a["students_satisfaction"].base == 6
    assert a["students_satisfaction"].value_text == "66,7\u00a0%"


def test_none_means_no_data_with_the_reason(district):
    table = indicator_table(YEAR)
    b, c, e = (table.row(s.id) for s in (district.b, district.c, district.e))
    # A draft form counts for nothing.
    assert b["programs"].value is None and b["programs"].note == "форма не отправлена"
    assert b["graduates_9"].value is None
    # Distinct children unknown: no zero.
    assert b["children"].value is None and b["children"].note == "не указано"
    # Three responses: under the minimum group.
    assert b["students_satisfaction"].value is None
    assert b["students_satisfaction"].note == "недостаточно ответов"
    assert b["students_responses"].value == 3
    # No participation, but the registry knows the year: a real zero.
    assert c["events"].value == 0 and c["participations"].value == 0
    # Not in any campaign of parents.
    assert e["parents_responses"].value is None
    assert e["parents_responses"].note == "не участвовала в анкетировании"
    assert c["students_satisfaction"].value == 0.0
    # A year the registry knows nothing about.
    before = indicator_table(2019).row(district.a.id)
    assert before["events"].value is None and before["events"].note == "нет данных реестра за год"


def test_district_is_the_sum_of_active_schools(district):
    table = indicator_table(YEAR)
    d = table.district
    rows = table.rows
    for defn in DEFINITIONS:
        if defn.kind != Kind.COUNT:
            continue
        values = [r[defn.key].value for r in rows if r[defn.key].value is not None]
        expected = sum(values) if values else None
        assert d[defn.key].value == expected, defn.key
        assert d[defn.key].reported == len(values), defn.key
    # The inactive school's 100 participants, agreement, form and answers are left out.
    assert d["participations"].value == 16 + 46
    assert d["minors_employed"].value == 10 + 4
    assert d["agreements"].value == 2
    # An event that several schools attended is one event for the district.
    assert d["events"].value == 4
    assert sum(r["events"].value for r in rows) == 7
    # Shares rest on the schools that gave a value.
    assert (d["children"].value, d["children"].base) == (12, 60)
    assert d["children"].coverage_text == "по 1 из 4 ОО"
    assert (d["schools_with_agreement"].value, d["schools_with_agreement"].base) == (2, 4)
    # Satisfaction sums answers over schools, the suppressed one included: 21 of 42.
    assert d["students_satisfaction"].value == pytest.approx(0.5)
    assert d["students_satisfaction"].base == 14
    assert (d["students_responses"].value, d["students_responses"].base) == (14, 30 + 60 + 3 + 30)


def test_last_year_and_the_change(district):
    table = indicator_table(YEAR)
    a = table.row(district.a.id)
    assert a["participations"].previous == 8 and a["participations"].change == 8
    assert a["participations"].change_text == "+8"
    assert a["programs"].previous == 1 and a["programs"].change_text == "+1"
    assert a["agreements"].previous == 1 and a["agreements"].change_text == "±0"
    assert (
        a["students_satisfaction"].previous is None and a["students_satisfaction"].change_text == ""
    )
    assert table.district["events"].previous == 1
    c = table.row(district.c.id)
    assert c["agreements"].previous == 0 and c["agreements"].trend == "up"
    assert c["agreements"].assessment == "good"


def test_flags(district):
    table = indicator_table(YEAR)
    flags = {r.name: {f.code for f in r.flags} for r in table.rows}
    assert flags[district.a.short_name] == set()
    assert flags[district.b.short_name] == {"no_agreement", "form_missing"}
    assert flags[district.c.short_name] == {"coverage_over"}
    assert flags[district.e.short_name] == {"no_agreement", "no_responses", "form_missing"}
    assert table.row(district.c.id)["students_responses"].share == pytest.approx(5 / 3)


def test_rankings_pool_audiences_and_skip_suppressed(district):
    table = indicator_table(YEAR)
    a, b, c = (table.row(s.id) for s in (district.a, district.b, district.c))
    assert a.combined_satisfaction() == pytest.approx(12 / 18)
    assert b.combined_satisfaction() is None  # suppressed
    assert c.combined_satisfaction() == 0.0
    assert c.combined_coverage() == pytest.approx(5 / 3)


def test_history_has_every_year_with_data(district):
    history, table = district_history(YEAR)
    assert history.years == [YEAR - 1, YEAR]
    assert table.year == YEAR
    series = history.values["participations"]
    assert (series[YEAR - 1].value, series[YEAR].value) == (8, 62)
    assert history.values["students_satisfaction"][YEAR - 1].value is None


def test_fixed_number_of_queries(district):
    db.session.expire_all()
    with count_queries() as small:
        indicator_table(YEAR)
    for i in range(12):
        school = make_school(f"МКОУ СОШ № {i + 20} с. Дальнее", enrolment=per_grade(5))
        event = make_event(title=f"Конкурс {i}", form="contest", start=date(2025, 12, 1))
        make_participation(event, school, participants=3)
    db.session.expire_all()
    with count_queries() as large:
        table = indicator_table(YEAR)
    assert len(table.rows) == 16
    assert len(small) == len(large) <= 15


def test_reporting_year_is_the_year_whose_monitoring_has_opened():
    assert reporting_year(date(2026, 12, 2)) == 2025
    assert reporting_year(date(2027, 3, 31)) == 2025
    assert reporting_year(date(2027, 4, 1)) == 2026
    assert reporting_year(date(2026, 8, 31)) == 2025


def test_docs_list_every_measure():
    docs = (Path(__file__).parent.parent / "docs" / "indicators.md").read_text()
    for d in DEFINITIONS:
        assert f"| {d.number} | {d.label} | {d.unit} | {d.source.value} |" in docs, d.number
