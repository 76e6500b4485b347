"""Russian formatting for templates, PDFs and exports."""

from datetime import date, datetime
from decimal import InvalidOperation

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal

from proforient.core.timeutil import academic_year_label, to_local

RU = Locale("ru")


def fmt_date(value: date | datetime | None) -> str:
    """05.06.2026"""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d.%m.%Y")


def fmt_datetime(value: datetime | None) -> str:
    """05.06.2026 14:30 in the department's zone."""
    if value is None:
        return ""
    return to_local(value).strftime("%d.%m.%Y %H:%M")


def fmt_date_long(value: date | datetime | None) -> str:
    """«5 июня 2026 г.»"""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    # Babel puts a narrow no-break space before «г.»; a plain no-break space renders in
    # every font we ship and in Excel.
    return babel_format_date(value, format="long", locale=RU).replace("\u202f", "\u00a0")


def plural(n: int, one: str, few: str, many: str) -> str:
    """plural(21, "школа", "школы", "школ") -> "школа" (Russian CLDR rules)."""
    form = RU.plural_form(abs(int(n)))
    return {"one": one, "few": few}.get(form, many)


def fmt_number(value: float | int | None, digits: int = 0) -> str:
    """Russian grouping and decimal comma: 12 345,6"""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    try:
        return format_decimal(value, format=pattern, locale=RU)
    except InvalidOperation:
        # Beyond the decimal precision Babel works in: a number typed into a form, refused
        # and shown back beside the field.
        text = f"{value:,}" if isinstance(value, int) else f"{value:,.{digits}f}"
        return text.replace(",", "\u00a0").replace(".", ",")


def fmt_signed(value: float, digits: int = 0, unit: str = "") -> str:
    """A change with its sign: «+12», «−3», «±0», «+4,5 п. п.» (a true minus sign)."""
    value = round(value, digits)
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return sign + fmt_number(abs(value), digits) + (f"\u00a0{unit}" if unit else "")


def fmt_percent(value: float | None, digits: int = 1) -> str:
    """0.456 -> 45,6 %"""
    if value is None:
        return "—"
    return fmt_number(value * 100, digits) + "\u00a0%"


def register_filters(app) -> None:
    app.jinja_env.filters.update(
        date=fmt_date,
        datetime=fmt_datetime,
        date_long=fmt_date_long,
        number=fmt_number,
        percent=fmt_percent,
        academic_year=academic_year_label,
    )
    app.jinja_env.globals.update(plural=plural)
