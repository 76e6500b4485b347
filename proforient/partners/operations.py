"""Changing the directory: saving a record and merging a duplicate into another.

Add and flush; the calling view commits once.
"""

from sqlalchemy import update

from proforient.core import audit
from proforient.extensions import db
from proforient.partners.inn import clean_inn
from proforient.partners.links import partner_links
from proforient.partners.models import Partner


def save_partner(partner: Partner, form, added_by_school_id: int | None = None) -> Partner:
    partner.name = form.name.data.strip()
    partner.short_name = (form.short_name.data or "").strip()
    partner.kind = form.kind.data
    partner.settlement = (form.settlement.data or "").strip()
    partner.inn = clean_inn(form.inn.data) or None
    partner.contact_person = (form.contact_person.data or "").strip()
    partner.phone = (form.phone.data or "").strip()
    partner.email = (form.email.data or "").strip()
    partner.website = form.normalized_website()
    if partner.id is None:
        partner.added_by_school_id = added_by_school_id
    db.session.add(partner)
    db.session.flush()
    return partner


class MergeConflict(Exception):
    """Some rows cannot move to the surviving record without a person's decision."""


# Fields of the survivor that a merge fills from the duplicate when they are empty.
MERGE_FILL = ("short_name", "settlement", "inn", "contact_person", "phone", "email", "website")


def merge_partners(survivor: Partner, duplicate: Partner) -> dict[str, int]:
    """Move every row that names `duplicate` to `survivor`, fill the survivor's empty
    fields from the duplicate, delete the duplicate and log the merge.

    Returns how many rows of each feature moved, e.g. {"agreements": 3, "events": 1}.
    """
    if survivor.id == duplicate.id:
        raise ValueError("cannot merge a partner into itself")
    links = partner_links()
    for link in links:
        if link.clash is not None and link.clash(survivor.id, duplicate.id):
            raise MergeConflict(link.clash_message)
    moved = {
        link.key: db.session.execute(
            update(link.model)
            .where(link.column == duplicate.id)
            .values({link.column: survivor.id})
            .execution_options(synchronize_session=False)
        ).rowcount
        for link in links
    }
    filled = []
    for attr in MERGE_FILL:
        if not getattr(survivor, attr) and getattr(duplicate, attr):
            setattr(survivor, attr, getattr(duplicate, attr))
            filled.append(attr)
    summary = (
        f"Объединены партнёры: «{duplicate.name}» (№ {duplicate.id}) → «{survivor.name}»; "
        f"перенесено {moved_text(moved)}"
    )
    audit.record(
        "merge",
        survivor,
        summary,
        changes={
            "merged_id": duplicate.id,
            "merged_name": duplicate.name,
            "merged_inn": duplicate.inn,
            "moved": moved,
            "filled": filled,
        },
    )
    # The bulk UPDATEs bypassed the session: forget what it holds of the duplicate.
    db.session.expire(duplicate)
    db.session.delete(duplicate)
    db.session.flush()
    return moved


def moved_text(moved: dict[str, int]) -> str:
    """«договоров: 3, мероприятий: 1» for the counts `merge_partners` returns."""
    return ", ".join(f"{link.counted}: {moved[link.key]}" for link in partner_links())
