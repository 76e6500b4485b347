"""Schools' cooperation agreements with partner organisations, with their scans."""

from flask import Flask


def init_app(app: Flask) -> None:
    from proforient.agreements import queries, scans, views
    from proforient.agreements.models import Agreement, AgreementStatus
    from proforient.auth.models import Role
    from proforient.core.backup.archive import register_uploads
    from proforient.core.ui import register_home_panel, register_nav
    from proforient.partners.links import PartnerLink, register_partner_link
    from proforient.schools import register_school_tab

    app.jinja_env.globals["AgreementStatus"] = AgreementStatus
    app.register_blueprint(views.bp)
    register_nav(app, "Договоры", "agreements.index", (Role.DEPARTMENT, Role.SCHOOL), order=30)
    register_school_tab(app, "Договоры", "agreements.school_agreements", order=30)
    register_home_panel(app, views.home_panel, order=30)
    register_uploads(app, scans.scan_uploads)
    register_partner_link(
        app,
        PartnerLink(
            key="agreements",
            column=Agreement.partner_id,
            counted="договоров",
            listed="договоры",
            order=30,
            clash=queries.merge_clashes,
            clash_message=(
                "У обеих записей есть один и тот же договор (школа, номер, дата). "
                "Удалите лишний договор, затем объедините записи."
            ),
            section=views.partner_section,
            list_column=views.partner_column,
        ),
    )
