"""Seeing and undoing ballot stuffing: warnings where coverage passes 100 %, responses per
school per day, voiding a school's responses of one day."""

from datetime import date

import pytest
from sqlalchemy import func, select

from proforient.auth.models import Role
from proforient.core.audit import AuditEvent
from proforient.extensions import db
from proforient.surveys import integrity
from proforient.surveys.aggregates import response_counts
from proforient.surveys.response_models import Answer, AnswerText, Response
from proforient.surveys.spec import build_spec
from proforient.surveys.tallies import differences
from tests.factories import make_school, make_user
from tests.support.survey_results import make_survey


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- Coverage above 100 % -------------------------------------------------------------------


@pytest.fixture
def stuffed(school, other_school):
    """A survey (grades 7–9) where `school` (2 students a grade) answered 7 times in grade
    7 and `other_school` (20 a grade) answered 20 times in grade 8: exactly 100 %."""
    small = make_school("МКОУ ООШ № 12 х. Малый", enrolment={g: 2 for g in range(1, 12)})
    survey = make_survey([small, other_school])
    survey.answer(small, grade=7, satisfaction=5, times=7)
    survey.answer(other_school, grade=8, satisfaction=4, times=20)
    return survey, small


def test_coverage_alerts_name_schools_and_grades_above_100(stuffed, other_school):
    survey, small = stuffed
    spec = build_spec(survey.questionnaire.id)
    schools = [small, other_school]
    alerts = integrity.coverage_alerts(survey.campaign, spec, schools)
    assert [(a.school_id, a.grade, a.responses, a.enrolment) for a in alerts] == [
        (small.id, None, 7, 6),
        (small.id, 7, 7, 2),
    ]
    assert alerts[1].rate == pytest.approx(3.5)
    by_grade = integrity.coverage_alerts(survey.campaign, spec, schools, grade=8)
    assert by_grade == []
    one = integrity.coverage_alerts(survey.campaign, spec, schools, school_id=other_school.id)
    assert one == []


def test_no_enrolment_on_record_is_flagged_too(other_school):
    empty = make_school("МКОУ СОШ № 40", enrolment={1: 0})
    survey = make_survey([empty])
    survey.answer(empty, grade=9, times=1)
    alerts = integrity.coverage_alerts(
        survey.campaign, build_spec(survey.questionnaire.id), [empty], grade=9
    )
    assert [(a.grade, a.responses, a.enrolment, a.rate) for a in alerts] == [(9, 1, 0, None)]


WARNING = "Охват больше 100 %"


def test_department_sees_the_warning_on_every_page(department_client, stuffed):
    survey, small = stuffed
    base = f"/surveys/campaigns/{survey.campaign.id}"
    pages = {
        "campaign": base,
        "results": f"{base}/results",
        "school results": f"{base}/results?school={small.id}",
        "grade results": f"{base}/results?grade=7",
        "overview": f"{base}/results/schools",
        "overview by grade": f"{base}/results/schools?grade=7",
    }
    for name, page in pages.items():
        html = department_client.get(page).get_data(as_text=True)
        assert WARNING in html, name
        assert "МКОУ ООШ № 12 х. Малый, 7 класс" in html, name
        assert "охват 350,0\u00a0% — 7 ответов при 2 обучающихся" in html, name
    school_page = department_client.get(f"{base}/results?school={small.id}").get_data(as_text=True)
    assert "охват 116,7\u00a0% — 7 ответов при 6 обучающихся" in school_page
    overview = department_client.get(pages["overview"]).get_data(as_text=True)
    # The small school's row is marked, the other's (exactly 100 %) is not.
    assert overview.count('<span class="badge badge-bad">больше 100 %</span>') == 1
    # A page of a group within 100 % says nothing.
    calm = department_client.get(f"{base}/results?grade=8").get_data(as_text=True)
    assert WARNING not in calm


def test_an_honest_campaign_shows_no_warning(department_client, other_school):
    survey = make_survey([other_school])
    survey.answer(other_school, grade=8, times=20)  # exactly 100 % of grade 8
    base = f"/surveys/campaigns/{survey.campaign.id}"
    for page in (base, f"{base}/results", f"{base}/results/schools"):
        assert WARNING not in department_client.get(page).get_data(as_text=True)


def test_coordinators_do_not_get_the_department_tools(client, auth, stuffed):
    survey, small = stuffed
    auth.login(make_user("small", role=Role.SCHOOL, school=small))
    html = client.get(f"/surveys/campaigns/{survey.campaign.id}").get_data(as_text=True)
    assert WARNING not in html and "Ответы по дням" not in html
    assert "/void" not in html


# --- Responses per day ----------------------------------------------------------------------


@pytest.fixture
def burst(school, other_school):
    survey = make_survey([school, other_school])
    survey.answer(school, grade=7, satisfaction=5, text="Хорошо", times=3, day=date(2026, 4, 6))
    survey.answer(school, grade=8, satisfaction=1, text="Вброс", times=70, day=date(2026, 4, 8))
    survey.answer(school, grade=9, satisfaction=4, times=2, day=date(2026, 4, 9))
    survey.answer(other_school, grade=7, satisfaction=4, times=5, day=date(2026, 4, 8))
    return survey


