"""Hostile and odd input, case by case: each answers with a clear message or a refusal,
never a 500, and stores nothing it should not (control characters included).

The property-based sweep over every form is in test_property_forms.py.
"""

import io
import json
import re
import time
import zipfile
from datetime import date
from urllib.parse import quote

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from proforient.agreements import scans
from proforient.agreements.models import Agreement
from proforient.core.exports import content_disposition
from proforient.events import export, importing
from proforient.events.models import Event, Participation
from proforient.extensions import db
from proforient.monitoring.models import ReportingPeriod
from proforient.schools.models import School
from proforient.surveys.models import Campaign, Question
from proforient.surveys.response_models import AnswerText, Response
from proforient.surveys.spec import build_spec
from tests.support.agreements import PDF, agreement_form, make_agreement, make_partner
from tests.support.events import make_event, seed_reference
from tests.support.surveys import form_key, link_of, make_campaign, valid_answers


def text(response) -> str:
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- Control characters in typed text -------------------------------------------------------


def test_form_text_drops_control_characters(department_client):
    r = department_client.post(
        "/schools/new",
        data={
            "full_name": "МКОУ\x00 «СОШ\x07 № 5»",
            "short_name": "СОШ\x1b № 5",
            "settlement": "с.\x0bТестовое",
            "kind": "СОШ",
            **{f"grade_{g}": "10" for g in range(1, 12)},
        },
    )
    assert r.status_code == 302, text(r)
    school = db.session.scalars(select(School)).one()
    assert (school.full_name, school.short_name) == ("МКОУ «СОШ № 5»", "СОШ № 5")
    assert school.settlement == "с.Тестовое"


def test_textarea_keeps_tab_and_newline(department_client):
    seed_reference()
    event = make_event()
    r = department_client.post(
        f"/events/{event.id}/edit",
        data={
            "title": event.title,
            "level": event.level,
            "format_id": str(event.format_id),
            "start_date": event.start_date.isoformat(),
            "for_students": "y",
            "description": "Первая строка\r\nвторая\tс табуляцией\x00\x1f",
        },
    )
    assert r.status_code == 302, text(r)
    db.session.expire_all()
    assert db.session.get(Event, event.id).description == "Первая строка\nвторая\tс табуляцией"


def test_every_form_derives_from_the_base_form(app):
    from flask_wtf import FlaskForm

    from proforient.core.forms import BaseForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [c for c in subclasses(FlaskForm) if c.__module__.startswith("proforient.")]
    assert len(ours) > 20
    assert [c.__qualname__ for c in ours if not issubclass(c, BaseForm)] == [], (
        "derive forms from proforient.core.forms.BaseForm"
    )


def test_a_new_form_gets_the_same_rules(app):
    """The rules sit on the base form: a form written tomorrow has them too."""
    from werkzeug.datastructures import MultiDict
    from wtforms import (
        DateField,
        IntegerField,
        PasswordField,
        SelectField,
        SelectMultipleField,
        StringField,
        TextAreaField,
    )

    from proforient.core.forms import BaseForm as FlaskForm

    class Tomorrow(FlaskForm):
        name = StringField()
        note = TextAreaField()
        secret = PasswordField()
        day = DateField()
        number = IntegerField()
        kind = SelectField(choices=["a"], validate_choice=False)
        kinds = SelectMultipleField(choices=["a"], validate_choice=False)
        school = SelectField(choices=[(1, "1")], coerce=int)

    data = MultiDict(
        {
            "name": "a\x00b",
            "note": "x\r\ny\tz",
            "secret": "p\x01w",
            "day": "0001-01-01",
            "number": str(10**12),
            "kind": "a\x00",
            "kinds": "b\x1f",
            "school": str(10**12),
        }
    )
    with app.test_request_context(method="POST"):
        form = Tomorrow(formdata=data, meta={"csrf": False})
        assert not form.validate()
    assert (form.name.data, form.note.data, form.secret.data) == ("ab", "x\ny\tz", "p\x01w")
    assert (form.kind.data, form.kinds.data) == ("a", ["b"])
    assert form.school.data is None and form.school.errors
    assert form.day.errors == ["Проверьте год: дата должна быть между 01.01.1900 и 31.12.2100."]
    assert form.number.errors == ["Слишком большое число."]


