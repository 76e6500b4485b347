"""Annual school forms: reporting periods, the monitoring form (April–May) and graduate
destinations (September), with their indicators and the yearly XLSX export."""

from flask import Flask, render_template


def home_panel():
    """Department: open periods and how many schools submitted. Coordinator: the open
    periods (or the next one) and the state of the school's form, with a link."""
    from flask_login import current_user

    from proforient.core.timeutil import local_today
    from proforient.monitoring import queries
    from proforient.monitoring.models import PeriodState, Status
    from proforient.monitoring.views import form_url

    today = local_today()
    if current_user.is_department:
        summaries = [s for s in queries.period_summaries(today) if s.state == PeriodState.OPEN]
        return render_template("monitoring/_home_panel.html", summaries=summaries, rows=None)
    if current_user.school_id is None:
        return None
    rows = queries.school_period_rows(current_user.school_id, today)
    shown = [r for r in rows if r.state == PeriodState.OPEN or r.status == Status.RETURNED]
    upcoming = None
    if not shown:
        later = [r for r in rows if r.state == PeriodState.UPCOMING]
        upcoming = min(later, key=lambda r: r.period.opens_on) if later else None
    return render_template(
        "monitoring/_home_panel.html",
        summaries=None,
        rows=shown,
        upcoming=upcoming,
        form_url=form_url,
    )


def init_app(app: Flask) -> None:
    from proforient.auth.models import Role
    from proforient.core.ui import register_home_panel, register_nav
    from proforient.monitoring import models, views  # noqa: F401
    from proforient.schools import register_school_tab

    app.register_blueprint(views.bp)
    app.jinja_env.globals.update(
        MonitoringStatus=models.Status, PeriodKind=models.PeriodKind, PeriodState=models.PeriodState
    )
    register_nav(app, "Мониторинг", "monitoring.index", (Role.DEPARTMENT, Role.SCHOOL), order=40)
    register_school_tab(app, "Мониторинг", "monitoring.school_forms", order=40)
    register_home_panel(app, home_panel, order=40)
