"""The access walk (no tests here): one object of every school-owned kind for school A, and
a checker that requests every URL of an app as every role and as another school's
coordinator, and returns what it found wrong as a list of readable violations."""

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from flask import Flask
from sqlalchemy import Table, func, select
from werkzeug.datastructures import FileStorage
from werkzeug.routing import Rule

from proforient.agreements import scans
from proforient.auth.models import Role, User
from proforient.core.access import ANONYMOUS, declared_roles
from proforient.events.models import EventFormat, Level, Project
from proforient.extensions import db
from proforient.indicators.models import ManualValue
from proforient.monitoring.models import PeriodKind, ReportingPeriod
from proforient.plan.models import PlanExecution, PlanItem
from proforient.schools.models import School
from proforient.surveys import campaigns as surveys
from proforient.surveys import throttle
from tests.factories import PASSWORD, make_school, make_user
from tests.support.agreements import PDF, make_agreement, make_partner
from tests.support.events import make_event, make_participation, seed_reference
from tests.support.reports import YEAR, graduates_form, monitoring_form
from tests.support.survey_results import Survey, make_survey

# Pages meant for anyone, signed in or not. A view marked `public` must be listed here.
PUBLIC = {"auth.login", "auth.logout", "core.healthz", "respond.form", "respond.thanks"}

# Pages a school's coordinator may open. A view that admits coordinators must be listed
# here: each one either takes no school object or checks the school of the one it takes
# (the school probe proves the check for every listed page that takes such an id).
OPEN_TO_COORDINATORS = {
    "agreements.delete",
    "agreements.detail",
    "agreements.edit",
    "agreements.export",
    "agreements.index",
    "agreements.new",
    "agreements.scan",
    "agreements.school_agreements",
    "auth.change_password",
    "core.index",
    "events.delete",
    "events.detail",
    "events.edit",
    "events.export",
    "events.import_participation",
    "events.import_template",
    "events.index",
    "events.new",
    "events.participation_delete",
    "events.participation_edit",
    "events.participation_export",
    "events.participation_new",
    "events.school_events",
    "monitoring.graduates_form",
    "monitoring.index",
    "monitoring.monitoring_form",
    "monitoring.school_forms",
    "partners.detail",
    "partners.edit",
    "partners.index",
    "partners.new",
    "partners.similar",
    "reports.index",
    "reports.school_page",
    "reports.school_summary",
    "schools.detail",
    "schools.mine",
    "survey_results.invitation",
    "survey_results.responses_csv",
    "survey_results.responses_xlsx",
    "survey_results.results",
    "survey_results.slips",
    "survey_results.texts",
    "surveys.campaign",
    "surveys.campaign_codes",
    "surveys.index",
}

# Kinds that name a school but are shared by every school on purpose: the partner
# directory (`added_by_school_id` says who added a partner, and only that school may
# change it). Another school's coordinator may read them, never write them.
SHARED = {"partner"}

# Kinds with no school of their own that a coordinator sees only when their school takes
# part: a campaign is another school's business when the school is not in it.
SEEN_THROUGH_LINKS = {"campaign"}

# What each URL parameter names: a table (its id), or None for plain values.
PARAMETERS = {
    "agreement_id": "agreement",
    "campaign_id": "campaign",
    "day": None,
    "event_id": "event",
    "kind": None,
    "partner_id": "partner",
    "period_id": "reporting_period",
    "pid": "participation",
    "question_id": "question",
    "questionnaire_id": "questionnaire",
    "school_id": "school",
    "token": "campaign_school",
    "user_id": "user",
    "year": None,
}
# `item_id` names a different list depending on the page.
ITEM_TABLES = {"events.format_": "event_format", "events.project_": "project", "plan.": "plan_item"}


def school_owned_tables() -> dict[str, list[tuple[str, str]]]:
    """Every table that belongs to a school, with its path there: a foreign key to the
    school, or a cascading one (a child's) to a table that belongs to a school."""
    owned: dict[str, list[tuple[str, str]]] = {}
    changed = True
    while changed:
        changed = False
        for table in db.metadata.sorted_tables:
            if table.name in owned or table.name == "school":
                continue
            for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.name):
                parent = fk.column.table.name
                if parent == "school" or (parent in owned and fk.ondelete == "CASCADE"):
                    rest = [] if parent == "school" else owned[parent]
                    owned[table.name] = [(fk.parent.name, parent), *rest]
                    changed = True
                    break
    return owned


def rows_of_school(table_name: str, path: list[tuple[str, str]], school_id: int) -> int:
    """How many rows of the table belong to the school, following the path."""
    tables = db.metadata.tables
    table: Table = tables[table_name]
    stmt = select(func.count()).select_from(table)
    current = table
    for column, parent in path[:-1]:
        parent_table = tables[parent]
        stmt = stmt.join(parent_table, current.c[column] == parent_table.c.id)
        current = parent_table
    return db.session.scalar(stmt.where(current.c[path[-1][0]] == school_id))


