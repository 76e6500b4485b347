"""What every question type shares: the frozen structure the respondent path works on
(`QuestionSpec`), what a parsed answer is, the tallies and summaries results are made of,
an export column, and the `QuestionType` base class with every method a type may override.

See docs/question-types.md.
"""

from dataclasses import dataclass, field

from proforient.core.text import drop_controls
from proforient.surveys.limits import SATISFIED_MIN

RATING_POINTS = (1, 2, 3, 4, 5)
POINTS_DESC = tuple(reversed(RATING_POINTS))  # 5 … 1, best first

# kind → the type's single instance; filled by `register` as the type modules load.
REGISTRY: dict[str, "QuestionType"] = {}


# --- The questionnaire's structure, as the respondent path sees it -------------------------


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
        """The form field: `q<id>`; matrix rows `q<id>_r<row id>`, «Другое» `q<id>_other`."""
        return f"q{self.id}"

    @property
    def qtype(self) -> "QuestionType":
        return REGISTRY[self.kind]


# --- Reading a submitted form --------------------------------------------------------------


@dataclass
class Parsed:
    """What one question yielded from a submitted form."""

    kept: object = None  # what to show again if the form comes back with errors
    answers: list[tuple[int | None, int | None, int | None]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    error: str | None = None
    grade: int | None = None


def form_value(form, name: str) -> str | None:
    # MultiDict.get builds (and swallows) an exception for a missing key: costly per field.
    return form.get(name) if name in form else None


def form_text(form, name: str) -> str:
    """A free-text box as it is stored: no control characters, no surrounding blanks."""
    return drop_controls(form_value(form, name) or "").strip()


# --- Results: tallies in, summaries out ----------------------------------------------------


@dataclass
class Tally:
    """Aggregated answers of one question, for the chosen group and for the district."""

    by_option: dict[int, list[int]] = field(default_factory=dict)  # option → [group, district]
    by_value: dict[int, list[int]] = field(default_factory=dict)  # score → [group, district]
    by_row: dict[int, dict[int, list[int]]] = field(default_factory=dict)  # row → score → …


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


def share(part: int | float, whole: int | float) -> float | None:
    return part / whole if whole else None


def mean_of(scores: dict[int, list[int]], i: int) -> tuple[float | None, int]:
    """(mean score, answers) of column `i` (0 the group, 1 the district) of score → pair."""
    total = sum(pair[i] for pair in scores.values())
    if not total:
        return None, 0
    return sum(v * pair[i] for v, pair in scores.items()) / total, total


def satisfied_of(scores: dict[int, list[int]], i: int) -> float | None:
    """Share of answers scoring SATISFIED_MIN or more."""
    total = sum(pair[i] for pair in scores.values())
    top = sum(pair[i] for v, pair in scores.items() if v >= SATISFIED_MIN)
    return share(top, total)


def add_pair(target: dict, key, pair: list[int]) -> None:
    current = target.setdefault(key, [0, 0])
    current[0] += pair[0]
    current[1] += pair[1]


# --- Exports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 24


class ResponseAnswers:
    """One response's stored answers, grouped for writing its export row. Built once per
    exported response: a plain class with slots, as cheap as it gets."""

    __slots__ = ("chosen", "rows", "texts", "values")

    def __init__(self, answers: list, texts: dict[int, list[str]]):
        """`answers`: (question, option, row, value) rows of one response."""
        self.chosen: dict[int, list[int]] = {}  # question → options
        self.values: dict[int, int] = {}  # question → score
        self.rows: dict[int, int] = {}  # matrix row → score
        self.texts = texts  # question → texts
        for qid, option_id, row_id, value in answers:
            if row_id is not None:
                self.rows[row_id] = value
            elif option_id is not None:
                self.chosen.setdefault(qid, []).append(option_id)
            elif value is not None:
                self.values[qid] = value

    def text(self, question_id: int) -> str:
        return " / ".join(self.texts.get(question_id, []))


# --- The type ------------------------------------------------------------------------------


class QuestionType:
    """One kind of question. Subclasses set `kind` and `label` and override what differs."""

    kind: str  # the code stored in `question.kind`
    label: str  # its name in the editor
    # The editor: what the department fills in for a question of this type.
    has_options = False  # a list of options, one a line
    fixed_options: tuple[tuple[str, int], ...] = ()  # options the type brings itself
    has_rows = False
    can_be_grade = False  # may be the [grade] question
    can_have_other = False  # may offer «Другое: ___»
    has_max_choices = False
    scored = False  # answers carry a 1..5 score (can be [index])
    # The respondent's form: the template of one question's field, given `q` (the
    # QuestionSpec), `v` (what `parse` kept, or None) and `errors`.
    field_template = ""
    # The results page: the block of figures (given `q`, `qr` the QuestionResult, `res`
    # the Results), or "" for none; free text is listed under it when the type takes it.
    result_template = ""
    free_text = False  # the answer itself is text (not only «Другое»)
    result_heading = "Вариант"  # the first column of the options' table
    shows_mean = False  # the mean score under the table
    satisfied_label = "Оценки 4–5"  # the share of the top two points under the table
    # The PDF reports' chart.
    charted = True  # drawn as bars in the PDF reports
    chart_hint = ""  # the line under the chart's caption

    @property
    def label(self) -> str:
        return self.label

    # Editor settings --------------------------------------------------------------------

    def options_error(self, lines: list[str], is_grade: bool) -> str | None:
        """What is wrong with the option lines typed in the editor, if anything."""
        return None

    def rows_error(self, lines: list[str]) -> str | None:
        return None

    def editor_options(
        self, lines: list[str], is_grade: bool, allow_other: bool
    ) -> list[tuple[str, int | None, bool]]:
        """(label, value, is_other) of the options a question of this type stores."""
        return [(label, value, False) for label, value in self.fixed_options]

    # The respondent's form ------------------------------------------------------------

    def parse(self, q: QuestionSpec, form) -> Parsed:  # pragma: no cover - abstract
        raise NotImplementedError

    # Results ----------------------------------------------------------------------------

    def summarise(self, q: QuestionSpec, tally: Tally, sizes: tuple[int, int]) -> QuestionResult:
        """Lines, means and shares of one question; `sizes`: responses of the group and of
        the district."""
        return QuestionResult(q)

    def score_maps(self, tally: Tally) -> list[dict[int, list[int]]]:
        """The score → [group, district] counts the satisfaction level adds up."""
        return [tally.by_value]

    def index_items(self, q: QuestionSpec) -> list[tuple[int | None, str]]:
        """(row id, label) of the per-school index columns of an [index] question."""
        return [(None, f"{q.number}. {q.text}")]

    def chart_lines(self, result: QuestionResult) -> list[tuple[str, float | None, float | None]]:
        """(label, group value, district value) of the PDF chart's bars."""
        return [(line.label, line.share, line.district_share) for line in result.lines]

    # Exports ------------------------------------------------------------------------------

    def export_columns(self, q: QuestionSpec) -> list[Column]:
        return [Column(f"{q.number}. {q.text}")]

    def export_cells(self, q: QuestionSpec, answers: ResponseAnswers) -> list:
        """One cell per column of `export_columns`, in the same order."""
        raise NotImplementedError  # pragma: no cover - abstract

    # Demo data ----------------------------------------------------------------------------

    def demo_answers(self, q: QuestionSpec, maker, rng, mood: float, answers, texts) -> None:
        """Append a made-up respondent's (question, option, row, value) answers and
        (question, text) texts. `maker` supplies the demo's random choices (`score`,
        `pick_option`, `pick_options`, `free_text`); `mood` 0..1 is how happy they are."""
        raise NotImplementedError  # pragma: no cover - abstract


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator: the type answers for its kind from now on."""
    REGISTRY[cls.kind] = cls()
    return cls
