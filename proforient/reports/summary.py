"""What a school's printed summary holds, gathered from the indicator set and the feature
services. `SummarySource` loads a year once for any number of schools, so printing every
school costs the same number of queries as printing one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from proforient.agreements.indicators import AgreementLine, in_force_lists, indicator_day
from proforient.events.breakdown import ParticipationBreakdown, participation_breakdowns
from proforient.extensions import db
from proforient.indicators import (
    History,
    Indicator,
    IndicatorTable,
    Row,
    district_history,
)
from proforient.monitoring.rules import GraduateValues
from proforient.schools.models import School
from proforient.surveys.models import Audience, Campaign, CampaignSchool
from proforient.surveys.results import CampaignData, Results, load_campaign, results_for

# A school's figures worth following over the years (its share of schools with an
# agreement is 0 or 1, its response counts say little without their base).
DYNAMICS = (
    "events",
    "participations",
    "children",
    "winners",
    "prizewinners",
    "agreements",
    "prof_trial_students",
    "students_satisfaction",
    "parents_satisfaction",
)
COVERAGE_KEYS = {Audience.STUDENTS: "students_responses", Audience.PARENTS: "parents_responses"}
LEVEL_KEYS = {Audience.STUDENTS: "students_satisfaction", Audience.PARENTS: "parents_satisfaction"}


@dataclass
class SurveySection:
    """One campaign's results for the school beside the district's."""

    campaign: Campaign
    results: Results
    coverage: Indicator  # the set's figure for the audience (all the year's campaigns)
    level: Indicator
    district_level: Indicator


@dataclass
class SchoolSummary:
    year: int
    school: School
    row: Row
    district: Row
    breakdown: ParticipationBreakdown
    agreements: list[AgreementLine]
    agreements_day: object
    graduates: GraduateValues | None
    surveys: list[SurveySection]
    # Every year with data: {measure key: {year: value}}, and those years.
    history: dict[str, dict[int, Indicator]]
    history_years: list[int]


class SummarySource:
    """The year's data for the summaries of `school_ids` (active schools)."""

    def __init__(
        self,
        year: int,
        school_ids: list[int],
        loaded: tuple[History, IndicatorTable] | None = None,
    ):
        self.year = year
        self.history, self.table = loaded or district_history(year)
        self.schools = {
            s.id: s for s in db.session.scalars(select(School).where(School.id.in_(school_ids)))
        }
        self.breakdowns = participation_breakdowns(year, school_ids)
        self.agreements = in_force_lists(school_ids, year)
        self.campaigns = self._campaigns(year)

    @staticmethod
    def _campaigns(year: int) -> list[tuple[CampaignData, set[int]]]:
        """The year's campaigns (students first) with their loaded results data and the
        schools each includes: a fixed number of queries per campaign."""
        campaigns = db.session.scalars(
            select(Campaign)
            .where(Campaign.academic_year == year)
            .order_by(Campaign.audience.desc(), Campaign.opens_at, Campaign.id)
        ).all()
        if not campaigns:
            return []
        members: dict[int, set[int]] = {c.id: set() for c in campaigns}
        for campaign_id, school_id in db.session.execute(
            select(CampaignSchool.campaign_id, CampaignSchool.school_id).where(
                CampaignSchool.campaign_id.in_(list(members))
            )
        ):
            members[campaign_id].add(school_id)
        return [(load_campaign(c, sorted(members[c.id])), members[c.id]) for c in campaigns]

    def summary(self, school_id: int) -> SchoolSummary | None:
        row = self.table.row(school_id)
        school = self.schools.get(school_id)
        if row is None or school is None:
            return None
        district = self.table.district
        sections = [
            SurveySection(
                data.campaign,
                results_for(data, school_id),
                row[COVERAGE_KEYS[data.campaign.audience]],
                row[LEVEL_KEYS[data.campaign.audience]],
                district[LEVEL_KEYS[data.campaign.audience]],
            )
            for data, members in self.campaigns
            if school_id in members
        ]
        return SchoolSummary(
            year=self.year,
            school=school,
            row=row,
            district=district,
            breakdown=self.breakdowns[school_id],
            agreements=self.agreements[school_id],
            agreements_day=indicator_day(self.year),
            graduates=self.table.facts[school_id].graduates,
            surveys=sections,
            history=self.history.schools.get(school_id, {}),
            history_years=self.history.school_years(school_id, DYNAMICS),
        )
