"""Partner organisations: the directory that agreements and events both name, with the
ИНН check, near-duplicate warnings and the merge of duplicates."""

from flask import Flask


def init_app(app: Flask) -> None:
    from proforient.auth.models import Role
    from proforient.core.ui import register_nav
    from proforient.partners import views

    app.register_blueprint(views.bp)
    register_nav(app, "Партнёры", "partners.index", (Role.DEPARTMENT, Role.SCHOOL), order=32)
