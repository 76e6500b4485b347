"""Printed summaries in a real Chromium: the department reads the dashboard, opens the
indicator table, downloads its XLSX, the district summary and the ZIP of all summaries; a
coordinator on a phone sees their school's cards and prints only their own summary."""

import io
import re
import zipfile

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from proforient.auth.models import Role
from proforient.core.timeutil import reporting_year
from tests.factories import make_user
from tests.support.browser import login
from tests.support.reports import YEAR, build_district, pdf_text

pytestmark = pytest.mark.e2e


def test_department_prints_the_year(page, screenshot):
    district = build_district()
    make_user("methodist", role=Role.DEPARTMENT)
    login(page, "methodist")

    page.goto("/")
    expect(page.get_by_role("heading", name=re.compile("Показатели округа"))).to_be_visible()
    if reporting_year() == YEAR:
        card = page.locator(".indicator-card", has_text="Участия")
        expect(card).to_contain_text("62")
        expect(card).to_contain_text("к 2024/2025")
    screenshot(page, "reports-dashboard-1280")

    page.get_by_role("navigation", name="Разделы").get_by_role("link", name="Отчёты").click()
    page.get_by_label("Учебный год").select_option(str(YEAR))
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_role("heading", name="Отчёты, 2025/2026 учебный год")).to_be_visible()
    page.get_by_role("link", name="Таблица показателей").click()
    table = page.locator("table.indicators")
    expect(table).to_contain_text("Итого по округу")
    expect(table).to_contain_text("<Гамма> & «Дельта»")
    expect(table.locator("tr", has_text="Альфа")).to_contain_text("66,7")
    screenshot(page, "reports-indicators-1280")

    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать XLSX").click()
    wb = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    names = [row[1] for row in wb["Показатели"].iter_rows(min_row=4, values_only=True)]
    assert names[-1] == "Итого по округу" and len(names) == 5

    district_pdf = page.request.get(f"/reports/district.pdf?year={YEAR}")
    assert district_pdf.ok
    assert "Итого по округу" in pdf_text(district_pdf.body())

    page.goto(f"/reports/?year={YEAR}")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("link", name="Все сводки одним архивом (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    assert len(archive.namelist()) == 6
    assert district.a.short_name in " ".join(archive.namelist())


def test_coordinator_on_a_phone(browser, live_server, screenshot):
    district = build_district()
    make_user("coord", role=Role.SCHOOL, school=district.a)
    context = browser.new_context(
        base_url=live_server, locale="ru-RU", viewport={"width": 360, "height": 780}
    )
    page = context.new_page()
    try:
        login(page, "coord")
        expect(page.get_by_role("heading", name=re.compile("Показатели школы"))).to_be_visible()
        screenshot(page, "reports-dashboard-360")
        page.goto(f"/reports/?year={YEAR}")
        screenshot(page, "reports-index-360")
        link = page.get_by_role("link", name="Сводка школы за 2025/2026 учебный год (PDF)")
        own = page.request.get(link.get_attribute("href"))
        assert own.ok and district.a.full_name in pdf_text(own.body())
        other = page.request.get(f"/reports/schools/{district.b.id}.pdf?year={YEAR}")
        assert other.status == 404
        assert page.request.get("/reports/indicators").status == 403
        # Nothing is cut off or scrolls sideways on the phone.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
    finally:
        context.close()
