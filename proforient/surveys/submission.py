"""The respondent's side: find a link by its token, build the form's structure, accept a
submission exactly once.

This path serves thousands of phones, so it avoids the ORM's object machinery: the
questionnaire structure is cached per process as frozen data, the link is one joined
SELECT, and a submission is one INSERT for the response, one upsert for the link's
per-minute ceiling (`throttle`), one executemany for answers and one for the answer
tallies (an upsert per distinct key, which keeps results cheap).

Submission keys: each rendered form carries `nonce.timestamp.signature`, signed by the
server (itsdangerous, the app's secret key and its own salt) over the link's token and a
random nonce. A made-up key, a key from another link's form, or one older than
`SURVEY_KEY_MAX_AGE` is refused; only the nonce is stored (unique), so a double click,
a refresh or a network retry still stores one response, and no issue time is kept.
"""

import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from proforient.core.timeutil import local_today, utcnow
from proforient.extensions import db
from proforient.schools.models import School
from proforient.surveys.models import (
    Answer,
    AnswerText,
    Campaign,
    CampaignSchool,
    OneTimeCode,
    Question,
    Questionnaire,
    QuestionOption,
    QuestionRow,
    Response,
)
from proforient.surveys.qtypes import OptionSpec, QuestionSpec, RowSpec
from proforient.surveys.tallies import tally_rows, upsert_statement
from proforient.surveys.throttle import take_slot

# Links: 20 characters from 31 (no 0/o, 1/l/i): log2(31) * 20 ≈ 99 bits, easy to retype.
TOKEN_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
TOKEN_LENGTH = 20
TOKEN_RE = re.compile(f"[{TOKEN_ALPHABET}]{{{TOKEN_LENGTH}}}")

# One-time codes on paper slips: 8 capitals and digits without 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
CODE_RE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")

# The nonce of a submission key: 128 random bits, URL-safe base64 (what is stored).
KEY_RE = re.compile(r"[A-Za-z0-9_-]{22}")
KEY_SALT = "proforient.survey-submission-key"
KEY_MAX_LENGTH = 100  # a signed key is 57 characters; anything much longer is junk

SPEC_TTL = 30.0  # seconds; edits in this process invalidate at once


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_submission_key() -> str:
    """A random nonce (unsigned): what a response stores as its submission key."""
    return secrets.token_urlsafe(16)


_signers: dict[str, TimestampSigner] = {}


def _signer() -> TimestampSigner:
    secret = current_app.secret_key
    signer = _signers.get(secret)
    if signer is None:
        signer = _signers[secret] = TimestampSigner(secret, salt=KEY_SALT)
    return signer


def issue_key(token: str) -> str:
    """A fresh submission key for a form of the link `token`: `nonce.timestamp.signature`,
    the signature covering the token too (which the key itself does not repeat)."""
    signed = _signer().sign(f"{token}.{new_submission_key()}").decode()
    return signed[len(token) + 1 :]


KEY_OK = "ok"
KEY_BAD = "bad"  # missing, made up, tampered with, or issued for another link
KEY_EXPIRED = "expired"  # genuine but older than SURVEY_KEY_MAX_AGE


def read_key(token: str, key: str, max_age: int) -> tuple[str, str | None]:
    """(KEY_OK | KEY_EXPIRED | KEY_BAD, the nonce or None) of a posted key."""
    if not key or len(key) > KEY_MAX_LENGTH:
        return KEY_BAD, None
    status = KEY_OK
    try:
        value = _signer().unsign(f"{token}.{key}", max_age=max_age)
    except SignatureExpired as exc:  # the signature is genuine, only too old
        value, status = exc.payload, KEY_EXPIRED
    except BadSignature:
        return KEY_BAD, None
    nonce = value.decode()[len(token) + 1 :] if isinstance(value, bytes) else None
    if nonce is None or not KEY_RE.fullmatch(nonce):
        return KEY_BAD, None
    return status, nonce


def normalise_code(raw: str | None) -> str:
    """What people type from paper: any case, with spaces or a dash."""
    return re.sub(r"[\s\-]", "", raw or "").upper()[:32]


