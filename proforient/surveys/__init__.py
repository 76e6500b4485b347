"""Surveys of students and parents: questionnaires, campaigns, links, anonymous answers."""

from flask import Flask

from proforient.surveys import models, response_models  # noqa: F401  (tables known to the metadata)


def init_app(app: Flask) -> None:
    from proforient.auth.models import Role
    from proforient.core.ui import register_home_panel, register_nav
    from proforient.surveys import (
        anonymity,
        cli,
        questionnaire_views,  # noqa: F401 - routes on views.bp
        respond,
        views,
    )
    from proforient.surveys.links import survey_url

    app.register_blueprint(views.bp)
    app.register_blueprint(respond.bp)
    from proforient.surveys import results_views

    app.register_blueprint(results_views.bp)
    cli.register(app)
    anonymity.install()
    app.jinja_env.globals["survey_url"] = survey_url
    register_nav(app, "Анкетирование", "surveys.index", (Role.DEPARTMENT, Role.SCHOOL), order=60)
    register_home_panel(app, views.home_panel, order=60)
