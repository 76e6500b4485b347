from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from proforient.core.audit import Audited
from proforient.core.timeutil import utcnow
from proforient.extensions import db


class Role:
    DEPARTMENT = "department"
    SCHOOL = "school"

    LABELS = {DEPARTMENT: "Отдел образования", SCHOOL: "Ответственный ОО"}
    CHOICES = list(LABELS.items())


class User(Audited, UserMixin, db.Model):
    __tablename__ = "user"
    __audit_exclude__ = ("session_version", "last_login_at", "failed_logins", "locked_until")
    __audit_secret__ = ("password_hash",)
    __table_args__ = (
        CheckConstraint("role IN ('department', 'school')", name="role_known"),
        # A coordinator always belongs to a school; the department belongs to none.
        CheckConstraint(
            "(role = 'school' AND school_id IS NOT NULL) OR role = 'department'",
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
    # Bumped on password change or deactivation: every older session stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None]
    # Guessing protection: after MAX_FAILED_LOGINS wrong passwords in a row the account
    # waits LOCK_MINUTES before it accepts another attempt.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school = relationship("School", back_populates="users")

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
        return Role.LABELS.get(self.role, self.role)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def get_user_pk(self) -> int:
        return self.id

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)
