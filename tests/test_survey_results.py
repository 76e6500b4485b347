"""Survey results: the aggregation service on crafted data, suppression of small groups,
a fixed number of queries, and who may see what."""

import pytest
from sqlalchemy import delete, func, select

from proforient.extensions import db
from proforient.surveys import aggregates, overview, results
from proforient.surveys.response_models import Response
from proforient.surveys.tallies import rebuild_tallies
from tests.factories import make_school, make_user
from tests.support.queries import count_queries
from tests.support.survey_results import make_survey


@pytest.fixture
def two_schools(school, other_school):
    return school, other_school


@pytest.fixture
def survey(two_schools):
    return make_survey(two_schools)


def results_for(survey, school=None, grade=None):
    filters = aggregates.Filters(school.id if school else None, grade)
    ids = [link.school_id for link in survey.campaign.links]
    return results.campaign_results(survey.campaign, filters, ids)


def question(res, q):
    return next(r for r in res.questions if r.q.id == q.id)


def line(result, label):
    return next(ln for ln in result.lines if ln.label == label)


# --- Aggregation ---------------------------------------------------------------------------


def test_single_choice_counts_and_shares(survey, school, other_school):
    survey.answer(school, single="Да", times=4)
    survey.answer(school, single="Нет", times=2)
    survey.answer(other_school, single="Нет", times=6)

    res = results_for(survey, school)
    single = question(res, survey.single)
    assert res.n == 6 and res.district_n == 12
    assert (line(single, "Да").count, line(single, "Нет").count) == (4, 2)
    assert line(single, "Да").share == pytest.approx(4 / 6)
    assert line(single, "Да").district_share == pytest.approx(4 / 12)
    assert line(single, "Нет").district_count == 8
    assert single.answered == 6 and single.district_answered == 12

    district = results_for(survey)
    assert not district.compare
    assert line(question(district, survey.single), "Нет").share == pytest.approx(8 / 12)


def test_multiple_choice_shares_of_all_respondents_and_other_texts(survey, school):
    survey.answer(school, multiple=("Пробы", "Экскурсии"), times=3)
    survey.answer(school, multiple=("Пробы",), other="Кружок робототехники")
    survey.answer(school, other="Ярмарка вакансий")
    survey.answer(school, times=3)  # skipped the optional question

    res = results_for(survey, school)
    multiple = question(res, survey.multiple)
    assert multiple.answered == 8  # the base is every respondent of the group, not ticks
    assert line(multiple, "Пробы").count == 4
    assert line(multiple, "Пробы").share == pytest.approx(4 / 8)
    assert line(multiple, "Экскурсии").share == pytest.approx(3 / 8)
    assert line(multiple, "Другое").count == 2 and line(multiple, "Другое").is_other
    assert sorted(multiple.texts) == ["Кружок робототехники", "Ярмарка вакансий"]
    assert multiple.texts_total == 2


def test_rating_mean_and_distribution(survey, school):
    for value, times in ((5, 2), (4, 1), (2, 2), (1, 1)):
        survey.answer(school, rating=value, times=times)

    rating = question(results_for(survey, school), survey.rating)
    assert rating.mean == pytest.approx((5 * 2 + 4 + 2 * 2 + 1) / 6)
    assert [ln.label for ln in rating.lines] == ["5", "4", "3", "2", "1"]
    assert [ln.count for ln in rating.lines] == [2, 1, 0, 2, 1]
    assert rating.satisfied == pytest.approx(3 / 6)


def test_matrix_means_per_row(survey, school, other_school):
    survey.answer(school, matrix={"Рассказы": 5, "Консультации": 2}, times=3)
    survey.answer(school, matrix={"Рассказы": 3, "Консультации": 4}, times=2)
    survey.answer(other_school, matrix={"Рассказы": 1, "Консультации": 1}, times=5)

    matrix = question(results_for(survey, school), survey.matrix)
    stories, talks = matrix.lines
    assert stories.mean == pytest.approx((5 * 3 + 3 * 2) / 5)
    assert talks.mean == pytest.approx((2 * 3 + 4 * 2) / 5)
    assert stories.satisfied == pytest.approx(3 / 5)
    assert talks.satisfied == pytest.approx(2 / 5)
    assert stories.district_mean == pytest.approx((5 * 3 + 3 * 2 + 5) / 10)
    assert matrix.mean == pytest.approx((21 + 14) / 10)


