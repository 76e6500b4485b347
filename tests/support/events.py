"""Factories shared by the event tests (this module holds no tests)."""

from datetime import date, timedelta

from proforient.events.models import Event, Level, Participation
from proforient.events.models import EventStatus as Status
from proforient.events.reference import ensure_reference_data, format_by_code, project_by_code
from proforient.extensions import db

FAIR = "Ярмарка профессий «Образование и карьера»"


def seed_reference() -> None:
    """Tables are emptied after every test; the migration's seed rows go with them."""
    ensure_reference_data()
    db.session.commit()


def make_event(
    title: str = FAIR,
    level: str = Level.REGIONAL,
    form: str = "fair",
    start: date = date(2026, 10, 22),
    days: int = 1,
    project: str | None = None,
    **kw,
) -> Event:
    event = Event(
        title=title,
        level=level,
        format_id=format_by_code(form).id,
        project_id=project_by_code(project).id if project else None,
        start_date=start,
        end_date=start + timedelta(days=days - 1),
        status=kw.pop("status", Status.CONFIRMED),
        **kw,
    )
    db.session.add(event)
    db.session.commit()
    return event


def make_participation(event: Event, school, **counts) -> Participation:
    counts.setdefault("participants", 10)
    p = Participation(event_id=event.id, school_id=school.id, **counts)
    db.session.add(p)
    db.session.commit()
    return p
