"""The per-link ceiling on accepted answers per minute (`SURVEY_LINK_MAX_PER_MINUTE`).

A signed submission key stops made-up keys, not a script that loads the form before each
post; this ceiling bounds what such a script can add to one school's figures. The count
lives in the database (`LinkRate`, one row per link) so that every worker process and
every server shares it, and it is taken by one conditional upsert inside the
transaction that stores the response:

    INSERT INTO link_rate (campaign_school_id, minute, n) VALUES (:link, :minute, 1)
    ON CONFLICT (campaign_school_id) DO UPDATE
        SET n = CASE WHEN link_rate.minute < :minute THEN 1 ELSE link_rate.n + 1 END,
            minute = CASE WHEN link_rate.minute < :minute THEN :minute
                          ELSE link_rate.minute END
        WHERE link_rate.minute < :minute OR link_rate.n < :limit
    RETURNING n

No row comes back when the link is at its ceiling. The statement is atomic on both
databases: SQLite runs one writer at a time, and PostgreSQL locks the link's row and
re-checks the WHERE clause against the latest committed row, so concurrent submissions
can never take more than `limit` slots in a minute. A rolled-back submission gives its
slot back with the rest of its transaction.

Rows of past minutes are deleted when a link starts a new minute (at most once per link
per minute), so the table holds little more than the links answered in the current
minute; on PostgreSQL rows that another transaction holds are skipped, never waited for.
"""

import time

from sqlalchemy import Connection, bindparam, case, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from proforient.surveys.response_models import LinkRate

_r = LinkRate.__table__
_statements: dict[str, tuple] = {}


def current_minute() -> int:
    """Minutes since the Unix epoch (UTC)."""
    return int(time.time() // 60)


def _build(dialect: str) -> tuple:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    base = insert(_r).values(
        campaign_school_id=bindparam("link_id"), minute=bindparam("minute"), n=1
    )
    new_minute = _r.c.minute < base.excluded.minute
    take = base.on_conflict_do_update(
        index_elements=[_r.c.campaign_school_id],
        set_={
            "n": case((new_minute, 1), else_=_r.c.n + 1),
            "minute": case((new_minute, base.excluded.minute), else_=_r.c.minute),
        },
        where=or_(new_minute, _r.c.n < bindparam("limit")),
    ).returning(_r.c.n)
    stale = select(_r.c.campaign_school_id).where(_r.c.minute < bindparam("minute"))
    if dialect == "postgresql":
        stale = stale.with_for_update(skip_locked=True)
    sweep = delete(_r).where(_r.c.campaign_school_id.in_(stale.scalar_subquery()))
    return take, sweep


def _statements_for(conn: Connection) -> tuple:
    name = conn.dialect.name
    built = _statements.get(name)
    if built is None:
        built = _statements[name] = _build(name)
    return built


def take_slot(conn: Connection, link_id: int, limit: int, minute: int | None = None) -> bool:
    """Count one accepted answer for the link in this minute; False (and nothing counted)
    when the link already took `limit` this minute. `limit` <= 0: no ceiling."""
    if limit <= 0:
        return True
    minute = current_minute() if minute is None else minute
    take, sweep = _statements_for(conn)
    n = conn.execute(take, {"link_id": link_id, "minute": minute, "limit": limit}).scalar()
    if n is None:
        return False
    if n == 1:
        # This link starts a new minute: forget the past minutes of every link.
        conn.execute(sweep, {"minute": minute})
    return True


def taken(conn: Connection, link_id: int, minute: int | None = None) -> int:
    """Answers the link accepted in the given (default: current) minute."""
    minute = current_minute() if minute is None else minute
    n = conn.execute(
        select(func.coalesce(func.max(_r.c.n), 0)).where(
            _r.c.campaign_school_id == link_id, _r.c.minute == minute
        )
    ).scalar()
    return int(n)