@dataclass
class ProbeWorld:
    """School A with one object of every kind; school B's coordinator is the prober."""

    a: School
    b: School
    department: User
    coordinator_a: User
    coordinator_b: User
    ids: dict[str, int] = field(default_factory=dict)
    survey: Survey | None = None

    def values(self, endpoint: str, rule: Rule) -> dict:
        """URL values for the rule, naming school A's objects; a parameter nobody
        described raises KeyError with its name."""
        out = {}
        for name in rule.arguments:
            if name == "item_id":
                table = next((t for p, t in ITEM_TABLES.items() if endpoint.startswith(p)), None)
                if table is None:
                    raise KeyError(f"{name} (say in ITEM_TABLES what it names)")
                out[name] = self.ids[table]
            elif name == "year":
                out[name] = YEAR
            elif name == "kind":
                out[name] = "monitoring"
            elif name == "day":
                out[name] = "2026-04-15"
            elif name == "token":
                out[name] = self.ids["token"]
            elif name == "question_id" and endpoint.startswith("survey_results."):
                out[name] = self.survey.text.id
            else:
                out[name] = self.ids[PARAMETERS[name]]
        if "pid" in out:
            out["event_id"] = self.ids["participation_event"]
        return out


def build_probe_world() -> ProbeWorld:
    """One object of every kind that belongs to school A (the test checks the list is
    whole against the schema), plus what those pages need around them."""
    seed_reference()
    a = make_school("МКОУ СОШ № 1 с. Проба")
    b = make_school("МКОУ СОШ № 2 с. Соседнее")
    world = ProbeWorld(
        a=a,
        b=b,
        department=make_user("probe-dept", role=Role.DEPARTMENT),
        coordinator_a=make_user("probe-a", school=a),
        coordinator_b=make_user("probe-b", school=b),
    )
    ids = world.ids
    ids["school"] = a.id
    ids["user"] = world.coordinator_a.id

    district = make_event(title="Районная ярмарка", start=date(2025, 10, 22))
    own = make_event(
        title="Мастер-класс в школе А",
        level=Level.SCHOOL,
        form="master_class",
        school_id=a.id,
        start=date(2025, 11, 12),
    )
    participation = make_participation(district, a)
    make_participation(own, a)
    ids["event"] = own.id
    ids["participation"] = participation.id
    ids["participation_event"] = district.id
    ids["event_format"] = db.session.scalar(select(EventFormat.id).limit(1))
    ids["project"] = db.session.scalar(select(Project.id).limit(1))

    item = PlanItem(number="9.1", title="Классные часы")
    execution = PlanExecution(item=item, year=YEAR, status="done", events=[own])
    db.session.add_all([item, execution])
    db.session.flush()
    ids["plan_item"] = item.id

    partner = make_partner("ООО «Проба»", added_by_school_id=a.id)
    agreement = make_agreement(a, partner)
    upload = FileStorage(BytesIO(PDF), "скан.pdf", content_type="application/pdf")
    scans.store_scan(agreement, upload)
    ids["partner"] = partner.id
    ids["agreement"] = agreement.id

    for kind in (PeriodKind.MONITORING, PeriodKind.GRADUATES):
        period = ReportingPeriod(
            kind=kind, year=YEAR, opens_on=date(2026, 1, 1), closes_on=date(2026, 12, 31)
        )
        db.session.add(period)
    monitoring_form(a)
    graduates_form(a)
    db.session.add(ManualValue(school_id=a.id, year=YEAR - 5, key="participations", value=7))
    db.session.commit()
    ids["reporting_period"] = period.id

    survey = make_survey([a], uses_codes=True)
    survey.answer(a, satisfaction=5, matrix={"Рассказы": 5}, text="Больше экскурсий")
    link = survey.campaign.links[0]
    surveys.generate_codes(link, 7, 2)
    throttle.take_slot(db.session.connection(), link.id, limit=100)
    db.session.commit()
    world.survey = survey
    ids["campaign"] = survey.campaign.id
    ids["campaign_school"] = link.id
    ids["token"] = link.token
    ids["questionnaire"] = survey.questionnaire.id
    ids["question"] = survey.single.id
    return world


# --- The checker ------------------------------------------------------------------------


@dataclass
class Principal:
    label: str
    client: object


def _sign_in(app: Flask, user: User | None, label: str) -> Principal:
    client = app.test_client()
    if user is not None:
        response = client.post("/login", data={"login": user.login, "password": PASSWORD})
        assert response.status_code == 302, f"{label} could not sign in"
    return Principal(label, client)


