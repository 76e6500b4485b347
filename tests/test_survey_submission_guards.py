"""Guards of the public survey form against ballot stuffing: submission keys signed by
the server for one link and a limited time, and a ceiling on answers a link accepts per
minute that holds across worker processes and concurrent posts."""

import re
import threading
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, inspect, select, update

from proforient import create_app
from proforient.extensions import db
from proforient.surveys import campaigns
from proforient.surveys.response_models import Answer, LinkRate, OneTimeCode, Response
from proforient.surveys.tallies import differences
from proforient.surveys.throttle import take_slot, taken
from proforient.surveys.tokens import KEY_RE, KEY_SALT, new_submission_key
from tests.support.surveys import form_key, link_of, make_campaign, valid_answers


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def campaign(school):
    return make_campaign([school])


@pytest.fixture
def url(campaign, school):
    return f"/s/{link_of(campaign, school).token}"


def checked(html: str, name: str, value: str) -> bool:
    return re.search(rf'name="{name}" value="{value}" checked', html) is not None


def old_key(app, token: str, hours: float, nonce: str | None = None) -> str:
    """The key a form of `token` opened `hours` ago carries."""

    class Then(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - hours * 3600)

    signed = Then(app.secret_key, salt=KEY_SALT).sign(f"{token}.{nonce or new_submission_key()}")
    return signed.decode()[len(token) + 1 :]


# --- Signed submission keys -----------------------------------------------------------------


def test_form_carries_a_signed_key_and_only_its_nonce_is_stored(client, campaign, url):
    key = form_key(client.get(url).get_data(as_text=True))
    nonce, stamp, signature = key.split(".")
    assert KEY_RE.fullmatch(nonce) and stamp and signature
    assert key != form_key(client.get(url).get_data(as_text=True))  # cached page, fresh key
    _spec, data = valid_answers(campaign)
    assert client.post(url, data={**data, "key": key}).status_code == 303
    # No issue time is kept with the response: only the random nonce.
    assert db.session.scalars(select(Response.submission_key)).all() == [nonce]


@pytest.mark.parametrize(
    "forged",
    [
        "x" * 22,  # a made-up key of the old shape
        "AAAAAAAAAAAAAAAAAAAAAA.Zz9x1Q.bm90LWEtc2lnbmF0dXJl",  # the signed shape, made up
        "ü" * 30,
        "a" * 500,
    ],
)
def test_made_up_keys_are_refused_with_the_answers_kept(client, campaign, url, forged):
    spec, data = valid_answers(campaign, grade_index=2)
    response = client.post(url, data={**data, "key": forged})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Не удалось отправить анкету. Проверьте ответы" in html
    grade_q = spec.questions[0]
    assert checked(html, grade_q.name, str(grade_q.options[2].id))
    assert "Больше экскурсий</textarea>" in html
    fresh = form_key(html)
    assert fresh != forged
    assert count(Response) == 0
    # The fresh key of that page goes through.
    assert client.post(url, data={**data, "key": fresh}).status_code == 303
    assert count(Response) == 1


def test_a_tampered_key_is_refused(client, campaign, url):
    key = form_key(client.get(url).get_data(as_text=True))
    nonce, stamp, signature = key.split(".")
    _spec, data = valid_answers(campaign)
    for bad in (
        f"{new_submission_key()}.{stamp}.{signature}",  # another nonce
        f"{nonce}.{stamp}.{signature[:-2]}AA",  # another signature
        f"{nonce}.{signature}",  # no time
    ):
        assert "Не удалось отправить анкету" in client.post(
            url, data={**data, "key": bad}
        ).get_data(as_text=True)
    assert count(Response) == 0


def test_a_key_from_another_links_form_is_refused(client, school, other_school):
    campaign = make_campaign([school, other_school])
    here = f"/s/{link_of(campaign, school).token}"
    there = f"/s/{link_of(campaign, other_school).token}"
    key = form_key(client.get(there).get_data(as_text=True))
    _spec, data = valid_answers(campaign)
    html = client.post(here, data={**data, "key": key}).get_data(as_text=True)
    assert "Не удалось отправить анкету" in html
    assert count(Response) == 0
    assert client.post(there, data={**data, "key": key}).status_code == 303


def test_an_expired_key_shows_the_form_again_with_answers(app, client, campaign, url):
    spec, data = valid_answers(campaign, grade_index=3)
    token = url.rsplit("/", 1)[1]
    max_hours = app.config["SURVEY_KEY_MAX_AGE"] / 3600
    assert max_hours >= 3  # a slow family has a few hours
    # Just within the limit: accepted.
    assert (
        client.post(url, data={**data, "key": old_key(app, token, max_hours - 0.1)}).status_code
        == 303
    )
    response = client.post(url, data={**data, "key": old_key(app, token, max_hours + 0.1)})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Анкета была открыта слишком давно" in html
    assert checked(html, spec.questions[0].name, str(spec.questions[0].options[3].id))
    assert count(Response) == 1
    assert client.post(url, data={**data, "key": form_key(html)}).status_code == 303
    assert count(Response) == 2


