import secrets
from datetime import datetime
from hmac import compare_digest
from typing import TYPE_CHECKING

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from proforient.core.audit import Audited
from proforient.core.choices import Choices
from proforient.core.timeutil import utcnow
from proforient.extensions import db

if TYPE_CHECKING:
    from proforient.schools.models import School


class Role(Choices):
    DEPARTMENT = "department", "Отдел образования"
    SCHOOL = "school", "Ответственный ОО"


def school_table() -> Table:
    """The schools' table, named rather than imported: every feature, schools included,
    imports auth for its roles, so auth knows a school only as the row its users point at
    (`id`, `short_name`, `active`)."""
    return db.metadata.tables["school"]


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


class User(Audited, UserMixin, db.Model):
    __tablename__ = "user"
    __audit_exclude__ = ("session_token", "last_login_at")
    __audit_secret__ = ("password_hash",)
    __table_args__ = (
        Role.check_constraint("role", name="role_known"),
        # A coordinator always belongs to a school; the department belongs to none.
        CheckConstraint(
            f"(role = '{Role.SCHOOL.value}' AND school_id IS NOT NULL) "
            f"OR role = '{Role.DEPARTMENT.value}'",
            name="coordinator_has_school",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("school.id", ondelete="RESTRICT"), index=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    # A password the department generated must be changed at the first sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # A random secret inside every session and remember-me cookie of this user (see
    # get_id). Replaced on sign-out, password change and deactivation, which ends every
    # session and remember-me cookie issued before, on every device.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped["School | None"] = relationship("School", back_populates="users")

    def __repr__(self) -> str:
        return f"<User {self.login}>"

    def __str__(self) -> str:
        return self.full_name or self.login

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_department(self) -> bool:
        return self.role == Role.DEPARTMENT

    @property
    def role_label(self) -> str:
        return Role.label_of(self.role)

    def get_id(self) -> str:
        # What Flask-Login keeps in the session and in the remember-me cookie.
        return f"{self.id}:{self.session_token}"

    def has_session_token(self, token: str) -> bool:
        return self.session_token is not None and compare_digest(self.session_token, token)

    def end_sessions(self) -> None:
        """Every session and remember-me cookie of this user stops working."""
        self.session_token = new_session_token()

    def get_user_pk(self) -> int:
        return self.id

    def set_password(self, password: str) -> None:
        """Stores a new password and ends the user's sessions (the caller signs the
        current one in again if it should stay)."""
        self.password_hash = hash_password(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class LoginThrottle(db.Model):
    """Failed sign-ins, counted per login and client address, and per address alone
    (login ""), so a guesser is slowed down without locking the owner out. Rows whose
    last failure is older than a day mean nothing and are deleted."""

    __tablename__ = "login_throttle"
    __table_args__ = (
        UniqueConstraint("address", "login"),
        CheckConstraint("failures >= 0", name="failures_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    login: Mapped[str] = mapped_column(String(64))  # "" for every login from the address
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(index=True)
    blocked_until: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<LoginThrottle {self.login!r}@{self.address} {self.failures}>"
