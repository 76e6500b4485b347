"""Printed summaries over HTTP: the school and district PDFs, the indicator table and its
XLSX, the ZIP of every summary, the CLI, the dashboard — and that they all agree."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from proforient.auth.models import Role
from proforient.extensions import db
from proforient.indicators import DEFINITIONS, Kind, indicator_table
from proforient.reports.bundle import stream_zip
from proforient.reports.xlsx import columns
from proforient.surveys.models import CampaignSchool
from proforient.surveys.tokens import new_token
from tests.factories import make_user
from tests.support.queries import count_queries
from tests.support.reports import (
    HOSTILE_PARTNER,
    HOSTILE_SCHOOL,
    LONG_WORD,
    YEAR,
    build_district,
    pdf_pages,
    pdf_text,
    squeeze,
)


@pytest.fixture
def district():
    return build_district()


def text(response) -> str:
    return plain(response.get_data(as_text=True))


def plain(value: str) -> str:
    """No-break spaces (between a number and «%») read as spaces, as in the PDF's text."""
    return value.replace("\u00a0", " ")


def test_school_summary_pdf(department_client, district):
    r = department_client.get(f"/reports/schools/{district.a.id}.pdf?year={YEAR}")
    assert r.status_code == 200
    assert r.mimetype == "application/pdf"
    assert pdf_pages(r.data) <= 4
    body = pdf_text(r.data)
    assert district.a.full_name in body
    assert "2025/2026 учебный год" in body
    assert "Отдел образования" in body
    # Figures from the crafted data: participations, the share of children, satisfaction
    # with n beside the district's, agreement, graduates, the winners' event.
    assert "Участия обучающихся в мероприятиях" in body
    assert re.search(r"16\s+8\s+\+8", body)
    assert "20,0 %" in body
    assert "66,7 %" in body and "n = 6" in body
    assert "по округу — 50,0 %" in body
    assert "Охват: 6 анкет из 30" in body
    assert squeeze("ГБПОУ «Невинномысский химико-технологический колледж»") in squeeze(body)
    assert "бессрочно" in body
    assert "10 класс своей школы" in body
    # The long title prints whole, broken only at the edge of its cell.
    assert LONG_WORD in squeeze(body)
    # Free texts are never printed.
    assert "Ответы на открытые вопросы не печатаются" in body


def test_suppressed_school_pdf_says_so(department_client, district):
    r = department_client.get(f"/reports/schools/{district.b.id}.pdf?year={YEAR}")
    body = pdf_text(r.data)
    assert district.b.full_name in body
    assert "Недостаточно ответов (анкет: 3)" in body
    assert "форма не отправлена" in body


def test_hostile_names_print_as_typed(department_client, district):
    r = department_client.get(f"/reports/schools/{district.c.id}.pdf?year={YEAR}")
    assert r.status_code == 200
    body = squeeze(pdf_text(r.data))
    assert squeeze(HOSTILE_SCHOOL) in body
    assert squeeze(HOSTILE_PARTNER) in body  # and no file was opened for the <img>
    assert LONG_WORD in body
    assert squeeze("Проба «Повар» & <кондитер>") in squeeze(
        pdf_text(department_client.get(f"/reports/schools/{district.a.id}.pdf?year={YEAR}").data)
    )


def test_coordinator_prints_only_their_school(client, auth, district):
    coordinator = make_user("coord-a", role=Role.SCHOOL, school=district.a)
    auth.login(coordinator)
    assert client.get(f"/reports/schools/{district.a.id}.pdf?year={YEAR}").status_code == 200
    assert client.get(f"/reports/schools/{district.b.id}.pdf?year={YEAR}").status_code == 404
    assert client.get("/reports/schools/999999.pdf").status_code == 404
    for url in ("/reports/district.pdf", "/reports/indicators", "/reports/schools.zip"):
        assert client.get(url).status_code == 403, url
    page = text(client.get(f"/reports/?year={YEAR}"))
    assert f"/reports/schools/{district.a.id}.pdf" in page
    assert f"/reports/schools/{district.b.id}.pdf" not in page