def test_a_late_retry_of_a_stored_form_is_still_thanked(app, client, campaign, url, monkeypatch):
    token = url.rsplit("/", 1)[1]
    nonce = new_submission_key()
    _spec, data = valid_answers(campaign)
    # Sent in time (the form was opened 5 hours ago) …
    assert client.post(url, data={**data, "key": old_key(app, token, 5, nonce)}).status_code == 303
    # … and retried by the browser after the key's age limit: one response, thanked.
    monkeypatch.setitem(app.config, "SURVEY_KEY_MAX_AGE", 3600)
    again = client.post(url, data={**data, "key": old_key(app, token, 5, nonce)})
    assert again.status_code == 303 and again.headers["Location"].endswith("/thanks")
    assert count(Response) == 1


def test_the_blank_page_cache_gives_each_link_its_own_keys(client, school, other_school):
    campaign = make_campaign([school, other_school])
    here = f"/s/{link_of(campaign, school).token}"
    there = f"/s/{link_of(campaign, other_school).token}"
    _spec, data = valid_answers(campaign)
    for _ in range(2):  # the second round comes from the cached blank pages
        for url in (here, there, here):
            key = form_key(client.get(url).get_data(as_text=True))
            assert client.post(url, data={**data, "key": key}).status_code == 303
    assert dict(
        db.session.execute(
            select(Response.school_id, func.count()).group_by(Response.school_id)
        ).all()
    ) == {school.id: 4, other_school.id: 2}


# --- The per-link ceiling per minute --------------------------------------------------------


def submit(client, url, data) -> tuple[int, str]:
    html = client.get(url).get_data(as_text=True)
    response = client.post(url, data={**data, "key": form_key(html)})
    return response.status_code, response.get_data(as_text=True)


def test_the_default_ceiling_lets_a_class_answer_at_once(app):
    assert 30 <= app.config["SURVEY_LINK_MAX_PER_MINUTE"] <= 60


def test_above_the_ceiling_the_form_comes_back_with_answers(
    app, client, school, other_school, monkeypatch
):
    monkeypatch.setitem(app.config, "SURVEY_LINK_MAX_PER_MINUTE", 3)
    campaign = make_campaign([school, other_school])
    link = link_of(campaign, school)
    url = f"/s/{link.token}"
    spec, data = valid_answers(campaign, grade_index=4)
    for _ in range(3):
        assert submit(client, url, data)[0] == 303
    key = form_key(client.get(url).get_data(as_text=True))
    response = client.post(url, data={**data, "key": key})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"
    html = response.get_data(as_text=True)
    assert "подождите минуту и нажмите «Отправить» ещё раз" in html
    assert checked(html, spec.questions[0].name, str(spec.questions[0].options[4].id))
    assert "Больше экскурсий</textarea>" in html
    assert form_key(html) == key  # the same unused key: sending again later stores once
    assert count(Response) == 3
    assert db.session.scalar(select(func.count(Answer.id))) == 3 * 14  # nothing half-stored
    # Another school's link has its own ceiling.
    assert submit(client, f"/s/{link_of(campaign, other_school).token}", data)[0] == 303
    # A minute later the same form goes through.
    db.session.execute(
        update(LinkRate)
        .where(LinkRate.campaign_school_id == link.id)
        .values(minute=LinkRate.minute - 1)
    )
    db.session.commit()
    assert client.post(url, data={**data, "key": key}).status_code == 303
    assert client.post(url, data={**data, "key": key}).status_code == 303  # double click
    assert count(Response) == 5


