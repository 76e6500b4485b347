"""The department writes campaigns: their window, schools and links, closing early or
extending, and one-time codes for paper slips. Functions add and flush; views commit."""

from datetime import date, datetime, time

from sqlalchemy import select

from proforient.core.timeutil import academic_year_label, from_local, utcnow
from proforient.extensions import db
from proforient.surveys.models import Audience, Campaign, CampaignSchool
from proforient.surveys.response_models import OneTimeCode, Response
from proforient.surveys.tokens import new_code, new_token

MAX_CODES = 500  # per request: a class, or a whole grade of a large school
# Codes a coordinator may make per grade beyond its enrolment: slips get lost or spoilt
# and are replaced, and the enrolment recorded at the start of the year drifts as
# children arrive. A tenth of the grade, at least five (a small rural class still needs
# a few spares).
CODE_MARGIN_SHARE = 10  # per cent
CODE_MARGIN_MIN = 5


def default_title(audience: str, academic_year: int) -> str:
    return f"Анкетирование {Audience(audience).genitive}, {academic_year_label(academic_year)}"


def default_window(academic_year: int) -> tuple[datetime, datetime]:
    """1 April 08:00 – 31 May 23:59 of the academic year, in the department's zone."""
    spring = academic_year + 1
    return datetime(spring, 4, 1, 8, 0), datetime(spring, 5, 31, 23, 59)


def local_end_of_day(day: date) -> datetime:
    return from_local(datetime.combine(day, time(23, 59)))


def save_campaign(campaign: Campaign, form) -> list[str]:
    """Apply CampaignForm; returns warnings (schools kept because they have answers)."""
    campaign.questionnaire_id = form.questionnaire_id.data
    campaign.audience = form.audience.data
    campaign.academic_year = form.academic_year.data
    campaign.title = (form.title.data or "").strip() or default_title(
        campaign.audience, campaign.academic_year
    )
    campaign.opens_at = from_local(form.opens_at.data)
    campaign.closes_at = from_local(form.closes_at.data)
    campaign.uses_codes = bool(form.uses_codes.data)
    db.session.add(campaign)
    db.session.flush()
    return sync_schools(campaign, form.schools.data or [])


def sync_schools(campaign: Campaign, school_ids: list[int]) -> list[str]:
    wanted = set(school_ids)
    current = {link.school_id: link for link in campaign.links}
    for school_id in wanted - current.keys():
        campaign.links.append(CampaignSchool(school_id=school_id, token=new_token()))
    warnings = []
    dropped = [current[s] for s in current.keys() - wanted]
    if dropped:
        answered = set(
            db.session.scalars(
                select(Response.school_id)
                .where(
                    Response.campaign_id == campaign.id,
                    Response.school_id.in_([link.school_id for link in dropped]),
                )
                .distinct()
            )
        )
        for link in dropped:
            if link.school_id in answered:
                warnings.append(
                    f"Школа «{link.school.short_name}» оставлена в опросе: от неё уже есть ответы."
                )
            else:
                campaign.links.remove(link)
    db.session.flush()
    return warnings


def close_early(campaign: Campaign) -> bool:
    now = utcnow()
    if campaign.state(now) != Campaign.OPEN:
        return False
    campaign.closes_at = now
    db.session.flush()
    return True


def extend(campaign: Campaign, closes_at_local: datetime) -> None:
    campaign.closes_at = from_local(closes_at_local)
    db.session.flush()


def code_margin(enrolment: int) -> int:
    """Spare codes a grade of `enrolment` students may have beyond one each."""
    return max(CODE_MARGIN_MIN, -(-enrolment * CODE_MARGIN_SHARE // 100))


def code_limit(enrolment: int) -> int:
    """Codes a coordinator may make for a grade in all: enrolment plus the margin."""
    return enrolment + code_margin(enrolment)


def generate_codes(link: CampaignSchool, grade: int, quantity: int) -> list[str]:
    """`quantity` new random codes for one grade of the link's school. Codes are unique
    over all campaigns (a unique constraint); the rare clash is simply drawn again."""
    fresh: set[str] = set()
    while len(fresh) < quantity:
        batch = {new_code() for _ in range(quantity - len(fresh))} - fresh
        taken = set(db.session.scalars(select(OneTimeCode.code).where(OneTimeCode.code.in_(batch))))
        fresh |= batch - taken
    codes = sorted(fresh)
    db.session.execute(
        OneTimeCode.__table__.insert(),
        [{"campaign_school_id": link.id, "grade": grade, "code": c, "used": False} for c in codes],
    )
    db.session.flush()
    return codes
