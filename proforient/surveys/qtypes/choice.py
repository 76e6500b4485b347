"""Questions answered by choosing options: one or several."""

import re

from proforient.core.formatting import plural
from proforient.core.params import parse_int
from proforient.surveys.limits import TEXT_MAX
from proforient.surveys.qtypes.base import (
    Column,
    Line,
    Parsed,
    QuestionResult,
    QuestionSpec,
    QuestionType,
    ResponseAnswers,
    Tally,
    form_text,
    form_value,
    register,
    share,
)

REQUIRED_CHOICE = "Выберите ответ."
OTHER_LABEL = "Другое"
MAX_OPTIONS = 50
GRADE_RE = re.compile(r"\s*(\d{1,2})")


def grade_of_label(label: str) -> int | None:
    """The grade an option of the [grade] question stands for: «7» → 7, «1–4» → 1."""
    m = GRADE_RE.match(label)
    if not m:
        return None
    grade = int(m.group(1))
    return grade if 1 <= grade <= 11 else None


def _other_error(other_text: str) -> str | None:
    if not other_text:
        return "Напишите свой вариант в поле «Другое»."
    if len(other_text) > TEXT_MAX:
        return f"Не больше {TEXT_MAX} знаков."
    return None


class ChoiceType(QuestionType):
    """Options typed by the department, one a line; «Другое» may close the list."""

    has_options = True
    can_have_other = True

    def options_error(self, lines, is_grade):
        if len(lines) < 2:
            return "Нужно хотя бы два варианта, каждый с новой строки."
        if len(lines) > MAX_OPTIONS:
            return f"Не больше {MAX_OPTIONS} вариантов."
        if len({line.lower() for line in lines}) != len(lines):
            return "Варианты повторяются."
        if any(len(line) > 300 for line in lines):
            return "Вариант не длиннее 300 знаков."
        if is_grade and self.can_be_grade:
            bad = [line for line in lines if grade_of_label(line) is None]
            if bad:
                return (
                    f"Каждый вариант вопроса о классе начинается с номера класса (1–11): "
                    f"«{bad[0]}»."
                )
        return None

    def editor_options(self, lines, is_grade, allow_other):
        options = [
            (label[:300], grade_of_label(label) if is_grade else None, False) for label in lines
        ]
        if allow_other:
            options.append((OTHER_LABEL, None, True))
        return options

    def _lines(self, q: QuestionSpec, tally: Tally, base: tuple[int, int]) -> list[Line]:
        lines = []
        for option in q.options:
            g, d = tally.by_option.get(option.id, [0, 0])
            lines.append(
                Line(option.label, g, share(g, base[0]), d, share(d, base[1]), option.is_other)
            )
        return lines

    def summarise(self, q, tally, sizes):
        base = (
            sum(p[0] for p in tally.by_option.values()),
            sum(p[1] for p in tally.by_option.values()),
        )
        return QuestionResult(q, base[0], base[1], self._lines(q, tally, base))

    def export_columns(self, q):
        cols = [Column(f"{q.number}. {q.text}")]
        if q.allow_other:
            cols.append(Column(f"{q.number}. {q.text} — другое (текст)"))
        return cols

    def export_cells(self, q, answers: ResponseAnswers):
        chosen = answers.chosen.get(q.id)
        option = q.option_by_id.get(chosen[0]) if chosen else None
        cells = [option.label if option is not None else ""]
        if q.allow_other:
            cells.append(answers.text(q.id))
        return cells


@register
class SingleChoice(ChoiceType):
    kind = "single"
    label = "Один вариант"
    field_template = "surveys/respond/fields/single.html"
    result_template = "surveys/result_blocks/options.html"
    can_be_grade = True

    def parse(self, q, form):
        raw = form_value(form, q.name) or ""
        other_text = form_text(form, q.name + "_other") if q.allow_other else ""
        if not raw and other_text:
            # Typing in «Другое» without choosing it still means «Другое».
            other = next((o for o in q.options if o.is_other), None)
            raw = str(other.id) if other is not None else ""
        out = Parsed(kept=(raw, other_text))
        if not raw:
            if q.required:
                out.error = REQUIRED_CHOICE
            return out
        option = q.option_by_id.get(parse_int(raw))
        if option is None:
            out.kept, out.error = ("", other_text), REQUIRED_CHOICE
            return out
        out.answers.append((option.id, None, option.value))
        if q.is_grade:
            out.grade = option.value
        if option.is_other:
            out.error = _other_error(other_text)
            if out.error is None:
                out.texts.append(other_text)
        return out

    def demo_answers(self, q, maker, rng, mood, answers, texts):
        option = maker.pick_option(rng, q, mood)
        answers.append((q.id, option.id, None, option.value))


@register
class MultipleChoice(ChoiceType):
    kind = "multiple"
    label = "Несколько вариантов"
    field_template = "surveys/respond/fields/multiple.html"
    result_template = "surveys/result_blocks/options.html"
    has_max_choices = True
    chart_hint = "Несколько вариантов: доли от всех анкет."

    def parse(self, q, form):
        chosen = []
        for value in form.getlist(q.name):
            option = q.option_by_id.get(parse_int(value))
            if option is not None and option not in chosen:
                chosen.append(option)
        other_text = form_text(form, q.name + "_other")
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
            n = q.max_choices
            out.error = f"Выберите не больше {n} {plural(n, 'варианта', 'вариантов', 'вариантов')}."
            return out
        for option in chosen:
            out.answers.append((option.id, None, option.value))
            if option.is_other:
                out.error = _other_error(other_text)
                if out.error is None:
                    out.texts.append(other_text)
        return out

    def summarise(self, q, tally, sizes):
        # Shares of all respondents in the group (a tick per option; they sum past 100 %).
        note = (
            "Можно было выбрать несколько вариантов: доли считаются от всех ответивших на анкету."
        )
        return QuestionResult(q, sizes[0], sizes[1], self._lines(q, tally, sizes), note=note)

    def export_columns(self, q):
        title = f"{q.number}. {q.text}"
        cols = [Column(f"{title} — {option.label}", width=12) for option in q.options]
        if q.allow_other:
            cols.append(Column(f"{title} — другое (текст)"))
        return cols

    def export_cells(self, q, answers):
        chosen = answers.chosen.get(q.id)
        cells: list = ["" if chosen is None else int(option.id in chosen) for option in q.options]
        if q.allow_other:
            cells.append(answers.text(q.id))
        return cells

    def demo_answers(self, q, maker, rng, mood, answers, texts):
        chosen, other_text = maker.pick_options(rng, q, mood)
        answers.extend((q.id, o.id, None, o.value) for o in chosen)
        if other_text:
            other = next(o for o in q.options if o.is_other)
            answers.append((q.id, other.id, None, other.value))
            texts.append((q.id, other_text))
