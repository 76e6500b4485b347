"""Past years' figures typed in from the department's spreadsheets: the template round
trip, every bad cell named with nothing stored, the live records winning, corrections and
deletion (audited), and the summaries showing every year with data."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from proforient.auth.models import Role
from proforient.core.audit import AuditEvent
from proforient.extensions import db
from proforient.indicators import district_history, indicator_table
from proforient.indicators.models import ManualValue
from tests.factories import make_school, make_user
from tests.support.reports import YEAR, build_district, pdf_text


def text(response) -> str:
    return response.get_data(as_text=True).replace("\u00a0", " ")


def template(client, year: int):
    r = client.get(f"/reports/history/template.xlsx?year={year}")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.data))
    ws = wb["Показатели"]
    codes = [str(c.value).split(". ")[0] for c in ws[1]]
    return wb, ws, codes


def fill(ws, codes, line: int, values: dict) -> None:
    for code, value in values.items():
        ws.cell(row=line, column=codes.index(code) + 1, value=value)


def upload(client, wb, year=2021):
    buffer = io.BytesIO()
    wb.save(buffer)
    return client.post(
        f"/reports/history/check?year={year}",
        data={"file": (io.BytesIO(buffer.getvalue()), "прошлые годы.xlsx")},
        content_type="multipart/form-data",
    )


def confirm(client, page: str):
    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
    return client.post("/reports/history/import?year=2021", data={"token": token})


A_2021 = {
    "3": 12,
    "4.1": 300,
    "4.2": 150,
    "4.2б": 200,
    "4.3": 9,
    "5.1": 4,
    "5.2": "6",
    "8.1": 40,
    "8.1б": 80,
    "8.2": "72,5",
    "10.1": 2,
    "10.2": 1,
    "13.1": 20,
    "13.3": 8,
}


@pytest.fixture
def schools():
    a = make_school("МКОУ СОШ № 1 с. Альфа")
    b = make_school("МКОУ СОШ № 2 с. Бета")
    return a, b


def test_template_round_trip(department_client, schools):
    a, b = schools
    wb, ws, codes = template(department_client, 2021)
    assert ws.cell(row=2, column=2).value == a.short_name
    assert ws.cell(row=2, column=3).value == "2021/2022"
    assert "13.9" in codes and "4.2б" in codes and "10.5" not in codes  # 10.5 is derived
    fill(ws, codes, 2, A_2021)
    fill(ws, codes, 3, {"4.1": 100, "8.1": 3, "8.1б": 60, "8.2": 100})
    # Another year for school A, on a copied row.
    ws.append([3, a.short_name, "2022/23"])
    fill(ws, codes, 4, {"4.1": 360, "8.1": 50, "8.1б": 80, "8.2": 80})

    page = text(upload(department_client, wb))
    assert "Проверено: ошибок нет" in page
    assert "Строк ОО и лет: 3" in page
    assert db.session.scalar(select(func.count()).select_from(ManualValue)) == 0
    r = confirm(department_client, page)
    assert r.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ManualValue)) == 14 + 4 + 4

    table = indicator_table(2021)
    row = table.row(a.id)
    assert row["participations"].value == 300 and row["participations"].manual
    assert row["participations"].mark == "*"
    assert (row["children"].value, row["children"].base) == (150, 200)
    assert row["children"].share == pytest.approx(0.75)
    assert (row["children_ovz"].value, row["children_ovz"].base) == (9, 300)
    assert row["students_satisfaction"].value == pytest.approx(0.725)
    assert row["students_satisfaction"].base == 40
    assert (row["schools_with_agreement"].value, row["agreements_poo"].value) == (1, 1)
    assert (row["graduates_9_spo"].value, row["graduates_9_spo"].share) == (8, 0.4)
    assert row["programs"].value is None  # not typed: no data
    d = table.district
    assert d["participations"].value == 400 and d["participations"].manual
    assert d["events"].value == 12  # a typed year's events are summed over schools
    # School B's 3 responses are under the minimum: suppressed, yet counted in the district.
    assert table.row(b.id)["students_satisfaction"].note == "недостаточно ответов"
    assert d["students_satisfaction"].value == pytest.approx((0.725 * 40 + 3) / 43)
    assert indicator_table(2022).row(a.id)["participations"].previous == 300
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import"))
    assert "22 значений" in audit.summary


def test_every_bad_cell_is_named_and_nothing_is_stored(department_client, schools):
    a, b = schools
    gone = make_school("МКОУ СОШ № 9 с. Закрытое", active=False)
    wb, ws, codes = template(department_client, 2021)
    fill(ws, codes, 2, {"4.1": "много", "4.3": -1, "5.1": 2.5})
    fill(ws, codes, 3, {"4.1": 10, "4.3": 11, "8.2": 70, "13.1": 5, "13.2": 6, "4.2": 30})
    fill(ws, codes, 3, {"4.2б": 20, "13.3": 1})
    ws.append([3, "МКОУ СОШ № 99 несуществующая", "2021/2022", 1])
    ws.append([4, gone.short_name, "2021/2022"])
    ws.append([5, a.short_name, "2030/2031"])
    ws.append([6, a.short_name, "2021/2022"])  # a second row for the same school and year
    fill(ws, codes, 8, {"8.1": 10, "8.2": "120"})

    r = upload(department_client, wb)
    page = text(r)
    assert "Файл не загружен" in page
    for why in (
        "не число",
        "отрицательное число",
        "не целое число",
        "часть больше целого (4.1: 10)",
        "не указано число анкет (8.1)",
        "больше базы (20)",
        "часть больше целого (13.1: 5)",
        "неизвестная ОО",
        "ОО отключена",
        "не учебный год",
        "уже есть в файле выше",
        "больше 100 %",
    ):
        assert why in page, why
    # The school, the column and the value are named.
    assert "МКОУ СОШ № 99 несуществующая" in page
    assert "4.1. Участия обучающихся в мероприятиях, участий" in page
    assert "много" in page
    assert 'name="token"' not in page
    assert db.session.scalar(select(func.count()).select_from(ManualValue)) == 0


def test_broken_files_get_a_message(department_client, schools):
    for data, message in (
        (b"not a workbook", "не читается как книга Excel"),
        (b"PK\x03\x04broken", "не читается как книга Excel"),
    ):
        r = department_client.post(
            "/reports/history/check",
            data={"file": (io.BytesIO(data), "x.xlsx")},
            content_type="multipart/form-data",
        )
        assert r.status_code == 400 and message in text(r)
    wb, ws, _codes = template(department_client, 2021)
    ws.delete_rows(1)
    r = upload(department_client, wb)
    assert "Не найдена строка заголовка" in text(r)
    assert (
        department_client.post(
            "/reports/history/import", data={"token": "../../etc/passwd"}
        ).status_code
        == 302
    )


def test_live_records_win_and_the_page_says_which(department_client):
    district = build_district()
    wb, ws, codes = template(department_client, YEAR)
    line = next(i for i in range(2, ws.max_row + 1) if ws.cell(i, 2).value == district.a.short_name)
    fill(ws, codes, line, {"4.1": 999, "13.1": 77})
    line_e = next(
        i for i in range(2, ws.max_row + 1) if ws.cell(i, 2).value == district.e.short_name
    )
    fill(ws, codes, line_e, {"4.1": 55})
    confirm(department_client, text(upload(department_client, wb, YEAR)))
    table = indicator_table(YEAR)
    a = table.row(district.a.id)
    assert a["participations"].value == 16 and not a["participations"].manual
    assert a["graduates_9"].value == 10  # the submitted form wins too
    assert set(table.overridden[district.a.id]) == {"participations", "graduates_9"}
    # A school without participation of its own: the typed value stands.
    e = table.row(district.e.id)
    assert e["participations"].value == 55 and e["participations"].manual
    page = text(department_client.get(f"/reports/history/?year={YEAR}"))
    assert "4.1, 13.1" in page


def test_correct_and_delete_one_school_and_year(department_client, schools):
    a, _b = schools
    url = f"/reports/history/{a.id}/2021"
    r = department_client.post(url, data={"v_participations": "120", "v_children_ovz": "12"})
    assert r.status_code == 302
    r = department_client.post(url, data={"v_participations": "120", "v_children_ovz": "200"})
    page = text(r)
    assert r.status_code == 200
    assert "Часть больше целого (4.1: 120)." in page
    assert 'value="200"' in page  # what was typed is kept
    r = department_client.post(url, data={"v_participations": "130,5"})
    assert "Не целое число." in text(r)
    r = department_client.post(url, data={"v_participations": "130", "v_children_ovz": ""})
    assert r.status_code == 302
    values = {v.key: v.value for v in db.session.scalars(select(ManualValue))}
    assert values == {"participations": 130}
    actions = [
        e.action
        for e in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "ManualValue")
            .order_by(AuditEvent.id)
        )
    ]
    assert actions == ["create", "create", "update", "delete"]
    r = department_client.post(f"{url}/delete")
    assert r.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ManualValue)) == 0
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "School"))


def test_department_only(client, auth, schools):
    a, _b = schools
    auth.login(make_user("coord", role=Role.SCHOOL, school=a))
    for url in (
        "/reports/history/",
        "/reports/history/template.xlsx",
        f"/reports/history/{a.id}/2021",
        "/reports/concept/",
        "/reports/concept/report.pdf",
        "/reports/concept/stages",
    ):
        assert client.get(url).status_code == 403, url


def test_summaries_show_every_year_with_data(department_client):
    district = build_district()
    for year, value in ((2021, 200), (2022, 250)):
        db.session.add(
            ManualValue(school_id=district.a.id, year=year, key="participations", value=value)
        )
    db.session.commit()
    history, _table = district_history(YEAR)
    assert history.years == [2021, 2022, 2024, 2025]
    school = pdf_text(
        department_client.get(f"/reports/schools/{district.a.id}.pdf?year={YEAR}").data
    )
    assert "Ключевые показатели по годам" in school
    dynamics = school[school.index("Ключевые показатели по годам") :]
    assert re.search(r"Участия\s+200\*\s+250\*\s+8\s+16", dynamics)
    body = pdf_text(department_client.get(f"/reports/district.pdf?year={YEAR}").data)
    assert "2021/22" in body and "2022/23" in body and "200*" in body
