"""Crafted survey data for the results, exports and invitation tests: a small questionnaire
with one question of every kind, a campaign, and responses written as plain rows."""

import itertools
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from proforient.extensions import db
from proforient.surveys.models import (
    Campaign,
    CampaignSchool,
    Question,
    Questionnaire,
    QuestionOption,
    QuestionRow,
)
from proforient.surveys.response_models import Answer, AnswerText, Response
from proforient.surveys.tallies import rebuild_tallies
from proforient.surveys.tokens import new_token

_seq = itertools.count(1)

SATISFACTION = [
    ("Полностью удовлетворён(а)", 5),
    ("Скорее удовлетворён(а)", 4),
    ("Затрудняюсь ответить", 3),
    ("Скорее не удовлетворён(а)", 2),
    ("Совсем не удовлетворён(а)", 1),
]


@dataclass
class Survey:
    """A questionnaire with: grade (7–9), single, multiple (+ «Другое»), satisfaction
    [index], matrix of two rows [index], rating, text; and its campaign."""

    questionnaire: Questionnaire
    campaign: Campaign
    grade: Question
    single: Question
    multiple: Question
    satisfaction: Question
    matrix: Question
    rating: Question
    text: Question

    def option(self, question: Question, label: str) -> QuestionOption:
        return next(o for o in question.options if o.label == label)

    def row(self, label: str) -> QuestionRow:
        return next(r for r in self.matrix.rows if r.label == label)

    def answer(
        self,
        school,
        *,
        grade: int | None = 7,
        single: str | None = None,
        multiple: tuple[str, ...] = (),
        other: str | None = None,
        satisfaction: int | None = None,
        matrix: dict[str, int] | None = None,
        rating: int | None = None,
        text: str | None = None,
        times: int = 1,
        commit: bool = True,
        day: date = date(2026, 4, 15),
        tally: bool = True,
    ) -> None:
        """Store `times` identical responses of `school` (plain INSERTs, like submission),
        then recount the campaign's answer tallies (`tally=False`: the caller recounts once
        after many calls, with `rebuild_tallies`)."""
        rows: list[dict] = []  # one response's answers, without its id yet
        texts: list[dict] = []

        def add(question, option=None, row=None, value=None):
            rows.append(
                {
                    "question_id": question.id,
                    "option_id": option.id if option else None,
                    "row_id": row.id if row else None,
                    "value": value,
                }
            )

        if grade is not None:
            add(self.grade, self.option(self.grade, str(grade)), value=grade)
        if single:
            add(self.single, self.option(self.single, single))
        for label in multiple:
            add(self.multiple, self.option(self.multiple, label))
        if other is not None:
            add(self.multiple, self.option(self.multiple, "Другое"))
            texts.append({"question_id": self.multiple.id, "text": other})
        if satisfaction is not None:
            option = next(o for o in self.satisfaction.options if o.value == satisfaction)
            add(self.satisfaction, option, value=satisfaction)
        for label, value in (matrix or {}).items():
            add(self.matrix, row=self.row(label), value=value)
        if rating is not None:
            add(self.rating, value=rating)
        if text is not None:
            texts.append({"question_id": self.text.id, "text": text})

        # All the responses in one INSERT, then all their answers in one more (ids in the
        # order the responses were given).
        responses = [
            {
                "campaign_id": self.campaign.id,
                "school_id": school.id,
                "grade": grade,
                "submitted_on": day,
                "submission_key": secrets.token_urlsafe(16),
            }
            for _ in range(times)
        ]
        insert = Response.__table__.insert().returning(
            Response.__table__.c.id, sort_by_parameter_order=True
        )
        ids = list(db.session.execute(insert, responses).scalars()) if responses else []
        if rows:
            answers = [{**r, "response_id": rid} for rid in ids for r in rows]
            db.session.execute(Answer.__table__.insert(), answers)
        if texts:
            db.session.execute(
                AnswerText.__table__.insert(),
                [{**t, "response_id": rid} for rid in ids for t in texts],
            )
        # Written past `submit`: recount the campaign's tallies, as bulk loaders do.
        if tally:
            rebuild_tallies(self.campaign.id)
        if commit:
            db.session.commit()


def make_survey(schools, *, audience: str = "students", uses_codes: bool = False) -> Survey:
    n = next(_seq)
    qn = Questionnaire(title=f"Анкета № {n}", audience=audience, intro="", minutes=5, version=1)

    def question(kind, text, options=(), rows=(), **kw):
        q = Question(kind=kind, text=text, position=len(qn.questions), **kw)
        for i, opt in enumerate(options):
            label, value = opt if isinstance(opt, tuple) else (opt, None)
            q.options.append(
                QuestionOption(position=i, label=label, value=value, is_other=label == "Другое")
            )
        for i, label in enumerate(rows):
            q.rows.append(QuestionRow(position=i, label=label))
        qn.questions.append(q)
        return q

    grade = question(
        "single", "В каком классе вы учитесь?", [(str(g), g) for g in (7, 8, 9)], is_grade=True
    )
    single = question("single", "Выбрали ли вы профессию?", ["Да", "Нет"])
    multiple = question(
        "multiple",
        "В каких мероприятиях участвовали?",
        ["Пробы", "Экскурсии", "Другое"],
        allow_other=True,
        required=False,
    )
    satisfaction = question(
        "satisfaction", "Насколько вы удовлетворены?", SATISFACTION, in_index=True
    )
    matrix = question(
        "matrix", "Оцените от 1 до 5", rows=["Рассказы", "Консультации"], in_index=True
    )
    rating = question("rating", "Помогли ли мероприятия?")
    text = question("text", "Чего не хватает?", required=False)
    db.session.add(qn)
    db.session.flush()
    campaign = Campaign(
        title=f"Анкетирование обучающихся № {n}",
        questionnaire_id=qn.id,
        audience=audience,
        academic_year=2025,
        opens_at=datetime(2026, 4, 1, 5, 0),
        closes_at=datetime(2026, 5, 31, 20, 59),  # 23:59 in Moscow
        uses_codes=uses_codes,
    )
    for school in schools:
        campaign.links.append(CampaignSchool(school_id=school.id, token=new_token()))
    db.session.add(campaign)
    db.session.commit()
    return Survey(qn, campaign, grade, single, multiple, satisfaction, matrix, rating, text)
