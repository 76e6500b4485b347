"""Survey results: counts, shares and means per question, the satisfaction level, the
district overview and per-school index figures — all aggregated in SQL.

A results page costs a fixed number of queries whatever the number of responses: the
questionnaire's structure (`build_spec`), response counts per school × grade, answer counts
grouped by school, question, option, row and value (`school_rows`: summed from the tallies
that submission keeps, never from the answers themselves), the latest free texts per
question with their totals, and enrolment. Python only walks the aggregated rows (a few
thousand numbers).

Anonymity: any group (a school, a grade, a school × grade, the district) with fewer than
`SURVEY_MIN_GROUP` responses is suppressed — no figures and no free texts for it.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select

from proforient.extensions import db
from proforient.schools.models import School
from proforient.schools.services import enrolment_in_grades
from proforient.surveys.indicators import grade_spans
from proforient.surveys.models import (
    NO_OPTION,
    NO_ROW,
    NO_VALUE,
    SATISFIED_MIN,
    AnswerTally,
    AnswerText,
    Campaign,
    CampaignSchool,
    QuestionKind,
    Response,
)
from proforient.surveys.qtypes import RATING_POINTS, QuestionSpec
from proforient.surveys.submission import SurveySpec, build_spec

SUPPRESSED = "недостаточно ответов"
TEXTS_SHOWN = 20  # free texts listed per question on the results page
POINTS_DESC = tuple(reversed(RATING_POINTS))  # 5 … 1, best first


def min_group() -> int:
    return int(current_app.config.get("SURVEY_MIN_GROUP", 5))


def _share(part: int | float, whole: int | float) -> float | None:
    return part / whole if whole else None


# --- Filters and the questionnaire's grades ----------------------------------------------


@dataclass(frozen=True)
class GradeOption:
    """An option of the [grade] question and the school grades it stands for:
    «7» → (7,), «1–4» → (1, 2, 3, 4)."""

    value: int
    label: str
    grades: tuple[int, ...]


def grade_options(spec: SurveySpec) -> list[GradeOption]:
    question = next((q for q in spec.questions if q.is_grade), None)
    if question is None:
        return []
    options = sorted((o for o in question.options if o.value), key=lambda o: o.value)
    spans = {span[0]: span for span in grade_spans(o.value for o in options)}
    return [GradeOption(o.value, o.label, spans[o.value]) for o in options]


def surveyed_grades(spec: SurveySpec, grade: int | None = None) -> list[int]:
    """School grades whose enrolment is the base of the response rate."""
    options = grade_options(spec)
    if not options:
        return list(range(1, 12))
    if grade is not None:
        return [g for o in options if o.value == grade for g in o.grades]
    return [g for o in options for g in o.grades]


@dataclass(frozen=True)
class Filters:
    school_id: int | None = None
    grade: int | None = None  # the value of a [grade] option (1 for «1–4»)


# --- Aggregates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Responses of a campaign per (school, grade)."""

    rows: dict[tuple[int, int | None], int]

    def n(self, school_id: int | None = None, grade: int | None = None) -> int:
        return sum(
            n
            for (sid, g), n in self.rows.items()
            if (school_id is None or sid == school_id) and (grade is None or g == grade)
        )


def response_counts(campaign_id: int) -> Counts:
    """One query over the response index: counts per school × grade."""
    rows = db.session.execute(
        select(Response.school_id, Response.grade, func.count())
        .where(Response.campaign_id == campaign_id)
        .group_by(Response.school_id, Response.grade)
    )
    return Counts({(sid, grade): int(n) for sid, grade, n in rows})


def _response_filter(campaign_id: int, grade: int | None) -> list:
    conditions = [Response.campaign_id == campaign_id]
    if grade is not None:
        conditions.append(Response.grade == grade)
    return conditions


# Aggregated answers per school: {school_id: {(question_id, option_id, row_id, value): n}}.
AnswerKey = tuple[int, int | None, int | None, int | None]
SchoolRows = dict[int, dict[AnswerKey, int]]


