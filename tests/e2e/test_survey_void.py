"""Undoing ballot stuffing in a real Chromium: the department sees coverage above 100 % on
the campaign page, finds the burst in the responses per day, opens the void page, reads
the count, gives a reason and confirms; the day's responses are gone and the warning
with them."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from proforient.auth.models import Role
from proforient.core.audit import AuditEvent
from proforient.extensions import db
from proforient.surveys.response_models import Response
from tests.factories import PASSWORD, make_school, make_user
from tests.support.survey_results import make_survey

pytestmark = pytest.mark.e2e


def responses_by_day() -> dict[date, int]:
    db.session.expire_all()
    rows = db.session.execute(
        select(Response.submitted_on, func.count()).group_by(Response.submitted_on)
    )
    return dict(rows.all())


def test_department_voids_a_burst_day(page, screenshot):
    make_user("methodist", role=Role.DEPARTMENT)
    school = make_school("МКОУ ООШ № 12 х. Малый", enrolment={g: 4 for g in range(1, 12)})
    survey = make_survey([school, make_school("МКОУ СОШ № 3 с. Кочубеевское")])
    survey.answer(school, grade=7, satisfaction=5, times=3, day=date(2026, 4, 6))
    survey.answer(school, grade=8, satisfaction=1, times=40, day=date(2026, 4, 8))
    survey.answer(school, grade=9, satisfaction=4, times=2, day=date(2026, 4, 9))

    page.goto("/login")
    page.get_by_label("Логин").fill("methodist")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.get_by_role("link", name="Анкетирование").first.click()
    page.get_by_role("link", name=survey.campaign.title).click()

    warning = page.get_by_role("region", name="Охват больше 100 %")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("МКОУ ООШ № 12 х. Малый, 8 класс")
    screenshot(page, "surveys-campaign-coverage-warning-1280")

    warning.get_by_role("link", name="в таблице «Ответы по дням»").click()
    expect(page).to_have_url(re.compile(r"#by-day$"))
    page.get_by_role("link", name="Аннулировать ответы за 08.04.2026").click()

    expect(page.get_by_role("heading", name="Аннулировать ответы за день")).to_be_visible()
    expect(page.locator("#void-count")).to_contain_text("Будет удалено 40 ответов")
    confirm = page.get_by_role("button", name="Аннулировать 40 ответов")
    confirm.click()  # without a reason: refused, nothing deleted
    expect(page.get_by_text("Укажите причину.")).to_be_visible()
    assert sum(responses_by_day().values()) == 45
    page.get_by_label("Причина").fill("Вброс: 40 ответов за несколько минут")
    screenshot(page, "surveys-void-confirm-1280")
    page.get_by_role("button", name="Аннулировать 40 ответов").click()

    expect(page.get_by_text("Аннулировано ответов: 40")).to_be_visible()
    expect(page.get_by_role("region", name="Охват больше 100 %")).to_have_count(0)
    screenshot(page, "surveys-campaign-after-void-1280")
    assert responses_by_day() == {date(2026, 4, 6): 3, date(2026, 4, 9): 2}
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "void_responses"))
    assert event.one().changes["reason"] == "Вброс: 40 ответов за несколько минут"
