import re

from sqlalchemy import select

from proforient.auth.models import Role, User
from proforient.extensions import db
from tests.factories import make_user


def _one_time_password(html: str) -> str:
    return re.search(r'data-testid="one-time-password">([^<]+)<', html).group(1)


def test_create_coordinator_shows_password_once(department_client, client, school):
    response = department_client.post(
        "/users/new",
        data={
            "login": "ivanova",
            "full_name": "Иванова Анна Петровна",
            "role": Role.SCHOOL,
            "school_id": str(school.id),
        },
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = _one_time_password(response.get_data(as_text=True))
    assert len(password) == 12
    assert not set(password) & set("0O1lI")

    user = db.session.scalar(select(User).where(User.login == "ivanova"))
    assert user.school_id == school.id
    assert user.must_change_password
    # Shown once: the list page does not repeat it.
    assert password not in department_client.get("/users").get_data(as_text=True)

    client.post("/logout")
    signed_in = client.post("/login", data={"login": "ivanova", "password": password})
    assert signed_in.status_code == 302
    assert client.get("/").headers["Location"] == "/password"


def test_user_form_errors(department_client, coordinator):
    html = department_client.post(
        "/users/new",
        data={"login": "coordinator", "full_name": "", "role": Role.SCHOOL, "school_id": ""},
    ).get_data(as_text=True)
    assert "Такой логин уже занят." in html
    assert "Введите ФИО." in html
    assert "Ответственному ОО нужно выбрать школу." in html

    bad = department_client.post(
        "/users/new",
        data={"login": "имя пробел", "full_name": "Тест", "role": Role.DEPARTMENT},
    ).get_data(as_text=True)
    assert "Только латинские буквы" in bad
    assert 'value="имя пробел"' in bad


def test_reset_password_and_deactivate(department_client, app, coordinator):
    response = department_client.post(f"/users/{coordinator.id}/reset-password")
    new_password = _one_time_password(response.get_data(as_text=True))
    other = app.test_client()
    assert (
        other.post(
            "/login", data={"login": coordinator.login, "password": new_password}
        ).status_code
        == 302
    )

    department_client.post(f"/users/{coordinator.id}/active")
    db.session.expire_all()
    assert not db.session.get(User, coordinator.id).active
    assert other.get("/").status_code == 302  # logged out on the next request

    department_client.post(f"/users/{coordinator.id}/active")
    db.session.expire_all()
    assert db.session.get(User, coordinator.id).active


def test_department_cannot_deactivate_or_demote_self(department_client, department_user):
    department_client.post(f"/users/{department_user.id}/active")
    db.session.expire_all()
    assert db.session.get(User, department_user.id).active
    html = department_client.post(
        f"/users/{department_user.id}/edit",
        data={"login": "methodist", "full_name": "Я", "role": Role.SCHOOL, "school_id": ""},
    ).get_data(as_text=True)
    assert "Ответственному ОО нужно выбрать школу." in html or "Нельзя лишить себя" in html


def test_user_search(department_client, school):
    make_user("petrov", role=Role.SCHOOL, school=school, full_name="Петров Пётр")
    make_user("sidorova", role=Role.DEPARTMENT, full_name="Сидорова Анна")
    html = department_client.get("/users?q=Петров").get_data(as_text=True)
    assert "petrov" in html
    assert "sidorova" not in html


def test_database_refuses_coordinator_without_school():
    import pytest
    from sqlalchemy.exc import IntegrityError

    user = User(login="x", full_name="x", role=Role.SCHOOL, school_id=None, password_hash="x")
    db.session.add(user)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