def format_code(code: str) -> str:
    """ABCD-EFGH: easier to read aloud and copy."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


# --- The questionnaire's structure, cached per process ----------------------------------


@dataclass(frozen=True)
class SurveySpec:
    questionnaire_id: int
    title: str
    intro: str
    minutes: int
    questions: tuple[QuestionSpec, ...]
    grades: tuple[int, ...] = field(default=())  # values of the [grade] question's options
    stamp: float = 0.0  # when it was built: keys caches derived from it (rendered HTML)


_cache: dict[int, tuple[float, SurveySpec]] = {}
_cache_lock = threading.Lock()


def build_spec(questionnaire_id: int) -> SurveySpec | None:
    qn = db.session.execute(
        select(Questionnaire.title, Questionnaire.intro, Questionnaire.minutes).where(
            Questionnaire.id == questionnaire_id
        )
    ).first()
    if qn is None:
        return None
    questions = (
        db.session.execute(
            select(Question)
            .where(Question.questionnaire_id == questionnaire_id)
            .order_by(Question.position, Question.id)
        )
        .scalars()
        .all()
    )
    ids = [q.id for q in questions]
    options: dict[int, list[OptionSpec]] = {i: [] for i in ids}
    rows: dict[int, list[RowSpec]] = {i: [] for i in ids}
    if ids:
        for o in db.session.execute(
            select(
                QuestionOption.id,
                QuestionOption.question_id,
                QuestionOption.label,
                QuestionOption.value,
                QuestionOption.is_other,
            )
            .where(QuestionOption.question_id.in_(ids))
            .order_by(QuestionOption.position, QuestionOption.id)
        ):
            options[o.question_id].append(OptionSpec(o.id, o.label, o.value, o.is_other))
        for r in db.session.execute(
            select(QuestionRow.id, QuestionRow.question_id, QuestionRow.label)
            .where(QuestionRow.question_id.in_(ids))
            .order_by(QuestionRow.position, QuestionRow.id)
        ):
            rows[r.question_id].append(RowSpec(r.id, r.label))
    specs = []
    grades: tuple[int, ...] = ()
    for number, q in enumerate(questions, start=1):
        opts = tuple(options[q.id])
        specs.append(
            QuestionSpec(
                id=q.id,
                number=number,
                kind=q.kind,
                text=q.text,
                hint=q.hint,
                required=q.required,
                is_grade=q.is_grade,
                in_index=q.in_index,
                max_choices=q.max_choices,
                allow_other=q.allow_other,
                options=opts,
                rows=tuple(rows[q.id]),
                option_by_id={o.id: o for o in opts},
            )
        )
        if q.is_grade:
            grades = tuple(sorted({o.value for o in opts if o.value}))
    return SurveySpec(
        questionnaire_id, qn.title, qn.intro, qn.minutes, tuple(specs), grades, time.monotonic()
    )


def survey_spec(questionnaire_id: int) -> SurveySpec | None:
    now = time.monotonic()
    hit = _cache.get(questionnaire_id)
    if hit is not None and now - hit[0] < SPEC_TTL:
        return hit[1]
    spec = build_spec(questionnaire_id)
    if spec is not None:
        with _cache_lock:
            _cache[questionnaire_id] = (now, spec)
    return spec


def invalidate_spec(questionnaire_id: int | None = None) -> None:
    with _cache_lock:
        if questionnaire_id is None:
            _cache.clear()
        else:
            _cache.pop(questionnaire_id, None)


# --- Links --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkInfo:
    id: int
    token: str
    campaign_id: int
    school_id: int
    school_name: str
    questionnaire_id: int
    opens_at: datetime
    closes_at: datetime
    uses_codes: bool

    def state(self, now: datetime | None = None) -> str:
        now = now or utcnow()
        if now < self.opens_at:
            return Campaign.DRAFT
        if now >= self.closes_at:
            return Campaign.CLOSED
        return Campaign.OPEN


# Statements of the respondent path are built once: building a SELECT costs more than
# running it on SQLite. They run on the session's connection (Core), skipping the ORM's
# per-statement bookkeeping.
_cs, _c, _s = CampaignSchool.__table__.c, Campaign.__table__.c, School.__table__.c
FIND_LINK = (
    select(
        _cs.id,
        _cs.campaign_id,
        _cs.school_id,
        _s.short_name,
        _c.questionnaire_id,
        _c.opens_at,
        _c.closes_at,
        _c.uses_codes,
    )
    .join_from(CampaignSchool.__table__, Campaign.__table__, _c.id == _cs.campaign_id)
    .join(School.__table__, _s.id == _cs.school_id)
    .where(_cs.token == bindparam("token"))
)
_code = OneTimeCode.__table__.c
CODE_USED_Q = select(_code.used).where(
    _code.code == bindparam("code"), _code.campaign_school_id == bindparam("link_id")
)
SPEND_CODE = (
    OneTimeCode.__table__.update()
    .where(
        _code.code == bindparam("the_code"),
        _code.campaign_school_id == bindparam("link_id"),
        _code.used.is_(False),
    )
    .values(used=True)
)
RESPONSE_INSERT = Response.__table__.insert()
ANSWER_INSERT = Answer.__table__.insert()
TEXT_INSERT = AnswerText.__table__.insert()
KEY_STORED = select(Response.__table__.c.id).where(
    Response.__table__.c.submission_key == bindparam("key")
)


LINK_TTL = 5.0  # seconds a link read for showing a form may be reused
_links: dict[str, tuple[float, LinkInfo]] = {}


def find_link(token: str, cached: bool = False) -> LinkInfo | None:
    """The link of a token. `cached`: a copy up to LINK_TTL old will do (to show a form;
    answers are always checked against the database)."""
    if not TOKEN_RE.fullmatch(token):
        return None
    if cached:
        hit = _links.get(token)
        now = time.monotonic()
        if hit is not None and now - hit[0] < LINK_TTL:
            return hit[1]
        link = find_link(token)
        if link is not None:
            if len(_links) > 10_000:
                _links.clear()
            _links[token] = (now, link)
        return link
    row = db.session.connection().execute(FIND_LINK, {"token": token}).first()
    if row is None:
        return None
    return LinkInfo(
        id=row.id,
        token=token,
        campaign_id=row.campaign_id,
        school_id=row.school_id,
        school_name=row.short_name,
        questionnaire_id=row.questionnaire_id,
        opens_at=row.opens_at,
        closes_at=row.closes_at,
        uses_codes=row.uses_codes,
    )


CODE_UNKNOWN = "unknown"
CODE_USED = "used"
CODE_OK = "ok"


def check_code(link: LinkInfo, code: str) -> str:
    if not CODE_RE.fullmatch(code):
        return CODE_UNKNOWN
    used = db.session.connection().execute(CODE_USED_Q, {"code": code, "link_id": link.id}).scalar()
    if used is None:
        return CODE_UNKNOWN
    return CODE_USED if used else CODE_OK


# --- Submission ---------------------------------------------------------------------------

ACCEPTED = "accepted"  # stored now
REPEATED = "repeated"  # this form was stored before (double click, refresh, retry)
INVALID = "invalid"  # answers need fixing; `values` and `errors` to show them again
BAD_KEY = "bad_key"  # the hidden key is missing, made up or another link's: fresh form
EXPIRED = "expired"  # the form was opened longer ago than SURVEY_KEY_MAX_AGE: fresh form
BUSY = "busy"  # the link took its answers for this minute: send again in a minute
CODE_SPENT = "code_spent"  # the one-time code has been used by someone else
CHANGED = "changed"  # the questionnaire changed under the respondent: show it again


@dataclass
class Outcome:
    status: str
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)


def parse_answers(spec: SurveySpec, form):
    """Run every question's type over the form: (values, errors, answers, texts, grade)."""
    values, errors, answers, texts = {}, {}, [], []
    grade = None
    for q in spec.questions:
        parsed = q.qtype.parse(q, form)
        values[q.id] = parsed.kept
        if parsed.error:
            errors[q.id] = parsed.error
            continue
        for option_id, row_id, value in parsed.answers:
            answers.append(
                {"question_id": q.id, "option_id": option_id, "row_id": row_id, "value": value}
            )
        for text in parsed.texts:
            texts.append({"question_id": q.id, "text": text})
        if parsed.grade is not None:
            grade = parsed.grade
    return values, errors, answers, texts, grade


