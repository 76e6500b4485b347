"""Survey results in a real Chromium: the department opens a campaign's results from the
campaign page, filters by school, reads the district overview; a coordinator on a phone
sees only their school."""

import re

import pytest
from playwright.sync_api import expect

from proforient.auth.models import Role
from proforient.extensions import db
from tests.factories import make_school, make_user
from tests.support.browser import login
from tests.support.survey_results import make_survey

pytestmark = pytest.mark.e2e


def fill(survey, school, other_school, small_school) -> None:
    for i in range(24):
        survey.answer(
            school,
            grade=7 + i % 3,
            single="Да" if i % 3 else "Нет",
            multiple=("Пробы", "Экскурсии") if i % 2 else ("Пробы",),
            other="Встречи с выпускниками" if i % 7 == 0 else None,
            satisfaction=5 - i % 4,
            matrix={"Рассказы": 5 - i % 3, "Консультации": 3 + i % 3},
            rating=1 + i % 5,
            text="Больше экскурсий на предприятия" if i % 4 == 0 else None,
            commit=False,
        )
    for i in range(9):
        survey.answer(
            other_school,
            grade=8,
            single="Нет",
            satisfaction=2 + i % 3,
            matrix={"Рассказы": 2, "Консультации": 3},
            rating=2,
            commit=False,
        )
    survey.answer(small_school, grade=9, single="Да", satisfaction=5, times=3, commit=False)
    db.session.commit()


def test_department_reads_results_and_overview(page, screenshot, school, other_school):
    small = make_school("МКОУ ООШ № 14 п. Тоннельного")
    make_user("methodist", role=Role.DEPARTMENT)
    survey = make_survey([school, other_school, small])
    fill(survey, school, other_school, small)

    login(page, "methodist")
    page.goto(f"/surveys/campaigns/{survey.campaign.id}")
    page.get_by_role("link", name="Результаты по вопросам").click()
    expect(page.get_by_role("heading", name="Результаты анкетирования")).to_be_visible()
    expect(page.get_by_text("n = 36 ответов")).to_be_visible()

    page.get_by_label("Школа").select_option(label=school.short_name)
    page.get_by_role("button", name="Показать").click()
    expect(page).to_have_url(re.compile(rf"school={school.id}"))
    expect(page.get_by_text("n = 24 ответа")).to_be_visible()
    expect(page.get_by_text("Встречи с выпускниками").first).to_be_visible()
    expect(page.locator(".bar-mark").first).to_be_attached()
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "survey-results-school-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    screenshot(page, "survey-results-school-360")
    # Nothing sticks out sideways on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0

    page.get_by_label("Школа").select_option(label=small.short_name)
    page.get_by_role("button", name="Показать").click()
    expect(page.locator(".figure-value.suppressed")).to_have_text("недостаточно ответов")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Сводка по школам").click()
    rows = page.locator("table.overview tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(2)).to_contain_text("недостаточно ответов")
    expect(page.locator("table.overview tfoot")).to_contain_text("36")
    screenshot(page, "survey-results-overview-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    screenshot(page, "survey-results-overview-360")


def test_coordinator_on_a_phone_sees_own_school(browser, live_server, school, other_school):
    make_user("coord", school=school)
    survey = make_survey([school, other_school])
    fill(survey, school, other_school, other_school)
    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        login(page, "coord")
        page.goto(f"/surveys/campaigns/{survey.campaign.id}/results")
        expect(page.get_by_text(school.short_name).first).to_be_visible()
        expect(page.get_by_label("Школа")).to_have_count(0)
        assert other_school.short_name not in page.content()
        response = page.goto(
            f"/surveys/campaigns/{survey.campaign.id}/results?school={other_school.id}"
        )
        assert response.status == 404
    finally:
        context.close()
