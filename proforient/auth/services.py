import secrets
from functools import cache

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from proforient.auth import throttle
from proforient.auth.models import User
from proforient.auth.passwords import password_problem
from proforient.core.timeutil import utcnow
from proforient.extensions import db

# No 0/O, 1/l/I: the password is read off a screen or a sheet of paper.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(length: int = 12) -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def generate_valid_password(login: str, user: User | None = None) -> str:
    """A generated password that meets the password rules (practically always the first)."""
    while True:
        password = generate_password()
        if password_problem(password, login, user) is None:
            return password


class TryLater(Exception):
    """Too many wrong passwords: attempts are refused until `refusal.until`."""

    def __init__(self, refusal: throttle.Refusal):
        super().__init__(refusal.until)
        self.refusal = refusal


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def verify_password(user: User | None, password: str) -> bool:
    """The password check, costing the same whether or not the login exists: without a
    user (or for a disabled one) a dummy hash is checked, so the time taken does not tell
    which logins exist."""
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return False
    return user.check_password(password) and user.active


def authenticate(login: str, password: str, address: str) -> User | None:
    """The user, or None for a wrong login or password; raises TryLater while wrong
    passwords keep this login (from this address) or this address waiting. The caller
    commits: the failure counts must be stored even though sign-in failed."""
    now = utcnow()
    refused = throttle.refusal(login, address, now)
    if refused is not None:
        raise TryLater(refused)
    user = db.session.scalar(select(User).where(User.login == login.strip()))
    if not verify_password(user, password):
        throttle.record_failure(login, address, now)
        return None
    throttle.forget(login, address)
    user.last_login_at = now
    return user


def check_current_password(user: User, password: str, address: str) -> bool:
    """The current password asked for before a change: guesses here are throttled and
    counted exactly like guesses at the sign-in form. Raises TryLater; the caller commits."""
    now = utcnow()
    refused = throttle.refusal(user.login, address, now)
    if refused is not None:
        raise TryLater(refused)
    if not user.check_password(password):
        throttle.record_failure(user.login, address, now)
        return False
    throttle.forget(user.login, address)
    return True


def change_password(user: User, password: str) -> None:
    """The user's own new password (already checked against the policy): every other
    session ends; the caller signs the current one in again."""
    user.set_password(password)
    user.must_change_password = False


def set_password_by_admin(user: User, password: str) -> None:
    """A password set from the command line: it also lifts any sign-in wait of the login."""
    user.set_password(password)
    user.must_change_password = False
    throttle.release(user.login)


def create_user(
    login: str,
    full_name: str,
    role: str,
    school_id: int | None,
    password: str | None = None,
) -> tuple[User, str]:
    """Creates a user; without a password, generates a one-time one to change at first sign-in."""
    one_time = password is None
    password = password or generate_valid_password(login)
    user = User(
        login=login.strip(),
        full_name=full_name.strip(),
        role=role,
        school_id=school_id,
        must_change_password=one_time,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user, password


def reset_password(user: User) -> str:
    """A new one-time password issued by the department: the user's sessions end, and any
    sign-in wait of the login is lifted (the owner is about to use the new password)."""
    password = generate_valid_password(user.login, user)
    user.set_password(password)
    user.must_change_password = True
    throttle.release(user.login)
    return password


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        user.end_sessions()
