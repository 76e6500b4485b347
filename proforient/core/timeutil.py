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


def academic_year_label(start_year: int) -> str:
    return f"{start_year}/{start_year + 1} учебный год"


def academic_year_bounds(start_year: int) -> tuple[date, date]:
    return date(start_year, 9, 1), date(start_year + 1, 8, 31)
