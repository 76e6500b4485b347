"""Reading agreements: the filtered list with each row's status, counts by status, the
agreements that end soon, the agreements in force by school and partner kind, and what the
partner directory asks about a partner's agreements."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import contains_eager

from proforient.agreements.models import (
    Agreement,
    AgreementStatus,
    in_force_condition,
    overlaps_condition,
    status_condition,
    status_expr,
)
from proforient.core.timeutil import academic_year_bounds
from proforient.extensions import db
from proforient.partners.models import Partner, PartnerKind
from proforient.partners.names import partner_key
from proforient.schools.models import School


@dataclass
class AgreementFilters:
    school_id: int | None = None
    kind: str = ""
    status: str = ""
    year: int | None = None
    partner_id: int | None = None
    q: str = ""


def agreement_list_query(f: AgreementFilters, today: date, scope_school_id: int | None) -> Select:
    """Agreements with partner and school loaded, filtered in SQL, plus the status column."""
    status = status_expr(today).label("status")
    stmt = (
        select(Agreement, status)
        .join(Agreement.partner)
        .join(Agreement.school)
        .options(contains_eager(Agreement.partner), contains_eager(Agreement.school))
        .order_by(School.short_name, Agreement.signed_on.desc(), Agreement.id.desc())
    )
    if scope_school_id is not None:
        stmt = stmt.where(Agreement.school_id == scope_school_id)
    if f.school_id is not None:
        stmt = stmt.where(Agreement.school_id == f.school_id)
    if f.partner_id is not None:
        stmt = stmt.where(Agreement.partner_id == f.partner_id)
    if f.kind in PartnerKind.codes():
        stmt = stmt.where(Partner.kind == f.kind)
    if f.status == "in_force":
        stmt = stmt.where(in_force_condition(today))
    elif f.status in AgreementStatus.labels():
        stmt = stmt.where(status_condition(f.status, today))
    if f.year is not None:
        stmt = stmt.where(overlaps_condition(*academic_year_bounds(f.year)))
    q = f.q.strip()
    if q:
        # SQLite folds only ASCII case: try the usual spellings of a Cyrillic word too.
        variants = {q, q.lower(), q.capitalize(), q.upper()}
        text_match = [
            col.ilike(f"%{v}%")
            for v in variants
            for col in (Agreement.number, Agreement.subject, Agreement.notes)
        ]
        words = partner_key(q).split()
        by_partner = [and_(*[Partner.search_key.like(f"%{w}%") for w in words])] if words else []
        stmt = stmt.where(or_(*text_match, Partner.inn == q, *by_partner))
    return stmt


def status_counts(f: AgreementFilters, today: date, scope_school_id: int | None) -> dict[str, int]:
    """How many agreements of the filtered list (ignoring its status filter) per status."""
    base = agreement_list_query(
        AgreementFilters(f.school_id, f.kind, "", f.year, f.partner_id, f.q),
        today,
        scope_school_id,
    ).subquery()
    rows = db.session.execute(select(base.c.status, func.count()).group_by(base.c.status))
    counts = dict.fromkeys(AgreementStatus.labels(), 0)
    counts.update({s: n for s, n in rows})
    return counts


def expiring_agreements(today: date, school_id: int | None, limit: int = 10) -> list:
    """Agreements that end within 60 days, soonest first (the home-page panel)."""
    stmt = (
        select(Agreement)
        .join(Agreement.partner)
        .join(Agreement.school)
        .options(contains_eager(Agreement.partner), contains_eager(Agreement.school))
        .where(status_condition(AgreementStatus.EXPIRING, today))
        .order_by(Agreement.valid_until, School.short_name)
        .limit(limit)
    )
    if school_id is not None:
        stmt = stmt.where(Agreement.school_id == school_id)
    return list(db.session.scalars(stmt))


def count_expiring(today: date, school_id: int | None = None) -> int:
    stmt = (
        select(func.count())
        .select_from(Agreement)
        .where(status_condition(AgreementStatus.EXPIRING, today))
    )
    if school_id is not None:
        stmt = stmt.where(Agreement.school_id == school_id)
    return db.session.scalar(stmt) or 0


def in_force_by_school_and_kind(
    day: date, school_id: int | None = None
) -> dict[int, dict[str, int]]:
    """{school_id: {kind: agreements in force on `day`}} for every school (or one), one
    query; schools without any are absent."""
    stmt = (
        select(Agreement.school_id, Partner.kind, func.count(Agreement.id))
        .join(Agreement.partner)
        .where(in_force_condition(day))
        .group_by(Agreement.school_id, Partner.kind)
    )
    if school_id is not None:
        stmt = stmt.where(Agreement.school_id == school_id)
    rows = db.session.execute(stmt)
    table: dict[int, dict[str, int]] = {}
    for school_id, kind, n in rows:
        table.setdefault(school_id, dict.fromkeys(PartnerKind.codes(), 0))[kind] = n
    return table


def overview(day: date, include_inactive: bool = False) -> dict:
    """The department's table: each school, its agreements in force by partner kind, totals.

    Two queries (schools, counts).
    """
    stmt = select(School).order_by(School.short_name)
    if not include_inactive:
        stmt = stmt.where(School.active)
    schools = list(db.session.scalars(stmt))
    counts = in_force_by_school_and_kind(day)
    rows = []
    totals = dict.fromkeys(PartnerKind.codes(), 0)
    for school in schools:
        by_kind = counts.get(school.id, dict.fromkeys(PartnerKind.codes(), 0))
        for kind, n in by_kind.items():
            totals[kind] += n
        rows.append({"school": school, "by_kind": by_kind, "total": sum(by_kind.values())})
    without = [r["school"] for r in rows if r["total"] == 0]
    return {
        "day": day,
        "rows": rows,
        "totals": totals,
        "total": sum(totals.values()),
        "without": without,
        "schools": len(rows),
        "with_any": len(rows) - len(without),
    }


# --- What the partner directory asks ------------------------------------------------------


def agreement_counts_by_partner(partner_ids: list[int], school_id: int | None) -> dict[int, int]:
    """Agreements per partner (of one school, when given), one query."""
    if not partner_ids:
        return {}
    stmt = (
        select(Agreement.partner_id, func.count(Agreement.id))
        .where(Agreement.partner_id.in_(partner_ids))
        .group_by(Agreement.partner_id)
    )
    if school_id is not None:
        stmt = stmt.where(Agreement.school_id == school_id)
    return dict(db.session.execute(stmt).all())


def merge_clashes(survivor_id: int, duplicate_id: int) -> bool:
    """Whether both partners hold the same agreement (school, number, date): moving it
    would break its uniqueness, and a person must decide which record is right."""
    other = Agreement.__table__.alias("other")
    clash = db.session.scalar(
        select(func.count())
        .select_from(Agreement)
        .join(
            other,
            (other.c.partner_id == survivor_id)
            & (other.c.school_id == Agreement.school_id)
            & (other.c.number == Agreement.number)
            & (other.c.signed_on == Agreement.signed_on),
        )
        .where(Agreement.partner_id == duplicate_id)
    )
    return bool(clash)
