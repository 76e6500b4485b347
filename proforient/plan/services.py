"""The action plan: default items, plan rows with their execution, saving.

Services add and flush; the calling view commits once.
"""

from dataclasses import dataclass

from sqlalchemy import and_, func, select

from proforient.core import audit
from proforient.events.models import Event, EventStatus
from proforient.extensions import db
from proforient.plan.models import ExecutionStatus, PlanExecution, PlanItem, plan_execution_event

# The department's plan for the career-guidance concept 2021–2026, items as numbered in it
# (titles shortened). (number, title, deadline, responsible)
DEFAULT_ITEMS = [
    (
        "1.1",
        "Разработка и утверждение нормативных документов по организации профориентационной "
        "работы в образовательных организациях округа",
        "сентябрь 2021 г., далее — по мере необходимости",
        "Отдел образования",
    ),
    (
        "2.1",
        "Мониторинг профессиональных намерений обучающихся 9-х и 11-х классов",
        "ежегодно, октябрь — ноябрь",
        "Отдел образования, руководители ОО",
    ),
    (
        "2.2",
        "Мониторинг удовлетворённости обучающихся и родителей (законных представителей) "
        "профориентационной работой",
        "ежегодно, апрель — май",
        "Отдел образования, руководители ОО",
    ),
    (
        "3.1",
        "Участие обучающихся 6–11 классов в проекте «Билет в будущее»",
        "ежегодно",
        "Руководители ОО, педагоги-навигаторы",
    ),
    (
        "3.2",
        "Организация профессиональных проб на базе профессиональных образовательных "
        "организаций и предприятий округа",
        "в течение учебного года",
        "Отдел образования, руководители ОО",
    ),
    (
        "3.3",
        "Проведение муниципальной ярмарки профессий и учебных мест",
        "ежегодно, март",
        "Отдел образования, центр занятости населения",
    ),
    (
        "3.4",
        "Участие обучающихся в днях открытых дверей профессиональных образовательных "
        "организаций и вузов",
        "по графику ПОО и вузов",
        "Руководители ОО",
    ),
    (
        "3.5",
        "Реализация курса внеурочной деятельности «Россия — мои горизонты» в 6–11 классах",
        "еженедельно, с сентября 2023 г.",
        "Руководители ОО",
    ),
    (
        "3.6",
        "Проведение открытых онлайн-уроков «ПроеКТОриЯ» и «Шоу профессий»",
        "в течение учебного года",
        "Руководители ОО",
    ),
    (
        "3.7",
        "Организация временного трудоустройства несовершеннолетних граждан в возрасте "
        "от 14 до 18 лет в свободное от учёбы время",
        "ежегодно, июнь — август",
        "Отдел образования, центр занятости населения, руководители ОО",
    ),
    (
        "3.8",
        "Участие обучающихся в чемпионатах «Профессионалы» и «Абилимпикс»",
        "ежегодно",
        "Отдел образования, руководители ОО",
    ),
    (
        "3.9",
        "Экскурсии обучающихся на предприятия и в организации округа",
        "в течение учебного года",
        "Руководители ОО",
    ),
    (
        "4.1",
        "Анализ результатов профориентационной работы и подведение итогов учебного года",
        "ежегодно, июнь",
        "Отдел образования",
    ),
    (
        "4.2",
        "Обобщение и распространение лучших практик профориентационной работы "
        "на совещании руководителей ОО",
        "ежегодно, август",
        "Отдел образования",
    ),
]


def seed_default_items() -> int:
    """Add the default items whose numbers are missing; returns how many were added."""
    existing = set(db.session.scalars(select(PlanItem.number)))
    added = 0
    for number, title, deadline, responsible in DEFAULT_ITEMS:
        if number in existing:
            continue
        db.session.add(
            PlanItem(number=number, title=title, deadline=deadline, responsible=responsible)
        )
        added += 1
    db.session.flush()
    return added


