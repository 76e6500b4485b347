"""Partners and agreements: validation rules, look-ups, merge, scans and lists.

Services add and flush; the calling view commits once.
"""

import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from difflib import SequenceMatcher
from pathlib import Path
from typing import IO

from flask import current_app
from sqlalchemy import Connection, Select, and_, func, or_, select, update
from sqlalchemy.orm import contains_eager

from proforient.agreements.models import (
    EXPIRING_DAYS,
    PARTNER_KIND_CODES,
    Agreement,
    Partner,
    Status,
    in_force_condition,
    overlaps_condition,
    status_condition,
    status_expr,
)
from proforient.core import audit, files
from proforient.core.text import drop_controls
from proforient.core.timeutil import academic_year_bounds, utcnow
from proforient.extensions import db
from proforient.schools.models import School

MAX_SCAN_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"

# --- ИНН -------------------------------------------------------------------------------

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_error(value: str) -> str | None:
    """None when `value` is a valid ИНН (10 digits for organisations, 12 for individuals),
    otherwise a Russian message saying what is wrong."""
    if not value.isdigit():
        return "ИНН состоит только из цифр."
    if len(value) not in (10, 12):
        return "ИНН организации — 10 цифр, ИНН индивидуального предпринимателя — 12 цифр."
    digits = [int(c) for c in value]
    if len(value) == 10:
        ok = digits[9] == _check_digit(digits, _INN10_WEIGHTS)
    else:
        ok = digits[10] == _check_digit(digits, _INN12_WEIGHTS_11) and digits[11] == _check_digit(
            digits, _INN12_WEIGHTS_12
        )
    if not ok:
        return "Контрольная сумма ИНН не сходится: проверьте цифры."
    return None


def clean_inn(value: str | None) -> str:
    return re.sub(r"[\s-]", "", value or "")


# --- Names and near-duplicates ------------------------------------------------------------

# Legal-form abbreviations and filler words that do not tell two organisations apart.
_NOISE = set(
    "гбпоу гбоу гоу гапоу гбу гку гкоу гбуз гауз фгбоу фгаоу фгоу ано ооо оао зао пао ао "
    "ип спк кфх муп гуп мбу мку мау мбудо мкудо мбоу мкоу до во спо ск ставропольского "
    "края краевое государственное государственный бюджетное автономное казенное казённое "
    "муниципальное федеральное профессиональное образовательное учреждение общество с "
    "ограниченной ответственностью акционерное публичное открытое закрытое им имени г ст "
    "х п а и в на по".split()
)


def search_key(*names: str) -> str:
    """Lower case, ё→е, quotes and punctuation dropped, legal-form words removed."""
    words: list[str] = []
    for name in names:
        text = (name or "").lower().replace("ё", "е")
        for word in re.findall(r"[0-9a-zа-я]+", text):
            if word not in _NOISE and word not in words:
                words.append(word)
    return " ".join(words)


def _tokens(key: str) -> set[str]:
    return {w for w in key.split() if len(w) >= 3}


# Words too common among partners to suggest two records are the same organisation.
_GENERIC = set(
    "колледж техникум училище университет институт академия филиал центр школа больница "
    "районная районный района агрофирма предприятие завод фабрика колхоз отделение".split()
)


def _weights(key: str) -> dict[str, float]:
    # Stems (first five letters) so that case endings do not matter.
    return {w[:5]: (0.3 if w in _GENERIC else 1.0) for w in _tokens(key)}


