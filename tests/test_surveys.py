"""Respondent pages: submission, validation, exactly-once, codes, closed campaigns,
page weight and anonymity."""

import logging
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, inspect, select

from proforient.core.timeutil import local_today
from proforient.extensions import db
from proforient.surveys import campaigns, defaults, queries
from proforient.surveys.anonymity import RespondentLogFilter
from proforient.surveys.models import Question, Questionnaire
from proforient.surveys.response_models import Answer, AnswerText, OneTimeCode, Response
from proforient.surveys.tokens import CODE_RE, TOKEN_RE, format_code
from tests.support.surveys import form_key, link_of, make_campaign, valid_answers


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def campaign(school, other_school):
    return make_campaign([school, other_school])


@pytest.fixture
def url(campaign, school):
    return f"/s/{link_of(campaign, school).token}"


# --- Default questionnaires ----------------------------------------------------------------


def test_default_questionnaires_are_installed_once():
    assert defaults.install(db.session.connection()) in (0, 2)  # the migration made them
    assert defaults.install(db.session.connection()) == 0
    db.session.commit()
    students = db.session.scalar(
        select(Questionnaire).where(Questionnaire.title == defaults.STUDENTS_TITLE)
    )
    parents = db.session.scalar(
        select(Questionnaire).where(Questionnaire.title == defaults.PARENTS_TITLE)
    )
    assert len(students.questions) == 10 and len(parents.questions) == 10
    grade = students.questions[0]
    assert grade.is_grade and [o.value for o in grade.options] == [6, 7, 8, 9, 10, 11]
    assert [q.in_index for q in students.questions] == [False] * 4 + [True, True] + [False] * 4
    assert students.questions[7].max_choices == 2
    assert [r.label[:8] for r in students.questions[5].rows] == [
        "Рассказы",
        "Сведения",
        "Возможно",
        "Индивиду",
    ]
    assert [o.value for o in students.questions[4].options] == [5, 4, 3, 2, 1]
    assert [o.label for o in parents.questions[0].options][:2] == ["1–4", "5"]
    assert parents.questions[0].options[0].value == 1
    other = [o for o in parents.questions[7].options if o.is_other]
    assert len(other) == 1 and other[0].label == "Другое"
    assert parents.questions[9].kind == "text" and not parents.questions[9].required
    assert queries.surveyed_grades(parents.id) == list(range(1, 12))
    assert queries.surveyed_grades(students.id) == list(range(6, 12))


# --- The form -----------------------------------------------------------------------------


class _Inputs(HTMLParser):
    """Collects inputs and whether each is labelled; fieldsets and their legends."""

    def __init__(self):
        super().__init__()
        self.label_depth = 0
        self.label_for: set[str] = set()
        self.inputs: list[dict] = []
        self.fieldsets = 0
        self.legends = 0
        self.external: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label":
            self.label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag in ("input", "textarea") and a.get("type") != "hidden":
            self.inputs.append({**a, "_wrapped": self.label_depth > 0})
        elif tag == "fieldset":
            self.fieldsets += 1
        elif tag == "legend":
            self.legends += 1
        elif tag == "script":
            self.scripts += 1
        for name in ("src", "href", "action"):
            if a.get(name) and re.match(r"(https?:)?//", a[name]):
                self.external.append(a[name])

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth -= 1


