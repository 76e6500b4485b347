"""Changing agreements. Add and flush; the calling view commits once (and stores or
removes the scan around that commit: `scans`)."""

from proforient.agreements.models import Agreement
from proforient.extensions import db
from proforient.partners.models import Partner
from proforient.schools.models import School


def save_agreement(agreement: Agreement, form, school_id: int) -> Agreement:
    # Set the relationships, not only the ids: the audit summary (str) names the partner.
    agreement.school = db.session.get(School, school_id)
    agreement.partner = db.session.get(Partner, form.partner_id.data)
    agreement.number = form.number.data.strip()
    agreement.signed_on = form.signed_on.data
    agreement.valid_from = form.valid_from.data
    agreement.valid_until = None if form.indefinite.data else form.valid_until.data
    agreement.terminated_on = form.terminated_on.data
    agreement.subject = (form.subject.data or "").strip()
    agreement.notes = (form.notes.data or "").strip()
    db.session.add(agreement)
    return agreement
