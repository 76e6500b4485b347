import importlib

import click
from flask import Flask
from sqlalchemy import select

from proforient.extensions import db

# Each module has `load() -> str | None`: idempotent, returns a line for the console.
DEMO_MODULES = (
    "proforient.schools.demo",
    "proforient.events.demo",
    "proforient.agreements.demo",
    "proforient.monitoring.demo",
    "proforient.plan.demo",
    "proforient.surveys.demo",
)

DEMO_LOGINS = (
    ("admin", "admin-demo", "Отдел образования"),
    ("school", "school-demo", "Ответственный ОО первой демо-школы"),
)


def real_users() -> list[str]:
    """Logins the demo did not make: any other login, and a demo login whose password is no
    longer the demo one (an `admin` made with `flask users create admin`)."""
    from proforient.auth.models import User

    demo = {login: password for login, password, _who in DEMO_LOGINS}
    found = []
    for user in db.session.scalars(select(User).order_by(User.login)):
        if user.login not in demo or not user.check_password(demo[user.login]):
            found.append(user.login)
    return found


def register(app: Flask) -> None:
    @app.cli.command("demo")
    def demo_command():
        """Load demo data (idempotent: a second run adds nothing).

        Refused when the database holds real users: the demo logins have published
        passwords and the demo schools and answers would mix with real ones.
        """
        real = real_users()
        if real:
            shown = ", ".join(real[:5]) + (f" и ещё {len(real) - 5}" if len(real) > 5 else "")
            click.echo(
                f"Демо-данные не загружены: в базе уже есть рабочие учётные записи ({shown}). "
                "Демо-данные с общеизвестными паролями загружаются только в новую, пустую "
                "базу.\nRefused: this database already holds real (non-demo) users; demo data "
                "and its published logins go only into a new, empty database.",
                err=True,
            )
            raise SystemExit(1)
        for name in DEMO_MODULES:
            line = importlib.import_module(name).load()
            db.session.commit()
            if line:
                click.echo(line)
        click.echo("Демо-данные загружены. Входы:")
        for login, password, who in DEMO_LOGINS:
            click.echo(f"  {login} / {password}  ({who})")
