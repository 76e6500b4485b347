"""Excel: exports of the list and of participation; the all-or-nothing import."""

import io
import json
import re
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from proforient.events.export import TEMPLATE_HEADER
from proforient.events.models import EventStatus as Status
from proforient.events.models import Level, Participation
from proforient.extensions import db
from tests.support.events import FAIR, make_event, make_participation, seed_reference


@pytest.fixture(autouse=True)
def _reference(app):
    seed_reference()


def text(response) -> str:
    return response.get_data(as_text=True)


def xlsx(rows, header=TEMPLATE_HEADER, sheet="Участие") -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def upload(client, data: io.BytesIO, name: str = "участие.xlsx"):
    return client.post(
        "/events/import",
        data={"step": "check", "file": (data, name)},
        content_type="multipart/form-data",
    )


def payload_of(html: str) -> str:
    raw = re.search(r'name="payload" value="([^"]*)"', html).group(1)
    return raw.replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&")


def participation_count() -> int:
    return db.session.scalar(select(func.count(Participation.id)))


# --- Export ---------------------------------------------------------------------------------


def test_export_list_has_every_filtered_event_and_totals(department_client, school):
    for i in range(30):
        e = make_event(title=f"Форум № {i}", form="forum", start=date(2026, 10, 1))
        make_participation(e, school, participants=2, ovz=1)
    make_event(title="Другой год", start=date(2024, 10, 1))
    response = department_client.get("/events/export.xlsx?year=2026&level=regional")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.data))["Мероприятия"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0].startswith("Реестр мероприятий: 2026/2027 учебный год")
    body = [r for r in rows[2:] if r[0] != "Итого"]
    assert len(body) == 30  # not just the first page
    assert "Другой год" not in {r[1] for r in body}
    total = rows[-1]
    assert total[0] == "Итого" and total[1] == "мероприятий: 30"
    assert total[10:13] == (30, 60, 30)


def test_participation_export(department_client, school, other_school):
    fair = make_event()
    make_participation(fair, school, participants=12, ovz=2, winners=1, distinct_children=10)
    make_participation(fair, other_school, participants=8, prizewinners=2)
    response = department_client.get(f"/events/{fair.id}/participation.xlsx")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert FAIR in rows[0][0]
    assert rows[1][0] == "Школа"
    by_school = {r[0]: r for r in rows[2:]}
    assert by_school[school.short_name][1:] == (12, 2, 0, 1, 0, 0, 10)
    assert by_school["Итого"][1:6] == (20, 2, 0, 1, 2)


def test_template_lists_events_and_schools(coordinator_client, school, other_school):
    fair = make_event()
    make_event(
        title="Чужое школьное", level=Level.SCHOOL, form="contest", school_id=other_school.id
    )
    response = coordinator_client.get("/events/import/template.xlsx?year=2026")
    wb = load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames == ["Участие", "Мероприятия", "Школы", "Как заполнять"]
    assert [c.value for c in wb["Участие"][1]] == TEMPLATE_HEADER
    events = list(wb["Мероприятия"].iter_rows(values_only=True))
    assert (fair.id, FAIR) in {(r[0], r[1]) for r in events}
    assert "Чужое школьное" not in str(events)
    schools = [r[0] for r in wb["Школы"].iter_rows(values_only=True)]
    assert school.short_name in schools and other_school.short_name not in schools


# --- Import ---------------------------------------------------------------------------------


def test_import_preview_then_apply_adds_and_replaces(department_client, school, other_school):
    fair = make_event()
    trial = make_event(title="Проба «Повар»", form="prof_trial", start=date(2026, 11, 3))
    old = make_participation(fair, school, participants=3)
    data = xlsx(
        [
            [fair.id, FAIR, school.short_name, 12, 2, 0, 1, 0, 1, None],
            [fair.id, FAIR, "  мкоу сош № 9 С. ЗАВЕТНОГО ", 20, 0, 0, 0, 2, 2, 15],
            [trial.id, None, school.short_name, "8", None, None, None, None, None, None],
        ]
    )
    response = upload(department_client, data)
    html = text(response)
    assert response.status_code == 200
    assert "Проверено: ошибок нет" in html
    assert "Будет добавлено записей: 2, заменено существующих: 1." in html
    assert participation_count() == 1  # nothing written before confirmation

    response = department_client.post(
        "/events/import", data={"step": "apply", "payload": payload_of(html)}
    )
    assert response.status_code == 302
    assert participation_count() == 3
    rows = {(p.event_id, p.school_id): p for p in db.session.scalars(select(Participation))}
    assert rows[(fair.id, school.id)].id == old.id
    assert (rows[(fair.id, school.id)].participants, rows[(fair.id, school.id)].ovz) == (12, 2)
    assert rows[(fair.id, other_school.id)].distinct_children == 15
    assert rows[(trial.id, school.id)].participants == 8
    assert rows[(trial.id, school.id)].distinct_children is None