def school_rows(campaign: Campaign, grade: int | None = None) -> SchoolRows:
    """Answer counts per school, question, option, row and value for the campaign (and
    grade): one GROUP BY over the tallies kept at submission (`AnswerTally`: a few thousand
    rows per campaign, however many responses), the sentinels turned back into None."""
    t = AnswerTally
    conditions = [t.campaign_id == campaign.id]
    if grade is not None:
        conditions.append(t.grade == grade)
    stmt = (
        select(t.school_id, t.question_id, t.option_id, t.row_id, t.value, func.sum(t.n))
        .where(*conditions)
        .group_by(t.school_id, t.question_id, t.option_id, t.row_id, t.value)
    )
    by_school: SchoolRows = {}
    for school_id, question_id, option_id, row_id, value, n in db.session.execute(stmt):
        if not n:
            continue
        key = (
            question_id,
            None if option_id == NO_OPTION else option_id,
            None if row_id == NO_ROW else row_id,
            None if value == NO_VALUE else value,
        )
        by_school.setdefault(school_id, {})[key] = int(n)
    return by_school


@dataclass
class Tally:
    """Aggregated answers of one question, for the chosen group and for the district."""

    by_option: dict[int, list[int]] = field(default_factory=dict)  # option → [group, district]
    by_value: dict[int, list[int]] = field(default_factory=dict)  # score → [group, district]
    by_row: dict[int, dict[int, list[int]]] = field(default_factory=dict)  # row → score → …


def answer_tallies(by_school: SchoolRows, school_id: int | None) -> dict[int, Tally]:
    """Per-question tallies of the chosen school (or the district) beside the district's,
    summed from the aggregated rows."""
    tallies: dict[int, Tally] = defaultdict(Tally)
    for sid, rows in by_school.items():
        in_group = school_id is None or sid == school_id
        for (question_id, option_id, row_id, value), n in rows.items():
            tally = tallies[question_id]
            pair = [n if in_group else 0, n]
            if row_id is not None:
                _add(tally.by_row.setdefault(row_id, {}), value, pair)
            elif option_id is not None:
                _add(tally.by_option, option_id, pair)
                if value is not None:
                    _add(tally.by_value, value, pair)
            elif value is not None:
                _add(tally.by_value, value, pair)
    return tallies


def _add(target: dict, key, pair: list[int]) -> None:
    current = target.setdefault(key, [0, 0])
    current[0] += pair[0]
    current[1] += pair[1]


def latest_texts(
    campaign_id: int, filters: Filters, limit: int = TEXTS_SHOWN
) -> dict[int, tuple[list[str], int]]:
    """{question_id: (the latest `limit` texts, total)} in one query (window functions)."""
    conditions = _response_filter(campaign_id, filters.grade)
    if filters.school_id is not None:
        conditions.append(Response.school_id == filters.school_id)
    ranked = (
        select(
            AnswerText.question_id,
            AnswerText.text,
            func.row_number()
            .over(partition_by=AnswerText.question_id, order_by=AnswerText.id.desc())
            .label("rn"),
            func.count().over(partition_by=AnswerText.question_id).label("total"),
        )
        .join(Response, Response.id == AnswerText.response_id)
        .where(*conditions)
        .subquery()
    )
    stmt = (
        select(ranked.c.question_id, ranked.c.text, ranked.c.total)
        .where(ranked.c.rn <= limit)
        .order_by(ranked.c.question_id, ranked.c.rn)
    )
    out: dict[int, tuple[list[str], int]] = {}
    for question_id, text, total in db.session.execute(stmt):
        texts, _ = out.get(question_id, ([], 0))
        texts.append(text)
        out[question_id] = (texts, int(total))
    return out


