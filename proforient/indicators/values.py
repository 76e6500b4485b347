"""The indicator values in their one shape: a measure's value for a school or the district
(`Indicator`), a school's row of them with its flags (`Row`), the table of a year
(`IndicatorTable`) and the district's history (`History`). `table` builds them."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from proforient.core.choices import Choices
from proforient.core.formatting import fmt_number, fmt_percent, fmt_signed
from proforient.indicators.catalogue import DEFINITIONS
from proforient.indicators.definitions import Definition, Kind
from proforient.indicators.facts import AUDIENCES, Facts, SchoolInfo

SUPPRESSED = "недостаточно ответов"
POINTS = "п.\u00a0п."  # percentage points


def min_group() -> int:
    return int(current_app.config.get("SURVEY_MIN_GROUP", 5))


@dataclass(frozen=True)
class Indicator:
    """One measure for one school (or the district) and year, with last year beside it.

    `value` is a count, or for a level (unit «%») a share 0…1; `base` is the base of the
    share (for a level: the responses it rests on); `share` = value ÷ base. None means no
    data, with `note` saying why. For the district, `reported` of `schools` active schools
    gave a figure."""

    definition: Definition
    value: int | float | None
    base: int | None = None
    share: float | None = None
    previous: int | float | None = None
    previous_share: float | None = None
    note: str = ""
    reported: int | None = None
    schools: int | None = None
    manual: bool = False

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def number(self) -> str:
        return self.definition.number

    @property
    def label(self) -> str:
        return self.definition.label

    @property
    def unit(self) -> str:
        return self.definition.unit

    @property
    def mark(self) -> str:
        """«*» after a value typed in by the department (or summed from typed values)."""
        return "*" if self.manual and self.value is not None else ""

    @property
    def is_level(self) -> bool:
        return self.definition.kind == Kind.LEVEL

    @property
    def change(self) -> int | float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    # Russian text for pages, PDFs and cards.

    @property
    def value_text(self) -> str:
        if self.value is None:
            return "—"
        return fmt_percent(self.value) if self.is_level else fmt_number(self.value)

    @property
    def share_text(self) -> str:
        return fmt_percent(self.share) if self.share is not None else ""

    @property
    def base_text(self) -> str:
        if self.base is None:
            return ""
        if self.is_level:
            return f"n\u00a0=\u00a0{fmt_number(self.base)}"
        return fmt_number(self.base)

    @property
    def previous_text(self) -> str:
        if self.previous is None:
            return "—"
        return fmt_percent(self.previous) if self.is_level else fmt_number(self.previous)

    @property
    def change_text(self) -> str:
        """«+12», «−3», «+4,5 п. п.»; empty without both years."""
        change = self.change
        if change is None:
            return ""
        if self.is_level:
            return fmt_signed(change * 100, 1, POINTS)
        return fmt_signed(change)

    @property
    def trend(self) -> str:
        """up / down / same / "" for arrows and colours."""
        change = self.change
        if change is None:
            return ""
        return "up" if change > 0 else "down" if change < 0 else "same"

    @property
    def assessment(self) -> str:
        """good / bad / "" — whether the change is welcome, for colours."""
        if self.trend in ("", "same"):
            return ""
        better = "down" if self.definition.lower_is_better else "up"
        return "good" if self.trend == better else "bad"

    @property
    def coverage_text(self) -> str:
        """«4 из 16 ОО» for a district figure that not every school gave."""
        if self.value is None or self.reported is None or self.schools is None:
            return ""
        if self.reported == self.schools:
            return ""
        return f"по {self.reported} из {self.schools} ОО"


class Flag(Choices):
    """What the department should look at in a school's row."""

    NO_AGREEMENT = "no_agreement", "нет действующих договоров"
    NO_RESPONSES = "no_responses", "нет ответов на анкеты"
    COVERAGE_OVER = "coverage_over", "ответов больше, чем обучающихся"
    FORM_MISSING = "form_missing", "мониторинг не отправлен"

    @property
    def code(self) -> str:
        return self.value


@dataclass
class Row:
    """A school's (or the district's, with `school` None) indicators for a year."""

    school: SchoolInfo | None
    indicators: dict[str, Indicator]
    flags: list[Flag] = field(default_factory=list)
    # Satisfaction parts per audience: (satisfied answers, index answers, responses).
    level_parts: dict[str, tuple[int, int, int]] = field(default_factory=dict, repr=False)

    def __getitem__(self, key: str) -> Indicator:
        return self.indicators[key]

    @property
    def name(self) -> str:
        return self.school.short_name if self.school else "Итого по округу"

    def combined_satisfaction(self) -> float | None:
        """Students' and parents' index answers pooled (each audience only where it is not
        suppressed): the key of the ranking by satisfaction."""
        parts = [self.level_parts.get(a) for a in AUDIENCES]
        parts = [p for p in parts if p is not None and p[2] >= min_group() and p[1]]
        answers = sum(p[1] for p in parts)
        return sum(p[0] for p in parts) / answers if answers else None

    def combined_coverage(self) -> float | None:
        responses = base = 0
        for key in ("students_responses", "parents_responses"):
            ind = self.indicators[key]
            if ind.value is not None and ind.base:
                responses += ind.value
                base += ind.base
        return responses / base if base else None


@dataclass
class IndicatorTable:
    year: int
    rows: list[Row]
    district: Row
    # The year's raw figures per school, for the sections of a summary that list details.
    facts: dict[int, Facts] = field(default_factory=dict, repr=False)
    # {school_id: measure keys} whose typed values the school's own records override.
    overridden: dict[int, list[str]] = field(default_factory=dict)
    definitions: tuple[Definition, ...] = DEFINITIONS

    def row(self, school_id: int) -> Row | None:
        return next((r for r in self.rows if r.school and r.school.id == school_id), None)

    @property
    def groups(self) -> list[tuple[int, list[Definition]]]:
        out: dict[int, list[Definition]] = {}
        for d in self.definitions:
            out.setdefault(d.group, []).append(d)
        return list(out.items())

    def flagged(self, code: str) -> list[Row]:
        return [r for r in self.rows if any(f.code == code for f in r.flags)]


@dataclass
class History:
    """Every measure of the district, and of each school, for each year since the first
    with data."""

    years: list[int]
    values: dict[str, dict[int, Indicator]]  # district: key -> year -> value
    schools: dict[int, dict[str, dict[int, Indicator]]] = field(default_factory=dict)

    def series(self, key: str) -> list[Indicator]:
        return [self.values[key][y] for y in self.years]

    def school_years(self, school_id: int, keys) -> list[int]:
        """The years in which the school has a value of any of `keys`."""
        values = self.schools.get(school_id, {})
        return [y for y in self.years if any(values[k][y].value is not None for k in keys)]
