"""Audit log: who created, changed or deleted what, and when.

Models that mix in `Audited` are logged automatically on flush, so no view can forget.
Rows are written with the flush's own connection, in the same transaction as the change.
"""

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask import g, has_request_context
from sqlalchemy import JSON, ForeignKey, Integer, String, event, insert, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from proforient.core.timeutil import utcnow
from proforient.extensions import db

if TYPE_CHECKING:
    from proforient.auth.models import User


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(32))  # create, update, delete, or a verb
    object_type: Mapped[str] = mapped_column(String(64), index=True)
    object_id: Mapped[int | None] = mapped_column(Integer, index=True)
    summary: Mapped[str] = mapped_column(String(500), default="")
    changes: Mapped[dict | None] = mapped_column(JSON)

    user: Mapped["User | None"] = db.relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.object_type}#{self.object_id}>"


class Audited:
    """Mixin: changes to these rows are written to the audit log.

    `__audit_exclude__` names bookkeeping columns that never reach the log (last login);
    `__audit_secret__` names columns logged only as «изменено» (password hashes).
    """

    __audit_exclude__: tuple[str, ...] = ()
    __audit_secret__: tuple[str, ...] = ()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _changes(obj: Audited, action: str) -> dict | None:
    state = inspect(obj)
    out = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in obj.__audit_exclude__:
            continue
        hist = state.attrs[key].history
        if key in obj.__audit_secret__:
            if action == "update" and hist.has_changes():
                out[key] = "изменено"
            continue
        if action == "create":
            value = getattr(obj, key)
            if value is not None:
                out[key] = _plain(value)
        elif action == "update" and hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            out[key] = [_plain(old), _plain(new)]
    return out or None


def actor_id() -> int | None:
    if not has_request_context():
        return None
    # Only a user Flask-Login has already loaded: loading one here would flush again.
    user = g.get("_login_user")
    if user is None or not user.is_authenticated:
        return None
    return user.get_user_pk()


def _pending(session: Session) -> list[dict]:
    rows = []
    for action, objs in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objs:
            if not isinstance(obj, Audited):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            rows.append(
                {
                    "obj": obj,
                    "action": action,
                    "object_type": type(obj).__name__,
                    "summary": str(obj)[:500],
                    "changes": changes,
                }
            )
    return rows


@event.listens_for(Session, "before_flush")
def _collect(session: Session, _ctx, _instances) -> None:
    rows = _pending(session)
    if rows:
        # Resolve the actor here: loading the user inside the flush itself is not allowed.
        actor = actor_id()
        for row in rows:
            row["user_id"] = actor
        session.info.setdefault("audit_rows", []).extend(rows)


@event.listens_for(Session, "after_flush")
def _write(session: Session, _ctx) -> None:
    rows = session.info.pop("audit_rows", [])
    if not rows:
        return
    now = utcnow()
    values = [
        {
            "at": now,
            "user_id": r["user_id"],
            "action": r["action"],
            "object_type": r["object_type"],
            "object_id": inspect(r["obj"]).identity[0] if inspect(r["obj"]).identity else None,
            "summary": r["summary"],
            "changes": r["changes"],
        }
        for r in rows
    ]
    session.connection().execute(insert(AuditEvent.__table__), values)


def record(action: str, obj: Any, summary: str = "", changes: dict | None = None) -> None:
    """Log an action that is not a plain create/update/delete (merge, submit, return …)."""
    state = inspect(obj)
    db.session.add(
        AuditEvent(
            user_id=actor_id(),
            action=action,
            object_type=type(obj).__name__,
            object_id=state.identity[0] if state.identity else None,
            summary=(summary or str(obj))[:500],
            changes=changes,
        )
    )
