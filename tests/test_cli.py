from sqlalchemy import func, select

from proforient.auth.models import Role, User
from proforient.extensions import db
from proforient.schools.models import School
from tests.factories import make_user


def test_demo_is_idempotent(runner, demo_district):
    assert "admin / admin-demo" in demo_district.output  # what the first load printed
    schools = db.session.scalar(select(func.count(School.id)))
    users = db.session.scalar(select(func.count(User.id)))
    assert schools >= 15
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert db.session.scalar(select(func.count(School.id))) == schools
    assert db.session.scalar(select(func.count(User.id))) == users
    admin = db.session.scalar(select(User).where(User.login == "admin"))
    assert admin.role == Role.DEPARTMENT and admin.check_password("admin-demo")
    coordinator = db.session.scalar(select(User).where(User.login == "school"))
    assert coordinator.check_password("school-demo")
    assert coordinator.school.short_name == "МКОУ СОШ № 3 с. Кочубеевское"


def test_users_create_and_set_password(runner, school):
    result = runner.invoke(
        args=["users", "create", "kozlova", "--role", "school", "--school", str(school.id)],
        input="long-enough-1\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.login == "kozlova"))
    assert user.school_id == school.id and user.check_password("long-enough-1")

    result = runner.invoke(args=["users", "set-password", "kozlova"], input="another-pass-2\n")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("another-pass-2")


def test_users_create_refuses_bad_input(runner):
    no_school = runner.invoke(
        args=["users", "create", "x", "--role", "school"], input="long-enough-1\n"
    )
    assert no_school.exit_code != 0
    assert "--school" in no_school.output
    short = runner.invoke(args=["users", "create", "y", "--role", "department"], input="short\n")
    assert short.exit_code != 0
    assert "не короче 10" in short.output
    missing = runner.invoke(args=["users", "set-password", "ghost"], input="long-enough-1\n")
    assert "не найден" in missing.output


def test_demo_refuses_a_database_with_real_users(runner, school):
    make_user("kozlova", role=Role.SCHOOL, school=school)
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1
    assert "рабочие учётные записи (kozlova)" in result.output
    assert "Refused: this database already holds real (non-demo) users" in result.output
    # Nothing was loaded: no demo school, no demo login.
    assert db.session.scalar(select(func.count(School.id))) == 1
    assert db.session.scalar(select(User).where(User.login == "admin")) is None


def test_demo_refuses_a_real_admin_with_a_demo_login(runner):
    # `flask users create admin` on a production server: the login is the demo one,
    # the password is not.
    make_user("admin", role=Role.DEPARTMENT, password="a-real-long-password")
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1
    assert "(admin)" in result.output
    assert db.session.scalar(select(func.count(School.id))) == 0
