"""Steps the browser tests share."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def login(page, login: str, password: str = PASSWORD) -> None:
    """Sign in through the login page and wait until it has let the user in."""
    page.goto("/login")
    page.get_by_label("Логин").fill(login)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