def test_import_rejects_the_whole_file_and_lists_each_bad_row(department_client, school):
    fair = make_event()
    data = xlsx(
        [
            [fair.id, FAIR, school.short_name, 12, 2, 0, 1, 0, 1, None],  # good
            [fair.id, FAIR, "Школа-призрак", 5, 0, 0, 0, 0, 0, None],
            [99999, "?", school.short_name, 5, 0, 0, 0, 0, 0, None],
            [fair.id, FAIR, school.short_name, 5, 0, 0, 0, 0, 0, None],  # repeat of row 2
            [None, None, None, 5, 6, 0, 0, 0, 0, None],
            [fair.id, FAIR, school.short_name, "пять", 0, 0, 0, 0, 0, None],
            [fair.id, FAIR, school.short_name, 5, 0, 0, 4, 3, 0, 9],
            [fair.id, FAIR, school.short_name, -2, 0, 0, 0, 0, 0, 1.5],
        ]
    )
    html = text(upload(department_client, data))
    assert "Файл не загружен: 7 строк с ошибками" in html
    errors = dict(re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]+)</td></tr>', html))
    assert set(errors) == {"3", "4", "5", "6", "7", "8", "9"}
    assert "школа «Школа-призрак» не найдена" in errors["3"]
    assert "мероприятие № 99999 не найдено" in errors["4"]
    assert "повтор: эта школа в этом мероприятии уже указана в строке 2" in errors["5"]
    assert "не указан № мероприятия" in errors["6"] and "не указана школа" in errors["6"]
    assert "ОВЗ: Детей с ОВЗ не может быть больше, чем участников (5)." in errors["6"]
    assert "участники: «пять» — не число" in errors["7"]
    assert "Победителей и призёров вместе (7) больше, чем участников (5)." in errors["8"]
    assert "впервые в году: Не может быть больше, чем участников (5)." in errors["8"]
    assert "участники: Число не может быть отрицательным." in errors["9"]
    assert "не целое число" in errors["9"]
    assert 'name="payload"' not in html  # no way to import a partly bad file
    assert participation_count() == 0


def test_coordinator_imports_only_own_school(coordinator_client, school, other_school):
    fair = make_event()
    theirs = make_event(
        title="Их школьное", level=Level.SCHOOL, form="contest", school_id=other_school.id
    )
    data = xlsx(
        [
            [fair.id, FAIR, school.short_name, 12, 2, 0, 1, 0, 1, None],
            [fair.id, FAIR, other_school.short_name, 5, 0, 0, 0, 0, 0, None],
            [theirs.id, None, school.short_name, 5, 0, 0, 0, 0, 0, None],
        ]
    )
    html = text(upload(coordinator_client, data))
    assert "можно загружать только участие своей школы" in html
    assert f"мероприятие № {theirs.id} не найдено" in html
    assert participation_count() == 0


def test_apply_checks_the_rows_again(coordinator_client, school, other_school):
    """A tampered confirmation form is checked like a file: nothing slips through."""
    fair = make_event()
    payload = json.dumps(
        [
            {
                "line": 2,
                "event_id": fair.id,
                "school": other_school.short_name,
                "participants": 5,
                "ovz": 0,
                "disabled": 0,
                "winners": 0,
                "prizewinners": 0,
                "teachers": 0,
                "distinct_children": None,
            }
        ]
    )
    response = coordinator_client.post("/events/import", data={"step": "apply", "payload": payload})
    assert response.status_code == 200
    assert "можно загружать только участие своей школы" in text(response)
    assert participation_count() == 0
    response = coordinator_client.post(
        "/events/import", data={"step": "apply", "payload": "not json"}
    )
    assert response.status_code == 200 and participation_count() == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"not a spreadsheet", "участие.xlsx", "Файл не читается как книга Excel"),
        (b"a;b;c", "участие.csv", "Нужен файл Excel в формате .xlsx"),
        (None, "участие.xlsx", "Не найдена строка заголовка"),
        ("empty", "участие.xlsx", "В файле нет строк с данными."),
    ],
)
def test_import_refuses_bad_files(department_client, content, name, message):
    if content is None:
        data = xlsx([[1, 2, 3]], header=["Что-то", "другое"])
    elif content == "empty":
        data = xlsx([])
    else:
        data = io.BytesIO(content)
    response = upload(department_client, data, name)
    assert response.status_code == 200
    assert message in text(response)
    assert participation_count() == 0


def test_import_page_and_proposals_are_importable(coordinator_client, school):
    proposal = make_event(title="Наше предложение", status=Status.PROPOSED, school_id=school.id)
    html = text(coordinator_client.get("/events/import"))
    assert "Скачать шаблон" in html and "только участие вашей школы" in html
    data = xlsx([[proposal.id, None, school.short_name, 4, 0, 0, 0, 0, 0, None]])
    html = text(upload(coordinator_client, data))
    assert "Проверено: ошибок нет" in html
    coordinator_client.post("/events/import", data={"step": "apply", "payload": payload_of(html)})
    assert participation_count() == 1
