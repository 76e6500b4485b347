"""Event registry: events, participation, access, lists, proposals and merging."""

import importlib.util
import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from proforient.core.audit import AuditEvent
from proforient.core.text import search_key
from proforient.events import breakdown, queries, reference
from proforient.events.models import (
    Category,
    Event,
    EventFormat,
    Level,
    Participation,
    Project,
)
from proforient.events.models import EventStatus as Status
from proforient.extensions import db
from tests.factories import make_school
from tests.support.events import FAIR, make_event, make_participation, seed_reference


@pytest.fixture(autouse=True)
def _reference(app):
    seed_reference()


def text(response) -> str:
    return response.get_data(as_text=True)


def event_data(**overrides) -> dict:
    data = {
        "title": FAIR,
        "level": Level.REGIONAL,
        "format_id": str(reference.format_by_code("fair").id),
        "project_id": "",
        "start_date": "2026-10-22",
        "end_date": "",
        "organizer": "Министерство образования Ставропольского края",
        "for_students": "y",
        "grade_from": "9",
        "grade_to": "11",
        "description": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def counts(**overrides) -> dict:
    data = {
        "participants": "12",
        "ovz": "2",
        "disabled": "0",
        "winners": "1",
        "prizewinners": "0",
        "teachers": "1",
        "distinct_children": "",
    }
    data.update({k: str(v) for k, v in overrides.items()})
    return data


def tfoot(html: str) -> str:
    return re.search(r"<tfoot>(.*?)</tfoot>", html, re.S).group(1)


def numbers(fragment: str) -> list[int]:
    cells = re.findall(r'<td class="num">([^<]*)</td>', fragment)
    return [int(c.replace("\u00a0", "").replace(" ", "")) for c in cells]


# --- The whole flow -------------------------------------------------------------------------


def test_coordinator_records_fair_department_sees_exports_indicators(
    client, auth, school, other_school, coordinator, department_user
):
    # The department has the regional fair in the registry; another school took part too.
    fair = make_event()
    make_participation(fair, other_school, participants=30, ovz=1, winners=0)

    # The coordinator records: 12 students, 2 with ОВЗ, one won.
    auth.login(coordinator)
    page = client.get(f"/events/{fair.id}")
    assert "Отметить участие школы" in text(page)
    response = client.post(
        f"/events/{fair.id}/participation/new",
        data=counts(participants=12, ovz=2, winners=1, prizewinners=0, teachers=1),
    )
    assert response.status_code == 302
    own = db.session.scalar(select(Participation).where(Participation.school_id == school.id))
    assert (own.participants, own.ovz, own.winners, own.event_id) == (12, 2, 1, fair.id)
    # The coordinator sees only their own school's numbers.
    page = text(client.get(f"/events/{fair.id}"))
    assert other_school.short_name not in page
    auth.logout()

    # The department sees it in the district list with correct totals.
    auth.login(department_user)
    html = text(client.get("/events/?year=2026&level=regional"))
    assert FAIR in html
    foot = tfoot(html)
    assert "Итого: 1 мероприятие" in foot
    # schools, participants, ОВЗ, инвалиды, winners, prize-winners
    assert numbers(foot) == [2, 42, 3, 0, 1, 0]
    html = text(client.get(f"/events/?year=2026&school={school.id}"))
    assert numbers(tfoot(html)) == [1, 12, 2, 0, 1, 0]

    # … exports it to Excel …
    response = client.get(f"/events/export.xlsx?year=2026&school={school.id}")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.data))
    rows = list(wb["Мероприятия"].iter_rows(values_only=True))
    data_row = next(r for r in rows if r[1] == FAIR)
    assert data_row[10:16] == (1, 12, 2, 0, 1, 0)
    assert rows[-1][0] == "Итого"
    part = list(wb["Участие"].iter_rows(values_only=True))
    assert part[1][4] == school.short_name and part[1][5:10] == (12, 2, 0, 1, 0)

    # … and the indicators service returns those numbers for that school and year.
    ind = breakdown.participation_breakdown(2026, school.id)
    assert ind.events_total == 1
    assert ind.total.participants == 12
    assert ind.total.ovz == 2
    assert ind.total.winners == 1
    assert ind.by_level[Level.REGIONAL].participants == 12
    assert ind.showcase_events == 1
    assert [w.winners for w in ind.winner_events] == [1]


# --- Model rules ----------------------------------------------------------------------------