@pytest.mark.parametrize("audience", ["students", "parents"])
def test_form_is_accessible_light_and_self_contained(client, school, audience):
    campaign = make_campaign([school], audience)
    response = client.get(f"/s/{link_of(campaign, school).token}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert school.short_name in html
    assert "анонимная" in html and "около 5 минут" in html
    assert "Set-Cookie" not in response.headers  # no cookie, no session
    parser = _Inputs()
    parser.feed(html)
    assert parser.inputs
    for field in parser.inputs:
        assert field["_wrapped"] or field.get("id") in parser.label_for, field
    assert parser.fieldsets == parser.legends >= 9
    assert parser.external == [] and parser.scripts == 0
    css = client.get(re.search(r'href="(/static/css/survey\.css[^"]*)"', html).group(1))
    assert css.status_code == 200
    weight = len(response.data) + len(css.data)
    assert weight <= 30 * 1024, weight


def test_matrix_rows_are_fieldsets_with_legends(client, campaign, url):
    html = client.get(url).get_data(as_text=True)
    for label in ("Рассказы о профессиях", "Возможность попробовать себя в профессии"):
        assert re.search(r'<fieldset class="row"><legend>' + label, html)


def test_unknown_token_is_404_in_russian(client, campaign):
    response = client.get("/s/" + "a" * 20)
    assert response.status_code == 404
    assert "Ссылка не найдена" in response.get_data(as_text=True)
    assert client.get("/s/not-a-token").status_code == 404


# --- Submission ---------------------------------------------------------------------------


def test_valid_submission_is_stored_anonymously_and_thanked(client, campaign, url, school):
    key = form_key(client.get(url).get_data(as_text=True))
    spec, data = valid_answers(campaign, grade_index=2)
    response = client.post(url, data={**data, "key": key})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url + "/thanks")
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Спасибо" in thanks and "Ответить ещё раз" in thanks
    stored = db.session.scalars(select(Response)).one()
    assert (stored.campaign_id, stored.school_id, stored.grade) == (campaign.id, school.id, 8)
    assert stored.submitted_on == local_today()
    # grade 1 + two singles 2 + multiple 2 + satisfaction 1 + matrix 4 + rating 1
    # + multiple 2 + single 1 = 14 rows; the text goes to answer_text
    assert count(Answer) == 14
    assert db.session.scalars(select(AnswerText.text)).all() == ["Больше экскурсий"]
    satisfaction = next(q for q in spec.questions if q.kind == "satisfaction")
    value = db.session.scalar(select(Answer.value).where(Answer.question_id == satisfaction.id))
    assert value == 5


def test_errors_are_listed_and_answers_kept(client, campaign, url):
    key = form_key(client.get(url).get_data(as_text=True))
    spec, data = valid_answers(campaign)
    grade_q, career_q = spec.questions[0], spec.questions[1]
    satisfaction_q = next(q for q in spec.questions if q.kind == "satisfaction")
    matrix_q = next(q for q in spec.questions if q.kind == "matrix")
    del data[satisfaction_q.name]
    del data[f"{matrix_q.name}_r{matrix_q.rows[-1].id}"]
    influence_q = spec.questions[7]
    data[influence_q.name] = [str(o.id) for o in influence_q.options[:3]]  # max 2
    response = client.post(url, data={**data, "key": key})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Анкета не отправлена" in html
    assert f'<a href="#{satisfaction_q.name}">Вопрос 5: Выберите ответ.</a>' in html
    assert "Оцените и оставшиеся строки (1)." in html
    assert "Выберите не больше 2 вариантов." in html
    assert f'id="{satisfaction_q.name}-e"' in html
    # what was chosen is still chosen, the text still typed, the same key kept
    assert re.search(rf'name="{grade_q.name}" value="{grade_q.options[0].id}" checked', html)
    assert re.search(rf'name="{career_q.name}" value="{career_q.options[0].id}" checked', html)
    first_row = f"{matrix_q.name}_r{matrix_q.rows[0].id}"
    assert re.search(rf'name="{first_row}" value="5" checked', html)
    for option in influence_q.options[:3]:
        assert re.search(rf'name="{influence_q.name}" value="{option.id}" checked', html)
    assert "Больше экскурсий</textarea>" in html
    assert form_key(html) == key
    assert count(Response) == 0


def test_text_longer_than_500_is_refused_and_kept(client, campaign, url):
    key = form_key(client.get(url).get_data(as_text=True))
    _spec, data = valid_answers(campaign, text="я" * 501)
    html = client.post(url, data={**data, "key": key}).get_data(as_text=True)
    assert "Не больше 500 знаков (сейчас 501)." in html
    assert count(Response) == 0


def test_other_option_needs_its_text(client, school):
    campaign = make_campaign([school], "parents")
    url = f"/s/{link_of(campaign, school).token}"
    key = form_key(client.get(url).get_data(as_text=True))
    spec, data = valid_answers(campaign)
    forms_q = spec.questions[7]
    other = next(o for o in forms_q.options if o.is_other)
    data[forms_q.name] = [str(other.id)]
    html = client.post(url, data={**data, "key": key}).get_data(as_text=True)
    assert "Напишите свой вариант в поле «Другое»." in html
    data[forms_q.name + "_other"] = "Кружки робототехники"
    assert client.post(url, data={**data, "key": key}).status_code == 303
    texts = db.session.scalars(select(AnswerText.text)).all()
    assert "Кружки робототехники" in texts
    assert db.session.scalar(select(Answer.id).where(Answer.option_id == other.id))