def submit(link: LinkInfo, spec: SurveySpec, form, code: str = "") -> Outcome:
    """Store one response, exactly once per submission key (and per one-time code).

    The key must be signed for this link and not too old. Its unique nonce is the guard
    against repeats: a repeated POST fails on the constraint, the transaction is rolled
    back and the caller shows the thank-you page again. Then the link must be under its
    per-minute ceiling. The answer tallies are updated in the same transaction. The
    caller commits on ACCEPTED.
    """
    config = current_app.config
    status, nonce = read_key(link.token, form.get("key", ""), config["SURVEY_KEY_MAX_AGE"])
    if status == KEY_BAD:
        return Outcome(BAD_KEY)
    if status == KEY_EXPIRED:
        # A late retry of a form that was stored in time is still a repeat.
        stored = db.session.connection().execute(KEY_STORED, {"key": nonce}).scalar()
        return Outcome(REPEATED if stored is not None else EXPIRED)
    values, errors, answers, texts, grade = parse_answers(spec, form)
    if errors:
        return Outcome(INVALID, values, errors)
    conn = db.session.connection()
    try:
        result = conn.execute(
            RESPONSE_INSERT,
            {
                "campaign_id": link.campaign_id,
                "school_id": link.school_id,
                "grade": grade,
                "submitted_on": local_today(),
                "submission_key": nonce,
            },
        )
        response_id = result.inserted_primary_key[0]
        # After the key (a repeat is thanked, not refused), before the answers.
        if not take_slot(conn, link.id, config["SURVEY_LINK_MAX_PER_MINUTE"]):
            db.session.rollback()
            return Outcome(BUSY, values)
        if answers:
            for row in answers:
                row["response_id"] = response_id
            conn.execute(ANSWER_INSERT, answers)
        if texts:
            for row in texts:
                row["response_id"] = response_id
            conn.execute(TEXT_INSERT, texts)
        if link.uses_codes:
            # Spend the code in the same transaction; nothing ties it to the response.
            spent = conn.execute(SPEND_CODE, {"the_code": code, "link_id": link.id}).rowcount
            if spent != 1:
                db.session.rollback()
                return Outcome(CODE_SPENT)
        if answers:
            # Last, after every check that can refuse the response: the tallies change
            # only with a response that is kept (rollback undoes them with the rest).
            conn.execute(
                upsert_statement(conn),
                tally_rows(link.campaign_id, link.school_id, grade, answers),
            )
    except IntegrityError:
        db.session.rollback()
        stored = db.session.connection().execute(KEY_STORED, {"key": nonce}).scalar()
        if stored is not None:
            return Outcome(REPEATED)
        # An option or question vanished (the questionnaire was edited): start over.
        invalidate_spec(spec.questionnaire_id)
        return Outcome(CHANGED)
    return Outcome(ACCEPTED)