WALKED = ("GET", "POST")


def _targets(app: Flask, endpoints) -> list[tuple[str, Rule, str]]:
    out = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        if rule.endpoint == "static" or (endpoints and not endpoints(rule.endpoint)):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, rule, method))
    return out


def _school_tables(endpoint: str, rule: Rule) -> set[str]:
    """The school-owned (or shared, or seen-through-links) tables the rule takes ids of."""
    owned = set(school_owned_tables()) | {"school"}
    named = set()
    for name in rule.arguments:
        if name == "item_id":
            named |= {t for p, t in ITEM_TABLES.items() if endpoint.startswith(p)}
        elif PARAMETERS.get(name):
            named.add(PARAMETERS[name])
    return named & (owned | SEEN_THROUGH_LINKS)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


@dataclass
class Report:
    violations: list[str] = field(default_factory=list)
    # Endpoints (with method) the school probe requested as another school's coordinator.
    probed: set[tuple[str, str]] = field(default_factory=set)
    # Endpoints (with method) that take the id of a school's object.
    school_scoped: set[tuple[str, str]] = field(default_factory=set)


def check_access(
    app: Flask,
    world: ProbeWorld,
    *,
    public: set[str] = PUBLIC,
    open_to_coordinators: set[str] = OPEN_TO_COORDINATORS,
    endpoints=None,
) -> Report:
    """Request every URL of the app (GET and POST where the rule takes them):

    - a view must declare who may open it, and the lists above must agree;
    - anonymous gets the login page, a role the view excludes gets 403;
    - school B's coordinator asking for school A's object gets 404 (for a shared kind:
      may read, may not write), and school A's coordinator gets the same GET through
      (so the 404 comes from the school check, not from a wrong URL).
    """
    # POSTs must reach the views: with CSRF on they would stop at 400 before any check.
    assert not app.config.get("WTF_CSRF_ENABLED", True), "walk an app with CSRF off"
    report = Report()
    bad = report.violations.append
    principals = {
        ANONYMOUS: _sign_in(app, None, "anonymous"),
        Role.DEPARTMENT: _sign_in(app, world.department, "department"),
        Role.SCHOOL: _sign_in(app, world.coordinator_a, "coordinator of school A"),
    }
    prober = _sign_in(app, world.coordinator_b, "coordinator of school B")

    for endpoint, rule, method in _targets(app, endpoints):
        roles = declared_roles(app.view_functions[endpoint])
        if roles is None:
            bad(f"{endpoint}: declares no access rule (role_required, login_required, public)")
            continue
        if (ANONYMOUS in roles) != (endpoint in public):
            bad(f"{endpoint}: declared {sorted(roles)}, listed as public: {endpoint in public}")
            continue
        if ANONYMOUS not in roles and (Role.SCHOOL in roles) != (endpoint in open_to_coordinators):
            bad(
                f"{endpoint}: declared {sorted(roles)}, listed as open to coordinators: "
                f"{endpoint in open_to_coordinators}"
            )
            continue
        try:
            url = rule.build(world.values(endpoint, rule), append_unknown=False)[1]
        except KeyError as e:
            bad(f"{endpoint}: no value for URL parameter {e}: describe it in PARAMETERS")
            continue
        where = f"{method} {url} ({endpoint})"
        if method not in WALKED:
            bad(f"{where}: the walk sends only {' and '.join(WALKED)}; teach it {method}")
            continue
        if ANONYMOUS in roles and method == "GET":
            response = principals[ANONYMOUS].client.get(url)
            if _is_login_redirect(response):
                bad(f"{where}: declared public, but sends anonymous to the login page")

        for role, principal in principals.items():
            if role in roles:
                continue
            response = principal.client.open(url, method=method)
            if role == ANONYMOUS:
                if not _is_login_redirect(response):
                    bad(f"{where}: anonymous got {response.status_code}, not the login page")
            elif response.status_code != 403:
                bad(f"{where}: {principal.label} got {response.status_code}, not 403")

        tables = _school_tables(endpoint, rule)
        if not tables or ANONYMOUS in roles:
            continue
        report.school_scoped.add((endpoint, method))
        if Role.SCHOOL not in roles:
            continue  # coordinators get 403 above, whatever the school
        report.probed.add((endpoint, method))
        response = prober.client.open(url, method=method)
        if tables <= SHARED:
            if method == "POST" and response.status_code not in (403, 404):
                bad(f"{where}: {prober.label} changed school A's record: {response.status_code}")
        elif response.status_code != 404:
            bad(f"{where}: {prober.label} got {response.status_code}, not 404")
        if method == "GET":
            own = principals[Role.SCHOOL].client.get(url)
            if own.status_code >= 400:
                bad(f"{where}: the owner's coordinator got {own.status_code}: a wrong URL?")
    return report
