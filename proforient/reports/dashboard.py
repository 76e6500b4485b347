"""The home page's dashboard: the indicator cards of the reporting year with the change
from the year before, the state of the year's school forms, and survey turnout per school
for the campaigns open now. The department sees the district; a coordinator their school."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from proforient.core.access import user_school_id
from proforient.core.timeutil import local_today, reporting_year
from proforient.extensions import db
from proforient.indicators import indicator_table
from proforient.monitoring import queries as monitoring_queries
from proforient.monitoring.models import Status
from proforient.surveys import queries as surveys
from proforient.surveys.models import Campaign

DISTRICT_CARDS = (
    "events",
    "participations",
    "children",
    "winners",
    "agreements",
    "schools_with_agreement",
    "students_satisfaction",
    "parents_satisfaction",
)
SCHOOL_CARDS = (
    "events",
    "participations",
    "children",
    "winners",
    "agreements",
    "prof_trial_students",
    "students_satisfaction",
    "parents_satisfaction",
)
# Cards whose share says something at a glance (a share of participations does not).
SHARE_KEYS = ("children", "schools_with_agreement")
STATES = (Status.SUBMITTED, Status.RETURNED, Status.DRAFT, Status.NOT_STARTED)


@dataclass
class FormState:
    label: str
    counts: dict[str, int]  # status -> schools (one school: 1 in its status)
    schools: int
    closes_on: object = None


def form_states(year: int, school_id: int | None) -> list[FormState]:
    """Each form of the year and how far the schools (or the one school) got with it."""
    today = local_today()
    if school_id is None:
        return [
            FormState(s.period.kind_label, s.counts, s.schools, s.period.closes_on)
            for s in monitoring_queries.period_summaries(today)
            if s.period.year == year
        ]
    return [
        FormState(
            r.period.kind_label,
            {status: int(status == r.status) for status in STATES},
            1,
            r.period.closes_on,
        )
        for r in monitoring_queries.school_period_rows(school_id, today)
        if r.period.year == year
    ]


# Above this many schools a chart shows the lowest turnouts and those over 100 % only.
CHART_ROWS = 30


def chart_rows(turnout: surveys.Turnout) -> list[surveys.TurnoutRow]:
    """The schools a turnout chart shows, highest rate first."""
    rows = sorted(turnout.rows, key=lambda r: (-r.rate_key, r.school.short_name))
    if len(rows) <= CHART_ROWS:
        return rows
    over = [r for r in rows if (r.rate or 0) > 1]
    return over + rows[-(CHART_ROWS // 2) :]


def open_turnout(school_id: int | None):
    """(campaign, turnout, the rows its chart shows) for each campaign open now."""
    campaigns = db.session.scalars(
        select(Campaign)
        .where(Campaign.open_now())
        .order_by(Campaign.audience.desc(), Campaign.closes_at)
    ).all()
    out = []
    for campaign in campaigns:
        turnout = surveys.turnout(campaign, school_id)
        if turnout.rows:
            out.append((campaign, turnout, chart_rows(turnout)))
    return out


def home_panel():
    if not current_user.is_authenticated:
        return None
    year = reporting_year()
    school_id = user_school_id()
    table = indicator_table(year)
    row = table.district if school_id is None else table.row(school_id)
    if row is None:
        return None
    keys = DISTRICT_CARDS if school_id is None else SCHOOL_CARDS
    return render_template(
        "reports/_dashboard.html",
        year=year,
        row=row,
        cards=[row[k] for k in keys],
        forms=form_states(year, school_id),
        turnout=open_turnout(school_id),
        department=school_id is None,
        states=STATES,
        share_keys=SHARE_KEYS,
    )