@dataclass
class PlanRow:
    item: PlanItem
    execution: PlanExecution | None

    @property
    def status(self) -> str | None:
        return self.execution.status if self.execution else None


def plan_rows(year: int) -> list[PlanRow]:
    """Every plan item in number order with its execution for the year (one query)."""
    rows = db.session.execute(
        select(PlanItem, PlanExecution)
        .outerjoin(
            PlanExecution,
            and_(PlanExecution.item_id == PlanItem.id, PlanExecution.year == year),
        )
        .order_by(PlanItem.sort_key)
    ).all()
    return [PlanRow(item, execution) for item, execution in rows]


def status_counts(year: int) -> dict[str, int]:
    """{status: items} for the year, plus "none" for items with nothing recorded."""
    counts = dict.fromkeys(ExecutionStatus.codes(), 0)
    for status, n in db.session.execute(
        select(PlanExecution.status, func.count(PlanExecution.id))
        .where(PlanExecution.year == year)
        .group_by(PlanExecution.status)
    ):
        counts[status] = n
    items = db.session.scalar(select(func.count(PlanItem.id))) or 0
    counts["none"] = max(items - sum(counts.values()), 0)
    return counts


def latest_recorded_year() -> int | None:
    return db.session.scalar(select(func.max(PlanExecution.year)))


def save_item(item: PlanItem, data: dict) -> PlanItem:
    item.number = data["number"].strip()
    item.title = data["title"].strip()
    item.deadline = (data.get("deadline") or "").strip()
    item.responsible = (data.get("responsible") or "").strip()
    db.session.add(item)
    db.session.flush()
    return item


def get_execution(item_id: int, year: int) -> PlanExecution | None:
    return db.session.scalar(
        select(PlanExecution).where(PlanExecution.item_id == item_id, PlanExecution.year == year)
    )


def save_execution(
    item: PlanItem, year: int, status: str, note: str, execution: PlanExecution | None = None
) -> PlanExecution:
    if execution is None:
        execution = PlanExecution(item=item, year=year)
        db.session.add(execution)
    execution.status = status
    execution.note = (note or "").strip()
    db.session.flush()
    return execution


# --- Links to the event registry -------------------------------------------------------


def linked_events(execution_ids: list[int]) -> dict[int, list[Event]]:
    """{execution_id: [Event, ...]} by date, for many executions in one query."""
    if not execution_ids:
        return {}
    rows = db.session.execute(
        select(plan_execution_event.c.execution_id, Event)
        .join(Event, Event.id == plan_execution_event.c.event_id)
        .where(plan_execution_event.c.execution_id.in_(execution_ids))
        .order_by(Event.start_date, Event.title)
    ).all()
    out: dict[int, list[Event]] = {}
    for execution_id, event in rows:
        out.setdefault(execution_id, []).append(event)
    return out


def linked_event_ids(execution: PlanExecution | None) -> set[int]:
    if execution is None:
        return set()
    return set(
        db.session.scalars(
            select(plan_execution_event.c.event_id).where(
                plan_execution_event.c.execution_id == execution.id
            )
        )
    )


def events_of_year(year: int) -> list[Event]:
    """The registry's confirmed events of the academic year, offered for linking
    (a school's proposal is linked once the department confirms it)."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.academic_year == year, Event.status == EventStatus.CONFIRMED)
            .order_by(Event.start_date, Event.title)
        )
    )


def set_linked_events(execution: PlanExecution, event_ids: list[int]) -> None:
    """Replace the execution's linked events; the change goes to the audit log."""
    before = linked_event_ids(execution)
    wanted = set(event_ids)
    if wanted == before:
        return
    execution.events = (
        list(db.session.scalars(select(Event).where(Event.id.in_(wanted)))) if wanted else []
    )
    db.session.flush()
    audit.record(
        "link_events",
        execution,
        f"Связанные мероприятия: {len(wanted)}. {execution}",
        {"added": sorted(wanted - before), "removed": sorted(before - wanted)},
    )
