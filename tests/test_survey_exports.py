"""Survey exports: responses as CSV and XLSX (one row per response, one column per question
or option), the per-school summary, and the small-group rule in all of them."""

import csv
import io

import pytest
from openpyxl import load_workbook

from proforient.extensions import db
from proforient.surveys import exports
from proforient.surveys.spec import build_spec
from tests.factories import make_school, make_user
from tests.support.survey_results import make_survey


@pytest.fixture
def survey(school, other_school):
    return make_survey([school, other_school])


def read_csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response):
    return load_workbook(io.BytesIO(response.get_data()))


def base(survey) -> str:
    return f"/surveys/campaigns/{survey.campaign.id}/results"


def test_csv_has_one_row_per_response_and_one_column_per_option(department_client, survey, school):
    survey.answer(
        school,
        grade=8,
        single="Да",
        multiple=("Экскурсии",),
        other="Кружок",
        satisfaction=4,
        matrix={"Рассказы": 5, "Консультации": 2},
        rating=3,
        text="Больше проб; и экскурсий",
    )
    survey.answer(school, grade=7, single="Нет", satisfaction=1, times=4)

    response = department_client.get(f"{base(survey)}/responses.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    header, data = rows[0], rows[1:]
    assert len(data) == 5
    assert header[:3] == ["№", "Школа", "1. В каком классе вы учитесь?"]
    expected = [
        "2. Выбрали ли вы профессию?",
        "3. В каких мероприятиях участвовали? — Пробы",
        "3. В каких мероприятиях участвовали? — Экскурсии",
        "3. В каких мероприятиях участвовали? — Другое",
        "3. В каких мероприятиях участвовали? — другое (текст)",
        "4. Насколько вы удовлетворены?",
        "5. Оцените от 1 до 5 — Рассказы",
        "5. Оцените от 1 до 5 — Консультации",
        "6. Помогли ли мероприятия?",
        "7. Чего не хватает?",
    ]
    assert header[3:] == expected
    first = dict(zip(header, data[0], strict=True))
    assert first["Школа"] == school.short_name
    assert first["1. В каком классе вы учитесь?"] == "8"
    assert first["2. Выбрали ли вы профессию?"] == "Да"
    assert first["3. В каких мероприятиях участвовали? — Пробы"] == "0"
    assert first["3. В каких мероприятиях участвовали? — Экскурсии"] == "1"
    assert first["3. В каких мероприятиях участвовали? — Другое"] == "1"
    assert first["3. В каких мероприятиях участвовали? — другое (текст)"] == "Кружок"
    assert first["4. Насколько вы удовлетворены?"] == "Скорее удовлетворён(а)"
    assert first["5. Оцените от 1 до 5 — Рассказы"] == "5"
    assert first["5. Оцените от 1 до 5 — Консультации"] == "2"
    assert first["6. Помогли ли мероприятия?"] == "3"
    assert first["7. Чего не хватает?"] == "Больше проб; и экскурсий"
    second = dict(zip(header, data[1], strict=True))
    # Skipped the optional multiple-choice question: blanks, not zeros.
    assert second["3. В каких мероприятиях участвовали? — Пробы"] == ""
    assert second["6. Помогли ли мероприятия?"] == ""


def test_small_schools_are_left_out_row_by_row_with_a_note(
    department_client, survey, school, other_school
):
    survey.answer(school, single="Да", times=5)
    survey.answer(other_school, single="Нет", text="Меня можно узнать", times=4)

    rows = read_csv(department_client.get(f"{base(survey)}/responses.csv"))
    data = [r for r in rows[1:] if r and r[0].isdigit()]
    assert len(data) == 5 and {r[1] for r in data} == {school.short_name}
    assert "Меня можно узнать" not in str(rows)
    notes = [r for r in rows if r and r[0] == "Примечание"]
    assert any(f"{other_school.short_name} (4)" in r[1] for r in notes)

    wb = read_xlsx(department_client.get(f"{base(survey)}/responses.xlsx"))
    assert wb.sheetnames == ["Ответы", "Примечание"]
    assert wb["Ответы"].max_row == 1 + 5
    note = " ".join(str(c.value) for c in wb["Примечание"]["A"])
    assert f"{other_school.short_name} (4)" in note and "меньше 5 ответов" in note


def test_xlsx_responses_match_csv(department_client, survey, school):
    survey.answer(school, grade=9, single="Да", multiple=("Пробы",), rating=5, times=6)
    response = department_client.get(f"{base(survey)}/responses.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    ws = read_xlsx(response)["Ответы"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][1] == "Школа" and len(rows) == 7
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["1. В каком классе вы учитесь?"] == "9"
    assert first["3. В каких мероприятиях участвовали? — Пробы"] == 1
    assert first["6. Помогли ли мероприятия?"] == 5
    assert ws.freeze_panes == "C2"


def test_export_reads_in_chunks(app, survey, school, other_school):
    survey.answer(school, single="Да", times=7, commit=False)
    survey.answer(other_school, single="Нет", times=6, commit=False)
    db.session.commit()
    spec = build_spec(survey.campaign.questionnaire_id)
    rows = list(exports.iter_responses(survey.campaign, spec, [school, other_school], chunk=3))
    assert [r[0] for r in rows] == list(range(1, 14))
    assert [r[1] for r in rows] == [school.short_name] * 7 + [other_school.short_name] * 6
    assert {r[3] for r in rows[:7]} == {"Да"} and {r[3] for r in rows[7:]} == {"Нет"}


def test_coordinator_exports_only_own_school(client, auth, survey, school, other_school):
    auth.login(make_user("coord", school=school))
    survey.answer(school, single="Да", times=5)
    survey.answer(other_school, single="Нет", times=5)
    rows = read_csv(client.get(f"{base(survey)}/responses.csv"))
    assert len(rows) == 6 and {r[1] for r in rows[1:]} == {school.short_name}
    assert client.get(f"{base(survey)}/responses.csv?school={other_school.id}").status_code == 404
    assert client.get(f"{base(survey)}/responses.xlsx?school={other_school.id}").status_code == 404


def test_summary_xlsx_one_row_per_school_with_suppression(department_client, school, other_school):
    silent = make_school("МКОУ СОШ № 1 с. Тихое")
    survey = make_survey([school, other_school, silent])
    survey.answer(school, satisfaction=5, matrix={"Рассказы": 4, "Консультации": 2}, times=5)
    survey.answer(other_school, satisfaction=1, times=3)

    response = department_client.get(f"{base(survey)}/summary.xlsx")
    assert response.status_code == 200
    wb = read_xlsx(response)
    ws = wb["Сводка по школам"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[1]
    assert header[:6] == (
        "№",
        "Школа",
        "Ответов",
        "Обучающихся в опрошенных классах",
        "Охват",
        "Уровень удовлетворённости",
    )
    assert header[6:] == (
        "4. Насколько вы удовлетворены? — доля 4–5",
        "5а. Рассказы — доля 4–5",
        "5б. Консультации — доля 4–5",
    )
    by_school = {r[1]: r for r in rows[2:]}
    good = by_school[school.short_name]
    assert good[2] == 5 and good[3] == 60
    assert good[4] == pytest.approx(5 / 60)
    assert good[5] == pytest.approx(10 / 15)
    assert good[6:] == (1, 1, 0)
    assert by_school[other_school.short_name][5:] == ("недостаточно ответов",) * 4
    assert by_school[silent.short_name][2] == 0
    assert by_school[silent.short_name][5] == "нет ответов"
    total = by_school["Итого по округу"]
    assert total[2] == 8 and total[5] == pytest.approx(10 / 18)
    assert ws.cell(row=3, column=5).number_format == "0.0%"
    assert "Примечание" in wb.sheetnames
