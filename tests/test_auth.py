import pytest

from proforient.auth.models import Role, User
from proforient.core.urls import is_local_path
from proforient.extensions import db
from tests.factories import PASSWORD, make_user


def test_login_and_logout(client, auth, coordinator):
    response = auth.login(coordinator)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert coordinator.school.short_name in home.get_data(as_text=True)
    assert db.session.get(User, coordinator.id).last_login_at is not None

    auth.logout()
    assert client.get("/").status_code == 302


def test_wrong_password_is_a_russian_error_and_keeps_login(client, coordinator):
    response = client.post("/login", data={"login": "coordinator", "password": "nope"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Неверный логин или пароль." in html
    assert 'value="coordinator"' in html


def test_empty_login_form_shows_field_errors(client):
    html = client.post("/login", data={}).get_data(as_text=True)
    assert "Введите логин." in html
    assert "Введите пароль." in html


@pytest.mark.parametrize(
    "target,allowed",
    [
        ("/schools/", True),
        ("/schools/?q=1", True),
        ("https://evil.example/", False),
        ("//evil.example/", False),
        ("/\\evil.example", False),
        ("\\\\evil", False),
        ("javascript:alert(1)", False),
        ("", False),
        (None, False),
    ],
)
def test_is_local_path(target, allowed):
    assert is_local_path(target) is allowed


def test_next_redirect_only_to_local_paths(client, department_user):
    data = {"login": department_user.login, "password": PASSWORD}
    ok = client.post("/login?next=/schools/", data=data)
    assert ok.headers["Location"] == "/schools/"
    client.post("/logout")
    evil = client.post("/login?next=//evil.example/x", data=data)
    assert evil.headers["Location"] == "/"


def test_session_cookie_flags(client, coordinator):
    response = client.post("/login", data={"login": coordinator.login, "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_deactivated_user_cannot_log_in(client, auth, coordinator):
    coordinator.active = False
    db.session.commit()
    response = auth.login(coordinator)
    assert response.status_code == 200
    assert "Неверный логин или пароль." in response.get_data(as_text=True)


def test_deactivated_user_is_logged_out_on_next_request(client, auth, department_user):
    victim = make_user("victim", role=Role.DEPARTMENT)
    auth.login(victim)
    assert client.get("/schools/").status_code == 200
    victim.active = False
    db.session.commit()
    response = client.get("/schools/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_password_change(client, auth, coordinator):
    auth.login(coordinator)
    bad = client.post(
        "/password", data={"current": "wrong", "new": "new-password-1", "confirm": "new-password-1"}
    )
    assert "Текущий пароль введён неверно." in bad.get_data(as_text=True)
    short = client.post("/password", data={"current": PASSWORD, "new": "short", "confirm": "short"})
    assert "Пароль должен быть не короче 10 символов." in short.get_data(as_text=True)
    mismatch = client.post(
        "/password", data={"current": PASSWORD, "new": "new-password-1", "confirm": "other-pass-1"}
    )
    assert "Пароли не совпадают." in mismatch.get_data(as_text=True)

    ok = client.post(
        "/password",
        data={"current": PASSWORD, "new": "new-password-1", "confirm": "new-password-1"},
    )
    assert ok.status_code == 302
    assert client.get("/").status_code == 200  # still signed in after the change
    client.post("/logout")
    assert auth.login(coordinator).status_code == 200  # old password refused
    assert auth.login(coordinator, "new-password-1").status_code == 302


def test_password_change_ends_other_sessions(app, auth, coordinator):
    other = app.test_client()
    other.post("/login", data={"login": coordinator.login, "password": PASSWORD})
    assert other.get("/").status_code == 200
    auth.login(coordinator)
    auth.client.post(
        "/password",
        data={"current": PASSWORD, "new": "new-password-1", "confirm": "new-password-1"},
    )
    assert other.get("/").status_code == 302


def test_one_time_password_must_be_changed_first(client, auth, school):
    user = make_user("fresh", role=Role.SCHOOL, school=school, must_change_password=True)
    auth.login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/password"
    client.post(
        "/password",
        data={"current": PASSWORD, "new": "my-own-pass-9", "confirm": "my-own-pass-9"},
    )
    assert client.get("/").status_code == 200


def test_csrf_is_enforced_on_signed_in_posts(app, coordinator):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        assert 'name="csrf_token"' in page
        # Signing in without the token is refused with a Russian page.
        response = client.post("/login", data={"login": coordinator.login, "password": PASSWORD})
        assert response.status_code == 400
        assert "Форма устарела" in response.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_security_headers(client):
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
