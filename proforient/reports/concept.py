"""The concept's report: every indicator of the district year by year, grouped by stage
with each stage's change, and the action plan's execution over the same years. Read once
from the indicator set (live records and typed-in past years alike) and the plan."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from proforient.core.formatting import fmt_signed
from proforient.events.models import Event
from proforient.extensions import db
from proforient.indicators import DEFINITIONS, Definition, History, Indicator, district_history
from proforient.indicators.values import POINTS
from proforient.plan.models import PlanExecution, PlanItem, plan_execution_event
from proforient.reports.models import ConceptStage

DEFAULT_FIRST_YEAR = 2021
# The charts of the report: the measure and whether its share (rather than its value) is
# what the chart shows.
CHARTS = (
    ("children", True),
    ("students_satisfaction", False),
    ("parents_satisfaction", False),
    ("agreements", False),
    ("schools_with_agreement", True),
    ("graduates_9_spo", True),
    ("graduates_11_vuz", True),
    ("graduates_11_spo", True),
)


def stages() -> list[ConceptStage]:
    return list(db.session.scalars(select(ConceptStage).order_by(ConceptStage.number)))


def concept_first_year() -> int:
    first = db.session.scalar(select(db.func.min(ConceptStage.first_year)))
    return first or DEFAULT_FIRST_YEAR


@dataclass
class StageChange:
    """A measure from the first to the last year of a stage that has a value."""

    first: Indicator | None
    last: Indicator | None
    first_year: int | None = None
    last_year: int | None = None

    @property
    def text(self) -> str:
        if self.first is None or self.last is None or self.first_year == self.last_year:
            return ""
        delta = self.last.value - self.first.value
        if self.last.is_level:
            return fmt_signed(delta * 100, 1, POINTS)
        text = fmt_signed(delta)
        if self.first.share is not None and self.last.share is not None:
            share = fmt_signed((self.last.share - self.first.share) * 100, 1, POINTS)
            text += f" (доля {share})"
        return text


@dataclass
class StageBlock:
    stage: ConceptStage
    years: list[int]
    values: dict[str, list[Indicator]]  # measure key -> the district's value per year
    changes: dict[str, StageChange]


@dataclass
class PlanLine:
    item: PlanItem
    executions: dict[int, PlanExecution]  # year -> execution
    events: dict[int, list[Event]]  # year -> events that carried it out


@dataclass
class Concept:
    stages: list[StageBlock]
    years: list[int]
    history: History
    plan: list[PlanLine]
    definitions: tuple[Definition, ...] = DEFINITIONS

    def series(self, key: str) -> list[Indicator]:
        return [self.history.values[key][y] for y in self.years]


def _change(values: list[Indicator], years: list[int]) -> StageChange:
    known = [(y, v) for y, v in zip(years, values, strict=True) if v.value is not None]
    if not known:
        return StageChange(None, None)
    (fy, first), (ly, last) = known[0], known[-1]
    return StageChange(first, last, fy, ly)


def plan_lines(years: list[int]) -> list[PlanLine]:
    """Every plan item with its execution and linked events in each of `years` (three
    queries)."""
    items = list(db.session.scalars(select(PlanItem).order_by(PlanItem.sort_key)))
    executions = list(
        db.session.scalars(select(PlanExecution).where(PlanExecution.year.in_(years)))
    )
    by_id = {e.id: e for e in executions}
    events: dict[tuple[int, int], list[Event]] = {}
    if by_id:
        for execution_id, event in db.session.execute(
            select(plan_execution_event.c.execution_id, Event)
            .join(Event, Event.id == plan_execution_event.c.event_id)
            .where(plan_execution_event.c.execution_id.in_(list(by_id)))
            .order_by(Event.start_date, Event.title)
        ):
            e = by_id[execution_id]
            events.setdefault((e.item_id, e.year), []).append(event)
    lines = {item.id: PlanLine(item, {}, {}) for item in items}
    for e in executions:
        if e.item_id in lines:
            lines[e.item_id].executions[e.year] = e
    for (item_id, year), evs in events.items():
        if item_id in lines:
            lines[item_id].events[year] = evs
    return list(lines.values())


def concept_report() -> Concept:
    """The concept's years (those of its stages), the district's history over them, each
    stage's values and change, and the plan."""
    blocks = stages()
    years = sorted({y for s in blocks for y in s.years}) or [DEFAULT_FIRST_YEAR]
    history, _table = district_history(years[-1], since=years[0])
    out = []
    for stage in blocks:
        values = {d.key: [history.values[d.key][y] for y in stage.years] for d in DEFINITIONS}
        changes = {key: _change(v, stage.years) for key, v in values.items()}
        out.append(StageBlock(stage, stage.years, values, changes))
    return Concept(out, years, history, plan_lines(years))
