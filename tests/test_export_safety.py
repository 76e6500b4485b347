"""Every export writes typed text as text: nothing a user or a respondent typed becomes a
formula in XLSX or CSV, and rows stored with control characters never break an export.

The data is written straight to the database (as rows stored before input was cleaned,
or by any future path that forgets to clean) and every export of the app is read back
with openpyxl and csv.
"""

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from proforient.core.text import CONTROL_RE
from proforient.extensions import db
from proforient.monitoring.models import MonitoringReport, Status
from proforient.plan.models import PlanExecution, PlanItem
from tests.factories import make_school
from tests.support.agreements import make_agreement, make_partner
from tests.support.events import make_event, make_participation, seed_reference
from tests.support.survey_results import make_survey

YEAR = 2025
LINK = '=HYPERLINK("http://x","y")'
SUM = "=1+1"
# Every sign a spreadsheet reads as the start of a formula, and the two characters that
# hide one (a leading tab or carriage return).
PLUS, MINUS, AT, TAB, CR = "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+2"
# Stored before input was cleaned: must not break an export. (PostgreSQL cannot store a
# NUL at all, SQLite can: see `nul`.)
NUL = "a\x01b\x1fc"


def nul() -> str:
    """A NUL where the database can store one (SQLite), else another C0 control."""
    return "\x00" if db.engine.dialect.name == "sqlite" else "\x02"


def shown(value: str) -> str:
    """The text as an export writes it: control characters but tab and newline dropped."""
    return "".join(c for c in value if c in "\t\n" or ord(c) >= 32)


@pytest.fixture
def hostile():
    """Objects of every kind whose typed text starts like a formula."""
    seed_reference()
    school = make_school(LINK, full_name=SUM)
    other = make_school(SUM)
    event = make_event(title=SUM, organizer=PLUS, start=date(2025, 10, 22))
    make_event(title=MINUS + NUL, start=date(2025, 11, 5))
    make_participation(event, school)
    partner = make_partner(AT, short_name=TAB)
    make_agreement(school, partner, number=MINUS, subject=LINK, notes=CR + NUL)
    make_agreement(other, partner, number=PLUS)
    report = MonitoringReport(
        school=school,
        year=YEAR,
        status=Status.SUBMITTED,
        submitted_at=datetime(2026, 5, 1, 9, 0),
        program_names=f"{SUM}\n{AT}",
        programs_count=2,
        summary=PLUS + NUL,
    )
    item = PlanItem(number="9.1", title=SUM, deadline=MINUS, responsible=LINK)
    item.executions.append(PlanExecution(year=YEAR, status="done", note=TAB + NUL))
    db.session.add_all([report, item])
    survey = make_survey([school, other])
    survey.campaign.title = PLUS
    survey.single.text = LINK
    survey.answer(school, text=SUM + "\x08", other=AT + "\x0b", times=3)
    survey.answer(school, text=CR, other=TAB, times=2)
    survey.answer(other, text=MINUS, times=5)
    db.session.commit()
    return {"school": school, "event": event, "campaign": survey.campaign}


