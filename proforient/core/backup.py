"""Backups: the database and the uploaded files in one archive, safe while the app runs,
and their restore into an empty database.

An archive (`.tar.gz`) holds, in this order:

- `manifest.json`: the format, the database dialect and schema revision, the row count
  of every table and the size and SHA-256 of every other member;
- `database.sqlite3` (a copy made by SQLite's online backup API, which readers and the
  writer of a running app don't disturb) or `database.dump` (`pg_dump --format=custom`);
- `uploads/...`: every file under UPLOAD_FOLDER.

The database is copied first, as one snapshot, and the files after it. A file is written
before the row that names it is committed, and deleted only after the row that dropped it
is, so every file the snapshot names is still there unless it was replaced in the
seconds between the two steps; the backup checks this and reports any such file.

Restore checks the whole archive before it writes anything, refuses a database that has
tables or an upload folder that has files, and afterwards compares the row counts and
the referenced files with the manifest.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath

from flask import Flask, current_app
from sqlalchemy import Connection, create_engine, func, inspect, select, table, text
from sqlalchemy.engine import URL, make_url

from proforient.core import files
from proforient.extensions import db

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


# --- Backup --------------------------------------------------------------------------------


def backup(target: Path) -> Summary:
    """Write the archive to `target` (0600; a file of that name is replaced only once the
    new archive is complete)."""
    target = Path(target).absolute()
    if not target.parent.is_dir():
        raise BackupError(f"Папки {target.parent} нет: создайте её или укажите другой путь.")
    dialect = db.engine.dialect.name
    # The working folder sits beside the archive, so a large dump never fills /tmp.
    with tempfile.TemporaryDirectory(prefix=".proforient-backup-", dir=target.parent) as work:
        work = Path(work)
        if dialect == "sqlite":
            member = SQLITE_MEMBER
            rows, revision, referenced = _dump_sqlite(work / member)
        elif dialect == "postgresql":
            member = POSTGRES_MEMBER
            rows, revision, referenced = _dump_postgres(work / member)
        else:  # pragma: no cover - the app runs on these two only
            raise BackupError(f"Резервное копирование не умеет работать с {dialect}.")
        upload_root = Path(current_app.config["UPLOAD_FOLDER"])
        uploads = _list_uploads(upload_root)
        missing = sorted(referenced - {u["path"] for u in uploads})
        manifest = {
            "format": FORMAT,
            "app": "proforient",
            "version": _version(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {
                "dialect": dialect,
                "member": member,
                "revision": revision,
                "rows": rows,
                **_digest(work / member),
            },
            "uploads": uploads,
            "missing_uploads": missing,
        }
        partial = work / "archive.tar.gz"
        with files.create_private(partial) as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
                _add_file(tar, member, work / member, manifest["database"]["sha256"])
                for item in uploads:
                    _add_file(
                        tar, f"{UPLOADS}/{item['path']}", upload_root / item["path"], item["sha256"]
                    )
        os.replace(partial, target)
    return Summary(
        path=target,
        dialect=dialect,
        revision=revision,
        rows=rows,
        uploads=len(uploads),
        upload_bytes=sum(u["size"] for u in uploads),
        missing=missing,
        size=target.stat().st_size,
    )


def _dump_sqlite(copy: Path) -> tuple[dict[str, int], str | None, set[str]]:
    source = files.sqlite_path(str(db.engine.url))
    if source is None or not source.exists():
        raise BackupError(f"Файла базы данных SQLite нет: {db.engine.url.database}")
    files.create_private(copy).close()
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(copy)
    try:
        src.execute("PRAGMA busy_timeout=30000")
        # One step: a consistent snapshot of committed data; the app's writer goes on.
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    engine = create_engine(URL.create("sqlite", database=str(copy)))
    try:
        with engine.connect() as conn:
            return _row_counts(conn), _revision(conn), referenced_uploads(conn)
    finally:
        engine.dispose()


def _dump_postgres(dump: Path) -> tuple[dict[str, int], str | None, set[str]]:
    pg_dump = _client("pg_dump")
    env = _pg_environment(db.engine.url)
    # The counts and file references are read in the very snapshot pg_dump copies.
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        with conn.begin():
            snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
            rows, revision, referenced = (
                _row_counts(conn),
                _revision(conn),
                referenced_uploads(conn),
            )
            command = [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}"]
            _run([*command, f"--file={dump}"], env, "pg_dump")
    os.chmod(dump, files.PRIVATE_FILE)
    return rows, revision, referenced


def _list_uploads(root: Path) -> list[dict]:
    found = []
    if not root.is_dir():
        return found
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            try:
                digest = _digest(path)
            except FileNotFoundError:  # deleted after the walk saw it
                continue
            found.append({"path": path.relative_to(root).as_posix(), **digest})
    return found


def _add_bytes(tar: tarfile.TarFile, name: str, content: str) -> None:
    data = content.encode()
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = files.PRIVATE_FILE
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, name: str, path: Path, sha256: str) -> None:
    info = tar.gettarinfo(str(path), arcname=name)
    info.mode = files.PRIVATE_FILE
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with open(path, "rb") as fh:
        reader = _HashingReader(fh)
        tar.addfile(info, reader)
    if reader.hexdigest() != sha256:
        raise BackupError(
            f"Файл {path} изменился во время копирования: запустите копирование ещё раз."
        )


# --- Restore -------------------------------------------------------------------------------


def restore(source: Path) -> Summary:
    """Restore an archive into the configured, empty database and upload folder."""
    source = Path(source)
    dialect = db.engine.dialect.name
    upload_root = Path(current_app.config["UPLOAD_FOLDER"])
    try:
        tar = tarfile.open(source, mode="r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{source} — не архив резервной копии Proforient ({exc}).") from exc
    with tar:
        manifest = _read_manifest(tar, source)
        saved = manifest["database"]
        if saved["dialect"] != dialect:
            raise BackupError(
                f"Копия сделана из базы {DIALECTS.get(saved['dialect'], saved['dialect'])}, "
                f"а приложение настроено на {DIALECTS.get(dialect, dialect)}: восстановите её "
                "в базу того же вида."
            )
        _check_empty(upload_root)
        # Everything is unpacked and checked against the manifest before anything is written.
        upload_root.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(
            prefix=".proforient-restore-", dir=upload_root.parent
        ) as work:
            work = Path(work)
            _unpack(tar, manifest, work)
            db.engine.dispose()
            if dialect == "sqlite":
                _load_sqlite(work / saved["member"])
            else:
                _load_postgres(work / saved["member"])
            db.engine.dispose()
            staged = work / UPLOADS
            if staged.is_dir():
                if upload_root.exists():
                    shutil.rmtree(upload_root)  # empty: checked above
                os.replace(staged, upload_root)
            files.private_dir(upload_root)
    return _verify(manifest, upload_root, source)


def _read_manifest(tar: tarfile.TarFile, source: Path) -> dict:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise BackupError(f"{source} — не архив резервной копии Proforient: нет {MANIFEST}.")
    try:
        manifest = json.loads(tar.extractfile(first).read())
    except ValueError as exc:
        raise BackupError(f"{MANIFEST} в {source} повреждён.") from exc
    if manifest.get("app") != "proforient" or manifest.get("format") != FORMAT:
        raise BackupError(
            f"{source}: архив другой программы или формата {manifest.get('format')!r} "
            f"(это приложение читает формат {FORMAT})."
        )
    return manifest


def _check_empty(upload_root: Path) -> None:
    tables = sorted(inspect(db.engine).get_table_names())
    if tables:
        shown = ", ".join(tables[:6]) + (" …" if len(tables) > 6 else "")
        raise BackupError(
            f"База данных не пуста (таблицы: {shown}). Восстановление идёт только в пустую "
            "базу, чтобы ничего не смешать и не затереть: создайте новую базу (PostgreSQL: "
            "createdb; SQLite: новый файл) и укажите её в PROFORIENT_DATABASE_URL."
        )
    if upload_root.is_dir() and any(p.is_file() for p in upload_root.rglob("*")):
        raise BackupError(
            f"В папке загрузок {upload_root} уже есть файлы. Восстановление идёт только в "
            "пустую папку: перенесите их или укажите другую папку в PROFORIENT_UPLOAD_FOLDER."
        )


def _safe_upload_path(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name)
    if path.is_absolute() or len(path.parts) < 2 or path.parts[0] != UPLOADS:
        return None
    if any(part in ("", ".", "..") for part in path.parts):
        return None
    return PurePosixPath(*path.parts[1:])


def _unpack(tar: tarfile.TarFile, manifest: dict, work: Path) -> None:
    saved = manifest["database"]
    expected = {saved["member"]: (work / saved["member"], saved)}
    for item in manifest["uploads"]:
        relative = _safe_upload_path(f"{UPLOADS}/{item['path']}")
        if relative is None:
            raise BackupError(f"Недопустимое имя файла в копии: {item['path']!r}.")
        expected[f"{UPLOADS}/{relative}"] = (work / UPLOADS / relative, item)
    for member in tar:
        if member.offset == 0:  # the manifest, already read
            continue
        if member.name not in expected or not member.isfile():
            raise BackupError(f"Лишний или недопустимый элемент в копии: {member.name!r}.")
        path, item = expected.pop(member.name)
        files.private_dir(path.parent)
        with files.create_private(path) as out:
            reader = _HashingReader(tar.extractfile(member))
            while chunk := reader.read(CHUNK):
                out.write(chunk)
        if reader.hexdigest() != item["sha256"] or reader.size != item["size"]:
            raise BackupError(f"Копия повреждена: {member.name} не совпадает с контрольной суммой.")
    if expected:
        raise BackupError(f"Копия неполна: нет {', '.join(sorted(expected)[:5])}.")


def _load_sqlite(copy: Path) -> None:
    target = files.sqlite_path(str(db.engine.url))
    if not target.parent.is_dir():
        raise BackupError(f"Папки {target.parent} для файла базы данных нет: создайте её.")
    if not target.exists():
        files.create_private(target).close()
    src = sqlite3.connect(copy)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _load_postgres(dump: Path) -> None:
    pg_restore = _client("pg_restore")
    url = db.engine.url
    # Into one transaction: a restore that fails leaves the database as empty as it was.
    options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    command = [pg_restore, *options, "--no-password", f"--dbname={url.database}", str(dump)]
    _run(command, _pg_environment(url), "pg_restore")


def _verify(manifest: dict, upload_root: Path, source: Path) -> Summary:
    """Compare what is now in the database and the upload folder with the manifest."""
    saved = manifest["database"]
    with db.engine.connect() as conn:
        rows, revision, referenced = _row_counts(conn), _revision(conn), referenced_uploads(conn)
    if rows != saved["rows"]:
        differ = sorted(
            name
            for name in set(rows) | set(saved["rows"])
            if rows.get(name) != saved["rows"].get(name)
        )
        raise BackupError(f"После восстановления не сходится число строк в таблицах: {differ}.")
    present = {p.relative_to(upload_root).as_posix() for p in upload_root.rglob("*") if p.is_file()}
    missing = sorted(referenced - present)
    return Summary(
        path=source,
        dialect=saved["dialect"],
        revision=revision,
        rows=rows,
        uploads=len(manifest["uploads"]),
        upload_bytes=sum(u["size"] for u in manifest["uploads"]),
        missing=missing,
        size=source.stat().st_size,
    )


def head_revision() -> str | None:
    """The schema revision this version of the app migrates to."""
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


# --- Helpers -------------------------------------------------------------------------------


def _row_counts(conn: Connection) -> dict[str, int]:
    names = sorted(inspect(conn).get_table_names())
    return {name: conn.scalar(select(func.count()).select_from(table(name))) for name in names}


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.scalar(text("SELECT version_num FROM alembic_version"))


def _client(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"Не найдена программа {name}: установите клиент PostgreSQL той же или более "
            "новой версии, что сервер (Debian: sudo apt-get install postgresql-client)."
        )
    return found


def _pg_environment(url: URL) -> dict[str, str]:
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


def _run(command: list[str], env: dict[str, str], name: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            f"{name} завершился с ошибкой ({result.returncode}):\n{result.stderr.strip()}"
        )


def _digest(path: Path) -> dict:
    with open(path, "rb") as fh:
        reader = _HashingReader(fh)
        while reader.read(CHUNK):
            pass
    return {"size": reader.size, "sha256": reader.hexdigest()}


def _version() -> str:
    try:
        return metadata.version("proforient")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "unknown"


class _HashingReader:
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
