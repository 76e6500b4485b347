"""What the agreements registry contributes to the indicator set: agreements in force on
each year's monitoring day, per active school and partner kind."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, literal, select, union_all

from proforient.agreements.models import Agreement, in_force_condition
from proforient.extensions import db
from proforient.partners.models import Partner, PartnerKind
from proforient.schools.models import School


def indicator_day(year: int) -> date:
    """31 May of the academic year's spring: the day agreements are counted on, as the
    monitoring form of the year is due by then."""
    return date(year + 1, 5, 31)


def in_force_counts(years: Iterable[int]) -> dict[tuple[int, int], dict[str, int]]:
    """{(year, school_id): {kind: agreements}} in force on each year's `indicator_day`, for
    active schools that hold any; every kind present, zeros included. One query for all
    the years (a UNION ALL of one SELECT per year)."""
    years = list(years)
    if not years:
        return {}
    selects = [
        select(
            literal(year).label("year"),
            Agreement.school_id.label("school_id"),
            Partner.kind.label("kind"),
            func.count(Agreement.id).label("n"),
        )
        .join(Agreement.partner)
        .join(Agreement.school)
        .where(in_force_condition(indicator_day(year)), School.active)
        .group_by(Agreement.school_id, Partner.kind)
        for year in years
    ]
    table: dict[tuple[int, int], dict[str, int]] = {}
    for year, school_id, kind, n in db.session.execute(union_all(*selects)):
        table.setdefault((int(year), school_id), dict.fromkeys(PartnerKind.codes(), 0))[kind] = n
    return table


def first_year() -> int | None:
    """The earliest academic year on whose indicator day some agreement was in force."""
    start = db.session.scalar(select(func.min(Agreement.valid_from)))
    if start is None:
        return None
    # The first 31 May on or after the earliest start.
    return start.year - 1 if start <= date(start.year, 5, 31) else start.year


@dataclass(frozen=True)
class AgreementLine:
    """An agreement in force, as a summary lists it."""

    partner: str
    kind: str
    number: str
    signed_on: date
    valid_until: date | None  # None: indefinite
    subject: str


def in_force_lists(school_ids: list[int], year: int) -> dict[int, list[AgreementLine]]:
    """{school_id: agreements in force on the year's `indicator_day`, by partner} for each
    of the schools (an empty list where none). One query."""
    rows = db.session.execute(
        select(
            Agreement.school_id,
            Partner.short_name,
            Partner.name,
            Partner.kind,
            Agreement.number,
            Agreement.signed_on,
            Agreement.valid_until,
            Agreement.subject,
        )
        .join(Agreement.partner)
        .where(Agreement.school_id.in_(school_ids), in_force_condition(indicator_day(year)))
        .order_by(Partner.name, Agreement.signed_on)
    )
    out: dict[int, list[AgreementLine]] = {sid: [] for sid in school_ids}
    for school_id, short, name, kind, number, signed, until, subject in rows:
        kind_label = PartnerKind.short_of(kind)
        out[school_id].append(
            AgreementLine(short or name, kind_label, number, signed, until, subject)
        )
    return out
