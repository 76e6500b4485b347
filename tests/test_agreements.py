"""Agreements: the whole flow, date rules, statuses, scans, scoping, lists."""

import io
import os
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from proforient.agreements import queries, scans
from proforient.agreements.models import (
    Agreement,
    in_force_condition,
    status_condition,
    status_expr,
)
from proforient.agreements.models import (
    AgreementStatus as Status,
)
from proforient.auth.models import Role
from proforient.core.timeutil import current_academic_year, local_today, utcnow
from proforient.extensions import db
from tests.factories import make_school, make_user
from tests.support.agreements import (
    PDF,
    PNG,
    agreement_form,
    make_agreement,
    make_partner,
)


def _upload(data: dict, content: bytes, filename: str = "скан договора.pdf") -> dict:
    return {**data, "scan": (io.BytesIO(content), filename)}


def _post_big(client, url: str, data: dict, content: bytes):
    """Multipart built in memory: the test client would spool a large body to a temporary
    file it never closes (a ResourceWarning, an error under filterwarnings=error)."""
    values = MultiDict(data)
    values.add("scan", FileStorage(io.BytesIO(content), "скан.pdf", content_type="application/pdf"))
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _scan_files(app) -> list[str]:
    folder = os.path.join(app.config["UPLOAD_FOLDER"], "agreements")
    return os.listdir(folder) if os.path.isdir(folder) else []