def test_satisfaction_level_counts_top_two_points_of_index_answers(survey, school):
    # 6 responses × (1 satisfaction + 2 matrix rows) = 18 index answers.
    survey.answer(school, satisfaction=5, matrix={"Рассказы": 4, "Консультации": 3}, times=2)
    survey.answer(school, satisfaction=4, matrix={"Рассказы": 2, "Консультации": 5}, times=1)
    survey.answer(school, satisfaction=3, matrix={"Рассказы": 1, "Консультации": 1}, times=3)
    # The rating question is not in the index: a 5 here must not count.
    survey.answer(school, grade=8, rating=5, satisfaction=1, times=1)

    res = results_for(survey, school)
    # Satisfied: (1 + 1) × 2 + (1 + 0 + 1) × 1 = 6; index answers: 18 + 1.
    assert res.index_answers == 19
    assert res.satisfaction == pytest.approx(6 / 19)
    sat = question(res, survey.satisfaction)
    assert sat.satisfied == pytest.approx(3 / 7)
    assert line(sat, "Полностью удовлетворён(а)").count == 2


def test_response_rate_uses_enrolment_of_surveyed_grades():
    # Grades 7–9 are surveyed: 10 + 20 + 30 students; other grades do not count.
    school = make_school(enrolment={g: 100 for g in range(1, 12)} | {7: 10, 8: 20, 9: 30})
    survey = make_survey([school])
    survey.answer(school, grade=7, times=6)
    survey.answer(school, grade=9, times=6)

    res = results_for(survey, school)
    assert res.enrolment == 60 and res.rate == pytest.approx(12 / 60)
    by_grade = results_for(survey, school, grade=9)
    assert by_grade.enrolment == 30 and by_grade.rate == pytest.approx(6 / 30)


def test_group_below_minimum_is_suppressed(survey, school, other_school):
    survey.answer(school, single="Да", satisfaction=5, text="Секрет", times=4)
    survey.answer(other_school, single="Нет", satisfaction=1, text="Другое мнение", times=5)

    small = results_for(survey, school)
    assert small.n == 4 and small.suppressed
    assert small.satisfaction is None
    assert not small.district_suppressed
    assert small.district_satisfaction == pytest.approx(4 / 9)
    assert all(not q.texts for q in small.questions)

    whole = results_for(survey)
    assert not whole.suppressed
    assert question(whole, survey.text).texts_total == 9


def test_grade_and_school_by_grade_groups_are_suppressed(survey, school, other_school):
    survey.answer(school, grade=7, satisfaction=5, times=6)
    survey.answer(school, grade=8, satisfaction=1, times=2)
    survey.answer(other_school, grade=8, satisfaction=1, times=2)

    assert not results_for(survey, school).suppressed
    eighth = results_for(survey, grade=8)
    assert eighth.n == 4 and eighth.suppressed and eighth.district_suppressed
    assert eighth.questions == []  # nothing aggregated for a suppressed district
    school_8 = results_for(survey, school, grade=8)
    assert school_8.suppressed and school_8.satisfaction is None
    school_7 = results_for(survey, school, grade=7)
    assert not school_7.suppressed and school_7.satisfaction == 1


def test_minimum_is_configurable(app, survey, school):
    survey.answer(school, satisfaction=5, times=3)
    app.config["SURVEY_MIN_GROUP"] = 3
    try:
        assert not results_for(survey, school).suppressed
    finally:
        app.config["SURVEY_MIN_GROUP"] = 5
    assert results_for(survey, school).suppressed


def test_latest_texts_are_capped_with_a_total(survey, school):
    for i in range(aggregates.TEXTS_SHOWN + 5):
        survey.answer(school, text=f"Ответ {i}", commit=False)
    db.session.commit()
    text = question(results_for(survey, school), survey.text)
    assert (
        len(text.texts) == aggregates.TEXTS_SHOWN and text.texts_total == aggregates.TEXTS_SHOWN + 5
    )
    assert text.texts[0] == f"Ответ {aggregates.TEXTS_SHOWN + 4}"  # newest first


