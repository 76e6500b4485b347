"""An event may name a partner; the partner page lists the events held with it."""

from datetime import date

import pytest
from sqlalchemy import func, select

from proforient.events import reference
from proforient.events.models import Event, Level
from proforient.events.models import EventStatus as Status
from proforient.extensions import db
from tests.support.agreements import make_agreement, make_partner
from tests.support.events import make_event, seed_reference


@pytest.fixture(autouse=True)
def _reference():
    seed_reference()


def _event_form(**overrides) -> dict:
    data = {
        "title": "Профессиональная проба «Лаборант химического анализа»",
        "level": Level.MUNICIPAL,
        "format_id": str(reference.format_by_code("prof_trial").id),
        "project_id": "",
        "start_date": "2026-10-22",
        "end_date": "",
        "organizer": "Невинномысский химико-технологический колледж",
        "for_students": "y",
        "grade_from": "8",
        "grade_to": "9",
        "description": "",
    }
    data.update(overrides)
    return data


def test_event_form_offers_partners_and_saves_the_choice(department_client):
    partner = make_partner(
        "ГБПОУ «Невинномысский химико-технологический колледж»", short_name="НХТК"
    )
    html = department_client.get("/events/new").get_data(as_text=True)
    assert 'name="partner_id"' in html
    assert "НХТК — ГБПОУ «Невинномысский химико-технологический колледж»" in html
    response = department_client.post("/events/new", data=_event_form(partner_id=partner.id))
    assert response.status_code == 302
    event = db.session.scalars(select(Event)).one()
    assert event.partner_id == partner.id
    detail = department_client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f"/partners/{partner.id}" in detail

    # Cleared again: the partner is optional.
    department_client.post(f"/events/{event.id}/edit", data=_event_form(partner_id=""))
    db.session.refresh(event)
    assert event.partner_id is None


def test_unknown_partner_is_a_form_error(department_client):
    response = department_client.post("/events/new", data=_event_form(partner_id="999999"))
    assert response.status_code == 200
    assert "Выберите значение из списка." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_coordinator_names_a_partner_for_a_school_event(coordinator_client, school):
    partner = make_partner("АО «Кочубеевский элеватор»", kind="employer")
    response = coordinator_client.post(
        "/events/new",
        data=_event_form(
            title="Экскурсия на элеватор",
            level=Level.SCHOOL,
            format_id=str(reference.format_by_code("excursion").id),
            partner_id=partner.id,
        ),
    )
    assert response.status_code == 302
    event = db.session.scalars(select(Event)).one()
    assert event.partner_id == partner.id and event.school_id == school.id


def test_partner_page_lists_agreements_and_events(
    client, auth, school, other_school, coordinator, department_user
):
    partner = make_partner("ГБПОУ «Невинномысский химико-технологический колледж»")
    make_agreement(school, partner, number="A-1")
    trial = make_event(
        "Профессиональная проба «Лаборант»",
        level=Level.MUNICIPAL,
        form="prof_trial",
        start=date(2026, 10, 22),
        partner_id=partner.id,
    )
    own = make_event(
        "Экскурсия в лаборатории колледжа",
        level=Level.SCHOOL,
        form="excursion",
        school_id=school.id,
        partner_id=partner.id,
    )
    foreign = make_event(
        "Экскурсия другой школы",
        level=Level.SCHOOL,
        form="excursion",
        school_id=other_school.id,
        partner_id=partner.id,
    )
    make_event("Мероприятие без партнёра", level=Level.MUNICIPAL)

    auth.login(department_user)
    html = client.get(f"/partners/{partner.id}").get_data(as_text=True)
    assert "A-1" in html
    for event in (trial, own, foreign):
        assert f"/events/{event.id}" in html
    assert "Мероприятие без партнёра" not in html
    auth.logout()

    # A coordinator sees the district events and their own school's, not another's.
    auth.login(coordinator)
    html = client.get(f"/partners/{partner.id}").get_data(as_text=True)
    assert f"/events/{trial.id}" in html and f"/events/{own.id}" in html
    assert f"/events/{foreign.id}" not in html


def test_merge_moves_events_too(department_client, school):
    survivor = make_partner("ГБПОУ «Невинномысский энергетический техникум»")
    duplicate = make_partner("Невинномысский энергетический техникум")
    make_agreement(school, duplicate)
    event = make_event(partner_id=duplicate.id, status=Status.CONFIRMED)
    event_id, survivor_id = event.id, survivor.id
    response = department_client.post(
        f"/partners/{duplicate.id}/merge", data={"survivor_id": survivor_id}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event_id).partner_id == survivor_id
    from proforient.core.audit import AuditEvent

    log = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "merge")).one()
    assert log.changes["moved"] == {"agreements": 1, "events": 1}
    assert "мероприятий: 1" in log.summary


def test_partner_with_events_is_not_deleted(department_client):
    partner = make_partner()
    event = make_event(partner_id=partner.id)
    department_client.post(f"/partners/{partner.id}/delete")
    db.session.expire_all()
    assert db.session.get(Event, event.id).partner_id == partner.id
