"""A newcomer's path through the foundation, in a real Chromium."""

import re

from playwright.sync_api import expect

from proforient.auth.models import Role
from tests.factories import PASSWORD, make_school, make_user


def test_department_creates_school_and_coordinator_is_confined(
    browser, live_server, page, screenshot
):
    make_user("admin", role=Role.DEPARTMENT, password="admin-demo", full_name="Иванова М. С.")
    other = make_school("МКОУ СОШ № 9 с. Заветного")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    page.get_by_label("Логин").fill("admin")
    page.get_by_label("Пароль").fill("admin-demo")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name="Отдел образования")).to_be_visible()

    page.get_by_role("link", name="Школы").first.click()
    page.get_by_role("link", name="Добавить школу").click()
    page.get_by_label("Полное наименование").fill(
        "Муниципальное казённое общеобразовательное учреждение «СОШ № 17» х. Дубовского"
    )
    page.get_by_label("Краткое наименование").fill("МКОУ СОШ № 17 х. Дубовского")
    page.get_by_label("Населённый пункт").fill("х. Дубовский")
    page.get_by_label("9 класс").fill("-1")
    page.get_by_role("button", name="Сохранить").click()
    # A bad count is refused beside the field, and what was typed stays.
    expect(page.get_by_text("От 0 до 2000.")).to_be_visible()
    expect(page.get_by_label("Краткое наименование")).to_have_value("МКОУ СОШ № 17 х. Дубовского")
    screenshot(page, "foundation-school-form-error")
    page.get_by_label("9 класс").fill("23")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Школа «МКОУ СОШ № 17 х. Дубовского» добавлена.")).to_be_visible()
    school_url = page.url

    page.get_by_role("link", name="Добавить ответственного").click()
    page.get_by_label("Логин").fill("dubovsky")
    page.get_by_label("ФИО").fill("Сергеева Анна Ивановна")
    page.get_by_role("button", name="Сохранить").click()
    password = page.get_by_test_id("one-time-password").inner_text()
    screenshot(page, "foundation-user-created")

    # The coordinator signs in from another browser.
    other_context = browser.new_context(
        base_url=live_server, viewport={"width": 360, "height": 740}
    )
    coordinator = other_context.new_page()
    coordinator.goto("/login")
    coordinator.get_by_label("Логин").fill("dubovsky")
    coordinator.get_by_label("Пароль").fill(password)
    coordinator.get_by_role("button", name="Войти").click()
    expect(coordinator).to_have_url(re.compile(r"/password$"))
    coordinator.get_by_label("Текущий пароль").fill(password)
    coordinator.get_by_label("Новый пароль", exact=True).fill(PASSWORD)
    coordinator.get_by_label("Новый пароль ещё раз").fill(PASSWORD)
    coordinator.get_by_role("button", name="Сменить пароль").click()
    expect(coordinator.get_by_role("heading", name="МКОУ СОШ № 17 х. Дубовского")).to_be_visible()
    screenshot(coordinator, "foundation-coordinator-home-360")

    assert coordinator.goto(live_server + "/schools/").status == 403
    expect(coordinator.get_by_role("heading", name="Доступ запрещён")).to_be_visible()
    assert coordinator.goto(f"{live_server}/schools/{other.id}").status == 404
    assert coordinator.goto(school_url).status == 200
    other_context.close()

    page.goto("/schools/")
    screenshot(page, "foundation-school-list")
    expect(page.get_by_role("link", name="МКОУ СОШ № 17 х. Дубовского")).to_be_visible()
