"""Who sees and edits which events: the department everything; a coordinator the district
registry above the school level and their own school's events and proposals, and edits
their school's own school-level events and proposals not yet confirmed."""

from flask import abort
from sqlalchemy import and_, or_, true

from proforient.events.models import Event, EventStatus, Level
from proforient.extensions import db


def visible_clause(viewer_school_id: int | None, event=Event):
    """Events (of `event`, an alias of Event if given) a coordinator of `viewer_school_id`
    may see: the district registry above the school level, and their own school's events
    and proposals. The department sees all."""
    if viewer_school_id is None:
        return true()
    return or_(
        and_(event.status == EventStatus.CONFIRMED, event.level != Level.SCHOOL),
        event.school_id == viewer_school_id,
    )


def can_view(event: Event, viewer_school_id: int | None) -> bool:
    if viewer_school_id is None:
        return True
    if event.school_id == viewer_school_id:
        return True
    return event.status == EventStatus.CONFIRMED and event.level != Level.SCHOOL


def can_edit(event: Event, viewer_school_id: int | None) -> bool:
    """The department edits any event; a coordinator edits their school's own school-level
    events and proposals that the department has not confirmed yet."""
    if viewer_school_id is None:
        return True
    return event.school_id == viewer_school_id and (
        event.level == Level.SCHOOL or event.status == EventStatus.PROPOSED
    )


def get_event_or_404(event_id: int, viewer_school_id: int | None) -> Event:
    """Like `get_for_school_or_404`, for events: an event a coordinator may not see is a 404."""
    event = db.session.get(Event, event_id)
    if event is None or not can_view(event, viewer_school_id):
        abort(404)
    return event
