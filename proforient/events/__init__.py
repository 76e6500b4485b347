"""Event registry: career-guidance events and each school's participation in them."""

from flask import Flask


def init_app(app: Flask) -> None:
    from proforient.auth.models import Role
    from proforient.core.ui import register_home_panel, register_nav
    from proforient.events import participation_views, reference_views, views  # noqa: F401
    from proforient.events.models import Event
    from proforient.partners.links import PartnerLink, register_partner_link
    from proforient.schools import register_school_tab

    app.register_blueprint(views.bp)
    register_nav(app, "Мероприятия", "events.index", (Role.DEPARTMENT, Role.SCHOOL), order=20)
    register_school_tab(app, "Мероприятия", "events.school_events", order=20)
    register_home_panel(app, views.home_panel, order=20)
    register_partner_link(
        app,
        PartnerLink(
            key="events",
            column=Event.partner_id,
            counted="мероприятий",
            listed="мероприятия",
            order=40,
            section=views.partner_section,
        ),
    )