def test_login_with_a_nul_is_refused_not_a_500(client, department_user):
    r = client.post("/login", data={"login": "meth\x00odist", "password": "x\x00"})
    assert r.status_code == 200


def test_query_string_control_characters_never_reach_the_database(department_client):
    for url in ("/schools/?q=%00", "/users?q=a%00b", "/audit?type=%00", "/partners/?q=%00"):
        r = department_client.get(url)
        assert r.status_code == 200, url
        assert "\x00" not in text(r), url


# --- The public survey form -----------------------------------------------------------------


@pytest.fixture
def survey(school):
    campaign = make_campaign([school])
    return campaign, link_of(campaign, school).token


def post_answers(client, token, **overrides):
    campaign = db.session.scalars(select(Campaign)).one()
    _spec, data = valid_answers(campaign)
    data.update(overrides)
    data["key"] = form_key(text(client.get(f"/s/{token}")))
    return client.post(f"/s/{token}", data=data)


@pytest.mark.parametrize("digit", ["²", "٣", "３", "4\x00", "1e3", "-1", "9" * 40])
def test_unicode_digits_in_choices_and_ratings_are_refused(client, survey, digit):
    campaign, token = survey
    spec = build_spec(campaign.questionnaire_id)
    for q in spec.questions:
        if q.kind == "text":
            continue
        name = f"{q.name}_r{q.rows[0].id}" if q.kind == "matrix" else q.name
        r = post_answers(client, token, **{name: digit})
        assert r.status_code == 200, (q.kind, digit, r.status_code)
        assert 'class="err"' in text(r), q.kind
    assert count(Response) == 0


def test_survey_free_text_drops_control_characters(client, survey):
    campaign, token = survey
    spec = build_spec(campaign.questionnaire_id)
    text_q = next(q for q in spec.questions if q.kind == "text")
    r = post_answers(client, token, **{text_q.name: "Больше\x00 экскурсий\x07\r\nи проб"})
    assert r.status_code == 303
    assert db.session.scalars(select(AnswerText.text)).all() == ["Больше экскурсий\nи проб"]


def test_survey_other_text_drops_control_characters(client, school):
    from tests.support.survey_results import make_survey

    s = make_survey([school])
    token = s.campaign.links[0].token
    s.campaign.opens_at, s.campaign.closes_at = (
        db.func.current_timestamp(),
        date(2099, 1, 1),
    )
    db.session.commit()
    page = text(client.get(f"/s/{token}"))
    data = {
        f"q{s.grade.id}": str(s.option(s.grade, "7").id),
        f"q{s.single.id}": str(s.option(s.single, "Да").id),
        f"q{s.multiple.id}_other": "\x00Свой\x1b вариант",
        f"q{s.satisfaction.id}": str(s.satisfaction.options[0].id),
        **{f"q{s.matrix.id}_r{row.id}": "5" for row in s.matrix.rows},
        f"q{s.rating.id}": "4",
        "key": form_key(page),
    }
    r = client.post(f"/s/{token}", data=data)
    assert r.status_code == 303, text(r)
    assert db.session.scalars(select(AnswerText.text)).all() == ["Свой вариант"]


# --- The participation import ---------------------------------------------------------------


def workbook(rows, sheet="Участие") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(export.TEMPLATE_HEADER)
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes):
    return client.post(
        "/events/import",
        data={"step": "check", "file": (io.BytesIO(data), "участие.xlsx")},
        content_type="multipart/form-data",
    )


