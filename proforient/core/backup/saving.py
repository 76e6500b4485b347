"""Writing a backup archive while the app runs (the format is in the package docstring)."""

import io
import json
import os
import sqlite3
import tarfile
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from flask import current_app
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from proforient.core import files
from proforient.core.backup.archive import (
    CHUNK,
    FORMAT,
    MANIFEST,
    POSTGRES_MEMBER,
    SQLITE_MEMBER,
    UPLOADS,
    BackupError,
    HashingReader,
    Summary,
    pg_client,
    pg_environment,
    referenced_uploads,
    row_counts,
    run_client,
    schema_revision,
)
from proforient.extensions import db


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
            return row_counts(conn), schema_revision(conn), referenced_uploads(conn)
    finally:
        engine.dispose()


def _dump_postgres(dump: Path) -> tuple[dict[str, int], str | None, set[str]]:
    pg_dump = pg_client("pg_dump")
    env = pg_environment(db.engine.url)
    # The counts and file references are read in the very snapshot pg_dump copies.
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        with conn.begin():
            snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
            rows, revision, referenced = (
                row_counts(conn),
                schema_revision(conn),
                referenced_uploads(conn),
            )
            command = [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}"]
            run_client([*command, f"--file={dump}"], env, "pg_dump")
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
        reader = HashingReader(fh)
        tar.addfile(info, reader)
    if reader.hexdigest() != sha256:
        raise BackupError(
            f"Файл {path} изменился во время копирования: запустите копирование ещё раз."
        )


def _digest(path: Path) -> dict:
    with open(path, "rb") as fh:
        reader = HashingReader(fh)
        while reader.read(CHUNK):
            pass
    return {"size": reader.size, "sha256": reader.hexdigest()}


def _version() -> str:
    try:
        return metadata.version("proforient")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "unknown"