def test_academic_year_and_title_key_are_derived():
    e = make_event(title="  Ярмарка  профессий «ЁЛКА»! ", start=date(2026, 9, 1))
    assert e.academic_year == 2026
    assert e.title_key == "ярмарка профессий елка"
    e.start_date = date(2026, 8, 31)
    db.session.commit()
    assert e.academic_year == 2025
    assert search_key("Форум «Молодёжь»") == search_key("форум МОЛОДЕЖЬ")


@pytest.mark.parametrize(
    "values",
    [
        {"participants": 5, "ovz": 6},
        {"participants": 5, "disabled": 6},
        {"participants": 5, "winners": 3, "prizewinners": 3},
        {"participants": -1},
        {"participants": 5, "teachers": -1},
        {"participants": 5, "distinct_children": 6},
    ],
)
def test_database_refuses_broken_counts(school, values):
    event = make_event()
    db.session.add(Participation(event_id=event.id, school_id=school.id, **values))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_school_appears_once_per_event(school):
    event = make_event()
    make_participation(event, school)
    db.session.add(Participation(event_id=event.id, school_id=school.id, participants=3))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_migration_seeds_the_same_reference_data():
    path = Path(__file__).parents[1] / "migrations" / "versions" / "0002_events.py"
    spec = importlib.util.spec_from_file_location("migration_0002", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert [tuple(f) for f in module.FORMATS] == [tuple(f) for f in reference.FORMATS]
    assert module.PROJECTS == reference.PROJECTS
    assert module.revision == "0002" and module.down_revision == "0001"
    codes = {f.code: f.category for f in db.session.scalars(select(EventFormat))}
    assert codes["prof_trial"] == Category.PROF_TRIAL
    assert codes["teacher_seminar"] == Category.TEACHER
    assert {codes[c] for c in ("fair", "open_day", "forum", "festival")} == {Category.SHOWCASE}
    names = set(db.session.scalars(select(Project.name)))
    assert "«Россия — мои горизонты»" in names and "«Билет в будущее»" in names
    assert reference.ensure_reference_data() == 0  # idempotent


# --- Forms: Russian errors beside the fields, never a 500 -----------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ovz": 13}, "Детей с ОВЗ не может быть больше, чем участников (12)."),
        ({"disabled": 20}, "Детей-инвалидов не может быть больше, чем участников (12)."),
        (
            {"winners": 7, "prizewinners": 6},
            "Победителей и призёров вместе (13) больше, чем участников (12).",
        ),
        ({"ovz": -1}, "От 0 до 100 000."),
        ({"participants": "двенадцать"}, "Введите целое число."),
        ({"participants": ""}, "Укажите число (0, если нет)."),
        ({"distinct_children": 40}, "Не может быть больше, чем участников (12)."),
        (
            {"participants": 0, "ovz": 0, "winners": 0, "teachers": 0},
            "Укажите число участников или педагогов.",
        ),
    ],
)
def test_participation_form_errors_are_russian_and_keep_input(
    coordinator_client, overrides, message
):
    event = make_event()
    data = counts(**overrides)
    response = coordinator_client.post(f"/events/{event.id}/participation/new", data=data)
    assert response.status_code == 200
    html = text(response)
    assert message in html
    assert 'class="field-error"' in html
    assert f'value="{data["participants"]}"' in html  # what was typed stays
    assert db.session.scalar(select(func.count(Participation.id))) == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Введите название мероприятия."),
        ({"start_date": ""}, "Укажите дату начала."),
        ({"start_date": "22.10.2026x"}, "Введите дату в формате ДД.ММ.ГГГГ."),
        ({"end_date": "2026-10-01"}, "Дата окончания раньше даты начала."),
        ({"grade_from": "11", "grade_to": "9"}, "Класс «по» меньше класса «с»."),
        ({"for_students": None}, "Отметьте хотя бы одну аудиторию."),
        ({"level": "galactic"}, "Выберите значение из списка."),
        ({"format_id": "abc"}, "Выберите значение из списка."),
        ({"level": "school", "school_id": ""}, "Для школьного мероприятия выберите школу."),
    ],
)
def test_event_form_errors_are_russian(department_client, overrides, message):
    response = department_client.post("/events/new", data=event_data(**overrides))
    assert response.status_code == 200
    assert message in text(response)
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_department_creates_event_with_audience_and_project(department_client, department_user):
    project = reference.project_by_code("bilet")
    response = department_client.post(
        "/events/new",
        data=event_data(
            title="Профессиональные пробы в колледже",
            format_id=str(reference.format_by_code("prof_trial").id),
            project_id=str(project.id),
            end_date="2026-10-24",
            for_parents="y",
        ),
    )
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.status == Status.CONFIRMED and event.school_id is None
    assert (event.start_date, event.end_date, event.academic_year) == (
        date(2026, 10, 22),
        date(2026, 10, 24),
        2026,
    )
    assert event.project_id == project.id and event.created_by_id == department_user.id
    assert event.audience_label == "обучающиеся 9–11 классов, родители"
    page = text(department_client.get(f"/events/{event.id}"))
    assert "22.10.2026 — 24.10.2026" in page and "«Билет в будущее»" in page
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "Event"))
    assert audit.action == "create"


