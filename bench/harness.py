"""What the in-process benchmarks share: a throwaway database migrated to the head, an app
on it, the department user they sign in as, and request timing (median, worst, queries)."""

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, text  # noqa: E402

from proforient import create_app  # noqa: E402
from proforient.auth.models import Role, User  # noqa: E402
from proforient.extensions import db  # noqa: E402

LOGIN = "bench"
PASSWORD = "bench-password-1"


def add_database_argument(parser) -> None:
    parser.add_argument(
        "--database-url",
        help="run on this database instead of a temporary SQLite file (e.g. PostgreSQL); "
        "EVERY TABLE IN IT IS DROPPED first",
    )


@contextmanager
def bench_app(name: str, database_url: str | None = None, keep: bool = False) -> Iterator:
    """(app, folder) inside an app context, on an empty database migrated to the head.

    The temporary folder holds the SQLite file, the uploads and the instance folder; it is
    removed afterwards unless `keep`."""
    folder = Path(tempfile.mkdtemp(prefix=f"proforient-bench-{name}-"))
    url = database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    try:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": url,
                "WTF_CSRF_ENABLED": False,
                "UPLOAD_FOLDER": str(folder / "uploads"),
            },
            instance_path=str(folder / "instance"),
        )
        with app.app_context():
            if database_url:
                db.drop_all()
                with db.engine.begin() as conn:
                    conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            upgrade()
            yield app, folder
    finally:
        if keep:
            print(f"Database kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def add_department_user() -> None:
    user = User(login=LOGIN, full_name="Бенчмарк", role=Role.DEPARTMENT, school_id=None)
    user.set_password(PASSWORD)
    db.session.add(user)


def signed_in_client(app):
    client = app.test_client()
    response = client.post("/login", data={"login": LOGIN, "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    return client


class QueryCounter:
    """Counts the statements sent to the database from now on."""

    def __init__(self) -> None:
        self.n = 0
        event.listen(db.engine, "before_cursor_execute", self._count)

    def _count(self, *_args) -> None:
        self.n += 1


@dataclass
class Timing:
    median: float  # seconds
    worst: float
    queries: int | None  # of one request, when counted
    size: int  # bytes of the last response


def timed(client, url: str, runs: int, counter: QueryCounter | None = None) -> Timing:
    """`runs` requests after one warm-up (templates compiled, pages in the OS cache)."""
    client.get(url)
    times = []
    queries = size = 0
    for _ in range(runs):
        before = counter.n if counter else 0
        started = time.perf_counter()
        response = client.get(url)
        body = response.get_data()
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        queries = counter.n - before if counter else 0
        size = len(body)
    return Timing(statistics.median(times), max(times), queries if counter else None, size)
