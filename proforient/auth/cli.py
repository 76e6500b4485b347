import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from proforient.auth import services
from proforient.auth.models import Role, User
from proforient.extensions import db
from proforient.schools.models import School

users_cli = AppGroup("users", help="Manage user accounts.")


def _read_password() -> str:
    # A prompt on a terminal; one line from standard input when piped (scripts, CI).
    if sys.stdin.isatty():
        return click.prompt("Пароль", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@users_cli.command("create")
@click.argument("login")
@click.option("--role", type=click.Choice([Role.DEPARTMENT, Role.SCHOOL]), required=True)
@click.option("--school", "school_id", type=int, help="School id (required for --role school).")
@click.option("--name", "full_name", default="", help="Full name.")
def create_command(login: str, role: str, school_id: int | None, full_name: str):
    """Create a user; the password is read from a prompt or standard input."""
    if db.session.scalar(select(User.id).where(User.login == login)):
        raise click.ClickException(f"Логин «{login}» уже занят.")
    if role == Role.SCHOOL:
        if school_id is None or db.session.get(School, school_id) is None:
            raise click.ClickException("Для роли school укажите существующую школу: --school ID.")
    else:
        school_id = None
    password = _read_password()
    if len(password) < 8:
        raise click.ClickException("Пароль должен быть не короче 8 символов.")
    services.create_user(login, full_name or login, role, school_id, password=password)
    db.session.commit()
    click.echo(f"Пользователь «{login}» создан.")


@users_cli.command("set-password")
@click.argument("login")
def set_password_command(login: str):
    """Set a user's password from a prompt or standard input."""
    user = db.session.scalar(select(User).where(User.login == login))
    if user is None:
        raise click.ClickException(f"Пользователь «{login}» не найден.")
    password = _read_password()
    if len(password) < 8:
        raise click.ClickException("Пароль должен быть не короче 8 символов.")
    user.set_password(password)
    user.must_change_password = False
    db.session.commit()
    click.echo(f"Пароль пользователя «{login}» изменён.")


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
