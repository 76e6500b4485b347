"""`flask backup` and `flask restore`: a database holding every kind of object and its
uploaded scans go into one archive and come back identical into a fresh database, on
SQLite and on PostgreSQL (whichever the suite runs on)."""

import io
import json
import os
import re
import shutil
import tarfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from proforient import create_app
from proforient.agreements.models import Agreement
from proforient.auth.models import User
from proforient.extensions import db
from proforient.indicators.models import ManualValue
from proforient.schools.models import School
from proforient.surveys.campaigns import generate_codes
from proforient.surveys.models import Campaign, CampaignSchool
from tests.factories import PASSWORD, make_school
from tests.support.agreements import PDF, agreement_form
from tests.support.surveys import form_key, valid_answers


@pytest.fixture
def postgres_tools(app):
    """pg_dump and pg_restore when the suite runs on PostgreSQL (CI has them)."""
    if db.engine.dialect.name != "postgresql":
        return
    missing = [name for name in ("pg_dump", "pg_restore") if shutil.which(name) is None]
    if missing:
        message = (
            f"{' and '.join(missing)} not installed: `apt-get install postgresql-client` "
            "to test backups on PostgreSQL"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def fresh_database(app, tmp_path):
    """The URL of a new, empty database of the kind the suite runs on."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{url.database}_restore_{uuid.uuid4().hex[:8]}"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture
def restored_app(fresh_database, tmp_path):
    restored = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "restored",
            "SQLALCHEMY_DATABASE_URI": fresh_database,
            "UPLOAD_FOLDER": str(tmp_path / "restored-uploads"),
        },
        instance_path=str(tmp_path / "restored-instance"),
    )
    yield restored
    with restored.app_context():
        db.engine.dispose()


def restore(restored_app, archive):
    """`flask restore` run by the app configured for the fresh database (the CLI would
    otherwise use the test's own app context)."""
    with restored_app.app_context():
        return restored_app.test_cli_runner().invoke(args=["restore", str(archive)])


def fill_with_everything(client, auth) -> None:
    """On top of the demo district (schools, users, events, agreements with scans,
    monitoring, plan, surveys with answers): one-time codes, a scan uploaded through the
    form."""
    link = db.session.scalars(select(CampaignSchool).order_by(CampaignSchool.id)).first()
    generate_codes(link, 9, 5)
    db.session.commit()

    coordinator = db.session.scalar(select(User).where(User.login == "school"))
    coordinator.set_password(PASSWORD)
    db.session.commit()
    auth.login("school")
    from proforient.partners.models import Partner

    partner = db.session.scalars(select(Partner).order_by(Partner.id)).first()
    form = agreement_form(partner, number="Б/1")
    response = client.post(
        "/agreements/new",
        data={**form, "scan": (io.BytesIO(PDF + b"%uploaded"), "скан.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    auth.logout()

    # A wrong password (the sign-in throttle's rows) and an answer through an open link (the
    # link's per-minute counter).
    client.post("/login", data={"login": "admin", "password": "not-the-password"})
    campaign = next(c for c in db.session.scalars(select(Campaign)) if c.is_open)
    token = campaign.links[0].token
    spec, answers = valid_answers(campaign)
    key = form_key(client.get(f"/s/{token}").get_data(as_text=True))
    assert client.post(f"/s/{token}", data={**answers, "key": key}).status_code in (302, 303)
    # A figure typed in for a past year.
    school = db.session.scalars(select(School).order_by(School.id)).first()
    db.session.add(ManualValue(school_id=school.id, year=2021, key="participations", value=120))
    db.session.commit()


def all_rows(engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary key order."""
    meta = MetaData()
    meta.reflect(bind=engine)
    rows = {}
    with engine.connect() as conn:
        for name, tbl in meta.tables.items():
            order = list(tbl.primary_key.columns) or list(tbl.columns)
            rows[name] = [tuple(r) for r in conn.execute(select(tbl).order_by(*order))]
    return rows


def all_files(root) -> dict[str, bytes]:
    root = Path(root)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_backup_restores_every_row_and_scan(
    app, runner, client, auth, restored_app, postgres_tools, tmp_path, demo_district
):
    fill_with_everything(client, auth)
    archive = tmp_path / "backups" / "nightly.tar.gz"
    archive.parent.mkdir()

    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Резервная копия:" in result.output and "Внимание" not in result.output
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    assert os.listdir(archive.parent) == ["nightly.tar.gz"]  # no working files left

    result = restore(restored_app, archive)
    assert result.exit_code == 0, result.output
    assert "как в копии" in result.output and "контрольные суммы совпали" in result.output

    source = all_rows(db.engine)
    empty = sorted(name for name, rows in source.items() if not rows)
    assert not empty, f"add rows of {empty} to fill_with_everything: the test compares them"
    with restored_app.app_context():
        restored = all_rows(db.engine)
    assert sorted(restored) == sorted(source)
    for name in source:
        assert restored[name] == source[name], f"table {name} differs after restore"

    scans = all_files(app.config["UPLOAD_FOLDER"])
    stored = db.session.scalars(select(Agreement.scan_key).where(Agreement.scan_key.is_not(None)))
    assert len(scans) == len(stored.all()) >= 2
    assert all_files(restored_app.config["UPLOAD_FOLDER"]) == scans

    # The restored database goes on working: new rows take fresh ids (sequences restored).
    top = db.session.scalar(select(School.id).order_by(School.id.desc()))
    with restored_app.app_context():
        school = make_school("МКОУ СОШ № 40 п. Новый")
        assert school.id > top


def test_backup_while_a_write_is_open_takes_committed_data(
    app, runner, school, postgres_tools, tmp_path
):
    archive = tmp_path / "b.tar.gz"
    # Another connection is half-way through a write when the backup starts.
    with db.engine.connect() as conn, Session(bind=conn) as writer:
        writer.add(School(full_name="Незавершённая", short_name="Незавершённая", settlement="с."))
        writer.flush()
        result = runner.invoke(args=["backup", str(archive)])
        writer.rollback()
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database"]["rows"]["school"] == 1


def rewrite(archive, target, change) -> None:
    """A copy of the archive with `change(name, data) -> data` applied to each member."""
    # The fastest gzip level: restore reads any, and the archive holds the whole demo.
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz", compresslevel=1) as dst:
        for member in src:
            data = change(member.name, src.extractfile(member).read())
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


def test_restore_refuses_what_it_must_not_touch(
    app, runner, client, auth, restored_app, postgres_tools, tmp_path, demo_district
):
    fill_with_everything(client, auth)
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0

    # The running database is not empty.
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code == 1
    assert "База данных не пуста" in result.output

    # Not an archive at all.
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a backup")
    result = restore(restored_app, junk)
    assert result.exit_code == 1
    assert "не архив резервной копии" in result.output

    # A scan damaged after the backup: refused before anything is written.
    def damage(name, data):
        return data + b"x" if name.startswith("uploads/") else data

    damaged = tmp_path / "damaged.tar.gz"
    rewrite(archive, damaged, damage)
    result = restore(restored_app, damaged)
    assert result.exit_code == 1
    assert "не совпадает с контрольной суммой" in result.output
    with restored_app.app_context():
        assert inspect(db.engine).get_table_names() == []
    assert not os.listdir(restored_app.config["UPLOAD_FOLDER"])

    # A copy of the other kind of database.
    def other_dialect(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        other = {"sqlite": "postgresql", "postgresql": "sqlite"}
        manifest["database"]["dialect"] = other[manifest["database"]["dialect"]]
        return json.dumps(manifest).encode()

    foreign = tmp_path / "foreign.tar.gz"
    rewrite(archive, foreign, other_dialect)
    result = restore(restored_app, foreign)
    assert result.exit_code == 1
    assert "восстановите её в базу того же вида" in result.output

    # Files already in the upload folder.
    stray = os.path.join(restored_app.config["UPLOAD_FOLDER"], "stray.pdf")
    with open(stray, "wb") as fh:
        fh.write(PDF)
    result = restore(restored_app, archive)
    assert result.exit_code == 1
    assert "уже есть файлы" in result.output


def test_backup_into_a_missing_folder_is_refused(runner, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "no-such-folder")])
    assert result.exit_code == 1
    assert "Создайте папку или укажите файл" in result.output
    assert not (tmp_path / "no-such-folder").exists()
    result = runner.invoke(args=["backup", str(tmp_path / "missing" / "b.tar.gz")])
    assert result.exit_code == 1
    assert "Папки" in result.output and "нет" in result.output


def test_backup_into_a_folder_names_the_archive_by_date(runner, postgres_tools, tmp_path):
    result = runner.invoke(args=["backup", "--quiet", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output == ""  # quiet: cron mails only trouble
    (archive,) = tmp_path.glob("proforient-*.tar.gz")
    assert re.fullmatch(r"proforient-\d{4}-\d\d-\d\d-\d{6}\.tar\.gz", archive.name)
