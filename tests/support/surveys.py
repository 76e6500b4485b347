"""Helpers shared by the survey tests (no tests here)."""

import re
from datetime import timedelta

from sqlalchemy import select

from proforient.core.timeutil import utcnow
from proforient.extensions import db
from proforient.surveys import defaults
from proforient.surveys.caches import invalidate_spec
from proforient.surveys.models import Campaign, CampaignSchool, Questionnaire
from proforient.surveys.spec import build_spec
from proforient.surveys.tokens import new_token


def default_questionnaire(audience: str = "students") -> Questionnaire:
    defaults.install(db.session.connection())
    db.session.commit()
    title = defaults.STUDENTS_TITLE if audience == "students" else defaults.PARENTS_TITLE
    return db.session.scalar(select(Questionnaire).where(Questionnaire.title == title))


def make_campaign(
    schools,
    audience: str = "students",
    *,
    uses_codes: bool = False,
    opens_in: timedelta = timedelta(days=-1),
    closes_in: timedelta = timedelta(days=30),
    questionnaire: Questionnaire | None = None,
) -> Campaign:
    invalidate_spec()
    qn = questionnaire or default_questionnaire(audience)
    now = utcnow()
    campaign = Campaign(
        title=f"Опрос {audience}",
        questionnaire_id=qn.id,
        audience=audience,
        academic_year=2026,
        opens_at=now + opens_in,
        closes_at=now + closes_in,
        uses_codes=uses_codes,
    )
    campaign.links = [CampaignSchool(school_id=s.id, token=new_token()) for s in schools]
    db.session.add(campaign)
    db.session.commit()
    return campaign


def link_of(campaign: Campaign, school) -> CampaignSchool:
    return next(link for link in campaign.links if link.school_id == school.id)


def form_key(html: str) -> str:
    return re.search(r'name="key" value="([^"]+)"', html).group(1)


def valid_answers(campaign: Campaign, grade_index: int = 0, text: str = "Больше экскурсий"):
    """A complete, valid set of answers for the campaign's questionnaire."""
    spec = build_spec(campaign.questionnaire_id)
    data: dict[str, object] = {}
    for q in spec.questions:
        if q.kind in ("single", "satisfaction"):
            option = q.options[grade_index if q.is_grade else 0]
            data[q.name] = str(option.id)
        elif q.kind == "multiple":
            data[q.name] = [str(o.id) for o in q.options[:2] if not o.is_other]
        elif q.kind == "rating":
            data[q.name] = "4"
        elif q.kind == "matrix":
            for i, row in enumerate(q.rows):
                data[f"{q.name}_r{row.id}"] = str(5 - i % 2)
        elif q.kind == "text":
            data[q.name] = text
    return spec, data
