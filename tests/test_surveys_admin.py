"""Department and coordinator screens: questionnaires (versioning), campaigns, links,
turnout, codes, the survey-links command."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from proforient.core.timeutil import current_academic_year, local_today, utcnow
from proforient.extensions import db
from proforient.surveys import campaigns, queries
from proforient.surveys.models import Campaign, CampaignSchool, Question, Questionnaire
from proforient.surveys.response_models import OneTimeCode, Response
from tests.factories import make_school
from tests.support.queries import count_queries
from tests.support.surveys import (
    default_questionnaire,
    form_key,
    link_of,
    make_campaign,
    valid_answers,
)


def answer_once(client, campaign, school, grade_index=0):
    url = f"/s/{link_of(campaign, school).token}"
    key = form_key(client.get(url).get_data(as_text=True))
    _spec, data = valid_answers(campaign, grade_index)
    assert client.post(url, data={**data, "key": key}).status_code == 303


# --- Questionnaires -----------------------------------------------------------------------


def test_department_builds_a_questionnaire(department_client):
    response = department_client.post(
        "/surveys/questionnaires/new",
        data={"title": "Анкета для педагогов", "audience": "parents", "intro": "", "minutes": 3},
    )
    assert response.status_code == 302
    qn = db.session.scalar(
        select(Questionnaire).where(Questionnaire.title == "Анкета для педагогов")
    )
    base = f"/surveys/questionnaires/{qn.id}/questions/new"
    ok = department_client.post(
        base,
        data={
            "text": "Класс ребёнка",
            "kind": "single",
            "required": "y",
            "is_grade": "y",
            "options": "1–4\n5–9\n10–11",
        },
    )
    assert ok.status_code == 302
    department_client.post(
        base, data={"text": "Довольны ли вы?", "kind": "satisfaction", "in_index": "y"}
    )
    department_client.post(
        base,
        data={
            "text": "Что развивать?",
            "kind": "multiple",
            "options": "Пробы\nЭкскурсии",
            "allow_other": "y",
            "max_choices": "2",
        },
    )
    department_client.post(
        base, data={"text": "Оцените", "kind": "matrix", "rows": "Первое\nВторое", "in_index": "y"}
    )
    db.session.expire_all()
    kinds = [q.kind for q in qn.questions]
    assert kinds == ["single", "satisfaction", "multiple", "matrix"]
    grade, satisfaction, multiple, matrix = qn.questions
    assert [o.value for o in grade.options] == [1, 5, 10]
    assert [o.value for o in satisfaction.options] == [5, 4, 3, 2, 1]
    assert [o.label for o in multiple.options] == ["Пробы", "Экскурсии", "Другое"]
    assert multiple.options[-1].is_other and multiple.max_choices == 2
    assert [r.label for r in matrix.rows] == ["Первое", "Второе"]
    page = department_client.get(f"/surveys/questionnaires/{qn.id}").get_data(as_text=True)
    assert "[класс]" in page and "[в индекс]" in page
    preview = department_client.get(f"/surveys/questionnaires/{qn.id}/preview")
    assert preview.status_code == 200 and "Предпросмотр" in preview.get_data(as_text=True)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"text": "", "kind": "single", "options": "А\nБ"}, "Введите текст вопроса."),
        ({"text": "Вопрос", "kind": "single", "options": "Один"}, "Нужно хотя бы два варианта"),
        (
            {"text": "Класс", "kind": "single", "is_grade": "y", "options": "Пятый\n6"},
            "начинается с номера класса",
        ),
        ({"text": "Вопрос", "kind": "matrix", "rows": ""}, "Добавьте хотя бы одну строку"),
        (
            {"text": "Вопрос", "kind": "text", "in_index": "y"},
            "В индекс входят только оценки",
        ),
        (
            {"text": "Вопрос", "kind": "single", "options": "А\nБ", "max_choices": "2"},
            "Ограничение задаётся только",
        ),
        ({"text": "Класс", "kind": "single", "is_grade": "y", "options": "5\n6"}, "уже есть"),
    ],
)
def test_question_form_errors_are_russian_and_keep_input(department_client, data, message):
    qn = default_questionnaire()
    response = department_client.post(f"/surveys/questionnaires/{qn.id}/questions/new", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    if data["text"]:
        assert data["text"] in html


def test_reorder_with_up_and_down_buttons(department_client):
    qn = default_questionnaire()
    first, second = qn.questions[0], qn.questions[1]
    department_client.post(f"/surveys/questions/{second.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert [q.id for q in qn.questions[:2]] == [second.id, first.id]
    department_client.post(f"/surveys/questions/{second.id}/move", data={"direction": "down"})
    db.session.expire_all()
    assert [q.id for q in qn.questions[:2]] == [first.id, second.id]
    # the first cannot go further up
    department_client.post(f"/surveys/questions/{first.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert qn.questions[0].id == first.id


def test_questionnaire_with_answers_is_frozen_edits_make_a_new_version(
    client, department_client, school
):
    campaign = make_campaign([school])
    qn = db.session.get(Questionnaire, campaign.questionnaire_id)
    assert not queries.is_frozen(qn)
    answer_once(client, campaign, school)
    assert queries.is_frozen(qn)
    page = department_client.get(f"/surveys/questionnaires/{qn.id}").get_data(as_text=True)
    assert "Анкета используется в опросе с ответами: изменения создадут новую версию." in page
    question = qn.questions[1]
    response = department_client.post(
        f"/surveys/questions/{question.id}/edit",
        data={
            "text": "Выбрали ли вы профессию?",
            "kind": "single",
            "required": "y",
            "options": "Да\nНет",
        },
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "новой версии 2" in html
    db.session.expire_all()
    v2 = db.session.scalar(select(Questionnaire).where(Questionnaire.parent_id == qn.id))
    assert v2.version == 2 and v2.title == qn.title and qn.archived
    assert v2.questions[1].text == "Выбрали ли вы профессию?"
    assert [o.label for o in v2.questions[1].options] == ["Да", "Нет"]
    assert len(v2.questions) == len(qn.questions) == 10
    # the campaign and its answers keep the old version untouched
    assert question.text == "Выбрали ли вы будущую профессию или сферу деятельности?"
    assert db.session.get(Campaign, campaign.id).questionnaire_id == qn.id
    # the new version can be edited in place
    department_client.post(f"/surveys/questions/{v2.questions[9].id}/delete", follow_redirects=True)
    db.session.expire_all()
    assert len(v2.questions) == 9
    assert db.session.scalar(select(func.count()).select_from(Questionnaire)) == 3


def test_copy_questionnaire(department_client):
    qn = default_questionnaire("parents")
    response = department_client.post(f"/surveys/questionnaires/{qn.id}/copy")
    assert response.status_code == 302
    copy = db.session.scalar(select(Questionnaire).where(Questionnaire.parent_id == qn.id))
    assert copy.title.startswith("Копия — ") and copy.version == 1
    assert [q.text for q in copy.questions] == [q.text for q in qn.questions]
    assert [o.label for o in copy.questions[7].options] == [
        o.label for o in qn.questions[7].options
    ]
    listing = department_client.get("/surveys/questionnaires/").get_data(as_text=True)
    assert copy.title in listing


# --- Campaigns ----------------------------------------------------------------------------


def campaign_form(qn, schools, **over):
    data = {
        "questionnaire_id": qn.id,
        "audience": qn.audience,
        "academic_year": 2026,
        "title": "",
        "opens_at": "2026-11-01T08:00",
        "closes_at": "2027-05-31T23:59",
        "schools": [s.id for s in schools],
    }
    data.update(over)
    return data


def test_department_creates_a_campaign_with_links_for_schools(
    department_client, school, other_school
):
    qn = default_questionnaire()
    new_page = department_client.get("/surveys/campaigns/new").get_data(as_text=True)
    assert school.short_name in new_page and "checked" in new_page
    response = department_client.post(
        "/surveys/campaigns/new", data=campaign_form(qn, [school, other_school])
    )
    assert response.status_code == 302
    campaign = db.session.scalars(select(Campaign)).one()
    assert campaign.title == "Анкетирование обучающихся, 2026/2027 учебный год"
    # typed in Moscow time (UTC+3), stored as naive UTC
    assert campaign.opens_at.isoformat() == "2026-11-01T05:00:00"
    assert campaign.closes_at.isoformat() == "2027-05-31T20:59:00"
    assert {link.school_id for link in campaign.links} == {school.id, other_school.id}
    page = department_client.get(f"/surveys/campaigns/{campaign.id}").get_data(as_text=True)
    for link in campaign.links:
        assert f'data-copy="http://localhost/s/{link.token}" hidden' in page
    assert "идёт" in page


def test_campaign_form_errors(department_client, school):
    qn = default_questionnaire()
    wrong_audience = campaign_form(qn, [school], audience="parents")
    html = department_client.post("/surveys/campaigns/new", data=wrong_audience).get_data(
        as_text=True
    )
    assert "Эта анкета для другой аудитории" in html
    backwards = campaign_form(qn, [], closes_at="2026-10-01T08:00")
    html = department_client.post("/surveys/campaigns/new", data=backwards).get_data(as_text=True)
    assert "Окончание должно быть позже начала." in html
    assert "Выберите хотя бы одну школу." in html
    garbage = campaign_form(qn, [school], opens_at="завтра")
    html = department_client.post("/surveys/campaigns/new", data=garbage).get_data(as_text=True)
    assert "Неверное значение" in html or "Укажите дату" in html
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_campaign_form_explains_when_to_use_codes(department_client):
    html = department_client.get("/surveys/campaigns/new").get_data(as_text=True)
    assert "Открытая ссылка или одноразовые коды?" in html
    assert "Одноразовые коды выбирайте, когда от результатов что-то зависит" in html


def test_edit_keeps_schools_that_have_answers(client, department_client, school, other_school):
    campaign = make_campaign([school, other_school])
    answer_once(client, campaign, school)
    qn = db.session.get(Questionnaire, campaign.questionnaire_id)
    parents = default_questionnaire("parents")
    third = make_school("МКОУ СОШ № 12 с. Надзорного")
    data = campaign_form(qn, [third], title="Весенний опрос", uses_codes="y")
    response = department_client.post(
        f"/surveys/campaigns/{campaign.id}/edit", data=data, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "оставлена в опросе: от неё уже есть ответы" in html
    db.session.expire_all()
    assert {link.school_id for link in campaign.links} == {school.id, third.id}
    assert campaign.title == "Весенний опрос" and campaign.uses_codes
    swap = campaign_form(parents, [school], audience="parents")
    html = department_client.post(f"/surveys/campaigns/{campaign.id}/edit", data=swap).get_data(
        as_text=True
    )
    assert "анкету заменить нельзя" in html


def test_close_early_and_extend(department_client, school):
    campaign = make_campaign([school])
    department_client.post(f"/surveys/campaigns/{campaign.id}/close")
    db.session.expire_all()
    assert campaign.state() == Campaign.CLOSED
    # a closed campaign cannot be closed again
    response = department_client.post(
        f"/surveys/campaigns/{campaign.id}/close", follow_redirects=True
    )
    assert "только идущий опрос" in response.get_data(as_text=True)
    past = department_client.post(
        f"/surveys/campaigns/{campaign.id}/extend", data={"closes_at": "2020-01-01T10:00"}
    )
    assert "Укажите момент в будущем." in past.get_data(as_text=True)
    future = (local_today() + timedelta(days=10)).isoformat() + "T18:00"
    department_client.post(f"/surveys/campaigns/{campaign.id}/extend", data={"closes_at": future})
    db.session.expire_all()
    assert campaign.state() == Campaign.OPEN
    assert campaign.closes_at > utcnow() + timedelta(days=9)


# --- Turnout ------------------------------------------------------------------------------


def test_turnout_counts_responses_enrolment_rate_and_last_date(client, school, other_school):
    campaign = make_campaign([school, other_school])
    for _ in range(3):
        answer_once(client, campaign, school)
    result = queries.turnout(campaign)
    by_school = {r.school.id: r for r in result.rows}
    assert result.grades == [6, 7, 8, 9, 10, 11]
    assert by_school[school.id].responses == 3
    assert by_school[school.id].enrolment == 6 * 20  # factories: 20 per grade
    assert by_school[school.id].rate == pytest.approx(3 / 120)
    assert by_school[school.id].last_on == local_today()
    assert by_school[other_school.id].responses == 0
    assert by_school[other_school.id].last_on is None
    assert result.responses == 3 and result.enrolment == 240


def test_turnout_uses_a_fixed_number_of_queries(client):
    def queries_for(n_schools):
        schools = [make_school() for _ in range(n_schools)]
        campaign = make_campaign(schools)
        for s in schools:
            answer_once(client, campaign, s)
        db.session.expire_all()
        campaign = db.session.get(Campaign, campaign.id)
        with count_queries() as statements:
            result = queries.turnout(campaign)
        assert len(result.rows) == n_schools
        return len(statements)

    assert queries_for(2) == queries_for(7) == 4


def test_coordinator_sees_only_own_school(
    client, auth, school, other_school, coordinator, other_coordinator
):
    shared = make_campaign([school, other_school])
    foreign = make_campaign([other_school])
    answer_once(client, shared, other_school)
    auth.login(coordinator)
    listing = client.get("/surveys/").get_data(as_text=True)
    assert shared.title in listing
    assert f"/surveys/campaigns/{foreign.id}" not in listing
    page = client.get(f"/surveys/campaigns/{shared.id}").get_data(as_text=True)
    assert link_of(shared, school).token in page
    assert link_of(shared, other_school).token not in page
    assert other_school.short_name not in page
    assert client.get(f"/surveys/campaigns/{foreign.id}").status_code == 404
    assert client.get(f"/surveys/campaigns/{foreign.id}/edit").status_code == 403
    assert client.get("/surveys/questionnaires/").status_code == 403
    assert client.post(f"/surveys/campaigns/{shared.id}/close").status_code == 403


def test_codes_page_for_own_school_only(client, auth, school, other_school, coordinator):
    campaign = make_campaign([school, other_school], uses_codes=True)
    auth.login(coordinator)
    url = f"/surveys/campaigns/{campaign.id}/schools/{school.id}/codes"
    page = client.get(url + "?grade=7").get_data(as_text=True)
    assert 'value="20"' in page  # default quantity: the grade's enrolment
    response = client.post(url, data={"grade": 7, "quantity": 25}, follow_redirects=True)
    assert "Создано кодов для 7 класса: 25." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(OneTimeCode)) == 25
    bad = client.post(url, data={"grade": 7, "quantity": 0}).get_data(as_text=True)
    assert "От 1 до 500." in bad
    other = f"/surveys/campaigns/{campaign.id}/schools/{other_school.id}/codes"
    assert client.get(other).status_code == 404
    plain = make_campaign([school])
    assert client.get(f"/surveys/campaigns/{plain.id}/schools/{school.id}/codes").status_code == 404


def test_code_margin():
    assert [campaigns.code_margin(n) for n in (0, 20, 50, 51, 120)] == [5, 5, 5, 6, 12]
    assert campaigns.code_limit(120) == 132


def codes_url(campaign, school) -> str:
    return f"/surveys/campaigns/{campaign.id}/schools/{school.id}/codes"


def codes_made() -> int:
    return db.session.scalar(select(func.count()).select_from(OneTimeCode))


def test_coordinator_codes_stop_at_enrolment_plus_margin(client, auth, school, coordinator):
    campaign = make_campaign([school], uses_codes=True)  # 20 students a grade: 25 codes
    auth.login(coordinator)
    url = codes_url(campaign, school)
    too_many = client.post(url, data={"grade": 7, "quantity": 26})
    assert too_many.status_code == 200
    assert (
        "Для 7 класса можно создать ещё не больше 25 кодов: обучающихся 20, запас 5, "
        "уже создано 0." in too_many.get_data(as_text=True)
    )
    assert 'value="26"' in too_many.get_data(as_text=True)
    assert codes_made() == 0
    assert client.post(url, data={"grade": 7, "quantity": 20}).status_code == 302
    html = client.post(url, data={"grade": 7, "quantity": 6}).get_data(as_text=True)
    assert "не больше 5 кодов: обучающихся 20, запас 5, уже создано 20." in html
    assert client.post(url, data={"grade": 7, "quantity": 5}).status_code == 302
    html = client.post(url, data={"grade": 7, "quantity": 1}).get_data(as_text=True)
    assert "Для 7 класса больше кодов не создать" in html
    assert codes_made() == 25
    # Other grades have their own allowance.
    assert client.post(url, data={"grade": 8, "quantity": 25}).status_code == 302
    assert codes_made() == 50


def test_department_is_not_capped_by_enrolment(department_client, school):
    campaign = make_campaign([school], uses_codes=True)
    response = department_client.post(
        codes_url(campaign, school), data={"grade": 7, "quantity": 60}
    )
    assert response.status_code == 302
    assert codes_made() == 60


@pytest.mark.parametrize("role", ["coordinator", "department"])
def test_no_codes_on_a_closed_campaign(client, auth, school, coordinator, department_user, role):
    campaign = make_campaign(
        [school], uses_codes=True, opens_in=timedelta(days=-9), closes_in=timedelta(hours=-1)
    )
    auth.login(coordinator if role == "coordinator" else department_user)
    url = codes_url(campaign, school)
    page = client.get(url).get_data(as_text=True)
    assert "Опрос завершён" in page and 'name="quantity"' not in page
    response = client.post(url, data={"grade": 7, "quantity": 5})
    assert response.status_code == 409
    assert "новые коды не создаются" in response.get_data(as_text=True)
    assert codes_made() == 0


def test_codes_may_be_made_before_the_campaign_opens(client, auth, school, coordinator):
    campaign = make_campaign(
        [school], uses_codes=True, opens_in=timedelta(days=3), closes_in=timedelta(days=30)
    )
    auth.login(coordinator)
    response = client.post(codes_url(campaign, school), data={"grade": 9, "quantity": 20})
    assert response.status_code == 302
    assert codes_made() == 20


def test_anonymous_users_are_sent_to_login(client, school):
    campaign = make_campaign([school])
    for url in ("/surveys/", f"/surveys/campaigns/{campaign.id}", "/surveys/questionnaires/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- CLI ----------------------------------------------------------------------------------


def test_survey_links_command(runner, school, other_school):
    students = make_campaign([school, other_school])
    parents = make_campaign([school], "parents")
    make_campaign([school], opens_in=timedelta(days=-9), closes_in=timedelta(days=-1))
    result = runner.invoke(args=["survey-links", "--base-url", "https://pro.example.ru/"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 3
    rows = [line.split("\t") for line in lines]
    assert [
        school.short_name,
        "обучающиеся",
        f"https://pro.example.ru/s/{link_of(students, school).token}",
    ] in rows
    assert [
        school.short_name,
        "родители",
        f"https://pro.example.ru/s/{link_of(parents, school).token}",
    ] in rows
    only = runner.invoke(args=["survey-links", "--campaign", str(parents.id)])
    assert only.output.strip().split("\t")[2].startswith("http://127.0.0.1:5000/s/")
    assert len(only.output.strip().splitlines()) == 1
    missing = runner.invoke(args=["survey-links", "--campaign", "999"])
    assert missing.exit_code != 0 and "Опроса с id 999 нет" in missing.output


def test_demo_is_idempotent(demo_district):
    from proforient.surveys import demo

    first = demo_district.line("Анкетирование:")  # what the session's one load printed
    added = int(re.search(r"добавлено ответов: (\d+)", first).group(1))
    assert added == db.session.scalar(select(func.count()).select_from(Response)) > 5000
    assert demo.load().endswith("добавлено ответов: 0.")
    db.session.commit()
    campaigns = db.session.scalars(select(Campaign)).all()
    assert {c.audience for c in campaigns} == {"students", "parents"}
    assert len(campaigns) == 2 * len(demo.waves(local_today()))
    # Closed spring campaigns of the reporting years; open ones only of the current year.
    assert {c.academic_year for c in campaigns if c.is_open} <= {current_academic_year()}
    assert sum(c.state() == Campaign.CLOSED for c in campaigns) >= 2
    links = db.session.scalar(select(func.count()).select_from(CampaignSchool))
    assert links == len(campaigns) * 16
    grades = set(db.session.scalars(select(Response.grade).distinct()))
    assert grades <= set(range(1, 12)) and len(grades) >= 6
    assert re.search(r"\d", first)
    assert db.session.scalar(select(func.count()).select_from(Question)) >= 20


def test_home_panel_shows_open_campaigns_and_own_link(
    client, auth, school, other_school, coordinator, department_user
):
    campaign = make_campaign([school, other_school])
    make_campaign([other_school], "parents")
    answer_once(client, campaign, other_school)
    auth.login(coordinator)
    html = client.get("/").get_data(as_text=True)
    assert campaign.title in html and "Опрос parents" not in html
    assert f"/s/{link_of(campaign, school).token}" in html
    assert link_of(campaign, other_school).token not in html
    assert "0 ответов от школы" in html
    auth.logout()
    auth.login(department_user)
    html = client.get("/").get_data(as_text=True)
    assert campaign.title in html and "Опрос parents" in html and "1 ответ." in html
