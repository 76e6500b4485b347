import os
from datetime import date

from sqlalchemy import select, text

from proforient import create_app
from proforient.core.audit import AuditEvent
from proforient.core.formatting import fmt_date, fmt_date_long, fmt_number, fmt_percent, plural
from proforient.core.timeutil import academic_year_label, academic_year_of
from proforient.extensions import db
from proforient.schools.models import School
from tests.factories import make_school


def test_russian_formatting():
    assert fmt_date(date(2026, 6, 5)) == "05.06.2026"
    assert fmt_date_long(date(2026, 6, 5)) == "5 июня 2026\xa0г."
    assert academic_year_label(2025) == "2025/2026 учебный год"
    assert academic_year_of(date(2025, 9, 1)) == 2025
    assert academic_year_of(date(2026, 8, 31)) == 2025
    assert [plural(n, "школа", "школы", "школ") for n in (1, 2, 5, 11, 21, 22, 25)] == [
        "школа",
        "школы",
        "школ",
        "школ",
        "школа",
        "школы",
        "школ",
    ]
    assert fmt_number(12345) == "12\xa0345"
    assert fmt_percent(0.456) == "45,6\xa0%"


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("PROFORIENT_SECRET_KEY", raising=False)
    first = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    # create_app(test_config) still uses the package instance folder; test the helper itself.
    from proforient import instance_secret_key

    key = instance_secret_key(str(tmp_path))
    assert len(key) == 64
    assert instance_secret_key(str(tmp_path)) == key
    assert oct(os.stat(tmp_path / "secret_key").st_mode)[-3:] == "600"
    assert first.config["SECRET_KEY"]


def test_environment_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("PROFORIENT_DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite3")
    monkeypatch.setenv("PROFORIENT_SECRET_KEY", "from-env")
    monkeypatch.setenv("PROFORIENT_SURVEY_MIN_GROUP", "7")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.sqlite3"
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SURVEY_MIN_GROUP"] == 7


def test_sqlite_connection_pragmas(app):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10000


def test_healthz_reports_database_error(tmp_path):
    broken = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            # A directory is not a database file: every query fails.
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}",
        }
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error"}


def test_audit_records_create_update_delete_without_request(app):
    school = make_school("МКОУ СОШ № 40")
    school = db.session.get(School, school.id)  # loaded, as a view would load it
    school.settlement = "с. Другое"
    db.session.commit()
    db.session.delete(school)
    db.session.commit()
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "School").order_by(AuditEvent.id)
    ).all()
    assert [r.action for r in rows] == ["create", "update", "delete"]
    assert rows[1].changes["settlement"] == ["с. Тестовое", "с. Другое"]
    assert rows[0].user_id is None


def test_audit_never_stores_password_hash(department_client, coordinator):
    department_client.post(f"/users/{coordinator.id}/reset-password")
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "User")):
        assert "password_hash" not in str(event.changes or {}) or event.changes.get(
            "password_hash"
        ) in (None, "изменено")


def test_audit_page(department_client, school):
    html = department_client.get("/audit").get_data(as_text=True)
    assert "Журнал изменений" in html
    assert school.short_name in html


def test_error_pages_are_russian(department_client):
    response = department_client.get("/no-such-page")
    assert response.status_code == 404
    assert "Страница не найдена" in response.get_data(as_text=True)


def test_filter_select_keeps_the_chosen_value(app):
    with app.test_request_context():
        macro = app.jinja_env.get_template("_macros.html").module.filter_select
        html = str(macro("level", "Уровень", [("regional", "региональный"), (5, "пять")], 5))
    assert '<label for="level">Уровень</label>' in html
    assert '<option value="">Все</option>' in html
    assert '<option value="5" selected>пять</option>' in html
    assert '<option value="regional">региональный</option>' in html
