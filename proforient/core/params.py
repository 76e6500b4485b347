"""What the app accepts from a URL's query string, and the limits of what it stores.

Query arguments are read leniently: anything that is not a plain number (or date) in
range — `²`, `1e30`, twenty digits — counts as absent, so the page shows its default
instead of failing in the database; control characters are dropped from every argument
before a view sees it (PostgreSQL cannot compare text with a NUL in it).
"""

from datetime import date
from urllib.parse import parse_qsl

from flask import Request as FlaskRequest
from flask import request
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

from proforient.core.text import drop_controls

# PostgreSQL `integer`, the type of every id, count and year column.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
# Dates people mean: beyond, a typo (0001 for 2001) would be stored, and time zone
# arithmetic on it fails.
DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2100, 12, 31)
# Academic years the app deals in (a report, a filter, a template).
YEAR_MIN, YEAR_MAX = 2000, 2100


def parse_int(value, minimum: int = 0, maximum: int = INT_MAX) -> int | None:
    """`value` as an int when it is ASCII digits within [minimum, maximum], else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        number = int(value)
    else:
        return None
    return number if minimum <= number <= maximum else None


def parse_date(value) -> date | None:
    """An ISO date (2026-05-31) within DATE_MIN..DATE_MAX, else None."""
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and value.isascii() else None
    except ValueError:
        return None
    return day if day is not None and DATE_MIN <= day <= DATE_MAX else None


def int_arg(name: str, minimum: int = 0, maximum: int = INT_MAX) -> int | None:
    return parse_int(request.args.get(name), minimum, maximum)


def id_arg(name: str) -> int | None:
    """An object id from the query string (ids start at 1)."""
    return parse_int(request.args.get(name), 1)


def year_arg(name: str = "year") -> int | None:
    return parse_int(request.args.get(name), YEAR_MIN, YEAR_MAX)


def date_arg(name: str) -> date | None:
    return parse_date(request.args.get(name))


def page_arg() -> int:
    """The list page asked for: 1 for anything but a sane page number."""
    return parse_int(request.args.get("page"), 1, 1_000_000) or 1


class IdConverter(IntegerConverter):
    """`<int:…>` in URLs: numbers beyond a database integer do not match (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT_MAX, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


class Request(FlaskRequest):
    @cached_property
    def args(self):
        """Werkzeug's parsing of the query string, with control characters dropped."""
        pairs = parse_qsl(
            self.query_string.decode(), keep_blank_values=True, errors="werkzeug.url_quote"
        )
        return self.parameter_storage_class(
            (drop_controls(key), drop_controls(value)) for key, value in pairs
        )