def test_repeated_submission_key_stores_one_response(client, campaign, url):
    key = form_key(client.get(url).get_data(as_text=True))
    _spec, data = valid_answers(campaign)
    first = client.post(url, data={**data, "key": key})
    again = client.post(url, data={**data, "key": key})  # double click, refresh, retry
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert count(Response) == 1
    assert count(Answer) == 14
    # «Ответить ещё раз» gives a fresh form with a fresh key: a second response.
    key2 = form_key(client.get(url).get_data(as_text=True))
    assert key2 != key
    assert client.post(url, data={**data, "key": key2}).status_code == 303
    assert count(Response) == 2


@pytest.mark.parametrize("key", ["", "short", "x" * 22 + "'", "a" * 40])
def test_malformed_key_shows_the_form_again(client, campaign, url, key):
    _spec, data = valid_answers(campaign)
    response = client.post(url, data={**data, "key": key})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Не удалось отправить анкету" in html
    assert form_key(html) != key
    assert count(Response) == 0


def test_answers_to_other_questionnaires_are_ignored(client, school):
    students = make_campaign([school], "students")
    parents = make_campaign([school], "parents")
    url = f"/s/{link_of(students, school).token}"
    key = form_key(client.get(url).get_data(as_text=True))
    _spec, data = valid_answers(students)
    pspec, _pdata = valid_answers(parents)
    grade_q = next(q for q in _spec.questions if q.is_grade)
    data[grade_q.name] = str(pspec.questions[0].options[0].id)  # an option of another question
    html = client.post(url, data={**data, "key": key}).get_data(as_text=True)
    assert "Вопрос 1: Выберите ответ." in html
    assert count(Response) == 0


# --- Window -------------------------------------------------------------------------------


def test_closed_campaign_refuses_politely(client, school):
    campaign = make_campaign(
        [school], opens_in=timedelta(days=-10), closes_in=timedelta(minutes=-1)
    )
    url = f"/s/{link_of(campaign, school).token}"
    response = client.get(url)
    assert response.status_code == 410
    assert "Опрос завершён" in response.get_data(as_text=True)
    _spec, data = valid_answers(campaign)
    assert client.post(url, data={**data, "key": "k" * 22}).status_code == 410
    assert count(Response) == 0


def test_not_yet_open_campaign_says_when(client, school):
    campaign = make_campaign([school], opens_in=timedelta(days=2), closes_in=timedelta(days=9))
    response = client.get(f"/s/{link_of(campaign, school).token}")
    assert response.status_code == 200
    assert "Опрос ещё не начался" in response.get_data(as_text=True)


def test_closing_early_stops_answers(client, campaign, url):
    key = form_key(client.get(url).get_data(as_text=True))
    assert campaigns.close_early(campaign)
    db.session.commit()
    _spec, data = valid_answers(campaign)
    assert client.post(url, data={**data, "key": key}).status_code == 410
    assert count(Response) == 0


# --- One-time codes -----------------------------------------------------------------------


@pytest.fixture
def coded(school):
    campaign = make_campaign([school], uses_codes=True)
    link = link_of(campaign, school)
    codes = campaigns.generate_codes(link, 7, 3)
    db.session.commit()
    return campaign, f"/s/{link.token}", codes


def test_codes_are_generated_unique_and_unambiguous(coded, school):
    campaign, _url, codes = coded
    assert len(set(codes)) == 3 and all(CODE_RE.fullmatch(c) for c in codes)
    assert not any(ch in "".join(codes) for ch in "01OIL")
    link = link_of(campaign, school)
    more = campaigns.generate_codes(link, 8, 20)
    assert queries.code_summary(link) == {7: (3, 0), 8: (20, 0)}
    assert not set(more) & set(codes)
    assert format_code("ABCD2345") == "ABCD-2345"


def test_code_entry_then_answer_once(client, coded):
    campaign, url, codes = coded
    page = client.get(url).get_data(as_text=True)
    assert "Введите код с листка" in page
    unknown = client.get(url + "?code=ZZZZZZZZ").get_data(as_text=True)
    assert "Такого кода нет" in unknown
    # typed from paper: lower case, with the dash
    code = codes[0]
    html = client.get(url + f"?code={format_code(code).lower()}").get_data(as_text=True)
    assert f'name="code" value="{code}"' in html
    # someone else opens a form with the same code (a copied slip) before it is used
    second = client.get(url + f"?code={code}").get_data(as_text=True)
    _spec, data = valid_answers(campaign)
    first = client.post(url, data={**data, "key": form_key(html), "code": code})
    assert first.status_code == 303
    assert db.session.scalar(select(OneTimeCode.used).where(OneTimeCode.code == code)) is True
    # the same form again (double click): thank-you page, still one response
    assert client.post(url, data={**data, "key": form_key(html), "code": code}).status_code == 303
    # the same code in another form: refused
    again = client.post(url, data={**data, "key": form_key(second), "code": code})
    assert again.status_code == 409
    assert "По этому коду уже ответили" in again.get_data(as_text=True)
    assert "По этому коду уже ответили" in client.get(url + f"?code={code}").get_data(as_text=True)
    assert count(Response) == 1
    assert db.session.scalar(select(func.count()).where(OneTimeCode.used)) == 1


