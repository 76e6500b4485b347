"""The department writes questionnaires and their questions. A questionnaire some campaign
has responses to is frozen: an edit goes to a new version (`editable`), so the answers
keep the questions they were given. Each question's settings are its type's
(`qtypes`). Functions add and flush; views commit. Every change drops the public form's
cached copy (`caches.invalidate_spec`)."""

from proforient.extensions import db
from proforient.surveys.caches import invalidate_spec
from proforient.surveys.models import Question, Questionnaire, QuestionOption, QuestionRow
from proforient.surveys.qtypes import REGISTRY
from proforient.surveys.queries import is_frozen


def _copy_questions(source: Questionnaire, target: Questionnaire) -> None:
    for q in source.questions:
        copy = Question(
            position=q.position,
            kind=q.kind,
            text=q.text,
            hint=q.hint,
            required=q.required,
            is_grade=q.is_grade,
            in_index=q.in_index,
            max_choices=q.max_choices,
            allow_other=q.allow_other,
        )
        copy.options = [
            QuestionOption(position=o.position, label=o.label, value=o.value, is_other=o.is_other)
            for o in q.options
        ]
        copy.rows = [QuestionRow(position=r.position, label=r.label) for r in q.rows]
        target.questions.append(copy)


def copy_questionnaire(source: Questionnaire) -> Questionnaire:
    """An independent copy the department can change freely (version 1)."""
    copy = Questionnaire(
        title=f"Копия — {source.title}"[:300],
        audience=source.audience,
        intro=source.intro,
        minutes=source.minutes,
        version=1,
        parent_id=source.id,
    )
    _copy_questions(source, copy)
    db.session.add(copy)
    db.session.flush()
    return copy


def new_version(source: Questionnaire) -> Questionnaire:
    """The next version of a frozen questionnaire; the old one stays with its campaigns."""
    version = Questionnaire(
        title=source.title,
        audience=source.audience,
        intro=source.intro,
        minutes=source.minutes,
        version=source.version + 1,
        parent_id=source.id,
    )
    _copy_questions(source, version)
    source.archived = True
    db.session.add(version)
    db.session.flush()
    return version


def editable(questionnaire: Questionnaire) -> tuple[Questionnaire, bool]:
    """The questionnaire to apply an edit to: itself, or a new version if it is frozen."""
    if is_frozen(questionnaire):
        return new_version(questionnaire), True
    return questionnaire, False


def counterpart(question: Question, target: Questionnaire) -> Question | None:
    """The same question in a new version (found by position)."""
    if question.questionnaire_id == target.id:
        return question
    source = [q.id for q in question.questionnaire.questions]
    index = source.index(question.id)
    return target.questions[index] if index < len(target.questions) else None


def save_questionnaire(questionnaire: Questionnaire, form) -> Questionnaire:
    questionnaire.title = form.title.data.strip()
    questionnaire.audience = form.audience.data
    questionnaire.intro = (form.intro.data or "").strip()
    questionnaire.minutes = form.minutes.data
    db.session.add(questionnaire)
    db.session.flush()
    invalidate_spec(questionnaire.id)
    return questionnaire


def _renumber(questionnaire: Questionnaire) -> None:
    for position, q in enumerate(questionnaire.questions):
        q.position = position


def split_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def save_question(questionnaire: Questionnaire, question: Question | None, form) -> Question:
    """Create or update a question from QuestionForm (already validated)."""
    kind = form.kind.data
    qtype = REGISTRY[kind]
    if question is None:
        question = Question(position=len(questionnaire.questions))
        questionnaire.questions.append(question)
    question.kind = kind
    question.text = form.text.data.strip()
    question.hint = (form.hint.data or "").strip()
    question.required = bool(form.required.data)
    question.is_grade = bool(form.is_grade.data) and qtype.can_be_grade
    question.in_index = bool(form.in_index.data) and qtype.scored
    question.max_choices = form.max_choices.data if qtype.has_max_choices else None
    question.allow_other = (
        bool(form.allow_other.data) and qtype.can_have_other and not question.is_grade
    )
    # Nobody has answered this questionnaire (else we would be editing a new version), so
    # options and rows can simply be replaced.
    lines = split_lines(form.options.data) if qtype.has_options else []
    options = [
        QuestionOption(position=i, label=label, value=value, is_other=is_other)
        for i, (label, value, is_other) in enumerate(
            qtype.editor_options(lines, question.is_grade, question.allow_other)
        )
    ]
    if _option_signature(question.options) != _option_signature(options):
        question.options = options
    rows = (
        [
            QuestionRow(position=i, label=label[:300])
            for i, label in enumerate(split_lines(form.rows.data))
        ]
        if qtype.has_rows
        else []
    )
    if [r.label for r in question.rows] != [r.label for r in rows]:
        question.rows = rows
    db.session.flush()
    invalidate_spec(questionnaire.id)
    return question


def _option_signature(options) -> list[tuple]:
    return [(o.label, o.value, bool(o.is_other)) for o in options]


def move_question(question: Question, delta: int) -> bool:
    questions = question.questionnaire.questions
    index = questions.index(question)
    other = index + delta
    if not 0 <= other < len(questions):
        return False
    _renumber(question.questionnaire)
    questions[index].position, questions[other].position = other, index
    db.session.flush()
    invalidate_spec(question.questionnaire_id)
    return True


def delete_question(question: Question) -> None:
    questionnaire = question.questionnaire
    questionnaire.questions.remove(question)  # delete-orphan removes the row
    _renumber(questionnaire)
    db.session.flush()
    invalidate_spec(questionnaire.id)


def option_lines(question: Question) -> str:
    return "\n".join(o.label for o in question.options if not o.is_other)


def row_lines(question: Question) -> str:
    return "\n".join(r.label for r in question.rows)
