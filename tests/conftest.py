"""Fixtures: one app and database per session (SQLite, or PostgreSQL when
PROFORIENT_TEST_DATABASE_URL is set), emptied after every test; the demo district loaded
once per session and copied in for the tests that ask for it."""

import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask, appcontext_pushed, current_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import JSON, create_engine, func, select, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from proforient import create_app
from proforient.auth.models import Role, User
from proforient.config import DefaultConfig
from proforient.extensions import db
from proforient.schools.models import School
from tests.factories import PASSWORD, make_school, make_user

CHROMIUM = os.environ.get("PROFORIENT_CHROMIUM", "/usr/bin/chromium")
# One PBKDF2 round instead of scrypt: a password check costs microseconds, not tens of
# milliseconds, in a suite that signs in hundreds of times.
CHEAP_HASH = "pbkdf2:sha256:1"
# Also the default of every app a test builds without saying (CLI, a restored copy, a
# second worker); `_cheap_hashes_only` checks that no app uses another.
DefaultConfig.PASSWORD_HASH_METHOD = CHEAP_HASH

E2E = Path(__file__).parent / "e2e"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Every browser test is an e2e test, marked or not, so `-m "not e2e"` leaves them all."""
    for item in items:
        if E2E in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.xdist_group("browser"))


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("PROFORIENT_TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        # Parallel workers: each its own database beside the one given (<name>_gw0, …).
        given = make_url(url)
        url = given.set(database=f"{given.database}_{worker}").render_as_string(hide_password=False)
        _on_server(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', 'CREATE DATABASE "{name}"')
    return url


def _on_server(url: str, *statements: str) -> None:
    """Run statements about the database `url` names (`{name}`) from the server's side."""
    target = make_url(url)
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        for statement in statements:
            conn.execute(text(statement.format(name=target.database)))
    server.dispose()


def _reset_schema() -> dict:
    """Start from an empty database, build it with the real migrations, and return the
    rows the migrations installed (reference lists, default questionnaires)."""
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()
    seeded = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows = [dict(r._mapping) for r in conn.execute(table.select())]
            if rows:
                seeded[table] = rows
    return seeded


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production: its own `g` (so
    Flask-Login loads the user afresh) and its own database session. Afterwards the test's
    session commits, so the test reads what the request wrote."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.commit()
        return response


def _settings(database_url: str, upload_folder: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_FOLDER": upload_folder,
        "SERVER_NAME": None,
        "PASSWORD_HASH_METHOD": CHEAP_HASH,
    }


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(_settings(_database_url(tmp_path_factory), str(instance / "uploads")))
    app.test_client_class = IsolatedClient
    with app.app_context():
        app.extensions["test_seeded_rows"] = _reset_schema()
    yield app
    with app.app_context():
        db.engine.dispose()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if os.environ.get("PYTEST_XDIST_WORKER") and url.startswith("postgresql"):
        _on_server(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _empty_database() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())


def _reset_sequences(tables) -> None:
    """PostgreSQL: new rows take ids after the copied ones."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.c:
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
                )
            )


def _restore_database(seeded: dict) -> None:
    """Back to the state a fresh install has: empty, but for what the migrations seed."""
    _empty_database()
    for table in db.metadata.sorted_tables:
        if table in seeded:
            db.session.execute(table.insert(), seeded[table])
    _reset_sequences(seeded)
    db.session.commit()


@pytest.fixture(autouse=True)
def _db(app):
    """Each test runs inside an app context and leaves the database as a fresh install."""
    with app.app_context():
        yield db
        db.session.rollback()
        _restore_database(app.extensions["test_seeded_rows"])
        db.session.remove()
    upload = app.config["UPLOAD_FOLDER"]
    if os.path.isdir(upload):
        shutil.rmtree(upload)


# --- Databases built once per session -------------------------------------------------
# The demo district (`flask demo`, a few seconds) is loaded once; a test that asks for it
# gets a copy: SQLite's file through the backup API, PostgreSQL's rows through COPY. The
# uploads folder is copied along.


@dataclass
class KeptDatabase:
    folder: Path
    rows: dict | None = None  # PostgreSQL: every row of every table
    # What building it returned (the demo's printed output).
    made: object = None


@dataclass
class Demo:
    """The demo district as `flask demo` leaves it; `output` is what that one load printed."""

    output: str

    def line(self, words: str) -> str:
        """The line of the output a demo module printed (the one holding `words`)."""
        return next(line for line in self.output.splitlines() if words in line)


def _sqlite_path(app) -> str | None:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    return url.database if url.get_backend_name() == "sqlite" else None


def _sqlite_copy(source: str, target: str) -> None:
    """Page by page, through SQLite's backup API: safe beside the pool's idle connections."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _copy_rows_in(rows: dict) -> None:
    """PostgreSQL: the kept rows back into the emptied tables, by COPY."""
    from psycopg.types.json import Json

    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        for table in db.metadata.sorted_tables:
            json_at = [i for i, c in enumerate(table.columns) if isinstance(c.type, JSON)]
            names = ", ".join(f'"{c.name}"' for c in table.columns)
            with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in rows[table]:
                    if json_at:
                        row = list(row)
                        for i in json_at:
                            row[i] = None if row[i] is None else Json(row[i])
                    copy.write_row(row)