def apply(client, items):
    return client.post("/events/import", data={"step": "apply", "payload": json.dumps(items)})


def payload_of(html: str) -> list:
    raw = re.search(r'name="payload" value="([^"]*)"', html).group(1)
    return json.loads(raw.replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&"))


@pytest.fixture
def event():
    seed_reference()
    return make_event(start=date(2025, 10, 22))


@pytest.mark.parametrize(
    "row, message",
    [
        ([None, None, None, 10**15], "участники: Не больше 100 000."),
        ([None, None, None, 10**19], "участники: Не больше 100 000."),
        ([None, None, None, 1e30], "участники: Не больше 100 000."),
        ([None, None, None, 10, 0, 0, 0, 0, 10**12], "педагоги: Не больше 100 000."),
        ([None, None, None, 10, 0, 0, 0, 0, 0, "100001"], "впервые в году: Не больше 100 000."),
        ([1e30, None, None, 10], "не найдено"),
        ([10**19, None, None, 10], "не найдено"),
        (["²", None, None, 10], "№ мероприятия: «²» — не число"),
        ([None, None, None, "1e400"], "не целое число"),
    ],
)
def test_import_applies_the_form_limits_at_preview(department_client, school, event, row, message):
    row = list(row)
    row[0] = event.id if row[0] is None else row[0]
    row[2] = school.short_name
    r = upload(department_client, workbook([row]))
    assert r.status_code == 200
    assert message in text(r)
    assert 'name="payload"' not in text(r)


@pytest.mark.parametrize(
    "change",
    [
        {"participants": 10**15},
        {"participants": 10**19},
        {"teachers": 1e30},
        {"event_id": 1e30},
        {"event_id": 10**40},
        {"line": "x"},
        {"line": 1.5},
        {"line": 10**30},
        {"line": None},
        {"school": ["a", {"b": 1}]},
    ],
    ids=lambda change: repr(change),
)
def test_import_applies_the_limits_again_at_apply(department_client, school, event, change):
    good = payload_of(
        text(upload(department_client, workbook([[event.id, "", school.short_name, 12]])))
    )
    forged = [{**good[0], **change}]
    r = apply(department_client, forged)
    assert r.status_code == 200
    assert "проверьте файл ещё раз" in text(r)
    assert count(Participation) == 0


def test_import_payload_nested_too_deep_is_refused(department_client, event):
    r = department_client.post("/events/import", data={"step": "apply", "payload": "[" * 100_000})
    assert r.status_code == 200
    assert count(Participation) == 0


def test_import_matches_a_school_name_with_control_characters(department_client, school, event):
    good = payload_of(
        text(upload(department_client, workbook([[event.id, "", school.short_name, 5]])))
    )
    forged = [{**good[0], "school": "\x00" + school.short_name + "\x07"}]
    r = apply(department_client, forged)
    assert r.status_code == 302
    assert count(Participation) == 1


def broken_sheet(data: bytes) -> bytes:
    """The same workbook with its sheet XML cut in the middle of a row."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content[: content.index(b'<row r="2"') + 30]
            archive.writestr(info.filename, content)
    return out.getvalue()


def test_a_damaged_sheet_gets_the_friendly_message(department_client, school, event):
    data = broken_sheet(workbook([[event.id, "", school.short_name, 5]] * 3))
    r = upload(department_client, data)
    assert r.status_code == 200
    assert importing.UNREADABLE in text(r)


BLANK_CELL = '<c t="inlineStr"><is><t> </t></is></c>'


def blank_rows_workbook(rows: int, cell: str = BLANK_CELL) -> bytes:
    """The template's header and then `rows` rows of one blank cell, the sheet's dimension
    claiming them all: tens of kilobytes zipped."""
    data = workbook([])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    blank = f"<row>{cell}</row>"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = content.decode()
                xml = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:J{rows}"/>', xml)
                xml = xml.replace("</sheetData>", blank * rows + "</sheetData>")
                content = xml.encode()
            archive.writestr(info.filename, content)
    return out.getvalue()


def test_300000_blank_rows_are_refused_quickly(department_client, event):
    data = blank_rows_workbook(300_000)
    assert len(data) < 100_000
    started = time.perf_counter()
    r = upload(department_client, data)
    elapsed = time.perf_counter() - started
    print(f"\n300,000 blank rows ({len(data) // 1024} KB): refused in {elapsed:.2f} s")
    assert r.status_code == 200
    assert importing.TOO_LARGE in text(r)
    assert elapsed < 3


def test_rows_within_the_budget_are_read(event, school):
    rows, error = importing.read_rows(blank_rows_workbook(importing.MAX_SHEET_ROWS - 1))
    assert (rows, error) == ([], None)
    rows, error = importing.read_rows(blank_rows_workbook(importing.MAX_SHEET_ROWS + 1))
    assert error == importing.TOO_LARGE


def test_wide_rows_and_big_archives_are_refused(event):
    # A cell in the last column makes a row 16,384 cells wide.
    wide = blank_rows_workbook(20, cell=BLANK_CELL.replace("<c ", '<c r="XFD1" '))
    assert importing.read_rows(wide) == ([], importing.TOO_LARGE)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        source = zipfile.ZipFile(io.BytesIO(workbook([])))
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info.filename))
        archive.writestr("xl/padding.xml", b" " * (importing.MAX_UNPACKED_BYTES + 1))
    assert len(bomb.getvalue()) < 100_000
    assert importing.read_rows(bomb.getvalue()) == ([], importing.TOO_LARGE)


# --- File names, dates, numbers -------------------------------------------------------------


def test_download_names_never_break_the_header():
    header = content_disposition('Договор № 12\r\n34\x00"\\ от 01.02.2026.pdf')
    assert not any(ord(c) < 32 for c in header)
    assert header.startswith('attachment; filename="12 34 01.02.2026.pdf"; ')
    # Characters no file system takes in a name go too: the name saves anywhere.
    assert header.endswith("filename*=UTF-8''" + quote("Договор № 12 34 от 01.02.2026.pdf"))


def test_agreement_number_with_a_line_break_downloads_its_scan(coordinator_client, school):
    partner = make_partner()
    agreement = make_agreement(school, partner, number="12\r\nПП")
    scans.store_scan(
        agreement, FileStorage(io.BytesIO(PDF), "скан.pdf", content_type="application/pdf")
    )
    db.session.commit()
    r = coordinator_client.get(f"/agreements/{agreement.id}/scan")
    assert r.status_code == 200
    assert r.data == PDF
    assert (
        "12 ПП" in r.headers["Content-Disposition"].replace("%20", " ")
        or "12%20%D0%9F" in (r.headers["Content-Disposition"])
    )


def test_campaign_opening_in_year_one_is_refused_in_russian(department_client, school):
    from tests.support.surveys import default_questionnaire

    qn = default_questionnaire()
    for opens, closes in (
        ("0001-01-01T00:00", "0001-01-02T00:00"),
        ("2026-04-01T08:00", "9999-12-31T23:59"),
    ):
        r = department_client.post(
            "/surveys/campaigns/new",
            data={
                "questionnaire_id": qn.id,
                "audience": "students",
                "academic_year": str(date.today().year - (date.today().month < 9)),
                "opens_at": opens,
                "closes_at": closes,
                "schools": [str(school.id)],
            },
        )
        assert r.status_code == 200
        assert "Проверьте год" in text(r)
    assert count(Campaign) == 0


def test_campaign_extended_to_year_one_is_refused(department_client, school):
    campaign = make_campaign([school])
    r = department_client.post(
        f"/surveys/campaigns/{campaign.id}/extend", data={"closes_at": "0001-01-01T00:00"}
    )
    assert r.status_code == 200
    assert "Проверьте год" in text(r)


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_dates_out_of_range_are_refused_in_every_date_form(department_client, school, day):
    seed_reference()
    event = make_event()
    partner = make_partner()
    posts = [
        (
            "/agreements/new",
            agreement_form(partner, school_id=str(school.id), valid_until=day),
        ),
        ("/agreements/new", agreement_form(partner, school_id=str(school.id), signed_on=day)),
        (
            "/events/new",
            {
                "title": "Новое",
                "level": "municipal",
                "format_id": str(event.format_id),
                "start_date": "2026-01-10",
                "end_date": day,
                "for_students": "y",
            },
        ),
        (
            "/monitoring/periods/new",
            {"kind": "monitoring", "year": "2025", "opens_on": day, "closes_on": ""},
        ),
    ]
    for url, data in posts:
        r = department_client.post(url, data=data)
        assert r.status_code == 200, (url, r.status_code)
        assert "Проверьте год" in text(r), url
    assert count(Agreement) == 0
    assert count(Event) == 1
    assert count(ReportingPeriod) == 0


@pytest.mark.parametrize(
    "value", [str(10**12), str(10**30), "-" + str(10**30), "9" * 400, "²", "1e3"]
)
def test_huge_numbers_in_number_fields_are_refused(department_client, value):
    r = department_client.post(
        "/surveys/questionnaires/new",
        data={"title": "Анкета", "audience": "students", "intro": "", "minutes": value},
    )
    assert r.status_code == 200
    r = department_client.post(
        "/schools/new",
        data={
            "full_name": "Школа",
            "short_name": "Школа",
            "kind": "СОШ",
            **{f"grade_{g}": value for g in range(1, 12)},
        },
    )
    assert r.status_code == 200
    assert count(School) == 0


# --- Query strings and ids in URLs ----------------------------------------------------------

HOSTILE_ARGS = ["1" + "0" * 25, "-1", "²", "1e30", "0001-01-01", "9999-12-31", "\x00", "x" * 5000]
ARG_NAMES = [
    "page", "year", "school", "school_id", "form", "project", "partner", "grade", "from",
    "to", "on", "into", "exclude", "q", "type", "kind", "status", "sort", "level", "code",
    "audience", "name", "inn", "short_name", "all", "edit", "next", "dups",
]  # fmt: skip


def get_urls(app, int_value, role: str | None = None) -> list[str]:
    """Every GET page with its ids set to `int_value`; with `role`, only the pages whose
    view admits that role (the others refuse it before reading any argument)."""
    from werkzeug.routing import IntegerConverter

    from proforient.core.access import declared_roles

    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "auth.logout"):
            continue
        if role is not None and role not in declared_roles(app.view_functions[rule.endpoint]):
            continue
        if rule.rule.endswith(".pdf"):
            continue  # PDFs print what they are given; their text is escaped elsewhere
        url = rule.rule
        for name, converter in rule._converters.items():
            value = int_value if isinstance(converter, IntegerConverter) else "monitoring"
            url = re.sub(rf"<(?:[a-z]+(?:\([^)]*\))?:)?{name}>", str(value), url)
        urls.append(url)
    return urls


def test_hostile_query_strings_never_give_500(app, client, auth, school, department_user):
    from urllib.parse import urlencode

    from proforient.auth.models import Role
    from tests.factories import make_user

    seed_reference()
    make_event()
    make_campaign([school])
    coordinator = make_user("hostile-coordinator", role=Role.SCHOOL, school=school)
    for user in (department_user, coordinator):
        auth.login(user)
        for url in get_urls(app, 1, user.role):
            # Each argument takes the next hostile value in turn: every value reaches
            # every argument within len(HOSTILE_ARGS) requests per page.
            for shift in range(len(HOSTILE_ARGS)):
                args = {
                    name: HOSTILE_ARGS[(i + shift) % len(HOSTILE_ARGS)]
                    for i, name in enumerate(ARG_NAMES)
                }
                r = client.get(f"{url}?{urlencode(args)}")
                assert r.status_code < 500, (user.login, url, args)
        auth.logout()


@pytest.mark.parametrize("value", [2**31, 10**25])
def test_ids_beyond_a_database_integer_are_404(app, department_client, value):
    for url in get_urls(app, value):
        if re.search(r"/\d{10,}", url):
            assert department_client.get(url).status_code == 404, url


# --- Found by the property-based sweep (test_property_forms.py) ----------------------------


def test_graduate_form_shows_a_huge_number_back(coordinator_client, school):
    from datetime import timedelta

    from proforient.core.timeutil import current_academic_year, local_today
    from proforient.monitoring import operations as monitoring_operations

    year = current_academic_year()
    today = local_today()
    monitoring_operations.create_period("graduates", year, today, today + timedelta(days=5))
    db.session.commit()
    form = text(coordinator_client.get(f"/monitoring/schools/{school.id}/graduates/{year}"))
    fields = set(re.findall(r'name="(g\d+_\w+)"', form))
    assert len(fields) > 20
    r = coordinator_client.post(
        f"/monitoring/schools/{school.id}/graduates/{year}",
        data={**dict.fromkeys(fields, str(10**30)), "action": "save"},
    )
    assert r.status_code == 200
    assert "Слишком большое число." in text(r)


def test_question_form_survives_an_unknown_kind_and_missing_fields(department_client, school):
    campaign = make_campaign([school])
    question = db.session.scalars(
        select(Question).where(Question.questionnaire_id == campaign.questionnaire_id)
    ).first()
    r = department_client.post(
        f"/surveys/questions/{question.id}/edit",
        data={"text": "Вопрос", "kind": str(10**30), "in_index": "y"},
    )
    assert r.status_code == 200
    r = department_client.post(
        f"/surveys/questions/{question.id}/edit", data={"text": "Вопрос", "kind": "single"}
    )
    assert r.status_code in (200, 302)


@pytest.mark.parametrize("value", [str(2**31), str(10**30), "-" + str(10**30)])
def test_ids_in_select_fields_beyond_a_database_integer(department_client, school, value):
    from tests.support.surveys import default_questionnaire

    default_questionnaire()
    partner = make_partner()
    r = department_client.post(
        "/surveys/campaigns/new",
        data={
            "questionnaire_id": value,
            "audience": "students",
            "opens_at": "2026-04-01T08:00",
            "closes_at": "2026-05-01T08:00",
            "schools": [value],
        },
    )
    assert r.status_code == 200
    r = department_client.post(
        "/agreements/new", data=agreement_form(partner, school_id=value, partner_id=value)
    )
    assert r.status_code == 200
    assert count(Campaign) == 0 and count(Agreement) == 0


def test_scan_file_name_drops_control_characters(coordinator_client, school):
    partner = make_partner()
    r = coordinator_client.post(
        "/agreements/new",
        data={**agreement_form(partner), "scan": (io.BytesIO(PDF), "скан\x00\x1b.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302, text(r)
    assert db.session.scalars(select(Agreement.scan_filename)).one() == "скан.pdf"


def test_a_choice_not_checked_against_its_list_drops_control_characters(department_client):
    """The period form reads its kind without checking the list first: a NUL in it reached
    PostgreSQL (a 500)."""
    from proforient.core.timeutil import current_academic_year

    year = str(current_academic_year())
    r = department_client.post(
        "/monitoring/periods/new", data={"kind": "monitoring\x00", "year": year}
    )
    assert r.status_code == 302
    assert db.session.scalars(select(ReportingPeriod.kind)).all() == ["monitoring"]
    r = department_client.post("/monitoring/periods/new", data={"kind": "\x00", "year": "2025"})
    assert r.status_code == 200
    assert "Выберите форму из списка." in text(r)