def test_department_school_level_event_needs_school(department_client, school):
    response = department_client.post(
        "/events/new",
        data=event_data(level="school", school_id=str(school.id), title="Неделя профориентации"),
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Event.school_id)) == school.id


# --- Who creates what -----------------------------------------------------------------------


def test_coordinator_school_event_is_confirmed_other_levels_are_proposals(
    coordinator_client, school, other_school
):
    response = coordinator_client.post(
        "/events/new",
        data=event_data(level="school", title="Неделя профориентации «Мир профессий»"),
    )
    assert response.status_code == 302
    response = coordinator_client.post("/events/new", data=event_data())
    assert response.status_code == 302
    flashes = text(coordinator_client.get(response.headers["Location"]))
    assert "предложение" in flashes
    rows = db.session.execute(select(Event.level, Event.status, Event.school_id)).all()
    assert sorted(rows) == sorted(
        [
            (Level.SCHOOL, Status.CONFIRMED, school.id),
            (Level.REGIONAL, Status.PROPOSED, school.id),
        ]
    )


def test_coordinator_cannot_edit_registry_events(coordinator_client, school):
    fair = make_event()
    assert coordinator_client.get(f"/events/{fair.id}").status_code == 200
    assert coordinator_client.get(f"/events/{fair.id}/edit").status_code == 403
    assert coordinator_client.post(f"/events/{fair.id}/delete").status_code == 403
    own = make_event(title="Квест", level=Level.SCHOOL, form="contest", school_id=school.id)
    response = coordinator_client.post(
        f"/events/{own.id}/edit", data=event_data(level="school", title="Квест «Мой выбор»")
    )
    assert response.status_code == 302
    assert db.session.get(Event, own.id).title == "Квест «Мой выбор»"


def test_coordinator_raising_level_turns_event_into_proposal(coordinator_client, school):
    own = make_event(title="Квест", level=Level.SCHOOL, form="contest", school_id=school.id)
    coordinator_client.post(f"/events/{own.id}/edit", data=event_data(title="Квест"))
    event = db.session.get(Event, own.id)
    assert (event.level, event.status) == (Level.REGIONAL, Status.PROPOSED)


# --- Coordinator scoping --------------------------------------------------------------------


def test_coordinator_cannot_touch_another_schools_participation(
    coordinator_client, school, other_school
):
    fair = make_event()
    theirs = make_participation(fair, other_school, participants=30)
    base = f"/events/{fair.id}/participation/{theirs.id}"
    assert coordinator_client.get(base + "/edit").status_code == 404
    assert coordinator_client.post(base + "/edit", data=counts()).status_code == 404
    assert coordinator_client.post(base + "/delete").status_code == 404
    assert db.session.get(Participation, theirs.id).participants == 30
    # Nor read it: the event page and the exports show only their own school.
    assert other_school.short_name not in text(coordinator_client.get(f"/events/{fair.id}"))
    wb = load_workbook(
        io.BytesIO(coordinator_client.get(f"/events/{fair.id}/participation.xlsx").data)
    )
    assert other_school.short_name not in str(list(wb.active.values))
    html = text(coordinator_client.get("/events/?year=2026"))
    assert numbers(tfoot(html)) == [0, 0, 0, 0, 0]


def test_coordinator_always_records_for_own_school(coordinator_client, school, other_school):
    fair = make_event()
    coordinator_client.post(
        f"/events/{fair.id}/participation/new",
        data={**counts(), "school_id": str(other_school.id)},
    )
    assert db.session.scalars(select(Participation.school_id)).all() == [school.id]
    # A second "new" goes to the existing record instead of making a duplicate.
    response = coordinator_client.get(f"/events/{fair.id}/participation/new")
    assert response.status_code == 302 and "/edit" in response.headers["Location"]