def test_district_overview_rows_total_and_flags(survey, school, other_school):
    third = make_school("МКОУ ООШ № 12 х. Дальний")
    silent = make_school("МКОУ СОШ № 1 с. Тихое")
    survey = make_survey([school, other_school, third, silent])
    survey.answer(school, satisfaction=5, matrix={"Рассказы": 5, "Консультации": 5}, times=5)
    survey.answer(other_school, satisfaction=2, matrix={"Рассказы": 4, "Консультации": 1}, times=6)
    survey.answer(third, satisfaction=5, times=2)

    ov = overview.district_overview(survey.campaign)
    names = [row.school.short_name for row in ov.rows]
    assert names[:2] == [school.short_name, other_school.short_name]  # by satisfaction
    by_name = {row.school.short_name: row for row in ov.rows}
    assert by_name[school.short_name].satisfaction == 1
    assert by_name[other_school.short_name].satisfaction == pytest.approx(1 / 3)
    assert by_name[third.short_name].suppressed
    assert by_name[third.short_name].satisfaction is None
    assert [r.school.short_name for r in ov.without_responses] == [silent.short_name]
    assert ov.total.n == 13
    # The district total includes the small school's answers: 15 + 6 + 2 satisfied of 35.
    assert ov.total.satisfaction == pytest.approx(23 / 35)
    assert by_name[school.short_name].rate == pytest.approx(5 / 60)
    assert [i.label for i in ov.items][0].startswith("4. ")

    by_name_sort = overview.district_overview(survey.campaign, sort="name")
    assert [r.school.short_name for r in by_name_sort.rows] == sorted(names)


# --- A fixed number of queries ---------------------------------------------------------------


def _fill(survey, schools, per_school):
    for i in range(per_school):
        for school in schools:
            survey.answer(
                school,
                grade=7 + i % 3,
                single="Да" if i % 2 else "Нет",
                multiple=("Пробы",) if i % 3 else ("Пробы", "Экскурсии"),
                other="Своё" if i % 4 == 0 else None,
                satisfaction=1 + i % 5,
                matrix={"Рассказы": 1 + i % 5, "Консультации": 5 - i % 5},
                rating=1 + (i * 7) % 5,
                text=f"Текст {i}" if i % 2 else None,
                commit=False,
                tally=False,
            )
    rebuild_tallies(survey.campaign.id)
    db.session.commit()


def _queries(client, url) -> int:
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("page", ["results", "school", "grade", "overview"])
def test_results_pages_run_a_fixed_number_of_queries(department_client, page):
    schools = [make_school() for _ in range(3)]
    small = make_survey(schools)
    big = make_survey(schools)
    # Small but above the minimum in every group shown (a suppressed group skips the texts).
    _fill(small, schools, 4 if page in ("results", "overview") else 15)  # 12 or 45 responses
    _fill(big, schools, 67)  # 201 responses

    def url(survey):
        base = f"/surveys/campaigns/{survey.campaign.id}/results"
        return {
            "results": base,
            "school": f"{base}?school={schools[0].id}",
            "grade": f"{base}?school={schools[0].id}&grade=7",
            "overview": f"{base}/schools",
        }[page]

    counts = [_queries(department_client, url(s)) for s in (small, big, small)]
    assert counts[0] == counts[1] == counts[2], counts
    assert counts[0] <= 12
    # A new response: the same queries again (the tallies took it in at submission).
    _fill(big, schools[:1], 1)
    assert _queries(department_client, url(big)) == counts[0]


def test_results_follow_new_responses(survey, school, other_school):
    survey.answer(school, single="Да", times=5)
    survey.answer(other_school, single="Нет", times=5)
    first = results_for(survey)
    assert line(question(first, survey.single), "Да").count == 5

    survey.answer(school, single="Да", times=2)
    again = results_for(survey)
    assert again.n == 12 and line(question(again, survey.single), "Да").count == 7
    per_school = results_for(survey, other_school)
    assert line(question(per_school, survey.single), "Нет").count == 5
    assert line(question(per_school, survey.single), "Да").district_count == 7


def test_recounted_tallies_drop_deleted_responses(survey, school):
    survey.answer(school, single="Да", times=6)
    assert line(question(results_for(survey), survey.single), "Да").count == 6
    first = db.session.scalar(select(func.min(Response.id)))
    db.session.execute(delete(Response).where(Response.id == first))
    db.session.commit()
    # The app never deletes a single response; whoever does recounts (survey.answer does).
    survey.answer(school, single="Нет")  # as many responses as before, another set
    res = results_for(survey)
    assert line(question(res, survey.single), "Да").count == 5
    assert line(question(res, survey.single), "Нет").count == 1


# --- HTTP: who sees what --------------------------------------------------------------------