def similarity(a: str, b: str) -> float:
    """0…1 between two search keys: the better of a weighted word overlap (Dice; common
    words such as «колледж» weigh little) and plain character similarity."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    wa, wb = _weights(a), _weights(b)
    dice = 0.0
    if wa and wb:
        shared = sum(wa[s] for s in wa.keys() & wb.keys())
        dice = 2 * shared / (sum(wa.values()) + sum(wb.values()))
    return max(dice, SequenceMatcher(None, a, b).ratio())


SIMILAR_THRESHOLD = 0.75


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
    keys = [k for k in (search_key(name), search_key(short_name)) if k]
    stems = sorted({w[:5] for k in keys for w in _tokens(k)}, key=len, reverse=True)[:8]
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
        theirs = [k for k in (search_key(partner.name), search_key(partner.short_name)) if k]
        score = (
            1.0 if same_inn else max((similarity(a, b) for a in keys for b in theirs), default=0)
        )
        if score >= SIMILAR_THRESHOLD:
            found.append(SimilarPartner(partner, score, same_inn))
    found.sort(key=lambda s: (-s.score, s.partner.name))
    return found[:limit]


# --- Partners ------------------------------------------------------------------------------


def partner_list_query(q: str = "", kind: str = "") -> Select:
    stmt = select(Partner).order_by(Partner.name)
    if kind in PARTNER_KIND_CODES:
        stmt = stmt.where(Partner.kind == kind)
    key = search_key(q)
    if key:
        for word in key.split():
            stmt = stmt.where(
                or_(
                    Partner.search_key.like(f"%{word}%"),
                    Partner.inn == word,
                    Partner.settlement.ilike(f"%{word}%"),
                )
            )
    return stmt


def agreement_counts_by_partner(partner_ids: list[int], school_id: int | None) -> dict[int, int]:
    """Agreements per partner (of one school for a coordinator), one query."""
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


def save_partner(partner: Partner, form, added_by_school_id: int | None = None) -> Partner:
    partner.name = form.name.data.strip()
    partner.short_name = (form.short_name.data or "").strip()
    partner.kind = form.kind.data
    partner.settlement = (form.settlement.data or "").strip()
    partner.inn = clean_inn(form.inn.data) or None
    partner.contact_person = (form.contact_person.data or "").strip()
    partner.phone = (form.phone.data or "").strip()
    partner.email = (form.email.data or "").strip()
    partner.website = (form.website.data or "").strip()
    partner.search_key = search_key(partner.name, partner.short_name)
    if partner.id is None:
        partner.added_by_school_id = added_by_school_id
    db.session.add(partner)
    db.session.flush()
    return partner


def can_edit_partner(partner: Partner, user) -> bool:
    """The department edits any record; a coordinator edits those their school added."""
    return user.is_department or (
        partner.added_by_school_id is not None and partner.added_by_school_id == user.school_id
    )


class MergeConflict(Exception):
    """Both records hold the same agreement (school, number, date): a person must decide."""


_MERGE_FILL = ("short_name", "settlement", "inn", "contact_person", "phone", "email", "website")


def merge_partners(survivor: Partner, duplicate: Partner) -> dict[str, int]:
    """Move everything that names `duplicate` to `survivor`, fill the survivor's empty
    fields from the duplicate, delete the duplicate and log the merge.

    Returns how many rows moved, e.g. {"agreements": 3, "events": 1}.
    """
    if survivor.id == duplicate.id:
        raise ValueError("cannot merge a partner into itself")
    other = Agreement.__table__.alias("other")
    clash = db.session.scalar(
        select(func.count())
        .select_from(Agreement)
        .join(
            other,
            (other.c.partner_id == survivor.id)
            & (other.c.school_id == Agreement.school_id)
            & (other.c.number == Agreement.number)
            & (other.c.signed_on == Agreement.signed_on),
        )
        .where(Agreement.partner_id == duplicate.id)
    )
    if clash:
        raise MergeConflict(clash)

    moved = {
        "agreements": db.session.execute(
            update(Agreement)
            .where(Agreement.partner_id == duplicate.id)
            .values(partner_id=survivor.id)
            .execution_options(synchronize_session=False)
        ).rowcount
    }
    event_model = _event_model()
    if event_model is not None:
        moved["events"] = db.session.execute(
            update(event_model)
            .where(event_model.partner_id == duplicate.id)
            .values(partner_id=survivor.id)
            .execution_options(synchronize_session=False)
        ).rowcount
    filled = []
    for attr in _MERGE_FILL:
        if not getattr(survivor, attr) and getattr(duplicate, attr):
            setattr(survivor, attr, getattr(duplicate, attr))
            filled.append(attr)
    survivor.search_key = search_key(survivor.name, survivor.short_name)
    summary = (
        f"Объединены партнёры: «{duplicate.name}» (№ {duplicate.id}) → «{survivor.name}»; "
        f"перенесено договоров: {moved['agreements']}"
    )
    if "events" in moved:
        summary += f", мероприятий: {moved['events']}"
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
    # The bulk UPDATE bypassed the session: forget the stale collections before deleting.
    db.session.expire(duplicate)
    db.session.expire(survivor, ["agreements"])
    db.session.delete(duplicate)
    db.session.flush()
    return moved


def _event_model():
    """The events feature's Event, once it names a partner (migration 0006)."""
    try:
        from proforient.events.models import Event
    except ImportError:  # the events package is optional for this one
        return None
    return Event if hasattr(Event, "partner_id") else None


