"""Who may do what: role checks for areas, school checks for objects.

Every view declares who may open it, and the declaration is readable on the view (the
access test walks every URL by it): `role_required(...)` and `department_required` record
their roles in `allowed_roles`; flask_login's `login_required` alone means every signed-in
user; `public` marks a page meant for anyone, signed in or not."""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from proforient.extensions import db

# Not a role a user can have: who a public view also admits.
ANONYMOUS = "anonymous"

_LOGIN_REQUIRED_CODE = login_required(lambda: None).__code__


def role_required(*roles: str) -> Callable:
    """The view is for signed-in users with one of these roles; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorator


def department_required(view: Callable) -> Callable:
    from proforient.auth.models import Role

    return role_required(Role.DEPARTMENT)(view)


def public(view: Callable) -> Callable:
    """The view is open to anyone, signed in or not, on purpose (sign-in, survey forms)."""
    view.public = True
    return view


def declared_roles(view: Callable) -> frozenset[str] | None:
    """Who the view's decorators admit: roles, with ANONYMOUS for a public view; None
    when it declares nothing. Checked in the order the decorators take effect: a role
    check wins over a plain sign-in check, which wins over a public mark beneath it."""
    from proforient.auth.models import Role

    if getattr(view, "allowed_roles", None) is not None:
        return view.allowed_roles
    layer = view
    while layer is not None:
        if getattr(layer, "__code__", None) is _LOGIN_REQUIRED_CODE:
            return frozenset((Role.DEPARTMENT, Role.SCHOOL))
        layer = getattr(layer, "__wrapped__", None)
    if getattr(view, "public", False):
        return frozenset((ANONYMOUS, Role.DEPARTMENT, Role.SCHOOL))
    return None


def user_school_id() -> int | None:
    """The school a coordinator is bound to; None for the department (sees all)."""
    if current_user.is_authenticated and not current_user.is_department:
        return current_user.school_id
    return None


def get_for_school_or_404(model, object_id, school_attr: str = "school_id"):
    """Load `model` by id; a coordinator asking for another school's object gets 404.

    404 rather than 403, so a coordinator cannot even learn that the id exists.
    """
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    if current_user.is_authenticated and not current_user.is_department:
        if getattr(obj, school_attr) != current_user.school_id:
            abort(404)
    return obj


def ensure_school_allowed(school_id: int | None) -> None:
    """A coordinator may name only their own school (e.g. in a filter or a form)."""
    own = user_school_id()
    if own is not None and school_id is not None and school_id != own:
        abort(404)