def test_inactive_school_and_bad_years(department_client, district):
    assert department_client.get(f"/reports/schools/{district.gone.id}.pdf").status_code == 404
    for bad in ("abc", "1", "99999", "²⁰²⁵", "-2025"):
        r = department_client.get(f"/reports/indicators?year={bad}")
        assert r.status_code == 404, bad


def test_district_summary_pdf(department_client, district):
    r = department_client.get(f"/reports/district.pdf?year={YEAR}")
    assert r.status_code == 200
    body = pdf_text(r.data)
    assert "Профориентационная работа в образовательных организациях округа" in body
    assert "2025/2026 учебный год" in body
    assert "2024/25" in body and "2025/26" in body  # every year with data
    assert district.a.short_name in body and district.e.short_name in body
    assert district.gone.short_name not in body
    assert "Итого по округу" in body
    assert "50,0 %" in body  # students' satisfaction in the district
    assert "Рейтинги" in body
    # The flags, each with its schools.
    assert (
        f"Нет действующих договоров (2): {district.b.short_name}; {district.e.short_name}" in body
    )
    assert "Нет ответов на анкеты (1)" in body
    assert "Ответов больше, чем обучающихся (1)" in body
    assert "Мониторинг не отправлен (2)" in body
    assert "Исполнение плана мероприятий" in body
    assert squeeze(HOSTILE_SCHOOL) in squeeze(body)


def test_indicator_table_page(department_client, district):
    page = text(department_client.get(f"/reports/indicators?year={YEAR}"))
    assert "Показатели, 2025/2026 учебный год" in page
    assert "&lt;Гамма&gt; &amp; «Дельта»" in page  # escaped, not markup
    assert "Итого по округу" in page
    assert "ответов больше, чем обучающихся" in page
    for group in range(1, 14):
        assert f">{group}. " in page


