"""A questionnaire's structure as the respondent path and results use it: frozen plain
data (`SurveySpec` of `QuestionSpec`s) read in three queries, never ORM objects.
`caches.survey_spec` keeps it per process for the public form."""

import itertools
from dataclasses import dataclass, field

from sqlalchemy import select

from proforient.extensions import db
from proforient.surveys.models import Question, Questionnaire, QuestionOption, QuestionRow
from proforient.surveys.qtypes import OptionSpec, QuestionSpec, RowSpec

_stamps = itertools.count(1)


@dataclass(frozen=True)
class SurveySpec:
    questionnaire_id: int
    title: str
    intro: str
    minutes: int
    questions: tuple[QuestionSpec, ...]
    grades: tuple[int, ...] = field(default=())  # values of the [grade] question's options
    stamp: int = 0  # which build this is: keys caches derived from it (rendered HTML)


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
        questionnaire_id, qn.title, qn.intro, qn.minutes, tuple(specs), grades, next(_stamps)
    )
