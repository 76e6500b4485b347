"""Every form of the app, and the public survey form, under random and hostile input.

The forms are found from the URL map: every rule that takes a POST is posted to, with the
fields its own page renders (read from the HTML, so a new form is covered the day it is
added) filled with what the page offers, with hostile values (Unicode digits, control
characters, huge and negative numbers, 100,000-character strings, impossible dates, wrong
ids) or left out or repeated. The properties:

- never a 500 (the test client re-raises any exception a view lets through);
- never a partial write: a refused POST (anything but a redirect) changes no table;
- no accepted write stores a control character other than tab and newline.
"""

import functools
import io
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter

from proforient.auth.models import Role
from proforient.core.text import CONTROL_RE
from proforient.core.timeutil import current_academic_year, local_today
from proforient.events.export import TEMPLATE_HEADER
from proforient.events.models import EventFormat, Project
from proforient.extensions import db
from proforient.monitoring.models import MonitoringReport, PeriodKind, ReportingPeriod, Status
from proforient.plan.models import PlanItem
from proforient.surveys.models import Question
from proforient.surveys.response_models import Response
from tests.factories import make_user
from tests.support.agreements import PDF, make_agreement, make_partner
from tests.support.events import make_event, make_participation, seed_reference
from tests.support.queries import count_queries
from tests.support.surveys import form_key, link_of, make_campaign

