"""Reporting periods, the monitoring form and graduate destinations over HTTP."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from proforient.core.audit import AuditEvent
from proforient.core.timeutil import current_academic_year, local_today, reporting_year
from proforient.extensions import db
from proforient.monitoring import indicators as monitoring_indicators
from proforient.monitoring import operations, queries, rules
from proforient.monitoring.models import (
    GRADUATE_CATEGORIES,
    GraduateReport,
    MonitoringReport,
    PeriodKind,
    ReportingPeriod,
    Status,
)
from tests.factories import make_school

YEAR = 2025

COMPLETE = {
    "program_names": "Программа «Мой выбор»\n\nКурс «Россия — мои горизонты»\n",
    "sites_municipal": "1",
    "sites_regional": "0",
    "sites_federal": "0",
    "site_names": "Муниципальная площадка «Профнавигатор», 2024",
    "minors_employed": "12",
    "minors_employed_orphans": "1",
    "minors_employed_registered": "2",
    "incentive_measures": "3",
    "children_rewarded": "17",
    "profminimum_level": "main",
    "summary": "Проведены профпробы на базе колледжа.",
}


def open_period(kind=PeriodKind.MONITORING, year=YEAR, state="open") -> ReportingPeriod:
    today = local_today()
    opens, closes = {
        "open": (today - timedelta(days=5), today + timedelta(days=20)),
        "closed": (today - timedelta(days=60), today - timedelta(days=1)),
        "upcoming": (today + timedelta(days=1), today + timedelta(days=30)),
    }[state]
    period = operations.create_period(kind, year, opens, closes)
    db.session.commit()
    return period


def form_url(school, kind="monitoring", year=YEAR) -> str:
    return f"/monitoring/schools/{school.id}/{kind}/{year}"


def text(response) -> str:
    return response.get_data(as_text=True)


def graduate_data(values: dict | None = None) -> dict:
    """A balanced graduate form: 9th grade 20 (orphans 1, ОВЗ 2), 11th grade 10."""
    data = {
        "g9_graduates_total": "20",
        "g9_graduates_orphans": "1",
        "g9_graduates_ovz": "2",
        "g9_school10_own_total": "12",
        "g9_spo_specialists_total": "5",
        "g9_spo_specialists_orphans": "1",
        "g9_spo_workers_total": "3",
        "g9_spo_workers_ovz": "2",
        "g11_graduates_total": "10",
        "g11_vuz_budget_total": "6",
        "g11_spo_total": "3",
        "g11_army_total": "1",
    }
    data.update(values or {})
    return data


# --- Periods ---------------------------------------------------------------------------


def test_period_defaults_are_april_may_and_september(department_client):
    r = department_client.post("/monitoring/periods/new", data={"kind": "monitoring", "year": 2025})
    assert r.status_code == 302
    r = department_client.post("/monitoring/periods/new", data={"kind": "graduates", "year": 2025})
    assert r.status_code == 302
    m = queries.find_period(PeriodKind.MONITORING, 2025)
    g = queries.find_period(PeriodKind.GRADUATES, 2025)
    assert (m.opens_on, m.closes_on) == (date(2026, 4, 1), date(2026, 5, 31))
    # Graduates of June 2026 (2025/2026) are reported in September 2026.
    assert (g.opens_on, g.closes_on) == (date(2026, 9, 1), date(2026, 9, 30))


def test_period_duplicate_and_bad_dates_are_refused(department_client):
    open_period()
    r = department_client.post("/monitoring/periods/new", data={"kind": "monitoring", "year": YEAR})
    assert r.status_code == 200
    assert "уже открыт" in text(r)
    r = department_client.post(
        "/monitoring/periods/new",
        data={
            "kind": "graduates",
            "year": YEAR,
            "opens_on": "2026-09-30",
            "closes_on": "2026-09-01",
        },
    )
    assert "Окончание не может быть раньше начала" in text(r)
    r = department_client.post(
        "/monitoring/periods/new",
        data={"kind": "graduates", "year": YEAR, "opens_on": "вчера"},
    )
    assert "Введите дату" in text(r)
    assert db.session.scalar(select(db.func.count(ReportingPeriod.id))) == 1


def test_period_dates_can_be_changed(department_client):
    period = open_period(state="closed")
    today = local_today()
    r = department_client.post(
        f"/monitoring/periods/{period.id}/edit",
        data={"opens_on": period.opens_on.isoformat(), "closes_on": today.isoformat()},
    )
    assert r.status_code == 302
    db.session.refresh(period)
    assert period.is_open(today)


def test_period_page_lists_every_active_school_with_its_state(
    department_client, school, other_school
):
    period = open_period()
    make_school("МКОУ ООШ № 14 п. Тоннельного", active=False)
    third = make_school("МБОУ Лицей № 15 с. Кочубеевское")
    operations.save_monitoring(None, school, YEAR, {"summary": "черновик"})
    report = operations.save_monitoring(None, third, YEAR, {})
    report.status = Status.SUBMITTED
    db.session.commit()

    page = text(department_client.get(f"/monitoring/periods/{period.id}"))
    assert school.short_name in page and other_school.short_name in page
    assert third.short_name in page
    assert "Тоннельного" not in page  # inactive schools are not asked
    assert page.count("не начата") >= 1 and "черновик" in page and "отправлена" in page

    only = text(department_client.get(f"/monitoring/periods/{period.id}?status=not_started"))
    assert other_school.short_name in only and school.short_name not in only


# --- Done when ---------------------------------------------------------------------------


def test_done_when_full_cycle(client, auth, department_user, coordinator, school, other_school):
    today = local_today()
    year = current_academic_year()

    # The department opens the April–May period (here with dates around today).
    auth.login(department_user)
    r = client.post(
        "/monitoring/periods/new",
        data={
            "kind": "monitoring",
            "year": year,
            "opens_on": (today - timedelta(days=1)).isoformat(),
            "closes_on": (today + timedelta(days=30)).isoformat(),
        },
    )
    assert r.status_code == 302
    period = queries.find_period(PeriodKind.MONITORING, year)
    auth.logout()

    # The coordinator saves a draft, half filled.
    auth.login(coordinator)
    url = form_url(school, year=year)
    r = client.post(url, data={"minors_employed": "5", "action": "save"})
    assert r.status_code == 302
    report = queries.get_report(PeriodKind.MONITORING, school.id, year)
    assert report.status == Status.DRAFT and report.minors_employed == 5

    # «Отправить» with empty fields keeps a draft and names the fields.
    r = client.post(url, data={"minors_employed": "5", "action": "submit"})
    assert r.status_code == 200
    assert "форма не отправлена" in text(r)
    assert "Выберите уровень перед отправкой" in text(r)
    db.session.refresh(report)
    assert report.status == Status.DRAFT

    # Complete and submit.
    r = client.post(url, data={**COMPLETE, "action": "submit"})
    assert r.status_code == 302
    db.session.refresh(report)
    assert report.status == Status.SUBMITTED
    assert report.programs_count == 2  # two non-empty lines
    assert report.submitted_by_id == coordinator.id

    # Read-only for the school now.
    page = text(client.get(url))
    assert "доступна только для просмотра" in page
    assert 'name="minors_employed"' not in page
    r = client.post(url, data={**COMPLETE, "minors_employed": "99", "action": "save"})
    assert r.status_code == 302
    db.session.refresh(report)
    assert report.minors_employed == 12
    auth.logout()

    # The department sees it submitted and returns it with a comment.
    auth.login(department_user)
    page = text(client.get(f"/monitoring/periods/{period.id}"))
    assert "отправлена" in page
    r = client.post(
        f"/monitoring/schools/{school.id}/monitoring/{year}/return",
        data={"comment": "Уточните число трудоустроенных сирот."},
    )
    assert r.status_code == 302
    db.session.refresh(report)
    assert report.status == Status.RETURNED
    auth.logout()

    # The coordinator sees the comment, fixes and resubmits.
    auth.login(coordinator)
    page = text(client.get(url))
    assert "Уточните число трудоустроенных сирот." in page
    assert 'name="minors_employed"' in page
    r = client.post(url, data={**COMPLETE, "minors_employed_orphans": "0", "action": "submit"})
    assert r.status_code == 302
    db.session.refresh(report)
    assert report.status == Status.SUBMITTED and report.minors_employed_orphans == 0

    # Every step is in the audit log.
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "MonitoringReport")
    ).all()
    assert actions.count("submit") == 2
    assert "return" in actions and "create" in actions and "update" in actions
    auth.logout()

    # The graduate form refuses a sum that does not match and names the row.
    auth.login(department_user)
    client.post(
        "/monitoring/periods/new",
        data={
            "kind": "graduates",
            "year": year,
            "opens_on": today.isoformat(),
            "closes_on": today.isoformat(),
        },
    )
    auth.logout()
    auth.login(coordinator)
    gurl = form_url(school, "graduates", year)
    r = client.post(gurl, data={**graduate_data({"g9_idle_total": "2"}), "action": "submit"})
    assert r.status_code == 200
    assert "9 класс, столбец «всего»: сумма по категориям 22, а выпускников 20 — на 2 больше." in (
        text(r)
    )
    assert queries.get_report(PeriodKind.GRADUATES, school.id, year).status == Status.DRAFT
    r = client.post(gurl, data={**graduate_data(), "action": "submit"})
    assert r.status_code == 302
    assert queries.get_report(PeriodKind.GRADUATES, school.id, year).status == Status.SUBMITTED
    auth.logout()

    # The XLSX has one row per school and correct totals.
    auth.login(department_user)
    r = client.get(f"/monitoring/export/{year}.xlsx")
    assert r.status_code == 200
    wb = load_workbook(BytesIO(r.data))
    ws = wb["Мониторинг ОО"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [row[1] for row in rows[:-1]] == sorted([school.short_name, other_school.short_name])
    assert rows[-1][1].startswith("Итого (отправили 1 из 2)")
    assert rows[-1][10] == 12  # minors employed


# --- Monitoring form -------------------------------------------------------------------


def test_draft_may_be_empty_but_numbers_must_be_numbers(coordinator_client, school):
    open_period()
    r = coordinator_client.post(form_url(school), data={"action": "save"})
    assert r.status_code == 302
    r = coordinator_client.post(
        form_url(school),
        data={"minors_employed": "пять", "incentive_measures": "-1", "action": "save"},
    )
    page = text(r)
    assert r.status_code == 200
    assert "Введите целое число." in page
    assert "От 0 до 1000." in page
    assert 'value="пять"' in page  # the typed text is kept


def test_orphans_cannot_exceed_employed(coordinator_client, school):
    open_period()
    r = coordinator_client.post(
        form_url(school),
        data={**COMPLETE, "minors_employed": "3", "minors_employed_orphans": "4", "action": "save"},
    )
    assert "не может быть больше, чем трудоустроено всего (3)" in text(r)
    assert queries.get_report(PeriodKind.MONITORING, school.id, YEAR) is None


def test_sites_need_names_on_submit(coordinator_client, school):
    open_period()
    r = coordinator_client.post(
        form_url(school), data={**COMPLETE, "site_names": "", "action": "submit"}
    )
    assert "Укажите наименования площадок." in text(r)
    assert queries.get_report(PeriodKind.MONITORING, school.id, YEAR).status == Status.DRAFT


@pytest.mark.parametrize("state", ["closed", "upcoming"])
def test_coordinator_edits_only_while_open(coordinator_client, school, state):
    open_period(state=state)
    page = text(coordinator_client.get(form_url(school)))
    assert 'name="summary"' not in page
    assert "Приём форм" in page
    r = coordinator_client.post(form_url(school), data={**COMPLETE, "action": "save"})
    assert r.status_code == 302
    assert queries.get_report(PeriodKind.MONITORING, school.id, YEAR) is None


def test_department_edits_any_time_and_keeps_submitted_complete(department_client, school):
    open_period(state="closed")
    url = form_url(school)
    page = text(department_client.get(url))
    assert "в любое время" in page and 'name="summary"' in page
    r = department_client.post(url, data={**COMPLETE, "action": "submit"})
    assert r.status_code == 302
    report = queries.get_report(PeriodKind.MONITORING, school.id, YEAR)
    assert report.status == Status.SUBMITTED
    # A submitted form opens read-only, with «Изменить» for the department.
    page = text(department_client.get(url))
    assert 'name="summary"' not in page and "?edit=1" in page
    assert 'name="summary"' in text(department_client.get(url + "?edit=1"))
    r = department_client.post(url, data={**COMPLETE, "summary": "", "action": "save"})
    assert "все поля обязательны" in text(r)
    r = department_client.post(url, data={**COMPLETE, "children_rewarded": "20", "action": "save"})
    assert r.status_code == 302
    db.session.refresh(report)
    assert report.children_rewarded == 20 and report.status == Status.SUBMITTED


def test_form_needs_a_period(department_client, school):
    assert department_client.get(form_url(school, year=2019)).status_code == 404
    assert department_client.get(form_url(school, "graduates", 2019)).status_code == 404


# --- Scoping and roles -----------------------------------------------------------------


def test_coordinator_gets_404_for_another_school(coordinator_client, other_school):
    open_period()
    open_period(PeriodKind.GRADUATES)
    for url in (
        f"/monitoring/schools/{other_school.id}",
        form_url(other_school),
        form_url(other_school, "graduates"),
    ):
        assert coordinator_client.get(url).status_code == 404, url
    r = coordinator_client.post(form_url(other_school), data={**COMPLETE, "action": "submit"})
    assert r.status_code == 404
    assert queries.get_report(PeriodKind.MONITORING, other_school.id, YEAR) is None


def test_department_pages_are_forbidden_to_coordinators(coordinator_client, school):
    period = open_period()
    for url in (
        "/monitoring/periods/new",
        f"/monitoring/periods/{period.id}",
        f"/monitoring/periods/{period.id}/edit",
        f"/monitoring/schools/{school.id}/monitoring/{YEAR}/return",
        f"/monitoring/export/{YEAR}.xlsx",
    ):
        assert coordinator_client.get(url).status_code == 403, url


def test_coordinator_index_is_own_school(coordinator_client, school):
    open_period()
    r = coordinator_client.get("/monitoring/")
    assert r.status_code == 302 and r.location.endswith(f"/monitoring/schools/{school.id}")
    page = text(coordinator_client.get(r.location))
    assert "Мониторинг ОО" in page and "не начата" in page and "Заполнить" in page


# --- Return ------------------------------------------------------------------------------


def test_return_needs_a_comment_and_a_submitted_form(department_client, school):
    open_period()
    report = operations.save_monitoring(None, school, YEAR, {})
    db.session.commit()
    url = f"/monitoring/schools/{school.id}/monitoring/{YEAR}/return"
    r = department_client.post(url, data={"comment": "ещё раз"})
    assert r.status_code == 302  # a draft cannot be returned
    db.session.refresh(report)
    assert report.status == Status.DRAFT

    report.status = Status.SUBMITTED
    db.session.commit()
    r = department_client.post(url, data={"comment": "  "})
    assert r.status_code == 200 and "Напишите, что нужно исправить." in text(r)
    db.session.refresh(report)
    assert report.status == Status.SUBMITTED


def test_return_after_close_warns_the_department(department_client, school):
    open_period(state="closed")
    report = operations.save_monitoring(None, school, YEAR, {})
    report.status = Status.SUBMITTED
    db.session.commit()
    url = f"/monitoring/schools/{school.id}/monitoring/{YEAR}/return"
    assert "продлить срок приёма" in text(department_client.get(url))
    r = department_client.post(url, data={"comment": "Исправьте итоги."}, follow_redirects=True)
    assert "только если продлить срок приёма" in text(r)


# --- Graduate destinations -------------------------------------------------------------


def test_graduate_draft_may_be_unbalanced(coordinator_client, school):
    open_period(PeriodKind.GRADUATES)
    url = form_url(school, "graduates")
    r = coordinator_client.post(
        url, data={**graduate_data({"g11_army_total": "0"}), "action": "save"}
    )
    assert r.status_code == 302
    report = queries.get_report(PeriodKind.GRADUATES, school.id, YEAR)
    assert report.status == Status.DRAFT
    values = rules.graduate_values(report)
    assert values[11]["graduates"] == (10, 0, 0)
    assert rules.category_sums(values)[11] == (9, 0, 0)
    page = text(coordinator_client.get(url))
    assert "−1" in page  # the running difference, server-side
    assert 'value="12"' in page


def test_graduate_submit_names_every_column_that_is_off(coordinator_client, school):
    open_period(PeriodKind.GRADUATES)
    data = graduate_data({"g9_spo_specialists_orphans": "0", "g11_graduates_ovz": "1"})
    r = coordinator_client.post(form_url(school, "graduates"), data={**data, "action": "submit"})
    page = text(r)
    assert (
        "9 класс, столбец «дети-сироты»: сумма по категориям 0, а выпускников 1 — на 1 меньше."
        in (page)
    )
    assert "11 класс, столбец «ОВЗ»: сумма по категориям 0, а выпускников 1 — на 1 меньше." in page
    assert "9 класс, столбец «всего»" not in page
    assert queries.get_report(PeriodKind.GRADUATES, school.id, YEAR).status == Status.DRAFT


def test_graduate_row_rule_is_checked_even_in_drafts(coordinator_client, school):
    open_period(PeriodKind.GRADUATES)
    data = graduate_data({"g9_spo_workers_ovz": "4"})
    r = coordinator_client.post(form_url(school, "graduates"), data={**data, "action": "save"})
    page = text(r)
    assert r.status_code == 200
    assert (
        "9 класс, «СПО (программы подготовки квалифицированных рабочих)»: "
        "ОВЗ (4) больше, чем всего (3)." in page
    )
    assert queries.get_report(PeriodKind.GRADUATES, school.id, YEAR) is None


def test_graduate_form_read_only_after_submit_and_audited(coordinator_client, school):
    open_period(PeriodKind.GRADUATES)
    url = form_url(school, "graduates")
    coordinator_client.post(url, data={**graduate_data(), "action": "save"})
    coordinator_client.post(
        url,
        data={
            **graduate_data({"g9_school10_own_total": "11", "g9_other_total": "1"}),
            "action": "submit",
        },
    )
    report = queries.get_report(PeriodKind.GRADUATES, school.id, YEAR)
    assert report.status == Status.SUBMITTED
    page = text(coordinator_client.get(url))
    assert 'name="g9_graduates_total"' not in page and "доступна только для просмотра" in page
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "GraduateReport")
    ).all()
    changes = [e.changes for e in events if e.action == "update" and e.changes]
    assert any(c.get("9 класс, «10 класс своей школы», всего") == [12, 11] for c in changes)
    assert "submit" in [e.action for e in events]


def test_balance_and_row_rules_directly():
    values = rules.empty_graduate_values()
    assert rules.balance_problems(values) == []
    values[9]["graduates"] = (10, 1, 0)
    values[9]["school10_own"] = (10, 0, 0)
    values[11]["vuz_paid"] = (2, 0, 1)
    problems = rules.balance_problems(values)
    assert [(p.grade, p.column) for p in problems] == [(9, "orphans"), (11, "total"), (11, "ovz")]
    assert "на 2 больше" in problems[1].message
    values[11]["spo"] = (1, 2, 0)
    rows = rules.row_problems(values)
    assert [(p.grade, p.key, p.column) for p in rows] == [(11, "spo", "orphans")]
    assert "«СПО»: дети-сироты (2) больше, чем всего (1)" in rows[0].message


def test_graduate_categories_follow_the_questionnaire():
    assert len(GRADUATE_CATEGORIES[9]) == 10
    assert len(GRADUATE_CATEGORIES[11]) == 11
    labels = [label for _c, label in GRADUATE_CATEGORIES[11]]
    assert "Служба в армии" in labels and "Отпуск по уходу за ребёнком" in labels


# --- Home panel ---------------------------------------------------------------------------


def test_home_panel_for_coordinator_and_department(
    client, auth, coordinator, department_user, school
):
    open_period()
    auth.login(coordinator)
    page = text(client.get("/"))
    assert "Формы мониторинга" in page and "не начата" in page
    assert form_url(school) in page
    auth.logout()
    auth.login(department_user)
    page = text(client.get("/"))
    assert "отправили 0 из 1" in page


def test_home_panel_shows_next_period_when_none_is_open(coordinator_client):
    open_period(state="upcoming")
    assert "приём откроется" in text(coordinator_client.get("/"))


# --- Models ------------------------------------------------------------------------------


def test_database_refuses_orphans_above_total(school):
    from sqlalchemy.exc import IntegrityError

    report = MonitoringReport(
        school=school, year=YEAR, minors_employed=1, minors_employed_orphans=2
    )
    db.session.add(report)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(db.func.count(GraduateReport.id))) == 0


def test_period_form_refuses_unknown_choices_in_russian(department_client):
    r = department_client.post("/monitoring/periods/new", data={"kind": "x", "year": "abc"})
    assert r.status_code == 200
    assert "Выберите форму из списка." in text(r)
    assert "Выберите учебный год из списка." in text(r)


def test_demo_data_is_idempotent_and_varied(demo_district):
    from proforient.monitoring import demo as monitoring_demo

    assert "форм школ — " in demo_district.line("Мониторинг:")  # the session's one load
    assert monitoring_demo.load().endswith("форм школ — 0.")
    db.session.commit()

    year = reporting_year()
    states = {s.status for s in queries.school_states(PeriodKind.MONITORING, year)}
    assert states == {Status.SUBMITTED, Status.DRAFT, Status.RETURNED, Status.NOT_STARTED}
    # The reporting year's graduate form exists once its September has come.
    grad_year = year if queries.find_period(PeriodKind.GRADUATES, year) else year - 1
    grads = queries.school_states(PeriodKind.GRADUATES, grad_year)
    assert sum(s.status == Status.SUBMITTED for s in grads) >= len(grads) - 4
    assert sum(s.status == Status.NOT_STARTED for s in grads) == 1
    # Submitted graduate forms of the demo add up (the form would refuse them otherwise).
    for school, report, values in queries.graduates_table(grad_year):
        if report is not None and report.status == Status.SUBMITTED:
            assert rules.balance_problems(values) == [], school.short_name
    forms = monitoring_indicators.submitted_forms([year - 1])
    assert len(forms) == 15 and sum(f.minors_employed for f in forms.values()) > 0


def test_graduate_form_return_and_resubmit(client, auth, department_user, coordinator, school):
    open_period(PeriodKind.GRADUATES)
    url = form_url(school, "graduates")
    auth.login(coordinator)
    assert client.post(url, data={**graduate_data(), "action": "submit"}).status_code == 302
    auth.logout()

    auth.login(department_user)
    page = text(client.get(url))
    assert "Вернуть на доработку" in page and 'name="g9_graduates_total"' not in page
    r = client.post(
        f"/monitoring/schools/{school.id}/graduates/{YEAR}/return",
        data={"comment": "Уточните категорию «Иное»."},
    )
    assert r.status_code == 302
    auth.logout()

    auth.login(coordinator)
    page = text(client.get(url))
    assert "Уточните категорию «Иное»." in page and 'name="g9_graduates_total"' in page
    home = text(client.get("/"))
    assert "Отдел образования вернул форму" in home
    data = graduate_data({"g9_graduates_total": "21", "g9_moved_total": "1"})
    assert client.post(url, data={**data, "action": "submit"}).status_code == 302
    report = queries.get_report(PeriodKind.GRADUATES, school.id, YEAR)
    assert report.status == Status.SUBMITTED
    assert rules.graduate_values(report)[9]["graduates"] == (21, 1, 2)


def test_out_of_range_years_are_not_found(department_client, school):
    for url in (
        form_url(school, year=99999999999999999999),
        form_url(school, "graduates", 1999),
        f"/monitoring/schools/{school.id}/monitoring/3000/return",
        "/monitoring/export/1999.xlsx",
    ):
        assert department_client.get(url).status_code == 404, url
