"""The event registry in a real Chromium: add an event, record participation, see totals."""

import re

import pytest
from playwright.sync_api import expect

from proforient.auth.models import Role
from tests.factories import make_school, make_user
from tests.support.browser import login
from tests.support.events import seed_reference


@pytest.fixture(autouse=True)
def _reference(app):
    seed_reference()


def test_department_adds_event_and_participation(browser, live_server, page, screenshot):
    make_user("methodist", role=Role.DEPARTMENT)
    school = make_school("МКОУ СОШ № 3 с. Кочубеевское")
    coordinator_school = make_school("МКОУ СОШ № 9 с. Заветного")
    make_user("coordinator", role=Role.SCHOOL, school=coordinator_school)

    login(page, "methodist")
    page.get_by_role("link", name="Мероприятия").first.click()
    page.get_by_role("link", name="Добавить мероприятие").click()
    page.get_by_label("Название").fill("Ярмарка профессий «Образование и карьера»")
    page.get_by_label("Уровень").select_option(label="региональный")
    page.get_by_label("Форма").select_option(label="Ярмарка профессий")
    page.get_by_label("Проект").select_option(label="«Билет в будущее»")
    page.get_by_label("Дата начала").fill("2026-10-22")
    page.get_by_label("Дата окончания").fill("2026-10-21")
    page.get_by_label("Организатор").fill("Министерство образования Ставропольского края")
    page.get_by_label("с класса").select_option("9")
    page.get_by_label("по класс").select_option("11")
    page.get_by_role("button", name="Сохранить").click()
    # A wrong date is refused beside the field; what was typed stays.
    expect(page.get_by_text("Дата окончания раньше даты начала.")).to_be_visible()
    expect(page.get_by_label("Название")).to_have_value("Ярмарка профессий «Образование и карьера»")
    page.get_by_label("Дата окончания").fill("2026-10-23")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Мероприятие добавлено в реестр.")).to_be_visible()
    expect(page.get_by_text("22.10.2026 — 23.10.2026 (2026/2027 учебный год)")).to_be_visible()
    event_url = page.url

    page.get_by_role("link", name="Добавить участие школы").click()
    page.get_by_label("Школа").select_option(label=school.short_name)
    page.get_by_label("Участников (обучающихся)").fill("12")
    page.get_by_label("из них с ОВЗ").fill("13")
    page.get_by_label("Победителей").fill("1")
    page.get_by_role("button", name="Сохранить").click()
    expect(
        page.get_by_text("Детей с ОВЗ не может быть больше, чем участников (12).")
    ).to_be_visible()
    expect(page.get_by_label("Участников (обучающихся)")).to_have_value("12")
    screenshot(page, "events-participation-error")
    page.get_by_label("из них с ОВЗ").fill("2")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Участие отмечено.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(school.short_name))
    expect(row).to_contain_text("12")
    screenshot(page, "events-detail")

    # The district list shows the event with its totals.
    page.get_by_role("link", name="Мероприятия").first.click()
    page.get_by_label("Учебный год").select_option("2026")
    page.get_by_role("button", name="Показать").click()
    foot = page.locator("tfoot")
    expect(foot).to_contain_text("Итого: 1 мероприятие")
    expect(foot.locator("td.num").nth(1)).to_have_text("12")
    expect(foot.locator("td.num").nth(2)).to_have_text("2")
    screenshot(page, "events-list")

    # A coordinator on a phone records their school in the same event.
    phone = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740})
    mobile = phone.new_page()
    login(mobile, "coordinator")
    mobile.goto(event_url)
    mobile.get_by_role("link", name="Отметить участие школы").click()
    mobile.get_by_label("Участников (обучающихся)").fill("7")
    mobile.get_by_label("Призёров").fill("2")
    mobile.get_by_role("button", name="Сохранить").click()
    expect(mobile.get_by_text("Участие отмечено.")).to_be_visible()
    expect(
        mobile.get_by_role("row", name=re.compile(coordinator_school.short_name))
    ).to_be_visible()
    expect(mobile.get_by_text(school.short_name)).to_have_count(0)
    screenshot(mobile, "events-detail-mobile")
    phone.close()
