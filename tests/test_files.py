"""Instance files are private: folders 0700, files 0600, whatever the umask."""

import io
import os
import stat

import pytest
from sqlalchemy import select, text

from proforient import create_app
from proforient.agreements import scans
from proforient.agreements.models import Agreement
from proforient.extensions import db
from tests.support.agreements import PDF, agreement_form, make_partner


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def loose_umask():
    """The usual shell umask, which would leave new files readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_fresh_instance_is_private(tmp_path):
    instance = tmp_path / "srv" / "instance"
    app = create_app({"TESTING": True}, instance_path=str(instance))
    assert mode(instance) == 0o700
    assert mode(instance / "secret_key") == 0o600
    assert mode(instance / "uploads") == 0o700
    database = instance / "proforient.sqlite3"
    assert mode(database) == 0o600
    with app.app_context():
        # A write in WAL mode makes the -wal and -shm files beside the database.
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
            assert mode(f"{database}-wal") == 0o600
            assert mode(f"{database}-shm") == 0o600
        db.engine.dispose()
    assert mode(database) == 0o600


def test_instance_left_open_by_git_clone_is_closed(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    (instance / "uploads").mkdir(mode=0o755)
    create_app({"TESTING": True, "SECRET_KEY": "x"}, instance_path=str(instance))
    assert mode(instance) == 0o700
    assert mode(instance / "uploads") == 0o700


def test_uploaded_scan_is_private(app, coordinator_client):
    partner = make_partner()
    response = coordinator_client.post(
        "/agreements/new",
        data={**agreement_form(partner), "scan": (io.BytesIO(PDF), "скан.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    path = scans.scan_path(db.session.scalars(select(Agreement)).one())
    assert path.read_bytes() == PDF
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert mode(app.config["UPLOAD_FOLDER"]) == 0o700
