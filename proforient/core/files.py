"""Files only the app's own user may read: the instance folder, the SQLite database, the
secret key, uploaded scans and backups hold personal data and password hashes.

Folders are made 0700 and files 0600 whatever the umask of the process that starts the
app (a shell, systemd, cron): the modes are given at creation, not fixed up afterwards.
"""

import os
from pathlib import Path

from sqlalchemy.engine import make_url

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: str | os.PathLike) -> Path:
    """The folder, made 0700 with any missing parents (`mkdir -p` would leave the parents
    to the umask)."""
    path = Path(path)
    missing = []
    step = path
    while not step.exists():
        missing.append(step)
        step = step.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            pass
    return path


def tighten(path: str | os.PathLike) -> None:
    """Take group and other permissions off a folder or file the app's user owns (a git
    clone leaves `instance/` 0755). Someone else's is left as it is."""
    try:
        st = os.stat(path)
        if st.st_uid == os.geteuid() and st.st_mode & 0o077:
            os.chmod(path, st.st_mode & 0o700)
    except OSError:
        pass


def create_private(path: str | os.PathLike):
    """A new file opened for binary writing, 0600; FileExistsError if it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    return os.fdopen(fd, "wb")


def sqlite_path(uri: str) -> Path | None:
    """The file of an SQLite URL, or None for another database or an in-memory one."""
    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or url.query.get("uri"):
        return None
    if not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def prepare_sqlite_file(uri: str) -> None:
    """Create a missing SQLite database file empty and 0600 before SQLite does (it would
    follow the umask). SQLite gives its -wal and -shm files the database file's mode."""
    path = sqlite_path(uri)
    if path is None or path.exists() or not path.parent.is_dir():
        return
    try:
        create_private(path).close()
    except FileExistsError:
        pass
