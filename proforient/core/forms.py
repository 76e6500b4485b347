"""`BaseForm`, the form every form of the app derives from. It carries what they share:

- WTForms' own messages («Неверное целое число.») in Russian, from its bundled catalogue,
  without Flask-Babel;
- text fields (single-line, textarea, hidden) and the values of choice fields drop
  control characters before anything reads them (see `core.text`); passwords are left
  exactly as typed;
- date and date-time fields accept years from 1900 to 2100 only: beyond that a typo
  (0001 for 2001) would be stored, and time zone arithmetic on it fails;
- whole-number fields, and choices coerced to numbers (ids), accept what a database
  integer column holds: a bigger number never reaches a query.

Each field's own validators still apply first; these only close what they leave open.
"""

from datetime import date, datetime

from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, StringField
from wtforms.fields.choices import SelectFieldBase
from wtforms.fields.datetime import DateTimeField
from wtforms.meta import DefaultMeta
from wtforms.validators import StopValidation

from proforient.core.formatting import fmt_date
from proforient.core.params import DATE_MAX, DATE_MIN, INT_MAX, INT_MIN
from proforient.core.text import drop_controls


def clean_text(value):
    """Field filter: the typed text without control characters (tab and newline stay);
    for a multiple choice, each of its values."""
    if isinstance(value, str):
        return drop_controls(value)
    if isinstance(value, list):
        return [drop_controls(v) if isinstance(v, str) else v for v in value]
    return value


def date_in_range(form, field) -> None:
    value = field.data
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date) and not DATE_MIN <= value <= DATE_MAX:
        raise StopValidation(
            f"Проверьте год: дата должна быть между {fmt_date(DATE_MIN)} и {fmt_date(DATE_MAX)}."
        )


def int_in_range(form, field) -> None:
    if isinstance(field.data, int) and not INT_MIN <= field.data <= INT_MAX:
        raise StopValidation("Слишком большое число.")


def int_in_range_coerce(coerce):
    """A select's `coerce` that refuses a number no database integer holds (the field
    then reports an invalid choice, as for any other value it cannot coerce)."""

    def coerce_in_range(value):
        result = coerce(value)
        if isinstance(result, int) and not INT_MIN <= result <= INT_MAX:
            raise ValueError(f"{value!r} is out of range")
        return result

    return coerce_in_range


def bind_field(meta, form, unbound_field, options):
    """`DefaultMeta.bind_field` plus the rules above for the kinds of field they concern."""
    field = DefaultMeta.bind_field(meta, form, unbound_field, options)
    if isinstance(field, StringField) and not isinstance(field, PasswordField):
        field.filters = (clean_text, *field.filters)
    elif isinstance(field, DateTimeField):  # DateField, DateTimeLocalField … derive from it
        field.validators = [*field.validators, date_in_range]
    elif isinstance(field, IntegerField):
        # First: WTForms' NumberRange cannot even compare a number of 309 digits or more.
        field.validators = [int_in_range, *field.validators]
    elif isinstance(field, SelectFieldBase):
        # A choice that is not checked against the list (validate_choice=False) reaches
        # queries as sent.
        field.filters = (clean_text, *field.filters)
        if callable(getattr(field, "coerce", None)):
            field.coerce = int_in_range_coerce(field.coerce)
    return field


class BaseForm(FlaskForm):
    class Meta:
        locales = ("ru_RU", "ru")

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)

        bind_field = bind_field
