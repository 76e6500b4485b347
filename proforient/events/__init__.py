"""Event registry: career-guidance events and each school's participation in them."""

from flask import Flask


def init_app(app: Flask) -> None:
    from proforient.auth.models import Role
    from proforient.core.ui import register_home_panel, register_nav
    from proforient.events import models, views  # noqa: F401
    from proforient.schools import register_school_tab

    app.register_blueprint(views.bp)
    register_nav(app, "Мероприятия", "events.index", (Role.DEPARTMENT, Role.SCHOOL), order=20)
    register_school_tab(app, "Мероприятия", "events.school_events", order=20)
    register_home_panel(app, views.home_panel, order=20)
