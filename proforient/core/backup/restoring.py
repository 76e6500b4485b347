"""Restoring a backup archive into an empty database and upload folder: the whole archive
is checked before anything is written, and the result is compared with its manifest."""

import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from flask import current_app
from sqlalchemy import inspect

from proforient.core import files
from proforient.core.backup.archive import (
    CHUNK,
    DIALECTS,
    FORMAT,
    MANIFEST,
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
            reader = HashingReader(tar.extractfile(member))
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
    pg_restore = pg_client("pg_restore")
    url = db.engine.url
    # Into one transaction: a restore that fails leaves the database as empty as it was.
    options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    command = [pg_restore, *options, "--no-password", f"--dbname={url.database}", str(dump)]
    run_client(command, pg_environment(url), "pg_restore")


def _verify(manifest: dict, upload_root: Path, source: Path) -> Summary:
    """Compare what is now in the database and the upload folder with the manifest."""
    saved = manifest["database"]
    with db.engine.connect() as conn:
        rows, revision, referenced = (
            row_counts(conn),
            schema_revision(conn),
            referenced_uploads(conn),
        )
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