def test_coordinator_does_not_see_other_schools_events(coordinator_client, school, other_school):
    theirs = make_event(
        title="Школьный квест", level=Level.SCHOOL, form="contest", school_id=other_school.id
    )
    proposal = make_event(title="Их предложение", status=Status.PROPOSED, school_id=other_school.id)
    for event in (theirs, proposal):
        assert coordinator_client.get(f"/events/{event.id}").status_code == 404
        assert coordinator_client.get(f"/events/{event.id}/edit").status_code == 404
        assert coordinator_client.get(f"/events/{event.id}/participation/new").status_code == 404
    html = text(coordinator_client.get("/events/?year=all"))
    assert "Школьный квест" not in html and "Их предложение" not in html
    assert coordinator_client.get(f"/events/school/{other_school.id}").status_code == 404
    assert coordinator_client.get(f"/events/?school={other_school.id}").status_code == 404
    assert coordinator_client.get(f"/events/school/{school.id}").status_code == 200


def test_department_only_pages_refuse_coordinators(coordinator_client):
    event = make_event(status=Status.PROPOSED)
    fmt = reference.format_by_code("fair")
    for method, url in [
        ("get", "/events/formats"),
        ("post", "/events/formats"),
        ("get", f"/events/formats/{fmt.id}/edit"),
        ("post", f"/events/formats/{fmt.id}/active"),
        ("get", "/events/projects"),
        ("post", f"/events/{event.id}/confirm"),
        ("get", f"/events/{event.id}/merge"),
    ]:
        assert getattr(coordinator_client, method)(url).status_code == 403, url


def test_department_records_any_school(department_client, school, other_school):
    fair = make_event()
    make_participation(fair, other_school)
    page = text(department_client.get(f"/events/{fair.id}/participation/new"))
    assert school.short_name in page
    assert f'value="{other_school.id}"' not in page  # already recorded: not offered
    response = department_client.post(
        f"/events/{fair.id}/participation/new", data={**counts(), "school_id": str(school.id)}
    )
    assert response.status_code == 302
    response = department_client.post(
        f"/events/{fair.id}/participation/new",
        data={**counts(), "school_id": str(other_school.id)},
    )
    assert response.status_code == 200 and "Выберите значение из списка." in text(response)
    assert db.session.scalar(select(func.count(Participation.id))) == 2


def test_edit_and_delete_participation(coordinator_client, school):
    fair = make_event()
    pid = make_participation(fair, school, participants=5).id
    response = coordinator_client.post(
        f"/events/{fair.id}/participation/{pid}/edit", data=counts(participants=15)
    )
    assert response.status_code == 302
    assert db.session.get(Participation, pid).participants == 15
    # The participation id must belong to the event in the URL.
    other = make_event(title="Другое мероприятие")
    url = f"/events/{other.id}/participation/{pid}/edit"
    assert coordinator_client.get(url).status_code == 404
    response = coordinator_client.post(f"/events/{fair.id}/participation/{pid}/delete")
    assert response.status_code == 302
    assert db.session.get(Participation, pid) is None


# --- Proposals, duplicates, merging ---------------------------------------------------------


def test_duplicate_warning_in_list_and_on_create(coordinator_client, school):
    make_event()
    # The coordinator types the same fair, differently spelt: warned, nothing saved.
    response = coordinator_client.post(
        "/events/new", data=event_data(title="ярмарка профессий ОБРАЗОВАНИЕ и карьера")
    )
    html = text(response)
    assert response.status_code == 200
    assert "Похожее мероприятие того же уровня с той же датой уже есть" in html
    assert db.session.scalar(select(func.count(Event.id))) == 1
    # They insist: it is saved as a proposal and the list warns about the duplicate.
    response = coordinator_client.post(
        "/events/new",
        data=event_data(title="ярмарка профессий ОБРАЗОВАНИЕ и карьера", confirm_duplicate="y"),
    )
    assert response.status_code == 302
    html = text(coordinator_client.get("/events/?year=2026"))
    assert html.count("возможный дубль") == 2
    html = text(coordinator_client.get("/events/?year=2026&dups=1"))
    assert "Итого: 2 мероприятия" in html


