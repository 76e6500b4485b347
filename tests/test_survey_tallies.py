"""Answer tallies: kept by submission in the response's transaction, equal to a GROUP BY
over the answers, untouched by refused submissions, backfilled by migration 0008,
recounted by `rebuild_tallies`, checked by `flask survey-tallies`."""

import importlib.util
import threading
from pathlib import Path

import pytest
from sqlalchemy import delete, func, inspect, select, update

from proforient.extensions import db
from proforient.surveys import campaigns
from proforient.surveys.response_models import (
    NO_GRADE,
    NO_OPTION,
    NO_ROW,
    NO_VALUE,
    Answer,
    AnswerTally,
    Response,
)
from proforient.surveys.spec import build_spec
from proforient.surveys.tallies import (
    KEY,
    answer_counts,
    differences,
    rebuild_tallies,
    tally_rows,
)
from proforient.surveys.tokens import format_code
from tests.support.survey_results import make_survey
from tests.support.surveys import form_key, link_of, make_campaign

MIGRATION = Path(__file__).resolve().parent.parent / "migrations/versions/0008_answer_tally.py"


def stored(campaign_id: int | None = None) -> dict[tuple, int]:
    stmt = select(*(getattr(AnswerTally, k) for k in KEY), AnswerTally.n)
    if campaign_id is not None:
        stmt = stmt.where(AnswerTally.campaign_id == campaign_id)
    return {tuple(row[:-1]): row[-1] for row in db.session.execute(stmt)}


def counted(campaign_id: int | None = None) -> dict[tuple, int]:
    return {tuple(row[:-1]): row[-1] for row in db.session.execute(answer_counts(campaign_id))}


def varied_answers(spec, i: int) -> dict[str, object]:
    """The i-th respondent's answers: every kind of question, choices rotating with i,
    «Другое» with its text every third time, the free text every other time."""
    data: dict[str, object] = {}
    for q in spec.questions:
        if q.kind in ("single", "satisfaction"):
            option = q.options[i % len(q.options)]
            data[q.name] = str(option.id)
            if option.is_other:
                data[f"{q.name}_other"] = f"Свой ответ {i}"
        elif q.kind == "multiple":
            plain = [o for o in q.options if not o.is_other]
            other = next((o for o in q.options if o.is_other), None)
            limit = q.max_choices or len(plain)
            chosen = [plain[(i + k) % len(plain)] for k in range(1 + i % min(2, limit))]
            if other is not None and i % 3 == 0:
                chosen = chosen[: limit - 1] + [other]
                data[f"{q.name}_other"] = f"Другое мнение {i}"
            data[q.name] = [str(o.id) for o in chosen]
        elif q.kind == "rating":
            data[q.name] = str(1 + i % 5)
        elif q.kind == "matrix":
            for j, row in enumerate(q.rows):
                data[f"{q.name}_r{row.id}"] = str(1 + (i + j) % 5)
        elif q.kind == "text" and i % 2:
            data[q.name] = f"Текст {i}"
    return data


