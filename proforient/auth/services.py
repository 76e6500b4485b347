import secrets
from datetime import timedelta
from math import ceil

from sqlalchemy import select

from proforient.auth.models import User
from proforient.core.timeutil import utcnow
from proforient.extensions import db

# No 0/O, 1/l/I: the password is read off a screen or a sheet of paper.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(length: int = 12) -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15


class AccountLocked(Exception):
    def __init__(self, minutes: int):
        super().__init__(minutes)
        self.minutes = minutes


def authenticate(login: str, password: str) -> User | None:
    """The user, or None for a wrong login or password; raises AccountLocked while a
    run of wrong passwords keeps the account closed. The caller commits."""
    user = db.session.scalar(select(User).where(User.login == login.strip()))
    if user is None or not user.active:
        return None
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        raise AccountLocked(max(1, ceil((user.locked_until - now).total_seconds() / 60)))
    if not user.check_password(password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.failed_logins = 0
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def create_user(
    login: str,
    full_name: str,
    role: str,
    school_id: int | None,
    password: str | None = None,
) -> tuple[User, str]:
    """Creates a user; without a password, generates a one-time one to change at first sign-in."""
    one_time = password is None
    password = password or generate_password()
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
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    return password


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        user.session_version += 1
