from math import ceil

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE
from sqlalchemy import or_, select

from proforient.auth import services, throttle
from proforient.auth.forms import ChangePasswordForm, LoginForm, UserForm
from proforient.auth.models import Role, User, school_table
from proforient.auth.passwords import password_problem
from proforient.core.access import department_required, public
from proforient.core.formatting import plural
from proforient.core.timeutil import to_local, utcnow
from proforient.core.urls import is_local_path
from proforient.extensions import db

bp = Blueprint("auth", __name__)


def try_later_message(refused: services.TryLater) -> str:
    """«… Повторите через 2 минуты (в 14:35).» — how long, and when by the clock."""
    refusal = refused.refusal
    seconds = max(1, ceil((refusal.until - utcnow()).total_seconds()))
    if seconds < 60:
        when = f"через {seconds} {plural(seconds, 'секунду', 'секунды', 'секунд')}"
    else:
        minutes = ceil(seconds / 60)
        at = to_local(refusal.until).strftime("%H:%M")
        when = f"через {minutes} {plural(minutes, 'минуту', 'минуты', 'минут')} (в {at})"
    if refusal.whole_address:
        return f"С вашего адреса было слишком много неверных паролей. Повторите {when}."
    return f"Слишком много неверных паролей подряд. Повторите {when}."


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.login.data, form.password.data, throttle.client_address()
            )
        except services.TryLater as refused:
            user = None
            form.password.errors.append(try_later_message(refused))
        else:
            if user is None:
                form.password.errors.append("Неверный логин или пароль.")
        db.session.commit()  # the failure counts, or the time of this sign-in
        if user is not None:
            login_user(user, remember=form.remember.data)
            target = request.args.get("next")
            return redirect(target if is_local_path(target) else url_for("core.index"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@public
def logout():
    if current_user.is_authenticated:
        # A new session token: this session, a stolen copy of its cookie and every
        # remember-me cookie of the user stop working on the server, not just here.
        current_user.end_sessions()
        db.session.commit()
    logout_user()
    flash("Вы вышли из системы на всех устройствах.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm(user=user)
    if form.validate_on_submit():
        try:
            known = services.check_current_password(
                user, form.current.data, throttle.client_address()
            )
        except services.TryLater as refused:
            form.current.errors.append(try_later_message(refused))
        else:
            if not known:
                form.current.errors.append("Текущий пароль введён неверно.")
            elif problem := password_problem(form.new.data, user.login, user):
                form.new.errors.append(problem)
            else:
                services.change_password(user, form.new.data)
                db.session.commit()
                # The new token ended every session; this one goes on, and keeps its
                # remember-me cookie if it had one.
                cookie = current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE)
                remembered = cookie in request.cookies
                login_user(user, remember=remembered)
                flash("Пароль изменён. На других устройствах нужно войти заново.", "success")
                return redirect(url_for("core.index"))
        db.session.commit()  # the failure count
    return render_template("auth/password.html", form=form)


def register_password_gate(app: Flask) -> None:
    allowed = {"auth.change_password", "auth.logout", "static", "core.healthz"}

    @app.before_request
    def require_new_password():
        if (
            current_user.is_authenticated
            and current_user.must_change_password
            and request.endpoint not in allowed
            and request.blueprint != "respond"
        ):
            flash("Задайте собственный пароль вместо выданного.", "info")
            return redirect(url_for("auth.change_password"))
        return None


# --- Department: user accounts -------------------------------------------------------


@bp.get("/users")
@department_required
def users():
    q = request.args.get("q", "").strip()
    school = school_table()
    stmt = (
        select(User)
        .outerjoin(school, User.school_id == school.c.id)
        .order_by(User.role, school.c.short_name, User.login)
    )
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            or_(User.login.ilike(like), User.full_name.ilike(like), school.c.short_name.ilike(like))
        )
    page = db.paginate(stmt, per_page=50, error_out=False)
    return render_template("auth/users.html", page=page, q=q)


def _one_time_password_page(user: User, password: str, created: bool):
    # Rendered straight from the POST, never flashed: the password must not travel in the
    # session cookie, and must not be cached by the browser.
    response = make_response(
        render_template("auth/user_password.html", user=user, password=password, created=created)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/users/new", methods=["GET", "POST"])
@department_required
def user_new():
    form = UserForm()
    if request.method == "GET" and request.args.get("school_id", "").isdigit():
        form.role.data = Role.SCHOOL
        form.school_id.data = request.args["school_id"]
    if form.validate_on_submit():
        user, password = services.create_user(
            form.login.data, form.full_name.data, form.role.data, form.school_pk
        )
        db.session.commit()
        return _one_time_password_page(user, password, created=True)
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@department_required
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, editing=user)
    if request.method == "GET":
        form.school_id.data = str(user.school_id or "")
    if form.validate_on_submit():
        if user.id == current_user.id and form.role.data != Role.DEPARTMENT:
            form.role.errors.append("Нельзя лишить себя роли отдела образования.")
        else:
            user.login = form.login.data.strip()
            user.full_name = form.full_name.data.strip()
            user.role = form.role.data
            user.school_id = form.school_pk
            db.session.commit()
            flash("Изменения сохранены.", "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user)


@bp.post("/users/<int:user_id>/reset-password")
@department_required
def user_reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    password = services.reset_password(user)
    db.session.commit()
    return _one_time_password_page(user, password, created=False)


@bp.post("/users/<int:user_id>/active")
@department_required
def user_toggle_active(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash("Нельзя отключить собственную учётную запись.", "error")
        return redirect(url_for("auth.users"))
    services.set_active(user, not user.active)
    db.session.commit()
    flash(f"Учётная запись «{user.login}» {'включена' if user.active else 'отключена'}.", "success")
    return redirect(url_for("auth.users"))
