"""Demo: the default plan items and their execution in 2025/2026."""

from sqlalchemy import select

from proforient.extensions import db
from proforient.plan import services
from proforient.plan.models import ExecutionStatus, PlanExecution, PlanItem

DEMO_YEAR = 2025

# number -> (status, note)
EXECUTION = {
    "1.1": (
        ExecutionStatus.DONE,
        "Приказ отдела образования № 412 от 01.09.2025 «Об организации "
        "профориентационной работы в 2025/2026 учебном году».",
    ),
    "2.1": (ExecutionStatus.DONE, "Опрошено 1 146 обучающихся 9-х и 11-х классов 16 школ."),
    "2.2": (
        ExecutionStatus.DONE,
        "Анкетирование обучающихся и родителей проведено в апреле — мае 2026 г.",
    ),
    "3.1": (ExecutionStatus.DONE, "В проекте участвовали 14 школ, 612 обучающихся 6–11 классов."),
    "3.2": (
        ExecutionStatus.DONE,
        "Пробы на базе Кочубеевского аграрного техникума и ООО «Агрохолдинг».",
    ),
    "3.3": (
        ExecutionStatus.DONE,
        "Ярмарка профессий проведена 18.03.2026 совместно с центром занятости.",
    ),
    "3.4": (ExecutionStatus.DONE, ""),
    "3.5": (ExecutionStatus.DONE, "Курс реализуется во всех школах округа."),
    "3.6": (
        ExecutionStatus.IN_PROGRESS,
        "Уроки проводятся не во всех школах: нет устойчивого интернета "
        "в двух малокомплектных школах.",
    ),
    "3.7": (ExecutionStatus.DONE, "Летом 2026 г. трудоустроено 143 несовершеннолетних."),
    "3.8": (ExecutionStatus.IN_PROGRESS, "Региональный этап «Абилимпикс» перенесён на декабрь."),
    "3.9": (ExecutionStatus.DONE, ""),
    "4.1": (ExecutionStatus.DONE, "Аналитическая справка направлена руководителям ОО."),
    "4.2": (
        ExecutionStatus.NOT_DONE,
        "Совещание руководителей ОО перенесено: тема включена в план на 2026/2027 учебный год.",
    ),
}


# number -> event format codes and project codes whose events of the year carry it out
LINKS = {
    "3.1": ((), ("bilet",)),
    "3.2": (("prof_trial",), ()),
    "3.3": (("fair",), ()),
    "3.4": (("open_day",), ()),
    "3.5": ((), ("horizons",)),
    "3.6": ((), ("proektoria",)),
    "3.8": ((), ("professionals", "abilympics")),
    "3.9": (("excursion",), ()),
}


def _link_events(items: dict[str, PlanItem]) -> int:
    """Link the year's registry events to the 3.x items (only where nothing is linked)."""
    events = services.events_of_year(DEMO_YEAR)
    executions = {
        e.item_id: e
        for e in db.session.scalars(select(PlanExecution).where(PlanExecution.year == DEMO_YEAR))
    }
    linked = services.linked_events([e.id for e in executions.values()])
    count = 0
    for number, (formats, projects) in LINKS.items():
        item = items.get(number)
        execution = executions.get(item.id) if item else None
        if execution is None or linked.get(execution.id):
            continue
        chosen = [
            ev.id
            for ev in events
            if (ev.format and ev.format.code in formats)
            or (ev.project and ev.project.code in projects)
        ]
        if chosen:
            services.set_linked_events(execution, chosen)
            count += 1
    return count


def load() -> str:
    added_items = services.seed_default_items()
    items = {i.number: i for i in db.session.scalars(select(PlanItem))}
    done = set(
        db.session.scalars(select(PlanExecution.item_id).where(PlanExecution.year == DEMO_YEAR))
    )
    added = 0
    for number, (status, note) in EXECUTION.items():
        item = items.get(number)
        if item is None or item.id in done:
            continue
        services.save_execution(item, DEMO_YEAR, status, note)
        added += 1
    db.session.flush()
    linked = _link_events(items)
    return (
        f"План мероприятий: пунктов добавлено {added_items}, отметок об исполнении — {added}, "
        f"пунктов со ссылками на мероприятия — {linked}."
    )