def test_department_confirms_proposal(department_client, school):
    proposal = make_event(title="Квест «Кем быть?»", status=Status.PROPOSED, school_id=school.id)
    html = text(department_client.get("/events/?year=2026"))
    assert "1 предложение школы ждёт" in html
    assert department_client.post(f"/events/{proposal.id}/confirm").status_code == 302
    assert db.session.get(Event, proposal.id).status == Status.CONFIRMED
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "confirm"))
    assert audit.object_id == proposal.id


def test_merge_moves_participation_and_deletes_proposal(department_client, school, other_school):
    fair = make_event()
    make_participation(fair, other_school, participants=30)
    proposal_id = make_event(status=Status.PROPOSED, school_id=school.id).id
    moved_id = make_participation(
        db.session.get(Event, proposal_id), school, participants=12, ovz=2, winners=1
    ).id
    page = text(department_client.get(f"/events/{proposal_id}/merge"))
    assert f'<option selected value="{fair.id}">' in page  # the likely duplicate is preselected
    response = department_client.post(
        f"/events/{proposal_id}/merge", data={"target_id": str(fair.id)}
    )
    assert response.status_code == 302
    assert db.session.get(Event, proposal_id) is None
    assert db.session.get(Participation, moved_id).event_id == fair.id
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "merge"))
    assert audit.object_id == fair.id and audit.changes["moved"] == [moved_id]


def test_merge_refuses_when_school_already_recorded(department_client, school):
    fair = make_event()
    make_participation(fair, school, participants=10)
    proposal = make_event(status=Status.PROPOSED, school_id=school.id)
    make_participation(proposal, school, participants=12)
    response = department_client.post(
        f"/events/{proposal.id}/merge", data={"target_id": str(fair.id)}
    )
    assert response.status_code == 200
    assert f"уже есть участие: «{school.short_name}»" in text(response)
    assert db.session.get(Event, proposal.id) is not None
    assert db.session.scalar(select(func.count(Participation.id))) == 2


