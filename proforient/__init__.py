"""Proforient: career-guidance monitoring for a municipal education department."""

import importlib
import logging
import os
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from proforient.config import DefaultConfig
from proforient.core import files
from proforient.extensions import csrf, db, login_manager, migrate

# Each feature package exposes `init_app(app)`: it registers its blueprint, CLI commands
# and anything else it needs. Order matters only for navigation.
FEATURES = (
    "proforient.core",
    "proforient.auth",
    "proforient.schools",
    "proforient.partners",
    "proforient.events",
    "proforient.agreements",
    "proforient.monitoring",
    "proforient.plan",
    "proforient.surveys",
    "proforient.reports",
)


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    # The instance folder holds the database, the secret key and the uploads: 0700.
    files.private_dir(app.instance_path)
    files.tighten(app.instance_path)

    app.config.from_object(DefaultConfig)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
        Path(app.instance_path) / "proforient.sqlite3"
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        load_environment(app)
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")
    files.private_dir(app.config["UPLOAD_FOLDER"])
    files.tighten(app.config["UPLOAD_FOLDER"])
    files.prepare_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])

    trust_proxies(app)
    register_extensions(app)
    for name in FEATURES:
        importlib.import_module(name).init_app(app)
    configure_logging(app)
    return app


def load_environment(app: Flask) -> None:
    """PROFORIENT_* variables override everything; DATABASE_URL is the one with a short name."""
    url = os.environ.get("PROFORIENT_DATABASE_URL")
    if url:
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config.from_prefixed_env(prefix="PROFORIENT")
    app.config.pop("DATABASE_URL", None)


def instance_secret_key(instance_path: str) -> str:
    """A random key made on first start and kept in instance/secret_key (never in the code)."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    with files.create_private(path) as fh:
        fh.write(key.encode())
    return key


def trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT reverse proxies, take the client's address, scheme, host and port
    from their X-Forwarded-* headers, so links and redirects say https:// and sign-in
    throttling sees the client rather than the proxy. Without proxies the headers are
    ignored: anyone could send them."""
    count = app.config.get("PROXY_COUNT") or 0
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"PROXY_COUNT must be a whole number ≥ 0, not {count!r}")
    if count:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count
        )


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    # Batch mode lets Alembic alter tables on SQLite by copying them.
    migrate.init_app(
        app, db, render_as_batch=True, directory=str(Path(app.root_path).parent / "migrations")
    )
    login_manager.init_app(app)
    csrf.init_app(app)
    from proforient.core import database

    database.configure_engine(app)


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
