"""Factories and sample files for the agreement tests (no tests here; the name keeps it
with the agreement test files)."""

import itertools
from datetime import date, timedelta

from proforient.agreements.models import Agreement
from proforient.core.timeutil import local_today
from proforient.extensions import db
from proforient.partners.models import Partner

_seq = itertools.count(1)

# A tiny but well-formed PDF: what a scanner would send, minus the picture.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def make_partner(name: str | None = None, kind: str = "poo", **kw) -> Partner:
    name = name or f"ГБПОУ «Тестовый колледж № {next(_seq)}»"
    short_name = kw.pop("short_name", "")
    partner = Partner(
        name=name,
        short_name=short_name,
        kind=kind,
        settlement=kw.pop("settlement", "г. Невинномысск"),
        **kw,
    )
    db.session.add(partner)
    db.session.commit()
    return partner


def make_agreement(
    school,
    partner,
    number: str | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    indefinite: bool = False,
    **kw,
) -> Agreement:
    today = local_today()
    valid_from = valid_from or today - timedelta(days=100)
    if valid_until is None and not indefinite:
        valid_until = today + timedelta(days=365)
    agreement = Agreement(
        school_id=school.id,
        partner_id=partner.id,
        number=number or str(next(_seq)),
        signed_on=kw.pop("signed_on", valid_from),
        valid_from=valid_from,
        valid_until=valid_until,
        subject=kw.pop("subject", "Профессиональные пробы"),
        notes=kw.pop("notes", ""),
        **kw,
    )
    db.session.add(agreement)
    db.session.commit()
    return agreement


def agreement_form(partner, **overrides) -> dict:
    """POST data for the agreement form: a valid agreement unless overridden."""
    today = local_today()
    data = {
        "partner_id": str(partner.id),
        "number": "15/ПП",
        "signed_on": (today - timedelta(days=10)).isoformat(),
        "valid_from": (today - timedelta(days=10)).isoformat(),
        "valid_until": (today + timedelta(days=365)).isoformat(),
        "subject": "Профессиональные пробы",
        "notes": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
