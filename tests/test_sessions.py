"""Sessions end when they should: sign-out voids remember-me cookies on the server, a
password change signs out the other sessions, cookies are Secure under HTTPS."""

from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie

from flask_login.config import COOKIE_NAME as REMEMBER

from tests.factories import PASSWORD

NEW = "Brand-new-pass-1"


def remember_login(client, user, password=PASSWORD):
    response = client.post(
        "/login", data={"login": user.login, "password": password, "remember": "y"}
    )
    assert response.status_code == 302
    return response


def cookies_set(response) -> dict[str, str]:
    """Name → the whole Set-Cookie header."""
    return {
        name: header
        for header in response.headers.getlist("Set-Cookie")
        for name in SimpleCookie(header)
    }


def replay(app, name, value):
    """A fresh browser that has nothing but this one cookie."""
    browser = app.test_client()
    browser.set_cookie(name, value)
    return browser


def test_remember_cookie_replayed_after_logout_does_not_sign_in(app, client, coordinator):
    remember_login(client, coordinator)
    token = client.get_cookie(REMEMBER).value
    assert replay(app, REMEMBER, token).get("/").status_code == 200  # it did work

    logout = client.post("/logout", follow_redirects=True)
    assert "Вы вышли из системы на всех устройствах." in logout.get_data(as_text=True)
    assert client.get_cookie(REMEMBER) is None
    stolen = replay(app, REMEMBER, token).get("/")
    assert stolen.status_code == 302 and stolen.headers["Location"].startswith("/login")


def test_session_cookie_replayed_after_logout_does_not_sign_in(app, client, coordinator):
    client.post("/login", data={"login": coordinator.login, "password": PASSWORD})
    session_cookie = client.get_cookie("session").value
    client.post("/logout")
    assert replay(app, "session", session_cookie).get("/").status_code == 302


def test_logout_ends_the_other_sessions_of_the_user(app, client, coordinator):
    other = app.test_client()
    other.post("/login", data={"login": coordinator.login, "password": PASSWORD})
    client.post("/login", data={"login": coordinator.login, "password": PASSWORD})
    client.post("/logout")
    assert other.get("/").status_code == 302


def test_sign_in_after_logout_works_again(client, auth, coordinator):
    remember_login(client, coordinator)
    client.post("/logout")
    remember_login(client, coordinator)
    assert client.get("/").status_code == 200


def test_password_change_signs_out_other_sessions_but_not_this_one(app, client, coordinator):
    other = app.test_client()
    remember_login(other, coordinator)
    other_remember = other.get_cookie(REMEMBER).value
    assert other.get("/").status_code == 200

    remember_login(client, coordinator)
    changed = client.post("/password", data={"current": PASSWORD, "new": NEW, "confirm": NEW})
    assert changed.status_code == 302
    assert "На других устройствах нужно войти заново" in client.get("/").get_data(as_text=True)

    assert other.get("/").status_code == 302  # its session is over
    assert replay(app, REMEMBER, other_remember).get("/").status_code == 302
    # This browser's remember-me cookie was issued again and still works.
    assert replay(app, REMEMBER, client.get_cookie(REMEMBER).value).get("/").status_code == 200


def test_remember_me_lasts_thirty_days(client, coordinator):
    header = cookies_set(remember_login(client, coordinator))[REMEMBER]
    expires = SimpleCookie(header)[REMEMBER]["expires"]
    when = datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    assert abs(when - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=5)


def test_both_cookies_are_secure_with_session_cookie_secure(app_with, coordinator):
    https = app_with(SESSION_COOKIE_SECURE=True)
    response = https.test_client().post(
        "/login",
        data={"login": coordinator.login, "password": PASSWORD, "remember": "y"},
        base_url="https://localhost",
    )
    cookies = cookies_set(response)
    assert set(cookies) >= {"session", REMEMBER}
    for header in cookies.values():
        assert "Secure" in header and "HttpOnly" in header


def test_cookies_are_not_secure_by_default(client, coordinator):
    for header in cookies_set(remember_login(client, coordinator)).values():
        assert "Secure" not in header
