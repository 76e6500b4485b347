"""Question types: each class owns everything about its kind of question — the editor's
settings, reading and checking a submitted answer, summarising the tallies for results,
its export columns and cells, its bars in the PDF reports and the demo's answers.

`REGISTRY` maps a stored kind code (`models.QuestionKind`) to the type; code elsewhere asks
`q.qtype` (or `REGISTRY[kind]`) and never branches on the kind. How to add a type:
docs/question-types.md.

    base    the base class, the frozen question structure, parsed answers, tallies
    choice  single and multiple choice, the satisfaction scale
    scale   a 1–5 rating, a matrix of rated rows
    text    short free text
"""

from proforient.surveys.models import QuestionKind
from proforient.surveys.qtypes import choice, scale, text  # noqa: F401 - registers the types
from proforient.surveys.qtypes.base import (
    POINTS_DESC,
    RATING_POINTS,
    REGISTRY,
    Column,
    Line,
    OptionSpec,
    Parsed,
    QuestionResult,
    QuestionSpec,
    QuestionType,
    ResponseAnswers,
    RowSpec,
    Tally,
)
from proforient.surveys.qtypes.choice import OTHER_LABEL, grade_of_label


def kind_choices() -> list[tuple[str, str]]:
    """(code, label) of every type for the editor's select, in `QuestionKind` order."""
    return [(kind.value, kind.label) for kind in QuestionKind if kind in REGISTRY]


__all__ = [
    "OTHER_LABEL",
    "POINTS_DESC",
    "RATING_POINTS",
    "REGISTRY",
    "Column",
    "Line",
    "OptionSpec",
    "Parsed",
    "QuestionResult",
    "QuestionSpec",
    "QuestionType",
    "ResponseAnswers",
    "RowSpec",
    "Tally",
    "grade_of_label",
    "kind_choices",
]