def submit_over_http(client, campaign, school, i: int, code: str = "") -> str:
    """GET the form, POST the i-th answers; returns the key used."""
    url = f"/s/{link_of(campaign, school).token}"
    html = client.get(url + (f"?code={code}" if code else "")).get_data(as_text=True)
    key = form_key(html)
    data = {**varied_answers(build_spec(campaign.questionnaire_id), i), "key": key}
    if code:
        data["code"] = code
    response = client.post(url, data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return key


# --- Submission keeps the tallies ---------------------------------------------------------


@pytest.mark.parametrize("audience", ["students", "parents"])
def test_tallies_after_http_submissions_equal_the_answers(client, school, other_school, audience):
    # Students: grades 6–11, matrix, ratings; parents: grade bands, «Другое» with text.
    campaign = make_campaign([school, other_school], audience)
    for i in range(12):
        submit_over_http(client, campaign, school if i % 3 else other_school, i)

    tallies = stored(campaign.id)
    assert tallies and tallies == counted(campaign.id)
    assert sum(tallies.values()) == db.session.scalar(select(func.count()).select_from(Answer))
    assert differences() == []
    # The response's grade is part of the key; every response has one here.
    grades = {g for _c, _s, g, *_rest in tallies}
    assert NO_GRADE not in grades
    assert grades == set(db.session.scalars(select(Response.grade).distinct()))
    # Ratings have no option and no row; matrix rows no option; choices no row.
    spec = build_spec(campaign.questionnaire_id)
    kinds = {q.id: q.kind for q in spec.questions}
    for _c, _s, _g, question_id, option_id, row_id, value in tallies:
        kind = kinds[question_id]
        if kind == "rating":
            assert (option_id, row_id) == (NO_OPTION, NO_ROW) and 1 <= value <= 5
        elif kind == "matrix":
            assert option_id == NO_OPTION and row_id != NO_ROW and 1 <= value <= 5
        else:
            assert option_id != NO_OPTION and row_id == NO_ROW
    # «Другое» of the parents' multiple choice is counted like any option.
    if audience == "parents":
        other = next(o for q in spec.questions for o in q.options if o.is_other)
        n_other = sum(n for key, n in tallies.items() if key[4] == other.id)
        assert n_other == len([i for i in range(12) if i % 3 == 0])
        # Options without a score (plain choices) carry the «no value» sentinel.
        assert tallies[next(k for k in tallies if k[4] == other.id)] >= 1
        assert next(k for k in tallies if k[4] == other.id)[6] == NO_VALUE


def test_concurrent_submissions_are_each_counted_once(app, school):
    """Threads submitting at once to one school (shared tally rows): no deadlock, no lost
    or doubled count (each request has its own app context, session and connection)."""
    campaign = make_campaign([school])
    spec = build_spec(campaign.questionnaire_id)
    url = f"/s/{link_of(campaign, school).token}"
    errors: list[str] = []

    def respondent(first: int) -> None:
        client = app.test_client()
        with app.app_context():  # the test client commits its thread's session after each
            for i in range(first, first + 6):
                key = form_key(client.get(url).get_data(as_text=True))
                response = client.post(url, data={**varied_answers(spec, i), "key": key})
                if response.status_code != 303:
                    errors.append(f"{i}: {response.status_code}")
            db.session.remove()

    threads = [threading.Thread(target=respondent, args=(k * 6,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    db.session.rollback()  # a fresh snapshot
    assert db.session.scalar(select(func.count()).select_from(Response)) == 24
    assert stored(campaign.id) == counted(campaign.id)


def test_a_repeated_submission_key_leaves_tallies_unchanged(client, school):
    campaign = make_campaign([school])
    url = f"/s/{link_of(campaign, school).token}"
    submit_over_http(client, campaign, school, 1)
    html = client.get(url).get_data(as_text=True)
    data = {**varied_answers(build_spec(campaign.questionnaire_id), 2), "key": form_key(html)}
    assert client.post(url, data=data).status_code == 303
    before = stored(campaign.id)
    for _ in range(3):  # double click, refresh, network retry
        assert client.post(url, data=data).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Response)) == 2
    assert stored(campaign.id) == before == counted(campaign.id)


def test_a_reused_one_time_code_leaves_tallies_unchanged(client, school):
    campaign = make_campaign([school], uses_codes=True)
    codes = campaigns.generate_codes(link_of(campaign, school), 7, 2)
    db.session.commit()
    url = f"/s/{link_of(campaign, school).token}"
    # Two more forms opened with the same code (a copied slip) before it is used.
    keys = [
        form_key(client.get(url + f"?code={codes[0]}").get_data(as_text=True)) for _ in range(2)
    ]
    submit_over_http(client, campaign, school, 4, code=codes[0])
    before = stored(campaign.id)
    assert before and before == counted(campaign.id)

    # The same code in another form (another key): refused, nothing counted.
    data = varied_answers(build_spec(campaign.questionnaire_id), 5)
    again = client.post(url, data={**data, "key": keys[0], "code": codes[0]})
    assert again.status_code == 409
    assert stored(campaign.id) == before
    # Typed from paper the other way: still the same spent code.
    again = client.post(url, data={**data, "key": keys[1], "code": format_code(codes[0])})
    assert again.status_code == 409
    assert stored(campaign.id) == before
    # The other code is fine and is counted.
    submit_over_http(client, campaign, school, 5, code=codes[1])
    assert stored(campaign.id) == counted(campaign.id) != before


def test_invalid_answers_leave_tallies_unchanged(client, school):
    campaign = make_campaign([school])
    submit_over_http(client, campaign, school, 0)
    before = stored(campaign.id)
    url = f"/s/{link_of(campaign, school).token}"
    key = form_key(client.get(url).get_data(as_text=True))
    assert client.post(url, data={"key": key}).status_code == 200  # nothing answered
    assert stored(campaign.id) == before


def test_tally_rows_merge_repeated_keys_and_sort_them():
    answers = [
        {"question_id": 9, "option_id": None, "row_id": 3, "value": 5},
        {"question_id": 2, "option_id": 7, "row_id": None, "value": None},
        {"question_id": 9, "option_id": None, "row_id": 3, "value": 5},
    ]
    rows = tally_rows(1, 4, None, answers)
    assert [(r["question_id"], r["option_id"], r["row_id"], r["value"], r["n"]) for r in rows] == [
        (2, 7, NO_ROW, NO_VALUE, 1),
        (9, NO_OPTION, 3, 5, 2),
    ]
    assert {r["grade"] for r in rows} == {NO_GRADE}


def test_tallies_hold_counts_only():
    """Anonymity: a tally is a number per group; nothing points at a response or a time."""
    insp = inspect(db.engine)
    names = {c["name"] for c in insp.get_columns("answer_tally")}
    assert names == {"id", *KEY, "n"}
    referred = {fk["referred_table"] for fk in insp.get_foreign_keys("answer_tally")}
    assert referred == {"campaign", "school", "question"}


# --- Backfill, rebuild and the check command ------------------------------------------------


def _crafted(school, other_school):
    survey = make_survey([school, other_school])
    survey.answer(school, grade=7, single="Да", multiple=("Пробы",), other="Кружок", times=3)
    survey.answer(
        school, grade=8, satisfaction=5, matrix={"Рассказы": 4, "Консультации": 2}, rating=3
    )
    survey.answer(other_school, grade=None, single="Нет", satisfaction=1, times=2)
    return survey


def _load_migration():
    spec = importlib.util.spec_from_file_location("migration_0008", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_migration_backfill_counts_existing_answers(school, other_school):
    survey = _crafted(school, other_school)
    expected = counted()
    db.session.execute(delete(AnswerTally))
    _load_migration().backfill(db.session.connection())
    db.session.commit()
    assert stored() == expected
    # Spot checks against the crafted data: NULL grade and NULL value use the sentinels.
    single_no = survey.option(survey.single, "Нет").id
    key = (survey.campaign.id, other_school.id, NO_GRADE, survey.single.id, single_no)
    assert stored()[(*key, NO_ROW, NO_VALUE)] == 2
    row = survey.row("Рассказы").id
    key = (survey.campaign.id, school.id, 8, survey.matrix.id, NO_OPTION, row, 4)
    assert stored()[key] == 1


def test_rebuild_tallies_one_campaign_or_all(school, other_school):
    first = _crafted(school, other_school)
    second = make_survey([school])
    second.answer(school, single="Да", times=2)
    expected = counted()
    db.session.execute(update(AnswerTally).values(n=AnswerTally.n + 5))
    db.session.execute(delete(AnswerTally).where(AnswerTally.campaign_id == second.campaign.id))
    db.session.commit()

    rows = rebuild_tallies(second.campaign.id)
    db.session.commit()
    assert rows == len(counted(second.campaign.id))
    assert stored(second.campaign.id) == counted(second.campaign.id)
    assert stored(first.campaign.id) != counted(first.campaign.id)  # left alone
    rebuild_tallies()
    db.session.commit()
    assert stored() == expected


def test_check_command_passes_then_fails_after_tampering(runner, school, other_school):
    survey = _crafted(school, other_school)
    ok = runner.invoke(args=["survey-tallies", "--check"])
    assert ok.exit_code == 0, ok.output
    assert "совпадают" in ok.output

    victim = db.session.scalar(select(func.min(AnswerTally.id)))
    db.session.execute(update(AnswerTally).where(AnswerTally.id == victim).values(n=99))
    db.session.commit()
    bad = runner.invoke(args=["survey-tallies", "--check"])
    assert bad.exit_code == 1, bad.output
    assert "Расхождений: 1" in bad.output
    line = next(ln.split("\t") for ln in bad.output.splitlines() if "\t99\t" in ln)
    assert line[0] == str(survey.campaign.id) and line[-2] == "99" and line[-1] != "99"
    # Only another campaign checked: nothing wrong there.
    other = make_survey([school])
    assert (
        runner.invoke(args=["survey-tallies", "--campaign", str(other.campaign.id)]).exit_code == 0
    )

    fixed = runner.invoke(args=["survey-tallies", "--rebuild", "--check"])
    assert fixed.exit_code == 0, fixed.output
    assert "пересчитаны" in fixed.output and "совпадают" in fixed.output
    assert runner.invoke(args=["survey-tallies", "--campaign", "999999"]).exit_code != 0


def test_check_command_finds_missing_and_extra_rows(runner, school, other_school):
    survey = _crafted(school, other_school)
    db.session.execute(
        delete(AnswerTally).where(
            AnswerTally.id == select(func.max(AnswerTally.id)).scalar_subquery()
        )
    )
    db.session.add(
        AnswerTally(
            campaign_id=survey.campaign.id,
            school_id=other_school.id,
            grade=9,
            question_id=survey.rating.id,
            option_id=NO_OPTION,
            row_id=NO_ROW,
            value=1,
            n=3,
        )
    )
    db.session.commit()
    found = differences()
    assert len(found) == 2
    assert (survey.campaign.id, other_school.id, 9, survey.rating.id, 0, 0, 1, 3, 0) in found
    assert any(tally == 0 and answers > 0 for *_key, tally, answers in found)
    result = runner.invoke(args=["survey-tallies"])  # --check is the default
    assert result.exit_code == 1 and "Расхождений: 2" in result.output


def test_demo_data_has_consistent_tallies(demo_district):
    assert db.session.scalar(select(func.count()).select_from(AnswerTally)) > 0
    assert differences() == []
