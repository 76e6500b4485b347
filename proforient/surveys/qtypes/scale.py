"""Questions answered with a 1–5 score: one rating, a point of the satisfaction scale (its
options carry the score), or a matrix of rated rows."""

from proforient.core.formatting import fmt_number
from proforient.core.params import parse_int
from proforient.surveys.qtypes.base import (
    POINTS_DESC,
    RATING_POINTS,
    Column,
    Line,
    Parsed,
    QuestionResult,
    QuestionType,
    add_pair,
    form_value,
    mean_of,
    register,
    satisfied_of,
    share,
)
from proforient.surveys.qtypes.choice import SingleChoice

MAX_ROWS = 20
# Index columns of a matrix's rows: «7а», «7б», …
ROW_LETTERS = "абвгдежзиклмнопрстуфхцчшщэюя"


@register
class Rating(QuestionType):
    kind = "rating"
    label = "Оценка от 1 до 5"
    field_template = "surveys/respond/fields/rating.html"
    result_template = "surveys/result_blocks/options.html"
    result_heading = "Оценка"
    shows_mean = True
    scored = True

    def parse(self, q, form):
        raw = form_value(form, q.name)
        value = parse_int(raw)
        out = Parsed(kept=raw if value in RATING_POINTS else None)
        if value not in RATING_POINTS:
            if q.required or raw:
                out.error = "Поставьте оценку от 1 до 5."
            return out
        out.answers.append((None, None, value))
        return out

    def summarise(self, q, tally, sizes):
        mean, n = mean_of(tally.by_value, 0)
        district_mean, district_n = mean_of(tally.by_value, 1)
        lines = []
        for point in POINTS_DESC:
            g, d = tally.by_value.get(point, [0, 0])
            lines.append(Line(str(point), g, share(g, n), d, share(d, district_n)))
        result = QuestionResult(q, n, district_n, lines, mean=mean, district_mean=district_mean)
        result.satisfied = satisfied_of(tally.by_value, 0)
        result.district_satisfied = satisfied_of(tally.by_value, 1)
        return result

    def chart_lines(self, result):
        return [(f"оценка {ln.label}", ln.share, ln.district_share) for ln in result.lines]

    def export_cells(self, q, answers):
        return [answers.values.get(q.id, "")]

    def demo_answers(self, q, maker, rng, mood, answers, texts):
        answers.append((q.id, None, None, maker.score(rng, mood - 0.05)))


@register
class Satisfaction(SingleChoice):
    """The five-point «Шкала У»; each option carries its score 5..1."""

    kind = "satisfaction"
    label = "Шкала удовлетворённости"  # «Шкала У», scored 5..1
    satisfied_label = "Удовлетворены (два верхних пункта)"
    has_options = False
    can_be_grade = False
    can_have_other = False
    scored = True
    fixed_options = (
        ("Полностью удовлетворён(а)", 5),
        ("Скорее удовлетворён(а)", 4),
        ("Затрудняюсь ответить", 3),
        ("Скорее не удовлетворён(а)", 2),
        ("Совсем не удовлетворён(а)", 1),
    )

    def options_error(self, lines, is_grade):
        return None

    def editor_options(self, lines, is_grade, allow_other):
        return QuestionType.editor_options(self, lines, is_grade, allow_other)

    def summarise(self, q, tally, sizes):
        result = super().summarise(q, tally, sizes)
        result.satisfied = satisfied_of(tally.by_value, 0)
        result.district_satisfied = satisfied_of(tally.by_value, 1)
        result.mean, _ = mean_of(tally.by_value, 0)
        result.district_mean, _ = mean_of(tally.by_value, 1)
        return result

    def demo_answers(self, q, maker, rng, mood, answers, texts):
        value = maker.score(rng, mood)
        option = next((o for o in q.options if o.value == value), q.options[0])
        answers.append((q.id, option.id, None, option.value))


@register
class Matrix(QuestionType):
    kind = "matrix"
    label = "Матрица оценок 1–5"  # rows, each rated 1–5
    field_template = "surveys/respond/fields/matrix.html"
    result_template = "surveys/result_blocks/matrix.html"
    has_rows = True
    scored = True
    chart_hint = "Доля оценок 4–5 по каждому пункту и средняя оценка."

    def rows_error(self, lines):
        if not lines:
            return "Добавьте хотя бы одну строку матрицы."
        if len(lines) > MAX_ROWS:
            return f"Не больше {MAX_ROWS} строк."
        if any(len(line) > 300 for line in lines):
            return "Строка не длиннее 300 знаков."
        return None

    def parse(self, q, form):
        kept = {}
        missing = 0
        out = Parsed(kept=kept)
        for row in q.rows:
            raw = form_value(form, f"{q.name}_r{row.id}")
            value = parse_int(raw)
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

    def summarise(self, q, tally, sizes):
        lines = []
        answered = district_answered = 0
        for row in q.rows:
            scores = tally.by_row.get(row.id, {})
            mean, n = mean_of(scores, 0)
            district_mean, district_n = mean_of(scores, 1)
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
                    satisfied=satisfied_of(scores, 0),
                    district_satisfied=satisfied_of(scores, 1),
                )
            )
        merged: dict[int, list[int]] = {}
        for scores in tally.by_row.values():
            for value, pair in scores.items():
                add_pair(merged, value, pair)
        result = QuestionResult(q, answered, district_answered, lines)
        result.mean, _ = mean_of(merged, 0)
        result.district_mean, _ = mean_of(merged, 1)
        result.satisfied = satisfied_of(merged, 0)
        result.district_satisfied = satisfied_of(merged, 1)
        return result

    def score_maps(self, tally):
        return list(tally.by_row.values())

    def index_items(self, q):
        items = []
        for i, row in enumerate(q.rows):
            mark = ROW_LETTERS[i] if i < len(ROW_LETTERS) else str(i + 1)
            items.append((row.id, f"{q.number}{mark}. {row.label}"))
        return items

    def chart_lines(self, result):
        return [
            (
                f"{line.label} (ср. {fmt_number(line.mean, 1)})" if line.mean else line.label,
                line.satisfied,
                line.district_satisfied,
            )
            for line in result.lines
        ]

    def export_columns(self, q):
        return [Column(f"{q.number}. {q.text} — {row.label}") for row in q.rows]

    def export_cells(self, q, answers):
        return [answers.rows.get(row.id, "") for row in q.rows]

    def demo_answers(self, q, maker, rng, mood, answers, texts):
        for i, row in enumerate(q.rows):
            answers.append((q.id, None, row.id, maker.row_score(rng, i, mood)))
