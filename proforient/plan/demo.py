"""Demo: the default plan items and their execution in the reporting year and the year
before (`core.timeutil.reporting_year`), linked to the registry's events of those years.

The notes name dates of their own year and figures read from the registry and the school
profiles (`schools.demo.PROFILES`), so they agree with the rest of the demo.
"""

from datetime import date

from sqlalchemy import func, select

from proforient.core.formatting import plural
from proforient.core.timeutil import academic_year_label, reporting_year
from proforient.events.models import Event, EventFormat, Participation, Project
from proforient.extensions import db
from proforient.plan import services
from proforient.plan.models import ExecutionStatus, PlanExecution, PlanItem
from proforient.schools.demo import profile
from proforient.schools.models import School

DONE, IN_PROGRESS, NOT_DONE = (
    ExecutionStatus.DONE,
    ExecutionStatus.IN_PROGRESS,
    ExecutionStatus.NOT_DONE,
)


def _bilet_schools(year: int) -> int:
    """Schools that took part in «Билет в будущее» events of the year."""
    return db.session.scalar(
        select(func.count(func.distinct(Participation.school_id)))
        .join(Event, Event.id == Participation.event_id)
        .join(Project, Project.id == Event.project_id)
        .where(Event.academic_year == year, Project.code == "bilet")
    )


def _fair_day(year: int) -> date | None:
    """The spring fair of the year held with the employment centre."""
    return db.session.scalar(
        select(Event.start_date)
        .join(EventFormat, EventFormat.id == Event.format_id)
        .where(
            Event.academic_year == year,
            EventFormat.code == "fair",
            Event.organizer.like("Центр занятости%"),
        )
        .order_by(Event.start_date)
    )


def _not_surveyed(offset: int) -> list[str]:
    """Active schools whose profile has no survey responses in that year."""
    schools = db.session.scalars(select(School.short_name).where(School.active))
    return [
        name
        for name in schools
        if not profile(name).students[offset] and not profile(name).parents[offset]
    ]


def execution(year: int, offset: int) -> dict[str, tuple[str, str]]:
    """number → (status, note) for the year; `offset` 0 is the year before the reporting
    year, 1 the reporting year."""
    spring = year + 1
    bilet = _bilet_schools(year)
    fair = _fair_day(year)
    missed = _not_surveyed(offset)
    survey = f"Анкетирование обучающихся и родителей проведено с 1 апреля по 31 мая {spring} г."
    if missed:
        verb = "Не провела" if len(missed) == 1 else "Не провели"
        survey += f" {verb}: {', '.join(missed)}."
    return {
        "1.1": (
            DONE,
            f"Приказ отдела образования № {387 + 25 * offset} от 01.09.{year} «Об организации "
            f"профориентационной работы в {year}/{spring} учебном году».",
        ),
        "2.1": (DONE, f"Диагностика профессиональных намерений проведена в ноябре {year} г."),
        "2.2": (DONE, survey),
        "3.1": (
            DONE,
            f"В проекте участвовали {bilet} {plural(bilet, 'школа', 'школы', 'школ')} округа."
            if bilet
            else "",
        ),
        "3.2": (
            DONE,
            "Пробы на базе Невинномысского химико-технологического колледжа, энергетического "
            "техникума и лабораторий филиала СКФУ.",
        ),
        "3.3": (
            DONE,
            f"Ярмарка вакансий и учебных мест проведена {fair:%d.%m.%Y} совместно с центром "
            "занятости."
            if fair
            else "",
        ),
        "3.4": (DONE, ""),
        "3.5": (DONE, "Курс реализуется во всех школах округа."),
        "3.6": (
            IN_PROGRESS,
            "Уроки проводятся не во всех школах: нет устойчивого интернета в малокомплектной "
            "ООШ № 14 п. Тоннельного.",
        ),
        "3.7": (
            DONE,
            "Трудоустройство несовершеннолетних организовано совместно с центром занятости; "
            "сведения школ — в формах мониторинга.",
        ),
        "3.8": (
            (IN_PROGRESS, "Региональный этап «Абилимпикс» перенесён на декабрь.")
            if offset
            else (DONE, "")
        ),
        "3.9": (DONE, ""),
        "4.1": (DONE, "Аналитическая справка направлена руководителям ОО."),
        "4.2": (
            (
                NOT_DONE,
                "Совещание руководителей ОО перенесено: тема включена в план на "
                f"{academic_year_label(spring)}.",
            )
            if offset
            else (DONE, f"Совещание руководителей ОО проведено 28.05.{spring}.")
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


def _link_events(items: dict[str, PlanItem], year: int) -> int:
    """Link the year's registry events to the 3.x items (only where nothing is linked)."""
    events = services.events_of_year(year)
    executions = {
        e.item_id: e
        for e in db.session.scalars(select(PlanExecution).where(PlanExecution.year == year))
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
    reporting = reporting_year()
    added = linked = 0
    for offset, year in enumerate((reporting - 1, reporting)):
        done = set(
            db.session.scalars(select(PlanExecution.item_id).where(PlanExecution.year == year))
        )
        for number, (status, note) in execution(year, offset).items():
            item = items.get(number)
            if item is None or item.id in done:
                continue
            services.save_execution(item, year, status, note)
            added += 1
        db.session.flush()
        linked += _link_events(items, year)
    return (
        f"План мероприятий: пунктов добавлено {added_items}, отметок об исполнении — {added}, "
        f"пунктов со ссылками на мероприятия — {linked}."
    )