def test_delete_event_removes_participation(department_client, school):
    fair = make_event()
    make_participation(fair, school)
    assert department_client.post(f"/events/{fair.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count(Participation.id))) == 0


def test_coordinator_deletes_own_proposal_only_without_other_schools(
    coordinator_client, school, other_school
):
    proposal = make_event(status=Status.PROPOSED, school_id=school.id)
    make_participation(proposal, other_school)
    response = coordinator_client.post(f"/events/{proposal.id}/delete")
    assert response.status_code == 302
    assert db.session.get(Event, proposal.id) is not None


# --- Lists: filters, search, sorting, pagination, totals ------------------------------------


def test_totals_cover_the_whole_filtered_list_not_the_page(department_client, school):
    for i in range(30):  # two pages
        e = make_event(title=f"Мастер-класс № {i}", form="master_class", start=date(2026, 10, 1))
        make_participation(e, school, participants=i + 1, ovz=1, disabled=1, prizewinners=1)
    html = text(department_client.get("/events/?year=2026"))
    assert html.count('class="event-title"') == 25
    assert "Итого: 30 мероприятий" in html
    assert numbers(tfoot(html)) == [30, sum(range(1, 31)), 30, 30, 0, 30]
    page2 = text(department_client.get("/events/?year=2026&page=2"))
    assert page2.count('class="event-title"') == 5
    assert numbers(tfoot(page2)) == numbers(tfoot(html))


def test_filters_search_and_sorting(department_client, school, other_school):
    fair = make_event(project="bilet")
    trial = make_event(
        title="Профессиональная проба «Повар»", form="prof_trial", start=date(2026, 11, 12)
    )
    old = make_event(title="Старый форум", form="forum", start=date(2025, 3, 1))
    muni = make_event(
        title="Муниципальный конкурс",
        level=Level.MUNICIPAL,
        form="contest",
        start=date(2026, 12, 5),
    )
    make_participation(fair, school, participants=50)
    make_participation(trial, other_school, participants=8)
    make_participation(muni, school, participants=3)

    def titles(query: str) -> list[str]:
        html = text(department_client.get("/events/?" + query))
        return re.findall(r'<a href="/events/\d+">([^<]+)</a>', html)

    assert set(titles("year=2026")) == {fair.title, trial.title, muni.title}
    assert titles("year=2024") == [old.title]  # March 2025 is in 2024/2025
    assert set(titles("year=all")) == {fair.title, trial.title, muni.title, old.title}
    assert titles("year=2026&level=municipal") == [muni.title]
    assert titles(f"year=2026&form={trial.format_id}") == [trial.title]
    assert titles(f"year=2026&project={fair.project_id}") == [fair.title]
    assert set(titles(f"year=2026&school={school.id}")) == {fair.title, muni.title}
    assert titles("year=2026&from=2026-11-01&to=2026-11-30") == [trial.title]
    assert titles("year=all&q=ПОВАР") == [trial.title]  # Cyrillic, any case
    assert titles("year=all&q=ярмарка+профессий") == [fair.title]
    assert titles("year=2026&sort=-participants") == [fair.title, trial.title, muni.title]
    assert titles("year=2026&sort=participants") == [muni.title, trial.title, fair.title]
    assert titles("year=2026&sort=date") == [fair.title, trial.title, muni.title]
    assert titles("year=2026&sort=title")[0] == muni.title
    # Nonsense arguments are ignored, not a 500.
    response = department_client.get("/events/?year=abc&level=x&form=y&from=2026-13-45&sort=z")
    assert response.status_code == 200


def test_school_tab_lists_the_schools_events(department_client, school, other_school):
    fair = make_event()
    make_participation(fair, school, participants=12, ovz=2)
    make_participation(fair, other_school, participants=30)
    make_event(title="Без нашей школы", start=date(2026, 10, 5))
    held = make_event(
        title="Неделя профориентации",
        level=Level.SCHOOL,
        form="master_class",
        school_id=school.id,
    )
    html = text(department_client.get(f"/events/school/{school.id}?year=2026"))
    assert "Без нашей школы" not in html
    assert fair.title in html and held.title in html
    assert numbers(tfoot(html)) == [12, 2, 0, 0, 0]
    detail = text(department_client.get(f"/schools/{school.id}"))
    assert f'href="/events/school/{school.id}"' in detail


def test_navigation_and_home_panel(coordinator_client, school):
    fair = make_event(start=date.today())
    make_participation(fair, school, participants=7)
    home = text(coordinator_client.get("/"))
    assert 'href="/events/"' in home
    assert "7 участников" in home


# --- Reference data -------------------------------------------------------------------------


def test_department_extends_forms_and_projects(department_client):
    response = department_client.post(
        "/events/formats",
        data={"name": "Курсы повышения квалификации", "category": Category.TEACHER},
    )
    assert response.status_code == 302
    added = db.session.scalar(
        select(EventFormat).where(EventFormat.name == "Курсы повышения квалификации")
    )
    assert added.category == Category.TEACHER and added.code is None
    # Case-insensitive duplicate names are refused.
    response = department_client.post(
        "/events/formats", data={"name": "ярмарка ПРОФЕССИЙ", "category": "general"}
    )
    assert "Такое название уже есть в списке." in text(response)
    # Rename and hide.
    response = department_client.post(
        f"/events/formats/{added.id}/edit",
        data={"name": "Курсы ПК для педагогов", "category": Category.TEACHER},
    )
    assert response.status_code == 302
    department_client.post(f"/events/formats/{added.id}/active")
    assert db.session.get(EventFormat, added.id).active is False
    assert ">Курсы ПК для педагогов</option>" not in text(department_client.get("/events/new"))
    # Projects too.
    department_client.post("/events/projects", data={"name": "«Код будущего»"})
    assert ">«Код будущего»</option>" in text(department_client.get("/events/new"))


def test_hidden_form_stays_on_existing_event(department_client):
    event = make_event(form="exhibition")
    fmt = db.session.get(EventFormat, event.format_id)
    fmt.active = False
    db.session.commit()
    html = text(department_client.get(f"/events/{event.id}/edit"))
    assert f'<option selected value="{fmt.id}">Выставка</option>' in html


def test_teacher_event_counts_teachers(department_client, school):
    seminar = make_event(title="Семинар", form="teacher_seminar", level=Level.MUNICIPAL)
    response = department_client.post(
        f"/events/{seminar.id}/participation/new",
        data={**counts(participants=0, ovz=0, winners=0, teachers=3), "school_id": school.id},
    )
    assert response.status_code == 302
    ind = breakdown.participation_breakdown(2026, school.id)
    assert (ind.teacher_events, ind.teachers_trained) == (1, 3)


def test_pending_count_and_totals_service(school):
    make_event(status=Status.PROPOSED, school_id=school.id)
    assert queries.pending_proposals_count() == 1
    f = queries.EventFilters(year=2026)
    assert queries.list_totals(f, None).events == 1
    assert queries.list_totals(f, make_school().id).events == 0