def _table_row(html: str, text: str) -> str:
    """The <tr> of the table body that mentions `text`."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = [r for r in body.split("</tr>") if text in r]
    assert len(rows) == 1, text
    return rows[0]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- The whole flow ----------------------------------------------------------------------


def test_whole_flow(app, client, auth, school, other_school, coordinator, other_coordinator):
    """A coordinator adds an agreement with a PDF scan; another school's coordinator can't
    see it or its scan; the department's overview shows the count and flags schools
    without one; an agreement whose end date passes turns «истёк» by itself."""
    partner = make_partner("ГБПОУ «Невинномысский химико-технологический колледж»")
    auth.login(coordinator)
    response = client.post(
        "/agreements/new",
        data=_upload(agreement_form(partner, number="14/ПП"), PDF),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    agreement = db.session.scalars(select(Agreement)).one()
    assert agreement.school_id == school.id
    assert agreement.scan_key and len(_scan_files(app)) == 1
    scan = client.get(f"/agreements/{agreement.id}/scan")
    assert scan.status_code == 200
    assert scan.data == PDF
    auth.logout()

    auth.login(other_coordinator)
    assert client.get(f"/agreements/{agreement.id}").status_code == 404
    assert client.get(f"/agreements/{agreement.id}/scan").status_code == 404
    assert client.get(f"/agreements/{agreement.id}/edit").status_code == 404
    assert "14/ПП" not in client.get("/agreements/").get_data(as_text=True)
    auth.logout()

    auth.login(make_user("dept", role=Role.DEPARTMENT))
    page = client.get("/agreements/overview").get_data(as_text=True)
    own_row = _table_row(page, school.short_name)
    assert "<strong>1</strong>" in own_row and "нет договоров" not in own_row
    assert "нет договоров" in _table_row(page, other_school.short_name)

    # Nobody touches the row: the day after its end date it reads «истёк».
    ended = make_agreement(
        school,
        partner,
        number="old",
        valid_from=local_today() - timedelta(days=400),
        valid_until=local_today() - timedelta(days=1),
    )
    detail = client.get(f"/agreements/{ended.id}").get_data(as_text=True)
    assert 'data-status="expired"' in detail and "истёк" in detail
    last_day = make_agreement(school, partner, number="last", valid_until=local_today())
    assert last_day.status_on(local_today()) == Status.EXPIRING
    assert last_day.status_on(local_today() + timedelta(days=1)) == Status.EXPIRED


# --- Status ------------------------------------------------------------------------------

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("valid_until", "terminated_on", "valid_from", "expected"),
    [
        (TODAY, None, None, Status.EXPIRING),  # the day of expiry: still in force
        (TODAY - timedelta(days=1), None, None, Status.EXPIRED),
        (TODAY + timedelta(days=60), None, None, Status.EXPIRING),  # day 60
        (TODAY + timedelta(days=61), None, None, Status.ACTIVE),  # day 61
        (None, None, None, Status.ACTIVE),  # бессрочно
        (None, TODAY, None, Status.TERMINATED),  # terminated from today
        (None, TODAY + timedelta(days=1), None, Status.ACTIVE),  # terminated from tomorrow
        (TODAY + timedelta(days=10), TODAY - timedelta(days=5), None, Status.TERMINATED),
        (TODAY + timedelta(days=400), None, TODAY + timedelta(days=1), Status.PENDING),
        (TODAY + timedelta(days=400), None, TODAY, Status.ACTIVE),
    ],
)
def test_status_boundaries_python_and_sql_agree(
    school, valid_until, terminated_on, valid_from, expected
):
    partner = make_partner()
    agreement = make_agreement(
        school,
        partner,
        valid_from=valid_from or TODAY - timedelta(days=200),
        valid_until=valid_until,
        indefinite=valid_until is None,
        terminated_on=terminated_on,
    )
    assert agreement.status_on(TODAY) == expected
    in_sql = db.session.scalar(select(status_expr(TODAY)).where(Agreement.id == agreement.id))
    assert in_sql == expected
    for status in Status:
        matches = db.session.scalar(
            select(func.count())
            .select_from(Agreement)
            .where(Agreement.id == agreement.id, status_condition(status, TODAY))
        )
        assert matches == (1 if status == expected else 0), status
    in_force = db.session.scalar(
        select(func.count())
        .select_from(Agreement)
        .where(Agreement.id == agreement.id, in_force_condition(TODAY))
    )
    assert in_force == (1 if expected.in_force else 0)


def test_status_filter_runs_in_sql_and_counts(department_client, school):
    today = local_today()
    partner = make_partner()
    make_agreement(school, partner, number="A", indefinite=True)
    make_agreement(school, partner, number="E", valid_until=today + timedelta(days=30))
    make_agreement(
        school,
        partner,
        number="X",
        valid_from=today - timedelta(days=500),
        valid_until=today - timedelta(days=3),
    )
    make_agreement(school, partner, number="T", terminated_on=today - timedelta(days=1))

    def numbers(status):
        html = department_client.get(f"/agreements/?status={status}").get_data(as_text=True)
        return {n for n in "AEXT" if f"№&nbsp;{n}<" in html}

    assert numbers("active") == {"A"}
    assert numbers("expiring") == {"E"}
    assert numbers("expired") == {"X"}
    assert numbers("terminated") == {"T"}
    assert numbers("in_force") == {"A", "E"}
    counts = queries.status_counts(queries.AgreementFilters(), today, None)
    assert counts == {
        Status.ACTIVE: 1,
        Status.EXPIRING: 1,
        Status.EXPIRED: 1,
        Status.TERMINATED: 1,
        Status.PENDING: 0,
    }


# --- Form rules ----------------------------------------------------------------------------


def test_valid_until_before_valid_from_is_an_error(coordinator_client):
    partner = make_partner()
    today = local_today()
    response = coordinator_client.post(
        "/agreements/new",
        data=agreement_form(
            partner,
            number="77-ОШ",
            valid_from=today.isoformat(),
            valid_until=(today - timedelta(days=1)).isoformat(),
        ),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Дата окончания не может быть раньше начала действия." in html
    assert 'value="77-ОШ"' in html  # what the user typed is kept
    assert _count(Agreement) == 0


def test_end_date_or_indefinite_required(coordinator_client):
    partner = make_partner()
    response = coordinator_client.post(
        "/agreements/new", data=agreement_form(partner, valid_until="")
    )
    assert "Укажите дату окончания или отметьте «Бессрочно»." in response.get_data(as_text=True)
    response = coordinator_client.post(
        "/agreements/new", data=agreement_form(partner, valid_until="", indefinite="y")
    )
    assert response.status_code == 302
    assert db.session.scalars(select(Agreement)).one().valid_until is None


def test_bad_dates_get_russian_messages(coordinator_client):
    partner = make_partner()
    today = local_today()
    response = coordinator_client.post(
        "/agreements/new",
        data=agreement_form(
            partner,
            signed_on=(today + timedelta(days=1)).isoformat(),
            valid_from="31.02.2026",
            terminated_on="2020-01-01",
        ),
    )
    html = response.get_data(as_text=True)
    assert "Дата заключения не может быть в будущем." in html
    assert "Неверное значение даты." in html
    assert _count(Agreement) == 0


def test_termination_before_start_is_an_error(coordinator_client):
    partner = make_partner()
    today = local_today()
    response = coordinator_client.post(
        "/agreements/new",
        data=agreement_form(partner, terminated_on=(today - timedelta(days=30)).isoformat()),
    )
    assert "Дата расторжения не может быть раньше начала действия." in response.get_data(
        as_text=True
    )


def test_duplicate_agreement_is_a_form_error(coordinator_client, school):
    partner = make_partner()
    data = agreement_form(partner)
    assert coordinator_client.post("/agreements/new", data=data).status_code == 302
    response = coordinator_client.post("/agreements/new", data=data)
    assert "под таким номером и датой уже внесён" in response.get_data(as_text=True)
    assert _count(Agreement) == 1


def test_missing_fields_get_messages(coordinator_client):
    response = coordinator_client.post("/agreements/new", data={"partner_id": "0"})
    html = response.get_data(as_text=True)
    for message in (
        "Выберите организацию-партнёра.",
        "Введите номер договора или «б/н».",
        "Укажите дату заключения договора.",
        "Опишите предмет договора.",
    ):
        assert message in html


def test_foreign_partner_id_is_refused(coordinator_client):
    make_partner()
    response = coordinator_client.post(
        "/agreements/new", data=agreement_form(make_partner(), partner_id="999999")
    )
    assert response.status_code == 200
    assert "Неверный вариант" in response.get_data(as_text=True)
    assert _count(Agreement) == 0


# --- Scans ---------------------------------------------------------------------------------


def test_renamed_png_is_refused_and_nothing_saved(app, coordinator_client):
    partner = make_partner()
    response = coordinator_client.post(
        "/agreements/new",
        data=_upload(agreement_form(partner, number="PNG-1"), PNG, "скан.pdf"),
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Это не PDF-файл. Загрузите скан договора в формате PDF." in html
    assert 'id="scan-error"' in html  # beside the field
    assert 'value="PNG-1"' in html
    assert _count(Agreement) == 0
    assert _scan_files(app) == []


def test_oversize_scan_is_refused_and_nothing_saved(app, coordinator_client):
    partner = make_partner()
    big = PDF + b"0" * (10 * 1024 * 1024 + 1 - len(PDF))
    response = _post_big(
        coordinator_client, "/agreements/new", agreement_form(partner, number="BIG-1"), big
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Файл слишком большой (10,0 МБ). Скан должен быть не больше 10 МБ" in html
    assert 'value="BIG-1"' in html
    assert _count(Agreement) == 0
    assert _scan_files(app) == []


def test_exactly_ten_megabytes_is_accepted(app, coordinator_client):
    partner = make_partner()
    exact = PDF + b"0" * (10 * 1024 * 1024 - len(PDF))
    response = _post_big(coordinator_client, "/agreements/new", agreement_form(partner), exact)
    assert response.status_code == 302
    assert db.session.scalars(select(Agreement)).one().scan_size == 10 * 1024 * 1024


def test_body_above_request_limit_gets_the_message_beside_the_field(app, coordinator_client):
    partner = make_partner()
    huge = PDF + b"0" * (13 * 1024 * 1024)
    response = _post_big(coordinator_client, "/agreements/new", agreement_form(partner), huge)
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Файл слишком большой. Скан должен быть не больше 10 МБ." in html
    assert 'id="scan-error"' in html
    assert _count(Agreement) == 0
    assert _scan_files(app) == []


def test_too_large_body_on_edit_keeps_the_agreement(app, coordinator_client, school):
    agreement = make_agreement(school, make_partner(), number="KEEP-1")
    huge = PDF + b"0" * (13 * 1024 * 1024)
    response = _post_big(
        coordinator_client,
        f"/agreements/{agreement.id}/edit",
        agreement_form(agreement.partner),
        huge,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert 'value="KEEP-1"' in html  # the form shows the stored agreement again
    assert "Файл слишком большой." in html
    assert _scan_files(app) == []


def test_pdf_header_must_come_first(app, coordinator_client):
    response = coordinator_client.post(
        "/agreements/new",
        data=_upload(agreement_form(make_partner()), b"<html>%PDF-1.4</html>"),
        content_type="multipart/form-data",
    )
    assert "Это не PDF-файл." in response.get_data(as_text=True)
    assert _count(Agreement) == 0


def test_empty_file_is_refused(coordinator_client):
    response = coordinator_client.post(
        "/agreements/new",
        data=_upload(agreement_form(make_partner()), b""),
        content_type="multipart/form-data",
    )
    assert "Файл пустой." in response.get_data(as_text=True)
    assert _count(Agreement) == 0


def test_scan_is_stored_outside_static_under_a_random_name(app, coordinator_client):
    partner = make_partner()
    coordinator_client.post(
        "/agreements/new",
        data=_upload(agreement_form(partner), PDF, "../../static/evil.pdf"),
        content_type="multipart/form-data",
    )
    agreement = db.session.scalars(select(Agreement)).one()
    path = scans.scan_path(agreement)
    assert path.read_bytes() == PDF
    assert str(path).startswith(app.config["UPLOAD_FOLDER"])
    assert "static" not in str(path) and "evil" not in path.name
    assert len(agreement.scan_key) == 32
    response = coordinator_client.get(f"/agreements/{agreement.id}/scan")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" in disposition
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


def test_replacing_and_removing_the_scan_cleans_up_files(app, coordinator_client):
    partner = make_partner()
    coordinator_client.post(
        "/agreements/new",
        data=_upload(agreement_form(partner), PDF),
        content_type="multipart/form-data",
    )
    agreement = db.session.scalars(select(Agreement)).one()
    first = agreement.scan_key
    second_pdf = PDF + b"% second\n"
    response = coordinator_client.post(
        f"/agreements/{agreement.id}/edit",
        data=_upload(agreement_form(partner), second_pdf, "новый.pdf"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(agreement)
    assert agreement.scan_key != first
    assert _scan_files(app) == [f"{agreement.scan_key}.pdf"]
    assert coordinator_client.get(f"/agreements/{agreement.id}/scan").data == second_pdf

    # A refused file on edit keeps the old scan.
    response = coordinator_client.post(
        f"/agreements/{agreement.id}/edit",
        data=_upload(agreement_form(partner), PNG),
        content_type="multipart/form-data",
    )
    assert "Это не PDF-файл" in response.get_data(as_text=True)
    assert _scan_files(app) == [f"{agreement.scan_key}.pdf"]

    response = coordinator_client.post(
        f"/agreements/{agreement.id}/edit", data={**agreement_form(partner), "remove_scan": "y"}
    )
    assert response.status_code == 302
    db.session.refresh(agreement)
    assert agreement.scan_key is None
    assert _scan_files(app) == []
    assert coordinator_client.get(f"/agreements/{agreement.id}/scan").status_code == 404


def test_failed_save_leaves_no_orphan_file(app, coordinator_client, school):
    """A race: another request stores the same agreement between our validation and our
    flush. The database refuses ours; the uploaded file must not stay behind."""
    partner = make_partner()
    data = agreement_form(partner)
    sneaked = []

    def other_request_wins(session, _ctx, _instances):
        if sneaked:
            return
        sneaked.append(True)
        session.connection().execute(
            insert(Agreement.__table__).values(
                school_id=school.id,
                partner_id=partner.id,
                number=data["number"],
                signed_on=date.fromisoformat(data["signed_on"]),
                valid_from=date.fromisoformat(data["valid_from"]),
                subject="",
                notes="",
                created_at=utcnow(),
            )
        )

    event.listen(Session, "before_flush", other_request_wins)
    try:
        response = coordinator_client.post(
            "/agreements/new", data=_upload(data, PDF), content_type="multipart/form-data"
        )
    finally:
        event.remove(Session, "before_flush", other_request_wins)
    assert sneaked
    assert response.status_code == 200
    assert "уже внесён" in response.get_data(as_text=True)
    assert _scan_files(app) == []
    assert _count(Agreement) == 0  # the sneaked row went with the rolled-back transaction


def test_delete_removes_row_and_scan(app, coordinator_client):
    coordinator_client.post(
        "/agreements/new",
        data=_upload(agreement_form(make_partner()), PDF),
        content_type="multipart/form-data",
    )
    agreement = db.session.scalars(select(Agreement)).one()
    response = coordinator_client.post(f"/agreements/{agreement.id}/delete")
    assert response.status_code == 302
    assert _count(Agreement) == 0
    assert _scan_files(app) == []


# --- Scoping -------------------------------------------------------------------------------


def test_coordinator_sees_and_edits_only_own_school(
    client, auth, school, other_school, coordinator
):
    partner = make_partner()
    own = make_agreement(school, partner, number="OWN")
    foreign = make_agreement(other_school, partner, number="FOREIGN")
    auth.login(coordinator)
    html = client.get("/agreements/").get_data(as_text=True)
    assert "OWN" in html and "FOREIGN" not in html
    for url in (
        f"/agreements/{foreign.id}",
        f"/agreements/{foreign.id}/edit",
        f"/agreements/{foreign.id}/scan",
        f"/agreements/school/{other_school.id}",
        f"/agreements/?school={other_school.id}",
        f"/agreements/export.xlsx?school={other_school.id}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/agreements/{foreign.id}/delete").status_code == 404
    assert client.post(f"/agreements/{foreign.id}/edit", data={}).status_code == 404
    assert client.get(f"/agreements/{own.id}").status_code == 200
    # Partner page: only the own school's agreements.
    page = client.get(f"/partners/{partner.id}").get_data(as_text=True)
    assert "OWN" in page and "FOREIGN" not in page
    # Export holds only the own school.
    wb = load_workbook(io.BytesIO(client.get("/agreements/export.xlsx").data))
    values = [c.value for row in wb.active.iter_rows() for c in row]
    assert "OWN" in values and "FOREIGN" not in values


def test_coordinator_cannot_create_for_another_school(
    client, auth, school, other_school, coordinator
):
    partner = make_partner()
    auth.login(coordinator)
    response = client.post(
        "/agreements/new", data=agreement_form(partner, school_id=str(other_school.id))
    )
    assert response.status_code == 302
    assert db.session.scalars(select(Agreement)).one().school_id == school.id


def test_coordinator_cannot_move_an_agreement_to_another_school(
    client, auth, school, other_school, coordinator
):
    partner = make_partner()
    agreement = make_agreement(school, partner)
    auth.login(coordinator)
    client.post(
        f"/agreements/{agreement.id}/edit",
        data=agreement_form(partner, school_id=str(other_school.id)),
    )
    db.session.refresh(agreement)
    assert agreement.school_id == school.id


def test_department_creates_for_any_school_and_sees_all(department_client, school, other_school):
    partner = make_partner()
    form = agreement_form(partner, school_id=str(other_school.id))
    assert department_client.post("/agreements/new", data=form).status_code == 302
    response = department_client.post("/agreements/new", data=agreement_form(partner))
    assert "Выберите школу." in response.get_data(as_text=True)
    agreement = db.session.scalars(select(Agreement)).one()
    assert agreement.school_id == other_school.id
    assert department_client.get(f"/agreements/{agreement.id}").status_code == 200


def test_department_only_pages(coordinator_client):
    assert coordinator_client.get("/agreements/overview").status_code == 403
    assert coordinator_client.get("/agreements/overview.xlsx").status_code == 403


# --- Lists, search, export -----------------------------------------------------------------


def test_list_filters_by_school_kind_year_and_search(department_client, school, other_school):
    college = make_partner("ГБПОУ «Невинномысский энергетический техникум»", kind="poo")
    farm = make_partner("ООО «Агрофирма „Кочубеевская“»", kind="employer", inn="2631004120")
    make_agreement(school, college, number="K-1", subject="Экскурсии")
    make_agreement(other_school, farm, number="F-1", subject="Целевое обучение")
    old_year = current_academic_year() - 3
    make_agreement(
        other_school,
        farm,
        number="OLD-1",
        valid_from=date(old_year, 9, 1),
        valid_until=date(old_year + 1, 8, 31),
    )

    def found(query):
        html = department_client.get("/agreements/?" + query).get_data(as_text=True)
        return {n for n in ("K-1", "F-1", "OLD-1") if f"№&nbsp;{n}<" in html}

    assert found("") == {"K-1", "F-1", "OLD-1"}
    assert found(f"school={school.id}") == {"K-1"}
    assert found("kind=employer") == {"F-1", "OLD-1"}
    assert found(f"year={old_year}") == {"OLD-1"}
    assert found(f"year={current_academic_year()}") == {"K-1", "F-1"}
    assert found("year=1990") == {"K-1", "F-1", "OLD-1"}  # not offered: ignored
    assert found("q=энергетический") == {"K-1"}
    assert found("q=ЭНЕРГЕТИЧЕСКИЙ техникум") == {"K-1"}
    assert found("q=целевое") == {"F-1"}
    assert found("q=2631004120") == {"F-1", "OLD-1"}
    assert found("q=F-1") == {"F-1"}


def test_export_xlsx_follows_filters(department_client, school, other_school):
    partner = make_partner("ГБПОУ «Ставропольский государственный политехнический колледж»")
    make_agreement(school, partner, number="X-1", indefinite=True)
    make_agreement(other_school, partner, number="X-2")
    response = department_client.get(f"/agreements/export.xlsx?school={school.id}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == "Школа"
    data = rows[2:]
    assert len(data) == 1
    assert data[0][0] == school.short_name
    assert data[0][4] == "X-1"
    assert data[0][7] == "бессрочно"
    assert data[0][9] == "действует"
    assert ws.cell(row=3, column=6).number_format == "DD.MM.YYYY"


def test_school_tab_lists_agreements_and_flags_none(department_client, school, other_school):
    partner = make_partner()
    make_agreement(school, partner, number="TAB-1")
    html = department_client.get(f"/agreements/school/{school.id}").get_data(as_text=True)
    assert "TAB-1" in html and "Всего:" in html
    assert 'aria-current="page">Договоры</a>' in html
    html = department_client.get(f"/agreements/school/{other_school.id}").get_data(as_text=True)
    assert "нет договоров" in html


def test_overview_counts_by_kind_and_flags_schools_without(department_client, school):
    empty = make_school("МКОУ ООШ № 14 п. Тоннельного")
    make_school("МКОУ СОШ № 99 отключённая", active=False)
    today = local_today()
    make_agreement(school, make_partner(kind="poo"))
    make_agreement(school, make_partner(kind="employer"))
    make_agreement(school, make_partner(kind="employer"))
    make_agreement(  # expired: not counted
        school,
        make_partner(kind="vuz"),
        valid_from=today - timedelta(days=400),
        valid_until=today - timedelta(days=1),
    )
    data = queries.overview(today)
    rows = {r["school"].id: r for r in data["rows"]}
    assert rows[school.id]["by_kind"]["poo"] == 1
    assert rows[school.id]["by_kind"]["employer"] == 2
    assert rows[school.id]["by_kind"]["vuz"] == 0
    assert rows[school.id]["total"] == 3
    assert [s.id for s in data["without"]] == [empty.id]
    assert data["schools"] == 2  # the inactive school is left out
    html = department_client.get("/agreements/overview").get_data(as_text=True)
    assert "Школ с действующими договорами: <strong>1</strong> из 2" in html
    assert "нет договоров" in html
    # On a date when the expired one was in force it counts.
    past = (today - timedelta(days=10)).isoformat()
    html = department_client.get(f"/agreements/overview?on={past}").get_data(as_text=True)
    assert "Договоров всего: <strong>4</strong>" in html
    wb = load_workbook(io.BytesIO(department_client.get("/agreements/overview.xlsx").data))
    values = [c.value for row in wb.active.iter_rows() for c in row]
    assert "нет договоров" in values and "Итого" in values


def test_home_panel_lists_expiring_for_the_coordinator(client, auth, school, coordinator):
    today = local_today()
    partner = make_partner("ГБПОУ «Невинномысский энергетический техникум»", short_name="НЭТ")
    make_agreement(school, partner, number="SOON", valid_until=today + timedelta(days=5))
    make_agreement(school, partner, number="LATER", valid_until=today + timedelta(days=200))
    other = make_school()
    make_agreement(other, partner, number="ALIEN", valid_until=today + timedelta(days=5))
    auth.login(coordinator)
    html = client.get("/").get_data(as_text=True)
    assert "Договоры: истекают" in html
    assert "SOON" in html and "осталось 5 дней" in html
    assert "LATER" not in html and "ALIEN" not in html


def test_home_panel_for_department_counts_district(department_client, school, other_school):
    make_agreement(
        school, make_partner(), number="SOON", valid_until=local_today() + timedelta(days=3)
    )
    html = department_client.get("/").get_data(as_text=True)
    assert "SOON" in html
    assert "1 школа из 2" in html


def test_nav_and_school_tab_registered(coordinator_client, school):
    html = coordinator_client.get("/").get_data(as_text=True)
    assert ">Договоры</a>" in html and ">Партнёры</a>" in html
    html = coordinator_client.get(f"/schools/{school.id}").get_data(as_text=True)
    assert f"/agreements/school/{school.id}" in html


def test_audit_log_records_agreement_changes(coordinator_client):
    from proforient.core.audit import AuditEvent

    coordinator_client.post("/agreements/new", data=agreement_form(make_partner()))
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "Agreement")
    ).one()
    assert event.action == "create"
    assert event.summary.startswith("Договор № 15/ПП от ")
