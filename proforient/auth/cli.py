import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from proforient.auth import services
from proforient.auth.models import Role, User, school_table
from proforient.auth.passwords import password_problem
from proforient.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


def _read_password() -> str:
    # A prompt on a terminal; one line from standard input when piped (scripts, CI).
    if sys.stdin.isatty():
        return click.prompt("Пароль", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@users_cli.command("create")
@click.argument("login")
@click.option("--role", type=click.Choice(Role.codes()), required=True)
@click.option("--school", "school_id", type=int, help="School id (required for --role school).")
@click.option("--name", "full_name", default="", help="Full name.")
def create_command(login: str, role: str, school_id: int | None, full_name: str):
    """Create a user; the password is read from a prompt or standard input."""
    if db.session.scalar(select(User.id).where(User.login == login)):
        raise click.ClickException(f"Логин «{login}» уже занят.")
    if role == Role.SCHOOL:
        school = school_table()
        known = select(school.c.id).where(school.c.id == school_id)
        if school_id is None or db.session.scalar(known) is None:
            raise click.ClickException("Для роли school укажите существующую школу: --school ID.")
    else:
        school_id = None
    password = _read_password()
    problem = password_problem(password, login)
    if problem:
        raise click.ClickException(problem)
    services.create_user(login, full_name or login, role, school_id, password=password)
    db.session.commit()
    click.echo(f"Пользователь «{login}» создан.")


@users_cli.command("set-password")
@click.argument("login")
def set_password_command(login: str):
    """Set a user's password from a prompt or standard input.

    Ends the user's sessions and lifts any wait that wrong passwords put on the login."""
    user = db.session.scalar(select(User).where(User.login == login))
    if user is None:
        raise click.ClickException(f"Пользователь «{login}» не найден.")
    password = _read_password()
    problem = password_problem(password, login, user)
    if problem:
        raise click.ClickException(problem)
    services.set_password_by_admin(user, password)
    db.session.commit()
    click.echo(f"Пароль пользователя «{login}» изменён; ожидание после неверных паролей снято.")


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
