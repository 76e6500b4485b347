"""The public form's caches: what another worker process changes (a questionnaire, a
campaign's window) reaches the form within the configured time, and an edit in this
process reaches it at once. Time is moved on through `caches.clock`, not waited for."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from proforient.core.timeutil import utcnow
from proforient.extensions import db
from proforient.surveys import caches
from proforient.surveys.models import Campaign, Question
from tests.support.surveys import link_of, make_campaign


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(caches, "clock", lambda: now[0])
    return now


@pytest.fixture
def campaign(school):
    campaign = make_campaign([school])
    db.session.commit()
    return campaign


def first_question(campaign) -> Question:
    return campaign.questionnaire.questions[1]


def elsewhere(stmt) -> None:
    """A change made by another worker: straight to the database, no cache dropped here."""
    db.session.execute(stmt)
    db.session.commit()


def test_a_changed_questionnaire_reaches_the_form_within_the_spec_ttl(
    app, client, campaign, school, clock
):
    url = f"/s/{link_of(campaign, school).token}"
    question = first_question(campaign)
    assert question.text in client.get(url).get_data(as_text=True)
    elsewhere(update(Question).where(Question.id == question.id).values(text="Новый текст"))

    clock[0] += app.config["SURVEY_SPEC_TTL"] - 1
    assert "Новый текст" not in client.get(url).get_data(as_text=True)  # still cached
    clock[0] += 2
    assert "Новый текст" in client.get(url).get_data(as_text=True)


def test_an_edit_in_this_process_reaches_the_form_at_once(
    department_client, campaign, school, clock
):
    url = f"/s/{link_of(campaign, school).token}"
    department_client.get(url)
    qn = campaign.questionnaire
    response = department_client.post(
        f"/surveys/questionnaires/{qn.id}/edit",
        data={
            "title": qn.title,
            "audience": qn.audience,
            "intro": "Совсем новое вступление",
            "minutes": qn.minutes,
        },
    )
    assert response.status_code == 302
    assert "Совсем новое вступление" in department_client.get(url).get_data(as_text=True)


def test_a_closed_campaign_reaches_the_form_within_the_link_ttl(
    app, client, campaign, school, clock
):
    url = f"/s/{link_of(campaign, school).token}"
    assert client.get(url).status_code == 200
    closed = utcnow() - timedelta(minutes=1)
    elsewhere(update(Campaign).where(Campaign.id == campaign.id).values(closes_at=closed))

    clock[0] += app.config["SURVEY_LINK_TTL"] - 0.5
    assert client.get(url).status_code == 200  # the link as read a moment ago
    clock[0] += 1
    assert client.get(url).status_code == 410