def xlsx_texts(response) -> list[str]:
    """Every text cell of every sheet; fails on any formula or error cell."""
    assert response.status_code == 200, response.status_code
    wb = load_workbook(io.BytesIO(response.data))
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type not in ("f", "e"), (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                    texts.append(cell.value)
    return texts


def csv_fields(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    body = response.get_data(as_text=True).lstrip("\ufeff")
    return [field for row in csv.reader(io.StringIO(body), delimiter=";") for field in row]


def contains(texts: list[str], value: str) -> bool:
    return any(value in t for t in texts)


# Each export with the typed values it must show as text: =HYPERLINK(…) and =1+1 in every
# one, the other leading signs (+ - @ tab CR) wherever the export prints such a field.
XLSX_EXPORTS = [
    ("/events/export.xlsx?year=all", [LINK, SUM, PLUS, MINUS + "abc"]),
    ("/events/{event}/participation.xlsx", [LINK, SUM]),
    ("/events/import/template.xlsx?year=2025", [LINK, SUM, MINUS + "abc"]),
    ("/agreements/export.xlsx", [LINK, SUM, AT, MINUS, PLUS, "=1+2abc"]),
    ("/agreements/overview.xlsx", [LINK, SUM]),
    ("/monitoring/export/2025.xlsx", [LINK, SUM, AT, PLUS + "abc"]),
    ("/plan/2025.xlsx", [LINK, SUM, MINUS, shown(TAB + NUL)]),
    ("/surveys/campaigns/{campaign}/results/responses.xlsx", [LINK, SUM, AT, "=1+2", TAB]),
    ("/surveys/campaigns/{campaign}/results/summary.xlsx", [LINK, SUM, PLUS]),
    ("/reports/indicators.xlsx?year=2025", [LINK, SUM]),
    ("/reports/concept/report.xlsx", [SUM]),
    ("/reports/history/template.xlsx?year=2025", [LINK, SUM]),
]


@pytest.mark.parametrize("url, expected", XLSX_EXPORTS, ids=[u for u, _ in XLSX_EXPORTS])
def test_xlsx_exports_keep_typed_text_as_text(department_client, hostile, url, expected):
    url = url.format(event=hostile["event"].id, campaign=hostile["campaign"].id)
    texts = xlsx_texts(department_client.get(url))
    for value in expected:
        assert contains(texts, value), (url, value)
    assert not any(CONTROL_RE.search(t) for t in texts)


def test_csv_export_prefixes_formula_like_text(department_client, hostile):
    campaign = hostile["campaign"]
    fields = csv_fields(
        department_client.get(f"/surveys/campaigns/{campaign.id}/results/responses.csv")
    )
    for field in fields:
        assert not field.startswith(("=", "+", "-", "@", "\t", "\r")), field
    for value in (SUM, AT, "=1+2", TAB, MINUS):
        assert "'" + value in fields, value
    assert "'" + LINK in fields  # the school's name: typed text too
    assert not any(CONTROL_RE.search(f) for f in fields)


def test_numbers_stay_numbers(department_client, hostile):
    response = department_client.get("/events/export.xlsx?year=all")
    wb = load_workbook(io.BytesIO(response.data))
    ws = wb["Участие"]
    header = [c.value for c in ws[1]]
    row = [c for c in ws[2]]
    participants = row[header.index("Участников")]
    assert participants.value == 10 and participants.data_type == "n"


def test_coordinator_exports_are_safe_too(client, auth, hostile):
    from proforient.auth.models import Role
    from tests.factories import make_user

    auth.login(make_user("coordinator", role=Role.SCHOOL, school=hostile["school"]))
    texts = xlsx_texts(client.get("/events/export.xlsx?year=all"))
    assert contains(texts, SUM)
    texts = xlsx_texts(client.get("/agreements/export.xlsx"))
    assert contains(texts, LINK)


def test_responses_export_survives_a_nul_in_an_answer(department_client):
    """One anonymous answer with a NUL used to make the whole XLSX export a 500."""
    school = make_school()
    survey = make_survey([school])
    survey.answer(school, text=f"Хочу{nul()} больше экскурсий", times=5)
    url = f"/surveys/campaigns/{survey.campaign.id}/results/responses.xlsx"
    texts = xlsx_texts(department_client.get(url))
    assert "Хочу больше экскурсий" in texts


def test_every_export_is_checked_here(app):
    """A new XLSX or CSV download must be added to the lists above."""
    checked = {url.split("?")[0] for url, _ in XLSX_EXPORTS}
    checked.add("/surveys/campaigns/{campaign}/results/responses.csv")
    rules = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.endswith((".xlsx", ".csv")):
            rules.add(
                rule.rule.replace("<int:event_id>", "{event}")
                .replace("<int:campaign_id>", "{campaign}")
                .replace("<int:year>", "2025")
            )
    assert rules == checked
