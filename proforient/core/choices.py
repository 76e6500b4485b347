"""Closed lists of codes: a status, a level, a role, a kind. Each is a `Choices` enum whose
members are the codes stored in the database (plain strings, so `Level.FEDERAL ==
"federal"`) and carry their Russian labels; the model's CHECK constraint, the form's
choices and the page's labels all come from the one class.

    class Level(Choices):
        FEDERAL = "federal", "всероссийский"
        REGIONAL = "regional", "региональный"

Adding a value is one line here (and a migration that widens the CHECK constraint).
A list whose values carry more than a label (a short column heading, a badge) gives each
member a longer tuple and an `__init__` that keeps the extra items:

    class Status(Choices):
        badge: str

        def __init__(self, code: str, label: str, badge: str):
            self.badge = badge

        DONE = "done", "выполнено", "badge-ok"
"""

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import CheckConstraint, case


class Choices(StrEnum):
    label: str

    def __new__(cls, code: str, label: str = "", *extra: str):
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label or code
        return member

    @classmethod
    def codes(cls) -> tuple[str, ...]:
        return tuple(m.value for m in cls)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(code, label) pairs for a select, in declaration order."""
        return [(m.value, m.label) for m in cls]

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {m.value: m.label for m in cls}

    @classmethod
    def label_of(cls, code: str | None) -> str:
        """The label of a stored code; an unknown code shows as itself."""
        try:
            return cls(code).label
        except ValueError:
            return code or ""

    @classmethod
    def check_constraint(
        cls, column: str, name: str | None = None, only: Iterable["Choices"] | None = None
    ) -> CheckConstraint:
        """`column IN (…every code…)`, named `<column>_known` unless told otherwise; `only`
        narrows it to the members a row may hold (a state that is shown but never stored)."""
        codes = ", ".join(f"'{m.value}'" for m in (cls if only is None else only))
        return CheckConstraint(f"{column} IN ({codes})", name=name or f"{column}_known")

    @classmethod
    def order_expr(cls, column):
        """SQL that sorts the column in declaration order."""
        return case({m.value: i for i, m in enumerate(cls)}, value=column, else_=len(cls))
