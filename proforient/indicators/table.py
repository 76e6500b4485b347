"""Indicator values in their one shape, for every active school and the district.

`indicator_table(year)` gives each school's row and the district row with last year beside
them; `district_history(year)` the district's value of every measure for each year since
the first one with data. Both read `facts.load` once: a fixed number of queries, however
many schools and years.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from proforient.core.formatting import fmt_number, fmt_percent, fmt_signed
from proforient.indicators.catalogue import DEFINITIONS
from proforient.indicators.definitions import (
    DISTINCT_UNKNOWN,
    NO_AGREEMENTS,
    NO_REGISTRY,
    Cell,
    Definition,
    Kind,
    Source,
)
from proforient.indicators.facts import (
    AUDIENCES,
    Facts,
    FactSet,
    SchoolInfo,
    YearFacts,
    first_year,
    load,
)
from proforient.indicators.typed import typed_cell

SUPPRESSED = "недостаточно ответов"
POINTS = "п.\u00a0п."  # percentage points
LEVEL_KEYS = ("students_satisfaction", "parents_satisfaction")  # in the order of AUDIENCES
NO_INDEX_ANSWERS = "нет ответов на вопросы индекса"
# Why the district has no figure: the schools' own reason where it holds for the district too.
KEPT_NOTES = (NO_REGISTRY, NO_AGREEMENTS, DISTINCT_UNKNOWN)
DISTRICT_NOTES = {
    Source.REGISTRY: NO_REGISTRY,
    Source.FORM: "ни одна ОО не отправила форму",
    Source.SURVEY: "анкетирование не проводилось",
}


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


@dataclass(frozen=True)
class Flag:
    code: str
    label: str


FLAG_LABELS = {
    "no_agreement": "нет действующих договоров",
    "no_responses": "нет ответов на анкеты",
    "coverage_over": "ответов больше, чем обучающихся",
    "form_missing": "мониторинг не отправлен",
}


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


# --- Building the values ------------------------------------------------------------------


def _level(parts: tuple[int, int, int] | None, note: str = "", manual: bool = False) -> Cell:
    """A satisfaction level from its parts, suppressed under the minimum group."""
    if parts is None:
        return Cell(None, note=note)
    satisfied, answers, responses = parts
    if responses < min_group():
        return Cell(None, responses, parts, note=SUPPRESSED, manual=manual)
    if not answers:
        return Cell(None, responses, parts, note=NO_INDEX_ANSWERS, manual=manual)
    return Cell(satisfied / answers, responses, parts, manual=manual)


def _school_cell(d: Definition, facts: Facts) -> Cell:
    """The school's own records, or else what the department typed in for the year."""
    cell = d.compute(facts)
    if facts.manual and d.feed not in facts.own:
        cell = typed_cell(d, facts.manual) or cell
    if d.kind == Kind.LEVEL:
        return _level(cell.parts, cell.note, cell.manual)
    return cell


def _overridden(facts: Facts) -> list[str]:
    """Keys of typed values that the school's own records override."""
    return [d.key for d in DEFINITIONS if d.typed and d.key in facts.manual and d.feed in facts.own]


def _district_cell(d: Definition, cells: list[Cell], yf: YearFacts) -> tuple[Cell, int]:
    """The district's cell from its schools' cells, and how many schools gave a figure."""
    if d.kind == Kind.LEVEL:
        with_parts = [c for c in cells if c.parts is not None]
        if not with_parts:
            return Cell(None, note=DISTRICT_NOTES[d.source]), 0
        summed = tuple(sum(c.parts[i] for c in with_parts) for i in range(3))
        return _level(summed, manual=any(c.manual for c in with_parts)), len(with_parts)
    known = [c for c in cells if c.value is not None]
    if d.kind == Kind.EVENTS and yf.district_events is not None:
        return Cell(getattr(yf.district_events, d.district_attr)), len(known)
    # A year known only from typed values: its events can only be summed over schools.
    if not known:
        notes = {c.note for c in cells}
        shared = notes.pop() if len(notes) == 1 else ""
        note = shared if shared in KEPT_NOTES else DISTRICT_NOTES[d.source]
        return Cell(None, note=note), 0
    bases = [c.base for c in known if c.base is not None]
    base = sum(bases) if d.has_share and bases else None
    manual = any(c.manual for c in known)
    return Cell(sum(c.value for c in known), base, manual=manual), len(known)


def _indicator(d: Definition, cell: Cell, previous: Cell | None, **extra) -> Indicator:
    share = None
    if d.has_share and cell.value is not None and cell.base:
        share = cell.value / cell.base
    prev_share = None
    if previous is not None and d.has_share and previous.value is not None and previous.base:
        prev_share = previous.value / previous.base
    return Indicator(
        d,
        cell.value,
        cell.base,
        share,
        previous.value if previous is not None else None,
        prev_share,
        cell.note,
        manual=cell.manual,
        **extra,
    )


