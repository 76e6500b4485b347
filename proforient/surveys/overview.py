"""The district overview of a campaign: one row per school with its responses, response
rate, satisfaction level and per-item index figures, and the district total. A fixed
number of queries; a school under `SURVEY_MIN_GROUP` responses shows no figures.
"""

from dataclasses import dataclass, field

from proforient.schools.models import School
from proforient.schools.services import enrolment_in_grades
from proforient.surveys.aggregates import (
    SchoolRows,
    campaign_schools,
    min_group,
    response_counts,
    school_rows,
    surveyed_grades,
)
from proforient.surveys.limits import SATISFIED_MIN
from proforient.surveys.models import Campaign
from proforient.surveys.qtypes.base import share
from proforient.surveys.spec import SurveySpec, build_spec


@dataclass
class IndexItem:
    """A column of per-school index figures: a scored question or one matrix row."""

    question_id: int
    row_id: int | None
    label: str


def index_items(spec: SurveySpec) -> list[IndexItem]:
    items = []
    for q in spec.questions:
        if not q.in_index:
            continue
        items.extend(IndexItem(q.id, row_id, label) for row_id, label in q.qtype.index_items(q))
    return items


@dataclass
class SchoolFigures:
    school: School
    n: int
    enrolment: int
    minimum: int
    answers: int = 0  # index answers
    satisfied_answers: int = 0
    # (question_id, row_id) → [answers, sum of scores, satisfied answers]
    items: dict[tuple[int, int | None], list[int]] = field(default_factory=dict)

    @property
    def suppressed(self) -> bool:
        return self.n < self.minimum

    @property
    def rate(self) -> float | None:
        return share(self.n, self.enrolment)

    @property
    def satisfaction(self) -> float | None:
        if self.suppressed:
            return None
        return share(self.satisfied_answers, self.answers)

    def item_share(self, item: IndexItem) -> float | None:
        if self.suppressed:
            return None
        answers, _total, satisfied = self.items.get((item.question_id, item.row_id), [0, 0, 0])
        return share(satisfied, answers)

    def item_mean(self, item: IndexItem) -> float | None:
        if self.suppressed:
            return None
        answers, total, _satisfied = self.items.get((item.question_id, item.row_id), [0, 0, 0])
        return share(total, answers)


@dataclass
class Overview:
    campaign: Campaign
    spec: SurveySpec
    grade: int | None
    rows: list[SchoolFigures]
    total: SchoolFigures
    items: list[IndexItem]

    @property
    def without_responses(self) -> list[SchoolFigures]:
        return [r for r in self.rows if r.n == 0]

    @property
    def suppressed_rows(self) -> list[SchoolFigures]:
        return [r for r in self.rows if r.suppressed]


SORTS = {
    "satisfaction": "по удовлетворённости",
    "rate": "по охвату",
    "n": "по числу ответов",
    "name": "по названию",
}


def _sort_key(sort: str):
    def key(row: SchoolFigures):
        if sort == "name":
            return (0, row.school.short_name)
        if sort == "n":
            return (0, -row.n, row.school.short_name)
        if sort == "rate":
            return (row.rate is None, -(row.rate or 0), row.school.short_name)
        # Satisfaction: suppressed and silent schools last.
        return (row.satisfaction is None, -(row.satisfaction or 0), row.school.short_name)

    return key


def index_by_school(
    by_school: SchoolRows, question_ids: set[int]
) -> dict[int, dict[tuple[int, int | None], list[int]]]:
    """{school_id: {(question_id, row_id): [answers, sum of scores, satisfied]}} for the
    [index] questions, summed from the aggregated rows."""
    out: dict[int, dict] = {}
    for school_id, rows in by_school.items():
        items: dict[tuple[int, int | None], list[int]] = {}
        for (question_id, _option_id, row_id, value), n in rows.items():
            if question_id in question_ids and value is not None:
                _sum_into(
                    items, (question_id, row_id), [n, n * value, n if value >= SATISFIED_MIN else 0]
                )
        out[school_id] = items
    return out


def district_overview(
    campaign: Campaign,
    grade: int | None = None,
    sort: str = "satisfaction",
    spec: SurveySpec | None = None,
) -> Overview:
    """One row per school of the campaign: responses, response rate, satisfaction level
    (or suppressed), the index figures; plus the district total. Fixed number of queries."""
    spec = spec or build_spec(campaign.questionnaire_id)
    schools = campaign_schools(campaign.id)
    minimum = min_group()
    counts = response_counts(campaign.id)
    enrolment = enrolment_in_grades(surveyed_grades(spec, grade), [s.id for s in schools])
    items = index_items(spec)
    by_school = index_by_school(school_rows(campaign, grade), {i.question_id for i in items})
    rows = []
    total = SchoolFigures(School(short_name="Итого по округу"), 0, 0, minimum)
    for school in schools:
        figures = SchoolFigures(
            school, counts.n(school.id, grade), enrolment.get(school.id, 0), minimum
        )
        figures.items = by_school.get(school.id, {})
        for key, (n, score, satisfied) in figures.items.items():
            figures.answers += n
            figures.satisfied_answers += satisfied
            _sum_into(total.items, key, [n, score, satisfied])
        total.n += figures.n
        total.enrolment += figures.enrolment
        total.answers += figures.answers
        total.satisfied_answers += figures.satisfied_answers
        rows.append(figures)
    rows.sort(key=_sort_key(sort if sort in SORTS else "satisfaction"))
    return Overview(campaign, spec, grade, rows, total, items)


def _sum_into(target: dict, key, values: list[int]) -> None:
    current = target.setdefault(key, [0] * len(values))
    for i, v in enumerate(values):
        current[i] += v