def test_a_code_of_another_school_is_unknown(client, coded, other_school):
    _campaign, _url, codes = coded
    other = make_campaign([other_school], uses_codes=True)
    other_url = f"/s/{link_of(other, other_school).token}"
    assert "Такого кода нет" in client.get(other_url + f"?code={codes[0]}").get_data(as_text=True)


# --- Anonymity ----------------------------------------------------------------------------


def test_schema_keeps_answers_anonymous():
    insp = inspect(db.engine)
    forbidden = re.compile(r"ip|addr|agent|cookie|session|user|time|_at$|code|token")
    for table in ("response", "answer", "answer_text"):
        columns = insp.get_columns(table)
        names = [c["name"] for c in columns]
        assert not [n for n in names if forbidden.search(n)], (table, names)
        assert not [c for c in columns if "TIME" in str(c["type"]).upper()], table
    response_cols = [c["name"] for c in insp.get_columns("response")]
    assert sorted(response_cols) == [
        "campaign_id",
        "grade",
        "id",
        "school_id",
        "submission_key",
        "submitted_on",
    ]
    # No path from a code to a response: no foreign key either way, no shared column.
    code_fks = {fk["referred_table"] for fk in insp.get_foreign_keys("one_time_code")}
    assert code_fks == {"campaign_school"}
    for table in ("response", "answer", "answer_text"):
        referred = {fk["referred_table"] for fk in insp.get_foreign_keys(table)}
        assert "one_time_code" not in referred
    code_cols = {c["name"] for c in insp.get_columns("one_time_code")}
    assert code_cols == {"id", "campaign_school_id", "grade", "code", "used"}


def test_responses_are_not_audited(client, campaign, url):
    from proforient.core.audit import AuditEvent

    key = form_key(client.get(url).get_data(as_text=True))
    _spec, data = valid_answers(campaign)
    client.post(url, data={**data, "key": key})
    types = set(db.session.scalars(select(AuditEvent.object_type)))
    assert not types & {"Response", "Answer", "AnswerText", "OneTimeCode"}


def test_dev_server_log_has_no_ip_or_code_for_respondent_pages():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '192.168.1.15 - - [26/Nov/2026 10:00:00] "%s" %s %s\n',
        ("GET /s/abcdefghjkmnpqrstuvw?code=ABCD2345 HTTP/1.1", "200", "-"),
        None,
    )
    RespondentLogFilter().filter(record)
    line = record.getMessage()
    assert "192.168" not in line and "ABCD2345" not in line
    assert "/s/abcdefghjkmnpqrstuvw" in line
    other = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '10.0.0.1 - - [26/Nov/2026 10:00:00] "%s" %s %s\n',
        ("GET /schools/ HTTP/1.1", "200", "-"),
        None,
    )
    RespondentLogFilter().filter(other)
    assert "10.0.0.1" in other.getMessage()


def test_tokens_are_long_random_and_unambiguous(campaign):
    tokens = [link.token for link in campaign.links]
    assert all(TOKEN_RE.fullmatch(t) for t in tokens)
    assert len(set(tokens)) == len(tokens)
    assert not any(ch in "".join(tokens) for ch in "01oil")


def test_a_questionnaire_changed_under_the_respondent_asks_again(client, campaign, url):
    html = client.get(url).get_data(as_text=True)
    spec, data = valid_answers(campaign)
    # The department edits the (not yet answered) questionnaire: an option disappears.
    career = db.session.get(Question, spec.questions[1].id)
    removed = career.options[0]
    career.options.remove(removed)
    db.session.commit()
    response = client.post(url, data={**data, "key": form_key(html)})
    assert response.status_code == 200
    assert "Анкета только что изменилась" in response.get_data(as_text=True)
    assert count(Response) == 0
