"""Partner organisations and schools' cooperation agreements with them (issue 5)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from proforient.agreements import models, services, views
    from proforient.auth.models import Role
    from proforient.core.backup import register_uploads
    from proforient.core.ui import register_home_panel, register_nav
    from proforient.schools import register_school_tab

    app.jinja_env.globals.update(
        agreement_status_short=models.Status.SHORT, agreement_status_badges=models.Status.BADGES
    )
    app.register_blueprint(views.bp)
    app.register_blueprint(views.partners_bp)
    both = (Role.DEPARTMENT, Role.SCHOOL)
    register_nav(app, "Договоры", "agreements.index", both, order=30)
    register_nav(app, "Партнёры", "partners.partners_index", both, order=32)
    register_school_tab(app, "Договоры", "agreements.school_agreements", order=30)
    register_home_panel(app, views.home_panel, order=30)
    register_uploads(app, services.scan_uploads)
