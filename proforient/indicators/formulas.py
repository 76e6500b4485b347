"""How a measure's cell is computed from one school's `Facts` for a year. Each function
here makes (or is) a formula of the catalogue; a school without the records a formula
reads gets an empty cell with the reason, never a 0."""

from collections.abc import Callable

from proforient.indicators.definitions import (
    DISTINCT_UNKNOWN,
    FORM_MISSING,
    NO_AGREEMENTS,
    NO_REGISTRY,
    NOT_SURVEYED,
    Cell,
)
from proforient.indicators.facts import Facts
from proforient.monitoring.indicators import CONTINUING
from proforient.monitoring.rules import COHORT

Formula = Callable[[Facts], Cell]


def _figure(record: str, missing: str, attr: str, base: str | None) -> Formula:
    """A figure of one of the school's records (its registry counts, its monitoring form),
    with another figure of the same record as the base."""

    def compute(f: Facts) -> Cell:
        figures = getattr(f, record)
        if figures is None:
            return Cell(None, note=missing)
        return Cell(getattr(figures, attr), getattr(figures, base) if base else None)

    return compute


def events(attr: str, base: str | None = None) -> Formula:
    return _figure("events", NO_REGISTRY, attr, base)


def form(attr: str, base: str | None = None) -> Formula:
    return _figure("form", FORM_MISSING, attr, base)


def children(f: Facts) -> Cell:
    if f.events is None:
        return Cell(None, note=NO_REGISTRY)
    if f.events.distinct_children is None:
        return Cell(None, f.enrolment_6_11, note=DISTINCT_UNKNOWN)
    return Cell(f.events.distinct_children, f.enrolment_6_11)


def agreements(*kinds: str) -> Formula:
    def compute(f: Facts) -> Cell:
        if f.agreements is None:
            return Cell(None, note=NO_AGREEMENTS)
        return Cell(sum(n for k, n in f.agreements.items() if not kinds or k in kinds))

    return compute


def with_agreement(f: Facts) -> Cell:
    if f.agreements is None:
        return Cell(None, note=NO_AGREEMENTS)
    return Cell(1 if any(f.agreements.values()) else 0, 1)


def coverage(audience: str) -> Formula:
    def compute(f: Facts) -> Cell:
        s = f.surveys.get(audience)
        if s is None:
            return Cell(None, note=NOT_SURVEYED)
        return Cell(s.responses, s.enrolment)

    return compute


def satisfaction(audience: str) -> Formula:
    def compute(f: Facts) -> Cell:
        s = f.surveys.get(audience)
        if s is None:
            return Cell(None, note=NOT_SURVEYED)
        return Cell(None, s.responses, parts=(s.satisfied, s.index_answers, s.responses))

    return compute


def graduates(grades: tuple[int, ...], pick, column: int = 0, base=None) -> Formula:
    """Graduates of `grades` in the categories `pick(grade)` (COHORT for the cohort itself);
    `column` 0 = all, 1 = orphans, 2 = ОВЗ; `base` picks the categories of the base."""

    def total(values, picker) -> int:
        return sum(values[g][key][column] for g in grades for key in picker(g))

    def compute(f: Facts) -> Cell:
        if f.graduates is None:
            return Cell(None, note=FORM_MISSING)
        return Cell(total(f.graduates, pick), total(f.graduates, base) if base else None)

    return compute


def cohort(_grade: int) -> tuple[str, ...]:
    return (COHORT,)


def continuing(grade: int) -> tuple[str, ...]:
    return CONTINUING[grade]
