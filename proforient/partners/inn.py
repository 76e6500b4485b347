"""ИНН, the taxpayer number: 10 digits for an organisation, 12 for an individual
entrepreneur, the last one or two of them check digits."""

import re

WEIGHTS_10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
WEIGHTS_12_FIRST = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
WEIGHTS_12_SECOND = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def check_digit(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10)


def with_check_digits(head: str) -> str:
    """A valid ИНН from its first 9 digits (an organisation's) or 10 (an individual's)."""
    if len(head) == 9:
        return head + check_digit(head, WEIGHTS_10)
    head += check_digit(head, WEIGHTS_12_FIRST)
    return head + check_digit(head, WEIGHTS_12_SECOND)


def clean_inn(value: str | None) -> str:
    """The number as typed, without the spaces and dashes people group digits with."""
    return re.sub(r"[\s-]", "", value or "")


def inn_error(value: str) -> str | None:
    """None when `value` is a valid ИНН, otherwise a Russian message saying what is wrong."""
    if not value.isdigit():
        return "ИНН состоит только из цифр."
    if len(value) not in (10, 12):
        return "ИНН организации — 10 цифр, ИНН индивидуального предпринимателя — 12 цифр."
    if value != with_check_digits(value[: 9 if len(value) == 10 else 10]):
        return "Контрольная сумма ИНН не сходится: проверьте цифры."
    return None
