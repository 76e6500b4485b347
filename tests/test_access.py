"""Who may open what, checked by walking every URL the app registers.

Every view declares its rule (`role_required`/`department_required`, `login_required` for
every signed-in user, `public`), and the walk in tests/support/access.py holds every
endpoint to it: anonymous gets the login page, an excluded role 403, and another school's
coordinator 404 for any URL that names one of school A's objects. A new view without a
rule, or a coordinator's page that forgets the school check, fails here by name.
"""

import re

import pytest
from flask import Blueprint, Flask
from flask_login import login_required
from werkzeug.routing import IntegerConverter

from proforient.agreements import scans
from proforient.agreements.models import Agreement
from proforient.auth.models import Role
from proforient.extensions import db
from tests.factories import make_user
from tests.support.access import (
    OPEN_TO_COORDINATORS,
    PARAMETERS,
    SEEN_THROUGH_LINKS,
    build_probe_world,
    check_access,
    rows_of_school,
    school_owned_tables,
)


@pytest.fixture
def world():
    return build_probe_world()


def test_every_url_admits_only_whom_its_view_declares(app, world):
    report = check_access(app, world)
    assert report.violations == []
    # The probe asked for every URL that names a school's object (as another school's
    # coordinator where coordinators may open it; the role walk covers the rest).
    owned = set(school_owned_tables()) | {"school"} | SEEN_THROUGH_LINKS
    scoped = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and not rule.endpoint.startswith("respond.")
        and any(PARAMETERS.get(name) in owned for name in rule.arguments)
        for method in ("GET", "POST")
        if method in rule.methods
    }
    assert scoped <= report.school_scoped
    assert {
        ("agreements.scan", "GET"),
        ("events.participation_delete", "POST"),
        ("monitoring.graduates_form", "POST"),
        ("surveys.campaign_codes", "POST"),
        ("survey_results.slips", "GET"),
    } <= report.probed


def test_the_probe_holds_an_object_of_every_school_owned_kind(app, world):
    missing = [
        table
        for table, path in school_owned_tables().items()
        if rows_of_school(table, path, world.a.id) == 0
    ]
    assert missing == []
    agreement = db.session.get(Agreement, world.ids["agreement"])
    assert scans.scan_path(agreement).is_file()


def test_the_walk_names_broken_views(app_with, world):
    """The same check on an app with three broken views reports each of them."""
    broken = Blueprint("broken", __name__, url_prefix="/broken")

    @broken.get("/district-report")
    @login_required  # meant for the department, but any coordinator gets in
    def district_report():
        return "every school's figures"

    @broken.get("/agreements/<int:agreement_id>")
    @login_required
    def agreement_card(agreement_id: int):
        return db.get_or_404(Agreement, agreement_id).number  # no school check

    @broken.get("/undeclared")
    def undeclared():
        return "who may see this?"

    throwaway: Flask = app_with()
    throwaway.register_blueprint(broken)
    report = check_access(
        throwaway,
        world,
        open_to_coordinators=OPEN_TO_COORDINATORS | {"broken.agreement_card"},
        endpoints=lambda endpoint: endpoint.startswith("broken."),
    )
    assert len(report.violations) == 3, report.violations
    card, district, unruled = report.violations  # in the order of endpoint names
    assert card.startswith("GET /broken/agreements/") and "B got 200, not 404" in card
    assert district.startswith("broken.district_report: declared")
    assert district.endswith("listed as open to coordinators: False")
    assert unruled.startswith("broken.undeclared: declares no access rule")


def _urls(app: Flask, int_value: int, str_value: str = "x") -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule, with placeholders filled in."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        url = rule.rule
        for name, converter in rule._converters.items():
            value = int_value if isinstance(converter, IntegerConverter) else str_value
            url = re.sub(rf"<(?:[a-z]+(?:\([^)]*\))?:)?{name}>", str(value), url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, url))
    return out


def test_no_url_gives_500_to_any_role(app, client, auth, school, other_school):
    coordinator = make_user("walker-school", role=Role.SCHOOL, school=school)
    department = make_user("walker-dept", role=Role.DEPARTMENT)
    for user in (coordinator, department):
        auth.login(user)
        for endpoint, method, url in _urls(app, 999_999):
            if endpoint == "auth.logout":
                continue
            response = client.open(url, method=method)
            assert response.status_code < 500, (user.login, endpoint, method, url)
        auth.logout()


def test_coordinator_gets_403_on_department_areas(app, client, auth, school):
    coordinator = make_user("walker", role=Role.SCHOOL, school=school)
    auth.login(coordinator)
    for url in ("/schools/", "/schools/new", "/schools/list.pdf", "/users", "/users/new", "/audit"):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("url", ["/schools/{other}", "/schools/{other}/edit"])
def test_coordinator_gets_404_or_403_for_another_school(
    client, auth, school, other_school, coordinator, url
):
    auth.login(coordinator)
    status = client.get(url.format(other=other_school.id)).status_code
    assert status in (403, 404)
