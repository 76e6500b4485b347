"""Builds the indicator values (`values`) for every active school and the district.

`indicator_table(year)` gives each school's row and the district row with last year beside
them; `district_history(year)` the district's value of every measure for each year since
the first one with data. Both read `facts.load` once: a fixed number of queries, however
many schools and years.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from proforient.indicators.facts import AUDIENCES, Facts, FactSet, YearFacts, first_year, load
from proforient.indicators.typed import typed_cell
from proforient.indicators.values import (
    SUPPRESSED,
    Flag,
    History,
    Indicator,
    IndicatorTable,
    Row,
    min_group,
)

LEVEL_KEYS = ("students_satisfaction", "parents_satisfaction")  # in the order of AUDIENCES
NO_INDEX_ANSWERS = "нет ответов на вопросы индекса"
# Why the district has no figure: the schools' own reason where it holds for the district too.
KEPT_NOTES = (NO_REGISTRY, NO_AGREEMENTS, DISTINCT_UNKNOWN)
DISTRICT_NOTES = {
    Source.REGISTRY: NO_REGISTRY,
    Source.FORM: "ни одна ОО не отправила форму",
    Source.SURVEY: "анкетирование не проводилось",
}


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
    return [Flag(c) for c in codes]


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
