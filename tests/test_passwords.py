"""Password rules, wherever a password is set: at least 10 characters, not the login, not a
common password, not the current one."""

import re

import pytest
from sqlalchemy import select

from proforient.auth import passwords
from proforient.auth.models import Role, User
from proforient.auth.passwords import password_problem
from proforient.extensions import db
from tests.factories import PASSWORD, make_user


def change(client, new, current=PASSWORD):
    return client.post("/password", data={"current": current, "new": new, "confirm": new})


@pytest.mark.parametrize(
    "new,message",
    [
        ("short-pw1", passwords.TOO_SHORT),
        ("Coordinator", passwords.IS_LOGIN),
        ("QwertyUiop", passwords.TOO_COMMON),
        ("1234567890", passwords.TOO_COMMON),
        ("йцукенгшщз", passwords.TOO_COMMON),
        (PASSWORD, passwords.SAME_AS_CURRENT),
    ],
)
def test_change_password_refuses_weak_passwords(client, auth, coordinator, new, message):
    auth.login(coordinator)
    response = change(client, new)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, coordinator.id).check_password(PASSWORD)


def test_same_as_current_is_never_told_without_the_current_password(client, auth, coordinator):
    """Otherwise the «new password» box would confirm guesses of the current one."""
    auth.login(coordinator)
    html = change(client, PASSWORD, current="a-wrong-guess").get_data(as_text=True)
    assert "Текущий пароль введён неверно." in html
    assert passwords.SAME_AS_CURRENT not in html


def test_first_sign_in_change_follows_the_rules(client, auth, school):
    user = make_user("fresh", role=Role.SCHOOL, school=school, must_change_password=True)
    auth.login(user)
    assert passwords.SAME_AS_CURRENT in change(client, PASSWORD).get_data(as_text=True)
    assert passwords.TOO_SHORT in change(client, "my-pass").get_data(as_text=True)
    assert client.get("/").headers["Location"] == "/password"  # still to be changed
    assert change(client, "My-own-pass-9").status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "login,password,message",
    [
        ("kozlova", "kozlova-1", passwords.TOO_SHORT),
        ("administrator", "Administrator", passwords.IS_LOGIN),
        ("kozlova", "password123", passwords.TOO_COMMON),
    ],
)
def test_users_create_refuses_weak_passwords(runner, login, password, message):
    result = runner.invoke(
        args=["users", "create", login, "--role", "department"], input=f"{password}\n"
    )
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(select(User).where(User.login == login)) is None


def test_set_password_refuses_weak_passwords(runner, coordinator):
    args = ["users", "set-password", coordinator.login]
    same = runner.invoke(args=args, input=f"{PASSWORD}\n")
    assert same.exit_code != 0 and passwords.SAME_AS_CURRENT in same.output
    common = runner.invoke(args=args, input="qwerty12345\n")
    assert common.exit_code != 0 and passwords.TOO_COMMON in common.output
    db.session.expire_all()
    assert db.session.get(User, coordinator.id).check_password(PASSWORD)


def test_generated_passwords_follow_the_rules(department_client, school):
    response = department_client.post(
        "/users/new",
        data={
            "login": "novikova",
            "full_name": "Новикова Анна",
            "role": Role.SCHOOL,
            "school_id": school.id,
        },
    )
    html = response.get_data(as_text=True)
    first = re.search(r'data-testid="one-time-password">([^<]+)<', html).group(1)
    assert password_problem(first, "novikova") is None
    user = db.session.scalar(select(User).where(User.login == "novikova"))
    html = department_client.post(f"/users/{user.id}/reset-password").get_data(as_text=True)
    second = re.search(r'data-testid="one-time-password">([^<]+)<', html).group(1)
    assert second != first and password_problem(second, "novikova") is None


def test_demo_passwords_meet_the_rules():
    # `flask demo` creates admin / admin-demo and school / school-demo; README lists them.
    assert password_problem("admin-demo", "admin") is None
    assert password_problem("school-demo", "school") is None


def test_common_list_ships_with_the_package():
    common = passwords.common_passwords()
    assert len(common) >= 100
    assert {"1234567890", "qwertyuiop", "password123", "йцукенгшщз"} <= common
    # Entries shorter than the minimum would be dead weight: the length rule refuses them.
    assert all(len(p) >= passwords.MIN_LENGTH for p in common)