def texts_page(campaign_id: int, filters: Filters, question_id: int, page: int, per_page: int):
    """All free texts of one question for the group, newest first (a Pagination)."""
    conditions = _response_filter(campaign_id, filters.grade)
    if filters.school_id is not None:
        conditions.append(Response.school_id == filters.school_id)
    stmt = (
        select(AnswerText.text)
        .join(Response, Response.id == AnswerText.response_id)
        .where(*conditions, AnswerText.question_id == question_id)
        .order_by(AnswerText.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


# --- Per-question summaries ---------------------------------------------------------------


@dataclass
class Line:
    """One bar of a question: an option, a rating point or a matrix row."""

    label: str
    count: int = 0
    share: float | None = None
    district_count: int = 0
    district_share: float | None = None
    is_other: bool = False
    # Matrix rows: the mean 1–5 and the share of 4–5.
    mean: float | None = None
    district_mean: float | None = None
    satisfied: float | None = None
    district_satisfied: float | None = None

    @property
    def bar(self) -> float:
        """Bar length 0..100: a share, or a mean on the 1–5 scale (matrix rows)."""
        if self.mean is not None:
            return round(self.mean / 5 * 100, 1)
        return round((self.share or 0) * 100, 1)

    @property
    def district_bar(self) -> float | None:
        if self.district_mean is not None:
            return round(self.district_mean / 5 * 100, 1)
        if self.district_share is None:
            return None
        return round(self.district_share * 100, 1)


@dataclass
class QuestionResult:
    q: QuestionSpec
    answered: int = 0
    district_answered: int = 0
    lines: list[Line] = field(default_factory=list)
    mean: float | None = None
    district_mean: float | None = None
    satisfied: float | None = None
    district_satisfied: float | None = None
    texts: list[str] = field(default_factory=list)
    texts_total: int = 0
    note: str = ""

    @property
    def kind(self) -> str:
        return self.q.kind


def _mean(scores: dict[int, list[int]], i: int) -> tuple[float | None, int]:
    total = sum(pair[i] for pair in scores.values())
    if not total:
        return None, 0
    return sum(v * pair[i] for v, pair in scores.items()) / total, total


def _satisfied(scores: dict[int, list[int]], i: int) -> float | None:
    total = sum(pair[i] for pair in scores.values())
    top = sum(pair[i] for v, pair in scores.items() if v >= SATISFIED_MIN)
    return _share(top, total)


def _choice_lines(q: QuestionSpec, tally: Tally, base: tuple[int, int]) -> list[Line]:
    lines = []
    for option in q.options:
        g, d = tally.by_option.get(option.id, [0, 0])
        lines.append(
            Line(option.label, g, _share(g, base[0]), d, _share(d, base[1]), option.is_other)
        )
    return lines


def summarise_choice(q: QuestionSpec, tally: Tally, sizes: tuple[int, int]) -> QuestionResult:
    if q.kind == QuestionKind.MULTIPLE:
        # Shares of all respondents in the group (a tick per option; they sum past 100 %).
        base = sizes
        note = (
            "Можно было выбрать несколько вариантов: доли считаются от всех ответивших на анкету."
        )
    else:
        base = (
            sum(p[0] for p in tally.by_option.values()),
            sum(p[1] for p in tally.by_option.values()),
        )
        note = ""
    result = QuestionResult(q, base[0], base[1], _choice_lines(q, tally, base), note=note)
    if q.kind == QuestionKind.SATISFACTION:
        result.satisfied = _satisfied(tally.by_value, 0)
        result.district_satisfied = _satisfied(tally.by_value, 1)
        result.mean, _ = _mean(tally.by_value, 0)
        result.district_mean, _ = _mean(tally.by_value, 1)
    return result


def summarise_rating(q: QuestionSpec, tally: Tally, sizes=None) -> QuestionResult:
    mean, n = _mean(tally.by_value, 0)
    district_mean, district_n = _mean(tally.by_value, 1)
    lines = []
    for point in POINTS_DESC:
        g, d = tally.by_value.get(point, [0, 0])
        lines.append(Line(str(point), g, _share(g, n), d, _share(d, district_n)))
    result = QuestionResult(q, n, district_n, lines, mean=mean, district_mean=district_mean)
    result.satisfied = _satisfied(tally.by_value, 0)
    result.district_satisfied = _satisfied(tally.by_value, 1)
    return result


def summarise_matrix(q: QuestionSpec, tally: Tally, sizes=None) -> QuestionResult:
    lines = []
    answered = district_answered = 0
    for row in q.rows:
        scores = tally.by_row.get(row.id, {})
        mean, n = _mean(scores, 0)
        district_mean, district_n = _mean(scores, 1)
        answered, district_answered = max(answered, n), max(district_answered, district_n)
        lines.append(
            Line(
                row.label,
                n,
                None,
                district_n,
                None,
                mean=mean,
                district_mean=district_mean,
                satisfied=_satisfied(scores, 0),
                district_satisfied=_satisfied(scores, 1),
            )
        )
    merged: dict[int, list[int]] = {}
    for scores in tally.by_row.values():
        for value, pair in scores.items():
            _add(merged, value, pair)
    result = QuestionResult(q, answered, district_answered, lines)
    result.mean, _ = _mean(merged, 0)
    result.district_mean, _ = _mean(merged, 1)
    result.satisfied = _satisfied(merged, 0)
    result.district_satisfied = _satisfied(merged, 1)
    return result


def summarise_text(q: QuestionSpec, tally: Tally, sizes=None) -> QuestionResult:
    return QuestionResult(q)


# How each question type summarises its tally (the registry of qtypes knows how it reads a
# form; this table knows how it reports).
SUMMARISERS = {
    QuestionKind.SINGLE: summarise_choice,
    QuestionKind.MULTIPLE: summarise_choice,
    QuestionKind.SATISFACTION: summarise_choice,
    QuestionKind.RATING: summarise_rating,
    QuestionKind.MATRIX: summarise_matrix,
    QuestionKind.TEXT: summarise_text,
}


def index_level(spec: SurveySpec, tallies: dict[int, Tally], i: int) -> tuple[float | None, int]:
    """Share of [index] answers scoring in the top two points, and the number of them."""
    top = total = 0
    for q in spec.questions:
        if not q.in_index:
            continue
        tally = tallies.get(q.id)
        if tally is None:
            continue
        score_maps = list(tally.by_row.values()) if q.kind == QuestionKind.MATRIX else []
        if q.kind != QuestionKind.MATRIX:
            score_maps = [tally.by_value]
        for scores in score_maps:
            for value, pair in scores.items():
                total += pair[i]
                if value >= SATISFIED_MIN:
                    top += pair[i]
    return _share(top, total), total


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
        return _share(self.n, self.enrolment)

    @property
    def district_rate(self) -> float | None:
        return _share(self.district_n, self.district_enrolment)


def campaign_school_ids(campaign_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(CampaignSchool.school_id).where(CampaignSchool.campaign_id == campaign_id)
        )
    )


def campaign_schools(campaign_id: int) -> list[School]:
    """Schools of a campaign by name (one query)."""
    return list(
        db.session.scalars(
            select(School)
            .join(CampaignSchool, CampaignSchool.school_id == School.id)
            .where(CampaignSchool.campaign_id == campaign_id)
            .order_by(School.short_name)
        )
    )


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
        results.questions.append(
            SUMMARISERS[q.kind](q, tallies.get(q.id, Tally()), (n, district_n))
        )
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


# --- District overview and per-school index figures ---------------------------------------


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
        if q.kind == QuestionKind.MATRIX:
            letters = "абвгдежзиклмнопрстуфхцчшщэюя"
            for i, row in enumerate(q.rows):
                mark = letters[i] if i < len(letters) else str(i + 1)
                items.append(IndexItem(q.id, row.id, f"{q.number}{mark}. {row.label}"))
        else:
            items.append(IndexItem(q.id, None, f"{q.number}. {q.text}"))
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
        return _share(self.n, self.enrolment)

    @property
    def satisfaction(self) -> float | None:
        if self.suppressed:
            return None
        return _share(self.satisfied_answers, self.answers)

    def item_share(self, item: IndexItem) -> float | None:
        if self.suppressed:
            return None
        answers, _total, satisfied = self.items.get((item.question_id, item.row_id), [0, 0, 0])
        return _share(satisfied, answers)

    def item_mean(self, item: IndexItem) -> float | None:
        if self.suppressed:
            return None
        answers, total, _satisfied = self.items.get((item.question_id, item.row_id), [0, 0, 0])
        return _share(total, answers)


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
