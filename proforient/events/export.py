"""XLSX downloads of the registry: the filtered list (every page) with one row per school
× event, one event's participation, and the template the import reads."""

from openpyxl.styles import Font
from sqlalchemy import select

from proforient.core.exports import append_row, new_workbook, write_table
from proforient.core.formatting import fmt_date
from proforient.core.timeutil import academic_year_label
from proforient.events import queries
from proforient.events.access import visible_clause
from proforient.events.models import COUNT_FIELDS, COUNT_NAMES, Event, Participation
from proforient.extensions import db
from proforient.schools.models import School

COUNT_LABELS = [label for _name, label in COUNT_FIELDS]

LIST_HEADER = [
    "№",
    "Мероприятие",
    "Уровень",
    "Форма",
    "Проект",
    "Начало",
    "Окончание",
    "Организатор",
    "Аудитория",
    "Статус",
    "Школ",
    *COUNT_LABELS,
]


def list_workbook(f: queries.EventFilters, viewer_school_id: int | None):
    """The filtered list (every page) with totals, and a sheet with one row per
    school × event. A coordinator's workbook holds only their own school's numbers."""
    events = db.session.scalars(queries.event_list_query(f, viewer_school_id)).all()
    stats = queries.page_rows(events, f, viewer_school_id)
    totals = queries.list_totals(f, viewer_school_id)

    def row(e: Event):
        s = stats.get(e.id) or {}
        return [
            e.id,
            e.title,
            e.level_label,
            e.format.name,
            e.project.name if e.project else "",
            fmt_date(e.start_date),
            fmt_date(e.end_date),
            e.organizer,
            e.audience_label,
            e.status_label,
            int(s.get("schools") or 0),
            *[int(s.get(n) or 0) for n in COUNT_NAMES],
        ]

    wb = new_workbook()
    ws = wb.create_sheet("Мероприятия")
    title = "Реестр мероприятий"
    if f.year is not None:
        title += f": {academic_year_label(f.year)}"
    write_table(
        ws,
        LIST_HEADER,
        (row(e) for e in events),
        total=[
            "Итого",
            f"мероприятий: {totals.events}",
            *[""] * 8,
            totals.participations,
            *[getattr(totals, n) for n in COUNT_NAMES],
        ],
        title=title,
        widths=[7, 50, 15, 28, 26, 11, 11, 30, 26, 16, 8] + [12] * len(COUNT_NAMES),
    )

    # One row per participation of the listed events (the coordinator's school only).
    school_id = f.school_id if f.school_id is not None else viewer_school_id
    ws2 = wb.create_sheet("Участие")
    ids = [e.id for e in events]
    rows = []
    if ids:
        stmt = (
            select(Participation, Event)
            .join(Event, Event.id == Participation.event_id)
            .join(School, School.id == Participation.school_id)
            .where(Participation.event_id.in_(ids))
            .order_by(Event.start_date, Event.id, School.short_name)
        )
        if school_id is not None:
            stmt = stmt.where(Participation.school_id == school_id)
        rows = db.session.execute(stmt).all()
    write_table(
        ws2,
        [
            "№ мероприятия",
            "Мероприятие",
            "Начало",
            "Уровень",
            "Школа",
            *COUNT_LABELS,
            "Впервые в году",
        ],
        (
            [
                e.id,
                e.title,
                fmt_date(e.start_date),
                e.level_label,
                p.school.short_name,
                *[getattr(p, n) for n in COUNT_NAMES],
                p.distinct_children if p.distinct_children is not None else "",
            ]
            for p, e in rows
        ),
        widths=[12, 50, 11, 15, 36] + [12] * (len(COUNT_NAMES) + 1),
    )
    return wb


def participation_workbook(event: Event, rows: list[Participation], totals: dict):
    wb = new_workbook()
    ws = wb.create_sheet("Участие")
    write_table(
        ws,
        ["Школа", *COUNT_LABELS, "Впервые в году"],
        (
            [
                p.school.short_name,
                *[getattr(p, n) for n in COUNT_NAMES],
                p.distinct_children if p.distinct_children is not None else "",
            ]
            for p in rows
        ),
        total=[
            "Итого",
            *[totals[n] for n in COUNT_NAMES],
            totals["distinct_children"] if totals["distinct_children"] is not None else "",
        ],
        title=f"{event.title} — {event.dates_label}, {event.level_label} уровень",
        widths=[40] + [13] * (len(COUNT_NAMES) + 1),
    )
    return wb


TEMPLATE_HEADER = [
    "№ мероприятия",
    "Мероприятие (для справки)",
    "Школа (краткое наименование)",
    "Участников",
    "из них с ОВЗ",
    "из них инвалидов",
    "Победителей",
    "Призёров",
    "Педагогов",
    "Впервые в году (если известно)",
]
# Template column -> participation field; columns 1 and 2 are looked up or ignored.
TEMPLATE_FIELDS = [
    None,
    None,
    None,
    "participants",
    "ovz",
    "disabled",
    "winners",
    "prizewinners",
    "teachers",
    "distinct_children",
]


def template_workbook(year: int, viewer_school_id: int | None):
    """The import template: an empty «Участие» sheet, and reference sheets with the events
    of the year (their numbers) and the schools, so people can copy exact values."""
    wb = new_workbook()
    ws = wb.create_sheet("Участие")
    write_table(ws, TEMPLATE_HEADER, [], widths=[14, 45, 38, 12, 12, 12, 12, 12, 12, 16])

    events = db.session.scalars(
        select(Event)
        .where(Event.academic_year == year, visible_clause(viewer_school_id))
        .order_by(Event.start_date, Event.id)
    ).all()
    ws2 = wb.create_sheet("Мероприятия")
    write_table(
        ws2,
        ["№ мероприятия", "Мероприятие", "Начало", "Уровень", "Форма"],
        ([e.id, e.title, fmt_date(e.start_date), e.level_label, e.format.name] for e in events),
        title=f"Мероприятия: {academic_year_label(year)}",
        widths=[14, 60, 11, 15, 30],
    )
    stmt = select(School.short_name).where(School.active).order_by(School.short_name)
    if viewer_school_id is not None:
        stmt = stmt.where(School.id == viewer_school_id)
    ws3 = wb.create_sheet("Школы")
    write_table(
        ws3, ["Школа (краткое наименование)"], ([n] for n in db.session.scalars(stmt)), widths=[50]
    )
    ws4 = wb.create_sheet("Как заполнять")
    for line in (
        "Как заполнить шаблон",
        "1. На листе «Участие» — одна строка на каждую школу в каждом мероприятии.",
        "2. № мероприятия возьмите с листа «Мероприятия» (или со страницы мероприятия).",
        "3. Краткое наименование школы — точно как на листе «Школы».",
        "4. ОВЗ, инвалидов, победителей и призёров — из числа участников; "
        "победителей и призёров вместе не больше участников.",
        "5. Пустое число — ноль; «Впервые в году» оставьте пустым, если неизвестно.",
        "6. Если запись об участии уже есть, она будет заменена данными из файла.",
        "Пока в файле есть хоть одна ошибка, ничего не загружается.",
    ):
        append_row(ws4, [line])
    ws4["A1"].font = Font(bold=True)
    ws4.column_dimensions["A"].width = 100
    return wb