SETTINGS = settings(
    deadline=None,
    database=None,  # nothing written into the working tree
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the database is shared by design
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
REDIRECTS = (301, 302, 303)
# Pages that answer an accepted POST without a redirect: a draft kept while submission is
# refused, a password shown once.
KEPT_ON_PURPOSE = ("Черновик сохранён", 'data-testid="one-time-password"')
# Sign-in counts failed attempts: that write is the point of a refused login.
WRITES_WHEN_REFUSED = {"auth.login"}
NOT_POSTED = {"auth.logout", "respond.form"}  # the survey form has a test of its own

# --- Hostile values ---------------------------------------------------------------------------

UNICODE_DIGITS = ["²", "³", "¹", "١٢", "٣", "۵", "३", "３", "𝟙", "½", "Ⅻ", "߁", "〇", "4²"]
NUMBERS = [
    "0", "-0", "-1", str(2**31 - 1), str(2**31), str(-(2**31) - 1), str(2**63), str(10**19),
    str(10**30), "9" * 400, "1e30", "1e400", "-1e400", "NaN", "inf", "1.5", "1,5", "0x10",
    "1_000", " 7 ", "７",
]  # fmt: skip
DATES = [
    "0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01", "2026-02-30", "2026-13-01",
    "0001-01-01T00:00", "9999-12-31T23:59", "1900-01-01T00:00", "01.01.0001", "",
]  # fmt: skip
LONG = ["x" * 100_000, "Я" * 100_000, "=1+1;" * 20_000, "\x00" * 100_000]
EXTRA_FIELDS = ["id", "step", "payload", "x"]
IDS = ["0", "-1", "999999", str(2**31), str(10**25), "1 OR 1=1", "²"]
FORMULAS = ['=HYPERLINK("http://x","y")', "=1+1", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"]

controls = st.text(st.characters(max_codepoint=0x1F), min_size=1, max_size=4)
hostile_text = st.one_of(
    st.sampled_from(UNICODE_DIGITS + NUMBERS + DATES + IDS + FORMULAS),
    st.builds(lambda a, c, b: a + c + b, st.text(max_size=8), controls, st.text(max_size=8)),
    st.integers(-(10**40), 10**40).map(str),
    st.text(max_size=40),
    st.sampled_from(LONG),
)


def hostile_workbook() -> bytes:
    """The participation template filled with hostile cells."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Участие"
    ws.append(TEMPLATE_HEADER)
    for value in ["²", 10**15, 1e30, -1, "=1+1", "9" * 400, "1e400", "\t", None]:
        ws.append([value, value, value, *[value] * 7])
    ws.append([1, "", "²", 10**19, 1e30, -5, "x", None, "", 2**31])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


hostile_file = st.sampled_from(
    [
        None,
        (hostile_workbook(), "участие.xlsx"),
        (b"", "empty.xlsx"),
        (b"PK\x03\x04" + b"\x00" * 64, "broken.xlsx"),
        (PDF, "scan.pdf"),
        (PDF, "scan\x00.pdf"),
        (b"<html>", "page.html"),
        (b"x" * 2048, "=1+1.pdf"),
    ]
)


# --- Reading a page's form --------------------------------------------------------------------


class FormFields(HTMLParser):
    """The fields of the page's POST form that submits to `action`: name -> offered values."""

    def __init__(self, action: str):
        super().__init__()
        self.action = action
        self.inside = False
        self.multipart = False
        self.fields: dict[str, list[str]] = {}
        self.kinds: dict[str, str] = {}  # input type, "select" or "textarea"
        self.files: set[str] = set()
        self._select: str | None = None
        self._textarea: str | None = None

    def offer(self, name: str | None, value: str | None, kind: str = "text") -> None:
        if name:
            self.fields.setdefault(name, [])
            self.kinds.setdefault(name, kind)
            if value is not None and value not in self.fields[name]:
                self.fields[name].append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            target = (a.get("action") or self.action).split("?")[0]
            self.inside = (a.get("method") or "").lower() == "post" and target == self.action
            if self.inside:
                self.multipart = a.get("enctype") == "multipart/form-data"
        elif not self.inside:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self.files.add(a.get("name"))
            elif kind in ("checkbox", "radio", "submit"):
                self.offer(a.get("name"), a.get("value") or "y", kind)
            else:
                self.offer(a.get("name"), a.get("value") or "", kind)
        elif tag == "button":
            self.offer(a.get("name"), a.get("value"))
        elif tag == "select":
            self._select = a.get("name")
            self.offer(self._select, None, "select")
        elif tag == "option" and self._select:
            self.offer(self._select, a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.offer(self._textarea, None, "textarea")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and data.strip():
            self.offer(self._textarea, data)


def read_form(client, url: str) -> FormFields:
    parser = FormFields(url.split("?")[0])
    response = client.get(url)
    if response.status_code == 200 and response.mimetype == "text/html":
        parser.feed(response.get_data(as_text=True))
    return parser


# A value the field would accept, by its kind, for fields the page leaves empty.
PLAUSIBLE = {
    "date": "2026-03-02",
    "datetime-local": "2026-03-02T10:00",
    "number": "3",
    "text": "Проверка",
    "textarea": "Проверка\nвторая строка",
}


# A multipart body above 500 KB makes Werkzeug spool the upload to a temporary file, which
# a refused (413) request leaves to the garbage collector, and the test client spools the
# body it builds the same way: ResourceWarnings, errors under `filterwarnings = error`.
MULTIPART_TEXT_BUDGET = 300_000  # bytes of text values in one multipart body


def draw_body(data, form: FormFields) -> tuple[MultiDict, bool]:
    """Per field: what the page offers (or a plausible value), a hostile value, nothing,
    or the field twice; sometimes a field nobody asked for. Half the bodies are hostile
    in one field only, so the checks behind the first refusal are reached too."""
    pairs = []
    multipart = form.multipart or bool(form.files)
    names = list(form.fields)
    only = data.draw(st.sampled_from(names)) if names and data.draw(st.booleans()) else None
    for name, offered in form.fields.items():
        if only is None:
            modes = ["page", "page", "page", "hostile", "missing", "twice"]
        else:
            modes = ["hostile", "missing", "twice"] if name == only else ["page"]
        mode = data.draw(st.sampled_from(modes))
        choices = [*offered, PLAUSIBLE.get(form.kinds.get(name), "")]
        page_value = st.sampled_from([c for c in choices if c] or [""])
        if mode in ("page", "twice"):
            pairs.append((name, data.draw(page_value)))
        if mode in ("hostile", "twice"):
            pairs.append((name, data.draw(hostile_text)))
    pairs += data.draw(st.lists(st.tuples(st.sampled_from(EXTRA_FIELDS), hostile_text), max_size=2))
    body = MultiDict()
    budget = MULTIPART_TEXT_BUDGET
    for name, value in pairs:
        if multipart:
            value = value.encode()[: max(budget, 0)].decode(errors="ignore")
            budget -= len(value.encode())
        body.add(name, value)
    for name in form.files:
        upload = data.draw(hostile_file)
        if upload is not None:
            body.add(name, (io.BytesIO(upload[0]), upload[1]))
    return body, multipart


# --- The database before and after ---------------------------------------------------------


@functools.cache
def _every_row() -> list[tuple[str, object]]:
    """A query per table for all its rows in key order (the database sorts: far cheaper
    than sorting them here, and as stable)."""
    return [
        (table.name, table.select().order_by(*(table.primary_key.columns or table.columns)))
        for table in db.metadata.sorted_tables
    ]


def snapshot() -> dict[str, list[tuple]]:
    """Every table's rows, in a stable order."""
    state = {name: list(map(tuple, db.session.execute(query))) for name, query in _every_row()}
    db.session.commit()
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def controls_in(rows: list[tuple]) -> list[str]:
    """Text values (also inside JSON columns) holding a control character."""
    found = []

    def walk(value):
        if isinstance(value, str):
            if CONTROL_RE.search(value):
                found.append(value[:80])
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(rows)
    return found


def check_post(client, endpoint, url, body: MultiDict, multipart: bool, before=None) -> dict:
    """POST and check the properties; returns the database as the POST left it (the next
    check's `before` when nothing else ran in between)."""
    before = before or snapshot()
    kwargs = {"content_type": "multipart/form-data"} if multipart else {}
    with count_queries() as sent:
        response = client.post(url, data=body, **kwargs)
    assert response.status_code < 500, (endpoint, url, response.status_code)
    page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    refused = response.status_code not in REDIRECTS and not any(m in page for m in KEPT_ON_PURPOSE)
    # A POST that sent the database nothing but SELECTs left it as it was: no need to read
    # every table again (most hostile bodies are refused before any write).
    wrote = any(not s.lstrip().upper().startswith("SELECT") for s in sent)
    after = snapshot() if wrote else before
    changed = changed_tables(before, after)
    if refused and endpoint not in WRITES_WHEN_REFUSED:
        assert not changed, (endpoint, url, response.status_code, changed)
    for name in changed:
        assert not controls_in(after[name]), (endpoint, url, name)
    return after


# --- The app's data and its forms ----------------------------------------------------------


@pytest.fixture
def world(school, other_school):
    """One object of every kind the forms edit, and the URLs of every POST rule."""
    seed_reference()
    year = current_academic_year()
    event = make_event(start=local_today() - timedelta(days=20))
    participation = make_participation(event, school)
    make_participation(event, other_school)
    partner = make_partner()
    agreement = make_agreement(school, partner)
    make_agreement(other_school, partner)
    item = PlanItem(number="1.1", title="Пункт плана")
    today = local_today()
    periods = [
        ReportingPeriod(kind=kind, year=year, opens_on=today - timedelta(days=5), closes_on=today)
        for kind in (PeriodKind.MONITORING, PeriodKind.GRADUATES)
    ]
    submitted = MonitoringReport(school=other_school, year=year, status=Status.SUBMITTED)
    db.session.add_all([item, *periods, submitted])
    campaign = make_campaign([school, other_school])
    target = make_user("target", role=Role.SCHOOL, school=other_school)
    db.session.commit()
    question = db.session.scalars(
        select(Question).where(Question.questionnaire_id == campaign.questionnaire_id)
    ).first()
    return {
        "agreement_id": agreement.id,
        "event_id": event.id,
        "pid": participation.id,
        "school_id": school.id,
        "partner_id": partner.id,
        "period_id": periods[0].id,
        "year": year,
        "user_id": target.id,
        "campaign_id": campaign.id,
        "question_id": question.id,
        "questionnaire_id": campaign.questionnaire_id,
        "kind": PeriodKind.MONITORING,
        "day": today.isoformat(),
        "format_item": db.session.scalars(select(EventFormat.id)).first(),
        "project_item": db.session.scalars(select(Project.id)).first(),
        "plan_item": item.id,
        "other_school_id": other_school.id,
    }


def post_rules(app) -> list:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint not in NOT_POSTED
    ]


def real_url(rule, world: dict) -> str:
    values = {}
    for name, converter in rule._converters.items():
        if name == "item_id":
            kind = rule.endpoint.split(".")[1].split("_")[0]  # format / project / item
            values[name] = world.get(f"{kind}_item", world["plan_item"])
        elif name in world:
            values[name] = world[name]
        else:  # a rule added after this test: its page answers 404 until `world` knows it
            values[name] = 1 if isinstance(converter, IntegerConverter) else "x"
    return rule.build(values, append_unknown=False)[1]


def wrong_url(rule, world: dict, data) -> str:
    """The rule with at least one id that is not the viewer's to use."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter) and name != "year":
            choices = ["999999", str(2**31), "0", str(world["other_school_id"])]
            values[name] = data.draw(st.sampled_from(choices))
        elif name == "year":
            year = world["year"]
            values[name] = data.draw(st.sampled_from(["1", str(year + 500), str(year)]))
        else:
            values[name] = data.draw(st.sampled_from(["monitoring", "x", "%00", "²"]))
    url = rule.rule
    for name, value in values.items():
        url = re.sub(rf"<(?:[a-z]+(?:\([^)]*\))?:)?{name}>", value, url)
    return url


def targets(app, client, world) -> list[tuple[str, str, FormFields]]:
    """(endpoint, url, form) for every POST rule, with the viewer's own objects; a rule
    that deletes is aimed at ids that are not the viewer's (the data has to last)."""
    out = []
    for rule in post_rules(app):
        if rule.endpoint.endswith("delete"):
            continue
        url = real_url(rule, world)
        form = read_form(client, url) if "GET" in rule.methods else FormFields(url)
        out.append((rule.endpoint, url, form))
    return out


# Three bodies per form, each field taking the next hostile value in turn, so every kind
# of value lands in every field without a post per value and field.
SWEEP = [
    "²", "\x00\x1f", str(10**30), "-1", "0001-01-01", FORMULAS[0], "999999", "9999-12-31",
    "1e400", "٣", "", "9" * 400,
]  # fmt: skip


WRONG = {"kind": "x", "year": "2050"}


def sweep(app, client, world) -> int:
    """Each POST rule with hostile values in every field, and with wrong ids."""
    posted = 0
    state = None
    for endpoint, url, form in targets(app, client, world):
        names = list(form.fields) or ["x"]
        # Enough bodies for every value to land in every field, three at least.
        for shift in range(max(3, -(-len(SWEEP) // len(names)))):
            values = [SWEEP[(i + shift * len(names)) % len(SWEEP)] for i in range(len(names))]
            if shift == 0:
                # One 100,000-character value (see MULTIPART_TEXT_BUDGET).
                values[0] = LONG[posted % len(LONG)]
            body = MultiDict(zip(names, values, strict=True))
            state = check_post(client, endpoint, url, body, form.multipart, state)
            posted += 1
    for rule in post_rules(app):
        if rule.arguments - {"year", "kind"}:
            url = re.sub(r"<(?:int:)?(\w+)>", lambda m: WRONG.get(m[1], "999999"), rule.rule)
            state = check_post(client, rule.endpoint, url, MultiDict({"x": "1"}), False, state)
            posted += 1
    return posted


def test_every_post_rule_is_reached(app, department_client, world):
    """The sweep below covers every POST rule of the URL map (but the survey form's)."""
    found = targets(app, department_client, world)
    deleting = {r.endpoint for r in post_rules(app) if r.endpoint.endswith("delete")}
    assert {e for e, _url, _form in found} | deleting == {r.endpoint for r in post_rules(app)}
    assert len([form for _e, _u, form in found if form.fields]) >= 25  # the pages' own forms


def test_hostile_values_in_every_field_as_department(app, department_client, world):
    assert sweep(app, department_client, world) > 120


def test_hostile_values_in_every_field_as_coordinator(app, coordinator_client, world):
    assert sweep(app, coordinator_client, world) > 120


def random_posts(app, client, world, data) -> None:
    # The database as the previous example left it; None once a page has been read since,
    # or when that example failed.
    before, world["_state"] = world.get("_state"), None
    rule = data.draw(st.sampled_from(post_rules(app)))
    if rule.endpoint.endswith("delete") or data.draw(st.integers(0, 4)) == 0:
        url = wrong_url(rule, world, data)
        form = FormFields(url)
    else:
        url = real_url(rule, world)
        cache = world.setdefault("_forms", {})
        if url not in cache:
            cache[url] = read_form(client, url) if "GET" in rule.methods else FormFields(url)
            before = None
        form = cache[url]
    body, multipart = draw_body(data, form)
    world["_state"] = check_post(client, rule.endpoint, url, body, multipart, before)


@settings(SETTINGS, max_examples=250)
@given(data=st.data())
def test_random_posts_as_department(app, department_client, world, data):
    random_posts(app, department_client, world, data)


@settings(SETTINGS, max_examples=120)
@given(data=st.data())
def test_random_posts_as_coordinator(app, coordinator_client, world, data):
    random_posts(app, coordinator_client, world, data)


@settings(SETTINGS, max_examples=40)
@given(data=st.data())
def test_random_sign_in_attempts(client, department_user, data):
    form = read_form(client, "/login")
    body, multipart = draw_body(data, form)
    check_post(client, "auth.login", "/login", body, multipart)


# --- The public survey form ----------------------------------------------------------------


@pytest.fixture
def survey(school):
    campaign = make_campaign([school])
    coded = make_campaign([school], uses_codes=True)
    return {"open": link_of(campaign, school).token, "coded": link_of(coded, school).token}


def responses() -> int:
    return db.session.scalar(select(db.func.count(Response.id)))


@settings(SETTINGS, max_examples=120)
@given(data=st.data())
def test_random_survey_answers(client, survey, data):
    """The key comes from the rendered form, as a respondent's browser gets it; an
    accepted answer is stored once, a refused one changes nothing."""
    token = survey[data.draw(st.sampled_from(["open", "open", "open", "coded"]))]
    url = f"/s/{token}"
    page = client.get(url)
    form = FormFields(url)
    form.feed(page.get_data(as_text=True))
    body, _multipart = draw_body(data, form)
    if "key" in body and data.draw(st.booleans()):
        body.setlist("key", [form_key(page.get_data(as_text=True))])
    before_n, before = responses(), snapshot()
    response = client.post(url, data=body)
    assert response.status_code in (200, 303, 409, 413), response.status_code
    after = snapshot()
    changed = changed_tables(before, after)
    if response.status_code == 303:
        assert responses() in (before_n, before_n + 1)  # stored once, or a repeat
        for name in changed:
            assert not controls_in(after[name]), name
    else:
        assert changed == []


def test_survey_sweep_of_hostile_values(client, survey):
    for token in survey.values():
        url = f"/s/{token}"
        page = client.get(url).get_data(as_text=True)
        form = FormFields(url)
        form.feed(page)
        for value in ["²", "\x00", str(10**30), "-1", LONG[1], "", "١"]:
            body = MultiDict([(name, value) for name in form.fields if name != "key"])
            if "key" in form.fields:
                body["key"] = form_key(client.get(url).get_data(as_text=True))
            before = snapshot()
            response = client.post(url, data=body)
            assert response.status_code in (200, 303, 409), (value, response.status_code)
            if response.status_code != 303:
                assert snapshot() == before, value
