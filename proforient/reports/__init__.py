"""Printed summaries: the school and district PDFs, the indicator table and its XLSX, the
dashboard, and the ZIP of every school's summary. Reads the indicator set and the feature
services; no feature imports this package."""

from flask import Flask


def init_app(app: Flask) -> None:
    from proforient.auth.models import Role
    from proforient.core.ui import register_home_panel, register_nav
    from proforient.indicators import models as indicator_models  # noqa: F401
    from proforient.pdf.fonts import register_fonts
    from proforient.reports import cli, concept_views, dashboard, history, models, views  # noqa: F401
    from proforient.schools import register_school_tab

    register_fonts()
    app.register_blueprint(views.bp)
    app.register_blueprint(history.bp)
    app.register_blueprint(concept_views.bp)
    register_nav(app, "Отчёты", "reports.index", (Role.DEPARTMENT, Role.SCHOOL), order=70)
    register_home_panel(app, dashboard.home_panel, order=5)
    register_school_tab(app, "Показатели", "reports.school_page", order=60)
    cli.register(app)
