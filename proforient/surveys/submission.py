"""Accepting a submitted form exactly once: check its signed key, run every question's
type over the answers, then store the response — one INSERT for the response, one upsert
for the link's per-minute ceiling (`throttle`), one executemany for the answers and one
for the answer tallies (an upsert per distinct key, which keeps results cheap). Core
statements on the session's connection, built once: this path serves thousands of phones.

What is stored and what is not: docs/anonymity.md.
"""

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from proforient.core.timeutil import local_today
from proforient.extensions import db
from proforient.surveys.caches import invalidate_spec
from proforient.surveys.links import LinkInfo
from proforient.surveys.response_models import Answer, AnswerText, OneTimeCode, Response
from proforient.surveys.spec import SurveySpec
from proforient.surveys.tallies import tally_rows, upsert_statement
from proforient.surveys.throttle import take_slot
from proforient.surveys.tokens import KEY_BAD, KEY_EXPIRED, read_key

RESPONSE_INSERT = Response.__table__.insert()
ANSWER_INSERT = Answer.__table__.insert()
TEXT_INSERT = AnswerText.__table__.insert()
KEY_STORED = select(Response.__table__.c.id).where(
    Response.__table__.c.submission_key == bindparam("key")
)
_code = OneTimeCode.__table__.c
SPEND_CODE = (
    OneTimeCode.__table__.update()
    .where(
        _code.code == bindparam("the_code"),
        _code.campaign_school_id == bindparam("link_id"),
        _code.used.is_(False),
    )
    .values(used=True)
)

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
