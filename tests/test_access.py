"""Walks every URL the app registers, for every role.

- anonymous: every non-public URL redirects to the login page;
- coordinator: department-only areas answer 403, objects of another school 404;
- nothing answers 500 for anyone.
New views are covered automatically: a view without a decorator fails here.
"""

import re

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

from proforient.auth.models import Role
from tests.factories import make_user

PUBLIC_ENDPOINTS = {"static", "core.healthz", "auth.login", "auth.logout"}
PUBLIC_BLUEPRINTS = {"respond"}  # anonymous survey pages: /s/<token>


def _is_public(endpoint: str) -> bool:
    return endpoint in PUBLIC_ENDPOINTS or endpoint.split(".")[0] in PUBLIC_BLUEPRINTS


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


def test_anonymous_is_sent_to_login_everywhere(app, client):
    checked = 0
    for endpoint, method, url in _urls(app, 1):
        if _is_public(endpoint):
            continue
        response = client.open(url, method=method)
        assert response.status_code == 302, (endpoint, method, url, response.status_code)
        assert response.headers["Location"].startswith("/login"), (endpoint, url)
        checked += 1
    assert checked > 10


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
