"""Scans of agreements: checked by their content, stored under random names in
UPLOAD_FOLDER/agreements/ (never under static/), named in backups.

A scan is written before the transaction that points the agreement at it commits; the
caller removes the new file if that transaction fails, and the replaced one once it has
committed, so no row names a missing file and no file outlives its row for long.
"""

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from flask import current_app
from sqlalchemy import Connection, select

from proforient.agreements.models import Agreement
from proforient.core import files
from proforient.core.text import drop_controls
from proforient.core.timeutil import utcnow

MAX_SCAN_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def scan_error(stream: IO[bytes]) -> str | None:
    """None when the upload is a PDF of at most 10 MB, judged by its content."""
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        return "Файл пустой. Выберите скан договора в формате PDF."
    if size > MAX_SCAN_BYTES:
        return (
            f"Файл слишком большой ({size / 1024 / 1024:.1f} МБ). "
            "Скан должен быть не больше 10 МБ: уменьшите разрешение сканирования."
        ).replace(".", ",", 1)
    head = stream.read(len(PDF_MAGIC))
    stream.seek(0)
    # Judged by the bytes, not by the name or the browser's content type.
    if head != PDF_MAGIC:
        return "Это не PDF-файл. Загрузите скан договора в формате PDF."
    return None


def scan_folder() -> Path:
    return files.private_dir(Path(current_app.config["UPLOAD_FOLDER"]) / "agreements")


def scan_uploads(conn: Connection) -> Iterator[str]:
    """The scans the agreements name, as paths under UPLOAD_FOLDER (backups check them)."""
    keys = conn.scalars(select(Agreement.scan_key).where(Agreement.scan_key.is_not(None)))
    for key in keys:
        yield f"agreements/{key}.pdf"


def scan_path(agreement: Agreement) -> Path | None:
    if not agreement.scan_key:
        return None
    # scan_key is ours (hex), never a user's file name: no path tricks possible.
    return scan_folder() / f"{agreement.scan_key}.pdf"


def store_scan(agreement: Agreement, storage) -> tuple[Path, Path | None]:
    """Write the upload under a random name and point the agreement at it.

    Returns (new file, previous file or None).
    """
    previous = scan_path(agreement)
    key = secrets.token_hex(16)
    path = scan_folder() / f"{key}.pdf"
    storage.stream.seek(0)
    with files.create_private(path) as fh:
        while chunk := storage.stream.read(256 * 1024):
            fh.write(chunk)
    agreement.scan_key = key
    agreement.scan_filename = (drop_controls(storage.filename or "") or "скан.pdf")[-255:]
    agreement.scan_size = path.stat().st_size
    agreement.scan_uploaded_at = utcnow()
    return path, previous


def drop_scan(agreement: Agreement) -> Path | None:
    """Forget the agreement's scan; returns the file to remove once that is committed."""
    previous = scan_path(agreement)
    agreement.scan_key = None
    agreement.scan_filename = None
    agreement.scan_size = None
    agreement.scan_uploaded_at = None
    return previous


def remove_file(path: Path | None) -> None:
    if path is not None:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def scan_download_name(agreement: Agreement) -> str:
    # «14/ПП» reads as «14-ПП» in a file name; `content_disposition` makes the rest safe.
    number = re.sub(r'[\\/:*?"<>|]+', "-", agreement.number)
    return f"Договор № {number} от {agreement.signed_on:%d.%m.%Y}.pdf"
