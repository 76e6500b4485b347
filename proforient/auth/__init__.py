from flask import Flask

from proforient.extensions import db, login_manager


def init_app(app: Flask) -> None:
    from proforient.auth import cli, models, views
    from proforient.core.ui import register_nav

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Войдите, чтобы открыть эту страницу."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str):
        # The id carries the session version: a password change or deactivation
        # ends every session opened before it.
        pk, _, version = user_id.partition(":")
        if not pk.isdigit() or not version.isdigit():
            return None
        user = db.session.get(models.User, int(pk))
        if user is None or not user.active or user.session_version != int(version):
            return None
        return user

    app.register_blueprint(views.bp)
    views.register_password_gate(app)
    cli.register(app)
    register_nav(app, "Пользователи", "auth.users", (models.Role.DEPARTMENT,), order=90)