def _keep(app, folder: Path, build) -> KeptDatabase:
    """Run `build()` on the emptied database, keep what it wrote, and empty it again."""
    upload = app.config["UPLOAD_FOLDER"]
    path = _sqlite_path(app)
    with app.app_context():
        kept = KeptDatabase(folder=folder, made=build())
        db.session.commit()
        db.session.remove()
        if path:
            _sqlite_copy(path, str(folder / "kept.sqlite3"))
        else:
            with db.engine.connect() as conn:
                tables = db.metadata.sorted_tables
                kept.rows = {t: [tuple(r) for r in conn.execute(select(t))] for t in tables}
        if os.path.isdir(upload):
            shutil.copytree(upload, folder / "uploads")
            shutil.rmtree(upload)
        _restore_database(app.extensions["test_seeded_rows"])
        db.session.remove()
    return kept


def _bring_back(app, kept: KeptDatabase):
    """Put the kept database in place of the test's (which must still be a fresh one)."""
    users = db.session.scalar(select(func.count()).select_from(User))
    schools = db.session.scalar(select(func.count()).select_from(School))
    assert users == schools == 0, "ask for a kept database before fixtures that add rows"
    db.session.remove()
    path = _sqlite_path(app)
    if path:
        _sqlite_copy(str(kept.folder / "kept.sqlite3"), path)
    else:
        _empty_database()
        _copy_rows_in(kept.rows)
        _reset_sequences(db.metadata.sorted_tables)
        db.session.commit()
    if (kept.folder / "uploads").is_dir():
        shutil.copytree(kept.folder / "uploads", app.config["UPLOAD_FOLDER"], dirs_exist_ok=True)


def _clean_up_after(app, clean: Path) -> None:
    """SQLite: a fresh copy of the empty database is faster than deleting many rows (the
    usual clean-up then finds nothing to delete)."""
    if _sqlite_path(app):
        db.session.remove()
        _sqlite_copy(str(clean), _sqlite_path(app))


@pytest.fixture(scope="session")
def _clean_copy(app, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("clean") / "clean.sqlite3"
    if _sqlite_path(app):
        _sqlite_copy(_sqlite_path(app), str(path))
    return path


def _demo_load() -> Demo:
    result = current_app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return Demo(output=result.output)


@pytest.fixture(scope="session")
def _demo_copy(app, _clean_copy, tmp_path_factory) -> KeptDatabase:
    return _keep(app, tmp_path_factory.mktemp("demo"), _demo_load)


@pytest.fixture
def demo_district(app, _demo_copy, _clean_copy, _db) -> Iterator[Demo]:
    """The test's database holds the demo district (loaded once per session), scans
    included."""
    _bring_back(app, _demo_copy)
    yield _demo_copy.made
    _clean_up_after(app, _clean_copy)


@pytest.fixture(autouse=True)
def _kept_databases_first(request, _db):
    """A kept database replaces the test's: it is put in place before any other fixture
    adds rows (a test may list it after `department_client` and the like)."""
    if "demo_district" in request.fixturenames:
        request.getfixturevalue("demo_district")


@pytest.fixture(autouse=True)
def _cheap_hashes_only(request):
    """Every app a test used (the session's, a second worker, a restored copy, the live
    server) hashes passwords the cheap way by the end of the test."""
    seen: dict[int, Flask] = {}

    def note(sender, **_kw):
        seen[id(sender)] = sender

    appcontext_pushed.connect(note)
    yield
    appcontext_pushed.disconnect(note)
    costly = [a.name for a in seen.values() if a.config["PASSWORD_HASH_METHOD"] != CHEAP_HASH]
    assert not costly, f"{request.node.nodeid}: an app hashes passwords the costly way"


@pytest.fixture
def app_with(app):
    """Makes another app on the test database, with some settings changed: a second
    worker process, or an app configured as in production (behind a proxy, HTTPS)."""
    made = []

    def make(**overrides):
        base = _settings(app.config["SQLALCHEMY_DATABASE_URI"], app.config["UPLOAD_FOLDER"])
        other = create_app({**base, **overrides})
        other.test_client_class = IsolatedClient
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user_or_login, password: str = PASSWORD):
        login = getattr(user_or_login, "login", user_or_login)
        return self.client.post("/login", data={"login": login, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def school():
    return make_school("МКОУ СОШ № 3 с. Кочубеевское")


@pytest.fixture
def other_school():
    return make_school("МКОУ СОШ № 9 с. Заветного")


@pytest.fixture
def department_user():
    return make_user("methodist", role=Role.DEPARTMENT)


@pytest.fixture
def coordinator(school):
    return make_user("coordinator", role=Role.SCHOOL, school=school)


@pytest.fixture
def other_coordinator(other_school):
    return make_user("other", role=Role.SCHOOL, school=other_school)


@pytest.fixture
def department_client(client, auth, department_user):
    auth.login(department_user)
    return client


@pytest.fixture
def coordinator_client(client, auth, coordinator):
    auth.login(coordinator)
    return client


# --- Browser tests ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(app):
    """The app served over real HTTP (CSRF on) against the test database."""
    live = create_app(
        {
            "TESTING": False,
            "SECRET_KEY": "live-secret",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
            "WTF_CSRF_ENABLED": True,
            "PASSWORD_HASH_METHOD": CHEAP_HASH,
        }
    )
    server = make_server("127.0.0.1", 0, live, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    with live.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI but {CHROMIUM} is missing")
        pytest.skip(
            f"No Chromium at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "(or set PROFORIENT_CHROMIUM) to run browser tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(request):
    """Save a screenshot into test-artifacts/ for a person to look at."""
    folder = os.path.join(os.path.dirname(__file__), "..", "test-artifacts")
    os.makedirs(folder, exist_ok=True)

    def take(page, name: str, **kw):
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True, **kw)

    return take
