"""A school's survey link: its address as people get it, and what the public form reads
about it by token.

The address is printed on invitation sheets and code slips and in their QR codes, copied
from the campaign page and the home panel, listed by `flask survey-links`: every one of
them comes from `survey_url`.

The public form reads a link in one joined SELECT built once (building a SELECT costs more
than running it on SQLite), run on the session's connection (Core), skipping the ORM's
per-statement bookkeeping.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, request, url_for
from sqlalchemy import bindparam, select

from proforient.extensions import db
from proforient.schools.models import School
from proforient.surveys.models import Campaign, CampaignSchool, CampaignState
from proforient.surveys.response_models import OneTimeCode
from proforient.surveys.tokens import CODE_RE, TOKEN_RE


def survey_url(token: str, base_url: str | None = None) -> str:
    """The absolute respondent link `/s/<token>`.

    Its address is, first found: `base_url` (the command line's --base-url), then
    PUBLIC_BASE_URL (the address phones reach, which may differ from the one the
    department's PC uses), then the address the current request came to — https:// and
    the public host name behind a proxy when PROXY_COUNT is set."""
    base = base_url or current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return base.rstrip("/") + url_for("respond.form", token=token)


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

    def state(self, now: datetime | None = None) -> CampaignState:
        return CampaignState.of(self.opens_at, self.closes_at, now)


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


def find_link(token: str) -> LinkInfo | None:
    """The link of a token, read now (`caches.cached_link` may reuse a recent read)."""
    if not TOKEN_RE.fullmatch(token):
        return None
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