def test_daily_counts_per_school(burst, school, other_school):
    daily = integrity.daily_counts(burst.campaign, [(school, 60), (other_school, 60)])
    assert daily.days == [date(2026, 4, d) for d in (6, 7, 8, 9)]
    rows = {r.school.id: r for r in daily.rows}
    assert rows[school.id].by_day == {
        date(2026, 4, 6): 3,
        date(2026, 4, 8): 70,
        date(2026, 4, 9): 2,
    }
    assert rows[school.id].peak == (date(2026, 4, 8), 70)
    assert rows[school.id].over(date(2026, 4, 8)) and not rows[school.id].over(date(2026, 4, 6))
    assert rows[other_school.id].total == 5
    assert daily.top == 70


def test_campaign_page_shows_the_burst(department_client, burst, school):
    html = department_client.get(f"/surveys/campaigns/{burst.campaign.id}").get_data(as_text=True)
    assert 'id="by-day"' in html and "Ответы по дням" in html
    assert "70 · 08.04.2026" in html
    assert 'title="08.04.2026: 70"' in html
    void = f"/surveys/campaigns/{burst.campaign.id}/schools/{school.id}/days/2026-04-08/void"
    assert void in html


# --- Voiding a day --------------------------------------------------------------------------


def void_url(survey, school, day="2026-04-08") -> str:
    return f"/surveys/campaigns/{survey.campaign.id}/schools/{school.id}/days/{day}/void"


def test_void_shows_the_count_then_deletes_rebuilds_and_audits(
    department_client, burst, school, other_school
):
    page = department_client.get(void_url(burst, school))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Будет удалено <strong>70 ответов</strong>" in html
    assert count(Response) == 80  # nothing happens on GET
    response = department_client.post(
        void_url(burst, school), data={"reason": "Вброс с одного компьютера", "expected": "70"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/surveys/campaigns/{burst.campaign.id}#by-day")
    left = db.session.execute(
        select(Response.school_id, Response.submitted_on, func.count())
        .group_by(Response.school_id, Response.submitted_on)
        .order_by(Response.school_id, Response.submitted_on)
    ).all()
    assert left == [
        (school.id, date(2026, 4, 6), 3),
        (school.id, date(2026, 4, 9), 2),
        (other_school.id, date(2026, 4, 8), 5),
    ]
    # Answers and texts went with their responses; the tallies match what is left.
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Answer)
            .where(~Answer.response_id.in_(select(Response.id)))
        )
        == 0
    )
    assert db.session.scalars(select(AnswerText.text)).all() == ["Хорошо"] * 3
    assert differences(burst.campaign.id) == []
    assert response_counts(burst.campaign.id).n(school.id) == 5
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "void_responses")
    ).one()
    assert event.object_type == "Campaign" and event.object_id == burst.campaign.id
    assert event.user.login == "methodist"
    assert event.changes == {
        "school_id": school.id,
        "school": school.short_name,
        "day": "2026-04-08",
        "responses": 70,
        "reason": "Вброс с одного компьютера",
    }
    followed = department_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Аннулировано ответов: 70" in followed
    results = department_client.get(f"/surveys/campaigns/{burst.campaign.id}/results")
    assert "Вброс" not in results.get_data(as_text=True)


def test_void_asks_again_when_the_count_changed(department_client, burst, school):
    response = department_client.post(
        void_url(burst, school), data={"reason": "Вброс", "expected": "60"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "число ответов за день изменилось: теперь их 70" in html
    assert 'name="expected" type="hidden" value="70"' in html
    assert 'value="Вброс"' in html
    assert count(Response) == 80


def test_void_needs_a_reason(department_client, burst, school):
    html = department_client.post(
        void_url(burst, school), data={"reason": " ", "expected": "70"}
    ).get_data(as_text=True)
    assert "Укажите причину." in html
    assert count(Response) == 80


def test_a_day_without_responses_has_nothing_to_void(department_client, burst, school):
    html = department_client.get(void_url(burst, school, "2026-04-07")).get_data(as_text=True)
    assert "ответов нет" in html and "<form" not in html.split("<main")[1]
    response = department_client.post(
        void_url(burst, school, "2026-04-07"), data={"reason": "x", "expected": "0"}
    )
    assert response.status_code == 200
    assert count(Response) == 80


def test_void_is_404_for_a_bad_day_or_a_school_outside_the_campaign(department_client, burst):
    outsider = make_school("МКОУ СОШ № 77")
    assert department_client.get(void_url(burst, outsider)).status_code == 404
    school_id = burst.campaign.links[0].school_id
    base = f"/surveys/campaigns/{burst.campaign.id}/schools/{school_id}/days"
    for day in ("x", "2026-13-01", "2026-04-31"):
        assert department_client.get(f"{base}/{day}/void").status_code == 404


def test_coordinators_cannot_void(client, auth, burst, school):
    auth.login(make_user("coord", role=Role.SCHOOL, school=school))
    assert client.get(void_url(burst, school)).status_code == 403
    response = client.post(void_url(burst, school), data={"reason": "x", "expected": "70"})
    assert response.status_code == 403
    assert count(Response) == 80


def test_void_page_of_a_code_campaign_says_codes_stay_used(department_client, school):
    survey = make_survey([school], uses_codes=True)
    survey.answer(school, grade=7, times=2, day=date(2026, 4, 8))
    html = department_client.get(void_url(survey, school)).get_data(as_text=True)
    assert "Будет удалено <strong>2 ответа</strong>" in html
    assert "останутся использованными" in html
