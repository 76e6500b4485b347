"""Answer tallies: answers counted per campaign × school × grade × question × option × row
× value (`AnswerTally`), so results read a few thousand rows instead of grouping every
answer of a campaign.

`submit` adds a response's counts in the transaction that stores it (one upsert);
`rebuild_tallies` recounts from the answers for bulk loaders and operators;
`differences` compares the two in one statement (`flask survey-tallies --check`).
"""

from collections import Counter

from sqlalchemy import Connection, delete, func, literal, select, text, union_all
from sqlalchemy.dialects import postgresql, sqlite

from proforient.extensions import db
from proforient.surveys.response_models import (
    NO_GRADE,
    NO_OPTION,
    NO_ROW,
    NO_VALUE,
    Answer,
    AnswerTally,
    Response,
)

KEY = ("campaign_id", "school_id", "grade", "question_id", "option_id", "row_id", "value")
_t = AnswerTally.__table__


def answer_counts(campaign_id: int | None = None):
    """SELECT of the tallies as they should be: one GROUP BY over the answers, with the
    sentinels in place of NULL. Columns: the KEY, then n."""
    key = (
        Response.campaign_id.label("campaign_id"),
        Response.school_id.label("school_id"),
        func.coalesce(Response.grade, NO_GRADE).label("grade"),
        Answer.question_id.label("question_id"),
        func.coalesce(Answer.option_id, NO_OPTION).label("option_id"),
        func.coalesce(Answer.row_id, NO_ROW).label("row_id"),
        func.coalesce(Answer.value, NO_VALUE).label("value"),
    )
    stmt = (
        select(*key, func.count().label("n"))
        .join_from(Answer, Response, Response.id == Answer.response_id)
        .group_by(*key)
    )
    if campaign_id is not None:
        stmt = stmt.where(Response.campaign_id == campaign_id)
    return stmt


def rebuild_tallies(campaign_id: int | None = None) -> int:
    """Recount the tallies of one campaign (or all) from the answers: DELETE, then one
    INSERT … SELECT … GROUP BY. For code that writes answers without `submit` (demo data,
    benchmarks, test helpers) and for repairs. The caller commits; returns the rows
    written."""
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        # Submissions wait until this transaction ends (their upserts need ROW EXCLUSIVE),
        # and those already in flight finish first, so each response is counted once:
        # either in the SELECT below or by its own upsert after the commit.
        conn.execute(text("LOCK TABLE answer_tally IN SHARE ROW EXCLUSIVE MODE"))
    # On SQLite the DELETE takes the database's write lock, which does the same.
    wipe = delete(AnswerTally)
    if campaign_id is not None:
        wipe = wipe.where(AnswerTally.campaign_id == campaign_id)
    conn.execute(wipe)
    fill = _t.insert().from_select([*KEY, "n"], answer_counts(campaign_id))
    # An INSERT's row count is dropped with its cursor unless asked for (SQLAlchemy 2).
    result = conn.execute(fill.execution_options(preserve_rowcount=True))
    return max(result.rowcount, 0)


def differences(campaign_id: int | None = None, limit: int = 1000) -> list[tuple]:
    """Keys whose tally differs from a fresh count of the answers, as rows of the KEY
    followed by (tally n, answers n); one statement, so one snapshot."""
    fresh = answer_counts(campaign_id).subquery()
    stored = select(*(_t.c[k] for k in KEY), _t.c.n.label("tally"), literal(0).label("counted"))
    if campaign_id is not None:
        stored = stored.where(_t.c.campaign_id == campaign_id)
    counted = select(*(fresh.c[k] for k in KEY), literal(0), fresh.c.n)
    both = union_all(stored, counted).subquery()
    keys = [both.c[k] for k in KEY]
    tally, answers = func.sum(both.c.tally), func.sum(both.c.counted)
    stmt = (
        select(*keys, tally, answers)
        .group_by(*keys)
        .having(tally != answers)
        .order_by(*keys)
        .limit(limit)
    )
    return [tuple(int(v) for v in row) for row in db.session.execute(stmt)]


# --- At submission ------------------------------------------------------------------------

_upserts: dict[str, object] = {}


def upsert_statement(conn: Connection):
    """INSERT … ON CONFLICT (key) DO UPDATE SET n = answer_tally.n + excluded.n for the
    connection's dialect, built once per dialect (building costs more than running)."""
    name = conn.dialect.name
    stmt = _upserts.get(name)
    if stmt is None:
        insert = postgresql.insert if name == "postgresql" else sqlite.insert
        base = insert(_t)
        stmt = base.on_conflict_do_update(
            index_elements=[_t.c[k] for k in KEY], set_={"n": _t.c.n + base.excluded.n}
        )
        _upserts[name] = stmt
    return stmt


def tally_rows(campaign_id: int, school_id: int, grade: int | None, answers: list[dict]):
    """A response's answers as upsert rows: one per distinct key (a statement may not touch
    a row twice on PostgreSQL), sorted so that concurrent submissions lock shared rows in
    the same order (no deadlocks)."""
    counts = Counter(
        (
            a["question_id"],
            a["option_id"] or NO_OPTION,
            a["row_id"] or NO_ROW,
            NO_VALUE if a["value"] is None else a["value"],
        )
        for a in answers
    )
    g = NO_GRADE if grade is None else grade
    return [
        {
            "campaign_id": campaign_id,
            "school_id": school_id,
            "grade": g,
            "question_id": q,
            "option_id": o,
            "row_id": r,
            "value": v,
            "n": n,
        }
        for (q, o, r, v), n in sorted(counts.items())
    ]
