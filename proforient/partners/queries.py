"""Reading the directory: the filtered list, near-duplicates, choices for the selects of
other features' forms, and what names a partner."""

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from proforient.extensions import db
from proforient.partners.inn import clean_inn
from proforient.partners.links import partner_links
from proforient.partners.models import Partner, PartnerKind
from proforient.partners.names import SIMILAR_THRESHOLD, partner_key, similarity, tokens


def partner_list_query(q: str = "", kind: str = "") -> Select:
    stmt = select(Partner).order_by(Partner.name)
    if kind in PartnerKind.codes():
        stmt = stmt.where(Partner.kind == kind)
    for word in partner_key(q).split():
        stmt = stmt.where(
            or_(
                Partner.search_key.like(f"%{word}%"),
                Partner.inn == word,
                Partner.settlement.ilike(f"%{word}%"),
            )
        )
    return stmt


def can_edit_partner(partner: Partner, user) -> bool:
    """The department edits any record; a coordinator edits those their school added."""
    return user.is_department or (
        partner.added_by_school_id is not None and partner.added_by_school_id == user.school_id
    )


@dataclass
class SimilarPartner:
    partner: Partner
    score: float
    same_inn: bool

    def as_json(self) -> dict:
        return {
            "id": self.partner.id,
            "name": self.partner.name,
            "short_name": self.partner.short_name,
            "kind": self.partner.kind_label,
            "settlement": self.partner.settlement,
            "inn": self.partner.inn or "",
            "same_inn": self.same_inn,
        }


def similar_partners(
    name: str, short_name: str = "", inn: str = "", exclude_id: int | None = None, limit: int = 5
) -> list[SimilarPartner]:
    """Partners that look like the same organisation: same ИНН, or a similar name.

    One query: candidates sharing a word stem (or the ИНН) come from SQL, then are scored.
    """
    keys = [k for k in (partner_key(name), partner_key(short_name)) if k]
    stems = sorted({w[:5] for k in keys for w in tokens(k)}, key=len, reverse=True)[:8]
    conditions = [Partner.search_key.like(f"%{stem}%") for stem in stems]
    inn = clean_inn(inn)
    if inn:
        conditions.append(Partner.inn == inn)
    if not conditions:
        return []
    stmt = select(Partner).where(or_(*conditions)).limit(300)
    if exclude_id is not None:
        stmt = stmt.where(Partner.id != exclude_id)
    found = []
    for partner in db.session.scalars(stmt):
        same_inn = bool(inn) and partner.inn == inn
        theirs = [k for k in (partner_key(partner.name), partner_key(partner.short_name)) if k]
        score = (
            1.0 if same_inn else max((similarity(a, b) for a in keys for b in theirs), default=0)
        )
        if score >= SIMILAR_THRESHOLD:
            found.append(SimilarPartner(partner, score, same_inn))
    found.sort(key=lambda s: (-s.score, s.partner.name))
    return found[:limit]


def _option(name: str, short: str, settlement: str) -> str:
    text = f"{short} — {name}" if short else name
    return f"{text} ({settlement})" if settlement else text


def partner_choices() -> list[tuple[str | int, str]]:
    """Every partner for an optional select: «none» first, then by name (one query)."""
    rows = db.session.execute(
        select(Partner.id, Partner.name, Partner.short_name, Partner.settlement).order_by(
            Partner.name
        )
    )
    choices: list[tuple[str | int, str]] = [("", "— не указан —")]
    choices.extend((pid, _option(name, short, place)) for pid, name, short, place in rows)
    return choices


def partner_choices_by_kind() -> dict:
    """Every partner for a required select with an <optgroup> per kind (one query)."""
    groups: dict[str, list[tuple[int, str]]] = {kind.label: [] for kind in PartnerKind}
    rows = db.session.execute(
        select(
            Partner.id, Partner.name, Partner.short_name, Partner.settlement, Partner.kind
        ).order_by(Partner.name)
    )
    for pid, name, short, place, kind in rows:
        groups[PartnerKind.label_of(kind)].append((pid, _option(name, short, place)))
    choices: dict = {None: [(0, "— выберите —")]}
    choices.update({label: items for label, items in groups.items() if items})
    return choices


def merge_choices(duplicate: Partner) -> list[tuple[int, str]]:
    """The records a duplicate can be merged into (one query)."""
    rows = db.session.execute(
        select(Partner.id, Partner.name, Partner.settlement)
        .where(Partner.id != duplicate.id)
        .order_by(Partner.name)
    )
    return [(0, "— выберите —")] + [
        (pid, f"{name} ({settlement})" if settlement else name) for pid, name, settlement in rows
    ]


def link_counts(partner_id: int) -> dict[str, int]:
    """{link key: rows naming the partner} for every feature, whoever may see the rows."""
    return {
        link.key: db.session.scalar(
            select(func.count()).select_from(link.model).where(link.column == partner_id)
        )
        for link in partner_links()
    }


def in_use(partner_id: int) -> bool:
    return any(link_counts(partner_id).values())
