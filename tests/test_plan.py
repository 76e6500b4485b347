"""The action plan: items, yearly execution and links to registry events."""

from datetime import date
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from proforient.core.audit import AuditEvent
from proforient.events.models import Event, EventStatus, Level
from proforient.events.reference import ensure_reference_data, format_by_code
from proforient.extensions import db
from proforient.plan import demo, services
from proforient.plan.models import PlanExecution, PlanItem, plan_execution_event, sort_key_for
from tests.support.queries import count_queries

YEAR = 2025


def text(response) -> str:
    return response.get_data(as_text=True)


def make_event(title: str, start: date, status: str = EventStatus.CONFIRMED) -> Event:
    ensure_reference_data()
    event = Event(
        title=title,
        level=Level.MUNICIPAL,
        format_id=format_by_code("fair").id,
        start_date=start,
        end_date=start,
        status=status,
    )
    db.session.add(event)
    db.session.commit()
    return event


def seeded() -> dict[str, PlanItem]:
    services.seed_default_items()
    db.session.commit()
    return {i.number: i for i in db.session.scalars(select(PlanItem))}


def test_plan_is_for_the_department_only(coordinator_client):
    item = seeded()["3.3"]
    for url in (
        "/plan/",
        "/plan/items/new",
        f"/plan/items/{item.id}/edit",
        f"/plan/items/{item.id}/{YEAR}",
        f"/plan/{YEAR}.xlsx",
    ):
        assert coordinator_client.get(url).status_code == 403, url
    assert coordinator_client.post("/plan/seed").status_code == 403
    assert coordinator_client.post(f"/plan/items/{item.id}/delete").status_code == 403


def test_default_items_are_seeded_once_in_number_order(department_client):
    page = text(department_client.get("/plan/"))
    assert "Добавить типовые пункты" in page
    department_client.post("/plan/seed")
    department_client.post("/plan/seed")
    assert db.session.scalar(select(func.count(PlanItem.id))) == 14
    rows = services.plan_rows(YEAR)
    assert [r.item.number for r in rows] == [
        "1.1",
        "2.1",
        "2.2",
        *[f"3.{n}" for n in range(1, 10)],
        "4.1",
        "4.2",
    ]
    page = text(department_client.get(f"/plan/?year={YEAR}"))
    assert "«Билет в будущее»" in page and "«Россия — мои горизонты»" in page
    assert "3. Профориентационные мероприятия" in page
    assert "не отмечено — 14" in page


def test_numbers_sort_as_numbers():
    assert sort_key_for("3.10") > sort_key_for("3.9") > sort_key_for("3.1")
    seeded()
    db.session.add(PlanItem(number="3.10", title="Ещё одно мероприятие"))
    db.session.commit()
    numbers = [r.item.number for r in services.plan_rows(YEAR)]
    assert numbers.index("3.10") == numbers.index("3.9") + 1


def test_item_create_edit_and_number_rules(department_client):
    seeded()
    r = department_client.post(
        "/plan/items/new",
        data={"number": "3.10", "title": "Профориентационная смена в лагере", "deadline": "июнь"},
    )
    assert r.status_code == 302
    item = db.session.scalar(select(PlanItem).where(PlanItem.number == "3.10"))
    assert item.deadline == "июнь"

    r = department_client.post("/plan/items/new", data={"number": "3.3", "title": "Дубль"})
    assert "Пункт 3.3 уже есть в плане." in text(r)
    r = department_client.post("/plan/items/new", data={"number": "три", "title": "x"})
    assert "Номер — числа через точку" in text(r)
    assert 'value="три"' in text(r)
    r = department_client.post("/plan/items/new", data={"number": "5.1", "title": ""})
    assert "Введите наименование мероприятия." in text(r)

    r = department_client.post(
        f"/plan/items/{item.id}/edit",
        data={"number": "3.10", "title": "Профильная смена", "responsible": "Отдел образования"},
    )
    assert r.status_code == 302
    db.session.refresh(item)
    assert item.title == "Профильная смена" and item.responsible == "Отдел образования"
    r = department_client.post(f"/plan/items/{item.id}/edit", data={"number": "3.9", "title": "x"})
    assert "уже есть в плане" in text(r)