def test_indicator_xlsx_totals_equal_the_rows(department_client, district):
    r = department_client.get(f"/reports/indicators.xlsx?year={YEAR}")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.data))
    ws = wb["Показатели"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    body, total = rows[:-1], rows[-1]
    assert [row[1] for row in body][2] == HOSTILE_SCHOOL
    assert total[1] == "Итого по округу"
    for i, (d, part) in enumerate(columns(), start=2):
        if part != "value" or d.kind != Kind.COUNT:
            continue
        values = [row[i] for row in body if row[i] is not None]
        assert total[i] == (sum(values) if values else None), d.key
    # Numbers are numbers, shares percentages.
    col = next(
        i for i, (d, p) in enumerate(columns(), start=3) if d.key == "children" and p == "share"
    )
    cell = ws.cell(row=4, column=col)
    assert cell.value == pytest.approx(0.2) and cell.number_format == "0.0%"
    assert ws.freeze_panes == "C4"
    assert ws.auto_filter.ref.startswith("A3:")
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.orientation == "landscape"
    assert wb["Пояснения"].max_row > len(DEFINITIONS)


def test_zip_streams_every_summary(department_client, district, app):
    with app.test_request_context():
        chunks = stream_zip(YEAR)
        first = next(chunks)
        # The table of contents leaves before any document is made.
        assert first.startswith(b"PK") and "Содержание.txt".encode() in first
        assert b"%PDF" not in first
        rest = b"".join(chunks)
    archive = zipfile.ZipFile(io.BytesIO(first + rest))
    names = archive.namelist()
    assert names[0] == "Содержание.txt"
    assert names[1] == "00 Сводка по округу.pdf"
    assert len(names) == 2 + 4
    assert "3 МКОУ СОШ № 3 Гамма & «Дельта» эпсилон.pdf" in names
    assert all(archive.read(n).startswith(b"%PDF") for n in names[1:])

    r = department_client.get(f"/reports/schools.zip?year={YEAR}")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    assert "attachment" in r.headers["Content-Disposition"]
    assert zipfile.ZipFile(io.BytesIO(r.data)).namelist() == names


def test_cli_builds_every_summary(runner, district, tmp_path: Path):
    result = runner.invoke(args=["reports", "build", "--year", str(YEAR), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Готово: 5 PDF" in result.output
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files[0] == "00 Сводка по округу.pdf" and len(files) == 5
    body = pdf_text((tmp_path / files[1]).read_bytes())
    assert district.a.full_name in body


def test_queries_do_not_grow_with_schools(department_client, district):
    from tests.factories import make_school
    from tests.support.reports import per_grade

    with count_queries() as small_pdf:
        department_client.get(f"/reports/schools/{district.a.id}.pdf?year={YEAR}")
    with count_queries() as small_district:
        department_client.get(f"/reports/district.pdf?year={YEAR}")
    for i in range(8):
        make_school(f"МКОУ СОШ № {i + 30} с. Новое", enrolment=per_grade(4))
    with count_queries() as large_pdf:
        department_client.get(f"/reports/schools/{district.a.id}.pdf?year={YEAR}")
    with count_queries() as large_district:
        department_client.get(f"/reports/district.pdf?year={YEAR}")
    assert len(small_pdf) == len(large_pdf)
    assert len(small_district) == len(large_district)


def test_dashboard_table_and_pdfs_agree(client, auth, district, department_user):
    table = indicator_table(YEAR)
    d = table.district
    auth.login(department_user)
    from proforient.core import timeutil

    home = text(client.get("/"))
    if timeutil.reporting_year() == YEAR:
        for key in ("events", "participations", "students_satisfaction"):
            assert plain(d[key].value_text) in home, key
    page = text(client.get(f"/reports/indicators?year={YEAR}"))
    pdf = pdf_text(client.get(f"/reports/district.pdf?year={YEAR}").data)
    school = pdf_text(client.get(f"/reports/schools/{district.a.id}.pdf?year={YEAR}").data)
    for key in ("participations", "students_satisfaction", "agreements"):
        value = plain(d[key].value_text)
        assert value in page and value in plain(pdf), key
    assert plain(table.row(district.a.id)["students_satisfaction"].value_text) in plain(school)
    assert plain(d["students_satisfaction"].value_text) in plain(school)  # the district's


def test_dashboard_for_both_roles(client, auth, district, department_user):
    auth.login(department_user)
    home = text(client.get("/"))
    assert "Показатели округа" in home
    assert "css/reports.css" in home
    auth.logout()
    auth.login(make_user("coord-b", role=Role.SCHOOL, school=district.b))
    home = text(client.get("/"))
    assert "Показатели школы" in home
    assert f"/reports/schools/{district.b.id}.pdf" in home


def test_school_indicators_page(client, auth, district):
    auth.login(make_user("coord-page", role=Role.SCHOOL, school=district.a))
    page = text(client.get(f"/reports/schools/{district.a.id}?year={YEAR}"))
    assert "Участия обучающихся в мероприятиях" in page
    assert "66,7 %" in page and "50,0 %" in page  # the school and the district
    assert f"/reports/schools/{district.a.id}.pdf?year={YEAR}" in page
    assert client.get(f"/reports/schools/{district.b.id}").status_code == 404
    detail = text(client.get(f"/schools/{district.a.id}"))
    assert f"/reports/schools/{district.a.id}" in detail  # the school's «Показатели» tab


def test_district_pdf_of_a_large_district_breaks_across_pages(department_client, district):
    from tests.factories import make_school
    from tests.support.reports import per_grade

    for i in range(45):
        school = make_school(f"МКОУ СОШ № {i + 40} с. Далёкое", enrolment=per_grade(3))
        district.survey.campaign.links.append(
            CampaignSchool(school_id=school.id, token=new_token())
        )
        db.session.commit()
        district.survey.answer(school, satisfaction=4 + i % 2, times=5, commit=False)
    db.session.commit()
    r = department_client.get(f"/reports/district.pdf?year={YEAR}")
    assert r.status_code == 200
    body = pdf_text(r.data)
    assert "МКОУ СОШ № 84 с. Далёкое" in body
    assert pdf_pages(r.data) > 6
