"""The concept's report in a real Chromium: the department downloads the template, fills
three past years, uploads it, sees it checked and saved, opens the concept page and prints
the report."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from proforient.auth.models import Role
from tests.factories import PASSWORD, make_school, make_user
from tests.support.reports import pdf_text

pytestmark = pytest.mark.e2e


def test_department_imports_past_years_and_prints_the_concept(page, screenshot, tmp_path):
    alpha = make_school("МКОУ СОШ № 1 с. Альфа")
    make_school("МКОУ СОШ № 2 с. Бета")
    make_user("methodist", role=Role.DEPARTMENT)
    page.goto("/login")
    page.get_by_label("Логин").fill("methodist")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()

    page.goto("/reports/")
    page.get_by_role("link", name="Данные прошлых лет").click()
    page.get_by_label("Учебный год").select_option("2021")
    page.get_by_role("button", name="Показать").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачайте шаблон за 2021/2022").click()
    wb = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    ws = wb["Показатели"]
    codes = [str(c.value).split(". ")[0] for c in ws[1]]
    names = [ws.cell(row=r, column=2).value for r in range(2, ws.max_row + 1)]
    ws.delete_rows(2, ws.max_row)
    for year, participations in ((2021, 100), (2022, 140), (2023, 180)):
        for n, name in enumerate(names):
            row = [None] * len(codes)
            row[1], row[2] = name, f"{year}/{year + 1}"
            row[codes.index("4.1")] = participations + n
            row[codes.index("8.1")] = 30
            row[codes.index("8.2")] = 60 + year - 2021
            ws.append(row)
    path = tmp_path / "прошлые годы.xlsx"
    wb.save(path)

    page.get_by_label("Файл XLSX").set_input_files(path)
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.get_by_role("heading", name="Проверено: ошибок нет")).to_be_visible()
    screenshot(page, "history-checked-1280")
    page.get_by_role("button", name=re.compile("Сохранить 18 значений")).click()
    expect(page.locator(".flash-success")).to_contain_text("Загружено значений: 18")

    page.goto("/reports/concept/")
    expect(page.get_by_role("heading", name=re.compile("Итоги концепции"))).to_be_visible()
    table = page.locator("table.concept").first
    expect(table.locator("tr", has_text="Участия обучающихся")).to_contain_text("201")
    screenshot(page, "concept-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "concept-360")

    report = page.request.get("/reports/concept/report.pdf")
    assert report.ok
    body = pdf_text(report.body())
    assert re.search(r"Участия обучающихся в мероприятиях\s+участий\s+201\*\s+281\*", body)
    assert alpha.short_name not in body  # a district report: schools are summed