def test_execution_with_note_and_events_of_the_year(department_client):
    item = seeded()["3.3"]
    fair = make_event("Ярмарка профессий «Образование и карьера»", date(2026, 3, 18))
    other = make_event("Ярмарка вакансий", date(2026, 4, 9))
    last_year = make_event("Ярмарка 2024 года", date(2025, 3, 20))
    proposal = make_event("Школьная ярмарка", date(2026, 3, 1), EventStatus.PROPOSED)
    url = f"/plan/items/{item.id}/{YEAR}"

    page = text(department_client.get(url))
    assert fair.title in page and other.title in page
    assert last_year.title not in page  # another academic year
    assert proposal.title not in page  # not confirmed by the department

    r = department_client.post(url, data={"note": "Без отметки"})
    assert "Отметьте исполнение." in text(r) and "Без отметки" in text(r)

    r = department_client.post(
        url,
        data={
            "status": "done",
            "note": "Проведена 18.03.2026",
            "events": [str(fair.id), str(last_year.id), str(proposal.id)],
        },
    )
    assert r.status_code == 302
    execution = services.get_execution(item.id, YEAR)
    assert execution.status == "done" and execution.note == "Проведена 18.03.2026"
    # Only the offered events (this year's, confirmed) are linked.
    assert services.linked_event_ids(execution) == {fair.id}

    page = text(department_client.get(f"/plan/?year={YEAR}"))
    assert "выполнено — 1" in page and fair.title in page and "Проведена 18.03.2026" in page
    assert f"/events/{fair.id}" in page

    r = department_client.post(
        url, data={"status": "in_progress", "note": "", "events": [str(other.id)]}
    )
    assert r.status_code == 302
    db.session.refresh(execution)
    assert execution.status == "in_progress"
    assert services.linked_event_ids(execution) == {other.id}
    audit = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "PlanExecution", AuditEvent.action == "link_events")
        .order_by(AuditEvent.id)  # PostgreSQL promises no order without it
    ).all()
    assert [a.changes for a in audit] == [
        {"added": [fair.id], "removed": []},
        {"added": [other.id], "removed": [fair.id]},
    ]

    # Another year is recorded separately.
    r = department_client.post(f"/plan/items/{item.id}/{YEAR + 1}", data={"status": "not_done"})
    assert r.status_code == 302
    assert services.status_counts(YEAR)["in_progress"] == 1
    assert services.status_counts(YEAR + 1)["not_done"] == 1


def test_deleting_an_event_or_item_drops_the_links(department_client):
    item = seeded()["3.3"]
    fair = make_event("Ярмарка профессий", date(2026, 3, 18))
    department_client.post(
        f"/plan/items/{item.id}/{YEAR}", data={"status": "done", "events": [str(fair.id)]}
    )
    links = select(func.count()).select_from(plan_execution_event)
    assert db.session.scalar(links) == 1
    db.session.delete(db.session.get(Event, fair.id))
    db.session.commit()
    assert db.session.scalar(links) == 0
    assert services.get_execution(item.id, YEAR) is not None

    fair = make_event("Ярмарка профессий", date(2026, 3, 18))
    department_client.post(
        f"/plan/items/{item.id}/{YEAR}", data={"status": "done", "events": [str(fair.id)]}
    )
    r = department_client.post(f"/plan/items/{item.id}/delete")
    assert r.status_code == 302
    assert db.session.scalar(links) == 0
    assert db.session.scalar(select(func.count(PlanExecution.id))) == 0
    assert db.session.get(Event, fair.id) is not None


def test_plan_rows_and_links_in_fixed_queries():
    items = seeded()
    fair = make_event("Ярмарка профессий", date(2026, 3, 18))
    for number in ("3.1", "3.2", "3.3"):
        execution = services.save_execution(items[number], YEAR, "done", "")
        services.set_linked_events(execution, [fair.id])
    db.session.commit()
    with count_queries() as seen:
        rows = services.plan_rows(YEAR)
        links = services.linked_events([r.execution.id for r in rows if r.execution])
    assert len(seen) == 2
    assert len(links) == 3 and all(evs[0].title == "Ярмарка профессий" for evs in links.values())


def test_export_lists_every_item_with_execution(department_client):
    items = seeded()
    fair = make_event("Ярмарка профессий", date(2026, 3, 18))
    execution = services.save_execution(items["3.3"], YEAR, "done", "Проведена")
    services.set_linked_events(execution, [fair.id])
    db.session.commit()
    r = department_client.get(f"/plan/{YEAR}.xlsx")
    assert r.status_code == 200
    ws = load_workbook(BytesIO(r.data))["План"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 14
    row = next(r for r in rows if r[0] == "3.3")
    assert row[4:7] == ("выполнено", "Проведена", "Ярмарка профессий")
    assert next(r for r in rows if r[0] == "1.1")[4] == "не отмечено"


def test_demo_is_idempotent(demo_district):
    first = db.session.scalar(select(func.count(PlanExecution.id)))
    demo.load()
    db.session.commit()
    assert first == 28  # every item, in the reporting year and the year before
    assert db.session.scalar(select(func.count(PlanExecution.id))) == 28
