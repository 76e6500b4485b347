"""Changing the registry: saving an event (its status and school settled by the author's
role), confirming and merging proposals, saving participation and the count rules it must
keep.

Add and flush; the calling view commits once.
"""

from sqlalchemy import select

from proforient.core import audit
from proforient.events.models import (
    COUNT_NAMES,
    MAX_COUNT,
    Event,
    EventStatus,
    Level,
    Participation,
)
from proforient.extensions import db
from proforient.schools.models import School

# Event columns the form edits and save_event copies. A new field (say, a partner) is a
# model column, a form field, and its name here.
EDITABLE_FIELDS = (
    "title",
    "level",
    "format_id",
    "project_id",
    "start_date",
    "end_date",
    "organizer",
    "partner_id",
    "for_students",
    "grade_from",
    "grade_to",
    "for_teachers",
    "for_parents",
    "description",
)


def save_event(event: Event, data: dict, user) -> Event:
    """Copy the form's data into `event` and settle its status and school by role.

    A coordinator's school-level event goes straight into the registry; any other level
    becomes a proposal the department confirms or merges.
    """
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(event, name, data[name])
    if not event.for_students:
        event.grade_from = event.grade_to = None
    if user.is_department:
        if event.level == Level.SCHOOL:
            event.school_id = data.get("school_id") or event.school_id
        elif event.status != EventStatus.PROPOSED:
            event.school_id = None
        if event.status is None:
            event.status = EventStatus.CONFIRMED
    else:
        event.school_id = user.school_id
        event.status = (
            EventStatus.CONFIRMED if event.level == Level.SCHOOL else EventStatus.PROPOSED
        )
    if event.id is None:
        event.created_by_id = user.id
    db.session.add(event)
    db.session.flush()
    return event


def confirm_event(event: Event) -> None:
    event.status = EventStatus.CONFIRMED
    db.session.flush()
    audit.record("confirm", event, f"Подтверждено предложение: {event}")


class MergeConflict(Exception):
    def __init__(self, schools: list[str]):
        super().__init__(", ".join(schools))
        self.schools = schools


def merge_event(source: Event, target: Event) -> int:
    """Merge a proposal into an existing event: its participations move to the target and
    the proposal is deleted. Returns how many participations moved.

    If the target already has a participation of one of the same schools, nothing changes
    and MergeConflict names those schools: summing the two rows would most likely count the
    same children twice, so a person must decide which record is right.
    """
    if source.id == target.id:
        raise ValueError("An event cannot be merged into itself")
    conflicts = db.session.scalars(
        select(School.short_name)
        .join(Participation, Participation.school_id == School.id)
        .where(Participation.event_id == source.id)
        .where(
            Participation.school_id.in_(
                select(Participation.school_id).where(Participation.event_id == target.id)
            )
        )
        .order_by(School.short_name)
    ).all()
    if conflicts:
        raise MergeConflict(list(conflicts))
    moved = list(source.participations)
    for p in moved:
        p.event = target
    db.session.flush()
    audit.record(
        "merge",
        target,
        f"Объединено с предложением «{source.title}» (№ {source.id}): "
        f"перенесено записей об участии — {len(moved)}",
        changes={"source_id": source.id, "moved": [p.id for p in moved]},
    )
    db.session.delete(source)
    db.session.flush()
    return len(moved)


def participation_errors(values: dict) -> dict[str, str]:
    """The count rules, as Russian messages per field; shared by the form and the import.

    `values` holds ints for every count (None for an unknown `distinct_children`).
    """
    errors: dict[str, str] = {}
    for name in (*COUNT_NAMES, "distinct_children"):
        v = values.get(name)
        if v is not None and v < 0:
            errors[name] = "Число не может быть отрицательным."
        elif v is not None and v > MAX_COUNT:
            errors[name] = "Не больше 100 000."
    if errors:
        return errors
    d = values.get("distinct_children")
    n = values.get("participants") or 0
    if (values.get("ovz") or 0) > n:
        errors["ovz"] = f"Детей с ОВЗ не может быть больше, чем участников ({n})."
    if (values.get("disabled") or 0) > n:
        errors["disabled"] = f"Детей-инвалидов не может быть больше, чем участников ({n})."
    awards = (values.get("winners") or 0) + (values.get("prizewinners") or 0)
    if awards > n:
        message = f"Победителей и призёров вместе ({awards}) больше, чем участников ({n})."
        errors["winners"] = message
        errors["prizewinners"] = message
    if d is not None and d > n:
        errors["distinct_children"] = f"Не может быть больше, чем участников ({n})."
    if n == 0 and not (values.get("teachers") or 0):
        errors["participants"] = "Укажите число участников или педагогов."
    return errors


def save_participation(p: Participation, values: dict) -> Participation:
    for name in (*COUNT_NAMES, "distinct_children"):
        if name in values:
            setattr(p, name, values[name])
    db.session.add(p)
    db.session.flush()
    return p
