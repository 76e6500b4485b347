from flask import Flask


def register_school_tab(app: Flask, label: str, endpoint: str, order: int = 50) -> None:
    """A feature adds a tab to the school page; `endpoint` takes `school_id`."""
    tabs = app.extensions.setdefault("proforient_school_tabs", [])
    tabs.append((order, label, endpoint))
    tabs.sort()


def init_app(app: Flask) -> None:
    from proforient.auth.models import Role
    from proforient.core.ui import register_nav
    from proforient.schools import models, views  # noqa: F401

    app.register_blueprint(views.bp)
    app.jinja_env.globals["config_school_tabs"] = lambda: app.extensions.get(
        "proforient_school_tabs", []
    )
    register_nav(app, "Школы", "schools.index", (Role.DEPARTMENT,), order=10)
    register_nav(app, "Моя школа", "schools.mine", (Role.SCHOOL,), order=10)
