"""Question types: one class per kind that knows how its input is read from the submitted
form, validated, and stored as integer answer rows (plus free text).

The respondent path works on `QuestionSpec` (plain frozen data cached per process), not on
ORM objects. Part B adds "how it summarises" to the same classes.

Field names in the respondent form: `q<id>` (choice, rating, text), `q<id>_r<row id>`
(matrix rows), `q<id>_other` (the «Другое» box).
"""

from dataclasses import dataclass, field

from proforient.core.text import drop_controls
from proforient.surveys.models import TEXT_MAX, QuestionKind

RATING_POINTS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class OptionSpec:
    id: int
    label: str
    value: int | None
    is_other: bool = False


@dataclass(frozen=True)
class RowSpec:
    id: int
    label: str


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    number: int  # 1-based, as shown to the respondent
    kind: str
    text: str
    hint: str = ""
    required: bool = True
    is_grade: bool = False
    in_index: bool = False
    max_choices: int | None = None
    allow_other: bool = False
    options: tuple[OptionSpec, ...] = ()
    rows: tuple[RowSpec, ...] = ()
    option_by_id: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def name(self) -> str:
        return f"q{self.id}"

    @property
    def qtype(self) -> "QuestionType":
        return REGISTRY[self.kind]


@dataclass
class Parsed:
    """What one question yielded from a submitted form."""

    kept: object = None  # what to show again if the form comes back with errors
    answers: list[tuple[int | None, int | None, int | None]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    error: str | None = None
    grade: int | None = None


REQUIRED_CHOICE = "Выберите ответ."


def _get(form, name: str) -> str | None:
    # MultiDict.get builds (and swallows) an exception for a missing key: costly per field.
    return form.get(name) if name in form else None


def _text(form, name: str) -> str:
    """A free-text box as it is stored: no control characters, no surrounding blanks."""
    return drop_controls(_get(form, name) or "").strip()


def _int(value: str | None) -> int | None:
    # ASCII only: "²".isdigit() is True, but int("²") fails.
    if value is None or not value.isascii() or not value.isdigit() or len(value) > 9:
        return None
    return int(value)


class QuestionType:
    kind: str = ""
    has_options = False  # the department edits a list of options
    fixed_options: tuple[tuple[str, int], ...] = ()  # options the type brings itself
    has_rows = False
    scored = False  # answers carry a 1..5 score (can be [index])

    @property
    def label(self) -> str:
        return QuestionKind.LABELS[self.kind]

    def parse(self, q: QuestionSpec, form) -> Parsed:  # pragma: no cover - abstract
        raise NotImplementedError


class SingleChoice(QuestionType):
    kind = QuestionKind.SINGLE
    has_options = True

    def parse(self, q, form):
        raw = _get(form, q.name) or ""
        other_text = _text(form, q.name + "_other") if q.allow_other else ""
        if not raw and other_text:
            # Typing in «Другое» without choosing it still means «Другое».
            other = next((o for o in q.options if o.is_other), None)
            raw = str(other.id) if other is not None else ""
        out = Parsed(kept=(raw, other_text))
        if not raw:
            if q.required:
                out.error = REQUIRED_CHOICE
            return out
        option = q.option_by_id.get(_int(raw))
        if option is None:
            out.kept, out.error = ("", other_text), REQUIRED_CHOICE
            return out
        out.answers.append((option.id, None, option.value))
        if q.is_grade:
            out.grade = option.value
        if option.is_other:
            if not other_text:
                out.error = "Напишите свой вариант в поле «Другое»."
            elif len(other_text) > TEXT_MAX:
                out.error = f"Не больше {TEXT_MAX} знаков."
            else:
                out.texts.append(other_text)
        return out


class MultipleChoice(QuestionType):
    kind = QuestionKind.MULTIPLE
    has_options = True

    def parse(self, q, form):
        raw = form.getlist(q.name)
        chosen = []
        for value in raw:
            option = q.option_by_id.get(_int(value))
            if option is not None and option not in chosen:
                chosen.append(option)
        other_text = _text(form, q.name + "_other")
        if other_text:
            # Typing in «Другое» without ticking its box still means «Другое».
            other = next((o for o in q.options if o.is_other), None)
            if other is not None and other not in chosen:
                chosen.append(other)
        out = Parsed(kept=({str(o.id) for o in chosen}, other_text))
        if not chosen:
            if q.required:
                out.error = "Выберите хотя бы один вариант."
            return out
        if q.max_choices and len(chosen) > q.max_choices:
            out.error = f"Выберите не больше {_choices(q.max_choices)}."
            return out
        for option in chosen:
            out.answers.append((option.id, None, option.value))
            if option.is_other:
                if not other_text:
                    out.error = "Напишите свой вариант в поле «Другое»."
                elif len(other_text) > TEXT_MAX:
                    out.error = f"Не больше {TEXT_MAX} знаков."
                else:
                    out.texts.append(other_text)
        return out


def _choices(n: int) -> str:
    from proforient.core.formatting import plural

    return f"{n} {plural(n, 'варианта', 'вариантов', 'вариантов')}"


class Rating(QuestionType):
    kind = QuestionKind.RATING
    scored = True

    def parse(self, q, form):
        raw = _get(form, q.name)
        value = _int(raw)
        out = Parsed(kept=raw if value in RATING_POINTS else None)
        if value not in RATING_POINTS:
            if q.required or raw:
                out.error = "Поставьте оценку от 1 до 5."
            return out
        out.answers.append((None, None, value))
        return out


class Satisfaction(SingleChoice):
    """The five-point «Шкала У»; each option carries its score 5..1."""

    kind = QuestionKind.SATISFACTION
    has_options = False
    scored = True
    fixed_options = (
        ("Полностью удовлетворён(а)", 5),
        ("Скорее удовлетворён(а)", 4),
        ("Затрудняюсь ответить", 3),
        ("Скорее не удовлетворён(а)", 2),
        ("Совсем не удовлетворён(а)", 1),
    )


class Matrix(QuestionType):
    kind = QuestionKind.MATRIX
    has_rows = True
    scored = True

    def parse(self, q, form):
        kept = {}
        missing = 0
        out = Parsed(kept=kept)
        for row in q.rows:
            raw = _get(form, f"{q.name}_r{row.id}")
            value = _int(raw)
            if value in RATING_POINTS:
                kept[row.id] = raw
                out.answers.append((None, row.id, value))
            else:
                missing += 1
        if missing and q.required:
            out.error = (
                "Оцените каждую строку от 1 до 5."
                if missing == len(q.rows)
                else f"Оцените и оставшиеся строки ({missing})."
            )
        return out


class FreeText(QuestionType):
    kind = QuestionKind.TEXT

    def parse(self, q, form):
        text = _text(form, q.name)
        out = Parsed(kept=text)
        if not text:
            if q.required:
                out.error = "Напишите ответ."
            return out
        if len(text) > TEXT_MAX:
            out.error = f"Не больше {TEXT_MAX} знаков (сейчас {len(text)})."
            return out
        out.texts.append(text)
        return out


REGISTRY: dict[str, QuestionType] = {
    t.kind: t
    for t in (SingleChoice(), MultipleChoice(), Rating(), Satisfaction(), Matrix(), FreeText())
}
