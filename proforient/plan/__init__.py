"""The department's action plan (план мероприятий) and its yearly execution."""

from flask import Flask


def init_app(app: Flask) -> None:
    from proforient.auth.models import Role
    from proforient.core.ui import register_nav
    from proforient.plan import models, views  # noqa: F401

    app.register_blueprint(views.bp)
    register_nav(app, "План", "plan.index", (Role.DEPARTMENT,), order=45)
