from flask import Flask

from proforient.extensions import db, login_manager


def init_app(app: Flask) -> None:
    from proforient.auth import cli, models, views
    from proforient.core.ui import register_nav

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Войдите, чтобы открыть эту страницу."
    login_manager.login_message_category = "info"
    # The remember-me cookie is as secret as the session cookie: HTTPS only when it is.
    if app.config.get("SESSION_COOKIE_SECURE"):
        app.config["REMEMBER_COOKIE_SECURE"] = True

    @login_manager.user_loader
    def load_user(user_id: str):
        # The id carries the user's session token (User.get_id): signing out, a password
        # change or deactivation replaces it, which ends every session and remember-me
        # cookie opened before.
        pk, _, token = user_id.partition(":")
        if not pk.isdigit() or not token:
            return None
        user = db.session.get(models.User, int(pk))
        if user is None or not user.active or not user.has_session_token(token):
            return None
        return user

    app.register_blueprint(views.bp)
    views.register_password_gate(app)
    cli.register(app)
    register_nav(app, "Пользователи", "auth.users", (models.Role.DEPARTMENT,), order=90)
