import importlib
from datetime import datetime
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from proforient.extensions import db

# Each module has `load() -> str | None`: idempotent, returns a line for the console.
DEMO_MODULES = (
    "proforient.schools.demo",
    "proforient.partners.demo",
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

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors (cron).")
    def backup_command(path: Path, quiet: bool):
        """Back up the database and the uploaded files into one archive at PATH.

        PATH is a file name or a folder (the archive is then named by the date and time).
        Safe while the app runs: SQLite is copied by its online backup API, PostgreSQL by
        pg_dump (which must be installed).
        """
        from proforient.core.backup.archive import BackupError
        from proforient.core.backup.saving import backup
        from proforient.core.timeutil import local_zone

        if path.is_dir():
            stamp = datetime.now(local_zone()).strftime("%Y-%m-%d-%H%M%S")
            path = path / f"proforient-{stamp}.tar.gz"
        elif not path.name.endswith((".tar.gz", ".tgz")):
            _fail(
                f"Резервная копия не сделана: папки {path} нет, а имя файла копии должно "
                "кончаться на .tar.gz. Создайте папку или укажите файл."
            )
        try:
            summary = backup(path)
        except BackupError as exc:
            _fail(f"Резервная копия не сделана: {exc}")
        if not quiet:
            click.echo(f"Резервная копия: {summary.path} ({_size(summary.size)})")
            click.echo(f"  {_database_line(summary)}")
            click.echo(f"  {_files_line(summary)}")
        if summary.missing:
            click.echo(
                f"Внимание: в базе упомянуты файлы, которых нет в папке загрузок "
                f"({len(summary.missing)}): {', '.join(summary.missing[:10])}",
                err=True,
            )

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def restore_command(path: Path):
        """Restore a backup archive into an empty database and upload folder.

        Point PROFORIENT_DATABASE_URL (and PROFORIENT_UPLOAD_FOLDER) at the new, empty
        database first; a database that has tables is refused.
        """
        from proforient.core.backup.archive import BackupError, head_revision
        from proforient.core.backup.restoring import restore

        try:
            summary = restore(path)
        except BackupError as exc:
            _fail(f"Восстановление не выполнено: {exc}")
        click.echo(f"Восстановлено из {summary.path}:")
        click.echo(f"  {_database_line(summary)} — как в копии")
        click.echo(f"  {_files_line(summary)} — контрольные суммы совпали")
        if summary.missing:
            click.echo(
                f"Внимание: в базе упомянуты файлы, которых не было и в копии "
                f"({len(summary.missing)}): {', '.join(summary.missing[:10])}",
                err=True,
            )
        head = head_revision()
        if summary.revision != head:
            click.echo(
                f"Схема базы из копии — {summary.revision}, приложение ждёт {head}: выполните "
                "`flask --app proforient db upgrade`."
            )


def _fail(message: str) -> None:
    click.echo(message, err=True)
    raise SystemExit(1)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} МБ".replace(".", ",")


def _database_line(summary) -> str:
    from proforient.core.backup.archive import DIALECTS
    from proforient.core.formatting import fmt_number, plural

    tables, rows = len(summary.rows), sum(summary.rows.values())
    return (
        f"база данных ({DIALECTS[summary.dialect]}, схема {summary.revision}): "
        f"{tables} {plural(tables, 'таблица', 'таблицы', 'таблиц')}, "
        f"{fmt_number(rows)} {plural(rows, 'строка', 'строки', 'строк')}"
    )


def _files_line(summary) -> str:
    return f"загруженных файлов: {summary.uploads} ({_size(summary.upload_bytes)})"