def partner_events(partner_id: int, viewer_school_id: int | None, limit: int = 200) -> list:
    """Events held with the partner that the viewer may see, newest first (one query)."""
    model = _event_model()
    if model is None:
        return []
    from proforient.events.services import visible_clause

    stmt = (
        select(model)
        .where(model.partner_id == partner_id, visible_clause(viewer_school_id))
        .order_by(model.start_date.desc(), model.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def event_partner_choices() -> list[tuple[str | int, str]]:
    """Choices for the event form's partner select: «none» first, then by name (one query)."""
    rows = db.session.execute(
        select(Partner.id, Partner.name, Partner.short_name, Partner.settlement).order_by(
            Partner.name
        )
    )
    choices: list[tuple[str | int, str]] = [("", "— не указан —")]
    for pid, name, short, settlement in rows:
        text = f"{short} — {name}" if short else name
        choices.append((pid, f"{text} ({settlement})" if settlement else text))
    return choices


# --- Scans ---------------------------------------------------------------------------------


def scan_error(stream: IO[bytes]) -> str | None:
    """None when the upload is a PDF of at most 10 MB, judged by its content."""
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        return "Файл пустой. Выберите скан договора в формате PDF."
    if size > MAX_SCAN_BYTES:
        return (
            f"Файл слишком большой ({size / 1024 / 1024:.1f} МБ). "
            "Скан должен быть не больше 10 МБ: уменьшите разрешение сканирования."
        ).replace(".", ",", 1)
    head = stream.read(len(PDF_MAGIC))
    stream.seek(0)
    # Judged by the bytes, not by the name or the browser's content type.
    if head != PDF_MAGIC:
        return "Это не PDF-файл. Загрузите скан договора в формате PDF."
    return None


def scan_folder() -> Path:
    return files.private_dir(Path(current_app.config["UPLOAD_FOLDER"]) / "agreements")


def scan_uploads(conn: Connection) -> Iterator[str]:
    """The scans the agreements name, as paths under UPLOAD_FOLDER (backups check them)."""
    keys = conn.scalars(select(Agreement.scan_key).where(Agreement.scan_key.is_not(None)))
    for key in keys:
        yield f"agreements/{key}.pdf"


def scan_path(agreement: Agreement) -> Path | None:
    if not agreement.scan_key:
        return None
    # scan_key is ours (hex), never a user's file name: no path tricks possible.
    return scan_folder() / f"{agreement.scan_key}.pdf"


def store_scan(agreement: Agreement, storage) -> tuple[Path, Path | None]:
    """Write the upload under a random name and point the agreement at it.

    Returns (new file, previous file or None). The caller deletes the new file if the
    transaction fails, and the previous one once it has committed.
    """
    previous = scan_path(agreement)
    key = secrets.token_hex(16)
    path = scan_folder() / f"{key}.pdf"
    storage.stream.seek(0)
    with files.create_private(path) as fh:
        while chunk := storage.stream.read(256 * 1024):
            fh.write(chunk)
    agreement.scan_key = key
    agreement.scan_filename = (drop_controls(storage.filename or "") or "скан.pdf")[-255:]
    agreement.scan_size = path.stat().st_size
    agreement.scan_uploaded_at = utcnow()
    return path, previous


def drop_scan(agreement: Agreement) -> Path | None:
    previous = scan_path(agreement)
    agreement.scan_key = None
    agreement.scan_filename = None
    agreement.scan_size = None
    agreement.scan_uploaded_at = None
    return previous


def remove_file(path: Path | None) -> None:
    if path is not None:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def scan_download_name(agreement: Agreement) -> str:
    number = re.sub(r'[\\/:*?"<>|]+', "-", agreement.number)
    return f"Договор № {number} от {agreement.signed_on:%d.%m.%Y}.pdf"


# --- Agreements ----------------------------------------------------------------------------


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
    if f.kind in PARTNER_KIND_CODES:
        stmt = stmt.where(Partner.kind == f.kind)
    if f.status == "in_force":
        stmt = stmt.where(in_force_condition(today))
    elif f.status in Status.LABELS:
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
        words = search_key(q).split()
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
    counts = dict.fromkeys(Status.LABELS, 0)
    counts.update({s: n for s, n in rows})
    return counts


def expiring_agreements(today: date, school_id: int | None, limit: int = 10) -> list:
    """Agreements that end within 60 days, soonest first (the home-page panel)."""
    stmt = (
        select(Agreement)
        .join(Agreement.partner)
        .join(Agreement.school)
        .options(contains_eager(Agreement.partner), contains_eager(Agreement.school))
        .where(status_condition(Status.EXPIRING, today))
        .order_by(Agreement.valid_until, School.short_name)
        .limit(limit)
    )
    if school_id is not None:
        stmt = stmt.where(Agreement.school_id == school_id)
    return list(db.session.scalars(stmt))


def count_expiring(today: date, school_id: int | None = None) -> int:
    stmt = (
        select(func.count()).select_from(Agreement).where(status_condition(Status.EXPIRING, today))
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
        table.setdefault(school_id, dict.fromkeys(PARTNER_KIND_CODES, 0))[kind] = n
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
    totals = dict.fromkeys(PARTNER_KIND_CODES, 0)
    for school in schools:
        by_kind = counts.get(school.id, dict.fromkeys(PARTNER_KIND_CODES, 0))
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


def expiry_horizon(today: date) -> date:
    return today + timedelta(days=EXPIRING_DAYS)
