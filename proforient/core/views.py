from flask import Blueprint, Flask, jsonify, render_template, request
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from sqlalchemy import select, text

from proforient.core.access import department_required, public
from proforient.core.audit import AuditEvent
from proforient.core.ui import home_panels
from proforient.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/")
@login_required
def index():
    return render_template("core/home.html", panels=home_panels())


@bp.get("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy", never a 500 page
        db.session.rollback()
        return jsonify(status="error", database="error"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/audit")
@department_required
def audit_log():
    object_type = request.args.get("type", "").strip()
    stmt = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    page = db.paginate(stmt, per_page=50, error_out=False)
    types = db.session.scalars(
        select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)
    ).all()
    return render_template("core/audit.html", page=page, types=types, object_type=object_type)


def _error(code: int, title: str, message: str):
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(_e):
        return _error(400, "Неверный запрос", "Сервер не смог разобрать запрос.")

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return _error(
            400,
            "Форма устарела",
            "Срок действия формы истёк или она была открыта в другом окне. "
            "Вернитесь назад, обновите страницу и отправьте форму ещё раз.",
        )

    @app.errorhandler(403)
    def forbidden(_e):
        return _error(403, "Доступ запрещён", "У вашей учётной записи нет прав на этот раздел.")

    @app.errorhandler(404)
    def not_found(_e):
        return _error(404, "Страница не найдена", "Такой страницы нет или она недоступна вам.")

    @app.errorhandler(405)
    def method_not_allowed(_e):
        return _error(405, "Действие недоступно", "Этот адрес не принимает такой запрос.")

    @app.errorhandler(413)
    def too_large(_e):
        return _error(413, "Файл слишком большой", "Размер отправленных данных превышает предел.")

    @app.errorhandler(500)
    def server_error(_e):
        db.session.rollback()
        return _error(
            500,
            "Ошибка на сервере",
            "Что-то пошло не так. Повторите попытку; если ошибка повторяется, "
            "сообщите в отдел образования.",
        )

    @app.after_request
    def security_headers(response):
        # Everything is served from this server: the policy says so to the browser too.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
            "form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.context_processor
    def inject_user():
        return {"current_user": current_user}