def test_department_sees_results_with_district_beside_school(
    department_client, survey, school, other_school
):
    survey.answer(school, single="Да", satisfaction=5, text="Больше экскурсий", times=5)
    survey.answer(other_school, single="Нет", satisfaction=1, times=5)
    base = f"/surveys/campaigns/{survey.campaign.id}/results"

    page = department_client.get(base).get_data(as_text=True)
    assert "все школы округа" in page and "50,0" in page
    page = department_client.get(f"{base}?school={school.id}").get_data(as_text=True)
    assert "100,0" in page and "Округ" in page and "Больше экскурсий" in page
    assert 'class="bar-mark"' in page


def test_coordinator_sees_only_own_school(client, auth, survey, school, other_school):
    coordinator = make_user("coord", school=school)
    auth.login(coordinator)
    survey.answer(school, satisfaction=5, text="Наш ответ", times=5)
    survey.answer(other_school, satisfaction=1, text="Чужой ответ", times=5)
    base = f"/surveys/campaigns/{survey.campaign.id}/results"

    page = client.get(base).get_data(as_text=True)
    assert school.short_name in page and "Наш ответ" in page
    assert "Чужой ответ" not in page and other_school.short_name not in page
    assert client.get(f"{base}?school={other_school.id}").status_code == 404
    assert client.get(f"{base}/schools").status_code == 403
    assert client.get(f"{base}/summary.xlsx").status_code == 403
    texts = f"{base}/questions/{survey.text.id}/texts"
    assert "Наш ответ" in client.get(texts).get_data(as_text=True)
    assert client.get(f"{texts}?school={other_school.id}").status_code == 404


def test_coordinator_of_a_school_outside_the_campaign_gets_404(client, auth, school):
    outsider = make_user("outsider")  # a school of its own, not in the campaign
    survey = make_survey([school])
    auth.login(outsider)
    base = f"/surveys/campaigns/{survey.campaign.id}"
    for url in (
        f"{base}/results",
        f"{base}/results/responses.csv",
        f"{base}/results/questions/{survey.text.id}/texts",
        f"{base}/schools/{school.id}/invitation.pdf",
    ):
        assert client.get(url).status_code == 404, url


def test_suppressed_group_shows_no_figures_and_no_texts(department_client, survey, school):
    survey.answer(school, single="Да", satisfaction=5, text="Меня можно узнать", times=4)
    base = f"/surveys/campaigns/{survey.campaign.id}/results"
    page = department_client.get(f"{base}?school={school.id}").get_data(as_text=True)
    assert "недостаточно ответов" in page
    assert "Меня можно узнать" not in page
    texts = department_client.get(f"{base}/questions/{survey.text.id}/texts?school={school.id}")
    assert "Меня можно узнать" not in texts.get_data(as_text=True)
    assert "Недостаточно ответов" in texts.get_data(as_text=True)


def test_texts_page_lists_all_texts_paginated(department_client, survey, school):
    for i in range(55):
        survey.answer(school, text=f"Мнение № {i}", commit=False)
    db.session.commit()
    url = f"/surveys/campaigns/{survey.campaign.id}/results/questions/{survey.text.id}/texts"
    first = department_client.get(url).get_data(as_text=True)
    assert "Мнение № 54" in first and "Мнение № 4<" not in first
    second = department_client.get(url + "?page=2").get_data(as_text=True)
    assert "Мнение № 4<" in second
    assert (
        department_client.get(
            f"/surveys/campaigns/{survey.campaign.id}/results/questions/999999/texts"
        ).status_code
        == 404
    )


def test_overview_page_flags_and_totals(department_client, survey, school, other_school):
    survey.answer(school, satisfaction=5, times=6)
    page = department_client.get(
        f"/surveys/campaigns/{survey.campaign.id}/results/schools"
    ).get_data(as_text=True)
    assert "нет ответов" in page and "Итого по округу" in page and "100,0" in page


def test_unknown_campaign_and_school_filter_give_404(department_client, survey):
    assert department_client.get("/surveys/campaigns/999999/results").status_code == 404
    url = f"/surveys/campaigns/{survey.campaign.id}/results?school=999999"
    assert department_client.get(url).status_code == 404
    # A grade that is not an option of the [grade] question is ignored, not a 500.
    ok = department_client.get(f"/surveys/campaigns/{survey.campaign.id}/results?grade=3")
    assert ok.status_code == 200


def test_anonymous_is_sent_to_login(client, survey):
    response = client.get(f"/surveys/campaigns/{survey.campaign.id}/results")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
