import importlib

import click
from flask import Flask

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


def register(app: Flask) -> None:
    @app.cli.command("demo")
    def demo_command():
        """Load demo data (idempotent: a second run adds nothing)."""
        for name in DEMO_MODULES:
            line = importlib.import_module(name).load()
            db.session.commit()
            if line:
                click.echo(line)
        click.echo("Демо-данные загружены. Входы:")
        for login, password, who in DEMO_LOGINS:
            click.echo(f"  {login} / {password}  ({who})")
