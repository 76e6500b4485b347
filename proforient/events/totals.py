"""Sums over participation rows, the same for the registry's list, the indicator set and
the printed summaries: the SQL columns that sum a group of rows, and what they read back
as."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from sqlalchemy import case, func

from proforient.events.models import COUNT_NAMES, Participation


@dataclass
class Totals:
    """Events, participation rows (a school at an event) and the sum of each count."""

    events: int = 0
    participations: int = 0
    participants: int = 0
    ovz: int = 0
    disabled: int = 0
    winners: int = 0
    prizewinners: int = 0
    teachers: int = 0

    def add(self, other: Totals) -> None:
        """Add the sums of `other` (fields that only a subclass has stay as they are)."""
        for field in fields(Totals):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


def sum_columns() -> list:
    """SQL columns summing a group of participation rows: how many rows, each count, and
    what the rows that know `distinct_children` say. `RowSums.read` reads them back."""
    known = Participation.distinct_children.is_not(None)
    return [
        func.count(Participation.id),
        *[func.coalesce(func.sum(getattr(Participation, n)), 0) for n in COUNT_NAMES],
        func.count(Participation.distinct_children),
        func.coalesce(func.sum(Participation.distinct_children), 0),
        func.coalesce(func.sum(case((known, Participation.participants), else_=0)), 0),
    ]


@dataclass
class RowSums:
    rows: int
    counts: dict[str, int]
    known_rows: int  # rows that know how many of their participants were new that year
    distinct: int  # the sum of those numbers
    known_participants: int  # the participants of those rows

    @classmethod
    def read(cls, values: Sequence) -> RowSums:
        """From the values of `sum_columns`, in order."""
        rows, *rest = (int(v) for v in values)
        counts = dict(zip(COUNT_NAMES, rest[: len(COUNT_NAMES)], strict=True))
        return cls(rows, counts, *rest[len(COUNT_NAMES) :])

    def totals(self, events: int = 0) -> Totals:
        return Totals(events=events, participations=self.rows, **self.counts)

    def add_distinct(self, figures) -> None:
        """Add what these rows know of distinct children to `figures` (with the fields
        `distinct_children`, None while no row knows it, and
        `distinct_known_participants`)."""
        if self.known_rows:
            figures.distinct_children = (figures.distinct_children or 0) + self.distinct
            figures.distinct_known_participants += self.known_participants
