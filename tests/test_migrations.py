"""The migrations build exactly the schema the models describe, and run both ways."""

import re

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, inspect

from proforient import create_app
from proforient.extensions import db


def test_models_match_migrations(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], "models and migrations differ; write a migration"


def test_downgrade_to_base_and_up_again(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/m.sqlite3",
        }
    )
    with app.app_context():
        upgrade()
        assert "school" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "user" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_check_constraints_match_migrations(tmp_path):
    """Autogenerate does not compare CHECK constraints, so a list of codes the models build
    (`Choices.check_constraint`) is compared here with the one the migrations wrote: same
    names, same text. SQLite keeps the text as written, so this runs on SQLite."""

    def norm(text) -> str:
        return re.sub(r"\s+", " ", str(text)).strip()

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/ck.sqlite3",
        }
    )
    with app.app_context():
        upgrade()
        found = inspect(db.engine)
        for table in db.metadata.sorted_tables:
            models = {
                c.name: norm(c.sqltext) for c in table.constraints if isinstance(c, CheckConstraint)
            }
            migrated = {
                c["name"]: norm(c["sqltext"]) for c in found.get_check_constraints(table.name)
            }
            assert models == migrated, table.name
        db.engine.dispose()
