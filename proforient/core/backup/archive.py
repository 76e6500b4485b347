"""What a backup and its restore share: the archive's format and member names, the files
the features' rows refer to, the summary both report, and the database helpers."""

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import Connection, func, inspect, select, table, text
from sqlalchemy.engine import URL, make_url

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.dump"
UPLOADS = "uploads"
CHUNK = 1024 * 1024
DIALECTS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

# A function that lists the files (relative to UPLOAD_FOLDER) the database refers to.
UploadReferences = Callable[[Connection], Iterable[str]]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the administrator."""


def register_uploads(app: Flask, references: UploadReferences) -> None:
    """A feature that stores files under UPLOAD_FOLDER says which ones its rows name."""
    found = app.extensions.setdefault("proforient_uploads", [])
    if references not in found:
        found.append(references)


def referenced_uploads(conn: Connection) -> set[str]:
    paths: set[str] = set()
    for references in current_app.extensions.get("proforient_uploads", []):
        paths.update(references(conn))
    return paths


@dataclass
class Summary:
    path: Path
    dialect: str
    revision: str | None
    rows: dict[str, int]
    uploads: int
    upload_bytes: int
    missing: list[str] = field(default_factory=list)
    size: int = 0


def head_revision() -> str | None:
    """The schema revision this version of the app migrates to."""
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


def row_counts(conn: Connection) -> dict[str, int]:
    names = sorted(inspect(conn).get_table_names())
    return {name: conn.scalar(select(func.count()).select_from(table(name))) for name in names}


def schema_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.scalar(text("SELECT version_num FROM alembic_version"))


def pg_client(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"Не найдена программа {name}: установите клиент PostgreSQL той же или более "
            "новой версии, что сервер (Debian: sudo apt-get install postgresql-client)."
        )
    return found


def pg_environment(url: URL) -> dict[str, str]:
    """Connection settings for pg_dump / pg_restore, passed in the environment: a password
    on the command line would show in `ps`."""
    url = make_url(url)
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            env[key] = str(value)
    # libpq settings written into the URL's query: ?host=/run/postgresql&sslmode=require
    for key, value in url.query.items():
        if isinstance(value, str) and key.isidentifier():
            env[f"PG{key.upper()}"] = value
    return env


def run_client(command: list[str], env: dict[str, str], name: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            f"{name} завершился с ошибкой ({result.returncode}):\n{result.stderr.strip()}"
        )


class HashingReader:
    """A read-only file wrapper that hashes what passes through it."""

    def __init__(self, fh):
        self._fh = fh
        self._hash = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self._hash.update(data)
        self.size += len(data)
        return data

    def hexdigest(self) -> str:
        return self._hash.hexdigest()