@dataclass
class _YearCells:
    schools: dict[int, dict[str, Cell]]
    district: dict[str, Cell]
    reported: dict[str, int]
    overridden: dict[int, list[str]]


def _cells(yf: YearFacts) -> _YearCells:
    schools = {
        sid: {d.key: _school_cell(d, facts) for d in DEFINITIONS}
        for sid, facts in yf.schools.items()
    }
    overridden = {sid: keys for sid, f in yf.schools.items() if (keys := _overridden(f))}
    district, reported = {}, {}
    for d in DEFINITIONS:
        cell, n = _district_cell(d, [cells[d.key] for cells in schools.values()], yf)
        district[d.key] = cell
        reported[d.key] = n
    return _YearCells(schools, district, reported, overridden)


def _flags(row: dict[str, Indicator], yf: YearFacts, school_id: int) -> list[Flag]:
    codes = []
    if row["schools_with_agreement"].value == 0:
        codes.append("no_agreement")
    if any(yf.surveyed.values()):
        responses = [row[k].value for k in ("students_responses", "parents_responses")]
        if not any(responses):
            codes.append("no_responses")
    if any((row[k].share or 0) > 1 for k in ("students_responses", "parents_responses")):
        codes.append("coverage_over")
    if yf.monitoring_period and yf.schools[school_id].form is None:
        codes.append("form_missing")
    return [Flag(c, FLAG_LABELS[c]) for c in codes]


def build_table(facts: FactSet, year: int) -> IndicatorTable:
    """The table of `year` from loaded facts; last year beside it where it was loaded."""
    current = _cells(facts.years[year])
    prior = _cells(facts.years[year - 1]) if (year - 1) in facts.years else None
    yf = facts.years[year]
    rows = []
    for school in facts.schools:
        cells = current.schools[school.id]
        before = prior.schools.get(school.id, {}) if prior else {}
        indicators = {d.key: _indicator(d, cells[d.key], before.get(d.key)) for d in DEFINITIONS}
        rows.append(Row(school, indicators, _flags(indicators, yf, school.id), _level_parts(cells)))
    n = len(facts.schools)
    district = Row(
        None,
        {
            d.key: _indicator(
                d,
                current.district[d.key],
                prior.district.get(d.key) if prior else None,
                reported=current.reported[d.key],
                schools=n,
            )
            for d in DEFINITIONS
        },
        level_parts=_level_parts(current.district),
    )
    return IndicatorTable(year, rows, district, yf.schools, current.overridden)


def _level_parts(cells: dict[str, Cell]) -> dict[str, tuple[int, int, int]]:
    out = {}
    for audience, key in zip(AUDIENCES, LEVEL_KEYS, strict=True):
        if cells[key].parts is not None:
            out[audience] = cells[key].parts
    return out


def indicator_table(year: int) -> IndicatorTable:
    """Every active school's indicators for `year` and the district's, with last year's
    values beside them. A fixed number of queries (no query per school)."""
    return build_table(load([year - 1, year]), year)


def school_indicators(year: int, school_id: int) -> Row | None:
    """One school's row of the table (the district row is `indicator_table(year).district`)."""
    return indicator_table(year).row(school_id)


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


def district_history(year: int, since: int | None = None) -> tuple[History, IndicatorTable]:
    """The history up to `year` (the district's and each school's) and the year's full
    table, from one load of the set."""
    start = since if since is not None else (first_year() or year)
    years = list(range(min(start, year - 1), year + 1))
    facts = load(years)
    table = build_table(facts, year)
    by_year = {y: _cells(facts.years[y]) for y in years}
    n = len(facts.schools)
    values: dict[str, dict[int, Indicator]] = {d.key: {} for d in DEFINITIONS}
    schools = {s.id: {d.key: {} for d in DEFINITIONS} for s in facts.schools}
    for y in years:
        now, prior = by_year[y], by_year.get(y - 1)
        for d in DEFINITIONS:
            before = prior.district.get(d.key) if prior else None
            values[d.key][y] = _indicator(
                d, now.district[d.key], before, reported=now.reported[d.key], schools=n
            )
            for sid, own in schools.items():
                before = prior.schools[sid].get(d.key) if prior else None
                own[d.key][y] = _indicator(d, now.schools[sid][d.key], before)
    with_data = [y for y in years if any(values[d.key][y].value is not None for d in DEFINITIONS)]
    return History(with_data or [year], values, schools), table
