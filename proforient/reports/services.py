"""What the district summary is made of, read once: the indicator history and the year's
table (one load of the indicator set) and the action plan's execution."""

from proforient.indicators import History, IndicatorTable, district_history
from proforient.plan import services as plan_services
from proforient.reports.district_pdf import PlanSummary


def plan_summary(year: int) -> PlanSummary:
    rows = plan_services.plan_rows(year)
    ids = [r.execution.id for r in rows if r.execution is not None]
    linked = {eid: len(events) for eid, events in plan_services.linked_events(ids).items()}
    return PlanSummary(rows, plan_services.status_counts(year), linked)


def district_report(year: int) -> tuple[History, IndicatorTable, PlanSummary]:
    history, table = district_history(year)
    return history, table, plan_summary(year)
