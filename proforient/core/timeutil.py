"""Time helpers. Datetimes are stored naive in UTC; the department's zone is for display
and for reading dates people type."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_local(value: datetime) -> datetime:
    """A stored (naive UTC) datetime in the department's zone."""
    return value.replace(tzinfo=UTC).astimezone(local_zone())


def from_local(value: datetime) -> datetime:
    """A naive datetime typed in the department's zone, as naive UTC for storage."""
    return value.replace(tzinfo=local_zone()).astimezone(UTC).replace(tzinfo=None)


def local_today() -> date:
    return datetime.now(local_zone()).date()


def academic_year_of(day: date) -> int:
    """The academic year (by its start year) a day falls in: 1 September – 31 August."""
    return day.year if day.month >= 9 else day.year - 1


def current_academic_year() -> int:
    return academic_year_of(local_today())


def reporting_year(day: date | None = None) -> int:
    """The academic year whose results the department is reporting on a given day.

    The monitoring form of a year opens on 1 April of its spring; before that the year is
    a few months old and has nothing to summarise, so reports and the dashboard show the
    previous year (in December 2026 that is 2025/2026, not 2026/2027).
    """
    day = day or local_today()
    current = academic_year_of(day)
    return current if day >= date(current + 1, 4, 1) else current - 1


def academic_year_label(start_year: int) -> str:
    return f"{start_year}/{start_year + 1} учебный год"


def academic_year_span(start_year: int) -> str:
    """2025 → «2025-2026», for file names."""
    return f"{start_year}-{start_year + 1}"


def academic_year_bounds(start_year: int) -> tuple[date, date]:
    return date(start_year, 9, 1), date(start_year + 1, 8, 31)
