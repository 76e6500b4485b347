"""Cross-cutting pieces: database settings, audit log, access checks, formatting, layout."""

from flask import Flask

from proforient.core import audit  # noqa: F401  (registers the audit listeners and model)


def init_app(app: Flask) -> None:
    from proforient.core import cli, params, views
    from proforient.core.formatting import register_filters
    from proforient.core.ui import nav_items, url_with

    # WTForms' own messages come in Russian from its catalogue (core.forms.BaseForm), not
    # through Flask-Babel.
    app.config.setdefault("WTF_I18N_ENABLED", False)
    # Before any blueprint adds its rules: ids in URLs stay within a database integer.
    app.url_map.converters["int"] = params.IdConverter
    app.request_class = params.Request
    register_filters(app)
    app.jinja_env.globals.update(nav_items=nav_items, url_with=url_with)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.register_blueprint(views.bp)
    views.register_error_handlers(app)
    cli.register(app)
