"""Agreements in a real Chromium: near-duplicate warning while typing, a refused renamed
PNG, an agreement saved with its PDF scan, the scan downloaded, another school locked out."""

from datetime import timedelta

from playwright.sync_api import expect

from proforient.auth.models import Role
from proforient.core.timeutil import local_today
from tests.factories import make_school, make_user
from tests.support.agreements import PDF, PNG, make_partner
from tests.support.browser import login


def logout(page) -> None:
    page.get_by_role("button", name="Выйти").click()


def test_coordinator_uploads_and_downloads_a_scan(browser, live_server, page, screenshot):
    school = make_school("МКОУ СОШ № 3 с. Кочубеевское")
    make_user("coordinator", role=Role.SCHOOL, school=school)
    make_user("other", role=Role.SCHOOL, school=make_school("МКОУ СОШ № 9 с. Заветного"))
    partner = make_partner(
        "ГБПОУ «Невинномысский химико-технологический колледж»",
        short_name="НХТК",
        inn="2631004120",
    )
    today = local_today()

    login(page, "coordinator")
    # Typing a partner's name warns about the record that already exists.
    page.get_by_role("link", name="Партнёры").first.click()
    page.get_by_role("link", name="Добавить организацию").click()
    page.wait_for_url("**/partners/new")
    page.get_by_label("Полное наименование").fill("Невинномысский химико-технологический")
    warning = page.locator("#similar-partners")
    expect(warning).to_be_visible()
    expect(warning.get_by_role("link", name=partner.name)).to_be_visible()
    screenshot(page, "agreements-partner-duplicate-1280")

    page.get_by_role("link", name="Договоры").first.click()
    page.get_by_role("link", name="Добавить договор").click()
    page.get_by_label("Организация-партнёр").select_option(str(partner.id))
    page.get_by_label("Номер договора").fill("14/ПП")
    page.get_by_label("Дата заключения").fill((today - timedelta(days=20)).isoformat())
    page.get_by_label("Действует с").fill((today - timedelta(days=20)).isoformat())
    # «Бессрочно» disables the end date.
    page.get_by_label("Бессрочно").check()
    expect(page.get_by_label("Действует по")).to_be_disabled()
    page.get_by_label("Бессрочно").uncheck()
    page.get_by_label("Действует по").fill((today + timedelta(days=30)).isoformat())
    page.get_by_label("Предмет договора").fill("Профессиональные пробы, экскурсии")
    scan = page.get_by_label("Скан договора (PDF)")
    # Too big: refused in the page before a long upload (the server checks again).
    big = PDF + b"0" * (11 * 1024 * 1024)
    scan.set_input_files({"name": "большой.pdf", "mimeType": "application/pdf", "buffer": big})
    expect(page.locator("#scan-error")).to_have_text(
        "Файл слишком большой (11,0 МБ). Скан должен быть не больше 10 МБ."
    )
    expect(scan).to_have_value("")
    scan.set_input_files({"name": "скан.pdf", "mimeType": "application/pdf", "buffer": PNG})
    page.get_by_role("button", name="Сохранить").click()
    expect(
        page.get_by_text("Это не PDF-файл. Загрузите скан договора в формате PDF.")
    ).to_be_visible()
    expect(page.get_by_label("Номер договора")).to_have_value("14/ПП")
    screenshot(page, "agreements-form-refused-png-1280")

    page.get_by_label("Скан договора (PDF)").set_input_files(
        {"name": "Договор 14-ПП.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", name="Договор № 14/ПП")).to_be_visible()
    expect(page.locator('[data-status="expiring"]')).to_have_text("истекает")
    screenshot(page, "agreements-detail-1280")
    agreement_url = page.url

    with page.expect_download() as info:
        page.get_by_role("link", name="Скачать скан").click()
    download = info.value
    assert download.suggested_filename.startswith("Договор № 14-ПП от ")
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as fh:
        assert fh.read() == PDF

    # The home page's «истекают» panel lists it.
    page.goto("/")
    panel = page.locator(".agreements-panel")
    expect(panel.get_by_role("link", name="№ 14/ПП — НХТК")).to_be_visible()
    expect(panel).to_contain_text("осталось 30 дней")

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/agreements/")
    screenshot(page, "agreements-list-360")
    page.set_viewport_size({"width": 1280, "height": 800})
    logout(page)

    # Another school's coordinator: neither the agreement nor its scan.
    login(page, "other")
    page.goto(agreement_url)
    expect(page.get_by_role("heading", name="Страница не найдена")).to_be_visible()
    response = page.request.get(agreement_url + "/scan")
    assert response.status == 404
    page.goto("/agreements/")
    expect(page.get_by_text("14/ПП")).to_have_count(0)


def test_department_overview_flags_schools(browser, live_server, page, screenshot):
    make_user("methodist", role=Role.DEPARTMENT)
    with_agreement = make_school("МБОУ Лицей № 15 с. Кочубеевское")
    make_school("МКОУ ООШ № 14 п. Тоннельного")
    from tests.support.agreements import make_agreement

    make_agreement(with_agreement, make_partner(kind="vuz"), number="5-ВУЗ")
    login(page, "methodist")
    page.get_by_role("link", name="Договоры").first.click()
    page.get_by_role("link", name="Сводка по школам").click()
    row = page.locator("tr.no-agreements")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("МКОУ ООШ № 14 п. Тоннельного")
    expect(row).to_contain_text("нет договоров")
    screenshot(page, "agreements-overview-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    screenshot(page, "agreements-overview-360")
