"""Counting the SQL statements a block of code sends: the "fixed number of queries" rule."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from proforient.extensions import db


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Yields a list that collects every statement sent to the app's engine inside the block."""
    statements: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