def test_a_repeat_at_the_ceiling_is_thanked_not_refused(app, client, campaign, url, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_LINK_MAX_PER_MINUTE", 1)
    _spec, data = valid_answers(campaign)
    key = form_key(client.get(url).get_data(as_text=True))
    assert client.post(url, data={**data, "key": key}).status_code == 303
    assert client.post(url, data={**data, "key": key}).status_code == 303  # network retry
    assert submit(client, url, data)[0] == 429
    assert count(Response) == 1


def test_invalid_and_refused_posts_take_no_slot(app, client, campaign, url, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_LINK_MAX_PER_MINUTE", 2)
    _spec, data = valid_answers(campaign)
    for _ in range(3):
        assert client.post(url, data={**data, "key": "x" * 22}).status_code == 200
        key = form_key(client.get(url).get_data(as_text=True))
        assert client.post(url, data={"key": key}).status_code == 200  # nothing answered
    assert submit(client, url, data)[0] == 303
    assert submit(client, url, data)[0] == 303
    assert submit(client, url, data)[0] == 429


def test_one_time_codes_keep_the_link_ceiling(app, client, school, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_LINK_MAX_PER_MINUTE", 2)
    campaign = make_campaign([school], uses_codes=True)
    url = f"/s/{link_of(campaign, school).token}"
    codes = campaigns.generate_codes(link_of(campaign, school), 7, 3)
    db.session.commit()
    _spec, data = valid_answers(campaign)
    statuses = []
    for code in codes:
        html = client.get(f"{url}?code={code}").get_data(as_text=True)
        response = client.post(url, data={**data, "key": form_key(html), "code": code})
        statuses.append(response.status_code)
    assert statuses == [303, 303, 429]
    assert f'name="code" value="{codes[2]}"' in response.get_data(as_text=True)
    # The refused respondent's code is still theirs to use.
    used = dict(db.session.execute(select(OneTimeCode.code, OneTimeCode.used)).all())
    assert used == {codes[0]: True, codes[1]: True, codes[2]: False}
    assert count(Response) == 2


def test_the_ceiling_is_shared_by_worker_processes(app, client, campaign, url, monkeypatch):
    """A second app object (another gunicorn worker) sees the same count."""
    monkeypatch.setitem(app.config, "SURVEY_LINK_MAX_PER_MINUTE", 4)
    other = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SURVEY_LINK_MAX_PER_MINUTE": 4,
        }
    )
    try:
        _spec, data = valid_answers(campaign)
        second = other.test_client()
        statuses = [submit(c, url, data)[0] for c in (client, second) * 3]
        assert statuses.count(303) == 4 and statuses.count(429) == 2
    finally:
        with other.app_context():
            db.engine.dispose()
    assert count(Response) == 4


def test_the_ceiling_holds_under_concurrent_posts(app, campaign, url, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_LINK_MAX_PER_MINUTE", 5)
    spec, data = valid_answers(campaign)
    respondents = 12
    ready = threading.Barrier(respondents)
    statuses: list[int] = []

    def respondent() -> None:
        client = app.test_client()
        with app.app_context():
            key = form_key(client.get(url).get_data(as_text=True))
            ready.wait(timeout=60)
            statuses.append(client.post(url, data={**data, "key": key}).status_code)
            db.session.remove()

    threads = [threading.Thread(target=respondent) for _ in range(respondents)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses) == [303] * 5 + [429] * 7
    db.session.rollback()
    assert count(Response) == 5
    assert differences(campaign.id) == []


def test_concurrent_posts_to_several_links_sweep_old_minutes_without_deadlock(
    app, school, other_school
):
    """Links starting a new minute at once each delete the others' past rows: no
    deadlock, nothing lost, and only current minutes are left."""
    campaign = make_campaign([school, other_school])
    links = [
        (link.id, f"/s/{link.token}")
        for s in (school, other_school)
        for link in [link_of(campaign, s)]
    ]
    db.session.execute(
        LinkRate.__table__.insert(),
        [{"campaign_school_id": link_id, "minute": 5, "n": 3} for link_id, _url in links],
    )
    db.session.commit()
    _spec, data = valid_answers(campaign)
    statuses: list[int] = []
    ready = threading.Barrier(8)

    def respondent(url: str) -> None:
        client = app.test_client()
        with app.app_context():
            key = form_key(client.get(url).get_data(as_text=True))
            ready.wait(timeout=60)
            statuses.append(client.post(url, data={**data, "key": key}).status_code)
            db.session.remove()

    threads = [threading.Thread(target=respondent, args=(links[i % 2][1],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [303] * 8
    db.session.rollback()
    assert count(Response) == 8
    rows = db.session.execute(select(LinkRate.campaign_school_id, LinkRate.n)).all()
    assert sorted(rows) == sorted((link_id, 4) for link_id, _url in links)
    assert differences(campaign.id) == []


def test_past_minutes_are_forgotten(school, other_school):
    both = make_campaign([school, other_school])
    a, b = link_of(both, school).id, link_of(both, other_school).id
    conn = db.session.connection()
    assert take_slot(conn, a, 2, minute=1000) and take_slot(conn, a, 2, minute=1000)
    assert not take_slot(conn, a, 2, minute=1000)
    assert taken(conn, a, minute=1000) == 2
    # The next minute for another link: the old row of the first link goes.
    assert take_slot(conn, b, 2, minute=1001)
    assert db.session.execute(select(LinkRate.campaign_school_id, LinkRate.minute)).all() == [
        (b, 1001)
    ]
    assert take_slot(conn, a, 2, minute=1001)
    assert taken(conn, a, minute=1001) == 1
    assert take_slot(conn, a, 0, minute=1001)  # 0: no ceiling, nothing stored
    assert taken(conn, a, minute=1001) == 1
    db.session.rollback()


def test_the_rate_table_cannot_point_at_a_response():
    insp = inspect(db.engine)
    assert {c["name"] for c in insp.get_columns("link_rate")} == {
        "campaign_school_id",
        "minute",
        "n",
    }
    assert {fk["referred_table"] for fk in insp.get_foreign_keys("link_rate")} == {
        "campaign_school"
    }
    for table in ("response", "answer", "answer_text"):
        referred = {fk["referred_table"] for fk in insp.get_foreign_keys(table)}
        assert "link_rate" not in referred
