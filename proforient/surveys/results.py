"""Survey results of one group (a school, or the district) beside the district's: counts,
shares and means per question and the satisfaction level. Every figure comes from the
aggregates (`aggregates`), so a page costs a fixed number of queries whatever the number
of responses; each question's type summarises its own tally (`qtypes`).

A group with fewer than `SURVEY_MIN_GROUP` responses shows no figures and no free texts
(docs/anonymity.md).
"""

from dataclasses import dataclass, field

from proforient.schools.services import enrolment_in_grades
from proforient.surveys.aggregates import (
    Counts,
    Filters,
    SchoolRows,
    answer_tallies,
    latest_texts,
    min_group,
    response_counts,
    school_rows,
    surveyed_grades,
)
from proforient.surveys.limits import SATISFIED_MIN
from proforient.surveys.models import Campaign
from proforient.surveys.qtypes import QuestionResult, Tally
from proforient.surveys.qtypes.base import share
from proforient.surveys.spec import SurveySpec, build_spec

SUPPRESSED = "недостаточно ответов"


def index_level(spec: SurveySpec, tallies: dict[int, Tally], i: int) -> tuple[float | None, int]:
    """Share of [index] answers scoring in the top two points, and the number of them."""
    top = total = 0
    for q in spec.questions:
        if not q.in_index:
            continue
        tally = tallies.get(q.id)
        if tally is None:
            continue
        for scores in q.qtype.score_maps(tally):
            for value, pair in scores.items():
                total += pair[i]
                if value >= SATISFIED_MIN:
                    top += pair[i]
    return share(top, total), total


# --- The results page -----------------------------------------------------------------------


@dataclass
class Results:
    campaign: Campaign
    spec: SurveySpec
    filters: Filters
    minimum: int
    n: int
    district_n: int
    enrolment: int
    district_enrolment: int
    satisfaction: float | None = None
    district_satisfaction: float | None = None
    index_answers: int = 0
    questions: list[QuestionResult] = field(default_factory=list)
    counts: Counts | None = None  # responses per school × grade, for other figures

    @property
    def compare(self) -> bool:
        """A school is chosen: the district figure goes beside it."""
        return self.filters.school_id is not None

    @property
    def suppressed(self) -> bool:
        return self.n < self.minimum

    @property
    def district_suppressed(self) -> bool:
        return self.district_n < self.minimum

    @property
    def rate(self) -> float | None:
        return share(self.n, self.enrolment)

    @property
    def district_rate(self) -> float | None:
        return share(self.district_n, self.district_enrolment)


@dataclass
class CampaignData:
    """What every group's results of a campaign (and grade) are computed from: loaded
    once, then each school's results cost no query (printing every school's summary)."""

    campaign: Campaign
    spec: SurveySpec
    grade: int | None
    counts: Counts
    enrolment: dict[int, int]
    by_school: SchoolRows


def load_campaign(
    campaign: Campaign,
    school_ids: list[int],
    grade: int | None = None,
    spec: SurveySpec | None = None,
) -> CampaignData:
    """`school_ids`: the campaign's schools (the district's enrolment base)."""
    spec = spec or build_spec(campaign.questionnaire_id)
    enrolment = enrolment_in_grades(surveyed_grades(spec, grade), school_ids)
    counts = response_counts(campaign.id)
    return CampaignData(campaign, spec, grade, counts, enrolment, school_rows(campaign, grade))


def results_for(data: CampaignData, school_id: int | None) -> Results:
    """One group's results (a school, or the district when None) beside the district's,
    without free texts, from loaded data."""
    filters = Filters(school_id, data.grade)
    n = data.counts.n(school_id, data.grade)
    district_n = data.counts.n(None, data.grade)
    total = sum(data.enrolment.values())
    results = Results(
        data.campaign,
        data.spec,
        filters,
        min_group(),
        n=n,
        district_n=district_n,
        enrolment=data.enrolment.get(school_id, 0) if school_id is not None else total,
        district_enrolment=total,
        counts=data.counts,
    )
    if results.district_suppressed:
        # Nothing to show anywhere: the school is part of the district.
        return results
    tallies = answer_tallies(data.by_school, school_id)
    group_level, results.index_answers = index_level(data.spec, tallies, 0)
    results.satisfaction = None if results.suppressed else group_level
    results.district_satisfaction, _ = index_level(data.spec, tallies, 1)
    for q in data.spec.questions:
        results.questions.append(q.qtype.summarise(q, tallies.get(q.id, Tally()), (n, district_n)))
    return results


def campaign_results(
    campaign: Campaign,
    filters: Filters,
    school_ids: list[int],
    spec: SurveySpec | None = None,
) -> Results:
    """Everything the results page shows for one group (`filters`) and the district, with
    the group's latest free texts. `school_ids`: the campaign's schools."""
    data = load_campaign(campaign, school_ids, filters.grade, spec)
    results = results_for(data, filters.school_id)
    if results.suppressed or results.district_suppressed:
        return results
    texts = latest_texts(campaign.id, filters)
    for result in results.questions:
        result.texts, result.texts_total = texts.get(result.q.id, ([], 0))
    return results
